"""Records in, tidy tables out: one ``*_frame`` function per record kind.

Every function takes an iterable of records (plain dicts from
:mod:`analysis.extract`) and returns a DataFrame with fixed columns in a fixed
order and fixed dtypes, also when there are no records: offsets are nullable
``Int64`` (``<NA>`` when absent), strings ``""`` when missing. The README's
data dictionary documents every column.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from ..corpus.documents import Corpus
from ..extract.concordance import KWIC_COLUMNS
from ..extract.records import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_OFFSETS,
    EVIDENCE_COLUMNS,
    MENTION_COLUMNS,
    MENTION_ROLES,
    SENTIMENT_COLUMNS,
    present,
)

__all__ = [
    "ACTOR_COLUMNS",
    "ALL_VOICES",
    "DOCUMENT_COUNT_COLUMNS",
    "EXPOSURE_COLUMNS",
    "evidence_frame",
    "attributions_frame",
    "actor_frame",
    "sentiment_frame",
    "exposure_frame",
    "documents_frame",
    "kwic_frame",
]

#: Columns of :func:`actor_frame`.
ACTOR_COLUMNS = ["doc_id", "actor", "camp", "role", "count"]
#: The voice label of a whole document in exposure and feature tables.
ALL_VOICES = "all"
#: Columns of :func:`exposure_frame`.
EXPOSURE_COLUMNS = ["doc_id", "voice", "n_tokens"]
#: Per-document counts that :func:`documents_frame` adds to the corpus metadata.
DOCUMENT_COUNT_COLUMNS = ["doc_id", "n_tokens", "n_sentences"]


def evidence_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The evidence table: one row per record, columns :data:`~analysis.extract.records.EVIDENCE_COLUMNS`.

    >>> evidence_frame([]).columns.tolist()[:4]
    ['doc_id', 'category', 'rule_id', 'sentence_id']
    """
    frame = pd.DataFrame(list(records), columns=EVIDENCE_COLUMNS)
    for col in ("sentence_id", "start_char", "end_char"):
        frame[col] = frame[col].astype("Int64")
    for col in ("doc_id", "category", "rule_id", "text", "voice", "target", "target_source"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    return frame


def attributions_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The attributions table (columns :data:`~analysis.extract.records.ATTRIBUTION_COLUMNS`).

    Offsets and ``sentence_id`` are nullable ``Int64`` (``<NA>`` when absent);
    text columns use ``""`` for missing values.
    """
    rows = list(records)
    frame = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    for col in ATTRIBUTION_COLUMNS:
        if col in ATTRIBUTION_OFFSETS:
            frame[col] = pd.array([int(v) if present(v) else None for v in frame[col]], dtype="Int64")
        else:
            frame[col] = frame[col].fillna("").astype(str) if len(frame) else frame[col].astype(str)
    return frame.reset_index(drop=True)


def actor_frame(mention_records: Iterable[dict]) -> pd.DataFrame:
    """Count mention records: one row per doc_id, actor, camp and role (:data:`ACTOR_COLUMNS`).

    Rows are sorted by doc_id (in first-seen order), role, descending count,
    then actor, so the table is deterministic.
    """
    rows = list(mention_records)
    if not rows:
        return pd.DataFrame(
            {"doc_id": pd.Series(dtype=str), "actor": pd.Series(dtype=str), "camp": pd.Series(dtype=str),
             "role": pd.Series(dtype=str), "count": pd.Series(dtype="int64")}
        )
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    frame["camp"] = frame["camp"].fillna("")
    doc_order = {d: i for i, d in enumerate(dict.fromkeys(frame["doc_id"]))}
    role_order = {r: i for i, r in enumerate(MENTION_ROLES)}
    counts = frame.groupby(["doc_id", "actor", "camp", "role"], sort=False).size().reset_index(name="count")
    counts["_d"] = counts["doc_id"].map(doc_order)
    counts["_r"] = counts["role"].map(role_order).fillna(len(MENTION_ROLES))
    counts = counts.sort_values(["_d", "_r", "count", "actor"], ascending=[True, True, False, True], kind="mergesort")
    counts = counts.drop(columns=["_d", "_r"]).reset_index(drop=True)
    counts["count"] = counts["count"].astype("int64")
    return counts[ACTOR_COLUMNS]


def sentiment_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The per-sentence table (:data:`~analysis.extract.records.SENTIMENT_COLUMNS`) from records, in input order."""
    frame = pd.DataFrame(list(records), columns=SENTIMENT_COLUMNS)
    return frame.astype(
        {"doc_id": "object", "sentence_id": "int64", "start_char": "int64", "end_char": "int64",
         "voice": "object", "polarity": "float64", "subjectivity": "float64", "camps": "object"}
    )


def exposure_frame(results) -> pd.DataFrame:
    """Word tokens per document and voice from :class:`~analysis.extract.analyze.DocResult` objects.

    One row with voice ``"all"`` per document (``result.n_tokens``), then one
    row per voice of ``result.voice_tokens`` in alphabetical order.
    Columns: :data:`EXPOSURE_COLUMNS`.
    """
    rows = []
    for r in results:
        rows.append({"doc_id": r.doc_id, "voice": ALL_VOICES, "n_tokens": int(r.n_tokens)})
        for voice in sorted(r.voice_tokens or {}):
            rows.append({"doc_id": r.doc_id, "voice": voice, "n_tokens": int(r.voice_tokens[voice])})
    frame = pd.DataFrame(rows, columns=EXPOSURE_COLUMNS)
    frame["n_tokens"] = frame["n_tokens"].astype("int64")
    return frame


def documents_frame(corpus: Corpus, counts: Iterable[dict]) -> pd.DataFrame:
    """The documents table: the corpus metadata (without ``source``) and each document's counts.

    Args:
        corpus: the analysed corpus (:meth:`Corpus.to_frame` gives ``doc_id``,
            the metadata columns and ``n_chars``).
        counts: one ``{"doc_id", "n_tokens", "n_sentences"}`` dict per document
            (``DocResult`` objects have these attributes and work too).

    Returns:
        One row per document in corpus order; a document without counts has
        ``<NA>`` there.
    """
    rows = [c if isinstance(c, dict) else {k: getattr(c, k) for k in DOCUMENT_COUNT_COLUMNS} for c in counts]
    sizes = pd.DataFrame([{k: r[k] for k in DOCUMENT_COUNT_COLUMNS} for r in rows], columns=DOCUMENT_COUNT_COLUMNS)
    return corpus.to_frame().drop(columns=["source"]).merge(sizes, on="doc_id", how="left")


def kwic_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The concordance table (:data:`~analysis.extract.concordance.KWIC_COLUMNS`; offsets ``Int64``)."""
    frame = pd.DataFrame(list(records), columns=KWIC_COLUMNS)
    for col in ("start_char", "end_char"):
        frame[col] = frame[col].astype("Int64")
    return frame
