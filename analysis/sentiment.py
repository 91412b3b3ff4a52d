"""Sentence sentiment at the import path the README shows.

The per-Doc extractor is :mod:`analysis.extract.sentiment`, the tables
:func:`analysis.tables.frames.sentiment_frame` and
:mod:`analysis.tables.summaries`, the corpus-level convenience
:func:`analysis.app.shortcuts.sentiment`.
"""
from __future__ import annotations

from .app.shortcuts import sentiment
from .extract.records import SENTIMENT_COLUMNS
from .extract.sentiment import doc_sentiment, score_text
from .tables.frames import sentiment_frame
from .tables.summaries import SUMMARY_COLUMNS, summarize_sentiment

__all__ = ["SENTIMENT_COLUMNS", "SUMMARY_COLUMNS", "score_text", "doc_sentiment", "sentiment_frame",
           "summarize_sentiment", "sentiment"]
