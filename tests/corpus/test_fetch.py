"""fetch_manifest against a local HTTP server serving pages written here."""
from __future__ import annotations

import csv
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis.corpus.fetch import REPORT_COLUMNS, fetch_manifest, read_manifest
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


class _Handler(BaseHTTPRequestHandler):
    """Routes: /article, /missing (404), /big, /big-nolength, /slow, /to-file, /pdf."""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8", length: bool = True):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path == "/article":
            self._send(200, ARTICLE.encode("utf-8"))
        elif self.path == "/big":
            self._send(200, b"<html><body><p>" + b"x" * 50_000 + b"</p></body></html>")
        elif self.path == "/big-nolength":
            self.close_connection = True
            self._send(200, b"<html><body><p>" + b"y" * 50_000 + b"</p></body></html>", length=False)
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, ARTICLE.encode("utf-8"))
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/pdf":
            self._send(200, b"%PDF-1.4 not a web page", ctype="application/pdf")
        else:
            self._send(404, b"<html><body>not found</body></html>")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the client gave up (timeout test): expected
        pass


@pytest.fixture(scope="module")
def server():
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")


def _manifest(folder: Path, rows: list[dict]) -> Path:
    path = folder / "manifest.csv"
    fields = ["doc_id", "title", "speaker", "date", "genre", "url", "license_note"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({"title": "", "speaker": "", "date": "", "genre": "", "license_note": "", **r})
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


def test_bundled_manifest_keeps_every_fact_of_the_shared_list():
    from conftest import ROOT, SHARED

    rows = read_manifest(ROOT / "corpus" / "manifest.csv")
    assert len({r["doc_id"] for r in rows}) == len(rows) >= 10
    for r in rows:
        assert r["url"].startswith(("http://", "https://")) and r["license_note"]
        assert r["doc_id"].startswith(r["date"])
    shared = SHARED / "corpus" / "real_documents.csv"
    if not shared.exists():
        pytest.skip("../shared is absent")
    with shared.open(newline="", encoding="utf-8") as fh:
        original = list(csv.DictReader(fh))
    assert [{k: v for k, v in r.items() if k != "doc_id"} for r in rows] == original
