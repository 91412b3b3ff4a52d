"""The per-document context of the attribution rules: token arrays, entities, phrase finders.

:class:`DocContext` holds what every rule and the resolver look up about one
Doc: where each token starts and ends, its lower-case form, its sentence (long
sentences cut into windows of :data:`~.words.MAX_WINDOW` tokens, so every rule
stays linear), the ACTOR/TITLE entities, and the finders of the words that
name a speaker (:meth:`DocContext.mention_ending_at` "…, the Minister said",
:meth:`DocContext.mention_starting_at` "said the Minister", an X slot
:meth:`DocContext.mention_in`).
"""
from __future__ import annotations

import numpy as np
from spacy.tokens import Doc

from ...nlp.docarrays import doc_ents, doc_text, token_ends, token_index, token_lower, token_punct
from ...nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer
from .lexicon import Lexicon
from .model import Mention
from .words import (
    DETERMINERS,
    HONORIFICS,
    MAX_WINDOW,
    NAME_HEADS,
    NAME_PARTICLES,
    NOT_NAMES,
    NP_STOP,
    POSSESSIVE,
    PREPOSITIONS,
    PRONOUNS,
)

__all__ = ["DocContext", "in_other_name"]

#: Lower-case words that may open a speaker phrase before a title or name ("former Gov. X").
_MODIFIERS = frozenset("former then ex longtime long-time veteran top senior acting outgoing incoming "
                       "retired late".split())
#: Capitalised words before a surname that are not first names ("Republican Trump", "Candidate Trump").
_NOT_FIRST_NAMES = frozenset(
    "republican republicans democrat democrats democratic gop independent conservative liberal former candidate "
    "nominee billionaire businessman businesswoman mogul speaker leader chairman chief vice deputy acting "
    "spokesman spokeswoman senior late young elder".split()
)


def in_other_name(doc: Doc, ent, lower_ids: list | None = None) -> bool:
    """An ACTOR alias that is only part of another name: "Washington" in "The Washington Post",
    "Moscow" in "the Moscow Times" (followed by a capitalised word of :data:`~.words.NAME_HEADS`).
    ``lower_ids``: the Doc's lower-case string ids, when the caller has them (faster)."""
    if ent.end >= len(doc) or ent.label_ != ACTOR_LABEL:
        return False
    if lower_ids is not None and doc.vocab.strings[lower_ids[ent.end]] not in NAME_HEADS:
        return False
    nxt = doc[ent.end]
    return nxt.text[:1].isupper() and nxt.lower_ in NAME_HEADS


def _other_first_name(ctx: "DocContext", ent, lo: int) -> bool:
    """A capitalised first name right before a one-word person alias ("Eric Trump", "Jeb Bush"):
    not a title, honorific, demonym or party word, not the sentence's first word, not an entity."""
    k = ent.start - 1
    if ent.label_ != ACTOR_LABEL or ent.end - ent.start != 1 or k < lo or k == ctx.sent_bounds(k)[0]:
        return False
    actor = ctx.gazetteer.get(ent.ent_id_ or ent.text)
    if actor is None or actor.type != "person" or ctx.ent_cover[k] >= 0:
        return False
    t = ctx.doc[k]
    low = t.lower_
    return (t.is_alpha and t.is_title and low not in NOT_NAMES and low not in HONORIFICS
            and low not in _NOT_FIRST_NAMES and ctx.gazetteer.demonym_owner(low) is None)


#: LOWER hash -> string: the StringStore look-up costs more than a dict's, and the rules ask for the same
#: few hundred words again and again. A hash names one string in every vocab, so the table is shared.
_LOWER_STRINGS: dict[int, str] = {}


def _cap_word(t) -> bool:
    """A capitalised word that can be part of a name ("Lavrov", "Mr.", "O'Malley", "U.S.")."""
    s = t.text
    if not s[:1].isupper():
        return False
    return t.is_alpha or (len(s) <= 3 and s.endswith(".")) or "-" in s or "'" in s or "’" in s or "." in s


#: Quantifiers of a group speaker ("most of them said").
_QUANTIFIERS = frozenset("most many some all none few several both each one two three four five half majority "
                         "more others".split())


class DocContext:
    """Per-document arrays, look-ups and phrase finders shared by the rules and the resolver.

    Built once per Doc (by :class:`analysis.extract.attribution.speakers.Resolver`)
    and never changed afterwards: what one run of the rules finds lives in
    :class:`analysis.extract.attribution.scan.Scan`.

    Args:
        doc: the parsed Doc (ACTOR/TITLE entities from the actor ruler).
        gazetteer: resolves actor names, titles and types.
        lexicon: the reporting-cue lexicon (speaker nouns, words skipped before a verb).
    """

    def __init__(self, doc: Doc, gazetteer: Gazetteer, lexicon: Lexicon):
        self.doc = doc
        self._text: str | None = None  # Doc.text joins every token: compute it once, lazily
        self._ends: np.ndarray | None = None  # end character of each token, on first use
        self._cap: dict[int, bool] = {}  # token -> whether it is a capitalised name word (asked often, once each)
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.n = len(doc)
        self.idx, real_sent_of, real_sents = token_index(doc)
        # Rules look at most MAX_WINDOW tokens around a cue: a "sentence" longer than
        # that (text without punctuation) is cut into windows, so work stays linear.
        # ``chunk_real`` maps a window back to the real sentence id used in records.
        if all(e - s <= MAX_WINDOW for s, e in real_sents):
            self.sents, self.sent_of = real_sents, real_sent_of
            self.chunk_real = list(range(len(real_sents)))
        else:
            self.sents, self.chunk_real = [], []
            for i, (s, e) in enumerate(real_sents):
                for a in range(s, e, MAX_WINDOW):
                    self.sents.append((a, min(a + MAX_WINDOW, e)))
                    self.chunk_real.append(i)
            self.sent_of = np.zeros(self.n, dtype=np.int64)
            for i, (a, b) in enumerate(self.sents):
                self.sent_of[a:b] = i
        self.strings = doc.vocab.strings
        self.lower_arr, self.punct_arr = token_lower(doc), token_punct(doc)
        self._lower_ids = self.lower_arr.tolist()  # plain ints: lower() without numpy scalar overhead
        self._punct = self.punct_arr.tolist()
        self.ents = [e for e in doc_ents(doc) if e.label_ in (ACTOR_LABEL, TITLE_LABEL)
                     and not in_other_name(doc, e, self._lower_ids)]
        self.ent_end_at = {e.end - 1: e for e in self.ents}
        self.ent_start_at = {e.start: e for e in self.ents}
        self.ent_cover = np.full(self.n, -1, dtype=np.int64)
        for k, e in enumerate(self.ents):
            self.ent_cover[e.start : e.end] = k

    @property
    def text(self) -> str:
        """The Doc's text (computed once)."""
        if self._text is None:
            self._text = doc_text(self.doc)
        return self._text

    # token helpers ---------------------------------------------------------
    def tok_at_char(self, pos: int) -> int:
        """The token containing character ``pos``."""
        return max(int(np.searchsorted(self.idx, pos, side="right")) - 1, 0)

    def tok_from_char(self, pos: int) -> int:
        """The first token starting at or after ``pos``."""
        return int(np.searchsorted(self.idx, pos, side="left"))

    def lower(self, i: int) -> str:
        """The lower-case form of token ``i``."""
        h = self._lower_ids[i]
        s = _LOWER_STRINGS.get(h)
        if s is None:
            s = _LOWER_STRINGS[h] = self.strings[h]
        return s

    def tstart(self, i: int) -> int:
        """The first character of token ``i``."""
        return int(self.idx[i])

    def tend(self, i: int) -> int:
        """The character after token ``i`` (its trailing whitespace excluded)."""
        if self._ends is None:
            self._ends = token_ends(self.doc)
        return int(self._ends[i])

    def char_span(self, start_tok: int, end_tok: int) -> tuple[int, int]:
        """Character span ``(start, end)`` of tokens ``[start_tok, end_tok)``."""
        return self.tstart(start_tok), self.tend(end_tok - 1)

    def is_punct(self, i: int) -> bool:
        """Whether token ``i`` is punctuation or whitespace."""
        return bool(self._punct[i])

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """Token span ``(start, end)`` of the sentence window holding token ``i``."""
        return self.sents[int(self.sent_of[i])]

    # mentions ----------------------------------------------------------------
    def ent_mention(self, ent) -> Mention:
        """The :class:`Mention` of an ACTOR or TITLE entity."""
        if ent.label_ == ACTOR_LABEL:
            return Mention(ent.start, ent.end, "actor", ent.ent_id_ or ent.text, ent.ent_id_ or ent.text)
        return Mention(ent.start, ent.end, "title", ent.ent_id_ or ent.text.lower())

    def _is_cap(self, i: int) -> bool:
        found = self._cap.get(i)
        if found is None:
            found = self._cap[i] = _cap_word(self.doc[i])
        return found

    def name_ending_at(self, j: int, lo: int) -> Mention | None:
        """A capitalised name (unknown to the gazetteer) ending at token ``j``."""
        if j < lo or not self._is_cap(j):
            return None
        if self.lower(j) in NOT_NAMES and not self._is_acronym(j):
            return None
        k = j
        while k - 1 >= lo and (self._is_cap(k - 1) or (self.lower(k - 1) in NAME_PARTICLES and k - 2 >= lo
                                                        and self._is_cap(k - 2))):
            c = self.ent_cover[k - 1]
            if c >= 0 and c != self.ent_cover[j] and self.ents[c].label_ == ACTOR_LABEL:
                break
            k -= 1
        while k < j and self.lower(k) in NOT_NAMES and not (self.lower(k) in HONORIFICS and k + 1 <= j
                                                             and self.lower(k + 1) not in NOT_NAMES):
            k += 1  # "The Mr. Emanuel" -> "Mr. Emanuel": an honorific before a name stays in it
        if k == j and j == self.sent_bounds(j)[0] and self.lower(j) in NOT_NAMES:
            return None
        return Mention(k, j + 1, "name")

    def _is_acronym(self, i: int) -> bool:
        t = self.doc[i].text
        return len(t) >= 2 and t.isupper() and t.isalpha()

    def name_starting_at(self, k: int, hi: int) -> Mention | None:
        """A capitalised name starting at token ``k`` (honorifics kept)."""
        if k >= hi or not self._is_cap(k) or self.lower(k) in NOT_NAMES - {"mr.", "mrs.", "ms.", "dr."}:
            return None
        j = k
        while j + 1 < hi and (self._is_cap(j + 1) or (self.lower(j + 1) in NAME_PARTICLES and j + 2 < hi
                                                       and self._is_cap(j + 2))):
            j += 1
        return Mention(k, j + 1, "name")

    def mention_ending_at(self, j: int, lo: int) -> Mention | None:
        """The speaker phrase ending at token ``j`` (not before ``lo``)."""
        if j < lo:
            return None
        doc = self.doc
        if self.lower(j) in POSSESSIVE and j - 1 >= lo:
            j -= 1
        ent = self.ent_end_at.get(j)
        if ent is not None and ent.start >= lo and _other_first_name(self, ent, lo):
            # "Eric Trump" when only "Trump" is an alias: another person of that surname, unresolved
            return Mention(ent.start - 1, ent.end, "name")
        if ent is not None and ent.start >= lo:
            m = self.ent_mention(ent)
            # "Foreign Minister Sergei Lavrov": keep the title in the speaker text
            prev = self.ent_end_at.get(ent.start - 1)
            if m.kind == "actor" and prev is not None and prev.label_ == TITLE_LABEL and prev.start >= lo:
                m.start = prev.start
            elif m.kind == "actor" and m.start - 1 >= lo and self.lower(m.start - 1) in HONORIFICS \
                    and self.doc[m.start - 1].text[:1].isupper():
                m.start -= 1  # "Ms. Sherman", "President Putin"
            # "the Minister", "a spokesman": include the determiner
            if m.start - 1 >= lo and self.lower(m.start - 1) in DETERMINERS and m.kind == "title":
                m.start -= 1
            elif m.kind == "title" and m.start - 2 >= lo and self.lower(m.start - 1) in POSSESSIVE:
                owner = self.ent_end_at.get(m.start - 2)  # "NATO's spokesperson"
                if owner is not None and owner.label_ == ACTOR_LABEL and owner.start >= lo:
                    m.owner = self.ent_mention(owner)
                    m.start = owner.start
            return m
        low = self.lower(j)
        if low in PRONOUNS:
            return Mention(j, j + 1, "pronoun", low)
        if low in ("them", "us") and j - 2 >= lo and self.lower(j - 1) == "of" and self.lower(j - 2) in _QUANTIFIERS:
            return Mention(j - 2, j + 1, "np", low)  # "most of them said", "many of us say"
        if doc[j].like_num and j - 2 >= lo and self.lower(j - 1) == "in" and doc[j - 2].like_num:
            return Mention(j - 2, j + 1, "np", low)  # a poll share: "Six in 10 say", "two in three said"
        if low == "who" and j - 1 >= lo:  # "Mr Rathbun, who had told Montalvo …"
            k = j - 1 if self.lower(j - 1) != "," else j - 2
            m = self.mention_ending_at(k, lo) if k >= lo else None
            return m if m is not None and m.kind in ("actor", "name", "title", "np") else None
        name = self.name_ending_at(j, lo)
        if name is not None:
            # "Russia's Foreign Ministry spokeswoman Maria Zakharova" -> the name
            return name
        t = doc[j]
        if not t.is_alpha or (t.is_stop and low not in self.lexicon.speaker_nouns) or low in NP_STOP:
            return None
        # a determiner phrase: "the company", "a senior US official", "officials"
        k = j
        steps = 0
        while k - 1 >= lo and steps < 5:
            prev = doc[k - 1]
            pl = prev.lower_
            if pl in DETERMINERS:
                return Mention(k - 1, j + 1, "np", low)
            if pl in POSSESSIVE:  # "the ministry's spokeswoman"
                owner = self.mention_ending_at(k - 2, lo) if k - 2 >= lo else None
                if owner is not None and owner.kind in ("actor", "name", "title", "np"):
                    return Mention(owner.start, j + 1, "np", low, owner=owner)
                return None
            if not (prev.is_alpha or "-" in prev.text) or pl in self.lexicon.skip_before_verb or pl in NP_STOP \
                    or pl in PRONOUNS or pl in PREPOSITIONS:
                break
            k -= 1
            steps += 1
        if low in self.lexicon.speaker_nouns or (k == lo and k == self.sent_bounds(j)[0] and j - k <= 2
                                              and self._is_cap(k)):
            return Mention(k, j + 1, "np", low)  # "officials said", "Greek court rules"
        return None

    def apposition(self, title, j: int, hi: int):
        """The actor entity naming a title's holder right after it ("Foreign Minister Sergei Lavrov",
        "the Minister, Sergei Lavrov"), or None."""
        comma = j < hi and self.lower(j) == ","
        nxt = self.ent_start_at.get(j + 1 if comma else j)
        if nxt is None or nxt.label_ != ACTOR_LABEL:
            return None
        name = nxt.ent_id_ or nxt.text
        if name in self.gazetteer.holders(title.ent_id_ or title.text):
            return nxt
        actor = self.gazetteer.get(name)
        if not comma and actor is not None and actor.type == "person":
            return nxt
        return None

    def mention_starting_at(self, k: int, hi: int) -> Mention | None:
        """The speaker phrase starting at token ``k`` (``said the spokesman``)."""
        if k >= hi:
            return None
        if self.lower(k) in _MODIFIERS and k + 1 < hi:
            # "said former Gov. Bill Richardson", "said longtime adviser Jane Doe"
            m = self.mention_starting_at(k + 1, hi)
            if m is not None and m.kind in ("actor", "title", "name"):
                m.start = k
                return m
        ent = self.ent_start_at.get(k)
        low = self.lower(k)
        det = -1
        if ent is None and (low in DETERMINERS or low in HONORIFICS) and k + 1 < hi \
                and self.ent_start_at.get(k + 1) is not None:
            ent = self.ent_start_at[k + 1]
            det = k
            if low in HONORIFICS and ent.label_ == ACTOR_LABEL:
                m = self.ent_mention(ent)
                m.start = k  # "Ms. Sherman"
                return m
        if ent is not None:
            m = self.ent_mention(ent)
            if m.kind == "title":
                nxt = self.apposition(ent, ent.end, hi)
                if nxt is not None:
                    return self.ent_mention(nxt)
                if ent.end < hi and self.ent_cover[ent.end] < 0 and self._is_cap(ent.end) \
                        and self.lower(ent.end) not in NOT_NAMES:
                    name = self.name_starting_at(ent.end, hi)  # "Ambassador Mohib"
                    if name is not None:
                        return Mention(ent.start, name.end, "name")
                if det >= 0:
                    m.start = det
            return m
        if low in PRONOUNS:
            return Mention(k, k + 1, "pronoun", low)
        name = self.name_starting_at(k, hi)
        if name is not None:
            return name
        if low in DETERMINERS:
            j = k + 1
            while j < hi and j - k <= 8 and not self.is_punct(j) and self.lower(j) not in NP_STOP:
                e = self.ent_start_at.get(j)
                j = e.end if e is not None else j + 1
            if j > k + 1:
                # an actor inside the phrase ("the head of NATO") stays in the text
                return Mention(k, j, "np", self.lower(j - 1))
        if low in self.lexicon.speaker_nouns:
            return Mention(k, k + 1, "np", low)
        return None

    def mention_in(self, a: int, b: int) -> Mention | None:
        """The actor phrase filling tokens ``[a, b)`` (an X slot)."""
        while b > a and self.lower(b - 1) in POSSESSIVE:
            b -= 1
        if b <= a:
            return None
        for k in range(b - 1, a - 1, -1):  # the last actor entity in the slot
            ent = self.ent_end_at.get(k)
            if ent is not None and ent.start >= a:
                m = self.ent_mention(ent)
                if m.kind == "title":
                    nxt = self.apposition(ent, ent.end, self.n)
                    if nxt is not None and nxt.end <= b + 2:
                        return self.ent_mention(nxt)
                return m
        m = self.mention_ending_at(b - 1, a)
        return m
