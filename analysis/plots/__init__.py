"""Layer 5, plots: tables in, figures out (one palette for every figure)."""
from __future__ import annotations

__all__: list[str] = []
