"""Words: collocates, n-grams, concordances by lemma and sorted, keyness between metadata groups and its filters.

Every expected number is computed by hand in the comments from texts built here.
"""
from __future__ import annotations

import math

import pytest

from analysis import Corpus, Document, keyness, kwic
from analysis.app.words import collocates, group_keyness, ngrams
from analysis.errors import KitError
from analysis.tables.words import COLLOCATE_COLUMNS, NGRAM_COLUMNS, collocation_table


def test_collocation_measures_by_hand():
    # O11 = 4 occurrences in R1 = 20 window positions; C1 = 10 in N = 1000 word tokens
    row = collocation_table("node", {"again": 4}, 20, {"again": 10}, 1000, min_freq=1).iloc[0]
    assert list(row.index) == COLLOCATE_COLUMNS
    assert row["expected"] == pytest.approx(0.2)                    # E11 = 20 * 10 / 1000
    assert row["mi"] == pytest.approx(math.log2(20))                # log2(4 / 0.2)
    assert row["t_score"] == pytest.approx(1.9)                     # (4 - 0.2) / sqrt(4)
    # G²: O = 4, 16, 6, 974 against E = 0.2, 19.8, 9.8, 970.2
    g2 = 2 * (4 * math.log(4 / 0.2) + 16 * math.log(16 / 19.8) + 6 * math.log(6 / 9.8) + 974 * math.log(974 / 970.2))
    assert row["log_likelihood"] == pytest.approx(g2)               # 18.87
    assert row["log_likelihood"] == pytest.approx(18.87, abs=0.01)


def test_collocates_of_a_word_in_a_constructed_text(nlp):
    corpus = Corpus([Document("d", "They deceive us. We never deceived anyone.")])
    table = collocates(corpus, "deceive", window=1, min_freq=1, nlp=nlp).set_index("collocate")
    # word tokens: they deceive us we never deceive anyone (N = 7; "deceived" has the lemma deceive);
    # windows of 1 word: (they, us) and (never, anyone) -> R1 = 4 positions
    assert sorted(table.index) == ["anyone", "never", "they", "us"]
    assert set(table["n_window"]) == {4} and set(table["n_corpus"]) == {7}
    assert table.loc["they", "freq_window"] == 1 and table.loc["they", "freq_corpus"] == 1
    assert table.loc["they", "expected"] == pytest.approx(4 / 7)    # 4 * 1 / 7
    assert table.loc["they", "mi"] == pytest.approx(math.log2(7 / 4))
    # by word form, "deceive" no longer matches "deceived": one window only
    assert set(collocates(corpus, "deceive", window=1, min_freq=1, by="lower", nlp=nlp)["n_window"]) == {2}


def test_collocates_of_a_category_use_its_evidence(corpus):
    table = collocates(corpus, "deception_accusation", window=3, min_freq=1, stop_words=True)
    assert len(table) and set(table["node"]) == {"deception_accusation"}
    assert "the" not in set(table["collocate"])  # function words left out
    with pytest.raises(KitError, match="sort"):
        collocates(corpus, "deceive", sort="dice")


def test_ngrams_break_at_punctuation_and_count_documents(nlp):
    corpus = Corpus([Document("a", "Double standards, double standards everywhere."),
                     Document("b", "They apply double standards.")])
    table = ngrams(corpus, 2, min_freq=1, nlp=nlp)
    assert list(table.columns) == NGRAM_COLUMNS
    rows = table.set_index("ngram")
    # a: "double standards" x2, "standards everywhere"; "standards double" is broken by the comma
    # b: "they apply", "apply double", "double standards" -> 6 bigrams in all
    assert rows.loc["double standards", ["freq", "n_documents", "n_ngrams"]].tolist() == [3, 2, 6]
    assert "standards double" not in rows.index
    assert rows.loc["double standards", "rate_per_1000"] == pytest.approx(500.0)  # 1000 * 3 / 6
    assert table["ngram"].iloc[0] == "double standards"  # most frequent first
    trigrams = ngrams(corpus, 3, min_freq=1, nlp=nlp)
    assert set(trigrams["ngram"]) == {"double standards everywhere", "they apply double", "apply double standards"}


def test_kwic_by_lemma_sorted_with_metadata(nlp):
    corpus = Corpus([
        Document("a", "The West applies double standards in Kosovo.", {"speaker": "Sergei Lavrov", "year": 2014}),
        Document("b", "A double standard is a double standard, and zebra crossings.", {"speaker": "X", "year": 2015}),
    ])
    plain = kwic(corpus, "double standard", window=2)
    assert plain["match"].tolist() == ["double standard", "double standard"]  # only the singular form
    table = kwic(corpus, "double standard", window=2, by_lemma=True, nlp=nlp)
    assert table["match"].tolist() == ["double standards", "double standard", "double standard"]
    assert table[["speaker", "year"]].values.tolist() == [["Sergei Lavrov", 2014], ["X", 2015], ["X", 2015]]
    # sorted by the left context read outwards (L1, L2): "a" < "a is" < "applies west"
    left = kwic(corpus, "double standard", window=2, by_lemma=True, sort="left", nlp=nlp)
    assert left["left"].tolist() == ["A", "is a", "West applies"]
    right = kwic(corpus, "double standard", window=2, by_lemma=True, sort="right", nlp=nlp)
    assert right["right"].tolist() == [", and", "in Kosovo", "is a"]
    with pytest.raises(KitError, match="sort"):
        kwic(corpus, "double", sort="middle")


def test_group_keyness_between_metadata_groups(nlp):
    docs = [Document(f"r{i}", "They deceive us again and again. " * 3, {"camp": "russia"}) for i in range(2)]
    docs += [Document(f"w{i}", "We talk with partners again and again. " * 3, {"camp": "west"}) for i in range(2)]
    table = group_keyness(Corpus(docs), "camp", "russia", "west", min_freq=1, nlp=nlp).set_index("term")
    # russia: (they deceive us again and again) x 3 x 2 docs = 36 words; west: 7 x 3 x 2 = 42 words
    assert table.loc["deceive", ["freq_target", "freq_reference", "n_target", "n_reference"]].tolist() == [6, 0, 36, 42]
    assert set(table["target"]) == {"camp=russia"} and set(table["reference"]) == {"camp=west"}
    assert set(table["correction"]) == {"holm"}
    # Holm over the terms: the smallest p times the number of terms (capped at 1) for the most key term
    top = table.sort_values("p_value").iloc[0]
    assert top["p_adjusted"] == pytest.approx(min(1.0, top["p_value"] * len(table)))
    rest = group_keyness(Corpus(docs), "camp", "russia", min_freq=1, nlp=nlp)
    assert set(rest["reference"]) == {"camp≠russia"}
    with pytest.raises(KitError, match="no group 'east'"):
        group_keyness(Corpus(docs), "camp", "east")


def test_keyness_filters():
    target = {"the": 40, "deceive": 6, "talk": 10}
    reference = {"the": 45, "deceive": 0, "talk": 9}
    full = keyness(target, reference, min_freq=1)
    assert set(full["term"]) == {"the", "deceive", "talk"}
    assert set(keyness(target, reference, min_freq=1, stop_words=True)["term"]) == {"deceive", "talk"}
    # Log Ratio of talk: log2((10/56) / (9/54)) = 0.10 < 1; deceive: log2((6/56) / (0.5/54)) = 3.53
    assert set(keyness(target, reference, min_freq=1, min_log_ratio=1.0)["term"]) == {"deceive"}
    bh = keyness(target, reference, min_freq=1, correction="bh")
    assert {"p_adjusted", "correction"} <= set(bh.columns)
    assert (bh["p_adjusted"] >= bh["p_value"] - 1e-12).all()
    with pytest.raises(KitError, match="min_log_ratio"):
        keyness(target, reference, min_log_ratio=-1)
