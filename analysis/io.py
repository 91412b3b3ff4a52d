"""Deterministic, atomic writing of result files.

Every output is written to a temporary file in the target folder and then
renamed into place, so an interrupted run leaves earlier results intact.
CSV files use ``\\n`` line ends, UTF-8 and a fixed float format; JSON files
sorted keys. Same input, same bytes.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import pandas as pd

__all__ = ["atomic_write", "write_csv", "write_json", "FLOAT_FORMAT"]

FLOAT_FORMAT = "%.6g"


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a DataFrame as CSV, atomically and byte-for-byte reproducibly."""
    return atomic_write(
        path,
        lambda p: frame.to_csv(p, index=False, lineterminator="\n", float_format=FLOAT_FORMAT, encoding="utf-8"),
    )


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write JSON with sorted keys, atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
