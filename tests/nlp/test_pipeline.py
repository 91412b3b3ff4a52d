"""make_nlp (rule-based, no download; clear error for a missing model) and the cached parse."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import spacy
from conftest import ROOT, SEED_ID

from analysis import Corpus, Document, KitError, make_nlp, parse
from analysis.errors import ModelError
from analysis.nlp.docarrays import doc_id_of
from analysis.nlp.pipeline import pipeline_fingerprint


def _corpus(*texts: str) -> Corpus:
    return Corpus([Document(f"d{i}", t) for i, t in enumerate(texts)])


def _summary(doc) -> tuple:
    return (
        doc_id_of(doc),
        doc.text,
        [t.text for t in doc],
        [t.lemma_ for t in doc],
        [s.start for s in doc.sents],
        [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents],
    )


# --------------------------------------------------------------------------- make_nlp


def test_rules_pipeline_has_the_default_components(nlp):
    assert nlp.lang == "en"
    assert "actor_ruler" in nlp.pipe_names
    assert "lemmatizer" in nlp.pipe_names
    assert not {"parser", "ner", "tagger"} & set(nlp.pipe_names)  # rule-based: no trained model


def test_rules_pipeline_sentences_lemmas_and_actors(nlp):
    doc = nlp("Lavrov said the negotiations were held. NATO disagreed.")
    assert [s.text for s in doc.sents] == ["Lavrov said the negotiations were held.", "NATO disagreed."]
    assert [t.lemma_ for t in doc][1:4] == ["say", "the", "negotiation"]
    ents = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("Lavrov", "ACTOR", "Sergei Lavrov") in ents


def test_make_nlp_downloads_nothing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("make_nlp tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert "actor_ruler" in make_nlp().pipe_names


def test_missing_model_is_a_clear_one_line_error():
    with pytest.raises(ModelError) as info:
        make_nlp("en_core_web_doesnotexist")
    message = str(info.value)
    assert isinstance(info.value, KitError) and "\n" not in message
    assert "'en_core_web_doesnotexist' is not installed" in message
    assert "spacy-model-en_core_web_doesnotexist" in message and "--model rules" in message


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm"), reason="the optional spaCy model en_core_web_sm is not installed "
                    "(pip install it to test MODEL='en_core_web_sm')")
def test_trained_model_gets_our_actor_ruler():
    nlp = make_nlp("en_core_web_sm")
    assert nlp.pipe_names.index("actor_ruler") < nlp.pipe_names.index("ner")
    assert any(e.ent_id_ == "Sergei Lavrov" for e in nlp("Lavrov spoke.").ents)


def test_fingerprint_is_stable_within_and_across_processes(nlp):
    assert pipeline_fingerprint(nlp) == pipeline_fingerprint(make_nlp())
    code = "from analysis import make_nlp; from analysis.nlp.pipeline import pipeline_fingerprint; print(pipeline_fingerprint(make_nlp()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == pipeline_fingerprint(nlp)


def test_fingerprint_changes_with_the_gazetteer(nlp, tmp_path):
    actors = tmp_path / "actors.yaml"
    actors.write_text("actors:\n  - name: Maren Adler\n    type: person\n    camp: other\n", encoding="utf-8")
    other = make_nlp(actors=actors)
    assert pipeline_fingerprint(other) != pipeline_fingerprint(nlp)
    assert [e.ent_id_ for e in other("Maren Adler spoke.").ents] == ["Maren Adler"]


def test_fingerprint_changes_with_the_rule_code(nlp, tmp_path, monkeypatch):
    # cached parses must not outlive a change to the splitter, lemmatizer or actor ruler code
    from analysis.nlp import pipeline

    for name in pipeline.PARSE_MODULES:
        (tmp_path / name).write_bytes((pipeline._CODE_DIR / name).read_bytes())
    before = pipeline_fingerprint(nlp)
    monkeypatch.setattr(pipeline, "_CODE_DIR", tmp_path)
    try:
        pipeline._parse_code_sha256.cache_clear()
        assert pipeline_fingerprint(nlp) == before
        (tmp_path / "sentences.py").write_text("# an edited splitter\n", encoding="utf-8")
        pipeline._parse_code_sha256.cache_clear()
        assert pipeline_fingerprint(nlp) != before
    finally:
        monkeypatch.undo()
        pipeline._parse_code_sha256.cache_clear()
    assert pipeline_fingerprint(nlp) == before


# --------------------------------------------------------------------------- parse


def test_parse_keeps_corpus_order_ids_and_texts(nlp, tmp_path):
    corpus = _corpus("First text.", "Second text. Two sentences.", "Third.")
    docs = list(parse(corpus, nlp, cache=tmp_path))
    assert [doc_id_of(d) for d in docs] == corpus.ids
    assert [d.text for d in docs] == [d.text for d in corpus]


def test_parse_defaults_to_the_bundled_pipeline(corpus):
    docs = list(parse(corpus, cache=False))
    assert doc_id_of(docs[0]) == SEED_ID and docs[0].text == corpus[SEED_ID].text


def test_second_parse_reads_the_cache(nlp, tmp_path, monkeypatch):
    corpus = _corpus("“We do not put forward any ultimatums,” Lavrov said.", "NATO replied. Talks follow.")
    first = [_summary(d) for d in parse(corpus, nlp, cache=tmp_path)]
    assert list(tmp_path.rglob("*.spacy"))

    def fail(*args, **kwargs):
        raise AssertionError("nlp.pipe was called: the cache was not used")

    monkeypatch.setattr(nlp, "pipe", fail)
    second = [_summary(d) for d in parse(corpus, nlp, cache=tmp_path)]
    assert second == first


def test_only_uncached_documents_are_parsed_and_order_is_kept(nlp, tmp_path, monkeypatch):
    list(parse(_corpus("Alpha.", "Gamma."), nlp, cache=tmp_path))  # d0, d1 cached
    corpus = Corpus([Document("a", "Alpha."), Document("b", "Beta."), Document("c", "Gamma."), Document("d", "Delta.")])
    seen: list[str] = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        if not kwargs.get("as_tuples"):  # spaCy's own inner call
            yield from real_pipe(texts, **kwargs)
            return
        for doc, ctx in real_pipe(texts, **kwargs):
            seen.append(doc.text)
            yield doc, ctx

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    docs = list(parse(corpus, nlp, cache=tmp_path))
    assert [doc_id_of(d) for d in docs] == ["a", "b", "c", "d"]  # ids come from this corpus, not the cache
    assert seen == ["Beta.", "Delta."]


def test_changed_text_is_parsed_again(nlp, tmp_path, monkeypatch):
    list(parse(_corpus("Old text."), nlp, cache=tmp_path))
    calls = []
    real_pipe = nlp.pipe
    monkeypatch.setattr(nlp, "pipe", lambda texts, **kw: (calls.append(1), real_pipe(texts, **kw))[1])
    assert [d.text for d in parse(_corpus("New text."), nlp, cache=tmp_path)] == ["New text."]
    assert calls


def test_damaged_cache_file_is_parsed_again(nlp, tmp_path):
    corpus = _corpus("A sentence. Another one.")
    expected = [_summary(d) for d in parse(corpus, nlp, cache=tmp_path)]
    for f in tmp_path.rglob("*.spacy"):
        f.write_bytes(b"not a DocBin")
    assert [_summary(d) for d in parse(corpus, nlp, cache=tmp_path)] == expected


def test_cache_false_writes_nothing(nlp, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCOURSE_KIT_CACHE", str(tmp_path))
    list(parse(_corpus("No cache please."), nlp, cache=False))
    assert not any(tmp_path.iterdir())


def test_default_cache_folder_comes_from_the_environment(nlp, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCOURSE_KIT_CACHE", str(tmp_path / "c"))
    list(parse(_corpus("Cache me."), nlp))
    assert len(list((tmp_path / "c").rglob("*.spacy"))) == 1


def test_parse_of_nothing_yields_nothing(nlp, tmp_path):
    assert list(parse(Corpus(), nlp, cache=tmp_path)) == []


def test_two_processes_give_the_same_docs(nlp, tmp_path):
    corpus = _corpus(*[f"Text number {i}. “Quoted,” Lavrov said." for i in range(6)])
    one = [_summary(d) for d in parse(corpus, nlp, cache=False)]
    two = [_summary(d) for d in parse(corpus, nlp, cache=False, n_process=2, batch_size=2)]
    assert two == one


def test_long_documents_are_accepted_by_the_rules_pipeline(nlp):
    text = "Talks resume. " * 80_000  # 1.12 million characters: over spaCy's default limit
    assert len(text) > 1_000_000
    doc = next(parse(_corpus(text), nlp, cache=False))
    assert doc.text == text


def test_document_over_a_models_limit_is_a_one_line_error():
    small = make_nlp()
    small.max_length = 50  # what a trained model's limit looks like, scaled down
    with pytest.raises(KitError) as info:
        list(parse(Corpus([Document("long", "word " * 20, source="texts/long.txt")]), small, cache=False))
    message = str(info.value)
    assert "\n" not in message and message.startswith("texts/long.txt: document 'long' has 100 characters")
    assert "--model rules" in message
