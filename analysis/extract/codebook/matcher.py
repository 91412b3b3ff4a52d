"""The codebook compiled for a vocab: every raw match of every rule, fast.

:func:`compile_codebook` builds (once per codebook and vocab) a
:class:`CompiledCodebook`, whose :meth:`~CompiledCodebook.matches` gives every
raw match ``(rule, start token, end token)`` before constraints; constraints,
targets and merging are :mod:`analysis.extract.rhetoric`'s.
"""
from __future__ import annotations

import re
import weakref
from typing import Any

import numpy as np
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ...errors import CodebookError
from ...nlp.docarrays import spaceless_view, token_index, token_lower
from .model import Codebook, Rule, where_in
from .patterns import (
    blank_nlp,
    max_length,
    phrase_variants,
    regex_extension,
    required_words,
    set_actor_mask,
    slot_words,
    transform_pattern,
)

__all__ = ["CompiledCodebook", "compile_codebook", "sentence_bounds", "blank_nlp"]

_COMPILED: "weakref.WeakKeyDictionary[Codebook, dict[int, tuple[Any, CompiledCodebook]]]" = weakref.WeakKeyDictionary()


def compile_codebook(codebook: Codebook, vocab) -> "CompiledCodebook":
    """The matchers of ``codebook`` for ``vocab``, built on first use and kept with the codebook."""
    per_vocab = _COMPILED.setdefault(codebook, {})
    entry = per_vocab.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        entry = per_vocab[id(vocab)] = (vocab, CompiledCodebook(codebook, vocab))
    return entry[1]


def _one_line(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def sentence_bounds(doc) -> list[int]:
    """Token index of each sentence start (``[0]`` when the Doc has no sentence boundaries)."""
    return [s for s, _ in token_index(doc)[2]]


class CompiledCodebook:
    """A codebook compiled for one vocab.

    spaCy evaluates ``IN``/``NOT_IN`` and extension predicates in Python, once
    per token for every pattern that could start there, so one Matcher holding
    every pattern costs about a microsecond per token per pattern. Instead:

    * phrase rules go into one ``PhraseMatcher`` per attribute (hash lookups in C);
    * every token-pattern rule's required words (:func:`_slot_words`) go into
      one ``PhraseMatcher``; a rule's own Matcher then runs only on the
      sentences that contain every required word set of at least one of its
      patterns -- the same matches, since rules never cross sentences;
    * when every pattern of a rule has a longest possible match of ``L``
      tokens (no ``*``, ``+``, ``{n,}``), its Matcher runs only on the tokens
      within ``L - 1`` of a required word found in the sentence (overlapping
      windows merged): every match holds a required word, so it lies inside
      one window, and the matches are the same while far fewer tokens are
      scanned; a rule with unbounded repeats whose patterns begin and end
      with required words runs from the first possible start to the last
      possible end in the sentence (and not at all when there is none);
    * patterns that are only words (``LOWER`` or ``IN``, no ``OP``: a class on its
      own, ``[{LEMMA: deceive}]``) go into the PhraseMatcher as every word
      sequence they match;
    * rules without an anchor share one Matcher run over the whole Doc;
    * single-word wildcards (``deceit*``, from dictionaries) use a prefix table.
    """

    def __init__(self, codebook: Codebook, vocab):
        self.vocab = vocab
        self.full_matcher = Matcher(vocab, validate=False)
        self.n_full = 0
        self.rule_matchers: dict[int, Any] = {}
        word_slots: dict[int, list[int]] = {}  # LOWER hash of a required word -> its slots
        self.phrase_matchers: dict[str, Any] = {}
        self.prefixes: dict[str, list[Rule]] = {}
        self.rules_by_hash: dict[int, Rule] = {}
        #: whether some pattern tests ``{actor: ...}`` (then :meth:`matches` needs an actor mask)
        self.uses_actors = False
        checker = Matcher(vocab, validate=True)
        tokenizer = blank_nlp().tokenizer
        path = codebook.path

        self.slot_patterns: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        #: longest match (tokens) of each windowed rule; absent: the rule runs on whole sentences
        self.reach: dict[int, int] = {}
        unbounded: set[int] = set()
        #: per unbounded rule and pattern: LOWER hashes a match must start / end with (None: any token)
        self.edges: dict[int, list[tuple[frozenset[int] | None, frozenset[int] | None]] | None] = {}

        def add_patterns(rule: Rule, key_hash: int, patterns: list) -> None:
            slots = [slot_words(p) for p in patterns]
            if not all(slots):
                self.full_matcher.add(rule.key, patterns)
                self.n_full += len(patterns)
                return
            matcher = self.rule_matchers.get(key_hash)
            if matcher is None:
                matcher = self.rule_matchers[key_hash] = Matcher(vocab, validate=False)
            matcher.add(rule.key, patterns)
            for p in patterns:
                first, last = required_words(p[0]), required_words(p[-1])
                if key_hash in self.edges and self.edges[key_hash] is None or (first is None and last is None):
                    self.edges[key_hash] = None
                else:
                    self.edges.setdefault(key_hash, []).append(
                        tuple(None if w is None else frozenset(vocab.strings.add(x) for x in w) for w in (first, last)))
                length = max_length(p)
                if length is None or key_hash in unbounded:
                    unbounded.add(key_hash)
                    self.reach.pop(key_hash, None)
                else:
                    self.reach[key_hash] = max(self.reach.get(key_hash, 0), length)
            for p_slots in slots:
                slot_ids = []
                for words in p_slots:
                    slot_key = f"{rule.key}#{len(self.slot_patterns)}"
                    slot_id = vocab.strings.add(slot_key)
                    self.slot_patterns[slot_id] = []
                    for w in sorted(words):
                        word_slots.setdefault(vocab.strings.add(w), []).append(slot_id)
                    slot_ids.append(slot_id)
                for slot_id in slot_ids:
                    self.slot_patterns[slot_id].append((key_hash, tuple(slot_ids)))

        for cat in codebook.categories:
            for rule in cat.rules:
                key_hash = vocab.strings.add(rule.key)
                self.rules_by_hash[key_hash] = rule
                where = where_in(cat.id, rule.id)
                if rule.patterns:
                    try:
                        checker.add(rule.key, [list(p) for p in rule.patterns])
                        transformed = [transform_pattern(p) for p in rule.patterns]
                        Matcher(vocab, validate=False).add(rule.key, transformed)
                    except Exception as e:  # spaCy's MatchPatternError / ValueError
                        raise CodebookError(f"invalid pattern (spaCy says: {_one_line(e)})", path=path,
                                            where=where) from None
                    token_patterns = []
                    word_docs = []
                    for p in transformed:
                        if any("_" in t and any(k.startswith("dk_actor_") for k in t["_"]) for t in p):
                            self.uses_actors = True
                        seqs = phrase_variants(p)
                        if seqs is None:
                            token_patterns.append(p)
                        else:
                            word_docs.extend(Doc(vocab, words=list(seq)) for seq in seqs)
                    if word_docs:
                        pm = self.phrase_matchers.get("LOWER")
                        if pm is None:
                            pm = self.phrase_matchers["LOWER"] = PhraseMatcher(vocab, attr="LOWER")
                        pm.add(rule.key, word_docs)
                    if token_patterns:
                        add_patterns(rule, key_hash, token_patterns)
                    continue
                exact: list = []
                wild_patterns: list = []
                for phrase in rule.phrases:
                    words = phrase.split()
                    if not any(w.endswith("*") for w in words):
                        toks = tokenizer(phrase)
                        exact.append(Doc(vocab, words=[t.text for t in toks],
                                         spaces=[bool(t.whitespace_) for t in toks]))
                        continue
                    if rule.attr != "LOWER":
                        raise CodebookError(f"wildcard phrase {phrase!r} needs attr LOWER", path=path, where=where)
                    if len(words) == 1 and len(tokenizer(words[0].rstrip("*"))) == 1:
                        prefix = words[0].rstrip("*").lower()
                        if not prefix:
                            raise CodebookError("a lone '*' matches everything; give a prefix", path=path, where=where)
                        self.prefixes.setdefault(prefix, []).append(rule)
                        continue
                    pat: list = []
                    for w in words:
                        stem = w.rstrip("*")
                        toks = [t.text.lower() for t in tokenizer(stem)] if stem else []
                        if not toks:
                            raise CodebookError(f"empty word in phrase {phrase!r}", path=path, where=where)
                        pat.extend({"LOWER": t} for t in toks[:-1])
                        if w.endswith("*"):
                            pat.append({"_": {regex_extension("LOWER", "^" + re.escape(toks[-1])): True}})
                        else:
                            pat.append({"LOWER": toks[-1]})
                    wild_patterns.append(pat)
                if exact:
                    pm = self.phrase_matchers.get(rule.attr)
                    if pm is None:
                        pm = self.phrase_matchers[rule.attr] = PhraseMatcher(vocab, attr=rule.attr)
                    pm.add(rule.key, exact)
                if wild_patterns:
                    add_patterns(rule, key_hash, wild_patterns)
        self._prefix_lengths = sorted({len(p) for p in self.prefixes})
        # required words, sorted by hash, for one vectorised look-up of every token's LOWER
        self.anchor_hashes = np.array(sorted(word_slots), dtype=np.uint64)
        self.anchor_slots = [tuple(word_slots[h]) for h in sorted(word_slots)]
        keys_of_slot: dict[int, set[int]] = {}
        for slot_id, entries in self.slot_patterns.items():
            keys_of_slot.setdefault(slot_id, set()).update(key for key, _ in entries)
        self.anchor_keys = [frozenset(k for s in slots for k in keys_of_slot.get(s, ())) for slots in self.anchor_slots]

    def matches(self, doc, sent_starts: list[int] | None = None, actor_mask=None) -> list[tuple[Rule, int, int]]:
        """Every raw match in ``doc`` as (rule, start token, end token), before constraints.

        ``sent_starts`` (token index of each sentence start, see
        :func:`sentence_bounds`) is computed when not given. Whitespace tokens
        (double spaces, hard-wrapped lines) are skipped: patterns and phrases
        match across them (:func:`analysis.nlp.docarrays.spaceless_view`), and the
        match spans the whitespace in the original Doc. ``actor_mask`` (a
        callable returning one ``uint8`` of :data:`~.patterns.ACTOR_BITS` per
        token) is called only when a pattern has an ``{actor: ...}`` token;
        without it such tokens match nothing.
        """
        starts = sent_starts if sent_starts is not None else sentence_bounds(doc)
        mask = actor_mask() if (self.uses_actors and actor_mask is not None) else None
        if mask is not None:
            set_actor_mask(doc, mask)
        view = spaceless_view(doc)
        if view is None:
            return self._matches(doc, starts)
        compact, positions = view
        if mask is not None:
            set_actor_mask(compact, mask[positions])
        c_starts = sorted(set(np.searchsorted(positions, starts).tolist()) - {len(compact)})
        sentence = np.searchsorted(np.asarray(starts), positions, side="right")  # of each view token
        # phrases know no sentences: one that now runs over a paragraph break is dropped
        return [(rule, int(positions[s]), int(positions[e - 1]) + 1)
                for rule, s, e in self._matches(compact, c_starts or [0]) if sentence[s] == sentence[e - 1]]

    def _matches(self, doc, sent_starts: list[int]) -> list[tuple[Rule, int, int]]:
        """:meth:`matches` on a Doc as it is (no whitespace skipping)."""
        out: list[tuple[Rule, int, int]] = []
        rules = self.rules_by_hash
        if self.n_full:
            out.extend((rules[m], s, e) for m, s, e in self.full_matcher(doc))
        for pm in self.phrase_matchers.values():
            out.extend((rules[m], s, e) for m, s, e in pm(doc))
        if self.rule_matchers and len(doc) and len(self.anchor_hashes):
            lower = token_lower(doc)
            hashes = self.anchor_hashes
            where = np.minimum(np.searchsorted(hashes, lower), len(hashes) - 1)
            toks = np.flatnonzero(hashes[where] == lower)  # tokens that are a required word
            if len(toks):
                starts = sent_starts
                ends = starts[1:] + [len(doc)]
                sent_ids = np.maximum(np.searchsorted(np.asarray(starts), toks, side="right") - 1, 0)
                lowers: list[int] | None = None  # LOWER hashes as Python ints, when an edge window needs them
                present: dict[int, dict[int, list[int]]] = {}  # sentence -> required word -> positions
                for t, w, k in zip(toks.tolist(), where[toks].tolist(), sent_ids.tolist()):
                    present.setdefault(k, {}).setdefault(w, []).append(t)
                todo: dict[int, list[int]] = {}
                for k in sorted(present):
                    slots = set().union(*(self.anchor_slots[w] for w in present[k]))
                    keys = {key for slot_id in slots for key, needed in self.slot_patterns[slot_id]
                            if all(n in slots for n in needed)}
                    for key in keys:
                        todo.setdefault(key, []).append(k)
                for key in sorted(todo, key=lambda h: rules[h].order):
                    matcher, rule = self.rule_matchers[key], rules[key]
                    reach = self.reach.get(key)
                    edges = self.edges.get(key) if reach is None else None
                    for k in todo[key]:
                        if reach is None and edges is not None:
                            if lowers is None:
                                lowers = lower.tolist()
                            window = _edge_window(lowers, edges, starts[k], ends[k])
                            windows = [window] if window else []
                        elif reach is None:
                            windows = [(starts[k], ends[k])]
                        else:
                            positions = [p for w, ps in present[k].items() if key in self.anchor_keys[w] for p in ps]
                            windows = _windows(positions, reach, starts[k], ends[k])
                        for a, b in windows:
                            out.extend((rule, a + s, a + e) for _, s, e in matcher(doc[a:b]))
        if self.prefixes:
            prefixes, lengths = self.prefixes, self._prefix_lengths
            for tok in doc:
                lower = tok.lower_
                for n in lengths:
                    if n > len(lower):
                        break
                    hit = prefixes.get(lower[:n])
                    if hit:
                        out.extend((rule, tok.i, tok.i + 1) for rule in hit)
        return out


def _edge_window(lowers: list[int], edges: list, lo: int, hi: int) -> tuple[int, int] | None:
    """Tokens [a, b) of sentence [lo, hi) from the first possible match start to the last possible end."""
    a, b = hi, lo
    for first, last in edges:
        s = lo
        if first is not None:
            s = next((i for i in range(lo, hi) if lowers[i] in first), None)
            if s is None:
                continue
        e = hi
        if last is not None:
            e = next((i + 1 for i in range(hi - 1, s - 1, -1) if lowers[i] in last), None)
            if e is None:
                continue
        a, b = min(a, s), max(b, e)
    return (a, b) if a < b else None


def _windows(positions: list[int], reach: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """Merged token windows ``[p - reach + 1, p + reach)`` around token ``positions``, within [lo, hi)."""
    out: list[tuple[int, int]] = []
    for p in sorted(set(positions)):
        a, b = max(lo, p - reach + 1), min(hi, p + reach)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
