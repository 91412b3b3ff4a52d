"""discourse-kit: transparent, rule-based analysis of diplomatic discourse.

The public API is flat; see ``__all__``. The flow is one-way::

    load_corpus -> make_nlp/parse -> code_corpus, attributions, sentiment -> tables -> plots
"""
from __future__ import annotations

from ._version import __version__
from .corpus.documents import Corpus, Document, load_corpus
from .errors import KitError
from .nlp.pipeline import make_nlp, parse
from .nlp.gazetteer import load_gazetteer
from .extract.attribution import attributions, attributions_frame, doc_attributions
from .extract.mentions import actor_frame, actor_table, doc_mentions
from .extract.voices import voice_map, voices
from .extract.codebook import Codebook, load_codebook, validate_codebook
from .extract.rhetoric import code_corpus, doc_evidence, evidence_frame
from .tables.features import cooccurrence, exposure_frame, feature_table, kwic
from .plots.display import show_evidence
from .tables.agreement import agreement, read_annotations
from .tables.stats import compare_features, keyness
from .extract.sentiment import sentiment, summarize_sentiment
from .corpus.fetch import fetch_manifest

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
