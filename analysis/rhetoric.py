"""Apply a codebook to Docs: evidence records, one per coded span.

:func:`doc_evidence` runs the codebook's compiled matchers once over a Doc
(one ``Matcher``, one ``PhraseMatcher`` per attribute), keeps the matches whose
constraints hold (checked on token indices around each match, never by a pass
over the document per rule), merges overlaps and returns records with the keys
of :data:`EVIDENCE_COLUMNS`.

**Merge policy.** Within one category and one document, overlapping hits are
resolved greedily: the longest span (in characters) is kept; ties go to the
earliest start, then to the rule listed first in the codebook; a hit that
overlaps a kept one is dropped. Hits of different categories may overlap.

**Target.** For categories with a ``target`` strategy (accused, stereotyped,
diminished, labelled, mouthpiece), ``target`` is the canonical name of an
``ACTOR`` mention in the hit's sentence chosen by those strategies (see
:mod:`analysis.codebook`), ``""`` when none applies or none is found.

**Voice.** ``voice_map.voice_at(start, end)`` (from :mod:`analysis.voices`), or
``narrator`` without a voice map.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable

import pandas as pd
from spacy.tokens import Doc

from .actors import ACTOR_LABEL, Gazetteer
from .codebook import FIRST_PERSON, NEGATORS, Codebook, Constraints, Rule, load_codebook, sentence_bounds
from .docarrays import doc_ents
from .pipeline import doc_id_of

__all__ = ["doc_evidence", "evidence_frame", "code_corpus", "merge_hits", "EVIDENCE_COLUMNS"]

#: Columns of the evidence table, in order.
EVIDENCE_COLUMNS = ["doc_id", "category", "rule_id", "sentence_id", "start_char", "end_char", "text", "voice", "target"]
_NEAR = 3  # tokens either side for the ``near`` target strategy
_AGENT_GAP = 3  # tokens after a hit in which "by" may introduce the agent


class _Context:
    """Per-Doc lookups (sentences, actor mentions) built once, queried per match."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None):
        self.doc = doc
        self.gazetteer = gazetteer
        self.sent_starts = sentence_bounds(doc)
        self.sent_ends = self.sent_starts[1:] + [len(doc)]
        actors = [(e.start, e.end, e.ent_id_ or e.text) for e in doc_ents(doc) if e.label_ == ACTOR_LABEL]
        self.actors = actors
        self.actor_starts = [a[0] for a in actors]
        self.actor_ends = [a[1] for a in actors]

    def sentence(self, i: int) -> tuple[int, int, int]:
        """(sentence_id, first token, end token) of the sentence holding token ``i``."""
        k = max(bisect_right(self.sent_starts, i) - 1, 0)
        return k, self.sent_starts[k], self.sent_ends[k]

    # -- constraints --------------------------------------------------------
    def satisfies(self, c: Constraints, start: int, end: int) -> bool:
        _, ss, se = self.sentence(start)
        doc = self.doc
        if c.not_before is not None:
            words, window = c.not_before
            if any(doc[i].lower_ in words for i in range(max(ss, start - window), start)):
                return False
        if c.not_after is not None:
            words, window = c.not_after
            if any(doc[i].lower_ in words for i in range(end, min(se, end + window))):
                return False
        if c.negation is not None and not self._negated(start, ss, c.negation):
            return False
        if c.no_negation is not None and self._negated(start, ss, c.no_negation):
            return False
        if c.first_person is not None:
            lo = ss if c.first_person == "sentence" else max(ss, start - c.first_person)
            if not any(doc[i].lower_ in FIRST_PERSON and doc[i].ent_type_ != ACTOR_LABEL for i in range(lo, start)):
                return False
        if c.context is not None:
            words, window = c.context
            lo, hi = (ss, se) if window == "sentence" else (max(ss, start - window), min(se, end + window))
            if not any(doc[i].lower_ in words for i in range(lo, hi)):
                return False
        if c.actor is not None and not self._actor_ok(c.actor, start, end, ss, se):
            return False
        return True

    def _negated(self, start: int, ss: int, window: int) -> bool:
        doc = self.doc
        return any(doc[i].lower_ in NEGATORS for i in range(max(ss, start - window), start))

    def _actor_ok(self, spec: tuple, start: int, end: int, ss: int, se: int) -> bool:
        camps, types, window = spec
        if window == "match":
            lo, hi = start, end
        elif window == "sentence":
            lo, hi = ss, se
        else:
            lo, hi = max(ss, start - window), min(se, end + window)
        k = bisect_right(self.actor_ends, lo)  # first actor ending after lo
        while k < len(self.actors) and self.actors[k][0] < hi:
            a_start, a_end, name = self.actors[k]
            if a_start >= lo and a_end <= hi and self._actor_kind_ok(name, camps, types):
                return True
            k += 1
        return False

    def _actor_kind_ok(self, name: str, camps, types) -> bool:
        if camps is None and types is None:
            return True
        if self.gazetteer is None:
            from .actors import load_gazetteer

            self.gazetteer = load_gazetteer()
        actor = self.gazetteer.get(name)
        if actor is None:
            return False
        return (camps is None or actor.camp in camps) and (types is None or actor.type in types)

    # -- targets ------------------------------------------------------------
    def target(self, strategies: tuple[str, ...], start: int, end: int) -> str:
        if not strategies or not self.actors:
            return ""
        _, ss, se = self.sentence(start)
        for strategy in strategies:
            name = getattr(self, f"_target_{strategy}")(start, end, ss, se)
            if name:
                return name
        return ""

    def _actors_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        k = bisect_right(self.actor_ends, lo)
        out = []
        while k < len(self.actors) and self.actors[k][0] < hi:
            if self.actors[k][0] >= lo and self.actors[k][1] <= hi:
                out.append(self.actors[k])
            k += 1
        return out

    def _target_agent(self, start: int, end: int, ss: int, se: int) -> str:
        doc = self.doc
        for i in range(end, min(se, end + _AGENT_GAP)):
            if doc[i].lower_ == "by":
                found = self._actors_in(i + 1, min(se, i + 4))
                return found[0][2] if found else ""
        return ""

    def _target_inside(self, start: int, end: int, ss: int, se: int) -> str:
        found = self._actors_in(start, end)
        return found[0][2] if found else ""

    def _target_near(self, start: int, end: int, ss: int, se: int) -> str:
        before = self._actors_in(max(ss, start - _NEAR), start)
        after = self._actors_in(end, min(se, end + _NEAR))
        best, dist = "", None
        if before:
            best, dist = before[-1][2], start - before[-1][1]
        if after and (dist is None or after[0][0] - end < dist):
            best = after[0][2]
        return best

    def _target_before(self, start: int, end: int, ss: int, se: int) -> str:
        found = self._actors_in(ss, start)
        return found[-1][2] if found else ""

    def _target_after(self, start: int, end: int, ss: int, se: int) -> str:
        found = self._actors_in(end, se)
        return found[0][2] if found else ""


def merge_hits(hits: Iterable[tuple[Rule, int, int, int, int]]) -> list[tuple[Rule, int, int, int, int]]:
    """Resolve overlapping hits of the same category (longest wins; ties: earliest, then rule order).

    Each hit is ``(rule, start_token, end_token, start_char, end_char)``; the
    result is sorted by position.
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
        kept.extend(chosen)
    kept.sort(key=lambda h: (h[3], h[4], h[0].order))
    return kept


def doc_evidence(doc: Doc, codebook: Codebook, *, voice_map=None, gazetteer: Gazetteer | None = None) -> list[dict]:
    """Code one Doc: a record per (merged) codebook hit, in document order.

    Args:
        doc: a parsed Doc (doc id in ``doc.user_data["doc_id"]``).
        codebook: from :func:`analysis.codebook.load_codebook`.
        voice_map: from :func:`analysis.voices.voice_map`; without it every hit is ``narrator``.
        gazetteer: resolves actor camps/types for ``require_actor`` (default: the
            bundled one, loaded only when a rule needs it).

    Returns:
        Records with the keys of :data:`EVIDENCE_COLUMNS`; always
        ``text == doc.text[start_char:end_char]``.

    Example:
        >>> from analysis import make_nlp
        >>> from analysis.codebook import load_codebook
        >>> doc = make_nlp()("This is not an ultimatum.")
        >>> [e["category"] for e in doc_evidence(doc, load_codebook())]
        ['ultimatum_denial']
    """
    if len(doc) == 0:
        return []
    ctx = _Context(doc, gazetteer)
    matches = codebook.compiled(doc.vocab).matches(doc, ctx.sent_starts)
    if not matches:
        return []
    hits = []
    for rule, start, end in matches:
        if rule.constraints and not ctx.satisfies(rule.constraints, start, end):
            continue
        last = doc[end - 1]
        hits.append((rule, start, end, doc[start].idx, last.idx + len(last)))
    doc_id = doc_id_of(doc)
    records = []
    for rule, start, end, sc, ec in merge_hits(hits):
        category = codebook.category(rule.category)
        strategies = rule.target if rule.target is not None else category.target
        records.append(
            {
                "doc_id": doc_id,
                "category": rule.category,
                "rule_id": rule.id,
                "sentence_id": ctx.sentence(start)[0],
                "start_char": sc,
                "end_char": ec,
                "text": doc[start:end].text,
                "voice": voice_map.voice_at(sc, ec) if voice_map is not None else "narrator",
                "target": ctx.target(strategies, start, end),
            }
        )
    return records


def evidence_frame(records: Iterable[dict]) -> pd.DataFrame:
    """The evidence table: one row per record, columns :data:`EVIDENCE_COLUMNS` (works when empty)."""
    frame = pd.DataFrame(list(records), columns=EVIDENCE_COLUMNS)
    for col in ("sentence_id", "start_char", "end_char"):
        frame[col] = frame[col].astype("Int64")
    for col in ("doc_id", "category", "rule_id", "text", "voice", "target"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    return frame


def code_corpus(docs, codebook: Codebook | str | None = None) -> pd.DataFrame:
    """Code every document; returns the evidence table (:func:`evidence_frame`).

    Args:
        docs: parsed Docs (an iterable or a single Doc) or a :class:`~analysis.corpus.Corpus`
            (parsed with :func:`~analysis.pipeline.make_nlp`, cached).
        codebook: a :class:`Codebook`, a path, or None for the bundled codebook.

    Voices come from :mod:`analysis.attribution` and :mod:`analysis.voices`.
    """
    from .attribution import doc_attributions
    from .corpus import Corpus, Document
    from .pipeline import gazetteer_of, make_nlp, parse
    from .voices import voice_map as make_voice_map

    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    metadata: dict[str, dict] = {}
    if isinstance(docs, Doc):
        docs = [docs]
    if isinstance(docs, Document):
        docs = Corpus([docs])
    if isinstance(docs, Corpus):
        nlp = make_nlp()
        gazetteer = gazetteer_of(nlp)
        metadata = {d.doc_id: d.metadata for d in docs}
        stream = parse(docs, nlp)
    else:
        from .actors import load_gazetteer

        gazetteer = load_gazetteer()
        stream = iter(docs)
    records: list[dict] = []
    for doc in stream:
        attributions = doc_attributions(doc, gazetteer=gazetteer, metadata=metadata.get(doc_id_of(doc)))
        vmap = make_voice_map(doc, attributions)
        records.extend(doc_evidence(doc, cb, voice_map=vmap, gazetteer=gazetteer))
    return evidence_frame(records)
