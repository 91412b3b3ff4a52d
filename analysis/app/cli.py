"""Command line: ``discourse-kit`` / ``python -m analysis``.

Subcommands (each has ``--help``)::

    corpus PATH                 list documents and metadata
    corpus fetch MANIFEST       download the documents listed in a manifest (and write/check the lock)
    corpus ungdc --countries .. --years ..   UN General Debate speeches from the UNGDC archive
    run PATH --out DIR          analyse a corpus and write every table (--engine dask: on a Dask cluster)
    codebook check [FILE]       run a codebook's examples and counter-examples
    agreement GOLD PRED         rule-vs-human agreement per category
    reliability FILE FILE ...   inter-coder reliability (alpha, kappa, disagreements)
    export-labelstudio CORPUS   Label Studio tasks + labelling config (import-labelstudio: back)
    export-qdpx CORPUS          REFI-QDA project for QDA tools (import-qdpx: back)
    actors suggest PATH         unknown speakers of a corpus as gazetteer entries to paste
    notebooks [DIR]             execute the notebooks headless (for make reproduce)
    compare RESULTS_DIR --by C  rates per group, contrasts with corrected p-values, time series
    kwic CORPUS QUERY           keyword in context (word, phrase, lemma, category, rule)
    export RESULTS_DIR          a run's tables to Excel, Parquet, R/quanteda and scikit-learn

Exit codes: 0 ok, 1 a check found failures or a fetch failed for some document, 2 usage or input error. User
errors are one line on stderr (``error: FILE: problem``), never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import textwrap

import pandas as pd

from .._version import __version__
from ..corpus.fetch import fetch_manifest
from ..corpus.loading import load_corpus
from ..corpus.ungdc import fetch_ungdc
from ..errors import KitError, one_line
from ..extract.codebook import load_codebook
from ..nlp.gazetteer import load_gazetteer
from ..nlp.pipeline import make_nlp
from ..tables.agreement import agreement, read_annotations
from . import coding_cli
from .actors import suggest_actors, suggestions_yaml
from .checks import validate_codebook
from .commands import HANDLERS as GROUP_HANDLERS
from .commands import add_compare, add_export, add_kwic
from .notebooks import execute_notebooks
from .run import run

__all__ = ["main", "build_parser", "MAX_WARNINGS"]

#: Warnings printed by `run` (the rest are counted), so a hostile corpus cannot flood the terminal.
MAX_WARNINGS = 50


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> None:  # exit 2 with one line, like KitError
        print(f"error: {one_line(message)} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def _wrapped(text: str) -> str:
    """``text`` wrapped like argparse's own help, for a parser with a raw description."""
    return textwrap.fill(text, width=79)


def _terminate_as_interrupt(signum, frame) -> None:
    """SIGTERM (``kill``, a scheduler stopping the job) is handled like Ctrl-C."""
    raise KeyboardInterrupt


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    p = _Parser(prog="discourse-kit",
                description="Rule-based rhetorical-feature and attribution analysis of diplomatic texts.")
    p.add_argument("--version", action="version", version=f"discourse-kit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser(
        "corpus",
        help="list a corpus, fetch documents from a manifest, or fetch UN General Debate speeches",
        usage="discourse-kit corpus PATH [--encoding ENC] [--skip-bad] [--csv]\n"
        "       discourse-kit corpus fetch MANIFEST [--out DIR] [--force] [--timeout S] [--max-bytes N] "
        "[--allow-private] [--lock FILE]\n"
        "       discourse-kit corpus ungdc --countries ISO [ISO ...] --years YEARS --out DIR [--archive FILE|URL] "
        "[--speakers FILE|URL] [--force] [--timeout S] [--max-bytes N] [--allow-private]",
        description=_wrapped("`corpus PATH` prints the metadata table of a corpus. "
        "`corpus fetch MANIFEST` downloads each listed page (its archived snapshot when the live page fails), "
        "extracts its text with trafilatura, writes it with its metadata and writes fetch-lock.csv beside it; "
        "with --lock FILE it says per document whether the text matches that lock. "
        "`corpus ungdc` writes the UN General Debate speeches of the chosen countries and years from the "
        "UNGDC archive on Harvard Dataverse into a corpus folder, with metadata.csv and fetch-lock.csv. "
        "Exit 1 when a document failed, is missing or does not match the lock. Details: corpus/README.md."),
        epilog="examples:\n"
        "  discourse-kit corpus fetch corpus/manifest.csv\n"
        "  discourse-kit corpus fetch corpus/manifest.csv --lock paper/fetch-lock.csv\n"
        "  discourse-kit corpus ungdc --countries RUS USA GBR FRA --years 2014-2020 --out corpus_ungdc\n"
        "  discourse-kit corpus ungdc --countries RUS --years 2015 --out ungdc --archive ~/UNGDC_1946-2023.tgz\n"
        + _wrapped("Local and private-network addresses (127.0.0.1, 10.x, 192.168.x, 169.254.x ...) are refused "
                   "on every redirect hop unless --allow-private is given."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("args", nargs="+", metavar="PATH | fetch MANIFEST | ungdc")
    c.add_argument("--encoding",
                   help="encoding of files that are not UTF-8, e.g. latin-1 (a byte-order mark always wins)")
    c.add_argument("--skip-bad", action="store_true", help="skip unreadable files and list them")
    c.add_argument("--csv", action="store_true", help="print the full metadata table as CSV (cells not shortened)")
    c.add_argument("--out", metavar="DIR",
                   help="fetch: folder for fetched texts (default: fetched/ beside the manifest); "
                   "ungdc: the corpus folder to write (required)")
    c.add_argument("--force", action="store_true", help="fetch, ungdc: overwrite files that already exist")
    c.add_argument("--timeout", type=float, metavar="S", help="fetch, ungdc: a deadline in seconds for each whole "
                   "download: connection, headers and body (default 20 for a page, 3600 for the UNGDC archive; "
                   "at most 86400)")
    c.add_argument("--max-bytes", type=int, metavar="N", help="fetch, ungdc: largest download accepted "
                   "(default 5 MB for a page, 2 GB for the UNGDC archive)")
    c.add_argument("--allow-private", action="store_true",
                   help="fetch, ungdc: also download from loopback and private-network addresses "
                   "(refused by default: an intranet server or a local test server)")
    c.add_argument("--lock", metavar="FILE",
                   help="fetch: a fetch-lock.csv to reproduce; reports per document whether the "
                   "stored text matches it")
    c.add_argument("--countries", nargs="+", metavar="ISO", help="ungdc: ISO 3166-1 alpha-3 codes, e.g. RUS USA GBR")
    c.add_argument("--years", nargs="+", metavar="YEARS", help="ungdc: years, e.g. 2014-2020 or 2014 2016")
    c.add_argument("--archive", metavar="FILE|URL",
                   help="ungdc: an UNGDC archive (.zip or .tgz) on disk or at a URL, "
                   "instead of asking Harvard Dataverse")
    c.add_argument("--speakers", metavar="FILE|URL",
                   help="ungdc: a Speakers_by_session table (.xlsx, .tab, .csv; file or URL)")
    c.add_argument("--dataverse", default=None, metavar="URL",
                   help="ungdc: the Dataverse server (default https://dataverse.harvard.edu)")
    c.add_argument("--doi", default=None, help="ungdc: the dataset DOI (default doi:10.7910/DVN/0TJX8Y)")
    c.add_argument("--dataset-version", default=None, metavar="V",
                   help="ungdc: the dataset version, e.g. 12.0 (default: the latest published)")
    c.add_argument("--cache", metavar="DIR", help="ungdc: where the downloaded archive is kept "
                   "(default: ungdc/ in $DISCOURSE_KIT_CACHE or .cache/)")

    r = sub.add_parser("run", help="analyse a corpus and write every table",
                       description="Analyse every document of PATH and write the tables (evidence, features, "
                       "attributions, actors, sentiment, documents) and run.json into --out.")
    r.add_argument("path", metavar="PATH", nargs="+",
                   help="corpus folder or file; several are analysed as one corpus (doc_ids must differ)")
    r.add_argument("--out", required=True, help="folder for the result tables")
    r.add_argument("--figures", help="also write every figure into this folder")
    r.add_argument("--codebook", help="codebook YAML (default: the bundled diplomatic_rhetoric.yaml); "
                   "also accepts quanteda-style YAML dictionaries and LIWC .dic files")
    r.add_argument("--actors", help="actor gazetteer YAML (default: the bundled actors.yaml)")
    r.add_argument("--model", default="rules",
                   help="'rules' (default, no download) or an installed spaCy model, e.g. en_core_web_sm")
    r.add_argument("--n-process", type=int, default=1, help="worker processes for parsing (default 1)")
    r.add_argument("--encoding",
                   help="encoding of files that are not UTF-8, e.g. latin-1 (a byte-order mark always wins)")
    r.add_argument("--skip-bad", action="store_true",
                   help="skip unreadable files and documents whose analysis fails, list them, analyse the rest")
    r.add_argument("--no-sentiment", action="store_true", help="skip the sentiment tables (faster)")
    r.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    r.add_argument("--format", choices=["csv", "parquet"], default="csv",
                   help="table files: csv (default) or parquet (needs the 'parquet' extra: pyarrow)")
    r.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="where documents are analysed: local processes (default) or a Dask cluster "
                   "(needs the 'dask' extra); the tables are the same")
    r.add_argument("--scheduler", metavar="ADDRESS",
                   help="dask: address of an existing scheduler, e.g. tcp://host:8786 (default: a local cluster "
                   "on 127.0.0.1, started and stopped by the kit)")
    r.add_argument("--workers", type=int, metavar="N",
                   help="dask: worker processes of the local cluster (default: one per core)")
    r.add_argument("--partition-words", type=int, metavar="N",
                   help="dask: about N words per task (default 50000)")

    check = sub.add_parser("codebook", help="check a codebook",
                           description="`codebook check [FILE]` runs every category's examples (must be coded) "
                           "and counter-examples (must not be coded) and lists each failure.")
    check.add_argument("action", choices=["check"])
    check.add_argument("file", nargs="?", help="codebook YAML (default: the bundled one)")
    check.add_argument("--model", default="rules", help="pipeline to check with (default: rules)")

    a = sub.add_parser("agreement", help="compare predicted evidence with a gold annotation",
                       description="Per category: precision, recall and F1 with span-overlap matching, and "
                       "sentence-level Cohen's kappa. GOLD and PRED are CSVs with doc_id, category, start_char, "
                       "end_char.")
    a.add_argument("gold")
    a.add_argument("pred")
    a.add_argument("--corpus", help="corpus the spans refer to: gives the sentence boundaries for Cohen's kappa "
                   "(without it the kappa column is empty)")

    coding_cli.add_commands(sub)  # reliability, exchange formats (app/coding_cli.py)
    ac = sub.add_parser("actors", help="suggest gazetteer entries for a corpus's unknown speakers",
                        description="`actors suggest PATH` lists the capitalised speaker names of PATH's "
                        "attributions that the gazetteer does not resolve, most frequent first, as gazetteer "
                        "entries (YAML) to check and paste into your own actors file (`run --actors FILE`).")
    ac.add_argument("action", choices=["suggest"])
    ac.add_argument("path", metavar="PATH", help="corpus folder or file")
    ac.add_argument("--actors", help="the gazetteer to extend (default: the bundled actors.yaml)")
    ac.add_argument("--min-count", type=int, default=2, help="fewest attributions a name needs (default 2)")
    ac.add_argument("--csv", action="store_true", help="print the table (name, count, documents, ...) as CSV")
    ac.add_argument("--encoding",
                    help="encoding of files that are not UTF-8, e.g. latin-1 (a byte-order mark always wins)")

    nb = sub.add_parser("notebooks", help="execute notebooks headless",
                        description="Execute every notebook in DIR (default notebooks/) top to bottom; executed "
                        "copies go to build/notebooks/, the committed notebooks stay without outputs.")
    nb.add_argument("folder", nargs="?", default="notebooks")
    nb.add_argument("--timeout", type=int, default=600)

    # groups, time, words and exports (analysis/app/commands.py)
    add_compare(sub)
    add_kwic(sub)
    add_export(sub)
    return p


_FETCH_ONLY = ("lock",)
_UNGDC_ONLY = ("countries", "years", "archive", "speakers", "dataverse", "doi", "dataset_version", "cache")
_DOWNLOAD_ONLY = ("out", "force", "timeout", "max_bytes", "allow_private")


def _refuse_options(ns, names, mode: str) -> None:
    given = [n for n in names if getattr(ns, n) not in (None, False)]
    if given:
        flags = ", ".join("--" + n.replace("_", "-") for n in given)
        raise KitError(f"{flags} cannot be used with `discourse-kit corpus {mode}`")


def _print_report(report, what: str, bad) -> int:
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        print(report.to_string(index=False))
    n_bad = int(bad.sum()) if len(report) else 0
    if n_bad:
        print(f"warning: {n_bad} of {len(report)} {what}; see the report", file=sys.stderr)
    return 1 if n_bad else 0


def _cmd_fetch(ns) -> int:
    if len(ns.args) != 2:
        raise KitError("usage: discourse-kit corpus fetch MANIFEST [--out DIR] [--force] [--lock FILE]")
    _refuse_options(ns, _UNGDC_ONLY, "fetch")
    report = fetch_manifest(ns.args[1], out=ns.out, force=ns.force, timeout=20.0 if ns.timeout is None else ns.timeout,
                            max_bytes=5_000_000 if ns.max_bytes is None else ns.max_bytes,
                            allow_private=ns.allow_private, lock=ns.lock)
    failed = report["status"].isin(["failed", "not-in-manifest"])
    if ns.lock:
        failed |= report["lock"].isin(["differs", "missing"])
        counts = report["lock"].value_counts()
        print(f"lock {ns.lock}: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in
                                                  ("match", "differs", "missing", "not-in-lock")))
    code = _print_report(report, "document(s) could not be fetched or do not match the lock" if ns.lock
                         else "document(s) could not be fetched", failed)
    if code and not ns.lock:
        print("warning: the others were written or kept", file=sys.stderr)
    return code


def _cmd_ungdc(ns) -> int:
    if len(ns.args) != 1:
        raise KitError("usage: discourse-kit corpus ungdc --countries ISO [ISO ...] --years YEARS --out DIR")
    _refuse_options(ns, _FETCH_ONLY, "ungdc")
    if not ns.countries or not ns.years or not ns.out:
        raise KitError("`discourse-kit corpus ungdc` needs --countries, --years and --out "
                       "(e.g. --countries RUS USA --years 2014-2020 --out corpus_ungdc)")
    options = {"server": ns.dataverse, "doi": ns.doi, "version": ns.dataset_version, "timeout": ns.timeout,
               "max_bytes": ns.max_bytes}
    report = fetch_ungdc(" ".join(ns.countries), " ".join(ns.years), out=ns.out, archive=ns.archive,
                         speakers=ns.speakers, cache=ns.cache, force=ns.force, allow_private=ns.allow_private,
                         **{k: v for k, v in options.items() if v is not None})
    return _print_report(report, "speech(es) missing from the archive or not written",
                         report["status"].isin(["failed", "missing"]))


def _cmd_corpus(ns) -> int:
    if ns.args[0] == "fetch":
        return _cmd_fetch(ns)
    if ns.args[0] == "ungdc":  # a folder of that name is listed as ./ungdc
        return _cmd_ungdc(ns)
    _refuse_options(ns, _FETCH_ONLY + _UNGDC_ONLY + _DOWNLOAD_ONLY, "PATH")
    if len(ns.args) != 1:
        raise KitError("usage: discourse-kit corpus PATH")
    corpus = load_corpus(ns.args[0], encoding=ns.encoding, skip_bad=ns.skip_bad)
    frame = corpus.to_frame()
    if ns.csv:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        print(_shorten(frame).to_string(index=False))
    for line in corpus.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    for line in corpus.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return 0


def _shorten(frame, width: int = 40):
    """Cells cut to ``width`` characters (with an ellipsis) for a readable terminal table."""

    def cut(value):
        text = one_line(value) if isinstance(value, str) else value
        return text[: width - 1] + "…" if isinstance(text, str) and len(text) > width else text

    return frame.apply(lambda col: col.map(cut)) if len(frame) else frame


def _cmd_run(ns) -> int:
    result = run(
        ns.path, ns.out, codebook=ns.codebook, actors=ns.actors, model=ns.model, n_process=ns.n_process,
        figures=ns.figures, cache=False if ns.no_cache else None, encoding=ns.encoding,
        skip_bad=ns.skip_bad, with_sentiment=not ns.no_sentiment, engine=ns.engine, scheduler=ns.scheduler,
        partition_words=ns.partition_words, n_workers=ns.workers, format=ns.format,
    )
    skipped = result.info.get("corpus", {}).get("skipped", [])
    for line in skipped:
        print(f"skipped: {line}", file=sys.stderr)
    warnings = [w for w in result.warnings if w not in skipped]
    for w in warnings[:MAX_WARNINGS]:
        print(f"warning: {one_line(w)}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS:  # e.g. thousands of stray quote marks in an OCR dump
        print(f"warning: {len(warnings) - MAX_WARNINGS} more warning(s) not shown", file=sys.stderr)
    n = result.info["corpus"]["n_documents"]
    print(f"analysed {n} document(s); wrote {len(result.files)} file(s) to {ns.out}"
          + (f" and {ns.figures}" if ns.figures else ""))
    return 0


def _cmd_codebook(ns) -> int:
    codebook = load_codebook(ns.file)
    report = validate_codebook(codebook, make_nlp(ns.model))
    failures = report[~report["passed"]]
    print(f"{codebook.id} {codebook.version}: {len(report) - len(failures)}/{len(report)} checks passed")
    for row in failures.itertuples():
        print(f"FAIL {row.category} {row.kind}: {row.sentence!r} ({row.problem})")
    return 0 if failures.empty else 1


def _cmd_agreement(ns) -> int:
    sentences = None
    if ns.corpus:
        sentences = load_corpus(ns.corpus)
    table = agreement(read_annotations(ns.gold), read_annotations(ns.pred), sentences=sentences)
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _cmd_actors(ns) -> int:
    if ns.min_count < 1:
        raise KitError("--min-count must be 1 or more")
    gazetteer = load_gazetteer(ns.actors)
    corpus = load_corpus(ns.path, encoding=ns.encoding)
    table = suggest_actors(corpus, nlp=make_nlp(actors=gazetteer), gazetteer=gazetteer, min_count=ns.min_count)
    if ns.csv:
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        print(suggestions_yaml(table, source=ns.path), end="")
    return 0


def _cmd_notebooks(ns) -> int:
    for path, seconds in execute_notebooks(ns.folder, timeout=ns.timeout):
        print(f"executed {path} in {seconds:.1f}s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 check failed, 2 user error)."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    previous = None
    with contextlib.suppress(ValueError):  # ValueError: not the main thread (then the caller handles signals)
        previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        return _dispatch(ns)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _dispatch(ns) -> int:
    handlers = {
        "corpus": _cmd_corpus,
        "run": _cmd_run,
        "codebook": _cmd_codebook,
        "agreement": _cmd_agreement,
        "actors": _cmd_actors,
        "notebooks": _cmd_notebooks,
        **GROUP_HANDLERS,
        **coding_cli.HANDLERS,
    }
    try:
        return handlers[ns.command](ns)
    except KitError as e:
        print(f"error: {one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; earlier results were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `discourse-kit corpus DIR | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:  # the file system refused (disk full, read-only --out, ...)
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {one_line(where + (e.strerror or str(e)))}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
