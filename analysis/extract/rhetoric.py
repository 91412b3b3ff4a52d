"""Apply a codebook to Docs: evidence records, one per coded span.

:func:`doc_evidence` runs the codebook's compiled matchers once over a Doc
(one ``Matcher``, one ``PhraseMatcher`` per attribute), keeps the matches whose
constraints hold (checked on token indices around each match, never by a pass
over the document per rule), merges overlaps and returns records with the keys
of :data:`analysis.extract.records.EVIDENCE_COLUMNS` (the table:
:func:`analysis.tables.frames.evidence_frame`; for a corpus:
:func:`analysis.app.shortcuts.code_corpus`).

**Merge policy.** Within one category and one document, overlapping hits are
resolved greedily: the longest span (in characters) is kept; ties go to the
earliest start, then to the rule listed first in the codebook; a hit that
overlaps a kept one is dropped. Then two kept hits of one category in one
sentence that are separated only by one or two linking words (:data:`LINK_WORDS`:
"continuing *their* assault", "the growing list *of* breaches") are one span --
the marker and what it applies to, as the coding guide spans them -- recorded
with the rule of the longer hit. Hits of different categories may overlap.

**Target.** For categories with a ``target`` strategy (accused, stereotyped,
diminished, labelled, mouthpiece), ``target`` is the canonical name of the
actor the hit is aimed at, chosen by those strategies (see
:mod:`analysis.extract.codebook`) among, in turn, ``ACTOR`` mentions, ``TITLE``
entities resolved to an actor (by the Doc's one resolver, which knows the
document's speaker) and gazetteer demonyms ("Russian") of the hit's
sentence; ``target_source`` says which (``actor``, ``title``, ``demonym``).
Both are ``""`` when no strategy applies or nothing is found.

**Voice.** ``voice_map.voice_at(start, end)`` (from :mod:`analysis.extract.voices`), or
``narrator`` without a voice map.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable

import numpy as np
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..nlp.docarrays import doc_ents, doc_id_of, token_lower, token_punct
from ..nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer, load_gazetteer
from .attribution.speakers import Resolver
from .codebook.matcher import compile_codebook, sentence_bounds
from .codebook.model import FIRST_PERSON, NEGATORS, Codebook, Constraints, Rule
from .codebook.patterns import ACTOR_BITS, ACTOR_KINDS
from .codebook.references import actor_mask
from .records import NARRATOR, TARGET_SOURCES
from .voices import VoiceMap

__all__ = ["doc_evidence", "merge_hits"]

#: Words after "not" that make it additive ("not only ... but also"), not a negation.
_ADDITIVE_AFTER_NOT = frozenset({"only", "just", "merely", "simply", "solely"})

_NEAR = 3  # tokens either side for the ``near`` target strategy
_AGENT_GAP = 3  # tokens after a hit in which "by" may introduce the agent
_DEMONYM_GAP = 3  # at most this many tokens between an adjectival demonym and the hit


class _Spans:
    """Sorted, non-overlapping ``(start, end, name)`` token spans with bisect look-ups."""

    __slots__ = ("items", "ends")

    def __init__(self, items: list[tuple[int, int, str]]):
        self.items = items
        self.ends = [s[1] for s in items]

    def __bool__(self) -> bool:
        return bool(self.items)

    def touching(self, lo: int, hi: int, ss: int, se: int) -> list[tuple[int, int, str]]:
        """The spans inside sentence ``[ss, se)`` that start or end within tokens ``[lo, hi)``, in order."""
        k = bisect_right(self.ends, lo)  # first span ending after lo
        out = []
        while k < len(self.items) and self.items[k][0] < hi:
            a, b, _ = self.items[k]
            if a >= ss and b <= se and (lo <= a < hi or lo < b <= hi):
                out.append(self.items[k])
            k += 1
        return out

    def within(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The spans lying wholly within tokens ``[lo, hi)``, in order."""
        k = bisect_right(self.ends, lo)  # first span ending after lo
        out = []
        while k < len(self.items) and self.items[k][0] < hi:
            if self.items[k][0] >= lo and self.items[k][1] <= hi:
                out.append(self.items[k])
            k += 1
        return out


def _hashes(words: Iterable[str]) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


#: Words that cut an adjectival demonym off from a hit when they stand between
#: the two ("lies about the Ukrainian army", "Ukrainian soldiers were deceived"):
#: prepositions of topic, victim or place, conjunctions, relative pronouns,
#: auxiliaries, negators.
_BREAK_WORDS = _hashes(
    """about against at for in into on onto over to toward towards upon with within without among amongst
    between across inside like than as after before since during despite via and or but nor while whereas
    because if when that which who whom whose where is are was were be been being am has have had having
    do does did will would shall should can could may might must""".split()
) | _hashes(NEGATORS)
#: Punctuation that does not cut a demonym off ("Russian-backed", "the regime's").
_LINK_PUNCT = _hashes(["-", "‐", "'s", "’s", "'", "’"])
#: Nouns after which a demonym names people, places or things, not an actor
#: ("the Ukrainian people", "Russian-speaking", "Western Europe", "Russian territory").
_NOT_ACTOR_HEADS = _hashes(
    """people peoples population populations citizen citizens civilian civilians child children woman women
    man men family families nation nationals compatriot compatriots victim victims refugee refugees speaker
    speakers speaking taxpayers voters public society territory territories soil land lands region regions
    city cities town towns village villages language languages culture history border borders coast
    europe balkans sahara hemisphere""".split()
)
#: Nouns that make "demonym + noun" a name for the state or bloc itself ("the
#: Russian authorities", "Western capitals"): such a phrase is used like an
#: actor mention, with the same windows.
_ACTOR_HEADS = _hashes(
    """government governments authorities authority leadership leaders regime regimes side delegation
    delegations official officials military army forces troops soldiers state states elite elites capitals
    administration diplomats politicians establishment media propagandists intelligence
    services partners allies colleagues counterparts negotiators command commanders""".split()
)
#: A demonym right after one of these (and any determiners) is what the hit acts
#: on, not who does it ("attacks on Ukrainian forces", "pressure against the Russian side").
_VICTIM_PREPOSITIONS = _hashes("against on upon to toward towards at into onto about over with".split())
_DETERMINERS = _hashes("the a an its their his her our your this these those".split())
_HYPHENS = _hashes(["-", "‐"])
#: "anti-Russian", "pro-Western": the demonym names the object of a stance, not an actor.
_STANCE_PREFIXES = _hashes(["anti", "pro", "non"])
_BY = hash_string("by")
_COLON = hash_string(":")
_DEMONYM_TABLES: dict[int, tuple[Gazetteer, np.ndarray, dict[int, str]]] = {}


def _demonym_table(gazetteer: Gazetteer) -> tuple[np.ndarray, dict[int, str]]:
    """LOWER hashes of the gazetteer's demonyms (array and hash -> actor), built once per gazetteer."""
    found = _DEMONYM_TABLES.get(id(gazetteer))
    if found is None or found[0] is not gazetteer:
        if len(_DEMONYM_TABLES) > 8:
            _DEMONYM_TABLES.clear()
        names = {hash_string(d): name for d, name in sorted(gazetteer.demonyms.items())}
        found = _DEMONYM_TABLES[id(gazetteer)] = (gazetteer, np.array(sorted(names), dtype=np.uint64), names)
    return found[1], found[2]


class _Context:
    """Per-Doc lookups (sentences, actor mentions) built once, queried per match."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None, resolver: Resolver | None,
                 codebook: Codebook | None = None):
        self.doc = doc
        self.gazetteer = gazetteer
        self.resolver = resolver
        self.codebook = codebook
        self._mask: np.ndarray | None = None
        self._lowers: list[str] | None = None
        self.sent_starts = sentence_bounds(doc)
        self.sent_ends = self.sent_starts[1:] + [len(doc)]
        self.actors = _Spans([(e.start, e.end, e.ent_id_ or e.text) for e in doc_ents(doc) if e.label_ == ACTOR_LABEL])
        self._fallbacks: dict[str, _Spans] = {}
        self._noun_like: set[int] = set()  # filled with the demonym spans
        self._acted_on: set[int] = set()

    def sentence(self, i: int) -> tuple[int, int, int]:
        """(sentence_id, first token, end token) of the sentence holding token ``i``."""
        k = max(bisect_right(self.sent_starts, i) - 1, 0)
        return k, self.sent_starts[k], self.sent_ends[k]

    def _gazetteer(self) -> Gazetteer:
        if self.gazetteer is None:
            self.gazetteer = load_gazetteer()
        return self.gazetteer

    def actor_mask(self) -> np.ndarray:
        """Per-token actor reference bits (:func:`~analysis.extract.codebook.references.actor_mask`), once per Doc."""
        if self._mask is None:
            self._mask = actor_mask(self.doc, self._gazetteer(), self.codebook)
        return self._mask

    def lowers(self) -> list[str]:
        """Lower-case text of every token, once per Doc."""
        if self._lowers is None:
            strings = self.doc.vocab.strings
            self._lowers = [strings[h] for h in token_lower(self.doc).tolist()]
        return self._lowers

    # -- constraints --------------------------------------------------------
    def satisfies(self, c: Constraints, start: int, end: int) -> bool:
        _, ss, se = self.sentence(start)
        if c.not_before is not None:
            words, window = c.not_before
            if words.occurs(self.lowers(), max(ss, start - window), start):
                return False
        if c.not_after is not None:
            words, window = c.not_after
            if words.occurs(self.lowers(), end, min(se, end + window)):
                return False
        if c.negation is not None and not self._negated(start, ss, c.negation):
            return False
        if c.no_negation is not None and self._negated(start, ss, c.no_negation):
            return False
        if c.first_person is not None and not self._first_person(c.first_person, start, ss):
            return False
        if c.context is not None and not self._context(c.context, start, end, ss, se):
            return False
        if c.no_context is not None and self._context(c.no_context, start, end, ss, se):
            return False
        if c.no_context_more is not None and any(self._context(spec, start, end, ss, se)
                                                 for spec in c.no_context_more):
            return False
        if c.actor is not None and not self._actor_ok(c.actor, start, end, ss, se):
            return False
        return True

    def _first_person(self, window, start: int, ss: int) -> bool:
        doc, lowers = self.doc, self.lowers()
        lo = ss if window == "sentence" else max(ss, start - window)
        return any(lowers[i] in FIRST_PERSON and doc[i].ent_type_ != ACTOR_LABEL for i in range(lo, start))

    def _context(self, spec: tuple, start: int, end: int, ss: int, se: int) -> bool:
        words, window, side = spec
        if window == "sentence":
            lo, hi = ss, se
        else:
            lo = start if side == "after" else max(ss, start - window)
            hi = end if side == "before" else min(se, end + window)
        if side == "before":
            hi = min(hi, start)
        elif side == "after":
            lo = max(lo, end)
        return lo < hi and words.occurs(self.lowers(), lo, hi)

    def _negated(self, start: int, ss: int, window: int) -> bool:
        """A negator among the ``window`` tokens before ``start``; additive "not only / not just / not merely
        (... but also)" before the match does not deny it, so it does not count ("they not only support
        terrorists but threaten ..."); when the match itself is "merely ..." the "not" still negates it."""
        lowers = self.lowers()
        return any(lowers[i] in NEGATORS and not (i + 1 < start and lowers[i + 1] in _ADDITIVE_AFTER_NOT)
                   for i in range(max(ss, start - window), start))

    def _actor_ok(self, spec: tuple, start: int, end: int, ss: int, se: int) -> bool:
        """An actor reference in the window: any kind (the guide's "Actors"), or of a camp / gazetteer type."""
        camps, types, window, kinds = spec
        if window == "match":
            lo, hi = start, end
        elif window == "sentence":
            lo, hi = ss, se
        else:
            lo, hi = max(ss, start - window), min(se, end + window)
        if types is not None:
            return any(self._actor_kind_ok(name, camps, types) for _, _, name in self.actors.within(lo, hi))
        bits = 0
        if camps is not None:
            for camp in camps:
                bits |= ACTOR_BITS[camp]
        elif kinds is not None:
            for kind in kinds:
                bits |= ACTOR_KINDS[kind]
        else:
            bits = ACTOR_BITS["any"]
        return bool((self.actor_mask()[lo:hi] & bits).any())

    def _actor_kind_ok(self, name: str, camps, types) -> bool:
        if camps is None and types is None:
            return True
        actor = self._gazetteer().get(name)
        if actor is None:
            return False
        return (camps is None or actor.camp in camps) and (types is None or actor.type in types)

    # -- targets ------------------------------------------------------------
    def target(self, strategies: tuple[str, ...], start: int, end: int) -> tuple[str, str]:
        """``(actor, source)``: the strategies tried on actors, then resolved titles, then demonyms."""
        if not strategies:
            return "", ""
        _, ss, se = self.sentence(start)
        for source in TARGET_SOURCES:
            spans = self._spans(source)
            if not spans:
                continue
            tight = source == "demonym"
            for strategy in strategies:
                name = getattr(self, f"_target_{strategy}")(spans, start, end, ss, se, tight)
                if name:
                    return name, source
        return "", ""

    def _spans(self, source: str) -> _Spans:
        if source == "actor":
            return self.actors
        found = self._fallbacks.get(source)
        if found is None:
            found = self._fallbacks[source] = self._title_spans() if source == "title" else self._demonym_spans()
        return found

    def _title_spans(self) -> _Spans:
        """``TITLE`` entities resolved to an actor by the Doc's :class:`~analysis.extract.attribution.Resolver`.

        A title followed by ":" is a transcript's speaker label ("THE PRESIDENT:"), never a target.
        """
        titles = [e for e in doc_ents(self.doc) if e.label_ == TITLE_LABEL]
        if not titles:
            return _Spans([])
        resolver = self.resolver
        if resolver is None or resolver.doc is not self.doc or resolver.gazetteer is not self._gazetteer():
            resolver = Resolver(self.doc, self._gazetteer())  # no document speaker: the bare Doc's titles
        resolved = resolver.titles()
        lower, n = token_lower(self.doc), len(self.doc)
        return _Spans([(e.start, e.end, resolved[e.start]) for e in titles
                       if e.start in resolved and not (e.end < n and int(lower[e.end]) == _COLON)])

    def _demonym_spans(self) -> _Spans:
        """Demonym tokens outside actor mentions that can name an actor (see :meth:`_names_actor`).

        Sets ``self._noun_like`` (tokens heading a phrase such as "the Russian
        authorities") and ``self._acted_on`` (tokens after a victim preposition).
        """
        hashes, names = _demonym_table(self._gazetteer())
        self._noun_like: set[int] = set()
        self._acted_on: set[int] = set()
        if not names:
            return _Spans([])
        lower = token_lower(self.doc)
        found = []
        for i in np.flatnonzero(np.isin(lower, hashes)).tolist():
            if self._in_actor(i) or not self._names_actor(i, lower):
                continue
            name = names[int(lower[i])]
            found.append((i, i + 1, name))
            if self._heads_actor_phrase(i, lower):
                self._noun_like.add(i)
            if self._after_victim_preposition(i, lower):
                self._acted_on.add(i)
        return _Spans(found)

    def _in_actor(self, i: int) -> bool:
        k = bisect_right(self.actors.ends, i)
        return k < len(self.actors.items) and self.actors.items[k][0] <= i

    def _names_actor(self, i: int, lower: np.ndarray) -> bool:
        """False for "the Ukrainian people", "Russian-speaking", "Western Europe", "Western Ukraine", "anti-Russian"."""
        if i >= 2 and int(lower[i - 1]) in _HYPHENS and int(lower[i - 2]) in _STANCE_PREFIXES:
            return False
        j = i + 1
        if j < len(lower) and int(lower[j]) in _HYPHENS:
            j += 1
        if j >= len(lower):
            return True
        return int(lower[j]) not in _NOT_ACTOR_HEADS and not self._in_actor(j)

    def _heads_actor_phrase(self, i: int, lower: np.ndarray) -> bool:
        """A demonym followed by an actor noun ("the Russian authorities", "Western capitals")."""
        return i + 1 < len(lower) and int(lower[i + 1]) in _ACTOR_HEADS

    def _after_victim_preposition(self, i: int, lower: np.ndarray) -> bool:
        j = i - 1
        while j >= 0 and int(lower[j]) in _DETERMINERS:
            j -= 1
        return j >= 0 and int(lower[j]) in _VICTIM_PREPOSITIONS

    def _linked(self, lo: int, hi: int) -> bool:
        """No break word or cutting punctuation among tokens ``[lo, hi)``."""
        lower, punct = token_lower(self.doc), token_punct(self.doc)
        for i in range(lo, hi):
            h = int(lower[i])
            if h in _BREAK_WORDS or (punct[i] and h not in _LINK_PUNCT):
                return False
        return True

    def _reaches(self, span: tuple[int, int, str], start: int, end: int) -> bool:
        """Whether a demonym outside the hit may be its target.

        A demonym right before the hit modifies it ("to the Russian regime"):
        always. Otherwise never after a victim preposition; a noun-like
        demonym then counts like an actor; an adjective only when at most
        ``_DEMONYM_GAP`` tokens and no break word stand between it and the hit.
        """
        i = span[0]
        if span[1] == start:
            return True
        if i in self._acted_on:
            return False
        if i in self._noun_like:
            return True
        lo, hi = (span[1], start) if i < start else (end, i)
        return hi - lo <= _DEMONYM_GAP and self._linked(lo, hi)

    def _target_agent(self, spans: _Spans, start: int, end: int, ss: int, se: int, tight: bool) -> str:
        lower = token_lower(self.doc)
        for i in range(end, min(se, end + _AGENT_GAP)):
            if int(lower[i]) == _BY:
                found = spans.within(i + 1, min(se, i + 4))
                if tight:
                    found = [f for f in found if f[0] not in self._acted_on and self._linked(i + 1, f[0])]
                return found[0][2] if found else ""
        return ""

    def _target_inside(self, spans: _Spans, start: int, end: int, ss: int, se: int, tight: bool) -> str:
        found = spans.within(start, end)
        return found[0][2] if found else ""

    def _target_near(self, spans: _Spans, start: int, end: int, ss: int, se: int, tight: bool) -> str:
        # a mention ending within _NEAR tokens before the hit, or starting within _NEAR after it
        # ("the aggressor is the Russian Federation": a long name may run past the window)
        before = [f for f in spans.touching(max(ss, start - _NEAR), start, ss, se) if f[1] <= start]
        after = [f for f in spans.touching(end, min(se, end + _NEAR), ss, se) if f[0] >= end]
        if tight:
            before = [f for f in before if self._reaches(f, start, end)]
            after = [f for f in after if self._reaches(f, start, end)]
        best, dist = "", None
        if before:
            best, dist = before[-1][2], start - before[-1][1]
        if after and (dist is None or after[0][0] - end < dist):
            best = after[0][2]
        return best

    def _target_before(self, spans: _Spans, start: int, end: int, ss: int, se: int, tight: bool) -> str:
        found = spans.within(ss, start)
        if tight:
            found = [f for f in found if self._reaches(f, start, end)]
        return found[-1][2] if found else ""

    def _target_after(self, spans: _Spans, start: int, end: int, ss: int, se: int, tight: bool) -> str:
        found = spans.within(end, se)
        if tight:
            found = [f for f in found if self._reaches(f, start, end)]
        return found[0][2] if found else ""


#: Words that may link two hits of one category into one span (see the merge policy above).
LINK_WORDS = frozenset({"the", "their", "its", "his", "her", "of", "a", "an", "to"})


def merge_hits(hits: Iterable[tuple[Rule, int, int, int, int]], doc: Doc | None = None,
               sent_starts: list[int] | None = None) -> list[tuple[Rule, int, int, int, int]]:
    """Resolve overlapping hits of the same category (longest wins; ties: earliest, then rule order).

    Each hit is ``(rule, start_token, end_token, start_char, end_char)``; the
    result is sorted by position. With ``doc`` (and its ``sent_starts``), hits of
    one category in one sentence separated only by one or two :data:`LINK_WORDS`
    become one span, with the rule of the longer hit (touching hits stay apart:
    "the Minister's lies deceived no one" holds two).
    """
    by_cat: dict[str, list] = {}
    for h in hits:
        by_cat.setdefault(h[0].category, []).append(h)
    kept: list = []
    for cat_hits in by_cat.values():
        cat_hits.sort(key=lambda h: (-(h[4] - h[3]), h[3], h[0].order))
        chosen: list = []
        spans: list[tuple[int, int]] = []  # chosen (start, end), sorted: only neighbours can overlap
        for h in cat_hits:
            at = bisect_left(spans, (h[3], h[4]))
            if all(h[4] <= c[0] or h[3] >= c[1] for c in spans[max(0, at - 2) : at + 2]):
                spans.insert(at, (h[3], h[4]))
                chosen.append(h)
        if doc is not None and len(chosen) > 1:
            chosen = _link(sorted(chosen, key=lambda h: h[1]), doc, sent_starts or [0])
        kept.extend(chosen)
    kept.sort(key=lambda h: (h[3], h[4], h[0].order))
    return kept


def _link(hits: list, doc: Doc, sent_starts: list[int]) -> list:
    """Join neighbouring hits (sorted by start) separated by 1-2 :data:`LINK_WORDS` in one sentence."""
    out = [hits[0]]
    for h in hits[1:]:
        prev = out[-1]
        gap = h[1] - prev[2]
        if (1 <= gap <= 2 and bisect_right(sent_starts, prev[1]) == bisect_right(sent_starts, h[2] - 1)
                and all(doc[i].lower_ in LINK_WORDS for i in range(prev[2], h[1]))):
            rule = prev[0] if prev[4] - prev[3] >= h[4] - h[3] else h[0]
            out[-1] = (rule, prev[1], h[2], prev[3], h[4])
        else:
            out.append(h)
    return out


def doc_evidence(
    doc: Doc,
    codebook: Codebook,
    *,
    voice_map: VoiceMap | None = None,
    gazetteer: Gazetteer | None = None,
    resolver: Resolver | None = None,
    skipped_rules: list[str] | None = None,
) -> list[dict]:
    """Code one Doc: a record per (merged) codebook hit, in document order.

    Args:
        doc: a parsed Doc (doc id in ``doc.user_data["doc_id"]``).
        codebook: from :func:`analysis.extract.codebook.load_codebook`.
        voice_map: from :func:`analysis.extract.voices.voice_map`; without it every hit is ``narrator``.
        gazetteer: resolves actor camps/types for ``require_actor`` (default: the
            resolver's, else the bundled one, loaded only when a rule needs it).
        resolver: the Doc's :class:`~analysis.extract.attribution.Resolver`
            (``analyze_doc`` builds it with the document's ``speaker``): its
            resolved titles are the ``title`` targets. Without it titles are
            resolved without a document speaker.
        skipped_rules: a list: a rule whose ``REGEX`` runs past its time budget
            on a token of this Doc is left out (the other rules' evidence is
            the same) and its id appended here. Without it the
            :class:`~analysis.errors.RegexBudgetError` is raised.

    Returns:
        Records with the keys of :data:`~analysis.extract.records.EVIDENCE_COLUMNS`;
        always ``text == doc.text[start_char:end_char]``.

    Example:
        >>> from analysis import make_nlp
        >>> from analysis.extract.codebook import load_codebook
        >>> doc = make_nlp()("This is not an ultimatum.")
        >>> [e["category"] for e in doc_evidence(doc, load_codebook())]
        ['ultimatum_denial']
    """
    if len(doc) == 0:
        return []
    if gazetteer is None and resolver is not None:
        gazetteer = resolver.gazetteer
    context = _Context(doc, gazetteer, resolver, codebook)
    skipped = [] if skipped_rules is not None else None
    matches = compile_codebook(codebook, doc.vocab).matches(doc, context.sent_starts, context.actor_mask, skipped)
    if skipped:
        skipped_rules.extend(rule.id for rule in skipped)
    if not matches:
        return []
    hits = []
    for rule, start, end in matches:
        if rule.constraints and not context.satisfies(rule.constraints, start, end):
            continue
        last = doc[end - 1]
        hits.append((rule, start, end, doc[start].idx, last.idx + len(last)))
    doc_id = doc_id_of(doc)
    records = []
    for rule, start, end, sc, ec in merge_hits(hits, doc, context.sent_starts):
        category = codebook.category(rule.category)
        strategies = rule.target if rule.target is not None else category.target
        target, source = context.target(strategies, start, end)
        records.append(
            {
                "doc_id": doc_id,
                "category": rule.category,
                "rule_id": rule.id,
                "sentence_id": context.sentence(start)[0],
                "start_char": sc,
                "end_char": ec,
                "text": doc[start:end].text,
                "voice": voice_map.voice_at(sc, ec) if voice_map is not None else NARRATOR,
                "target": target,
                "target_source": source,
            }
        )
    return records
