"""How far a token pattern can reach around one of its required tokens: a cheap pre-check.

spaCy's :class:`~spacy.matcher.Matcher` costs a few microseconds per call and
per token (a Python ``Token`` per token, ``IN``/``NOT_IN`` sets and extension
attributes tested in Python), so the compiled codebook
(:mod:`.matcher`) runs each pattern only on windows around the occurrences
of one of its required words. For a pattern whose repeats are unbounded
("as" + title-case words + "said"), such a window ran to the sentence edge.

:class:`Reach` simulates the pattern token by token outwards from the
occurrence -- backwards over the pattern tokens before the required one,
forwards over those after it -- on per-Doc arrays of the attributes the
pattern tests (one ``Doc.to_array``), as a set of positions in the pattern
(an NFA: ``?``, ``*``, ``+``, ``{n,m}`` expanded). It gives the first token a
match could start at and the last it could end at, or ``None`` when no match
can hold the occurrence. Every test is *conservative*: a condition it cannot
evaluate (regular expressions, ``!``, comparisons, ``FUZZY``) is taken to
hold, so the window it gives holds every match spaCy would find there, and
the Matcher still decides on the narrowed window (same matches; checked by
``tests/extract/test_codebook_matcher.py`` against a full scan).
"""
from __future__ import annotations

import re
from typing import Any

from spacy.attrs import IDS

__all__ = ["Reach", "Features"]

_BOUNDED = re.compile(r"^\{(\d*)(,(\d*))?\}$")
_ONE, _OPT, _STAR = 0, 1, 2
_ALIASES = {"TEXT": "ORTH"}
#: attributes read from Doc.to_array (token or lexeme values spaCy's Matcher compares the same way)
_ARRAY_ATTRS = frozenset({"ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "ENT_TYPE",
                          "ENT_IOB", "ENT_ID", "ENT_KB_ID", "TAG", "POS", "DEP", "SPACY", "SENT_START"}) | {
    name for name in IDS if name.startswith(("IS_", "LIKE_"))}
#: the actor-mask column of :class:`Features`
ACTOR = "_actor_mask"


def _value(strings, value: Any) -> int | None:
    """The integer spaCy's Matcher compares a pattern value with (None: not a plain value)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return strings.add(value)
    return None


def _spec(tok: dict, strings, actor_bits: dict[str, int]) -> tuple:
    """A pattern token as a tuple of checks ``(attr, kind, value)``; unknown conditions are left out (they hold)."""
    out = []
    for key, value in tok.items():
        if key == "OP":
            continue
        if key == "_":
            if isinstance(value, dict):
                for name, want in value.items():
                    if want is True and name.startswith("dk_actor_") and name[9:] in actor_bits:
                        out.append((ACTOR, 3, actor_bits[name[9:]]))
            continue
        attr = _ALIASES.get(key.upper(), key.upper())
        if attr not in _ARRAY_ATTRS:
            continue
        if isinstance(value, dict):
            if set(value) <= {"IN", "NOT_IN"}:
                for op, members in value.items():
                    hashes = [_value(strings, m) for m in members] if isinstance(members, list) else [None]
                    if None not in hashes:
                        out.append((attr, 1 if op == "IN" else 2, frozenset(hashes)))
            continue
        v = _value(strings, value)
        if v is not None:
            out.append((attr, 0, v))
    return tuple(out)


def _expand(pattern: list, strings, actor_bits: dict[str, int]) -> list[tuple[int, tuple]] | None:
    """The pattern as (kind, checks) steps with only one / optional / star ops; None if an op is unknown."""
    out: list[tuple[int, tuple]] = []
    for tok in pattern:
        op = tok.get("OP")
        spec = () if op == "!" else _spec(tok, strings, actor_bits)  # "!": any one token (conservative)
        if op in (None, "1", "!"):
            out.append((_ONE, spec))
        elif op == "?":
            out.append((_OPT, spec))
        elif op == "*":
            out.append((_STAR, spec))
        elif op == "+":
            out += [(_ONE, spec), (_STAR, spec)]
        else:
            m = _BOUNDED.match(op) if isinstance(op, str) else None
            if m is None:
                return None
            low = int(m.group(1) or 0)
            if m.group(2) is None:
                high: int | None = low
            else:
                high = int(m.group(3)) if m.group(3) else None
            out += [(_ONE, spec)] * low
            out += [(_STAR, spec)] if high is None else [(_OPT, spec)] * (high - low)
    return out


class Features:
    """Per-Doc columns (Python lists) of the attributes the reach checks test, read once on first use."""

    __slots__ = ("doc", "mask", "attrs", "cols")

    def __init__(self, doc, mask, attrs: tuple[str, ...]):
        self.doc, self.mask, self.attrs = doc, mask, attrs
        self.cols: dict[str, list] | None = None

    def load(self) -> dict[str, list]:
        cols = self.cols
        if cols is None:
            cols = self.cols = {}
            plain = [a for a in self.attrs if a != ACTOR]
            if plain:
                array = self.doc.to_array([IDS[a] for a in plain]).reshape(len(self.doc), len(plain))
                for k, a in enumerate(plain):
                    cols[a] = array[:, k].tolist()
            cols[ACTOR] = self.mask.tolist() if self.mask is not None else None
        return cols


def _holds(spec: tuple, t: int, cols: dict[str, list]) -> bool:
    for attr, kind, value in spec:
        col = cols[attr]
        if kind == 0:
            if col[t] != value:
                return False
        elif kind == 1:
            if col[t] not in value:
                return False
        elif kind == 2:
            if col[t] in value:
                return False
        elif col is not None and not col[t] & value:  # kind 3: actor bits (no mask: may hold)
            return False
    return True


class _Walk:
    """The steps of one direction as an NFA over step indices: state sets are bit masks.

    ``closure[j]``: the states reachable from step ``j`` without a token (optional and star steps
    skipped); bit ``len(steps)`` is the accepting state.
    """

    __slots__ = ("steps", "closure", "end", "_states")

    def __init__(self, steps: list[tuple[int, tuple]]):
        self.steps = steps
        self.end = end = len(steps)
        closure = []
        for j in range(end + 1):
            bits, k = 1 << j, j
            while k < end and steps[k][0] != _ONE:
                k += 1
                bits |= 1 << k
            closure.append(bits)
        self.closure = closure
        self._states: dict[int, tuple[tuple[int, tuple, int], ...]] = {}

    def _live(self, bits: int) -> tuple[tuple[int, tuple, int], ...]:
        """(step, its checks, the states after it holds) for each non-accepting state in ``bits``."""
        live = self._states.get(bits)
        if live is None:
            steps, closure = self.steps, self.closure
            live = self._states[bits] = tuple(
                (k, steps[k][1], closure[k] if steps[k][0] == _STAR else closure[k + 1])
                for k in range(self.end) if bits >> k & 1)
        return live

    def run(self, positions: range, cols: dict[str, list]) -> int | None:
        """Tokens consumed (over ``positions``, in order) at the farthest point where every step can be done;
        None when never."""
        end = self.end
        bits = self.closure[0]
        best = 0 if bits >> end & 1 else None
        consumed = 0
        for t in positions:
            nxt = 0
            for _, spec, after in self._live(bits):
                if _holds(spec, t, cols):
                    nxt |= after
            if not nxt:
                break
            bits = nxt
            consumed += 1
            if bits >> end & 1:
                best = consumed
        return best


class Reach:
    """Where a match of ``pattern`` that has its token ``i`` (exactly one) at position ``p`` can lie.

    :meth:`window` gives ``(first, end)`` -- every such match lies within tokens ``[first, end)`` of the
    sentence -- or None when none can.
    """

    __slots__ = ("before", "after", "own", "attrs")

    def __init__(self, pattern: list, i: int, strings, actor_bits: dict[str, int]):
        before = _expand(list(reversed(pattern[:i])), strings, actor_bits)
        after = _expand(pattern[i + 1:], strings, actor_bits)
        own = _expand([pattern[i]], strings, actor_bits)
        steps = (before or []) + (after or []) + (own or [])
        self.attrs = tuple(sorted({attr for _, spec in steps for attr, _, _ in spec}))
        self.own = own[0][1] if own else ()
        self.before = _Walk(before) if before is not None and after is not None else None
        self.after = _Walk(after) if before is not None and after is not None else None

    @property
    def useful(self) -> bool:
        """Whether it can narrow anything (it knows every op and tests at least one attribute)."""
        return self.before is not None and bool(self.attrs)

    def window(self, p: int, lo: int, hi: int, features: Features) -> tuple[int, int] | None:
        """Tokens ``[first, end)`` of sentence ``[lo, hi)`` holding every match with the token at ``p``, or None."""
        cols = features.cols or features.load()
        if not _holds(self.own, p, cols):
            return None
        back = self.before.run(range(p - 1, lo - 1, -1), cols)
        if back is None:
            return None
        ahead = self.after.run(range(p + 1, hi), cols)
        if ahead is None:
            return None
        return p - back, p + 1 + ahead
