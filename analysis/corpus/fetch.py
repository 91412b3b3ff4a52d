"""Download the documents listed in a manifest and store their main text.

``discourse-kit corpus fetch corpus/manifest.csv`` calls :func:`fetch_manifest`.
For every manifest row it downloads the page at ``url`` (stdlib ``urllib``,
HTTP and HTTPS only, bounded in size and time), extracts the main text with
trafilatura and writes ``<out>/<doc_id>.md``: YAML front matter (the row's
metadata plus ``url``, ``retrieved_at`` and ``sha256``) followed by the text.
:func:`analysis.load_corpus` reads these files like any other ``.md`` document.

Safety rules, each reported per document (the run carries on):

* only ``http://`` and ``https://`` URLs are fetched, also after redirects;
* a page larger than ``max_bytes`` or slower than ``timeout`` seconds fails;
* a ``doc_id`` that is not a plain file name (``..``, ``/``, ``\\``) fails;
* an existing file is never overwritten unless ``force=True``.

The text stored is trafilatura's plain-text output with paragraphs separated by
one blank line. ``sha256`` is the SHA-256 of the UTF-8 bytes after the front
matter's closing ``---`` line, so a reader can check that the stored text is
the text that was retrieved.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.client import HTTPException
from pathlib import Path

import pandas as pd
import yaml

from .._version import __version__
from ..errors import FetchError, KitError
from ..io import atomic_write, decode_utf8, read_user_file

__all__ = ["fetch_manifest", "read_manifest", "institution_camp", "REPORT_COLUMNS", "MANIFEST_COLUMNS"]

#: Columns of the report returned by :func:`fetch_manifest`.
REPORT_COLUMNS = ["doc_id", "url", "status", "detail", "path"]
#: Columns a manifest must have (others are copied into the front matter).
MANIFEST_COLUMNS = ["doc_id", "url"]

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
_USER_AGENT = "discourse-kit-fetch/{version} (+research; one request per document)"
_CHUNK = 64 * 1024
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to HTTP(S) URLs."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib API
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"refused redirect to a non-HTTP(S) URL: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand so that no file://, ftp:// or data: handler is installed.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _SafeRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def read_manifest(path: str | os.PathLike) -> list[dict[str, str]]:
    """Read a manifest CSV (columns ``doc_id``, ``url`` and any metadata).

    Raises:
        KitError: the file is missing, not UTF-8, lacks a required column, or
            repeats a doc_id (one line naming the file and row).
    """
    path = Path(path)
    raw = decode_utf8(read_user_file(path, what="manifest"), path, what="manifest")
    try:
        reader = csv.DictReader(io.StringIO(raw, newline=""))
        fields = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as e:
        raise KitError(f"malformed CSV: {e}", path=path) from None
    missing = [c for c in MANIFEST_COLUMNS if c not in fields]
    if missing:
        raise KitError(
            f"manifest needs the column(s) {', '.join(missing)} (found: {', '.join(fields) or 'none'})",
            path=path, where="line 1",
        )
    seen: set[str] = set()
    out = []
    for n, row in enumerate(rows, 2):
        if None in row:
            raise KitError("more values than columns", path=path, where=f"row {n}")
        row = {k: (v or "").strip() for k, v in row.items()}
        if row["doc_id"] in seen:
            raise KitError(f"duplicate doc_id {row['doc_id']!r}", path=path, where=f"row {n}")
        seen.add(row["doc_id"])
        out.append(row)
    return out


def _target(folder: Path, doc_id: str) -> Path:
    if not _SAFE_ID.fullmatch(doc_id) or ".." in doc_id:
        raise FetchError(
            f"refused doc_id {doc_id!r}: use letters, digits, '.', '_' and '-' only "
            "(it becomes a file name inside the output folder)"
        )
    target = folder / f"{doc_id}.md"
    if target.resolve().parent != folder.resolve():
        raise FetchError(f"refused doc_id {doc_id!r}: the file would be outside {folder}")
    return target


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(f"refused URL {url!r}: only http:// and https:// URLs are fetched")


def _limit_read_time(response, seconds: float) -> None:
    """Shrink the socket timeout so that one stalled read cannot pass the deadline."""
    try:
        response.fp.raw._sock.settimeout(max(seconds, 0.001))
    except (AttributeError, OSError):  # not a plain socket (e.g. a proxy wrapper): per-read timeout stays
        pass


def _download(url: str, *, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """GET ``url``; the whole download must finish within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT.format(version=__version__)})
    try:
        with _opener().open(request, timeout=timeout) as response:
            ctype = response.headers.get("Content-Type", "")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"page too large: {int(length):,} bytes > max_bytes {max_bytes:,}")
            chunks: list[bytes] = []
            size = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FetchError(f"timed out after {timeout:g} s (download not finished)")
                _limit_read_time(response, remaining)
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"page too large: more than max_bytes {max_bytes:,} bytes")
                chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {timeout:g} s (download not finished)")
            return b"".join(chunks), ctype
    except FetchError:
        raise
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:  # urllib refused to follow it (e.g. to file://)
            raise FetchError(f"refused redirect (HTTP {e.code}): {e.reason}") from None
        raise FetchError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot connect: {reason}") from None
    except (socket.timeout, TimeoutError):
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (HTTPException, ConnectionError, OSError, ValueError) as e:
        raise FetchError(f"download failed: {type(e).__name__}: {e}") from None


def _extract(data: bytes, content_type: str, url: str) -> str:
    import trafilatura

    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in _TEXT_TYPES:
        raise FetchError(f"not an HTML page (Content-Type {mime}); save the text by hand")
    text = trafilatura.extract(
        data, url=url, output_format="txt", include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        raise FetchError("no main text found in the page (trafilatura returned nothing)")
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n\n".join(paragraphs) + "\n"


def _document(row: dict[str, str], url: str, body: str, retrieved_at: str) -> str:
    import trafilatura

    # one line per value: a line break inside a CSV cell must not end the front matter early
    meta: dict[str, str] = {k: " ".join(v.split()) for k, v in row.items() if k and v.strip()}
    meta["url"] = url
    meta["retrieved_at"] = retrieved_at
    meta["sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    meta["extracted_with"] = f"trafilatura {trafilatura.__version__}"
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{body}"


def fetch_manifest(
    manifest: str | os.PathLike,
    *,
    out: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 20,
    max_bytes: int = 5_000_000,
) -> pd.DataFrame:
    r"""Download every document of a manifest into ``<out>/<doc_id>.md``.

    Args:
        manifest: CSV with ``doc_id``, ``url`` and metadata columns (title,
            speaker, institution, date, genre, licence note...), all copied
            into the front matter.
        out: output folder (default: ``fetched/`` beside the manifest).
        force: overwrite files that already exist.
        timeout: seconds allowed for each whole download.
        max_bytes: largest page accepted.

    Returns:
        One row per manifest row: ``doc_id, url, status, detail, path`` with
        ``status`` one of ``ok``, ``skipped-exists``, ``failed``; ``detail``
        says why (or how many characters were stored); ``path`` is the file
        written or found ("" when none).

    Raises:
        KitError: the manifest is unreadable or the arguments are invalid.
            Problems with single documents (offline, HTTP errors, unsafe
            names) never raise: they are reported and the next row is fetched.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "manifest.csv").write_text("doc_id,url\nnote,file:///etc/passwd\n", encoding="utf-8")
        >>> fetch_manifest(folder / "manifest.csv")[["doc_id", "status", "detail"]].values.tolist()
        [['note', 'failed', "refused URL 'file:///etc/passwd': only http:// and https:// URLs are fetched"]]
    """
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise KitError(f"The `timeout` parameter of fetch_manifest must be a positive number. Got {timeout!r} instead.")
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise KitError("The `max_bytes` parameter of fetch_manifest must be a positive int. "
                       f"Got {max_bytes!r} instead.")
    manifest = Path(manifest)
    rows = read_manifest(manifest)
    folder = Path(out) if out is not None else manifest.parent / "fetched"
    if folder.exists() and not folder.is_dir():
        raise KitError("output exists and is not a folder", path=folder)
    report = []
    for row in rows:
        doc_id, url = row["doc_id"], row["url"]
        status, detail, path = "failed", "", ""
        try:
            target = _target(folder, doc_id)
            _check_url(url)
            if target.exists() and not force:
                status, detail, path = "skipped-exists", "file exists; use --force to replace it", str(target)
            else:
                data, ctype = _download(url, timeout=timeout, max_bytes=max_bytes)
                body = _extract(data, ctype, url)
                retrieved_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
                text = _document(row, url, body, retrieved_at)
                folder.mkdir(parents=True, exist_ok=True)
                if target.exists() and not force:  # appeared while downloading
                    status, detail, path = "skipped-exists", "file exists; use --force to replace it", str(target)
                else:
                    atomic_write(target, lambda p, text=text: p.write_text(text, encoding="utf-8"))
                    status, detail, path = "ok", f"{len(body):,} characters of text", str(target)
        except FetchError as e:
            detail = str(e)
        except OSError as e:  # cannot create the folder or write the file
            detail = f"cannot write: {e.strerror or e}"
        report.append({"doc_id": doc_id, "url": url, "status": status, "detail": detail, "path": path})
    return pd.DataFrame(report, columns=REPORT_COLUMNS)


#: Words of a manifest's ``institution`` that place a publisher in a camp (checked in this order).
INSTITUTION_CAMPS = (("russia", ("Russian Federation", "Kremlin")), ("west", ("NATO", "U.S.")))


def institution_camp(metadata: dict) -> str:
    """The camp of the institution that published a document (its manifest ``institution``), or ``""``.

    Groups fetched statements by who published them (the Russian MFA and the
    Kremlin vs NATO and the US State Department), not by who speaks inside
    them: a joint press appearance published by the State Department is Western.

    >>> institution_camp({"institution": "Ministry of Foreign Affairs of the Russian Federation"})
    'russia'
    >>> institution_camp({"institution": "U.S. Department of State"}), institution_camp({})
    ('west', '')
    """
    institution = str(metadata.get("institution", ""))
    for camp, words in INSTITUTION_CAMPS:
        if any(w in institution for w in words):
            return camp
    return ""
