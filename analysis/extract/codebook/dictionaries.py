"""Existing dictionaries as codebooks: quanteda-style YAML and LIWC ``.dic`` files.

Each dictionary key becomes a phrase category (``*`` wildcards allowed)
without examples, so any dictionary can be run, counted and compared like
the bundled codebook.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import CodebookError
from .model import Category, Codebook, Rule

__all__ = ["dict_category", "load_quanteda", "load_liwc"]


def dict_category(category_id: str, words: list[str], path: Path, order: int, rule_order: int, source: str) -> Category:
    """A phrase category (one rule, ``*`` wildcards allowed) for a dictionary key."""
    words = [" ".join(w.split()) for w in words if isinstance(w, str) and w.strip()]
    if not words:
        raise CodebookError("dictionary key has no words", path=path, where=f"key {category_id}")
    rule = Rule(id=category_id, category=category_id, phrases=tuple(dict.fromkeys(words)), attr="LOWER",
                order=rule_order,
                note=f"{source} dictionary entry")
    definition = f"Words listed under '{category_id}' in the {source} dictionary {path.name}."
    return Category(category_id, category_id, definition,
                    rules=(rule,), order=order)


def load_quanteda(data: dict, path: Path, sha256: str) -> Codebook:
    """A codebook from a quanteda-style dictionary (``key: [words]``; nested keys become ``parent.child``)."""
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
    cats = [dict_category(k, v, path, i, i, "quanteda") for i, (k, v) in enumerate(flat.items())]
    return Codebook(id=path.stem, version="", description=f"quanteda-style dictionary {path.name}", path=str(path),
                    sha256=sha256, kind="quanteda", categories=cats)


def load_liwc(text: str, path: Path, sha256: str) -> Codebook:
    """A codebook from a LIWC ``.dic`` file (header of numbered categories between ``%`` lines, then entries)."""
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
                raise CodebookError("expected 'number<TAB>category name' in the header "
                                    "(is the header closed by a second '%' line?)", path=path,
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
            cats.append(dict_category(name, words[num], path, n, n, "LIWC"))
    if not cats:
        raise CodebookError("the dictionary has no entries", path=path)
    return Codebook(id=path.stem, version="", description=f"LIWC dictionary {path.name}", path=str(path),
                    sha256=sha256, kind="liwc", categories=cats)
