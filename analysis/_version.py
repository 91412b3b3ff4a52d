"""The kit's version, in one place (base layer: imports nothing of the kit)."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("discourse-kit")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
