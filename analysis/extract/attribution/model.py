"""The attribution's data: :class:`Attribution` (the result) and what the rules pass around.

A :class:`Mention` is a phrase that names or points to an actor (a token
span and how it names); a :class:`Raw` is an attribution found by a rule
before its speaker is resolved (:mod:`.resolve` turns it into an
:class:`Attribution`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..records import ATTRIBUTION_KINDS

__all__ = ["KINDS", "Attribution", "Mention", "Raw", "first_offset"]

#: The attribution kinds, in table order.
KINDS = ATTRIBUTION_KINDS


@dataclass
class Attribution:
    """One attribution with character offsets (``-1`` = absent) and resolution details.

    ``antecedent_start``/``antecedent_end`` locate the named mention that a
    pronoun or title speaker was resolved to (``-1`` when none): the
    benchmark uses them; the record keeps only ``speaker``.
    """

    kind: str
    sentence_id: int = -1
    speaker: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    cue_start: int = -1
    cue_end: int = -1
    content_start: int = -1
    content_end: int = -1
    principal: str = ""
    speaker_text_override: str = ""
    cue_override: str = ""
    antecedent_start: int = -1
    antecedent_end: int = -1

    def record(self, doc_id: str, text: str) -> dict:
        """The record of this attribution (keys :data:`analysis.extract.records.ATTRIBUTION_COLUMNS`).

        Absent offsets are ``None`` (``<NA>`` in the table).
        """

        def part(s: int, e: int, override: str = "") -> str:
            return text[s:e] if s >= 0 else override

        def offset(v: int) -> int | None:
            return v if v >= 0 else None

        return {
            "doc_id": doc_id,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_text": part(self.speaker_start, self.speaker_end, self.speaker_text_override),
            "speaker_start": offset(self.speaker_start),
            "speaker_end": offset(self.speaker_end),
            "cue": part(self.cue_start, self.cue_end, self.cue_override),
            "cue_start": offset(self.cue_start),
            "cue_end": offset(self.cue_end),
            "content": part(self.content_start, self.content_end),
            "content_start": offset(self.content_start),
            "content_end": offset(self.content_end),
            "sentence_id": offset(self.sentence_id),
            "principal": self.principal,
        }


@dataclass
class Mention:
    """A phrase that names (or points to) an actor: token span + how it names."""

    start: int
    end: int
    kind: str  # actor | title | pronoun | name | np
    key: str = ""  # canonical name (actor), title key (title), lower-case pronoun
    canonical: str = ""
    antecedent: tuple[int, int] = (-1, -1)  # token span of the named mention it was resolved to
    owner: Mention | None = None  # "NATO's spokesperson": the NATO mention


@dataclass
class Raw:
    """An attribution found by a rule, before its speaker is resolved."""

    kind: str
    sentence: int  # sentence window (see DocContext.sents), -1 for a metadata credit
    mention: Mention | None = None
    cue: tuple[int, int] = (-1, -1)  # char offsets
    content: tuple[int, int] = (-1, -1)  # char offsets
    principal: Mention | None = None
    needs: str = ""  # "" | "context" (direct without speaker) | "outer" (authority/partial in speech)
    quote: int = -1
    order: int = 0
    resolved: Attribution | None = None
    extra: dict = field(default_factory=dict)


def first_offset(a: Attribution) -> int:
    """The first known offset of content, cue or speaker (for sorting)."""
    for v in (a.content_start, a.cue_start, a.speaker_start):
        if v >= 0:
            return v
    return 1 << 60
