"""The rhetorical-feature codebook: load, validate and compile it.

A codebook is YAML (``analysis/codebooks/diplomatic_rhetoric.yaml`` is the
bundled one; its header documents the schema for scholars)::

    id: my_codebook
    version: "1.0"
    description: ...
    lexicons: {...}          # optional: named word lists, reused through YAML anchors
    categories:
      - id: deception_accusation
        label: Deception accusation
        definition: ...      # 2-4 sentences a human coder can apply
        target: [agent, inside, before, after]   # optional: how to pick the target actor
        examples: [...]      # sentences that must be coded with this category
        counter_examples: [...]   # near misses that must not be coded
        rules:
          - id: dec_verb
            pattern: [{LOWER: {IN: [lied, deceived]}}]   # or `patterns:` (a list of them)
            exclude_negation: {window: 3}                 # optional constraints
          - id: dec_phrase
            phrases: [in bad faith, double game]          # attr: LOWER (default) or ORTH

**Rules.** ``pattern`` is a spaCy ``Matcher`` token pattern; ``patterns`` a
list of them (alternatives of one rule); ``phrases`` a list of strings for a
``PhraseMatcher`` (``attr: LOWER`` by default, ``ORTH`` for case-sensitive); a
word ending in ``*`` matches any continuation (``deceit*``). The default
pipeline sets no POS/TAG/DEP, so patterns must not need them; ``ENT_TYPE``
(``ACTOR``/``TITLE``) and ``ENT_ID`` (canonical actor name) may be used.
``LEMMA`` in a pattern is **expanded to every inflected form** of the lemma in
spaCy's English lookup table and matched case-insensitively
(``{LEMMA: deceive}`` matches "Deceived"), so rules behave the same with any
pipeline, trained or not. Beware: the table maps "lay" to *lie*; list the forms
with ``LOWER`` where that matters.

**Constraints** (:data:`CONSTRAINTS`; each optional, checked per match on token
indices, never on the whole document). ``window`` counts tokens and never
crosses the sentence; ``sentence`` means the whole sentence of the match.

* ``require_actor: {camp: west|russia|other|any or a list, type: a gazetteer type (person, state, organisation, bloc, ...) or a list, window: sentence|match|N}``
  -- an ``ACTOR`` mention of that camp/type inside the match (``match``),
  within N tokens of it, or in its sentence (default ``sentence``, camp ``any``).
* ``require_negation: {window: N}`` -- a negator (:data:`NEGATORS`) among the N
  tokens before the match (default 3); ``exclude_negation`` -- none there.
* ``require_first_person: {window: N|sentence}`` -- a first-person pronoun
  (:data:`FIRST_PERSON`) among the N tokens before the match (default 6).
* ``require_context: {words: [...], window: N|sentence}`` -- one of the words
  (any inflected form, case-insensitive) within N tokens either side of the
  match or in its sentence (default ``sentence``).
* ``exclude_preceding`` / ``exclude_following: [...]`` or ``{words: [...], window: N}``
  -- the match is dropped when one of the words (any form) is among the N
  tokens (default 1) right before / after it ("sanctions regime").

**Targets.** A category's ``target`` lists strategies (:data:`TARGET_STRATEGIES`)
tried in order to name the actor the feature is aimed at; a rule may override
it with its own ``target``. Candidates lie in the match's sentence: ``agent``
the one right after "by" following the match ("deceived by NATO"); ``inside``
the first within the match ("the Kyiv regime"); ``near`` the nearest within 3
tokens either side (before wins ties); ``before`` / ``after`` the nearest
before / after the match. ``[]`` or ``none``: no target.

The strategies run over three kinds of candidate in turn, and the first kind
that yields a target wins; the evidence column ``target_source`` records it
(:mod:`analysis.rhetoric`):

1. ``actor`` -- ``ACTOR`` mentions (gazetteer aliases, e.g. "Washington's
   hypocrisy", "the Kyiv regime").
2. ``title`` -- ``TITLE`` entities that :func:`analysis.attribution.resolve_titles`
   resolves to an actor ("the Minister's lies" after Lavrov was named). A
   title followed by ":" is a transcript speaker label, never a target.
3. ``demonym`` -- gazetteer demonyms ("Russian propaganda" -> Russia, "the
   Western narrative" -> the West), never counted as mentions. A demonym inside
   an actor mention, before a people or place noun ("the Ukrainian people",
   "Russian-speaking", "Western Europe") or after anti-/pro- is ignored.
   Outside the match, a demonym right before it always counts ("to the Russian
   regime"); otherwise one that follows a victim preposition and determiners
   ("lies about the Ukrainian army", "attacks on Ukrainian forces") never
   counts; a demonym followed by an actor noun ("the Russian authorities",
   "Western capitals") counts like an actor mention; a bare adjective counts
   only with at most 3 tokens and no break word (preposition of topic or
   victim, conjunction, auxiliary, negator, punctuation other than "-"/"'s")
   between it and the match ("the Russian government's barrage of lies", "the
   lies of the Russian regime", but not "Ukrainian civilians were deceived").

**Dictionaries.** :func:`load_codebook` also reads quanteda-style YAML
dictionaries (nested ``key: [words]``; nested keys become ``parent.child``) and
LIWC ``.dic`` files; each key becomes a phrase category (with ``*`` wildcards)
without examples.

**Safety.** YAML is read by :func:`analysis.io.read_yaml` (safe loading only,
duplicate keys are errors, alias expansion bounded), and every ``REGEX``
in a pattern is checked statically (no nested quantifiers, no quantified
alternation, no back-references) and evaluated only on tokens of at most
:data:`MAX_REGEX_TOKEN_CHARS` characters, so a run cannot hang.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from ..errors import CodebookError
from ..io import decode_utf8, read_user_file, read_yaml
from ..paths import DEFAULT_CODEBOOK

try:  # Python >= 3.11
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = [
    "Codebook",
    "Category",
    "Rule",
    "Constraints",
    "load_codebook",
    "validate_codebook",
    "word_forms",
    "regex_problem",
    "sentence_bounds",
    "CONSTRAINTS",
    "TARGET_STRATEGIES",
    "NEGATORS",
    "FIRST_PERSON",
    "MAX_REGEX_TOKEN_CHARS",
    "VALIDATION_COLUMNS",
]

#: Constraint keys a rule may carry (see the module docstring).
CONSTRAINTS = (
    "require_actor",
    "require_negation",
    "exclude_negation",
    "require_first_person",
    "require_context",
    "exclude_preceding",
    "exclude_following",
)
#: Strategies for picking a hit's target actor, tried in the order given.
TARGET_STRATEGIES = ("agent", "inside", "near", "before", "after")
#: Tokens (lower-cased) that count as negation for the negation constraints.
NEGATORS = frozenset(
    {"not", "n't", "n’t", "no", "never", "nobody", "none", "neither", "nor", "nothing", "cannot", "nowhere"}
)
#: First-person pronouns (lower-cased); "US" tagged as an actor is not one.
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "ours", "myself", "ourselves"})
#: Regular expressions in patterns are never run on longer tokens.
MAX_REGEX_TOKEN_CHARS = 200
#: Columns of :func:`validate_codebook`'s report.
VALIDATION_COLUMNS = ["category", "kind", "sentence", "passed", "problem"]

_TOP_KEYS = {"id", "version", "description", "lexicons", "categories"}
_CATEGORY_KEYS = {"id", "label", "definition", "examples", "counter_examples", "rules", "target", "notes"}
_RULE_KEYS = {"id", "note", "pattern", "patterns", "phrases", "attr", "target", *CONSTRAINTS}
_PHRASE_ATTRS = ("LOWER", "ORTH")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_CAMPS = ("russia", "west", "other", "any")
def _actor_types() -> tuple[str, ...]:
    from ..nlp.gazetteer import ACTOR_TYPES

    return tuple(ACTOR_TYPES)


_TYPES = _actor_types()
_REGEX_ATTRS = {
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


# --------------------------------------------------------------------------- data model
@dataclass(frozen=True)
class Constraints:
    """The validated constraints of one rule (``None`` = not used); see :data:`CONSTRAINTS`."""

    actor: tuple | None = None  # (camps or None, types or None, window)
    negation: int | None = None
    no_negation: int | None = None
    first_person: int | str | None = None
    context: tuple | None = None  # (frozenset of forms, window)
    not_before: tuple | None = None  # (frozenset of forms, window)
    not_after: tuple | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f) is not None for f in self.__dataclass_fields__)


@dataclass(frozen=True)
class Rule:
    """One rule of a category: token patterns or phrases, constraints and target strategy."""

    id: str
    category: str
    patterns: tuple = ()
    phrases: tuple[str, ...] = ()
    attr: str = "LOWER"
    constraints: Constraints = field(default_factory=Constraints)
    target: tuple[str, ...] | None = None
    note: str = ""
    order: int = 0

    @property
    def key(self) -> str:
        """The matcher key of this rule (``category::rule``)."""
        return f"{self.category}::{self.id}"


@dataclass(frozen=True)
class Category:
    """One codebook category: definition, examples, counter-examples and rules."""

    id: str
    label: str
    definition: str
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    target: tuple[str, ...] = ()
    order: int = 0


class Codebook:
    """A validated codebook (or dictionary) with matchers compiled once per vocab.

    Attributes:
        id, version, description: from the file.
        path: the file it was read from.
        sha256: SHA-256 of the file bytes (recorded in ``run.json``).
        kind: ``codebook``, ``quanteda`` or ``liwc``.
        categories: the categories, in file order.
    """

    def __init__(self, *, id: str, version: str, description: str, path: str, sha256: str,
                 kind: str, categories: list[Category]):
        self.id = id
        self.version = version
        self.description = description
        self.path = path
        self.sha256 = sha256
        self.kind = kind
        self.categories = list(categories)
        self._by_id = {c.id: c for c in self.categories}
        self._rules = {r.id: r for c in self.categories for r in c.rules}
        self._compiled: dict[int, tuple[Any, _Compiled]] = {}

    def __repr__(self) -> str:
        return f"Codebook({self.id!r}, version={self.version!r}, {len(self.categories)} categories)"

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    @property
    def category_ids(self) -> list[str]:
        """Category ids in codebook order."""
        return [c.id for c in self.categories]

    @property
    def rules(self) -> list[Rule]:
        """Every rule, in codebook order."""
        return list(self._rules.values())

    def category(self, category_id: str) -> Category:
        """The category with this id; an unknown id is a :class:`CodebookError` listing the known ones."""
        try:
            return self._by_id[category_id]
        except KeyError:
            raise CodebookError(
                f"unknown category {category_id!r}; known: {', '.join(self._by_id)}", path=self.path
            ) from None

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (rule ids are unique across a codebook)."""
        try:
            return self._rules[rule_id]
        except KeyError:
            raise CodebookError(f"unknown rule {rule_id!r}", path=self.path) from None

    def has_category(self, category_id: str) -> bool:
        """Whether a category with this id exists."""
        return category_id in self._by_id

    def has_rule(self, rule_id: str) -> bool:
        """Whether a rule with this id exists."""
        return rule_id in self._rules

    def compiled(self, vocab) -> "_Compiled":
        """The matchers for ``vocab``, built on first use and cached."""
        entry = self._compiled.get(id(vocab))
        if entry is None or entry[0] is not vocab:
            entry = (vocab, _Compiled(self, vocab))
            self._compiled[id(vocab)] = entry
        return entry[1]


# --------------------------------------------------------------------------- word forms
@lru_cache(maxsize=1)
def _inverse_lemmas() -> dict[str, frozenset[str]]:
    import spacy_lookups_data

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
    return frozenset({w}) | _inverse_lemmas().get(w, frozenset())


def _forms_of(words: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for w in words:
        out |= word_forms(w)
    return frozenset(out)


# --------------------------------------------------------------------------- loading
def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook, a quanteda YAML dictionary or a LIWC ``.dic`` file.

    Args:
        path: the file (default: the bundled ``diplomatic_rhetoric.yaml``).
            The format is detected from the suffix (``.dic``) and the content.

    Raises:
        CodebookError: one line naming the file (and category, rule, line) and the problem.

    Example:
        >>> cb = load_codebook()
        >>> cb.category("deception_accusation").label
        'Deception accusation'
    """
    path = Path(path) if path is not None else DEFAULT_CODEBOOK
    raw = read_user_file(path, what="codebook file", error=CodebookError)
    return _load_cached(str(path), hashlib.sha256(raw).hexdigest(), raw)


@lru_cache(maxsize=16)
def _load_cached(path_str: str, sha256: str, raw: bytes) -> Codebook:
    path = Path(path_str)
    text = decode_utf8(raw, path, what="codebook file", error=CodebookError)
    if not text.strip():
        raise CodebookError("empty file", path=path)
    if path.suffix.lower() == ".dic" or text.lstrip().startswith("%"):
        codebook = _load_liwc(text, path, sha256)
    else:
        parsed = read_yaml(text, path, what="codebook file", error=CodebookError)
        data, lines = parsed.data, parsed.lines
        if isinstance(data, dict) and "categories" in data:
            codebook = _build_codebook(data, lines, path, sha256)
        elif isinstance(data, dict) and data:
            codebook = _load_quanteda(data, path, sha256)
        else:
            raise CodebookError(
                "expected a codebook (a mapping with 'categories:'), a quanteda-style YAML "
                "dictionary (key: [words]) or a LIWC .dic file", path=path)
    codebook.compiled(_blank_vocab())  # compile once now: every pattern is checked at load time
    return codebook


@lru_cache(maxsize=1)
def _blank_nlp():
    import spacy

    return spacy.blank("en")


def _blank_vocab():
    return _blank_nlp().vocab


def _where(cid: str | None = None, rid: str | None = None, line: int | None = None) -> str | None:
    parts = []
    if cid:
        parts.append(f"category {cid}")
    if rid:
        parts.append(f"rule {rid}")
    if line:
        parts.append(f"line {line}")
    return ", ".join(parts) or None


def _text_list(value, what: str, path: Path, where: str | None, *, required: bool) -> tuple[str, ...]:
    if value is None:
        if required:
            raise CodebookError(f"missing '{what}' (a list of sentences)", path=path, where=where)
        return ()
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise CodebookError(f"'{what}': YAML read a bare yes/no/on/off/true/false as a boolean; put it in quotes (\"no\")",
                            path=path, where=where)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CodebookError(f"'{what}' must be a list of non-empty strings", path=path, where=where)
    if required and not value:
        raise CodebookError(f"'{what}' is empty: give at least one sentence", path=path, where=where)
    return tuple(" ".join(v.split()) for v in value)


def _build_codebook(data: dict, lines: dict[int, int], path: Path, sha256: str) -> Codebook:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise CodebookError(
            f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))} "
            f"(allowed: {', '.join(sorted(_TOP_KEYS))})", path=path)
    cb_id = data.get("id")
    if not isinstance(cb_id, str) or not cb_id.strip():
        raise CodebookError("missing 'id' (a name for this codebook)", path=path)
    version = data.get("version")
    if version is None or isinstance(version, (dict, list)):
        raise CodebookError("missing 'version' (e.g. version: \"1.0\")", path=path)
    lexicons = data.get("lexicons")
    if lexicons is not None and not isinstance(lexicons, dict):
        raise CodebookError("'lexicons' must be a mapping of name: [words]", path=path)
    cats = data.get("categories")
    if not isinstance(cats, list) or not cats:
        raise CodebookError("'categories' must be a non-empty list", path=path)
    categories: list[Category] = []
    seen_cat: dict[str, int] = {}
    seen_rule: dict[str, str] = {}
    rule_order = 0
    for n, entry in enumerate(cats, 1):
        if not isinstance(entry, dict):
            raise CodebookError("each category must be a mapping", path=path, where=f"category #{n}")
        line = lines.get(id(entry))
        cid = entry.get("id")
        if not isinstance(cid, str) or not _ID_RE.match(cid):
            raise CodebookError("missing or invalid category 'id' (letters, digits, _ . -)", path=path,
                                where=_where(f"#{n}", None, line))
        where = _where(cid, None, line)
        unknown = set(entry) - _CATEGORY_KEYS
        if unknown:
            raise CodebookError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))} "
                                f"(allowed: {', '.join(sorted(_CATEGORY_KEYS))})", path=path, where=where)
        if cid in seen_cat:
            raise CodebookError(f"duplicate category id (also category #{seen_cat[cid]})", path=path, where=where)
        seen_cat[cid] = n
        label = entry.get("label", cid)
        if not isinstance(label, str) or not label.strip():
            raise CodebookError("'label' must be a non-empty string", path=path, where=where)
        definition = entry.get("definition")
        if not isinstance(definition, str) or not definition.strip():
            raise CodebookError("missing 'definition' (2-4 sentences a human coder can apply)", path=path, where=where)
        examples = _text_list(entry.get("examples"), "examples", path, where, required=True)
        counter = _text_list(entry.get("counter_examples"), "counter_examples", path, where, required=False)
        target = _parse_target(entry.get("target"), path, where)
        raw_rules = entry.get("rules")
        if not raw_rules:
            raise CodebookError("category has no rules: add at least one rule (pattern or phrases)", path=path,
                                where=where)
        if not isinstance(raw_rules, list):
            raise CodebookError("'rules' must be a list", path=path, where=where)
        rules = []
        for k, r in enumerate(raw_rules, 1):
            rule = _parse_rule(r, cid, k, rule_order, lines, path)
            if rule.id in seen_rule:
                raise CodebookError(f"duplicate rule id (also in category {seen_rule[rule.id]})", path=path,
                                    where=_where(cid, rule.id, lines.get(id(r))))
            seen_rule[rule.id] = cid
            rules.append(rule)
            rule_order += 1
        categories.append(Category(cid, " ".join(label.split()), " ".join(definition.split()), examples, counter,
                                   tuple(rules), target, order=n - 1))
    return Codebook(id=cb_id.strip(), version=str(version), description=" ".join(str(data.get("description", "")).split()),
                    path=str(path), sha256=sha256, kind="codebook", categories=categories)


def _parse_target(value, path: Path, where: str | None) -> tuple[str, ...]:
    if value is None or value == "none" or value == []:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CodebookError(f"'target' must be a list of strategies ({', '.join(TARGET_STRATEGIES)}) or none",
                            path=path, where=where)
    bad = [v for v in value if v not in TARGET_STRATEGIES]
    if bad:
        raise CodebookError(f"unknown target strategy {bad[0]!r} (use {', '.join(TARGET_STRATEGIES)})",
                            path=path, where=where)
    return tuple(value)


def _parse_rule(r, cid: str, k: int, order: int, lines: dict[int, int], path: Path) -> Rule:
    if not isinstance(r, dict):
        raise CodebookError("each rule must be a mapping with an 'id'", path=path, where=_where(cid, f"#{k}"))
    line = lines.get(id(r))
    rid = r.get("id")
    if not isinstance(rid, str) or not _ID_RE.match(rid):
        raise CodebookError("missing or invalid rule 'id' (letters, digits, _ . -)", path=path,
                            where=_where(cid, f"#{k}", line))
    where = _where(cid, rid, line)
    unknown = set(r) - _RULE_KEYS
    if unknown:
        name = sorted(map(str, unknown))[0]
        hint = "unknown constraint" if name.startswith(("require", "exclude")) else "unknown key"
        raise CodebookError(f"{hint} {name!r} (allowed: {', '.join(sorted(_RULE_KEYS - {'id'}))})",
                            path=path, where=where)
    kinds = [key for key in ("pattern", "patterns", "phrases") if key in r]
    if len(kinds) != 1:
        raise CodebookError("a rule needs exactly one of 'pattern', 'patterns' or 'phrases'", path=path, where=where)
    attr = r.get("attr", "LOWER")
    if attr not in _PHRASE_ATTRS:
        raise CodebookError(f"'attr' must be one of {', '.join(_PHRASE_ATTRS)}; got {attr!r}", path=path, where=where)
    patterns: tuple = ()
    phrases: tuple[str, ...] = ()
    if kinds[0] == "phrases":
        phrases = _text_list(r["phrases"], "phrases", path, where, required=True)
    else:
        raw = [r["pattern"]] if kinds[0] == "pattern" else r["patterns"]
        if not isinstance(raw, list) or not raw:
            raise CodebookError(f"'{kinds[0]}' must be a non-empty list", path=path, where=where)
        patterns = tuple(_check_pattern(p, path, where) for p in raw)
    note = r.get("note", "")
    if not isinstance(note, str):
        raise CodebookError("'note' must be a string", path=path, where=where)
    target = _parse_target(r["target"], path, where) if "target" in r else None
    return Rule(rid, cid, patterns, phrases, attr, _parse_constraints(r, path, where), target,
                " ".join(note.split()), order)


def _window(value, path: Path, where: str | None, name: str, *, default, allow: tuple[str, ...] = ()):
    if value is None:
        return default
    if isinstance(value, str) and value in allow:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 50:
        opts = f" or {' / '.join(allow)}" if allow else ""
        raise CodebookError(f"{name}: 'window' must be a whole number of tokens from 1 to 50{opts}; got {value!r}",
                            path=path, where=where)
    return value


def _spec(value, name: str, path: Path, where: str | None, keys: set[str]) -> dict:
    if value is True:
        return {}
    if not isinstance(value, dict):
        raise CodebookError(f"{name} must be a mapping ({', '.join(sorted(keys))}) or true", path=path, where=where)
    unknown = set(value) - keys
    if unknown:
        raise CodebookError(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                            f"(allowed: {', '.join(sorted(keys))})", path=path, where=where)
    return value


def _words(value, name: str, path: Path, where: str | None) -> frozenset[str]:
    if isinstance(value, list) and any(isinstance(w, bool) for w in value):
        raise CodebookError(f"{name}: YAML read a bare yes/no/on/off/true/false as a boolean; put it in quotes (\"no\")",
                            path=path, where=where)
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise CodebookError(f"{name}: 'words' must be a non-empty list of words", path=path, where=where)
    multi = [w for w in value if len(w.split()) > 1]
    if multi:
        raise CodebookError(f"{name}: single words only, got {multi[0]!r}", path=path, where=where)
    return _forms_of(w.strip() for w in value)


def _choice(value, allowed: tuple[str, ...], name: str, path: Path, where: str | None):
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or any(v not in allowed for v in values):
        raise CodebookError(f"{name} must be one of {', '.join(allowed)} (or a list of them); got {value!r}",
                            path=path, where=where)
    return None if "any" in values else frozenset(values)


def _parse_constraints(r: dict, path: Path, where: str | None) -> Constraints:
    kw: dict[str, Any] = {}
    if "require_actor" in r:
        s = _spec(r["require_actor"], "require_actor", path, where, {"camp", "type", "window"})
        camps = _choice(s.get("camp"), _CAMPS, "require_actor camp", path, where)
        types = _choice(s.get("type"), _TYPES, "require_actor type", path, where)
        window = _window(s.get("window"), path, where, "require_actor", default="sentence", allow=("sentence", "match"))
        kw["actor"] = (camps, types, window)
    for key, attr in (("require_negation", "negation"), ("exclude_negation", "no_negation")):
        if key in r:
            s = _spec(r[key], key, path, where, {"window"})
            kw[attr] = _window(s.get("window"), path, where, key, default=3)
    if "require_first_person" in r:
        s = _spec(r["require_first_person"], "require_first_person", path, where, {"window"})
        kw["first_person"] = _window(s.get("window"), path, where, "require_first_person", default=6,
                                     allow=("sentence",))
    if "require_context" in r:
        s = _spec(r["require_context"], "require_context", path, where, {"words", "window"})
        kw["context"] = (_words(s.get("words"), "require_context", path, where),
                         _window(s.get("window"), path, where, "require_context", default="sentence",
                                 allow=("sentence",)))
    for key, attr in (("exclude_preceding", "not_before"), ("exclude_following", "not_after")):
        if key in r:
            value = r[key]
            s = {"words": value} if isinstance(value, list) else _spec(value, key, path, where, {"words", "window"})
            kw[attr] = (_words(s.get("words"), key, path, where), _window(s.get("window"), path, where, key, default=1))
    return Constraints(**kw)


# --------------------------------------------------------------------------- patterns
def _check_pattern(pattern, path: Path, where: str | None) -> list:
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        raise CodebookError("a pattern must be a non-empty list of token mappings, e.g. [{LOWER: regime}]",
                            path=path, where=where)
    for tok in pattern:
        for attr, value in tok.items():
            if attr in _REGEX_ATTRS and (isinstance(value, bool) or (isinstance(value, dict) and any(
                    isinstance(v, bool) or (isinstance(v, list) and any(isinstance(x, bool) for x in v))
                    for v in value.values()))):
                raise CodebookError(f"{attr}: YAML read a bare yes/no/on/off/true/false as a boolean; put the word in "
                                    "quotes (\"no\")", path=path, where=where)
            if isinstance(value, dict) and "REGEX" in value:
                problem = regex_problem(value["REGEX"])
                if problem:
                    raise CodebookError(f"{attr} REGEX {value['REGEX']!r} refused: {problem}", path=path, where=where)
                if attr not in _REGEX_ATTRS:
                    raise CodebookError(f"REGEX is not supported on {attr}", path=path, where=where)
    return pattern


def regex_problem(source) -> str | None:
    """Why a pattern ``REGEX`` is refused (None if it is safe).

    Refused: invalid expressions, back-references, and any quantified group
    whose content itself holds a quantifier or an alternation -- the shapes of
    catastrophic backtracking such as ``(a+)+``, ``(a|a)*`` or ``(\\w+\\s?)*``.
    """
    if not isinstance(source, str):
        return "REGEX must be a string"
    if len(source) > 1000:
        return "longer than 1000 characters"
    try:
        parsed = _sre_parse.parse(source)
    except re.error as e:
        return f"invalid regular expression ({e})"
    return _walk_regex(parsed, inside_repeat=False)


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


def _regex_extension(attr: str, source: str) -> str:
    """Register (once) a token extension that runs ``source`` on short tokens only."""
    from spacy.tokens import Token

    name = "dk_rx_" + hashlib.sha1(f"{attr}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if not Token.has_extension(name):
        rx = re.compile(source)
        getter_attr = _REGEX_ATTRS[attr]

        def get(token, _rx=rx, _attr=getter_attr) -> bool:
            value = getattr(token, _attr)
            return len(value) <= MAX_REGEX_TOKEN_CHARS and _rx.search(value) is not None

        Token.set_extension(name, getter=get)
    return name


def _transform_pattern(pattern: list) -> list:
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
                tok["LOWER"] = {k: sorted(_forms_of(str(w) for w in v)) for k, v in value.items()}
        for attr in list(tok):
            value = tok[attr]
            if isinstance(value, dict) and "REGEX" in value:
                rest = {k: v for k, v in value.items() if k != "REGEX"}
                name = _regex_extension(attr, value["REGEX"])
                if rest:
                    tok[attr] = rest
                else:
                    del tok[attr]
                ext = dict(tok.get("_", {}))
                ext[name] = True
                tok["_"] = ext
        out.append(tok)
    return out


def _one_line(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text[:300] + ("…" if len(text) > 300 else "")


#: Very frequent words and punctuation that never make a token slot a useful filter.
_ANCHOR_STOP = frozenset(
    "the of and to a in is that for it as was with be by on are at this an or from which were been "
    "has have had its their will we i you he she they 's ’s".split()
)
_REQUIRED_OP = re.compile(r"^\{[1-9]\d*(,\d*)?\}$")


def _slot_words(pattern: list) -> list[frozenset[str]]:
    """Word sets of the *required* tokens of a pattern that a sentence must contain.

    A required token has no ``OP``, or ``+`` / ``{n,m}`` with n >= 1, and is
    given by ``LOWER``/``ORTH``/``TEXT`` equality or ``IN``. Slots made only of
    very frequent words or punctuation are left out (they filter nothing),
    unless the pattern has no other slot. Empty list: the pattern cannot be
    filtered and runs over the whole Doc.
    """
    slots = [words for words in map(_required_words, pattern) if words]
    useful = [w for w in slots if not any(x in _ANCHOR_STOP or not any(c.isalnum() for c in x) for x in w)]
    return useful or slots[:1]


_BOUNDED_OP = re.compile(r"^\{(\d*)(,(\d*))?\}$")


def _required_words(tok: dict) -> frozenset[str] | None:
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


def _max_length(pattern: list) -> int | None:
    """Most tokens a match of ``pattern`` can span; ``None`` when unbounded (``*``, ``+``, ``{n,}``)."""
    total = 0
    for tok in pattern:
        op = tok.get("OP")
        if op in (None, "!", "?", "1"):
            total += 1
            continue
        m = _BOUNDED_OP.match(op) if isinstance(op, str) else None
        if m is None or (m.group(2) is not None and not m.group(3)):
            return None  # "*", "+", "{n,}": no upper bound
        total += int(m.group(3) if m.group(2) else m.group(1) or 0)
    return total


def sentence_bounds(doc) -> list[int]:
    """Token index of each sentence start (``[0]`` when the Doc has no sentence boundaries)."""
    from ..nlp.docarrays import token_index

    return [s for s, _ in token_index(doc)[2]]


class _Compiled:
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
    * rules without an anchor share one Matcher run over the whole Doc;
    * single-word wildcards (``deceit*``, from dictionaries) use a prefix table.
    """

    def __init__(self, codebook: Codebook, vocab):
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.vocab = vocab
        self.full_matcher = Matcher(vocab, validate=False)
        self.n_full = 0
        self.rule_matchers: dict[int, Any] = {}
        word_slots: dict[int, list[int]] = {}  # LOWER hash of a required word -> its slots
        self.phrase_matchers: dict[str, Any] = {}
        self.prefixes: dict[str, list[Rule]] = {}
        self.rules_by_hash: dict[int, Rule] = {}
        checker = Matcher(vocab, validate=True)
        tokenizer = _blank_nlp().tokenizer
        path = codebook.path

        self.slot_patterns: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        #: longest match (tokens) of each windowed rule; absent: the rule runs on whole sentences
        self.reach: dict[int, int] = {}
        unbounded: set[int] = set()
        #: per unbounded rule and pattern: LOWER hashes a match must start / end with (None: any token)
        self.edges: dict[int, list[tuple[frozenset[int] | None, frozenset[int] | None]] | None] = {}

        def add_patterns(rule: Rule, key_hash: int, patterns: list) -> None:
            slots = [_slot_words(p) for p in patterns]
            if not all(slots):
                self.full_matcher.add(rule.key, patterns)
                self.n_full += len(patterns)
                return
            matcher = self.rule_matchers.get(key_hash)
            if matcher is None:
                matcher = self.rule_matchers[key_hash] = Matcher(vocab, validate=False)
            matcher.add(rule.key, patterns)
            for p in patterns:
                first, last = _required_words(p[0]), _required_words(p[-1])
                if key_hash in self.edges and self.edges[key_hash] is None or (first is None and last is None):
                    self.edges[key_hash] = None
                else:
                    self.edges.setdefault(key_hash, []).append(
                        tuple(None if w is None else frozenset(vocab.strings.add(x) for x in w) for w in (first, last)))
                length = _max_length(p)
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
                where = _where(cat.id, rule.id)
                if rule.patterns:
                    try:
                        checker.add(rule.key, [list(p) for p in rule.patterns])
                        transformed = [_transform_pattern(p) for p in rule.patterns]
                        Matcher(vocab, validate=False).add(rule.key, transformed)
                    except Exception as e:  # spaCy's MatchPatternError / ValueError
                        raise CodebookError(f"invalid pattern (spaCy says: {_one_line(e)})", path=path,
                                            where=where) from None
                    add_patterns(rule, key_hash, transformed)
                    continue
                exact: list = []
                wild_patterns: list = []
                for phrase in rule.phrases:
                    words = phrase.split()
                    if not any(w.endswith("*") for w in words):
                        toks = tokenizer(phrase)
                        exact.append(Doc(vocab, words=[t.text for t in toks], spaces=[bool(t.whitespace_) for t in toks]))
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
                            pat.append({"_": {_regex_extension("LOWER", "^" + re.escape(toks[-1])): True}})
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

    def matches(self, doc, sent_starts: list[int] | None = None) -> list[tuple[Rule, int, int]]:
        """Every raw match in ``doc`` as (rule, start token, end token), before constraints.

        ``sent_starts`` (token index of each sentence start, see
        :func:`sentence_bounds`) is computed when not given. Whitespace tokens
        (double spaces, hard-wrapped lines) are skipped: patterns and phrases
        match across them (:func:`analysis.docarrays.spaceless_view`), and the
        match spans the whitespace in the original Doc.
        """
        from ..nlp.docarrays import spaceless_view

        starts = sent_starts if sent_starts is not None else sentence_bounds(doc)
        view = spaceless_view(doc)
        if view is None:
            return self._matches(doc, starts)
        compact, positions = view
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
            from ..nlp.docarrays import token_lower

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


# --------------------------------------------------------------------------- dictionaries
def _dict_category(cid: str, words: list[str], path: Path, order: int, rule_order: int, source: str) -> Category:
    words = [" ".join(w.split()) for w in words if isinstance(w, str) and w.strip()]
    if not words:
        raise CodebookError("dictionary key has no words", path=path, where=f"key {cid}")
    rule = Rule(id=cid, category=cid, phrases=tuple(dict.fromkeys(words)), attr="LOWER", order=rule_order,
                note=f"{source} dictionary entry")
    return Category(cid, cid, f"Words listed under '{cid}' in the {source} dictionary {path.name}.",
                    rules=(rule,), order=order)


def _load_quanteda(data: dict, path: Path, sha256: str) -> Codebook:
    flat: dict[str, list[str]] = {}

    def walk(node, prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, name)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                flat[name] = value
            elif isinstance(value, str):
                flat[name] = [value]
            else:
                raise CodebookError("quanteda dictionary values must be lists of words or nested keys",
                                    path=path, where=f"key {name}")

    walk(data, "")
    if not flat:
        raise CodebookError("the dictionary has no keys with words", path=path)
    cats = [_dict_category(k, v, path, i, i, "quanteda") for i, (k, v) in enumerate(flat.items())]
    return Codebook(id=path.stem, version="", description=f"quanteda-style dictionary {path.name}", path=str(path),
                    sha256=sha256, kind="quanteda", categories=cats)


def _load_liwc(text: str, path: Path, sha256: str) -> Codebook:
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "%":
        raise CodebookError("a LIWC .dic file starts with a line holding only '%'", path=path, where=f"line {i + 1}")
    names: dict[str, str] = {}
    i += 1
    while i < len(lines) and lines[i].strip() != "%":
        line = lines[i].strip()
        if line:
            parts = line.split(None, 1)
            if len(parts) != 2 or not parts[0].isdigit():
                raise CodebookError("expected 'number<TAB>category name' in the header (is the header closed by a second '%' line?)", path=path,
                                    where=f"line {i + 1}")
            if parts[0] in names:
                raise CodebookError(f"category number {parts[0]} defined twice", path=path, where=f"line {i + 1}")
            names[parts[0]] = parts[1].split()[0]
        i += 1
    if i >= len(lines):
        raise CodebookError("the header is not closed by a second '%' line", path=path)
    if not names:
        raise CodebookError("the header defines no categories", path=path)
    words: dict[str, list[str]] = {n: [] for n in names}
    for j in range(i + 1, len(lines)):
        line = lines[j].strip()
        if not line:
            continue
        if "\t" in line:
            fields = [f.strip() for f in line.split("\t") if f.strip()]
            word, ids = fields[0], fields[1:]
        else:
            fields = line.split()
            k = len(fields)
            while k > 1 and fields[k - 1].isdigit():
                k -= 1
            word, ids = " ".join(fields[:k]), fields[k:]
        if not ids:
            raise CodebookError(f"entry {word!r} has no category numbers", path=path, where=f"line {j + 1}")
        for cat in ids:
            if cat not in names:
                raise CodebookError(f"entry {word!r} uses category {cat!r}, not defined in the header",
                                    path=path, where=f"line {j + 1}")
            words[cat].append(word)
    cats = []
    seen: set[str] = set()
    for n, (num, name) in enumerate(names.items()):
        if name in seen:
            raise CodebookError(f"category name {name!r} used twice", path=path)
        seen.add(name)
        if words[num]:
            cats.append(_dict_category(name, words[num], path, n, n, "LIWC"))
    if not cats:
        raise CodebookError("the dictionary has no entries", path=path)
    return Codebook(id=path.stem, version="", description=f"LIWC dictionary {path.name}", path=str(path),
                    sha256=sha256, kind="liwc", categories=cats)


# --------------------------------------------------------------------------- validation
def validate_codebook(codebook: Codebook | str | Path | None = None, nlp=None):
    """Run every example (must be coded) and counter-example (must not be) through the pipeline.

    Args:
        codebook: a :class:`Codebook` or a path (default: the bundled codebook).
        nlp: the pipeline (default: :func:`analysis.make_nlp`).

    Returns:
        DataFrame with :data:`VALIDATION_COLUMNS`: ``category``, ``kind``
        (``example`` | ``counter_example``), ``sentence``, ``passed`` and
        ``problem`` (empty when passed; otherwise which rule fired on what, or
        that nothing was coded).
    """
    import pandas as pd

    from ..nlp.pipeline import gazetteer_of, make_nlp
    from .rhetoric import doc_evidence

    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook)
    nlp = nlp or make_nlp()
    gazetteer = gazetteer_of(nlp)
    items = [(c.id, "example", s) for c in codebook.categories for s in c.examples]
    items += [(c.id, "counter_example", s) for c in codebook.categories for s in c.counter_examples]
    rows = []
    for (cid, kind, sentence), doc in zip(items, nlp.pipe(s for _, _, s in items)):
        hits = [e for e in doc_evidence(doc, codebook, gazetteer=gazetteer) if e["category"] == cid]
        if kind == "example":
            passed = bool(hits)
            problem = "" if passed else "not coded by any rule of the category"
        else:
            passed = not hits
            problem = "" if passed else "; ".join(f"coded by rule {h['rule_id']} on {h['text']!r}" for h in hits)
        rows.append({"category": cid, "kind": kind, "sentence": sentence, "passed": passed, "problem": problem})
    frame = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    frame["passed"] = frame["passed"].astype(bool)
    return frame
