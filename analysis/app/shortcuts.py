"""Corpus-level conveniences: a corpus (or parsed Docs) in, one table out.

:func:`attributions`, :func:`code_corpus`, :func:`actor_table`,
:func:`sentiment`, :func:`voices` and :func:`kwic` share one loop
(:func:`analysed`): it accepts a parsed Doc, an iterable of Docs, a
:class:`~analysis.corpus.documents.Document`, a
:class:`~analysis.corpus.documents.Corpus` or a mixture, parses the
Documents (:func:`analysis.make_nlp`, cached), and runs
:func:`analysis.extract.analyze.analyze_doc` on each Doc with its metadata --
so every convenience finds exactly what ``discourse-kit run`` finds. The
tables come from :mod:`analysis.tables.frames`.
"""
from __future__ import annotations

import os
from typing import Any, Iterator

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from ..corpus.documents import Corpus, Document
from ..errors import KitError
from ..extract.analyze import DocResult, analyze_doc
from ..extract.attribution.speakers import canonical_speaker
from ..extract.codebook import Codebook, load_codebook
from ..extract.collocation import term_spans
from ..extract.concordance import doc_concordance, phrase_codebook, phrase_spans
from ..extract.records import NARRATOR, document_voice
from ..extract.terms import token_terms
from ..extract.voices import doc_voices, voice_map
from ..nlp.docarrays import doc_id_of
from ..nlp.gazetteer import Gazetteer, load_gazetteer
from ..nlp.pipeline import gazetteer_of, make_nlp, parse
from ..tables.frames import actor_frame, attributions_frame, evidence_frame, kwic_frame, sentiment_frame

__all__ = ["documents", "analysed", "attributions", "code_corpus", "actor_table", "sentiment", "voices", "kwic"]


def documents(
    docs: Any,
    *,
    nlp: Language | None = None,
    gazetteer: Gazetteer | None = None,
    metadata: dict[str, dict] | None = None,
    cache: str | os.PathLike | bool | None = None,
) -> tuple[Gazetteer, Iterator[tuple[Doc, dict | None]]]:
    """The one loop over a convenience's input: ``(gazetteer, iterator of (Doc, metadata))``, in input order.

    Args:
        docs: a parsed Doc, a Document, a Corpus, or an iterable of Docs and
            Documents (consumed lazily: a generator of Docs streams).
        nlp: the pipeline that parses Documents (default: :func:`analysis.make_nlp`
            with ``gazetteer``).
        gazetteer: default: ``nlp``'s, else the bundled one.
        metadata: ``{doc_id: metadata}`` for parsed Docs (Documents carry their own).
        cache: the parse cache (see :func:`analysis.nlp.pipeline.parse`).
    """
    if isinstance(docs, (Doc, Document)):
        docs = [docs]
    if gazetteer is None:
        gazetteer = gazetteer_of(nlp) if nlp is not None else load_gazetteer()
    if isinstance(docs, Corpus) or (isinstance(docs, (list, tuple)) and docs
                                    and all(isinstance(d, Document) for d in docs)):
        documents_ = list(docs)
        nlp = nlp or make_nlp(actors=gazetteer)
        pairs = ((doc, d.metadata) for doc, d in zip(parse(documents_, nlp, cache=cache), documents_, strict=True))
        return gazetteer, pairs

    def mixed() -> Iterator[tuple[Doc, dict | None]]:
        pipeline = nlp
        for item in docs:
            if isinstance(item, Document):
                pipeline = pipeline or make_nlp(actors=gazetteer)
                yield next(iter(parse([item], pipeline, cache=cache))), item.metadata
            elif isinstance(item, Doc):
                yield item, (metadata or {}).get(doc_id_of(item))
            else:
                raise KitError(f"expected parsed Docs, Documents or a Corpus; got a {type(item).__name__}")

    return gazetteer, mixed()


def analysed(
    docs: Any,
    *,
    only: tuple[str, ...],
    nlp: Language | None = None,
    gazetteer: Gazetteer | None = None,
    codebook: Codebook | bool | None = None,
    metadata: dict[str, dict] | None = None,
    cache: str | os.PathLike | bool | None = None,
) -> Iterator[tuple[Doc, dict | None, DocResult]]:
    """Every document of ``docs`` (see :func:`documents`) with its ``analyze_doc`` result (records ``only``)."""
    gazetteer, pairs = documents(docs, nlp=nlp, gazetteer=gazetteer, metadata=metadata, cache=cache)
    for doc, meta in pairs:
        yield doc, meta, analyze_doc(doc, codebook=codebook, gazetteer=gazetteer, metadata=meta,
                                     with_sentiment="sentiment" in only, only=only)


def attributions(docs: Any, *, gazetteer: Gazetteer | None = None, nlp: Language | None = None) -> pd.DataFrame:
    """Attributions of parsed Docs or a Corpus as one table (:func:`analysis.tables.frames.attributions_frame`).

    A Corpus's metadata counts: its ``source_credit`` gives a ``source_credit``
    row, its ``speaker`` resolves titles.
    """
    return attributions_frame(r for _, _, result in analysed(docs, only=("attributions",), nlp=nlp,
                                                             gazetteer=gazetteer) for r in result.attributions)


def code_corpus(docs: Any, codebook: Codebook | str | None = None) -> pd.DataFrame:
    """Code every document; returns the evidence table (:func:`analysis.tables.frames.evidence_frame`).

    Args:
        docs: parsed Docs (an iterable or a single Doc) or a Corpus (parsed with
            :func:`~analysis.nlp.pipeline.make_nlp`, cached).
        codebook: a :class:`~analysis.extract.codebook.Codebook`, a path, or None for the bundled codebook.

    Example:
        >>> from analysis import load_corpus
        >>> evidence = code_corpus(load_corpus())
        >>> evidence.groupby("doc_id").size().to_dict()
        {'000_b57aecae04ae68f3': 22}
    """
    codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    return evidence_frame(r for _, _, result in analysed(docs, only=("evidence",), codebook=codebook)
                          for r in result.evidence)


def actor_table(docs: Any, *, codebook: Codebook | bool | None = None, gazetteer: Gazetteer | None = None,
                nlp: Language | None = None) -> pd.DataFrame:
    """Actor counts by document and role for parsed Docs or a Corpus (:func:`analysis.tables.frames.actor_frame`).

    Targets come from the codebook's evidence (default: the bundled codebook;
    ``codebook=False``: no targets).
    """
    if codebook is not False and not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook)
    return actor_frame(r for _, _, result in analysed(docs, only=("mentions",), nlp=nlp, gazetteer=gazetteer,
                                                      codebook=codebook) for r in result.mentions)


def sentiment(docs: Any, *, nlp: Language | None = None, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Sentence sentiment of a corpus: parsed Docs or a Corpus (:func:`analysis.tables.frames.sentiment_frame`).

    A Corpus (or Documents) is parsed with ``nlp`` (default :func:`make_nlp`);
    voices come from the attribution rules. Pass the table to
    :func:`analysis.tables.summaries.summarize_sentiment` for the aggregates.

    Example:
        >>> from analysis import load_corpus
        >>> frame = sentiment(load_corpus())
        >>> frame.groupby("doc_id").size().to_dict()
        {'000_b57aecae04ae68f3': 12, '001_control_agency_report': 8}
    """
    return sentiment_frame(r for _, _, result in analysed(docs, only=("sentiment",), nlp=nlp, gazetteer=gazetteer)
                           for r in result.sentiment)


def voices(
    docs: Any,
    *,
    nlp: Language | None = None,
    gazetteer: Gazetteer | None = None,
    separator: str = "\n\n",
    metadata: dict | None = None,
) -> list[Document]:
    """Split documents into one derived sub-document per voice (:func:`analysis.extract.voices.doc_voices`).

    Args:
        docs: a parsed Doc, an iterable of Docs, a Document or a Corpus
            (Documents are parsed with ``nlp``, default :func:`make_nlp`).
        nlp: the pipeline used to parse Documents.
        gazetteer: resolves speakers (default: the pipeline's).
        separator: text placed between segments.
        metadata: ``{doc_id: metadata}`` for parsed Docs (Documents carry their own).

    Returns:
        Sub-documents in input order; per parent, narrator first then the
        quoted voices alphabetically. Wrap them in a :class:`Corpus` to use
        them like documents.
    """
    out: list[Document] = []
    for doc, meta, result in analysed(docs, only=("attributions",), nlp=nlp, gazetteer=gazetteer, metadata=metadata,
                                      cache=False):
        own = document_voice(meta or {})  # a speech's unquoted words are its speaker's
        gz = gazetteer if gazetteer is not None else (gazetteer_of(nlp) if nlp is not None else load_gazetteer())
        default = canonical_speaker(gz, own) if own else NARRATOR
        out.extend(doc_voices(doc, voice_map(doc, result.attributions, default=default), metadata=meta or {},
                              separator=separator))
    return out


def kwic(docs: Any, query: str, *, window: int = 8, codebook: Codebook | str | None = None, by_lemma: bool = False,
         sort: str | None = None, metadata: bool = True, nlp: Language | None = None) -> pd.DataFrame:
    """Key word in context: every occurrence of a category, a rule, a phrase or a lemma.

    Args:
        docs: parsed Docs (or one Doc), or a Corpus (parsed with :func:`~analysis.nlp.pipeline.make_nlp`).
        query: a category id or rule id of ``codebook`` (its evidence is listed,
            after constraints and merging), otherwise a phrase matched
            case-insensitively on whole tokens (a final ``*`` matches any ending).
        window: tokens of context on each side (a positive int).
        codebook: default: the bundled codebook.
        by_lemma: match the phrase by lemma ("double standard" also finds
            "double standards"; "deceive" finds "deceived", "deceives").
        sort: None (text order), ``"left"`` (by the words left of the match,
            nearest first, as concordancers sort L1, L2 ...) or ``"right"`` (by
            the words right of it: R1, R2 ...), case-insensitive.
        metadata: add each document's metadata columns (``title``, ``date``,
            ``speaker`` ...) after the KWIC columns.
        nlp: the pipeline (default: :func:`~analysis.nlp.pipeline.make_nlp`).

    Returns:
        :data:`~analysis.extract.concordance.KWIC_COLUMNS` (then metadata);
        ``left``/``right`` are the ``window`` tokens around the match with
        whitespace collapsed; ``category``/``rule_id`` are empty for a phrase.

    Example:
        >>> from analysis import load_corpus
        >>> kwic(load_corpus(), "ultimatum*", window=3)[["left", "match", "right"]].values.tolist()
        [['put forward any', 'ultimatums', ', but endless']]
        >>> kwic(load_corpus(), "ultimatum", window=3, by_lemma=True)[["match", "speaker"]].values.tolist()
        [['ultimatums', 'Sergei Lavrov']]
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise KitError(f"The `window` parameter of kwic must be a positive int. Got {window!r} instead.")
    if not isinstance(query, str) or not query.strip():
        raise KitError(f"The `query` parameter of kwic must be a non-empty string. Got {query!r} instead.")
    if sort not in (None, "left", "right"):
        raise KitError(f"The `sort` parameter of kwic must be None, 'left' or 'right'. Got {sort!r} instead.")
    query = query.strip()
    codebook = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    mode = "category" if codebook.has_category(query) else "rule" if codebook.has_rule(query) else "phrase"
    rows: list[dict] = []
    metas: dict[str, dict] = {}
    if mode == "phrase":
        if by_lemma:
            nlp = nlp or make_nlp()
            wanted = [t for t in token_terms(nlp(query.replace("*", "")), "lemma") if t]
        phrase = phrase_codebook(query)
        _, pairs = documents(docs, nlp=nlp)
        for doc, meta in pairs:
            metas[doc_id_of(doc)] = meta or {}
            spans = term_spans(doc, wanted) if by_lemma else phrase_spans(doc, phrase)
            rows += doc_concordance(doc, [(s, e, "", "") for s, e in spans], window=window)
    else:
        key = "category" if mode == "category" else "rule_id"
        for doc, meta, result in analysed(docs, only=("evidence",), codebook=codebook, nlp=nlp):
            metas[doc_id_of(doc)] = meta or {}
            spans = []
            for ev in result.evidence:
                if ev[key] == query:
                    span = doc.char_span(ev["start_char"], ev["end_char"], alignment_mode="expand")
                    spans.append((span.start, span.end, ev["category"], ev["rule_id"]))
            rows += doc_concordance(doc, spans, window=window)
    frame = kwic_frame(rows)
    if sort is not None:
        def key_of(text: str) -> str:
            words = str(text).lower().split()
            return " ".join(reversed(words)) if sort == "left" else " ".join(words)

        keys = frame[sort].map(key_of)
        frame = frame.assign(_key=keys).sort_values(["_key", "doc_id", "start_char"], kind="stable")
        frame = frame.drop(columns="_key").reset_index(drop=True)
    if metadata and metas:
        extra = list(dict.fromkeys(k for m in metas.values() for k in m if k not in frame.columns))
        for column in extra:
            frame[column] = [metas.get(d, {}).get(column, "") for d in frame["doc_id"]]
    return frame
