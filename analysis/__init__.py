"""discourse-kit: transparent, rule-based analysis of diplomatic discourse.

The public API is flat; see ``__all__``. The flow is one-way::

    load_corpus -> make_nlp/parse -> code_corpus, attributions, sentiment -> tables -> plots
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("discourse-kit")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

from .corpus import Corpus, Document, load_corpus
from .errors import KitError
from .pipeline import make_nlp, parse

__all__ = [
    "__version__",
    "Corpus",
    "Document",
    "KitError",
    "load_corpus",
    "make_nlp",
    "parse",
]
