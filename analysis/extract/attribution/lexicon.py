"""The reporting-cue lexicon: speech verbs and cue phrases, as data.

``analysis/data/reporting_verbs.yaml`` (or a user file of the same schema,
documented in its header) lists the speech verbs with their forms and how
they take a clause, the characterising verbs ("called the talks ..."), the
speaker and source nouns, and the cue phrases by family ("according to X",
"through X's mouth"). :func:`load_lexicon` validates it; the YAML is read by
:func:`analysis.io.read_yaml` (a duplicated key is an error naming the file,
the line and the key).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import LexiconError
from ...io import read_user_file, read_yaml
from ...paths import PACKAGE_DIR

__all__ = ["Lexicon", "load_lexicon", "DEFAULT_LEXICON", "PHRASE_FAMILIES"]

#: The bundled reporting-cue lexicon.
DEFAULT_LEXICON = PACKAGE_DIR / "data" / "reporting_verbs.yaml"


#: The families of cue phrases (keys of ``phrases:`` in the lexicon).
PHRASE_FAMILIES = (
    "according_to", "in_words", "agentless", "credit_verbs",
    "proxy_mouthpiece", "proxy_principal", "proxy_subject_is_mouthpiece",
)
_LEXICON_KEYS = {"id", "version", "verbs", "characterising", "speaker_nouns", "source_nouns", "skip_before_verb",
                 "listeners", "phrases", "speech_nouns"}


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The validated reporting-cue lexicon (see ``reporting_verbs.yaml`` for every field)."""

    verbs: dict  # form (lower-case, may be several words) -> (lemma, mode: "bare" | "clause" | "that" | "object")
    characterising: frozenset
    speaker_nouns: frozenset
    source_nouns: frozenset
    skip_before_verb: frozenset
    listeners: tuple  # tuples of lower-case words
    phrases: dict  # family -> tuple of phrases
    examples: dict = None  # lemma -> {"examples": (...), "counter_examples": (...)} (checked by the tests)
    nouns: dict = None  # form (lower-case) -> (name, frozenset of the words that open the content)
    source_words: frozenset = frozenset()  # speaker nouns (and their singulars) | source nouns: one precompiled set
    path: str = ""
    sha256: str = ""


def _word_list(value, what: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{what} must be a list of non-empty strings", path=path)
    return tuple(" ".join(v.lower().split()) for v in value)


def _source_words(data: dict, path: Path) -> frozenset:
    """Speaker nouns, their singulars ("executives" -> "executive") and source nouns, in one set."""
    speakers = _word_list(data.get("speaker_nouns"), "speaker_nouns", path)
    singulars = {w[:-1] for w in speakers if w.endswith("s") and not w.endswith("ss") and len(w) > 4}
    return frozenset(speakers) | singulars | frozenset(_word_list(data.get("source_nouns"), "source_nouns", path))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a reporting-cue lexicon (default: the bundled one).

    Raises:
        LexiconError: one line naming the file and the problem.
    """
    path = Path(path) if path is not None else DEFAULT_LEXICON
    return _load_lexicon(str(path))


@lru_cache(maxsize=4)
def _load_lexicon(path_str: str) -> Lexicon:
    path = Path(path_str)
    raw = read_user_file(path, what="lexicon file", error=LexiconError)
    data = read_yaml(raw, path, what="lexicon file", error=LexiconError).data
    if not isinstance(data, dict) or not isinstance(data.get("verbs"), dict):
        raise LexiconError("expected a mapping with a 'verbs:' mapping", path=path)
    unknown = set(data) - _LEXICON_KEYS
    if unknown:
        raise LexiconError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", path=path)
    verbs: dict[str, tuple[str, bool]] = {}
    examples: dict[str, dict] = {}
    for lemma, spec in data["verbs"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("forms"), list):
            raise LexiconError("each verb needs a 'forms:' list", path=path, where=f"verb {lemma!r}")
        extra = set(spec) - {"forms", "that_optional", "needs_that", "takes_object", "definition", "examples",
                             "counter_examples"}
        if extra:
            raise LexiconError(f"unknown key(s): {', '.join(sorted(extra))}", path=path, where=f"verb {lemma!r}")
        for key in ("that_optional", "needs_that", "takes_object"):
            if not isinstance(spec.get(key, False), bool):
                raise LexiconError(f"{key} must be true or false", path=path, where=f"verb {lemma!r}")
        if not isinstance(spec.get("definition", ""), str):
            raise LexiconError("definition must be a string", path=path, where=f"verb {lemma!r}")
        for key in ("examples", "counter_examples"):
            _word_list(spec.get(key), f"verb {lemma!r} {key}", path)
            if spec.get(key):
                examples.setdefault(str(lemma), {})[key] = tuple(str(x) for x in spec[key])
        mode = "bare" if spec.get("that_optional") else ("that" if spec.get("needs_that") else "clause")
        if spec.get("takes_object"):
            if spec.get("that_optional") or spec.get("needs_that"):
                raise LexiconError("takes_object excludes that_optional and needs_that", path=path,
                                   where=f"verb {lemma!r}")
            mode = "object"
        for form in _word_list(spec["forms"], f"verb {lemma!r} forms", path):
            verbs[form] = (str(lemma), mode)
    nouns: dict[str, tuple[str, frozenset]] = {}
    nouns_raw = data.get("speech_nouns") or {}
    if not isinstance(nouns_raw, dict):
        raise LexiconError("'speech_nouns' must be a mapping of name -> {forms, takes}", path=path)
    for name, spec in nouns_raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("forms"), list) \
                or not isinstance(spec.get("takes"), list):
            raise LexiconError("each speech noun needs 'forms:' and 'takes:' lists", path=path,
                               where=f"speech noun {name!r}")
        extra = set(spec) - {"forms", "takes", "definition", "examples", "counter_examples"}
        if extra:
            raise LexiconError(f"unknown key(s): {', '.join(sorted(extra))}", path=path,
                               where=f"speech noun {name!r}")
        takes = frozenset(_word_list(spec["takes"], f"speech noun {name!r} takes", path))
        if any(" " in t for t in takes):
            raise LexiconError("'takes' lists single words (that, about, on …)", path=path,
                               where=f"speech noun {name!r}")
        for key in ("examples", "counter_examples"):
            _word_list(spec.get(key), f"speech noun {name!r} {key}", path)
            if spec.get(key):
                examples.setdefault(f"noun:{name}", {})[key] = tuple(str(x) for x in spec[key])
        for form in _word_list(spec["forms"], f"speech noun {name!r} forms", path):
            if " " in form:
                raise LexiconError(f"speech noun forms are single words ({form!r})", path=path,
                                   where=f"speech noun {name!r}")
            nouns[form] = (str(name), takes)
    phrases_raw = data.get("phrases") or {}
    if not isinstance(phrases_raw, dict):
        raise LexiconError("'phrases' must be a mapping of family -> list", path=path)
    unknown = set(phrases_raw) - set(PHRASE_FAMILIES)
    if unknown:
        raise LexiconError(
            f"unknown phrase family {', '.join(sorted(unknown))}; known: {', '.join(PHRASE_FAMILIES)}", path=path
        )
    phrases = {}
    for family in PHRASE_FAMILIES:
        items = _word_list(phrases_raw.get(family), f"phrases.{family}", path)
        for p in items:
            if p.split().count("x") > 1:
                raise LexiconError(f"phrase {p!r} has more than one X slot", path=path, where=f"phrases.{family}")
        phrases[family] = items
    return Lexicon(
        verbs=verbs,
        characterising=frozenset(_word_list(data.get("characterising"), "characterising", path)),
        speaker_nouns=frozenset(_word_list(data.get("speaker_nouns"), "speaker_nouns", path)),
        source_nouns=frozenset(_word_list(data.get("source_nouns"), "source_nouns", path)),
        skip_before_verb=frozenset(_word_list(data.get("skip_before_verb"), "skip_before_verb", path)),
        listeners=tuple(tuple(x.split()) for x in _word_list(data.get("listeners"), "listeners", path)),
        phrases=phrases,
        examples=examples,
        nouns=nouns,
        source_words=_source_words(data, path),
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
