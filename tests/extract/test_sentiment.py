"""Sentence sentiment: exactly TextBlob's values, spaCy's sentences, voices and camps."""
from __future__ import annotations

import pandas as pd
import pytest
from textblob import TextBlob

from analysis.app.shortcuts import sentiment
from analysis.extract.records import SENTIMENT_COLUMNS
from analysis.extract.sentiment import doc_sentiment, score_text
from analysis.tables.frames import sentiment_frame
from analysis.tables.summaries import SUMMARY_COLUMNS, summarize_sentiment

SEED_ID = "000_b57aecae04ae68f3"


@pytest.fixture(scope="module")
def seed_records(seed_doc):
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.voices import voice_map

    return doc_sentiment(seed_doc, voice_map=voice_map(seed_doc, doc_attributions(seed_doc)))


def test_values_are_exactly_textblobs_for_every_seed_sentence(seed_doc, seed_records):
    sents = list(seed_doc.sents)
    assert [r["sentence_id"] for r in seed_records] == list(range(len(sents)))
    for rec in seed_records:
        sent = sents[rec["sentence_id"]]
        blob = TextBlob(sent.text).sentiment
        assert (rec["polarity"], rec["subjectivity"]) == (blob.polarity, blob.subjectivity)
        assert (rec["start_char"], rec["end_char"]) == (sent.start_char, sent.end_char)
        assert seed_doc.text[rec["start_char"]:rec["end_char"]] == sent.text
    # not all zero: the lexicon does score this article
    assert any(r["polarity"] != 0 for r in seed_records)


def test_voice_of_each_sentence_follows_the_quotations(seed_doc, seed_records):
    def voice(start: str) -> str:
        (rec,) = [r for r in seed_records if seed_doc.text[r["start_char"]:].startswith(start)]
        return rec["voice"]

    assert voice("“The main thing is") == "Sergei Lavrov"
    assert voice("“it is with the United States") == "Sergei Lavrov"
    assert voice("“The negotiations will be conducted") == "Sergei Lavrov"
    assert voice("Russian-American negotiations") == "narrator"
    assert voice("He added that") == "narrator"
    assert voice("Earlier it was reported") == "narrator"


def test_camps_are_the_sorted_camps_of_actor_mentions(seed_doc, seed_records, make_doc):
    headline = seed_records[0]
    assert seed_doc.text[headline["start_char"]:headline["end_char"]].startswith("Russian Foreign Ministry")
    assert headline["camps"] == "russia;west"  # the Russian Foreign Ministry and the US
    recs = doc_sentiment(make_doc("Biden called Putin. Blinken met Stoltenberg. The weather was fine."))
    assert [r["camps"] for r in recs] == ["russia;west", "west", ""]
    assert all(r["voice"] == "narrator" for r in recs)  # no voice map given


def test_sentences_without_words_get_no_record(make_doc):
    doc = make_doc("A good start.\n\n***\n\nA bad end.")
    recs = doc_sentiment(doc)
    texts = [doc.text[r["start_char"]:r["end_char"]].strip() for r in recs]
    assert texts == ["A good start.", "A bad end."]  # the "***" line has no word
    assert recs[0]["polarity"] > 0 > recs[-1]["polarity"]


def test_score_text_is_textblob():
    for text in ("It is a terrible, dishonest proposal!", "Not a very good idea.", "", "Talks in Geneva."):
        assert score_text(text) == tuple(TextBlob(text).sentiment)


def test_frame_and_summary_are_tidy_and_correct():
    frame = sentiment_frame([
        {"doc_id": "d", "sentence_id": 0, "start_char": 0, "end_char": 5, "voice": "narrator",
         "polarity": 0.5, "subjectivity": 0.2, "camps": "russia;west"},
        {"doc_id": "d", "sentence_id": 1, "start_char": 6, "end_char": 9, "voice": "Sergei Lavrov",
         "polarity": -0.5, "subjectivity": 0.8, "camps": "west"},
        {"doc_id": "d", "sentence_id": 2, "start_char": 10, "end_char": 15, "voice": "Sergei Lavrov",
         "polarity": 0.0, "subjectivity": 0.5, "camps": ""},
        {"doc_id": "e", "sentence_id": 0, "start_char": 0, "end_char": 5, "voice": "narrator",
         "polarity": 0.1, "subjectivity": 0.1, "camps": "russia"},
    ])
    assert list(frame.columns) == SENTIMENT_COLUMNS
    summary = summarize_sentiment(frame)
    assert list(summary.columns) == SUMMARY_COLUMNS
    got = {(r.doc_id, r.by, r.group): (r.n_sentences, round(r.mean_polarity, 9), round(r.mean_subjectivity, 9))
           for r in summary.itertuples()}
    assert got == {
        ("d", "document", "all"): (3, 0.0, 0.5),
        ("d", "voice", "Sergei Lavrov"): (2, -0.25, 0.65),
        ("d", "voice", "narrator"): (1, 0.5, 0.2),
        ("d", "camp", "russia"): (1, 0.5, 0.2),
        ("d", "camp", "west"): (2, 0.0, 0.5),  # the russia;west sentence counts for both camps
        ("d", "camp", "none"): (1, 0.0, 0.5),
        ("e", "document", "all"): (1, 0.1, 0.1),
        ("e", "voice", "narrator"): (1, 0.1, 0.1),
        ("e", "camp", "russia"): (1, 0.1, 0.1),
    }
    assert summary["doc_id"].tolist()[:6] == ["d"] * 6  # documents keep their order
    empty = summarize_sentiment(sentiment_frame([]))
    assert empty.empty and list(empty.columns) == SUMMARY_COLUMNS


def test_public_sentiment_accepts_a_corpus_and_parsed_docs(corpus, seed_doc, seed_records):
    frame = sentiment(corpus)
    assert list(frame.columns) == SENTIMENT_COLUMNS
    assert list(dict.fromkeys(frame["doc_id"])) == corpus.ids
    seed = frame[frame.doc_id == SEED_ID].reset_index(drop=True)
    assert seed.equals(sentiment_frame(seed_records))
    from_docs = sentiment([seed_doc])
    pd.testing.assert_frame_equal(from_docs, seed)
