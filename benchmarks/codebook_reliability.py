"""Inter-coder reliability of the codebook gold set (issue 12/15): first coder vs second coder.

The second coder annotated 14 of the 58 gold documents (7 per split) independently, from the
coding guide alone. This script rebuilds those texts from ``../shared`` (``gold_corpus.py``),
and reports Krippendorff's alpha per category and overall with the kit's
:func:`analysis.reliability`, unitised by sentence (the default) or by token, with intervals from
a bootstrap over documents. Only aggregate figures are printed: the disagreements table is written
with ``--disagreements FILE`` and, for the test split, must not be shown to rule writers.

    python benchmarks/codebook_reliability.py [--split all|dev|test] [--unit sentence|token]

Exits 0 with a message when ``../shared`` is not there.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOLD = ROOT / "benchmarks" / "codebook_gold"
SHARED = ROOT.parent / "shared"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "test"), default="all")
    parser.add_argument("--unit", choices=("sentence", "token"), default="sentence")
    parser.add_argument("--boot", type=int, default=1000, help="bootstrap replicates (documents resampled)")
    parser.add_argument("--disagreements", help="write the disagreements table (sentence, each coder's codes) here")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} not found: the gold texts cannot be rebuilt; nothing to do")
        return 0

    import pandas as pd
    from codebook_heldout import check_hash
    from gold_corpus import build

    from analysis import load_corpus, make_nlp, parse, read_annotations, reliability

    splits = ("dev", "test") if args.split == "all" else (args.split,)
    coder1 = []
    for split in splits:
        path = GOLD / "annotations" / f"coder1_{split}.csv"
        check_hash(path)
        coder1.append(read_annotations(path))
    first = pd.concat(coder1, ignore_index=True)
    second = read_annotations(GOLD / "annotations" / "coder2.csv")
    docs = pd.read_csv(GOLD / "documents.csv")
    wanted = set(docs.loc[docs["split"].isin(splits), "doc_id"]) & set(second["doc_id"])
    second = second[second["doc_id"].isin(wanted)]
    first = first[first["doc_id"].isin(wanted)]
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp), args.split)
        corpus = load_corpus(tmp)
        kept = [d for d in corpus if d.doc_id in wanted]
        parsed = parse(kept, make_nlp())
        result = reliability({"coder1": first, "coder2": second}, texts=parsed, unit=args.unit,
                             documents=sorted(wanted), n_boot=args.boot, bootstrap="document")
    alpha = result.alpha
    n_words = int(docs.loc[docs["doc_id"].isin(wanted), "words"].sum())
    print(f"coder1 vs coder2 on {len(wanted)} documents ({args.split}; {n_words:,} words), "
          f"unit = {args.unit}; Krippendorff's alpha (nominal), 95% intervals from a document bootstrap "
          f"({args.boot} replicates)")
    with pd.option_context("display.width", 160):
        print(alpha[["category", "n_units", "n_coded", "agreement", "alpha", "alpha_low", "alpha_high"]]
              .to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(result.pairs.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.disagreements:
        result.disagreements.to_csv(args.disagreements, index=False)
        print(f"disagreements: {len(result.disagreements)} sentence(s) written to {args.disagreements}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
