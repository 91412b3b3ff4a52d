"""On-disk caches: parsed Docs and per-document analysis records.

Two layers, both under the cache folder (``.cache/`` or ``$DISCOURSE_KIT_CACHE``):

``<pipeline fingerprint>/<sha[:2]>/<text sha256>.spacy``
    One parsed Doc per file, in spaCy's DocBin format (readable with
    ``DocBin().from_bytes``). Written and read here without DocBin's
    per-token Python loop and without srsly's per-call registry scan, which
    together made a cached Doc slower to load than to parse (see
    ``benchmarks/README.md``).

``records/<analysis fingerprint[:16]>/<key[:2]>/<key>.rec``
    Everything :func:`analysis.analyze.analyze_doc` extracted from one
    document, so a warm re-run neither parses nor extracts. The key hashes the
    document (text SHA-256, doc_id, metadata) with the *analysis fingerprint*:
    pipeline fingerprint, codebook SHA-256, gazetteer SHA-256, the kit's
    version and source files, TextBlob's version and whether sentiment was
    requested (and how keyness terms are counted). Changing any of these misses the cache; nothing is ever
    served stale. Files carry a checksum: a damaged file is ignored (and
    recomputed), never trusted.

Every file is written to a temporary name and renamed into place, so
concurrent runs and worker processes never see half a file.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
import threading
import zlib
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import srsly
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import Doc, DocBin
from spacy.tokens._dict_proxies import SpanGroups
from spacy.vocab import Vocab
from srsly.msgpack._msgpack_numpy import decode_numpy, encode_numpy
from srsly.msgpack._packer import Packer
from srsly.msgpack._unpacker import unpackb

from ..errors import UnstorableValue
from ..paths import DEFAULT_CACHE, PACKAGE_DIR

__all__ = [
    "cache_dir",
    "doc_to_bytes",
    "doc_from_bytes",
    "read_doc",
    "write_doc",
    "write_atomic",
    "code_fingerprint",
    "analysis_fingerprint",
    "RecordCache",
    "encode_result",
    "decode_result",
]

# --------------------------------------------------------------------------- folders and files


def cache_dir(cache: str | os.PathLike | bool | None) -> Path | None:
    """The cache folder: ``None``/``True`` -> ``$DISCOURSE_KIT_CACHE`` or ``.cache/``; ``False`` -> no cache."""
    if cache is False:
        return None
    if cache is None or cache is True:
        return Path(os.environ.get("DISCOURSE_KIT_CACHE", DEFAULT_CACHE))
    return Path(cache)


_MADE_DIRS: set[Path] = set()  # folders this process has created or found (saves a mkdir per file)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    Returns False (and leaves nothing behind) when the folder is not writable:
    a cache that cannot be written is simply not used.
    """
    try:
        if path.parent not in _MADE_DIRS:
            path.parent.mkdir(parents=True, exist_ok=True)
            _MADE_DIRS.add(path.parent)
        # a name of our own (process and thread) is cheaper than mkstemp's random one;
        # mkstemp is the fallback when that name is taken (e.g. left by a killed run)
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        _MADE_DIRS.discard(path.parent)
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


# --------------------------------------------------------------------------- Docs (DocBin format)

_DOCBIN_ATTRS: list[int] = DocBin().attrs  # ORTH first, then spaCy's DOCBIN_ALL_ATTRS
_STRING_ATTRS = {ORTH, NORM, TAG, DEP, ENT_TYPE, ENT_KB_ID, ENT_ID, LEMMA, MORPH}
_STRING_COLUMNS = [i for i, a in enumerate(_DOCBIN_ATTRS) if a in _STRING_ATTRS]
_pack = Packer(use_bin_type=True, default=partial(encode_numpy, chain=None)).pack


def _unpack(data: bytes, use_list: bool = True) -> Any:
    return unpackb(data, raw=False, use_list=use_list, object_hook=partial(decode_numpy, chain=None))


def doc_to_bytes(doc: Doc) -> bytes:
    """Serialise one Doc exactly as ``DocBin(store_user_data=True)`` would (same format)."""
    tokens = doc.to_array(_DOCBIN_ATTRS).reshape(len(doc), len(_DOCBIN_ATTRS))
    spaces = doc.to_array(SPACY).reshape(len(doc), 1).astype(bool)
    hashes = np.unique(tokens[:, _STRING_COLUMNS])
    strings = doc.vocab.strings
    texts = {strings[int(h)] for h in hashes.tolist() if h}
    texts.add("")
    for group in doc.spans.values():
        for span in group:
            texts.add(span.label_)
            if span.kb_id in strings:
                texts.add(span.kb_id_)
            if span.id in strings:
                texts.add(span.id_)
    try:
        user_data = _pack(doc.user_data)
    except (TypeError, ValueError, OverflowError):
        user_data = srsly.msgpack_dumps(doc.user_data)  # registered third-party encoders
    msg = {
        "version": "0.1",
        "attrs": _DOCBIN_ATTRS,
        "tokens": np.ascontiguousarray(tokens).tobytes("C"),
        "spaces": np.ascontiguousarray(spaces).tobytes("C"),
        "lengths": np.asarray([len(doc)], dtype="int32").tobytes("C"),
        "strings": sorted(texts),
        "cats": [doc.cats],
        "flags": [{"has_unknown_spaces": doc.has_unknown_spaces}],
        "span_groups": [doc.spans.to_bytes() if doc.spans else SpanGroups._EMPTY_BYTES],
        "user_data": [user_data],
    }
    return zlib.compress(_pack(msg), 1)


def doc_from_bytes(data: bytes, vocab: Vocab) -> Doc:
    """Read one Doc written by :func:`doc_to_bytes` (or a one-Doc DocBin with user data).

    Raises:
        ValueError: the data is not such a DocBin (damaged or foreign).
    """
    try:
        msg = _unpack(zlib.decompress(data))
        attrs = list(msg["attrs"])
        lengths = np.frombuffer(msg["lengths"], dtype="int32")
        if len(lengths) != 1 or not attrs or attrs[0] != ORTH:
            raise ValueError("not a one-document DocBin")
        tokens = np.frombuffer(msg["tokens"], dtype="uint64").reshape(int(lengths[0]), len(attrs))
        spaces = np.frombuffer(msg["spaces"], dtype=bool)
        flags = (msg.get("flags") or [{}])[0]
        add = vocab.strings.add
        for s in msg["strings"]:
            add(s)
        doc = Doc(vocab, words=tokens[:, 0], spaces=None if flags.get("has_unknown_spaces") else spaces)
        doc.from_array(attrs, tokens)
        doc.cats = msg["cats"][0]
        groups = (msg.get("span_groups") or [b""])[0]
        if groups and groups != SpanGroups._EMPTY_BYTES:
            doc.spans.from_bytes(groups)
        user = (msg.get("user_data") or [None])[0]
        if user is not None:
            doc.user_data.update(_unpack(user, use_list=False))
        return doc
    except ValueError:
        raise
    except Exception as e:  # zlib.error, KeyError, msgpack errors, shape mismatches ...
        raise ValueError(f"not a readable cached Doc: {e}") from None


def read_doc(path: Path, vocab: Vocab) -> Doc | None:
    """The cached Doc at ``path``, or None when it is missing or damaged."""
    try:
        return doc_from_bytes(path.read_bytes(), vocab)
    except (OSError, ValueError):
        return None


def write_doc(path: Path, doc: Doc) -> bool:
    """Cache one Doc at ``path`` (atomic); False when it could not be written."""
    try:
        data = doc_to_bytes(doc)
    except Exception:  # a Doc we cannot serialise is simply not cached
        return False
    return write_atomic(path, data)


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
        from importlib.metadata import version

        return version("textblob")
    except Exception:
        return "?"


def analysis_fingerprint(nlp, codebook, gazetteer, *, with_sentiment: bool, terms_by: str | None = None) -> str | None:
    """Hash of everything that decides a document's records, or None if it cannot be known.

    None (no record caching) when the codebook or gazetteer has no SHA-256,
    e.g. one built in memory rather than loaded from a file.
    """
    from .._version import __version__
    from .pipeline import pipeline_fingerprint

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
    """A :class:`~analysis.analyze.DocResult` as bytes (checksummed), or None if it holds values
    that cannot be stored exactly (then the document is simply not cached)."""
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


def decode_result(data: bytes):
    """Inverse of :func:`encode_result`; raises ValueError on damaged data."""
    from ..extract.analyze import DocResult

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
        """Cache key of a :class:`~analysis.corpus.Document` (text, id and metadata)."""
        meta = json.dumps(document.metadata, sort_keys=True, default=str, ensure_ascii=False)
        h = hashlib.sha256()
        for part in (self.fingerprint, document.sha256, document.doc_id, meta):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return h.hexdigest()

    def path(self, key: str) -> Path:
        """Where the records of ``key`` live."""
        return self.folder / key[:2] / f"{key}.rec"

    def load(self, key: str):
        """The cached DocResult for ``key``, or None (missing or damaged)."""
        try:
            return decode_result(self.path(key).read_bytes())
        except (OSError, ValueError):
            return None

    def save(self, key: str, data: bytes) -> bool:
        """Store encoded records (from :func:`encode_result`)."""
        return write_atomic(self.path(key), data)
