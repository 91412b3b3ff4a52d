"""Quotation marks paired into quotations: pure text in, character spans out.

:func:`find_quotes` knows nothing of spaCy: it pairs the quotation marks of a
string (any style: ``"…" “…” «…» « … » ‘…’ '…'``, ``''…''`` (two apostrophes), German ``„…“`` and ``‚…‘``,
reversed ``»…«``), tells apostrophes from single quotes, lets a quotation run
over paragraphs when the next paragraph reopens (or closes) it, and never
fails on unbalanced marks: the odd mark is skipped, or an unclosed quotation
ends with its paragraph, and a one-line warning ``"<doc_id>: … at offset N"``
is appended to ``warnings``.

>>> [(q.content_start, q.content_end) for q in find_quotes('He said: "No." Fine.', "d", None)]
[(10, 13)]
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["Quote", "find_quotes", "paragraph_breaks", "next_break", "at_line_start"]

_QUOTE_MARKS = re.compile(r"[\"“”«»„‟‘’'‹›‚]")
_DOUBLE_OPEN = frozenset("“„‟")
_DOUBLE_CLOSE = frozenset("”")
_SINGLE_OPEN = frozenset("‘‹‚")
_SINGLE_CLOSE = frozenset("’›")
#: A low opening mark and the mark that closes it besides ” and ’: German „…“ and ‚…‘.
_LOW_CLOSERS = {"„": "“", "‚": "‘"}
_OPEN_CONTEXT = frozenset(" \t\n\r([{—–-/:")
_MAX_SINGLE_CHARS = 600


@dataclass
class Quote:
    """A quotation: the span from its opening to its closing mark, and its content (trimmed)."""

    start: int  # char of the opening mark
    end: int  # char after the closing mark
    content_start: int
    content_end: int
    open_tok: int = -1  # token of the opening mark (set by the scan)
    close_tok: int = -1  # token of the closing mark (set by the scan)
    unclosed: bool = False  # closed by the end of its paragraph, not by a mark


def paragraph_breaks(text: str) -> tuple[list[int], bool]:
    """Positions of paragraph breaks; blank lines when the text has any, else every newline."""
    blank = [m.start() for m in re.finditer(r"\n[ \t\r]*\n", text)]
    if blank:
        return blank, True
    return [m.start() for m in re.finditer(r"\n", text)], False


def next_break(breaks: list[int], pos: int) -> int:
    """The first paragraph break after ``pos`` (``pos`` when there is none)."""
    i = bisect.bisect_right(breaks, pos)
    return breaks[i] if i < len(breaks) else pos


def at_line_start(text: str, pos: int) -> bool:
    """Whether only whitespace stands between the start of its line and ``pos``."""
    line = text.rfind("\n", 0, pos) + 1
    return not text[line:pos].strip()


def _guillemet_role(c: str, prev: str, nxt: str) -> str:
    """« opens and » closes (``«…»``, ``« … »``), except in the reversed style ``»…«``:
    ``»`` after a space and glued to a word opens, ``«`` glued to what precedes it closes."""
    if c == "»":
        return "open" if prev in _OPEN_CONTEXT and nxt.isalnum() else "close"
    return "close" if not prev.isspace() and prev not in _OPEN_CONTEXT and not nxt.isalnum() else "open"


def find_quotes(text: str, doc_id: str, warnings: list[str] | None) -> list[Quote]:
    """Pair quotation marks into spans (top level only; nested marks are skipped)."""
    breaks, _blank = paragraph_breaks(text)
    n = len(text)

    def brk_between(a: int, b: int) -> bool:
        i = bisect.bisect_left(breaks, a)
        return i < len(breaks) and breaks[i] < b

    def warn(pos: int, what: str) -> None:
        if warnings is not None:
            warnings.append(f"{doc_id or '<doc>'}: {what} {text[pos]!r} at offset {pos}")

    doubles: list[tuple[int, str]] = []
    singles: list[tuple[int, str]] = []
    wide: set[int] = set()  # positions of two-character marks: '' (two apostrophes, the double quotation
    skip = -1  # mark of NYT and Penn-Treebank-style texts) is one mark
    for m in _QUOTE_MARKS.finditer(text):
        p = m.start()
        if p == skip:
            continue
        c = text[p]
        end = p + 1
        if c == "'" and end < n and text[end] == "'" and (end + 1 >= n or text[end + 1] != "'"):
            wide.add(p)
            c, end, skip = '"', end + 1, end
        prev = text[p - 1] if p > 0 else " "
        nxt = text[end] if end < n else " "
        if c in "'’":
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe: don't, Russia’s
            if c == "'" and prev.isspace() and nxt.isspace():
                continue
        if c in _DOUBLE_OPEN:
            doubles.append((p, "open"))
        elif c in _DOUBLE_CLOSE:
            doubles.append((p, "close"))
        elif c in "«»":
            doubles.append((p, _guillemet_role(c, prev, nxt)))
        elif c == '"':
            if prev in _OPEN_CONTEXT and not nxt.isspace():
                role = "open"
            elif prev in ",:;" and nxt.isspace():
                role = "either"  # sloppy typography: 'said," [Warhol] liked …"'
            elif not prev.isspace() and (nxt.isspace() or not nxt.isalnum()):
                role = "close"
            else:
                role = "either"
            doubles.append((p, role))
        elif c in _SINGLE_OPEN:
            singles.append((p, "open"))
        elif c in _SINGLE_CLOSE:
            singles.append((p, "close"))
        elif c == "'":
            if prev in _OPEN_CONTEXT and nxt.isalnum():
                singles.append((p, "open"))
            elif not prev.isspace() and not nxt.isalnum():
                singles.append((p, "close"))

    def size(p: int) -> int:
        return 2 if p in wide else 1

    quotes: list[Quote] = []
    open_at = -1  # the first opening mark of the current quotation
    last_mark = -1  # the latest mark belonging to it
    depth = 0  # nested opening marks of the same kind ("… called "research", would it?")

    def close_at_paragraph_end(start: int, after: int) -> None:
        """An unclosed quotation runs to the end of its paragraph (and is reported)."""
        warn(start, "unclosed quotation mark (quotation ends with its paragraph)")
        i = bisect.bisect_right(breaks, after)
        end = breaks[i] if i < len(breaks) else n
        quotes.append(Quote(start, end, start + size(start), end, unclosed=True))

    for p, role in doubles:
        if role == "open" and open_at >= 0 and _LOW_CLOSERS.get(text[open_at]) == text[p]:
            role = "close"  # „…“
        if open_at >= 0 and brk_between(last_mark, p):
            if role in ("open", "either") and at_line_start(text, p):
                last_mark, depth = p, 1  # the quotation continues into this paragraph
                continue
            if role == "close" and depth == 1 and not brk_between(next_break(breaks, last_mark) + 1, p):
                # the next paragraph closes it without reopening: one quotation over two paragraphs
                quotes.append(Quote(open_at, p + size(p), open_at + size(open_at), p))
                open_at, last_mark, depth = -1, -1, 0
                continue
            close_at_paragraph_end(open_at, last_mark)
            open_at, depth = -1, 0
        if open_at < 0:
            if role == "close":
                warn(p, "unmatched closing quotation mark (ignored)")
                continue
            open_at = last_mark = p
            depth = 1
            continue
        if role == "open" and text[p] == text[open_at]:
            depth += 1  # nested quotation of the same kind
            last_mark = p
            continue
        if role == "open":
            warn(open_at, "unclosed quotation mark (ignored)")
            open_at = last_mark = p
            depth = 1
            continue
        depth -= 1
        last_mark = p
        if depth > 0:
            continue
        quotes.append(Quote(open_at, p + size(p), open_at + size(open_at), p))
        open_at, last_mark, depth = -1, -1, 0
    if open_at >= 0:
        close_at_paragraph_end(open_at, last_mark)

    # single marks: only outside double quotations and within one paragraph
    starts = [q.start for q in quotes]

    def inside_double(p: int) -> bool:
        i = bisect.bisect_right(starts, p) - 1
        return i >= 0 and quotes[i].start <= p < quotes[i].end

    extra: list[Quote] = []
    open_s = -1
    for p, role in singles:
        if inside_double(p):
            continue
        if role == "open" and open_s >= 0 and _LOW_CLOSERS.get(text[open_s]) == text[p]:
            role = "close"  # ‚…‘
        if role == "open":
            open_s = p  # an earlier unmatched ‘ is most likely an apostrophe: no warning
            continue
        if open_s >= 0 and p - open_s <= _MAX_SINGLE_CHARS and not brk_between(open_s, p) and p > open_s + 1:
            extra.append(Quote(open_s, p + 1, open_s + 1, p))
        open_s = -1
    if extra:
        quotes = sorted(quotes + extra, key=lambda q: q.start)
    for q in quotes:
        s, e = q.content_start, q.content_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        q.content_start, q.content_end = s, e
    return [q for q in quotes if q.content_end > q.content_start]

