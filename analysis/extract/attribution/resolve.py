"""Speakers resolved: the rules' findings become :class:`~.model.Attribution` objects.

Two passes over the attributions of a :class:`~.scan.Scan`, each in text
order of the speaker phrase, so that a pronoun is resolved after the
speakers before it:

1. attributions with a speaker phrase of their own ("Lavrov said", "he
   added", "THE PRESIDENT:") get it resolved (:class:`~.speakers.Speakers`);
2. the others take their speaker from around them: a partial quotation or an
   authority from the speech that contains it (the *outer* attribution); a
   quotation standing alone from the sentence before that introduces it
   ("Lavrov told reporters:"), the attribution just before or after it ("He
   added …"), or the person the sentence before is about.
"""
from __future__ import annotations

import bisect

from .cues import CHARACTERISING
from .frames import left_speaker, right_speaker
from .model import KINDS, Attribution, Mention, Raw, first_offset
from .scan import Scan
from .speakers import Speakers
from .words import DETERMINERS

__all__ = ["resolve_speakers"]


def resolve_speakers(scan: Scan, speakers: Speakers) -> list[Attribution]:
    """The attributions of ``scan`` with their speakers resolved, in sentence order."""
    return _Resolution(scan, speakers).run()


class _Resolution:
    """The two passes over one scan (see the module docstring)."""

    def __init__(self, scan: Scan, speakers: Speakers):
        self.scan = scan
        self.context = scan.context
        self.speakers = speakers
        self.outer_index: tuple[list[int], list[Raw]] = ([], [])
        self.by_sentence: dict[int, list[Raw]] = {}

    def run(self) -> list[Attribution]:
        """Both passes; the attributions sorted by sentence, first offset and kind."""
        context = self.context
        raws = self.scan.raws

        def pos(r: Raw) -> int:
            if r.mention is not None:
                return r.mention.start
            if r.cue[0] >= 0:
                return context.tok_at_char(r.cue[0])
            if r.content[0] >= 0:
                return context.tok_at_char(r.content[0])
            return 1 << 60

        # pass 1: own speakers, in text order of the speaker phrase
        for r in sorted((r for r in raws if r.resolved is None and not r.needs), key=lambda r: (pos(r), r.order)):
            r.resolved = self._resolve_own(r)
        # indexes for pass 2 (kept linear on long documents)
        outer = sorted((o for o in raws if o.kind in ("direct", "partial", "indirect") and o.content[0] >= 0),
                       key=lambda o: o.content[0])
        self.outer_index = ([o.content[0] for o in outer], outer)
        self.by_sentence = {}
        for o in raws:
            if o.sentence >= 0:
                self.by_sentence.setdefault(o.sentence, []).append(o)
        # pass 2: quotations without a speaker in their sentence, authority and partial inside speech
        for r in sorted((r for r in raws if r.resolved is None), key=lambda r: (pos(r), r.order)):
            r.resolved = self._resolve_dependent(r)
        out = [r.resolved for r in raws if r.resolved is not None]
        out.sort(key=lambda a: (a.sentence_id < 0, a.sentence_id, first_offset(a), KINDS.index(a.kind)))
        return out

    def _make(self, r: Raw, speaker: str, m: Mention | None, principal: str = "") -> Attribution:
        context = self.context
        a = Attribution(r.kind, context.chunk_real[r.sentence] if r.sentence >= 0 else -1, speaker)
        if m is not None:
            a.speaker_start, a.speaker_end = context.char_span(m.start, m.end)
            if m.antecedent[0] >= 0:
                a.antecedent_start, a.antecedent_end = context.char_span(*m.antecedent)
        a.cue_start, a.cue_end = r.cue
        a.content_start, a.content_end = r.content
        a.principal = principal
        return a

    def _resolve_own(self, r: Raw) -> Attribution:
        principal = ""
        if r.principal is not None:
            principal = self.speakers.resolve(r.principal)
        if "label" in r.extra:
            speaker = self.speakers.label(r.mention, r.extra["label"])
        else:
            speaker = self.speakers.resolve(r.mention)
        if r.kind != "proxy":
            self.speakers.add_speaker(r.mention, speaker)
        return self._make(r, speaker, r.mention, principal)

    def _outer(self, r: Raw, *, same_sentence: bool = True) -> Attribution | None:
        """The attribution whose content contains this one (the quoting voice)."""
        c = r.content[0] if r.content[0] >= 0 else r.cue[0]
        best = None
        starts, items = self.outer_index
        points = [p for p in (c, r.cue[0]) if p >= 0]
        for p in points:
            i = bisect.bisect_right(starts, p) - 1
            steps = 0
            while i >= 0 and steps < 50:  # nearest containing intervals start just before p
                o = items[i]
                a = o.resolved
                if o is not r and a is not None and a.content_start <= p < a.content_end:
                    if best is None or a.content_end - a.content_start < best.content_end - best.content_start:
                        best = a
                i -= 1
                steps += 1
        if best is None and r.kind == "partial" and same_sentence:
            for o in self.by_sentence.get(r.sentence, ()):
                if o is not r and o.resolved is not None and o.kind in ("indirect", "according_to", "direct"):
                    return o.resolved
        return best

    def _resolve_dependent(self, r: Raw) -> Attribution:
        context = self.context
        if r.kind == "authority":
            outer = self._outer(r)
            if outer is None and self.scan.narrator_speaker and self.scan.quote_at(r.cue[0]) < 0:
                # the document's own speaker (a speech) invokes the authority
                name = context.gazetteer.lookup(self.scan.narrator_speaker) or ""
                principal = self.speakers.resolve(r.principal, camp=context.gazetteer.camp(name) if name else "")
                a = self._make(r, name, None, principal)
                a.speaker_text_override = self.scan.narrator_speaker
                return a
            if outer is None:  # no quoting voice found: the authority speaks for itself
                r.kind, r.mention, r.principal = "according_to", r.principal, None
                return self._resolve_own(r)
            camp = context.gazetteer.camp(outer.speaker) if outer.speaker else ""
            principal = self.speakers.resolve(r.principal, camp=camp)
            a = self._make(r, outer.speaker if outer else "", None, principal)
            if outer is not None:
                a.speaker_start, a.speaker_end = outer.speaker_start, outer.speaker_end
                a.antecedent_start, a.antecedent_end = outer.antecedent_start, outer.antecedent_end
            return a
        if r.kind == "partial":
            outer = self._outer(r, same_sentence=False)
            fallback = r.extra.get("fallback")
            if outer is None and fallback is not None:
                speaker = self.speakers.resolve(fallback)
                self.speakers.add_speaker(fallback, speaker)
                return self._make(r, speaker, fallback)
            if outer is None:
                outer = self._outer(r)
            a = self._make(r, outer.speaker if outer else "", None)
            if outer is not None:
                a.speaker_start, a.speaker_end = outer.speaker_start, outer.speaker_end
                a.cue_start, a.cue_end = outer.cue_start, outer.cue_end
                a.antecedent_start, a.antecedent_end = outer.antecedent_start, outer.antecedent_end
            return a
        # a quotation standing alone: previous sentence introduces it, or the
        # neighbouring sentence's attribution names the speaker
        a = self._make(r, "", None)
        src = self._context_speaker(r)
        if src is not None:
            a.speaker = src.speaker
            a.speaker_start, a.speaker_end = src.speaker_start, src.speaker_end
            a.cue_start, a.cue_end = src.cue_start, src.cue_end
            a.antecedent_start, a.antecedent_end = src.antecedent_start, src.antecedent_end
        return a

    def _context_speaker(self, r: Raw) -> Attribution | None:
        context = self.context
        q = self.scan.quotes[r.quote] if r.quote >= 0 else None
        first = r.sentence
        last = int(context.sent_of[q.close_tok]) if q is not None else r.sentence
        def usable(sentence: int) -> list[Raw]:
            return [o for o in self.by_sentence.get(sentence, ()) if o.resolved is not None and o is not r
                    and o.kind in ("direct", "indirect", "according_to")]
        # 1. the previous sentence introduces it ("Lavrov told reporters:") or speaks just before
        intro = self._colon_intro(first - 1)
        if intro is not None:
            return intro
        prev = usable(first - 1)
        if prev:
            o = max(prev, key=lambda o: o.content[1])
            if o.resolved.speaker_start >= 0 or o.resolved.speaker:
                return o.resolved
        # 2. the next sentence: "He added …", "So said Lavrov."
        nxt = usable(last + 1)
        if nxt:
            o = min(nxt, key=lambda o: o.content[0] if o.content[0] >= 0 else 1 << 60)
            lemma = ""
            if o.cue[0] >= 0:
                v = self.scan.cues.verb_at.get(context.tok_at_char(o.cue[0]))
                lemma = v[2] if v else ""
            start_of_next = context.sents[last + 1][0]
            if o.mention is not None and (lemma in ("add", "continue") or o.mention.start <= start_of_next + 1):
                if o.resolved.speaker_start >= 0:
                    return o.resolved
        # 3. a speech verb with a speaker in the previous sentence ("he was quoted by the press;")
        intro = self._colon_intro(first - 1, require_colon=False)
        if intro is not None:
            return intro
        # 4. the person the previous sentence is about ("Blinken arrived in Geneva. "We are ready."")
        return self._subject_of(first - 1)

    def _subject_of(self, sentence: int) -> Attribution | None:
        """A person named at the start of a narrated sentence (its likely subject)."""
        context = self.context
        if sentence < 0:
            return None
        lo, hi = context.sents[sentence]
        if self.scan.in_quote[lo:hi].any():
            return None
        k = lo
        while k < hi and (context.is_punct(k) or context.lower(k) in DETERMINERS):
            k += 1
        m = context.mention_starting_at(k, hi)
        if m is None:
            return None
        if m.kind == "actor":
            actor = context.gazetteer.get(m.canonical)
            if actor is None or actor.type != "person":
                return None
        elif m.kind == "name":
            if m.end - m.start < 2 or m.end >= hi or not context.doc[m.end].text[:1].islower():
                return None  # a person's name followed by a verb, not a title or a place
        elif m.kind == "pronoun":
            if m.key not in ("he", "she"):
                return None
        elif m.kind != "title":
            return None
        a = Attribution("direct", sentence, self.speakers.resolve(m))
        a.speaker_start, a.speaker_end = context.char_span(m.start, m.end)
        if m.antecedent[0] >= 0:
            a.antecedent_start, a.antecedent_end = context.char_span(*m.antecedent)
        return a

    def _colon_intro(self, sentence: int, *, require_colon: bool = True) -> Attribution | None:
        """A sentence ending in ":" that names a speaker (``Lavrov told reporters in Moscow:``).

        With ``require_colon=False``, the last speech verb with a speaker in
        the sentence, whatever its ending.
        """
        context = self.context
        if sentence < 0:
            return None
        lo, hi = context.sents[sentence]
        last = hi - 1
        while last > lo and context.doc[last].is_space:
            last -= 1
        if require_colon and (context.lower(last) != ":" or self.scan.in_quote[last]):
            return None
        verbs = self.scan.cues.verbs_in(lo, last)
        for v in (verbs if require_colon else reversed(verbs)):
            if v[2] == CHARACTERISING or self.scan.in_quote[v[0]]:
                continue
            m = left_speaker(self.scan, v[0], lo) or right_speaker(self.scan, v[1], last)
            if m is not None:
                a = Attribution("direct", sentence, self.speakers.resolve(m))
                a.speaker_start, a.speaker_end = context.char_span(m.start, m.end)
                a.cue_start, a.cue_end = context.char_span(v[0], v[1])
                if m.antecedent[0] >= 0:
                    a.antecedent_start, a.antecedent_end = context.char_span(*m.antecedent)
                self.speakers.add_speaker(m, a.speaker)
                return a
        return None
