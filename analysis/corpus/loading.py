"""Load texts and their metadata into a :class:`~analysis.corpus.documents.Corpus`.

Accepted inputs (``load_corpus(path)``):

* a folder: every top-level ``.txt``/``.md`` file is one document (doc_id = file
  stem; optional YAML front matter between ``---`` lines holds metadata), every
  ``.csv``/``.jsonl`` file holds one document per row/line in a ``text`` column;
  a ``metadata.csv`` beside the texts (column ``doc_id``) adds metadata.
  Not read: ``metadata.csv``, ``manifest.csv`` (the fetch list), ``fetch-lock.csv``, sub-folders,
  hidden files, editor backups (``*~``, ``~$*``) and ``README``/``LICENSE``
  files. Any other file (a PDF, an image, ``.html``) is an error, because
  silently leaving it out would make a result look complete when it is not;
* a single ``.txt``, ``.md``, ``.csv`` or ``.jsonl`` file.

Encodings: :mod:`analysis.corpus.textfiles` (UTF-8 unless a byte-order mark
says otherwise; ``encoding`` for files that are not valid UTF-8; line ends
kept, so character offsets stay offsets into the decoded file).

Raw files are never modified. Boilerplate is removed in code
(:mod:`analysis.corpus.cleaning`); a text with none is loaded unchanged, so offsets
equal offsets into the file (after front matter, if any).
"""
from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import stat
import sys
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import CorpusError
from ..io import read_yaml
from ..paths import BUNDLED_CORPUS, PROJECT_DIR
from .cleaning import clean_text
from .dates import add_iso_dates
from .documents import Corpus, Document, count_surrogates, has_surrogates
from .textfiles import MAX_DOCUMENT_CHARS, check_encoding, read_text_file, sniff_binary

__all__ = ["load_corpus", "TEXT_SUFFIXES", "TABLE_SUFFIXES", "RESERVED_NAMES", "RESERVED_COLUMNS"]

#: Files read as one document each.
TEXT_SUFFIXES = frozenset({".txt", ".md"})
#: Files read as one document per row (CSV) or line (JSONL).
TABLE_SUFFIXES = frozenset({".csv", ".jsonl"})
#: Files of a corpus folder that are not documents (metadata, the fetch list, the fetch lock file).
RESERVED_NAMES = frozenset({"metadata.csv", "manifest.csv", "fetch-lock.csv"})
_IGNORED_STEMS = frozenset({"readme", "license", "licence", "copying"})
_SUPPORTED = "the kit reads .txt, .md, .csv and .jsonl files"


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Split YAML front matter (``---`` ... ``---`` or ``...``) from the body."""
    if not text.startswith("---"):
        return {}, text
    first = text[: text.find("\n")] if "\n" in text[:5] else text[:5]
    first = first.rstrip("\r")
    if first != "---":
        return {}, text
    pos = len(first) + (2 if text.startswith("---\r\n") else 1)
    start = pos
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if line.rstrip("\r") in ("---", "..."):
            block = text[start:pos]
            body = "" if nl < 0 else text[nl + 1 :]
            break
        if nl < 0:
            raise CorpusError("front matter opened with '---' on line 1 but never closed", path=path, where="line 1")
        pos = nl + 1
    meta = read_yaml(block, path, what="front matter", error=CorpusError, kind="YAML front matter", first_line=2).data
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise CorpusError("front matter must be a mapping of key: value lines", path=path, where="line 2")
    return {str(k): _plain(v) for k, v in meta.items()}, body


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _display(path: Path) -> str:
    """A stable name for a source file: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(PROJECT_DIR).as_posix()
    except (ValueError, OSError):
        return str(path)


class _Problems:
    """Raise a problem, or, with ``skip_bad``, note it and carry on."""

    def __init__(self, skip_bad: bool):
        self.skip_bad = skip_bad
        self.skipped: list[str] = []
        self.warnings: list[str] = []

    def report(self, error: CorpusError) -> None:
        if not self.skip_bad:
            raise error
        self.skipped.append(str(error))


#: Column names the kit's own tables use: a metadata field with one of these names is renamed ``meta_<name>``.
RESERVED_COLUMNS = frozenset({"doc_id", "n_chars", "n_chars_removed", "source", "n_tokens", "n_sentences",
                              "text", "voice", "category", "rule_id", "sentence_id", "start_char", "end_char"})


def _rename_reserved(metadata: dict, source, where: str | None, problems: _Problems) -> dict:
    """``metadata`` with reserved column names renamed ``meta_<name>`` (one warning per file and name)."""
    clash = [k for k in metadata if k in RESERVED_COLUMNS and k != "doc_id"]
    if not clash:
        return metadata
    out = {}
    for k, v in metadata.items():
        out[f"meta_{k}" if k in clash else k] = v
    for k in clash:
        note = str(CorpusError(f"metadata field {k!r} is a name the kit's tables use; renamed to 'meta_{k}'",
                               path=source))
        if note not in problems.warnings:
            problems.warnings.append(note)
    return out


def _make_document(doc_id: str, raw: str, metadata: dict, source: Path, problems: _Problems,
                   where: str | None = None) -> Document:
    if not raw.strip():
        raise CorpusError("empty text (nothing but whitespace)" if raw else "empty text", path=source, where=where)
    if len(raw) > MAX_DOCUMENT_CHARS:
        raise CorpusError(f"document too long: {len(raw):,} characters, more than the limit of "
                          f"{MAX_DOCUMENT_CHARS:,}; split it into several documents", path=source, where=where)
    if has_surrogates(raw):
        n = count_surrogates(raw)
        problems.warnings.append(str(CorpusError(
            f"{n} lone surrogate(s) (invalid Unicode) replaced by U+FFFD", path=source, where=where)))
    cleaned = clean_text(raw)
    meta = dict(cleaned.metadata)
    meta.update({k: v for k, v in _rename_reserved(metadata, source, where, problems).items() if v not in (None, "")})
    if not cleaned.text.strip():
        raise CorpusError("text is empty after removing boilerplate", path=source, where=where)
    return Document(str(doc_id), cleaned.text, meta, _display(source), cleaned.removed)


def _load_text(path: Path, encoding: str | None, problems: _Problems) -> list[Document]:
    raw = read_text_file(path, encoding)
    if not raw:
        raise CorpusError("empty file (0 bytes)" if not path.stat().st_size else "empty text", path=path)
    meta, body = _front_matter(raw, path)
    doc_id = meta.pop("doc_id", None)
    doc_id = path.stem if doc_id in (None, "") else str(doc_id)
    return [_make_document(doc_id, body, meta, path, problems)]


@contextlib.contextmanager
def _large_csv_fields() -> Iterator[None]:
    """Allow CSV cells of any size (the default limit is 128 KiB)."""
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _table_records(path: Path, raw: str, problems: _Problems) -> list[tuple[str, dict]]:
    if path.suffix.lower() == ".jsonl":
        records = []
        # lines end at "\n" only: str.splitlines() would also break at U+2028, U+0085 ...,
        # which JSON strings may hold unescaped
        for n, line in enumerate(raw.split("\n"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.report(CorpusError(f"invalid JSON: {e.msg} (column {e.colno})", path=path, where=f"line {n}"))
                continue
            except RecursionError:
                problems.report(CorpusError("invalid JSON: nested too deeply", path=path, where=f"line {n}"))
                continue
            if not isinstance(rec, dict):
                problems.report(CorpusError("each line must be a JSON object", path=path, where=f"line {n}"))
                continue
            records.append((f"line {n}", rec))
        if records and not any("text" in rec for _, rec in records):
            raise CorpusError(f"missing text field (keys: {', '.join(map(str, records[0][1])) or 'none'})",
                              path=path, where="line 1")
        return records
    try:
        with _large_csv_fields():
            reader = csv.DictReader(io.StringIO(raw, newline=""))
            fields = [f.strip() if isinstance(f, str) else f for f in (reader.fieldnames or [])]
            reader.fieldnames = fields
            if "text" not in fields:
                raise CorpusError(f"missing text column (columns: {', '.join(fields) or 'none'})",
                                  path=path, where="line 1")
            return [(f"row {n}", rec) for n, rec in enumerate(reader, 2)]
    except csv.Error as e:
        raise CorpusError(f"malformed CSV: {e}", path=path) from None


def _load_table(path: Path, encoding: str | None, problems: _Problems) -> list[Document]:
    raw = read_text_file(path, encoding)
    if not raw.strip():
        raise CorpusError("empty file" if not raw else "empty text", path=path)
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for i, (where, rec) in enumerate(_table_records(path, raw, problems), 1):
        try:
            if "text" not in rec:
                raise CorpusError("missing text field", path=path, where=where)
            text = rec.pop("text")
            if not isinstance(text, str):
                what = "nothing" if text is None else type(text).__name__
                raise CorpusError(f"text must be a string (got {what})", path=path, where=where)
            doc_id = rec.pop("doc_id", None)
            if doc_id in (None, ""):
                doc_id = rec.pop("id", None)
            doc_id = f"{path.stem}_{i:04d}" if doc_id in (None, "") else str(doc_id)
            if doc_id in seen:
                raise CorpusError(f"duplicate doc_id {doc_id!r} (also {seen[doc_id]})", path=path, where=where)
            meta = {str(k): _plain(v) for k, v in rec.items() if k}
            docs.append(_make_document(doc_id, text, meta, path, problems, where))
            seen[doc_id] = where
        except CorpusError as e:
            problems.report(e)
    if not docs and not problems.skipped:
        raise CorpusError("no documents (the table has no rows)", path=path)
    return docs


def _load_metadata_csv(path: Path, encoding: str | None) -> dict[str, dict]:
    raw = read_text_file(path, encoding)
    try:
        with _large_csv_fields():
            reader = csv.DictReader(io.StringIO(raw, newline=""))
            fields = [f.strip() if isinstance(f, str) else f for f in (reader.fieldnames or [])]
            reader.fieldnames = fields
            if "doc_id" not in fields:
                raise CorpusError("metadata.csv needs a doc_id column", path=path, where="line 1")
            out: dict[str, dict] = {}
            for n, row in enumerate(reader, 2):
                doc_id = (row.pop("doc_id") or "").strip()
                if not doc_id:
                    raise CorpusError("empty doc_id", path=path, where=f"row {n}")
                if doc_id in out:
                    raise CorpusError(f"duplicate doc_id {doc_id!r}", path=path, where=f"row {n}")
                out[doc_id] = {k: _coerce(v if v is not None else "") for k, v in row.items() if k}
    except csv.Error as e:
        raise CorpusError(f"malformed CSV: {e}", path=path) from None
    return out


def _coerce(value):
    """``true``/``false`` cells become booleans; everything else stays text."""
    if isinstance(value, list):  # extra cells beyond the header
        return value
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    return value


# --------------------------------------------------------------------------- folder scan


def _ignored(name: str) -> bool:
    if name.startswith((".", "~$", ".#")) or name.endswith("~"):
        return True  # hidden files, editor and office lock/backup files
    if name in RESERVED_NAMES:
        return True
    stem = name.split(".", 1)[0].lower()
    return stem in _IGNORED_STEMS


def _unsupported(path: Path) -> CorpusError:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        head = b""
    what = sniff_binary(head)
    kind = f"'{path.suffix}'" if path.suffix else "(no extension)"
    looks = f", looks like {what.split(' (')[0]}" if what else ""
    return CorpusError(
        f"unsupported file type {kind}{looks}; {_SUPPORTED}: convert it to text, move it out of the "
        "folder, or pass --skip-bad to leave it out",
        path=path,
    )


def _folder_files(root: Path) -> Iterator[Path | CorpusError]:
    """The document files of a folder in name order, or the error that excludes each bad one."""
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise CorpusError(f"cannot list folder: {e.strerror or e}", path=root) from None
    for p in entries:
        if _ignored(p.name):
            continue
        try:
            st = p.stat()  # follows symlinks: loops and dangling links fail here
        except OSError as e:
            if p.is_symlink():
                problem = "symbolic link loop" if e.errno == errno.ELOOP else "broken symbolic link"
                yield CorpusError(f"cannot read: {problem} ({e.strerror})", path=p)
            else:
                yield CorpusError(f"cannot read: {e.strerror or e}", path=p)
            continue
        if stat.S_ISDIR(st.st_mode):
            continue  # sub-folders (annotations/, fetched/) are not read
        if not stat.S_ISREG(st.st_mode):  # reading a FIFO would block for ever
            yield CorpusError("not a regular file (a pipe, socket or device)", path=p)
        elif p.suffix.lower() in TEXT_SUFFIXES | TABLE_SUFFIXES:
            yield p
        else:
            yield _unsupported(p)


def load_corpus(
    path: str | os.PathLike | None = None,
    *,
    encoding: str | None = None,
    skip_bad: bool = False,
) -> Corpus:
    """Load a corpus from a folder or a file; no argument gives the bundled corpus.

    Args:
        path: a folder or a ``.txt``/``.md``/``.csv``/``.jsonl`` file.
        encoding: the encoding of files that are not valid UTF-8 (e.g.
            ``"latin-1"``); UTF-8 files and files with a byte-order mark are
            still read correctly (see :func:`read_text_file`).
        skip_bad: leave out unreadable files (and bad rows of tables) instead
            of stopping; their one-line errors are listed in ``corpus.skipped``.

    Raises:
        CorpusError: one line naming the file (and line/row) and the problem.

    Example:
        >>> corpus = load_corpus()
        >>> corpus.to_frame()[["doc_id", "speaker"]].values.tolist()
        [['000_b57aecae04ae68f3', 'Sergei Lavrov'], ['001_control_agency_report', 'Sergei Lavrov']]
    """
    root = Path(path) if path is not None else BUNDLED_CORPUS
    if encoding is not None:
        check_encoding(encoding)
    problems = _Problems(skip_bad)
    try:
        exists = root.exists()
        is_dir = root.is_dir()
    except OSError as e:
        raise CorpusError(f"cannot access: {e.strerror or e}", path=root) from None
    if not exists:
        if root.is_symlink():
            raise CorpusError("broken or looping symbolic link", path=root)
        raise CorpusError("path not found", path=root)
    if is_dir:
        files: Iterable[Path | CorpusError] = _folder_files(root)
        metadata_file: Path | None = root / "metadata.csv"
    else:
        if not stat.S_ISREG(root.stat().st_mode):
            raise CorpusError("not a regular file (a pipe, socket or device)", path=root)
        if root.suffix.lower() not in TEXT_SUFFIXES | TABLE_SUFFIXES:
            raise _unsupported(root)
        files = [root]
        metadata_file = root.parent / "metadata.csv" if root.suffix.lower() in TEXT_SUFFIXES else None
    corpus = Corpus()
    for p in files:
        if isinstance(p, CorpusError):
            problems.report(p)
            continue
        try:
            suffix = p.suffix.lower()
            loader = _load_table if suffix in TABLE_SUFFIXES else _load_text
            docs = loader(p, encoding, problems)
            for doc in docs:  # a duplicate of an earlier file's id: report before adding any
                if doc.doc_id in corpus:
                    other = corpus[doc.doc_id].source
                    raise CorpusError(f"duplicate doc_id {doc.doc_id!r} (also in {other})", path=p)
            for doc in docs:
                corpus.add(doc)
        except CorpusError as e:
            problems.report(e)
    corpus.skipped.extend(problems.skipped)
    corpus.warnings.extend(problems.warnings)
    if not len(corpus):
        skipped = "; skipped: " + " | ".join(corpus.skipped) if corpus.skipped else ""
        raise CorpusError(f"no documents found (looked for .txt, .md, .csv and .jsonl files){skipped}", path=root)
    if metadata_file is not None and metadata_file.is_file():
        table = _load_metadata_csv(metadata_file, encoding)
        table = {d: _rename_reserved(row, _display(metadata_file), None, problems) for d, row in table.items()}
        corpus.warnings.extend(w for w in problems.warnings if w not in corpus.warnings)
        for doc in corpus:
            extra = table.get(doc.doc_id)
            if extra:  # curated metadata first and authoritative; its empty cells keep the column
                merged = {k: v if v != "" else doc.metadata.get(k, "") for k, v in extra.items()}
                merged.update({k: v for k, v in doc.metadata.items() if k not in merged})
                doc.metadata = merged
        if is_dir:
            orphans = [d for d in table if d not in corpus]
            if orphans:
                corpus.warnings.append(str(CorpusError(
                    f"{len(orphans)} doc_id(s) have no document: {', '.join(orphans[:5])}"
                    + (", ..." if len(orphans) > 5 else ""), path=_display(metadata_file))))
    date_warning = add_iso_dates(corpus)  # dates read once, here: `date` -> ISO `date_iso`
    if date_warning:
        corpus.warnings.append(date_warning)
    return corpus
