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
#: attributes of the word itself (spaCy's Matcher reads them from the token's lexeme): looked up once per
#: distinct word
LEXEME_ATTRS = frozenset({"ORTH", "LOWER", "SHAPE", "PREFIX", "SUFFIX", "LENGTH"}) | {
    name for name in IDS if name.startswith(("IS_", "LIKE_")) and name not in ("IS_SENT_START", "IS_SENT_END")}
#: attributes of the token in its Doc: read with one Doc.to_array per Doc, when first needed
TOKEN_ATTRS = frozenset({"NORM", "LEMMA", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID", "TAG", "POS", "DEP",
                         "SPACY", "SENT_START"})
_ARRAY_ATTRS = LEXEME_ATTRS | TOKEN_ATTRS
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
                        out.append((ACTOR, 0, actor_bits[name[9:]]))
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
    """What the reach checks read of one Doc: its words' lexeme attributes, token columns, actor bits.

    ``lexemes`` (shared by every Doc of a vocab) maps a word's ORTH hash to its row of
    :attr:`lexeme_attrs` values, filled on first sight of the word; token attributes are read
    with one ``Doc.to_array`` when first needed.
    """

    __slots__ = ("doc", "mask", "lexeme_attrs", "token_attrs", "lexemes", "orth", "cols", "walked")

    def __init__(self, doc, mask, lexeme_attrs: tuple[str, ...], token_attrs: tuple[str, ...],
                 lexemes: dict[int, tuple]):
        self.doc, self.mask = doc, mask
        self.lexeme_attrs, self.token_attrs, self.lexemes = lexeme_attrs, token_attrs, lexemes
        self.orth: list[int] | None = None
        self.cols: dict[str, list] | None = None
        #: (walk, first position, stop) -> its result: patterns of one rule often share a walk (:func:`bind_all`)
        self.walked: dict[tuple, int | None] = {}

    def row(self, t: int) -> tuple:
        """The lexeme attributes (in :attr:`lexeme_attrs` order) of token ``t``."""
        orth = self.orth
        if orth is None:
            orth = self.orth = self.doc.to_array(IDS["ORTH"]).tolist()
        row = self.lexemes.get(orth[t])
        if row is None:
            lex = self.doc.vocab[orth[t]]
            row = self.lexemes[orth[t]] = tuple(int(getattr(lex, a.lower())) for a in self.lexeme_attrs)
        return row

    def columns(self) -> dict[str, list]:
        """Token attribute columns and the actor bits (``None`` without a mask: every actor check holds)."""
        cols = self.cols
        if cols is None:
            cols = self.cols = {}
            if self.token_attrs:
                array = self.doc.to_array([IDS[a] for a in self.token_attrs]).reshape(len(self.doc), -1)
                for k, a in enumerate(self.token_attrs):
                    cols[a] = array[:, k].tolist()
            cols[ACTOR] = self.mask.tolist() if self.mask is not None else None
        return cols


def _holds(spec: tuple, t: int, features: Features) -> bool:
    """Whether token ``t`` may match a pattern token (its checks: ``(source, key, kind, value)``)."""
    row = cols = None
    for source, key, kind, value in spec:
        if source == 0:  # a lexeme attribute: key = its index in the row
            if row is None:
                row = features.row(t)
            v = row[key]
        else:
            if cols is None:
                cols = features.cols or features.columns()
            col = cols[key]
            if source == 2:  # actor bits (no mask: may hold)
                if col is not None and not col[t] & value:
                    return False
                continue
            v = col[t]
        if kind == 0:
            if v != value:
                return False
        elif kind == 1:
            if v not in value:
                return False
        elif v in value:  # kind 2: NOT_IN
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

    def run(self, positions: range, features: Features) -> int | None:
        """Tokens consumed (over ``positions``, in order) at the farthest point where every step can be done;
        None when never (remembered per Doc)."""
        key = (self, positions.start, positions.stop)
        walked = features.walked
        if key in walked:
            return walked[key]
        walked[key] = found = self._run(positions, features)
        return found

    def _run(self, positions: range, features: Features) -> int | None:
        end = self.end
        bits = self.closure[0]
        best = 0 if bits >> end & 1 else None
        consumed = 0
        for t in positions:
            nxt = 0
            for _, spec, after in self._live(bits):
                if _holds(spec, t, features):
                    nxt |= after
            if not nxt:
                break
            bits = nxt
            consumed += 1
            if bits >> end & 1:
                best = consumed
        return best


def _bind(spec: tuple, lexeme_index: dict[str, int]) -> tuple:
    """``(attr, kind, value)`` checks as ``(source, key, kind, value)`` for :func:`_holds`."""
    out = []
    for attr, kind, value in spec:
        if attr == ACTOR:
            out.append((2, ACTOR, 0, value))
        elif attr in LEXEME_ATTRS:
            out.append((0, lexeme_index[attr], kind, value))
        else:
            out.append((1, attr, kind, value))
    return tuple(out)


class Reach:
    """Where a match of ``pattern`` that has its token ``i`` (exactly one) at position ``p`` can lie.

    :meth:`window` gives ``(first, end)`` -- every such match lies within tokens ``[first, end)`` of the
    sentence -- or None when none can. Usable once :meth:`bind` has given it the order of the
    lexeme attributes its :class:`Features` read.
    """

    __slots__ = ("_steps", "before", "after", "own", "attrs")

    def __init__(self, pattern: list, i: int, strings, actor_bits: dict[str, int]):
        before = _expand(list(reversed(pattern[:i])), strings, actor_bits)
        after = _expand(pattern[i + 1:], strings, actor_bits)
        own = _expand([pattern[i]], strings, actor_bits)
        steps = (before or []) + (after or []) + (own or [])
        self.attrs = tuple(sorted({attr for _, spec in steps for attr, _, _ in spec}))
        self._steps = (before, after, own[0][1] if own else ()) if before is not None and after is not None else None
        self.before = self.after = None
        self.own: tuple = ()

    @property
    def useful(self) -> bool:
        """Whether it can narrow anything (it knows every op and tests at least one attribute)."""
        return self._steps is not None and bool(self.attrs)

    def bind(self, lexeme_index: dict[str, int], walks: dict[tuple, _Walk] | None = None) -> None:
        """Compile the checks for rows of lexeme attributes in ``lexeme_index`` order (equal walks shared
        through ``walks``)."""
        walks = {} if walks is None else walks
        before, after, own = self._steps
        for side, steps in (("before", before), ("after", after)):
            bound = tuple((kind, _bind(spec, lexeme_index)) for kind, spec in steps)
            walk = walks.get(bound)
            if walk is None:
                walk = walks[bound] = _Walk(list(bound))
            setattr(self, side, walk)
        self.own = _bind(own, lexeme_index)

    def window(self, p: int, lo: int, hi: int, features: Features) -> tuple[int, int] | None:
        """Tokens ``[first, end)`` of sentence ``[lo, hi)`` holding every match with the token at ``p``, or None."""
        if not _holds(self.own, p, features):
            return None
        back = self.before.run(range(p - 1, lo - 1, -1), features)
        if back is None:
            return None
        ahead = self.after.run(range(p + 1, hi), features)
        if ahead is None:
            return None
        return p - back, p + 1 + ahead


def bind_all(reaches: list[Reach]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Bind ``reaches`` to one row layout; returns the (lexeme, token) attributes their Features must read."""
    attrs = {a for r in reaches for a in r.attrs if a != ACTOR}
    lexeme_attrs = tuple(sorted(a for a in attrs if a in LEXEME_ATTRS))
    index = {a: k for k, a in enumerate(lexeme_attrs)}
    walks: dict[tuple, _Walk] = {}
    for r in reaches:
        r.bind(index, walks)
    return lexeme_attrs, tuple(sorted(a for a in attrs if a not in LEXEME_ATTRS))
