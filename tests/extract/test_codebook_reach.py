"""The reach pre-check (:mod:`analysis.extract.codebook.reach`) never loses a match spaCy's Matcher finds.

Random token patterns (every op the codebook uses: one, ``?``, ``*``, ``+``, ``{n}``, ``{n,m}``,
``{n,}``, ``{,m}``, ``!``; ``LOWER``/``ORTH`` values and ``IN``/``NOT_IN`` sets, ``IS_*`` flags,
``REGEX`` and comparisons it cannot evaluate, actor bits) around one anchor word, on random
texts: every match spaCy finds on the whole Doc lies inside the window the reach gives for the
anchor's position, and where the reach says no match can hold the anchor, spaCy finds none.
"""
from __future__ import annotations

import random

import numpy as np
import spacy
from spacy.matcher import Matcher

from analysis.extract.codebook.patterns import ACTOR_BITS, actor_extension, set_actor_mask
from analysis.extract.codebook.reach import Features, Reach, bind_all

WORDS = ["as", "the", "Lavrov", "said", "West", "it", "has", "rightly", ",", "’s", "NATO", "of", "by", "2014"]
TOKENS = [
    {}, {"LOWER": "the"}, {"ORTH": "Lavrov"}, {"LOWER": {"IN": ["the", "it", "of"]}},
    {"LOWER": {"NOT_IN": ["the", "by"]}}, {"IS_ALPHA": True, "IS_LOWER": False}, {"IS_TITLE": True},
    {"IS_PUNCT": True}, {"TEXT": {"REGEX": "^[A-Z]"}}, {"LENGTH": {">=": 3}}, {"SHAPE": "dddd"},
    {"_": {actor_extension("any"): True}}, {"IS_DIGIT": False, "LOWER": {"IN": ["has", "rightly", "west"]}},
]
OPS = [None, None, "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{1,}", "{,2}", "!"]


def _pattern(rng: random.Random) -> tuple[list[dict], int]:
    before = [dict(rng.choice(TOKENS)) for _ in range(rng.randint(0, 3))]
    after = [dict(rng.choice(TOKENS)) for _ in range(rng.randint(0, 3))]
    for tok in before + after:
        op = rng.choice(OPS)
        if op is not None:
            tok["OP"] = op
    return before + [{"LOWER": "anchor"}] + after, len(before)


def test_reach_windows_hold_every_spacy_match():
    nlp = spacy.blank("en")
    rng = random.Random(11)
    checked = narrowed = 0
    for _ in range(400):
        pattern, i = _pattern(rng)
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
        p = len(words)
        words += ["anchor"] + [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
        doc = spacy.tokens.Doc(nlp.vocab, words=words)
        mask = np.array([rng.choice([0, 0, ACTOR_BITS["any"]]) for _ in doc], dtype=np.int64)
        set_actor_mask(doc, mask)
        matcher = Matcher(nlp.vocab)
        matcher.add("P", [pattern])
        matches = [(s, e) for _, s, e in matcher(doc)]
        reach = Reach(pattern, i, nlp.vocab.strings, ACTOR_BITS)
        window = (0, len(doc))
        if reach.useful:
            lexeme_attrs, token_attrs = bind_all([reach])
            window = reach.window(p, 0, len(doc), Features(doc, mask, lexeme_attrs, token_attrs, {}))
        if window is None:
            assert matches == [], (pattern, words)
            narrowed += 1
            continue
        a, b = window
        assert all(a <= s and e <= b for s, e in matches), (pattern, words, window, matches)
        narrowed += (b - a) < len(doc)
        checked += 1
    assert checked > 100 and narrowed > 100  # both kinds of outcome were exercised
