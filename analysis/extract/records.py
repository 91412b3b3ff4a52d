"""The records every extractor returns: their keys, shared with :mod:`analysis.tables.frames`.

A record is a plain ``dict`` with exactly the keys listed here, in this
order, and plain values (``str``, ``int``, ``float``, ``None``): no pandas
objects, so a run can stream and cache them. A missing offset is ``None``
(the tables show ``<NA>``); a missing string is ``""``. The README's data
dictionary documents every column.
"""
from __future__ import annotations

from typing import Any

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_OFFSETS",
    "ATTRIBUTION_KINDS",
    "EVIDENCE_COLUMNS",
    "TARGET_SOURCES",
    "MENTION_COLUMNS",
    "MENTION_ROLES",
    "SENTIMENT_COLUMNS",
    "SENTENCE_COLUMNS",
    "NARRATOR",
    "UNKNOWN_SPEAKER",
    "THIRD_PERSON_GENRES",
    "document_voice",
    "present",
]

#: Keys of an attribution record (:func:`analysis.extract.attribution.doc_attributions`), in table order.
ATTRIBUTION_COLUMNS = [
    "doc_id", "kind", "speaker", "speaker_text", "speaker_start", "speaker_end",
    "cue", "cue_start", "cue_end", "content", "content_start", "content_end",
    "sentence_id", "principal",
]
#: The attribution keys that hold an offset or a sentence id (``None`` when absent).
ATTRIBUTION_OFFSETS = ("speaker_start", "speaker_end", "cue_start", "cue_end", "content_start", "content_end",
                       "sentence_id")
#: The attribution kinds, in table order.
ATTRIBUTION_KINDS = ("direct", "partial", "indirect", "according_to", "agentless", "authority", "proxy",
                     "source_credit")
#: Keys of an evidence record (:func:`analysis.extract.rhetoric.doc_evidence`), in table order.
EVIDENCE_COLUMNS = [
    "doc_id", "category", "rule_id", "sentence_id", "start_char", "end_char", "text", "voice", "target",
    "target_source",
]
#: Where a hit's target was found, in the order tried (the ``target_source`` key).
TARGET_SOURCES = ("actor", "title", "demonym")
#: Keys of a mention record (:func:`analysis.extract.mentions.doc_mentions`).
MENTION_COLUMNS = ["doc_id", "actor", "camp", "role", "sentence_id", "start_char", "end_char", "voice"]
#: The roles of a mention record, in table order.
MENTION_ROLES = ("speaker", "mentioned", "target")
#: Keys of a sentiment record (:func:`analysis.extract.sentiment.doc_sentiment`), one per sentence.
SENTIMENT_COLUMNS = [
    "doc_id", "sentence_id", "start_char", "end_char", "voice", "polarity", "subjectivity", "camps",
]
#: Keys of a sentence record (:func:`analysis.extract.analyze.doc_sentences`).
SENTENCE_COLUMNS = ["doc_id", "sentence_id", "start_char", "end_char", "n_tokens", "voice"]
#: The voice of the reporter's own words.
NARRATOR = "narrator"
#: The voice of a quotation whose speaker is not resolved.
UNKNOWN_SPEAKER = "unknown speaker"
#: Genres written by a reporter (a ``genre`` containing one of these words): their unquoted text is the
#: narrator's, whoever the metadata ``speaker`` is.
THIRD_PERSON_GENRES = ("news", "article", "report", "wire", "dispatch", "feature", "editorial", "blog")


def document_voice(metadata: Any) -> str:
    """Whose words a document's unquoted text is: its metadata ``speaker``, or ``""`` for the narrator.

    The rule (README, Methods: Voice):

    * a ``voice`` metadata column decides when it is filled: ``speaker`` (the
      metadata speaker's own words), ``narrator``, or a speaker's name (the
      sub-documents of :func:`analysis.extract.voices.doc_voices` carry it);
    * otherwise a document whose metadata names a ``speaker`` and whose
      ``genre`` is filled and is not a reporter's genre (:data:`THIRD_PERSON_GENRES`:
      news, article, report, ...) -- a speech, statement, press release,
      interview transcript, letter -- is that speaker's own words;
    * everything else (news, no genre, no speaker) is the narrator's.

    >>> document_voice({"speaker": "Wang Yi", "genre": "speech"})
    'Wang Yi'
    >>> document_voice({"speaker": "Sergei Lavrov", "genre": "news"})
    ''
    >>> document_voice({"speaker": "Sergei Lavrov", "genre": "news", "voice": "speaker"})
    'Sergei Lavrov'
    """
    if not isinstance(metadata, dict):
        return ""
    speaker = metadata.get("speaker")
    speaker = " ".join(speaker.split()) if isinstance(speaker, str) else ""
    voice = metadata.get("voice")
    voice = " ".join(voice.split()) if isinstance(voice, str) else ""
    if voice:
        if voice.lower() in (NARRATOR, UNKNOWN_SPEAKER):
            return ""
        # "speaker": the metadata speaker's; a name (a voice sub-document of doc_voices): that voice's
        return speaker if voice.lower() == "speaker" else voice
    if not speaker:
        return ""
    genre = metadata.get("genre")
    genre = genre.strip().lower() if isinstance(genre, str) else ""
    if not genre or any(g in genre for g in THIRD_PERSON_GENRES):
        return ""
    return speaker


def present(value: Any) -> bool:
    """Whether a record value is there: not ``None``, NaN, pandas' ``NA`` or ``""``.

    Records may come back from a table (``frame.to_dict("records")``), so the
    missing values of pandas count as missing too.

    >>> [present(v) for v in (0, "x", None, "", float("nan"))]
    [True, True, False, False, False]
    """
    if value is None:
        return False
    try:
        return not (value != value or value == "")
    except TypeError:  # pandas.NA: its comparisons are NA, whose truth value is undefined
        return False
