"""The batched sentiment scorer gives exactly ``TextBlob(sentence).sentiment``, sentence by sentence.

Checked on every sentence (as the kit's splitter cuts them) of the bundled
corpus and of the check corpora -- UN General Debate speeches of sessions
69-75 and the US statements -- when they are beside the project, on awkward
hand-written cases (emoticons, sarcasm marks, contractions, abbreviations,
line breaks) and on generated text.
"""
from __future__ import annotations

import re

import pytest
from conftest import check_corpora
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob import TextBlob

from analysis import load_corpus, parse
from analysis.extract import polarity
from analysis.extract.polarity import SELF_TEST, score_texts


def textblob(texts: list[str]) -> list[tuple[float, float]]:
    return [tuple(TextBlob(t).sentiment) for t in texts]


def sentences(corpus, nlp) -> list[str]:
    return [s.text for doc in parse(corpus, nlp, cache=False, progress=False) for s in doc.sents]


class FallBacks:
    """Counts the texts the batched scorer hands to TextBlob itself (so the fast path is what is tested)."""

    def __init__(self, monkeypatch):
        score_texts(["built and self-tested before counting"])
        self.texts: list[str] = []
        real = polarity.textblob_sentiment

        def counting(text):
            self.texts.append(text)
            return real(text)

        monkeypatch.setattr(polarity, "textblob_sentiment", counting)


def test_every_sentence_of_the_bundled_corpus(corpus, nlp, monkeypatch):
    texts = sentences(corpus, nlp)
    assert len(texts) >= 20
    fallbacks = FallBacks(monkeypatch)
    assert score_texts(texts) == textblob(texts)
    assert fallbacks.texts == []


@pytest.mark.parametrize("name", ["ungdc", "us"])
def test_every_sentence_of_the_check_corpora(name, nlp, monkeypatch):
    files = check_corpora().get(name)
    if not files:
        pytest.skip(f"check corpus {name!r} not found (../check/{name} or ../shared/corpora): nothing to compare")
    corpus = [d for path in files for d in load_corpus(path)]
    texts = sentences(corpus, nlp)
    assert len(texts) > 1000
    fallbacks = FallBacks(monkeypatch)
    fast = score_texts(texts)
    assert len(fallbacks.texts) < len(texts) / 100  # "8)", ":c" ...: rare
    slow = textblob(texts)
    differ = [(t, f, s) for t, f, s in zip(texts, fast, slow) if f != s]
    assert not differ, f"{len(differ)} of {len(texts)} sentences differ, e.g. {differ[:3]}"
    assert sum(p != 0 for p, _ in fast) > len(texts) / 3  # the lexicon does score these texts
    # one document at a time, as doc_sentiment calls it, gives the same
    for doc in parse(corpus[:5], nlp, cache=False, progress=False):
        texts = [s.text for s in doc.sents]
        assert score_texts(texts) == textblob(texts)


AWKWARD = [
    *SELF_TEST,
    "See paragraph 8) of the resolution, which is good.",  # "8 )" is one of pattern's emoticons
    "It was great :) but then sad :( and finally ;-) fine",
    "What a wonderful idea (!) said nobody.",
    "He's not very happy; she'd never be sad; they're n't good; we've won; I'll win; I'm fine.",
    "The U.S. and the U.K. met at 3 p.m. on Jan. 5, i.e. too late... Truly awful?!",
    "not\n\ngood",
    "very\r\n\r\ngood",
    "really not good",
    "Hardly ever not really very extremely good!!!",
    "'good' ''bad'' \"nice\" \u201cawful\u201d \u2018fine\u2019",
    "contains\x00the separator: good",
    "END-OF-SENTENCE good END-OF-SENTENCE. bad",
    "boxD is xD and XD and 8-D or >:D good",
    "good.\n\n\n:)",
    "\u2665 <3 good \u00b0O\u00b0 o_O",
]


def test_awkward_sentences_one_by_one_and_as_one_batch(monkeypatch):
    fallbacks = FallBacks(monkeypatch)
    assert score_texts(AWKWARD) == textblob(AWKWARD)
    # pattern's emoticon and sarcasm rewriting, and the separator character, go to TextBlob itself
    assert "What a wonderful idea (!) said nobody." in fallbacks.texts
    assert "See paragraph 8) of the resolution, which is good." in fallbacks.texts
    assert "contains\x00the separator: good" in fallbacks.texts
    assert "really not good" not in fallbacks.texts and len(fallbacks.texts) < len(AWKWARD) / 2
    for text in AWKWARD:
        assert score_texts([text]) == textblob([text]), text
    assert score_texts([]) == []


def test_a_single_string_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="sequence of texts"):
        score_texts("good")


def test_whitespace_splitting_equals_patterns_regular_expression():
    # the scorer splits with str.split(); pattern collapses r"\s+" and finds r"(\S+)\s": the same
    # characters must be whitespace for both, or tokens would differ
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(space.match(c)) != c.isspace()] == []


#: pieces of text: lexicon words, negations, modifiers, contractions, quotation marks, abbreviations,
#: line breaks, and the characters of pattern's emoticons and sarcasm mark
WORDS = [" good", " not", " very", " bad", " never", "n't", "'s", "'d", " really", " great", " U.S.", " Mr.",
         " sad", " hardly", " extremely", " the", " a", " it", " no", " is", " terrible", " i.e.", " happy"]
MARKS = list(" .,;!?'\"-\n\r\t") + ["\u201c", "\u201d", "\u2019", "..."]
EMOTICON_CHARS = list("xXDOP8:()[]{}_=<>*^/\\") + ["\u00b0", "\u2665"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + MARKS + EMOTICON_CHARS), max_size=40).map("".join),
                min_size=1, max_size=6))
def test_generated_texts_score_as_textblob(texts):
    assert score_texts(texts) == textblob(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + MARKS), max_size=60).map("".join), min_size=1, max_size=6))
def test_generated_word_texts_score_as_textblob_without_falling_back(texts):
    # no emoticon characters: the batched path scores every text itself
    score_texts(["built and self-tested first"])
    original = polarity.textblob_sentiment
    polarity.textblob_sentiment = None  # a fall-back would fail
    try:
        fast = score_texts(texts)
    finally:
        polarity.textblob_sentiment = original
    assert fast == textblob(texts)
