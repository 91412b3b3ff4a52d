"""Reliability: Krippendorff's alpha against the literature's worked examples, kappa, disagreements."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.errors import KitError
from analysis.tables.reliability import (
    ALPHA_COLUMNS,
    PAIR_COLUMNS,
    binary_alpha,
    coder_codes,
    krippendorff_alpha,
    reliability,
)

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School for
# Communication, University of Pennsylvania, section A: binary data, two observers, no missing data.
#   unit:  1 2 3 4 5 6 7 8 9 10
#   Ben:   0 1 0 0 0 0 0 0 1 0
#   Gerry: 1 1 1 0 0 1 0 0 0 0
# By hand: every unit has m_u = 2 values, so n = 20 pairable values; n_1 = 2 + 4 = 6, n_0 = 14.
# Coincidences: units 4,5,7,8,10 agree on 0 -> o_00 = 5 x 2 = 10; unit 2 agrees on 1 -> o_11 = 2;
# units 1,3,6,9 disagree -> o_01 = o_10 = 4 (each contributes one ordered pair each way, / (m_u - 1) = 1).
# alpha = 1 - (n - 1) o_01 / (n_0 n_1) = 1 - 19 x 4 / (14 x 6) = 1 - 76/84 = 0.0952 (the paper: 0.095).
# Cohen's kappa of the same data: p_o = 6/10 = 0.6; p_e = 0.2 x 0.4 + 0.8 x 0.6 = 0.56;
# kappa = (0.6 - 0.56) / (1 - 0.56) = 0.04 / 0.44 = 0.0909.
BEN = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
GERRY = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
ALPHA_BINARY = 1 - 19 * 4 / (14 * 6)
KAPPA_BINARY = 0.04 / 0.44

# Same paper, section C: nominal data, four observers, 12 units, missing values (nan).
#   unit:  1 2 3 4 5 6 7 8 9 10 11 12
#   A:     1 2 3 3 2 1 4 1 2 .  .  .
#   B:     1 2 3 3 2 2 4 1 2 5  .  3
#   C:     . 3 3 3 2 3 4 2 2 5  1  .
#   D:     1 2 3 3 2 4 4 1 2 5  1  .
# By hand: unit 12 has one value and is not pairable; m_u = 3,4,4,4,4,4,4,4,4,3,2 -> n = 40.
# Value totals n_c: 1 -> 9, 2 -> 13, 3 -> 10, 4 -> 5, 5 -> 3 (sum 40); sum n_c^2 = 81+169+100+25+9 = 384.
# Off-diagonal coincidences: unit 2 (2,2,3,2): 3 x 1 x 2 ordered pairs / (4 - 1) = 2; unit 6 (1,2,3,4):
# 4 x 3 / 3 = 4; unit 8 (1,1,2,1): 3 x 1 x 2 / 3 = 2; total 8.
# alpha = 1 - (n - 1) x 8 / (n^2 - sum n_c^2) = 1 - 39 x 8 / (1600 - 384) = 1 - 312/1216 = 0.7434 (paper: 0.743).
NAN = math.nan
NOMINAL = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
ALPHA_NOMINAL = 1 - 39 * 8 / (1600 - 384)


def _sentences(n: int, doc: str = "d") -> pd.DataFrame:
    """n ten-character 'sentences' of one document: [0, 9), [10, 19), ..."""
    return pd.DataFrame({"doc_id": [doc] * n, "start_char": [10 * i for i in range(n)],
                         "end_char": [10 * i + 9 for i in range(n)], "text": [f"sentence {i}" for i in range(n)]})


def _spans_in(units: list[int], category: str = "x", doc: str = "d") -> pd.DataFrame:
    """One span inside each coded sentence (characters 2-6, so sentence overlap is what counts)."""
    return pd.DataFrame({"doc_id": [doc] * sum(units), "category": [category] * sum(units),
                         "start_char": [10 * i + 2 for i, v in enumerate(units) if v],
                         "end_char": [10 * i + 6 for i, v in enumerate(units) if v]})


def _row(table, category="x"):
    return table.set_index("category").loc[category]


def test_the_package_reproduces_krippendorffs_worked_examples():
    assert krippendorff_alpha([BEN, GERRY]) == pytest.approx(ALPHA_BINARY)
    assert round(krippendorff_alpha([BEN, GERRY]), 3) == 0.095
    assert krippendorff_alpha(NOMINAL) == pytest.approx(ALPHA_NOMINAL)
    assert round(krippendorff_alpha(NOMINAL), 3) == 0.743


def test_binary_example_through_spans_and_sentences():
    r = reliability({"Ben": _spans_in(BEN), "Gerry": _spans_in(GERRY)}, texts=_sentences(10), n_boot=200)
    assert list(r.alpha.columns) == ALPHA_COLUMNS and list(r.pairs.columns) == PAIR_COLUMNS
    x = _row(r.alpha)
    assert x["alpha"] == pytest.approx(ALPHA_BINARY)
    assert x["agreement"] == pytest.approx(0.6)
    assert (x["n_units"], x["n_pairable"], x["n_coded"]) == (10, 10, 5)
    assert x["alpha_low"] < x["alpha"] < x["alpha_high"]
    pair = _row(r.pairs)
    assert (pair["coder_a"], pair["coder_b"], pair["n_a"], pair["n_b"]) == ("Ben", "Gerry", 2, 4)
    assert pair["kappa"] == pytest.approx(KAPPA_BINARY)
    assert pair["agreement"] == pytest.approx(0.6)
    # the four disagreeing sentences, each coder's codes side by side
    assert r.disagreements["sentence_id"].tolist() == [0, 2, 5, 8]
    assert r.disagreements[["Ben", "Gerry"]].values.tolist() == [["", "x"], ["", "x"], ["", "x"], ["x", ""]]


def test_closed_form_equals_the_package_with_missing_values():
    rng = np.random.default_rng(3)
    data = rng.integers(0, 2, size=(3, 200)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    assert binary_alpha(data) == pytest.approx(krippendorff_alpha(data))
    assert binary_alpha([BEN, GERRY]) == pytest.approx(ALPHA_BINARY)


def test_all_row_pools_categories_and_a_second_category_is_separate():
    a = pd.concat([_spans_in(BEN), _spans_in([1] * 10, "y")])
    b = pd.concat([_spans_in(GERRY), _spans_in([1] * 10, "y")])
    r = reliability([a, b], texts=_sentences(10), n_boot=0)
    assert r.coders == ["coder1", "coder2"]
    # y: every sentence coded by both: perfect agreement, but no variation -> alpha undefined
    assert math.isnan(_row(r.alpha, "y")["alpha"]) and _row(r.alpha, "y")["agreement"] == 1.0
    # ALL pools the 20 sentence x category cells: equal to the binary alpha of the stacked data
    pooled = [BEN + [1] * 10, GERRY + [1] * 10]
    assert _row(r.alpha, "ALL")["alpha"] == pytest.approx(krippendorff_alpha(pooled))
    assert math.isnan(_row(r.alpha, "ALL")["alpha_low"])  # n_boot=0: no interval


def test_documents_one_coder_did_not_read_are_missing_not_absent():
    texts = pd.concat([_sentences(10, "d"), _sentences(5, "e")])
    first = pd.concat([_spans_in(BEN), _spans_in([1, 0, 0, 0, 1], doc="e")])  # read d and e
    second = _spans_in(GERRY)  # read only d
    r = reliability({"first": first, "second": second}, texts=texts, n_boot=0)
    assert _row(r.alpha)["alpha"] == pytest.approx(ALPHA_BINARY)
    assert _row(r.alpha)["n_units"] == 10
    assert set(r.disagreements["doc_id"]) == {"d"}
    # declared as read by both: e's five sentences count, second coded nothing there
    both = reliability({"first": first, "second": second}, texts=texts, n_boot=0, documents=["d", "e"])
    x = _row(both.alpha)
    assert x["n_units"] == 15
    expected = krippendorff_alpha([BEN + [1, 0, 0, 0, 1], GERRY + [0] * 5])
    assert x["alpha"] == pytest.approx(expected)


def test_token_units_need_span_agreement_not_just_the_sentence(nlp):
    doc = nlp("Alpha beta gamma delta.")
    doc.user_data["doc_id"] = "t"
    a = pd.DataFrame({"doc_id": ["t"], "category": ["x"], "start_char": [6], "end_char": [16]})  # beta gamma
    b = pd.DataFrame({"doc_id": ["t"], "category": ["x"], "start_char": [11], "end_char": [22]})  # gamma delta
    # tokens Alpha beta gamma delta . -> a: 0 1 1 0 0, b: 0 0 1 1 0; n = 10, n_1 = 4, n_0 = 6;
    # units beta and delta disagree, each adds one (0,1) coincidence -> o_01 = 2;
    # alpha = 1 - (n - 1) o_01 / (n_0 n_1) = 1 - 9 x 2 / (6 x 4) = 1 - 18/24 = 0.25
    tokens = reliability({"a": a, "b": b}, texts=[doc], unit="token", n_boot=0)
    assert _row(tokens.alpha)["alpha"] == pytest.approx(0.25)
    assert _row(tokens.alpha)["n_units"] == 5
    sentence = reliability({"a": a, "b": b}, texts=[doc], n_boot=0)
    assert _row(sentence.alpha)["agreement"] == 1.0 and sentence.disagreements.empty


def test_review_decisions_decide_what_a_coder_coded():
    rows = pd.DataFrame({
        "doc_id": ["d"] * 4, "category": ["x", "x", "x", "x"], "start_char": [2, 12, 22, 2],
        "end_char": [6, 16, 26, 6], "coder": ["ann"] * 4,
        "decision": ["correct", "wrong", "added", "wrong"],  # the last row revises the first
    })
    kept = coder_codes(rows)
    assert kept["start_char"].tolist() == [22]


def test_bootstrap_is_reproducible_and_document_resampling_works():
    texts = pd.concat([_sentences(10, f"d{i}") for i in range(4)])
    a = pd.concat([_spans_in(BEN, doc=f"d{i}") for i in range(4)])
    b = pd.concat([_spans_in(GERRY if i % 2 else BEN, doc=f"d{i}") for i in range(4)])
    one = reliability([a, b], texts=texts, n_boot=300, seed=5)
    two = reliability([a, b], texts=texts, n_boot=300, seed=5)
    pd.testing.assert_frame_equal(one.alpha, two.alpha)
    docs = reliability([a, b], texts=texts, n_boot=300, seed=5, bootstrap="document")
    x = _row(docs.alpha)
    assert x["alpha_low"] <= x["alpha"] <= x["alpha_high"]
    assert (x["alpha_high"] - x["alpha_low"]) > 0


@pytest.mark.parametrize("kwargs, message", [
    ({"unit": "word"}, "unit must be"),
    ({"bootstrap": "cluster"}, "bootstrap must be"),
    ({"level": 1.5}, "level must be"),
    ({"unit": "token"}, "needs parsed Docs"),
])
def test_bad_options_are_one_line_errors(kwargs, message):
    with pytest.raises(KitError, match=message):
        reliability([_spans_in(BEN), _spans_in(GERRY)], texts=_sentences(10), **kwargs)


def test_one_coder_and_missing_texts_are_errors():
    with pytest.raises(KitError, match="at least two coders"):
        reliability([_spans_in(BEN)], texts=_sentences(10))
    with pytest.raises(KitError, match="not among the texts"):
        reliability([_spans_in(BEN), _spans_in(GERRY)], texts=_sentences(10, "other"))
