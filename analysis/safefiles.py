"""Files the kit reads or leaves behind: a size and type check before reading, and the sweep of orphaned temporaries.

Split out of :mod:`analysis.io` (which re-exports every name here).
"""
from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

__all__ = ["read_limited", "NotRegularFile", "FileTooLarge", "MAX_USER_FILE_BYTES", "sweep_temporary"]

#: Largest file the kit reads on a user's behalf (codebook, gazetteer, lexicon, manifest), in bytes.
MAX_USER_FILE_BYTES = 20_000_000


def read_limited(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, checked *before* reading.

    Opens without blocking (a FIFO would otherwise wait for a writer for
    ever), refuses anything that is not a regular file (a pipe, socket,
    device such as ``/dev/zero``) and any file larger than ``limit``, and
    never reads more than ``limit + 1`` bytes even if the file grows.

    Raises:
        OSError: the file cannot be opened (``FileNotFoundError``, ...).
        NotRegularFile, FileTooLarge: turned into one-line errors by the callers.
    """
    fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path)
        if st.st_size > limit:
            raise FileTooLarge(st.st_size, limit)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while being read
                raise FileTooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


class NotRegularFile(Exception):
    """Raised by :func:`read_limited` for a pipe, socket or device; callers turn it into a KitError."""


class FileTooLarge(Exception):
    """Raised by :func:`read_limited` for a file over the limit; callers turn it into a KitError."""

    def __init__(self, size: int, limit: int):
        super().__init__(size, limit)
        self.size, self.limit = size, limit

    def message(self, what: str) -> str:
        """The one-line problem: the size and the documented limit."""
        return (f"{what} is too large: {self.size:,} bytes, more than the limit of {self.limit:,} bytes "
                "(a file this big is not a hand-written file of this kind)")


#: names of the temporary files written here: ``.<name>.<pid>.<random>.tmp`` (and ``.bak.tmp`` backups)
_TMP_NAME = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]+(\.bak)?\.tmp$")
#: the name before process ids were added: ``.<table>.csv.<random>.tmp`` (and .json, .png, .svg)
_OLD_TMP_NAME = re.compile(r"^\..+\.(csv|json|png|svg|parquet)\.[a-z0-9_]{8}\.tmp$")
#: an older temporary name (no process id) is swept when it is this old (seconds)
_STALE_SECONDS = 3600


def sweep_temporary(folder: str | os.PathLike) -> list[Path]:
    """Remove temporary files a killed run left in ``folder`` (SIGKILL, power loss); returns them.

    Only names this module writes are touched, and only when the process that
    wrote them is gone, so a run still writing into the same folder keeps its
    files.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.endswith(".tmp") or not entry.name.startswith("."):
            continue
        m = _TMP_NAME.match(entry.name)
        try:
            if m and int(m.group(1)) != os.getpid():
                alive = _process_alive(int(m.group(1)))
            elif not m and _OLD_TMP_NAME.match(entry.name):
                alive = now - entry.stat(follow_symlinks=False).st_mtime < _STALE_SECONDS
            else:
                continue
            if not alive and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return sorted(removed)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (another user's), or cannot tell: keep the file
    return True
