"""Where the time of one analysis goes: CPU microseconds per word, stage by stage (issue 16).

Runs the core (``--full``: with sentiment) analysis of ``bench_pipeline.py`` -- one process,
a fresh records-cache folder, ``analyze_corpus`` streamed into ``build_tables`` -- on a
perturbed corpus (default: the dense bundled texts; ``--texts`` for others, e.g.
``/work/check/ungdc``) with a timer around each stage: the tokenizer and each spaCy
component, each step of ``analyze_doc`` (attribution, voice map, sentence records, codebook
matching, actor mask, constraints/targets/records, actor mentions, sentiment, keyness terms),
the records-cache encoding and writing, and the table pieces. Times are *exclusive* (a
stage's own time, nested stages subtracted) CPU time (``time.process_time``); what no
timer covers is "engine, other". The timers cost ~1 µs per call, so the sum is slightly
above the untimed run, which is printed for comparison with the tokenizer alone.

Usage::

    .venv/bin/python benchmarks/profile_stages.py [--words 100000] [--full] [--texts PATH...] [--markdown]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_pipeline import Analysis, build_corpus, n_words, reference_tokenizer  # noqa: E402

from analysis import load_corpus, make_nlp  # noqa: E402
from analysis.extract.codebook import load_codebook  # noqa: E402
from analysis.nlp.gazetteer import load_gazetteer  # noqa: E402

_clock = time.process_time


class Stages:
    """Exclusive CPU time per named stage (a stack: time inside a nested stage is not the outer one's)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = ["engine, other"]
        self.mark = _clock()

    def _switch(self) -> None:
        now = _clock()
        self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            self._switch()
            self.stack.append(name)
            self.calls[name] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self._switch()
                self.stack.pop()

        timed.__wrapped__ = fn
        return timed

    def wrap_iter(self, name: str, fn):
        """A generator function: time spent inside each ``next`` counts for ``name``."""
        def timed(*args, **kwargs):
            it = fn(*args, **kwargs)
            while True:
                self._switch()
                self.stack.append(name)
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self._switch()
                    self.stack.pop()
                yield item

        return timed

    def patch(self, owner, attr: str, name: str, *, generator: bool = False) -> None:
        fn = getattr(owner, attr)
        setattr(owner, attr, (self.wrap_iter if generator else self.wrap)(name, fn))

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()
        self.stack = ["engine, other"]
        self.mark = _clock()


class _TimedComponent:
    def __init__(self, stages: Stages, name: str, proc):
        self._call = stages.wrap(f"nlp: {name}", proc)

    def __call__(self, doc):
        return self._call(doc)


def instrument(nlp, stages: Stages) -> None:
    """Put a timer around every stage of the pipeline and of ``analyze_doc``."""
    import importlib

    analyze = importlib.import_module("analysis.extract.analyze")
    rhetoric = importlib.import_module("analysis.extract.rhetoric")
    engine = importlib.import_module("analysis.app.engine")
    records = importlib.import_module("analysis.app.records")
    sentiment = importlib.import_module("analysis.extract.sentiment")
    matcher = importlib.import_module("analysis.extract.codebook.matcher")
    run = importlib.import_module("analysis.app.run")

    nlp.tokenizer = stages.wrap("nlp: tokenizer", nlp.tokenizer)
    nlp._components = [(name, _TimedComponent(stages, name, proc)) for name, proc in nlp._components]
    for attr, name in (("Resolver", "resolver (titles, pronouns)"), ("doc_attributions", "attribution"),
                       ("make_voice_map", "voice map"), ("doc_sentences", "sentence records"),
                       ("doc_evidence", "codebook: constraints, targets, records"),
                       ("doc_mentions", "actor mentions"), ("doc_sentiment", "sentiment"),
                       ("voice_terms", "keyness terms"), ("count_tokens", "token count")):
        stages.patch(analyze, attr, name)
    stages.patch(rhetoric, "actor_mask", "codebook: actor mask")
    stages.patch(matcher.CompiledCodebook, "matches", "codebook: rule matching")
    stages.patch(sentiment, "score_texts", "sentiment: TextBlob scoring")
    stages.patch(engine, "encode_result", "records cache: encode")
    stages.patch(records.RecordCache, "save", "records cache: write")
    stages.patch(engine.TableBuilder, "_flush", "tables: record pieces")
    stages.patch(run, "feature_table", "tables: features")
    stages.patch(run, "cooccurrence", "tables: cooccurrence")
    stages.patch(run, "documents_frame", "tables: documents")
    stages.patch(run, "summarize_sentiment", "tables: sentiment summary")
    stages.patch(engine, "parse", "nlp: parse loop", generator=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--words", type=int, default=100_000)
    p.add_argument("--full", action="store_true", help="with sentiment")
    p.add_argument("--texts", nargs="+", default=[])
    p.add_argument("--markdown", action="store_true")
    ns = p.parse_args(argv)
    nlp = make_nlp()
    codebook, gazetteer = load_codebook(), load_gazetteer()
    base = [d for path in ns.texts for d in load_corpus(path)] or None
    corpus = build_corpus(ns.words, nlp=nlp, base=base)
    words = n_words(corpus)
    texts = [d.text for d in corpus]
    Analysis(load_corpus(), nlp, codebook, gazetteer)(cache=False, n_process=1, with_sentiment=ns.full)  # warm up

    def once() -> float:
        folder = Path(tempfile.mkdtemp(prefix="profile-cache-"))
        try:
            t = _clock()
            Analysis(corpus, nlp, codebook, gazetteer)(cache=folder, n_process=1, with_sentiment=ns.full)
            return _clock() - t
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    stock = reference_tokenizer()

    def tokenize() -> float:
        t = _clock()
        for _ in stock.pipe(texts, batch_size=256):
            pass
        return _clock() - t

    tokenizer = min(tokenize() for _ in range(3))  # the first pass also adds the new words to the vocab
    plain = min(once() for _ in range(2))
    stages = Stages()
    instrument(nlp, stages)
    stages.reset()
    timed = once()
    stages._switch()
    us = {name: s / words * 1e6 for name, s in stages.seconds.items()}
    total = sum(us.values())
    what = "full (with sentiment)" if ns.full else "core"
    print(f"{what} analysis, {words:,} words, {len(corpus)} documents "
          f"({', '.join(ns.texts) if ns.texts else 'dense bundled texts'}):")
    print(f"untimed run {plain / words * 1e6:.2f} µs/word = {tokenizer / plain:.3f}x the tokenizer "
          f"({tokenizer / words * 1e6:.2f} µs/word); timed run {timed / words * 1e6:.2f} µs/word")
    if ns.markdown:
        print("| stage | µs/word | share |\n|---|---|---|")
    for name, v in sorted(us.items(), key=lambda kv: -kv[1]):
        if ns.markdown:
            print(f"| {name} | {v:.2f} | {v / total:.0%} |")
        else:
            print(f"  {name:<42} {v:7.2f} µs/word  {v / total:6.1%}  ({stages.calls.get(name, 0)} calls)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
