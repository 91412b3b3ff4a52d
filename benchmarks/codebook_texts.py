"""Real diplomatic texts outside the codebook gold set, split into two fixed pools.

The codebook round (issue 12) writes rules from the gold set's **dev** documents and measures
them on its **test** documents (``benchmarks/codebook_gold/``). Every other text of
``../shared/corpora`` -- UN General Debate sessions 69-75, UN Security Council speeches and US
statements that are in neither split -- is "other text". It is divided once, by a hash of the
document id, into two pools:

* ``check`` -- read while writing rules, to look for false hits of a new rule;
* ``sample`` -- never read while writing rules: ``benchmarks/codebook_sample_hits.py`` draws the
  blind precision sample from it.

UN General Debate sessions 76 and 77 (``*_76_2021``, ``*_77_2022``) are reserved for a later
evaluation and are never opened (``gold_corpus._ungdc`` skips them by file name).

Usage (a library for the other scripts; run alone it prints the pool sizes)::

    .venv/bin/python benchmarks/codebook_texts.py
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import gold_corpus  # noqa: E402

POOLS = ("check", "sample")


def pool_of(doc_id: str) -> str:
    """The fixed pool of a document id: ``check`` or ``sample`` (half each, by sha256)."""
    return POOLS[hashlib.sha256(doc_id.encode("utf-8")).digest()[0] % 2]


def other_documents(pool: str = "all") -> list[dict]:
    """Documents of ``../shared/corpora`` outside the gold set, as dicts (doc_id, source, title, text).

    Args:
        pool: ``check``, ``sample`` or ``all``.
    """
    import pandas as pd

    if pool not in (*POOLS, "all"):
        raise ValueError(f"pool must be one of check, sample, all; got {pool!r}")
    gold_keys = {r["key"] for r in gold_corpus.read_documents("all")}
    out = []
    for row in gold_corpus._ungdc():  # sessions 76-77 are skipped there, by name
        if row["file"] in gold_keys:
            continue
        path = gold_corpus.SHARED / "corpora" / "ungdc" / row["file"]
        stem = Path(row["file"]).stem
        out.append({"doc_id": f"ungdc_{stem}", "source": "ungdc", "title": f"UNGDC {stem}",
                    "text": path.read_text(encoding="utf-8")})
    for s in gold_corpus._unsc():
        if s["filename"] in gold_keys or len(s["text"].split()) < 100:
            continue
        meeting, speech = s["filename"].split("_")[2:4]
        out.append({"doc_id": f"unsc_{meeting.replace('SPV.', '')}_{speech}_{s['country'][:24]}", "source": "unsc",
                    "title": s["filename"], "text": s["text"]})
    folder = gold_corpus.SHARED / "corpora" / "us-ukraine-statements"
    for name in ("biden", "blinken"):
        table = pd.read_csv(folder / f"us_ukraine_{name}.csv")
        for n, row in enumerate(table.itertuples(), 1):
            key = f"us_ukraine_{name}.csv#{n}"
            if key in gold_keys or not isinstance(row.text, str) or len(row.text.split()) < 100:
                continue
            out.append({"doc_id": f"{name}_{n:03d}", "source": "us-statements", "title": str(row.title),
                        "text": row.text.replace("\r\n", "\n").strip() + "\n"})
    return [d for d in out if pool == "all" or pool_of(d["doc_id"]) == pool]


def main() -> int:
    if not gold_corpus.SHARED.is_dir():
        print(f"skipped: ../shared is not here ({gold_corpus.SHARED})")
        return 0
    for pool in POOLS:
        docs = other_documents(pool)
        by_source: dict[str, int] = {}
        for d in docs:
            by_source[d["source"]] = by_source.get(d["source"], 0) + 1
        words = sum(len(d["text"].split()) for d in docs)
        sources = ", ".join(f"{k} {v}" for k, v in sorted(by_source.items()))
        print(f"{pool}: {len(docs)} documents, {words:,} words ({sources})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
