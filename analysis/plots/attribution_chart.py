"""The attribution chart: who speaks, how, and who is said to speak for whom.

:func:`plot_attributions` draws resolved speakers only, the top N by count
with the rest pooled (:mod:`analysis.plots.aggregate`), bubble areas
proportional to the counts with a scale, and the layers of attribution
(authority invoked, mouthpiece and principal) as arrows. Re-exported by
:mod:`analysis.plots.figures`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..extract.records import ATTRIBUTION_KINDS
from .aggregate import Selection, plural, rank_groups
from .palette import UNRESOLVED_COLOR, Palette, default_palette, ink_for
from .style import STYLE, draw_empty, new_figure, set_note, styled

__all__ = ["BUBBLE_MAX_AREA", "plot_attributions"]



_CAMP_LABELS = {"narrator": "narrator", "camp unknown": "camp unknown\n(not in the gazetteer)",
                "unresolved": "speaker unresolved / no source named"}


#: area (points²) of the largest bubble of the attribution chart; a bubble's area is proportional to its count
BUBBLE_MAX_AREA = 650.0


def _bubble_area(n, n_max: int):
    return np.maximum(BUBBLE_MAX_AREA * np.asarray(n, dtype=float) / max(n_max, 1), 14.0)


@styled
def plot_attributions(attributions: pd.DataFrame, *, info: dict | None = None, top: int = 12,
                      palette: Palette | None = None) -> Figure:
    """Who speaks and how: attributions by resolved speaker and kind, with proxy links.

    Only resolved speakers are drawn (a pronoun, "the source" or an agentless
    "it was said" has no speaker to place; the caption counts them), the
    ``top - 1`` with the most attributions, then every other one pooled in an
    "others" row. A bubble's area is proportional to its count (the legend
    gives the scale) and takes the speaker's colour (a shade of the
    speaker's camp; grey when the camp is unknown). Arrows in the ``proxy``
    column go from the mouthpiece (the speaker) to the claimed principal;
    dashed arrows in the ``authority`` column from the speaker to the
    authority invoked, an open circle in the principal's colour.
    """
    palette = palette or default_palette(info)
    frame = attributions.copy()
    if len(frame):
        frame["speaker"] = frame["speaker"].fillna("").astype(str)
        frame["principal"] = frame["principal"].fillna("").astype(str) if "principal" in frame else ""
        frame = frame[frame["speaker"].str.strip() != ""]
    n_all, n_resolved = len(attributions), len(frame)
    counts_by_speaker = frame.groupby("speaker").size().rename("count").reset_index() if n_resolved else None
    selection = (rank_groups(counts_by_speaker.rename(columns={"speaker": "group"}), top, "speaker")
                 if n_resolved else Selection([], [], [], 0))
    if selection.others_label:
        frame.loc[frame["speaker"].isin(selection.pooled), "speaker"] = selection.others_label
    kinds = [k for k in ATTRIBUTION_KINDS if n_resolved and k in set(frame["kind"])]
    kinds += sorted(set(frame["kind"]) - set(ATTRIBUTION_KINDS)) if n_resolved else []
    links = frame[(frame["principal"] != "") & frame["kind"].isin(["proxy", "authority"])] if n_resolved else frame
    people = list(selection.shown) + sorted(set(links["principal"]) - set(selection.shown) if n_resolved else [])
    fig = new_figure(max(3.6 + 0.8 * len(kinds) + 0.045 * max(map(len, people), default=0), 9.0),
                     max(2.2 + 0.36 * len(people), 4.4), info)
    ax = fig.subplots()
    ax.set_title("Who speaks and how: attributions by speaker and kind")  # over the axes: clear of the legends
    n_unresolved = n_all - n_resolved
    set_note(fig, f"Bubbles: attributions (reported speech) of each kind per speaker, area proportional to the "
                  f"count; no intervals (counts). N = {plural(n_all, 'attribution')}, "
                  f"{n_resolved:,} with a resolved speaker "
                  f"({plural(selection.total, 'speaker')}); {n_unresolved:,} without one (a pronoun, an unnamed "
                  f"source, agentless) are not drawn. " + selection.describe("speaker", "attributions"))
    if not n_resolved:
        draw_empty(ax, "no attribution with a resolved speaker")
        return fig
    y_of = {p: i for i, p in enumerate(people)}
    x_of = {k: i for i, k in enumerate(kinds)}
    counts = frame.groupby(["speaker", "kind"], sort=True).size()
    n_max = int(counts.max())
    for (speaker, kind), n in counts.items():
        x, y = x_of[kind], y_of[speaker]
        color = UNRESOLVED_COLOR if speaker == selection.others_label else palette.voice_color(speaker)
        area = float(_bubble_area(n, n_max))
        ax.scatter([x], [y], s=area, color=color, zorder=3, edgecolors="white", linewidths=0.6, label=speaker)
        inside = area >= 170
        ax.annotate(f"{n:,}", (x, y), xytext=(0, 0) if inside else (0.5 * area ** 0.5 + 2, 0),
                    textcoords="offset points", ha="center" if inside else "left", va="center", fontsize=6.5,
                    color=ink_for(color) if inside else "0.2", zorder=4, fontweight="bold")
    drawn = set()
    for row in links.sort_values(["kind", "speaker", "principal"]).to_dict("records"):
        key = (row["kind"], row["speaker"], row["principal"])
        if key in drawn:
            continue
        drawn.add(key)
        x = x_of[row["kind"]]
        y0, y1 = y_of[row["speaker"]], y_of[row["principal"]]
        ax.scatter([x], [y1], s=70, facecolors="none", edgecolors=palette.voice_color(row["principal"]),
                   linewidths=1.4, zorder=3)
        ax.annotate(
            "", xy=(x, y1), xytext=(x, y0), zorder=2,
            arrowprops=dict(arrowstyle="-|>", color="0.2", linewidth=1.0, shrinkA=7, shrinkB=7,
                            linestyle="-" if row["kind"] == "proxy" else "--",
                            connectionstyle="arc3,rad=0.35"),
        )
    ax.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    ax.set_yticks(range(len(people)), people)
    ax.set_xlim(-0.6, len(kinds) - 0.3)
    ax.set_ylim(len(people) - 0.5, -0.5)
    ax.set_xlabel("kind of attribution (number = attributions)")
    ax.set_ylabel("speaker (most attributions first)")
    ax.grid(color="0.93", linewidth=0.5)
    ax.set_axisbelow(True)
    named = [p for p in people if p != selection.others_label]
    camps = list(dict.fromkeys(palette.camp_of(p) for p in palette.voice_order(named)))
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=palette.camp_color(c),
                      label=_CAMP_LABELS.get(c, c)) for c in camps if c != "unresolved"]
    if selection.others_label:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=7, color=UNRESOLVED_COLOR,
                              label="others pooled"))
    handles += [
        Line2D([], [], color="0.2", linestyle="-", label="proxy: mouthpiece → principal"),
        Line2D([], [], color="0.2", linestyle="--", label="authority: speaker → authority"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor="0.3",
               label="principal / authority invoked"),
    ]
    fig.legend(handles=handles, title="colour: speaker's camp\n(shades = actors)", loc="outside right upper",
               frameon=False, alignment="left")
    scale = sorted({1, max(n_max // 2, 1), n_max})
    sizes = [Line2D([], [], marker="o", linestyle="", color="0.6", markeredgecolor="white",
                    markersize=float(_bubble_area(n, n_max)) ** 0.5, label=f"{n:,}") for n in scale]
    em = BUBBLE_MAX_AREA ** 0.5 / STYLE["legend.fontsize"]  # the largest bubble, in font sizes
    fig.legend(handles=sizes, title="bubble area: attributions", loc="outside right center", frameon=False,
               alignment="left", handleheight=em, handlelength=em, labelspacing=0.3, borderpad=0.3)
    return fig
