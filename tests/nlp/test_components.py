"""The fast pipeline components and the parse cache give exactly what spaCy's stock ones give."""
from __future__ import annotations

import random
import re

import pytest
import spacy
from conftest import sample_texts
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, LEMMA, SENT_START
from spacy.tokens import DocBin

from analysis.nlp.doccache import doc_from_bytes, doc_to_bytes
from analysis.nlp.gazetteer import load_gazetteer, ruler_patterns


def _stock_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("discourse_sentences")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", name="actor_ruler", config={"overwrite_ents": True, "validate": True})
    nlp.initialize()
    with nlp.select_pipes(disable=["discourse_sentences", "lemmatizer"]):
        ruler.add_patterns(ruler_patterns(load_gazetteer(), nlp.tokenizer))
    return nlp


def _annotations(doc) -> tuple:
    arr = doc.to_array([LEMMA, SENT_START, ENT_IOB, ENT_TYPE, ENT_ID, ENT_KB_ID])
    return doc.text, arr.tolist(), [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


def test_fast_components_annotate_exactly_like_the_stock_ones(nlp):
    words = re.findall(r"\S+", " ".join(sample_texts())) + ["minister", "MINISTER", "the secretary general", "Foreign Minister's"]
    rng = random.Random(7)
    texts = sample_texts() + [" ".join(rng.choice(words) for _ in range(rng.randint(0, 60))) for _ in range(300)]
    stock = _stock_nlp()
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts)):
        assert _annotations(ours) == _annotations(theirs)
    ruler = nlp.get_pipe("actor_ruler")
    assert sorted(map(repr, ruler.patterns)) == sorted(map(repr, stock.get_pipe("actor_ruler").patterns))


def test_cached_doc_bytes_are_a_docbin_and_round_trip(nlp):
    doc = nlp(sample_texts()[1])
    doc.user_data["doc_id"] = "q"
    data = doc_to_bytes(doc)
    for back in (doc_from_bytes(data, nlp.vocab), next(DocBin().from_bytes(data).get_docs(nlp.vocab))):
        assert _annotations(back) == _annotations(doc) and back.user_data["doc_id"] == "q"
    with pytest.raises(ValueError):
        doc_from_bytes(b"garbage", nlp.vocab)


def test_doc_text_is_the_document_text(corpus, nlp, tmp_path):
    from analysis import parse
    from analysis.nlp.docarrays import doc_text

    for cache in (tmp_path, tmp_path):  # parsed, then read from the Doc cache
        for doc, document in zip(parse(corpus, nlp, cache=cache), corpus):
            assert doc_text(doc) == doc.text == document.text
    other = nlp("Not parsed by parse().")
    assert doc_text(other) == other.text
