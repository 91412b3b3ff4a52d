"""The codebook's data: categories, rules and their constraints (see the package docstring)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from ...errors import CodebookError

__all__ = [
    "Codebook",
    "WordClass",
    "WordSet",
    "ACTOR_CLASSES",
    "Category",
    "Rule",
    "Constraints",
    "CONSTRAINTS",
    "TARGET_STRATEGIES",
    "NEGATORS",
    "FIRST_PERSON",
    "MAX_REGEX_TOKEN_CHARS",
    "where_in",
]

#: Constraint keys a rule may carry (see the module docstring).
CONSTRAINTS = (
    "require_actor",
    "require_negation",
    "exclude_negation",
    "require_first_person",
    "require_context",
    "exclude_context",
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
#: Classes with a fixed role: when a codebook defines them, their members count as actor
#: references for ``{actor: ...}`` pattern tokens and ``require_actor`` (see the package docstring).
ACTOR_CLASSES = ("actor_noun", "demonym", "not_a_name")


@dataclass(frozen=True)
class WordSet:
    """Words and word sequences to look for around a match (lower-cased forms).

    ``forms``: single tokens; ``sequences``: multi-token entries, each a tuple of
    per-token form sets ("drag ... feet" -> ({drag, drags, dragged, dragging}, {their}, {feet})).
    """

    forms: frozenset = frozenset()
    sequences: tuple = ()

    def __bool__(self) -> bool:
        return bool(self.forms or self.sequences)

    def __or__(self, other: "WordSet") -> "WordSet":
        return WordSet(self.forms | other.forms, tuple(dict.fromkeys(self.sequences + other.sequences)))

    def starts_at(self, lowers, i: int, hi: int) -> int:
        """End (exclusive) of the longest member starting at token ``i`` and ending by ``hi``; 0 if none."""
        best = i + 1 if lowers[i] in self.forms else 0
        for seq in self.sequences:
            end = i + len(seq)
            if end <= hi and end > best and all(lowers[i + k] in forms for k, forms in enumerate(seq)):
                best = end
        return best

    def occurs(self, lowers, lo: int, hi: int) -> bool:
        """Whether a member lies wholly within tokens ``[lo, hi)``."""
        forms = self.forms
        if any(lowers[i] in forms for i in range(lo, hi)):
            return True
        if not self.sequences:
            return False
        by_first = self._by_first
        for i in range(lo, hi):
            for seq in by_first.get(lowers[i], ()):
                n = len(seq)
                if i + n <= hi and all(lowers[i + k] in seq[k] for k in range(1, n)):
                    return True
        return False

    @cached_property
    def _by_first(self) -> dict:
        """The sequences by each form of their first token (computed once per word set)."""
        out: dict = {}
        for seq in self.sequences:
            for form in seq[0]:
                out.setdefault(form, []).append(seq)
        return out


@dataclass(frozen=True)
class WordClass:
    """A named word class of the codebook: lemmas or phrases, each matched in every inflected form.

    Attributes:
        name: the id rules use (``{class: name}``).
        definition, source: what belongs in it and where the entries come from.
        words: the entries as written (one word or a phrase each).
        inflect: whether each word of an entry matches its inflected forms (default true).
        examples: phrases or sentences that must contain a member (``codebook check``).
        counter_examples: ones that must not.
        members: the compiled :class:`WordSet`.
        variants: every entry's token sequences as matched (lower-cased words).
    """

    name: str
    definition: str
    source: str
    words: tuple[str, ...]
    inflect: bool = True
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    note: str = ""
    members: WordSet = field(default_factory=WordSet)
    variants: tuple = ()


@dataclass(frozen=True)
class Constraints:
    """The validated constraints of one rule (``None`` = not used); see :data:`CONSTRAINTS`."""

    actor: tuple | None = None  # (camps or None, types or None, window)
    negation: int | None = None
    no_negation: int | None = None
    first_person: int | str | None = None
    context: tuple | None = None  # (WordSet, window, side)
    no_context: tuple | None = None  # (WordSet, window, side)
    #: further ``exclude_context`` specs when the YAML gives a list of them (each one alone excludes)
    no_context_more: tuple | None = None  # ((WordSet, window, side), ...)
    not_before: tuple | None = None  # (WordSet, window)
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
    classes: tuple[str, ...] = ()  # word classes the rule's patterns and constraints use

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
    """A validated codebook (or dictionary): categories, their rules and where it came from.

    Its matchers are built by :func:`analysis.extract.codebook.matcher.compile_codebook`.

    Attributes:
        id, version, description: from the file.
        path: the file it was read from.
        sha256: SHA-256 of the file bytes (recorded in ``run.json``).
        kind: ``codebook``, ``quanteda`` or ``liwc``.
        categories: the categories, in file order.
        classes: the word classes (name -> :class:`WordClass`), in file order.
    """

    def __init__(self, *, id: str, version: str, description: str, path: str, sha256: str,
                 kind: str, categories: list[Category], classes: dict[str, WordClass] | None = None):
        self.id = id
        self.version = version
        self.description = description
        self.path = path
        self.sha256 = sha256
        self.kind = kind
        self.categories = list(categories)
        self.classes: dict[str, WordClass] = dict(classes or {})
        self._by_id = {c.id: c for c in self.categories}
        self._rules = {r.id: r for c in self.categories for r in c.rules}

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


def where_in(category_id: str | None = None, rule_id: str | None = None, line: int | None = None) -> str | None:
    """The location part of an error message: ``category X, rule Y, line N``."""
    parts = []
    if category_id:
        parts.append(f"category {category_id}")
    if rule_id:
        parts.append(f"rule {rule_id}")
    if line:
        parts.append(f"line {line}")
    return ", ".join(parts) or None
