"""Download the documents listed in a manifest and store their main text.

``discourse-kit corpus fetch corpus/manifest.csv`` calls :func:`fetch_manifest`.
For every manifest row it downloads a page (through :func:`analysis.corpus.web.http_get`:
HTTP and HTTPS only, a whole-download deadline, a size limit, truncated bodies
refused, loopback and private addresses refused unless ``allow_private``),
extracts the main text with trafilatura and writes ``<out>/<doc_id>.md``: YAML
front matter (the row's metadata plus ``fetched_url``, ``fetched_from``,
``retrieved_at``, ``sha256`` and ``extracted_with``) followed by the text.
:func:`analysis.load_corpus` reads these files like any other ``.md`` document.

Which page is fetched, in this order (the first that works is stored):

1. with a lock (``lock=``), the URL the lock's text came from;
2. ``url`` — the official original where it is known (the manifest's
   ``url_kind`` says ``official`` or ``repost``);
3. ``archive_url`` — an archived snapshot (Wayback Machine), the fallback
   when the live page is gone, fails, or (with a lock) no longer gives the
   locked text;
4. ``repost_url`` — a third-party repost of an official text, kept as the
   last resort when ``url`` is the official original.

Each run (re)writes ``<out>/fetch-lock.csv`` (:mod:`analysis.corpus.lock`):
doc_id, source, URL used, time, SHA-256 of the stored text, extractor and
versions. Given a lock, the report says per document whether the stored text
``match``-es it.

Safety rules, each reported per document (the run carries on):

* only ``http://`` and ``https://`` URLs are fetched, also after redirects;
* every address of every hop must be public unless ``allow_private=True``;
* a page larger than ``max_bytes``, slower than ``timeout`` seconds in all,
  or shorter than its ``Content-Length`` fails;
* a ``doc_id`` that is not a plain file name (``..``, ``/``, ``\\``) fails;
* an existing file is never overwritten unless ``force=True``.

The text stored is trafilatura's plain-text output with paragraphs separated by
one blank line. ``sha256`` is the SHA-256 of the UTF-8 bytes after the front
matter's closing ``---`` line, so a reader can check that the stored text is
the text that was retrieved.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import yaml

from .._version import __version__
from ..errors import FetchError, KitError
from ..io import atomic_write, read_user_csv
from .lock import LOCK_NAME, read_lock, stored_text, text_sha256, update_lock
from .web import check_limits, check_url, http_get

__all__ = ["fetch_manifest", "read_manifest", "institution_camp", "REPORT_COLUMNS", "MANIFEST_COLUMNS",
           "wayback_url"]

#: Columns of the report returned by :func:`fetch_manifest`.
REPORT_COLUMNS = ["doc_id", "url", "status", "source", "lock", "detail", "path"]
#: Columns a manifest must have (others are copied into the front matter).
MANIFEST_COLUMNS = ["doc_id", "url"]

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


def wayback_url(url: str, date: str) -> str:
    """The Wayback Machine address of ``url`` nearest to ``date`` (``YYYY-MM-DD``).

    Built from the Wayback Machine's documented pattern
    ``https://web.archive.org/web/<timestamp>/<url>``, where a timestamp of
    1–14 digits (``YYYYMMDDhhmmss``) asks for the capture nearest to that
    time. Whether a capture exists is not checked here.

    >>> wayback_url("https://www.nato.int/cps/en/natohq/opinions_190668.htm", "2022-01-12")
    'https://web.archive.org/web/20220112/https://www.nato.int/cps/en/natohq/opinions_190668.htm'
    """
    stamp = re.sub(r"\D", "", date)[:14]
    if not stamp:
        raise ValueError(f"no date digits in {date!r}")
    return f"https://web.archive.org/web/{stamp}/{url}"


def read_manifest(path: str | os.PathLike) -> list[dict[str, str]]:
    """Read a manifest CSV (columns ``doc_id``, ``url`` and any metadata).

    Raises:
        KitError: the file is missing, not UTF-8, lacks a required column, or
            repeats a doc_id (one line naming the file and row).
    """
    path = Path(path)
    fields, rows = read_user_csv(path, what="manifest", required=MANIFEST_COLUMNS)
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


def _trafilatura_version() -> str:
    import trafilatura

    return trafilatura.__version__


def _document(row: dict[str, str], fetched: dict, body: str) -> str:
    # one line per value: a line break inside a CSV cell must not end the front matter early
    meta: dict[str, str] = {k: " ".join(v.split()) for k, v in row.items() if k and v.strip()}
    meta["fetched_url"] = fetched["url"]
    if fetched["final_url"] != fetched["url"]:
        meta["final_url"] = fetched["final_url"]
    meta["fetched_from"] = fetched["source"]
    meta["retrieved_at"] = fetched["fetched_at"]
    meta["sha256"] = text_sha256(body)
    meta["extracted_with"] = f"trafilatura {_trafilatura_version()}"
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n{body}"


def _candidates(row: dict[str, str], locked: dict | None) -> list[tuple[str, str]]:
    """(source, url) pairs to try, in order, without repeats."""
    pairs = [("live", row.get("url", "")), ("archive", row.get("archive_url", "")),
             ("repost", row.get("repost_url", ""))]
    if locked and locked.get("url"):
        source = next((s for s, u in pairs if u == locked["url"]), locked.get("source") or "lock")
        pairs.insert(0, (source, locked["url"]))
    seen: set[str] = set()
    out = []
    for source, url in pairs:
        if url and url not in seen:
            seen.add(url)
            out.append((source, url))
    return out


def _fetch_one(row, locked, *, timeout, max_bytes, allow_private):
    """Try each candidate URL; returns (fetched, body, notes) or raises FetchError with every reason."""
    candidates = _candidates(row, locked)
    if not candidates:
        raise FetchError("no url")
    failures: list[str] = []
    first: tuple[dict, str] | None = None
    for source, url in candidates:
        try:
            check_url(url)
            response = http_get(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
            body = _extract(response.body or b"", response.content_type, response.final_url)
        except FetchError as e:
            failures.append(f"{source}: {e}")
            continue
        fetched = {"source": source, "url": url, "final_url": response.final_url,
                   "fetched_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
        if locked is None or text_sha256(body) == locked["sha256"]:
            return fetched, body, failures
        failures.append(f"{source}: text differs from the lock")
        first = first or (fetched, body)
    if first is not None:  # something was fetched, but not the locked text: keep the first one
        return first[0], first[1], failures
    if len(failures) == 1:
        raise FetchError(failures[0].split(": ", 1)[1])
    raise FetchError("; ".join(failures))


def _front_matter(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if not raw.startswith("---\n") or raw.find("\n---\n", 3) < 0:
        return {}
    try:
        meta = yaml.safe_load(raw[4:raw.find("\n---\n", 3)])
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _previous_lock(folder: Path) -> dict[str, dict]:
    try:
        return read_lock(folder / LOCK_NAME) if (folder / LOCK_NAME).is_file() else {}
    except KitError:  # damaged: rebuilt from the files' front matter
        return {}


def _lock_row_from_file(doc_id: str, path: Path, body: str, previous: dict | None = None) -> dict:
    """The lock row of a text already stored: its earlier row while the text is unchanged, else its front matter."""
    if previous is not None and previous.get("sha256") == text_sha256(body):
        return previous
    meta = _front_matter(path)
    name, _, version = str(meta.get("extracted_with", "")).partition(" ")
    return {"doc_id": doc_id, "source": str(meta.get("fetched_from", "")),
            "url": str(meta.get("fetched_url") or meta.get("url") or ""),
            "fetched_at": str(meta.get("retrieved_at", "")), "sha256": text_sha256(body), "n_chars": len(body),
            "extractor": name, "extractor_version": version, "kit_version": str(meta.get("kit_version", ""))}


def fetch_manifest(
    manifest: str | os.PathLike,
    *,
    out: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 20,
    max_bytes: int = 5_000_000,
    allow_private: bool = False,
    lock: str | os.PathLike | None = None,
) -> pd.DataFrame:
    r"""Download every document of a manifest into ``<out>/<doc_id>.md`` and write the lock file.

    Args:
        manifest: CSV with ``doc_id``, ``url`` and metadata columns (title,
            speaker, institution, date, genre, licence note...), all copied
            into the front matter; an ``archive_url`` column gives the
            fallback snapshot of each page.
        out: output folder (default: ``fetched/`` beside the manifest).
        force: overwrite files that already exist.
        timeout: seconds allowed for each whole download (connection,
            headers and body, redirects included).
        max_bytes: largest page accepted.
        allow_private: also fetch from loopback and private-network
            addresses (refused by default).
        lock: a lock file to reproduce: its URL is tried first, a page whose
            text differs from it falls back to the next source, and the report
            says per document whether the stored text matches.

    Returns:
        One row per manifest row (and per document of the lock missing from
        the manifest): ``doc_id, url, status, source, lock, detail, path``.
        ``status`` is ``ok``, ``skipped-exists``, ``failed`` (or
        ``not-in-manifest``); ``source`` is where the stored text came from
        (``live``, ``archive``, ``repost``); ``lock`` is ``match``, ``differs``,
        ``missing``, ``not-in-lock`` or empty without a lock; ``url`` is the
        URL used (or tried first); ``detail`` says why, or how many characters
        were stored; ``path`` is the file written or found.

    Raises:
        KitError: the manifest or lock is unreadable or an argument is
            invalid. Problems with single documents (offline, HTTP errors,
            unsafe names or addresses) never raise: they are reported and the
            next row is fetched.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "manifest.csv").write_text("doc_id,url\nnote,file:///etc/passwd\n", encoding="utf-8")
        >>> fetch_manifest(folder / "manifest.csv")[["doc_id", "status", "detail"]].values.tolist()
        [['note', 'failed', "refused URL 'file:///etc/passwd': only http:// and https:// URLs are fetched"]]
    """
    check_limits(timeout, max_bytes, "The `timeout` parameter of fetch_manifest (--timeout)")
    manifest = Path(manifest)
    rows = read_manifest(manifest)
    expected = read_lock(lock) if lock is not None else None
    folder = Path(out) if out is not None else manifest.parent / "fetched"
    if folder.exists() and not folder.is_dir():
        raise KitError("output exists and is not a folder", path=folder)
    previous = _previous_lock(folder)
    report, lock_rows, stored = [], [], {}
    for row in rows:
        doc_id = row["doc_id"]
        locked = expected.get(doc_id) if expected is not None else None
        entry = {"doc_id": doc_id, "url": row.get("url", ""), "status": "failed", "source": "",
                 "lock": "", "detail": "", "path": ""}
        body = None
        try:
            target = _target(folder, doc_id)
            if target.exists() and not force:
                body = stored_text(target)
                lock_row = _lock_row_from_file(doc_id, target, body, previous.get(doc_id))
                entry.update(status="skipped-exists", source=lock_row["source"], url=lock_row["url"] or entry["url"],
                             detail="file exists; use --force to replace it", path=str(target))
            else:
                fetched, body, notes = _fetch_one(row, locked, timeout=timeout, max_bytes=max_bytes,
                                                  allow_private=allow_private)
                text = _document(row, fetched, body)
                folder.mkdir(parents=True, exist_ok=True)
                if target.exists() and not force:  # appeared while downloading
                    body = stored_text(target)
                    lock_row = _lock_row_from_file(doc_id, target, body, previous.get(doc_id))
                    entry.update(status="skipped-exists", detail="file exists; use --force to replace it",
                                 path=str(target))
                else:
                    atomic_write(target, lambda p, text=text: p.write_text(text, encoding="utf-8"))
                    lock_row = {"doc_id": doc_id, "source": fetched["source"], "url": fetched["url"],
                                "fetched_at": fetched["fetched_at"], "sha256": text_sha256(body),
                                "n_chars": len(body), "extractor": "trafilatura",
                                "extractor_version": _trafilatura_version(), "kit_version": __version__}
                    detail = f"{len(body):,} characters of text"
                    if fetched["source"] != "live" and notes:
                        detail += f" from the {fetched['source']} copy ({'; '.join(notes)})"
                    elif notes:
                        detail += f" ({'; '.join(notes)})"
                    entry.update(status="ok", source=fetched["source"], url=fetched["url"], detail=detail,
                                 path=str(target))
            lock_rows.append(lock_row)
            stored[doc_id] = target
        except FetchError as e:
            entry["detail"] = str(e)
        except KitError as e:  # an existing file that cannot be read
            entry["detail"] = str(e)
        except OSError as e:  # cannot create the folder or write the file
            entry["detail"] = f"cannot write: {e.strerror or e}"
        if expected is not None:
            entry["lock"] = _lock_status(locked, body if entry["status"] != "failed" else None)
        report.append(entry)
    if expected is not None:
        for doc_id in sorted(set(expected) - {r["doc_id"] for r in rows}):
            report.append({"doc_id": doc_id, "url": expected[doc_id].get("url", ""), "status": "not-in-manifest",
                           "source": "", "lock": "missing", "detail": "in the lock but not in the manifest",
                           "path": ""})
    if lock_rows:
        try:
            update_lock(folder, lock_rows, documents=stored)
        except OSError as e:
            raise KitError(f"cannot write the lock file: {e.strerror or e}", path=folder / LOCK_NAME) from None
    return pd.DataFrame(report, columns=REPORT_COLUMNS)


def _lock_status(locked: dict | None, body: str | None) -> str:
    if locked is None:
        return "not-in-lock"
    if body is None:
        return "missing"
    return "match" if text_sha256(body) == locked["sha256"] else "differs"


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
