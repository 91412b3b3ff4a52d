"""Layer 4, tables: records in, tidy pandas DataFrames out, and the statistics on them.

* :mod:`~analysis.tables.frames` -- one ``*_frame`` function per record kind (fixed columns and dtypes);
* :mod:`~analysis.tables.features` -- feature rates with exact Poisson intervals, co-occurrence;
* :mod:`~analysis.tables.summaries` -- sentiment by document, voice and camp;
* :mod:`~analysis.tables.stats` -- keyness (G², Log Ratio) and rate ratios;
* :mod:`~analysis.tables.agreement` -- rules against a hand annotation (P/R/F1, kappa).
"""
from __future__ import annotations

from .agreement import agreement, read_annotations
from .features import cooccurrence, feature_table
from .frames import actor_frame, attributions_frame, documents_frame, evidence_frame, exposure_frame, sentiment_frame
from .stats import VoiceTerms, compare_features, keyness
from .summaries import summarize_sentiment

__all__ = [
    "evidence_frame",
    "attributions_frame",
    "actor_frame",
    "sentiment_frame",
    "exposure_frame",
    "documents_frame",
    "feature_table",
    "cooccurrence",
    "summarize_sentiment",
    "keyness",
    "compare_features",
    "VoiceTerms",
    "agreement",
    "read_annotations",
]
