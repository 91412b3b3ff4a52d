"""Voices: whose words each character, sentence and token is; derived voice documents."""
from __future__ import annotations

import pytest

from analysis.app.shortcuts import voices
from analysis.corpus import Corpus, Document
from analysis.extract.attribution import doc_attributions
from analysis.extract.voices import NARRATOR, UNKNOWN_SPEAKER, VoiceMap, voice_map

LAVROV = "Sergei Lavrov"


def _vmap(doc):
    return voice_map(doc, doc_attributions(doc))


def test_seed_sentence_voices(seed_doc):
    vmap = _vmap(seed_doc)
    sents = list(seed_doc.sents)
    by_start = {s.text[:25]: vmap.sentence_voice(i) for i, s in enumerate(sents)}
    assert by_start["“The main thing is, as th"] == LAVROV
    assert by_start["The result is, moreover, "] == LAVROV  # second sentence of the same quotation
    assert by_start["He added that, in this re"] == NARRATOR
    assert by_start["“it is with the United St"] == LAVROV
    assert by_start["Earlier it was reported t"] == NARRATOR
    assert by_start["With regard to NATO, we w"] == LAVROV
    assert by_start["Lavrov also specified tha"] == LAVROV  # most of its words are quoted


def test_seed_char_voices(seed_doc):
    text = seed_doc.text
    vmap = _vmap(seed_doc)
    deceive = text.index("definitely deceive")
    assert vmap.voice_at(deceive) == LAVROV
    assert vmap.voice_at(text.index("the Minister said")) == NARRATOR
    mouth = text.index("Stoltenberg’s mouth")
    assert vmap.voice_at(mouth, mouth + 19) == LAVROV  # partial quotation
    assert vmap.voice_at(text.index("NATO had proposed")) == NARRATOR
    # the quotation marks belong to the quotation
    assert vmap.voice_at(text.index("“The main thing")) == LAVROV


def test_nested_quotation_keeps_outer_speaker(make_doc):
    text = 'Lavrov said: "Our partners told us \'we will never expand\' and then they did."'
    doc = make_doc(text)
    vmap = _vmap(doc)
    inner = text.index("we will never expand")
    assert vmap.voice_at(inner) == LAVROV
    assert vmap.voice_at(text.index("then they did")) == LAVROV
    assert vmap.voice_at(0) == NARRATOR


def test_nested_double_in_guillemets_keeps_outer(make_doc):
    text = "Zakharova said: «The Americans keep repeating “no ultimatums”, yet they dictate.»"
    doc = make_doc(text)
    vmap = _vmap(doc)
    assert vmap.voice_at(text.index("no ultimatums")) == "Maria Zakharova"


def test_unresolved_speaker_is_unknown(make_doc):
    doc = make_doc('The hall was silent. "This is the end of an era."')
    vmap = _vmap(doc)
    assert vmap.sentence_voice(1) == UNKNOWN_SPEAKER
    assert vmap.sentence_voice(0) == NARRATOR


def test_token_counts_partition_the_words(seed_doc):
    from analysis.extract.analyze import count_tokens

    counts = _vmap(seed_doc).token_counts()
    assert set(counts) == {NARRATOR, LAVROV, "Russian Foreign Ministry"}
    assert sum(counts.values()) == count_tokens(seed_doc)
    assert counts[LAVROV] > counts[NARRATOR]


def test_voice_at_span_majority_and_ties(make_doc):
    doc = make_doc('"Yes," Lavrov said.')
    vmap = VoiceMap(doc, [(0, 6, LAVROV)])
    assert vmap.voice_at(1, 4) == LAVROV
    assert vmap.voice_at(0, 18) == NARRATOR
    assert vmap.voice_at(3, 9) == NARRATOR  # 3 chars each: ties go to the narrator


def test_overlapping_spans_outer_wins(make_doc):
    doc = make_doc("abcdefghij klmnop")
    vmap = VoiceMap(doc, [(0, 10, "A"), (2, 5, "B"), (8, 14, "C")])
    assert [vmap.voice_at(i) for i in (1, 3, 9, 12, 15)] == ["A", "A", "A", "C", NARRATOR]


def test_sentence_voice_out_of_range(make_doc):
    vmap = _vmap(make_doc("One sentence."))
    with pytest.raises(IndexError):
        vmap.sentence_voice(3)


def test_empty_doc(make_doc):
    vmap = _vmap(make_doc(""))
    assert vmap.token_counts() == {}
    assert vmap.voice_at(0) == NARRATOR


def test_voices_of_the_seed(corpus):
    subs = voices(corpus[0])
    ids = [d.doc_id for d in subs]
    parent = corpus[0].doc_id
    assert ids[0] == f"{parent}::narrator"
    assert f"{parent}::{LAVROV} (quoted)" in ids
    lav = next(d for d in subs if d.metadata["voice"] == LAVROV)
    assert isinstance(lav, Document)
    assert lav.metadata["parent_doc_id"] == parent and lav.metadata["voice_label"] == f"{LAVROV} (quoted)"
    assert lav.metadata["speaker"] == LAVROV and lav.metadata["genre"] == "quoted speech"
    assert "source_credit" not in lav.metadata and subs[0].metadata["date"] == corpus[0].metadata["date"]
    assert "we do not put forward any ultimatums" in lav.text
    assert "the Minister said" not in lav.text
    narrator = subs[0]
    assert "the Minister said" in narrator.text and "ultimatums" not in narrator.text
    # segments trace every character back to the parent
    parent_text = corpus[0].text
    pieces = [parent_text[int(a):int(b)] for a, b in (seg.split(":") for seg in lav.metadata["segments"].split(";"))]
    assert lav.text == "\n\n".join(pieces)


def test_voices_usable_as_a_corpus(corpus, nlp):
    from analysis import parse

    subs = Corpus(voices(corpus))
    docs = list(parse(subs, nlp, cache=False))
    assert len(docs) == len(subs) and all(len(d) for d in docs)


def test_voices_accepts_docs(seed_doc, corpus):
    subs = voices(seed_doc)
    assert {d.metadata["voice"] for d in subs} >= {NARRATOR, LAVROV}
    meta = {seed_doc.user_data["doc_id"]: corpus[0].metadata}
    assert voices([seed_doc], metadata=meta)[0].metadata["title"] == corpus[0].metadata["title"]


def test_quoted_voice_subdocument_keeps_authority(nlp, corpus):
    from analysis import parse
    from analysis.extract.attribution import doc_attributions as attrs

    lav = next(d for d in voices(corpus[0]) if d.metadata["voice"] == LAVROV)
    doc = next(parse(Corpus([lav]), nlp, cache=False))
    auth = [r for r in attrs(doc, metadata=lav.metadata) if r["kind"] == "authority"]
    assert [(r["speaker"], r["principal"]) for r in auth] == [(LAVROV, "Vladimir Putin")]


def test_transcript_turns_run_to_the_next_label(make_doc):
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.voices import voice_map

    text = ("SECRETARY BLINKEN: Thank you, Jens. We stand with Ukraine. Make no mistake about that.\n\n"
            "We will keep our support going.\n\n"
            "MODERATOR: Questions now, please.\n\n"
            "SECRETARY GENERAL STOLTENBERG: Of course we are ready. NATO is a defensive alliance.\n")
    doc = make_doc(text)
    vmap = voice_map(doc, doc_attributions(doc))
    for words, voice in [("Make no mistake", "Antony Blinken"), ("We will keep our support", "Antony Blinken"),
                         ("Questions now", "unknown speaker"), ("NATO is a defensive", "Jens Stoltenberg")]:
        start = text.index(words)
        assert vmap.voice_at(start, start + len(words)) == voice, words
    # the labels themselves are not anybody's words
    assert vmap.voice_at(0, len("SECRETARY BLINKEN")) == "narrator"


def test_a_single_headline_label_covers_only_its_line(make_doc):
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.voices import voice_map

    text = ("Lavrov: talks with the US will start in January\n\n"
            "Moscow. The minister spoke to reporters on Monday. The talks will be held in Geneva.\n")
    doc = make_doc(text)
    vmap = voice_map(doc, doc_attributions(doc))
    start = text.index("talks with the US")
    assert vmap.voice_at(start, start + 10) == "Sergei Lavrov"
    later = text.index("The talks will be held")
    assert vmap.voice_at(later, later + 20) == "narrator"


def test_a_question_line_ends_the_turn_before_it(make_doc):
    from analysis.extract.attribution import doc_attributions
    from analysis.extract.voices import voice_map

    text = ("Vladimir Putin: Good afternoon, colleagues. NATO keeps expanding.\n\nWe warned them many times.\n\n"
            "Question: Mr President, will there be talks with the United States?\n\n"
            "Vladimir Putin: Yes, talks will begin in January.\n\nSergei Lavrov: I can add a few words.\n")
    vmap = voice_map(make_doc(text), doc_attributions(make_doc(text)))
    for words, voice in [("We warned", "Vladimir Putin"), ("will there be talks", "narrator"),
                         ("talks will begin", "Vladimir Putin"), ("I can add", "Sergei Lavrov")]:
        start = text.index(words)
        assert vmap.voice_at(start, start + len(words)) == voice, words
