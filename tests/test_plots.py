"""Figures: titles, labelled axes, captions, what is drawn, and byte-identical files."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from analysis import plots
from analysis.plots import (
    caption_text,
    plot_attributions,
    plot_category_rates,
    plot_dispersion,
    plot_heatmap,
    plot_keyness,
    plot_sentiment_arc,
    save_all_figures,
)

from conftest import ROOT, SEED_ID

INFO = {
    "version": "9.9.9",
    "corpus": {"path": "corpus", "n_documents": 2, "sha256": "0123456789abcdef" * 4},
    "codebook": {"id": "diplomatic_rhetoric", "version": "1.2"},
}


def _build_tables(corpus, nlp) -> dict[str, pd.DataFrame]:
    """Tables with the documented columns, from the real corpus (evidence = the seed's hand annotation)."""
    from analysis import parse
    from analysis.analyze import count_tokens
    from analysis.attribution import attributions_frame, doc_attributions
    from analysis.sentiment import doc_sentiment, sentiment_frame
    from analysis.stats import VoiceTerms
    from analysis.voices import voice_map

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
    texts = _texts(fig)
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
    assert seed_ax.get_xlim() == (0, len(pytest.importorskip("analysis").load_corpus()[SEED_ID].text))
    spans = set()
    for coll in seed_ax.collections:
        for path in coll.get_paths():
            xs = path.vertices[:, 0]
            spans.add((round(xs.min()), round(xs.max())))
    ev = tables["evidence"]
    assert spans == set(zip(ev.start_char, ev.end_char))
    # e.g. "had frozen practical military activities since 2014" is 51 characters wide
    assert (1804, 1855) in spans


def test_sentiment_arc_colours_points_by_voice(tables):
    fig = plot_sentiment_arc(tables["sentiment"], info=INFO)
    _check_frame_of(fig)
    seed_ax = fig.axes[0]
    sent = tables["sentiment"]
    seed = sent[sent.doc_id == SEED_ID]
    by_label = {c.get_label(): c for c in seed_ax.collections}
    assert set(by_label) == set(seed.voice)
    lavrov = by_label["Sergei Lavrov"].get_offsets()
    want = seed[seed.voice == "Sergei Lavrov"][["sentence_id", "polarity"]].to_numpy(dtype=float)
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
    arrows = [(a.xyann, a.xy) for a in ax.texts if isinstance(a, Annotation)]
    assert ((cols["proxy"], rows["Jens Stoltenberg"]), (cols["proxy"], rows["United States"])) in arrows
    assert ((cols["authority"], rows["Sergei Lavrov"]), (cols["authority"], rows["Vladimir Putin"])) in arrows
    # every attribution is counted in a bubble
    bubbles = [int(t.get_text()) for t in ax.texts if not isinstance(t, Annotation)]
    assert sum(bubbles) == len(att)


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
    from analysis.sentiment import sentiment_frame
    from analysis.stats import keyness

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
    expected = [f"{n}.{ext}" for n in plots.FIGURES for ext in ("png", "svg")]
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
    sys.path.insert(0, {tests!r})
    from analysis import load_corpus, make_nlp
    from analysis.plots import save_all_figures
    from test_plots import INFO, _build_tables
    save_all_figures(_build_tables(load_corpus(), make_nlp()), sys.argv[1], info=INFO)
    """
)


def test_figures_are_byte_identical_across_processes(tmp_path):
    """Two separate processes (different hash seeds) write the same bytes."""
    script = _DRAW.format(tests=str(ROOT / "tests"))
    for run, seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DISCOURSE_KIT_CACHE": str(tmp_path / "cache")}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True, env=env, cwd=ROOT)
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(a) == 2 * len(plots.FIGURES)
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
