"""One run of the attribution rules over a Doc: what they share and what they have found.

:class:`Scan` holds the Doc's :class:`~.context.DocContext` (from its
:class:`~.speakers.Resolver`), the quotations (:mod:`.quotes`), the cues
(:mod:`.cues`), the metadata, and the attributions the rules have found so
far (:class:`~.model.Raw`), with the verbs they used. The rules
(:mod:`.direct`, :mod:`.cuephrases`, :mod:`.indirect`, :mod:`.credits`) add
to it in turn; :mod:`.resolve` turns it into :class:`~.model.Attribution`
objects.
"""
from __future__ import annotations

import bisect

import numpy as np

from ...nlp.docarrays import doc_id_of
from ..records import document_voice
from .context import DocContext
from .cues import Cues
from .model import Raw
from .quotes import find_quotes

__all__ = ["Scan"]


class Scan:
    """The state of one run of the rules over one Doc.

    Args:
        context: the Doc's context (``resolver.context``).
        metadata: the document's metadata (``speaker``, ``genre``, ``source_credit`` ...).
        warnings: a list that receives one line per odd quotation mark, or None.

    Attributes:
        narrator_speaker: in a first-person document (a speech, statement or
            interview whose metadata names its speaker and whose ``genre`` is
            not news, or whose ``voice`` column says ``speaker``: see
            :func:`analysis.extract.records.document_voice`), that speaker: the
            narration is their voice, so "as Truman said" there is an
            authority and "as I said" is theirs. ``""`` otherwise.
        quotes: the quotations, with their opening and closing tokens.
        in_quote: for every token, whether it lies inside a quotation's content.
        raws: the attributions found so far, in the order found.
        used_verbs: start tokens of the verbs an attribution has taken.
    """

    def __init__(self, context: DocContext, metadata: dict | None, warnings: list[str] | None):
        self.context = context
        self.doc = context.doc
        self.text = context.text
        self.lexicon = context.lexicon
        self.metadata = metadata or {}
        self.warnings = warnings
        self.doc_id = doc_id_of(self.doc)
        self.narrator_speaker = document_voice(self.metadata)
        self.quotes = find_quotes(self.text, self.doc_id, warnings) if context.n else []
        self.in_quote = np.zeros(context.n, dtype=bool)
        for q in self.quotes:
            q.open_tok = context.tok_at_char(q.start)
            q.close_tok = context.tok_at_char(q.end - 1)
            self.in_quote[context.tok_from_char(q.content_start) : context.tok_from_char(q.content_end)] = True
        self._quote_starts = [q.start for q in self.quotes]
        self.cues = Cues(context)
        self.raws: list[Raw] = []
        self.used_verbs: set[int] = set()

    def add(self, raw: Raw) -> Raw:
        """Record an attribution found by a rule (in the order found)."""
        raw.order = len(self.raws)
        self.raws.append(raw)
        return raw

    def quote_at(self, char: int) -> int:
        """Index of the quotation (marks included) holding character ``char``, or -1."""
        i = bisect.bisect_right(self._quote_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return i
        return -1

    def trim(self, s: int, e: int) -> tuple[int, int]:
        """Trim spaces and final punctuation from a char span."""
        text = self.text
        while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:!?—–-…"):
            e -= 1
        return s, e

    def content_after(self, tok: int, hi: int, lo: int) -> tuple[int, int]:
        """The rest of the sentence after token ``tok`` (before the cue when the cue ends it: "…, reportedly.")."""
        context = self.context
        if tok >= hi:
            return self.trim(context.tstart(lo), context.tstart(hi - 1) if hi - 1 >= lo else context.tstart(lo))
        return self.trim(context.tstart(tok), context.tend(hi - 1))

    def content_around(self, cue: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
        """The larger side of a sentence around a cue phrase (within its quotation, if quoted)."""
        context = self.context
        a, b = cue
        qi = self.quote_at(context.tstart(a)) if a < context.n else -1
        if qi >= 0:
            q = self.quotes[qi]
            lo = max(lo, context.tok_from_char(q.content_start))
            hi = min(hi, context.tok_from_char(q.content_end))
            if hi <= lo:
                return (-1, -1)
        left = self.trim(context.tstart(lo), context.tstart(a)) if a > lo else (0, 0)
        right = self.trim(context.tstart(b), context.tend(hi - 1)) if b < hi else (0, 0)
        if right[1] - right[0] >= left[1] - left[0]:
            return right if right[1] > right[0] else (-1, -1)
        return left if left[1] > left[0] else (-1, -1)
