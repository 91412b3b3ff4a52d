"""Parsed Docs on disk: ``<cache>/<pipeline fingerprint>/<sha[:2]>/<text sha256>.spacy``.

The cache folder is ``.cache/`` or ``$DISCOURSE_KIT_CACHE`` (:func:`cache_dir`).
One parsed Doc per file, in spaCy's DocBin format (readable with
``DocBin().from_bytes``). Written and read here without DocBin's per-token
Python loop and without srsly's per-call registry scan, which together made a
cached Doc slower to load than to parse (see ``benchmarks/README.md``).

Every file is written to a temporary name and renamed into place
(:func:`write_atomic`), so concurrent runs and worker processes never see half
a file. The per-document *records* cache beside it is
:mod:`analysis.app.records`.
"""
from __future__ import annotations

import os
import tempfile
import threading
import zlib
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.attrs import DEP, ENT_ID, ENT_KB_ID, ENT_TYPE, LEMMA, MORPH, NORM, ORTH, SPACY, TAG
from spacy.tokens import Doc, DocBin
from spacy.tokens._dict_proxies import SpanGroups
from spacy.vocab import Vocab
from srsly.msgpack._msgpack_numpy import decode_numpy, encode_numpy
from srsly.msgpack._packer import Packer
from srsly.msgpack._unpacker import unpackb

from ..paths import DEFAULT_CACHE

__all__ = ["cache_dir", "doc_to_bytes", "doc_from_bytes", "read_doc", "write_doc", "write_atomic"]

# --------------------------------------------------------------------------- folders and files


def cache_dir(cache: str | os.PathLike | bool | None) -> Path | None:
    """The cache folder: ``None``/``True`` -> ``$DISCOURSE_KIT_CACHE`` (empty counts as unset) or ``.cache/``;
    ``False`` -> no cache."""
    if cache is False:
        return None
    if cache is None or cache is True:
        return Path(os.environ.get("DISCOURSE_KIT_CACHE") or DEFAULT_CACHE)  # empty = unset, not the current folder
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
