"""Show evidence in a notebook: displaCy ``span`` highlights labelled by category.

:func:`show_evidence` never modifies the Doc: it hands displaCy a manual
rendering dict (tokens + spans), so overlapping hits of different categories
are drawn as stacked underlines, each labelled with its category.
"""
from __future__ import annotations

from typing import Iterable

from spacy import displacy
from spacy.tokens import Doc

from ..nlp.docarrays import doc_id_of

__all__ = ["show_evidence", "evidence_spans", "category_colors"]

_PALETTE = [
    "#fbb4ae", "#b3cde3", "#ccebc5", "#decbe4", "#fed9a6", "#ffffcc",
    "#e5d8bd", "#fddaec", "#f2f2f2", "#b3e2cd", "#fdcdac", "#cbd5e8",
]


def category_colors(categories: Iterable[str]) -> dict[str, str]:
    """A fixed pastel colour per category, in the order given (cycled after 12)."""
    return {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(dict.fromkeys(categories))}


def _records(evidence, doc_id: str) -> list[dict]:
    if hasattr(evidence, "to_dict"):  # a DataFrame
        evidence = evidence.to_dict("records")
    return [r for r in evidence if not doc_id or str(r.get("doc_id", doc_id)) == doc_id]


def evidence_spans(doc: Doc, evidence) -> list[dict]:
    """The displaCy manual ``spans`` (start_token, end_token, label) for this Doc's evidence."""
    spans = []
    for r in _records(evidence, doc_id_of(doc)):
        span = doc.char_span(int(r["start_char"]), int(r["end_char"]), alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        label = str(r["category"])
        if r.get("target"):
            label += f" → {r['target']}"
        spans.append({"start_token": span.start, "end_token": span.end, "label": label, "_cat": str(r["category"])})
    spans.sort(key=lambda s: (s["start_token"], -s["end_token"]))
    return spans


def show_evidence(doc: Doc, evidence, *, jupyter: bool | None = None, categories: Iterable[str] | None = None):
    """Highlight a Doc's evidence with displaCy's ``span`` style, one label per hit.

    Args:
        doc: the parsed Doc the evidence was taken from.
        evidence: evidence records or the evidence DataFrame (rows of other
            documents are ignored).
        jupyter: render inline in a notebook (default: detect); ``False`` returns HTML.
        categories: only show these categories (default: all).

    Returns:
        The HTML string when not rendering inline, else None.
    """
    spans = evidence_spans(doc, evidence)
    if categories is not None:
        keep = set(categories)
        spans = [s for s in spans if s["_cat"] in keep]
    colors = category_colors(s["_cat"] for s in spans)
    label_colors = {s["label"]: colors[s["_cat"]] for s in spans}
    data = {
        "text": doc.text,
        "tokens": [t.text for t in doc],
        "spans": [{k: v for k, v in s.items() if k != "_cat"} for s in spans],
        "title": doc_id_of(doc) or None,
    }
    return displacy.render(data, style="span", manual=True, jupyter=jupyter, options={"colors": label_colors})
