"""Same input, same bytes: `discourse-kit run` twice (different hash seeds, cold and warm
cache, one or two processes) writes byte-identical tables and figures."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED_ID

from analysis import load_corpus
from analysis.app.run import run
from analysis.io import write_csv


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file in a folder (by name)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The seed plus two texts of our own, one with quotations and one with odd characters."""
    folder = tmp_path_factory.mktemp("det_corpus")
    (folder / f"{SEED_ID}.txt").write_bytes((ROOT / "corpus" / f"{SEED_ID}.txt").read_bytes())
    (folder / "quotes.txt").write_text(
        "Talks Resume\n\n“We will not accept any ultimatum,” the envoy said. “It is clear that the West will again "
        "deceive us,” she added. According to Washington, the talks are endless discussions.\n",
        encoding="utf-8",
    )
    (folder / "odd.txt").write_text("Ünïcödé — “quotes” «guillemets» 👩\u200d👩\u200d👧 \u202eRTL\u202c. NATO said no.\n", encoding="utf-8")
    return folder


def _start(args: list[str], hash_seed: str, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DISCOURSE_KIT_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_in_fresh_processes_are_byte_identical(small_corpus, tmp_path):
    """Different PYTHONHASHSEED (set and dict orders differ), each with its own cold cache; run side by side."""
    procs = {}
    for seed in ("1", "2"):
        args = ["run", str(small_corpus), "--out", str(tmp_path / f"out{seed}"),
                "--figures", str(tmp_path / f"fig{seed}")]
        procs[seed] = _start(args, seed, tmp_path / f"cache{seed}")
    for proc in procs.values():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    tables_1, tables_2 = digest(tmp_path / "out1"), digest(tmp_path / "out2")
    assert {"documents.csv", "evidence.csv", "features.csv", "attributions.csv", "run.json"} <= set(tables_1)
    assert tables_1 == tables_2
    figures_1, figures_2 = digest(tmp_path / "fig1"), digest(tmp_path / "fig2")
    assert any(n.endswith(".png") for n in figures_1) and any(n.endswith(".svg") for n in figures_1)
    assert figures_1 == figures_2


def test_warm_cache_and_two_processes_give_the_same_bytes(small_corpus, tmp_path):
    from analysis.app.run import run

    cache = tmp_path / "cache"
    run(small_corpus, tmp_path / "cold", cache=cache)
    assert any(p.is_file() for p in cache.rglob("*"))  # the cache was written ...
    run(small_corpus, tmp_path / "warm", cache=cache)  # ... and is read here
    run(small_corpus, tmp_path / "two", cache=False, n_process=2)
    assert digest(tmp_path / "cold") == digest(tmp_path / "warm") == digest(tmp_path / "two")


def test_run_tables_equal_the_files_written(small_corpus, tmp_path):
    from analysis.app.run import run

    result = run(small_corpus, tmp_path / "out", cache=False)
    for name, frame in result.tables.items():
        again = tmp_path / f"again_{name}.csv"
        write_csv(frame, again)
        assert again.read_bytes() == (tmp_path / "out" / f"{name}.csv").read_bytes(), name


def test_load_order_does_not_depend_on_file_creation_order(tmp_path):
    names = ["b.txt", "a.md", "c.jsonl", "A.txt", "10.txt", "9.txt"]
    for folder, order in (("one", names), ("two", list(reversed(names)))):
        (tmp_path / folder).mkdir()
        for name in order:
            path = tmp_path / folder / name
            text = '{"text": "Row."}\n' if name.endswith(".jsonl") else f"Text of {name}."
            path.write_text(text, encoding="utf-8")
    one, two = load_corpus(tmp_path / "one"), load_corpus(tmp_path / "two")
    assert one.ids == two.ids == ["10", "9", "A", "a", "b", "c_0001"]
    assert one.hash() == two.hash()


def test_write_csv_is_byte_stable(tmp_path):
    frame = pd.DataFrame(
        {
            "doc_id": ["b", "a"],
            "rate": [1 / 3, 2.5e-7],
            "count": pd.array([3, None], dtype="Int64"),
            "text": ["line\nbreak, comma", '"quoted"'],
        }
    )
    write_csv(frame, tmp_path / "one.csv")
    write_csv(frame.copy(), tmp_path / "two.csv")
    data = (tmp_path / "one.csv").read_bytes()
    assert data == (tmp_path / "two.csv").read_bytes()
    assert b"\r\n" not in data
    assert data.decode("utf-8").splitlines()[1] == 'b,0.333333,3,"line'
    assert ",2.5e-07,," in data.decode("utf-8")  # <NA> is an empty cell


def test_the_readme_lead_figure_is_what_make_reproduce_writes(tmp_path):
    """docs/figures/category_rates.png (shown on a fresh clone) equals the figure `make reproduce` regenerates."""
    committed = ROOT / "docs" / "figures" / "category_rates.png"
    assert f"]({committed.relative_to(ROOT).as_posix()})" in (ROOT / "README.md").read_text(encoding="utf-8")
    run(ROOT / "corpus", tmp_path / "results", figures=tmp_path / "figures", cache=False)  # `make results`
    assert (tmp_path / "figures" / "category_rates.png").read_bytes() == committed.read_bytes(), (
        "the README's lead figure is out of date: after `make reproduce`, copy figures/category_rates.png "
        "to docs/figures/ and commit it")
