"""Which tokens refer to an actor, in every form a reader resolves (the coding guide's "Actors").

:func:`actor_mask` gives one ``uint16`` per token: a bit per kind of reference
(:data:`~.patterns.ACTOR_KINDS`) and, where the gazetteer knows it, a bit for the actor's camp.
``{actor: ...}`` pattern tokens and the ``require_actor`` constraint read it. The kinds:

* ``mention`` -- an ``ACTOR`` entity of the gazetteer ("Moscow", "the Kremlin", "NATO");
* ``title`` -- a ``TITLE`` entity ("the Secretary of State", "the President");
* ``noun`` -- a member of the codebook's ``actor_noun`` class ("the regime", "the authorities",
  "Western delegations", "the collective West");
* ``demonym`` -- a gazetteer demonym or a member of the ``demonym`` class ("the Europeans",
  "Iranian", "Russian") -- not one that names people or places ("the Ukrainian people",
  "Western Europe") or follows anti-/pro-;
* ``name`` -- a capitalised word that is not in the ``not_a_name`` class (months, documents,
  forms of address...): names of states, capitals, leaders and bodies the gazetteer does not
  list ("Tehran", "Maduro", "the Taliban"); the first word of a sentence only when the document
  also has it capitalised inside a sentence and never in lower case ("Tehran" in "Tehran said",
  not "Torture" in "Torture is commonplace");
* ``pronoun`` -- a third-person pronoun (it, its, they, their, he, his, she, her ...) with an
  actor reference of another kind earlier in its sentence or in the previous sentence; "it"
  before a form of *be* / *seem* (the impersonal "it is clear") is not one.

First-person words are never actor references: the speaker's own side is not "an actor in
scope" (the guide's self-reference rule).
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_ALPHA, IS_TITLE, IS_UPPER
from spacy.strings import hash_string
from spacy.tokens import Doc

from ...nlp.docarrays import doc_ents, token_index, token_lower, token_punct
from ...nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer
from .model import Codebook
from .patterns import ACTOR_BITS, ACTOR_KINDS

__all__ = ["actor_mask", "PRONOUNS"]

#: Third-person pronouns that refer back to an actor.
PRONOUNS = ("it", "its", "itself", "they", "their", "theirs", "them", "themselves", "he", "his", "him",
            "himself", "she", "her", "herself")
_PRONOUN_HASHES = np.array(sorted(hash_string(w) for w in PRONOUNS), dtype=np.uint64)
_IT = hash_string("it")
#: "it" before these is impersonal ("it is clear that", "it seems", "it has been ten years").
_IMPERSONAL_AFTER = frozenset(hash_string(w) for w in (
    "is", "was", "'s", "’s", "seems", "seemed", "appears", "appeared", "remains", "becomes", "became", "takes",
    "took", "goes", "went", "would", "will"))
#: Words after a demonym that make it name people, places or things, not an actor.
_NOT_ACTOR_HEADS = frozenset(hash_string(w) for w in """people peoples population populations citizen citizens
    civilian civilians child children woman women man men family families nation nationals compatriot compatriots
    victim victims refugee refugees speaker speakers speaking taxpayers voters public society territory territories
    soil land lands region regions city cities town towns village villages language languages culture history
    border borders coast europe balkans sahara hemisphere sea ocean world""".split())
_STANCE_PREFIXES = frozenset(hash_string(w) for w in ("anti", "pro", "non"))
_HYPHENS = frozenset(hash_string(w) for w in ("-", "‐"))
_CAMP_BIT = {camp: bit for camp, bit in ACTOR_BITS.items() if camp != "any"}


def _hash_array(words) -> np.ndarray:
    return np.array(sorted({hash_string(w) for w in words}), dtype=np.uint64)


def _in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``np.isin(values, table)`` for a sorted ``table``: one ``searchsorted``, no sort of the table per call."""
    if not len(table) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(table, values)
    at[at == len(table)] = 0
    return table[at] == values


def _class_forms(codebook: Codebook | None, name: str) -> tuple[frozenset[str], tuple]:
    cls = codebook.classes.get(name) if codebook is not None else None
    return (cls.members.forms, cls.members.sequences) if cls is not None else (frozenset(), ())


def _sequence_table(sequences: tuple) -> tuple[np.ndarray, dict[int, list[tuple[frozenset[int], ...]]]]:
    """Multi-word members as LOWER hashes: the first words' hashes (sorted) and each word's sequences."""
    by_first: dict[int, list[tuple[frozenset[int], ...]]] = {}
    for seq in sequences:
        hashed = tuple(frozenset(hash_string(w) for w in forms) for forms in seq)
        for h in hashed[0]:
            by_first.setdefault(h, []).append(hashed)
    return np.array(sorted(by_first), dtype=np.uint64), by_first


def _mark_sequences(mask: np.ndarray, lower: np.ndarray, table: tuple, bit: int) -> None:
    """Set ``bit`` on every token of each occurrence of a multi-word class member (:func:`_sequence_table`)."""
    firsts, by_first = table
    if not len(firsts):
        return
    n = len(lower)
    words = None
    for i in np.flatnonzero(_in_sorted(lower, firsts)).tolist():
        if words is None:
            words = lower.tolist()
        for seq in by_first[words[i]]:
            k = len(seq)
            if i + k <= n and all(words[i + j] in seq[j] for j in range(1, k)):
                mask[i: i + k] |= bit


_TABLES: dict[tuple[int, int], tuple] = {}


def _tables(gazetteer: Gazetteer | None, codebook: Codebook | None) -> tuple:
    """Hash tables of the actor-noun, demonym and not-a-name words, built once per gazetteer and codebook."""
    key = (id(gazetteer), id(codebook))
    found = _TABLES.get(key)
    if found is not None and found[0] is gazetteer and found[1] is codebook:
        return found[2]
    noun_forms, noun_seqs = _class_forms(codebook, "actor_noun")
    demonym_camp: dict[int, int] = {}
    if gazetteer is not None:
        for word, name in gazetteer.demonyms.items():
            actor = gazetteer.get(name)
            demonym_camp[hash_string(word)] = _CAMP_BIT.get(actor.camp, 0) if actor is not None else 0
    forms, _ = _class_forms(codebook, "demonym")
    for word in forms:
        demonym_camp.setdefault(hash_string(word), 0)
    not_a_name, _ = _class_forms(codebook, "not_a_name")
    tables = (_hash_array(noun_forms) if noun_forms else None, _sequence_table(noun_seqs), demonym_camp,
              np.array(sorted(demonym_camp), dtype=np.uint64), _hash_array(not_a_name | {"i"}))
    if len(_TABLES) > 8:
        _TABLES.clear()
    _TABLES[key] = (gazetteer, codebook, tables)
    return tables


def actor_mask(doc: Doc, gazetteer: Gazetteer | None, codebook: Codebook | None = None) -> np.ndarray:
    """One ``uint16`` per token: which kinds of actor reference it is part of, and the camp if known.

    Args:
        doc: a parsed Doc (with ``ACTOR`` / ``TITLE`` entities from the gazetteer ruler).
        gazetteer: camps of mentions and the gazetteer's demonyms (None: no camps, no gazetteer demonyms).
        codebook: its ``actor_noun``, ``demonym`` and ``not_a_name`` classes, when it defines them.
    """
    n = len(doc)
    mask = np.zeros(n, dtype=np.uint16)
    if n == 0:
        return mask
    lower = token_lower(doc)
    punct = token_punct(doc)
    _, sent_of, spans = token_index(doc)
    flags = doc.to_array([IS_TITLE, IS_UPPER, IS_ALPHA])
    kinds = ACTOR_KINDS
    # mentions and titles
    for e in doc_ents(doc):
        if e.label_ == ACTOR_LABEL:
            bits = kinds["mention"]
            actor = gazetteer.get(e.ent_id_) if gazetteer is not None else None
            if actor is not None:
                bits |= _CAMP_BIT.get(actor.camp, 0)
            mask[e.start:e.end] |= bits
        elif e.label_ == TITLE_LABEL:
            mask[e.start:e.end] |= kinds["title"]
    noun_hashes, noun_seqs, demonym_camp, demonym_hashes, stop = _tables(gazetteer, codebook)
    # actor nouns
    if noun_hashes is not None:
        mask[_in_sorted(lower, noun_hashes)] |= kinds["noun"]
    _mark_sequences(mask, lower, noun_seqs, kinds["noun"])
    # demonyms
    if demonym_camp:
        for i in np.flatnonzero(_in_sorted(lower, demonym_hashes)).tolist():
            if i >= 2 and int(lower[i - 1]) in _HYPHENS and int(lower[i - 2]) in _STANCE_PREFIXES:
                continue
            j = i + 1
            if j < n and int(lower[j]) in _HYPHENS:
                j += 1
            if j < n and int(lower[j]) in _NOT_ACTOR_HEADS:
                continue
            mask[i] |= kinds["demonym"] | demonym_camp[int(lower[i])]
    # names: capitalised words inside a sentence
    starts = np.zeros(n, dtype=bool)
    for s, e in spans:  # the first word of each sentence (after punctuation such as an opening quote)
        k = s
        while k < e and punct[k]:
            k += 1
        if k < e:
            starts[k] = True
    alpha = flags[:, 2] != 0
    capital = ((flags[:, 0] != 0) | (flags[:, 1] != 0)) & alpha
    first = np.flatnonzero(capital & starts)
    if len(first):
        inner = capital & ~starts
        lowercase = alpha & ~capital
        named = (_in_sorted(lower[first], np.sort(lower[inner]))
                 & ~_in_sorted(lower[first], np.sort(lower[lowercase])))
        capital[first[~named]] = False
    capital &= ~_in_sorted(lower, stop)
    mask[capital] |= kinds["name"]
    # pronouns with an antecedent in the sentence before them or in the previous sentence
    pron = np.flatnonzero(_in_sorted(lower, _PRONOUN_HASHES))
    if len(pron):
        has_actor = mask != 0
        sent_has = np.zeros(len(spans) + 1, dtype=bool)
        if has_actor.any():
            sent_has[np.unique(sent_of[has_actor])] = True
        actor_at = np.flatnonzero(has_actor)
        sents, first = np.unique(sent_of[actor_at], return_index=True)  # first actor token of each sentence
        first_actor = dict(zip(sents.tolist(), actor_at[first].tolist()))
        for i in pron.tolist():
            if int(lower[i]) == _IT and i + 1 < n and int(lower[i + 1]) in _IMPERSONAL_AFTER:
                continue
            k = int(sent_of[i])
            if (k > 0 and sent_has[k - 1]) or first_actor.get(k, n) < i:
                mask[i] |= kinds["pronoun"]
    return mask
