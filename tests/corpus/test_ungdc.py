"""`corpus ungdc` against a local imitation of Harvard Dataverse serving a small UNGDC-layout archive.

The archive is built here, with made-up speeches, in the layout of the real
release (``TXT/Session NN - YYYY/ISO_NN_YYYY.txt`` and
``Speakers_by_session.xlsx`` with the real column names, including the trailing
space some country names have). The real download could not be tested here
(no internet): only this imitation of its API is.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import tarfile
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from helpers import QuietHandler, server_fixture

from analysis import load_corpus
from analysis.corpus.lock import LOCK_NAME, check_lock
from analysis.corpus.ungdc import UNGDC_COLUMNS, fetch_ungdc
from analysis.errors import KitError

openpyxl = pytest.importorskip("openpyxl")

SPEECHES = {  # (iso, session, year): text
    ("RUS", 69, 2014): "Mr. President,\n\nThe Russian Federation has consistently called for dialogue.\n",
    ("RUS", 70, 2015): "Distinguished colleagues,\n\nWe reject the policy of double standards.\n",
    ("USA", 69, 2014): "Mr. President, Mr. Secretary-General,\n\nWe meet at a crossroads.\n",
    ("USA", 70, 2015): "Seventy years after the founding of the United Nations, it is worth reflecting.\n",
    ("GBR", 69, 2014): "The United Kingdom stands with Ukraine.\n",
}
SPEAKERS = [  # Year, Session, ISO Code, Country, Name of Person Speaking, Post (as in the real table)
    (2015, 70, "RUS", "Russian Federation ", "Vladimir Putin", "President"),
    (2014, 69, "RUS", "Russian Federation ", "Sergey Lavrov", "Minister for Foreign Affairs"),
    (2014, 69, "USA", "United States of America", "Barack Obama", "President"),
    (2015, 70, "USA", "United States of America", "Mr. Barack Obama", "President"),  # "Mr." in some sessions
]


def _member(iso, session, year) -> str:
    return f"TXT/Session {session} - {year}/{iso}_{session}_{year}.txt"


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"])
    for row in SPEAKERS:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _tgz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


TEXTS = {_member(*k): v.encode("utf-8") for k, v in SPEECHES.items()}
TEXTS[_member("FRA", 70, 2015)] = "La République s'engage pour la paix.\n".encode("latin-1")  # not UTF-8
TEXTS["__MACOSX/TXT/Session 69 - 2014/._RUS_69_2014.txt"] = b"\x00\x05\x16\x07"
ARCHIVE = _tgz({"UNGDC_1946-2023/" + k: v for k, v in TEXTS.items()})
ZIP_WITH_SPEAKERS = _zip({**TEXTS, "Speakers_by_session.xlsx": _xlsx()})
XLSX = _xlsx()


class _Dataverse(QuietHandler):
    """/api/datasets/:persistentId/versions/<v>?persistentId=<doi>, /api/access/datafile/<id>, /zip."""

    log: list[str] = []
    md5 = hashlib.md5(ARCHIVE).hexdigest()

    def _send(self, code, body: bytes, content_type="application/octet-stream"):
        self.send(code, body, content_type)

    def do_GET(self):  # noqa: N802 - http.server API
        self.log.append(self.path)
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        if parts.path == "/api/datasets/:persistentId/versions/:latest-published":
            if query.get("persistentId") != ["doi:10.7910/DVN/0TJX8Y"]:
                return self._send(404, b'{"status":"ERROR"}', "application/json")
            files = [
                {"label": "README.txt", "dataFile": {"id": 100, "filename": "README.txt", "filesize": 10}},
                {"label": "UNGDC_1946-2023.tgz", "dataFile": {
                    "id": 101, "filename": "UNGDC_1946-2023.tgz", "filesize": len(ARCHIVE),
                    "checksum": {"type": "MD5", "value": self.md5}}},
                {"label": "Speakers_by_session.tab", "dataFile": {  # ingested: the original is asked for
                    "id": 102, "filename": "Speakers_by_session.tab", "originalFileName": "Speakers_by_session.xlsx",
                    "checksum": {"type": "MD5", "value": "0" * 32}}},
                {"label": "Raw_PDFs_1991-2022.tgz", "dataFile": {"id": 103, "filename": "Raw_PDFs_1991-2022.tgz",
                                                                  "filesize": 10 ** 9}},
            ]
            body = {"status": "OK", "data": {"versionNumber": 12, "versionMinorNumber": 0, "files": files}}
            return self._send(200, json.dumps(body).encode(), "application/json")
        if parts.path == "/api/access/datafile/101":
            return self._send(200, ARCHIVE, "application/x-gzip")
        if parts.path == "/api/access/datafile/102":
            if query.get("format") == ["original"]:
                return self._send(200, XLSX)
            return self._send(200, b"ingested tab-separated copy", "text/tab-separated-values")
        if parts.path == "/zip":
            return self._send(200, ZIP_WITH_SPEAKERS, "application/zip")
        return self._send(404, b"not found", "text/plain")


dataverse = server_fixture(_Dataverse)


@pytest.fixture(autouse=True)
def _fresh_log():
    _Dataverse.log.clear()
    _Dataverse.md5 = hashlib.md5(ARCHIVE).hexdigest()


def _metadata(folder: Path) -> dict[str, dict]:
    with (folder / "metadata.csv").open(newline="", encoding="utf-8") as fh:
        return {r["doc_id"]: r for r in csv.DictReader(fh)}


def test_speeches_of_chosen_countries_and_years_become_a_corpus_with_metadata(dataverse, tmp_path):
    out, cache = tmp_path / "ungdc", tmp_path / "cache"
    report = fetch_ungdc(["RUS", "usa"], "2014-2016", out=out, server=dataverse, cache=cache, allow_private=True)
    assert report[["doc_id", "status"]].values.tolist() == [
        ["RUS_69_2014", "ok"], ["RUS_70_2015", "ok"], ["RUS_71_2016", "missing"],
        ["USA_69_2014", "ok"], ["USA_70_2015", "ok"], ["USA_71_2016", "missing"]]
    assert "no speech of RUS in 2016 in the archive" in report.detail[2]
    # texts byte for byte as in the archive; the speaker table's original (xlsx) was asked for
    for (iso, session, year), text in SPEECHES.items():
        path = out / f"{iso}_{session}_{year}.txt"
        assert path.read_bytes() == text.encode("utf-8") if iso != "GBR" else not path.exists()
    assert "/api/access/datafile/102?format=original" in _Dataverse.log
    assert sorted(p.name for p in out.iterdir()) == [
        "RUS_69_2014.txt", "RUS_70_2015.txt", "USA_69_2014.txt", "USA_70_2015.txt", LOCK_NAME, "metadata.csv"]
    meta = _metadata(out)
    assert list(next(iter(meta.values()))) == UNGDC_COLUMNS
    assert {k: meta["RUS_69_2014"][k] for k in ("country", "iso3", "session", "year", "speaker", "post")} == {
        "country": "Russian Federation", "iso3": "RUS", "session": "69", "year": "2014",
        "speaker": "Sergey Lavrov", "post": "Minister for Foreign Affairs"}
    assert meta["RUS_70_2015"]["speaker"] == "Vladimir Putin"
    assert meta["USA_69_2014"]["dataset"] == "UNGDC, Harvard Dataverse doi:10.7910/DVN/0TJX8Y, version 12.0"
    assert meta["USA_69_2014"]["archive_member"] == "UNGDC_1946-2023/" + _member("USA", 69, 2014)
    assert meta["USA_69_2014"]["archive_sha256"] == hashlib.sha256(ARCHIVE).hexdigest()
    # the loader reads the folder with its metadata; the lock matches the texts
    corpus = load_corpus(out)
    assert [d.doc_id for d in corpus] == ["RUS_69_2014", "RUS_70_2015", "USA_69_2014", "USA_70_2015"]
    assert corpus["RUS_69_2014"].metadata["speaker"] == "Sergey Lavrov"
    table = corpus.to_frame().set_index("doc_id")  # what documents.csv shows: no metadata column lost
    assert table.loc["USA_70_2015", ["country", "session", "speaker", "dataset"]].tolist() == [
        "United States of America", "70", "Barack Obama", "UNGDC, Harvard Dataverse doi:10.7910/DVN/0TJX8Y, version 12.0"]
    assert table.loc["USA_70_2015", "speaker_as_recorded"] == "Mr. Barack Obama"  # the table's own spelling kept
    assert table.loc["USA_69_2014", "speaker"] == table.loc["USA_69_2014", "speaker_as_recorded"] == "Barack Obama"
    assert "double standards" in corpus["RUS_70_2015"].text
    assert check_lock(out, out / LOCK_NAME)["lock"].tolist() == ["match"] * 4
    with (out / LOCK_NAME).open(newline="", encoding="utf-8") as fh:
        lock = {r["doc_id"]: r for r in csv.DictReader(fh)}
    assert lock["RUS_69_2014"]["url"] == f"{dataverse}/api/access/datafile/101#UNGDC_1946-2023/" + _member("RUS", 69, 2014)
    assert lock["RUS_69_2014"]["source"] == "dataverse" and lock["RUS_69_2014"]["extractor"] == "ungdc-archive"


def test_a_second_call_adds_speeches_and_reuses_the_downloaded_archive(dataverse, tmp_path):
    out, cache = tmp_path / "ungdc", tmp_path / "cache"
    fetch_ungdc("RUS", "2014", out=out, server=dataverse, cache=cache, allow_private=True)
    mine = out / "RUS_69_2014.txt"
    mine.write_text("my corrected copy\n", encoding="utf-8")
    report = fetch_ungdc("RUS GBR", "2014", out=out, server=dataverse, cache=cache, allow_private=True)
    assert report[["doc_id", "status"]].values.tolist() == [["GBR_69_2014", "ok"], ["RUS_69_2014", "skipped-exists"]]
    assert mine.read_text(encoding="utf-8") == "my corrected copy\n"  # never overwritten without force
    assert _Dataverse.log.count("/api/access/datafile/101") == 1  # the cached archive passed its MD5 check
    assert sorted(_metadata(out)) == ["GBR_69_2014", "RUS_69_2014"]
    assert _metadata(out)["GBR_69_2014"]["speaker"] == ""  # not in the speaker table: left empty
    assert check_lock(out, out / LOCK_NAME).set_index("doc_id")["lock"].to_dict() == {
        "GBR_69_2014": "match", "RUS_69_2014": "differs"}  # the edit shows against the lock
    report = fetch_ungdc("RUS", "2014", out=out, server=dataverse, cache=cache, allow_private=True, force=True)
    assert report.status.tolist() == ["ok"] and mine.read_bytes() == SPEECHES[("RUS", 69, 2014)].encode()


def test_a_zip_archive_with_its_speaker_table_inside_and_a_bad_member(dataverse, tmp_path):
    out = tmp_path / "zip"
    report = fetch_ungdc("FRA RUS", "2014-2015", out=out, archive=f"{dataverse}/zip", cache=tmp_path / "c",
                         allow_private=True)
    status = dict(zip(report.doc_id, report.status))
    assert status == {"FRA_69_2014": "missing", "FRA_70_2015": "failed", "RUS_69_2014": "ok", "RUS_70_2015": "ok"}
    detail = dict(zip(report.doc_id, report.detail))
    assert "not UTF-8 text" in detail["FRA_70_2015"]
    assert _metadata(out)["RUS_69_2014"]["speaker"] == "Sergey Lavrov"
    assert _metadata(out)["RUS_69_2014"]["dataset"] == f"UNGDC archive from {dataverse}/zip"


def test_a_member_too_large_for_a_speech_fails_alone(tmp_path, monkeypatch):
    from analysis.corpus import ungdc

    archive = tmp_path / "UNGDC_1946-2023.zip"
    archive.write_bytes(ZIP_WITH_SPEAKERS)
    longest = max(len(v) for k, v in TEXTS.items() if k.startswith("TXT/Session 70"))
    monkeypatch.setattr(ungdc, "MAX_SPEECH_BYTES", longest - 1)  # instead of writing a 5 MB member
    report = fetch_ungdc("RUS USA", "2015", out=tmp_path / "o", archive=archive).set_index("doc_id")
    too_large = report[report.detail.str.contains("too large for one speech")]
    assert len(too_large) == 1 and set(too_large.status) == {"failed"}
    assert set(report.status) == {"ok", "failed"}


def test_an_archive_on_disk(tmp_path):
    archive = tmp_path / "UNGDC_1946-2023.tgz"
    archive.write_bytes(ARCHIVE)
    speakers = tmp_path / "Speakers_by_session.xlsx"
    speakers.write_bytes(XLSX)
    report = fetch_ungdc("USA", "2015", out=tmp_path / "o", archive=archive, speakers=speakers)
    assert report.status.tolist() == ["ok"]
    assert _metadata(tmp_path / "o")["USA_70_2015"]["speaker"] == "Barack Obama"


def test_a_download_that_fails_its_checksum_is_deleted(dataverse, tmp_path):
    _Dataverse.md5 = "f" * 32
    with pytest.raises(KitError, match="does not match the MD5 checksum Dataverse lists"):
        fetch_ungdc("RUS", "2014", out=tmp_path / "o", server=dataverse, cache=tmp_path / "c", allow_private=True)
    assert not list((tmp_path / "c").glob("*.tgz")) and not (tmp_path / "o").exists()


def test_local_addresses_are_refused_without_the_flag(dataverse, tmp_path):
    with pytest.raises(KitError, match="a loopback address; fetching from this machine"):
        fetch_ungdc("RUS", "2014", out=tmp_path / "o", server=dataverse, cache=tmp_path / "c")


@pytest.mark.parametrize("countries, years, said", [
    ("RUSSIA", "2014", "ISO 3166-1 alpha-3 codes"),
    ("", "2014", "ISO 3166-1 alpha-3 codes"),
    ("RUS", "14", "years must look like 2014"),
    ("RUS", "2016-2014", "is not within 1946-2100"),
])
def test_bad_arguments_are_one_line(tmp_path, countries, years, said):
    with pytest.raises(KitError, match=said):
        fetch_ungdc(countries, years, out=tmp_path / "o", archive=tmp_path / "none.tgz")


def test_cli_ungdc(dataverse, tmp_path, capsys):
    from analysis.app.cli import main

    args = ["corpus", "ungdc", "--countries", "RUS", "USA", "--years", "2014-2015", "--out", str(tmp_path / "o"),
            "--dataverse", dataverse, "--allow-private", "--cache", str(tmp_path / "c")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "RUS_69_2014" in out and "USA_70_2015" in out and "ok" in out
    assert main([a.replace("2014-2015", "2016") for a in args]) == 1  # no speeches of 2016 in this archive
    assert "2 of 2 speech(es) missing from the archive" in capsys.readouterr().err
    assert main(["corpus", "ungdc", "--countries", "RUS"]) == 2
    assert "needs --countries, --years and --out" in capsys.readouterr().err
