"""Where the reporting cues of a Doc are: speech verbs and cue-phrase anchors.

The lexicon (:mod:`.lexicon`) is compiled once per vocab into one
``PhraseMatcher`` (:func:`cue_matcher`); :class:`Cues` runs it once over a
Doc and indexes what it found, so a rule asks "which verbs lie in tokens
``[a, b)``" without scanning the document.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .context import DocContext
from .lexicon import PHRASE_FAMILIES, Lexicon

__all__ = ["CueMatcher", "Cues", "cue_matcher", "listeners_by_first", "CHARACTERISING"]

#: The pseudo-lemma of a characterising verb ("called the talks ..."): a cue for partial quotations only.
CHARACTERISING = "_characterising"


@dataclass
class CueMatcher:
    """The lexicon compiled for one vocab."""

    phrases: PhraseMatcher  # speech verbs ("v|<form>") and cue-phrase anchors ("<family>|<phrase>")
    specs: dict  # anchor key -> (family, prefix words, suffix words, slot position: "start" | "end" | "mid" | "none")
    noun_ids: np.ndarray = None  # LOWER hashes of the speech nouns (one-word forms), sorted
    noun_forms: dict = None  # LOWER hash -> noun form


_MATCHERS: dict[tuple[int, str], CueMatcher] = {}


def cue_matcher(doc: Doc, lexicon: Lexicon) -> CueMatcher:
    """One PhraseMatcher per (vocab, lexicon), compiled once and reused for every Doc."""
    key = (id(doc.vocab), lexicon.sha256)
    found = _MATCHERS.get(key)
    if found is not None:
        return found
    vocab = doc.vocab

    def make(words) -> Doc:
        return Doc(vocab, words=list(words))

    phrases = PhraseMatcher(vocab, attr="LOWER")
    for form in list(lexicon.verbs) + sorted(lexicon.characterising):
        phrases.add(f"v|{form}", [make(_split_words(form))])
    specs: dict[str, tuple] = {}
    for family in PHRASE_FAMILIES:
        for phrase in lexicon.phrases.get(family, ()):
            words = _split_words(phrase)
            if "x" in words:
                i = words.index("x")
                prefix, suffix = words[:i], words[i + 1 :]
                slot = "end" if not suffix else ("start" if not prefix else "mid")
            else:
                prefix, suffix, slot = words, [], "none"
            anchor = suffix if slot in ("mid", "start") else prefix
            if family == "credit_verbs":
                anchor, prefix, suffix, slot = words, [], words, "start"
            k = f"{family}|{phrase}"
            specs[k] = (family, tuple(prefix), tuple(suffix), slot)
            phrases.add(k, [make(anchor)])
    forms = sorted(lexicon.nouns or ())
    noun_forms = {vocab.strings.add(f): f for f in forms}
    matcher = CueMatcher(phrases, specs, np.array(sorted(noun_forms), dtype=np.uint64), noun_forms)
    _MATCHERS[key] = matcher
    return matcher


@lru_cache(maxsize=8)
def listeners_by_first(lexicon: Lexicon) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The lexicon's listener phrases ("told reporters") by first word, longest first."""
    out: dict[str, list] = {}
    for words in sorted(lexicon.listeners, key=len, reverse=True):
        out.setdefault(words[0], []).append(words)
    return {k: tuple(v) for k, v in out.items()}


def _split_words(phrase: str) -> list[str]:
    # tokenise like spaCy's English tokenizer for the simple words we use
    out = []
    for w in phrase.split():
        if w.endswith("'s") and len(w) > 2:
            out.extend([w[:-2], "'s"])
        else:
            out.append(w)
    return out


class Cues:
    """The speech verbs and cue-phrase anchors of one Doc.

    Attributes:
        verbs: ``(start, end, lemma, mode)`` token spans of speech verbs in
            text order (longest match first, none inside an entity, none
            capitalised mid-sentence: "United States", "Read More");
            ``lemma`` is :data:`CHARACTERISING` for characterising verbs.
        verb_at: the verb starting at a token.
        anchor_hits: ``(key, start, end)`` of every cue-phrase anchor.
        noun_hits: ``(start, end, form)`` of every speech noun (``speech_nouns``), in text order.
        specs: ``key -> (family, prefix words, suffix words, slot)`` (see :func:`cue_matcher`).
    """

    def __init__(self, context: DocContext):
        doc, lexicon = context.doc, context.lexicon
        matcher = cue_matcher(doc, lexicon)
        self.specs = matcher.specs
        self.verbs: list[tuple[int, int, str, str]] = []
        self.verb_at: dict[int, tuple[int, int, str, str]] = {}
        self.anchor_hits: list[tuple[str, int, int]] = []
        self.noun_hits: list[tuple[int, int, str]] = []
        if context.n:
            strings = doc.vocab.strings
            verb_hits = []
            for match_id, s, e in matcher.phrases(doc):
                k = strings[match_id]
                if k.startswith("v|"):
                    verb_hits.append((k[2:], s, e))
                else:
                    self.anchor_hits.append((k, s, e))
            if len(matcher.noun_ids):
                # speech nouns: one vectorised look-up over the LOWER column (no matcher patterns for them)
                lower, ids = context.lower_arr, matcher.noun_ids
                pos = np.searchsorted(ids, lower)  # sorted ids: a binary search per token, in C
                pos[pos == len(ids)] = 0
                for s in np.flatnonzero(ids[pos] == lower).tolist():
                    self.noun_hits.append((s, s + 1, matcher.noun_forms[int(lower[s])]))
            last_end = -1
            title_case: dict[int, bool] = {}  # sentence -> whether it is a title-case headline
            for form, s, e in sorted(verb_hits, key=lambda x: (x[1], -(x[2] - x[1]))):
                if s < last_end or context.ent_cover[s] >= 0:
                    continue
                si = int(context.sent_of[s])
                lo_s, hi_s = context.sents[si]
                if doc[s].text[:1].isupper() and s != lo_s:
                    # a capitalised verb mid-sentence is part of a name ("Member States", "Read More"), unless
                    # the sentence is a title-case headline ("…, Lindsey Graham Says", "Rubio Says Abandoning …")
                    if e < hi_s and not context.is_punct(e) and not doc[e].text[:1].isupper():
                        continue
                    if si not in title_case:
                        title_case[si] = _title_case(context, si)
                    if not title_case[si]:
                        continue
                lemma, mode = lexicon.verbs.get(form, (CHARACTERISING, "that"))
                verb = (s, e, lemma, mode)
                self.verbs.append(verb)
                self.verb_at[s] = verb
                last_end = e
        self._verb_starts = [v[0] for v in self.verbs]
        # anchor hits indexed by start token, so a window lookup does not scan the whole document
        self._anchor_order = sorted(range(len(self.anchor_hits)), key=lambda i: self.anchor_hits[i][1])
        self._anchor_starts = [self.anchor_hits[i][1] for i in self._anchor_order]

    def anchors_in(self, lo: int, hi: int) -> list[tuple[str, int, int]]:
        """Anchor hits starting in tokens ``[lo, hi)``, in their original order."""
        a = bisect.bisect_left(self._anchor_starts, lo)
        b = bisect.bisect_left(self._anchor_starts, hi)
        return [self.anchor_hits[i] for i in sorted(self._anchor_order[a:b])]

    def verbs_in(self, a: int, b: int) -> list[tuple[int, int, str, str]]:
        """The verbs lying wholly within tokens ``[a, b)``, in text order."""
        i = bisect.bisect_left(self._verb_starts, a)
        out = []
        while i < len(self.verbs) and self.verbs[i][0] < b:
            if self.verbs[i][1] <= b:
                out.append(self.verbs[i])
            i += 1
        return out


_SMALL_WORDS = frozenset("a an the of to in on at for and or but by with as from is are was be its it".split())


def _title_case(context: DocContext, si: int) -> bool:
    """A headline in title case: at least four content words, nearly all capitalised ("Obamacare Is
    Failing, Lindsey Graham Says"); a capitalised verb there can be a cue."""
    lo, hi = context.sents[si]
    if hi - lo > 40:
        return False  # headlines are short
    words = [context.doc[k].text for k in range(lo, hi)
             if context.doc[k].is_alpha and context.lower(k) not in _SMALL_WORDS]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.9 * len(words)
