"""The guarded HTTP client against hostile servers on 127.0.0.1 (each bounded in time).

Servers: a slow drip (body and headers), truncated bodies (Content-Length and
chunked), redirects to other loopback addresses, redirect loops. Every test
talks only to 127.0.0.1: addresses that would be refused are refused before any
connection, and "public" addresses are simulated by treating 127.0.0.1 as one.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from helpers import QuietHandler, in_child, loopback_server, server_fixture

from analysis.corpus import web
from analysis.corpus.web import check_address, http_get
from analysis.errors import FetchError

PAGE = b"<html><body><article><p>" + b"The talks in Geneva went on for eight hours. " * 40 + b"</p></article></body></html>"
DRIP_LIMIT_S = 10  # every dripping handler gives up by itself after this long


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _drip(self, data: bytes, pause: float = 0.05) -> None:
        stop = time.monotonic() + DRIP_LIMIT_S
        for i in range(len(data)):
            if time.monotonic() > stop:
                return
            try:
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            except OSError:  # the client gave up: what the test wants
                return
            time.sleep(pause)

    def do_GET(self):  # noqa: N802 - http.server API
        port = self.server.server_address[1]
        if self.path == "/article":
            self.send(200, PAGE, "text/html")
        elif self.path == "/drip-body":  # headers at once, then one byte every 50 ms (100 s in all)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2000")
            self.end_headers()
            self.wfile.flush()
            self._drip(b"x" * 2000)
            self.close_connection = True
        elif self.path == "/drip-headers":  # even the status line and headers come one byte at a time
            self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: " + b"y" * 500 + b"\r\n\r\n")
            self.close_connection = True
        elif self.path == "/truncated":  # announces 5000 bytes, sends 1000, closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(PAGE[:1000])
            self.close_connection = True
        elif self.path == "/truncated-chunked":  # one chunk, then the connection closes without the last chunk
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n" % (500, PAGE[:500]))
            self.close_connection = True
        elif self.path.startswith("/redirect-to/"):
            self.redirect(self.path[len("/redirect-to/"):].replace("PORT", str(port)))
        elif self.path == "/loop":
            self.redirect("/loop")
        else:
            self.send(404, b"")


server = server_fixture(_Handler)


@pytest.fixture()
def public_loopback(monkeypatch):
    """Treat 127.0.0.1 (only) as a public address, so the default checks can be exercised locally."""
    real = web.check_address
    monkeypatch.setattr(web, "check_address", lambda a: "" if a == "127.0.0.1" else real(a))


def _get(url, **kw):
    kw.setdefault("timeout", 5)
    kw.setdefault("max_bytes", 1_000_000)
    return http_get(url, **kw)


def test_a_plain_download_and_a_relative_redirect(server):
    r = _get(f"{server}/article", allow_private=True)
    assert r.body == PAGE and r.n_bytes == len(PAGE) and r.content_type == "text/html"
    r = _get(f"{server}/redirect-to//article", allow_private=True)
    assert r.body == PAGE and r.final_url == f"{server}/article"


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_the_timeout_is_a_deadline_for_the_whole_download(server, path):
    # before: one byte every 50 ms reset the per-read timeout, so --timeout 3 ran for the whole drip
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1 s \(the whole download"):
        _get(server + path, timeout=1, allow_private=True)
    assert time.monotonic() - start < 2.5


@pytest.mark.parametrize("path, said", [
    ("/truncated", "truncated body: 1,000 of the 5,000 bytes announced by Content-Length"),
    ("/truncated-chunked", "truncated body"),
])
def test_a_truncated_body_fails(server, path, said):
    with pytest.raises(FetchError, match=said):
        _get(server + path, allow_private=True)


def test_a_truncated_download_to_a_file_leaves_nothing(server, tmp_path):
    with pytest.raises(FetchError, match="truncated"):
        _get(f"{server}/truncated", allow_private=True, path=tmp_path / "a.html")
    assert list(tmp_path.iterdir()) == []
    r = _get(f"{server}/article", allow_private=True, path=tmp_path / "a.html")
    assert r.body is None and (tmp_path / "a.html").read_bytes() == PAGE and os.listdir(tmp_path) == ["a.html"]


def test_loopback_is_refused_by_default_and_allowed_with_the_flag(server):
    with pytest.raises(FetchError, match=r"refused 127\.0\.0\.1 \(127\.0\.0\.1\): a loopback address.*--allow-private"):
        _get(f"{server}/article")
    assert _get(f"{server}/article", allow_private=True).body == PAGE


def test_every_redirect_hop_is_checked(server, public_loopback):
    assert _get(f"{server}/article").body == PAGE  # the first hop now counts as public
    with pytest.raises(FetchError, match=r"refused 127\.0\.0\.2 \(127\.0\.0\.2\): a loopback address"):
        _get(f"{server}/redirect-to/http://127.0.0.2:PORT/article")
    with pytest.raises(FetchError, match=r"refused redirect to a non-HTTP\(S\) URL: file:///etc/passwd"):
        _get(f"{server}/redirect-to/file:///etc/passwd")
    with pytest.raises(FetchError, match="too many redirects"):
        _get(f"{server}/loop")


def _fake_resolver(monkeypatch, answers: dict[str, list[list[str]]]):
    """Resolve the given names to loopback addresses, one answer per call (the last repeats); count calls."""
    real = socket.getaddrinfo
    calls: dict[str, int] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        n = calls[host] = calls.get(host, 0) + 1
        addresses = answers[host][min(n, len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


def test_a_name_with_any_private_address_is_refused(server, public_loopback, monkeypatch):
    port = server.rsplit(":", 1)[1]
    _fake_resolver(monkeypatch, {"two-faced.test": [["127.0.0.1", "127.0.0.3"]]})
    with pytest.raises(FetchError, match=r"refused two-faced\.test \(127\.0\.0\.3\): a loopback address"):
        _get(f"http://two-faced.test:{port}/article")


def test_the_connection_goes_to_the_checked_address_no_dns_rebinding(server, public_loopback, monkeypatch):
    port = server.rsplit(":", 1)[1]
    # a rebinding name: the check sees 127.0.0.1 ("public"), a second lookup would give a loopback address
    calls = _fake_resolver(monkeypatch, {"rebind.test": [["127.0.0.1"], ["127.0.0.3"]]})
    assert _get(f"http://rebind.test:{port}/article").body == PAGE
    assert calls == {"rebind.test": 1}


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.0.0.1", "private"), ("172.16.5.4", "private"),
    ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
    ("100.64.1.1", "shared (carrier-grade NAT)"), ("::ffff:10.0.0.1", "private"), ("2002:7f00:1::", "loopback"),
    ("fc00::1", "private"), ("192.0.2.10", "private"), ("8.8.8.8", ""), ("2606:4700:4700::1111", ""),
])
def test_address_classes(address, reason):
    assert check_address(address) == reason  # pure: nothing is sent anywhere


def test_the_hostile_set_in_a_subprocess_with_limits(server, tmp_path):
    """The CLI over every hostile page, in a child with CPU and memory limits: no traceback, no hang."""
    manifest = tmp_path / "manifest.csv"
    paths = ["drip-body", "drip-headers", "truncated", "truncated-chunked", "loop", "redirect-to/file:///etc/passwd"]
    manifest.write_text("doc_id,url\n" + "".join(f"d{i},{server}/{p}\n" for i, p in enumerate(paths)), encoding="utf-8")
    start = time.monotonic()
    done = in_child("corpus", "fetch", manifest, "--timeout", "1", "--allow-private", seconds=60,
                            env={"no_proxy": "*"})
    elapsed = time.monotonic() - start
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "6 of 6 document(s) could not be fetched" in done.stderr
    for said in ("timed out after 1 s", "truncated body", "too many redirects", "refused redirect"):
        assert said in done.stdout
    assert elapsed < 30  # two drips of 1 s each plus start-up, not the 100 s a drip lasts
    assert not (tmp_path / "fetched").exists() or not list((tmp_path / "fetched").glob("*.md"))


# --------------------------------------------------------------------------- HTTPS through the pinned connection

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("the HTTPS tests need the openssl command (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def https_server(certificate):
    import ssl

    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with loopback_server(_Handler, tls=context) as url:
        yield url


def test_https_is_verified_and_goes_through_the_checked_address(https_server, certificate, monkeypatch):
    import ssl

    with pytest.raises(FetchError, match="TLS certificate not valid"):  # self-signed: not trusted by default
        _get(f"{https_server}/article", allow_private=True)
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: real(cafile=str(certificate[0])))
    r = _get(f"{https_server}/article", allow_private=True)  # trusted now: the same pinned connection, over TLS
    assert r.body == PAGE and r.final_url == f"{https_server}/article"
    with pytest.raises(FetchError, match="truncated body: 1,000 of the 5,000"):
        _get(f"{https_server}/truncated", allow_private=True)
    with pytest.raises(FetchError, match="refused 127.0.0.1"):
        _get(f"{https_server}/article")


def test_a_tls_handshake_that_never_finishes_is_cut_at_the_deadline():
    # a server that accepts the connection and never answers the TLS hello
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        start = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 1 s"):
            _get(f"https://127.0.0.1:{port}/", timeout=1, allow_private=True)
        assert time.monotonic() - start < 2.5
    finally:
        listener.close()
