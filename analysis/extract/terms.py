"""Term frequencies of a Doc: the counts behind keyness.

A *term* is a token's lower-cased lemma (from the pipeline's lemmatizer; the
lower-cased word when a pipeline has none; a capitalised word the
case-sensitive lookup lemmatizer left unchanged, such as a sentence-initial
"Talks", is looked up again in lower case) or, with ``by="lower"``, its
lower-cased word form. Only word tokens count (not space, not punctuation:
the same tokens as every rate's denominator). :func:`voice_terms` splits a
Doc's counts into quoted speech and narration; the statistics are in
:mod:`analysis.tables.stats`.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Mapping

import numpy as np
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.lookups import load_lookups
from spacy.tokens import Doc, Span

from ..errors import KitError
from ..nlp.docarrays import token_index
from .voices import VoiceMap

__all__ = ["TERMS_BY", "check_by", "term_ids", "count_ids", "doc_terms", "token_terms", "voice_terms"]

#: How terms are counted: lower-cased lemma or lower-cased word form.
TERMS_BY = ("lemma", "lower")


def check_by(by: str) -> None:
    """Refuse an unknown ``by`` (one line saying what is allowed)."""
    if by not in TERMS_BY:
        raise KitError(f"The `by` parameter must be one of {', '.join(TERMS_BY)}. Got {by!r} instead.")


def term_ids(doc: Doc | Span, by: str) -> tuple[np.ndarray, np.ndarray]:
    """Term hash of every token (lemma, or lower-case form) and the word-token mask."""
    arr = doc.to_array([LEMMA, LOWER, IS_PUNCT, IS_SPACE]).astype("uint64", copy=False)
    arr = arr.reshape(len(doc), 4)
    lemma, lower = arr[:, 0], arr[:, 1]
    words = (arr[:, 2] == 0) & (arr[:, 3] == 0)
    ids = np.where(lemma != 0, lemma, lower) if by == "lemma" else lower
    return ids, words


_TERM_OF: dict[str, dict[int, str]] = {by: {} for by in TERMS_BY}  # term of a string hash (hashes are global in spaCy)
_TERM_CACHE_SIZE = 500_000


def count_ids(ids: np.ndarray, strings, by: str) -> Counter:
    """Counter of terms from an array of term hashes."""
    uniq, counts = np.unique(ids, return_counts=True)
    known = _TERM_OF[by]
    if len(known) > _TERM_CACHE_SIZE:
        known.clear()
    out: Counter = Counter()
    for h, n in zip(uniq.tolist(), counts.tolist()):
        term = known.get(h)
        if term is None:
            term = known[h] = _term(strings[h], by)
        out[term] += n
    return out


def doc_terms(doc: Doc | Span, by: str, mask: np.ndarray | None = None) -> Counter:
    """Counter of terms over the word tokens of a Doc/Span (optionally masked)."""
    if len(doc) == 0:
        return Counter()
    ids, words = term_ids(doc, by)
    if mask is not None:
        words &= mask
    strings = doc.doc.vocab.strings if isinstance(doc, Span) else doc.vocab.strings
    return count_ids(ids[words], strings, by)


def token_terms(doc: Doc | Span, by: str) -> list[str]:
    """The term of every token, in order: its lower-cased lemma or word (as :func:`doc_terms` counts it),
    ``""`` for whitespace and punctuation."""
    if len(doc) == 0:
        return []
    ids, words = term_ids(doc, by)
    strings = doc.doc.vocab.strings if isinstance(doc, Span) else doc.vocab.strings
    return [_term(strings[h], by) if w else "" for h, w in zip(ids.tolist(), words.tolist())]


@lru_cache(maxsize=1)
def _lemma_table() -> Mapping[str, str]:
    try:
        return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    except Exception:  # spacy-lookups-data missing: keep the pipeline's lemmas
        return {}


@lru_cache(maxsize=65536)
def _term(lemma: str, by: str) -> str:
    low = lemma.lower()
    if by == "lemma" and low != lemma:
        # The lookup lemmatizer is case-sensitive: "Talks" at a sentence start
        # keeps its form. Look the lower-cased form up instead.
        return _lemma_table().get(low, low)
    return low


def voice_terms(doc: Doc, voice_map: VoiceMap, *, by: str = "lemma") -> tuple[Counter, Counter]:
    """``(quoted, narration)``: term counts of the Doc's quoted speech and of everything else.

    Quoted speech is every word token inside a ``direct`` or ``partial``
    quotation (any speaker: the spans of ``voice_map``).
    """
    if len(doc) == 0:
        return Counter(), Counter()
    quoted = np.zeros(len(doc), dtype=bool)
    if voice_map.spans:
        idx = token_index(doc)[0]
        for start, end, _voice in voice_map.spans:
            lo = int(np.searchsorted(idx, start, side="left"))
            hi = int(np.searchsorted(idx, end, side="left"))
            quoted[lo:hi] = True
    ids, words = term_ids(doc, by)
    strings = doc.vocab.strings
    return count_ids(ids[words & quoted], strings, by), count_ids(ids[words & ~quoted], strings, by)
