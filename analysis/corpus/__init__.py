"""Layer 1, corpus: texts and their metadata, before any NLP.

* :mod:`~analysis.corpus.documents` -- :class:`Document`, :class:`Corpus` and :func:`load_corpus`;
* :mod:`~analysis.corpus.cleaning` -- trailing web boilerplate cut off, offsets kept;
* :mod:`~analysis.corpus.fetch` -- documents of a manifest downloaded into ``corpus/fetched/``.

Imports only the base modules (:mod:`analysis.errors`, :mod:`analysis.io`, :mod:`analysis.paths`).
"""
from __future__ import annotations

from .cleaning import CleanedText, clean_text
from .documents import Corpus, Document, load_corpus, read_text_file
from .fetch import fetch_manifest, read_manifest

__all__ = ["Corpus", "Document", "load_corpus", "read_text_file", "CleanedText", "clean_text", "fetch_manifest",
           "read_manifest"]
