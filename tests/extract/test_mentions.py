"""Actor mentions and the actor table: mentioned, speaker, target roles."""
from __future__ import annotations

import pytest

from analysis.app.shortcuts import actor_table
from analysis.extract.attribution import doc_attributions
from analysis.extract.mentions import doc_mentions
from analysis.extract.records import MENTION_COLUMNS
from analysis.extract.voices import voice_map
from analysis.nlp.gazetteer import load_gazetteer
from analysis.tables.frames import ACTOR_COLUMNS, actor_frame


def _mentions(doc, evidence=None):
    gaz = load_gazetteer()
    attributions = doc_attributions(doc, gazetteer=gaz)
    vmap = voice_map(doc, attributions)
    return doc_mentions(doc, gaz, voice_map=vmap, evidence=evidence, attributions=attributions)


def test_seed_mentions(seed_doc):
    recs = _mentions(seed_doc)
    assert all(list(r) == MENTION_COLUMNS for r in recs)
    text = seed_doc.text
    for r in recs:
        if r["start_char"] is not None:
            assert 0 <= r["start_char"] < r["end_char"] <= len(text)
    mentioned = [r for r in recs if r["role"] == "mentioned"]
    lavrov = [r for r in mentioned if r["actor"] == "Sergei Lavrov"]
    # named 4 times and three times "the Minister"; "the Russian Foreign Minister, Sergei Lavrov"
    # is one mention (title in apposition to the name), not two
    assert len(lavrov) == 7
    assert {text[r["start_char"]:r["end_char"]] for r in lavrov} == {"Sergei Lavrov", "Lavrov", "Minister"}
    speakers = [r for r in recs if r["role"] == "speaker"]
    assert {r["actor"] for r in speakers} >= {"Sergei Lavrov", "Jens Stoltenberg"}
    putin = [r for r in mentioned if r["actor"] == "Vladimir Putin"]
    assert [text[r["start_char"]:r["end_char"]] for r in putin] == ["President"]  # "as the President said"
    assert putin[0]["voice"] == "Sergei Lavrov"
    west = [r for r in mentioned if r["actor"] == "the West"]
    assert len(west) == 2 and {r["voice"] for r in west} == {"Sergei Lavrov"} and west[0]["camp"] == "west"


def test_targets_from_evidence(make_doc):
    doc = make_doc("Lavrov said that the West will deceive Russia again.")
    start = doc.text.index("the West will deceive")
    evidence = [{"doc_id": "test", "category": "deception_accusation", "rule_id": "d1", "sentence_id": 0,
                 "start_char": start, "end_char": start + 21, "text": "the West will deceive", "voice": "narrator",
                 "target": "the West;United States"}]
    recs = _mentions(doc, evidence)
    targets = [r for r in recs if r["role"] == "target"]
    assert [(r["actor"], r["camp"]) for r in targets] == [("the West", "west"), ("United States", "west")]


def test_actor_frame_counts(seed_doc):
    frame = actor_frame(_mentions(seed_doc))
    assert list(frame.columns) == ACTOR_COLUMNS
    row = frame[(frame.actor == "Sergei Lavrov") & (frame.role == "mentioned")]
    assert int(row["count"].iloc[0]) == 7
    assert str(frame["count"].dtype) == "int64"
    empty = actor_frame([])
    assert list(empty.columns) == ACTOR_COLUMNS and len(empty) == 0


def test_actor_table_corpus(corpus):
    table = actor_table(corpus, codebook=False)
    assert list(table.columns) == ACTOR_COLUMNS
    assert set(table["role"]) <= {"speaker", "mentioned", "target"}
    seed = table[table.doc_id == corpus[0].doc_id]
    assert set(seed[seed.role == "speaker"].actor) >= {"Sergei Lavrov", "Interfax"}


def test_transcript_label_title_is_the_documents_speaker(make_doc):
    # a White House transcript that mentions Putin first: the label "THE PRESIDENT:" is Biden,
    # while "the President of Russia" in his turn is Putin
    text = ("Putin has massed troops on the border.\n\nTHE PRESIDENT: Good afternoon. "
            "The President of Russia is wrong about NATO.\n")
    doc = make_doc(text)
    gaz = load_gazetteer()
    mentioned = {(r["actor"], text[r["start_char"]:r["end_char"]])
                 for r in doc_mentions(doc, gaz, speaker="Joe Biden") if r["role"] == "mentioned"}
    assert ("Joe Biden", "PRESIDENT") in mentioned
    assert ("Vladimir Putin", "President of Russia") in mentioned
    assert ("Vladimir Putin", "PRESIDENT") not in mentioned
    # without a known speaker the label falls back to recency, as before
    fallback = {text[r["start_char"]:r["end_char"]]: r["actor"] for r in doc_mentions(make_doc(text), gaz)
                if r["role"] == "mentioned"}
    assert fallback["PRESIDENT"] == "Vladimir Putin"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("President Putin met President Macron of France.",
         [("Vladimir Putin", "Putin"), ("Emmanuel Macron", "Macron"), ("France", "France")]),
        ("Lavrov, the Foreign Minister, spoke first. Later the Minister took questions.",
         [("Sergei Lavrov", "Lavrov"), ("Sergei Lavrov", "Minister")]),
        ("The Russian Foreign Minister, Sergei Lavrov, arrived. Foreign Minister Lavrov spoke.",
         [("Sergei Lavrov", "Sergei Lavrov"), ("Sergei Lavrov", "Lavrov")]),
    ],
)
def test_title_in_apposition_is_not_a_second_mention(make_doc, text, expected):
    doc = make_doc(text)
    got = [(r["actor"], text[r["start_char"]:r["end_char"]]) for r in _mentions(doc) if r["role"] == "mentioned"]
    assert got == expected
