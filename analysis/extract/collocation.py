"""Words around words, per Doc: the counts behind collocates, n-grams and lemma concordances.

Everything works on *terms*: a word token's lower-cased lemma or lower-cased
form (:func:`analysis.extract.terms.token_terms`); whitespace and punctuation
tokens have no term and are skipped.

* :func:`term_spans` — token spans where a sequence of terms occurs (a phrase
  matched by lemma: "double standard" finds "double standards");
* :func:`doc_window_terms` — the terms within ``window`` word tokens left and
  right of each node span (the node's own tokens excluded), and how many word
  positions those windows hold;
* :func:`doc_ngrams` — n-grams of consecutive word tokens; punctuation and
  sentence ends break a sequence ("war, peace" is not a bigram).

The statistics are in :mod:`analysis.tables.words`.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np
from spacy.tokens import Doc

from ..nlp.docarrays import token_index
from .terms import token_terms

__all__ = ["term_spans", "doc_window_terms", "doc_ngrams"]


def term_spans(doc: Doc, query: Sequence[str], terms: list[str] | None = None, *, by: str = "lemma"
               ) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` whose word tokens carry the terms ``query``, in order.

    Whitespace tokens between the words are skipped (hard-wrapped text); punctuation is not.
    ``terms`` (the Doc's :func:`token_terms`) saves computing them again.

    >>> from analysis import make_nlp
    >>> doc = make_nlp()("They apply double standards; a double standard is wrong.")
    >>> [doc[s:e].text for s, e in term_spans(doc, ["double", "standard"])]
    ['double standards', 'double standard']
    """
    query = [q for q in query if q]
    if not query or len(doc) == 0:
        return []
    terms = token_terms(doc, by) if terms is None else terms
    spaces = [t.is_space for t in doc]
    out = []
    n = len(terms)
    for i in range(n):
        if terms[i] != query[0]:
            continue
        j, k = i + 1, 1
        while k < len(query) and j < n:
            if spaces[j]:
                j += 1
                continue
            if terms[j] != query[k]:
                break
            j, k = j + 1, k + 1
        if k == len(query):
            out.append((i, j))
    return out


def doc_window_terms(doc: Doc, spans: Iterable[tuple[int, int]], *, window: int = 5, by: str = "lemma",
                     terms: list[str] | None = None) -> tuple[Counter, int, int]:
    """``(terms in the windows, word positions in the windows, node occurrences)`` of ``spans``.

    For each node span, the ``window`` word tokens before it and after it
    (not crossing the document's edges; crossing sentences) are counted;
    the node's own tokens are not. Two nodes close together count the words
    between them once for each node (and the positions too), so counts and
    positions stay consistent for the statistics.

    >>> from analysis import make_nlp
    >>> doc = make_nlp()("They will deceive us again, as they always deceive.")
    >>> counts, positions, nodes = doc_window_terms(doc, [(2, 3)], window=2)
    >>> sorted(counts.items()), positions, nodes
    ([('again', 1), ('they', 1), ('us', 1), ('will', 1)], 4, 1)
    """
    terms = token_terms(doc, by) if terms is None else terms
    word_positions = np.array([i for i, t in enumerate(terms) if t], dtype=np.int64)
    counts: Counter = Counter()
    positions = 0
    nodes = 0
    for start, end in spans:
        nodes += 1
        lo = int(np.searchsorted(word_positions, start, side="left"))
        hi = int(np.searchsorted(word_positions, end, side="left"))
        around = [*word_positions[max(0, lo - window):lo], *word_positions[hi:hi + window]]
        counts.update(terms[i] for i in around)
        positions += len(around)
    return counts, positions, nodes


def doc_ngrams(doc: Doc, n: int, *, by: str = "lower", terms: list[str] | None = None) -> Counter:
    """Counter of n-grams (terms joined by one space) of consecutive word tokens within a sentence.

    Punctuation breaks a sequence; whitespace tokens are skipped.

    >>> from analysis import make_nlp
    >>> sorted(doc_ngrams(make_nlp()("War, peace and war. Peace and war."), 2).items())
    [('and war', 2), ('peace and', 2)]
    """
    if len(doc) == 0:
        return Counter()
    terms = token_terms(doc, by) if terms is None else terms
    _, sent_of, _ = token_index(doc)
    counts: Counter = Counter()
    run: list[str] = []
    sentence = -1
    for i, token in enumerate(doc):
        if token.is_space:
            continue
        if not terms[i] or int(sent_of[i]) != sentence:
            run = []
            sentence = int(sent_of[i])
            if not terms[i]:
                continue
        run.append(terms[i])
        if len(run) >= n:
            counts[" ".join(run[-n:])] += 1
    return counts
