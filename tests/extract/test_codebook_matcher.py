"""The compiled codebook's shortcuts (required words, anchored windows, actor and distance checks) lose no match.

:class:`~analysis.extract.codebook.matcher.CompiledCodebook` runs each token pattern only in
sentences holding its required words, on windows around its rarest one, and skips an occurrence
when the actor run or another required word cannot stand where the pattern needs it. Here every
pattern is also run over every whole sentence with spaCy's Matcher, and the two must agree.
"""
from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from analysis import load_corpus
from analysis.extract.codebook import compile_codebook, load_codebook, sentence_bounds
from analysis.extract.rhetoric import _Context


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The bundled codebook's own examples and counter-examples (one document), and the bundled corpus."""
    book = load_codebook()
    sentences = [s for c in book.categories for s in (*c.examples, *c.counter_examples)]
    # whitespace collapsed: the whitespace-skipping view is tested elsewhere; here windows are compared
    return [" ".join(sentences)] + [" ".join(d.text.split()) for d in load_corpus()]


def _full_scan(compiled, doc) -> set[tuple[str, int, int]]:
    """Every token pattern over the whole Doc, without any shortcut; the matches inside one sentence."""
    sentence = [0] * len(doc)
    for k, start in enumerate(sentence_bounds(doc)):
        sentence[start:] = [k] * (len(doc) - start)
    by_rule = Matcher(doc.vocab, validate=False)  # one Matcher with every pattern of every rule
    for rule, matcher, _, _ in compiled.variants:
        by_rule.add(rule.key, matcher.get(rule.key)[1])
    strings = doc.vocab.strings
    return {(strings[key], s, e) for key, s, e in by_rule(doc) if sentence[s] == sentence[e - 1]}


def test_windowed_matches_equal_a_full_scan(nlp, texts):
    book = load_codebook()
    compiled = compile_codebook(book, nlp.vocab)
    phrase_keys = compiled.phrase_matchers.get("LOWER")
    total = 0
    for text in texts:
        doc = nlp(text)
        context = _Context(doc, None, None, book)
        fast = compiled.matches(doc, context.sent_starts, context.actor_mask)
        slow = _full_scan(compiled, doc)  # after matches(): the Doc has its actor mask
        keys = {k for k, _, _ in slow} | {r.key for r, _, _ in fast if r.patterns}
        # rules some of whose patterns are plain words also match through the PhraseMatcher
        keys = {k for k in keys if phrase_keys is None or k not in phrase_keys}
        assert {(r.key, s, e) for r, s, e in fast if r.key in keys} == {m for m in slow if m[0] in keys}
        total += len(slow)
    assert total > 100  # the texts hold many matches of windowed rules
    # actor runs and distance checks were exercised
    assert any(off[2] for _, _, _, offsets in compiled.variants for off in offsets.values())
