"""`discourse-kit compare`, `kwic` and `export` on a constructed corpus whose answers are known by hand.

Corpus (dictionary `deceit: [deceive]`): r1 100 words with 2 hits (speaker "Sergey Lavrov", 2021),
r2 300 words with 4 hits (camp russia, 2021), w1 400 words with 1 hit (country United States, 2022).
"""
from __future__ import annotations

import math
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT
from helpers import in_process

from analysis.app.run import run

FILLER = "The delegates met again today. "


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli_groups")
    corpus = base / "corpus"
    corpus.mkdir()
    for doc_id, words, hits in (("r1", 100, 2), ("r2", 300, 4), ("w1", 400, 1)):
        text = "They will deceive us again. " * hits + FILLER * ((words - 5 * hits) // 5)
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "doc_id,speaker,camp,country,date,note\n"
        "r1,Sergey Lavrov,,,2021-02-23,=1+2\n"
        "r2,,russia,,\"November 2, 2021\",plain\n"
        "w1,,,United States,2022-01-15,@risk\n", encoding="utf-8")
    codebook = base / "dictionary.yml"
    codebook.write_text("deceit: [deceive]\n", encoding="utf-8")
    run(corpus, base / "results", codebook=codebook, with_sentiment=False, cache=False)
    return base


def test_compare_camps_prints_and_writes_corrected_contrasts(project, capfd):
    out_csv, rates_csv = project / "contrasts.csv", project / "rates.csv"
    code, out, err = in_process(capfd, "compare", project / "results", "--by", "camp", "--a", "russia", "--b", "west",
                                "--out", out_csv, "--rates", rates_csv)
    assert code == 0, err
    assert "rates per 1,000 word tokens by camp" in out and "corrected with holm" in out
    contrasts = pd.read_csv(out_csv)
    row = contrasts.iloc[0]
    # russia: 6 hits / 400 words = 15 per 1,000; west: 1 / 400 = 2.5; RR = 6
    assert (row["a"], row["b"], row["count_a"], row["n_tokens_a"], row["count_b"]) == ("russia", "west", 6, 400, 1)
    assert row["rate_ratio"] == pytest.approx(6.0)
    assert row["p_value"] == pytest.approx(0.125)       # 2 * P(X >= 6 | n = 7, p = 1/2) = 2 * 8/128
    assert row["p_adjusted"] == pytest.approx(0.125)    # one category: Holm leaves it
    assert row["ci_low_adjusted"] == pytest.approx(6 * math.exp(-1.959964 * math.sqrt(1 / 6 + 1)), rel=1e-4)
    rates = pd.read_csv(rates_csv)
    assert rates.set_index("group").loc["russia", "rate_per_1000"] == pytest.approx(15.0)


def test_compare_by_year_with_a_trend_figure(project, capfd):
    figure = project / "figs" / "trend.png"
    code, out, err = in_process(capfd, "compare", project / "results", "--period", "year", "--by", "camp",
                                "--out", project / "trend.csv", "--figure", figure)
    assert code == 0, err
    trend = pd.read_csv(project / "trend.csv", dtype={"period": str})
    rows = trend.set_index(["group", "period"])
    assert rows.loc[("russia", "2021"), "count"] == 6 and rows.loc[("west", "2022"), "n_tokens"] == 400
    assert figure.exists() and figure.with_suffix(".svg").exists()


def test_compare_errors_are_one_line(project, capfd):
    for args, fragment in (((project / "results", "--by", "party"), "no metadata column 'party'"),
                           ((project / "results",), "give --by"),
                           ((project / "nowhere", "--by", "camp"), "results folder not found"),
                           ((project / "results", "--by", "camp", "--a", "east"), "no group 'east'")):
        code, _, err = in_process(capfd, "compare", *args)
        assert code == 2 and err.count("\n") == 1 and fragment in err and "Traceback" not in err, err


def test_kwic_command_by_lemma_sorted_with_metadata(project, capfd):
    out_csv = project / "kwic.csv"
    code, out, err = in_process(capfd, "kwic", project / "corpus", "deceive", "--window", "3", "--by-lemma",
                                "--sort", "right", "--out", out_csv)
    assert code == 0, err
    assert "7 occurrence(s) of 'deceive' in 3 of 3 document(s)" in err
    table = pd.read_csv(out_csv, keep_default_na=False)
    assert len(table) == 7 and set(table["match"]) == {"deceive"}
    assert {"speaker", "camp", "date", "date_iso"} <= set(table.columns)
    assert table.set_index("doc_id").loc["w1", "country"] == "United States"


def test_export_command_writes_every_format(project, capfd):
    code, out, err = in_process(capfd, "export", project / "results", "--xlsx", project / "run.xlsx",
                                "--parquet", project / "pq", "--dfm", project / "dfm", "--terms", project / "corpus")
    assert code == 0, err
    book = openpyxl.load_workbook(project / "run.xlsx")
    assert book.sheetnames[0] == "data dictionary" and "documents" in book.sheetnames
    docs = book["documents"]
    header = [c.value for c in docs[1]]
    notes = {r[0].value: r[header.index("note")] for r in docs.iter_rows(min_row=2)}
    assert notes["r1"].value == "=1+2" and notes["r1"].data_type == "s"  # text, not a formula
    assert notes["w1"].value == "@risk" and notes["w1"].data_type == "s"
    assert pd.read_csv(project / "results" / "documents.csv")["note"].tolist() == ["=1+2", "plain", "@risk"]
    assert sorted(p.name for p in (project / "pq").iterdir()) == sorted(
        f"{p.stem}.parquet" for p in (project / "results").glob("*.csv"))
    assert {"categories.mtx", "terms.mtx", "terms_docvars.csv"} <= {p.name for p in (project / "dfm").iterdir()}
    code, _, err = in_process(capfd, "export", project / "results")
    assert code == 2 and "give at least one of" in err


def test_the_commands_run_as_a_console_script(project):
    done = subprocess.run([sys.executable, "-m", "analysis", "compare", str(project / "results"), "--by", "country"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "United States" in done.stdout and "(missing)" in done.stdout
