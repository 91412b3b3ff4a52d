"""Remove web boilerplate from raw article text, keeping offsets stable.

Scraped news pages end with site furniture ("Related Posts", "Leave a Reply",
"Your email address will not be published. Required fields are marked *") and
with dateline/credit lines ("Ru-Main, 27.12.2021", "Source: Interfax").
:func:`clean_text` cuts only a *trailing* block made of such lines, so the
characters that remain are exactly the first characters of the raw file:
every offset computed on the cleaned text is also an offset into the file.
The dateline and credit are returned as metadata (``outlet``, ``dateline``,
``source_credit``, ``source_agency``) so that attribution can still report the
agency credit (kind ``source_credit``).

A line is furniture only if it matches a pattern *as a whole* and is short
(:data:`MAX_FURNITURE_CHARS`): a closing paragraph "Posted in Kyiv, the
ministry said ..." or "(c) NATO shall not ..." is text and is kept. Every
cut is reported: ``Document.removed`` and ``n_chars_removed`` in
``documents.csv``.

A text with no recognised boilerplate is returned unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CleanedText", "clean_text", "BOILERPLATE_PATTERNS"]

#: Up to four capitalised words (a site section, an outlet): ``News``, ``World Affairs``, ``AP``.
_NAMES = r"(?:[A-Z0-9][\w&'.-]*)(?:\s[A-Z0-9][\w&'.-]*){0,3}"
#: Longest line that can be furniture: a longer line is article text, whatever it starts with.
MAX_FURNITURE_CHARS = 160

#: Lines that are site furniture, never article text (matched as a whole on the stripped line).
BOILERPLATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"related posts?:?",
        r"related (articles|stories|news):?",
        r"leave a (reply|comment)",
        r"your email address will not be published\.?.*",
        r"required fields are marked \*?",
        r"share (this|on \w+):?",
        r"like this:?",
        r"(click|tap) (here )?to (share|print|email).*",
        r"(read|see) (more|also):?",
        r"comments?( \(\d+\))?:?",
        r"tags?:.*",
        r"advertisement",
        r"subscribe( to our newsletter)?\.?",
        r"all rights reserved\.?",
    )
) + (  # case matters here: the furniture lists names ("Posted in News, World"; "© Reuters 2021"), real text does not
    re.compile(r"(?i:posted in)\s+" + _NAMES + r"(?:\s*[,|/&]\s*" + _NAMES + r"){0,8}\.?"),
    re.compile(r"(?i:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?[ ,.]*)?"
               r"(?:" + _NAMES + r")?[ ,.]*(?:(?:19|20)\d\d)?[ ,.]*(?i:all rights reserved\.?)?"),
)
_CREDIT = re.compile(r"(?:source|sources|via|credit)\s*:\s*(?P<agency>[^\n]{1,80})", re.IGNORECASE)
_DATE = r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})"
_DATELINE = re.compile(rf"(?P<outlet>[^\n,]{{1,60}}),\s*{_DATE}")


@dataclass
class CleanedText:
    """Result of :func:`clean_text`.

    Attributes:
        text: the cleaned text, a prefix of the raw text.
        metadata: values recovered from removed lines (outlet, dateline,
            source_credit, source_agency).
        removed: ``(start, end, kind, text)`` for each removed line, offsets
            into the raw text; ``kind`` is ``boilerplate``, ``dateline`` or
            ``credit``.
    """

    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[int, int, str, str]] = field(default_factory=list)


def _classify(line: str) -> tuple[str, dict[str, str]] | None:
    stripped = line.strip()
    if not stripped:
        return "blank", {}
    m = _CREDIT.fullmatch(stripped)
    if m:
        return "credit", {"source_credit": stripped, "source_agency": m.group("agency").strip()}
    m = _DATELINE.fullmatch(stripped)
    if m:
        iso = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        return "dateline", {"dateline": stripped, "outlet": m.group("outlet").strip(), "dateline_date": iso}
    if len(stripped) <= MAX_FURNITURE_CHARS and any(p.fullmatch(stripped) for p in BOILERPLATE_PATTERNS):
        return "boilerplate", {}
    return None


#: characters of the text's end examined first; doubled (x4) while the whole window is boilerplate
_WINDOW = 1 << 16


def clean_text(raw: str) -> CleanedText:
    """Cut a trailing block of boilerplate, dateline and credit lines.

    Only the end of the text is examined, so the cost does not grow with the
    length of the text (a 50 MB file costs what a 5 kB one does).

    Example:
        >>> c = clean_text("Body text.\\n\\nSource: Interfax\\n\\nLeave a Reply\\n")
        >>> c.text, c.metadata["source_agency"]
        ('Body text.', 'Interfax')
    """
    window = _WINDOW
    while True:
        base = max(0, len(raw) - window)
        lines = raw[base:].splitlines(keepends=True)
        if base > 0 and lines:  # the first piece may be the end of a longer line
            base += len(lines[0])
            del lines[0]
        cut, found, metadata = _scan_tail(lines, len(raw))
        if cut > 0 or base == 0:
            break
        window *= 4  # every line in the window was furniture: look further back
    if not found:
        return CleanedText(raw)
    keep = base + sum(len(line) for line in lines[:cut])
    found.reverse()
    return CleanedText(raw[:keep].rstrip(), metadata, found)


def _scan_tail(lines: list[str], end: int) -> tuple[int, list[tuple[int, int, str, str]], dict[str, str]]:
    """Walk ``lines`` (which end at offset ``end``) upwards while they are furniture.

    Returns the number of lines kept, the removed lines (bottom-up) and their metadata.
    """
    cut = len(lines)
    found: list[tuple[int, int, str, str]] = []
    metadata: dict[str, str] = {}
    pos = end
    while cut > 0:
        line = lines[cut - 1]
        kind = _classify(line)
        if kind is None:
            break
        pos -= len(line)
        label, values = kind
        if label != "blank":
            found.append((pos, pos + len(line.rstrip("\r\n")), label, line.strip()))
            for key, value in values.items():
                metadata[key] = value  # scanning upwards: the top-most line wins
        cut -= 1
    return cut, found, metadata
