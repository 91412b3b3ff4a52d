"""Per-Doc look-ups shared by the extractors, computed once per Doc.

A Doc from :func:`analysis.nlp.pipeline.parse` carries its document id
(:func:`doc_id_of`) and knows its text (:func:`doc_text`, without spaCy's
re-joining of every token).

Attribution, codebook evidence, actor mentions, voices and sentiment all need
the same facts about a Doc: where each token starts, which sentence it is in,
its lower-case form, whether it is punctuation, and the entity spans.
spaCy recomputes ``doc.sents`` and ``doc.ents`` (creating a Python object per
token or entity) on every access; here they come from one ``Doc.to_array``
pass and are cached per Doc (weakly: the cache entry goes with the Doc).

The cache assumes a Doc is not changed after parsing, as in every function of
the kit; a Doc whose length changes gets a fresh entry. Cached values must
never refer to their Doc (no Token or Span objects): the entry would keep the
Doc alive and the weak cache would leak every Doc of a run.
"""
from __future__ import annotations

import weakref

import numpy as np
from spacy.attrs import (
    ENT_ID,
    ENT_IOB,
    ENT_KB_ID,
    ENT_TYPE,
    IDX,
    IS_PUNCT,
    IS_SPACE,
    LEMMA,
    LOWER,
    MORPH,
    POS,
    SENT_START,
    TAG,
)
from spacy.tokens import Doc

from .sentences import inner_whitespace

__all__ = [
    "doc_id_of",
    "doc_text",
    "remember_text",
    "token_index",
    "token_lower",
    "token_punct",
    "word_mask",
    "token_ends",
    "doc_ents",
    "sentence_spans",
    "spaceless_view",
]

_DOC_CACHE: "weakref.WeakKeyDictionary[Doc, dict]" = weakref.WeakKeyDictionary()


def _cached(doc: Doc) -> dict:
    try:
        entry = _DOC_CACHE.get(doc)
        if entry is None or entry.get("n") != len(doc):
            entry = _DOC_CACHE[doc] = {"n": len(doc)}
        return entry
    except TypeError:  # not weak-referenceable: no cache
        return {"n": len(doc)}


def doc_id_of(doc: Doc) -> str:
    """The document id stored on a Doc by :func:`analysis.nlp.pipeline.parse` (``""`` when none)."""
    return doc.user_data.get("doc_id", "")


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc (spaCy joins every token on each access).

    Docs from :func:`analysis.nlp.pipeline.parse` already know their text
    (:func:`remember_text`); any other Doc computes it once.
    """
    entry = _cached(doc)
    text = entry.get("text")
    if text is None:
        text = entry["text"] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Record that ``text`` is the text of ``doc`` (what it was parsed from), so :func:`doc_text` is free."""
    _cached(doc)["text"] = text


def _arrays(doc: Doc) -> np.ndarray:
    """IDX, SENT_START, LOWER, IS_PUNCT, IS_SPACE of every token in one ``to_array`` pass (cached)."""
    entry = _cached(doc)
    arr = entry.get("arrays")
    if arr is None:
        arr = entry["arrays"] = doc.to_array([IDX, SENT_START, LOWER, IS_PUNCT, IS_SPACE])
    return arr


def _token_flags(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """LOWER hash and punctuation-or-space flag of every token (cached per Doc)."""
    entry = _cached(doc)
    found = entry.get("flags")
    if found is None:
        if len(doc):
            arr = _arrays(doc)
            found = (arr[:, 2], (arr[:, 3] != 0) | (arr[:, 4] != 0))
        else:
            found = (np.zeros(0, np.uint64), np.zeros(0, bool))
        entry["flags"] = found
    return found


def token_lower(doc: Doc) -> np.ndarray:
    """LOWER hash of every token (``token.lower``), cached per Doc."""
    return _token_flags(doc)[0]


def token_punct(doc: Doc) -> np.ndarray:
    """Whether each token is punctuation or whitespace, cached per Doc."""
    return _token_flags(doc)[1]


def word_mask(doc: Doc) -> np.ndarray:
    """Whether each token is a word token (neither whitespace nor punctuation): the denominator of every rate."""
    return ~_token_flags(doc)[1]


def token_index(doc: Doc) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Vectorised token look-ups: char start of each token, sentence id of each token, sentence token spans.

    The sentences are exactly ``doc.sents`` (a sentence starts at token 0 and
    at every token whose ``is_sent_start`` is true); a Doc without sentence
    boundaries is one sentence. Cached per Doc.
    """
    entry = _cached(doc)
    found = entry.get("index")
    if found is not None:
        return found
    n = len(doc)
    if n == 0:
        found = (np.zeros(0, np.int64), np.zeros(0, np.int64), [])
    else:
        arr = _arrays(doc)
        idx = arr[:, 0].astype(np.int64)
        is_start = arr[:, 1].astype(np.int64) == 1
        is_start[0] = True
        starts = np.flatnonzero(is_start)
        sent_of = np.cumsum(is_start) - 1
        ends = list(starts[1:].tolist()) + [n]
        found = (idx, sent_of, list(zip(starts.tolist(), ends)))
    entry["index"] = found
    return found


def sentence_spans(doc: Doc) -> list[tuple[int, int, int, int]]:
    """``(start token, end token, start_char, end_char)`` of every sentence, as ``doc.sents`` gives them."""
    entry = _cached(doc)
    found = entry.get("sentence_spans")
    if found is None:
        idx, _, sents = token_index(doc)
        if sents:
            ends = token_ends(doc)
            found = [(s, e, int(idx[s]), int(ends[e - 1])) for s, e in sents]
        else:
            found = []
        entry["sentence_spans"] = found
    return found


def token_ends(doc: Doc) -> np.ndarray:
    """End character of every token: its start plus its length (whitespace after it excluded). Cached per Doc."""
    entry = _cached(doc)
    found = entry.get("token_ends")
    if found is None:
        # a token ends where the next one starts, minus its trailing whitespace
        idx = token_index(doc)[0]
        spaces = doc.to_array("SPACY").astype(np.int64)
        nxt = np.append(idx[1:], len(doc_text(doc)))
        found = entry["token_ends"] = nxt - spaces
    return found


def doc_ents(doc: Doc) -> tuple:
    """``doc.ents`` as a tuple.

    Not cached: a Span holds its Doc, so caching Spans here (a value of the
    weak-keyed cache) would keep every Doc alive for ever.
    """
    return tuple(doc.ents)


def spaceless_view(doc: Doc):
    """The Doc without its whitespace tokens, for matching phrases across line breaks and double spaces.

    spaCy keeps extra whitespace ("occupied  Crimea", a hard-wrapped line
    "occupied \\nCrimea") as a token of its own, so a two-word pattern cannot
    match across it. Returns ``(view, positions)``: a new Doc of the
    non-whitespace tokens with the same lemmas, tags, entities and sentence
    starts (a sentence starts at its first non-whitespace token), and the
    original index of each of its tokens; ``None`` when the Doc has no
    whitespace token to drop (or has a dependency parse, which cannot be
    carried over). Cached per Doc.
    """
    entry = _cached(doc)
    if "spaceless" in entry:
        return entry["spaceless"]
    entry["spaceless"] = found = _build_spaceless(doc)
    return found


def _build_spaceless(doc: Doc):
    n = len(doc)
    if n == 0 or doc.has_annotation("DEP"):
        return None
    arr = _arrays(doc)
    space = arr[:, 4] != 0
    if not space.any():
        return None
    idx, sent_of, _ = token_index(doc)
    if not inner_whitespace(space, sent_of).any():
        return None
    keep = np.flatnonzero(~space)
    if len(keep) == 0:
        return None
    text = doc_text(doc)
    ends = token_ends(doc)
    starts_k, ends_k = idx[keep], ends[keep]
    words = [text[a:b] for a, b in zip(starts_k.tolist(), ends_k.tolist())]
    following = np.append(starts_k[1:], len(text))
    spaces = (ends_k < following).tolist()
    view = Doc(doc.vocab, words=words, spaces=spaces)
    attrs = [a for a, name in ((LEMMA, "LEMMA"), (POS, "POS"), (TAG, "TAG"), (MORPH, "MORPH"))
             if doc.has_annotation(name)]
    ent_attrs = [ENT_IOB, ENT_TYPE, ENT_ID, ENT_KB_ID]
    values = doc.to_array(attrs + ent_attrs)[keep]
    # a sentence starts at its first kept token
    first_kept = np.ones(len(keep), dtype=bool)
    first_kept[1:] = sent_of[keep][1:] != sent_of[keep][:-1]
    sent_start = np.where(first_kept, 1, -1).astype(np.uint64)
    try:
        view.from_array(attrs + ent_attrs + [SENT_START], np.column_stack([values, sent_start]).astype(np.uint64))
    except (ValueError, IndexError):  # e.g. an entity that began on a whitespace token
        return None
    return view, keep
