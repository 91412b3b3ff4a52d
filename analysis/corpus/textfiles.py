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

__all__ = ["read_text_file", "sniff_binary", "check_encoding"]

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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
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
    """The canonical name of an encoding; an unknown one is a :class:`CorpusError` suggesting others."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(f"unknown encoding {encoding!r} (try utf-8, latin-1, cp1252, utf-16)") from None


def _is_wide(encoding: str) -> bool:
    return encoding.startswith(("utf-16", "utf-32"))


def read_text_file(path: str | os.PathLike, encoding: str | None = None) -> str:
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

    Raises:
        CorpusError: missing/unreadable file, a binary file, or bytes that do
            not decode (the message names the encoding, the byte offset and
            the line, and suggests ``--encoding``).
    """
    path = Path(path)
    data = _read_bytes(path)
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

