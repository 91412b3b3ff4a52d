"""Caching and parallel analysis behave exactly like a plain run (behaviour, never timings).

* a warm run gives the same results as the cold run, without parsing or extracting;
* a changed codebook, gazetteer, text or metadata misses the cache;
* ``n_process=2`` gives the same results and tables as one process, in order;
* damaged cache files are recomputed, never trusted, never a crash;
* the faster pipeline components give exactly the stock components' annotations.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import sample_texts

import analysis.app.engine as engine
from analysis import Corpus, Document, make_nlp
from analysis.app.records import RecordCache, decode_result, encode_result
from analysis.app.run import analyze_corpus
from analysis.extract.analyze import DocResult
from analysis.extract.codebook import load_codebook
from analysis.nlp.gazetteer import load_gazetteer
from analysis.paths import DEFAULT_ACTORS, DEFAULT_CODEBOOK


@pytest.fixture()
def corpus() -> Corpus:
    docs = [Document(f"d{i}", t, {"source_credit": "Source: Interfax"} if i == 0 else {})
            for i, t in enumerate(sample_texts())]
    return Corpus(docs)


def _results(corpus, nlp, cache, **kwargs) -> list[dict]:
    kwargs.setdefault("progress", False)
    return [dataclasses.asdict(r) for r in analyze_corpus(corpus, nlp, cache=cache, **kwargs)]


class _Counter:
    """Counts calls of analyze_doc in this process (the cache decides whether it runs)."""

    def __init__(self, monkeypatch):
        self.n = 0
        real = engine.analyze_doc

        def counting(*args, **kwargs):
            self.n += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(engine, "analyze_doc", counting)


# --------------------------------------------------------------------------- warm == cold


def test_warm_run_equals_cold_run_without_parsing_or_extracting(corpus, nlp, tmp_path, monkeypatch):
    cold = _results(corpus, nlp, tmp_path)
    assert list(tmp_path.rglob("*.rec")), "records were not cached"

    def refuse(*args, **kwargs):
        raise AssertionError("a warm run must neither parse nor extract")

    monkeypatch.setattr(engine, "parse", refuse)
    monkeypatch.setattr(engine, "analyze_doc", refuse)
    assert _results(corpus, nlp, tmp_path) == cold


def test_cached_results_equal_uncached_results(corpus, nlp, tmp_path):
    assert _results(corpus, nlp, tmp_path) == _results(corpus, nlp, False)


def test_warm_and_cold_keyness_terms_are_the_same(corpus, nlp, tmp_path):
    from analysis.tables.stats import VoiceTerms

    cold, warm = VoiceTerms(), VoiceTerms()
    list(analyze_corpus(corpus, nlp, cache=tmp_path, terms=cold, progress=False))
    list(analyze_corpus(corpus, nlp, cache=tmp_path, terms=warm, progress=False))
    assert list(warm.quoted.items()) == list(cold.quoted.items()) and warm.quoted
    assert list(warm.narration.items()) == list(cold.narration.items())


def test_cache_false_writes_no_records(corpus, nlp, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCOURSE_KIT_CACHE", str(tmp_path))
    _results(corpus, nlp, False)
    assert not list(tmp_path.rglob("*"))


# --------------------------------------------------------------------------- invalidation


def test_changed_text_is_analysed_again_and_only_it(corpus, nlp, tmp_path, monkeypatch):
    _results(corpus, nlp, tmp_path)
    counter = _Counter(monkeypatch)
    docs = list(corpus)
    docs[2] = Document("d2", "NATO said yes. Stoltenberg said “never” to Kyiv.")
    changed = _results(Corpus(docs), nlp, tmp_path)
    assert counter.n == 1
    assert changed == _results(Corpus(docs), nlp, False)


def test_changed_metadata_is_analysed_again(corpus, nlp, tmp_path, monkeypatch):
    _results(corpus, nlp, tmp_path)
    counter = _Counter(monkeypatch)
    docs = [Document(d.doc_id, d.text, {}) for d in corpus]  # d0 loses its source credit
    again = _results(Corpus(docs), nlp, tmp_path)
    assert counter.n == 1
    assert again == _results(Corpus(docs), nlp, False)


def test_renamed_document_is_analysed_again(corpus, nlp, tmp_path, monkeypatch):
    _results(corpus, nlp, tmp_path)
    counter = _Counter(monkeypatch)
    docs = [Document("renamed" if d.doc_id == "d1" else d.doc_id, d.text, d.metadata) for d in corpus]
    results = _results(Corpus(docs), nlp, tmp_path)
    assert counter.n == 1 and results[1]["doc_id"] == "renamed"


def test_changed_codebook_invalidates_the_cache(corpus, nlp, tmp_path, monkeypatch):
    before = _results(corpus, nlp, tmp_path / "cache")
    edited = tmp_path / "codebook.yaml"
    # a scholar's edit: one more phrase, nothing else
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    edited.write_text(text + "\n# edited by a scholar\n", encoding="utf-8")
    codebook = load_codebook(edited)
    assert codebook.sha256 != load_codebook().sha256
    counter = _Counter(monkeypatch)
    after = _results(corpus, nlp, tmp_path / "cache", codebook=codebook)
    assert counter.n == len(corpus)
    assert after == before  # a comment changes nothing but the hash: recomputed all the same


def test_changed_gazetteer_invalidates_the_cache(corpus, tmp_path, monkeypatch):
    nlp = make_nlp()
    before = _results(corpus, nlp, tmp_path / "cache")
    edited = tmp_path / "actors.yaml"
    edited.write_text(DEFAULT_ACTORS.read_text(encoding="utf-8").replace("aliases: [Lavrov,", "aliases: [Lavrov, Envoy,", 1),
                      encoding="utf-8")
    gazetteer = load_gazetteer(edited)
    assert gazetteer.sha256 != load_gazetteer().sha256
    nlp2 = make_nlp(actors=gazetteer)
    counter = _Counter(monkeypatch)
    after = _results(corpus, nlp2, tmp_path / "cache", gazetteer=gazetteer)
    assert counter.n == len(corpus)
    assert after == _results(corpus, nlp2, False, gazetteer=gazetteer)
    assert before != after or True  # the texts may not use the new alias; recomputation is what matters


def test_sentiment_choice_is_part_of_the_key(corpus, nlp, tmp_path):
    without = _results(corpus, nlp, tmp_path, with_sentiment=False)
    with_ = _results(corpus, nlp, tmp_path, with_sentiment=True)
    assert all(not r["sentiment"] for r in without)
    assert any(r["sentiment"] for r in with_)


# --------------------------------------------------------------------------- damaged files


@pytest.mark.parametrize("damage", ["garbage", "truncate", "flip", "empty"])
def test_damaged_records_are_recomputed_not_trusted(corpus, nlp, tmp_path, damage):
    expected = _results(corpus, nlp, tmp_path)
    files = sorted(tmp_path.rglob("*.rec"))
    assert files
    for f in files:
        data = f.read_bytes()
        if damage == "garbage":
            f.write_bytes(b"not a records file")
        elif damage == "truncate":
            f.write_bytes(data[: len(data) // 2])
        elif damage == "flip":  # valid header, one byte changed deep in the payload
            i = len(data) - 7
            f.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :])
        else:
            f.write_bytes(b"")
    assert _results(corpus, nlp, tmp_path) == expected
    assert _results(corpus, nlp, tmp_path) == expected  # and rewritten correctly


def test_unwritable_cache_folder_does_not_stop_a_run(corpus, nlp, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    assert _results(corpus, nlp, blocker) == _results(corpus, nlp, False)


def test_records_codec_round_trip_keeps_missing_values_and_types():
    result = DocResult(
        doc_id="x", n_tokens=3, n_sentences=1,
        mentions=[{"doc_id": "x", "start_char": pd.NA, "end_char": 5, "voice": "narrator"}],
        attributions=[{"a": 1.5, "b": None, "c": True, "d": (1, 2)}, {"other": "keys"}],
        voice_tokens={"narrator": 3}, warnings=["odd quote"], terms={"quoted": {"a": 1}, "narration": {}},
    )
    back = decode_result(encode_result(result))
    assert back.mentions[0]["start_char"] is pd.NA
    assert back.attributions == result.attributions and type(back.attributions[0]["d"]) is tuple
    assert dataclasses.astuple(back)[:3] == ("x", 3, 1) and back.terms == result.terms


def test_values_that_cannot_be_stored_exactly_are_not_cached():
    result = DocResult(doc_id="x", n_tokens=1, n_sentences=1, evidence=[{"score": np.float64(0.5)}])
    assert encode_result(result) is None


def test_record_key_depends_on_text_id_and_metadata():
    cache = RecordCache("unused", "f" * 64)
    base = Document("a", "Text.", {"k": 1})
    keys = {cache.key(d) for d in (base, Document("b", "Text.", {"k": 1}), Document("a", "Text!", {"k": 1}),
                                   Document("a", "Text.", {"k": 2}))}
    assert len(keys) == 4 and cache.key(Document("a", "Text.", {"k": 1})) == cache.key(base)


# --------------------------------------------------------------------------- processes


def test_two_processes_give_identical_results_in_corpus_order(corpus, nlp, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_DOCS", 1)  # spread the documents over both workers
    one = _results(corpus, nlp, False)
    two = _results(corpus, nlp, False, n_process=2)
    assert two == one
    cold = _results(corpus, nlp, tmp_path, n_process=2)  # workers write the cache ...
    assert cold == one
    assert _results(corpus, nlp, tmp_path) == one  # ... that one process reads


def test_two_processes_give_identical_tables(corpus, nlp, monkeypatch):
    from analysis.app.run import build_tables
    from analysis.tables.stats import VoiceTerms

    monkeypatch.setattr(engine, "CHUNK_DOCS", 1)

    def tables(n):
        terms = VoiceTerms()
        results = list(analyze_corpus(corpus, nlp, n_process=n, cache=False, terms=terms, progress=False))
        return build_tables(results, corpus, terms=terms)

    one, two = tables(1), tables(2)
    assert one.keys() == two.keys()
    for name in one:
        assert one[name].to_csv(index=False) == two[name].to_csv(index=False), name


def test_bad_n_process_is_a_clear_error(corpus, nlp):
    from analysis.errors import KitError

    with pytest.raises(KitError, match="n_process"):
        list(analyze_corpus(corpus, nlp, n_process=0, cache=False))


def test_tables_built_in_pieces_equal_tables_built_at_once(corpus, nlp):
    from analysis.app.run import TableBuilder, build_tables
    from analysis.tables.stats import VoiceTerms

    terms = VoiceTerms()
    results = list(analyze_corpus(corpus, nlp, cache=False, terms=terms, progress=False))
    whole = build_tables(results, corpus, terms=terms)
    builder = TableBuilder(flush_rows=1)  # a piece per document
    for r in analyze_corpus(corpus, nlp, cache=False, progress=False):
        builder.add(r)
    pieces = build_tables(builder, corpus, terms=terms)
    assert whole.keys() == pieces.keys()
    for name in whole:
        assert whole[name].equals(pieces[name]), name
        assert list(whole[name].dtypes) == list(pieces[name].dtypes), name
        assert whole[name].to_csv(index=False) == pieces[name].to_csv(index=False), name


@pytest.mark.parametrize("warm", ["cold", "half warm"])
def test_tables_from_worker_pieces_equal_one_process_tables(corpus, nlp, tmp_path, monkeypatch, warm):
    """build_tables(analyze_corpus(..., n_process=2)): workers build table pieces; same tables, same order."""
    from analysis.app.run import build_tables
    from analysis.tables.stats import VoiceTerms

    docs = list(corpus) + [Document(f"extra{i}", f"NATO said no. Lavrov said “never {i}”.") for i in range(5)]
    big = Corpus(docs)
    if warm == "half warm":  # cached and uncached documents interleave
        list(analyze_corpus(Corpus(docs[::2]), nlp, cache=tmp_path, terms=VoiceTerms(), progress=False))
    monkeypatch.setattr(engine, "CHUNK_DOCS", 1)

    def tables(n, cache):
        terms = VoiceTerms()
        return build_tables(analyze_corpus(big, nlp, n_process=n, cache=cache, terms=terms, progress=False),
                            big, terms=terms)

    one, two = tables(1, False), tables(2, tmp_path)
    assert one.keys() == two.keys()
    for name in one:
        assert one[name].equals(two[name]), name
        assert one[name].to_csv(index=False) == two[name].to_csv(index=False), name


def test_a_started_stream_still_builds_every_table_row(corpus, nlp):
    from analysis.app.run import TableBuilder

    stream = analyze_corpus(corpus, nlp, cache=False, progress=False)
    first = next(stream)
    builder = stream.into(TableBuilder())
    assert [r.doc_id for r in builder.results] == [d.doc_id for d in corpus][1:]
    assert first.doc_id == "d0"


@pytest.mark.parametrize("n_process", [1, 2])
def test_keyness_terms_equal_adding_every_doc_in_order(corpus, nlp, monkeypatch, n_process):
    """Pooled per document or per worker chunk: the same counts in the same order as VoiceTerms.add."""
    from analysis import parse
    from analysis.app.run import build_tables
    from analysis.extract.attribution import doc_attributions
    from analysis.tables.stats import VoiceTerms

    monkeypatch.setattr(engine, "CHUNK_DOCS", 1)
    docs = Corpus([Document("plain", "NATO met in Brussels. The talks continued."), *corpus])
    expected = VoiceTerms()
    for doc, document in zip(parse(docs, nlp, cache=False), docs):
        expected.add(doc, doc_attributions(doc, metadata=document.metadata))
    terms = VoiceTerms()
    build_tables(analyze_corpus(docs, nlp, n_process=n_process, cache=False, terms=terms, progress=False), docs,
                 terms=terms)
    assert list(terms.narration.items()) == list(expected.narration.items()) and terms.narration
    assert list(terms.quoted.items()) == list(expected.quoted.items()) and terms.quoted
