"""keyness (G², Log Ratio) and compare_features (rate ratios) on real text and small tables."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats as sp

from analysis.errors import KitError
from analysis.tables.stats import COMPARE_COLUMNS, KEYNESS_COLUMNS, VoiceTerms, compare_features, keyness, term_counts

SEED_ID = "000_b57aecae04ae68f3"
CONTROL_ID = "001_control_agency_report"


def _g2(a, b, n_t, n_r):
    """Rayson & Garside's two-cell log-likelihood, written out independently."""
    e1 = n_t * (a + b) / (n_t + n_r)
    e2 = n_r * (a + b) / (n_t + n_r)
    return 2 * ((a * math.log(a / e1) if a else 0) + (b * math.log(b / e2) if b else 0))


@pytest.fixture(scope="module")
def control_doc(nlp, corpus):
    from analysis import parse

    return next(d for d in parse(corpus, nlp, cache=False) if d.user_data["doc_id"] == CONTROL_ID)


def test_term_counts_use_lower_cased_lemmas_of_word_tokens(make_doc):
    doc = make_doc("The talks, THE Talks; negotiations were held.")
    counts = term_counts(doc)
    assert counts["talk"] == 2 and counts["the"] == 2 and counts["negotiation"] == 1 and counts["be"] == 1
    assert "," not in counts and ";" not in counts and "." not in counts
    assert sum(counts.values()) == 7
    lower = term_counts(doc, by="lower")
    assert lower["talks"] == 2 and lower["were"] == 1


def test_keyness_matches_the_formulas_on_the_seed_against_the_control(seed_doc, control_doc):
    table = keyness(seed_doc, control_doc, min_freq=3, labels=("seed", "control"))
    assert list(table.columns) == KEYNESS_COLUMNS
    t, r = term_counts(seed_doc), term_counts(control_doc)
    n_t, n_r = sum(t.values()), sum(r.values())
    assert (table["n_target"] == n_t).all() and (table["n_reference"] == n_r).all()
    assert set(table["term"]) == {w for w in set(t) | set(r) if t[w] + r[w] >= 3}
    for row in table.itertuples():
        a, b = t[row.term], r[row.term]
        assert (row.freq_target, row.freq_reference) == (a, b)
        assert row.g2 == pytest.approx(_g2(a, b, n_t, n_r), abs=1e-9)
        assert row.p_value == pytest.approx(sp.chi2.sf(row.g2, 1))
        lr = math.log2(((a or 0.5) / n_t) / ((b or 0.5) / n_r))
        assert row.log_ratio == pytest.approx(lr)
        assert row.direction == ("target" if a / n_t > b / n_r else "reference" if a / n_t < b / n_r else "equal")
    # sorted by G² descending, ties by term
    keys = list(zip(-table["g2"].round(9), table["term"]))
    assert keys == sorted(keys)
    # the control says "talks" (4x) where the seed says "negotiations": the top reference term
    top_ref = table[table.direction == "reference"].iloc[0]
    assert top_ref.term == "talk" and top_ref.freq_target == 0 and top_ref.freq_reference == 4
    assert top_ref.p_value < 0.01
    # first-person "we" only occurs in Lavrov's quoted words, never in the neutral report
    we = table.set_index("term").loc["we"]
    assert we.direction == "target" and we.freq_reference == 0


def test_keyness_is_symmetric_when_target_and_reference_swap(seed_doc, control_doc):
    ab = keyness(seed_doc, control_doc, min_freq=2).set_index("term")
    ba = keyness(control_doc, seed_doc, min_freq=2).set_index("term")
    assert ab["g2"].to_dict() == pytest.approx(ba.loc[ab.index, "g2"].to_dict())
    assert (ab["log_ratio"] + ba.loc[ab.index, "log_ratio"]).abs().max() < 1e-9


def test_keyness_groups_texts_and_voice_documents(nlp, seed_doc, control_doc):
    from analysis.corpus import Document

    # a group of two Docs counts like their sum
    group = keyness([seed_doc, control_doc], {"talk": 1, "the": 100}, min_freq=1).set_index("term")
    both = term_counts(seed_doc) + term_counts(control_doc)
    assert group.loc["talk", "freq_target"] == both["talk"]
    # texts and Document objects (e.g. voice sub-documents) are parsed
    texts = keyness("We will never accept it. We refuse.", [Document("x", "They accept the offer.")],
                    min_freq=2, nlp=nlp).set_index("term")
    assert texts.loc["we", "freq_target"] == 2 and texts.loc["accept", "freq_reference"] == 1


def test_keyness_of_the_seed_voices(nlp, seed_doc):
    """Lavrov's quoted words against the reporter's narration of the same article."""
    from analysis.app.shortcuts import voices
    from analysis.extract.attribution import doc_attributions

    subdocs = {d.metadata["voice"]: d for d in voices(seed_doc)}
    assert {"narrator", "Sergei Lavrov"} <= set(subdocs)
    table = keyness(subdocs["Sergei Lavrov"], subdocs["narrator"], min_freq=3, nlp=nlp,
                    labels=("Lavrov (quoted)", "narrator")).set_index("term")
    # reporting verbs belong to the narrator, "we" to the minister
    assert table.loc["say", "direction"] == "reference"
    assert table.loc["we", "direction"] == "target" and table.loc["we", "freq_reference"] == 0
    # the pooled accumulator used by `discourse-kit run` agrees with the sub-documents
    vt = VoiceTerms()
    vt.add(seed_doc, doc_attributions(seed_doc))
    assert vt.quoted["we"] == table.loc["we", "freq_target"]
    assert vt.narration["say"] == table.loc["say", "freq_reference"]
    pooled = vt.keyness(min_freq=3)
    assert set(pooled["target"]) == {"quoted speech"} and set(pooled["reference"]) == {"narration"}


def test_keyness_edge_cases_and_errors(make_doc):
    empty = keyness(make_doc(""), make_doc("Talks."), min_freq=1)
    assert empty.empty and list(empty.columns) == KEYNESS_COLUMNS
    rare = keyness({"a": 1}, {"b": 1}, min_freq=5)
    assert rare.empty
    for bad in (0, -3, 2.5, True):
        with pytest.raises(KitError, match="min_freq"):
            keyness({"a": 1}, {"a": 2}, min_freq=bad)
    with pytest.raises(KitError, match="by"):
        keyness({"a": 1}, {"a": 2}, by="stem")
    with pytest.raises(KitError, match="cannot count terms"):
        keyness(42, {"a": 2})


def _features(rows):
    frame = pd.DataFrame(rows, columns=["doc_id", "voice", "category", "count", "n_tokens"])
    frame["rate_per_1000"] = 1000 * frame["count"] / frame["n_tokens"]
    return frame


FEATURES = _features([
    ("seed", "all", "deception_accusation", 2, 400),
    ("seed", "all", "certainty_marker", 4, 400),
    ("seed", "all", "loaded_label", 0, 400),
    ("seed", "Sergei Lavrov", "deception_accusation", 2, 250),
    ("seed", "Sergei Lavrov", "certainty_marker", 3, 250),
    ("seed", "Sergei Lavrov", "loaded_label", 0, 250),
    ("seed", "narrator", "deception_accusation", 0, 150),
    ("seed", "narrator", "certainty_marker", 1, 150),
    ("seed", "narrator", "loaded_label", 0, 150),
    ("control", "all", "deception_accusation", 0, 140),
    ("control", "all", "certainty_marker", 1, 140),
    ("control", "all", "loaded_label", 0, 140),
    ("control", "narrator", "deception_accusation", 0, 140),
    ("control", "narrator", "certainty_marker", 1, 140),
    ("control", "narrator", "loaded_label", 0, 140),
])


def test_compare_features_rate_ratio_ci_and_exact_p():
    table = compare_features(FEATURES, "seed", "control").set_index("category")
    assert list(table.reset_index().columns) == COMPARE_COLUMNS
    assert list(table.index) == ["deception_accusation", "certainty_marker", "loaded_label"]
    cm = table.loc["certainty_marker"]
    assert (cm.count_a, cm.n_tokens_a, cm.count_b, cm.n_tokens_b) == (4, 400, 1, 140)
    assert cm.rate_a == pytest.approx(10.0) and cm.rate_b == pytest.approx(1000 / 140)
    rr = (4 / 400) / (1 / 140)
    se = math.sqrt(1 / 4 + 1 / 1)
    assert cm.rate_ratio == pytest.approx(rr)
    assert (cm.ci_low, cm.ci_high) == pytest.approx((rr * math.exp(-1.959964 * se), rr * math.exp(1.959964 * se)), rel=1e-5)
    assert cm.p_value == pytest.approx(sp.binomtest(4, 5, 400 / 540).pvalue)
    assert not cm.corrected
    # a zero count: Haldane–Anscombe correction, finite interval, flagged
    da = table.loc["deception_accusation"]
    assert da.corrected and da.count_b == 0
    assert da.rate_ratio == pytest.approx((2.5 / 400) / (0.5 / 140))
    assert 0 < da.ci_low < da.rate_ratio < da.ci_high < math.inf
    # both zero: undefined, not a made-up number
    ll = table.loc["loaded_label"]
    assert math.isnan(ll.rate_ratio) and math.isnan(ll.ci_low) and ll.p_value == 1.0


def test_compare_features_voices_pairs_and_groups():
    by_voice = compare_features(FEATURES, "Sergei Lavrov", "narrator").set_index("category")
    cm = by_voice.loc["certainty_marker"]
    # "narrator" pools the narrator of both documents
    assert (cm.count_a, cm.n_tokens_a, cm.count_b, cm.n_tokens_b) == (3, 250, 2, 290)
    assert by_voice["a"].iloc[0] == "Sergei Lavrov"
    pair = compare_features(FEATURES, ("seed", "narrator"), ("control", "narrator")).set_index("category")
    assert pair.loc["certainty_marker", "n_tokens_a"] == 150 and pair["a"].iloc[0] == "seed · narrator"
    group = compare_features(FEATURES, ["seed", "control"], "control").set_index("category")
    assert group.loc["certainty_marker", "count_a"] == 5 and group.loc["certainty_marker", "n_tokens_a"] == 540
    wider = compare_features(FEATURES, "seed", "control", level=0.99).set_index("category")
    assert wider.loc["certainty_marker", "ci_high"] > compare_features(FEATURES, "seed", "control").set_index(
        "category").loc["certainty_marker", "ci_high"]


def test_compare_features_errors():
    with pytest.raises(KitError, match="neither a doc_id nor a voice"):
        compare_features(FEATURES, "seed", "Biden")
    with pytest.raises(KitError, match="lacks column"):
        compare_features(FEATURES.drop(columns="n_tokens"), "seed", "control")
    with pytest.raises(KitError, match="level"):
        compare_features(FEATURES, "seed", "control", level=95)
    with pytest.raises(KitError, match="no rows"):
        compare_features(FEATURES, ("control", "Sergei Lavrov"), "seed")
