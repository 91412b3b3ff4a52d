"""Dates read once at load: `date` -> ISO `date_iso`, one warning line for the unreadable ones."""
from __future__ import annotations

import datetime as dt

import pytest

from analysis import load_corpus
from analysis.corpus.dates import date_problem, parse_date


@pytest.mark.parametrize("value, iso", [
    ("2024-02-23", "2024-02-23"),
    ("2024-02-23T10:30:00Z", "2024-02-23"),
    ("2024-02-23 10:30", "2024-02-23"),
    ("2024/2/3", "2024-02-03"),
    ("20240223", "2024-02-23"),
    ("2024-02", "2024-02"),
    ("2014", "2014"),
    ("February 23, 2024", "2024-02-23"),
    ("february 23 2024", "2024-02-23"),
    ("Feb. 23, 2024", "2024-02-23"),
    ("Sept 1, 2022", "2022-09-01"),
    ("Monday, December 27, 2021", "2021-12-27"),
    ("December 27th, 2021", "2021-12-27"),
    ("27 December 2021", "2021-12-27"),
    ("27th of December, 2021", "2021-12-27"),
    ("27 Dec. 2021", "2021-12-27"),
    ("December 2021", "2021-12"),
    ("27.12.2021", "2021-12-27"),
    ("12/27/2021", "2021-12-27"),   # 27 > 12: month/day/year
    ("27/12/2021", "2021-12-27"),   # 27 > 12: day/month/year
    ("05/05/2021", "2021-05-05"),   # same either way
    ("  2021-12-27\n", "2021-12-27"),
    (dt.date(2022, 1, 7), "2022-01-07"),
    (dt.datetime(2022, 1, 7, 23, 59), "2022-01-07"),
    (2019, "2019"),
])
def test_dates_in_common_forms_are_read(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize("value, problem", [
    ("03/04/2024", "day/month order ambiguous"),   # 3 April or 4 March: not guessed
    ("2023-02-30", "no such day"),
    ("February 30, 2023", "no such day"),
    ("next Tuesday", "unrecognised form"),
    ("23 Febuary 2024", "unrecognised form"),
])
def test_unreadable_dates_are_none_with_a_reason(value, problem):
    assert parse_date(value) is None
    assert date_problem(value) == problem


@pytest.mark.parametrize("value", ["", "NA", "n/a", "nan", "None", "unknown", "-", None])
def test_missing_markers_are_missing_not_errors(value):
    assert parse_date(value) is None and date_problem(value) == ""


def test_load_corpus_adds_date_iso_and_one_warning_naming_the_bad_documents(tmp_path):
    (tmp_path / "a.txt").write_text("Talks went well.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Talks failed.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Talks resumed.\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("No date here.\n", encoding="utf-8")
    (tmp_path / "e.txt").write_text("---\ndate: 2022-01-07\n---\nFront matter date.\n", encoding="utf-8")
    (tmp_path / "f.txt").write_text("Missing marker.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,date\na,\"February 23, 2024\"\nb,next Tuesday\nc,03/04/2024\nf,NA\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    iso = {d.doc_id: d.metadata.get("date_iso") for d in corpus}
    assert iso == {"a": "2024-02-23", "b": "", "c": "", "d": None, "e": "2022-01-07", "f": ""}
    assert corpus["b"].metadata["date"] == "next Tuesday"  # the original is kept as written
    lines = [w for w in corpus.warnings if w.startswith("date:")]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "2 document(s)" in lines[0] and "b ('next Tuesday'" in lines[0] and "c ('03/04/2024'" in lines[0]
    assert " f " not in lines[0] and "a (" not in lines[0]
    assert list(corpus.to_frame().columns[:3]) == ["doc_id", "date", "date_iso"]


def test_a_users_own_date_iso_is_kept(tmp_path):
    (tmp_path / "a.txt").write_text("---\ndate: sometime\ndate_iso: '2020-05'\n---\nText.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus["a"].metadata["date_iso"] == "2020-05" and not corpus.warnings
