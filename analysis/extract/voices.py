"""Whose words are these? The *voice* of every character, sentence and token.

A document is layered speech: the reporter (``narrator``) quotes a minister,
who may quote his president. The voice of a stretch of text is

* the canonical speaker of the quotation that contains it (``direct`` and
  ``partial`` attributions, see :mod:`analysis.extract.attribution`), or
  ``"unknown speaker"`` when that quotation's speaker is not resolved;
* ``"narrator"`` everywhere else -- or, in a first-person document (a speech,
  statement or press release whose metadata names its ``speaker``; the rule is
  :func:`analysis.extract.records.document_voice`), that speaker: their
  unquoted words are their own voice, the *default* voice of the map.

Nested quotation keeps the **outer** speaker: a quote inside Lavrov's quoted
words is still Lavrov's voice (he chose to repeat it). Quotation marks belong
to the quotation they delimit.

:func:`voice_map` builds a :class:`VoiceMap` from a Doc and its attribution
records; :func:`doc_voices` cuts a Doc into derived sub-documents, one per
voice ("Sergei Lavrov (quoted)", "narrator"), that every table and figure can
compare like ordinary documents (for a corpus: :func:`analysis.app.shortcuts.voices`).
"""
from __future__ import annotations

import bisect
from collections import Counter
from typing import Iterable

import numpy as np
from spacy.tokens import Doc

from ..corpus.documents import Document
from ..nlp.docarrays import doc_id_of, doc_text, token_index, word_mask
from .records import NARRATOR, UNKNOWN_SPEAKER, present

__all__ = ["NARRATOR", "UNKNOWN_SPEAKER", "VOICE_KINDS", "VoiceMap", "voice_map", "doc_voices", "voice_label"]

#: Attribution kinds whose content is the speaker's own words (quoted).
VOICE_KINDS = ("direct", "partial")


class VoiceMap:
    """Voices of a document as sorted, non-overlapping character intervals.

    Args:
        doc: the parsed document.
        spans: ``(start_char, end_char, voice)`` for quoted stretches; where
            they overlap, the outer (longer, earlier) one wins.
        default: the voice of everything outside them: ``"narrator"``, or the
            speaker of a first-person document.
    """

    def __init__(self, doc: Doc, spans: Iterable[tuple[int, int, str]] = (), *, default: str = NARRATOR):
        self.doc = doc
        self.default = default or NARRATOR
        merged: list[tuple[int, int, str]] = []
        # Outer spans first: earlier start, then longer.
        for start, end, voice in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if end <= start:
                continue
            if merged and start < merged[-1][1]:
                if end <= merged[-1][1]:
                    continue  # nested: the outer speaker keeps the voice
                start = merged[-1][1]  # overlapping tail
            merged.append((start, end, voice))
        self.spans: list[tuple[int, int, str]] = merged
        self._starts = [s[0] for s in merged]
        self._token_voices: tuple | None = None
        self._index: tuple | None = None  # token_index(doc), shared when built by voice_map

    def voice_at(self, start_char: int, end_char: int | None = None) -> str:
        """The voice of a character (or of the larger part of ``[start_char, end_char)``)."""
        if end_char is None or end_char <= start_char:
            i = bisect.bisect_right(self._starts, start_char) - 1
            if i >= 0 and self.spans[i][0] <= start_char < self.spans[i][1]:
                return self.spans[i][2]
            return self.default
        i = max(bisect.bisect_right(self._starts, start_char) - 1, 0)
        if not self.spans or self.spans[i][0] >= end_char or (
            self.spans[i][1] <= start_char and (i + 1 >= len(self.spans) or self.spans[i + 1][0] >= end_char)
        ):
            return self.default  # no quotation overlaps the span
        if self.spans[i][0] <= start_char and end_char <= self.spans[i][1]:
            return self.spans[i][2]  # inside one quotation
        overlap: Counter[str] = Counter()
        covered = 0
        while i < len(self.spans) and self.spans[i][0] < end_char:
            s, e, voice = self.spans[i]
            n = min(e, end_char) - max(s, start_char)
            if n > 0:
                overlap[voice] += n
                covered += n
            i += 1
        overlap[self.default] += (end_char - start_char) - covered
        best = max(overlap.values())
        # ties go to the default voice (the narrator), then alphabetically (deterministic)
        if overlap[self.default] == best:
            return self.default
        return min(v for v, n in overlap.items() if n == best)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, list[str], list[tuple[int, int]]]:
        """Voice code of every token, word mask, code -> voice, sentence token spans (computed once)."""
        if self._token_voices is None:
            doc = self.doc
            idx, _, sents = self._index or token_index(doc)
            names = [self.default] + sorted({v for _, _, v in self.spans} - {self.default})
            code = {v: i for i, v in enumerate(names)}
            voices_ = np.zeros(len(doc), dtype=np.int64)
            for s, e, voice in self.spans:
                lo = int(np.searchsorted(idx, s, side="left"))
                hi = int(np.searchsorted(idx, e, side="left"))
                voices_[lo:hi] = code[voice]
            words = word_mask(doc)
            self._token_voices = (voices_, words, names, sents)
        return self._token_voices

    def token_voice(self, i: int) -> str:
        """The voice of token ``i`` (by its first character)."""
        voices_, _, names, _ = self._arrays()
        return names[int(voices_[i])]

    def sentence_voice(self, sentence_id: int) -> str:
        """Voice of the majority of the sentence's word tokens (ties: narrator, then alphabetical)."""
        voices_, words, names, sents = self._arrays()
        if not 0 <= sentence_id < len(sents):
            raise IndexError(f"sentence_id {sentence_id} out of range (0..{len(sents) - 1})")
        start, end = sents[sentence_id]
        if len(names) == 1:
            return self.default
        counts = np.bincount(voices_[start:end][words[start:end]], minlength=len(names))
        best = counts.max()
        if best == 0 or counts[0] == best:
            return self.default
        return names[int(np.flatnonzero(counts == best)[0])]

    def token_counts(self) -> dict[str, int]:
        """Word tokens (not space, not punctuation) per voice; voices with no word are left out."""
        voices_, words, names, _ = self._arrays()
        counts = np.bincount(voices_[words], minlength=len(names))
        return {v: int(counts[i]) for i, v in sorted(enumerate(names), key=lambda x: x[1]) if counts[i]}


def voice_map(doc: Doc, attribution_records: Iterable[dict], *, default: str = NARRATOR) -> VoiceMap:
    """Build the :class:`VoiceMap` of ``doc`` from its attribution records.

    Only ``direct`` and ``partial`` records give a voice: their content span,
    widened to the quotation marks around it, is the speaker's
    (``"unknown speaker"`` when ``speaker`` is empty). Everything else has the
    ``default`` voice: ``"narrator"``, or the speaker of a first-person
    document (``analyze_doc`` passes it, see
    :func:`analysis.extract.records.document_voice`).
    """
    index = token_index(doc)
    idx = index[0]
    n = len(doc)

    def char_at(pos: int) -> str:  # without Doc.text, which joins every token
        if pos < 0 or n == 0:
            return ""
        k = int(np.searchsorted(idx, pos, side="right")) - 1
        if k < 0:
            return ""
        tok = doc[k]
        off = pos - tok.idx
        piece = tok.text_with_ws
        return piece[off] if off < len(piece) else ""

    spans = []
    for rec in attribution_records:
        if rec.get("kind") not in VOICE_KINDS:
            continue
        s, e = rec.get("content_start"), rec.get("content_end")
        if not (present(s) and present(e)):
            continue
        s, e = int(s), int(e)
        # the marks around the content belong to the quotation
        if char_at(s - 1) in _QUOTE_CHARS:
            s -= 1
        if char_at(e) in _QUOTE_CHARS:
            e += 1
        speaker = rec.get("speaker") or UNKNOWN_SPEAKER
        spans.append((s, e, speaker))
    voices = VoiceMap(doc, spans, default=default)
    voices._index = index
    return voices


_QUOTE_CHARS = frozenset('"“”«»„‚‘’\'‹›')


def voice_label(voice: str, *, own: bool = False) -> str:
    """The sub-document label of a voice: ``"narrator"``, ``"<speaker> (quoted)"``, or
    ``"<speaker>"`` for a first-person document's own speaker (``own``)."""
    return voice if voice == NARRATOR or own else f"{voice} (quoted)"


def _segments(voices: VoiceMap, length: int) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for s, e, voice in voices.spans:
        if s > pos:
            out.append((pos, s, voices.default))
        out.append((s, e, voice))
        pos = e
    if pos < length:
        out.append((pos, length, voices.default))
    return out


_PARENT_ONLY = ("doc_id", "source_credit", "source_agency")


def doc_voices(doc: Doc, voices: VoiceMap, *, metadata: dict | None = None, separator: str = "\n\n") -> list[Document]:
    """Split one Doc into a derived sub-document per voice.

    Each sub-document is an :class:`analysis.corpus.documents.Document` whose
    ``text`` is the concatenation (joined by ``separator``, a paragraph break
    by default, so no sentence runs across two segments) of every stretch of
    the parent in that voice, whitespace-trimmed (quoted stretches also lose
    their enclosing quotation marks). ``doc_id`` is ``"<parent>::<label>"``
    with label ``narrator`` or ``"<speaker> (quoted)"``; ``metadata``
    repeats the parent's (without ``source_credit`` and ``source_agency``:
    the credit belongs to the parent) and adds ``parent_doc_id``, ``voice``,
    ``voice_label`` and ``segments`` (``"start:end;..."``: parent character
    offsets of each segment, in order, to trace every word back). A quoted
    voice's sub-document is that speaker's first-person speech: ``speaker``
    is the voice and ``genre`` is ``"quoted speech"``.

    Args:
        doc: the parsed Doc.
        voices: its :class:`VoiceMap` (:func:`voice_map` of its attributions).
        metadata: the parent document's metadata.
        separator: text placed between segments.

    Returns:
        The narrator's sub-document first, then the quoted voices alphabetically.
    """
    text = doc_text(doc)
    parts: dict[str, list[tuple[int, int]]] = {}
    for s, e, voice in _segments(voices, len(text)):
        # trim whitespace (and, for quoted voices, the enclosing quotation marks) so that the
        # segments join into plain first-person text
        edge = _QUOTE_CHARS if voice != voices.default else frozenset()
        while s < e and (text[s].isspace() or text[s] in edge):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in edge):
            e -= 1
        if e > s:
            parts.setdefault(voice, []).append((s, e))
    parent = doc_id_of(doc)
    out = []
    order = sorted(parts, key=lambda v: (v != voices.default, v))
    for voice in order:
        segs = parts[voice]
        label = voice_label(voice, own=voice == voices.default)
        # the parent's metadata, without its agency credit (it would be counted again per voice);
        # quoted words are the speaker's first-person speech
        meta = {k: v for k, v in (metadata or {}).items() if k not in _PARENT_ONLY}
        if voice not in (NARRATOR, UNKNOWN_SPEAKER, voices.default):
            meta.update({"speaker": voice, "genre": "quoted speech"})
        meta.update(
            {
                "parent_doc_id": parent,
                "voice": voice,
                "voice_label": label,
                "segments": ";".join(f"{s}:{e}" for s, e in segs),
            }
        )
        out.append(
            Document(
                doc_id=f"{parent}::{label}",
                text=separator.join(text[s:e] for s, e in segs),
                metadata=meta,
                source=f"voice of {parent}",
            )
        )
    return out
