"""Dates of documents, read once at load: ``date`` metadata to an ISO ``date_iso``.

:func:`parse_date` reads the forms dates take in the metadata of diplomatic
texts and returns ISO 8601 text at the precision given: ``"2024-02-23"``,
``"2024-02"`` (a month) or ``"2024"`` (a year). :func:`add_iso_dates` does it
for every document of a corpus when it is loaded
(:func:`analysis.corpus.loading.load_corpus`): the parsed date goes into the
``date_iso`` metadata field (the original ``date`` is kept as written), and
every document whose date cannot be read is named in **one** warning line and
keeps ``date_iso`` empty. Time series (:mod:`analysis.tables.groups`) read
``date_iso``.

Read (case-insensitive, surrounding whitespace ignored):

* ISO: ``2024-02-23``, ``2024-02-23T10:30:00Z`` (the time is dropped), ``2024-02``,
  ``2024``, ``20240223``; also ``2024/02/23`` and ``2024.02.23``;
* written forms: ``February 23, 2024``, ``Feb. 23 2024``, ``Friday, February 23rd, 2024``,
  ``23 February 2024``, ``23 Feb. 2024``, ``February 2024``;
* ``23.02.2024`` (day.month.year, the European form);
* ``02/23/2024`` or ``23/02/2024``: the form is ambiguous, so it is read only
  when one of the first two numbers is over 12 (``03/04/2024`` is reported as
  unreadable rather than guessed).

Missing-value markers (empty, ``NA``, ``N/A``, ``nan``, ``None``, ``null``,
``unknown``, ``-``) are missing, not errors, and give no warning.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Iterable

__all__ = ["parse_date", "date_problem", "add_iso_dates", "MISSING_DATES", "DATE_FIELD", "ISO_FIELD"]

#: The metadata field that is read, and the one that receives the ISO date.
DATE_FIELD = "date"
ISO_FIELD = "date_iso"
#: Values that mean "no date" (compared lower-cased, stripped).
MISSING_DATES = frozenset({"", "na", "n/a", "nan", "none", "null", "unknown", "-", "--", "nat"})

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_PATTERNS = [
    re.compile(r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?:(?P=sep)(?P<day>\d{1,2})"
               r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2})?)?)?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
    re.compile(_YEAR),
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR),
    re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR),
    re.compile(_MONTH + r",?\s+" + _YEAR),
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"),
]
_SLASHED = re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1 <= year <= 9999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _read(text: str) -> tuple[str | None, str]:
    """``(iso, problem)``: the ISO date, or None and why."""
    low = " ".join(text.strip().lower().split())
    for pattern in _PATTERNS:
        m = pattern.fullmatch(low)
        if m:
            parts = m.groupdict()
            month = parts.get("month")
            month_n = _MONTHS.get(month.rstrip(".")) if month and not month.isdigit() else (
                int(month) if month else None)
            day = int(parts["day"]) if parts.get("day") else None
            iso = _iso(int(parts["year"]), month_n, day)
            return (iso, "") if iso else (None, "no such day")
    m = _SLASHED.fullmatch(low)
    if m:
        a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
        if a > 12 and b <= 12:
            iso = _iso(year, b, a)
        elif b > 12 and a <= 12:
            iso = _iso(year, a, b)
        elif a == b:
            iso = _iso(year, a, b)
        else:
            return None, "day/month order ambiguous"
        return (iso, "") if iso else (None, "no such day")
    return None, "unrecognised form"


def parse_date(value: object) -> str | None:
    """ISO 8601 text of a date in any of the forms the module lists, or None.

    Returns ``"YYYY-MM-DD"``, ``"YYYY-MM"`` or ``"YYYY"`` (the precision given);
    None for a missing value or a form that cannot be read (see :func:`date_problem`).

    Example:
        >>> [parse_date(v) for v in ("February 23, 2024", "23 Feb. 2024", "2024-02-23T09:00Z", "2021", "NA")]
        ['2024-02-23', '2024-02-23', '2024-02-23', '2021', None]
        >>> parse_date("03/04/2024") is None, parse_date("13/04/2024")
        (True, '2024-04-13')
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _iso(value) if 1000 <= value <= 9999 else None
    text = str(value)
    if text.strip().lower() in MISSING_DATES:
        return None
    return _read(text)[0]


def date_problem(value: object) -> str:
    """Why ``value`` is not a readable date (``""`` when it is one or is missing).

    >>> date_problem("next Tuesday"), date_problem("2023-02-30"), date_problem("NA")
    ('unrecognised form', 'no such day', '')
    """
    if value is None or isinstance(value, (_dt.date, _dt.datetime)):
        return ""
    text = str(value)
    if text.strip().lower() in MISSING_DATES or parse_date(value) is not None:
        return ""
    if isinstance(value, (bool, int)):
        return "not a year"
    return _read(text)[1]


def add_iso_dates(documents: Iterable, *, max_named: int = 10) -> str | None:
    """Set ``metadata["date_iso"]`` of every document from its ``date``; return one warning line or None.

    A document that already carries a non-empty ``date_iso`` keeps it (the
    user's value wins). A document without a ``date`` gets no ``date_iso``.
    The warning names the documents whose date cannot be read (the first
    ``max_named`` of them, with their value and the reason) and says they
    stay missing.
    """
    bad: list[str] = []
    for doc in documents:
        meta = doc.metadata
        if DATE_FIELD not in meta or meta.get(ISO_FIELD) not in (None, ""):
            continue
        value = meta[DATE_FIELD]
        iso = parse_date(value)
        meta[ISO_FIELD] = iso or ""
        if iso is None:
            problem = date_problem(value)
            if problem:
                shown = str(value) if len(str(value)) <= 40 else str(value)[:39] + "…"
                bad.append(f"{doc.doc_id} ({shown!r}: {problem})")
    if not bad:
        return None
    names = ", ".join(bad[:max_named]) + (f", and {len(bad) - max_named} more" if len(bad) > max_named else "")
    return (f"date: {len(bad)} document(s) have a date the kit cannot read, left missing in date_iso: {names}; "
            "write dates as YYYY-MM-DD or e.g. 'February 23, 2024'")
