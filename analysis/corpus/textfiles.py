"""Read one text file: byte-order marks, encodings, and files that are not text at all.

Encoding: UTF-8 unless the file starts with a byte-order mark (UTF-8, UTF-16,
UTF-32); ``encoding`` names the encoding of files that are not valid UTF-8.
Line ends are kept as they are (CRLF stays CRLF), so character offsets stay
offsets into the decoded file. A PDF, an image or another binary file is a
clear error, never read as garbled text.
"""
from __future__ import annotations

import codecs
import os
from pathlib import Path

from ..errors import CorpusError
from ..io import FileTooLarge, NotRegularFile, read_limited

__all__ = ["read_text_file", "sniff_binary", "check_encoding", "MAX_DOCUMENT_CHARS", "MAX_TEXT_FILE_BYTES",
           "MAX_TABLE_FILE_BYTES"]

#: Longest document accepted, in characters: the largest size benchmarks/bench_large_text.py measures
#: (50 MB of text, 9.5 million tokens, 4.4 GB of memory); a longer one is refused in one line, not an
#: out-of-memory kill.
MAX_DOCUMENT_CHARS = 50_000_000
#: Largest ``.txt``/``.md`` file read (4 bytes per character is the widest encoding, UTF-32).
MAX_TEXT_FILE_BYTES = 4 * MAX_DOCUMENT_CHARS
#: Largest ``.csv``/``.jsonl`` table (or ``metadata.csv``) read.
MAX_TABLE_FILE_BYTES = 1_000_000_000

_BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAGIC = (  # common non-text files, for a helpful message
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx, .xlsx, .odt)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        return read_limited(path, limit)
    except NotRegularFile:
        raise CorpusError("not a regular file (a pipe, socket or device)", path=path) from None
    except FileTooLarge as e:
        kind = "a text document" if limit == MAX_TEXT_FILE_BYTES else "a table"
        raise CorpusError(f"file too large: {e.size:,} bytes, more than the limit of {limit:,} bytes for {kind}; "
                          "split it into several files", path=path) from None
    except FileNotFoundError:
        if path.is_symlink():
            raise CorpusError("broken symbolic link (its target does not exist)", path=path) from None
        raise CorpusError("file not found", path=path) from None
    except PermissionError:
        raise CorpusError("permission denied (cannot read the file)", path=path) from None
    except IsADirectoryError:
        raise CorpusError("is a folder, not a file", path=path) from None
    except OSError as e:  # symlink loops, I/O errors
        raise CorpusError(f"cannot read: {e.strerror or e}", path=path) from None


def sniff_binary(data: bytes) -> str | None:
    """What a non-text file looks like, or None if it may be text.

    >>> sniff_binary(b"%PDF-1.7 ..."), sniff_binary(b"Plain text.")
    ('a PDF document', None)
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if b"\x00" in data[:8192]:
        return ("a binary file (it contains NUL bytes; if it is UTF-16 without a byte-order mark, "
                "pass --encoding utf-16)")
    return None


def check_encoding(encoding: str) -> str:
    """The canonical name of a text encoding; an unknown one, or a codec that is not a text encoding
    (``rot13``, ``hex``, ``base64``, ``zlib``), is a :class:`CorpusError` suggesting others."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise CorpusError(f"unknown encoding {encoding!r} (try utf-8, latin-1, cp1252, utf-16)") from None
    if not getattr(info, "_is_text_encoding", True):  # rot13, hex, base64, zlib ... are not text encodings
        raise CorpusError(f"{encoding!r} is not a text encoding (it transforms bytes or text); "
                          "give a character encoding such as utf-8, latin-1, cp1252, utf-16")
    return info.name


def _is_wide(encoding: str) -> bool:
    return encoding.startswith(("utf-16", "utf-32"))


def read_text_file(path: str | os.PathLike, encoding: str | None = None, *, limit: int | None = None) -> str:
    """Read a text file.

    A byte-order mark (UTF-8, UTF-16, UTF-32) always decides the encoding and
    is dropped. Otherwise the file is read as UTF-8; ``encoding`` is used for
    files that are not valid UTF-8, so a folder mixing UTF-8 and, say,
    Latin-1 files reads correctly with ``encoding="latin-1"`` (a file in a
    legacy 8-bit encoding is practically never valid UTF-8). A wide encoding
    (``utf-16-le``, ``utf-32``...) is applied to every file without a BOM.

    Args:
        path: the file.
        encoding: the encoding of files that are not UTF-8 (e.g. ``"latin-1"``).
        limit: largest file read, in bytes (default :data:`MAX_TABLE_FILE_BYTES`
            for ``.csv``/``.jsonl`` files, :data:`MAX_TEXT_FILE_BYTES` otherwise);
            checked before reading.

    Raises:
        CorpusError: missing/unreadable file, not a regular file, over the limit, a binary file, or bytes that do
            not decode (the message names the encoding, the byte offset and
            the line, and suggests ``--encoding``).
    """
    path = Path(path)
    if limit is None:
        limit = MAX_TABLE_FILE_BYTES if path.suffix.lower() in (".csv", ".jsonl") else MAX_TEXT_FILE_BYTES
    data = _read_bytes(path, limit)
    fallback = check_encoding(encoding) if encoding is not None else None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encodings = [name]
            break
    else:
        if fallback is not None and _is_wide(fallback):
            encodings = [fallback]
        else:
            binary = sniff_binary(data)
            if binary:
                raise CorpusError(f"not a text document: looks like {binary}", path=path)
            encodings = ["utf-8"] if fallback in (None, "utf-8") else ["utf-8", fallback]
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as e:
            failed, error = enc, e
    line = data.count(b"\n", 0, error.start) + 1
    hint = (
        "if the file uses another encoding, pass it with --encoding (e.g. --encoding latin-1)"
        if fallback is None else "check the --encoding value"
    )
    raise CorpusError(
        f"cannot decode as {failed} at byte {error.start} ({data[error.start:error.start + 1]!r}); {hint}",
        path=path,
        where=f"line {line}",
    )

