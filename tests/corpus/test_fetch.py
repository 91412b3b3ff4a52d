"""fetch_manifest against a local HTTP server serving pages written here."""
from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path

import pytest
from helpers import QuietHandler, server_fixture

from analysis import load_corpus
from analysis.corpus.fetch import REPORT_COLUMNS, fetch_manifest, read_manifest
from analysis.corpus.lock import FETCHED_COLUMNS, LOCK_COLUMNS, LOCK_NAME, check_lock, fetched_texts
from analysis.errors import KitError

ARTICLE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Press availability</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/press">Press</a> | <a href="/about">About us</a></nav>
<article>
<h1>Secretary at a Press Availability</h1>
<p>The Secretary said that the talks with Russia in Geneva would continue next week, and that
the United States and its Allies had prepared written proposals on arms control and transparency.</p>
<p>He added that diplomacy remained the preferred path, but that the Alliance was ready for either
outcome, and that any further aggression would be met with a swift and severe response.</p>
<p>Asked about the NATO-Russia Council meeting in Brussels, he said that Allies would listen to
Moscow\u2019s concerns and put forward their own, on a reciprocal basis.</p>
</article>
<footer>Copyright 2022. All rights reserved. Privacy policy. Contact.</footer>
</body></html>
"""


#: what /changing serves: the test edits it to simulate a page changed after a lock was published
CHANGING = {"text": "The Secretary said that the talks would continue next week in Geneva."}


def _page(paragraph: str) -> bytes:
    return ARTICLE.replace("Moscow\u2019s concerns", paragraph).encode("utf-8")


class _Handler(QuietHandler):
    """Routes: /article, /missing (404), /big, /big-nolength, /slow, /to-file, /pdf, /changing,
    /archive/v1 (the first version of /changing, as an archive keeps it)."""

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path == "/article":
            self.send(200, ARTICLE.encode("utf-8"))
        elif self.path == "/big":
            self.send(200, b"<html><body><p>" + b"x" * 50_000 + b"</p></body></html>")
        elif self.path == "/big-nolength":
            self.close_connection = True
            self.send(200, b"<html><body><p>" + b"y" * 50_000 + b"</p></body></html>", length=False)
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send(200, ARTICLE.encode("utf-8"))
        elif self.path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif self.path == "/changing":
            self.send(200, _page(CHANGING["text"]))
        elif self.path == "/archive/v1":
            self.send(200, _page("The Secretary said that the talks would continue next week in Geneva."))
        elif self.path == "/empty":  # an HTML page with a title and a script, no text
            self.send(200, b"<html><head><title>Briefing</title></head><body><script>var a = 1;</script></body></html>")
        elif self.path == "/pdf":
            self.send(200, b"%PDF-1.4 not a web page", content_type="application/pdf")
        else:
            self.send(404, b"<html><body>not found</body></html>")


server = server_fixture(_Handler)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")


def _manifest(folder: Path, rows: list[dict]) -> Path:
    path = folder / "manifest.csv"
    fields = ["doc_id", "title", "speaker", "date", "genre", "url", "archive_url", "license_note"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({"title": "", "speaker": "", "date": "", "genre": "", "archive_url": "", "license_note": "", **r})
    return path


def _row(report, doc_id):
    return report.set_index("doc_id").loc[doc_id]


def test_success_writes_markdown_with_front_matter_that_the_loader_reads(server, tmp_path):
    from analysis import load_corpus

    manifest = _manifest(tmp_path, [{
        "doc_id": "2022-01-07_state_press", "title": "Secretary at a Press Availability",
        "speaker": "Antony J. Blinken", "date": "2022-01-07", "genre": "transcript",
        "url": f"{server}/article", "license_note": "public domain\n---\n(17 U.S.C. 105)",
    }])
    report = fetch_manifest(manifest, allow_private=True)
    assert list(report.columns) == REPORT_COLUMNS
    row = _row(report, "2022-01-07_state_press")
    assert row.status == "ok", row.detail
    path = Path(row.path)
    assert path == tmp_path / "fetched" / "2022-01-07_state_press.md"
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith("---\n")
    body = raw.split("\n---\n", 1)[1]
    # main text kept, navigation and footer dropped
    assert "written proposals on arms control" in body
    assert "Moscow\u2019s concerns" in body
    assert "Privacy policy" not in body and "About us" not in body
    corpus = load_corpus(tmp_path / "fetched")
    doc = corpus["2022-01-07_state_press"]
    meta = doc.metadata
    assert meta["title"] == "Secretary at a Press Availability"
    assert meta["speaker"] == "Antony J. Blinken"
    assert meta["date"] == "2022-01-07"
    assert meta["license_note"] == "public domain --- (17 U.S.C. 105)"  # a line break in a cell stays inside
    assert meta["url"] == f"{server}/article"
    assert meta["fetched_url"] == f"{server}/article" and meta["fetched_from"] == "live"
    assert meta["retrieved_at"].endswith("+00:00")
    assert meta["sha256"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert meta["sha256"] == doc.sha256  # the analysed text is the stored text


def test_each_failure_is_reported_and_the_run_carries_on(server, tmp_path):
    rows = [
        {"doc_id": "missing", "url": f"{server}/missing"},
        {"doc_id": "big", "url": f"{server}/big"},
        {"doc_id": "big_nolength", "url": f"{server}/big-nolength"},
        {"doc_id": "file_url", "url": "file:///etc/passwd"},
        {"doc_id": "ftp_url", "url": "ftp://example.org/a.html"},
        {"doc_id": "redirect_to_file", "url": f"{server}/to-file"},
        {"doc_id": "pdf", "url": f"{server}/pdf"},
        {"doc_id": "empty", "url": f"{server}/empty"},
        {"doc_id": "../escape", "url": f"{server}/article"},
        {"doc_id": "sub/dir", "url": f"{server}/article"},
        {"doc_id": "good", "url": f"{server}/article"},
    ]
    out = tmp_path / "out"
    report = fetch_manifest(_manifest(tmp_path, rows), out=out, max_bytes=20_000, allow_private=True)
    assert report["doc_id"].tolist() == [r["doc_id"] for r in rows]
    status = dict(zip(report.doc_id, report.status))
    detail = dict(zip(report.doc_id, report.detail))
    assert status.pop("good") == "ok"
    assert set(status.values()) == {"failed"}
    assert "HTTP 404" in detail["missing"]
    assert "too large" in detail["big"] and "too large" in detail["big_nolength"]
    assert "only http:// and https://" in detail["file_url"]
    assert "only http:// and https://" in detail["ftp_url"]
    assert "refused redirect" in detail["redirect_to_file"] and "file:///etc/passwd" in detail["redirect_to_file"]
    assert "not an HTML page" in detail["pdf"]
    assert "no main text found in the page" in detail["empty"]
    assert "refused doc_id" in detail["../escape"] and "refused doc_id" in detail["sub/dir"]
    assert sorted(p.name for p in out.iterdir()) == ["fetch-lock.csv", "good.md"]
    assert not (tmp_path / "escape.md").exists()


def test_slow_server_times_out(server, tmp_path):
    manifest = _manifest(tmp_path, [{"doc_id": "slow", "url": f"{server}/slow"}])
    start = time.monotonic()
    report = fetch_manifest(manifest, timeout=0.3, allow_private=True)
    assert time.monotonic() - start < 1.4
    assert report.status.tolist() == ["failed"]
    assert "timed out" in report.detail[0]


def test_offline_is_reported_per_document(tmp_path):
    import socket

    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rows = [{"doc_id": "a", "url": f"http://127.0.0.1:{port}/a"},
            {"doc_id": "b", "url": f"http://127.0.0.1:{port}/b"}]
    report = fetch_manifest(_manifest(tmp_path, rows), timeout=2, allow_private=True)
    assert report.status.tolist() == ["failed", "failed"]
    assert all("cannot connect" in d for d in report.detail)
    assert not (tmp_path / "fetched").exists() or not any((tmp_path / "fetched").iterdir())


def test_existing_file_is_kept_unless_force(server, tmp_path):
    out = tmp_path / "fetched"
    out.mkdir()
    mine = out / "doc.md"
    mine.write_text("my own edited text\n", encoding="utf-8")
    manifest = _manifest(tmp_path, [{"doc_id": "doc", "url": f"{server}/article"}])
    report = fetch_manifest(manifest, allow_private=True)
    assert report.status.tolist() == ["skipped-exists"]
    assert mine.read_text(encoding="utf-8") == "my own edited text\n"
    report = fetch_manifest(manifest, force=True, allow_private=True)
    assert report.status.tolist() == ["ok"]
    assert "written proposals" in mine.read_text(encoding="utf-8")


def test_cli_fetch_prints_the_report(server, tmp_path, capsys):
    from analysis.app.cli import main

    manifest = _manifest(tmp_path, [{"doc_id": "x", "url": f"{server}/article"},
                                    {"doc_id": "y", "url": f"{server}/missing"}])
    assert main(["corpus", "fetch", str(manifest), "--out", str(tmp_path / "o"), "--allow-private"]) == 1  # one failed
    captured = capsys.readouterr()
    assert "ok" in captured.out and "HTTP 404" in captured.out
    assert "1 of 2 document(s) could not be fetched" in captured.err
    only_ok = _manifest(tmp_path, [{"doc_id": "x2", "url": f"{server}/article"}])
    assert main(["corpus", "fetch", str(only_ok), "--out", str(tmp_path / "o"), "--allow-private"]) == 0


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "manifest not found"),
        ("doc_id,title\na,b\n", "needs the column(s) url"),
        ("doc_id,url\na,http://x\na,http://y\n", "duplicate doc_id 'a'"),
    ],
)
def test_bad_manifest_is_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "manifest.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(KitError) as e:
        fetch_manifest(path)
    assert problem in str(e.value) and "manifest.csv" in str(e.value)
    assert "\n" not in str(e.value)


def test_bad_arguments(tmp_path):
    path = _manifest(tmp_path, [])
    with pytest.raises(KitError, match="timeout"):
        fetch_manifest(path, timeout=0)
    with pytest.raises(KitError, match="max_bytes"):
        fetch_manifest(path, max_bytes=-1)


@pytest.mark.parametrize("command", ["fetch", "ungdc"])
@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e400", "86401"])
def test_cli_timeout_that_is_no_deadline_is_one_line_exit_2(tmp_path, capsys, command, value):
    # before: inf raised OverflowError (a traceback); nan was accepted and then every download failed
    from analysis.app.cli import main

    path = _manifest(tmp_path, [])
    args = (["corpus", "fetch", str(path)] if command == "fetch"
            else ["corpus", "ungdc", "--countries", "RUS", "--years", "2015", "--out", str(tmp_path / "o")])
    assert main(args + ["--timeout", value]) == 2
    err = capsys.readouterr().err
    assert "must be a number of seconds above 0 and at most 86400" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists() and not (tmp_path / "fetched").exists()


def test_bundled_manifest_keeps_every_fact_of_the_shared_list():
    from conftest import ROOT, SHARED

    from analysis.corpus.fetch import wayback_url

    rows = read_manifest(ROOT / "corpus" / "manifest.csv")
    assert len({r["doc_id"] for r in rows}) == len(rows) >= 10
    for r in rows:
        assert r["url"].startswith(("http://", "https://")) and r["license_note"]
        assert r["doc_id"].startswith(r["date"])
        # the kind of source is said, and agrees with the shared list's note
        assert r["url_kind"] == ("official" if r["url_note"].startswith("official") else "repost")
        assert r["repost_url"] == "" or r["url_kind"] == "official"
        # an archived snapshot per document, built from the Wayback pattern and marked as not checked
        assert r["archive_url"] == wayback_url(r["url"], r["date"]) and r["archive_verified"] == "no"
    shared = SHARED / "corpus" / "real_documents.csv"
    if not shared.exists():
        pytest.skip("the manifest's original source list is part of the developers' shared data, not of this "
                    "checkout; nothing a user runs depends on it")
    with shared.open(newline="", encoding="utf-8") as fh:
        original = list(csv.DictReader(fh))
    added = {"doc_id", "url_kind", "repost_url", "archive_url", "archive_verified"}
    assert [{k: v for k, v in r.items() if k not in added} for r in rows] == original


# --------------------------------------------------------------------------- lock file and archive fallback

def _lock(folder: Path) -> list[dict]:
    with (folder / LOCK_NAME).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_the_lock_file_records_each_stored_text(server, tmp_path):
    import trafilatura

    manifest = _manifest(tmp_path, [{"doc_id": "b", "url": f"{server}/article"},
                                    {"doc_id": "a", "url": f"{server}/changing"},
                                    {"doc_id": "gone", "url": f"{server}/missing"}])
    report = fetch_manifest(manifest, allow_private=True)
    assert report.status.tolist() == ["ok", "ok", "failed"] and report.lock.tolist() == ["", "", ""]
    out = tmp_path / "fetched"
    rows = _lock(out)
    assert list(rows[0]) == LOCK_COLUMNS
    assert [r["doc_id"] for r in rows] == ["a", "b"]  # sorted; the failed document has no row
    for r in rows:
        body = _body(out / f"{r['doc_id']}.md")
        assert r["sha256"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
        assert int(r["n_chars"]) == len(body) and r["source"] == "live"
        assert r["extractor"] == "trafilatura" and r["extractor_version"] == trafilatura.__version__
        assert r["fetched_at"].endswith("+00:00")
    assert rows[1]["url"] == f"{server}/article"
    # a second run keeps every file and writes the same lock, byte for byte
    before = (out / LOCK_NAME).read_bytes()
    report = fetch_manifest(manifest, allow_private=True)
    assert report.status.tolist() == ["skipped-exists", "skipped-exists", "failed"]
    assert (out / LOCK_NAME).read_bytes() == before


def test_a_published_lock_says_which_texts_match_and_the_archive_restores_a_changed_page(server, tmp_path):
    rows = [{"doc_id": "changing", "url": f"{server}/changing", "archive_url": f"{server}/archive/v1"},
            {"doc_id": "stable", "url": f"{server}/article"}]
    scholar, student = tmp_path / "scholar", tmp_path / "student"
    scholar.mkdir()
    student.mkdir()
    CHANGING["text"] = "The Secretary said that the talks would continue next week in Geneva."
    fetch_manifest(_manifest(scholar, rows), allow_private=True)
    published = scholar / "fetched" / LOCK_NAME
    # later the live page changes; a student fetching without the lock gets the new text ...
    CHANGING["text"] = "The Secretary said that the page was edited after publication."
    try:
        fetch_manifest(_manifest(student, rows), out=student / "plain", allow_private=True)
        check = check_lock(student / "plain", published).set_index("doc_id")
        assert check.loc["changing", "lock"] == "differs" and check.loc["stable", "lock"] == "match"
        assert "edited after publication" in _body(student / "plain" / "changing.md")
        # ... and with the lock, the live page is tried, found different, and the archived snapshot used
        report = fetch_manifest(_manifest(student, rows), out=student / "locked", allow_private=True,
                                lock=published).set_index("doc_id")
        assert report.loc["changing", "status"] == "ok" and report.loc["changing", "lock"] == "match"
        assert report.loc["changing", "source"] == "archive" and report.loc["changing", "url"] == f"{server}/archive/v1"
        assert "text differs from the lock" in report.loc["changing", "detail"]
        assert report.loc["stable", "lock"] == "match" and report.loc["stable", "source"] == "live"
        assert _body(student / "locked" / "changing.md") == _body(scholar / "fetched" / "changing.md")
        meta = load_corpus(student / "locked")["changing"].metadata
        assert meta["fetched_from"] == "archive" and meta["fetched_url"] == f"{server}/archive/v1"
        assert meta["url"] == f"{server}/changing"  # the manifest's page stays the citable address
        # the student's own lock now names the archive as the source of that text
        assert {r["doc_id"]: r["source"] for r in _lock(student / "locked")} == {"changing": "archive", "stable": "live"}
    finally:
        CHANGING["text"] = "The Secretary said that the talks would continue next week in Geneva."


def test_the_archive_is_the_fallback_when_the_live_page_fails(server, tmp_path):
    manifest = _manifest(tmp_path, [{"doc_id": "d", "url": f"{server}/missing", "archive_url": f"{server}/archive/v1"},
                                    {"doc_id": "e", "url": f"{server}/missing", "archive_url": f"{server}/gone"}])
    report = fetch_manifest(manifest, allow_private=True).set_index("doc_id")
    assert report.loc["d", "status"] == "ok" and report.loc["d", "source"] == "archive"
    assert "from the archive copy (live: HTTP 404" in report.loc["d", "detail"]
    assert report.loc["e", "status"] == "failed"
    assert report.loc["e", "detail"] == "live: HTTP 404 Not Found; archive: HTTP 404 Not Found"


def test_lock_check_reports_missing_edited_and_unlisted_texts(server, tmp_path):
    out = tmp_path / "fetched"
    manifest = _manifest(tmp_path, [{"doc_id": "x", "url": f"{server}/article"}])
    fetch_manifest(manifest, allow_private=True)
    lock = tmp_path / "paper-lock.csv"
    lock.write_text((out / LOCK_NAME).read_text(encoding="utf-8")
                    + "ghost,live,https://example.org/g,2022-01-01T00:00:00+00:00," + "a" * 64 + ",10,trafilatura,1,0.1\n",
                    encoding="utf-8")
    (out / "mine.md").write_text("my own note\n", encoding="utf-8")
    report = fetch_manifest(manifest, allow_private=True, lock=lock)
    assert report[["doc_id", "status", "lock"]].values.tolist() == [
        ["x", "skipped-exists", "match"], ["ghost", "not-in-manifest", "missing"]]
    edited = out / "x.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("written proposals", "WRITTEN proposals"),
                      encoding="utf-8")
    check = check_lock(out, lock)
    assert check[["doc_id", "lock"]].values.tolist() == [["ghost", "missing"], ["mine", "not-in-lock"], ["x", "differs"]]


def test_fetched_texts_says_where_each_text_came_from_and_whether_it_matches(server, tmp_path):
    out = tmp_path / "fetched"
    assert fetched_texts(out).empty and list(fetched_texts(out).columns) == FETCHED_COLUMNS  # nothing fetched yet
    manifest = _manifest(tmp_path, [{"doc_id": "d", "url": f"{server}/missing", "archive_url": f"{server}/archive/v1"},
                                    {"doc_id": "x", "url": f"{server}/article"}])
    fetch_manifest(manifest, allow_private=True)
    plain = fetched_texts(out)
    assert plain[["doc_id", "source", "url", "lock"]].values.tolist() == [
        ["d", "archive", f"{server}/archive/v1", ""], ["x", "live", f"{server}/article", ""]]
    assert plain.sha256.tolist() == [hashlib.sha256(_body(out / f"{d}.md").encode()).hexdigest() for d in "dx"]
    published = tmp_path / "published.csv"
    published.write_bytes((out / LOCK_NAME).read_bytes())
    (out / "x.md").write_text((out / "x.md").read_text(encoding="utf-8").replace("Geneva", "Vienna"), encoding="utf-8")
    checked = fetched_texts(out, published)
    assert checked[["doc_id", "lock"]].values.tolist() == [["d", "match"], ["x", "differs"]]
    assert checked.loc[1, "sha256"] != plain.loc[1, "sha256"]


def test_cli_lock_check_exits_1_when_a_text_differs(server, tmp_path, capsys):
    from analysis.app.cli import main

    manifest = _manifest(tmp_path, [{"doc_id": "x", "url": f"{server}/article"}])
    out = tmp_path / "o"
    assert main(["corpus", "fetch", str(manifest), "--out", str(out), "--allow-private"]) == 0
    lock = tmp_path / "published.csv"
    lock.write_bytes((out / LOCK_NAME).read_bytes())
    assert main(["corpus", "fetch", str(manifest), "--out", str(out), "--lock", str(lock)]) == 0
    assert "lock " + str(lock) + ": 1 match, 0 differs, 0 missing, 0 not-in-lock" in capsys.readouterr().out
    (out / "x.md").write_text("---\nurl: x\n---\nanother text\n", encoding="utf-8")
    assert main(["corpus", "fetch", str(manifest), "--out", str(out), "--lock", str(lock)]) == 1
    captured = capsys.readouterr()
    assert "0 match, 1 differs" in captured.out and "do not match the lock" in captured.err


@pytest.mark.parametrize("content, problem", [
    ("doc_id,url\nx,u\n", "needs the column(s) sha256"),
    ("doc_id,sha256\nx,abc\n", "sha256 'abc' is not 64 hexadecimal digits"),
    ("doc_id,sha256\nx," + "a" * 64 + "\nx," + "b" * 64 + "\n", "duplicate doc_id 'x'"),
])
def test_a_bad_lock_file_is_one_clear_error(tmp_path, content, problem):
    lock = tmp_path / "lock.csv"
    lock.write_text(content, encoding="utf-8")
    with pytest.raises(KitError) as e:
        fetch_manifest(_manifest(tmp_path, []), lock=lock)
    assert problem in str(e.value) and "lock.csv" in str(e.value)


def test_cli_refuses_options_of_another_mode(tmp_path, capsys):
    from analysis.app.cli import main

    assert main(["corpus", "fetch", str(_manifest(tmp_path, [])), "--countries", "RUS"]) == 2
    assert "--countries cannot be used with `discourse-kit corpus fetch`" in capsys.readouterr().err
    assert main(["corpus", "corpus", "--lock", "x.csv"]) == 2
    assert "--lock cannot be used with `discourse-kit corpus PATH`" in capsys.readouterr().err
