"""Figures to files: every figure of a run, as PNG and SVG, byte-identical across runs.

Fixed metadata (no dates, no software version in the files), a fixed SVG hash
salt, fixed fonts (DejaVu Sans, shipped with matplotlib), axes positions
rounded and frozen, and a fixed order of everything drawn: same tables, same
bytes.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from ..io import atomic_write
from .figures import (
    plot_attributions,
    plot_category_rates,
    plot_dispersion,
    plot_heatmap,
    plot_keyness,
    plot_sentiment_arc,
)
from .palette import Palette, run_palette
from .style import STYLE, freeze_layout

__all__ = ["FIGURES", "freeze_layout", "save_figure", "save_all_figures"]


def save_figure(fig: Figure, folder: str | os.PathLike, name: str) -> list[Path]:
    """Write ``<folder>/<name>.png`` and ``.svg`` atomically, with fixed metadata.

    Same figure, same bytes: no creation date, no software string, a fixed
    SVG hash salt (see :data:`STYLE`), axes positions rounded and frozen
    before saving (the figure's layout engine is switched off).
    """
    folder = Path(folder)
    title = name.replace("_", " ")
    out = []
    with mpl.rc_context(STYLE):
        freeze_layout(fig)
        for fmt, metadata in (
            ("png", {"Software": None, "Title": title}),
            ("svg", {"Date": None, "Creator": None, "Title": title}),
        ):
            path = folder / f"{name}.{fmt}"
            atomic_write(path, lambda p, f=fmt, m=metadata: fig.savefig(p, format=f, metadata=m))
            out.append(path)
    return out


#: Figures made by :func:`save_all_figures`: name -> (tables needed, builder(tables, info, palette)).
FIGURES: dict[str, tuple[tuple[str, ...], Callable[[dict, dict, Palette], Figure]]] = {
    "category_rates": (("features",), lambda t, i, p: plot_category_rates(t["features"], info=i, palette=p)),
    "category_heatmap": (("features",), lambda t, i, p: plot_heatmap(t["features"], info=i, palette=p)),
    "dispersion": (("evidence",),
                   lambda t, i, p: plot_dispersion(t["evidence"], t.get("documents"), info=i, palette=p)),
    "sentiment_arc": (("sentiment",), lambda t, i, p: plot_sentiment_arc(t["sentiment"], info=i, palette=p)),
    "attributions": (("attributions",), lambda t, i, p: plot_attributions(t["attributions"], info=i, palette=p)),
    "keyness": (("keyness",), lambda t, i, p: plot_keyness(t["keyness"], info=i, palette=p)),
}


def save_all_figures(tables: dict[str, pd.DataFrame], folder: str | os.PathLike, *, info: dict,
                     palette: Palette | None = None) -> list[Path]:
    """Draw and save every figure of :data:`FIGURES` whose tables are present.

    Args:
        tables: the run's tables (:func:`analysis.app.run.build_tables`).
        folder: where to write ``<name>.png`` and ``<name>.svg``.
        info: the ``run.json`` dict (caption: corpus, codebook, version).
        palette: the colours of every figure (default:
            :func:`analysis.plots.palette.run_palette` of ``tables``, one for all figures).

    Returns:
        The files written, in :data:`FIGURES` order (PNG before SVG).
    """
    palette = palette or run_palette(tables, info)
    written: list[Path] = []
    for name, (needs, build) in FIGURES.items():
        if not all(k in tables and tables[k] is not None for k in needs):
            continue
        fig = build(tables, info, palette)
        written += save_figure(fig, folder, name)
    return written
