"""Rates over time: one line per group with its interval as a band (:func:`plot_trend`).

The table is :func:`analysis.tables.groups.features_over_time`: pooled counts,
word tokens, rates per 1,000 word tokens and exact Poisson intervals per
group, period and category. One panel per category (shared y axis, so the
panels compare), one line per group. Groups named like a camp take the
camp's colour (:mod:`analysis.plots.palette`: russia vermillion, west blue,
other bluish green); other groups take the Okabe–Ito colours in group order,
each with its own marker, so the lines stay apart in grey print too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..errors import KitError
from ..tables.groups import ALL_CATEGORIES, MISSING_GROUP
from .palette import CAMPS, Palette, default_palette
from .style import draw_empty, new_figure, ordered, styled

__all__ = ["GROUP_COLORS", "GROUP_MARKERS", "plot_trend"]

#: Okabe–Ito colours for groups that are not camps, in group order (colour-blind safe).
GROUP_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#F0E442")
#: Markers cycled with the colours (a ninth group gets the first colour with another marker).
GROUP_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")


def _group_styles(groups: list[str], palette: Palette) -> dict[str, dict]:
    styles = {}
    free = 0
    for i, group in enumerate(groups):
        color = palette.color_of(group) if group.lower() in ("russia", "west", "other") else None
        if color is None:
            color = GROUP_COLORS[free % len(GROUP_COLORS)]
            free += 1
        styles[group] = {"color": color, "marker": GROUP_MARKERS[i % len(GROUP_MARKERS)]}
    return styles


@styled
def plot_trend(
    trend: pd.DataFrame,
    *,
    categories: list[str] | None = None,
    max_panels: int = 6,
    info: dict | None = None,
    palette: Palette | None = None,
    title: str | None = None,
    bands: bool | None = None,
) -> Figure:
    """Rates per period as lines with interval bands, one line per group, one panel per category.

    Args:
        trend: a :func:`~analysis.tables.groups.features_over_time` table.
        categories: the categories to draw, in this order. Default: the
            ``(all categories)`` total when the table has it, else the
            ``max_panels`` categories with the most hits (the caption says how
            many were left out), never simply the first ones.
        max_panels: most panels drawn when ``categories`` is not given.
        info: the run's ``run.json`` dict, for the caption line.
        palette: colours (default: :func:`~analysis.plots.palette.default_palette`).
        title: the figure title (default: says what is plotted).
        bands: draw the intervals as shaded bands (default with up to 4 groups);
            otherwise as vertical lines, dodged a little per group, which stay
            readable when many groups overlap.

    Returns:
        A Figure. Periods without a usable date (``(missing)``) are not drawn;
        a period where a group has no word tokens leaves a gap in its line. The
        bands are the exact (Garwood) 95% Poisson intervals of the table; the
        note under the panels gives the documents and word tokens drawn.
    """
    needed = {"group", "period", "category", "count", "n_tokens", "rate_per_1000", "ci_low", "ci_high"}
    if not isinstance(trend, pd.DataFrame) or needed - set(trend.columns):
        raise KitError("plot_trend needs a features_over_time table (columns " + ", ".join(sorted(needed)) + ")")
    palette = palette or default_palette(info)
    rows = trend[trend["period"].astype(str) != MISSING_GROUP]
    by = str(trend["by"].iloc[0]) if len(trend) and "by" in trend else "all"
    present = ordered(rows["category"])
    left_out = 0
    if categories is None:
        if ALL_CATEGORIES in present:
            categories = [ALL_CATEGORIES]
        else:
            hits = rows.groupby("category", sort=False)["count"].sum()
            ranked = sorted(present, key=lambda c: (-int(hits.get(c, 0)), present.index(c)))
            categories = [c for c in present if c in set(ranked[:max_panels])]
            left_out = len(present) - len(categories)
    else:
        unknown = [c for c in categories if c not in present]
        if unknown:
            raise KitError(f"plot_trend: no category {unknown[0]!r} in the table (categories: {', '.join(present)})")
    periods = sorted(set(rows["period"].astype(str)))  # ISO labels sort chronologically
    groups = ordered(rows["group"].astype(str))
    camp_rank = {c: i for i, c in enumerate(CAMPS)}
    if groups and all(g in camp_rank or g == MISSING_GROUP for g in groups):  # camps in their usual order
        groups = sorted(groups, key=lambda g: camp_rank.get(g, len(CAMPS)))
    styles = _group_styles(groups, palette)
    n_panels = max(len(categories), 1)
    ncols = 1 if n_panels == 1 else 2 if n_panels <= 4 else 3
    nrows = -(-n_panels // ncols)
    width = max(6.5, 1.0 + 0.55 * len(periods) * ncols)
    fig = new_figure(min(width, 13.0), 1.2 + 2.4 * nrows, info)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    period_label = str(trend["period"].iloc[0]) if len(trend) else ""
    unit = "quarter" if "-Q" in period_label else "month" if len(period_label) == 7 else "year"
    what = f" and {by}" if by != "all" else ""
    fig.suptitle(title or f"Rate per 1,000 word tokens by {unit}{what}", fontsize=10)
    x = np.arange(len(periods))
    bands = len(groups) <= 4 if bands is None else bands
    dodge = 0.0 if bands or len(groups) < 2 else min(0.3, 0.6 / len(groups))
    for ax, category in zip(axes, categories):
        part = rows[rows["category"].astype(str) == category]
        for group in groups:
            g = part[part["group"].astype(str) == group]
            g = g.set_index(g["period"].astype(str))
            rate = np.array([float(g["rate_per_1000"].get(p, np.nan)) for p in periods])
            lo = np.array([float(g["ci_low"].get(p, np.nan)) for p in periods])
            hi = np.array([float(g["ci_high"].get(p, np.nan)) for p in periods])
            st = styles[group]
            shift = x + dodge * (groups.index(group) - (len(groups) - 1) / 2)
            if bands:
                ax.fill_between(shift, lo, hi, color=st["color"], alpha=0.15, linewidth=0)
            else:
                ax.vlines(shift, lo, hi, color=st["color"], alpha=0.6, linewidth=1.0)
            ax.plot(shift, rate, color=st["color"], marker=st["marker"], markersize=4, linewidth=1.6)
        ax.set_title("all categories together" if category == ALL_CATEGORIES else category, fontsize=9, loc="left")
        ax.set_xticks(x, periods, rotation=45 if len(periods) > 8 else 0, ha="right" if len(periods) > 8 else "center")
        ax.grid(axis="y", color="0.9", linewidth=0.6)
    if categories:
        axes[0].set_ylim(bottom=0)  # after every line is drawn: the shared axis keeps its top
    for ax in axes[:len(categories):ncols]:
        ax.set_ylabel("per 1,000 word tokens")
    for ax in axes[len(categories):]:
        ax.set_visible(False)
    if not len(rows) or not categories:
        draw_empty(axes[0], "no dated documents")
        return fig
    drawn = rows.drop_duplicates(["group", "period"])
    shown = "bands" if bands else "vertical lines"
    note = f"{int(drawn['n_tokens'].sum()):,} word tokens; {shown}: exact 95% Poisson intervals"
    if "n_documents" in drawn:
        note = f"{int(drawn['n_documents'].sum())} documents, " + note
    if left_out:
        note += f"; {len(categories)} of {len(present)} categories shown (most hits)"
    n_missing = trend[trend["period"].astype(str) == MISSING_GROUP]
    if len(n_missing) and "n_documents" in n_missing:
        note += f"; {int(n_missing.drop_duplicates(['group'])['n_documents'].sum())} undated documents left out"
    handles = [Line2D([], [], color=styles[g]["color"], marker=styles[g]["marker"], label=g) for g in groups]
    top_right = axes[min(ncols, len(categories)) - 1]  # an axes legend: the layout makes room for it
    top_right.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                     title=by if by != "all" else None, alignment="left")
    bottom_left = axes[(nrows - 1) * ncols] if (nrows - 1) * ncols < len(categories) else axes[0]
    bottom_left.set_xlabel(note, loc="left", fontsize=7, color="0.3")
    return fig
