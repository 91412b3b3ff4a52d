"""Figures: titles, labelled axes, captions, what is drawn, and byte-identical files."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SEED_ID
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from analysis.plots import save as saving
from analysis.plots.figures import (
    plot_attributions,
    plot_category_rates,
    plot_dispersion,
    plot_heatmap,
    plot_keyness,
    plot_sentiment_arc,
)
from analysis.plots.save import save_all_figures
from analysis.plots.style import caption_text

INFO = {
    "version": "9.9.9",
    "corpus": {"path": "corpus", "n_documents": 2, "sha256": "0123456789abcdef" * 4},
    "codebook": {"id": "diplomatic_rhetoric", "version": "1.2"},
}


def _build_tables(corpus, nlp) -> dict[str, pd.DataFrame]:
    """Tables with the documented columns, from the real corpus (evidence = the seed's hand annotation)."""
    from analysis import parse
    from analysis.extract.analyze import count_tokens
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.sentiment import doc_sentiment
    from analysis.extract.voices import voice_map
    from analysis.tables.frames import attributions_frame, sentiment_frame
    from analysis.tables.stats import VoiceTerms

    gold = pd.read_csv(ROOT / "corpus" / "annotations" / f"{SEED_ID}.csv")
    att_records, sent_records, n_tokens, voice_tokens = [], [], {}, {}
    terms = VoiceTerms()
    evidence_voice = []
    for doc in parse(corpus, nlp, cache=False):
        doc_id = doc.user_data["doc_id"]
        recs = doc_attributions(doc, metadata=corpus[doc_id].metadata)
        vmap = voice_map(doc, recs)
        att_records += recs
        sent_records += doc_sentiment(doc, voice_map=vmap)
        terms.add(doc, recs)
        n_tokens[doc_id] = count_tokens(doc)
        voice_tokens[doc_id] = vmap.token_counts()
        if doc_id == SEED_ID:
            evidence_voice = [vmap.voice_at(s, e) for s, e in zip(gold.start_char, gold.end_char)]
    evidence = gold.assign(rule_id="gold", sentence_id=0, voice=evidence_voice, target="")
    categories = list(dict.fromkeys(gold["category"]))
    rows = []
    for doc_id in corpus.ids:
        for voice, n in [("all", n_tokens[doc_id]), *voice_tokens[doc_id].items()]:
            for cat in categories:
                sel = (evidence.doc_id == doc_id) & (evidence.category == cat)
                if voice != "all":
                    sel &= evidence.voice == voice
                count = int(sel.sum())
                rate = 1000 * count / n
                rows.append({"doc_id": doc_id, "voice": voice, "category": cat, "count": count, "n_tokens": n,
                             "rate_per_1000": rate, "ci_low": rate / 2, "ci_high": rate * 2 + 1})
    return {
        "documents": corpus.to_frame(),
        "evidence": evidence,
        "features": pd.DataFrame(rows),
        "attributions": attributions_frame(att_records),
        "sentiment": sentiment_frame(sent_records),
        "keyness": terms.keyness(min_freq=3),
    }


@pytest.fixture(scope="module")
def tables(corpus, nlp):
    return _build_tables(corpus, nlp)


def _texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_title("left"), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
    return out


def _check_frame_of(fig: Figure) -> None:
    texts = [" ".join(t.split()) for t in _texts(fig)]  # the caption is wrapped to the figure's width
    caption = caption_text(INFO)
    assert caption in texts
    assert "corpus: corpus (2 documents, sha256 0123456789ab)" in caption
    assert "codebook: diplomatic_rhetoric v1.2" in caption and "discourse-kit 9.9.9" in caption
    title = (fig._suptitle.get_text() if fig._suptitle else "") or fig.axes[0].get_title()
    assert title.strip()
    main_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert any(ax.get_xlabel() for ax in main_axes) and any(ax.get_ylabel() for ax in main_axes)


def test_category_rates_draw_every_group_with_intervals(tables):
    fig = plot_category_rates(tables["features"], info=INFO)
    _check_frame_of(fig)
    doc_ax, voice_ax = fig.axes[:2]
    labels = doc_ax.get_legend_handles_labels()[1]
    assert labels == [SEED_ID, "001_control_agency_report"]
    assert f"{SEED_ID} · Sergei Lavrov" in voice_ax.get_legend_handles_labels()[1]
    # one bar per category and document; the seed's certainty_marker bar has the table's rate
    bars = doc_ax.containers[0]
    cats = [t.get_text() for t in doc_ax.get_yticklabels()]
    feats = tables["features"]
    want = feats[(feats.doc_id == SEED_ID) & (feats.voice == "all")].set_index("category")["rate_per_1000"]
    assert [b.get_width() for b in bars] == pytest.approx([want[c] for c in cats])
    assert doc_ax.get_ylim()[0] > doc_ax.get_ylim()[1]  # first category on top
    with pytest.raises(Exception, match="by"):
        plot_category_rates(tables["features"], by="speaker")


def test_heatmap_cells_show_the_counts(tables):
    fig = plot_heatmap(tables["features"], info=INFO)
    _check_frame_of(fig)
    ax = fig.axes[0]
    numbers = [t.get_text() for t in ax.texts]
    gold = pd.read_csv(ROOT / "corpus" / "annotations" / f"{SEED_ID}.csv")
    n_cats = gold.category.nunique()
    assert len(numbers) == 2 * n_cats
    assert sorted(map(int, numbers[:n_cats])) == sorted(gold.category.value_counts().tolist())
    assert set(numbers[n_cats:]) == {"0"}  # the control: no gold hits


def test_dispersion_draws_multi_word_hits_at_their_true_width(tables):
    fig = plot_dispersion(tables["evidence"], tables["documents"], info=INFO)
    _check_frame_of(fig)
    seed_ax = fig.axes[0]
    assert seed_ax.get_xlim() == (0, 100)  # % of the text: panels of documents of any length compare
    length = len(__import__("analysis").load_corpus()[SEED_ID].text)
    spans = set()
    for coll in seed_ax.collections:
        for path in coll.get_paths():
            xs = path.vertices[:, 0] * length / 100
            spans.add((round(xs.min()), round(xs.max())))
    ev = tables["evidence"]
    assert spans == set(zip(ev.start_char, ev.end_char))
    # e.g. "had frozen practical military activities since 2014" is 51 characters wide
    assert (1804, 1855) in spans
    assert f"{length:,} characters" in seed_ax.get_title("left")


def test_sentiment_arc_colours_points_by_voice(tables):
    fig = plot_sentiment_arc(tables["sentiment"], info=INFO)
    _check_frame_of(fig)
    seed_ax = fig.axes[0]
    sent = tables["sentiment"]
    seed = sent[sent.doc_id == SEED_ID]
    by_label = {c.get_label(): c for c in seed_ax.collections}
    assert set(by_label) == set(seed.voice)
    lavrov = by_label["Sergei Lavrov"].get_offsets()
    place = 100 * (seed["sentence_id"].rank(method="first") - 0.5) / len(seed)  # % of the document's sentences
    want = np.column_stack([place[seed.voice == "Sergei Lavrov"], seed[seed.voice == "Sergei Lavrov"]["polarity"]])
    assert np.allclose(np.asarray(lavrov), want)
    assert not np.allclose(by_label["Sergei Lavrov"].get_facecolor(), by_label["narrator"].get_facecolor())


def test_attributions_chart_links_mouthpiece_to_principal(tables):
    att = tables["attributions"]
    proxy = att[att.kind == "proxy"].iloc[0]
    assert (proxy.speaker, proxy.principal) == ("Jens Stoltenberg", "United States")
    fig = plot_attributions(att, info=INFO)
    _check_frame_of(fig)
    ax = fig.axes[0]
    rows = {t.get_text(): i for i, t in enumerate(ax.get_yticklabels())}
    cols = {t.get_text(): i for i, t in enumerate(ax.get_xticklabels())}
    arrows = [(a.xyann, a.xy) for a in ax.texts if isinstance(a, Annotation) and not a.get_text()]
    assert ((cols["proxy"], rows["Jens Stoltenberg"]), (cols["proxy"], rows["United States"])) in arrows
    assert ((cols["authority"], rows["Sergei Lavrov"]), (cols["authority"], rows["Vladimir Putin"])) in arrows
    # every attribution with a resolved speaker is counted in a bubble; the others are counted in the caption
    bubbles = [int(t.get_text()) for t in ax.texts if t.get_text()]
    resolved = att["speaker"].fillna("").astype(str).str.strip() != ""
    assert sum(bubbles) == resolved.sum() and (~resolved).sum() > 0
    assert not any("unresolved" in t.get_text() or "no source" in t.get_text() for t in ax.get_yticklabels())
    assert f"{(~resolved).sum():,} without one" in " ".join(" ".join(_texts(fig)).split())


def test_keyness_bars_are_signed_by_direction(tables):
    key = tables["keyness"]
    fig = plot_keyness(key, info=INFO, top=5)
    _check_frame_of(fig)
    ax = fig.axes[0]
    widths = [b.get_width() for b in ax.containers[0]]
    n_t = min(5, int((key.direction == "target").sum()))
    n_r = min(5, int((key.direction == "reference").sum()))
    assert sum(w > 0 for w in widths) == n_t and sum(w < 0 for w in widths) == n_r
    assert "quoted speech vs narration" in ax.get_title()


def test_empty_tables_give_a_figure_that_says_so():
    from analysis.tables.frames import sentiment_frame
    from analysis.tables.stats import keyness

    empty_feats = pd.DataFrame(columns=["doc_id", "voice", "category", "count", "n_tokens", "rate_per_1000",
                                        "ci_low", "ci_high"])
    empty_ev = pd.DataFrame(columns=["doc_id", "category", "start_char", "end_char", "text"])
    empty_att = pd.DataFrame(columns=["doc_id", "kind", "speaker", "speaker_text", "principal"])
    figs = [plot_category_rates(empty_feats), plot_heatmap(empty_feats), plot_dispersion(empty_ev),
            plot_sentiment_arc(sentiment_frame([])), plot_attributions(empty_att),
            plot_keyness(keyness({"a": 1}, {"b": 1}))]
    for fig in figs:
        assert any(t.startswith("no ") for t in _texts(fig)), _texts(fig)


def test_save_all_figures_writes_png_and_svg_in_a_fixed_order(tables, tmp_path):
    files = save_all_figures(tables, tmp_path, info=INFO)
    names = [p.name for p in files]
    expected = [f"{n}.{ext}" for n in saving.FIGURES for ext in ("png", "svg")]
    assert names == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)  # no temporary files left
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in files if p.suffix == ".png")
    svg = (tmp_path / "keyness.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    # a missing table skips its figure
    partial = {k: v for k, v in tables.items() if k != "sentiment"}
    names = [p.name for p in save_all_figures(partial, tmp_path / "p", info=INFO)]
    assert "sentiment_arc.png" not in names and "keyness.png" in names


_DRAW = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{tests!r}, {tests!r} + "/.."]
    from analysis import load_corpus, make_nlp
    from analysis.plots.save import save_all_figures
    from test_figures import INFO, _build_tables
    save_all_figures(_build_tables(load_corpus(), make_nlp()), sys.argv[1], info=INFO)
    """
)


def test_figures_are_byte_identical_across_processes(tmp_path):
    """Two separate processes (different hash seeds) write the same bytes."""
    script = _DRAW.format(tests=str(ROOT / "tests" / "plots"))
    for run, seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DISCOURSE_KIT_CACHE": str(tmp_path / "cache")}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True, env=env, cwd=ROOT)
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(a) == 2 * len(saving.FIGURES)
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --------------------------------------------------------------------------- one colour for one thing


def _hex(color) -> str:
    return to_hex(color, keep_alpha=False).lower()


def _point_colors(ax) -> dict[str, str]:
    """Label -> face colour of every labelled scatter (sentiment points, attribution bubbles)."""
    out = {}
    for coll in ax.collections:
        label = coll.get_label()
        if label and not label.startswith("_") and len(coll.get_facecolor()):
            out.setdefault(label, _hex(coll.get_facecolor()[0]))
    return out


def _bar_styles(ax) -> dict[str, tuple[str, str]]:
    """Group label -> (face colour, hatch) of every bar group of a rates panel."""
    return {c.get_label(): (_hex(c.patches[0].get_facecolor()), c.patches[0].get_hatch() or "")
            for c in ax.containers if hasattr(c, "patches")}


def _dispersion_colors(fig) -> dict[str, str]:
    """Category -> colour of its hits, over every panel of a dispersion figure."""
    out: dict[str, str] = {}
    for ax in fig.axes:
        names = [t.get_text() for t in ax.get_yticklabels()]
        for coll in ax.collections:
            if not coll.get_paths():
                continue
            row = int(round(float(np.mean(coll.get_paths()[0].vertices[:, 1]))))
            color = _hex(coll.get_facecolor()[0])
            assert out.setdefault(names[row], color) == color, names[row]  # one colour per category
    return out


def _swatch_colors(ax, axis: str) -> dict[str, str]:
    """Category -> colour of the square beside its tick label."""
    (swatches,) = [c for c in ax.collections if c.get_gid() == "category-swatches"]
    labels = [t.get_text() for t in (ax.get_yticklabels() if axis == "y" else ax.get_xticklabels())]
    colors = [_hex(c) for c in swatches.get_facecolor()]
    assert len(colors) == len(labels)
    return dict(zip(labels, colors))


def _voice_colors(tables, palette=None, **frames) -> dict[str, dict[str, str]]:
    """Colour of each voice in the sentiment arc, the rates voice panel and the attribution chart."""
    t = {**tables, **frames}
    sent = plot_sentiment_arc(t["sentiment"], info=INFO, palette=palette)
    rates = plot_category_rates(t["features"], info=INFO, palette=palette)
    att = plot_attributions(t["attributions"], info=INFO, palette=palette)
    sentiment = {}
    for ax in sent.axes:
        for label, color in _point_colors(ax).items():
            assert sentiment.setdefault(label, color) == color, label
    voice_bars = {}
    for group, (color, _) in _bar_styles(rates.axes[1]).items():
        if " · " not in group:  # the pooled "others" bar
            continue
        voice = group.split(" · ", 1)[1]
        assert voice_bars.setdefault(voice, color) == color, group  # a voice has one colour in every document
    return {"sentiment": sentiment, "rates": voice_bars, "attributions": _point_colors(att.axes[0])}


def test_a_voice_has_the_same_colour_in_every_figure(tables):
    from analysis.plots.palette import CAMP_SHADES, NARRATOR_COLOR

    seen = _voice_colors(tables)
    lavrov = {name: colors["Sergei Lavrov"] for name, colors in seen.items()}
    assert len(set(lavrov.values())) == 1, lavrov
    assert lavrov["sentiment"] in [c.lower() for c in CAMP_SHADES["russia"]]  # a shade of his camp's hue
    narrator = {seen["sentiment"]["narrator"], seen["rates"]["narrator"]}
    assert narrator == {NARRATOR_COLOR.lower()}
    assert lavrov["sentiment"] not in narrator
    # every voice drawn in two figures has one colour
    for a, b in (("sentiment", "rates"), ("sentiment", "attributions"), ("rates", "attributions")):
        for voice in set(seen[a]) & set(seen[b]):
            assert seen[a][voice] == seen[b][voice], (voice, a, b)


def test_speakers_take_a_shade_of_their_camp(tables):
    from analysis.nlp.gazetteer import load_gazetteer
    from analysis.plots.palette import CAMP_SHADES, UNRESOLVED_COLOR

    gaz = load_gazetteer()
    bubbles = _point_colors(plot_attributions(tables["attributions"], info=INFO).axes[0])
    assert {"Sergei Lavrov", "Jens Stoltenberg"} <= set(bubbles)
    assert "(no source named)" not in bubbles  # only resolved speakers are drawn
    for speaker, color in bubbles.items():
        camp = gaz.camp(speaker)
        if camp:
            assert color in [c.lower() for c in CAMP_SHADES[camp]], (speaker, camp, color)
    assert UNRESOLVED_COLOR.lower() not in bubbles.values()
    assert bubbles["Jens Stoltenberg"] != bubbles["Sergei Lavrov"]


def test_a_category_has_the_same_colour_in_every_figure(tables):
    from analysis.extract.codebook import load_codebook
    from analysis.plots.palette import CATEGORY_COLORS

    dispersion = _dispersion_colors(plot_dispersion(tables["evidence"], tables["documents"], info=INFO))
    heatmap = _swatch_colors(plot_heatmap(tables["features"], info=INFO).axes[0], "x")
    rates = _swatch_colors(plot_category_rates(tables["features"], info=INFO).axes[0], "y")
    assert len(dispersion) >= 10
    assert heatmap == rates
    assert {c: heatmap[c] for c in dispersion} == dispersion
    # the colour is the codebook position's, and the bundled codebook's twelve are all different
    ids = load_codebook().category_ids
    assert [heatmap[c] for c in ids if c in heatmap] == [CATEGORY_COLORS[ids.index(c)].lower() for c in ids if c in heatmap]
    assert len(set(CATEGORY_COLORS[: len(ids)])) == len(ids)


def test_colours_do_not_depend_on_row_order(tables):
    shuffled = {name: tables[name].sample(frac=1, random_state=7).reset_index(drop=True)
                for name in ("features", "sentiment", "attributions", "evidence")}
    reversed_ = {name: tables[name].iloc[::-1].reset_index(drop=True) for name in shuffled}
    base = _voice_colors(tables)
    assert _voice_colors(tables, **shuffled) == base == _voice_colors(tables, **reversed_)
    dispersion = _dispersion_colors(plot_dispersion(tables["evidence"], tables["documents"], info=INFO))
    for frames in (shuffled, reversed_):
        assert _dispersion_colors(plot_dispersion(frames["evidence"], tables["documents"], info=INFO)) == dispersion
        heat = plot_heatmap(frames["features"], info=INFO).axes[0]
        assert _swatch_colors(heat, "x") == _swatch_colors(plot_heatmap(tables["features"], info=INFO).axes[0], "x")
        # documents keep their hatching, voices their colour, whatever the order of the rows
        rates = plot_category_rates(frames["features"], info=INFO)
        assert _bar_styles(rates.axes[0]) == _bar_styles(plot_category_rates(tables["features"], info=INFO).axes[0])


def test_colours_do_not_shift_when_a_document_is_added(tables):
    """A new document (sorted first, with new speakers of both camps) leaves every existing colour alone."""
    sent = tables["sentiment"]
    extra_sent = pd.DataFrame({"doc_id": "0000_added", "sentence_id": [0, 1, 2, 3], "start_char": 0, "end_char": 1,
                               "voice": ["Maria Zakharova", "Antony Blinken", "Ivan Nobody", "narrator"],
                               "polarity": 0.1, "subjectivity": 0.5, "camps": ""})
    feats = tables["features"]
    extra_feats = feats[feats.doc_id == SEED_ID].assign(doc_id="0000_added")
    extra_feats = extra_feats.assign(voice=extra_feats["voice"].replace("Sergei Lavrov", "Maria Zakharova"))
    att = tables["attributions"]
    extra_att = att.iloc[:3].assign(doc_id="0000_added", speaker=["Antony Blinken", "Vladimir Putin", "Ivan Nobody"])
    ev = tables["evidence"]
    extra_ev = ev.iloc[::-1].assign(doc_id="0000_added")  # its hits come in another category order
    before = _voice_colors(tables)
    after = _voice_colors(tables, sentiment=pd.concat([extra_sent, sent], ignore_index=True),
                          features=pd.concat([extra_feats, feats], ignore_index=True),
                          attributions=pd.concat([extra_att, att], ignore_index=True))
    for figure, colors in before.items():
        assert {v: after[figure][v] for v in colors} == colors, figure
    assert after["sentiment"]["Maria Zakharova"] != after["sentiment"]["Antony Blinken"]
    documents = pd.concat([tables["documents"].iloc[:1].assign(doc_id="0000_added"), tables["documents"]])
    grown = _dispersion_colors(plot_dispersion(pd.concat([extra_ev, ev], ignore_index=True), documents, info=INFO))
    assert grown == _dispersion_colors(plot_dispersion(ev, tables["documents"], info=INFO))


def test_palette_names_voices_camps_and_categories():
    from analysis.nlp.gazetteer import load_gazetteer
    from analysis.plots.palette import (
        CAMP_COLORS,
        CAMP_SHADES,
        NARRATOR_COLOR,
        NO_CAMP_SHADES,
        QUOTED_COLOR,
        UNRESOLVED_COLOR,
        default_palette,
    )

    p = default_palette()
    lavrov = p.voice_color("Sergei Lavrov")
    assert lavrov == p.voice_color("Sergei Lavrov (quoted)") == p.voice_color(f"{SEED_ID}::Sergei Lavrov (quoted)")
    assert lavrov == CAMP_COLORS["russia"]  # the first actor of a camp has the camp's own colour
    for actor in load_gazetteer():
        assert p.voice_color(actor.name) in CAMP_SHADES[actor.camp], actor.name
    assert p.voice_color("narrator") == NARRATOR_COLOR
    for unresolved in ("unknown speaker", "(unresolved)", "“the source” (unresolved)", "(no source named)", ""):
        assert p.voice_color(unresolved) == UNRESOLVED_COLOR
    assert p.voice_color("Ivan Nobody") in NO_CAMP_SHADES
    assert [p.color_of(x) for x in ("quoted speech", "narration", "russia", "west", "other", "some_doc")] == [
        QUOTED_COLOR, NARRATOR_COLOR, CAMP_COLORS["russia"], CAMP_COLORS["west"], CAMP_COLORS["other"], None]
    assert p.voice_order(["Jens Stoltenberg", "unknown speaker", "Sergei Lavrov", "narrator", "Ivan Nobody"]) == [
        "narrator", "Sergei Lavrov", "Jens Stoltenberg", "Ivan Nobody", "unknown speaker"]
    assert p.category_color("not_in_the_codebook") == p.category_color("not_in_the_codebook")


def test_palette_is_the_same_in_every_process():
    """No colour depends on hash(): names outside the gazetteer and codebook get the same colour everywhere."""
    script = ("from analysis.plots.palette import default_palette as d; p = d(); "
              "print([p.voice_color(n) for n in ('Ivan Nobody', 'A. N. Other', 'Zed')], "
              "[p.category_color(c) for c in ('x_cat', 'y_cat', 'z_cat')])")
    outs = {subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1, outs


def test_run_palette_takes_camps_of_a_custom_gazetteer_from_the_actors_table(tables):
    from analysis.plots.palette import CAMP_SHADES, run_palette

    actors = pd.DataFrame({"doc_id": ["d"], "actor": ["Ivan Nobody"], "camp": ["west"], "role": ["speaker"],
                           "count": [1]})
    p = run_palette({**tables, "actors": actors}, INFO)
    assert p.voice_color("Ivan Nobody") in CAMP_SHADES["west"]
    assert p.voice_color("Sergei Lavrov") == run_palette(tables, INFO).voice_color("Sergei Lavrov")
    assert p.categories == list(dict.fromkeys(tables["features"]["category"]))


def test_keyness_sides_take_the_colour_of_their_voice_or_camp(tables):
    from analysis.plots.palette import CAMP_COLORS, NARRATOR_COLOR, QUOTED_COLOR
    from analysis.tables.stats import keyness

    def side_colors(fig):
        handles = fig.axes[0].get_legend().legend_handles
        return [(_hex(h.get_facecolor()), h.get_hatch() or "") for h in handles]

    key = tables["keyness"]
    fig = plot_keyness(key, info=INFO)
    assert side_colors(fig) == [(QUOTED_COLOR.lower(), ""), (NARRATOR_COLOR.lower(), "")]
    bars = fig.axes[0].containers[0]
    for bar, direction in zip(bars, fig.axes[0].containers[0].datavalues >= 0):
        if bar.get_width():
            assert _hex(bar.get_facecolor()) == (QUOTED_COLOR if direction else NARRATOR_COLOR).lower()
    sides = plot_keyness(key.assign(target="Russian statements", reference="Western statements"), info=INFO,
                         sides=("russia", "west"))
    assert side_colors(sides) == [(CAMP_COLORS["russia"].lower(), ""), (CAMP_COLORS["west"].lower(), "")]
    docs = plot_keyness(keyness({"a": 5, "b": 1}, {"b": 5, "c": 1}, min_freq=1, labels=(SEED_ID, "other_doc")))
    (target, _), (reference, hatch) = side_colors(docs)
    assert target == reference == "#ffffff" and hatch  # documents: no colour, the reference hatched


# --------------------------------------------------------------------------- 2 to 2,000 documents


def _many_documents(n_docs: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Feature, evidence and attribution tables of ``n_docs`` documents with Poisson hit counts."""
    from analysis.tables.features import poisson_interval

    rng = np.random.default_rng(seed)
    cats = ["deception_accusation", "ultimatum_denial", "certainty_marker"]
    rows, evidence, attributions = [], [], []
    for d in range(n_docs):
        doc_id = f"doc_{d:04d}"
        n_tok = int(rng.integers(200, 3000))
        voices = {"all": n_tok, "narrator": n_tok - 50, f"Speaker {d % 30}": 40}
        if d % 50 == 0:  # a two-line quotation of a speaker heard once
            voices[f"Heard once {d}"] = 10
        for voice, n in voices.items():
            for cat in cats:
                k = int(rng.poisson(n / 500))
                lo, hi = poisson_interval(k, n)
                rows.append({"doc_id": doc_id, "voice": voice, "category": cat, "count": k, "n_tokens": n,
                             "rate_per_1000": 1000 * k / n, "ci_low": float(lo), "ci_high": float(hi)})
                if voice == "all":
                    evidence += [{"doc_id": doc_id, "category": cat, "start_char": 10 * i, "end_char": 10 * i + 5,
                                  "text": "x"} for i in range(k)]
        attributions += [{"doc_id": doc_id, "kind": "direct", "speaker": f"Speaker {d % 30}", "speaker_text": "",
                          "principal": ""},
                         {"doc_id": doc_id, "kind": "indirect", "speaker": "", "speaker_text": "I", "principal": ""}]
    return {"features": pd.DataFrame(rows), "evidence": pd.DataFrame(evidence),
            "attributions": pd.DataFrame(attributions),
            "documents": pd.DataFrame({"doc_id": [f"doc_{d:04d}" for d in range(n_docs)], "n_chars": 5000,
                                       "country": [("A", "B", "C")[d % 3] for d in range(n_docs)]})}


def _note(fig) -> str:
    return " ".join(" ".join(_texts(fig)).split())


@pytest.mark.parametrize("n_docs", [2, 300])
def test_rates_show_top_documents_and_pool_the_others_keeping_every_hit(n_docs):
    t = _many_documents(n_docs)
    fig = plot_category_rates(t["features"], info=INFO, max_groups=8)
    doc_ax, voice_ax = fig.axes[:2]
    labels = doc_ax.get_legend_handles_labels()[1]
    whole = t["features"][t["features"].voice == "all"]
    assert len(labels) == min(n_docs, 8)
    # every hit of the corpus is in a bar (as a count label), pooled or not
    drawn = sum(int(x.get_text()) for x in doc_ax.texts if x.get_text().strip().isdigit())
    assert drawn == whole["count"].sum()
    if n_docs > 8:
        assert labels[-1] == f"others ({n_docs - 7} documents)"
        hits = whole.groupby("doc_id")["count"].sum()
        top = hits.sort_values(ascending=False, kind="stable")
        assert set(labels[:-1]) <= set(top[top >= top.iloc[6]].index)  # the documents with most hits, not the first
        assert labels[:-1] != [f"doc_{d:04d}" for d in range(7)]
        # voices pooled over documents; voices under the threshold left out and counted in the caption
        voices = voice_ax.get_legend_handles_labels()[1]
        assert "narrator" in voices and len(voices) <= 8
        assert "with fewer than 50 word tokens left out" in _note(fig)
    assert doc_ax.get_shared_x_axes().joined(doc_ax, voice_ax)  # panels compared on one scale
    assert f"N = {n_docs:,} document" in _note(fig) and "Garwood" in _note(fig)


def test_rates_group_documents_by_a_metadata_column():
    t = _many_documents(60)
    fig = plot_category_rates(t["features"], documents=t["documents"], group_by="country", info=INFO)
    assert sorted(fig.axes[0].get_legend_handles_labels()[1]) == ["A", "B", "C"]
    drawn = sum(int(x.get_text()) for x in fig.axes[0].texts if x.get_text().strip().isdigit())
    assert drawn == t["features"].query("voice == 'all'")["count"].sum()
    with pytest.raises(Exception, match="group_by"):
        plot_category_rates(t["features"], documents=t["documents"], group_by="party")


def test_heatmap_dispersion_and_attributions_stay_bounded_on_many_documents():
    t = _many_documents(400)
    heat = plot_heatmap(t["features"], info=INFO, max_docs=20)
    rows = [x.get_text() for x in heat.axes[0].get_yticklabels()]
    assert len(rows) == 20 and rows[-1] == "others (381 documents)"
    assert sum(int(x.get_text()) for x in heat.axes[0].texts) == t["features"].query("voice == 'all'")["count"].sum()
    disp = plot_dispersion(t["evidence"], t["documents"], info=INFO, max_docs=6)
    assert len(disp.axes) == 6 and disp.axes[-1].get_title("left").startswith("others (395 documents)")
    att = plot_attributions(t["attributions"], info=INFO, top=10)
    speakers = [x.get_text() for x in att.axes[0].get_yticklabels()]
    assert len(speakers) == 10 and speakers[-1] == "others (21 speakers)" and "I" not in speakers
    assert "400 without one" in _note(att)
    for fig in (heat, disp, att):
        assert fig.get_size_inches()[1] < 16  # a figure, not a poster


def test_a_codebook_that_differs_from_the_bundled_file_is_shown_with_its_hash():
    from analysis.plots.style import bundled_codebook_sha256

    same = {**INFO, "codebook": {"id": "diplomatic_rhetoric", "version": "1.2", "sha256": bundled_codebook_sha256()}}
    edited = {**INFO, "codebook": {"id": "diplomatic_rhetoric", "version": "1.2", "sha256": "ab" * 32}}
    assert "sha256" not in caption_text(same).split("codebook:")[1]
    assert "codebook: diplomatic_rhetoric v1.2 (not the bundled file: sha256 abababababab)" in caption_text(edited)


def test_categories_beyond_the_scheme_get_distinct_colours_and_show_evidence_uses_them(seed_doc, tables):
    from analysis.plots.display import show_evidence
    from analysis.plots.palette import Palette, default_palette

    ids = [f"cat_{i}" for i in range(40)]
    p = Palette(ids)
    colors = [p.category_color(c) for c in ids]
    assert len(set(colors)) == 40
    assert p.category_color("not_in_the_codebook") not in colors
    html = show_evidence(seed_doc, tables["evidence"], jupyter=False)
    palette = default_palette(INFO)
    for cat in set(tables["evidence"]["category"]):
        assert f"background: {palette.category_color(cat)}" in html, cat


def test_a_kit_figure_shows_itself_as_the_png_it_saves(tables, tmp_path):
    from analysis.plots.save import save_figure

    fig = plot_keyness(tables["keyness"], info=INFO)
    data, meta = fig._repr_png_()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert meta["width"] == round(fig.get_size_inches()[0] * 100)
    save_figure(fig, tmp_path, "k")
    width = int.from_bytes((tmp_path / "k.png").read_bytes()[16:20], "big")
    assert width == int.from_bytes(data[16:20], "big")  # the same picture as the file


def test_show_evidence_of_a_long_document_shows_only_the_sentences_with_hits(seed_doc, tables):
    from analysis.plots.display import show_evidence

    ev = tables["evidence"]
    full = show_evidence(seed_doc, ev, jupyter=False)
    short = show_evidence(seed_doc, ev, jupyter=False, max_tokens=50)
    assert "only the sentences with a hit are shown" in short and "only the sentences" not in full
    for cat in set(ev.loc[ev["doc_id"] == SEED_ID, "category"]):  # every hit is still there, labelled
        assert short.count(cat) == full.count(cat) > 0, cat
    assert len(short) < len(full) and "…" in short
    # a sentence without a hit is left out
    empty = [" ".join(t.text for t in s[:4]) for s in seed_doc.sents
             if not any(s.start_char < e and b < s.end_char for b, e in zip(ev.start_char, ev.end_char))
             and all(t.is_alpha for t in s[:4])]
    assert empty and all(words in full and words not in short for words in empty), empty
