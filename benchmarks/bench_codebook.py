"""Cost of coding: microseconds per word of ``doc_evidence`` (the codebook stage alone).

Parses a corpus once with the default pipeline, then times
:func:`analysis.extract.rhetoric.doc_evidence` with a codebook over every Doc (CPU time, best of
``--repeat`` runs) and prints microseconds per word (whitespace words), hits per 1,000 words and
the tokenizer's own cost for scale. The corpus is the ``check`` pool of
``benchmarks/codebook_texts.py`` (real speeches and statements outside the gold set, ~200k words),
or the bundled corpus when ``../shared`` is absent.

Usage::

    .venv/bin/python benchmarks/bench_codebook.py [--codebook FILE] [--repeat 3] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def corpus_texts(limit: int | None) -> tuple[str, list[str]]:
    import gold_corpus

    if gold_corpus.SHARED.is_dir():
        from codebook_texts import other_documents

        docs = other_documents("check")
        texts = [d["text"] for d in docs]
        name = "check pool of benchmarks/codebook_texts.py"
    else:
        from analysis import load_corpus

        texts = [d.text for d in load_corpus()]
        name = "bundled corpus"
    return name, texts[:limit] if limit else texts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codebook", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args(argv)

    from analysis import make_nlp
    from analysis.extract.codebook import load_codebook
    from analysis.extract.rhetoric import doc_evidence

    name, texts = corpus_texts(args.limit)
    nlp = make_nlp()
    docs = list(nlp.pipe(texts))
    words = sum(len(t.split()) for t in texts)
    book = load_codebook(args.codebook)
    doc_evidence(docs[0], book)  # compile once, outside the timing
    import spacy

    stock = spacy.blank("en").tokenizer  # spaCy's own tokenizer (the kit's wraps it with a chunk cache)
    t0 = time.process_time()
    for t in texts:
        stock(t)
    tok = time.process_time() - t0
    best, hits = None, 0
    for _ in range(args.repeat):
        t0 = time.process_time()
        hits = sum(len(doc_evidence(d, book)) for d in docs)
        elapsed = time.process_time() - t0
        best = elapsed if best is None else min(best, elapsed)
    result = {"corpus": name, "documents": len(docs), "words": words, "codebook": f"{book.id} {book.version}",
              "hits": hits, "hits_per_1k_words": round(1000 * hits / words, 2),
              "evidence_us_per_word": round(1e6 * best / words, 2),
              "tokenizer_us_per_word": round(1e6 * tok / words, 2)}
    print(f"{name}: {len(docs)} documents, {words:,} words; codebook {result['codebook']}: {hits} hits "
          f"({result['hits_per_1k_words']} per 1k words); doc_evidence {result['evidence_us_per_word']} µs/word "
          f"(CPU, best of {args.repeat}); tokenizer alone {result['tokenizer_us_per_word']} µs/word")
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
