"""The Dask engine gives the local engine's tables, byte for byte, and survives its faults.

Every cluster here is a ``LocalCluster`` of worker processes on 127.0.0.1 (no
dashboard), closed by its fixture; every run is bounded in time. The
generated corpus is 200k words (the benchmark, ``benchmarks/bench_scale.py``,
checks 1M and 10M words). Faults are made inside the worker processes: a
worker killed mid-run, a document whose analysis raises, a worker that
reports another kit version.
"""
from __future__ import annotations

import filecmp
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402  (installed with distributed)

import analysis.app.run as app_run  # noqa: E402
from analysis import Corpus, Document, KitError, load_corpus  # noqa: E402
from analysis.app import dask_engine  # noqa: E402
from analysis.app.outputs import load_results  # noqa: E402
from analysis.app.run import run  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
bench = pytest.importorskip("bench_pipeline")

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the fault-making functions travel by value

TIMEOUT = 180  # seconds: no test here waits longer on a cluster


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, scheduler_kwargs={"dashboard": False,
                                                                            "dashboard_address": "127.0.0.1:0"}) as c:
        with distributed.Client(c) as client:
            client.wait_for_workers(2, timeout=60)
            yield c, client


def write_jsonl(corpus, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for d in corpus:
            fh.write(json.dumps({"doc_id": d.doc_id, "text": d.text, **d.metadata}, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """About 200k words: perturbed copies of the bundled texts (benchmarks/bench_pipeline.py)."""
    return write_jsonl(bench.build_corpus(200_000), tmp_path_factory.mktemp("gen200k"))


def same_files(a: Path, b: Path) -> list[str]:
    """Names of the files that differ between two results folders (run.json compared without its engine)."""
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    differ = [n for n in names if n != "run.json" and not filecmp.cmp(a / n, b / n, shallow=False)]
    info_a, info_b = (json.loads((x / "run.json").read_text()) for x in (a, b))
    return differ + (["run.json"] if info_a != info_b else [])


def test_embedded_local_cluster_gives_the_local_engines_tables(tmp_path):
    local = run(None, tmp_path / "local", cache=False)
    dask = run(None, tmp_path / "dask", cache=False, engine="dask", n_workers=2, partition_words=100)
    assert same_files(tmp_path / "local", tmp_path / "dask") == []
    assert len(local.tables["evidence"]) > 10 and dask.info["tables"] == local.info["tables"]


def test_existing_cluster_generated_corpus_streamed_tables_identical(cluster, generated, tmp_path, monkeypatch):
    c, _ = cluster
    monkeypatch.setattr(app_run, "STREAM_WORDS", 100_000)  # the tables of this corpus go through the spool
    started = time.monotonic()
    local = run(generated, tmp_path / "local", cache=False, n_process=1)
    dask = run(generated, tmp_path / "dask", cache=tmp_path / "cache", engine="dask", scheduler=c.scheduler_address,
               partition_words=20_000)
    assert same_files(tmp_path / "local", tmp_path / "dask") == []
    assert dask.info["columns"] == local.info["columns"]
    assert local.info["corpus"]["n_documents"] > 700
    # a warm re-run on the cluster: every document comes from the driver's records cache
    warm = run(generated, tmp_path / "warm", cache=tmp_path / "cache", engine="dask",
               scheduler=c.scheduler_address)
    assert same_files(tmp_path / "local", tmp_path / "warm") == []
    assert len(warm.tables["sentiment"]) == len(local.tables["sentiment"]) > 5000
    assert time.monotonic() - started < TIMEOUT


def test_parquet_tables_load_back_as_the_csv_tables(cluster, tmp_path, monkeypatch):
    c, _ = cluster
    csv = run(None, tmp_path / "csv", cache=False)
    parquet = run(None, tmp_path / "pq", cache=False, format="parquet", engine="dask", scheduler=c.scheduler_address)
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == sorted(
        [f"{name}.parquet" for name in csv.tables] + ["run.json"])
    from_csv, from_parquet = load_results(tmp_path / "csv"), load_results(tmp_path / "pq")
    import pandas as pd

    for name, frame in csv.tables.items():
        pd.testing.assert_frame_equal(from_parquet[name], frame)  # Parquet: exact
        pd.testing.assert_frame_equal(from_csv[name], frame, check_exact=False, rtol=5e-6)  # CSV: 6 digits
        assert list(from_csv[name].dtypes) == list(frame.dtypes)
    assert parquet.info["tables"]["evidence"] == "evidence.parquet"
    # streamed, the Parquet files are byte for byte the same (row groups of whole documents)
    monkeypatch.setattr(app_run, "STREAM_WORDS", 0)
    run(None, tmp_path / "pq2", cache=False, format="parquet", engine="dask", scheduler=c.scheduler_address,
        partition_words=50)
    assert same_files(tmp_path / "pq", tmp_path / "pq2") == []


# --------------------------------------------------------------------------- faults


def _worker_pid() -> int:
    return os.getpid()


def test_a_worker_killed_mid_run_is_replaced_and_the_tables_are_the_same(cluster, generated, tmp_path):
    c, client = cluster
    before = client.run(_worker_pid)
    result: dict = {}

    def analyse():
        try:
            result["out"] = run(generated, tmp_path / "dask", cache=False, engine="dask",
                                scheduler=c.scheduler_address, partition_words=5_000)
        except BaseException as e:  # reported below
            result["error"] = e

    thread = threading.Thread(target=analyse)
    thread.start()
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and thread.is_alive():
        processing = client.processing()  # worker address -> keys it is working on
        busy = [w for w, keys in processing.items() if keys and any("analyze_partition" in str(k) for k in keys)]
        done = client.run_on_scheduler(lambda dask_scheduler: sum(
            ts.state == "memory" and "analyze_partition" in str(ts.key) for ts in dask_scheduler.tasks.values()))
        if busy and done >= 1:
            victim = busy[0]
            os.kill(before[victim], signal.SIGKILL)
        time.sleep(0.05)
    thread.join(TIMEOUT)
    assert victim is not None, "the run ended before a worker could be killed"
    assert not thread.is_alive() and "error" not in result, result.get("error")
    client.wait_for_workers(2, timeout=60)
    after = client.run(_worker_pid)
    assert before[victim] not in after.values()  # the nanny started a new worker process
    run(generated, tmp_path / "local", cache=False)
    assert same_files(tmp_path / "local", tmp_path / "dask") == []


BAD = "001_control_agency_report"


def _break_one_document(doc_id: str) -> None:
    """In a worker: analyze_doc raises for one document (a fault of the analysis, not of the input file)."""
    from analysis.app import engine

    real = getattr(engine, "_real_analyze_doc", engine.analyze_doc)
    engine._real_analyze_doc = real

    def analyze_doc(doc, **kwargs):
        if doc.user_data.get("doc_id") == doc_id:
            raise ValueError("synthetic failure in the analysis")
        return real(doc, **kwargs)

    engine.analyze_doc = analyze_doc


def _repair() -> None:
    from analysis.app import engine

    engine.analyze_doc = getattr(engine, "_real_analyze_doc", engine.analyze_doc)


def test_a_failing_document_is_named_and_skipped_with_skip_bad(cluster, tmp_path):
    c, client = cluster
    client.run(_break_one_document, BAD)
    try:
        with pytest.raises(KitError, match=f"document '{BAD}' could not be analysed: ValueError: synthetic failure"):
            run(None, tmp_path / "stop", cache=False, engine="dask", scheduler=c.scheduler_address)
        assert not (tmp_path / "stop").exists()  # nothing written
        out = run(None, tmp_path / "dask", cache=tmp_path / "cache", engine="dask", scheduler=c.scheduler_address,
                  skip_bad=True)
    finally:
        client.run(_repair)
    assert out.info["corpus"]["skipped"] == [f"{BAD}: analysis failed: ValueError: synthetic failure in the analysis"]
    assert BAD not in set(out.tables["documents"]["doc_id"]) | set(out.tables["sentiment"]["doc_id"])
    # the tables are those of the corpus without that document
    good = [d for d in load_corpus() if d.doc_id != BAD]
    expected = run(write_jsonl(Corpus(good), tmp_path / "good"), tmp_path / "expected", cache=False)
    for name in ("evidence", "attributions", "actors", "sentiment", "features"):
        assert (tmp_path / "dask" / f"{name}.csv").read_bytes() == (tmp_path / "expected" / f"{name}.csv").read_bytes()
    assert len(expected.tables["evidence"]) > 0
    # the failure was not cached: once repaired, the document is analysed
    repaired = run(None, tmp_path / "again", cache=tmp_path / "cache", engine="dask", scheduler=c.scheduler_address)
    assert BAD in set(repaired.tables["documents"]["doc_id"])


def test_the_local_engine_skips_a_failing_document_the_same_way(tmp_path, monkeypatch):
    _break_one_document(BAD)
    try:
        with pytest.raises(KitError, match=f"document '{BAD}' could not be analysed"):
            run(None, tmp_path / "stop", cache=False)
        out = run(None, tmp_path / "local", cache=False, skip_bad=True)
    finally:
        _repair()
    assert out.info["corpus"]["skipped"] == [f"{BAD}: analysis failed: ValueError: synthetic failure in the analysis"]
    assert list(out.tables["documents"]["doc_id"]) == ["000_b57aecae04ae68f3"]


def _pretend_version(version: str) -> None:
    import importlib.metadata

    real = getattr(importlib.metadata, "_real_version", importlib.metadata.version)
    importlib.metadata._real_version = real
    importlib.metadata.version = lambda name: version if name == "discourse-kit" else real(name)


def _honest_version() -> None:
    import importlib.metadata

    importlib.metadata.version = getattr(importlib.metadata, "_real_version", importlib.metadata.version)


def test_a_worker_with_another_kit_version_stops_the_run_with_one_line(cluster, tmp_path):
    c, client = cluster
    worker = sorted(client.scheduler_info()["workers"])[0]
    client.run(_pretend_version, "0.0.1", workers=[worker])
    try:
        with pytest.raises(dask_engine.WorkerMismatch) as error:
            run(None, tmp_path / "out", cache=False, engine="dask", scheduler=c.scheduler_address)
    finally:
        client.run(_honest_version)
    message = str(error.value)
    assert message == (f"Dask worker {worker} has 0.0.1; every worker needs discourse-kit {app_run.__version__} "
                       f"(pip install 'discourse-kit[dask]=={app_run.__version__}')")
    assert "\n" not in message and not (tmp_path / "out").exists()


def test_a_worker_given_another_kits_job_refuses_it():
    from analysis import load_codebook, load_gazetteer, make_nlp
    from analysis.app.engine import Job

    job = Job(make_nlp(), load_codebook(), load_gazetteer(), with_sentiment=True, terms_by=None, cache=False)
    spec = dask_engine.JobSpec.of(job, "rules")
    other = dask_engine.JobSpec(**{**spec.__dict__, "version": "9.9.9"})
    with pytest.raises(dask_engine.WorkerMismatch, match="the driver 9.9.9"):
        dask_engine.analyze_partition(other, [Document("d", "Talks.")])
    damaged = dask_engine.JobSpec(**{**spec.__dict__, "codebook": dask_engine.ShippedFile(
        spec.codebook.name, spec.codebook.data + b"\n# edited", spec.codebook.sha256)})
    with pytest.raises(dask_engine.WorkerMismatch, match="arrived damaged"):
        dask_engine.analyze_partition(damaged, [Document("d", "Talks.")])
    result = dask_engine.analyze_partition(spec, [Document("d", "“We will never deceive anyone,” Lavrov said.")])
    assert [r.doc_id for r in result.results] == ["d"] and not result.failed


def test_usage_errors_are_one_line(tmp_path, monkeypatch):
    with pytest.raises(KitError, match="need --engine dask"):
        run(None, tmp_path / "o", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(KitError, match="--partition-words must be a positive integer"):
        run(None, tmp_path / "o", engine="dask", partition_words=0)
    with pytest.raises(KitError, match="--format must be one of csv, parquet"):
        run(None, tmp_path / "o", format="xlsx")
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 2)
    with pytest.raises(KitError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run(None, tmp_path / "o", engine="dask", scheduler="tcp://127.0.0.1:9", cache=False)
    assert not (tmp_path / "o").exists()


def test_the_command_line_runs_on_a_cluster_and_reports_usage_errors_in_one_line(cluster, capfd, tmp_path):
    from analysis.app.cli import main

    c, _ = cluster
    corpus = write_jsonl(Corpus(list(load_corpus())), tmp_path / "corpus")
    assert main(["run", str(corpus), "--out", str(tmp_path / "pq"), "--engine", "dask", "--scheduler",
                 c.scheduler_address, "--partition-words", "300", "--format", "parquet", "--no-cache"]) == 0
    assert main(["run", str(corpus), "--out", str(tmp_path / "csv"), "--no-cache"]) == 0
    capfd.readouterr()
    tables = load_results(tmp_path / "pq")
    assert set(tables) == set(json.loads((tmp_path / "pq" / "run.json").read_text())["tables"])
    for name, frame in load_results(tmp_path / "csv").items():
        assert list(tables[name].columns) == list(frame.columns) and len(tables[name]) == len(frame), name
    assert main(["run", str(corpus), "--out", str(tmp_path / "x"), "--scheduler", c.scheduler_address]) == 2
    err = capfd.readouterr().err.strip()
    assert "need --engine dask" in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_the_kit_imports_dask_only_when_the_engine_is_asked_for(tmp_path):
    import subprocess

    code = ("import sys; from analysis.run import run; from analysis.app.cli import main; "
            f"run(None, {str(tmp_path / 'o')!r}, cache=False); "
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_script_without_a_main_guard_gets_one_line_saying_what_to_do(tmp_path):
    """Dask's local workers are spawned: they import the user's script again, which must not run the analysis."""
    import subprocess

    script = tmp_path / "analyse.py"
    script.write_text("from analysis.run import run\n"
                      f"run(None, {str(tmp_path / 'out')!r}, cache=False, engine='dask', n_workers=1)\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("analysis.errors.KitError: cannot start a local Dask cluster")
    assert 'call run() under `if __name__ == "__main__":`' in last
    assert "distributed.nanny - ERROR" not in done.stderr  # distributed's own log lines are silenced
    assert not (tmp_path / "out").exists()
