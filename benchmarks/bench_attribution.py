"""Cost of attribution: microseconds per word of ``find_attributions`` (the attribution stage alone).

Parses each corpus once with the default pipeline, then times
:func:`analysis.extract.attribution.find_attributions` over every Doc: CPU
time (``time.process_time``), best of ``--repeat`` runs, with the per-Doc
array cache (:mod:`analysis.nlp.docarrays`) emptied before each run so every
run pays what the first call on a fresh Doc pays (the Doc's text is
recorded as ``parse`` records it). A second figure,
``us_per_word_shared_arrays``, is attribution's own cost when the per-Doc
arrays that every extractor shares (token index, lower-case forms,
punctuation, token ends) are already computed, as in ``analyze_doc`` where
attribution is one of several users of them. One
warm-up call compiles the lexicon matchers outside the timing. Words are
whitespace words.

Corpora: PolNeAR dev (``../shared/eval/polnear/dev/text``; news, 84 articles)
and the UN General Debate speeches 69-75 in ``/work/check/ungdc`` (or
``--ungdc DIR``); a corpus whose folder is absent is skipped with a message.
The profile (``--profile``) prints the 25 most expensive functions by
cumulative time of one run on each corpus.

Usage::

    .venv/bin/python benchmarks/bench_attribution.py [--repeat 3] [--profile] [--ungdc DIR] [--polnear DIR] [--limit N]
    # the round-2 set: 200 PolNeAR train articles and the 49 UN speeches
    .venv/bin/python benchmarks/bench_attribution.py --repeat 12 --limit 200 --polnear ../shared/eval/polnear/train/text
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _texts(folder: Path, limit: int | None = None) -> list[str]:
    paths = sorted(folder.glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in (paths[:limit] if limit else paths)]


def _fresh(docs, texts, shared: bool = False) -> None:
    """Empty the per-Doc cache and record each Doc's text, as :func:`analysis.nlp.pipeline.parse` does;
    ``shared``: then compute the per-Doc arrays every extractor shares (token index, lower-case forms,
    punctuation, token ends), as they are when attribution runs after another extractor."""
    from analysis.nlp import docarrays

    docarrays._DOC_CACHE.clear()
    for d, t in zip(docs, texts):
        docarrays.remember_text(d, t)
        if shared:
            docarrays.token_index(d)
            docarrays.token_lower(d)
            docarrays.token_punct(d)
            docarrays.token_ends(d)


def _time(docs, texts, metas, gazetteer, repeat: int, shared: bool = False) -> tuple[float, int]:
    from analysis.extract.attribution import find_attributions

    find_attributions(docs[0], gazetteer=gazetteer, metadata=metas[0], warnings=[])  # compile once
    best, n = None, 0
    for _ in range(repeat):
        _fresh(docs, texts, shared)
        t0 = time.process_time()
        n = sum(len(find_attributions(d, gazetteer=gazetteer, metadata=m, warnings=[])) for d, m in zip(docs, metas))
        elapsed = time.process_time() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best, n


def main(argv=None) -> int:
    from analysis.paths import SHARED_DIR

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run per corpus")
    parser.add_argument("--polnear", type=Path, default=SHARED_DIR / "eval" / "polnear" / "dev" / "text")
    parser.add_argument("--ungdc", type=Path, default=Path("/work/check/ungdc"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each corpus")
    args = parser.parse_args(argv)

    from analysis.extract.attribution import find_attributions
    from analysis.nlp.pipeline import gazetteer_of, make_nlp

    nlp = make_nlp()
    gazetteer = gazetteer_of(nlp)
    results = {}
    for name, folder, meta in (("polnear", args.polnear, {"genre": "news"}),
                               ("ungdc_69_75", args.ungdc, {"genre": "speech", "speaker": ""})):
        if not folder.is_dir():
            print(f"{name}: skipped, {folder} not found")
            continue
        texts = _texts(folder, args.limit)
        docs = list(nlp.pipe(texts))
        metas = [dict(meta) for _ in docs]
        words = sum(len(t.split()) for t in texts)
        best, n = _time(docs, texts, metas, gazetteer, args.repeat)
        warm, _ = _time(docs, texts, metas, gazetteer, args.repeat, shared=True)
        results[name] = {"documents": len(docs), "words": words, "attributions": n,
                         "us_per_word": round(1e6 * best / words, 2),
                         "us_per_word_shared_arrays": round(1e6 * warm / words, 2)}
        print(f"{name}: {len(docs)} documents, {words:,} words, {n} attributions; find_attributions "
              f"{results[name]['us_per_word']} µs/word (CPU, best of {args.repeat}; "
              f"{results[name]['us_per_word_shared_arrays']} with the shared per-Doc arrays already computed)")
        if args.profile:
            _fresh(docs, texts)
            prof = cProfile.Profile()
            prof.enable()
            for d, m in zip(docs, metas):
                find_attributions(d, gazetteer=gazetteer, metadata=m, warnings=[])
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
