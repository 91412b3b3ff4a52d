"""Comparison statistics at the import path the README shows (:mod:`analysis.tables.stats`)."""
from __future__ import annotations

from .tables.stats import COMPARE_COLUMNS, KEYNESS_COLUMNS, VoiceTerms, compare_features, keyness, term_counts

__all__ = ["KEYNESS_COLUMNS", "COMPARE_COLUMNS", "term_counts", "keyness", "compare_features", "VoiceTerms"]
