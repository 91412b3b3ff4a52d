"""What every figure shares: matplotlib style, caption line, document fills, inline display.

Figures are built with the object-oriented API (no pyplot state) under
:data:`STYLE` (:func:`styled`), each with the caption line naming the corpus,
the codebook and the kit's version (:func:`new_figure`, :func:`caption_text`).

A figure made without pyplot is unknown to the notebook's inline backend:
IPython only learns to show :class:`matplotlib.figure.Figure` objects as images
once pyplot has loaded ``matplotlib_inline`` (which the kit never does), and
otherwise prints the text ``<Figure size 1680x1005 with 2 Axes>``. Every figure
of the kit is therefore a :class:`KitFigure`, which carries its own PNG
representation (:meth:`KitFigure._repr_png_`): it shows inline in JupyterLab,
in executed notebooks and in their HTML export, whatever the backend, and its
layout is frozen when it is built (:func:`freeze_layout`), so the picture
shown in a notebook is the picture written to file.
"""
from __future__ import annotations

import functools
import hashlib
import io
import textwrap
from typing import Callable

import matplotlib as mpl
from matplotlib.figure import Figure

from .._version import __version__
from ..paths import DEFAULT_CODEBOOK

__all__ = [
    "STYLE",
    "CAPTION_INCHES",
    "DOCUMENT_FILL",
    "DOCUMENT_EDGE",
    "DOCUMENT_ERROR",
    "caption_text",
    "set_note",
    "bundled_codebook_sha256",
    "KitFigure",
    "freeze_layout",
    "png_bytes",
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
    "text.parse_math": False,  # labels come from user data (a doc_id "$x$"): never read as maths markup
    "svg.fonttype": "path",
    "savefig.dpi": 150,
    "figure.dpi": 100,
}
#: height of one caption line at the bottom of every figure (6.5 pt text)
CAPTION_INCHES = 0.115


#: fill and outline of a document's bars (documents are told apart by hatching, not colour)
DOCUMENT_FILL = "white"
DOCUMENT_EDGE = "0.25"
DOCUMENT_ERROR = "0.45"


@functools.lru_cache(maxsize=1)
def bundled_codebook_sha256() -> str:
    """sha256 of the bundled codebook file (the one a run uses when none is given)."""
    try:
        return hashlib.sha256(DEFAULT_CODEBOOK.read_bytes()).hexdigest()
    except OSError:  # an installed package without its codebook: nothing to compare with
        return ""


def caption_text(info: dict | None = None) -> str:
    """The provenance line: corpus (path, size, hash), codebook id/version, kit version.

    ``info`` is the ``run.json`` dict (:func:`analysis.app.run.run`); missing parts
    are left out. A codebook whose content differs from the bundled file is shown
    with the start of its sha256 even when its ``id`` and ``version`` are unchanged
    (an edited copy that kept the header), so two figures made with different
    rules can never carry the same caption.
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
        text = f"codebook: {codebook.get('id', '?')} v{codebook.get('version', '?')}"
        sha = str(codebook.get("sha256") or "")
        if sha and sha != bundled_codebook_sha256():
            text += f" (not the bundled file: sha256 {sha[:12]})"
        parts.append(text)
    parts.append(f"discourse-kit {info.get('version', __version__)}")
    return " · ".join(parts)


#: characters of caption text per inch of figure width (6.5 pt DejaVu Sans)
_CAPTION_CHARS_PER_INCH = 19.5


def _wrap(text: str, width_inches: float) -> list[str]:
    width = max(int(width_inches * _CAPTION_CHARS_PER_INCH), 40)
    return [line for para in text.split("\n") for line in (textwrap.wrap(para, width) or [""])]


def set_note(fig: Figure, text: str) -> None:
    """Write the caption's first lines: what is plotted, the interval method, N, what was pooled or left out.

    The text is wrapped to the figure's width above the provenance line of
    :func:`new_figure`, and the space the layout leaves for the caption grows
    to fit. Call it before the figure is laid out (inside a ``plot_*`` function).
    """
    width, height = fig.get_size_inches()
    lines = _wrap(" ".join(text.split()), width - 0.1) if text.strip() else []
    note = getattr(fig, "_kit_note", None)
    if note is None:
        return
    note.set_text("\n".join(lines))
    provenance_lines = getattr(fig, "_kit_caption_lines", 1)
    bottom = (CAPTION_INCHES * (provenance_lines + len(lines)) + 0.04) / height
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def freeze_layout(fig: Figure) -> None:
    """Run the constrained layout once, round the axes positions, then switch it off.

    The layout solver's floating-point results can differ in the last digits
    between processes; SVG clip-path ids hash those numbers, so without
    rounding two runs could give different bytes. Laying out under
    :data:`STYLE` also creates every tick label at the style's size, so the
    figure looks the same whoever draws it later (a file, the notebook).
    """
    if fig.get_layout_engine() is None:
        return
    with mpl.rc_context(STYLE):
        fig.set_dpi(STYLE["savefig.dpi"])  # lay out at the resolution the files are written at
        fig.draw_without_rendering()
        positions = [(ax, [round(float(v), 6) for v in ax.get_position().bounds]) for ax in fig.axes]
        fig.set_layout_engine("none")
        for ax, bounds in positions:
            ax.set_position(bounds)


def png_bytes(fig: Figure, *, title: str = "") -> bytes:
    """The figure as PNG bytes at :data:`STYLE`'s resolution, with fixed metadata (no software, no date)."""
    freeze_layout(fig)
    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        fig.savefig(buffer, format="png", metadata={"Software": None, "Title": title or None})
    return buffer.getvalue()


class KitFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself as an image in Jupyter.

    IPython displays an object as PNG when it has ``_repr_png_``; a plain
    Figure has none (pyplot's inline backend registers one only after pyplot
    is used), so without this a notebook shows ``<Figure size ...>``. The PNG
    is the one :func:`analysis.plots.save.save_figure` writes, displayed at
    :data:`STYLE`'s screen size (``figure.dpi``) and sharp on high-density screens.
    """

    def _repr_png_(self):
        data = png_bytes(self)
        width, height = self.get_size_inches()
        scale = STYLE["figure.dpi"]
        return data, {"width": int(round(width * scale)), "height": int(round(height * scale))}


def new_figure(width: float, height: float, info: dict | None, note: str = "") -> KitFigure:
    """A constrained-layout :class:`KitFigure` with its caption reserved at the bottom.

    The caption is the ``note`` (what is plotted, interval method, N; see
    :func:`set_note`) above the provenance line (:func:`caption_text`).
    """
    fig = KitFigure(figsize=(width, height), layout="constrained")
    lines = _wrap(caption_text(info), width - 0.1)
    fig._kit_caption_lines = len(lines)
    fig.text(0.005, 0.04 / height, "\n".join(lines), fontsize=6.5, color="0.35", ha="left", va="bottom")
    fig._kit_note = fig.text(0.005, (0.04 + CAPTION_INCHES * len(lines)) / height, "", fontsize=6.5,
                             color="0.1", ha="left", va="bottom")
    set_note(fig, note)
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
            fig = func(*args, **kwargs)
            freeze_layout(fig)  # the layout (and every tick label) fixed under the style, once
            return fig

    return wrapper
