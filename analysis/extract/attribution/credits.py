"""News-agency credits: ``(Reuters) -``, ``/TASS/``, ``Source: X`` lines and the cleaned-off credit line."""
from __future__ import annotations

import re

from .model import Attribution, Raw
from .scan import Scan

__all__ = ["find_credits"]


def find_credits(scan: Scan) -> None:
    """A ``source_credit`` for every agency credit in the text's first 400 characters, every
    ``Source: X`` line, and the credit line cleaning cut off (``metadata["source_credit"]``, no offsets)."""
    context = scan.context
    text = scan.text
    head = text[:400]
    for m in re.finditer(r"\((?P<agency>[A-Z][A-Za-z&.\- ]{0,30})\)\s*[-–—]", head):
        _credit(scan, m.start(), m.end(), m.start("agency"), m.end("agency"))
    for m in re.finditer(r"/(?P<agency>[A-Z][A-Za-z\- ]{1,25})/\s*[.\-–—]", head):
        _credit(scan, m.start(), m.end(), m.start("agency"), m.end("agency"))
    cheap = ":" in text and any(w in text for w in ("ource", "OURCE", "redit", "REDIT"))  # substring tests first
    lines = _SOURCE_LINE.finditer(text) if cheap else ()
    for m in lines:
        _credit(scan, m.start(), m.start("agency"), m.start("agency"), m.end("agency"))
    credit = scan.metadata.get("source_credit") if scan.metadata else None
    if isinstance(credit, str) and credit.strip():
        agency = scan.metadata.get("source_agency") or credit.split(":", 1)[-1].strip()
        cue = credit[: credit.find(agency)].strip() if agency in credit else credit
        name = context.gazetteer.lookup(agency)
        a = Attribution("source_credit", speaker=name or "", principal="")
        a.speaker_text_override = agency
        a.cue_override = cue
        scan.add(Raw("source_credit", -1, None)).resolved = a


_SOURCE_LINE = re.compile(r"(?im)^[ \t]*(?:source|sources|credit)[ \t]*:[ \t]*(?P<agency>[^\n]{1,80}?)[ \t]*$")


def _credit(scan: Scan, cue_s: int, cue_e: int, ag_s: int, ag_e: int) -> None:
    context = scan.context
    tok = context.tok_at_char(ag_s)
    name = context.gazetteer.lookup(scan.text[ag_s:ag_e])
    sent = int(context.sent_of[tok])
    a = Attribution("source_credit", context.chunk_real[sent], name or "", ag_s, ag_e, cue_s, cue_e)
    scan.add(Raw("source_credit", sent, None)).resolved = a
