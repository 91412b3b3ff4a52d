"""Layer 3, extract: one parsed Doc in, plain records (lists of dicts) out.

Extractors never build a pipeline, parse a corpus or make a DataFrame; the
corpus-level conveniences live in :mod:`analysis.app.shortcuts` and the
tables in :mod:`analysis.tables`.
"""
from __future__ import annotations

__all__: list[str] = []
