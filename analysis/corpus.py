"""Load texts and their metadata into a :class:`Corpus`.

Accepted inputs (``load_corpus(path)``):

* a folder: every top-level ``.txt``/``.md`` file is one document (doc_id = file
  stem; optional YAML front matter between ``---`` lines holds metadata), every
  ``.csv``/``.jsonl`` file holds one document per row/line in a ``text`` column;
  a ``metadata.csv`` beside the texts (column ``doc_id``) adds metadata.
  ``manifest.csv`` (the fetch list) and sub-folders are not read;
* a single ``.txt``, ``.md``, ``.csv`` or ``.jsonl`` file.

Raw files are never modified. Boilerplate is removed in code
(:mod:`analysis.cleaning`); a text with none is loaded unchanged, so offsets
equal offsets into the file (after front matter, if any).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import yaml

from .cleaning import clean_text
from .errors import CorpusError
from .paths import BUNDLED_CORPUS, PROJECT_DIR

__all__ = ["Document", "Corpus", "load_corpus", "read_text_file"]

TEXT_SUFFIXES = {".txt", ".md"}
TABLE_SUFFIXES = {".csv", ".jsonl"}
RESERVED_NAMES = {"metadata.csv", "manifest.csv"}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass
class Document:
    """One text with its metadata.

    Attributes:
        doc_id: unique identifier (file stem unless given).
        text: the cleaned text that is analysed; offsets refer to it.
        metadata: free-form fields (title, date, speaker, ...).
        source: the file the text came from.
        removed: lines cut by cleaning, ``(start, end, kind, text)`` in raw offsets.
    """

    doc_id: str
    text: str
    metadata: dict = field(default_factory=dict)
    source: str = ""
    removed: list = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """SHA-256 of the analysed text (hex)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


class Corpus:
    """An ordered collection of :class:`Document` objects with unique ids."""

    def __init__(self, documents: Iterable[Document] = (), *, skipped: Iterable[str] = ()):
        self.documents: list[Document] = []
        self._index: dict[str, int] = {}
        self.skipped: list[str] = list(skipped)
        for doc in documents:
            self.add(doc)

    def add(self, doc: Document) -> None:
        """Append a document; a duplicate doc_id is an error naming both sources."""
        if doc.doc_id in self._index:
            other = self.documents[self._index[doc.doc_id]].source
            raise CorpusError(f"duplicate doc_id {doc.doc_id!r} (also in {other})", path=doc.source or None)
        self._index[doc.doc_id] = len(self.documents)
        self.documents.append(doc)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, key: int | str) -> Document:
        if isinstance(key, str):
            if key not in self._index:
                raise KeyError(f"no document {key!r}; known: {', '.join(self._index)}")
            return self.documents[self._index[key]]
        return self.documents[key]

    def __add__(self, other: "Corpus") -> "Corpus":
        return Corpus([*self.documents, *other.documents], skipped=[*self.skipped, *other.skipped])

    @property
    def ids(self) -> list[str]:
        """Document ids in corpus order."""
        return [d.doc_id for d in self.documents]

    def hash(self) -> str:
        """SHA-256 over doc ids and texts: identifies the analysed input."""
        h = hashlib.sha256()
        for d in self.documents:
            h.update(d.doc_id.encode("utf-8", "surrogatepass") + b"\0" + d.sha256.encode() + b"\n")
        return h.hexdigest()

    def to_frame(self) -> pd.DataFrame:
        """One row per document: doc_id, metadata columns, n_chars, source."""
        rows = []
        for d in self.documents:
            row = {"doc_id": d.doc_id}
            row.update({k: v for k, v in d.metadata.items() if k != "doc_id"})
            row["n_chars"] = len(d.text)
            row["source"] = d.source
            rows.append(row)
        return pd.DataFrame(rows, columns=_ordered_columns(rows))

    def __repr__(self) -> str:
        return f"Corpus({len(self)} documents)"


def _ordered_columns(rows: list[dict]) -> list[str]:
    cols: list[str] = ["doc_id"]
    for row in rows:
        for k in row:
            if k not in cols and k not in ("n_chars", "source"):
                cols.append(k)
    return cols + ["n_chars", "source"]


def read_text_file(path: Path, encoding: str | None = None) -> str:
    """Read a text file, detecting a BOM; a clear error for binary or undecodable bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError("file not found", path=path) from None
    except PermissionError:
        raise CorpusError("permission denied (cannot read the file)", path=path) from None
    except IsADirectoryError:
        raise CorpusError("is a folder, not a file", path=path) from None
    except OSError as e:  # symlink loops, I/O errors
        raise CorpusError(f"cannot read: {e.strerror or e}", path=path) from None
    enc = encoding
    if enc is None:
        enc = "utf-8"
        for bom, name in _BOMS:
            if data.startswith(bom):
                enc = name
                break
        if enc == "utf-8" and b"\x00" in data[:8192]:
            raise CorpusError("looks like a binary file (NUL bytes); not a text document", path=path)
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise CorpusError(
            f"cannot decode as {enc} at byte {e.start} ({data[e.start:e.start + 1]!r}); "
            "if the file uses another encoding, pass it with --encoding (e.g. --encoding latin-1)",
            path=path,
        ) from None
    except LookupError:
        raise CorpusError(f"unknown encoding {enc!r}", path=path) from None


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        raise CorpusError("front matter opened with '---' but never closed", path=path, where="line 1")
    block = text[text.index("\n") + 1 : end]
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else None
        raise CorpusError(f"malformed YAML front matter: {getattr(e, 'problem', e)}", path=path, where=where) from None
    if not isinstance(meta, dict):
        raise CorpusError("front matter must be a mapping of key: value", path=path, where="line 2")
    rest = text[end + 4 :]
    rest = rest.split("\n", 1)[1] if "\n" in rest else ""
    return {str(k): _plain(v) for k, v in meta.items()}, rest


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


def _make_document(doc_id: str, raw: str, metadata: dict, source: Path, where: str | None = None) -> Document:
    if not raw.strip():
        raise CorpusError("empty text", path=source, where=where)
    cleaned = clean_text(raw)
    meta = dict(cleaned.metadata)
    meta.update({k: v for k, v in metadata.items() if v not in (None, "")})
    if not cleaned.text.strip():
        raise CorpusError("text is empty after removing boilerplate", path=source, where=where)
    return Document(str(doc_id), cleaned.text, meta, _display(source), cleaned.removed)


def _load_text(path: Path, encoding: str | None) -> list[Document]:
    raw = read_text_file(path, encoding)
    meta, body = _front_matter(raw, path)
    doc_id = str(meta.pop("doc_id", path.stem))
    return [_make_document(doc_id, body, meta, path)]


def _load_table(path: Path, encoding: str | None) -> list[Document]:
    raw = read_text_file(path, encoding)
    if path.suffix == ".jsonl":
        records = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError(f"invalid JSON: {e.msg}", path=path, where=f"line {n}") from None
            if not isinstance(rec, dict):
                raise CorpusError("each line must be a JSON object", path=path, where=f"line {n}")
            records.append((f"line {n}", rec))
    else:
        try:
            reader = csv.DictReader(io.StringIO(raw, newline=""))
            records = [(f"row {n}", rec) for n, rec in enumerate(reader, 2)]
        except csv.Error as e:
            raise CorpusError(f"malformed CSV: {e}", path=path) from None
        fields = reader.fieldnames or []
        if "text" not in fields:
            raise CorpusError(f"missing text column (columns: {', '.join(fields) or 'none'})", path=path, where="line 1")
    docs = []
    for i, (where, rec) in enumerate(records, 1):
        if "text" not in rec:
            raise CorpusError("missing text field", path=path, where=where)
        text = rec.pop("text")
        if not isinstance(text, str):
            raise CorpusError("text must be a string", path=path, where=where)
        doc_id = rec.pop("doc_id", None) or rec.pop("id", None) or f"{path.stem}_{i:04d}"
        meta = {k: _plain(v) for k, v in rec.items() if k}
        docs.append(_make_document(str(doc_id), text, meta, path, where))
    if not docs:
        raise CorpusError("no documents (the table has no rows)", path=path)
    return docs


def _load_metadata_csv(path: Path, encoding: str | None) -> dict[str, dict]:
    raw = read_text_file(path, encoding)
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    if "doc_id" not in (reader.fieldnames or []):
        raise CorpusError("metadata.csv needs a doc_id column", path=path, where="line 1")
    out: dict[str, dict] = {}
    for n, row in enumerate(reader, 2):
        doc_id = row.pop("doc_id")
        if not doc_id:
            raise CorpusError("empty doc_id", path=path, where=f"row {n}")
        if doc_id in out:
            raise CorpusError(f"duplicate doc_id {doc_id!r}", path=path, where=f"row {n}")
        out[doc_id] = {k: _coerce(v) for k, v in row.items() if k and v not in (None, "")}
    return out


def _coerce(value: str):
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    return value


def load_corpus(
    path: str | os.PathLike | None = None,
    *,
    encoding: str | None = None,
    skip_bad: bool = False,
) -> Corpus:
    """Load a corpus from a folder or a file; no argument gives the bundled corpus.

    Args:
        path: a folder or a ``.txt``/``.md``/``.csv``/``.jsonl`` file.
        encoding: force an encoding (default: UTF-8, or the file's BOM).
        skip_bad: skip unreadable files instead of stopping; their one-line
            errors are listed in ``corpus.skipped``.

    Raises:
        CorpusError: one line naming the file and the problem.

    Example:
        >>> corpus = load_corpus()
        >>> corpus.to_frame()[["doc_id", "speaker"]]  # doctest: +SKIP
    """
    root = Path(path) if path is not None else BUNDLED_CORPUS
    try:
        exists = root.exists()
        is_dir = root.is_dir()
    except OSError as e:
        raise CorpusError(f"cannot access: {e.strerror or e}", path=root) from None
    if not exists:
        raise CorpusError("path not found", path=root)
    if is_dir:
        try:
            entries = sorted(p for p in root.iterdir() if not p.name.startswith("."))
        except OSError as e:
            raise CorpusError(f"cannot list folder: {e.strerror or e}", path=root) from None
        files = []
        for p in entries:
            try:
                if p.is_dir():
                    continue
            except OSError:
                pass  # a symlink loop etc.: reading it below reports the problem
            if p.name in RESERVED_NAMES:
                continue
            if p.suffix.lower() in TEXT_SUFFIXES | TABLE_SUFFIXES or p.is_symlink():
                files.append(p)
        metadata_file = root / "metadata.csv"
    else:
        files = [root]
        metadata_file = root.parent / "metadata.csv" if root.suffix.lower() in TEXT_SUFFIXES else None
    corpus = Corpus()
    for p in files:
        try:
            suffix = p.suffix.lower()
            if suffix in TABLE_SUFFIXES:
                docs = _load_table(p, encoding)
            elif suffix in TEXT_SUFFIXES:
                docs = _load_text(p, encoding)
            else:
                # only reached for symlinks: reading reports loops and dangling links
                read_text_file(p, encoding)
                continue
            for doc in docs:
                corpus.add(doc)
        except CorpusError as e:
            if not skip_bad:
                raise
            corpus.skipped.append(str(e))
    if not len(corpus):
        where = "; skipped: " + " | ".join(corpus.skipped) if corpus.skipped else ""
        raise CorpusError(f"no documents found (looked for .txt, .md, .csv, .jsonl){where}", path=root)
    if metadata_file is not None and metadata_file.exists():
        table = _load_metadata_csv(metadata_file, encoding)
        for doc in corpus:
            extra = table.get(doc.doc_id)
            if extra:
                merged = dict(extra)  # curated metadata first and authoritative
                merged.update({k: v for k, v in doc.metadata.items() if k not in extra})
                doc.metadata = merged
    return corpus
