"""discourse-kit: transparent, rule-based analysis of diplomatic discourse.

The public API is flat; see ``__all__``. The flow is one-way::

    load_corpus -> make_nlp/parse -> code_corpus, attributions, sentiment -> tables -> plots
"""
from __future__ import annotations

from ._version import __version__
from .corpus import Corpus, Document, load_corpus
from .errors import KitError
from .pipeline import make_nlp, parse
from .actors import load_gazetteer
from .attribution import attributions, attributions_frame, doc_attributions
from .mentions import actor_frame, actor_table, doc_mentions
from .voices import voice_map, voices
from .codebook import Codebook, load_codebook, validate_codebook
from .rhetoric import code_corpus, doc_evidence, evidence_frame
from .tables import cooccurrence, exposure_frame, feature_table, kwic
from .display import show_evidence
from .agreement import agreement, read_annotations
from .stats import compare_features, keyness
from .sentiment import sentiment, summarize_sentiment
from .fetch import fetch_manifest

__all__ = [
    "__version__",
    "Corpus",
    "Document",
    "KitError",
    "load_corpus",
    "make_nlp",
    "parse",
    "load_gazetteer",
    "attributions",
    "attributions_frame",
    "doc_attributions",
    "actor_frame",
    "actor_table",
    "doc_mentions",
    "voice_map",
    "voices",
    "Codebook",
    "load_codebook",
    "validate_codebook",
    "code_corpus",
    "doc_evidence",
    "evidence_frame",
    "exposure_frame",
    "feature_table",
    "cooccurrence",
    "kwic",
    "show_evidence",
    "agreement",
    "read_annotations",
    "keyness",
    "compare_features",
    "sentiment",
    "summarize_sentiment",
    "fetch_manifest",
]
