"""Read a codebook file: a codebook YAML, a quanteda YAML dictionary or a LIWC ``.dic`` file.

:func:`load_codebook` reads the file (YAML through :func:`analysis.io.read_yaml`),
validates every category, rule and constraint with a one-line error naming the
file, category, rule and line, and compiles the matchers once so a bad pattern
is found at load time. An unchanged file is read once per process.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errors import CodebookError
from ...io import decode_utf8, read_user_file, read_yaml
from ...nlp.gazetteer import ACTOR_TYPES
from ...paths import DEFAULT_CODEBOOK
from .dictionaries import load_liwc, load_quanteda
from .matcher import blank_nlp, compile_codebook
from .model import (
    CONSTRAINTS,
    TARGET_STRATEGIES,
    Category,
    Codebook,
    Constraints,
    Rule,
    WordClass,
    WordSet,
    where_in,
)
from .patterns import ACTOR_KINDS, check_pattern, compile_entries, expand_classes

__all__ = ["load_codebook"]

_TOP_KEYS = {"id", "version", "description", "lexicons", "classes", "categories"}
_CLASS_KEYS = {"definition", "source", "words", "exact", "inflect", "examples", "counter_examples", "note"}
_CATEGORY_KEYS = {"id", "label", "definition", "examples", "counter_examples", "rules", "target", "notes"}
_RULE_KEYS = {"id", "note", "pattern", "patterns", "phrases", "attr", "target", *CONSTRAINTS}
_PHRASE_ATTRS = ("LOWER", "ORTH")
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_CAMPS = ("russia", "west", "other", "any")
_TYPES = tuple(ACTOR_TYPES)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook, a quanteda YAML dictionary or a LIWC ``.dic`` file.

    Args:
        path: the file (default: the bundled ``diplomatic_rhetoric.yaml``).
            The format is detected from the suffix (``.dic``) and the content.

    Raises:
        CodebookError: one line naming the file (and category, rule, line) and the problem.

    Example:
        >>> codebook = load_codebook()
        >>> codebook.category("deception_accusation").label
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
        codebook = load_liwc(text, path, sha256)
    else:
        parsed = read_yaml(text, path, what="codebook file", error=CodebookError)
        data, lines = parsed.data, parsed.lines
        if isinstance(data, dict) and "categories" in data:
            codebook = _build_codebook(data, lines, path, sha256)
        elif isinstance(data, dict) and data:
            codebook = load_quanteda(data, path, sha256)
        else:
            raise CodebookError(
                "expected a codebook (a mapping with 'categories:'), a quanteda-style YAML "
                "dictionary (key: [words]) or a LIWC .dic file", path=path)
    compile_codebook(codebook, blank_nlp().vocab)  # compile once now: every pattern is checked at load time
    return codebook


def _text_list(value, what: str, path: Path, where: str | None, *, required: bool) -> tuple[str, ...]:
    if value is None:
        if required:
            raise CodebookError(f"missing '{what}' (a list of sentences)", path=path, where=where)
        return ()
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        raise CodebookError(f"'{what}': YAML read a bare yes/no/on/off/true/false as a boolean; "
                            "put it in quotes (\"no\")",
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
    codebook_id = data.get("id")
    if not isinstance(codebook_id, str) or not codebook_id.strip():
        raise CodebookError("missing 'id' (a name for this codebook)", path=path)
    version = data.get("version")
    if version is None or isinstance(version, (dict, list)):
        raise CodebookError("missing 'version' (e.g. version: \"1.0\")", path=path)
    lexicons = data.get("lexicons")
    if lexicons is not None and not isinstance(lexicons, dict):
        raise CodebookError("'lexicons' must be a mapping of name: [words]", path=path)
    classes = _parse_classes(data.get("classes"), lines, path)
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
        category_id = entry.get("id")
        if not isinstance(category_id, str) or not _ID_RE.match(category_id):
            raise CodebookError("missing or invalid category 'id' (letters, digits, _ . -)", path=path,
                                where=where_in(f"#{n}", None, line))
        where = where_in(category_id, None, line)
        unknown = set(entry) - _CATEGORY_KEYS
        if unknown:
            raise CodebookError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))} "
                                f"(allowed: {', '.join(sorted(_CATEGORY_KEYS))})", path=path, where=where)
        if category_id in seen_cat:
            raise CodebookError(f"duplicate category id (also category #{seen_cat[category_id]})", path=path,
                                where=where)
        seen_cat[category_id] = n
        label = entry.get("label", category_id)
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
            rule = _parse_rule(r, category_id, k, rule_order, lines, path, classes)
            if rule.id in seen_rule:
                raise CodebookError(f"duplicate rule id (also in category {seen_rule[rule.id]})", path=path,
                                    where=where_in(category_id, rule.id, lines.get(id(r))))
            seen_rule[rule.id] = category_id
            rules.append(rule)
            rule_order += 1
        categories.append(Category(category_id, " ".join(label.split()), " ".join(definition.split()), examples,
                                   counter,
                                   tuple(rules), target, order=n - 1))
    description = " ".join(str(data.get("description", "")).split())
    return Codebook(id=codebook_id.strip(), version=str(version), description=description,
                    path=str(path), sha256=sha256, kind="codebook", categories=categories, classes=classes)


def _parse_classes(value, lines: dict[int, int], path: Path) -> dict[str, WordClass]:
    """The ``classes:`` mapping: name -> definition, source, words (inflected), exact, examples."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CodebookError("'classes' must be a mapping of name: {definition, source, words}", path=path)
    out: dict[str, WordClass] = {}
    for name, spec in value.items():
        where = f"class {name}"
        if not isinstance(name, str) or not _ID_RE.match(name):
            raise CodebookError("invalid class name (letters, digits, _ . -)", path=path, where=where)
        if not isinstance(spec, dict):
            raise CodebookError("a class must be a mapping with definition, source and words", path=path, where=where)
        line = lines.get(id(spec))
        if line:
            where = f"{where}, line {line}"
        unknown = set(spec) - _CLASS_KEYS
        if unknown:
            raise CodebookError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))} "
                                f"(allowed: {', '.join(sorted(_CLASS_KEYS))})", path=path, where=where)
        for key in ("definition", "source"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise CodebookError(f"missing '{key}' (a class needs a definition and the source of its entries)",
                                    path=path, where=where)
        words = _text_list(spec.get("words"), "words", path, where, required=False)
        exact = _text_list(spec.get("exact"), "exact", path, where, required=False)
        if not words and not exact:
            raise CodebookError("a class needs 'words' (matched in every inflected form) or 'exact'", path=path,
                                where=where)
        for entry in words + exact:
            _check_quotes(entry, path, where)
        inflect = spec.get("inflect", True)
        if not isinstance(inflect, bool):
            raise CodebookError("'inflect' must be true or false", path=path, where=where)
        note = spec.get("note", "")
        if not isinstance(note, str):
            raise CodebookError("'note' must be a string", path=path, where=where)
        members, variants = compile_entries(words, exact, inflect=inflect)
        out[name] = WordClass(
            name, " ".join(spec["definition"].split()), " ".join(spec["source"].split()), words + exact, inflect,
            _text_list(spec.get("examples"), "examples", path, where, required=False),
            _text_list(spec.get("counter_examples"), "counter_examples", path, where, required=False),
            " ".join(note.split()), members, variants)
    return out


_QUOTED_WORD = re.compile(r"(?:^|\s)[\"“”'‘’][^\s\"“”'‘’]+[\"“”'‘’](?:\s|$)")


_QUOTES = re.compile("[\"“”‘’]")


def _check_quotes(phrase: str, path: Path, where: str | None) -> None:
    """A word in quote marks inside a phrase (``conditional "on"``) is almost always YAML quoting gone wrong."""
    if _QUOTED_WORD.search(phrase):
        fixed = _QUOTES.sub("", phrase)
        raise CodebookError(f"phrase {phrase!r} has quote marks around a word, which YAML keeps as part of the "
                            f"phrase (so it never matches): quote the whole phrase instead, e.g. \"{fixed}\"",
                            path=path, where=where)


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


def _parse_rule(r, category_id: str, k: int, order: int, lines: dict[int, int], path: Path,
                classes: dict[str, WordClass] | None = None) -> Rule:
    classes = classes or {}
    if not isinstance(r, dict):
        raise CodebookError("each rule must be a mapping with an 'id'", path=path, where=where_in(category_id, f"#{k}"))
    line = lines.get(id(r))
    rule_id = r.get("id")
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        raise CodebookError("missing or invalid rule 'id' (letters, digits, _ . -)", path=path,
                            where=where_in(category_id, f"#{k}", line))
    where = where_in(category_id, rule_id, line)
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
    used: set[str] = set()
    if kinds[0] == "phrases":
        phrases = _text_list(r["phrases"], "phrases", path, where, required=True)
        for phrase in phrases:
            _check_quotes(phrase, path, where)
    else:
        raw = [r["pattern"]] if kinds[0] == "pattern" else r["patterns"]
        if not isinstance(raw, list) or not raw:
            raise CodebookError(f"'{kinds[0]}' must be a non-empty list", path=path, where=where)
        expanded = []
        for p in raw:
            if not isinstance(p, list) or not p or not all(isinstance(t, dict) for t in p):
                check_pattern(p, path, where)  # raises the usual message
            expanded.extend(expand_classes(p, classes, path, where, used))
        patterns = tuple(check_pattern(p, path, where) for p in expanded)
    note = r.get("note", "")
    if not isinstance(note, str):
        raise CodebookError("'note' must be a string", path=path, where=where)
    target = _parse_target(r["target"], path, where) if "target" in r else None
    constraints = _parse_constraints(r, path, where, classes, used)
    return Rule(rule_id, category_id, patterns, phrases, attr, constraints, target,
                " ".join(note.split()), order, tuple(sorted(used)))


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


def _words(value, name: str, path: Path, where: str | None) -> WordSet:
    if isinstance(value, list) and any(isinstance(w, bool) for w in value):
        raise CodebookError(f"{name}: YAML read a bare yes/no/on/off/true/false as a boolean; "
                            "put it in quotes (\"no\")",
                            path=path, where=where)
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise CodebookError(f"{name}: 'words' must be a non-empty list of words", path=path, where=where)
    for w in value:
        _check_quotes(w, path, where)
    return compile_entries([w.strip() for w in value])[0]


def _word_set(s: dict, name: str, path: Path, where: str | None, classes: dict[str, WordClass],
              used: set[str]) -> WordSet:
    """The words (any form) and class members a context constraint looks for."""
    if "words" not in s and "class" not in s:
        raise CodebookError(f"{name}: give 'words' (a list) or 'class' (a class name or a list of them)",
                            path=path, where=where)
    found = _words(s["words"], name, path, where) if "words" in s else WordSet()
    if "class" in s:
        names = s["class"] if isinstance(s["class"], list) else [s["class"]]
        for cls in names:
            if not isinstance(cls, str) or cls not in classes:
                raise CodebookError(f"{name}: unknown class {cls!r} (classes: {', '.join(classes) or 'none defined'})",
                                    path=path, where=where)
            used.add(cls)
            found = found | classes[cls].members
    return found


_SIDES = ("both", "before", "after")


def _choice(value, allowed: tuple[str, ...], name: str, path: Path, where: str | None):
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or any(v not in allowed for v in values):
        raise CodebookError(f"{name} must be one of {', '.join(allowed)} (or a list of them); got {value!r}",
                            path=path, where=where)
    return None if "any" in values else frozenset(values)


def _context_spec(value, key: str, path: Path, where: str | None, classes: dict[str, WordClass],
                  used: set[str]) -> tuple:
    """(WordSet, window, side) of one require_context / exclude_context spec."""
    s = _spec(value, key, path, where, {"words", "class", "window", "side"})
    side = s.get("side", "both")
    if side not in _SIDES:
        raise CodebookError(f"{key}: 'side' must be one of {', '.join(_SIDES)}; got {side!r}", path=path,
                            where=where)
    return (_word_set(s, key, path, where, classes, used),
            _window(s.get("window"), path, where, key, default="sentence", allow=("sentence",)), side)


def _parse_constraints(r: dict, path: Path, where: str | None, classes: dict[str, WordClass] | None = None,
                       used: set[str] | None = None) -> Constraints:
    classes = classes or {}
    used = used if used is not None else set()
    kw: dict[str, Any] = {}
    if "require_actor" in r:
        s = _spec(r["require_actor"], "require_actor", path, where, {"camp", "type", "window", "kind"})
        camps = _choice(s.get("camp"), _CAMPS, "require_actor camp", path, where)
        types = _choice(s.get("type"), _TYPES, "require_actor type", path, where)
        kinds = _choice(s.get("kind"), (*ACTOR_KINDS, "any"), "require_actor kind", path, where)
        window = _window(s.get("window"), path, where, "require_actor", default="sentence", allow=("sentence", "match"))
        kw["actor"] = (camps, types, window, kinds)
    for key, attr in (("require_negation", "negation"), ("exclude_negation", "no_negation")):
        if key in r:
            s = _spec(r[key], key, path, where, {"window"})
            kw[attr] = _window(s.get("window"), path, where, key, default=3)
    for key, attr in (("require_first_person", "first_person"),):
        if key in r:
            s = _spec(r[key], key, path, where, {"window"})
            kw[attr] = _window(s.get("window"), path, where, key, default=6, allow=("sentence",))
    for key, attr in (("require_context", "context"), ("exclude_context", "no_context")):
        if key in r:
            value = r[key]
            if key == "exclude_context" and isinstance(value, list):  # several specs: any one of them excludes
                if not value:
                    raise CodebookError(f"{key}: an empty list (give one spec or a list of specs)", path=path,
                                        where=where)
                specs = [_context_spec(v, key, path, where, classes, used) for v in value]
                kw[attr] = specs[0]
                if len(specs) > 1:
                    kw["no_context_more"] = tuple(specs[1:])
            else:
                kw[attr] = _context_spec(value, key, path, where, classes, used)
    for key, attr in (("exclude_preceding", "not_before"), ("exclude_following", "not_after")):
        if key in r:
            value = r[key]
            s = {"words": value} if isinstance(value, list) else _spec(value, key, path, where,
                                                                       {"words", "class", "window"})
            kw[attr] = (_word_set(s, key, path, where, classes, used),
                        _window(s.get("window"), path, where, key, default=1))
    return Constraints(**kw)
