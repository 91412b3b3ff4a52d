"""What several test files share: loopback HTTP servers, and the command line run here or in a limited child.

Imported by name (``from helpers import ...``), like :mod:`conftest`'s constants:
pytest puts ``tests/`` on ``sys.path``.
"""
from __future__ import annotations

import contextlib
import os
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from analysis.app.cli import main

#: address space (bytes) and CPU seconds a child running the command line may use (also its wall-clock limit)
LIMIT_BYTES = 3 * 1024**3
LIMIT_SECONDS = 120


# --------------------------------------------------------------------------- loopback HTTP servers


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and sends whole bodies with :meth:`send`."""

    def log_message(self, *args):  # keep pytest output clean
        pass

    def send(self, code: int, body: bytes, content_type: str = "text/html; charset=utf-8", length: bool = True):
        """Status, Content-Type, Content-Length (or ``Connection: close`` without ``length``), then ``body``."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, code: int = 302):
        """A redirect to ``location`` with an empty body."""
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server whose handler threads do not outlive the test, and that prints no tracebacks."""

    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (timeouts, drips): expected
        pass


@contextlib.contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler], *, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) from a daemon thread; yields the base URL; stopped on exit."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls is not None else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def server_fixture(handler: type[BaseHTTPRequestHandler]):
    """A module-scoped fixture giving the base URL of a :func:`loopback_server` of ``handler``:
    ``server = server_fixture(_Handler)`` in a test module."""

    @pytest.fixture(scope="module")
    def server() -> Iterator[str]:
        with loopback_server(handler) as url:
            yield url

    return server


# --------------------------------------------------------------------------- the command line


def in_process(capfd, *args) -> tuple[int, str, str]:
    """Run ``main(args)`` here; returns (exit code, stdout, stderr) captured at the file-descriptor level."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as e:  # argparse: --help and usage errors
        code = e.code
    out, err = capfd.readouterr()
    return code, out, err


def in_child(*args, env: dict | None = None, cwd: str | None = None,
                     seconds: int = LIMIT_SECONDS) -> subprocess.CompletedProcess:
    """Run the command line with ARGS in a child process under an address-space limit
    (:data:`LIMIT_BYTES`) and a CPU limit of ``seconds``, killed after ``seconds`` of wall-clock time."""
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))\n"
            f"resource.setrlimit(resource.RLIMIT_CPU, ({seconds}, {seconds}))\n"
            "from analysis.app.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=seconds, env={**os.environ, **(env or {})}, cwd=cwd)


def assert_one_line_error(result: int | subprocess.CompletedProcess, err: str | None = None, *fragments: str) -> str:
    """Exit code 2 and exactly one ``error: ...`` line on stderr holding every fragment; returns that line.

    ``result`` is an exit code (with its ``err``) or a finished child process (``err`` None).
    """
    if isinstance(result, subprocess.CompletedProcess):
        code, err = result.returncode, result.stderr
    else:
        code = result
    lines = err.splitlines()
    assert code == 2, err[-2000:]
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("error: "), f"expected one error line on stderr, got:\n{err[-2000:]}"
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
