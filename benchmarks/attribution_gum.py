"""Score the attribution extractor on GUM Wikinews gold data (see :mod:`analysis.app.gum`).

Usage::

    .venv/bin/python benchmarks/attribution_gum.py [--split test|dev|train|all] [--details] [--data DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.app.gum import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
