"""The benchmark's scaled corpus: deterministic, new text in every copy, realistic vocabulary growth.

Speed itself is measured by running ``benchmarks/bench_pipeline.py``, never here.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

bench = pytest.importorskip("bench_pipeline", reason="benchmarks/bench_pipeline.py is missing: this checkout is "
                           "incomplete (clone the repository again)")


@pytest.fixture(scope="module")
def nlp():
    from analysis import make_nlp

    return make_nlp()


def _types(corpus) -> int:
    return len({w for d in corpus for w in d.text.split()})


def test_scaled_corpus_is_deterministic_and_new_text(nlp):
    a = bench.build_corpus(6000, nlp=nlp)
    b = bench.build_corpus(6000, nlp=nlp)
    assert [d.text for d in a] == [d.text for d in b]
    assert 6000 <= bench.n_words(a) < 6000 + max(len(d.text.split()) for d in a)
    assert len({d.text for d in a}) == len(a)  # no document twice
    assert len({d.doc_id for d in a}) == len(a)
    originals = {d.text for d in bench.load_corpus()}
    assert not originals & {d.text for d in a}


def test_english_vocabulary_grows_like_real_text(nlp):
    english = bench.build_corpus(20000, nlp=nlp)
    corpus_words = bench.build_corpus(20000, nlp=nlp, vocabulary="corpus")
    # replacement words from a frequency list keep bringing new word types;
    # the base texts' own words do not
    assert _types(english) > 1.5 * _types(corpus_words)
    words, cumulative = bench.replacement_words()
    assert len(words) > 20000 and len(words) == len(cumulative)
    assert cumulative == sorted(cumulative)


def test_own_texts_as_the_base(nlp, tmp_path):
    (tmp_path / "a.txt").write_text("The talks went well. Nobody was deceived by anyone at all.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("We do not put forward any ultimatums. The West will deceive us.\n",
                                    encoding="utf-8")
    base = list(bench.load_corpus(tmp_path))
    corpus = bench.build_corpus(200, nlp=nlp, base=base)
    assert bench.n_words(corpus) >= 200
    assert {d.doc_id.split("~")[0] for d in corpus} == {d.doc_id for d in base}
    # capitalisation and quotation marks survive the perturbation
    assert all(d.text[0].isupper() for d in corpus)
