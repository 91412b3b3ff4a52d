"""Layer 4, tables: records in, tidy pandas DataFrames out (and statistics on them)."""
from __future__ import annotations

__all__: list[str] = []
