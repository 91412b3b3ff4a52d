"""One very large document: is it analysed in linear time and bounded memory?

Scraped archives and OCR dumps arrive as single files of tens of megabytes. This
benchmark builds one plain-text document of each size (default 1, 5, 10, 25 and
50 MB) from the bundled corpus, replicated with small perturbations (numbers and
names vary, so no cache can cheat), and measures in a fresh process per size:

* ``load``   -- :func:`analysis.load_corpus` (read, decode, clean);
* ``parse``  -- :func:`analysis.parse` with the default rule-based pipeline, no cache;
* ``analyze``-- :func:`analysis.extract.analyze.analyze_doc` (attribution, voices, codebook,
  mentions, sentiment) plus :func:`analysis.app.run.build_tables`;
* peak resident memory of the process.

Times are CPU seconds of the measuring process (``*_wall`` in the JSON: wall
clock), so other jobs on a shared machine do not distort the scaling figures.

It prints a table and, as its last line, one JSON object. For each stage,
``exponent`` is the slope of log(time) against log(size) over all sizes: 1 for
linear cost, 2 for quadratic (``last_step_exponent``: the same between the two
largest sizes, where a quadratic term shows first); ``slowdown`` compares the time per MB of the
largest document with that of the smallest (about 1 when linear, about 50 for
1 MB -> 50 MB when quadratic). Target: both exponents ``<= 1.2`` for every stage
(timings on a shared machine are noisy; a quadratic step is unmistakable).
Run it with::

    .venv/bin/python benchmarks/bench_large_text.py            # 1 ... 50 MB (a few minutes)
    .venv/bin/python benchmarks/bench_large_text.py --quick    # 1, 2 and 5 MB
    .venv/bin/python benchmarks/bench_large_text.py --sizes 2 20 --stages load parse

Not a unit test: timings depend on the machine. Nothing is written outside a
temporary folder, and the parse cache is not used.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("load", "parse", "analyze")
DEFAULT_SIZES = (1, 5, 10, 25, 50)
TARGET_EXPONENT = 1.2
MIN_SECONDS = 0.05
_NAMES = ["Lavrov", "Blinken", "Stoltenberg", "Ryabkov", "Sullivan", "Peskov", "Nuland", "Grushko"]


def build_text(megabytes: float, seed: int = 0) -> str:
    """A document of about ``megabytes`` MB (UTF-8) made of perturbed copies of the bundled texts."""
    from analysis import load_corpus

    paragraphs = [p for d in load_corpus() for p in d.text.split("\n\n") if p.strip()]
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < target:
        p = rng.choice(paragraphs)
        p = re.sub(r"\d+", lambda m: str(rng.randrange(1, 3000)), p)
        p = re.sub(r"\bLavrov\b", lambda m: rng.choice(_NAMES), p)
        parts.append(p)
        size += len(p.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


class _Timer:
    """Wall-clock and CPU seconds of a block (CPU time is robust to other jobs on the machine)."""

    def __enter__(self) -> "_Timer":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def measure_one(megabytes: float, stages: tuple[str, ...]) -> dict:
    """Time each stage on one document of the given size (run in its own process)."""
    from analysis import load_corpus, make_nlp, parse

    result: dict = {"mb": megabytes}
    text = build_text(megabytes)
    result["chars"] = len(text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.txt"
        path.write_text(text, encoding="utf-8")
        del text
        timings = []
        for _ in range(3):  # loading is fast: best of three against timer noise
            with _Timer() as t:
                corpus = load_corpus(path)
            timings.append(t)
        best = min(timings, key=lambda t: t.cpu)
        result["load"], result["load_wall"] = best.cpu, best.wall
    if "parse" not in stages and "analyze" not in stages:
        result["peak_rss_mb"] = _peak_rss_mb()
        return result
    nlp = make_nlp()
    try:
        with _Timer() as t:
            doc = next(parse(corpus, nlp, cache=False, progress=False))
    except Exception as e:  # noqa: BLE001 - a benchmark reports, it does not crash
        result["error"] = f"parse: {type(e).__name__}: {' '.join(str(e).split())[:200]}"
        result["peak_rss_mb"] = _peak_rss_mb()
        return result
    result["parse"], result["parse_wall"] = t.cpu, t.wall
    result["tokens"] = len(doc)
    if "analyze" in stages:
        from analysis.app.run import build_tables
        from analysis.extract.analyze import analyze_doc

        try:
            with _Timer() as t:
                analysed = analyze_doc(doc, metadata=corpus[0].metadata)
                tables = build_tables([analysed], corpus)
        except Exception as e:  # noqa: BLE001
            result["error"] = f"analyze: {type(e).__name__}: {' '.join(str(e).split())[:200]}"
            result["peak_rss_mb"] = _peak_rss_mb()
            return result
        result["analyze"], result["analyze_wall"] = t.cpu, t.wall
        result["evidence_rows"] = len(tables["evidence"])
        result["attribution_rows"] = len(tables["attributions"])
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _child(megabytes: float, stages: tuple[str, ...]) -> dict:
    command = [sys.executable, __file__, "--one", str(megabytes), "--stages", *stages]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = " ".join(proc.stderr.strip().splitlines()[-1:]) or f"exit code {proc.returncode}"
        return {"mb": megabytes, "error": f"process failed: {tail[:200]}"}
    return json.loads(lines[-1])


def summarize(rows: list[dict], stages: tuple[str, ...]) -> dict:
    """Seconds per MB at each size and the slowdown (largest vs smallest) per stage."""
    summary: dict = {"sizes_mb": [r["mb"] for r in rows], "rows": rows, "target_exponent": TARGET_EXPONENT}
    ok = [r for r in rows if "error" not in r]
    for stage in stages:
        timed = [r for r in ok if r.get(stage, 0) >= MIN_SECONDS]  # shorter timings are mostly noise
        if len(timed) < 2:
            summary[f"{stage}_note"] = f"fewer than two sizes take {MIN_SECONDS}s or more: too fast to judge"
        else:
            small, large = timed[0], timed[-1]
            per_small, per_large = small[stage] / small["mb"], large[stage] / large["mb"]
            summary[f"{stage}_s_per_mb"] = [round(r[stage] / r["mb"], 4) for r in timed]
            summary[f"{stage}_slowdown"] = round(per_large / per_small, 3)
            summary[f"{stage}_exponent"] = round(_slope([r["mb"] for r in timed], [r[stage] for r in timed]), 3)
            # between the two largest sizes: a quadratic term shows here first
            last = timed[-2:]
            summary[f"{stage}_last_step_exponent"] = round(_slope([r["mb"] for r in last], [r[stage] for r in last]), 3)
    if len(ok) >= 2:
        summary["rss_mb_per_input_mb"] = [round(r["peak_rss_mb"] / r["mb"], 1) for r in ok]
    summary["errors"] = [f"{r['mb']} MB: {r['error']}" for r in rows if "error" in r]
    summary["linear"] = not summary["errors"] and all(
        max(summary[f"{s}_exponent"], summary[f"{s}_last_step_exponent"]) <= TARGET_EXPONENT
        for s in stages if f"{s}_exponent" in summary
    )
    return summary


def _slope(sizes: list[float], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size): the empirical exponent of the cost."""
    xs, ys = [math.log(v) for v in sizes], [math.log(v) for v in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run every size in a fresh process, print a table and a final JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=list(DEFAULT_SIZES), help="document sizes in MB")
    parser.add_argument("--quick", action="store_true", help="only 1, 2 and 5 MB")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # internal: measure one size here
    ns = parser.parse_args(argv)
    stages = tuple(ns.stages)
    if ns.one is not None:
        print(json.dumps(measure_one(ns.one, stages)))
        return 0
    sizes = [1.0, 2.0, 5.0] if ns.quick else sorted(ns.sizes)
    rows = []
    print(f"{'MB':>6} {'tokens':>10} " + " ".join(f"{s + ' cpu s':>12}" for s in stages) + f" {'peak RSS MB':>12}")
    for mb in sizes:
        row = _child(mb, stages)
        rows.append(row)
        if "error" in row:
            print(f"{mb:>6g} FAILED  {row['error']}")
            continue
        cells = " ".join(f"{row[s]:>12.2f}" if s in row else f"{'-':>12}" for s in stages)
        print(f"{mb:>6g} {row.get('tokens', 0):>10} {cells} {row['peak_rss_mb']:>12.0f}")
    summary = summarize(rows, stages)
    for stage in stages:
        if f"{stage}_exponent" in summary:
            print(f"{stage}: time ~ size^{summary[f'{stage}_exponent']} over all sizes, "
                  f"^{summary[f'{stage}_last_step_exponent']} between the two largest "
                  f"(linear 1, quadratic 2; target <= {TARGET_EXPONENT}); "
                  f"time per MB, largest vs smallest = x{summary[f'{stage}_slowdown']}")
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["linear"] else 1


if __name__ == "__main__":
    os.environ.setdefault("DISCOURSE_KIT_CACHE", tempfile.gettempdir())
    raise SystemExit(main())
