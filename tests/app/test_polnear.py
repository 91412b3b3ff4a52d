"""The PolNeAR attribution benchmark (analysis.app.polnear, benchmarks/attribution_polnear.py)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

from analysis.app import polnear


def test_speech_cues_are_data():
    for cue in ("said", "told", "according to", ":", "has repeatedly criticized", "Tweeted", "called for"):
        assert polnear.is_speech_cue(cue), cue
    for cue in ("thinks", "wants", "is expected", "plans", "seemed", "believe", ""):
        assert not polnear.is_speech_cue(cue), cue


def test_brat_reader_and_scoring(tmp_path, nlp):
    text = "''We will win,'' Mr. Hale said. Ms. Ortega thinks the vote is close. Aides say Hale is tired.\n"
    (tmp_path / "train" / "text").mkdir(parents=True)
    (tmp_path / "train" / "attributions").mkdir()
    (tmp_path / "train" / "text" / "a.txt").write_text(text, encoding="utf-8")
    s, e = text.index("We"), text.index(",''") + 1
    ann = [
        f"T1\tSource {text.index('Mr. Hale')} {text.index('Mr. Hale') + 8}\tMr. Hale",
        f"T2\tCue {text.index('said')} {text.index('said') + 4}\tsaid",
        f"T3\tContent {s} {e}\t{text[s:e]}",
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
        f"T4\tCue {text.index('thinks')} {text.index('thinks') + 6}\tthinks",
        f"T5\tContent {text.index('the vote')} {text.index('close') + 5}\tthe vote is close",
        "E2\tAttribution:T4 Content:T5 Cue:T4",
        f"T6\tCue {text.index('say')} {text.index('say') + 3}\tsay",
        f"T7\tContent {text.index('Hale is')} {text.index('tired') + 5}\tHale is tired",
        f"T8\tSource {text.index('Aides')} {text.index('Aides') + 5}\tAides",
        "E3\tAttribution:T6 Content:T7 Cue:T6 Source:T8",
    ]
    (tmp_path / "train" / "attributions" / "a_zz99.ann").write_text("garbage\n", encoding="utf-8")
    (tmp_path / "train" / "attributions" / "a_aa01.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    docs = polnear.load_polnear("train", tmp_path)
    assert len(docs) == 1 and len(docs[0].attributions) == 3  # the alphabetically first annotator's file
    speech = [a for a in docs[0].attributions if a["speech"]]
    assert len(speech) == 2 and speech[0]["quoted"] and not speech[1]["quoted"]
    result = polnear.polnear_scores("train", data=tmp_path)
    assert (result["gold_speech"], result["gold_belief"], result["gold_quoted"]) == (2, 1, 1)
    assert result["recall"] == 1.0 and result["quoted_recall"] == 1.0 and result["source_acc"] == 1.0
    assert result["cue_acc"] == 1.0 and result["precision"] == 1.0


def test_benchmark_skips_without_data(tmp_path, capsys):
    assert polnear.polnear_scores("dev", data=tmp_path / "absent") is None
    assert polnear.main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "attribution_polnear.py"), "--data",
                           str(tmp_path / "absent")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "skipped: PolNeAR data not found" in done.stdout


def test_benchmark_runs_on_a_few_train_articles(capsys):
    if not (SHARED / "eval" / "polnear" / "train").is_dir():
        pytest.skip("../shared/eval/polnear is absent")
    assert polnear.main(["--split", "train", "--limit", "5"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["docs"] == 5 and result["gold_speech"] > 0
    for key in ("precision", "recall", "f1", "quoted_recall", "source_acc", "cue_acc"):
        assert 0.0 <= result[key] <= 1.0
