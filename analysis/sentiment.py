"""Sentence sentiment at the import path the README shows (see :mod:`analysis.extract.sentiment`)."""
from __future__ import annotations

from .extract.sentiment import (
    SENTIMENT_COLUMNS,
    SUMMARY_COLUMNS,
    doc_sentiment,
    score_text,
    sentiment,
    sentiment_frame,
    summarize_sentiment,
)

__all__ = ["SENTIMENT_COLUMNS", "SUMMARY_COLUMNS", "score_text", "doc_sentiment", "sentiment_frame",
           "summarize_sentiment", "sentiment"]
