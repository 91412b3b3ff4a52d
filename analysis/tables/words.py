"""Words: collocates of a node, n-gram frequencies, and the stop list that keyness can filter.

:func:`collocation_table` scores the terms found around a node (a word, a
phrase, a lemma or a codebook category; the counts come from
:func:`analysis.extract.collocation.doc_window_terms`) with the usual
association measures (Evert 2008, *Corpora and collocations*). For a
collocate ``c``:

* ``O11`` = ``freq_window``: occurrences of ``c`` in the windows around the node;
* ``R1`` = ``n_window``: word positions in those windows; ``C1`` = ``freq_corpus``:
  occurrences of ``c`` in the corpus; ``N`` = ``n_corpus``: word tokens of the corpus;
* ``expected`` ``E11 = R1 · C1 / N``;
* ``log_likelihood``: G² of the 2×2 table ``O11, R1 − O11, C1 − O11, N − R1 − C1 + O11``
  (``2 Σ O ln(O / E)``, expected values from the margins), with its chi-squared
  ``p_value`` (1 degree of freedom);
* ``mi`` = ``log2(O11 / E11)`` (pointwise mutual information; high for rare pairs);
* ``t_score`` = ``(O11 − E11) / sqrt(O11)`` (favours frequent pairs).

:func:`ngram_table` lists n-grams with their frequency and rate per 1,000
n-grams. :data:`STOP_WORDS` is spaCy's English stop list (function words:
"the", "be", "of" ...), used by the keyness filters.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

from ..errors import KitError

__all__ = [
    "STOP_WORDS",
    "COLLOCATE_COLUMNS",
    "NGRAM_COLUMNS",
    "COLLOCATE_SORTS",
    "is_stop_word",
    "collocation_table",
    "ngram_table",
]

#: spaCy's English stop list (lower-case), plus the contraction forms spaCy's tokenizer splits off.
STOP_WORDS = frozenset(w.lower() for w in _SPACY_STOP_WORDS) | {"'s", "’s", "n't", "n’t"}
#: Columns of :func:`collocation_table`.
COLLOCATE_COLUMNS = ["node", "collocate", "freq_window", "freq_corpus", "n_window", "n_corpus", "expected",
                     "log_likelihood", "p_value", "mi", "t_score"]
#: Columns of :func:`ngram_table`.
NGRAM_COLUMNS = ["n", "ngram", "freq", "n_ngrams", "rate_per_1000", "n_documents"]
#: Measures :func:`collocation_table` can sort by.
COLLOCATE_SORTS = ("log_likelihood", "mi", "t_score", "freq_window")


def is_stop_word(term: str) -> bool:
    """True if ``term`` (a lemma, a word, or an n-gram made only of such) is on :data:`STOP_WORDS`.

    >>> is_stop_word("the"), is_stop_word("of the"), is_stop_word("deceive")
    (True, True, False)
    """
    return all(w in STOP_WORDS for w in str(term).lower().split()) if str(term).strip() else False


def _positive_int(name: str, value, owner: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise KitError(f"The `{name}` parameter of {owner} must be a positive int. Got {value!r} instead.")


def _g2_2x2(o11, r1, c1, n) -> np.ndarray:
    o = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    e = [r1 * c1 / n, r1 * (n - c1) / n, (n - r1) * c1 / n, (n - r1) * (n - c1) / n]
    total = np.zeros_like(o11, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        for oi, ei in zip(o, e):
            total += np.where(oi > 0, oi * np.log(oi / ei), 0.0)
    return np.maximum(2.0 * total, 0.0)


def collocation_table(
    node: str,
    window_counts: Mapping[str, int],
    n_window: int,
    corpus_counts: Mapping[str, int],
    n_corpus: int,
    *,
    min_freq: int = 3,
    stop_words: bool = False,
    sort: str = "log_likelihood",
) -> pd.DataFrame:
    """Association of every term seen around ``node`` (columns :data:`COLLOCATE_COLUMNS`).

    Args:
        node: the label written in the ``node`` column.
        window_counts: term -> occurrences in the windows (``O11``).
        n_window: word positions in the windows (``R1``).
        corpus_counts: term -> occurrences in the corpus (``C1``).
        n_corpus: word tokens of the corpus (``N``).
        min_freq: keep collocates seen at least this often in the windows.
        stop_words: True to leave out :data:`STOP_WORDS`.
        sort: ``log_likelihood`` (default), ``mi``, ``t_score`` or ``freq_window``; descending, then collocate.

    Example (the hand computation is in the module docstring):
        >>> row = collocation_table("deceive", {"again": 4}, 20, {"again": 10}, 1000, min_freq=1).iloc[0]
        >>> float(row["expected"]), round(float(row["mi"]), 3), round(float(row["t_score"]), 3)
        (0.2, 4.322, 1.9)
    """
    _positive_int("min_freq", min_freq, "collocates")
    if sort not in COLLOCATE_SORTS:
        raise KitError(f"The `sort` parameter of collocates must be one of {', '.join(COLLOCATE_SORTS)}. "
                       f"Got {sort!r} instead.")
    terms = sorted(t for t, f in window_counts.items() if f >= min_freq and t and not (stop_words and is_stop_word(t)))
    if not terms or not n_window or not n_corpus:
        return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in COLLOCATE_COLUMNS})
    o11 = np.array([window_counts[t] for t in terms], dtype=float)
    c1 = np.array([max(int(corpus_counts.get(t, 0)), window_counts[t]) for t in terms], dtype=float)
    r1, n = float(n_window), float(n_corpus)
    expected = r1 * c1 / n
    g2 = _g2_2x2(o11, r1, c1, n)
    from scipy.stats import chi2

    frame = pd.DataFrame({
        "node": node, "collocate": terms, "freq_window": o11.astype("int64"), "freq_corpus": c1.astype("int64"),
        "n_window": int(n_window), "n_corpus": int(n_corpus), "expected": expected, "log_likelihood": g2,
        "p_value": chi2.sf(g2, 1), "mi": np.log2(o11 / expected), "t_score": (o11 - expected) / np.sqrt(o11),
    }, columns=COLLOCATE_COLUMNS)
    order = np.lexsort((frame["collocate"].to_numpy(), -np.round(frame[sort].to_numpy(dtype=float), 9)))
    return frame.iloc[order].reset_index(drop=True)


_DTYPES = {"node": "object", "collocate": "object", "freq_window": "int64", "freq_corpus": "int64",
           "n_window": "int64", "n_corpus": "int64", "expected": "float64", "log_likelihood": "float64",
           "p_value": "float64", "mi": "float64", "t_score": "float64"}


def ngram_table(counts: Mapping[str, int], n: int, *, min_freq: int = 2, stop_words: bool = False,
                documents: Iterable[Counter] | None = None) -> pd.DataFrame:
    """Frequency table of n-grams (columns :data:`NGRAM_COLUMNS`), most frequent first, then alphabetical.

    Args:
        counts: n-gram -> frequency (:func:`analysis.extract.collocation.doc_ngrams`, summed).
        n: the n-gram length (written in the ``n`` column).
        min_freq: keep n-grams at least this frequent.
        stop_words: True to leave out n-grams made only of :data:`STOP_WORDS` ("of the").
        documents: per-document counters, for ``n_documents`` (in how many documents
            each n-gram occurs); without them the column is empty (<NA>).

    ``rate_per_1000`` is per 1,000 n-grams of that length in the corpus (``n_ngrams``).

    >>> ngram_table({"of the": 5, "double standards": 3, "the west": 1}, 2, stop_words=True).values.tolist()
    [[2, 'double standards', 3, 9, 333.3333333333333, <NA>]]
    """
    _positive_int("n", n, "ngrams")
    _positive_int("min_freq", min_freq, "ngrams")
    total = int(sum(counts.values()))
    keep = sorted(((g, int(f)) for g, f in counts.items() if f >= min_freq and not (stop_words and is_stop_word(g))),
                  key=lambda x: (-x[1], x[0]))
    in_docs: Counter = Counter()
    for doc_counts in documents or ():
        in_docs.update(set(doc_counts))
    frame = pd.DataFrame({
        "n": pd.Series([n] * len(keep), dtype="int64"),
        "ngram": pd.Series([g for g, _ in keep], dtype="object"),
        "freq": pd.Series([f for _, f in keep], dtype="int64"),
        "n_ngrams": pd.Series([total] * len(keep), dtype="int64"),
        "rate_per_1000": pd.Series([1000 * f / total for _, f in keep], dtype="float64"),
        "n_documents": pd.array([in_docs[g] if documents is not None else None for g, _ in keep], dtype="Int64"),
    }, columns=NGRAM_COLUMNS)
    return frame
