"""Sentence sentiment with TextBlob's lexicon, by voice and by camp.

Sentences come from spaCy (the kit's splitter); each sentence's text is scored
with TextBlob's default analyzer (``PatternAnalyzer``, the pattern.en
adjective lexicon that ships with TextBlob), so ``polarity`` and
``subjectivity`` are exactly ``TextBlob(sentence_text).sentiment``. A
document's sentences are scored as one batch
(:func:`analysis.extract.polarity.score_texts`: the same values, several
times faster). The lexicon is loaded once per process (about a second).
TextBlob's own sentence splitting, tagging and noun phrases are never used
(they need NLTK downloads).

Each record also says whose words the sentence is (``voice``: the majority
voice of its word tokens, :meth:`analysis.extract.voices.VoiceMap.sentence_voice`) and
which camps its actors belong to (``camps``: the sorted, ``;``-joined camps
of the ``ACTOR`` mentions in the sentence, e.g. ``"russia;west"``; ``""`` when
none). Sentences without any word token (blank lines, stray punctuation) get
no record. Lexicon sentiment is a blunt instrument for diplomatic prose: read
the README's limits before interpreting it.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from spacy.tokens import Doc

from ..nlp.docarrays import doc_ents, doc_id_of, doc_text, sentence_spans, token_index, word_mask
from ..nlp.gazetteer import ACTOR_LABEL, Gazetteer, load_gazetteer
from .polarity import score_texts, textblob_sentiment
from .records import NARRATOR
from .voices import VoiceMap

__all__ = ["score_text", "doc_sentiment"]


@lru_cache(maxsize=16384)
def score_text(text: str) -> tuple[float, float]:
    """``(polarity, subjectivity)`` of a text: exactly ``TextBlob(text).sentiment``.

    A sentence repeated across documents (wire copy, boilerplate) is scored
    once: the last 16,384 distinct texts are remembered. For many texts,
    :func:`analysis.extract.polarity.score_texts` is faster.

    Example:
        >>> score_text("This is a great and honest proposal.")
        (0.7, 0.825)
    """
    return textblob_sentiment(text)


def doc_sentiment(doc: Doc, *, voice_map: VoiceMap | None = None, gazetteer: Gazetteer | None = None) -> list[dict]:
    """One record per sentence with a word token (keys :data:`~analysis.extract.records.SENTIMENT_COLUMNS`).

    Args:
        doc: a parsed Doc (sentences and ``ACTOR`` entities set by the pipeline).
        voice_map: a :class:`analysis.extract.voices.VoiceMap`; without one every
            sentence is ``narrator``.
        gazetteer: gives each actor's camp (default: the bundled gazetteer).
    """
    if gazetteer is None:
        gazetteer = load_gazetteer()
    doc_id = doc_id_of(doc)
    camps_by_sentence: dict[int, set[str]] = {}
    sents = sentence_spans(doc)  # (start, end, start_char, end_char), as doc.sents
    _, sent_of, _ = token_index(doc)
    for ent in doc_ents(doc):
        if ent.label_ != ACTOR_LABEL:
            continue
        camp = gazetteer.camp(ent.ent_id_)
        if camp:
            camps_by_sentence.setdefault(int(sent_of[ent.start]), set()).add(camp)
    if not sents:
        return []
    # word tokens before each token index, to skip sentences without words
    words_before = np.concatenate(([0], np.cumsum(word_mask(doc))))
    text = doc_text(doc)
    kept = [(i, start_char, end_char) for i, (start, end, start_char, end_char) in enumerate(sents)
            if words_before[end] != words_before[start]]
    scores = score_texts([text[start_char:end_char] for _, start_char, end_char in kept])  # == Span.text
    out = []
    for (i, start_char, end_char), (polarity, subjectivity) in zip(kept, scores, strict=True):
        out.append(
            {
                "doc_id": doc_id,
                "sentence_id": i,
                "start_char": start_char,
                "end_char": end_char,
                "voice": voice_map.sentence_voice(i) if voice_map is not None else NARRATOR,
                "polarity": polarity,
                "subjectivity": subjectivity,
                "camps": ";".join(sorted(camps_by_sentence.get(i, ()))),
            }
        )
    return out
