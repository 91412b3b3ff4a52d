"""Deterministic, atomic writing of result files.

Every output is written to a temporary file in the target folder and then
renamed into place, so an interrupted run leaves earlier results intact.
Inside :func:`transaction` the renames are deferred until the block ends
without error: a run that fails half-way replaces none of the earlier files.
CSV files use ``\\n`` line ends, UTF-8 and a fixed float format; JSON files
sorted keys. Same input, same bytes.
"""
from __future__ import annotations

import contextlib
import csv
import contextvars
import functools
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd

from .errors import KitError

__all__ = ["atomic_write", "transaction", "write_csv", "write_json", "read_user_file", "decode_utf8", "FLOAT_FORMAT"]

#: printf-style format of every float written to CSV (stable across platforms).
FLOAT_FORMAT = "%.6g"

# (temporary file, final path) pairs waiting for the end of a transaction
_PENDING: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "discourse_kit_pending_writes", default=None
)


@functools.lru_cache(maxsize=1)
def _file_mode() -> int:
    """Mode for new files: what ``open()`` would give (0o666 minus the umask).

    ``mkstemp`` creates files readable by their owner only; results must be
    as readable as any other file the user writes.
    """
    try:  # Linux: read the umask without changing it (thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``.

    The temporary file lives in the same folder (so the rename is atomic) and
    is removed if ``write`` raises; ``path`` is then left as it was. Inside a
    :func:`transaction` the rename waits for the end of the block.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as fh:  # data on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp_path, _file_mode())
        pending = _PENDING.get()
        if pending is None:
            os.replace(tmp_path, path)
        else:
            pending.append((tmp_path, path))
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Defer the renames of every :func:`atomic_write` in the block to its end.

    If the block raises (an error, Ctrl-C), every temporary file is deleted
    and no earlier output is replaced. Nested transactions join the outer one.

    Example:
        >>> with transaction():  # doctest: +SKIP
        ...     write_csv(evidence, out / "evidence.csv")
        ...     write_csv(features, out / "features.csv")
    """
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _PENDING.reset(token)
    try:
        for i, (tmp, final) in enumerate(pending):
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in pending[i:]:
            tmp.unlink(missing_ok=True)
        raise


_BARE_CR = re.compile(r"\r(?!\n)")


def _has_bare_cr(frame: pd.DataFrame) -> bool:
    """True if a cell (or a column name) holds a carriage return not followed by a line feed."""
    if any(isinstance(c, str) and _BARE_CR.search(c) for c in frame.columns):
        return True
    for col in frame.columns:
        series = frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            if any(isinstance(v, str) and "\r" in v and _BARE_CR.search(v) for v in series):
                return True
    return False


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    r"""Write a DataFrame as CSV, atomically and byte-for-byte reproducibly.

    Cells are quoted only where needed, except in a table holding a bare
    carriage return (old Mac line ends, hostile text): the csv module would
    leave such a cell unquoted with ``\n`` line ends, and readers would split
    the row there, so that table has every cell quoted (still valid CSV).
    Unencodable lone surrogates are written as backslash escapes (``\ud800``).
    """
    quoting = csv.QUOTE_ALL if _has_bare_cr(frame) else csv.QUOTE_MINIMAL
    return atomic_write(
        path,
        lambda p: frame.to_csv(
            p, index=False, lineterminator="\n", float_format=FLOAT_FORMAT, encoding="utf-8",
            errors="backslashreplace", quoting=quoting,
        ),
    )


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write JSON with sorted keys, atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8", errors="backslashreplace"))


def read_user_file(path: str | os.PathLike, *, what: str, error: type[KitError] = KitError) -> bytes:
    """Read a file the user named; any failure is one ``error`` line naming the file.

    ``what`` names the file's role in the messages ("codebook file", "manifest").
    """
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise error(f"is a folder, not {'an' if what[:1] in 'aeiou' else 'a'} {what}", path=path) from None
    except OSError as e:
        raise error(f"cannot read the {what}: {e.strerror or e}", path=path) from None


def decode_utf8(data: bytes, path: str | os.PathLike, *, what: str, error: type[KitError] = KitError) -> str:
    """Decode UTF-8 (a BOM is dropped); undecodable bytes are one ``error`` line with the offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{what} is not UTF-8 text (undecodable byte at offset {e.start})", path=path) from None
