"""Throughput, scaling, memory and cache benchmark of the analysis pipeline.

Builds scaled corpora (about 10k, 100k and 1M words) from the bundled texts
(``load_corpus()``, or the texts given with ``--texts``), replicated with
small perturbations: in every copy, every sentence has one or more of its
words replaced by an English word drawn from a frequency list (deterministic
seed), so every document -- and almost every sentence -- is new text that no
cache has seen, and the vocabulary grows with the corpus as in real text
(see ``replacement_words``). Then, in one process, it measures words per
second for

  (a) spaCy's stock tokenizer alone (``spacy.blank("en").tokenizer.pipe``): the reference limit;
  (b) the default pipeline's parse (``parse(..., cache=False)``);
  (c) the core analysis behind ``discourse-kit run``: ``run.analyze_corpus`` +
      ``run.build_tables`` (parse, attribution, codebook, actors, keyness
      terms, tables) without sentiment, with a cold cache, n_process 1 and 2;
  (c+) the same with sentiment, n_process 1 and 2;
  (d) a second run of (c) on the same corpus with the cache warm;

and the peak resident memory of (c+) with one process, each size in a fresh
subprocess. Times are the best of ``--repeat`` runs. It prints a table, the
tokenizer ratios ``core_ratio`` = (c)/(a) and ``full_ratio`` = (c+)/(a) at one
process on the largest corpus against the targets of issue 16 (dense text,
the bundled corpus: core >= 0.15, full >= 0.10; UN speeches, ``--texts``:
core >= 0.5), and, as the last line, one JSON object with every figure.

``--sentiment textblob`` scores every sentence with ``TextBlob(text).sentiment``
itself instead of the kit's batched scorer (same values): the cost before the
batched scorer, measured on the same code. ``--model NAME`` also measures the
largest corpus through a trained spaCy pipeline (tokenizer, core and full
analysis, one process) where that package is installed, so the cost of the
optional tier is known; where it is not, it says so.

Usage::

    .venv/bin/python benchmarks/bench_pipeline.py            # 10k, 100k, 1M words (~10 min)
    .venv/bin/python benchmarks/bench_pipeline.py --quick    # 100k words, 2 repeats (~1-2 min)
    .venv/bin/python benchmarks/bench_pipeline.py --quick --texts /work/check/ungdc   # UN speeches as the base
    .venv/bin/python benchmarks/bench_pipeline.py --quick --sentiment textblob        # before the batched scorer
    .venv/bin/python benchmarks/bench_pipeline.py --quick --model en_core_web_sm      # + a trained pipeline
    .venv/bin/python benchmarks/bench_pipeline.py --texts DIR_OR_FILES...   # your own texts as the base
    .venv/bin/python benchmarks/bench_pipeline.py --vocabulary corpus        # the old perturbation (see below)

Words are whitespace-separated tokens of the document texts.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Corpus, Document, load_corpus, make_nlp, parse  # noqa: E402
from analysis.app.run import analyze_corpus, build_tables  # noqa: E402
from analysis.extract.codebook import load_codebook  # noqa: E402
from analysis.nlp.gazetteer import load_gazetteer  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
QUICK = ("100k",)
QUICK_REPEAT = 2
SEED = 20211227
_WORD = re.compile(r"[A-Za-z][a-z]{2,}")

#: Targets of issue 6 (checked here, never by timed unit tests).
TARGETS = {
    "core_ratio": 0.35,  # (c)/(a), one process, largest corpus (goal 0.5)
    "full_ratio": 0.2,  # (c+)/(a)
    "time_scaling": 11.0,  # time(1M) / time(100k), at most
    "rss_scaling": 1.5,  # peak RSS(1M) / peak RSS(100k), at most
    "warm_speedup": 5.0,  # cold (c) / warm (d), at least
    "parallel_speedup": 1.6,  # (c) n_process=2 / n_process=1 throughput, at least
}
#: Targets of issue 16 (tokenizer ratios, one process, largest corpus): dense text (the bundled
#: corpus, the default base) and UN speeches (given with --texts).
TARGETS_16 = {
    "dense": {"core_ratio": 0.15, "full_ratio": 0.10},
    "speeches": {"core_ratio": 0.5},
}


# --------------------------------------------------------------------------- corpus


#: Replacement words: "english" (a frequency list, vocabulary grows as in real text) or "corpus"
#: (the words of the base texts only: the vocabulary stops growing, so spaCy's tokenizer cache
#: serves almost every token and the tokenizer reference runs several times faster than on real text).
VOCABULARIES = ("english", "corpus")
#: Exponent applied to the frequency-list counts (1 = draw words as often as in the list; smaller
#: flattens towards rarer words). 0.5 gives about 8.9k word types at 100k words and 49k at 1M words,
#: close to the UN General Debate speeches (11.4k types at 100k words; ~50k at 1M by Heaps' law).
ZIPF_EXPONENT = 0.5


def replacement_words() -> tuple[list[str], list[float]]:
    """English words (3+ letters) and cumulative draw weights from TextBlob's spelling frequency list.

    The list (``textblob/en/en-spelling.txt``, word counts from Project
    Gutenberg books, Wiktionary and the BNC) ships with TextBlob, a core
    dependency, so the benchmark needs no download.
    """
    import itertools

    import textblob

    path = Path(textblob.__file__).parent / "en" / "en-spelling.txt"
    words, weights = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith(";") and re.fullmatch(r"[a-z]{3,}", parts[0]):
            words.append(parts[0])
            weights.append(int(parts[1]) ** ZIPF_EXPONENT)
    return words, list(itertools.accumulate(weights))


def build_corpus(n_words: int, *, nlp=None, base: list[Document] | None = None,
                 vocabulary: str = "english") -> Corpus:
    """About ``n_words`` words of perturbed copies of ``base`` (default: the bundled corpus; deterministic)."""
    base = list(base) if base is not None else list(load_corpus())
    nlp = nlp or make_nlp()
    sentences = {d.doc_id: [(s.start_char, s.end_char) for s in doc.sents]
                 for d, doc in zip(base, parse(base, nlp, cache=False))}
    if vocabulary == "corpus":
        words = sorted({w.lower() for d in base for w in _WORD.findall(d.text)})
        vocab = (words, list(range(1, len(words) + 1)))
    else:
        vocab = replacement_words()
    rng = random.Random(SEED)
    docs: list[Document] = []
    seen: set[str] = set()
    total = 0
    copy = 0
    while total < n_words:
        for d in base:
            text = _perturb(d.text, sentences[d.doc_id], vocab, rng)
            while text in seen:  # never the same document twice
                text = _perturb(d.text, sentences[d.doc_id], vocab, rng)
            seen.add(text)
            docs.append(Document(f"{d.doc_id}~{copy:05d}", text, dict(d.metadata), d.source))
            total += len(text.split())
            if total >= n_words:
                break
        copy += 1
    return Corpus(docs)


def _perturb(text: str, sentences: list[tuple[int, int]], vocab: tuple[list[str], list[float]],
             rng: random.Random) -> str:
    """Replace 1 + n_words // 10 words of every sentence by words drawn from ``vocab`` (same capitalisation)."""
    pool, cumulative = vocab
    out: list[str] = []
    pos = 0
    for start, end in sentences:
        words = list(_WORD.finditer(text, start, end))
        if not words:
            continue
        for m in sorted(rng.sample(words, min(len(words), 1 + len(words) // 10)), key=lambda m: m.start()):
            new = rng.choices(pool, cum_weights=cumulative)[0]
            if m.group()[0].isupper():
                new = new.capitalize()
            out.append(text[pos : m.start()])
            out.append(new)
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def n_words(corpus: Corpus) -> int:
    """Whitespace-separated words in the corpus."""
    return sum(len(d.text.split()) for d in corpus)


def unique_sentence_share(corpus: Corpus, nlp) -> float:
    """Share of sentences whose text occurs once in the corpus (per-sentence caches cannot help)."""
    counts: dict[str, int] = {}
    for doc in parse(corpus, nlp, cache=False):
        for s in doc.sents:
            counts[s.text] = counts.get(s.text, 0) + 1
    total = sum(counts.values())
    return sum(n for n in counts.values() if n == 1) / total if total else 1.0


# --------------------------------------------------------------------------- measurements


class Clock:
    """Wall time and CPU time (this process and its finished children) of a block."""

    def __enter__(self) -> "Clock":
        gc.collect()
        self._cpu = _cpu_seconds()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = _cpu_seconds() - self._cpu


def _cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, float]:
    """Smallest wall time and smallest CPU time of ``repeat`` calls (the least disturbed run)."""
    walls, cpus = [], []
    for _ in range(repeat):
        with Clock() as c:
            fn()
        walls.append(c.wall)
        cpus.append(c.cpu)
    return min(walls), min(cpus)


class Analysis:
    """One (c)/(c+) run: analyze_corpus + build_tables, as ``discourse-kit run`` does."""

    def __init__(self, corpus: Corpus, nlp, codebook, gazetteer):
        self.corpus, self.nlp, self.codebook, self.gazetteer = corpus, nlp, codebook, gazetteer

    def __call__(self, *, n_process: int, with_sentiment: bool, cache) -> dict:
        from analysis.tables.stats import VoiceTerms

        _forget_texts()  # every measured run starts without per-text memory
        terms = VoiceTerms()
        results = analyze_corpus(self.corpus, self.nlp, codebook=self.codebook, gazetteer=self.gazetteer,
                                 n_process=n_process, cache=cache, with_sentiment=with_sentiment,
                                 progress=False, terms=terms)
        # streamed straight into the tables, as `run` does: no list of every record
        return build_tables(results, self.corpus, codebook=self.codebook, with_sentiment=with_sentiment,
                            terms=terms)


def _forget_texts() -> None:
    """Clear in-process caches keyed by text (e.g. sentence sentiment), so repeats cannot cheat."""
    import importlib

    sentiment = importlib.import_module("analysis.extract.sentiment")  # the module, not the function of that name
    clear = getattr(sentiment.score_text, "cache_clear", None)
    if clear is not None:
        clear()


def score_per_sentence_with_textblob() -> None:
    """Make the analysis score each sentence with TextBlob itself (as before the batched scorer): the "before"."""
    import importlib

    sentiment = importlib.import_module("analysis.extract.sentiment")
    sentiment.score_texts = lambda texts: [sentiment.score_text(t) for t in texts]


def _tables_digest(tables: dict) -> dict[str, str]:
    import hashlib

    return {name: hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest() for name, frame in tables.items()}


#: What the corpora are built from: set once by main() (and passed on to the RSS child process).
SETTINGS: dict = {"texts": [], "vocabulary": "english", "sentiment": "batched"}


def scaled_corpus(n_words: int, nlp) -> Corpus:
    """:func:`build_corpus` from the base texts and vocabulary in :data:`SETTINGS`."""
    base = None
    if SETTINGS["texts"]:
        base = [d for path in SETTINGS["texts"] for d in load_corpus(path)]
    return build_corpus(n_words, nlp=nlp, base=base, vocabulary=SETTINGS["vocabulary"])


def measure(label: str, n_target: int, repeat: int, nlp, codebook, gazetteer,
            reference: Corpus | None = None) -> dict:
    """Every figure of one corpus size.

    The analyses run interleaved: each repeat times (reference), core n=1, warm,
    core n=2, (reference), full n=1, full n=2 in a row, each cold run with a
    fresh cache folder. Throughputs use the best run; ratios (scaling against
    the ``reference`` corpus, two processes against one, warm against cold)
    are the median of the per-repeat ratios, i.e. of runs made side by side.
    """
    corpus = scaled_corpus(n_target, nlp)
    words = n_words(corpus)
    texts = [d.text for d in corpus]
    row: dict = {"size": label, "words": words, "documents": len(corpus),
                 "word_types": len({w for t in texts for w in t.split()}),
                 "unique_sentences": round(unique_sentence_share(corpus, nlp), 4)}
    times: dict[str, tuple[float, float]] = {}
    tokenizer = reference_tokenizer()
    times["tokenizer"] = best_of(repeat, lambda: sum(1 for _ in tokenizer.pipe(texts, batch_size=256)))
    times["parse"] = best_of(repeat, lambda: sum(1 for _ in parse(corpus, nlp, cache=False, progress=False)))
    run = Analysis(corpus, nlp, codebook, gazetteer)
    ref = Analysis(reference, nlp, codebook, gazetteer) if reference is not None else None
    steps: list[tuple[str, Analysis | None, int, bool]] = []
    if ref is not None:
        steps.append(("reference_core_1", ref, 1, False))
    steps += [("core_1", run, 1, False), ("warm", run, 1, False), ("core_2", run, 2, False)]
    if ref is not None:
        steps.append(("reference_full_1", ref, 1, True))
    steps += [("full_1", run, 1, True), ("full_2", run, 2, True)]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in steps}
    digests: dict[str, dict] = {}
    for i in range(repeat):
        warm_folder = None
        for name, target, n, with_sentiment in steps:
            folder = warm_folder if name == "warm" else Path(tempfile.mkdtemp(prefix="bench-cache-"))
            with Clock() as c:
                tables = target(cache=folder, n_process=n, with_sentiment=with_sentiment)
            samples[name].append((c.wall, c.cpu))
            if i == repeat - 1 and not name.startswith("reference"):
                digests[name] = _tables_digest(tables)
            del tables
            if name == "core_1":
                warm_folder = folder  # read back by the warm run
            else:
                shutil.rmtree(folder, ignore_errors=True)
    for name, values in samples.items():
        times[name] = (min(w for w, _ in values), min(c for _, c in values))

    def median_ratio(a: str, b: str) -> float:
        return round(statistics.median(x[0] / y[0] for x, y in zip(samples[a], samples[b])), 3)

    row["ratio_warm_speedup"] = median_ratio("core_1", "warm")
    row["ratio_parallel_core"] = median_ratio("core_1", "core_2")
    row["ratio_parallel_full"] = median_ratio("full_1", "full_2")
    if ref is not None:
        row["reference_words"] = n_words(reference)
        row["ratio_scaling_core"] = median_ratio("core_1", "reference_core_1")
        row["ratio_scaling_full"] = median_ratio("full_1", "reference_full_1")
    row["identical_warm"] = digests["core_1"] == digests["warm"]
    row["identical_n_process"] = digests["core_1"] == digests["core_2"] and digests["full_1"] == digests["full_2"]
    for key, (wall, cpu) in times.items():
        row[f"t_{key}"] = round(wall, 4)
        row[f"cpu_{key}"] = round(cpu, 4)
        row[f"wps_{key}"] = round((row["reference_words"] if key.startswith("reference") else words) / wall)
    row["load_avg_1min"] = round(os.getloadavg()[0], 2)
    row["peak_rss_mib_full_1"] = peak_rss_of_child(n_target)
    return row


def reference_tokenizer():
    """spaCy's stock English tokenizer, a fresh object: the reference limit (a).

    The kit's pipeline wraps the same tokenizer in
    :class:`analysis.nlp.tokenizer.CachingTokenizer` (same tokens, faster on long
    documents), so the reference is not ``nlp.tokenizer`` -- and not sharing its
    cache, so neither run warms the other's.
    """
    import spacy

    return spacy.blank("en").tokenizer


def peak_rss_of_child(n_target: int) -> float:
    """Peak RSS (MiB) of (c+) with one process, in a fresh interpreter."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--rss-child", str(n_target),
           "--vocabulary", SETTINGS["vocabulary"], "--sentiment", SETTINGS["sentiment"]]
    if SETTINGS["texts"]:
        cmd += ["--texts", *SETTINGS["texts"]]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mib"]


def rss_child(n_target: int) -> None:
    """Run (c+) once with one process and print the peak RSS of this process (MiB) as JSON."""
    nlp = make_nlp()
    corpus = scaled_corpus(n_target, nlp)
    folder = Path(tempfile.mkdtemp(prefix="bench-rss-"))
    try:
        run = Analysis(corpus, nlp, load_codebook(), load_gazetteer())
        run(cache=folder, n_process=1, with_sentiment=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({"peak_rss_mib": round(peak_rss_mib(), 1)}))


def peak_rss_mib() -> float:
    """Peak resident memory of this process since it started (MiB).

    Linux: ``VmHWM`` of ``/proc/self/status``, which starts afresh at exec.
    (``ru_maxrss`` would not: it keeps the parent's peak across fork + exec.)
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return kib / (1024 * 1024 if sys.platform == "darwin" else 1024)


def measure_model(name: str, n_target: int, repeat: int, codebook) -> dict:
    """Tokenizer, core and full analysis (one process) of the ``n_target`` corpus through a trained pipeline."""
    import spacy

    if not spacy.util.is_package(name):
        return {"model": name, "installed": False}
    from analysis.nlp.gazetteer import load_gazetteer as _gazetteer

    gazetteer = _gazetteer()
    nlp = make_nlp(name, actors=gazetteer)
    corpus = scaled_corpus(n_target, make_nlp())  # the same corpus as the rule-based measurement
    words = n_words(corpus)
    texts = [d.text for d in corpus]
    row: dict = {"model": name, "installed": True, "words": words}
    stock = spacy.load(name).tokenizer  # spaCy's own tokenizer of that package, not the kit's caching one
    tok, _ = best_of(repeat, lambda: sum(1 for _ in stock.pipe(texts, batch_size=256)))
    run = Analysis(corpus, nlp, codebook, gazetteer)
    for key, with_sentiment in (("core", False), ("full", True)):
        wall, _ = best_of(repeat, lambda s=with_sentiment: run(cache=False, n_process=1, with_sentiment=s))
        row[f"wps_{key}"] = round(words / wall)
    row["wps_tokenizer"] = round(words / tok)
    row["core_ratio"] = round(row["wps_core"] / row["wps_tokenizer"], 3)
    row["full_ratio"] = round(row["wps_full"] / row["wps_tokenizer"], 3)
    return row


# --------------------------------------------------------------------------- report


def summary(rows: list[dict]) -> dict:
    """Ratios and target checks from the per-size rows."""
    by = {r["size"]: r for r in rows}
    big = rows[-1]
    out: dict = {
        "largest": big["size"],
        # the same ratios from CPU seconds (one process): less sensitive to other jobs on the machine
        "core_ratio_cpu": round(big["cpu_tokenizer"] / big["cpu_core_1"], 3),
        "full_ratio_cpu": round(big["cpu_tokenizer"] / big["cpu_full_1"], 3),
        "core_ratio": round(big["wps_core_1"] / big["wps_tokenizer"], 3),
        "full_ratio": round(big["wps_full_1"] / big["wps_tokenizer"], 3),
        "parse_ratio": round(big["wps_parse"] / big["wps_tokenizer"], 3),
        # medians of per-repeat ratios of runs made side by side
        "warm_speedup": big["ratio_warm_speedup"],
        "parallel_speedup_core": big["ratio_parallel_core"],
        "parallel_speedup_full": big["ratio_parallel_full"],
    }
    if "1M" in by and "100k" in by:
        small, large = by["100k"], by["1M"]
        # time(1M) / time(100k): the 100k corpus timed right before each 1M run
        out["time_scaling_core"] = large["ratio_scaling_core"]
        out["time_scaling_full"] = large["ratio_scaling_full"]
        # the same from the best runs of the separate, earlier 100k measurement
        out["time_scaling_core_separate"] = round(large["t_core_1"] / small["t_core_1"], 2)
        out["time_scaling_full_separate"] = round(large["t_full_1"] / small["t_full_1"], 2)
        out["words_scaling"] = round(large["words"] / large["reference_words"], 2)
        out["rss_scaling"] = round(large["peak_rss_mib_full_1"] / small["peak_rss_mib_full_1"], 3)
    met = {
        "core_ratio": out["core_ratio"] >= TARGETS["core_ratio"],
        "full_ratio": out["full_ratio"] >= TARGETS["full_ratio"],
        "warm_speedup": out["warm_speedup"] >= TARGETS["warm_speedup"],
        "parallel_speedup": (min(out["parallel_speedup_core"], out["parallel_speedup_full"])
                             >= TARGETS["parallel_speedup"]),
    }
    if "time_scaling_core" in out:
        met["time_scaling"] = max(out["time_scaling_core"], out["time_scaling_full"]) <= TARGETS["time_scaling"]
        met["rss_scaling"] = out["rss_scaling"] <= TARGETS["rss_scaling"]
    kind = "speeches" if SETTINGS["texts"] else "dense"
    out["issue16_corpus"] = kind
    out["issue16_targets"] = TARGETS_16[kind]
    for key, target in TARGETS_16[kind].items():
        met[f"issue16_{key}"] = out[key] >= target
    out["targets"] = TARGETS
    out["met"] = met
    return out


def print_ratios(result: dict) -> None:
    """The tokenizer ratios of issue 16, with their targets, in one block."""
    kind = result["issue16_corpus"]
    base = "dense wire copy (bundled corpus)" if kind == "dense" else f"texts given ({', '.join(SETTINGS['texts'])})"
    print(f"Tokenizer ratios, one process, {result['largest']} words of {base}, sentiment "
          f"{SETTINGS['sentiment']}:")
    for key, name in (("core_ratio", "core (no sentiment)"), ("full_ratio", "full (with sentiment)")):
        target = result["issue16_targets"].get(key)
        verdict = f"issue 16 target >= {target}: {'met' if result['met'][f'issue16_{key}'] else 'NOT met'}" \
            if target is not None else "no issue-16 target for this corpus"
        print(f"  {name:<22} {result[key]:.3f}x  (CPU-time ratio {result[key + '_cpu']:.3f}x; {verdict})")
    model = result.get("model")
    if model and model.get("installed"):
        print(f"  trained pipeline {model['model']}: core {model['core_ratio']:.3f}x, full {model['full_ratio']:.3f}x "
              f"of its own tokenizer ({model['wps_core']:,} / {model['wps_full']:,} words/s)")
    elif model:
        print(f"  trained pipeline {model['model']}: not installed here, not measured")


def print_table(rows: list[dict]) -> None:
    """Human-readable table (words per second unless stated)."""
    cols = [("size", "size"), ("words", "words"), ("documents", "docs"),
            ("wps_tokenizer", "(a) tok"), ("wps_parse", "(b) parse"),
            ("wps_core_1", "(c) n=1"), ("wps_core_2", "(c) n=2"),
            ("wps_full_1", "(c+) n=1"), ("wps_full_2", "(c+) n=2"), ("wps_warm", "(d) warm"),
            ("peak_rss_mib_full_1", "RSS(c+) MiB")]
    widths = [max(len(h), *(len(f"{r[k]:,}" if isinstance(r[k], int) else str(r[k])) for r in rows)) for k, h in cols]
    print("  ".join(h.rjust(w) for (_, h), w in zip(cols, widths)))
    for r in rows:
        cells = (f"{r[k]:,}" if isinstance(r[k], int) else str(r[k]) for k, _ in cols)
        print("  ".join(cell.rjust(w) for cell, w in zip(cells, widths)))
    for r in rows:
        print(f"{r['size']}: seconds tok {r['t_tokenizer']:.2f}, parse {r['t_parse']:.2f}, "
              f"core {r['t_core_1']:.2f}/{r['t_core_2']:.2f}, full {r['t_full_1']:.2f}/{r['t_full_2']:.2f} (n=1/n=2), "
              f"warm {r['t_warm']:.2f}; word types {r['word_types']:,}; unique sentences {r['unique_sentences']:.1%}; "
              f"identical tables warm/cold {r['identical_warm']}, n=2/n=1 {r['identical_n_process']}; "
              f"CPU s core {r['cpu_core_1']:.2f}, full {r['cpu_full_1']:.2f}; load average {r['load_avg_1min']}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="only the 100k corpus, 2 repeats (about a minute or two)")
    p.add_argument("--sizes", help="comma-separated subset of 10k,100k,1M (default: all, or --quick)")
    p.add_argument("--repeat", type=int, help="runs per measurement; the best is kept (default 3; --quick 2)")
    p.add_argument("--texts", nargs="+", metavar="PATH", default=[],
                   help="files or folders of texts to replicate instead of the bundled corpus")
    p.add_argument("--vocabulary", choices=VOCABULARIES, default="english",
                   help="replacement words: an English frequency list (default) or the base texts' own words")
    p.add_argument("--sentiment", choices=("batched", "textblob"), default="batched",
                   help="sentiment scoring: the kit's batched scorer (default) or TextBlob per sentence (before)")
    p.add_argument("--model", metavar="NAME",
                   help="also measure the largest corpus through this trained spaCy pipeline, if installed")
    p.add_argument("--rss-child", type=int, metavar="WORDS", help=argparse.SUPPRESS)
    ns = p.parse_args(argv)
    SETTINGS.update(texts=[str(Path(t).resolve()) for t in ns.texts], vocabulary=ns.vocabulary,
                    sentiment=ns.sentiment)
    if ns.sentiment == "textblob":
        score_per_sentence_with_textblob()
    repeat = ns.repeat or (QUICK_REPEAT if ns.quick else 3)
    if ns.rss_child:
        rss_child(ns.rss_child)
        return 0
    os.environ.setdefault("DISCOURSE_KIT_CACHE", tempfile.mkdtemp(prefix="bench-default-cache-"))
    started = time.perf_counter()
    nlp = make_nlp()
    codebook, gazetteer = load_codebook(), load_gazetteer()
    # warm up: lazy imports, lookup tables, compiled codebook matchers (not part of any measurement)
    base = load_corpus()
    for with_sentiment in (False, True):
        Analysis(base, nlp, codebook, gazetteer)(cache=False, n_process=1, with_sentiment=with_sentiment)
    rows = []
    labels = ns.sizes.split(",") if ns.sizes else (QUICK if ns.quick else tuple(SIZES))
    unknown = [x for x in labels if x not in SIZES]
    if unknown:
        p.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    for label in labels:
        # the largest corpus is timed alongside the 100k one, for the scaling ratio
        reference = scaled_corpus(SIZES["100k"], nlp) if label == "1M" and "100k" in labels else None
        rows.append(measure(label, SIZES[label], repeat, nlp, codebook, gazetteer, reference))
        print(f"[{label} done after {time.perf_counter() - started:.0f}s]", file=sys.stderr, flush=True)
    result = {"sizes": rows, **summary(rows)}
    if ns.model:
        result["model"] = measure_model(ns.model, SIZES[labels[-1]], repeat, codebook)
    print_table(rows)
    print_ratios(result)
    result.update({"seconds": round(time.perf_counter() - started, 1), "sentiment": SETTINGS["sentiment"],
                   "corpus": {"texts": SETTINGS["texts"] or "bundled corpus", "vocabulary": SETTINGS["vocabulary"],
                              "zipf_exponent": ZIPF_EXPONENT if SETTINGS["vocabulary"] == "english" else None},
                   "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                               "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]}})
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
