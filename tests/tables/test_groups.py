"""Groups by metadata, contrasts with multiple-testing correction, time series — checked against hand computations.

The constructed corpus below is analysed by the real pipeline with a two-category dictionary
(``deceit: deceive``, ``threat: ultimatum``), so every count is known by construction:

| doc | metadata                         | words | deceive | ultimatum | camp (source)            | year |
|-----|----------------------------------|-------|---------|-----------|--------------------------|------|
| r1  | speaker "Mr. Sergey Lavrov"      | 100   | 2       | 1         | russia (speaker)         | 2021 |
| r2  | camp "russia"                    | 300   | 4       | 0         | russia (metadata)        | 2021 |
| w1  | country "United States"          | 400   | 1       | 1         | west (country)           | 2022 |
| m1  | nothing                          | 200   | 0       | 0         | (missing)                | 2022 |
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.app.run import run
from analysis.errors import KitError
from analysis.tables.groups import (
    ALL_CATEGORIES,
    CONTRAST_COLUMNS,
    GROUP_RATE_COLUMNS,
    MISSING_GROUP,
    TREND_COLUMNS,
    adjust_p_values,
    camp_of,
    document_groups,
    features_by,
    features_over_time,
    group_contrasts,
    period_of,
)

FILLER = "The delegates met again today. "  # 5 word tokens


def text_of(words: int, deceive: int, ultimatum: int) -> str:
    """A text of exactly ``words`` word tokens with the given hits (each hit sentence has 5 words)."""
    parts = ["They will deceive us again. "] * deceive + ["This is no ultimatum today. "] * ultimatum
    rest = words - 5 * len(parts)
    assert rest >= 0 and rest % 5 == 0
    return "".join(parts) + FILLER * (rest // 5)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    base = tmp_path_factory.mktemp("groups")
    corpus = base / "corpus"
    corpus.mkdir()
    specs = {"r1": (100, 2, 1), "r2": (300, 4, 0), "w1": (400, 1, 1), "m1": (200, 0, 0)}
    for doc_id, spec in specs.items():
        (corpus / f"{doc_id}.txt").write_text(text_of(*spec), encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "doc_id,speaker,camp,country,date\n"
        "r1,Mr. Sergey Lavrov,,,\"February 23, 2021\"\n"
        "r2,,russia,,2021-11-02\n"
        "w1,,,United States,2022-01-15\n"
        "m1,,,,2022\n", encoding="utf-8")
    codebook = base / "dictionary.yml"
    codebook.write_text("deceit: [deceive]\nthreat: [ultimatum]\n", encoding="utf-8")
    out = run(corpus, base / "results", codebook=codebook, with_sentiment=False, cache=False)
    return out.tables


def test_the_constructed_corpus_has_the_hand_counted_words_and_hits(tables):
    docs = tables["documents"].set_index("doc_id")
    assert docs["n_tokens"].to_dict() == {"m1": 200, "r1": 100, "r2": 300, "w1": 400}
    counts = tables["evidence"].groupby(["doc_id", "category"]).size().to_dict()
    assert counts == {("r1", "deceit"): 2, ("r1", "threat"): 1, ("r2", "deceit"): 4, ("w1", "deceit"): 1,
                      ("w1", "threat"): 1}


def test_document_groups_name_the_source_of_each_camp(tables):
    groups = document_groups(tables["documents"], "camp").set_index("doc_id")
    assert groups[["group", "source"]].to_dict("index") == {
        "m1": {"group": MISSING_GROUP, "source": "missing"},
        "r1": {"group": "russia", "source": "speaker"},     # "Mr. Sergey Lavrov" -> Sergei Lavrov -> russia
        "r2": {"group": "russia", "source": "metadata"},
        "w1": {"group": "west", "source": "country"},       # "United States" -> west
    }
    years = document_groups(tables["documents"], "year").set_index("doc_id")["group"].to_dict()
    assert years == {"m1": "2022", "r1": "2021", "r2": "2021", "w1": "2022"}  # from date_iso


def test_features_by_camp_pools_counts_and_tokens(tables):
    grouped = features_by(tables["features"], tables["documents"], "camp", total=True)
    assert list(grouped.columns) == GROUP_RATE_COLUMNS
    assert grouped["group"].drop_duplicates().tolist() == ["russia", "west", MISSING_GROUP]  # missing last
    rows = grouped.set_index(["group", "category"])
    # russia = r1 + r2: deceit 2 + 4 = 6 hits in 100 + 300 = 400 words -> 15 per 1,000
    russia = rows.loc[("russia", "deceit")]
    assert (russia["count"], russia["n_tokens"], russia["n_documents"]) == (6, 400, 2)
    assert russia["rate_per_1000"] == pytest.approx(15.0)
    # exact Poisson 95% limits for 6 events: chi2(0.025; 12)/2 = 2.2019, chi2(0.975; 14)/2 = 13.0591 -> per 400 words
    assert russia["ci_low"] == pytest.approx(2.2019 / 0.4, abs=1e-3)
    assert russia["ci_high"] == pytest.approx(13.0591 / 0.4, abs=1e-3)
    assert rows.loc[("west", "threat"), "rate_per_1000"] == pytest.approx(2.5)      # 1 / 400 words
    assert rows.loc[(MISSING_GROUP, "deceit"), "count"] == 0
    assert rows.loc[(MISSING_GROUP, "deceit"), "ci_high"] == pytest.approx(3.6889 / 0.2, abs=1e-3)  # 0 events
    assert rows.loc[("russia", ALL_CATEGORIES), "count"] == 7                        # 6 deceit + 1 threat


def test_contrast_of_two_groups_with_holm_correction(tables):
    grouped = features_by(tables["features"], tables["documents"], "camp")
    table = group_contrasts(grouped, a="russia", b="west", correction="holm")
    assert list(table.columns) == CONTRAST_COLUMNS
    deceit, threat = table.set_index("category").loc["deceit"], table.set_index("category").loc["threat"]
    # deceit: RR = (6/400) / (1/400) = 6; SE of ln RR = sqrt(1/6 + 1/1) = 1.0801
    assert deceit["rate_ratio"] == pytest.approx(6.0)
    se = math.sqrt(1 / 6 + 1)
    assert deceit["ci_low"] == pytest.approx(6 * math.exp(-1.959964 * se), rel=1e-4)   # 0.7226
    assert deceit["ci_high"] == pytest.approx(6 * math.exp(1.959964 * se), rel=1e-4)   # 49.82
    # exact conditional test: 7 hits, each falls in russia with p = 400/800 = 1/2;
    # P(X >= 6) = (C(7,6) + C(7,7)) / 2^7 = 8/128; two-sided (symmetric) = 16/128 = 0.125
    assert deceit["p_value"] == pytest.approx(0.125)
    # threat: 1 vs 1 in 400 words each -> RR 1, p = 1
    assert threat["rate_ratio"] == pytest.approx(1.0) and threat["p_value"] == pytest.approx(1.0)
    # Holm over the 2 categories: 0.125 * 2 = 0.25; max(0.25, 1.0 * 1) = 1.0
    assert (deceit["n_tests"], deceit["p_adjusted"], threat["p_adjusted"]) == (2, pytest.approx(0.25), 1.0)
    # Bonferroni interval at 1 - 0.05/2 = 0.975: z = 2.241403
    assert deceit["ci_level_adjusted"] == pytest.approx(0.975)
    assert deceit["ci_low_adjusted"] == pytest.approx(6 * math.exp(-2.241403 * se), rel=1e-4)  # 0.5326
    assert not table["significant"].any() and set(table["correction"]) == {"holm"}


def test_each_group_against_the_rest_with_benjamini_hochberg(tables):
    grouped = features_by(tables["features"], tables["documents"], "camp")
    table = group_contrasts(grouped, correction="bh")
    assert table["a"].drop_duplicates().tolist() == ["russia", "west", MISSING_GROUP]
    row = table[(table["a"] == "russia") & (table["category"] == "deceit")].iloc[0]
    # the rest = west + (missing): 1 hit in 400 + 200 = 600 words; RR = (6/400) / (1/600) = 9
    assert row["b"] == "rest (not russia)"
    assert (row["count_b"], row["n_tokens_b"]) == (1, 600)
    assert row["rate_ratio"] == pytest.approx(9.0)
    # p: 7 hits, p = 400/1000 = 0.4 under equal rates; scipy's two-sided exact binomial test
    from scipy.stats import binomtest

    assert row["p_value"] == pytest.approx(binomtest(6, 7, 0.4).pvalue)
    missing = table[(table["a"] == MISSING_GROUP) & (table["category"] == "deceit")].iloc[0]
    # (missing) has 0 hits: 0.5 added to both counts -> RR = (0.5/200) / (7.5/800) = 0.2667
    assert bool(missing["zero_corrected"]) and missing["rate_ratio"] == pytest.approx((0.5 / 200) / (7.5 / 800))


def test_adjust_p_values_by_hand():
    p = [0.01, 0.02, 0.03, 0.04, 0.20]
    # Holm: sorted p * (m - i): 0.05, 0.08, 0.09, 0.08, 0.20 -> running max: 0.05, 0.08, 0.09, 0.09, 0.20
    assert adjust_p_values(p, "holm").tolist() == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.20])
    # BH: p * m / rank: 0.05, 0.05, 0.05, 0.05, 0.20 -> running min from the top: the same
    assert adjust_p_values(p, "bh").tolist() == pytest.approx([0.05, 0.05, 0.05, 0.05, 0.20])
    # NaN = no test: not counted (m = 2): Holm 0.04 * 2 = 0.08, max(0.08, 0.5) = 0.5
    assert np.allclose(adjust_p_values([0.04, np.nan, 0.5], "holm"), [0.08, np.nan, 0.5], equal_nan=True)
    with pytest.raises(KitError, match="must be one of holm, bh, none"):
        adjust_p_values(p, "bonferoni")


def test_bh_adjusted_intervals_use_the_false_coverage_rate_level():
    grouped = pd.DataFrame({"by": "x", "group": ["a"] * 2 + ["b"] * 2, "voice": "all", "category": ["c1", "c2"] * 2,
                            "n_documents": 1, "count": [40, 5, 10, 5], "n_tokens": [1000] * 4})
    table = group_contrasts(grouped, a="a", b="b", correction="bh").set_index("category")
    # c1: 40 vs 10 -> p tiny, significant after BH; c2: 5 vs 5 -> p = 1. R = 1 of m = 2: level 1 - 1 * 0.05 / 2
    assert table.loc["c1", "significant"] and not table.loc["c2", "significant"]
    assert table.loc["c1", "ci_level_adjusted"] == pytest.approx(0.975)


def test_features_over_time_per_year_and_camp(tables):
    trend = features_over_time(tables["features"], tables["documents"], period="year", by="camp")
    assert list(trend.columns) == TREND_COLUMNS
    rows = trend.set_index(["group", "period", "category"])
    # russia 2021 = r1 + r2: 6 deceit in 400 words; west 2022 = w1: 1 in 400; (missing) 2022 = m1
    assert rows.loc[("russia", "2021", "deceit"), ["count", "n_tokens"]].tolist() == [6, 400]
    assert rows.loc[("west", "2022", "deceit"), "rate_per_1000"] == pytest.approx(2.5)
    assert rows.loc[(MISSING_GROUP, "2022", "deceit"), "n_tokens"] == 200
    whole = features_over_time(tables["features"], tables["documents"], period="quarter")
    # quarters from date_iso: r1 2021-Q1, r2 2021-Q4, w1 2022-Q1; m1 has only a year -> (missing)
    assert whole["period"].drop_duplicates().tolist() == ["2021-Q1", "2021-Q4", "2022-Q1", MISSING_GROUP]
    q = whole.set_index(["period", "category"])
    assert q.loc[("2021-Q1", "deceit"), ["count", "n_tokens"]].tolist() == [2, 100]


def test_voices_separately(tables):
    grouped = features_by(tables["features"], tables["documents"], "camp", voice=None)
    assert "all" not in set(grouped["voice"]) and "narrator" in set(grouped["voice"])


def test_errors_are_one_line_and_say_what_is_allowed(tables):
    with pytest.raises(KitError, match="no metadata column 'party'"):
        features_by(tables["features"], tables["documents"], "party")
    grouped = features_by(tables["features"], tables["documents"], "camp")
    with pytest.raises(KitError, match="no group 'east'"):
        group_contrasts(grouped, a="east")
    with pytest.raises(KitError, match="no voice 'Putin'"):
        features_by(tables["features"], tables["documents"], "camp", voice="Putin")
    with pytest.raises(KitError, match="period"):
        features_over_time(tables["features"], tables["documents"], period="week")


def test_camp_of_and_period_of():
    assert camp_of({"speaker": "Mrs. Nobody", "country": "French Republic"}) == ("west", "country")  # demonym
    assert camp_of({"speaker": "Mr. Vladimir Putin", "country": "Republic of Russia"}) == ("russia", "speaker")
    assert camp_of({"country": "People\u2019s Republic of China"}) == ("other", "country")
    assert period_of("2021-12-27", "month") == "2021-12" and period_of("2021-12-27", "quarter") == "2021-Q4"
    assert period_of("", "year") is None
