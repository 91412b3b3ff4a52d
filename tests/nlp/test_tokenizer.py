"""The kit's caching tokenizer gives exactly the Docs of spaCy's stock tokenizer.

``CachingTokenizer`` tokenizes each new whitespace-delimited chunk on its own
before the document, so spaCy's chunk cache is filled even where a special
case ("—", "Mr.", "\\n", "cannot") stops spaCy from storing the rest of a
document. The tokens must not change: checked against a fresh stock tokenizer
on the bundled corpus, the check corpora (UN speeches 69-75, US statements)
when present, text built to hit special cases, whitespace runs and affixes in
every order, with the chunk memory overflowing, and after pickling.
"""
from __future__ import annotations

import pickle
import random

import pytest
import spacy
from conftest import check_corpora, sample_texts
from spacy.attrs import IDX, NORM, ORTH, SPACY

from analysis import load_corpus, make_nlp
from analysis.nlp.tokenizer import CachingTokenizer

#: chunks that are, contain or touch spaCy special cases, affixes and whitespace tokens
TRICKY = ["Mr.", "Mr.,", "(Mr.", "—", "—the", "cannot", "Cannot,", "don’t", "don't.", "“don’t”", "U.S.", "U.S.-led",
          "St.", "i.e.", ":-)", "(:", "e-mail", "co-operation", "Russia’s", "Russia's,", "NATO’s)", "1990s",
          "$5bn", "10:30", "http://example.org/a?b=c", "“We", "said.”", "(NATO),", "—”", "...", "…", "'s", "’s",
          "a.m.", "Feb.", "Jan.,", "Lavrov", "said", "the", "West", "\u00a0", "«Non»", "it’s", "Can’t’ve"]
SPACES = [" ", " ", " ", " ", "\n", "\n\n", "  ", " \n", "\t", "\n \n", "\r\n"]


def _tokens(doc) -> tuple:
    return doc.text, doc.to_array([ORTH, SPACY, NORM, IDX]).tolist()


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 40)):
            parts += [rng.choice(TRICKY), rng.choice(SPACES)]
        texts.append(rng.choice(["", " ", "\n"]) + "".join(parts)[: rng.randint(0, 400)])
    return texts


def _assert_same(texts: list[str], ours) -> None:
    stock = spacy.blank("en").tokenizer
    for text in texts:
        assert _tokens(ours(text)) == _tokens(stock(text)), text


def test_the_pipeline_tokenizes_with_the_caching_tokenizer(nlp):
    assert isinstance(nlp.tokenizer, CachingTokenizer)
    assert nlp.tokenizer.max_cache_size >= 2 * nlp.tokenizer.max_chunks  # spaCy's own 10,000 would fill up


def test_same_tokens_as_spacy_on_the_bundled_corpus_and_built_text():
    texts = sample_texts() + [d.text for d in load_corpus()] + _random_texts(400, seed=3)
    _assert_same(texts, CachingTokenizer(spacy.blank("en").tokenizer))
    _assert_same(texts, make_nlp().tokenizer)  # the pipeline's own, chunks already met in other documents


def test_same_tokens_when_the_chunk_memory_overflows_and_after_pickling():
    small = CachingTokenizer(spacy.blank("en").tokenizer, max_chunks=7)  # emptied and refilled again and again
    texts = _random_texts(200, seed=5)
    _assert_same(texts, small)
    assert len(small._seen) <= max(7, *(len(set(t.split())) for t in texts))  # at most one document over
    back = pickle.loads(pickle.dumps(small))
    assert isinstance(back, CachingTokenizer) and back.max_chunks == 7 and not back._seen
    _assert_same(texts[:50], back)


def test_delegates_the_rest_to_spacys_tokenizer():
    ours = CachingTokenizer(spacy.blank("en").tokenizer)
    assert ours.rules == ours.stock.rules
    assert [t[1] for t in ours.explain("Mr. Smith's")] == ["Mr.", "Smith", "'s"]
    assert [len(d) for d in ours.pipe(["a b", "c"])] == [2, 1]


@pytest.mark.parametrize("name", ["ungdc", "us"])
def test_same_tokens_on_the_check_corpora(name):
    files = check_corpora().get(name)
    if not files:
        pytest.skip(f"check corpus {name!r} not found (../check/{name} or ../shared/corpora): nothing to compare")
    texts = [d.text for path in files for d in load_corpus(path)]
    assert len(texts) > 40
    _assert_same(texts, CachingTokenizer(spacy.blank("en").tokenizer))
