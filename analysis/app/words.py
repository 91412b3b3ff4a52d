"""Words over a corpus: collocates of a word or category, n-grams, and keyness between groups of documents.

Corpus-level conveniences in the style of :mod:`analysis.app.shortcuts` (the
same input: parsed Docs, Documents or a Corpus, parsed with the cached
pipeline): the counts come from :mod:`analysis.extract.collocation` and
:mod:`analysis.extract.terms`, the statistics from :mod:`analysis.tables.words`
and :func:`analysis.tables.stats.keyness`.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from spacy.language import Language

from ..corpus.documents import Corpus, Document
from ..errors import KitError
from ..extract.codebook import Codebook, load_codebook
from ..extract.collocation import doc_ngrams, doc_window_terms, term_spans
from ..extract.terms import check_by, doc_terms, token_terms
from ..nlp.docarrays import doc_id_of
from ..nlp.gazetteer import Gazetteer
from ..nlp.pipeline import make_nlp
from ..tables.groups import MISSING_GROUP, document_groups
from ..tables.stats import keyness
from ..tables.words import collocation_table, ngram_table
from .shortcuts import analysed, documents

__all__ = ["collocates", "ngrams", "group_keyness"]


def collocates(
    docs: Any,
    node: str,
    *,
    window: int = 5,
    by: str = "lemma",
    min_freq: int = 3,
    stop_words: bool = False,
    sort: str = "log_likelihood",
    codebook: Codebook | str | None = None,
    nlp: Language | None = None,
) -> pd.DataFrame:
    """Collocates of a word, phrase or codebook category: log-likelihood, MI and t-score.

    Args:
        docs: parsed Docs, Documents or a Corpus.
        node: a category id or rule id of ``codebook`` (the words around its
            evidence), otherwise a word or phrase matched by ``by`` (a lemma
            by default: "deceive" is also "deceived", "deceives").
        window: word tokens on each side of the node (punctuation not counted).
        by: ``"lemma"`` or ``"lower"`` — how node and collocates are counted.
        min_freq: keep collocates seen at least this often around the node.
        stop_words: True to leave out function words (spaCy's stop list).
        sort: ``log_likelihood`` (default), ``mi``, ``t_score`` or ``freq_window``.
        codebook: default: the bundled codebook.
        nlp: the pipeline (default: :func:`~analysis.nlp.pipeline.make_nlp`).

    Returns:
        :data:`~analysis.tables.words.COLLOCATE_COLUMNS`; the measures are
        defined in :mod:`analysis.tables.words`.

    Example:
        >>> from analysis import load_corpus
        >>> table = collocates(load_corpus(), "negotiation", window=3, min_freq=2)
        >>> table[["collocate", "freq_window"]].head(2).values.tolist()
        [['which', 2], ['russian', 3]]
    """
    check_by(by)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise KitError(f"The `window` parameter of collocates must be a positive int. Got {window!r} instead.")
    if not isinstance(node, str) or not node.strip():
        raise KitError(f"The `node` parameter of collocates must be a non-empty string. Got {node!r} instead.")
    node = node.strip()
    codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    in_codebook = codebook.has_category(node) or codebook.has_rule(node)
    nlp = nlp or make_nlp()
    around: Counter = Counter()
    corpus_counts: Counter = Counter()
    n_window = 0
    if in_codebook:
        key = "category" if codebook.has_category(node) else "rule_id"
        items = ((doc, [ev for ev in result.evidence if ev[key] == node])
                 for doc, _, result in analysed(docs, only=("evidence",), codebook=codebook, nlp=nlp))
    else:
        wanted = [t for t in token_terms(nlp(node), by) if t]
        items = ((doc, None) for doc, _ in documents(docs, nlp=nlp)[1])
    for doc, evidence in items:
        terms = token_terms(doc, by)
        if evidence is None:
            spans = term_spans(doc, wanted, terms, by=by)
        else:
            spans = []
            for ev in evidence:
                span = doc.char_span(ev["start_char"], ev["end_char"], alignment_mode="expand")
                spans.append((span.start, span.end))
        counts, positions, _ = doc_window_terms(doc, spans, window=window, by=by, terms=terms)
        around.update(counts)
        n_window += positions
        corpus_counts.update(doc_terms(doc, by))
    return collocation_table(node, around, n_window, corpus_counts, sum(corpus_counts.values()),
                             min_freq=min_freq, stop_words=stop_words, sort=sort)


def ngrams(docs: Any, n: int = 2, *, by: str = "lower", min_freq: int = 2, stop_words: bool = False,
           nlp: Language | None = None) -> pd.DataFrame:
    """n-gram frequencies of a corpus (:data:`~analysis.tables.words.NGRAM_COLUMNS`).

    n-grams are consecutive word tokens within a sentence (punctuation breaks
    them), as lower-cased words (``by="lower"``, default) or lemmas.
    ``stop_words=True`` leaves out n-grams made only of function words.

    Example:
        >>> from analysis import load_corpus
        >>> ngrams(load_corpus(), 2, min_freq=3)[["ngram", "freq"]].head(3).values.tolist()
        [['of the', 15], ['with the', 7], ['lavrov said', 5]]
    """
    check_by(by)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise KitError(f"The `n` parameter of ngrams must be a positive int. Got {n!r} instead.")
    per_doc = [doc_ngrams(doc, n, by=by) for doc, _ in documents(docs, nlp=nlp)[1]]
    total: Counter = Counter()
    for counts in per_doc:
        total.update(counts)
    return ngram_table(total, n, min_freq=min_freq, stop_words=stop_words, documents=per_doc)


def group_keyness(
    corpus: Corpus | list[Document],
    by: str,
    a: str,
    b: str | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    min_freq: int = 5,
    term_by: str = "lemma",
    stop_words: bool = False,
    min_log_ratio: float | None = None,
    correction: str = "holm",
    nlp: Language | None = None,
) -> pd.DataFrame:
    """Keyness of one group of documents against another group (or the rest), grouped by metadata.

    Args:
        corpus: the documents (their metadata gives the groups).
        by: the metadata column (``camp`` through the gazetteer, ``year`` through
            ``date_iso``: see :func:`analysis.tables.groups.document_groups`).
        a, b: the target group and the reference group; ``b=None``: every other document.
        min_freq, stop_words, min_log_ratio, correction: as in :func:`analysis.tables.stats.keyness`
            (here Holm's correction by default).
        term_by: ``"lemma"`` or ``"lower"``.

    Returns:
        The keyness table with ``target``/``reference`` labelled ``by=a`` and ``by=b``
        (or ``not a``).
    """
    if isinstance(corpus, Document):
        corpus = [corpus]
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    groups = document_groups(corpus, by, gazetteer=gazetteer).set_index("doc_id")["group"]
    known = sorted(set(groups))
    for side in (a, b):
        if side is not None and str(side) not in known:
            raise KitError(f"no group {side!r} for {by!r} (groups: {', '.join(known)})")
    target: Counter = Counter()
    reference: Counter = Counter()
    for doc, _ in documents(corpus, nlp=nlp)[1]:
        group = groups.get(doc_id_of(doc), MISSING_GROUP)
        if group == str(a):
            target.update(doc_terms(doc, term_by))
        elif b is None or group == str(b):
            reference.update(doc_terms(doc, term_by))
    labels = (f"{by}={a}", f"{by}={b}" if b is not None else f"{by}≠{a}")
    return keyness(target, reference, min_freq=min_freq, labels=labels, stop_words=stop_words,
                   min_log_ratio=min_log_ratio, correction=correction)
