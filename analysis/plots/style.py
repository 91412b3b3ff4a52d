"""What every figure shares: matplotlib style, caption line, document fills.

Figures are built with the object-oriented API (no pyplot state) under
:data:`STYLE` (:func:`styled`), each with the caption line naming the corpus,
the codebook and the kit's version (:func:`new_figure`, :func:`caption_text`).
"""
from __future__ import annotations

import functools
from typing import Callable

import matplotlib as mpl
from matplotlib.figure import Figure

from .._version import __version__

__all__ = [
    "STYLE",
    "CAPTION_INCHES",
    "DOCUMENT_FILL",
    "DOCUMENT_EDGE",
    "DOCUMENT_ERROR",
    "caption_text",
    "new_figure",
    "draw_empty",
    "ordered",
    "styled",
]

#: rcParams used for every figure (fonts, sizes, deterministic SVG ids).
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "discourse-kit",
    "svg.fonttype": "path",
    "savefig.dpi": 150,
    "figure.dpi": 100,
}
#: height of the caption line at the bottom of every figure
CAPTION_INCHES = 0.28


#: fill and outline of a document's bars (documents are told apart by hatching, not colour)
DOCUMENT_FILL = "white"
DOCUMENT_EDGE = "0.25"
DOCUMENT_ERROR = "0.45"


def caption_text(info: dict | None = None) -> str:
    """The caption line: corpus (path, size, hash), codebook id/version, kit version.

    ``info`` is the ``run.json`` dict (:func:`analysis.app.run.run`); missing parts are left out.
    """
    info = info or {}
    parts = []
    corpus = info.get("corpus") or {}
    if corpus:
        sha = str(corpus.get("sha256", ""))[:12]
        n = corpus.get("n_documents")
        desc = f"corpus: {corpus.get('path', '?')}"
        extra = ", ".join(x for x in (f"{n} documents" if n is not None else "", f"sha256 {sha}" if sha else "") if x)
        parts.append(f"{desc} ({extra})" if extra else desc)
    codebook = info.get("codebook") or {}
    if codebook:
        parts.append(f"codebook: {codebook.get('id', '?')} v{codebook.get('version', '?')}")
    parts.append(f"discourse-kit {info.get('version', __version__)}")
    return " · ".join(parts)


def new_figure(width: float, height: float, info: dict | None) -> Figure:
    """A constrained-layout figure with the caption line reserved at the bottom."""
    fig = Figure(figsize=(width, height), layout="constrained")
    bottom = CAPTION_INCHES / height
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.005, 0.006, caption_text(info), fontsize=6.5, color="0.35", ha="left", va="bottom")
    return fig


def draw_empty(ax, message: str) -> None:
    """Write ``message`` in the middle of an axes that has nothing to show."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def ordered(values) -> list[str]:
    """Unique values in order of first appearance (tables keep codebook/corpus order)."""
    return list(dict.fromkeys(str(v) for v in values))


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw the whole figure under :data:`STYLE` (tick labels read rcParams when drawn)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> Figure:
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper
