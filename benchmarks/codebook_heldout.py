"""Score a codebook against the hand-annotated gold documents (held-out test or development split).

The gold set (``benchmarks/codebook_gold/``; see its README) is a seeded sample of 58 real
diplomatic texts (UN General Debate 2014-2020, UN Security Council 2014/2016, US presidential
statements 2022-2024), split by document into ``dev`` (rules may be written from it) and ``test``
(annotated from ``../shared/CODING_GUIDE.md`` alone, its annotation file hashed and the hash
committed before any rule change; never read for rule writing). Round 3 added ``test2``: 22 fresh
documents drawn from texts nobody had coded or judged, annotated and hashed before round 3's rule
changes; from round 3 on, the old ``test`` split (scored twice in aggregate in round 2) is open for
development like ``dev``. The texts are rebuilt from
``../shared`` (``benchmarks/gold_corpus.py``); the script exits 0 with a message when that folder is
absent.

Scoring (the kit's :func:`analysis.agreement`): within a document and category, a gold and a
predicted span match when they share at least one character, one-to-one, greedily by overlap.
Per category and micro-averaged (``ALL``): gold spans, predicted spans, matches, precision,
recall, F1, each with a percentile bootstrap 95% interval that resamples **documents** with
replacement (``--bootstrap`` replicates, seeded), so the interval reflects how much the figures
depend on which texts were sampled. The test file's sha256 is checked against
``benchmarks/codebook_gold/SHA256SUMS`` first: edited gold stops the run.

Targets of the codebook round (issue 12), checked on the held-out split (``test2`` from round 3):
micro precision >= 0.85, micro recall >= 0.70, and recall >= 0.5 for every category with >= 10 gold
spans.

Usage::

    .venv/bin/python benchmarks/codebook_heldout.py [--split test2|test|dev] [--codebook FILE]
        [--bootstrap 1000] [--details] [--json FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOLD = ROOT / "benchmarks" / "codebook_gold"
SHARED = ROOT.parent / "shared"
TARGETS = {"precision": 0.85, "recall": 0.70, "category_recall": 0.5, "category_min_gold": 10}


def annotation_file(split: str) -> Path:
    return GOLD / "annotations" / f"coder1_{split}.csv"


def check_hash(path: Path) -> None:
    """Stop when a file listed in SHA256SUMS differs from its committed hash."""
    sums = GOLD / "SHA256SUMS"
    if not sums.exists():
        return
    for line in sums.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        if (GOLD / name.strip()).resolve() == path.resolve():
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
            if actual != digest:
                raise SystemExit(f"{path}: sha256 {actual[:12]}... differs from the committed {digest[:12]}... "
                                 "(the held-out gold was edited)")


def counts_by_document(gold, predicted, doc_ids):
    """{doc_id: {category: (n_gold, n_pred, tp)}} with the kit's span matching."""
    from analysis import agreement

    out = {}
    for doc_id in doc_ids:
        g = gold[gold["doc_id"] == doc_id]
        p = predicted[predicted["doc_id"] == doc_id]
        table = agreement(g, p, documents=[doc_id])
        out[doc_id] = {r.category: (int(r.n_gold), int(r.n_pred), int(r.tp))
                       for r in table.itertuples() if r.category != "ALL"}
    return out


def _prf(n_gold: int, n_pred: int, tp: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else math.nan
    r = tp / n_gold if n_gold else math.nan
    f = 2 * p * r / (p + r) if n_gold and n_pred and (p + r) else (0.0 if n_gold and n_pred else math.nan)
    return p, r, f


def score(counts, categories, doc_ids, *, replicates: int = 1000, seed: int = 12):
    """Per-category and micro P/R/F1 with document-bootstrap percentile intervals."""
    import numpy as np
    import pandas as pd

    cats = list(categories)
    arr = np.zeros((len(doc_ids), len(cats), 3), dtype=np.int64)
    for i, d in enumerate(doc_ids):
        for j, c in enumerate(cats):
            arr[i, j] = counts[d].get(c, (0, 0, 0))

    def metrics(a):
        per = a.sum(axis=0)  # categories x 3
        rows = [_prf(*per[j]) for j in range(len(cats))]
        rows.append(_prf(*per.sum(axis=0)))
        return np.array(rows)  # (cats+1) x 3

    point = metrics(arr)
    rng = np.random.default_rng(seed)
    boot = np.full((replicates, len(cats) + 1, 3), np.nan)
    for b in range(replicates):
        idx = rng.integers(0, len(doc_ids), len(doc_ids))
        boot[b] = metrics(arr[idx])
    with warnings.catch_warnings():  # a category with no gold (or no prediction) in a replicate has no value
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanpercentile(boot, 2.5, axis=0)
        hi = np.nanpercentile(boot, 97.5, axis=0)
    totals = list(arr.sum(axis=0)) + [arr.sum(axis=(0, 1))]
    rows = []
    for j, name in enumerate([*cats, "ALL"]):
        n_gold, n_pred, tp = (int(x) for x in totals[j])
        row = {"category": name, "n_gold": n_gold, "n_pred": n_pred, "tp": tp}
        for k, m in enumerate(("precision", "recall", "f1")):
            row[m] = point[j, k]
            row[f"{m}_low"] = lo[j, k]
            row[f"{m}_high"] = hi[j, k]
        rows.append(row)
    return pd.DataFrame(rows)


def run(split: str, codebook: str | None, replicates: int, details: bool):
    from gold_corpus import build

    from analysis import code_corpus, load_codebook, load_corpus, make_nlp, parse, read_annotations

    path = annotation_file(split)
    if not path.exists():
        raise SystemExit(f"no annotations for the {split} split: {path}")
    check_hash(path)
    gold = read_annotations(path)
    with tempfile.TemporaryDirectory() as tmp:
        rows = build(Path(tmp), split)
        corpus = load_corpus(tmp)
        book = load_codebook(codebook)
        docs = list(parse(corpus, make_nlp()))
        evidence = code_corpus(docs, book)
        texts = {d.doc_id: d.text for d in corpus}
    doc_ids = sorted(r["doc_id"] for r in rows)
    categories = sorted(c.id for c in book.categories)
    counts = counts_by_document(gold, evidence, doc_ids)
    table = score(counts, categories, doc_ids, replicates=replicates)
    info = {"split": split, "documents": len(doc_ids), "words": sum(int(r["words"]) for r in rows),
            "codebook": {"id": book.id, "version": book.version, "sha256": book.sha256},
            "gold": str(path.relative_to(ROOT)), "bootstrap": replicates}
    if details:
        _print_details(gold, evidence, texts, doc_ids)
    return table, info


def _print_details(gold, evidence, texts, doc_ids):
    from analysis.tables.agreement import match_spans

    for doc_id in doc_ids:
        text = texts[doc_id]
        g = gold[gold["doc_id"] == doc_id]
        p = evidence[evidence["doc_id"] == doc_id]
        for cat in sorted(set(g["category"]) | set(p["category"])):
            gs = g[g["category"] == cat][["start_char", "end_char"]].itertuples(index=False, name=None)
            ps = p[p["category"] == cat][["start_char", "end_char", "rule_id"]].itertuples(index=False, name=None)
            gs, ps = list(gs), list(ps)
            pairs = match_spans(gs, [(s, e) for s, e, _ in ps])
            mg, mp = {i for i, _ in pairs}, {j for _, j in pairs}
            for i, (s, e) in enumerate(gs):
                if i not in mg:
                    print(f"MISS  {doc_id} {cat}: {_in_context(text, s, e)}")
            for j, (s, e, rule) in enumerate(ps):
                if j not in mp:
                    print(f"FALSE {doc_id} {cat} ({rule}): {_in_context(text, s, e)}")


def _in_context(text: str, start: int, end: int) -> str:
    return f"{text[max(0, start - 60):start]}[[{text[start:end]}]]{text[end:end + 40]}".replace("\n", " ")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("test2", "test", "dev"), default="test2")
    parser.add_argument("--codebook", default=None, help="codebook YAML (default: the bundled one)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates (documents resampled)")
    parser.add_argument("--details", action="store_true", help="print every miss and false hit (dev and test only)")
    parser.add_argument("--json", type=Path, default=None, help="also write the table and run info as JSON")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: the gold texts are rebuilt from ../shared, which is not here ({SHARED})")
        return 0
    if args.details and args.split == "test2":
        print("--details lists the held-out texts' misses: it is for the dev and test splits only "
              "(test2 is round 3's held-out sample)", file=sys.stderr)
        return 2
    table, info = run(args.split, args.codebook, args.bootstrap, args.details)
    print(f"codebook {info['codebook']['id']} {info['codebook']['version']} (sha256 {info['codebook']['sha256'][:12]}) "
          f"on the {args.split} split: {info['documents']} documents, {info['words']:,} words; "
          f"95% intervals: document bootstrap, {args.bootstrap} replicates")
    print(f"{'category':24} {'gold':>5} {'pred':>5} {'tp':>4}  {'precision':>17}  {'recall':>17}  {'F1':>17}")
    for r in table.itertuples():
        cells = []
        for m in ("precision", "recall", "f1"):
            v, lo, hi = getattr(r, m), getattr(r, f"{m}_low"), getattr(r, f"{m}_high")
            cells.append("      --         " if math.isnan(v) else f"{v:.2f} [{lo:.2f}-{hi:.2f}]")
        print(f"{r.category:24} {r.n_gold:5d} {r.n_pred:5d} {r.tp:4d}  {cells[0]:>17}  {cells[1]:>17}  {cells[2]:>17}")
    micro = table[table["category"] == "ALL"].iloc[0]
    weak = table[(table["category"] != "ALL") & (table["n_gold"] >= TARGETS["category_min_gold"])
                 & (table["recall"] < TARGETS["category_recall"])]
    print(f"targets (issue 12): micro precision {micro.precision:.2f} (>= {TARGETS['precision']}: "
          f"{'met' if micro.precision >= TARGETS['precision'] else 'MISSED'}); micro recall {micro.recall:.2f} "
          f"(>= {TARGETS['recall']}: {'met' if micro.recall >= TARGETS['recall'] else 'MISSED'}); categories with "
          f">= {TARGETS['category_min_gold']} gold spans and recall < {TARGETS['category_recall']}: "
          f"{', '.join(weak['category']) or 'none'}")
    if args.json:
        args.json.write_text(json.dumps({"info": info, "table": json.loads(table.to_json(orient="records"))},
                                        indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
