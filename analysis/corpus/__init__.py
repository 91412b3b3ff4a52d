"""Layer 1, corpus: texts and their metadata, before any NLP.

* :mod:`~analysis.corpus.documents` -- :class:`Document` and :class:`Corpus`;
* :mod:`~analysis.corpus.textfiles` -- one text file read: byte-order marks, encodings, binary files refused;
* :mod:`~analysis.corpus.loading` -- :func:`load_corpus`: folders, files, tables, front matter, ``metadata.csv``;
* :mod:`~analysis.corpus.cleaning` -- trailing web boilerplate cut off, offsets kept;
* :mod:`~analysis.corpus.fetch` -- documents of a manifest downloaded into ``corpus/fetched/``.

Imports only the base modules (:mod:`analysis.errors`, :mod:`analysis.io`, :mod:`analysis.paths`).
"""
from __future__ import annotations

from .cleaning import CleanedText, clean_text
from .documents import Corpus, Document
from .fetch import fetch_manifest, institution_camp, read_manifest
from .loading import load_corpus
from .textfiles import read_text_file

__all__ = ["Corpus", "Document", "load_corpus", "read_text_file", "CleanedText", "clean_text", "fetch_manifest",
           "read_manifest", "institution_camp"]
