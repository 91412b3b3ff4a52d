"""The actor gazetteer: who is who in Russia–West diplomacy.

The gazetteer is YAML (``analysis/data/actors.yaml``; a user file has the same
schema, see that file's header). :func:`load_gazetteer` validates it and
:func:`ruler_patterns` turns it into spaCy EntityRuler patterns:

* every alias becomes a case-sensitive phrase pattern with label ``ACTOR`` and
  ``id`` = the canonical name, so ``ent.ent_id_`` says who was mentioned;
* every title becomes a case-insensitive token pattern with label ``TITLE`` and
  ``id`` = the lower-cased title; attribution resolves titles to the most
  recent named actor that holds them (:meth:`Gazetteer.holders`).

Demonyms ("Russian", "Western") make no pattern and no mention: they are only
read by :mod:`analysis.extract.rhetoric` to name a hit's target when no actor or title
is found ("Russian propaganda" -> Russia); see :meth:`Gazetteer.demonym_owner`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import GazetteerError
from ..io import read_user_file, read_yaml
from ..paths import DEFAULT_ACTORS

__all__ = ["Actor", "Gazetteer", "load_gazetteer", "ruler_patterns", "ACTOR_LABEL", "TITLE_LABEL"]

ACTOR_LABEL = "ACTOR"
TITLE_LABEL = "TITLE"
ACTOR_TYPES = ("person", "state", "organisation", "bloc", "media")
CAMPS = ("russia", "west", "other")
_DEMONYM_RE = re.compile(r"[^\W\d_]+")
_ACTOR_KEYS = {"name", "type", "camp", "gender", "aliases", "titles", "demonyms", "represents", "note"}


@dataclass(frozen=True)
class Actor:
    """One gazetteer entry (see ``actors.yaml`` for the field meanings)."""

    name: str
    type: str
    camp: str
    gender: str | None = None
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    represents: str = ""  # the state or institution a person speaks for ("we" in their speech)


@dataclass
class Gazetteer:
    """A validated set of actors, indexed by canonical name and by title."""

    actors: list[Actor]
    path: str = ""
    sha256: str = ""
    id: str = ""
    version: str = ""
    _by_name: dict[str, Actor] = field(default_factory=dict, repr=False)
    _by_title: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _by_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _by_demonym: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {a.name: a for a in self.actors}
        for a in self.actors:
            for d in a.demonyms:
                self._by_demonym.setdefault(d.lower(), a.name)
        for a in self.actors:
            for alias in (a.name, *a.aliases):
                self._by_alias.setdefault(alias, a.name)
                self._by_alias.setdefault(alias.lower(), a.name)
        for a in self.actors:
            for t in a.titles:
                self._by_title.setdefault(_title_key(t), []).append(a.name)

    def __getitem__(self, name: str) -> Actor:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self):
        return iter(self.actors)

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, name: str) -> Actor | None:
        """The actor with this canonical name, or None."""
        return self._by_name.get(name)

    def camp(self, name: str) -> str:
        """The camp of an actor ('' when unknown)."""
        actor = self._by_name.get(name)
        return actor.camp if actor else ""

    def lookup(self, text: str) -> str | None:
        """The canonical name of the actor called ``text`` (an alias, exact or lower-case), or None."""
        text = " ".join(text.split())
        return self._by_alias.get(text) or self._by_alias.get(text.lower())

    def demonym_owner(self, word: str) -> str | None:
        """The canonical name of the actor whose demonym is ``word`` (case-insensitive), or None."""
        return self._by_demonym.get(word.lower())

    @property
    def demonyms(self) -> dict[str, str]:
        """Every demonym, lower-cased, mapped to its actor's canonical name (a copy)."""
        return dict(self._by_demonym)

    def holders(self, title: str) -> list[str]:
        """Canonical names of the actors that can be called by ``title``."""
        return list(self._by_title.get(_title_key(title), []))


def _title_key(title: str) -> str:
    words = title.lower().replace("’", "'").split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _strings(value, what: str, path: Path, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(f"{what} must be a list of non-empty strings", path=path, where=where)
    return tuple(v.strip() for v in value)


def _demonyms(value, name: str, owners: dict[str, str], path: Path, where: str) -> tuple[str, ...]:
    """Validate one actor's ``demonyms``: single words, each owned by one actor (case-insensitive)."""
    demonyms = _strings(value, "demonyms", path, where)
    for d in demonyms:
        if not _DEMONYM_RE.fullmatch(d):
            raise GazetteerError(
                f"demonym {d!r} must be one word of letters (no spaces, digits, punctuation or possessive)",
                path=path, where=where,
            )
        owner = owners.get(d.lower())
        if owner and owner != name:
            raise GazetteerError(f"demonym {d!r} is also a demonym of {owner!r}", path=path, where=where)
        owners[d.lower()] = name
    return tuple(dict.fromkeys(demonyms))


def _check_demonyms_are_not_aliases(actors: list[Actor], alias_owner: dict[str, str], path: Path) -> None:
    """A demonym must not also be an alias: it would then count as a mention."""
    aliases = {a.lower(): owner for a, owner in alias_owner.items()}
    for actor in actors:
        for d in actor.demonyms:
            owner = aliases.get(d.lower())
            if owner:
                raise GazetteerError(f"demonym {d!r} is also an alias of {owner!r}", path=path,
                                     where=f"actor {actor.name!r}")


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load and validate an actor gazetteer (default: the bundled one).

    Raises:
        GazetteerError: one line naming the file, the actor and the problem.
    """
    path = Path(path) if path is not None else DEFAULT_ACTORS
    key = str(path.resolve()) if path.exists() else str(path)
    try:  # an edited file is read again (notebook users edit and re-run)
        st = Path(key).stat()
        stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    return _load_cached(key, stamp)


@lru_cache(maxsize=8)
def _load_cached(path_str: str, _stamp: tuple[int, int] | None = None) -> Gazetteer:
    path = Path(path_str)
    raw = read_user_file(path, what="gazetteer file", error=GazetteerError)
    data = read_yaml(raw, path, what="gazetteer file", error=GazetteerError).data
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise GazetteerError("expected a mapping with an 'actors:' list", path=path)
    unknown_top = set(data) - {"id", "version", "actors", "description"}
    if unknown_top:
        raise GazetteerError(f"unknown top-level key(s): {', '.join(sorted(unknown_top))}", path=path)
    actors: list[Actor] = []
    seen: dict[str, str] = {}
    alias_owner: dict[str, str] = {}
    demonym_owner: dict[str, str] = {}
    for n, entry in enumerate(data["actors"], 1):
        where = f"actor #{n}"
        if not isinstance(entry, dict):
            raise GazetteerError("each actor must be a mapping", path=path, where=where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError("missing 'name'", path=path, where=where)
        where = f"actor {name!r}"
        unknown = set(entry) - _ACTOR_KEYS
        if unknown:
            raise GazetteerError(f"unknown key(s): {', '.join(sorted(unknown))}", path=path, where=where)
        if name in seen:
            raise GazetteerError("duplicate actor name", path=path, where=where)
        seen[name] = name
        actor_type = entry.get("type")
        if actor_type not in ACTOR_TYPES:
            raise GazetteerError(f"type must be one of {', '.join(ACTOR_TYPES)}; got {actor_type!r}", path=path,
                                 where=where)
        camp = entry.get("camp")
        if camp not in CAMPS:
            raise GazetteerError(f"camp must be one of {', '.join(CAMPS)}; got {camp!r}", path=path, where=where)
        gender = entry.get("gender")
        if gender not in (None, "male", "female"):
            raise GazetteerError(f"gender must be male or female; got {gender!r}", path=path, where=where)
        aliases = _strings(entry.get("aliases"), "aliases", path, where)
        for alias in aliases:
            owner = alias_owner.get(alias)
            if owner and owner != name:
                raise GazetteerError(f"alias {alias!r} is also an alias of {owner!r}", path=path, where=where)
            alias_owner[alias] = name
        titles = _strings(entry.get("titles"), "titles", path, where)
        for title in titles:
            if not _title_key(title):  # would be an empty (zero-token) spaCy pattern
                raise GazetteerError(f"title {title!r} has no words besides an article", path=path, where=where)
        demonyms = _demonyms(entry.get("demonyms"), name, demonym_owner, path, where)
        represents = entry.get("represents") or ""
        if not isinstance(represents, str):
            raise GazetteerError("represents must be the name of another actor", path=path, where=where)
        actors.append(Actor(name.strip(), actor_type, camp, gender, aliases or (name.strip(),), titles, demonyms,
                            represents.strip()))
    _check_demonyms_are_not_aliases(actors, alias_owner, path)
    names = {a.name for a in actors}
    for a in actors:
        if a.represents and a.represents not in names:
            raise GazetteerError(f"represents {a.represents!r}, which is not an actor of this file", path=path,
                                 where=f"actor {a.name!r}")
    return Gazetteer(
        actors,
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        id=str(data.get("id", path.stem)),
        version=str(data.get("version", "")),
    )


def ruler_patterns(gazetteer: Gazetteer, tokenizer) -> list[dict]:
    """EntityRuler patterns for every alias (ACTOR) and title (TITLE).

    ``tokenizer`` is the pipeline's tokenizer; titles become lower-cased token
    patterns so "the minister" and "the Minister" both match.
    """
    patterns: list[dict] = []
    for actor in gazetteer:
        for alias in dict.fromkeys(actor.aliases):
            patterns.append({"label": ACTOR_LABEL, "pattern": alias, "id": actor.name})
    titles: dict[str, None] = {}
    for actor in gazetteer:
        for title in actor.titles:
            titles.setdefault(_title_key(title), None)
    for key in titles:
        words = [t.text for t in tokenizer(key)]
        patterns.append({"label": TITLE_LABEL, "pattern": [{"LOWER": w} for w in words], "id": key})
    return patterns
