"""The one resolver of titles and pronouns: who "the Minister", "he" and "THE PRESIDENT:" are.

:class:`Resolver` is built once per Doc (by
:func:`analysis.extract.analyze.analyze_doc`) with the document's metadata
``speaker``, and its result is shared: the attribution rules resolve their
speakers with it, and :func:`analysis.extract.rhetoric.doc_evidence` and
:func:`analysis.extract.mentions.doc_mentions` take its resolved titles
(:meth:`Resolver.titles`), so a title counts for the same actor as a
mention, as a speaker and as a target.

* A **title** resolves to a holder named in apposition, else the most
  recently named holder, else the document's speaker if they hold the title;
  a transcript label ("THE PRESIDENT:" opening a line) is the document's
  speaker first.
* A **pronoun** ``he``/``she`` resolves to the most recent compatible
  speaker, then the most recent compatible person; ``it``/``they`` to the
  most recent compatible speaker. Pronouns depend on the speakers found so
  far, so they are resolved by a :class:`Speakers` object that one run of the
  attribution rules fills.
"""
from __future__ import annotations

import bisect

import numpy as np
from spacy.tokens import Doc

from ...nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer, load_gazetteer
from .context import DocContext
from .lexicon import Lexicon, load_lexicon
from .model import Mention
from .words import DETERMINERS, HONORIFICS, PRONOUNS

__all__ = ["Resolver", "Speakers", "resolve_titles", "canonical_speaker"]


class Resolver:
    """The titles of one Doc resolved to actors, and the look-ups pronoun resolution needs.

    Args:
        doc: the parsed Doc.
        gazetteer: actors, their titles, types and genders.
        speaker: the document's ``speaker`` metadata; used only when it is a
            gazetteer actor.
        lexicon: the reporting-cue lexicon of the attribution rules (default:
            the bundled one); titles do not depend on it.

    Example:
        >>> from analysis import make_nlp
        >>> from analysis.nlp.gazetteer import load_gazetteer
        >>> doc = make_nlp()("The Minister's lies deceived everyone.")
        >>> Resolver(doc, load_gazetteer()).titles()
        {}
        >>> Resolver(doc, load_gazetteer(), speaker="Sergei Lavrov").titles()
        {1: 'Sergei Lavrov'}
    """

    def __init__(self, doc: Doc, gazetteer: Gazetteer, *, speaker: str = "", lexicon: Lexicon | None = None):
        self.doc = doc
        self.gazetteer = gazetteer
        self.context = DocContext(doc, gazetteer, lexicon or load_lexicon())
        speaker = canonical_speaker(gazetteer, speaker) if isinstance(speaker, str) else ""
        self.doc_speaker = speaker if speaker in gazetteer else ""
        # named gazetteer mentions in text order: (token, canonical)
        self.named: list[tuple[int, str]] = [
            (e.start, e.ent_id_ or e.text) for e in self.context.ents if e.label_ == ACTOR_LABEL
        ]
        self.named_pos = [p for p, _ in self.named]
        self.by_name: dict[str, list[int]] = {}
        for p, name in self.named:
            self.by_name.setdefault(name, []).append(p)
        self._titles: dict[int, str] | None = None

    def gender(self, name: str) -> str:
        """``male``, ``female``, ``neuter`` (not a person) or ``""`` (unknown) for an actor."""
        actor = self.gazetteer.get(name)
        if actor is None:
            return ""
        if actor.type != "person":
            return "neuter"
        return actor.gender or ""

    def title(self, m: Mention, *, camp: str = "", prefer_doc_speaker: bool = False) -> str:
        """The holder of the title ``m`` names (``""`` when none); sets ``m.antecedent``.

        In order: a holder named in apposition ("Foreign Minister Sergei
        Lavrov", "Lavrov, the Foreign Minister,"); the one holder in ``camp``;
        the document's speaker when ``prefer_doc_speaker`` (a transcript
        label); the most recently named holder; the document's speaker if
        they hold the title.
        """
        holders = self.gazetteer.holders(m.key)
        if not holders:
            return ""
        context = self.context
        # apposition: "the Russian Foreign Minister, Sergei Lavrov" / "Foreign Minister Lavrov"
        j = m.end
        if j < context.n and context.lower(j) == ",":
            j += 1
        ent = context.ent_start_at.get(j)
        if ent is not None and ent.label_ == ACTOR_LABEL and (ent.ent_id_ in holders):
            m.antecedent = (ent.start, ent.end)
            return ent.ent_id_
        # "Lavrov, the Foreign Minister," / "Foreign Minister Lavrov" (title after the name)
        k = m.start - 1
        while k >= 0 and context.lower(k) in DETERMINERS:
            k -= 1
        if k >= 0 and context.lower(k) == ",":
            k -= 1
        ent = context.ent_end_at.get(k)
        if ent is not None and ent.label_ == ACTOR_LABEL and (ent.ent_id_ in holders):
            m.antecedent = (ent.start, ent.end)
            return ent.ent_id_
        if camp:
            in_camp = [h for h in holders if self.gazetteer.camp(h) == camp]
            if len(in_camp) == 1:
                return in_camp[0]
            holders = in_camp or holders
        if prefer_doc_speaker and self.doc_speaker in holders:
            return self.doc_speaker
        best, best_tok = "", -1
        for h in holders:  # the most recent named mention of any holder
            positions = self.by_name.get(h)
            if positions:
                i = bisect.bisect_left(positions, m.start) - 1
                if i >= 0 and positions[i] > best_tok:
                    best, best_tok = h, positions[i]
        if best:
            m.antecedent = (best_tok, best_tok + 1)
            return best
        if self.doc_speaker in holders:  # the document's own speaker ("the Minister" in his statement)
            return self.doc_speaker
        return ""

    def titles(self) -> dict[int, str]:
        """Canonical name of every ``TITLE`` entity that resolves (token start -> name); a fresh dict.

        A title opening a transcript label ("THE PRESIDENT:") prefers the
        document's speaker. Computed on first use.
        """
        if self._titles is None:
            context = self.context
            found = {}
            for e in context.ents:
                if e.label_ == TITLE_LABEL:
                    name = self.title(context.ent_mention(e), prefer_doc_speaker=is_label(context, e.start, e.end))
                    if name:
                        found[e.start] = name
            self._titles = found
        return dict(self._titles)


class Speakers:
    """The speakers one run of the attribution rules has resolved so far, and the pronouns they resolve.

    Args:
        resolver: the Doc's :class:`Resolver`.
        in_quote: for every token, whether it lies inside a quotation (a
            person named there is not an antecedent).
        own_speaker: the speaker of a first-person document (its metadata
            ``speaker``, see :func:`analysis.extract.records.document_voice`):
            ``I`` and ``we`` outside quotations resolve to them (``we`` to the
            actor they ``represents`` when the gazetteer says so).
    """

    def __init__(self, resolver: Resolver, in_quote: np.ndarray, *, own_speaker: str = ""):
        self.resolver = resolver
        self.context = resolver.context
        self.in_quote = in_quote
        # a first-person document's speaker (canonical when the gazetteer knows them): "I"/"we" outside
        # quotations are theirs
        self.own_speaker = canonical_speaker(resolver.gazetteer, own_speaker)
        self.labels: dict[str, tuple[str, tuple[int, int]]] = {}  # transcript label -> its resolution
        self.speakers: list[tuple[int, str, tuple[int, int], str]] = []  # token, canonical, antecedent, gender

    def pronoun(self, m: Mention) -> str:
        """The actor ``he``/``she``/``it``/``they`` refers to (``""`` when none); sets ``m.antecedent``.

        The most recent compatible speaker within three sentences, then the
        most recent compatible person named outside quotations (five
        sentences); failing both, an unknown capitalised name of this or the
        two sentences before becomes the antecedent of an unresolved pronoun.
        """
        want = PRONOUNS.get(m.key, "")
        if want == "self" and self.own_speaker and not self.in_quote[m.start]:
            # "as I said", "we have warned" in a speech: the speaker, and "we" their state or
            # institution when the gazetteer says whom they represent
            if m.key == "we":
                actor = self.resolver.gazetteer.get(self.own_speaker)
                if actor is not None and actor.represents:
                    return actor.represents
            return self.own_speaker
        if want in ("self", "plural", ""):
            if want != "plural":
                return ""
        context = self.context
        sent = int(context.sent_of[m.start])

        def compatible(gender: str, person: bool) -> bool:
            if want == "male":
                return person and gender in ("male", "")
            if want == "female":
                return person and gender in ("female", "")
            if want in ("neuter", "plural"):
                return not person
            return False

        # 1. the most recent speaker within three sentences
        for tok, name, antecedent, gender in reversed(self.speakers):
            if tok >= m.start:
                continue
            if sent - int(context.sent_of[tok]) > 3:
                break
            person = gender not in ("neuter",)
            if compatible(gender, person):
                m.antecedent = antecedent
                return name
        if want in ("neuter", "plural"):
            return ""
        # 2. the most recent named person outside quotations (five sentences)
        i = bisect.bisect_left(self.resolver.named_pos, m.start) - 1
        while i >= 0:
            tok, name = self.resolver.named[i]
            if sent - int(context.sent_of[tok]) > 5:
                break
            if not self.in_quote[tok]:
                g = self.resolver.gender(name)
                if g != "neuter" and compatible(g, True):
                    m.antecedent = (tok, tok + 1)
                    return name
            i -= 1
        # 3. an unknown capitalised name in this or the previous two sentences
        lo = context.sents[max(sent - 2, 0)][0]
        k = m.start - 1
        while k >= lo:
            if not self.in_quote[k] and context.ent_cover[k] < 0:
                name_found = context.name_ending_at(k, lo)
                if name_found is not None and (name_found.end - name_found.start >= 2
                                               or context.lower(name_found.start) in HONORIFICS):
                    g = HONORIFICS.get(context.lower(name_found.start), "")
                    if compatible(g, True):
                        m.antecedent = (name_found.start, name_found.end)
                        return ""
                    k = name_found.start - 1
                    continue
            k -= 1
        return ""

    def resolve(self, m: Mention | None, *, camp: str = "") -> str:
        """Canonical name for ``m`` (``""`` when unresolved); sets ``m.antecedent``."""
        if m is None:
            return ""
        if m.kind == "actor":
            m.antecedent = (m.start, m.end)
            return m.canonical
        if m.kind == "title":
            if m.owner is not None and not camp:
                owner = self.resolve(m.owner)
                camp = self.resolver.gazetteer.camp(owner) if owner else ""
            return self.resolver.title(m, camp=camp)
        if m.kind == "pronoun":
            return self.pronoun(m)
        if m.kind == "np":
            if m.owner is not None:  # "the ministry's spokeswoman": possessor known, person unknown
                return ""
            holders = self.resolver.gazetteer.holders(m.key)
            if holders:
                return self.resolver.title(Mention(m.start, m.end, "title", m.key), camp=camp)
            return ""
        if m.kind == "name":
            m.antecedent = (m.start, m.end)
            # a name the case-sensitive ruler missed ("SECRETARY BLINKEN", "Mr LAVROV")
            context = self.context
            # the surname alone only after capitals or forms of address ("SECRETARY BLINKEN", "Mr LAVROV"),
            # not after another first name ("Eric Trump" is not Donald Trump)
            last_ok = all(context.doc[t].is_upper or context.lower(t) in HONORIFICS or not context.doc[t].is_alpha
                          for t in range(m.start, m.end - 1))
            for a, b in ((m.start, m.end), (m.end - 1, m.end)) if last_ok else ((m.start, m.end),):
                found = self.resolver.gazetteer.lookup(" ".join(context.doc[t].text for t in range(a, b)))
                if found:
                    return found
            if m.end - m.start == 1:  # "as Jens noted": the first name of a person named in this document
                return self.first_name(context.doc[m.start].text)
            return ""
        return ""

    def first_name(self, word: str) -> str:
        """The one person of this document (named, or resolved as a speaker) whose first name is ``word``."""
        known = (set(self.resolver.by_name) | {s[1] for s in self.speakers if s[1]}
                 | {n for n, _ in self.labels.values() if n})
        owners = set()
        for name in known:
            actor = self.resolver.gazetteer.get(name)
            if actor is None or actor.type != "person":
                continue
            for alias in (actor.name, *actor.aliases):
                parts = alias.split()
                if len(parts) > 1 and parts[0] == word and len(word.rstrip(".")) > 1:
                    owners.add(name)
        return next(iter(owners)) if len(owners) == 1 else ""

    def label(self, m: Mention, label: str) -> str:
        """A transcript label ("THE PRESIDENT:", "LAVROV:"): resolved once per document, the
        document's own speaker first for titles, then kept for every later turn."""
        if label in self.labels:
            name, antecedent = self.labels[label]
            m.antecedent = antecedent
            return name
        if m.kind == "title":
            name = self.resolver.title(m, prefer_doc_speaker=True)
        else:
            name = self.resolve(m)
        self.labels[label] = (name, m.antecedent)
        return name

    def add_speaker(self, m: Mention | None, name: str) -> None:
        """Remember a resolved (or unresolved) speaker: later pronouns may refer to it."""
        if m is None:
            return
        if m.kind == "np" and not name:
            return
        gender = self.resolver.gender(name) if name else HONORIFICS.get(self.context.lower(m.start), "")
        if m.kind == "pronoun" and not name:
            gender = {"he": "male", "she": "female"}.get(m.key, "neuter")
        self.speakers.append((m.start, name, m.antecedent, gender))



#: Forms of address before a speaker's name in metadata ("Mr. François Hollande", "H.E. Mr. …").
_ADDRESS = ("mr.", "mr", "mrs.", "mrs", "ms.", "ms", "dr.", "dr", "h.e.", "his excellency", "her excellency",
            "his majesty", "her majesty", "his highness", "her highness", "sheikh", "prof.", "sir")


def canonical_speaker(gazetteer: Gazetteer, name: str) -> str:
    """The gazetteer's canonical name for a metadata speaker ("Mr. François Hollande" -> "François
    Hollande"), forms of address dropped; the name as given (spaces normalised) when unknown, ``""`` for none."""
    if not isinstance(name, str) or not name.strip():
        return ""
    name = " ".join(name.split())
    rest = name
    while True:
        found = gazetteer.lookup(rest)
        if found:
            return found
        low = rest.lower()
        for form in _ADDRESS:
            if low.startswith(form + " "):
                rest = rest[len(form) + 1:].lstrip()
                break
        else:
            return name


def is_label(context: DocContext, start: int, end: int) -> bool:
    """A title followed by a colon with only determiners before it in its sentence ("THE PRESIDENT:")."""
    if end >= context.n or context.lower(end) != ":":
        return False
    lo = context.sents[int(context.sent_of[start])][0]
    return all(context.lower(k) in DETERMINERS or context.is_punct(k) for k in range(lo, start))


def resolve_titles(doc: Doc, gazetteer: Gazetteer | None = None, *, speaker: str = "") -> dict[int, str]:
    """Canonical name of every ``TITLE`` entity of ``doc`` that resolves (token start -> name).

    Shorthand for ``Resolver(doc, gazetteer, speaker=speaker).titles()``
    (default gazetteer: the bundled one); in a run the Doc's one
    :class:`Resolver` is built by ``analyze_doc``.
    """
    return Resolver(doc, gazetteer or load_gazetteer(), speaker=speaker).titles()
