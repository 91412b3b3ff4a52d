"""Layer 6, app: what users run, built on every layer below.

* :mod:`~analysis.app.run` -- ``discourse-kit run``: a corpus in, every table and figure out;
* :mod:`~analysis.app.engine` -- the streaming, cached, parallel engine behind it;
* :mod:`~analysis.app.records` -- per-document records cached on disk;
* :mod:`~analysis.app.shortcuts` -- corpus-level conveniences (``attributions(docs)``, ``code_corpus`` ...);
* :mod:`~analysis.app.checks` -- the codebook's self-test;
* :mod:`~analysis.app.notebooks` -- what the notebooks share, and running them headless;
* :mod:`~analysis.app.cli` -- the command line.
"""
from __future__ import annotations

from .checks import validate_codebook
from .run import analyze_corpus, build_tables
from .shortcuts import actor_table, attributions, code_corpus, kwic, sentiment, voices

# ``run`` (the function) is not re-exported here: it would hide the module analysis.app.run.
__all__ = [
    "analyze_corpus",
    "build_tables",
    "attributions",
    "code_corpus",
    "actor_table",
    "sentiment",
    "voices",
    "kwic",
    "validate_codebook",
]
