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
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

from ..errors import KitError
from ..extract.records import ATTRIBUTION_KINDS
from ..tables.words import is_stop_word
from .palette import Palette, default_palette, ink_for
from .style import DOCUMENT_EDGE, DOCUMENT_ERROR, DOCUMENT_FILL, draw_empty, new_figure, ordered, styled

__all__ = [
    "plot_category_rates",
    "plot_heatmap",
    "plot_dispersion",
    "plot_sentiment_arc",
    "plot_attributions",
    "plot_keyness",
]


# --------------------------------------------------------------------------- rates and heatmap


def _rate_panel(ax, rows: pd.DataFrame, group_col: str, categories: list[str], max_groups: int,
                style: Callable[[str], dict], min_tokens: int = 0) -> str:
    """Bars of every group (document or document · voice) per category; ``style(group)`` gives fill and hatch."""
    groups = ordered(rows[group_col])
    note = ""
    if min_tokens:
        sizes = rows.groupby(group_col, sort=False)["n_tokens"].max()
        small = [g for g in groups if sizes.get(g, 0) < min_tokens]
        if small:
            groups = [g for g in groups if g not in small]
            note = f" ({len(small)} under {min_tokens} words left out)"
    if len(groups) > max_groups:
        note += f" (first {max_groups} of {len(groups)})"
        groups = groups[:max_groups]
    if not groups:
        draw_empty(ax, "no rows")
        return note
    y = np.arange(len(categories))
    height = 0.8 / len(groups)
    for g_i, group in enumerate(groups):
        part = rows[rows[group_col] == group].set_index("category")
        rate = np.array([float(part["rate_per_1000"].get(c, 0.0)) for c in categories])
        lo = np.array([float(part["ci_low"].get(c, np.nan)) if "ci_low" in part else np.nan for c in categories])
        hi = np.array([float(part["ci_high"].get(c, np.nan)) if "ci_high" in part else np.nan for c in categories])
        count = np.array([int(part["count"].get(c, 0)) for c in categories])
        pos = y - 0.4 + height * (g_i + 0.5)
        st = style(group)
        ax.barh(pos, rate, height=height * 0.92, color=st["color"], edgecolor=st["edge"], hatch=st["hatch"],
                hatchcolor=st["hatchcolor"], linewidth=0.6, label=group)
        err = np.vstack([np.clip(rate - lo, 0, None), np.clip(hi - rate, 0, None)])
        ok = ~np.isnan(err).any(axis=0)
        if ok.any():
            ax.errorbar(rate[ok], pos[ok], xerr=err[:, ok], fmt="none", ecolor=st["ecolor"], elinewidth=0.8,
                        capsize=1.5)
        for p_, r_, c_, h_ in zip(pos, rate, count, np.where(np.isnan(hi), rate, hi)):
            if c_ > 0:
                ax.text(max(r_, h_), p_, f" {c_}", va="center", ha="left", fontsize=6, color="0.25")
    ax.set_yticks(y, categories)
    ax.set_ylim(len(categories) - 0.5, -0.5)  # first category on top (set, not inverted: axes may share y)
    ax.set_xlabel("hits per 1,000 word tokens (95% CI; number = hits)")
    return note


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
    min_tokens: int = 20,
    palette: Palette | None = None,
) -> Figure:
    """Category rates per 1,000 tokens with 95% confidence intervals.

    Documents are white bars told apart by hatching; voice bars take the
    voice's colour (narrator black, quoted speakers a shade of their camp)
    with the hatching of their document. A square beside each category name
    shows the category's colour (as in the dispersion figure).

    Args:
        features: the feature table (``doc_id, voice, category, count,
            n_tokens, rate_per_1000, ci_low, ci_high``).
        by: ``"document"`` (voice ``all``), ``"voice"`` (each document's
            voices) or ``"both"`` (two panels).
        max_groups: at most this many documents/voices per panel (in table order).
        min_tokens: voices with fewer word tokens are left out of the voice
            panel (a headline label or a two-word quote gives no usable rate;
            the title says how many were left out).
        info: the ``run.json`` dict, for the caption.
        palette: colours (default: :func:`analysis.plots.palette.default_palette`).
    """
    if by not in ("document", "voice", "both"):
        raise KitError("The `by` parameter of plot_category_rates must be document, voice or both. "
                       f"Got {by!r} instead.")
    palette = palette or default_palette(info)
    categories = palette.category_order(features["category"]) if len(features) else []
    panels = ["document", "voice"] if by == "both" else [by]
    n_legend = features[["doc_id", "voice"]].drop_duplicates().shape[0] if len(features) else 1
    height = 1.9 + 0.32 * max(len(categories), 3) + 0.16 * min(n_legend, max_groups)
    fig = new_figure(5.2 * len(panels) + 0.8, height, info)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    hatches = palette.document_hatches(features["doc_id"].astype(str)) if len(features) else {}

    def document_style(doc_id: str) -> dict:
        return {"color": DOCUMENT_FILL, "edge": DOCUMENT_EDGE, "hatch": hatches.get(doc_id, ""),
                "hatchcolor": DOCUMENT_EDGE, "ecolor": DOCUMENT_ERROR}

    for ax, panel in zip(axes, panels):
        if not categories:
            draw_empty(ax, "no features")
            continue
        if panel == "document":
            rows = features[features["voice"].astype(str) == "all"].copy()
            rows["group"] = rows["doc_id"].astype(str)
            title, legend_title = "by document", "document (hatching)"
            style = document_style
        else:
            rows = features[features["voice"].astype(str) != "all"].copy()
            rows["group"] = rows["doc_id"].astype(str) + " · " + rows["voice"].astype(str)
            title, legend_title = "by voice (quoted speaker or narrator)", "document · voice (colour = voice's camp)"
            parts = dict(zip(rows["group"], zip(rows["doc_id"].astype(str), rows["voice"].astype(str))))

            def style(group: str, parts=parts) -> dict:
                doc_id, voice = parts[group]
                color = palette.voice_color(voice)
                return {"color": color, "edge": color, "hatch": hatches.get(doc_id, ""),
                        "hatchcolor": ink_for(color), "ecolor": color}

        note = _rate_panel(ax, rows, "group", categories, max_groups, style, min_tokens if panel == "voice" else 0)
        ax.set_title(title + note, fontsize=8.5)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09), frameon=False, ncols=1, title=legend_title,
                      title_fontsize=7.5, alignment="left")
    if categories:
        _category_swatches(axes[0], categories, palette, "y")
    axes[0].set_ylabel("category")
    fig.suptitle("Rhetorical categories: rate per 1,000 word tokens", fontsize=10)
    return fig


@styled
def plot_heatmap(features: pd.DataFrame, *, info: dict | None = None, max_docs: int = 40,
                 palette: Palette | None = None) -> Figure:
    """Document × category heatmap of rates per 1,000 tokens, hit counts in the cells.

    Cells are shades of grey (hue is kept for voices, camps and categories);
    a square under each column shows the category's colour.
    """
    palette = palette or default_palette(info)
    rows = features[features["voice"].astype(str) == "all"] if len(features) else features
    docs = ordered(rows["doc_id"]) if len(rows) else []
    note = ""
    if len(docs) > max_docs:
        note, docs = f" (first {max_docs} of {len(docs)} documents)", docs[:max_docs]
    categories = palette.category_order(rows["category"]) if len(rows) else []
    fig = new_figure(2.2 + 0.55 * max(len(categories), 4), 2.9 + 0.3 * max(len(docs), 2), info)
    ax = fig.subplots()
    ax.set_title("Document × category: hits per 1,000 word tokens" + note)
    if not docs or not categories:
        draw_empty(ax, "no features")
        return fig
    table = rows.pivot_table(index="doc_id", columns="category", values="rate_per_1000", aggfunc="sum", sort=False)
    counts = rows.pivot_table(index="doc_id", columns="category", values="count", aggfunc="sum", sort=False)
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

    One panel per document; x is the character offset into the text, each
    hit a bar from ``start_char`` to ``end_char`` (multi-word hits keep their
    true width; a thin outline keeps one-word hits visible). Text length
    comes from ``documents.n_chars`` when given, else from the last hit.
    Rows follow the codebook order and take the category's colour (the
    category names on the rows are the key).
    """
    palette = palette or default_palette(info)
    docs = ordered(documents["doc_id"]) if documents is not None and len(documents) else []
    for d in ordered(evidence["doc_id"]) if len(evidence) else []:
        if d not in docs:
            docs.append(d)
    note = ""
    if len(docs) > max_docs:
        note, docs = f" (first {max_docs} of {len(docs)} documents)", docs[:max_docs]
    categories = palette.category_order(evidence["category"]) if len(evidence) else []
    lengths: dict[str, float] = {}
    if documents is not None and "n_chars" in documents:
        lengths = {str(k): float(v) for k, v in zip(documents["doc_id"], documents["n_chars"]) if pd.notna(v)}
    n_panels = max(len(docs), 1)
    fig = new_figure(8.0, 1.0 + n_panels * (0.55 + 0.2 * max(len(categories), 1)), info)
    axes = fig.subplots(n_panels, 1, squeeze=False)[:, 0]
    fig.suptitle("Dispersion: where each category occurs along the text" + note, fontsize=10)
    if not docs or not categories:
        draw_empty(axes[0], "no codebook hits")
        return fig
    colors = {c: palette.category_color(c) for c in categories}
    for ax, doc_id in zip(axes, docs):
        part = evidence[evidence["doc_id"].astype(str) == doc_id]
        length = lengths.get(doc_id) or (float(part["end_char"].max()) if len(part) else 1.0)
        for y, cat in enumerate(categories):
            hits = part[part["category"] == cat]
            if len(hits):
                spans = [(float(s), float(e) - float(s)) for s, e in zip(hits["start_char"], hits["end_char"])]
                ax.broken_barh(spans, (y - 0.35, 0.7), facecolors=colors[cat], edgecolors=colors[cat], linewidth=0.6)
        ax.set_xlim(0, length)
        ax.set_ylim(len(categories) - 0.5, -0.5)
        ax.set_yticks(range(len(categories)), categories)
        ax.set_title(f"{doc_id} ({int(length):,} characters, {len(part)} hits)", fontsize=8, loc="left")
        ax.grid(axis="y", color="0.92", linewidth=0.5)
        ax.set_axisbelow(True)
    axes[-1].set_xlabel("character offset in the document text")
    for ax in axes:
        ax.set_ylabel("category")
    return fig


# --------------------------------------------------------------------------- sentiment


@styled
def plot_sentiment_arc(sentiment: pd.DataFrame, *, info: dict | None = None, max_docs: int = 8,
                       palette: Palette | None = None) -> Figure:
    """Polarity of each sentence through each text, points coloured by voice.

    The narrator is black, each quoted speaker a shade of their camp's hue
    (the legend names the camp), unresolved speakers light grey.
    """
    palette = palette or default_palette(info)
    docs = ordered(sentiment["doc_id"]) if len(sentiment) else []
    note = ""
    if len(docs) > max_docs:
        note, docs = f" (first {max_docs} of {len(docs)} documents)", docs[:max_docs]
    shown = sentiment[sentiment["doc_id"].astype(str).isin(docs)] if len(sentiment) else sentiment
    voices = palette.voice_order(shown["voice"].astype(str)) if len(shown) else []
    colors = {v: palette.voice_color(v) for v in voices}
    n_panels = max(len(docs), 1)
    ncols = min(max(len(voices), 1), 3)
    fig = new_figure(7.5, 1.4 + 1.7 * n_panels + 0.17 * -(-len(voices) // ncols), info)
    axes = fig.subplots(n_panels, 1, squeeze=False)[:, 0]
    fig.suptitle("Sentiment arc: TextBlob polarity per sentence, by voice" + note, fontsize=10)
    if not docs:
        draw_empty(axes[0], "no sentences")
        return fig
    for ax, doc_id in zip(axes, docs):
        part = sentiment[sentiment["doc_id"].astype(str) == doc_id].sort_values("sentence_id", kind="stable")
        x = part["sentence_id"].to_numpy()
        y = part["polarity"].to_numpy(dtype=float)
        ax.axhline(0, color="0.75", linewidth=0.6)
        ax.plot(x, y, color="0.6", linewidth=0.8, zorder=1)
        for v in voices:
            sel = part["voice"].astype(str).to_numpy() == v
            if sel.any():
                ax.scatter(x[sel], y[sel], s=18, color=colors[v], zorder=2, label=v,
                           edgecolors="0.3" if ink_for(colors[v]) != "white" else "none", linewidths=0.4)
        ax.set_ylim(-1.05, 1.05)
        ax.set_title(doc_id, fontsize=8, loc="left")
        ax.set_ylabel("polarity")
    axes[-1].set_xlabel("sentence (order in the text)")
    handles = [Line2D([], [], marker="o", linestyle="", color=colors[v], label=palette.voice_label(v),
                      markeredgecolor="0.3" if ink_for(colors[v]) != "white" else colors[v], markeredgewidth=0.4)
               for v in voices]
    below = axes[-1].transAxes + ScaledTranslation(0, -32 / 72, fig.dpi_scale_trans)  # under the x label
    axes[-1].legend(handles=handles, title="voice (colour: narrator black, quoted speakers by camp)",
                    loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below, frameon=False, ncols=ncols)
    return fig


# --------------------------------------------------------------------------- attribution


_CAMP_LABELS = {"narrator": "narrator", "camp unknown": "camp unknown (not in the gazetteer)",
                "unresolved": "speaker unresolved / no source named"}


def _speaker_label(row) -> str:
    speaker = str(row.get("speaker") or "")
    if speaker and speaker.lower() != "nan":
        return speaker
    if row.get("kind") == "agentless":
        return "(no source named)"
    text = str(row.get("speaker_text") or "")
    if text and text.lower() != "nan":
        return f"“{text}” (unresolved)"
    return "(unresolved)"


@styled
def plot_attributions(attributions: pd.DataFrame, *, info: dict | None = None,
                      palette: Palette | None = None) -> Figure:
    """Who speaks and how: attributions by speaker and kind, with proxy links.

    Bubbles count attributions of each kind per speaker (all documents) and
    take the speaker's colour (a shade of the speaker's camp; grey when the
    speaker is unresolved or the camp unknown). Arrows in the ``proxy``
    column go from the mouthpiece (the speaker) to the claimed principal;
    dashed arrows in the ``authority`` column from the speaker to the
    authority invoked, an open circle in the principal's colour.
    """
    palette = palette or default_palette(info)
    frame = attributions.copy()
    if len(frame):
        frame["label"] = [_speaker_label(r) for r in frame.to_dict("records")]
        frame["principal"] = frame["principal"].fillna("").astype(str) if "principal" in frame else ""
    kinds = [k for k in ATTRIBUTION_KINDS if len(frame) and k in set(frame["kind"])]
    kinds += sorted(set(frame["kind"]) - set(ATTRIBUTION_KINDS)) if len(frame) else []
    links = frame[(frame["principal"] != "") & frame["kind"].isin(["proxy", "authority"])] if len(frame) else frame
    people = sorted(set(frame["label"]) | set(links["principal"]) if len(frame) else set())
    fig = new_figure(2.6 + 0.95 * max(len(kinds), 3), 1.4 + 0.34 * max(len(people), 3), info)
    ax = fig.subplots()
    ax.set_title("Who speaks and how: attributions by speaker and kind")
    if not len(frame):
        draw_empty(ax, "no attributions")
        return fig
    y_of = {p: i for i, p in enumerate(people)}
    x_of = {k: i for i, k in enumerate(kinds)}
    counts = frame.groupby(["label", "kind"], sort=True).size()
    for (label, kind), n in counts.items():
        x, y = x_of[kind], y_of[label]
        color = palette.voice_color(label)
        ax.scatter([x], [y], s=90 + 70 * (n - 1), color=color, zorder=3, edgecolors="white", label=label)
        ax.text(x, y, str(n), ha="center", va="center", fontsize=7, color=ink_for(color), zorder=4,
                fontweight="bold")
    drawn = set()
    for row in links.sort_values(["kind", "label", "principal"]).to_dict("records"):
        key = (row["kind"], row["label"], row["principal"])
        if key in drawn:
            continue
        drawn.add(key)
        x = x_of[row["kind"]]
        y0, y1 = y_of[row["label"]], y_of[row["principal"]]
        ax.scatter([x], [y1], s=90, facecolors="none", edgecolors=palette.voice_color(row["principal"]),
                   linewidths=1.4, zorder=3, label=row["principal"])
        ax.annotate(
            "", xy=(x, y1), xytext=(x, y0), zorder=2,
            arrowprops=dict(arrowstyle="-|>", color="0.2", linewidth=1.0, shrinkA=7, shrinkB=7,
                            linestyle="-" if row["kind"] == "proxy" else "--",
                            connectionstyle="arc3,rad=0.35"),
        )
    ax.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    ax.set_yticks(range(len(people)), people)
    ax.set_xlim(-0.6, len(kinds) - 0.4)
    ax.set_ylim(len(people) - 0.5, -0.5)
    ax.set_xlabel("kind of attribution (bubble number = attributions)")
    ax.set_ylabel("speaker")
    ax.grid(color="0.93", linewidth=0.5)
    ax.set_axisbelow(True)
    handles = [
        Line2D([], [], color="0.2", linestyle="-", label="proxy: mouthpiece → principal"),
        Line2D([], [], color="0.2", linestyle="--", label="authority: speaker → authority invoked"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor="0.3",
               label="principal / authority invoked"),
    ]
    fig.legend(handles=handles, loc="outside right upper", frameon=False)
    camps = list(dict.fromkeys(palette.camp_of(p) for p in palette.voice_order(people)))
    camp_handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=palette.camp_color(c),
                           label=_CAMP_LABELS.get(c, c)) for c in camps]
    fig.legend(handles=camp_handles, title="speaker's camp (shades = actors)", loc="outside right lower",
               frameon=False, alignment="left")
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
