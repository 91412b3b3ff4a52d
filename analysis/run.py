"""The main job at the import path the README shows (:mod:`analysis.app.run`)."""
from __future__ import annotations

from .app.run import TABLES, ResultStream, RunOutput, TableBuilder, analyze_corpus, build_tables, load_results, run

__all__ = ["run", "analyze_corpus", "build_tables", "TableBuilder", "ResultStream", "RunOutput", "TABLES",
           "load_results"]
