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


#: Documents with more tokens are shown as the sentences that hold a hit (a speech of 25,000 words
#: would make a notebook of megabytes and no reader scrolls through it).
MAX_FULL_TOKENS = 2500


def _sentences_with_hits(doc: Doc, spans: list[dict]) -> tuple[list[str], list[dict]]:
    """Tokens of the sentences that hold a hit (``…`` between gaps) and the spans re-indexed to them."""
    keep: list[tuple[int, int]] = []
    for sent in doc.sents:
        if any(s["start_token"] < sent.end and s["end_token"] > sent.start for s in spans):
            if keep and keep[-1][1] >= sent.start:
                keep[-1] = (keep[-1][0], max(keep[-1][1], sent.end))
            else:
                keep.append((sent.start, sent.end))
    tokens: list[str] = []
    offset: dict[int, int] = {}
    for start, end in keep:
        if tokens or start > 0:
            tokens.append("…")
        for i in range(start, end):
            offset[i] = len(tokens)
            tokens.append(doc[i].text)
    if keep and keep[-1][1] < len(doc):
        tokens.append("…")
    moved = [{**s, "start_token": offset[s["start_token"]], "end_token": offset[s["end_token"] - 1] + 1}
             for s in spans if s["start_token"] in offset and s["end_token"] - 1 in offset]
    return tokens, moved


def show_evidence(doc: Doc, evidence, *, jupyter: bool | None = None, categories: Iterable[str] | None = None,
                  palette: Palette | None = None, info: Mapping | None = None, max_tokens: int = MAX_FULL_TOKENS):
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
        max_tokens: a longer document is shown as the sentences that hold a
            hit, ``…`` marking what was skipped (the title says so).

    Returns:
        The HTML string when not rendering inline, else None.
    """
    spans = evidence_spans(doc, evidence)
    if categories is not None:
        keep = set(categories)
        spans = [s for s in spans if s["_cat"] in keep]
    colors = category_colors((s["_cat"] for s in spans), palette or default_palette(info))
    label_colors = {s["label"]: colors[s["_cat"]] for s in spans}
    title = doc_id_of(doc) or ""
    tokens = [t.text for t in doc]
    if len(doc) > max_tokens:
        tokens, spans = _sentences_with_hits(doc, spans)
        title = f"{title} ({len(doc):,} tokens: only the sentences with a hit are shown)".strip()
    data = {
        "text": doc.text,
        "tokens": tokens,
        "spans": [{k: v for k, v in s.items() if k != "_cat"} for s in spans],
        "title": title or None,
    }
    html = displacy.render(data, style="span", manual=True, jupyter=False, options={"colors": label_colors})
    html = _label_ink(html, label_colors.values())
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display

        display(HTML(html))
        return None
    return html
