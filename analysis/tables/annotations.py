"""The kit's annotation file: human review decisions and added spans, append-only.

One CSV per project (or per coder), columns :data:`ANNOTATION_FILE_COLUMNS`:

============ ==============================================================================
doc_id       document id (as in the corpus)
category     codebook category the row is about
start_char   span start (character offset into the document text)
end_char     span end (exclusive); ``text == document[start_char:end_char]``
text         the span's words (for reading the file; offsets are what count)
coder        who decided (a name or initials)
decision     ``correct`` / ``wrong`` / ``wrong_category`` (a reviewed rule hit), ``added`` (a
             span the coder coded that the rules missed, or the right category of a hit marked
             ``wrong_category``)
note         free text (the boundary decision, a doubt, a reference to the coding guide)
timestamp    when the row was written, UTC, ISO 8601 (``2026-12-05T18:30:00Z``)
============ ==============================================================================

Rows are only ever **appended** (:class:`AnnotationWriter`): earlier work is never rewritten, a
crash loses at most the row being written, and a session is resumed by reading the file. When a
coder decides the same span and category twice, the later row wins (:func:`latest_decisions`):
the history stays in the file. What the coder *coded* — the rows that feed ``agreement`` and
``reliability`` — are the ``correct`` and ``added`` spans (:func:`analysis.tables.reliability.coder_codes`).
"""
from __future__ import annotations

import csv
import io
import math
import os
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import KitError
from ..io import decode_utf8, read_user_file

__all__ = ["ANNOTATION_FILE_COLUMNS", "DECISIONS", "PRECISION_COLUMNS", "AnnotationWriter", "read_annotation_file",
           "latest_decisions", "review_precision", "wilson_interval", "utc_now"]

#: Columns of an annotation file, in order.
ANNOTATION_FILE_COLUMNS = ["doc_id", "category", "start_char", "end_char", "text", "coder", "decision", "note",
                           "timestamp"]
#: The decisions a row can record.
DECISIONS = ("correct", "wrong", "wrong_category", "added")
#: Columns of :func:`review_precision`.
PRECISION_COLUMNS = ["category", "n_reviewed", "n_correct", "n_wrong", "n_wrong_category", "precision",
                     "precision_low", "precision_high"]


def utc_now() -> str:
    """The current time, UTC, to the second: ``2026-12-05T18:30:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def wilson_interval(successes: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (NaN, NaN for n = 0).

    >>> [round(v, 3) for v in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    from scipy.stats import norm  # scipy: heavy, only here

    if n <= 0:
        return math.nan, math.nan
    z = float(norm.ppf((1 + level) / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _check_row(row: dict, path, where: str) -> dict:
    doc_id, cat = str(row.get("doc_id") or "").strip(), str(row.get("category") or "").strip()
    if not doc_id or not cat:
        raise KitError("empty doc_id or category", path=path, where=where)
    try:
        start, end = int(row["start_char"]), int(row["end_char"])
    except (TypeError, ValueError, KeyError):
        raise KitError(f"start_char/end_char must be whole numbers; got {row.get('start_char')!r}, "
                       f"{row.get('end_char')!r}", path=path, where=where) from None
    if start < 0 or end <= start:
        raise KitError(f"need 0 <= start_char < end_char; got {start}, {end}", path=path, where=where)
    decision = str(row.get("decision") or "").strip()
    if decision not in DECISIONS:
        raise KitError(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}", path=path, where=where)
    out = {c: str(row.get(c) or "") for c in ANNOTATION_FILE_COLUMNS}
    out.update(doc_id=doc_id, category=cat, start_char=start, end_char=end, decision=decision)
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ANNOTATION_FILE_COLUMNS)
    for col in ("start_char", "end_char"):
        frame[col] = frame[col].astype("int64")
    return frame


def read_annotation_file(path: str | os.PathLike, *, missing_ok: bool = False) -> pd.DataFrame:
    """Read an annotation file (:data:`ANNOTATION_FILE_COLUMNS`), every row in file order.

    Args:
        missing_ok: an absent file reads as an empty table (a session that has not started).

    Raises:
        KitError: one line naming the file and row for missing columns, bad offsets, an unknown decision.
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return _frame([])
    text = decode_utf8(read_user_file(path, what="annotation file"), path, what="annotation file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ANNOTATION_FILE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing and text.strip():
        raise KitError(f"not an annotation file: missing column(s) {', '.join(missing)} "
                       f"(need {', '.join(ANNOTATION_FILE_COLUMNS)})", path=path)
    try:
        rows = [_check_row(row, path, f"row {n}") for n, row in enumerate(reader, 2)]
    except csv.Error as e:
        raise KitError(f"malformed CSV: {e}", path=path) from None
    return _frame(rows)


class AnnotationWriter:
    """Appends rows to an annotation file; never rewrites or truncates it.

    A new file gets the header first. An existing file must have exactly the header of
    :data:`ANNOTATION_FILE_COLUMNS` (else :class:`KitError`, and the file is left alone). Every
    row is flushed and synced to disk before :meth:`append` returns.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "review.csv"
    >>> w = AnnotationWriter(path, coder="ann")
    >>> w.append(doc_id="d1", category="threat", start_char=0, end_char=4, text="War!", decision="correct")["coder"]
    'ann'
    >>> len(read_annotation_file(path))
    1
    """

    def __init__(self, path: str | os.PathLike, *, coder: str):
        self.path = Path(path)
        self.coder = str(coder).strip()
        if not self.coder:
            raise KitError("a coder name is needed (who made these decisions?)", path=self.path)
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, encoding="utf-8", newline="") as f:
                header = next(csv.reader(f), [])
            if header != ANNOTATION_FILE_COLUMNS:
                raise KitError(f"exists but is not an annotation file (header {header[:4]}...); choose another file "
                               "name: the kit never overwrites a file", path=self.path)

    def append(self, *, doc_id: str, category: str, start_char: int, end_char: int, text: str = "",
               decision: str, note: str = "", timestamp: str | None = None) -> dict:
        """Validate and append one row; returns it."""
        row = _check_row({"doc_id": doc_id, "category": category, "start_char": start_char, "end_char": end_char,
                          "text": text, "coder": self.coder, "decision": decision, "note": note,
                          "timestamp": timestamp or utc_now()}, self.path, "new row")
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            if new:
                writer.writerow(ANNOTATION_FILE_COLUMNS)
            writer.writerow([row[c] for c in ANNOTATION_FILE_COLUMNS])
            f.flush()
            os.fsync(f.fileno())
        return row


def latest_decisions(frame: pd.DataFrame) -> pd.DataFrame:
    """The last row per (doc_id, category, start_char, end_char, coder): each span's current decision."""
    key = ["doc_id", "category", "start_char", "end_char"] + (["coder"] if "coder" in frame.columns else [])
    return frame.drop_duplicates(subset=key, keep="last").reset_index(drop=True)


def review_precision(annotations: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Precision of the rules per category from reviewed hits, with Wilson intervals.

    A reviewed hit is a row with decision ``correct``, ``wrong`` or ``wrong_category`` (its latest
    decision per coder); precision = correct / reviewed. ``added`` rows are misses and do not
    enter precision. The ``ALL`` row pools every reviewed hit.

    Returns:
        :data:`PRECISION_COLUMNS`, one row per category (sorted) then ``ALL``.
    """
    current = latest_decisions(annotations)
    reviewed = current[current["decision"].isin(("correct", "wrong", "wrong_category"))]
    rows = []
    groups = [(c, g) for c, g in reviewed.groupby("category", sort=True)] + [("ALL", reviewed)]
    for cat, g in groups:
        counts = g["decision"].value_counts()
        n, ok = len(g), int(counts.get("correct", 0))
        low, high = wilson_interval(ok, n, level=level)
        rows.append({"category": cat, "n_reviewed": n, "n_correct": ok, "n_wrong": int(counts.get("wrong", 0)),
                     "n_wrong_category": int(counts.get("wrong_category", 0)),
                     "precision": ok / n if n else math.nan, "precision_low": low, "precision_high": high})
    frame = pd.DataFrame(rows, columns=PRECISION_COLUMNS)
    for col in ("n_reviewed", "n_correct", "n_wrong", "n_wrong_category"):
        frame[col] = frame[col].astype("int64")
    return frame
