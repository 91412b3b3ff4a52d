"""The subcommands ``compare``, ``kwic`` and ``export`` of the command line (:mod:`analysis.app.cli`).

``compare`` and ``export`` work on the tables of a finished run (nothing is
parsed again); ``kwic`` reads a corpus. Each ``add_*`` function adds one
subparser; :data:`HANDLERS` maps the command to its function (returns the exit
code; user errors raise :class:`~analysis.errors.KitError`, which the CLI prints
as one line with exit 2).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from ..corpus.loading import load_corpus
from ..errors import KitError, one_line
from ..io import write_csv
from ..nlp.gazetteer import load_gazetteer
from ..plots.save import save_figure
from ..plots.trends import plot_trend
from ..tables.groups import CORRECTIONS, PERIODS, features_by, features_over_time, group_contrasts
from .arguments import add_command
from .export import category_matrix, export_parquet, export_xlsx, read_results, term_matrix, write_matrix
from .shortcuts import kwic

__all__ = ["add_compare", "add_kwic", "add_export", "HANDLERS"]


#: the positional argument of the commands that read a finished run
RESULTS_DIR = ("results", {"metavar": "RESULTS_DIR", "help": "folder written by `discourse-kit run`"})


def add_compare(sub) -> None:
    """``compare RESULTS_DIR --by COLUMN``: rates per group and contrasts, or a time series with ``--period``."""
    add_command(sub, "compare", "compare groups of documents (camp, speaker, year ...) on a finished run",
                "Pooled rates per group of documents (any metadata column; camp also from the gazetteer via "
                "the speaker) with exact intervals, and rate ratios of each group against the rest (or --a against "
                "--b) with p-values and intervals corrected for multiple testing across categories. With --period: "
                "rates per year, quarter or month instead (per group with --by). Reads RESULTS_DIR/features.csv "
                "and documents.csv.", [
                    RESULTS_DIR,
                    ("--by", {"help": "metadata column to group by: camp, speaker, country, year, genre ..."}),
                    ("--voice", {"default": "all", "help": "'all' (whole documents, default), 'narrator', a quoted "
                                 "speaker, or 'each' for every voice"}),
                    ("--a", {"dest": "group_a", "metavar": "GROUP",
                             "help": "compare this group (default: every group) ..."}),
                    ("--b", {"dest": "group_b", "metavar": "GROUP",
                             "help": "... against this one (default: the rest)"}),
                    ("--correction", {"choices": CORRECTIONS, "default": "holm", "help": "multiple-testing correction "
                                      "across categories (default holm; bh = Benjamini-Hochberg)"}),
                    ("--period", {"choices": PERIODS,
                                  "help": "rates per period instead of contrasts (dates from date_iso)"}),
                    ("--total", {"action": "store_true", "help": "add a row for all categories together"}),
                    ("--actors", {"help": "gazetteer that gives camps to speakers (default: the bundled one)"}),
                    ("--out", {"help": "write the contrasts (or, with --period, the time series) to this CSV"}),
                    ("--rates", {"help": "write the rates per group to this CSV"}),
                    ("--figure", {"help": "with --period: draw the trend figure into this file (.png; an .svg "
                                  "beside it)"}),
                ])


def add_kwic(sub) -> None:
    """``kwic CORPUS QUERY``: a concordance of a word, phrase, lemma, category or rule."""
    add_command(sub, "kwic", "keyword in context: a word, phrase, lemma, category or rule in its context",
                "Every occurrence of QUERY in CORPUS with WINDOW tokens of context and each document's metadata. "
                "QUERY is a codebook category or rule id (its evidence), else a phrase matched case-insensitively on "
                "whole words (a final * matches any ending; --by-lemma matches lemmas: 'double standard' finds "
                "'double standards').", [
                    ("corpus", {"metavar": "CORPUS", "help": "corpus folder or file"}),
                    ("query", {"metavar": "QUERY"}),
                    ("--window", {"type": int, "default": 8, "help": "tokens of context on each side (default 8)"}),
                    ("--by-lemma", {"action": "store_true", "help": "match the phrase by lemma"}),
                    ("--sort", {"choices": ["left", "right"],
                                "help": "sort by the left context (L1, L2 ...) or the right one"}),
                    ("--codebook", {"help": "codebook for category and rule queries (default: the bundled one)"}),
                    ("--out", {"help": "write the concordance (all columns) to this CSV"}),
                    ("--encoding", {"help": "encoding of files that are not UTF-8, e.g. latin-1"}),
                    ("--skip-bad", {"action": "store_true", "help": "skip unreadable files and list them"}),
                ])


def add_export(sub) -> None:
    """``export RESULTS_DIR --xlsx FILE | --parquet DIR | --dfm DIR``."""
    add_command(sub, "export", "convert a finished run for Excel, Parquet readers, R/quanteda and scikit-learn",
                "--xlsx: one workbook, the data dictionary on the first sheet, one sheet per table (cells "
                "beginning with = + - @ are text, never formulas). --parquet: one .parquet file per table. --dfm: "
                "document-feature matrices as Matrix Market files with docvars (categories.mtx; with --terms CORPUS "
                "also terms.mtx), which R's Matrix::readMM + quanteda::as.dfm and scipy.io.mmread read.", [
                    RESULTS_DIR,
                    ("--xlsx", {"metavar": "FILE", "help": "write every table into this Excel workbook (.xlsx)"}),
                    ("--parquet", {"metavar": "DIR", "help": "write every table as DIR/<table>.parquet"}),
                    ("--dfm", {"metavar": "DIR", "help": "write document-feature matrices into DIR"}),
                    ("--terms", {"metavar": "CORPUS", "help": "with --dfm: also documents x terms of this corpus"}),
                    ("--terms-by", {"choices": ["lower", "lemma"], "default": "lower",
                                    "help": "with --terms: count lower-cased words (default) or lemmas"}),
                ])


def _show(frame: pd.DataFrame, columns: list[str], title: str) -> None:
    print(title)
    if not len(frame):
        print("  (no rows)")
        return
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_rows", 500):
        print(frame[columns].to_string(index=False, float_format=lambda v: f"{v:.3g}"))


def _run_info(results: Path) -> dict | None:
    """The run's ``run.json`` (corpus, codebook, version for a figure's caption), or None."""
    try:
        info = json.loads((results / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _cmd_compare(ns) -> int:
    if ns.by is None and ns.period is None:
        raise KitError("give --by COLUMN (groups) or --period year|quarter|month (time), or both")
    if ns.figure and ns.period is None:
        raise KitError("--figure draws the trend figure: give --period too")
    tables = read_results(ns.results, tables=["documents", "features"])
    features, documents = tables["features"], tables["documents"]
    gazetteer = load_gazetteer(ns.actors) if ns.actors else None
    voice = None if ns.voice == "each" else ns.voice
    if ns.period is not None:
        trend = features_over_time(features, documents, period=ns.period, by=ns.by, voice=voice,
                                   gazetteer=gazetteer, total=ns.total)
        _show(trend, ["group", "period", "voice", "category", "n_documents", "count", "n_tokens", "rate_per_1000",
                      "ci_low", "ci_high"], f"rates per {ns.period}" + (f" and {ns.by}" if ns.by else ""))
        if ns.out:
            write_csv(trend, ns.out)
        if ns.figure:
            figure = Path(ns.figure)
            info = _run_info(Path(ns.results))
            save_figure(plot_trend(trend, info=info), figure.parent, figure.stem)
        return 0
    grouped = features_by(features, documents, ns.by, voice=voice, gazetteer=gazetteer, total=ns.total)
    contrasts = group_contrasts(grouped, a=ns.group_a, b=ns.group_b, correction=ns.correction)
    _show(grouped, ["group", "voice", "category", "n_documents", "count", "n_tokens", "rate_per_1000", "ci_low",
                    "ci_high"], f"rates per 1,000 word tokens by {ns.by} (exact 95% Poisson intervals)")
    print()
    if not len(contrasts):
        print(f"only one group ({', '.join(sorted(set(grouped['group'])))}): no contrast to compute")
    levels = contrasts["ci_level_adjusted"]
    title = "rate ratios: none"
    if len(contrasts):
        title = (f"rate ratios; p-values and intervals corrected with {ns.correction} across categories "
                 f"(adjusted interval level {levels.min():.4g}–{levels.max():.4g})")
    _show(contrasts, ["a", "b", "voice", "category", "rate_ratio", "ci_low_adjusted", "ci_high_adjusted", "p_value",
                      "p_adjusted", "significant"], title)
    if ns.out:
        write_csv(contrasts, ns.out)
    if ns.rates:
        write_csv(grouped, ns.rates)
    return 0


def _cmd_kwic(ns) -> int:
    corpus = load_corpus(ns.corpus, encoding=ns.encoding, skip_bad=ns.skip_bad)
    table = kwic(corpus, ns.query, window=ns.window, codebook=ns.codebook, by_lemma=ns.by_lemma, sort=ns.sort)
    for line in corpus.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    if ns.out:
        write_csv(table, ns.out)
    shown = table[["doc_id", "left", "match", "right"]].copy()
    shown["left"] = shown["left"].map(lambda s: one_line(s)[-50:])
    shown["right"] = shown["right"].map(lambda s: one_line(s)[:50])
    shown["match"] = shown["match"].map(one_line)  # hard-wrapped text: the CSV keeps the exact words
    with pd.option_context("display.width", 220, "display.max_colwidth", 60, "display.max_rows", 10_000):
        print(shown.to_string(index=False, justify="left") if len(shown) else "no occurrences", flush=True)
    print(f"{len(table)} occurrence(s) of {ns.query!r} in {table['doc_id'].nunique() if len(table) else 0} "
          f"of {len(corpus)} document(s)" + (f"; written to {ns.out}" if ns.out else ""), file=sys.stderr)
    return 0


def _cmd_export(ns) -> int:
    if not (ns.xlsx or ns.parquet or ns.dfm):
        raise KitError("give at least one of --xlsx FILE, --parquet DIR, --dfm DIR")
    if ns.terms and not ns.dfm:
        raise KitError("--terms needs --dfm DIR")
    results = Path(ns.results)
    for target in (ns.parquet, ns.dfm, ns.xlsx):
        if target and Path(target).resolve() == results.resolve():
            raise KitError("write exports beside the results folder, not into it", path=target)
    tables = read_results(results)
    if ns.xlsx:
        for warning in export_xlsx(tables, ns.xlsx):
            print(f"warning: {warning}", file=sys.stderr)
        print(f"wrote {ns.xlsx} ({len(tables)} tables and the data dictionary)")
    if ns.parquet:
        files = export_parquet(tables, ns.parquet)
        print(f"wrote {len(files)} Parquet file(s) to {ns.parquet}")
    if ns.dfm:
        if not {"documents", "features"} <= set(tables):
            raise KitError("--dfm needs documents.csv and features.csv in the results folder", path=results)
        files = write_matrix(category_matrix(tables), ns.dfm, "categories")
        if ns.terms:
            files += write_matrix(term_matrix(load_corpus(ns.terms), by=ns.terms_by), ns.dfm, "terms")
        print(f"wrote {', '.join(p.name for p in files)} to {ns.dfm}")
    return 0


#: command name -> handler(ns) -> exit code
HANDLERS = {"compare": _cmd_compare, "kwic": _cmd_kwic, "export": _cmd_export}
