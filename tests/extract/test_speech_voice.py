"""Speeches and statements are their speaker's own words (issue 13; README, Methods: Voice).

A document whose metadata names a ``speaker`` and whose ``genre`` is not a reporter's (or whose
``voice`` column says ``speaker``) has that speaker as the voice of its unquoted text; "I" and "we"
outside quotations resolve to the speaker ("we" to the actor they represent). News keeps the narrator.
"""
from __future__ import annotations

import csv

import pytest
from conftest import ROOT, SHARED

from analysis.extract.analyze import analyze_doc
from analysis.extract.attribution import doc_attributions
from analysis.extract.records import NARRATOR, document_voice
from analysis.extract.voices import doc_voices, voice_map
from analysis.nlp.gazetteer import load_gazetteer

FIXTURE = ROOT / "tests" / "data" / "corpora" / "ungdc_speeches" / "metadata.csv"
UNGDC_TEXTS = SHARED / "corpora" / "ungdc" / "texts"


def test_document_voice_rule():
    assert document_voice({"speaker": "Wang Yi", "genre": "speech"}) == "Wang Yi"
    assert document_voice({"speaker": "Wang Yi", "genre": "Press release"}) == "Wang Yi"
    assert document_voice({"speaker": "Sergei Lavrov", "genre": "news"}) == ""
    assert document_voice({"speaker": "Sergei Lavrov", "genre": "news article"}) == ""
    assert document_voice({"speaker": "Sergei Lavrov"}) == ""  # no genre: the narrator
    assert document_voice({"genre": "speech"}) == ""  # no speaker
    assert document_voice({"speaker": "Sergei Lavrov", "genre": "news", "voice": "speaker"}) == "Sergei Lavrov"
    assert document_voice({"speaker": "Sergei Lavrov", "genre": "speech", "voice": "narrator"}) == ""
    assert document_voice(None) == ""


def test_first_person_reporting_resolves_to_the_speaker(make_doc):
    text = ("As I said last year, the sanctions have failed. We have warned that a blockade will hurt "
            "ordinary people. I believe that dialogue is the only way.")
    meta = {"speaker": "H.E. Mr. Wang Yi", "genre": "statement"}
    recs = doc_attributions(make_doc(text), metadata=meta, warnings=[])
    got = [(r["speaker_text"], r["speaker"], r["cue"]) for r in recs]
    assert ("I", "Wang Yi", "As I said") in got
    assert ("We", "China", "warned") in got  # "we": the state Wang Yi represents (gazetteer)
    assert ("I", "Wang Yi", "believe") in got
    # the same words in a news report are the narrator's: no speaker for I/we
    news = doc_attributions(make_doc(text), metadata={"speaker": "Wang Yi", "genre": "news"}, warnings=[])
    assert all(r["speaker"] == "" for r in news if r["speaker_text"] in ("I", "We"))


def test_quoted_first_person_stays_the_quoted_speaker(make_doc):
    text = 'Our position is clear. "I said no," Mr. Okafor told us. I disagree with him.'
    recs = doc_attributions(make_doc(text), metadata={"speaker": "Boris Johnson", "genre": "speech"}, warnings=[])
    direct = [r for r in recs if r["kind"] == "direct"]
    assert [r["speaker_text"] for r in direct] == ["Mr. Okafor"]


def test_speech_voice_in_analysis_and_voice_documents(make_doc):
    text = 'We will defend our allies. "Never again," my father said. Peace is possible.'
    doc = make_doc(text)
    speech = analyze_doc(doc, metadata={"speaker": "Joe Biden", "genre": "speech"}, with_sentiment=False)
    assert NARRATOR not in speech.voice_tokens and speech.voice_tokens["Joe Biden"] >= 7
    assert {s["voice"] for s in speech.sentences} >= {"Joe Biden"}
    news = analyze_doc(doc, metadata={"speaker": "Joe Biden", "genre": "news"}, with_sentiment=False)
    assert news.voice_tokens[NARRATOR] >= 7 and "Joe Biden" not in news.voice_tokens
    vm = voice_map(doc, speech.attributions, default="Joe Biden")
    subs = doc_voices(doc, vm, metadata={"speaker": "Joe Biden", "genre": "speech"})
    assert subs[0].metadata["voice"] == "Joe Biden" and subs[0].metadata["voice_label"] == "Joe Biden"
    assert "Peace is possible." in subs[0].text and "Never again" not in subs[0].text


def test_transcript_with_several_labelled_speakers(make_doc):
    text = ("Press conference\n\nLAVROV: We have said many times that NATO must not expand. I repeat it today.\n\n"
            "QUESTION: Will you meet Mr. Blinken?\n\nLAVROV: As I said, we are ready.\n\n"
            "BLINKEN: We have made our position clear.")
    meta = {"speaker": "Sergei Lavrov", "genre": "transcript"}
    recs = doc_attributions(make_doc(text), metadata=meta, warnings=[])
    labels = [(r["speaker"], r["content"][:20]) for r in recs if r["cue"] == ":"]
    assert labels == [("Sergei Lavrov", "We have said many ti"), ("Sergei Lavrov", "As I said, we are re"),
                      ("Antony Blinken", "We have made our pos")]
    # first-person reporting in Lavrov's turns is his (the document's speaker) ...
    said = [r for r in recs if r["cue"] in ("said", "As I said")]
    assert {r["speaker"] for r in said} == {"Russia", "Sergei Lavrov"}


def _ungdc_rows():
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if 69 <= int(r["session"]) <= 75]


@pytest.mark.skipif(not UNGDC_TEXTS.is_dir(), reason="../shared/corpora/ungdc is absent")
def test_un_general_debate_speeches_are_their_speakers_words(nlp):
    gazetteer = load_gazetteer()
    expected_we = {"RUS_69_2014.txt": "Russia", "FRA_71_2016.txt": "France"}
    for row in _ungdc_rows():
        doc = nlp((UNGDC_TEXTS / row["file"]).read_text(encoding="utf-8"))
        doc.user_data["doc_id"] = row["file"]
        meta = {"speaker": row["speaker"], "genre": row["genre"]}
        result = analyze_doc(doc, metadata=meta, gazetteer=gazetteer, with_sentiment=False)
        canonical = gazetteer.lookup(row["speaker"].split(". ", 1)[-1])
        assert canonical, row["speaker"]
        # the speech's own words are the speaker's voice: the narrator has none of it
        assert NARRATOR not in result.voice_tokens
        assert result.voice_tokens[canonical] > 0.9 * sum(result.voice_tokens.values())
        own = [r for r in result.attributions if r["speaker_text"] in ("I", "We", "we")]
        assert own and all(r["speaker"] in (canonical, gazetteer[canonical].represents) for r in own), row["file"]
        if row["file"] in expected_we:
            assert any(r["speaker"] == expected_we[row["file"]] for r in own)
