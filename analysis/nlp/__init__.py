"""Layer 2, nlp: the spaCy pipeline and what it puts on a Doc.

* :mod:`~analysis.nlp.pipeline` -- :func:`make_nlp` and :func:`parse` (cached Docs);
* :mod:`~analysis.nlp.sentences` -- the quote-aware sentence splitter;
* :mod:`~analysis.nlp.components` -- the fast lemmatizer and actor ruler;
* :mod:`~analysis.nlp.gazetteer` -- the actor gazetteer and its ruler patterns;
* :mod:`~analysis.nlp.docarrays` -- per-Doc arrays shared by every extractor;
* :mod:`~analysis.nlp.doccache` -- parsed Docs on disk.

Imports the base modules and :mod:`analysis.corpus` only.
"""
from __future__ import annotations

from .docarrays import doc_id_of
from .gazetteer import Actor, Gazetteer, load_gazetteer
from .pipeline import gazetteer_of, make_nlp, parse

__all__ = ["make_nlp", "parse", "doc_id_of", "gazetteer_of", "Actor", "Gazetteer", "load_gazetteer"]
