"""Figures from the output tables (matplotlib, no display needed).

Every ``plot_*`` function takes tidy tables (the DataFrames that
``discourse-kit run`` writes, see the README data dictionary) and returns a
:class:`matplotlib.figure.Figure` with a title, labelled axes and a caption
line naming the corpus, the codebook (id and version) and the kit's version.
Figures are built with the object-oriented API (no pyplot state), so they
work the same in scripts, in the CLI and inline in notebooks.

Colours come from one :class:`analysis.plots.palette.Palette` (pass ``palette=``;
default: :func:`analysis.plots.palette.default_palette`): the same voice, camp or
codebook category has the same colour in every figure, every run, whatever
the rows drawn. Quoted voices take a shade of their camp's hue (russia
vermillion, west blue, other bluish green), the narrator is black, unresolved
speakers grey, categories follow the codebook order; documents are told
apart by hatching, never by colour. :func:`analysis.plots.save.save_all_figures`
draws every figure of a run with one palette
(:func:`analysis.plots.palette.run_palette`) and writes them byte-identically.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from ..errors import KitError
from ..tables.words import is_stop_word
from .aggregate import MIN_VOICE_TOKENS, Selection, plural, pool_rates, rank_groups, sum_rates
from .attribution_chart import plot_attributions
from .palette import UNRESOLVED_COLOR, Palette, default_palette, ink_for
from .style import (
    DOCUMENT_EDGE,
    DOCUMENT_ERROR,
    DOCUMENT_FILL,
    draw_empty,
    new_figure,
    ordered,
    set_note,
    styled,
)

__all__ = [
    "plot_category_rates",
    "plot_heatmap",
    "plot_dispersion",
    "plot_sentiment_arc",
    "plot_attributions",
    "plot_keyness",
]


# --------------------------------------------------------------------------- rates and heatmap


def _rate_panel(ax, rows: pd.DataFrame, groups: list[str], categories: list[str],
                style: Callable[[str], dict]) -> None:
    """Bars of every group (already pooled, see :mod:`analysis.plots.aggregate`) per category."""
    if not groups:
        draw_empty(ax, "no rows")
        return
    y = np.arange(len(categories))
    height = 0.8 / len(groups)
    for g_i, group in enumerate(groups):
        part = rows[rows["group"] == group].set_index("category")
        rate = np.array([float(part["rate_per_1000"].get(c, 0.0)) for c in categories])
        lo = np.array([float(part["ci_low"].get(c, np.nan)) if "ci_low" in part else np.nan for c in categories])
        hi = np.array([float(part["ci_high"].get(c, np.nan)) if "ci_high" in part else np.nan for c in categories])
        count = np.array([int(part["count"].get(c, 0)) for c in categories])
        pos = y - 0.4 + height * (g_i + 0.5)
        st = style(group)
        ax.barh(pos, rate, height=height * 0.92, color=st["color"], edgecolor=st["edge"], hatch=st["hatch"],
                hatchcolor=st["hatchcolor"], linewidth=0.6, label=group)
        err = np.vstack([np.clip(rate - lo, 0, None), np.clip(hi - rate, 0, None)])
        valid = ~np.isnan(err).any(axis=0)
        for sel, alpha in ((valid & (count > 0), 1.0), (valid & (count == 0), 0.3)):  # zero hits: faint
            if sel.any():
                ax.errorbar(rate[sel], pos[sel], xerr=err[:, sel], fmt="none", ecolor=st["ecolor"],
                            elinewidth=0.8, capsize=1.5, alpha=alpha)
        for p_, r_, c_, h_ in zip(pos, rate, count, np.where(np.isnan(hi), rate, hi)):
            if c_ > 0:
                ax.text(max(r_, h_), p_, f" {c_}", va="center", ha="left", fontsize=6, color="0.25")
    ax.set_yticks(y, categories)
    ax.set_ylim(len(categories) - 0.5, -0.5)  # first category on top (set, not inverted: axes may share y)
    ax.set_xlabel("hits per 1,000 word tokens (number = hits)")


def _document_groups(features: pd.DataFrame, documents: pd.DataFrame | None, group_by: str | None,
                     top: int) -> tuple[pd.DataFrame, Selection, str]:
    """The document panel's rows: each document (or metadata group), top N by hits, the rest pooled."""
    rows = features[features["voice"].astype(str) == "all"].copy()
    noun = "document"
    if group_by:
        if documents is None or group_by not in documents:
            raise KitError(f"The `group_by` parameter of plot_category_rates names {group_by!r}, which is not a "
                           "column of the documents table.")
        values = {str(d): ("(none)" if pd.isna(v) or str(v) == "" else str(v))
                  for d, v in zip(documents["doc_id"], documents[group_by])}
        rows["group"] = rows["doc_id"].astype(str).map(values).fillna("(none)")
        rows = sum_rates(rows, "group")
        noun = f"{group_by} group"
    else:
        rows["group"] = rows["doc_id"].astype(str)
    sizes = rows.groupby("group", sort=False).agg(count=("count", "sum"), n_tokens=("n_tokens", "max")).reset_index()
    selection = rank_groups(sizes, top, noun)
    return pool_rates(rows, selection), selection, noun


def _voice_groups(features: pd.DataFrame, top: int, min_tokens: int,
                  by_document: bool) -> tuple[pd.DataFrame, Selection, dict[str, tuple[str, str]]]:
    """The voice panel's rows: each document's voices (few documents) or each voice over all documents."""
    rows = features[features["voice"].astype(str) != "all"].copy()
    if by_document:
        rows["group"] = rows["doc_id"].astype(str) + " · " + rows["voice"].astype(str)
    else:
        rows["group"] = rows["voice"].astype(str)
    parts = dict(zip(rows["group"], zip(rows["doc_id"].astype(str), rows["voice"].astype(str))))
    pooled = sum_rates(rows, "group") if not by_document else rows
    sizes = pooled.groupby("group", sort=False).agg(count=("count", "sum"), n_tokens=("n_tokens", "max")).reset_index()
    selection = rank_groups(sizes, top, "voice", min_tokens=min_tokens)
    return pool_rates(pooled, selection), selection, parts


def _category_swatches(ax, categories: list[str], palette: Palette, axis: str) -> None:
    """A square of each category's colour beside its tick label (the key to the dispersion figure)."""
    colors = [palette.category_color(c) for c in categories]
    fig = ax.get_figure()
    if axis == "y":
        ax.tick_params(axis="y", pad=11)
        transform = ax.get_yaxis_transform() + ScaledTranslation(-7 / 72, 0, fig.dpi_scale_trans)
        xs, ys = np.zeros(len(categories)), np.arange(len(categories))
    else:
        ax.tick_params(axis="x", pad=11)
        transform = ax.get_xaxis_transform() + ScaledTranslation(0, -7 / 72, fig.dpi_scale_trans)
        xs, ys = np.arange(len(categories)) + 0.5, np.zeros(len(categories))
    ax.scatter(xs, ys, s=22, marker="s", c=colors, transform=transform, clip_on=False, zorder=5,
               linewidths=0, gid="category-swatches", label="_category swatches")


@styled
def plot_category_rates(
    features: pd.DataFrame,
    *,
    info: dict | None = None,
    by: str = "both",
    max_groups: int = 8,
    min_tokens: int = MIN_VOICE_TOKENS,
    documents: pd.DataFrame | None = None,
    group_by: str | None = None,
    palette: Palette | None = None,
) -> Figure:
    """Category rates per 1,000 tokens with exact Poisson 95% intervals, by document and by voice.

    Documents are white bars told apart by hatching; voice bars take the
    voice's colour (narrator black, quoted speakers a shade of their camp).
    A square beside each category name shows the category's colour. The two
    panels share both axes, so their bars compare directly.

    From 2 to 2,000 documents (see :mod:`analysis.plots.aggregate`): at most
    ``max_groups`` bars per category in each panel — the documents (or
    voices) with the most hits, then one pooled "others" bar holding every
    other one. With up to ``max_groups`` documents the voice panel shows
    each document's voices; with more, each voice pooled over the documents
    (Lavrov's quoted words in every document together). The caption says
    what was shown, pooled and left out.

    Args:
        features: the feature table (``doc_id, voice, category, count,
            n_tokens, rate_per_1000, ci_low, ci_high``).
        by: ``"document"`` (voice ``all``), ``"voice"`` or ``"both"`` (two panels).
        max_groups: at most this many bars per category in a panel (the pooled one included).
        min_tokens: voices with fewer word tokens are left out of the voice
            panel (a headline label or a two-word quote gives no usable rate);
            the caption says how many.
        documents: the documents table, needed for ``group_by``.
        group_by: a metadata column of ``documents`` (``country``, ``speaker``,
            ``camp``...): the document panel shows these groups, pooled, instead of documents.
        info: the ``run.json`` dict, for the caption.
        palette: colours (default: :func:`analysis.plots.palette.default_palette`).
    """
    if by not in ("document", "voice", "both"):
        raise KitError("The `by` parameter of plot_category_rates must be document, voice or both. "
                       f"Got {by!r} instead.")
    palette = palette or default_palette(info)
    categories = palette.category_order(features["category"]) if len(features) else []
    panels = ["document", "voice"] if by == "both" else [by]
    n_docs = features["doc_id"].nunique() if len(features) else 0
    height = 2.1 + 0.32 * max(len(categories), 3) + 0.16 * min(max(n_docs, 2), max_groups)
    fig = new_figure(5.2 * len(panels) + 0.8, height, info)
    axes = fig.subplots(1, len(panels), sharey=True, sharex=True, squeeze=False)[0]
    hatches = palette.document_hatches(features["doc_id"].astype(str)) if len(features) else {}
    notes = []

    for ax, panel in zip(axes, panels):
        if not categories:
            draw_empty(ax, "no features")
            continue
        if panel == "document":
            rows, sel, noun = _document_groups(features, documents, group_by, max_groups)
            group_hatches = palette.document_hatches(g for g in sel.shown if g != sel.others_label)

            def style(group: str, sel=sel, group_hatches=group_hatches) -> dict:
                if group == sel.others_label:
                    return {"color": "0.85", "edge": DOCUMENT_EDGE, "hatch": "", "hatchcolor": DOCUMENT_EDGE,
                            "ecolor": DOCUMENT_ERROR}
                return {"color": DOCUMENT_FILL, "edge": DOCUMENT_EDGE, "hatch": group_hatches.get(group, ""),
                        "hatchcolor": DOCUMENT_EDGE, "ecolor": DOCUMENT_ERROR}

            title = f"by {group_by}" if group_by else "by document"
            legend_title = f"{group_by} (hatching)" if group_by else "document (hatching)"
            notes.append(f"Left: {sel.describe(noun, 'hits')}")
        else:
            by_document = n_docs <= max_groups
            rows, sel, parts = _voice_groups(features, max_groups, min_tokens, by_document)

            def style(group: str, parts=parts, sel=sel, by_document=by_document) -> dict:
                if group == sel.others_label:
                    return {"color": UNRESOLVED_COLOR, "edge": "0.5", "hatch": "....", "hatchcolor": "0.5",
                            "ecolor": "0.5"}
                doc_id, voice = parts[group]
                color = palette.voice_color(voice)
                return {"color": color, "edge": color, "hatch": hatches.get(doc_id, "") if by_document else "",
                        "hatchcolor": ink_for(color), "ecolor": color}

            title = "by voice (quoted speaker or narrator)"
            legend_title = ("document · voice (colour = voice's camp)" if by_document
                            else f"voice, over all {n_docs:,} documents (colour = camp)")
            note = f"Right: {sel.describe('voice', 'hits')}"
            if sel.left_out:
                note += (f" {plural(len(sel.left_out), 'voice')} with fewer than {min_tokens} word tokens "
                         "left out (too few words for a rate).")
            notes.append(note)
        _rate_panel(ax, rows, sel.shown, categories, style)
        ax.set_title(title, fontsize=8.5)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09), frameon=False, ncols=1, title=legend_title,
                      title_fontsize=7.5, alignment="left")
    if categories:
        _category_swatches(axes[0], categories, palette, "y")
    axes[0].set_ylabel("category")
    whole = features[features["voice"].astype(str) == "all"] if len(features) else features
    n_tokens = int(whole.drop_duplicates("doc_id")["n_tokens"].sum()) if len(whole) else 0
    n_hits = int(whole["count"].sum()) if len(whole) else 0
    set_note(fig, f"Bars: codebook hits per 1,000 word tokens; whiskers: exact Poisson (Garwood) 95% intervals "
                  f"(faint: the upper bound where there is no hit); numbers: hits. N = {plural(n_docs, 'document')}, "
                  f"{n_tokens:,} word tokens, {plural(n_hits, 'hit')}. " + " ".join(notes))
    fig.suptitle("Rhetorical categories: rate per 1,000 word tokens", fontsize=10)
    return fig


@styled
def plot_heatmap(features: pd.DataFrame, *, info: dict | None = None, max_docs: int = 40,
                 palette: Palette | None = None) -> Figure:
    """Document × category heatmap of rates per 1,000 tokens, hit counts in the cells.

    Cells are shades of grey (hue is kept for voices, camps and categories);
    a square under each column shows the category's colour. With more than
    ``max_docs`` documents, the ``max_docs - 1`` with the most hits are rows
    and the others are pooled into one last row (their hits over their word tokens).
    """
    palette = palette or default_palette(info)
    rows = features[features["voice"].astype(str) == "all"].copy() if len(features) else features
    if len(rows):
        rows["group"] = rows["doc_id"].astype(str)
        sizes = rows.groupby("group", sort=False).agg(count=("count", "sum"),
                                                       n_tokens=("n_tokens", "max")).reset_index()
        selection = rank_groups(sizes, max_docs, "document")
        rows = pool_rates(rows, selection)
    else:
        selection = Selection([], [], [], 0)
    docs = selection.shown
    categories = palette.category_order(rows["category"]) if len(rows) else []
    fig = new_figure(2.2 + 0.55 * max(len(categories), 4) + 0.05 * max(map(len, docs), default=0),
                     3.3 + 0.3 * max(len(docs), 2), info)
    ax = fig.subplots()
    ax.set_title("Document × category: hits per 1,000 word tokens")
    if not docs or not categories:
        draw_empty(ax, "no features")
        return fig
    table = rows.pivot_table(index="group", columns="category", values="rate_per_1000", aggfunc="sum", sort=False)
    counts = rows.pivot_table(index="group", columns="category", values="count", aggfunc="sum", sort=False)
    values = table.reindex(index=docs, columns=categories).fillna(0).to_numpy(dtype=float)
    n = counts.reindex(index=docs, columns=categories).fillna(0).to_numpy(dtype=int)
    vmax = max(float(values.max()), 1e-9)
    mesh = ax.pcolormesh(values, cmap="Greys", vmin=0, vmax=vmax * 1.15, edgecolors="white", linewidth=0.5)
    for i in range(len(docs)):
        for j in range(len(categories)):
            dark = values[i, j] > 0.55 * vmax
            ax.text(j + 0.5, i + 0.5, str(n[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if dark else ("0.1" if n[i, j] else "0.7"))
    ax.set_xticks(np.arange(len(categories)) + 0.5, categories, rotation=40, ha="right")
    ax.set_yticks(np.arange(len(docs)) + 0.5, docs)
    ax.invert_yaxis()
    _category_swatches(ax, categories, palette, "x")
    ax.set_xlabel("category (cell number = hits; square = category colour)")
    ax.set_ylabel("document")
    fig.colorbar(mesh, ax=ax, label="hits / 1,000 tokens")
    n_hits = int(n.sum())
    set_note(fig, f"Cells: codebook hits per 1,000 word tokens (shade) and hits (number); no intervals (see the "
                  f"rate figure). N = {plural(selection.total, 'document')}, {plural(n_hits, 'hit')}. "
                  + selection.describe("document", "hits"))
    return fig


# --------------------------------------------------------------------------- dispersion


@styled
def plot_dispersion(
    evidence: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    info: dict | None = None,
    max_docs: int = 8,
    palette: Palette | None = None,
) -> Figure:
    """Where each category's hits fall along each text (an "x-ray" plot).

    One panel per document; x is the position in the text as a share of its
    length (all panels share it), each hit a bar from ``start_char`` to
    ``end_char`` (multi-word hits keep their true width; a thin outline keeps
    one-word hits visible). Text length comes from ``documents.n_chars`` when
    given, else from the last hit. Rows follow the codebook order and take
    the category's colour (the category names on the rows are the key).

    With more than ``max_docs`` documents, the ``max_docs - 1`` with the most
    hits have a panel each and the hits of every other document are drawn
    together in a last panel, each at its position in its own text.
    """
    palette = palette or default_palette(info)
    docs = ordered(documents["doc_id"]) if documents is not None and len(documents) else []
    for d in ordered(evidence["doc_id"]) if len(evidence) else []:
        if d not in docs:
            docs.append(d)
    hits_per_doc = evidence["doc_id"].astype(str).value_counts() if len(evidence) else pd.Series(dtype=int)
    sizes = pd.DataFrame({"group": docs, "count": [int(hits_per_doc.get(d, 0)) for d in docs]})
    selection = rank_groups(sizes, max_docs, "document")
    categories = palette.category_order(evidence["category"]) if len(evidence) else []
    lengths: dict[str, float] = {}
    if documents is not None and "n_chars" in documents:
        lengths = {str(k): float(v) for k, v in zip(documents["doc_id"], documents["n_chars"]) if pd.notna(v)}
    n_panels = max(len(selection.shown), 1)
    fig = new_figure(8.0, 1.3 + n_panels * (0.55 + 0.2 * max(len(categories), 1)), info)
    axes = fig.subplots(n_panels, 1, squeeze=False, sharex=True)[:, 0]
    fig.suptitle("Dispersion: where each category occurs along the text", fontsize=10)
    if not selection.shown or not categories:
        draw_empty(axes[0], "no codebook hits")
        return fig
    colors = {c: palette.category_color(c) for c in categories}
    for ax, group in zip(axes, selection.shown):
        members = selection.pooled if group == selection.others_label else [group]
        part = evidence[evidence["doc_id"].astype(str).isin(members)]
        ends = part.groupby(part["doc_id"].astype(str))["end_char"].max() if len(part) else pd.Series(dtype=float)
        length = pd.Series([lengths.get(d) or float(ends.get(d, 1.0)) or 1.0 for d in part["doc_id"].astype(str)],
                           index=part.index, dtype=float)
        for y, cat in enumerate(categories):
            sel = (part["category"] == cat).to_numpy()
            if sel.any():
                start = 100.0 * part["start_char"].to_numpy(dtype=float)[sel] / length.to_numpy()[sel]
                width = 100.0 * (part["end_char"].to_numpy(dtype=float)[sel] -
                                 part["start_char"].to_numpy(dtype=float)[sel]) / length.to_numpy()[sel]
                ax.broken_barh(list(zip(start, width)), (y - 0.35, 0.7), facecolors=colors[cat],
                               edgecolors=colors[cat], linewidth=0.6, alpha=1.0 if len(members) == 1 else 0.6)
        ax.set_xlim(0, 100)
        ax.set_ylim(len(categories) - 0.5, -0.5)
        ax.set_yticks(range(len(categories)), categories)
        if len(members) == 1:
            n_chars = lengths.get(group) or (float(part["end_char"].max()) if len(part) else 0)
            title = f"{group} ({int(n_chars):,} characters, {plural(len(part), 'hit')})"
        else:
            title = f"{group}: {plural(len(part), 'hit')}, each at its position in its own text"
        ax.set_title(title, fontsize=8, loc="left")
        ax.grid(axis="y", color="0.92", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_ylabel("category")
    axes[-1].set_xlabel("position in the text (% of its characters)")
    set_note(fig, f"Bars: each codebook hit, from its first to its last character, at its position in the text "
                  f"(0% = start, 100% = end). N = {plural(selection.total, 'document')}, "
                  f"{plural(len(evidence), 'hit')}. " + selection.describe("document", "hits"))
    return fig


# --------------------------------------------------------------------------- sentiment


@styled
def plot_sentiment_arc(sentiment: pd.DataFrame, *, info: dict | None = None, max_docs: int = 8,
                       palette: Palette | None = None) -> Figure:
    """Polarity of each sentence through each text, points coloured by voice.

    The narrator is black, each quoted speaker a shade of their camp's hue
    (the legend names the camp), unresolved speakers light grey. x is the
    sentence's place in its text (% of its sentences), shared by all panels.
    With more than ``max_docs`` documents, the ``max_docs - 1`` with the most
    sentences have a panel each; the sentences of all others share a last
    panel, with their mean polarity per tenth of the text as a line.
    """
    palette = palette or default_palette(info)
    docs = ordered(sentiment["doc_id"]) if len(sentiment) else []
    n_sent = sentiment["doc_id"].astype(str).value_counts() if len(sentiment) else pd.Series(dtype=int)
    selection = rank_groups(pd.DataFrame({"group": docs, "count": [int(n_sent.get(d, 0)) for d in docs]}),
                            max_docs, "document")
    voices = palette.voice_order(sentiment["voice"].astype(str)) if len(sentiment) else []
    colors = {v: palette.voice_color(v) for v in voices}
    n_panels = max(len(selection.shown), 1)
    ncols = min(max(len(voices), 1), 3)
    fig = new_figure(7.5, 1.6 + 1.5 * n_panels + 0.17 * -(-len(voices) // ncols), info)
    axes = fig.subplots(n_panels, 1, squeeze=False, sharex=True, sharey=True)[:, 0]
    fig.suptitle("Sentiment arc: TextBlob polarity per sentence, by voice", fontsize=10)
    set_note(fig, f"Points: TextBlob polarity (−1 … 1) of each sentence, at its place in its text; no intervals "
                  f"(a lexicon score per sentence). N = {plural(selection.total, 'document')}, "
                  f"{plural(len(sentiment), 'sentence')}. " + selection.describe("document", "sentences"))
    if not selection.shown:
        draw_empty(axes[0], "no sentences")
        return fig
    for ax, group in zip(axes, selection.shown):
        members = selection.pooled if group == selection.others_label else [group]
        part = sentiment[sentiment["doc_id"].astype(str).isin(members)]
        position = part.groupby(part["doc_id"].astype(str))["sentence_id"].rank(method="first") - 1
        size = part["doc_id"].astype(str).map(n_sent).astype(float)
        x = (100.0 * (position + 0.5) / size).to_numpy()
        y = part["polarity"].to_numpy(dtype=float)
        ax.axhline(0, color="0.75", linewidth=0.6)
        if len(members) == 1:
            order = np.argsort(x, kind="stable")
            ax.plot(x[order], y[order], color="0.6", linewidth=0.8, zorder=1)
            title = f"{group} ({plural(len(part), 'sentence')})"
        else:
            tenth = np.minimum((x // 10).astype(int), 9)
            means = [float(y[tenth == b].mean()) if (tenth == b).any() else np.nan for b in range(10)]
            ax.plot(np.arange(10) * 10 + 5, means, color="0.1", linewidth=1.6, zorder=4, label="_mean per tenth",
                    path_effects=[patheffects.withStroke(linewidth=3.5, foreground="white")])
            title = f"{group}: {plural(len(part), 'sentence')}; line = mean polarity per tenth of the text"
        big = len(members) > 1
        dot = 6 if big else (18 if len(part) <= 120 else 9)
        for v in voices:
            sel = part["voice"].astype(str).to_numpy() == v
            if sel.any():
                ax.scatter(x[sel], y[sel], s=dot, color=colors[v], zorder=2, label=v, alpha=0.5 if big else 1,
                           edgecolors="0.3" if ink_for(colors[v]) != "white" and not big else "none",
                           linewidths=0.4)
        ax.set_xlim(0, 100)
        ax.set_ylim(-1.05, 1.05)
        ax.set_title(title, fontsize=8, loc="left")
        ax.set_ylabel("polarity")
    axes[-1].set_xlabel("place in the text (% of its sentences)")
    handles = [Line2D([], [], marker="o", linestyle="", color=colors[v], label=palette.voice_label(v),
                      markeredgecolor="0.3" if ink_for(colors[v]) != "white" else colors[v], markeredgewidth=0.4)
               for v in voices]
    below = axes[-1].transAxes + ScaledTranslation(0, -32 / 72, fig.dpi_scale_trans)  # under the x label
    axes[-1].legend(handles=handles, title="voice (colour: narrator black, quoted speakers by camp)",
                    loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below, frameon=False, ncols=ncols)
    return fig


# --------------------------------------------------------------------------- keyness


@styled
def plot_keyness(keyness: pd.DataFrame, *, info: dict | None = None, top: int = 12,
                 sides: tuple[str, str] | None = None, palette: Palette | None = None,
                 function_words: bool = False) -> Figure:
    """Key terms of a pair (target vs reference) as signed G² bars.

    Bars to the right: terms relatively more frequent in the target; to the
    left: in the reference. ``*`` marks p < 0.05 (G² > 3.84; the corrected
    ``p_adjusted`` when the table has it); the numbers are the raw frequencies
    ``target/reference``; a note under the axes says so. Function words
    (spaCy's English stop list, :data:`analysis.tables.words.STOP_WORDS`) are
    not drawn unless ``function_words=True`` (the table keeps them).

    A side named by a voice, a camp or pooled quoted speech takes its colour
    (``narration`` black, ``quoted speech`` reddish purple, ``russia``
    vermillion, a speaker their camp's shade); other sides (documents) are
    white, the reference hatched. ``sides`` names the voice or camp of each
    side when the labels do not (e.g. ``("russia", "west")`` for "Russian
    statements" vs "Western statements").
    """
    palette = palette or default_palette(info)
    hidden = 0
    if not function_words and len(keyness):
        stop = keyness["term"].map(is_stop_word)
        hidden, keyness = int(stop.sum()), keyness[~stop]
    target = str(keyness["target"].iloc[0]) if len(keyness) and "target" in keyness else "target"
    reference = str(keyness["reference"].iloc[0]) if len(keyness) and "reference" in keyness else "reference"
    parts = []
    for direction, sign in (("target", 1.0), ("reference", -1.0)):
        rows = keyness[keyness["direction"] == direction] if len(keyness) else keyness
        rows = rows.sort_values(["g2", "term"], ascending=[False, True], kind="stable").head(top)
        parts.append(rows.assign(signed=sign * rows["g2"]) if len(rows) else rows)
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else keyness
    fig = new_figure(7.0, 1.5 + 0.22 * max(len(rows), 4), info)
    ax = fig.subplots()
    ax.set_title(f"Key terms: {target} vs {reference} (log-likelihood G²)")
    sizes = ""
    if len(keyness) and {"n_target", "n_reference"} <= set(keyness.columns):
        sizes = (f" N = {int(keyness['n_target'].iloc[0]):,} word tokens in {target}, "
                 f"{int(keyness['n_reference'].iloc[0]):,} in {reference}.")
    set_note(fig, f"Bars: log-likelihood G² of at most {top} key terms on each side (lemmas at or above the "
                  "table's minimum frequency); no intervals (G² and its chi-squared p-value, 1 df; the markers are "
                  "explained under the axis)." + sizes)
    if not len(rows):
        draw_empty(ax, "no term reaches the minimum frequency")
        return fig
    rows = rows.sort_values(["signed", "term"], ascending=[True, True], kind="stable").reset_index(drop=True)
    y = np.arange(len(rows))
    styles = _side_styles(palette, (target, reference) if sides is None else tuple(sides))
    bars = ax.barh(y, rows["signed"], height=0.7)
    for bar, direction in zip(bars, rows["direction"]):
        bar.set(**styles[0 if direction == "target" else 1])
    span = float(rows["signed"].abs().max()) or 1.0
    p_column = "p_adjusted" if "p_adjusted" in rows else "p_value"
    for yi, r in zip(y, rows.to_dict("records")):
        star = "*" if r[p_column] < 0.05 else ""
        label = f" {r['term']}{star} ({r['freq_target']}/{r['freq_reference']}) "
        if r["signed"] >= 0:
            ax.text(r["signed"], yi, label, va="center", ha="left", fontsize=7)
        else:
            ax.text(r["signed"], yi, label, va="center", ha="right", fontsize=7)
    ax.axvline(0, color="0.3", linewidth=0.7)
    ax.set_xlim(-span * 1.9, span * 1.9)
    ax.set_yticks([])
    ax.set_xlabel(f"G², signed: right = more frequent in {target}, left = in {reference}")
    ax.set_ylabel("term (lemma)")
    ax.legend(handles=[Patch(label=target, **styles[0]), Patch(label=reference, **styles[1])],
              loc="lower right", frameon=False)
    corrected = f" after {rows['correction'].iloc[0]} correction" if p_column == "p_adjusted" else \
        " (not corrected for the number of terms)"
    note = f"* p < 0.05{corrected}\n(a/b) = frequency in {target} / in {reference}"
    if hidden:
        note += f"; {hidden} function words (spaCy stop list) not shown"
    ax.set_xlabel(f"{ax.get_xlabel()}\n{note}")
    return fig


def _side_styles(palette: Palette, labels: tuple[str, str]) -> list[dict]:
    """Fill of the target and reference bars of a keyness figure (see :func:`plot_keyness`)."""
    colors = [palette.color_of(label) for label in labels]
    if None in colors or colors[0] == colors[1]:  # documents (or the same voice twice): no colour
        return [{"facecolor": DOCUMENT_FILL, "edgecolor": DOCUMENT_EDGE, "hatch": hatch, "linewidth": 0.6,
                 "hatchcolor": DOCUMENT_EDGE} for hatch in ("", "////")]
    return [{"facecolor": c, "edgecolor": c, "linewidth": 0.6} for c in colors]
