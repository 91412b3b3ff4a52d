"""A random sample of the codebook's *new-rule* hits on unseen text, for a blind precision read.

Codes the ``sample`` pool of :mod:`codebook_texts` -- real speeches and statements in neither
split of the gold set, never read while the rules were written -- with the bundled codebook and
draws, per category, ``--per-category`` random hits (fixed seed) of the rules that are new or
changed since a baseline codebook (default: version 1.0.0 as committed at ``--baseline-rev``).
A category with too few such hits in the ``sample`` pool (the rare ones: ultimatum denials,
dismissals of talks) is topped up from the ``check`` pool, which was read only to look for false
hits; the key file names the pool of every row.

Two CSV files are written:

* ``OUT`` (the blind sheet): ``sample_id, category, definition, sentence, span, left, right,
  correct, note`` -- ``sentence`` marks the span as ``[[...]]``; ``correct`` and ``note`` are
  empty for the reader (y / n). The rule that fired is *not* in this file, so the reader judges
  the span against the category definition alone.
* ``OUT`` with ``_key`` before the suffix: ``sample_id, doc_id, start_char, end_char, rule_id,
  pool`` -- to join the reader's verdicts back to the rules.

The texts stay in ``../shared``; the CSVs hold excerpts of them, so they are written outside the
repository's tracked files (default ``build/``, which git ignores). Skips cleanly when
``../shared`` is absent.

Usage::

    .venv/bin/python benchmarks/codebook_sample_hits.py [--per-category 20] [--seed 12] [--out FILE.csv]
        [--baseline-rev REV] [--exclude-docs FILE] [--sources unsc,us-statements]
    # round 3 (codebook 2.1 against 2.0.1, texts of neither the gold nor round 2's read, and not
    # browsed by round 3's rule author):
    .venv/bin/python benchmarks/codebook_sample_hits.py --baseline-rev b34aaf0 --per-category 15 \
        --exclude-docs benchmarks/codebook_gold/blind_read_docs.txt --sources unsc,us-statements
    # after the read: precision per category from the filled-in sheet
    .venv/bin/python benchmarks/codebook_sample_hits.py --score build/codebook_sample_hits.csv
"""
from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CODEBOOK = "analysis/codebooks/diplomatic_rhetoric.yaml"
#: the commit before codebook 2.0.0 (its codebook is version 1.0.0)
BASELINE_REV = "bc917a8"


def baseline_rules(rev: str) -> dict[tuple[str, str], dict]:
    """``(category, rule id) -> rule mapping`` of the codebook at git revision ``rev`` (raw YAML)."""
    import yaml

    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{CODEBOOK}"], check=True,
                          capture_output=True, text=True).stdout
    book = yaml.safe_load(text)
    return {(c["id"], r["id"]): r for c in book["categories"] for r in c.get("rules", [])}


def new_rule_keys(rev: str) -> set[tuple[str, str]]:
    """Rules of the current codebook that are absent from, or differ from, the baseline's."""
    import yaml

    old = baseline_rules(rev)
    book = yaml.safe_load((ROOT / CODEBOOK).read_text(encoding="utf-8"))
    return {(c["id"], r["id"]) for c in book["categories"] for r in c.get("rules", [])
            if old.get((c["id"], r["id"])) != r}


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence around ``[start, end)`` (a simple, readable cut)."""
    a = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start),
            text.rfind("! ", 0, start))
    a = 0 if a < 0 else a + 1
    ends = [i for i in (text.find(". ", end), text.find("\n", end), text.find("? ", end), text.find("! ", end))
            if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    return a, b


def sample(per_category: int, seed: int, out: Path, rev: str, exclude: set[str] | None = None,
           sources: set[str] | None = None) -> int:
    import gold_corpus
    from codebook_texts import other_documents

    from analysis import code_corpus, load_codebook, make_nlp, parse
    from analysis.corpus import Corpus, Document

    if not gold_corpus.SHARED.is_dir():
        print(f"skipped: ../shared is not here ({gold_corpus.SHARED})")
        return 0
    new = new_rule_keys(rev)
    book = load_codebook(None)
    nlp = make_nlp()
    definitions = {c.id: " ".join(c.definition.split()) for c in book.categories}
    texts: dict[str, str] = {}
    hits = {}
    for pool_name in ("sample", "check"):
        docs = [d for d in other_documents(pool_name) if d["doc_id"] not in (exclude or set())
                and (not sources or d["source"] in sources)]
        texts.update((d["doc_id"], d["text"]) for d in docs)
        corpus = Corpus([Document(doc_id=d["doc_id"], text=d["text"], metadata={"title": d["title"]},
                                  source=d["source"]) for d in docs])
        evidence = code_corpus(list(parse(corpus, nlp)), book)
        keep = [(cat, rule) in new for cat, rule in zip(evidence["category"], evidence["rule_id"])]
        hits[pool_name] = evidence[keep].sort_values(["category", "doc_id", "start_char", "end_char", "rule_id"])
    rng = random.Random(seed)
    rows, keys = [], []
    for cat in sorted(definitions):
        # the sample pool first; a category with too few hits there is topped up from the check pool
        # (read while writing rules, for false hits only) -- the key file says which pool each row is from
        chosen = []
        for pool_name in ("sample", "check"):
            pool = hits[pool_name][hits[pool_name]["category"] == cat]
            need = per_category - len(chosen)
            if need <= 0:
                break
            idx = sorted(rng.sample(range(len(pool)), min(need, len(pool))))
            chosen.extend((pool_name, pool.iloc[i]) for i in idx)
            print(f"{cat:24s} {pool_name} pool: new-rule hits {len(pool):4d}  sampled {len(idx)}")
        for pool_name, h in chosen:
            text, s, e = texts[h["doc_id"]], int(h["start_char"]), int(h["end_char"])
            a, b = _sentence(text, s, e)
            sid = f"{cat[:3]}{len(rows) + 1:04d}"
            flat = lambda x: " ".join(x.split())  # noqa: E731
            rows.append({"sample_id": sid, "category": cat, "definition": definitions[cat],
                         "sentence": flat(text[a:s] + "[[" + text[s:e] + "]]" + text[e:b]),
                         "span": flat(text[s:e]), "left": flat(text[max(0, s - 200):s]),
                         "right": flat(text[e:e + 200]), "correct": "", "note": ""})
            keys.append({"sample_id": sid, "doc_id": h["doc_id"], "start_char": s, "end_char": e,
                         "rule_id": h["rule_id"], "pool": pool_name})
    out.parent.mkdir(parents=True, exist_ok=True)
    key_path = out.with_name(out.stem + "_key" + out.suffix)
    for path, table in ((out, rows), (key_path, keys)):
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]) if table else ["sample_id"])
            writer.writeheader()
            writer.writerows(table)
    print(f"wrote {len(rows)} hits to {out} (blind sheet) and {key_path} (rule ids and pools)")
    return 0


def score(path: Path) -> int:
    """Precision per category from a filled-in sheet (``correct``: y / n; blank rows are skipped)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    per: dict[str, list[int]] = {}
    for r in rows:
        v = r.get("correct", "").strip().lower()
        if v in ("y", "yes", "1", "n", "no", "0"):
            per.setdefault(r["category"], []).append(v in ("y", "yes", "1"))
    if not per:
        print(f"{path}: no row has a verdict in the 'correct' column yet")
        return 0
    total = [x for v in per.values() for x in v]
    for cat, v in sorted(per.items()):
        print(f"{cat:24s} read {len(v):3d}  precision {sum(v) / len(v):.2f}")
    print(f"{'ALL':24s} read {len(total):3d}  precision {sum(total) / len(total):.2f}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-category", type=int, default=20)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "codebook_sample_hits.csv")
    parser.add_argument("--baseline-rev", default=BASELINE_REV,
                        help="git revision whose codebook counts as the old one (default: %(default)s, v1.0.0)")
    parser.add_argument("--exclude-docs", type=Path, default=None, metavar="FILE",
                        help="leave out the doc ids listed in FILE (one per line), e.g. the documents of an "
                             "earlier blind read: benchmarks/codebook_gold/blind_read_docs.txt")
    parser.add_argument("--sources", default=None,
                        help="comma-separated sources to draw from (ungdc, unsc, us-statements; default all)")
    parser.add_argument("--score", type=Path, default=None, help="score a filled-in sheet instead of sampling")
    args = parser.parse_args(argv)
    if args.score:
        return score(args.score)
    exclude = set(args.exclude_docs.read_text(encoding="utf-8").split()) if args.exclude_docs else None
    sources = set(args.sources.split(",")) if args.sources else None
    return sample(args.per_category, args.seed, args.out, args.baseline_rev, exclude, sources)


if __name__ == "__main__":
    sys.exit(main())
