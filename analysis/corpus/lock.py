"""The lock file of fetched texts: which text was analysed, and is it the same one?

``discourse-kit corpus fetch`` and ``discourse-kit corpus ungdc`` write
``fetch-lock.csv`` beside the texts they store, one row per text:

=====================  =====================================================
``doc_id``             the document (file stem)
``source``             ``live`` (the manifest's ``url``), ``archive`` (its
                       archived snapshot), ``dataverse`` or ``archive-file``
                       (a UNGDC archive downloaded or given as a file)
``url``                the URL the text was actually taken from
``fetched_at``         when (UTC, ISO 8601)
``sha256``             SHA-256 of the stored text: the UTF-8 bytes after the
                       front matter of a fetched ``.md`` file, the whole file
                       for a ``.txt``
``n_chars``            characters of that text
``extractor``          what turned the download into text (``trafilatura``,
                       ``ungdc-archive``)
``extractor_version``  its version
``kit_version``        the discourse-kit version that stored it
=====================  =====================================================

A scholar publishes the lock with a paper; a student who fetched the same
documents runs ``discourse-kit corpus fetch MANIFEST --lock THEIR_LOCK`` (or
:func:`check_lock`) and learns, per document, whether their text is the one
the figures were made from. The loader never reads ``fetch-lock.csv`` as a
document table.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pandas as pd

from ..errors import KitError
from ..io import atomic_write, decode_utf8, read_user_csv, read_user_file

__all__ = ["LOCK_NAME", "LOCK_COLUMNS", "CHECK_COLUMNS", "read_lock", "update_lock", "stored_text",
           "text_sha256", "check_lock", "fetched_texts", "FETCHED_COLUMNS"]

#: File name of the lock written beside fetched texts.
LOCK_NAME = "fetch-lock.csv"
#: Columns of a lock file, in order.
LOCK_COLUMNS = ["doc_id", "source", "url", "fetched_at", "sha256", "n_chars", "extractor", "extractor_version",
                "kit_version"]
#: Columns of :func:`check_lock`'s report.
CHECK_COLUMNS = ["doc_id", "lock", "expected_sha256", "found_sha256", "detail"]
#: Columns of :func:`fetched_texts`.
FETCHED_COLUMNS = ["doc_id", "source", "url", "fetched_at", "sha256", "lock", "detail"]
_REQUIRED = ("doc_id", "sha256")


def stored_text(path: str | os.PathLike) -> str:
    """The text a lock describes in a stored file: after the front matter of a ``.md``, all of a ``.txt``.

    Raises:
        KitError: the file cannot be read or is not UTF-8.
    """
    path = Path(path)
    raw = decode_utf8(read_user_file(path, what="fetched text"), path, what="fetched text")
    if path.suffix.lower() == ".md" and raw.startswith("---\n"):
        end = raw.find("\n---\n", 3)
        if end >= 0:
            return raw[end + len("\n---\n"):]
    return raw


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_lock(path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """Read a lock file: ``doc_id -> row`` (every column as a string).

    Raises:
        KitError: missing file, not UTF-8, no ``doc_id``/``sha256`` column, a
            repeated doc_id, or a sha256 that is not 64 hex digits (one line
            naming the file and row).
    """
    path = Path(path)
    fields, rows = read_user_csv(path, what="lock file", required=_REQUIRED)
    out: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows, 2):
        if None in row:
            raise KitError("more values than columns", path=path, where=f"row {n}")
        row = {k: (v or "").strip() for k, v in row.items()}
        sha = row["sha256"].lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise KitError(f"sha256 {row['sha256']!r} is not 64 hexadecimal digits", path=path, where=f"row {n}")
        if row["doc_id"] in out:
            raise KitError(f"duplicate doc_id {row['doc_id']!r}", path=path, where=f"row {n}")
        out[row["doc_id"]] = {**row, "sha256": sha}
    return out


def update_lock(folder: str | os.PathLike, rows: list[dict], *, documents: dict[str, Path]) -> Path:
    """Write ``<folder>/fetch-lock.csv``: the earlier rows updated by ``rows``.

    Args:
        folder: the folder of the stored texts.
        rows: new rows (keys :data:`LOCK_COLUMNS`), replacing earlier rows of
            the same doc_id.
        documents: doc_id -> stored file of every text now in the folder that
            the lock should describe; earlier rows of other doc_ids are kept
            only while their file still exists.

    Returns:
        The lock's path. Rows are sorted by doc_id; the file is written
        atomically and is byte-identical for the same rows.
    """
    folder = Path(folder)
    path = folder / LOCK_NAME
    merged: dict[str, dict] = {}
    if path.is_file():
        try:
            merged = read_lock(path)
        except KitError:  # a damaged lock is rebuilt from what is known now
            merged = {}
    merged = {d: r for d, r in merged.items() if d in documents or _exists(folder, d)}
    for row in rows:
        merged[row["doc_id"]] = {c: row.get(c, "") for c in LOCK_COLUMNS}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LOCK_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for doc_id in sorted(merged):
        writer.writerow({c: merged[doc_id].get(c, "") for c in LOCK_COLUMNS})
    text = buffer.getvalue()
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8", newline=""))


def _exists(folder: Path, doc_id: str) -> bool:
    return any((folder / f"{doc_id}{suffix}").is_file() for suffix in (".md", ".txt"))


def _stored_files(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (".md", ".txt") and not p.name.startswith(".") and p.is_file() \
                    and p.stem.lower() not in ("readme", "license", "licence"):
                files.setdefault(p.stem, p)
    return files


def check_lock(folder: str | os.PathLike, lock: str | os.PathLike | dict) -> pd.DataFrame:
    """Compare the texts stored in ``folder`` with a lock file, document by document.

    Args:
        folder: the folder of fetched texts (``corpus/fetched``).
        lock: a lock file (or what :func:`read_lock` returned).

    Returns:
        One row per document of the lock or of the folder, in doc_id order:
        ``doc_id, lock, expected_sha256, found_sha256, detail`` with ``lock``
        one of ``match`` (the same text), ``differs`` (another text: the page
        changed, or was fetched from another source), ``missing`` (in the lock,
        not in the folder) and ``not-in-lock`` (in the folder only).

    Raises:
        KitError: the lock file is unreadable.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.txt").write_text("Same text.\\n", encoding="utf-8")
        >>> lock = {"a": {"doc_id": "a", "sha256": text_sha256("Same text.\\n")},
        ...         "b": {"doc_id": "b", "sha256": "0" * 64}}
        >>> check_lock(folder, lock)[["doc_id", "lock"]].values.tolist()
        [['a', 'match'], ['b', 'missing']]
    """
    folder = Path(folder)
    expected = lock if isinstance(lock, dict) else read_lock(lock)
    files = _stored_files(folder)
    rows = []
    for doc_id in sorted(set(expected) | set(files)):
        want = expected.get(doc_id, {}).get("sha256", "")
        path = files.get(doc_id)
        found, detail = "", ""
        if path is not None:
            try:
                text = stored_text(path)
                found = text_sha256(text)
            except KitError as e:
                detail = str(e)
        if not want:
            status, detail = "not-in-lock", detail or "stored here but not listed in the lock"
        elif path is None:
            used = expected[doc_id].get("url", "")
            status = "missing"
            detail = "listed in the lock" + (f" (taken from {used})" if used else "") + \
                " but not stored here (not fetched, or it failed)"
        elif found == want:
            status, detail = "match", ""
        else:
            used = expected[doc_id].get("url", "")
            status = "differs"
            detail = detail or ("another text than the lock's" + (f" (the lock's came from {used})" if used else ""))
        rows.append({"doc_id": doc_id, "lock": status, "expected_sha256": want, "found_sha256": found,
                     "detail": detail})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def fetched_texts(folder: str | os.PathLike, lock: str | os.PathLike | dict | None = None) -> pd.DataFrame:
    """Which texts a folder of fetched documents holds, where each came from, and whether it matches ``lock``.

    Args:
        folder: the folder of fetched texts (``corpus/fetched``); a folder
            that does not exist gives an empty table.
        lock: a lock file published with a study (or what :func:`read_lock`
            returned); ``None`` leaves the ``lock`` column empty.

    Returns:
        One row per stored text (and, with a lock, per document of the lock
        not stored here), in doc_id order: ``doc_id, source, url,
        fetched_at, sha256, lock, detail``. ``source``, ``url`` and
        ``fetched_at`` come from the folder's own ``fetch-lock.csv`` (empty
        for a text it does not list, and for a ``missing`` one); ``sha256`` is
        computed from the stored text now (empty when it is missing);
        ``lock`` and ``detail`` are as in :func:`check_lock`.

    Raises:
        KitError: ``lock`` is given but unreadable.
    """
    folder = Path(folder)
    own_path = folder / LOCK_NAME
    try:
        own = read_lock(own_path) if own_path.is_file() else {}
    except KitError:  # a damaged lock of our own: the texts are still listed
        own = {}
    files = _stored_files(folder)
    if lock is not None:
        checked = {r["doc_id"]: r for r in check_lock(folder, lock).to_dict("records")}
    else:
        checked = {}
        for doc_id, path in files.items():
            try:
                checked[doc_id] = {"found_sha256": text_sha256(stored_text(path)), "lock": "", "detail": ""}
            except KitError as e:
                checked[doc_id] = {"found_sha256": "", "lock": "", "detail": str(e)}
    rows = []
    for doc_id in sorted(checked):
        check = checked[doc_id]
        mine = own.get(doc_id, {}) if doc_id in files else {}  # a row of our own lock without its text is stale
        rows.append({"doc_id": doc_id, "source": mine.get("source", ""), "url": mine.get("url", ""),
                     "fetched_at": mine.get("fetched_at", ""), "sha256": check["found_sha256"],
                     "lock": check["lock"], "detail": check["detail"]})
    return pd.DataFrame(rows, columns=FETCHED_COLUMNS)
