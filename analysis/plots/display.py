"""Show evidence in a notebook: displaCy ``span`` highlights labelled by category.

:func:`show_evidence` never modifies the Doc: it hands displaCy a manual
rendering dict (tokens + spans), so overlapping hits of different categories
are drawn as stacked underlines, each labelled with its category. Each
category has the colour it has in every figure (:class:`analysis.plots.palette.Palette`),
its label written in black or white, whichever reads on that colour.
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from spacy import displacy
from spacy.tokens import Doc
from spacy.util import is_in_jupyter

from ..nlp.docarrays import doc_id_of
from .palette import Palette, default_palette, ink_for

__all__ = ["show_evidence", "evidence_spans", "category_colors"]

def category_colors(categories: Iterable[str], palette: Palette | None = None) -> dict[str, str]:
    """Each category's colour in the figures (by codebook position; default: the bundled codebook's palette)."""
    palette = palette or default_palette()
    return {c: palette.category_color(c) for c in dict.fromkeys(str(c) for c in categories)}


def _label_ink(html: str, colors: Iterable[str]) -> str:
    """displaCy writes every label in black; on a dark category colour use white."""
    for color in dict.fromkeys(colors):
        ink = "#fff" if ink_for(color) == "white" else "#000"
        html = re.sub(rf"(background: {re.escape(color)}; z-index: 10; color: )#000;", rf"\g<1>{ink};", html)
    return html


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


def show_evidence(doc: Doc, evidence, *, jupyter: bool | None = None, categories: Iterable[str] | None = None,
                  palette: Palette | None = None, info: Mapping | None = None):
    """Highlight a Doc's evidence with displaCy's ``span`` style, one label per hit.

    Args:
        doc: the parsed Doc the evidence was taken from.
        evidence: evidence records or the evidence DataFrame (rows of other
            documents are ignored).
        jupyter: render inline in a notebook (default: detect); ``False`` returns HTML.
        categories: only show these categories (default: all).
        palette: the colours of the figures (default: :func:`analysis.plots.palette.default_palette`
            of ``info``, i.e. the codebook named there or the bundled one).
        info: the ``run.json``-like dict of the analysis (the notebooks' ``info``).

    Returns:
        The HTML string when not rendering inline, else None.
    """
    spans = evidence_spans(doc, evidence)
    if categories is not None:
        keep = set(categories)
        spans = [s for s in spans if s["_cat"] in keep]
    colors = category_colors((s["_cat"] for s in spans), palette or default_palette(info))
    label_colors = {s["label"]: colors[s["_cat"]] for s in spans}
    data = {
        "text": doc.text,
        "tokens": [t.text for t in doc],
        "spans": [{k: v for k, v in s.items() if k != "_cat"} for s in spans],
        "title": doc_id_of(doc) or None,
    }
    html = displacy.render(data, style="span", manual=True, jupyter=False, options={"colors": label_colors})
    html = _label_ink(html, label_colors.values())
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display

        display(HTML(html))
        return None
    return html
