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

* ``require_actor: {camp: west|russia|other|any or a list, type: a gazetteer type
  (person, state, organisation, bloc, ...) or a list, window: sentence|match|N}``
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
(:mod:`analysis.extract.rhetoric`):

1. ``actor`` -- ``ACTOR`` mentions (gazetteer aliases, e.g. "Washington's
   hypocrisy", "the Kyiv regime").
2. ``title`` -- ``TITLE`` entities that :class:`analysis.extract.attribution.Resolver`
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

from .load import load_codebook
from .matcher import CompiledCodebook, compile_codebook, sentence_bounds
from .model import (
    CONSTRAINTS,
    FIRST_PERSON,
    MAX_REGEX_TOKEN_CHARS,
    NEGATORS,
    TARGET_STRATEGIES,
    Category,
    Codebook,
    Constraints,
    Rule,
)
from .patterns import regex_problem, word_forms

__all__ = [
    "Codebook",
    "Category",
    "Rule",
    "Constraints",
    "CompiledCodebook",
    "load_codebook",
    "compile_codebook",
    "word_forms",
    "regex_problem",
    "sentence_bounds",
    "CONSTRAINTS",
    "TARGET_STRATEGIES",
    "NEGATORS",
    "FIRST_PERSON",
    "MAX_REGEX_TOKEN_CHARS",
]
