"""All bundled-data and default output locations, in one place."""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "PACKAGE_DIR", "PROJECT_DIR", "BUNDLED_CORPUS", "DEFAULT_CODEBOOK", "DEFAULT_ACTORS",
    "DEFAULT_CACHE", "RESULTS_DIR", "FIGURES_DIR", "SHARED_DIR",
]

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

#: The bundled corpus (texts + metadata.csv). Only present in a source checkout.
BUNDLED_CORPUS = PROJECT_DIR / "corpus"
#: The default codebook shipped with the package.
DEFAULT_CODEBOOK = PACKAGE_DIR / "codebooks" / "diplomatic_rhetoric.yaml"
#: The default actor gazetteer shipped with the package.
DEFAULT_ACTORS = PACKAGE_DIR / "data" / "actors.yaml"
#: Where parsed Docs are cached (override with DISCOURSE_KIT_CACHE).
DEFAULT_CACHE = PROJECT_DIR / ".cache"
RESULTS_DIR = PROJECT_DIR / "results"
FIGURES_DIR = PROJECT_DIR / "figures"
#: Shared evaluation material, present only beside a developer checkout.
SHARED_DIR = PROJECT_DIR.parent / "shared"
