"""A small, guarded HTTP(S) GET for the fetch commands.

Every download the kit makes goes through :func:`http_get`. It is written on
:mod:`http.client` (no third-party client) so that each of these rules holds:

* **a whole-download deadline**: ``timeout`` seconds cover name resolution,
  connecting, the TLS handshake, the response headers and the whole body, over
  every redirect. A watchdog shuts the socket down when the deadline passes, so
  a server that drips one byte at a time cannot hold the download open;
* **no truncated bodies**: fewer bytes than ``Content-Length`` (or a chunked
  body that stops early) fails; a body without either framing ends when the
  server closes the connection and cannot be checked;
* **no request forgery**: the host of every hop (the URL and each redirect) is
  resolved, and *every* address it resolves to must be a public one. Loopback,
  private, shared (CGNAT), link-local, multicast, reserved and unspecified
  addresses are refused unless ``allow_private=True``; the connection then
  goes to the address that was checked, not to a second lookup of the name
  (no DNS rebinding). Proxy variables (``HTTP_PROXY``...) are not used;
* only ``http://`` and ``https://``, at most :data:`MAX_REDIRECTS` redirects,
  at most ``max_bytes`` bytes; HTTPS certificates are verified.

Problems raise :class:`~analysis.errors.FetchError` with a one-line reason.
"""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from .._version import __version__
from ..errors import FetchError, KitError

__all__ = ["http_get", "Response", "check_address", "check_url", "check_limits", "MAX_REDIRECTS", "MAX_TIMEOUT",
           "USER_AGENT"]

#: Redirects followed before giving up.
MAX_REDIRECTS = 5
#: The User-Agent header sent with every request.
USER_AGENT = f"discourse-kit-fetch/{__version__} (+research; one request per document)"
#: The longest deadline accepted for one download, in seconds (one day).
MAX_TIMEOUT = 86_400
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Response:
    """A finished download.

    Attributes:
        url: the URL asked for.
        final_url: the URL that answered (after redirects).
        content_type: the ``Content-Type`` header ("" when absent).
        body: the body (``None`` when it was written to ``path``).
        path: the file the body was written to, or ``None``.
        n_bytes: bytes received.
        sha256: SHA-256 of the body.
    """

    url: str
    final_url: str
    content_type: str
    body: bytes | None
    path: Path | None
    n_bytes: int
    sha256: str


def check_limits(timeout, max_bytes, where: str = "the download") -> None:
    """:class:`KitError` unless ``timeout`` is a finite number of seconds in (0, :data:`MAX_TIMEOUT`] and
    ``max_bytes`` a positive int.

    ``inf`` and ``nan`` are refused here (``inf`` cannot be a deadline; ``nan``
    compares false with everything, so every download would fail).

    >>> check_limits(float("nan"), 10, "--timeout")
    Traceback (most recent call last):
    analysis.errors.KitError: --timeout must be a number of seconds above 0 and at most 86400 (one day); got nan
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise KitError(f"{where} must be a number of seconds above 0 and at most {MAX_TIMEOUT} (one day); "
                       f"got {timeout!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise KitError(f"the largest download (max_bytes, --max-bytes) must be a positive whole number of bytes; "
                       f"got {max_bytes!r}")


def check_url(url: str) -> urllib.parse.SplitResult:
    """The parts of ``url``; :class:`FetchError` unless it is an ``http(s)://`` URL with a host.

    >>> check_url("https://example.org/a?b=1").hostname
    'example.org'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    analysis.errors.FetchError: refused URL 'file:///etc/passwd': only http:// and https:// URLs are fetched
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as e:
        raise FetchError(f"refused URL {url!r}: {e}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"refused URL {url!r}: only http:// and https:// URLs are fetched")
    return parts


def check_address(address: str) -> str:
    """Why ``address`` is not a public internet address (``"loopback"``...), or ``""`` when it is.

    >>> [check_address(a) for a in ("93.184.215.14", "127.0.0.1", "10.1.2.3", "169.254.169.254")]
    ['', 'loopback', 'private', 'link-local']
    >>> [check_address(a) for a in ("::ffff:192.168.0.1", "224.0.0.1", "0.0.0.0", "100.64.0.1", "::1")]
    ['private', 'multicast', 'unspecified', 'shared (carrier-grade NAT)', 'loopback']
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone index
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    checks = (
        ("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared (carrier-grade NAT)", ip in ipaddress.ip_network("100.64.0.0/10")),
        ("reserved", ip.is_reserved), ("private", ip.is_private),
    )
    for name, hit in checks:
        if hit:
            return name
    return "" if ip.is_global else "not globally routable"


class _Watchdog:
    """Shuts the current socket down when the deadline passes, waking any blocked read."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0 or self.fired:
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            fire = self.fired
        if fire:
            self._shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = self._sock
        if sock is not None:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:  # the base class method: on a TLS socket this skips the TLS close-notify
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _resolve(host: str, port: int, watchdog: _Watchdog) -> list[tuple]:
    """``getaddrinfo`` in a helper thread, so that a slow resolver cannot pass the deadline."""
    result: dict = {}

    def work():
        try:
            result["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as e:
            result["error"] = e

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(watchdog.remaining())
    if thread.is_alive():
        raise TimeoutError
    if "error" in result:
        e = result["error"]
        raise FetchError(f"cannot connect: cannot resolve {host!r} ({getattr(e, 'strerror', None) or e})")
    return result["infos"]


def _checked_addresses(host: str, port: int, allow_private: bool, watchdog: _Watchdog) -> list[tuple]:
    infos = _resolve(host, port, watchdog)
    if not infos:
        raise FetchError(f"cannot connect: {host!r} has no address")
    if not allow_private:
        for info in infos:
            address = info[4][0]
            reason = check_address(address)
            if reason:
                raise FetchError(
                    f"refused {host} ({address}): a {reason} address; fetching from this machine or a "
                    "private network needs --allow-private (allow_private=True)"
                )
    return infos


class _Pinned:
    """Connection mixin: connect to addresses checked beforehand, under the watchdog."""

    infos: list[tuple]
    watchdog: _Watchdog

    def _open_socket(self) -> socket.socket:
        last: Exception | None = None
        for family, socktype, proto, _, sockaddr in self.infos:
            sock = socket.socket(family, socktype, proto)
            self.watchdog.watch(sock)
            try:
                sock.settimeout(self.watchdog.remaining())
                sock.connect(sockaddr)
                return sock
            except OSError as e:
                sock.close()
                last = e
        raise last if last else OSError("no address to connect to")


class _HTTPConnection(_Pinned, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._open_socket()


class _HTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def connect(self):
        raw = self._open_socket()
        context = ssl.create_default_context()
        context.set_alpn_protocols(["http/1.1"])
        sock = context.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)
        self.watchdog.watch(sock)
        sock.settimeout(self.watchdog.remaining())
        sock.do_handshake()
        self.sock = sock


def _read_body(response: http.client.HTTPResponse, watchdog: _Watchdog, max_bytes: int,
               write: Callable[[bytes], None]) -> tuple[int, str]:
    declared = response.getheader("Content-Length")
    declared_n = int(declared) if declared and declared.strip().isdigit() else None
    if declared_n is not None and declared_n > max_bytes:
        raise FetchError(f"page too large: {declared_n:,} bytes > max_bytes {max_bytes:,}")
    digest = hashlib.sha256()
    size = 0
    while True:
        if response.fp is not None and response.fp.raw is not None:
            try:
                response.fp.raw._sock.settimeout(watchdog.remaining())
            except AttributeError:
                pass
        try:
            chunk = response.read(_CHUNK)
        except http.client.IncompleteRead as e:
            raise FetchError(f"truncated body: the connection closed after {size + len(e.partial):,} bytes "
                             "(the chunked body did not end)") from None
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"page too large: more than max_bytes {max_bytes:,} bytes")
        digest.update(chunk)
        write(chunk)
    watchdog.remaining()  # the deadline also covers the end of the body
    if declared_n is not None and size < declared_n:
        raise FetchError(f"truncated body: {size:,} of the {declared_n:,} bytes announced by Content-Length")
    return size, digest.hexdigest()


def _open(parts: urllib.parse.SplitResult, watchdog: _Watchdog, allow_private: bool):
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    infos = _checked_addresses(parts.hostname, port, allow_private, watchdog)
    cls = _HTTPSConnection if https else _HTTPConnection
    conn = cls(parts.hostname, port, timeout=watchdog.remaining())
    conn.infos, conn.watchdog = infos, watchdog
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    conn.request("GET", target, headers={
        "User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close",
    })
    return conn, conn.getresponse()


def http_get(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    allow_private: bool = False,
    path: str | os.PathLike | None = None,
) -> Response:
    """GET ``url`` under the rules of this module.

    Args:
        url: an ``http://`` or ``https://`` URL.
        timeout: seconds for the whole download (resolution, connection,
            headers, body; every redirect included).
        max_bytes: the largest body accepted.
        allow_private: allow loopback and private-network addresses (an
            intranet server, a test server on 127.0.0.1).
        path: write the body to this file instead of keeping it in memory
            (written to a temporary file beside it and renamed when complete;
            nothing is left behind on failure).

    Raises:
        FetchError: a one-line reason (refused URL or address, HTTP error,
            timeout, truncated or too large body, connection failure).
        KitError: ``timeout`` or ``max_bytes`` is not a usable limit.
    """
    check_limits(timeout, max_bytes, "timeout")
    parts = check_url(url)
    watchdog = _Watchdog(time.monotonic() + timeout)
    current = url
    tmp: Path | None = None
    fh: BinaryIO | None = None
    try:
        for _ in range(MAX_REDIRECTS + 1):
            conn, response = _open(parts, watchdog, allow_private)
            try:
                if response.status in _REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError(f"HTTP {response.status} redirect without a Location header")
                    following = urllib.parse.urljoin(current, location.strip())
                    if urllib.parse.urlsplit(following).scheme.lower() not in ("http", "https"):
                        raise FetchError(f"refused redirect to a non-HTTP(S) URL: {following}")
                    parts, current = check_url(following), following
                    continue
                if not 200 <= response.status < 300:
                    raise FetchError(f"HTTP {response.status} {response.reason}".rstrip())
                chunks: list[bytes] = []
                if path is not None:
                    target = Path(path)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_name(f".{target.name}.part")
                    fh = open(tmp, "wb")
                    write = fh.write
                else:
                    write = chunks.append
                size, sha = _read_body(response, watchdog, max_bytes, write)
                if fh is not None:
                    fh.close()
                    fh = None
                    os.replace(tmp, target)
                    tmp = None
                return Response(url, current, response.getheader("Content-Type", "") or "",
                                None if path is not None else b"".join(chunks),
                                Path(path) if path is not None else None, size, sha)
            finally:
                conn.close()
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
    except FetchError:
        if watchdog.fired:
            raise FetchError(_timed_out(timeout)) from None
        raise
    except TimeoutError:
        raise FetchError(_timed_out(timeout)) from None
    except ssl.SSLCertVerificationError as e:
        raise FetchError(f"cannot connect: TLS certificate not valid ({e.verify_message})") from None
    except (http.client.HTTPException, OSError, ValueError) as e:
        if watchdog.fired:
            raise FetchError(_timed_out(timeout)) from None
        if isinstance(e, (ConnectionRefusedError, socket.gaierror)) or (
                isinstance(e, OSError) and not isinstance(e, (ConnectionResetError, BrokenPipeError))
                and e.errno is not None):
            raise FetchError(f"cannot connect: {e.strerror or e}") from None
        raise FetchError(f"download failed: {type(e).__name__}: {e}") from None
    finally:
        watchdog.cancel()
        if fh is not None:
            fh.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _timed_out(timeout: float) -> str:
    return f"timed out after {timeout:g} s (the whole download: connection, headers and body)"
