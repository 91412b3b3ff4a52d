"""Layer 5, plots: tables in, figures out, one palette for every figure.

* :mod:`~analysis.plots.palette` -- the fixed colours of voices, camps and categories;
* :mod:`~analysis.plots.style` -- matplotlib style and the caption line every figure carries;
* :mod:`~analysis.plots.aggregate` -- top N by count plus a pooled "others": figures of 2 to 2,000 documents;
* :mod:`~analysis.plots.figures` -- the ``plot_*`` functions (a table in, a Figure out;
  :mod:`~analysis.plots.attribution_chart` holds the attribution chart);
* :mod:`~analysis.plots.trends` -- rates over time, one line with interval band per group;
* :mod:`~analysis.plots.save` -- every figure of a run as PNG and SVG, byte-identical;
* :mod:`~analysis.plots.display` -- evidence highlighted in a notebook (displaCy).
"""
from __future__ import annotations

from .display import show_evidence
from .figures import (
    plot_attributions,
    plot_category_rates,
    plot_dispersion,
    plot_heatmap,
    plot_keyness,
    plot_sentiment_arc,
)
from .palette import Palette, default_palette, run_palette
from .save import save_all_figures, save_figure
from .trends import plot_trend

__all__ = [
    "plot_category_rates",
    "plot_heatmap",
    "plot_dispersion",
    "plot_sentiment_arc",
    "plot_attributions",
    "plot_keyness",
    "plot_trend",
    "save_figure",
    "save_all_figures",
    "Palette",
    "default_palette",
    "run_palette",
    "show_evidence",
]
