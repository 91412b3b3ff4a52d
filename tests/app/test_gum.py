"""The GUM Wikinews attribution benchmark: in the package (analysis.app.gum), run by benchmarks/attribution_gum.py."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

from analysis.app import gum


def test_benchmark_skips_without_data(tmp_path, capsys):
    assert gum.gum_scores("test", data=tmp_path / "absent") is None
    assert gum.main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_the_benchmark_script_runs_the_package_benchmark(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "attribution_gum.py"), "--data",
                           str(tmp_path / "absent")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "skipped: GUM data not found" in done.stdout


def test_benchmark_runs_on_dev(capsys):
    if not (SHARED / "eval" / "gum-wikinews").is_dir():
        pytest.skip("needs the GUM Wikinews gold annotations, which are not distributed with the kit "
                    "(a developer checkout has them beside the project)")
    assert gum.main(["--split", "dev"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    dev = result["dev"]
    assert dev["docs"] == 4 and dev["gold_quotes"] == 17
    for key in ("quote_p", "quote_r", "quote_f1", "speaker_acc", "attr_recall", "speech_recall"):
        assert 0.0 <= dev[key] <= 1.0
    assert gum.gum_scores("dev")["dev"] == dev
