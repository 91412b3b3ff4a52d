"""Per-document analysis records on disk, so a warm re-run neither parses nor extracts.

``<cache>/records/<analysis fingerprint[:16]>/<key[:2]>/<key>.rec`` holds
everything :func:`analysis.extract.analyze.analyze_doc` extracted from one
document (a :class:`~analysis.extract.analyze.DocResult`). The key hashes the
document (text SHA-256, doc_id, metadata) with the *analysis fingerprint*:
pipeline fingerprint, codebook SHA-256, gazetteer SHA-256, the kit's version
and source files, TextBlob's version and whether sentiment was requested (and
how keyness terms are counted). Changing any of these misses the cache;
nothing is ever served stale. Files carry a checksum: a damaged file is
ignored (and recomputed), never trusted. Files are written with
:func:`analysis.nlp.doccache.write_atomic`.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..errors import UnstorableValue
from ..extract.analyze import DocResult
from ..nlp.doccache import write_atomic
from ..nlp.pipeline import pipeline_fingerprint
from ..paths import PACKAGE_DIR

__all__ = ["code_fingerprint", "analysis_fingerprint", "RecordCache", "encode_result", "decode_result"]

# --------------------------------------------------------------------------- fingerprints


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the kit's own source and data files (any edit invalidates cached records)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".txt", ".json") and "__pycache__" not in path.parts:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def _textblob_version() -> str:
    try:
        return version("textblob")
    except Exception:
        return "?"


def analysis_fingerprint(nlp, codebook, gazetteer, *, with_sentiment: bool, terms_by: str | None = None) -> str | None:
    """Hash of everything that decides a document's records, or None if it cannot be known.

    None (no record caching) when the codebook or gazetteer has no SHA-256,
    e.g. one built in memory rather than loaded from a file.
    """
    codebook_sha = getattr(codebook, "sha256", "")
    gazetteer_sha = getattr(gazetteer, "sha256", "")
    if not codebook_sha or not gazetteer_sha:
        return None
    parts = [
        "records-v2",
        pipeline_fingerprint(nlp),
        f"codebook={codebook_sha}",
        f"gazetteer={gazetteer_sha}",
        f"kit={__version__}",
        f"code={code_fingerprint()}",
        f"sentiment={bool(with_sentiment)}",
        f"terms={terms_by or '-'}",
        f"textblob={_textblob_version() if with_sentiment else '-'}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"marshal={marshal.version}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --------------------------------------------------------------------------- records

_MAGIC = b"DKR2"
#: a records file starts with this and its key (records written before keys were stored are not used)
_KEY_MAGIC = b"DKK1"
_DIGEST = 16
_NA = ...  # stands for pd.NA in the encoded records (marshal has no pd.NA)
_RECORD_FIELDS = ("sentences", "attributions", "evidence", "mentions", "sentiment")


_SCALARS = frozenset({str, int, float, bool, type(None), bytes})
_NESTED = (tuple, list, dict)


def _plain(value: Any) -> Any:
    """``value`` with pd.NA replaced by the marker; raises UnstorableValue for inexact types."""
    t = type(value)
    if t in _SCALARS:
        return value
    if value is pd.NA:
        return _NA
    if t is tuple:
        return tuple(_plain(v) for v in value)
    if t is list:
        return [_plain(v) for v in value]
    if t is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    raise UnstorableValue(t.__name__)


def _pack_records(records: list[dict]) -> tuple:
    """``(keys, rows, restore)``: shared keys, value tuples, and the columns holding NA or containers."""
    if not records:
        return ((), [], ())
    keys = tuple(records[0])
    if all(len(r) == len(keys) and tuple(r) == keys for r in records):
        columns = list(zip(*(r.values() for r in records)))
        restore = []
        for j, column in enumerate(columns):
            types = set(map(type, column))
            if not types <= _SCALARS:  # pd.NA or containers: convert (and restore on reading)
                columns[j] = tuple(map(_plain, column))
                if any(v is _NA or type(v) in _NESTED for v in columns[j]):
                    restore.append(j)
        return (keys, list(zip(*columns)), tuple(restore))
    # records with differing keys: keep each record's own keys
    return (None, [(tuple(r), tuple(map(_plain, r.values()))) for r in records], None)


def _restore(value: Any) -> Any:
    t = type(value)
    if value is _NA:
        return pd.NA
    if t is tuple:
        return tuple(_restore(v) for v in value)
    if t is list:
        return [_restore(v) for v in value]
    if t is dict:
        return {_restore(k): _restore(v) for k, v in value.items()}
    return value


def _unpack_records(packed: tuple) -> list[dict]:
    keys, rows, restore = packed
    if keys is None:
        return [dict(zip(k, [_restore(v) for v in row])) for k, row in rows]
    if not restore:
        return [dict(zip(keys, row)) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for j in restore:
            values[j] = _restore(values[j])
        out.append(dict(zip(keys, values)))
    return out


def encode_result(result) -> bytes | None:
    """A :class:`~analysis.extract.analyze.DocResult` as bytes (checksummed), or None if it holds values
    that cannot be stored exactly (then the document is simply not cached) or rules were left out of it
    because a REGEX ran out of time (that depends on the machine's speed: the next run tries again)."""
    if result.skipped_rules:
        return None
    try:
        records = tuple(_pack_records(getattr(result, name)) for name in _RECORD_FIELDS)
        voice_tokens = _plain(dict(result.voice_tokens))
        terms = _plain({side: dict(counts) for side, counts in result.terms.items()})
        warnings = _plain(list(result.warnings))
    except UnstorableValue:
        return None
    payload = (
        result.doc_id,
        result.n_tokens,
        result.n_sentences,
        records,
        voice_tokens,
        warnings,
        terms,
    )
    try:
        body = marshal.dumps(payload)
    except (ValueError, UnstorableValue):  # e.g. numpy scalars: not stored exactly by marshal
        return None
    return _MAGIC + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body


def decode_result(data: bytes) -> DocResult:
    """Inverse of :func:`encode_result`; raises ValueError on damaged data."""
    if data[:4] != _MAGIC:
        raise ValueError("not a records file")
    digest, body = data[4 : 4 + _DIGEST], data[4 + _DIGEST :]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
        raise ValueError("checksum mismatch")
    try:
        doc_id, n_tokens, n_sentences, packed, voice_tokens, warnings, terms = marshal.loads(body)
        fields = {name: _unpack_records(p) for name, p in zip(_RECORD_FIELDS, packed, strict=True)}
    except (EOFError, TypeError, ValueError) as e:
        raise ValueError(f"damaged records: {e}") from None
    return DocResult(
        doc_id=doc_id,
        n_tokens=n_tokens,
        n_sentences=n_sentences,
        voice_tokens=voice_tokens,
        warnings=list(warnings),
        terms=terms,
        **fields,
    )


class RecordCache:
    """Per-document analysis records on disk, keyed by document and analysis fingerprint."""

    def __init__(self, folder: str | os.PathLike, fingerprint: str):
        self.fingerprint = fingerprint
        self.folder = Path(folder) / "records" / fingerprint[:16]

    def key(self, document) -> str:
        """Cache key of a :class:`~analysis.corpus.documents.Document` (text, id and metadata)."""
        meta = json.dumps(document.metadata, sort_keys=True, default=str, ensure_ascii=False)
        h = hashlib.sha256()
        for part in (self.fingerprint, document.sha256, document.doc_id, meta):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def path(self, key: str) -> Path:
        """Where the records of ``key`` live."""
        return self.folder / key[:2] / f"{key}.rec"

    def load(self, key: str):
        """The cached DocResult for ``key``, or None (missing, damaged, or another key's records).

        Every file starts with the key it was stored under; a file moved or
        copied onto another key's name is not used (it is recomputed).
        """
        try:
            data = self.path(key).read_bytes()
            stamp = _KEY_MAGIC + key.encode("ascii")
            if not data.startswith(stamp):
                return None
            return decode_result(data[len(stamp):])
        except (OSError, ValueError, UnicodeError):
            return None

    def save(self, key: str, data: bytes) -> bool:
        """Store encoded records (from :func:`encode_result`) under ``key``, the key itself first."""
        return write_atomic(self.path(key), _KEY_MAGIC + key.encode("ascii") + data)
