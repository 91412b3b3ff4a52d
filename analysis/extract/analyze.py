"""One document in, every record out: the per-document analysis step.

:func:`analyze_doc` runs the extractors on one parsed Doc and returns plain
records (lists of dicts), never DataFrames, so that a run over thousands of
documents streams: each Doc is dropped once its records are taken. The CLI,
the notebooks and the table functions all go through it.

Order matters: attribution first (it tells whose words each character is:
the *voice*), then codebook evidence, actor mentions and sentiment, which all
carry that voice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

from ..nlp.gazetteer import Gazetteer
from ..nlp.docarrays import doc_id_of, word_mask

__all__ = ["DocResult", "analyze_doc", "count_tokens", "sentence_records"]


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
    #: term counts by side ({"quoted": {term: n}, "narration": {...}}), only when requested
    terms: dict[str, dict[str, int]] = field(default_factory=dict)


def _word_mask(doc: Doc) -> np.ndarray:
    """True for word tokens (not whitespace, not punctuation)."""
    return word_mask(doc)


def count_tokens(doc: Doc) -> int:
    """Word tokens: not whitespace, not punctuation (the denominator of every rate)."""
    return int(_word_mask(doc).sum()) if len(doc) else 0


def sentence_records(doc: Doc, voice_map=None) -> list[dict]:
    """One record per sentence: doc_id, sentence_id, start_char, end_char, n_tokens, voice."""
    from ..nlp.docarrays import sentence_spans

    doc_id = doc_id_of(doc)
    words = np.concatenate([[0], np.cumsum(_word_mask(doc))]) if len(doc) else np.zeros(1, dtype=np.int64)
    out = []
    for i, (start, end, start_char, end_char) in enumerate(sentence_spans(doc)):
        voice = voice_map.sentence_voice(i) if voice_map is not None else "narrator"
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
    codebook=None,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    with_sentiment: bool = True,
    terms_by: str | None = None,
) -> DocResult:
    """Run attribution, codebook, actor and (optionally) sentiment extraction on one Doc.

    ``terms_by`` (``"lemma"`` or ``"lower"``) also counts the word tokens of
    quoted speech and of narration (:class:`analysis.stats.VoiceTerms`) into
    ``DocResult.terms``, so keyness can be pooled without keeping the Doc.
    """
    from ..nlp.gazetteer import load_gazetteer
    from .attribution import doc_attributions
    from .codebook import load_codebook
    from .mentions import doc_mentions
    from .rhetoric import doc_evidence
    from .voices import voice_map as make_voice_map

    gazetteer = gazetteer or load_gazetteer()
    codebook = codebook or load_codebook()
    warnings: list[str] = []
    attributions = doc_attributions(doc, gazetteer=gazetteer, metadata=metadata, warnings=warnings)
    vmap = make_voice_map(doc, attributions)
    sentences = sentence_records(doc, vmap)
    evidence = doc_evidence(doc, codebook, voice_map=vmap, gazetteer=gazetteer)
    speaker = (metadata or {}).get("speaker") if isinstance(metadata, dict) else None
    mentions = doc_mentions(doc, gazetteer, voice_map=vmap, evidence=evidence, attributions=attributions,
                            speaker=speaker if isinstance(speaker, str) else "")
    sentiment: list[dict] = []
    if with_sentiment:
        from .sentiment import doc_sentiment

        sentiment = doc_sentiment(doc, voice_map=vmap, gazetteer=gazetteer)
    terms: dict[str, dict[str, int]] = {}
    if terms_by is not None:
        from ..tables.stats import VoiceTerms

        counts = VoiceTerms(by=terms_by)
        counts.add(doc, attributions, voice_map=vmap)
        terms = {"quoted": dict(counts.quoted), "narration": dict(counts.narration)}
    return DocResult(
        doc_id=doc_id_of(doc),
        n_tokens=count_tokens(doc),
        n_sentences=len(sentences),
        sentences=sentences,
        attributions=attributions,
        evidence=evidence,
        mentions=mentions,
        sentiment=sentiment,
        voice_tokens=vmap.token_counts(),
        warnings=warnings,
        terms=terms,
    )
