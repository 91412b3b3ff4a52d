"""discourse-kit: transparent, rule-based analysis of diplomatic discourse.

The public API is flat; see ``__all__``. The flow is one-way, and the
sub-packages are its layers (a module imports only from its own layer or
lower ones; ``docs/ARCHITECTURE.md``)::

    corpus -> nlp -> extract -> tables -> plots -> app
    load_corpus -> make_nlp/parse -> doc_* records -> *_frame tables -> plot_* figures -> run, CLI, notebooks
"""
from __future__ import annotations

import importlib

import pandas as _pd

# Text columns are kept in Python storage whether or not pyarrow is installed (pandas would
# otherwise switch to pyarrow storage when it finds pyarrow, e.g. with the 'parquet' extra): the
# tables then behave the same in every environment, and a lone surrogate in a text stays
# writable (escaped in CSV) instead of failing when a DataFrame is built. Only pandas' default
# ("auto") is changed; a storage the user chose is left alone.
if _pd.get_option("mode.string_storage") == "auto":
    _pd.set_option("mode.string_storage", "python")

from typing import TYPE_CHECKING  # noqa: E402

from ._version import __version__  # noqa: E402
from .corpus.documents import Corpus, Document
from .corpus.fetch import fetch_manifest
from .corpus.loading import load_corpus
from .corpus.lock import check_lock
from .corpus.ungdc import fetch_ungdc
from .errors import KitError
from .extract.attribution import doc_attributions
from .extract.codebook import Codebook, load_codebook
from .extract.mentions import doc_mentions
from .extract.rhetoric import doc_evidence
from .extract.voices import voice_map
from .nlp.gazetteer import load_gazetteer
from .nlp.pipeline import make_nlp, parse
from .tables.agreement import agreement, read_annotations
from .tables.annotations import AnnotationWriter, read_annotation_file, review_precision
from .tables.features import cooccurrence, feature_table
from .tables.frames import actor_frame, attributions_frame, evidence_frame, exposure_frame
from .tables.groups import document_groups, features_by, features_over_time, group_contrasts
from .tables.reliability import Reliability, reliability
from .tables.stats import compare_features, keyness
from .tables.summaries import summarize_sentiment

#: The names of the two top layers, by module, imported on first use (PEP 562 ``__getattr__`` below):
#: plots imports matplotlib and app imports plots, ~0.5 s that ``import analysis`` need not spend.
#: ``from analysis.plots import plot_heatmap`` and ``analysis.plots.plot_heatmap`` work as before.
_LAZY_MODULES = {
    ".app.checks": ("validate_codebook",),
    ".app.export": ("category_matrix", "export_parquet", "export_xlsx", "read_matrix", "read_results",
                    "term_matrix", "write_matrix"),
    ".app.labelstudio": ("export_labelstudio", "read_labelstudio"),
    ".app.outputs": ("load_results",),
    ".app.qdpx": ("read_qdpx", "write_qdpx"),
    ".app.review": ("ReviewSession",),
    ".app.review_widget": ("review_widget",),
    ".app.shortcuts": ("actor_table", "attributions", "code_corpus", "kwic", "sentiment", "voices"),
    ".app.words": ("collocates", "group_keyness", "ngrams"),
    ".plots.display": ("show_evidence",),
    ".plots.trends": ("plot_trend",),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from .app.checks import validate_codebook
    from .app.export import (
        category_matrix,
        export_parquet,
        export_xlsx,
        read_matrix,
        read_results,
        term_matrix,
        write_matrix,
    )
    from .app.labelstudio import export_labelstudio, read_labelstudio
    from .app.outputs import load_results
    from .app.qdpx import read_qdpx, write_qdpx
    from .app.review import ReviewSession
    from .app.review_widget import review_widget
    from .app.shortcuts import actor_table, attributions, code_corpus, kwic, sentiment, voices
    from .app.words import collocates, group_keyness, ngrams
    from .plots.display import show_evidence
    from .plots.trends import plot_trend


def __getattr__(name: str):
    """A public name of the app or plots layer (or those sub-packages), imported on first use."""
    if name in ("app", "plots"):
        return importlib.import_module(f".{name}", __name__)
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value  # the next look-up is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"app", "plots"})


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
    # human coding (issue 15): review, annotation files, reliability, exchange
    "ReviewSession",
    "review_widget",
    "AnnotationWriter",
    "read_annotation_file",
    "review_precision",
    "reliability",
    "Reliability",
    "export_labelstudio",
    "read_labelstudio",
    "write_qdpx",
    "read_qdpx",
    "keyness",
    "compare_features",
    "sentiment",
    "summarize_sentiment",
    "fetch_manifest",
    # groups, time, words and exports
    "document_groups",
    "features_by",
    "group_contrasts",
    "features_over_time",
    "plot_trend",
    "collocates",
    "ngrams",
    "group_keyness",
    "read_results",
    "export_xlsx",
    "export_parquet",
    "category_matrix",
    "term_matrix",
    "write_matrix",
    "read_matrix",
    "load_results",
    "check_lock",
    "fetch_ungdc",
]
