"""UN General Debate speeches from the UNGDC archive (Harvard Dataverse) into a corpus folder.

``discourse-kit corpus ungdc --countries RUS USA --years 2014-2020 --out DIR``
calls :func:`fetch_ungdc`. The United Nations General Debate Corpus (Jankin,
Baturo & Dasandi; doi:10.7910/DVN/0TJX8Y) is published on Harvard Dataverse as

* one archive of every speech (``UNGDC_1946-2023.tgz`` in version 12; a zip
  is read too) laid out as ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt`` (ISO
  3166-1 alpha-3 country code, UN session number, year), UTF-8 text;
* ``Speakers_by_session.xlsx``: Year, Session, ISO Code, Country, Name of
  Person Speaking, Post (Dataverse may serve an ingested copy as
  tab-separated text; the original is asked for).

The dataset's file list comes from the Dataverse native API
(``/api/datasets/:persistentId/versions/<version>?persistentId=<doi>``), files
from the data access API (``/api/access/datafile/<id>``), each checked
against the checksum Dataverse lists. The archive is kept in a cache folder so
that a second call (other countries, other years) does not download it again.
``archive=`` takes an archive already on disk (or another URL) instead.

For every chosen country and year the speech is written byte for byte to
``<out>/ISO_NN_YYYY.txt``; ``<out>/metadata.csv`` gets one row per speech
(country, iso3, session, year, speaker, post, the dataset it came from and its
SHA-256) and ``<out>/fetch-lock.csv`` its lock row, so that
``load_corpus(out)`` reads the speeches with their metadata. Existing files
are kept unless ``force=True``; rows of other speeches in ``metadata.csv``
are kept.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tarfile
import urllib.parse
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pandas as pd

from .._version import __version__
from ..errors import FetchError, KitError
from ..io import atomic_write, read_user_file, write_csv
from ..paths import DEFAULT_CACHE
from .lock import read_lock, stored_text, text_sha256, update_lock
from .web import check_limits, http_get

__all__ = ["fetch_ungdc", "parse_years", "parse_countries", "DATAVERSE_SERVER", "UNGDC_DOI", "UNGDC_COLUMNS",
           "UNGDC_REPORT_COLUMNS"]

#: The Dataverse installation that publishes the UNGDC.
DATAVERSE_SERVER = "https://dataverse.harvard.edu"
#: The UNGDC dataset's persistent identifier.
UNGDC_DOI = "doi:10.7910/DVN/0TJX8Y"
#: Columns written to ``metadata.csv`` (in this order, before any columns of earlier rows).
UNGDC_COLUMNS = ["doc_id", "country", "iso3", "session", "year", "speaker", "post", "speaker_as_recorded", "genre",
                 "language", "dataset", "archive_member", "archive_sha256", "sha256"]
#: Columns of the report returned by :func:`fetch_ungdc`.
UNGDC_REPORT_COLUMNS = ["doc_id", "iso3", "year", "status", "detail", "path"]

_MEMBER = re.compile(r"(?:^|/)(?:Session (\d+) - (\d{4})/)?([A-Z]{2,3})_(\d{1,3})_(\d{4})\.txt$")
_SPEAKERS = re.compile(r"(?:^|/)Speakers_by_session\.(xlsx|tab|tsv|csv)$", re.IGNORECASE)
_ARCHIVE_NAME = re.compile(r"^UNGDC.*\.(zip|tgz|tar\.gz)$", re.IGNORECASE)
#: Largest speech read from the archive (the longest UNGDC speeches are ~100 kB).
MAX_SPEECH_BYTES = 5_000_000
_MAX_LISTING_BYTES = 20_000_000
#: "Mr. " and the like before a speaker's name (the table writes "Mr. Sergey Lavrov" in some sessions and
#: "Sergey Lavrov" in others); titles that are part of how a person is named (Sheikh, Prince, Sir, Dr.) stay.
_HONORIFIC = re.compile(r"^(?:(?:Mr|Mrs|Ms|Mme)\.?|Miss|M\.)\s+(?=\S)")
_MAX_SPEAKERS_BYTES = 50_000_000


def parse_countries(countries) -> list[str]:
    """ISO 3166-1 alpha-3 codes, upper-cased and sorted (``"rus,usa"`` or a list).

    >>> parse_countries("rus, USA GBR")
    ['GBR', 'RUS', 'USA']
    """
    items = re.split(r"[\s,;]+", countries) if isinstance(countries, str) else list(countries or [])
    codes = sorted({str(c).strip().upper() for c in items if str(c).strip()})
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2,3}", c)]
    if not codes or bad:
        raise KitError("countries must be ISO 3166-1 alpha-3 codes such as RUS USA GBR (the UNGDC's file names); "
                       f"got {', '.join(bad) if bad else 'none'}")
    return codes


def parse_years(years) -> list[int]:
    """Years from ``"2014-2020"``, ``"2014,2016,2018-2019"`` or a list of ints, sorted.

    >>> parse_years("2014-2016, 2019")
    [2014, 2015, 2016, 2019]
    """
    out: set[int] = set()
    items = re.split(r"[\s,;]+", years) if isinstance(years, str) else list(years or [])
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
        if not m:
            raise KitError(f"years must look like 2014, 2014-2020 or 2014,2016; got {text!r}")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1946 <= first <= last <= 2100:
            raise KitError(f"year range {text!r} is not within 1946-2100 (the first General Debate was in 1946)")
        out.update(range(first, last + 1))
    if not out:
        raise KitError("no years given (e.g. --years 2014-2020)")
    return sorted(out)


def _is_url(text: str) -> bool:
    return urllib.parse.urlsplit(str(text)).scheme.lower() in ("http", "https")


def _download(url: str, target: Path, *, timeout, max_bytes, allow_private, checksum=None) -> Path:
    """Download ``url`` to ``target`` unless a copy with the right checksum is already there."""
    if target.is_file() and checksum and _digest(target, checksum[0]) == checksum[1]:
        return target
    try:
        http_get(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private, path=target)
    except FetchError as e:
        raise KitError(f"cannot download {url}: {e}") from None
    if checksum and _digest(target, checksum[0]) != checksum[1]:
        target.unlink(missing_ok=True)
        raise KitError(f"the download of {url} does not match the {checksum[0]} checksum Dataverse lists "
                       f"({checksum[1]}); it was deleted, try again")
    return target


def _digest(path: Path, kind: str) -> str:
    h = hashlib.new({"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}.get(kind, kind.lower()))
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _dataverse_files(server: str, doi: str, version: str, *, timeout, allow_private) -> tuple[list[dict], str]:
    url = (f"{server.rstrip('/')}/api/datasets/:persistentId/versions/{urllib.parse.quote(version, safe=':.')}"
           f"?persistentId={urllib.parse.quote(doi, safe=':/')}")
    try:
        response = http_get(url, timeout=timeout, max_bytes=_MAX_LISTING_BYTES, allow_private=allow_private)
        data = json.loads(response.body or b"")["data"]
        files = [f["dataFile"] | {"label": f.get("label", "")} for f in data["files"]]
    except FetchError as e:
        raise KitError(f"cannot list the files of {doi} on {server}: {e}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise KitError(f"the Dataverse answer for {doi} is not the expected dataset JSON ({type(e).__name__}: {e})",
                       path=url) from None
    number = ".".join(str(data[k]) for k in ("versionNumber", "versionMinorNumber") if data.get(k) is not None)
    return files, number or version


def _checksum(datafile: dict) -> tuple[str, str] | None:
    cs = datafile.get("checksum") or {}
    if cs.get("type") and cs.get("value"):
        return str(cs["type"]).upper(), str(cs["value"]).lower()
    if datafile.get("md5"):
        return "MD5", str(datafile["md5"]).lower()
    return None


def _from_dataverse(server, doi, version, cache: Path, *, timeout, max_bytes, allow_private):
    """(archive path, archive URL, speakers path or None, source description)."""
    files, number = _dataverse_files(server, doi, version, timeout=timeout, allow_private=allow_private)
    archives = [f for f in files if _ARCHIVE_NAME.match(str(f.get("filename", "")))]
    if not archives:
        names = ", ".join(str(f.get("filename", "?")) for f in files) or "none"
        raise KitError(f"the Dataverse dataset {doi} lists no UNGDC_*.zip or .tgz archive (files: {names}); "
                       "download the archive by hand and pass it with --archive")
    archive = max(archives, key=lambda f: (int(f.get("filesize") or 0), str(f.get("filename"))))
    base = f"{server.rstrip('/')}/api/access/datafile/"
    archive_url = f"{base}{archive['id']}"
    archive_path = _download(archive_url, cache / f"{archive['id']}_{_safe_name(archive['filename'])}",
                             timeout=timeout, max_bytes=max_bytes, allow_private=allow_private,
                             checksum=_checksum(archive))
    speakers_path = None
    for f in files:
        names = (str(f.get("filename", "")), str(f.get("originalFileName", "")))
        if any(Path(n).stem.lower() == "speakers_by_session" for n in names):
            original = f.get("originalFileName") and f.get("originalFileName") != f.get("filename")
            name = f.get("originalFileName") if original else f["filename"]
            url = f"{base}{f['id']}" + ("?format=original" if original else "")
            speakers_path = _download(url, cache / f"{f['id']}_{_safe_name(name)}", timeout=timeout,
                                      max_bytes=_MAX_SPEAKERS_BYTES, allow_private=allow_private,
                                      checksum=None if original else _checksum(f))
            break
    return archive_path, archive_url, speakers_path, f"UNGDC, Harvard Dataverse {doi}, version {number}"


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(name)).name) or "file"


def _archive_members(path: Path, wanted) -> Iterator[tuple[str, bytes | None, str]]:
    """(member name, bytes or None when too large, problem) of each wanted member, in one pass."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir() or not wanted(info.filename):
                        continue
                    if info.file_size > MAX_SPEECH_BYTES:
                        yield info.filename, None, f"{info.file_size:,} bytes: too large for one speech"
                        continue
                    with zf.open(info) as fh:
                        yield info.filename, fh.read(MAX_SPEECH_BYTES + 1)[:MAX_SPEECH_BYTES], ""
            return
        with tarfile.open(path, mode="r:*") as tf:
            for member in tf:
                if not member.isfile() or not wanted(member.name):
                    continue
                if member.size > MAX_SPEECH_BYTES:
                    yield member.name, None, f"{member.size:,} bytes: too large for one speech"
                    continue
                fh = tf.extractfile(member)
                yield member.name, fh.read() if fh is not None else None, ""
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise KitError(f"not a readable zip or tar archive ({type(e).__name__}: {e})", path=path) from None


def _speakers_table(name: str, data: bytes) -> dict[tuple[str, int], dict[str, str]]:
    """``(iso3, session) -> {country, speaker, post}`` from Speakers_by_session (xlsx, tab or csv)."""
    try:
        if name.lower().endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
        else:
            frame = pd.read_csv(io.BytesIO(data), sep="\t" if name.lower().endswith((".tab", ".tsv")) else ",",
                                dtype=str, keep_default_na=False)
    except ImportError:
        raise KitError("reading Speakers_by_session.xlsx needs openpyxl (pip install openpyxl)", path=name) from None
    except Exception as e:  # noqa: BLE001 - any parser failure is one line about this file
        raise KitError(f"cannot read the speaker table ({type(e).__name__}: {e})", path=name) from None
    columns = {str(c).strip().lower(): c for c in frame.columns}
    need = {"iso": "iso code", "session": "session", "country": "country", "speaker": "name of person speaking",
            "post": "post"}
    missing = [v for v in need.values() if v not in columns]
    if missing:
        raise KitError(f"the speaker table lacks the column(s) {', '.join(missing)}", path=name)
    table: dict[tuple[str, int], dict[str, str]] = {}
    for row in frame.fillna("").itertuples(index=False):
        values = dict(zip(frame.columns, row))
        iso = str(values[columns["iso code"]]).strip().upper()
        try:
            session = int(float(str(values[columns["session"]]).strip()))
        except ValueError:
            continue
        entry = {k: " ".join(str(values[columns[v]]).split()) for k, v in need.items() if k not in ("iso", "session")}
        entry["speaker_as_recorded"] = entry["speaker"]
        entry["speaker"] = _HONORIFIC.sub("", entry["speaker"])
        table.setdefault((iso, session), entry)
    return table


def _read_metadata(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    if not path.is_file():
        return [], {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = {r["doc_id"]: {k: v or "" for k, v in r.items() if k is not None} for r in reader}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as e:
        raise KitError(f"cannot read the existing metadata.csv, so it is left as it is ({type(e).__name__}: {e})",
                       path=path) from None
    return fields, rows


def fetch_ungdc(
    countries,
    years,
    *,
    out: str | os.PathLike,
    archive: str | os.PathLike | None = None,
    speakers: str | os.PathLike | None = None,
    server: str = DATAVERSE_SERVER,
    doi: str = UNGDC_DOI,
    version: str = ":latest-published",
    cache: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 3600,
    max_bytes: int = 2_000_000_000,
    allow_private: bool = False,
) -> pd.DataFrame:
    """Write the UN General Debate speeches of ``countries`` in ``years`` into a corpus folder.

    Args:
        countries: ISO 3166-1 alpha-3 codes (``["RUS", "USA"]`` or ``"RUS,USA"``).
        years: years (``"2014-2020"``, ``[2014, 2015]``); session = year - 1945.
        out: the corpus folder to write (created if needed).
        archive: an UNGDC archive on disk or at a URL, instead of asking Dataverse.
        speakers: a ``Speakers_by_session`` table (``.xlsx``, ``.tab`` or
            ``.csv``, file or URL), instead of the archive's or Dataverse's.
        server, doi, version: the Dataverse installation, dataset and version
            (``":latest-published"`` or a number such as ``"12.0"``).
        cache: where downloads are kept (default: ``ungdc/`` in the kit's
            cache folder, ``$DISCOURSE_KIT_CACHE`` or ``.cache/``).
        force: replace speeches already in ``out``.
        timeout: seconds allowed for each whole download.
        max_bytes: largest archive accepted.
        allow_private: allow loopback and private-network addresses.

    Returns:
        One row per country and year asked for: ``doc_id, iso3, year, status,
        detail, path`` with ``status`` ``ok``, ``skipped-exists``, ``failed``
        or ``missing`` (no such speech in the archive).

    Raises:
        KitError: bad arguments, the file list or archive cannot be
            downloaded or read, or an existing ``metadata.csv`` is unreadable.
    """
    codes, wanted_years = parse_countries(countries), parse_years(years)
    check_limits(timeout, max_bytes, "The `timeout` parameter of fetch_ungdc (--timeout)")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise KitError("output exists and is not a folder", path=folder)
    cache_root = Path(os.environ.get("DISCOURSE_KIT_CACHE", DEFAULT_CACHE))
    cache_dir = Path(cache) if cache is not None else cache_root / "ungdc"
    limits = {"timeout": timeout, "max_bytes": max_bytes, "allow_private": allow_private}
    speakers_path = None
    if archive is None:
        archive_path, archive_url, speakers_path, source = _from_dataverse(server, doi, version, cache_dir, **limits)
        source_kind = "dataverse"
    elif _is_url(str(archive)):
        name = _safe_name(urllib.parse.urlsplit(str(archive)).path) or "ungdc-archive"
        key = hashlib.sha256(str(archive).encode()).hexdigest()[:12]
        archive_path = _download(str(archive), cache_dir / f"{key}_{name}", **limits)
        archive_url, source, source_kind = str(archive), f"UNGDC archive from {archive}", "archive-url"
    else:
        archive_path = Path(archive)
        if not archive_path.is_file():
            raise KitError("archive not found", path=archive_path)
        archive_url, source, source_kind = archive_path.resolve().as_uri(), f"UNGDC archive {archive_path.name}", \
            "archive-file"
    if speakers is not None:
        if _is_url(str(speakers)):
            target = cache_dir / f"{hashlib.sha256(str(speakers).encode()).hexdigest()[:12]}_speakers"
            name = urllib.parse.urlsplit(str(speakers)).path
            speakers_path = _download(str(speakers), target.with_suffix(Path(name).suffix or ".xlsx"),
                                      timeout=timeout, max_bytes=_MAX_SPEAKERS_BYTES, allow_private=allow_private)
        else:
            speakers_path = Path(speakers)
            if not speakers_path.is_file():
                raise KitError("speaker table not found", path=speakers_path)
    archive_sha = _digest(archive_path, "SHA-256")

    def wanted(name: str) -> bool:
        if _SPEAKERS.search(name):
            return speakers_path is None
        m = _MEMBER.search(name)
        return bool(m) and m.group(3) in codes and int(m.group(5)) in wanted_years and "__MACOSX" not in name

    texts: dict[str, tuple[str, bytes | None, str, int]] = {}
    speaker_table: dict = {}
    for name, data, problem in _archive_members(archive_path, wanted):
        if _SPEAKERS.search(name):
            if data is not None:
                speaker_table = _speakers_table(name, data)
            continue
        m = _MEMBER.search(name)
        doc_id = f"{m.group(3)}_{m.group(4)}_{m.group(5)}"
        texts.setdefault(doc_id, (name, data, problem, int(m.group(4))))
    if speakers_path is not None:
        speaker_table = _speakers_table(  # a user-named file: type and size checked before reading
            speakers_path.name, read_user_file(speakers_path, what="speaker table", limit=200_000_000))

    folder.mkdir(parents=True, exist_ok=True)
    meta_path = folder / "metadata.csv"
    fields, metadata = _read_metadata(meta_path)
    fetched_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    report, lock_rows, stored = [], [], {}
    by_key = {(d.split("_")[0], int(d.split("_")[2])): d for d in texts}
    for iso in codes:
        for year in wanted_years:
            doc_id = by_key.get((iso, year), f"{iso}_{year - 1945}_{year}")
            entry = {"doc_id": doc_id, "iso3": iso, "year": year, "status": "failed", "detail": "", "path": ""}
            report.append(entry)
            if doc_id not in texts:
                entry.update(status="missing", detail=f"no speech of {iso} in {year} in the archive")
                continue
            member, data, problem, session = texts[doc_id]
            target = folder / f"{doc_id}.txt"
            try:
                if target.exists() and not force:
                    entry.update(status="skipped-exists", detail="file exists; use --force to replace it")
                elif data is None:
                    entry["detail"] = f"{member}: {problem or 'unreadable'}"
                    continue
                else:
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError as e:
                        entry["detail"] = f"{member}: not UTF-8 text (undecodable byte at offset {e.start})"
                        continue
                    atomic_write(target, lambda p, data=data: p.write_bytes(data))
                    entry.update(status="ok", detail=f"{len(data):,} bytes from {member}")
                text = stored_text(target)
            except (OSError, KitError) as e:
                reason = getattr(e, "strerror", None) or e
                entry.update(status="failed", detail=f"cannot write or read {target}: {reason}")
                continue
            entry["path"] = str(target)
            info = speaker_table.get((iso, session), {})
            if entry["status"] == "ok" or doc_id not in metadata:
                metadata[doc_id] = {
                    **metadata.get(doc_id, {}), "doc_id": doc_id, "country": info.get("country", ""), "iso3": iso,
                    "session": str(session), "year": str(year), "speaker": info.get("speaker", ""),
                    "speaker_as_recorded": info.get("speaker_as_recorded", ""),
                    "post": info.get("post", ""), "genre": "speech", "language": "en", "dataset": source,
                    "archive_member": member, "archive_sha256": archive_sha, "sha256": text_sha256(text),
                }
            if entry["status"] == "ok":
                lock_rows.append({"doc_id": doc_id, "source": source_kind, "url": f"{archive_url}#{member}",
                                  "fetched_at": fetched_at, "sha256": text_sha256(text), "n_chars": len(text),
                                  "extractor": "ungdc-archive", "extractor_version": __version__,
                                  "kit_version": __version__})
            stored[doc_id] = target
    if metadata:
        columns = UNGDC_COLUMNS + [c for c in fields if c not in UNGDC_COLUMNS]
        frame = pd.DataFrame([{c: metadata[d].get(c, "") for c in columns} for d in sorted(metadata)], columns=columns)
        write_csv(frame, meta_path)
    if stored:
        known = _known_lock(folder)
        missing_rows = [_lock_row_from_metadata(d, stored[d], metadata.get(d, {}))
                        for d in stored if d not in known and d not in {r["doc_id"] for r in lock_rows}]
        update_lock(folder, lock_rows + missing_rows, documents=stored)
    return pd.DataFrame(report, columns=UNGDC_REPORT_COLUMNS)


def _known_lock(folder: Path) -> set[str]:
    try:
        return set(read_lock(folder / "fetch-lock.csv")) if (folder / "fetch-lock.csv").is_file() else set()
    except KitError:
        return set()


def _lock_row_from_metadata(doc_id: str, path: Path, meta: dict) -> dict:
    """A lock row for a speech stored by an earlier run whose lock row was lost: what is known now."""
    text = stored_text(path)
    return {"doc_id": doc_id, "source": "", "url": meta.get("archive_member", ""), "fetched_at": "",
            "sha256": text_sha256(text), "n_chars": len(text), "extractor": "", "extractor_version": "",
            "kit_version": ""}
