"""A corpus is an ordered set of documents: :class:`Document` (a text and its metadata) and :class:`Corpus`.

Documents come from :func:`analysis.corpus.loading.load_corpus` (folders and
files of texts), from :func:`analysis.extract.voices.doc_voices` (one per voice
of a parsed document) or from your own code. A document's ``text`` is what is
analysed: every offset in every table refers to it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pandas as pd

from ..errors import CorpusError

__all__ = ["Document", "Corpus", "has_surrogates", "count_surrogates"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """True if ``text`` holds lone surrogates (fast: encoding runs in C, a regex scan does not)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def count_surrogates(text: str) -> int:
    """How many lone surrogates (invalid Unicode, e.g. from a JSON ``"\\ud800"`` escape) ``text`` holds."""
    return len(_SURROGATE.findall(text))


@dataclass
class Document:
    """One text with its metadata.

    Attributes:
        doc_id: unique identifier (file stem unless given).
        text: the cleaned text that is analysed; offsets refer to it. Lone
            surrogates (invalid Unicode, e.g. from a JSON ``"\\ud800"``
            escape) are replaced by U+FFFD, one character for one, so offsets
            do not move.
        metadata: free-form fields (title, date, speaker, ...).
        source: the file the text came from.
        removed: lines cut by cleaning, ``(start, end, kind, text)`` in raw offsets.
    """

    doc_id: str
    text: str
    metadata: dict = field(default_factory=dict)
    source: str = ""
    removed: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.doc_id = str(self.doc_id)
        if not isinstance(self.text, str):
            raise TypeError(f"Document.text must be str, got {type(self.text).__name__}")
        if has_surrogates(self.text):
            self.text = _SURROGATE.sub("\ufffd", self.text)

    @property
    def sha256(self) -> str:
        """SHA-256 of the analysed text (hex)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


class Corpus:
    """An ordered collection of :class:`Document` objects with unique ids.

    Attributes:
        documents: the documents, in load order (sorted file names, then rows).
        skipped: one-line errors of the files/rows left out with ``skip_bad``.
        warnings: one-line notes on input that was read but looks odd
            (repaired Unicode, metadata rows without a document).
    """

    def __init__(
        self, documents: Iterable[Document] = (), *, skipped: Iterable[str] = (), warnings: Iterable[str] = ()
    ):
        self.documents: list[Document] = []
        self._index: dict[str, int] = {}
        self.skipped: list[str] = list(skipped)
        self.warnings: list[str] = list(warnings)
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

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._index

    def __getitem__(self, key: int | str) -> Document:
        if isinstance(key, str):
            if key not in self._index:
                known = ", ".join(list(self._index)[:10]) + (", ..." if len(self._index) > 10 else "")
                raise KeyError(f"no document {key!r}; known: {known}")
            return self.documents[self._index[key]]
        return self.documents[key]

    def __add__(self, other: "Corpus") -> "Corpus":
        return Corpus(
            [*self.documents, *other.documents],
            skipped=[*self.skipped, *other.skipped],
            warnings=[*self.warnings, *other.warnings],
        )

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
        """One row per document: doc_id, metadata columns, n_chars, n_chars_removed (characters of the
        boilerplate lines cut by cleaning), source.

        A metadata field missing from a document is ``""`` in its row.
        """
        rows = []
        for d in self.documents:
            row = {"doc_id": d.doc_id}
            row.update({k: v for k, v in d.metadata.items() if k not in _OWN_COLUMNS})
            row["n_chars"] = len(d.text)
            row["n_chars_removed"] = sum(end - start for start, end, *_ in d.removed)  # boilerplate lines cut
            row["source"] = d.source
            rows.append(row)
        columns = _ordered_columns(rows)
        return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=columns)

    def __repr__(self) -> str:
        return f"Corpus({len(self)} documents)"


_OWN_COLUMNS = ("doc_id", "n_chars", "n_chars_removed", "source")


def _ordered_columns(rows: list[dict]) -> list[str]:
    cols: dict[str, None] = {"doc_id": None}
    for row in rows:
        for k in row:
            if k not in ("n_chars", "n_chars_removed", "source"):
                cols.setdefault(k, None)
    return [*cols, "n_chars", "n_chars_removed", "source"]


