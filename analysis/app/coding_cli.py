"""Command-line commands for human coding: ``reliability`` and the exchange formats.

Kept apart from :mod:`analysis.app.cli` (which registers them with :func:`add_commands`) so the
main parser stays short.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..corpus.loading import load_corpus
from ..errors import KitError
from ..io import write_csv
from ..tables.agreement import read_annotations
from ..tables.annotations import read_annotation_file
from ..tables.reliability import reliability

__all__ = ["add_commands", "HANDLERS", "read_coding"]


def read_coding(path: str | Path) -> tuple[str, pd.DataFrame]:
    """(coder name, spans) of one coder's file: the kit's annotation file (only kept decisions
    count) or a span CSV (``doc_id, category, start_char, end_char[, text, note]``, e.g. the
    gold files). The name is the file's single ``coder`` value, else the file name without suffix."""
    path = Path(path)
    try:
        frame = read_annotation_file(path)
    except KitError as e:
        if "not an annotation file" not in str(e):
            raise
        return path.stem, read_annotations(path)
    coders = sorted(set(frame["coder"]) - {""})
    return (coders[0] if len(coders) == 1 else path.stem), frame


def add_commands(sub) -> None:
    """Register ``reliability`` on the subparsers of the main parser."""
    r = sub.add_parser(
        "reliability", help="inter-coder reliability (Krippendorff's alpha, Cohen's kappa)",
        description="Krippendorff's alpha per category and overall (with bootstrap intervals), Cohen's kappa and "
        "raw agreement per coder pair, and the sentences the coders disagree on. Each FILE is one coder: the kit's "
        "annotation file or a span CSV (doc_id, category, start_char, end_char[, text, note]). Documents read by "
        "fewer than two coders are left out.")
    r.add_argument("files", nargs="+", metavar="FILE", help="one file per coder (two or more)")
    r.add_argument("--corpus", required=True, help="corpus the offsets refer to (gives sentences and tokens)")
    r.add_argument("--unit", choices=["sentence", "token"], default="sentence",
                   help="reliability unit: sentences (default) or tokens (span-extent agreement)")
    r.add_argument("--boot", type=int, default=1000, help="bootstrap replicates for the interval (default 1000)")
    r.add_argument("--bootstrap", choices=["unit", "document"], default="unit",
                   help="resample units (default) or whole documents")
    r.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (default 0)")
    r.add_argument("--all-read", action="store_true",
                   help="every coder read every document that any coder's file names (an empty file section "
                   "means nothing was found, not 'not read')")
    r.add_argument("--out", help="folder for reliability_alpha.csv, reliability_pairs.csv, disagreements.csv")


def _cmd_reliability(ns) -> int:
    if len(ns.files) < 2:
        raise KitError(f"reliability needs at least two files (one per coder); got {len(ns.files)}")
    codings: dict[str, pd.DataFrame] = {}
    for path in ns.files:
        name, frame = read_coding(path)
        while name in codings:  # two files with the same coder name
            name += "'"
        codings[name] = frame
    corpus = load_corpus(ns.corpus)
    documents = None
    if ns.all_read:
        documents = sorted({str(d) for f in codings.values() for d in f["doc_id"]})
    result = reliability(codings, texts=corpus, unit=ns.unit, n_boot=ns.boot, bootstrap=ns.bootstrap,
                         seed=ns.seed, documents=documents)
    fmt = {"float_format": lambda v: f"{v:.3f}", "index": False}
    with pd.option_context("display.width", 200):
        print(f"Krippendorff's alpha (unit: {ns.unit}, {ns.boot} bootstrap replicates by {ns.bootstrap})")
        print(result.alpha.to_string(**fmt))
        print("\nPairs (Cohen's kappa, raw agreement)")
        print(result.pairs.to_string(**fmt))
    print(f"\n{len(result.disagreements)} sentence(s) with disagreements"
          + ("" if ns.out else " (write them with --out DIR)"))
    if ns.out:
        out = Path(ns.out)
        out.mkdir(parents=True, exist_ok=True)
        write_csv(result.alpha, out / "reliability_alpha.csv")
        write_csv(result.pairs, out / "reliability_pairs.csv")
        write_csv(result.disagreements, out / "disagreements.csv")
        print(f"wrote reliability_alpha.csv, reliability_pairs.csv, disagreements.csv to {out}", file=sys.stderr)
    return 0


#: Subcommand -> handler, merged into the main CLI's table.
HANDLERS = {"reliability": _cmd_reliability}
