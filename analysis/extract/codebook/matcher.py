"""The codebook compiled for a vocab: every raw match of every rule, fast.

:func:`compile_codebook` builds (once per codebook and vocab) a
:class:`CompiledCodebook`, whose :meth:`~CompiledCodebook.matches` gives every
raw match ``(rule, start token, end token)`` before constraints; constraints,
targets and merging are :mod:`analysis.extract.rhetoric`'s.
"""
from __future__ import annotations

import re
import weakref
from bisect import bisect_left
from typing import Any

import numpy as np
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ...errors import CodebookError, RegexBudgetError
from ...nlp.docarrays import spaceless_view, token_index, token_lower
from .model import Codebook, Rule, where_in
from .patterns import (
    ACTOR_BITS,
    blank_nlp,
    max_length,
    min_length,
    op_bounds,
    phrase_variants,
    regex_extension,
    set_actor_mask,
    slot_positions,
    transform_pattern,
)
from .reach import Features, Reach, bind_all

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
    * every token pattern (each variant a ``{class: ...}`` expands to) gets its
      own Matcher and its *slots*: the word sets of its required tokens
      (:func:`~.patterns.slot_positions`; one slot id per distinct word set).
      One vectorised look-up finds every token that is a slot word; a pattern
      runs only in sentences holding all its slots (it is listed under its
      rarest slot and tested on its second rarest first) -- the same matches,
      since rules never cross sentences;
    * it runs on windows around the occurrences of one slot: with a slot token
      at ``p`` a match lies within ``[p - before, p + 1 + after)``, the most
      tokens the pattern allows before and after that token (the sentence edge
      where a repeat is unbounded), so the windows (merged) hold every match;
      the slot whose windows cover the fewest tokens in the sentence is taken;
    * each window is narrowed to where the pattern's tokens can reach around the
      occurrence, or dropped when no match can hold it (:class:`~.reach.Reach`);
    * an occurrence gets no window when a required ``{actor: ...}`` run has no
      token with its bit in the per-token actor mask, or another slot has no
      word, at the distances from ``p`` the pattern allows (prefix sums of the
      mask, bisection in the slot's positions): it cannot hold a match;
    * these shortcuts keep spaCy's matches, one Matcher per pattern, deduplicated
      per rule (``tests/extract/test_codebook_matcher.py`` compares them with
      a full scan);
    * patterns that are only words (``LOWER`` or ``IN``, no ``OP``: a class on its
      own, ``[{LEMMA: deceive}]``) go into the PhraseMatcher as every word
      sequence they match;
    * patterns without a slot share one Matcher run over the whole Doc;
    * single-word wildcards (``deceit*``, from dictionaries) use a prefix table.
    """

    def __init__(self, codebook: Codebook, vocab):
        self.vocab = vocab
        self.full_matcher = Matcher(vocab, validate=False)
        self.n_full = 0
        word_slots: dict[int, set[int]] = {}  # LOWER hash of a required word -> its slots
        self.phrase_matchers: dict[str, Any] = {}
        self.prefixes: dict[str, list[Rule]] = {}
        self.rules_by_hash: dict[int, Rule] = {}
        #: whether some pattern tests ``{actor: ...}`` (then :meth:`matches` needs an actor mask)
        self.uses_actors = False
        #: the slot-less patterns in the order they went into ``full_matcher`` (rule key, pattern), and
        #: the rules using each REGEX extension: for leaving rules out of one document (:meth:`matches`)
        self.full_patterns: list[tuple[str, list]] = []
        self.regex_rules: dict[str, dict[str, Rule]] = {}
        self._full_without: dict[frozenset[str], Any] = {}
        checker = Matcher(vocab, validate=True)
        tokenizer = blank_nlp().tokenizer
        path = codebook.path

        #: one entry per token pattern with required words: (rule, its own Matcher, slot ids, offsets),
        #: offsets giving per slot the most tokens a match may hold before / after that slot's token
        #: (None: unbounded, or the slot may repeat), its placement checks and its Reach (or None)
        self.variants: list[tuple[Rule, Any, tuple[int, ...], dict[int, tuple[int | None, int | None]]]] = []
        slot_ids: dict[frozenset[str], int] = {}  # a required word set -> its slot id
        slot_size: list[int] = []  # words of each slot
        #: the variants looked up by each slot: a variant is listed under one of its slots only,
        #: the one with the fewest words (the rarest, as a rule), and run when all its slots are present
        #: ``(its next rarest slot or -1, the variant)``
        self.slot_variants: dict[int, list[tuple[int, tuple]]] = {}

        def add_patterns(rule: Rule, key_hash: int, patterns: list) -> None:
            for p in patterns:
                for t in p:
                    for name in t.get("_", ()):
                        if name.startswith("dk_rx_"):
                            self.regex_rules.setdefault(name, {})[rule.key] = rule
                slots = slot_positions(p)
                if not slots:
                    self.full_matcher.add(rule.key, [p])
                    self.full_patterns.append((rule.key, p))
                    self.n_full += 1
                    continue
                matcher = Matcher(vocab, validate=False)
                matcher.add(rule.key, [p])
                offsets: dict[int, tuple[int | None, int | None, tuple]] = {}
                token_slot: dict[int, int] = {}  # pattern token -> its slot
                for i, words in slots:
                    slot_id = slot_ids.get(words)
                    if slot_id is None:
                        slot_id = slot_ids[words] = len(slot_ids)
                        slot_size.append(len(words))
                        for w in words:
                            word_slots.setdefault(vocab.strings.add(w), set()).add(slot_id)
                    token_slot[i] = slot_id
                for i, _ in slots:
                    slot_id = token_slot[i]
                    before = after = reach = None
                    checks: tuple = ()
                    if p[i].get("OP") in (None, "1"):  # exactly one token: the match lies around it
                        before, after = max_length(p[:i]), max_length(p[i + 1:])
                        checks = _checks(p, i, token_slot)
                        reach = Reach(p, i, vocab.strings, ACTOR_BITS)
                        reach = reach if reach.useful else None
                    if slot_id in offsets:  # the same words twice in one pattern: either may be the one
                        b0, a0, _, _ = offsets[slot_id]
                        before = None if before is None or b0 is None else max(before, b0)
                        after = None if after is None or a0 is None else max(after, a0)
                        checks, reach = (), None
                    offsets[slot_id] = (before, after, checks, reach)
                variant = (rule, matcher, tuple(offsets), offsets)
                self.variants.append(variant)
                by_rarity = sorted(offsets, key=lambda x: (slot_size[x], x))
                second = by_rarity[1] if len(by_rarity) > 1 else -1
                self.slot_variants.setdefault(by_rarity[0], []).append((second, variant))

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
        #: :attr:`slot_variants` grouped by their next rarest slot (a whole group is skipped when that slot
        #: is missing from the sentence)
        self.slot_groups = _grouped(self.slot_variants)
        #: attributes the :class:`~.reach.Reach` checks read: of words (looked up once per word, kept in
        #: ``_lexemes``) and of tokens (one ``Doc.to_array`` per Doc)
        self.lexeme_attrs, self.token_attrs = bind_all(
            [reach for _, _, _, offsets in self.variants for *_, reach in offsets.values() if reach is not None])
        self._lexemes: dict[int, tuple] = {}
        self._prefix_lengths = sorted({len(p) for p in self.prefixes})
        # required words, sorted by hash, for one vectorised look-up of every token's LOWER
        self.anchor_hashes = np.array(sorted(word_slots), dtype=np.uint64)
        self.anchor_slots = [tuple(sorted(word_slots[h])) for h in sorted(word_slots)]

    def matches(self, doc, sent_starts: list[int] | None = None, actor_mask=None,
                skipped: list[Rule] | None = None) -> list[tuple[Rule, int, int]]:
        """Every raw match in ``doc`` as (rule, start token, end token), before constraints.

        ``sent_starts`` (token index of each sentence start, see
        :func:`sentence_bounds`) is computed when not given. Whitespace tokens
        (double spaces, hard-wrapped lines) are skipped: patterns and phrases
        match across them (:func:`analysis.nlp.docarrays.spaceless_view`), and the
        match spans the whitespace in the original Doc. ``actor_mask`` (a
        callable returning one ``uint8`` of :data:`~.patterns.ACTOR_BITS` per
        token) is called only when a pattern has an ``{actor: ...}`` token;
        without it such tokens match nothing.

        A ``REGEX`` that runs past its time budget on a token raises
        :class:`~analysis.errors.RegexBudgetError`; with a ``skipped`` list, the
        rules using that expression are appended to it instead and this Doc is
        matched again without them (the other rules' matches are unchanged).
        """
        starts = sent_starts if sent_starts is not None else sentence_bounds(doc)
        mask = actor_mask() if (self.uses_actors and actor_mask is not None) else None
        if mask is not None:
            set_actor_mask(doc, mask)
        view = spaceless_view(doc)
        if view is None:
            return _leaving_out(lambda exclude: self._matches(doc, starts, mask, exclude), self.regex_rules, skipped)
        compact, positions = view
        if mask is not None:
            set_actor_mask(compact, mask[positions])
        c_starts = sorted(set(np.searchsorted(positions, starts).tolist()) - {len(compact)})
        sentence = np.searchsorted(np.asarray(starts), positions, side="right")  # of each view token
        c_mask = None if mask is None else mask[positions]
        found = _leaving_out(lambda exclude: self._matches(compact, c_starts or [0], c_mask, exclude),
                             self.regex_rules, skipped)
        # phrases know no sentences: one that now runs over a paragraph break is dropped
        return [(rule, int(positions[s]), int(positions[e - 1]) + 1) for rule, s, e in found
                if sentence[s] == sentence[e - 1]]

    def _matches(self, doc, sent_starts: list[int], mask: np.ndarray | None = None,
                 exclude: frozenset[str] = frozenset()) -> list[tuple[Rule, int, int]]:
        """:meth:`matches` on a Doc as it is (no whitespace skipping); ``mask``: its actor bits, if set;
        the rules of ``exclude`` (keys) left out."""
        out: list[tuple[Rule, int, int]] = []
        rules = self.rules_by_hash
        if self.n_full:
            full = self.full_matcher
            if exclude:  # the slot-less patterns but those of the left-out rules, in the same order
                full = self._full_without.get(exclude) or self._full_without.setdefault(
                    exclude, _matcher(self.vocab, [(k, p) for k, p in self.full_patterns if k not in exclude]))
            if len(full):  # (all left out: spaCy warns on an empty Matcher)
                out.extend((rules[m], s, e) for m, s, e in full(doc))
        for pm in self.phrase_matchers.values():
            out.extend((rules[m], s, e) for m, s, e in pm(doc))
        if self.variants and len(doc) and len(self.anchor_hashes):
            lower = token_lower(doc)
            hashes = self.anchor_hashes
            where = np.minimum(np.searchsorted(hashes, lower), len(hashes) - 1)
            toks = np.flatnonzero(hashes[where] == lower)  # tokens that are a required word
            if len(toks):
                starts = sent_starts
                ends = starts[1:] + [len(doc)]
                sent_ids = np.maximum(np.searchsorted(np.asarray(starts), toks, side="right") - 1, 0)
                present: dict[int, dict[int, list[int]]] = {}  # sentence -> slot -> positions (ascending)
                anchor_slots = self.anchor_slots
                for t, w, k in zip(toks.tolist(), where[toks].tolist(), sent_ids.tolist()):
                    in_sentence = present.get(k)
                    if in_sentence is None:
                        in_sentence = present[k] = {}
                    for slot_id in anchor_slots[w]:
                        found_at = in_sentence.get(slot_id)
                        if found_at is None:
                            in_sentence[slot_id] = [t]
                        else:
                            found_at.append(t)
                actors = _ActorRuns(mask)
                features = Features(doc, mask, self.lexeme_attrs, self.token_attrs, self._lexemes)
                found: dict[str, tuple[Rule, set[tuple[int, int]]]] = {}  # rule key -> rule, (start, end)
                slot_groups = self.slot_groups
                if exclude:  # the left-out rules' variants dropped from their groups
                    slot_groups = {k: tuple((second, tuple(v for v in group if v[0].key not in exclude))
                                            for second, group in groups)
                                   for k, groups in slot_groups.items()}
                for k, in_sentence in present.items():
                    lo, hi = starts[k], ends[k]
                    for slot_id in in_sentence:
                        for second, group in slot_groups.get(slot_id, ()):
                            if second >= 0 and second not in in_sentence:
                                continue
                            for rule, matcher, slots, offsets in group:
                                if len(slots) > 2 and not in_sentence.keys() >= offsets.keys():
                                    continue
                                spans = found.get(rule.key)
                                if spans is None:
                                    spans = found[rule.key] = (rule, set())
                                for a, b in _windows(in_sentence, slots, offsets, lo, hi, actors, features):
                                    spans[1].update((a + s, a + e) for _, s, e in matcher(doc[a:b]))
                for rule, spans in sorted(found.values(), key=lambda f: f[0].order):
                    out.extend((rule, s, e) for s, e in sorted(spans))
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


def _grouped(slot_variants: dict[int, list[tuple[int, tuple]]]) -> dict[int, tuple[tuple[int, tuple], ...]]:
    """Each slot's ``(second, variant)`` list as ``(second, variants)`` groups, in first-seen order."""
    out = {}
    for slot_id, listed in slot_variants.items():
        groups: dict[int, list] = {}
        for second, variant in listed:
            groups.setdefault(second, []).append(variant)
        out[slot_id] = tuple((second, tuple(group)) for second, group in groups.items())
    return out


def _leaving_out(match, regex_rules: dict[str, dict[str, Rule]], skipped: list[Rule] | None):
    """``match(exclude)``; when a REGEX runs past its time budget, again without the rules using it
    (appended to ``skipped``), as often as needed; without ``skipped`` the error is raised."""
    exclude: frozenset[str] = frozenset()
    while True:
        try:
            return match(exclude)
        except RegexBudgetError as e:
            rules = [r for key, r in regex_rules.get(e.extension, {}).items() if key not in exclude]
            if skipped is None or not rules:
                raise
            skipped.extend(rules)
            exclude |= {r.key for r in rules}


def _matcher(vocab, patterns: list[tuple[str, list]]):
    """One Matcher holding ``patterns`` ((rule key, pattern) pairs), added in that order."""
    matcher = Matcher(vocab, validate=False)
    for key, pattern in patterns:
        matcher.add(key, [pattern])
    return matcher


def _checks(pattern: list, i: int, token_slot: dict[int, int]) -> tuple[tuple[int, int, int | None, int | None], ...]:
    """Where, relative to pattern token ``i`` (exactly one token), the pattern's other required tokens must be.

    One ``(bit, slot, first, last)`` per required ``{actor: ...}`` run (``slot`` -1) and per other
    token of a slot (``bit`` 0): a match with token ``i`` at position ``p`` has a token with that
    actor bit, or of that slot, among positions ``p + first`` .. ``p + last`` (``None``: the
    sentence edge) -- the instance nearest to ``p``, after the fewest or most tokens the pattern
    allows between.
    """
    out = []
    for k, tok in enumerate(pattern):
        if k == i:
            continue
        bit, slot = _actor_bit(tok) or 0, token_slot.get(k, -1)
        if not bit and slot < 0:
            continue
        if k < i:
            between = pattern[k + 1:i]
            far = max_length(between)
            out.append((bit, slot, None if far is None else -1 - far, -1 - min_length(between)))
        else:
            between = pattern[i + 1:k]
            far = max_length(between)
            out.append((bit, slot, 1 + min_length(between), None if far is None else 1 + far))
    return tuple(out)


class _ActorRuns:
    """Counts of tokens with each actor bit up to every position (built per bit on first use)."""

    __slots__ = ("mask", "cum")

    def __init__(self, mask: np.ndarray | None):
        self.mask = mask
        self.cum: dict[int, list[int]] = {}

    def any(self, bit: int, a: int, b: int) -> bool:
        """Whether a token in ``[a, b]`` (inclusive) has ``bit``; true when there is no mask to check."""
        if self.mask is None:
            return True
        cum = self.cum.get(bit)
        if cum is None:
            cum = self.cum[bit] = [0] + np.cumsum((self.mask & bit) != 0).tolist()
        return a <= b and cum[b + 1] > cum[a]


def _placed(checks: tuple, p: int, lo: int, hi: int, in_sentence: dict[int, list[int]], actors: _ActorRuns) -> bool:
    """Whether each of the ``checks`` (:func:`_checks`) holds around position ``p`` of sentence ``[lo, hi)``."""
    for bit, slot, first, last in checks:
        a = lo if first is None else max(lo, p + first)
        b = hi - 1 if last is None else min(hi - 1, p + last)
        if a > b:
            return False
        if bit and not actors.any(bit, a, b):
            return False
        if slot >= 0:
            where = in_sentence[slot]
            j = bisect_left(where, a)
            if j == len(where) or where[j] > b:
                return False
    return True


def _windows(in_sentence: dict[int, list[int]], slots: tuple[int, ...], offsets: dict[int, tuple],
             lo: int, hi: int, actors: _ActorRuns, features: Features) -> list[tuple[int, int]]:
    """Token windows of sentence ``[lo, hi)`` that hold every match of one pattern, merged.

    Every match holds a token of each slot, so the windows around the occurrences of one slot
    (``before`` tokens before it, ``after`` after it) hold them all: the slot whose windows
    cover the fewest tokens is taken. An occurrence without the actor references the pattern
    needs at their possible places (:func:`_actor_checks`) holds no match and has no window.
    """
    best, best_cost = slots[0], None
    for slot_id in slots:
        before, after, _, _ = offsets[slot_id]
        width = hi - lo if before is None or after is None else before + after + 1
        cost = len(in_sentence[slot_id]) * width
        if best_cost is None or cost < best_cost:
            best, best_cost = slot_id, cost
    before, after, checks, reach = offsets[best]
    out: list[tuple[int, int]] = []
    for p in in_sentence[best]:
        if checks and not _placed(checks, p, lo, hi, in_sentence, actors):
            continue
        a = lo if before is None else max(lo, p - before)
        b = hi if after is None else min(hi, p + 1 + after)
        if reach is not None:  # where the pattern's tokens around p can reach (:mod:`.reach`)
            window = reach.window(p, a, b, features)
            if window is None:
                continue
            a, b = window
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _actor_bit(tok: dict) -> int | None:
    """The :data:`~.patterns.ACTOR_BITS` bit a pattern token (from :func:`~.patterns.expand_classes`) needs
    at least once; None when it needs none."""
    ext = tok.get("_")
    if not isinstance(ext, dict) or len(ext) != 1:
        return None
    (name, value), = ext.items()
    if value is not True or not name.startswith("dk_actor_") or name[9:] not in ACTOR_BITS:
        return None
    op = tok.get("OP")
    return ACTOR_BITS[name[9:]] if op != "!" and op_bounds(op)[0] >= 1 else None
