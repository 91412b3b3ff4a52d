"""Rule patterns: word forms, safe regular expressions, and what a match must contain.

* :func:`word_forms` -- a lemma's inflected forms from spaCy's English lookup
  table (``LEMMA`` in a pattern is expanded to them, case-insensitively);
* :func:`regex_problem` -- why a ``REGEX`` is refused (catastrophic
  backtracking, back-references), so a run cannot hang;
* :func:`compile_entries`, :func:`expand_classes` -- word classes: their
  entries in every inflected form, and ``{class: ...}`` / ``{actor: ...}``
  pattern tokens replaced by what the Matcher runs;
* :func:`transform_pattern` -- a pattern as the Matcher runs it;
* :func:`slot_words`, :func:`required_words`, :func:`max_length` -- the words a
  match must contain and how long it can be, which let the matcher
  (:mod:`.matcher`) skip sentences and tokens that cannot match.
"""
from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import regex as _regex
import spacy
import spacy_lookups_data
from spacy.language import Language
from spacy.tokens import Doc, Token

from ...errors import CodebookError, RegexBudgetError
from .model import MAX_REGEX_TOKEN_CHARS, WordClass, WordSet

try:  # Python >= 3.11
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = [
    "REGEX_ATTRS",
    "ACTOR_BITS",
    "ACTOR_KINDS",
    "MAX_VARIANTS",
    "word_forms",
    "compile_entries",
    "expand_classes",
    "actor_extension",
    "set_actor_mask",
    "phrase_variants",
    "forms_of",
    "check_pattern",
    "regex_problem",
    "REGEX_TIME_BUDGET",
    "regex_extension",
    "transform_pattern",
    "slot_words",
    "slot_positions",
    "required_words",
    "max_length", "min_length", "op_bounds",
]

#: Token attributes a ``REGEX`` may test, and the Token attribute each reads.
REGEX_ATTRS = {
    "ORTH": "text", "TEXT": "text", "LOWER": "lower_", "NORM": "norm_", "LEMMA": "lemma_",
    "SHAPE": "shape_", "PREFIX": "prefix_", "SUFFIX": "suffix_", "ENT_TYPE": "ent_type_", "ENT_ID": "ent_id_",
}
#: Contractions the lookup table does not list under their lemma.
_EXTRA_FORMS = {
    "be": ("'s", "’s", "'re", "’re", "'m", "’m"),
    "have": ("'ve", "’ve", "'d", "’d", "'s", "’s"),
    "will": ("'ll", "’ll", "wo"),
    "would": ("'d", "’d"),
    "not": ("n't", "n’t"),
    "can": ("ca",),
}



@lru_cache(maxsize=1)
def _inverse_lemmas() -> dict[str, frozenset[str]]:
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    table = json.loads(gzip.decompress(path.read_bytes()))
    inverse: dict[str, set[str]] = {}
    for form, lemma in table.items():
        inverse.setdefault(lemma.lower(), set()).add(form.lower())
    for lemma, extra in _EXTRA_FORMS.items():
        inverse.setdefault(lemma, set()).update(extra)
    return {k: frozenset(v) for k, v in inverse.items()}


def word_forms(word: str) -> frozenset[str]:
    """The word lower-cased plus every form the English lookup table maps to it.

    >>> sorted(word_forms("deceive"))
    ['deceive', 'deceived', 'deceives', 'deceiving']
    """
    w = word.lower()
    forms = _inverse_lemmas().get(w)
    if forms:
        return frozenset({w}) | forms
    return frozenset({w, *_regular_plural(w)})


def _regular_plural(w: str) -> tuple[str, ...]:
    """The regular -s/-es/-ies form of a word the lookup table does not know ("kleptocrat" ->
    "kleptocrats", "globalist" -> "globalists"), so plurals of listed nouns are matched too."""
    if len(w) < 4 or not w.isalpha() or w.endswith("s"):
        return ()
    if w.endswith(("sh", "ch", "x", "z")):
        return (w + "es",)
    if w.endswith("y") and w[-2] not in "aeiou":
        return (w[:-1] + "ies",)
    return (w + "s",)


def forms_of(words: Iterable[str]) -> frozenset[str]:
    """Every form (:func:`word_forms`) of every word."""
    out: set[str] = set()
    for w in words:
        out |= word_forms(w)
    return frozenset(out)


#: Kinds of actor reference, one bit each in the per-token actor mask
#: (:func:`analysis.extract.codebook.references.actor_mask`).
ACTOR_KINDS = {"mention": 1, "title": 2, "noun": 4, "demonym": 8, "name": 16, "pronoun": 32}
#: Bits an ``{actor: ...}`` pattern token tests: any kind, or a camp (gazetteer mentions and demonyms).
ACTOR_BITS = {"any": 63, "russia": 64, "west": 128, "other": 256}
#: Most token-pattern variants one rule may expand to (multi-word class entries multiply them).
MAX_VARIANTS = 4000
#: Tokens an ``{actor: ...}`` pattern token may span ("the Russian Federation", "Western delegations").
ACTOR_SPAN = 6
_ACTOR_MASKS: "weakref.WeakKeyDictionary[Doc, np.ndarray]" = weakref.WeakKeyDictionary()
_PATTERN_KEYS = {"class", "actor", "OP"}


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    """A blank English pipeline: its tokenizer splits phrases, its vocab checks patterns at load time."""
    return spacy.blank("en")


def _entry_tokens(entry: str) -> list[str]:
    """A class entry's tokens, split by the blank tokenizer as text is split."""
    return [t.text for t in blank_nlp().tokenizer(entry) if not t.is_space]


def compile_entries(words, exact=(), *, inflect: bool = True) -> tuple[WordSet, tuple]:
    """A class's entries as a :class:`WordSet` and as token sequences of per-token form sets.

    Each word of an entry in ``words`` matches its inflected forms (:func:`word_forms`) when
    ``inflect`` is true; entries in ``exact`` match only as written (case-insensitively).
    """
    variants = []
    for entries, inflected in ((words, inflect), (exact, False)):
        for entry in entries:
            toks = _entry_tokens(entry)
            if toks:
                variants.append(tuple(word_forms(t) if inflected and t.isalpha() else frozenset({t.lower()})
                                      for t in toks))
    variants = tuple(dict.fromkeys(variants))
    single = frozenset().union(*(v[0] for v in variants if len(v) == 1))
    return WordSet(single, tuple(v for v in variants if len(v) > 1)), variants


def actor_extension(camp: str) -> str:
    """Register (once) the token extension an ``{actor: camp}`` pattern token tests; returns its name."""
    name = f"dk_actor_{camp}"
    if not Token.has_extension(name):
        bit = ACTOR_BITS[camp]

        def get(token, _bit=bit) -> bool:
            mask = _ACTOR_MASKS.get(token.doc)
            return mask is not None and bool(mask[token.i] & _bit)

        Token.set_extension(name, getter=get)
    return name


def set_actor_mask(doc: Doc, mask: np.ndarray) -> None:
    """Give ``doc`` its per-token actor bits (:data:`ACTOR_BITS`) for ``{actor: ...}`` pattern tokens."""
    _ACTOR_MASKS[doc] = mask


def expand_classes(pattern: list, classes: dict[str, WordClass], path: Path, where: str | None,
                   used: set[str]) -> list[list]:
    """The token pattern with its ``{class: ...}`` and ``{actor: ...}`` tokens replaced.

    ``{class: name}`` (or a list of names) becomes one token matching every single-word member
    (``LOWER IN`` its forms) and, for each multi-word member, a variant of the pattern with
    that member's token sequence in its place; ``OP: "?"`` adds the variant without it.
    ``{actor: any|russia|west|other}`` becomes a run of 1-6 tokens that refer to an actor
    (``OP: "?"``: 0-6). Returns the list of variants (just ``[pattern]`` without such tokens);
    the class names met are added to ``used``.
    """
    choices: list[list[list[dict]]] = []
    for tok in pattern:
        if not isinstance(tok, dict) or not ({"class", "actor"} & set(tok)):
            choices.append([[tok]])
            continue
        extra = set(tok) - _PATTERN_KEYS
        if extra or ("class" in tok and "actor" in tok):
            raise CodebookError(f"a {{class: ...}} or {{actor: ...}} token takes only OP beside it; got "
                                f"{', '.join(sorted(map(str, set(tok) - {'OP'})))}", path=path, where=where)
        op = tok.get("OP")
        if "actor" in tok:
            camp = tok["actor"]
            if camp not in ACTOR_BITS:
                raise CodebookError(f"actor must be one of {', '.join(ACTOR_BITS)}; got {camp!r}", path=path,
                                    where=where)
            if op not in (None, "?"):
                raise CodebookError(f"an {{actor: ...}} token takes OP '?' only (it spans 1-{ACTOR_SPAN} tokens); "
                                    f"got {op!r}", path=path, where=where)
            span = f"{{{0 if op == '?' else 1},{ACTOR_SPAN}}}"
            choices.append([[{"_": {actor_extension(camp): True}, "OP": span}]])
            continue
        names = tok["class"] if isinstance(tok["class"], list) else [tok["class"]]
        for name in names:
            if not isinstance(name, str) or name not in classes:
                known = ", ".join(classes) or "none defined"
                raise CodebookError(f"unknown class {name!r} (classes: {known})", path=path, where=where)
            used.add(name)
        if op not in (None, "?"):
            raise CodebookError(f"a {{class: ...}} token takes OP '?' or none; got {op!r}", path=path, where=where)
        variants = dict.fromkeys(v for name in names for v in classes[name].variants)
        single = sorted(set().union(*(v[0] for v in variants if len(v) == 1)))
        alts: list[list[dict]] = []
        if single:
            alts.append([{"LOWER": {"IN": single}}])
        alts.extend([{"LOWER": {"IN": sorted(forms)}} for forms in v] for v in variants if len(v) > 1)
        if op == "?":
            alts.append([])
        choices.append(alts)
    n = 1
    for c in choices:
        n *= len(c)
    if n > MAX_VARIANTS:
        raise CodebookError(f"the pattern's classes expand to {n:,} variants (at most {MAX_VARIANTS:,}): "
                            "use fewer multi-word class entries in one pattern", path=path, where=where)
    out = []
    for combo in itertools.product(*choices):
        variant = [t for part in combo for t in part]
        if variant:
            out.append(variant)
    return out


def phrase_variants(pattern: list, limit: int = 2000) -> list[tuple[str, ...]] | None:
    """The pattern as the word sequences it matches, when it is just words (``LOWER`` / ``IN``, no OP).

    Such a pattern is run by a PhraseMatcher (hash look-ups in C) instead of a Matcher; None
    when the pattern has anything else, or more than ``limit`` sequences.
    """
    slots = []
    for tok in pattern:
        if set(tok) != {"LOWER"}:
            return None
        value = tok["LOWER"]
        if isinstance(value, str):
            slots.append((value.lower(),))
        elif isinstance(value, dict) and set(value) == {"IN"} and value["IN"]:
            slots.append(tuple(sorted({str(v).lower() for v in value["IN"]})))
        else:
            return None
    n = 1
    for s in slots:
        n *= len(s)
    if n > limit:
        return None
    return list(itertools.product(*slots))


def check_pattern(pattern, path: Path, where: str | None) -> list:
    """A rule's token pattern, checked: a list of token mappings, no yes/no read as booleans, safe REGEXes,
    and at least one required token with a condition (``[{}]`` or ``[{OP: '*'}]`` would match every token)."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        raise CodebookError("a pattern must be a non-empty list of token mappings, e.g. [{LOWER: regime}]",
                            path=path, where=where)
    for tok in pattern:
        for attr, value in tok.items():
            if attr in REGEX_ATTRS and (isinstance(value, bool) or (isinstance(value, dict) and any(
                    isinstance(v, bool) or (isinstance(v, list) and any(isinstance(x, bool) for x in v))
                    for v in value.values()))):
                raise CodebookError(f"{attr}: YAML read a bare yes/no/on/off/true/false as a boolean; put the word in "
                                    "quotes (\"no\")", path=path, where=where)
            if isinstance(value, dict) and "REGEX" in value:
                problem = regex_problem(value["REGEX"])
                if problem:
                    raise CodebookError(f"{attr} REGEX {value['REGEX']!r} refused: {problem}", path=path, where=where)
                if attr not in REGEX_ATTRS:
                    raise CodebookError(f"REGEX is not supported on {attr}", path=path, where=where)
    if not any(set(tok) - {"OP"} and tok.get("OP") not in ("?", "*", "!") for tok in pattern):
        raise CodebookError(
            "the pattern would match every token (or nothing): at least one token must be required and "
            "say what it matches, e.g. [{LOWER: regime}] rather than [{}] or [{OP: '*'}]", path=path, where=where)
    return pattern


def regex_problem(source) -> str | None:
    """Why a pattern ``REGEX`` is refused (None if it is safe).

    Refused: invalid expressions, back-references, any quantified group
    whose content itself holds a quantifier or an alternation -- the shapes of
    catastrophic backtracking such as ``(a+)+``, ``(a|a)*`` or ``(\\w+\\s?)*`` --
    and unbounded quantifiers in a row over overlapping characters
    (``\\w*\\w*\\w*``, ``.*.*``, ``\\w*a\\w*a``). What passes still runs with a
    time budget per token (:func:`regex_extension`).
    """
    if not isinstance(source, str):
        return "REGEX must be a string"
    if len(source) > 1000:
        return "longer than 1000 characters"
    try:
        parsed = _sre_parse.parse(source)
    except re.error as e:
        return f"invalid regular expression ({e})"
    return _walk_regex(parsed, inside_repeat=False) or _chained_repeats(parsed)


#: Seconds one REGEX may spend on one token before its rules are left out of that document (with a warning).
REGEX_TIME_BUDGET = 0.25
_MAXREPEAT = getattr(_sre_parse, "MAXREPEAT", 4294967295)
#: characters tried when deciding whether two quantified items can match the same character
_SAMPLE = "".join(map(chr, range(128))) + "\u00a0\u00e9\u00c9\u00df\u0430\u0416\u03b1\u4e2d\u0661\u2028"


def _first_chars(sub) -> set[str]:
    """The sample characters the first character matched by ``sub`` (a parsed sequence) can be (a superset)."""
    out: set[str] = set()
    for op, av in sub:
        name = str(op)
        if name in ("AT",):
            continue  # zero-width: look at what follows
        chars = _item_chars(op, av)
        out |= chars
        if not (name in _REPEATS and av[0] == 0):
            return out  # a required item: nothing after it can be first
    return out


def _item_chars(op, av) -> set[str]:
    """The sample characters one parsed item can start with (every sample character when unsure)."""
    name = str(op)
    if name == "LITERAL":
        return _cases(chr(av))
    if name == "NOT_LITERAL":
        return set(_SAMPLE) - {chr(av)}
    if name == "IN":
        return {c for c in _SAMPLE if _in_class(av, c)}
    if name in _REPEATS:
        return _first_chars(av[2])
    if name == "SUBPATTERN":
        return _first_chars(av[-1])
    if name == "BRANCH":
        return set().union(*(_first_chars(alt) for alt in av[1]))
    return set(_SAMPLE)  # ANY, CATEGORY, assertions ...: assume anything


def _cases(c: str) -> set[str]:
    """``c`` and its one-character case variants (flags such as ``(?i)`` are not tracked: be generous)."""
    return {x for x in (c, c.lower(), c.upper()) if len(x) == 1}


def _in_class(items, c: str) -> bool:
    negate, hit = False, False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit |= c in _cases(chr(av))
        elif name == "RANGE":
            hit |= any(av[0] <= ord(x) <= av[1] for x in _cases(c))
        elif name == "CATEGORY":
            hit |= bool(re.fullmatch("[" + _CATEGORIES.get(str(av), ".") + "]", c, re.S)) if str(av) in _CATEGORIES \
                else True
        else:
            hit = True
    return hit != negate


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
               "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _flat(sub) -> list:
    """The items of a sequence with plain groups ``(...)`` opened (their items join the sequence)."""
    out = []
    for op, av in sub:
        if str(op) == "SUBPATTERN":
            out.extend(_flat(av[-1]))
        else:
            out.append((op, av))
    return out


def _chained_repeats(sub) -> str | None:
    """Refuse unbounded quantifiers chained over the same characters: two in a row (``\\w*\\w*``,
    ``.*.*``), or three or more separated only by items the first could also match
    (``\\w*a\\w*a\\w*``). Every way of sharing a token between them is tried, so a chain
    of k costs the token's length to the power k. Groups are checked inside too.
    """
    current: set[str] | None = None  # characters the unbounded quantifiers of this chain match
    count, adjacent = 0, False
    for op, av in _flat(sub):
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width
        inner = av[2] if name in _REPEATS else av[-1] if name == "SUBPATTERN" else None
        for part in ([inner] if inner is not None else av[1] if name == "BRANCH" else []):
            problem = _chained_repeats(part)
            if problem:
                return problem
        if name in _REPEATS and (av[1] == _MAXREPEAT or av[1] > 50):
            chars = _first_chars(av[2])
            if current is not None and current & chars:
                count += 1
                if adjacent:
                    return ("two unbounded quantifiers in a row over the same characters, e.g. \\w*\\w* "
                            "(slow backtracking); merge them into one")
                if count >= 3:
                    return (f"{count} unbounded quantifiers chained over the same characters, e.g. "
                            "\\w*a\\w*a\\w* (catastrophic backtracking)")
                current |= chars
            else:
                current, count = chars, 1
            adjacent = True
            continue
        adjacent = False
        if current is not None and not (_item_chars(op, av) <= current):
            current, count = None, 0  # a required item the quantifiers cannot absorb ends the chain
    return None


_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _walk_regex(sub, inside_repeat: bool) -> str | None:
    for op, av in sub:
        name = str(op)
        if name in _REPEATS:
            lo, hi, item = av
            unbounded = hi > 1
            if inside_repeat and unbounded:
                return "nested quantifier (catastrophic backtracking)"
            problem = _walk_regex(item, inside_repeat or unbounded)
            if problem:
                return problem
        elif name == "BRANCH":
            if inside_repeat:
                return "quantified alternation (catastrophic backtracking)"
            for alt in av[1]:
                problem = _walk_regex(alt, inside_repeat)
                if problem:
                    return problem
        elif name in ("GROUPREF", "GROUPREF_EXISTS"):
            return "back-references are not allowed"
        elif name == "SUBPATTERN":
            problem = _walk_regex(av[-1], inside_repeat)
            if problem:
                return problem
        elif name in ("ASSERT", "ASSERT_NOT"):
            problem = _walk_regex(av[1], inside_repeat)
            if problem:
                return problem
        elif name == "ATOMIC_GROUP":
            problem = _walk_regex(av, inside_repeat)
            if problem:
                return problem
    return None


def regex_extension(attr: str, source: str) -> str:
    """Register (once) a token extension that runs ``source`` on short tokens only; returns its name.

    Matching uses the ``regex`` package with a time budget (:data:`REGEX_TIME_BUDGET`
    per token): an expression that still backtracks catastrophically raises
    :class:`~analysis.errors.RegexBudgetError` (a one-line :class:`CodebookError`)
    instead of hanging; the matcher then leaves the rules using it out for that
    document (:meth:`~analysis.extract.codebook.CompiledCodebook.matches`).
    """
    name = "dk_rx_" + hashlib.sha1(f"{attr}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if not Token.has_extension(name):
        rx = _regex.compile(source)
        getter_attr = REGEX_ATTRS[attr]

        def get(token, _rx=rx, _attr=getter_attr, _name=name) -> bool:
            value = getattr(token, _attr)
            if len(value) > MAX_REGEX_TOKEN_CHARS:
                return False
            try:  # bounded by construction: no expression may run longer than the budget on one token
                return _rx.search(value, timeout=REGEX_TIME_BUDGET) is not None
            except TimeoutError:
                raise RegexBudgetError(
                    f"{attr} REGEX {source!r} took more than {REGEX_TIME_BUDGET} s on the token {value[:40]!r} "
                    "(catastrophic backtracking); simplify it", extension=_name) from None

        Token.set_extension(name, getter=get)
    return name


def transform_pattern(pattern: list) -> list:
    """Expand LEMMA into case-insensitive word forms and guard REGEX predicates."""
    out = []
    for tok in pattern:
        tok = dict(tok)
        if "LEMMA" in tok and "LOWER" not in tok:
            value = tok["LEMMA"]
            if isinstance(value, str):
                tok.pop("LEMMA")
                tok["LOWER"] = {"IN": sorted(word_forms(value))}
            elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"}:
                tok.pop("LEMMA")
                tok["LOWER"] = {k: sorted(forms_of(str(w) for w in v)) for k, v in value.items()}
        for attr in list(tok):
            value = tok[attr]
            if isinstance(value, dict) and "REGEX" in value:
                rest = {k: v for k, v in value.items() if k != "REGEX"}
                name = regex_extension(attr, value["REGEX"])
                if rest:
                    tok[attr] = rest
                else:
                    del tok[attr]
                ext = dict(tok.get("_", {}))
                ext[name] = True
                tok["_"] = ext
        out.append(tok)
    return out


#: Very frequent words and punctuation that never make a token slot a useful filter.
_ANCHOR_STOP = frozenset(
    "the of and to a in is that for it as was with be by on are at this an or from which were been "
    "has have had its their will we i you he she they 's ’s".split()
)
_REQUIRED_OP = re.compile(r"^\{[1-9]\d*(,\d*)?\}$")


def slot_words(pattern: list) -> list[frozenset[str]]:
    """Word sets of the *required* tokens of a pattern that a sentence must contain.

    A required token has no ``OP``, or ``+`` / ``{n,m}`` with n >= 1, and is
    given by ``LOWER``/``ORTH``/``TEXT`` equality or ``IN``. Slots made only of
    very frequent words or punctuation are left out (they filter nothing),
    unless the pattern has no other slot. Empty list: the pattern cannot be
    filtered and runs over the whole Doc.
    """
    return [words for _, words in slot_positions(pattern)]


def slot_positions(pattern: list) -> list[tuple[int, frozenset[str]]]:
    """:func:`slot_words` with the index of each slot's token in the pattern."""
    slots = [(i, words) for i, words in enumerate(map(required_words, pattern)) if words]
    useful = [(i, w) for i, w in slots if not any(x in _ANCHOR_STOP or not any(c.isalnum() for c in x) for x in w)]
    return useful or slots[:1]


_BOUNDED_OP = re.compile(r"^\{(\d*)(,(\d*))?\}$")


def required_words(tok: dict) -> frozenset[str] | None:
    """Lower-case words a required pattern token must be (``LOWER``/``ORTH``/``TEXT`` or ``IN``), else None."""
    op = tok.get("OP")
    if op not in (None, "+", "1") and not (isinstance(op, str) and _REQUIRED_OP.match(op)):
        return None
    for attr in ("LOWER", "ORTH", "TEXT"):
        value = tok.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict) and set(value) == {"IN"} and value["IN"]:
            return frozenset(str(v).lower() for v in value["IN"])
    return None


def op_bounds(op) -> tuple[int, int | None]:
    """Fewest and most tokens a pattern token with operator ``op`` matches (most: ``None`` = unbounded);
    ``{2}`` -> (2, 2), ``{0,3}`` -> (0, 3), ``{1,}`` -> (1, None), ``*`` -> (0, None)."""
    if op in (None, "!", "1"):
        return 1, 1
    if op == "?":
        return 0, 1
    m = _BOUNDED_OP.match(op) if isinstance(op, str) else None
    if m is None:
        return (1 if op == "+" else 0), None  # "*", "+" (and anything unknown: no upper bound)
    low = int(m.group(1) or 0)
    return low, (low if m.group(2) is None else int(m.group(3)) if m.group(3) else None)  # {n} / {n,m} / {n,}


def min_length(pattern: list) -> int:
    """Fewest tokens a match of ``pattern`` can span (``?``, ``*``, ``{0,m}`` tokens may be absent)."""
    return sum(op_bounds(tok.get("OP"))[0] for tok in pattern)


def max_length(pattern: list) -> int | None:
    """Most tokens a match of ``pattern`` can span; ``None`` when unbounded (``*``, ``+``, ``{n,}``)."""
    highs = [op_bounds(tok.get("OP"))[1] for tok in pattern]
    return None if None in highs else sum(highs)
