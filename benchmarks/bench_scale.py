"""Scale benchmark: 1M and 10M words, the local engine (1 and 2 processes) against Dask (2 workers).

The corpora are ``bench_pipeline.build_corpus`` (perturbed copies of the
bundled texts: dense wire copy, every document and ~99% of the sentences new),
written once as JSON Lines. Each configuration is ``discourse-kit run`` (the
full analysis, sentiment included, no records cache, tables streamed through
the spool as for any corpus of 1M words or more) in a fresh interpreter:

* ``local-1`` -- ``run(..., n_process=1)``;
* ``local-2`` -- ``run(..., n_process=2)`` (a pool of forked processes);
* ``dask-2``  -- ``run(..., engine="dask", n_workers=2)`` (a LocalCluster of two
  single-threaded worker processes on 127.0.0.1, started and stopped by the run).

For each it reports wall seconds, words per second, the driver's CPU seconds,
the peak RSS of the driver (``VmHWM``) and of the largest worker (pool
processes or Dask workers, sampled every 0.1 s), and
whether every output file is byte-identical to ``local-1``'s; each run's
words per second as a ratio of spaCy's tokenizer alone on the same corpus
(spaCy's stock ``Tokenizer.pipe``, one process, timed in this process: the reference of
issue 16's throughput targets); then the time ratio of the larger to the
smaller corpus (10M/1M, or 1M/100k with ``--quick``; target <= 11 for ten
times the words) per configuration and, from the Dask run, a paper estimate
for 1 billion words on a 32-worker cluster. The last line is one JSON object
with every figure.

Usage::

    .venv/bin/python benchmarks/bench_scale.py                 # 1M and 10M words (~15 min on 2 cores)
    .venv/bin/python benchmarks/bench_scale.py --quick         # 100k and 1M words (~2-3 min)
    .venv/bin/python benchmarks/bench_scale.py --sizes 1M      # 1M only
    .venv/bin/python benchmarks/bench_scale.py --configs dask-2 --sizes 1M
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
DEFAULT_SIZES, QUICK_SIZES = "1M,10M", "100k,1M"
CONFIGS = {
    "local-1": {"n_process": 1},
    "local-2": {"n_process": 2},
    "dask-2": {"engine": "dask", "n_workers": 2},
}
TARGET_TIME_RATIO = 11.0
#: the paper estimate's cluster
ESTIMATE_WORDS, ESTIMATE_WORKERS = 1_000_000_000, 32


def write_corpus(n_words: int, folder: Path) -> dict:
    """``bench_pipeline.build_corpus(n_words)`` as one JSON Lines file; returns its size and the
    words per second of spaCy's tokenizer alone on it (one process, best of two)."""
    from bench_pipeline import build_corpus
    from bench_pipeline import n_words as count

    from analysis import make_nlp

    nlp = make_nlp()
    corpus = build_corpus(n_words, nlp=nlp)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for d in corpus:
            fh.write(json.dumps({"doc_id": d.doc_id, "text": d.text, **d.metadata}, ensure_ascii=False) + "\n")
    words = count(corpus)
    texts = [d.text for d in corpus]
    del corpus
    import spacy

    stock = spacy.blank("en").tokenizer  # spaCy's own tokenizer: the reference (the kit's caches chunks)
    best = min(_timed(lambda: sum(1 for _ in stock.pipe(texts, batch_size=256))) for _ in range(2))
    return {"words": words, "documents": len(texts), "tokenizer_words_per_s": round(words / best)}


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _peak_rss_mib() -> float:
    """This process's peak RSS from /proc (``VmHWM``: reset at exec; ``ru_maxrss`` keeps the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class WorkerMemory(threading.Thread):
    """Samples the RSS of every descendant process (pool or Dask workers) every 0.1 s; keeps each one's peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.stop.wait(0.1):
            for proc in me.children(recursive=True):
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[proc.pid] = max(rss, self.peaks.get(proc.pid, 0))

    def peak_mib(self) -> float | None:
        self.stop.set()
        self.join()
        return round(max(self.peaks.values()) / 2**20, 1) if self.peaks else None


def child(config: str, corpus: str, out: str) -> None:
    """One measured run in this (fresh) interpreter; prints one JSON line."""
    from analysis.app.run import run

    workers = WorkerMemory()
    workers.start()
    started = time.perf_counter()
    result = run(corpus, out, cache=False, progress=False, **CONFIGS[config])
    seconds = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers ended and waited for by now
    print(json.dumps({
        "seconds": round(seconds, 2),
        "driver_cpu_s": round(me.ru_utime + me.ru_stime, 2),
        "workers_cpu_s": round(kids.ru_utime + kids.ru_stime, 2),
        "driver_rss_mib": _peak_rss_mib(),
        "worker_rss_mib": workers.peak_mib(),
        "documents": result.info["corpus"]["n_documents"],
    }))


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every output file except run.json (which names the engine)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.name != "run.json"}


def measure(config: str, corpus: Path, out: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", config, str(corpus), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} instead of {DEFAULT_SIZES} (2-3 min)")
    p.add_argument("--sizes", help=f"comma-separated subset of {','.join(SIZES)} (default {DEFAULT_SIZES})")
    p.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ",".join(CONFIGS))
    p.add_argument("--keep", metavar="DIR", help="keep corpora and outputs in DIR (default: a temporary folder)")
    p.add_argument("--child", nargs=3, metavar=("CONFIG", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    ns = p.parse_args(argv)
    if ns.child:
        child(*ns.child)
        return 0
    sizes = (ns.sizes or (QUICK_SIZES if ns.quick else DEFAULT_SIZES)).split(",")
    configs = ns.configs.split(",")
    unknown = [s for s in sizes if s not in SIZES] + [c for c in configs if c not in CONFIGS]
    if unknown:
        p.error(f"unknown size or configuration: {', '.join(unknown)}")
    work = Path(ns.keep) if ns.keep else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    started = time.perf_counter()
    rows: dict[str, dict] = {}
    try:
        for size in sizes:
            corpus = work / f"corpus-{size}"
            row: dict = {"size": size, **write_corpus(SIZES[size], corpus), "configs": {}}
            print(f"[{size}: {row['words']:,} words in {row['documents']:,} documents]", file=sys.stderr, flush=True)
            reference = None
            for config in configs:
                out = work / f"out-{size}-{config}"
                shutil.rmtree(out, ignore_errors=True)
                figures = measure(config, corpus / "corpus.jsonl", out)
                figures["words_per_s"] = round(row["words"] / figures["seconds"])
                figures["tokenizer_ratio"] = round(figures["words_per_s"] / row["tokenizer_words_per_s"], 3)
                files = digests(out)
                reference = reference or files
                figures["identical_to_first"] = files == reference
                figures["files"] = len(files)
                row["configs"][config] = figures
                print(f"  {config}: {figures}", file=sys.stderr, flush=True)
                if not ns.keep:
                    shutil.rmtree(out, ignore_errors=True)
            row["load_avg_1min"] = round(os.getloadavg()[0], 2)
            rows[size] = row
    finally:
        if not ns.keep:
            shutil.rmtree(work, ignore_errors=True)
    summary = summarize(rows, configs)
    print_table(rows, configs, summary)
    print(json.dumps({"sizes": rows, **summary, "seconds": round(time.perf_counter() - started, 1),
                      "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}, sort_keys=True))
    return 0


def summarize(rows: dict, configs: list[str]) -> dict:
    out: dict = {"time_ratio": {}, "met": {}}
    ordered = sorted(rows, key=lambda size: SIZES[size])
    if len(ordered) >= 2:
        small, large = ordered[-2], ordered[-1]
        out["time_ratio_of"] = f"{large}/{small}"
        out["words_ratio"] = round(rows[large]["words"] / rows[small]["words"], 2)
        for config in configs:
            a, b = rows[small]["configs"][config], rows[large]["configs"][config]
            ratio = round(b["seconds"] / a["seconds"], 2)
            out["time_ratio"][config] = ratio
            # target: at most 11 for ten times the words (scaled for other size pairs)
            out["met"][f"time_ratio_{config}"] = ratio <= TARGET_TIME_RATIO * out["words_ratio"] / 10
    out["met"]["identical_outputs"] = all(f["identical_to_first"] for r in rows.values() for f in r["configs"].values())
    largest = rows[max(rows, key=lambda size: SIZES[size])] if rows else None
    dask = largest["configs"].get("dask-2") if largest else None
    if dask:
        # Workers: words per second of wall time per worker (both busy the whole run; on a shared
        # machine this is depressed by other jobs) and words per CPU second of a worker.
        per_worker = largest["words"] / dask["seconds"] / 2
        per_worker_cpu = largest["words"] / max(dask["workers_cpu_s"], 1e-9)
        # Driver: words per CPU second beyond its fixed costs (imports, pipeline, cluster start),
        # from the difference between the two sizes when there are two, else the whole run's.
        driver_rate = largest["words"] / max(dask["driver_cpu_s"], 1e-9)
        if len(ordered) >= 2 and "dask-2" in rows[ordered[-2]]["configs"]:
            small = rows[ordered[-2]]
            extra_cpu = dask["driver_cpu_s"] - small["configs"]["dask-2"]["driver_cpu_s"]
            if extra_cpu > 0:
                driver_rate = (largest["words"] - small["words"]) / extra_cpu
        hours_workers = ESTIMATE_WORDS / (per_worker * ESTIMATE_WORKERS) / 3600
        hours_workers_cpu = ESTIMATE_WORDS / (per_worker_cpu * ESTIMATE_WORKERS) / 3600
        hours_driver = ESTIMATE_WORDS / driver_rate / 3600
        out["estimate_1B_words_32_workers"] = {
            "per_worker_words_per_s": round(per_worker), "per_worker_words_per_cpu_s": round(per_worker_cpu),
            "driver_words_per_cpu_s": round(driver_rate),
            "hours_if_workers_bound": round(hours_workers, 2),
            "hours_if_workers_bound_dedicated_cores": round(hours_workers_cpu, 2),
            "hours_if_driver_bound": round(hours_driver, 2),
            "hours": round(max(hours_workers, hours_driver), 2), "from": largest["size"],
        }
    return out


def print_table(rows: dict, configs: list[str], summary: dict) -> None:
    print(f"{'size':>4} {'config':>8} {'seconds':>8} {'words/s':>9} {'x tok':>6} {'driver RSS':>10} "
          f"{'worker RSS':>10} {'driver CPU s':>12} {'identical':>9}")
    for size, row in rows.items():
        for config in configs:
            f = row["configs"][config]
            print(f"{size:>4} {config:>8} {f['seconds']:>8.1f} {f['words_per_s']:>9,} {f['tokenizer_ratio']:>6} "
                  f"{f['driver_rss_mib']:>10} {str(f['worker_rss_mib']):>10} {f['driver_cpu_s']:>12} "
                  f"{str(f['identical_to_first']):>9}")
    for size, row in rows.items():
        print(f"{size}: spaCy's tokenizer alone {row['tokenizer_words_per_s']:,} words/s (one process); "
              "'x tok' = words/s of the full analysis (sentiment included) / that")
    if summary["time_ratio"]:
        print(f"time {summary['time_ratio_of']} ({summary['words_ratio']}x the words; target <= "
              f"{TARGET_TIME_RATIO} per 10x):", summary["time_ratio"])
    if "estimate_1B_words_32_workers" in summary:
        print("1 billion words on 32 workers:", summary["estimate_1B_words_32_workers"])


if __name__ == "__main__":
    raise SystemExit(main())
