"""Faster drop-in versions of two stock spaCy components, with identical output.

Profiling the default pipeline (see ``benchmarks/README.md``) showed two stock
components costing far more than the tokenizer itself:

* ``entity_ruler`` runs every lower-cased *title* pattern ("the minister") on
  its token :class:`~spacy.matcher.Matcher`, which tries each pattern at every
  token. :class:`ActorRuler` sends patterns made only of ``{"LOWER": ...}``
  tokens to a ``LOWER`` :class:`~spacy.matcher.PhraseMatcher` (a hash lookup)
  instead; all other patterns, the match order, the overlap policy and the
  resulting ``doc.ents`` are exactly those of the stock ``EntityRuler``,
  with one deliberate addition: a phrase pattern (a name or a title) also
  matches across a whitespace token inside a sentence -- a hard-wrapped
  "Russian \nFederation", a double space -- which the stock ruler misses.
* the lookup ``lemmatizer`` sets ``token.lemma_`` one token at a time in
  Python. :class:`LookupLemmatizer` looks each distinct word up once per
  process and writes all lemmas with one ``Doc.from_array`` call. Same table
  (``spacy-lookups-data``), same lemmas.

``tests/nlp/test_components.py`` checks both against the stock components. (The
codebook's own matcher, which skips sentences that lack a rule's required
words, is :mod:`analysis.extract.codebook.matcher`.)
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START, SPACY
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline.entityruler import DEFAULT_ENT_ID_SEP, EntityRuler
from spacy.tokens import Doc, Span

from .sentences import inner_whitespace

__all__ = ["ActorRuler", "LookupLemmatizer", "lower_words"]


def lower_words(pattern: Any) -> list[str] | None:
    """The words of a token pattern made only of lower-case ``{"LOWER": word}`` tokens, else None."""
    if not isinstance(pattern, list) or not pattern:
        return None
    words = []
    for token in pattern:
        if not isinstance(token, dict) or len(token) != 1:
            return None
        (key, value), = token.items()
        if not isinstance(key, str) or key.upper() != "LOWER" or not isinstance(value, str):
            return None
        if not value or value != value.lower():
            return None  # an upper-case LOWER value never matches; leave it to the Matcher
        words.append(value)
    return words


class ActorRuler(EntityRuler):
    """An ``EntityRuler`` that matches lower-case token patterns with a PhraseMatcher.

    Behaves exactly like :class:`spacy.pipeline.EntityRuler` (same settings,
    ``patterns`` round-trip, serialisation, match sorting and overlap policy).
    """

    def __init__(self, nlp: Language, name: str = "actor_ruler", **kwargs: Any) -> None:
        self._lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER", validate=kwargs.get("validate", False))
        self._match_hashes: dict[int, tuple[int, int]] = {}  # match key -> (label, ent_id) hashes
        self._reset_phrase_words()
        super().__init__(nlp, name, **kwargs)

    def _reset_phrase_words(self) -> None:
        # lower-case hashes of words that are not the last / not the first of a multi-word
        # phrase, and the longest phrase: where a match could run over a whitespace token
        self._not_last: set[int] = set()
        self._not_first: set[int] = set()
        self._longest = 1

    def _note_phrase(self, words: list[str]) -> None:
        if len(words) > 1:
            strings = self.nlp.vocab.strings
            self._not_last.update(strings.add(w.lower()) for w in words[:-1])
            self._not_first.update(strings.add(w.lower()) for w in words[1:])
            self._longest = max(self._longest, len(words))

    def clear(self) -> None:
        """Reset all patterns."""
        super().clear()
        self._match_hashes = {}
        self._reset_phrase_words()
        self._lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER", validate=self._validate)

    def add_patterns(self, patterns: list[dict]) -> None:
        """Add patterns; lower-case token patterns go to the phrase matcher."""
        plain, lower = [], []
        for entry in patterns:
            words = lower_words(entry.get("pattern"))
            if words is None:
                plain.append(entry)
                if isinstance(entry.get("pattern"), str):
                    self._note_phrase([t.text for t in self.nlp.make_doc(entry["pattern"])])
            else:
                lower.append((entry, words))
                self._note_phrase(words)
        if plain:
            super().add_patterns(plain)
        for entry, words in lower:
            label = entry["label"]
            if "id" in entry:
                ent_label = label
                label = self._create_label(label, entry["id"])
                self._ent_ids[self.matcher._normalize_key(label)] = (ent_label, entry["id"])
            self.token_patterns[label].append(entry["pattern"])  # listed by .patterns
            self._lower_matcher.add(label, [Doc(self.nlp.vocab, words=words)])

    def match(self, doc: Doc):
        """All matches, longest first, as :meth:`EntityRuler.match` orders them."""
        self._require_patterns()
        matches: list = []
        for matcher in (self.matcher, self._lower_matcher, self.phrase_matcher):
            if len(matcher):  # an empty matcher finds nothing (and would only warn W036)
                matches.extend(matcher(doc))
        matches.extend(self._across_whitespace(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def _across_whitespace(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Phrase matches that run over a whitespace token inside a sentence (a line break, a double space).

        Only whitespace tokens between a word that can go on a phrase and one
        that can continue it are looked at, each in a window as wide as the
        longest phrase, with the whitespace dropped.
        """
        n = len(doc)
        if n < 3 or not self._not_last:
            return []
        arr = doc.to_array([IS_SPACE, SENT_START, ORTH, SPACY, LOWER])
        space = arr[:, 0] != 0
        if not space[1:-1].any():
            return []
        starts = arr[:, 1].astype(np.int64) == 1
        starts[0] = True
        sentence = np.cumsum(starts)
        inner = inner_whitespace(space, sentence)
        lower = arr[:, 4].tolist()
        gaps = [p for p in np.flatnonzero(inner).tolist()
                if lower[p - 1] in self._not_last and lower[p + 1] in self._not_first]
        if not gaps:
            return []
        reach = self._longest
        windows: list[list[int]] = []
        for p in gaps:
            lo, hi = max(0, p - reach), min(n, p + reach + 1)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        strings = doc.vocab.strings
        orth, ws = arr[:, 2].tolist(), arr[:, 3].tolist()
        found = []
        for lo, hi in windows:
            keep = [k for k in range(lo, hi) if not inner[k]]
            view = Doc(doc.vocab, words=[strings[orth[k]] for k in keep], spaces=[bool(ws[k]) for k in keep])
            for matcher in (self._lower_matcher, self.phrase_matcher):
                if not len(matcher):
                    continue
                for m_id, s, e in matcher(view):
                    a, b = keep[s], keep[e - 1] + 1
                    if b - a != e - s and sentence[a] == sentence[b - 1]:  # only what the stock pass cannot find
                        found.append((m_id, a, b))
        return found

    def _require_patterns(self) -> None:
        if not (any(self.token_patterns.values()) or any(self.phrase_patterns.values())):
            super()._require_patterns()  # warns: no patterns

    def set_annotations(self, doc: Doc, matches) -> None:
        """Set the entities exactly as :meth:`EntityRuler.set_annotations` does.

        Matches are taken longest first; one that touches a token already taken
        is skipped. Without earlier entities the token annotations are written
        in one ``Doc.from_array`` call instead of building Span objects.
        """
        entities = list(doc.ents)
        has_type = None if self.overwrite else doc.to_array(ENT_TYPE)
        accepted: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        for match_id, start, end in matches:
            if has_type is not None and has_type[start:end].any():
                continue
            if start not in seen and end - 1 not in seen:  # boundaries are inclusive
                accepted.append((match_id, start, end))
                if entities:
                    entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen.update(range(start, end))
        if entities:
            doc.ents = entities + [self._span(doc, *m) for m in accepted]
            return
        # == doc.set_ents(spans, default="outside"): every other token is outside (O)
        arr = np.zeros((len(doc), 4), dtype=np.uint64)
        arr[:, 0] = 2  # ENT_IOB: O
        if accepted:
            memo = self._match_hashes
            hashes = [memo.get(m[0]) or self._hashes(doc, m[0]) for m in accepted]
            starts = np.array([m[1] for m in accepted], dtype=np.int64)
            lengths = np.array([m[2] - m[1] for m in accepted], dtype=np.int64)
            first = np.cumsum(lengths) - lengths  # position of each span's first token in `tokens`
            tokens = np.repeat(starts, lengths) + np.arange(lengths.sum()) - np.repeat(first, lengths)
            arr[tokens, 0] = 1  # I
            arr[starts, 0] = 3  # B
            arr[tokens, 1] = np.repeat(np.array([h[0] for h in hashes], dtype=np.uint64), lengths)
            arr[tokens, 2] = np.repeat(np.array([h[1] for h in hashes], dtype=np.uint64), lengths)
        doc.from_array([ENT_IOB, ENT_TYPE, ENT_ID, ENT_KB_ID], arr)

    def _hashes(self, doc: Doc, match_id: int) -> tuple[int, int]:
        """(label hash, entity-id hash) of a match key, added to the string store."""
        label, ent_id = self._ent_ids[match_id] if match_id in self._ent_ids else (match_id, "")
        strings = doc.vocab.strings
        hashes = (strings.add(label) if isinstance(label, str) else label, strings.add(ent_id) if ent_id else 0)
        self._match_hashes[match_id] = hashes
        return hashes

    def _span(self, doc: Doc, match_id: int, start: int, end: int) -> Span:
        if match_id in self._ent_ids:
            label, ent_id = self._ent_ids[match_id]
            return Span(doc, start, end, label=label, span_id=ent_id)
        return Span(doc, start, end, label=match_id)


@Language.factory(
    "discourse_actor_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={
        "phrase_matcher_attr": None,
        "matcher_fuzzy_compare": {"@misc": "spacy.levenshtein_compare.v1"},
        "validate": False,
        "overwrite_ents": False,
        "ent_id_sep": DEFAULT_ENT_ID_SEP,
        "scorer": {"@scorers": "spacy.entity_ruler_scorer.v1"},
    },
)
def make_actor_ruler(
    nlp: Language,
    name: str,
    phrase_matcher_attr: Optional[Union[int, str]],
    matcher_fuzzy_compare: Callable,
    validate: bool,
    overwrite_ents: bool,
    ent_id_sep: str,
    scorer: Optional[Callable],
) -> ActorRuler:
    """spaCy factory for :class:`ActorRuler` (same settings as ``entity_ruler``)."""
    return ActorRuler(
        nlp,
        name,
        phrase_matcher_attr=phrase_matcher_attr,
        matcher_fuzzy_compare=matcher_fuzzy_compare,
        validate=validate,
        overwrite_ents=overwrite_ents,
        ent_id_sep=ent_id_sep,
        scorer=scorer,
    )


class LookupLemmatizer(EnglishLemmatizer):
    """The English lemmatizer with a vectorised ``lookup`` mode (same table, same lemmas).

    Each distinct word is looked up in the table once per process; known words
    are then mapped to their lemma hashes with one ``numpy.searchsorted``.
    """

    _MERGE_MIN = 64  # new words collected before the sorted arrays are rebuilt (or 1/8 of them)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lemma_table: object = None  # the table the memo was filled from
        self._reset()

    def _reset(self) -> None:
        self._keys = np.zeros(0, dtype=np.uint64)  # sorted orth hashes
        self._values = np.zeros(0, dtype=np.uint64)  # their lemma hashes
        self._new: dict[int, int] = {}  # orth -> lemma, not yet in the arrays

    def _lemma_hash(self, orth: int, table, strings) -> int:
        lemma = self._new.get(orth)
        if lemma is None:
            text = strings[orth]
            found = table.get(text, text)
            lemma = self._new[orth] = strings.add(found if isinstance(found, str) else found[0])
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        """Set ``token.lemma`` for every token whose lemma is unset (or all, with ``overwrite``)."""
        if self.mode != "lookup":
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables()
        if not len(doc):
            return doc
        table = self.lookups.get_table("lemma_lookup", {})
        if table is not self._lemma_table:  # new tables: forget what was looked up
            self._lemma_table = table
            self._reset()
        arr = doc.to_array([ORTH, LEMMA])
        orths = arr[:, 0]
        keys = self._keys
        if len(keys):
            at = np.minimum(np.searchsorted(keys, orths), len(keys) - 1)
            lemmas = self._values[at]
            missing = np.flatnonzero(keys[at] != orths)
        else:
            lemmas = np.zeros(len(orths), dtype=np.uint64)
            missing = np.arange(len(orths))
        if len(missing):
            strings = doc.vocab.strings
            lemmas[missing] = [self._lemma_hash(o, table, strings) for o in orths[missing].tolist()]
            if len(self._new) >= max(self._MERGE_MIN, len(keys) // 8) or not len(keys):
                merged = dict(zip(keys.tolist(), self._values.tolist()))
                merged.update(self._new)
                self._keys = np.fromiter(sorted(merged), dtype=np.uint64, count=len(merged))
                self._values = np.fromiter((merged[k] for k in self._keys.tolist()), dtype=np.uint64,
                                           count=len(merged))
                self._new = {}
        if not self.overwrite:
            lemmas = np.where(arr[:, 1] == 0, lemmas, arr[:, 1])
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.factory(
    "discourse_lemmatizer",
    assigns=["token.lemma"],
    default_config={
        "model": None,
        "mode": "lookup",
        "overwrite": False,
        "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"},
    },
)
def make_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool, scorer) -> LookupLemmatizer:
    """spaCy factory for :class:`LookupLemmatizer`."""
    return LookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
