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
from ..tables.annotations import AnnotationWriter, read_annotation_file
from ..tables.reliability import reliability
from .arguments import add_command
from .labelstudio import export_labelstudio, read_labelstudio
from .qdpx import read_qdpx, write_qdpx
from .shortcuts import code_corpus

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
    """Register ``reliability`` and the exchange commands on the subparsers of the main parser."""
    add_command(sub, "reliability", "inter-coder reliability (Krippendorff's alpha, Cohen's kappa)",
                "Krippendorff's alpha per category and overall (with bootstrap intervals), Cohen's kappa and "
                "raw agreement per coder pair, and the sentences the coders disagree on. Each FILE is one coder: the "
                "kit's annotation file or a span CSV (doc_id, category, start_char, end_char[, text, note]). "
                "Documents read by fewer than two coders are left out.", [
                    ("files", {"nargs": "+", "metavar": "FILE", "help": "one file per coder (two or more)"}),
                    ("--corpus", {"required": True,
                                  "help": "corpus the offsets refer to (gives sentences and tokens)"}),
                    ("--unit", {"choices": ["sentence", "token"], "default": "sentence",
                                "help": "reliability unit: sentences (default) or tokens (span-extent agreement)"}),
                    ("--boot", {"type": int, "default": 1000,
                                "help": "bootstrap replicates for the interval (default 1000)"}),
                    ("--bootstrap", {"choices": ["unit", "document"], "default": "unit",
                                     "help": "resample units (default) or whole documents"}),
                    ("--seed", {"type": int, "default": 0, "help": "random seed of the bootstrap (default 0)"}),
                    ("--all-read", {"action": "store_true", "help": "every coder read every document that any "
                                    "coder's file names (an empty file section means nothing was found, not "
                                    "'not read')"}),
                    ("--out", {"help": "folder for reliability_alpha.csv, reliability_pairs.csv, disagreements.csv"}),
                ])
    for fmt, what in (("labelstudio", "Label Studio tasks (tasks.json) and labelling config (labeling_config.xml)"),
                      ("qdpx", "a REFI-QDA project (.qdpx) for MAXQDA, NVivo, ATLAS.ti, QDA Miner, QualCoder")):
        labelstudio = fmt == "labelstudio"
        add_command(sub, f"export-{fmt}", f"export a coded corpus as {what.split(' (')[0]}",
                    f"Write {what}: the documents of CORPUS with the rules' evidence (and, with --annotations, a "
                    "coder's coding).", [
                        ("corpus", {"metavar": "CORPUS"}),
                        ("--out", {"required": True,
                                   "help": "output folder" if labelstudio else "output file, ending in .qdpx"}),
                        ("--evidence",
                         {"help": "evidence.csv from `discourse-kit run` (default: code the corpus now)"}),
                        ("--codebook", {"help": "codebook YAML (default: the bundled one)"}),
                        *([] if labelstudio else [
                            ("--annotations", {"help": "an annotation file whose coded spans are added, by coder"})]),
                    ])
        add_command(sub, f"import-{fmt}", f"import coded segments from {what.split(' (')[0]}",
                    "Append the coded segments of FILE to an annotation file (decision 'added'); rows already in "
                    "it are not repeated, nothing is overwritten.", [
                        ("file", {"metavar": "FILE", "help": "Label Studio JSON export" if labelstudio else ".qdpx"}),
                        ("--out", {"required": True, "help": "annotation file to append to (created if absent)"}),
                        *([("--coder", {"help": "coder name for every row (default: labelstudio:<completed_by>)"})]
                          if labelstudio else []),
                    ])


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


def _evidence(ns, corpus) -> pd.DataFrame:
    if ns.evidence:
        read_annotations(ns.evidence)  # validates, one line per problem
        return pd.read_csv(ns.evidence, keep_default_na=False, dtype={"doc_id": str})
    return code_corpus(corpus, codebook=ns.codebook)


def _cmd_export(ns) -> int:
    corpus = load_corpus(ns.corpus)
    evidence = _evidence(ns, corpus)
    if ns.command == "export-labelstudio":
        paths = export_labelstudio(corpus, evidence, ns.out, codebook=ns.codebook)
        print(f"wrote {len(corpus)} task(s) with {len(evidence)} pre-annotation(s): " + ", ".join(map(str, paths)))
    else:
        annotations = read_annotation_file(ns.annotations) if ns.annotations else None
        path = write_qdpx(corpus, ns.out, evidence, annotations=annotations, codebook=ns.codebook)
        print(f"wrote {path}: {len(corpus)} source(s), {len(evidence)} rule segment(s)"
              + (f", {len(annotations)} annotation row(s) read" if annotations is not None else ""))
    return 0


def _cmd_import(ns) -> int:
    if ns.command == "import-labelstudio":
        rows = read_labelstudio(ns.file, coder=ns.coder)
    else:
        rows, _ = read_qdpx(ns.file)
    existing = read_annotation_file(ns.out, missing_ok=True)
    key = ["doc_id", "category", "start_char", "end_char", "coder", "decision"]
    seen = set(map(tuple, existing[key].astype(str).values.tolist()))
    n_new = 0
    for row in rows.to_dict("records"):
        if tuple(str(row[k]) for k in key) in seen:
            continue
        writer = AnnotationWriter(ns.out, coder=row["coder"] or "unknown")
        writer.append(**{k: row[k] for k in ("doc_id", "category", "start_char", "end_char", "text", "decision",
                                             "note")}, timestamp=row["timestamp"] or None)
        seen.add(tuple(str(row[k]) for k in key))
        n_new += 1
    print(f"appended {n_new} row(s) to {ns.out} ({len(rows) - n_new} already there)")
    return 0


#: Subcommand -> handler, merged into the main CLI's table.
HANDLERS = {"reliability": _cmd_reliability, "export-labelstudio": _cmd_export, "export-qdpx": _cmd_export,
            "import-labelstudio": _cmd_import, "import-qdpx": _cmd_import}
