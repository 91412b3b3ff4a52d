"""Tables from evidence: exposure, feature rates with exact Poisson intervals, co-occurrence, KWIC, display."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.app.shortcuts import kwic
from analysis.errors import KitError
from analysis.extract.analyze import DocResult
from analysis.extract.concordance import KWIC_COLUMNS
from analysis.extract.rhetoric import doc_evidence
from analysis.plots.display import show_evidence
from analysis.tables.features import (
    COOCCURRENCE_COLUMNS,
    FEATURE_COLUMNS,
    cooccurrence,
    feature_table,
    poisson_interval,
)
from analysis.tables.frames import evidence_frame, exposure_frame


def _ev(rows):
    return evidence_frame(
        {"doc_id": d, "category": c, "rule_id": "r", "sentence_id": s, "start_char": 0, "end_char": 1,
         "text": "x", "voice": v, "target": ""}
        for d, c, v, s in rows
    )


@pytest.fixture()
def results():
    return [
        DocResult(doc_id="a", n_tokens=1000, n_sentences=3, voice_tokens={"narrator": 600, "Sergei Lavrov": 400}),
        DocResult(doc_id="b", n_tokens=0, n_sentences=0, voice_tokens={}),
    ]


def test_exposure_frame(results):
    exp = exposure_frame(results)
    assert list(exp.columns) == ["doc_id", "voice", "n_tokens"]
    assert exp.values.tolist() == [["a", "all", 1000], ["a", "Sergei Lavrov", 400], ["a", "narrator", 600],
                                   ["b", "all", 0]]


@pytest.mark.parametrize("k, low, high", [
    (0, 0.0, 3.688879),  # -ln(0.025)
    (1, 0.025318, 5.571643),
    (10, 4.795389, 18.390356),
])
def test_poisson_interval_matches_known_exact_values(k, low, high):
    lo, hi = poisson_interval(k, 1000)  # per 1000 tokens with 1000 tokens: the interval for the count itself
    assert float(lo) == pytest.approx(low, abs=1e-5) and float(hi) == pytest.approx(high, abs=1e-5)
    lo2, hi2 = poisson_interval(k, 500)
    assert float(hi2) == pytest.approx(2 * high, abs=1e-5)


def test_feature_table_counts_rates_zeros_and_intervals(results, codebook):
    ev = _ev([("a", "deception_accusation", "Sergei Lavrov", 1), ("a", "deception_accusation", "narrator", 2),
              ("a", "loaded_label", "Sergei Lavrov", 2)])
    table = feature_table(ev, exposure_frame(results), codebook=codebook)
    assert list(table.columns) == FEATURE_COLUMNS
    assert len(table) == 4 * len(codebook.category_ids)  # every (doc, voice) x every category
    assert list(table["category"][:12]) == codebook.category_ids
    idx = table.set_index(["doc_id", "voice", "category"])
    row = idx.loc[("a", "all", "deception_accusation")]
    assert row["count"] == 2 and row["n_tokens"] == 1000 and row["rate_per_1000"] == pytest.approx(2.0)
    lo, hi = poisson_interval(2, 1000)
    assert row["ci_low"] == pytest.approx(float(lo)) and row["ci_high"] == pytest.approx(float(hi))
    lavrov = idx.loc[("a", "Sergei Lavrov", "deception_accusation")]
    assert lavrov["count"] == 1 and lavrov["rate_per_1000"] == pytest.approx(2.5)
    zero = idx.loc[("a", "narrator", "precondition")]
    assert zero["count"] == 0 and zero["ci_low"] == 0 and zero["ci_high"] == pytest.approx(3.688879 * 1000 / 600, rel=1e-5)
    empty_doc = table[(table["doc_id"] == "b") & (table["category"] == "loaded_label")]
    assert empty_doc["count"].item() == 0
    assert math.isnan(empty_doc["rate_per_1000"].item()) and math.isnan(empty_doc["ci_high"].item())
    # voice "all" is the sum of the voices
    by_voice = table[table["voice"] != "all"].groupby(["doc_id", "category"])["count"].sum()
    all_voice = table[table["voice"] == "all"].set_index(["doc_id", "category"])["count"]
    assert (by_voice == all_voice.loc[by_voice.index]).all()


def test_feature_table_keeps_evidence_in_a_voice_without_exposure(results, codebook):
    ev = _ev([("a", "precondition", "unknown speaker", 0)])
    table = feature_table(ev, exposure_frame(results), codebook=codebook)
    row = table[(table["voice"] == "unknown speaker") & (table["category"] == "precondition")].iloc[0]
    assert row["count"] == 1 and pd.isna(row["n_tokens"]) and pd.isna(row["rate_per_1000"])


def test_feature_table_from_docs_and_without_codebook(seed_doc, codebook):
    ev = evidence_frame(doc_evidence(seed_doc, codebook))
    table = feature_table(ev, [seed_doc])
    assert set(table["voice"]) <= {"all", "narrator"}
    assert set(table["category"]) == set(ev["category"])
    assert table[table["voice"] == "all"]["count"].sum() == len(ev)


def test_feature_table_empty_evidence(results, codebook):
    table = feature_table(evidence_frame([]), exposure_frame(results), codebook=codebook)
    assert len(table) == 4 * 12 and table["count"].sum() == 0


def test_feature_table_rejects_a_bad_exposure_table(codebook):
    with pytest.raises(KitError, match="lacks column"):
        feature_table(evidence_frame([]), pd.DataFrame({"doc_id": ["a"]}), codebook=codebook)


def test_cooccurrence_counts_sentences_once_and_is_symmetric(codebook):
    ev = _ev([("a", "deception_accusation", "x", 1), ("a", "deception_accusation", "x", 1),
              ("a", "certainty_marker", "x", 1), ("a", "certainty_marker", "x", 2), ("b", "certainty_marker", "x", 1)])
    co = cooccurrence(ev)
    assert list(co.columns) == COOCCURRENCE_COLUMNS
    pairs = {(a, b): n for a, b, n in co.itertuples(index=False)}
    assert pairs[("deception_accusation", "deception_accusation")] == 1
    assert pairs[("certainty_marker", "certainty_marker")] == 3
    assert pairs[("deception_accusation", "certainty_marker")] == pairs[("certainty_marker", "deception_accusation")] == 1
    full = cooccurrence(ev, codebook=codebook)
    assert len(full) == 144 and full["n_sentences"].sum() == co["n_sentences"].sum()
    assert cooccurrence(evidence_frame([])).empty


def test_kwic_category_rule_and_phrase(seed_doc, codebook):
    by_cat = kwic([seed_doc], "certainty_marker", window=3, codebook=codebook)
    assert list(by_cat.columns) == KWIC_COLUMNS
    assert list(by_cat["match"]) == ["definitely", "it is clear that", "in fact", "of course"]
    assert set(by_cat["rule_id"]) == {"cer_adverb", "cer_it_is_clear"}  # codebook 2.0.0: the certainty_adverb class
    first = by_cat.iloc[0]
    assert first["left"] == "then it will" and first["right"] == "deceive,”"
    assert seed_doc.text[first["start_char"]:first["end_char"]] == "definitely"
    by_rule = kwic(seed_doc, "dis_futile_talks", codebook=codebook)
    assert list(by_rule["match"]) == ["endless discussions", "endless negotiations"]
    phrase = kwic([seed_doc], "NEGOTIATIONS", window=2)
    assert len(phrase) == seed_doc.text.lower().count("negotiations") and set(phrase["category"]) == {""}
    assert set(phrase["match"].str.lower()) == {"negotiations"}
    wild = kwic([seed_doc], "negotiat*", window=2)
    assert set(wild["match"].str.lower()) == {"negotiations", "negotiator"}
    assert len(wild) == seed_doc.text.lower().count("negotiat")
    assert kwic([seed_doc], "no such phrase here").empty


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_kwic_rejects_a_bad_window(seed_doc, window):
    with pytest.raises(KitError, match=r"The `window` parameter of kwic must be a positive int"):
        kwic([seed_doc], "bloc", window=window)


def test_kwic_rejects_an_empty_query(seed_doc):
    with pytest.raises(KitError, match="`query`"):
        kwic([seed_doc], "  ")


def test_show_evidence_renders_labels_without_touching_the_doc(seed_doc, codebook):
    ev = evidence_frame(doc_evidence(seed_doc, codebook))
    ents_before = [(e.start, e.end, e.label_) for e in seed_doc.ents]
    html = show_evidence(seed_doc, ev, jupyter=False)
    assert "deception_accusation → the West" in html and "loaded_label → NATO" in html
    assert html.count("certainty_marker") >= 4
    assert not seed_doc.spans and [(e.start, e.end, e.label_) for e in seed_doc.ents] == ents_before
    only = show_evidence(seed_doc, ev.to_dict("records"), jupyter=False, categories=["precondition"])
    assert "precondition" in only and "certainty_marker" not in only
