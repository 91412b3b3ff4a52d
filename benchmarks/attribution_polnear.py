"""Score the attribution extractor on PolNeAR train or dev gold (see :mod:`analysis.app.polnear`).

Usage::

    .venv/bin/python benchmarks/attribution_polnear.py [--split dev|train] [--details] [--limit N] [--data DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.app.polnear import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
