"""Layer 6, app: what users run -- ``discourse-kit run``, the CLI, the notebooks' set-up."""
from __future__ import annotations

__all__: list[str] = []
