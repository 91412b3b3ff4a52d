"""One document in, every record out: the per-document analysis step.

:func:`analyze_doc` runs the extractors on one parsed Doc and returns plain
records (lists of dicts), never DataFrames, so that a run over thousands of
documents streams: each Doc is dropped once its records are taken. The CLI,
the notebooks and the corpus-level conveniences all go through it.

Order matters. The Doc's one :class:`~analysis.extract.attribution.Resolver`
comes first (titles and pronouns, with the document's ``speaker``); then
attribution (it tells whose words each character is: the *voice*); then
codebook evidence, actor mentions and sentiment, which all carry that voice
and take their resolved titles from the same resolver.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

from ..errors import KitError
from ..nlp.docarrays import doc_id_of, sentence_spans, word_mask
from ..nlp.gazetteer import Gazetteer, load_gazetteer
from .attribution import Resolver, doc_attributions
from .attribution.speakers import canonical_speaker
from .codebook import Codebook, load_codebook
from .codebook.patterns import REGEX_TIME_BUDGET
from .mentions import doc_mentions
from .records import NARRATOR, document_voice
from .rhetoric import doc_evidence
from .sentiment import doc_sentiment
from .terms import check_by, voice_terms
from .voices import VoiceMap
from .voices import voice_map as make_voice_map

__all__ = ["DocResult", "RECORD_KINDS", "analyze_doc", "count_tokens", "doc_sentences"]

#: The record lists of a :class:`DocResult` that ``analyze_doc(..., only=...)`` can restrict to.
RECORD_KINDS = ("attributions", "evidence", "mentions", "sentiment")


@dataclass
class DocResult:
    """Everything extracted from one document (records are dicts; see the README data dictionary)."""

    doc_id: str
    n_tokens: int
    n_sentences: int
    sentences: list[dict] = field(default_factory=list)
    attributions: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    sentiment: list[dict] = field(default_factory=list)
    voice_tokens: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: ids of codebook rules left out of this document: their REGEX ran past its time budget (one warning each)
    skipped_rules: list[str] = field(default_factory=list)
    #: term counts by side ({"quoted": {term: n}, "narration": {...}}), only when requested
    terms: dict[str, dict[str, int]] = field(default_factory=dict)


def count_tokens(doc: Doc) -> int:
    """Word tokens: not whitespace, not punctuation (the denominator of every rate).

    >>> from analysis import make_nlp
    >>> count_tokens(make_nlp()("We are ready, he said."))
    5
    """
    return int(word_mask(doc).sum()) if len(doc) else 0


def doc_sentences(doc: Doc, voice_map: VoiceMap | None = None) -> list[dict]:
    """One record per sentence (keys :data:`~analysis.extract.records.SENTENCE_COLUMNS`)."""
    doc_id = doc_id_of(doc)
    words = np.concatenate([[0], np.cumsum(word_mask(doc))]) if len(doc) else np.zeros(1, dtype=np.int64)
    out = []
    for i, (start, end, start_char, end_char) in enumerate(sentence_spans(doc)):
        voice = voice_map.sentence_voice(i) if voice_map is not None else NARRATOR
        out.append(
            {
                "doc_id": doc_id,
                "sentence_id": i,
                "start_char": start_char,
                "end_char": end_char,
                "n_tokens": int(words[end] - words[start]),
                "voice": voice,
            }
        )
    return out


def analyze_doc(
    doc: Doc,
    *,
    codebook: Codebook | bool | None = None,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    with_sentiment: bool = True,
    terms_by: str | None = None,
    only: Collection[str] | None = None,
) -> DocResult:
    """Run attribution, codebook, actor and (optionally) sentiment extraction on one Doc.

    Args:
        doc: a parsed Doc (doc id in ``doc.user_data["doc_id"]``).
        codebook: default: the bundled codebook; ``False``: no evidence (and
            mentions without targets).
        gazetteer: default: the bundled gazetteer.
        metadata: the document's metadata (``speaker`` resolves titles,
            ``genre`` and ``source_credit`` shape attribution).
        with_sentiment: also score sentence sentiment (the slowest extractor).
        terms_by: ``"lemma"`` or ``"lower"``: also count the word tokens of
            quoted speech and of narration (:func:`analysis.extract.terms.voice_terms`)
            into ``DocResult.terms``, so keyness can be pooled without keeping the Doc.
        only: compute only these record lists (of :data:`RECORD_KINDS`) and
            what they need; the others stay empty. Default: all.

    Example:
        >>> from analysis import make_nlp
        >>> doc = make_nlp()('"We will never deceive anyone," Lavrov said.')
        >>> result = analyze_doc(doc, with_sentiment=False)
        >>> [(r["kind"], r["speaker"]) for r in result.attributions], result.voice_tokens
        ([('direct', 'Sergei Lavrov')], {'Sergei Lavrov': 5, 'narrator': 2})
    """
    wanted = set(RECORD_KINDS if only is None else only)
    unknown = wanted - set(RECORD_KINDS)
    if unknown:
        raise KitError(f"The `only` parameter of analyze_doc must name record kinds of {', '.join(RECORD_KINDS)}. "
                       f"Got {', '.join(sorted(unknown))} instead.")
    if terms_by is not None:
        check_by(terms_by)
    if gazetteer is None:
        gazetteer = load_gazetteer()
    speaker = metadata.get("speaker") if isinstance(metadata, dict) else None
    resolver = Resolver(doc, gazetteer, speaker=speaker if isinstance(speaker, str) else "")
    warnings: list[str] = []
    attributions = doc_attributions(doc, gazetteer=gazetteer, metadata=metadata, warnings=warnings,
                                    resolver=resolver)
    own = document_voice(metadata)  # a speech's unquoted words are its speaker's (README, Methods: Voice)
    voices = make_voice_map(doc, attributions, default=canonical_speaker(gazetteer, own) if own else NARRATOR)
    sentences = doc_sentences(doc, voices)
    evidence: list[dict] = []
    skipped: list[str] = []
    if codebook is not False and wanted & {"evidence", "mentions"}:
        if not isinstance(codebook, Codebook):
            codebook = load_codebook()
        evidence = doc_evidence(doc, codebook, voice_map=voices, gazetteer=gazetteer, resolver=resolver,
                                skipped_rules=skipped)
        warnings.extend(f"{codebook.path or codebook.id}: rule {rule_id} skipped in document {doc_id_of(doc)}: "
                        f"its REGEX took more than {REGEX_TIME_BUDGET} s on one token (catastrophic "
                        "backtracking); simplify it" for rule_id in skipped)
    mentions: list[dict] = []
    if "mentions" in wanted:
        mentions = doc_mentions(doc, gazetteer, voice_map=voices, evidence=evidence, attributions=attributions,
                                resolver=resolver)
    sentiment: list[dict] = []
    if with_sentiment and "sentiment" in wanted:
        sentiment = doc_sentiment(doc, voice_map=voices, gazetteer=gazetteer)
    terms: dict[str, dict[str, int]] = {}
    if terms_by is not None:
        quoted, narration = voice_terms(doc, voices, by=terms_by)
        terms = {"quoted": dict(quoted), "narration": dict(narration)}
    return DocResult(
        doc_id=doc_id_of(doc),
        n_tokens=count_tokens(doc),
        n_sentences=len(sentences),
        sentences=sentences,
        attributions=attributions,
        evidence=evidence,
        mentions=mentions,
        sentiment=sentiment,
        voice_tokens=voices.token_counts(),
        warnings=warnings,
        skipped_rules=skipped,
        terms=terms,
    )
