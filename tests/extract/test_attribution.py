"""Attribution: the seed's facts, every kind in other wordings, robustness, offsets."""
from __future__ import annotations

import pytest

from analysis.app.shortcuts import attributions
from analysis.errors import LexiconError
from analysis.extract.attribution import ATTRIBUTION_COLUMNS, KINDS, doc_attributions, load_lexicon
from analysis.tables.frames import attributions_frame

LAVROV = "Sergei Lavrov"


@pytest.fixture(scope="module")
def seed_records(seed_doc, corpus):
    warnings: list[str] = []
    meta = corpus[seed_doc.user_data["doc_id"]].metadata
    records = doc_attributions(seed_doc, metadata=meta, warnings=warnings)
    return records, warnings


def _run(make_doc, text: str, **kw):
    doc = make_doc(text)
    warnings: list[str] = []
    return doc, doc_attributions(doc, warnings=warnings, **kw), warnings


def _kind(records, kind):
    return [r for r in records if r["kind"] == kind]


def _one(records, kind, **where):
    found = [r for r in _kind(records, kind) if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, f"expected one {kind} {where}, got {found} among {records}"
    return found[0]


# ---------------------------------------------------------------------------
# Seed facts (checked by reading the article)
# ---------------------------------------------------------------------------
def test_seed_four_direct_quotations_all_lavrov(seed_records):
    records, _ = seed_records
    body = [r for r in _kind(records, "direct") if r["sentence_id"] != 0]  # 0 = the headline
    assert len(body) == 4
    assert {r["speaker"] for r in body} == {LAVROV}
    via_minister = [r for r in body if r["speaker_text"].lower() == "the minister"]
    assert len(via_minister) == 2
    starts = sorted(r["content"][:22] for r in body)
    assert starts == sorted(["The main thing is, as ", "it is with the United ", "The negotiations will ",
                             "the negotiator will no"])


def test_seed_multi_sentence_quote_is_one_record(seed_records):
    records, _ = seed_records
    r = _one(records, "direct", cue="said", speaker_text="the Minister")
    assert r["content"].startswith("The main thing is") and r["content"].rstrip(",").endswith("definitely deceive")


def test_seed_headline_colon(seed_records):
    records, _ = seed_records
    r = _one(records, "direct", sentence_id=0)
    assert r["speaker"] == "Russian Foreign Ministry" and r["cue"] == ":"
    assert r["content"].startswith("Negotiations With US")


def test_seed_partial_quotes_in_recalled_sentence(seed_records):
    records, _ = seed_records
    partial = _kind(records, "partial")
    assert [p["content"].rstrip(",") for p in partial] == [
        "through Stoltenberg’s mouth", "it is clear that this is at the suggestion of the US"]
    assert {p["speaker"] for p in partial} == {LAVROV}
    assert {p["cue"] for p in partial} == {"recalled"}


@pytest.mark.parametrize(
    "cue, speaker_text, content_start",
    [
        ("added", "He", "in this regard, the US is Russia"),
        ("continued saying", "Lavrov", "the negotiations between Russia and the US"),
        ("recalled", "The Minister", "NATO had proposed"),
        ("as announced by", "Sergei Lavrov", "Russian-American negotiations"),
    ],
)
def test_seed_indirect(seed_records, cue, speaker_text, content_start):
    records, _ = seed_records
    r = _one(records, "indirect", cue=cue)
    assert r["speaker"] == LAVROV and r["speaker_text"] == speaker_text
    assert r["content"].startswith(content_start)


def test_seed_agentless(seed_records):
    records, _ = seed_records
    r = _one(records, "agentless")
    assert r["cue"] == "it was reported that" and r["speaker"] == "" and r["speaker_text"] == ""
    assert r["content"].startswith("NATO Secretary-General, Jens Stoltenberg, proposed")


def test_seed_authority_president_voiced_by_lavrov(seed_records):
    records, _ = seed_records
    r = _one(records, "authority")
    assert r["cue"] == "as the President said"
    assert r["speaker"] == LAVROV and r["principal"] == "Vladimir Putin"
    assert r["content"].startswith("that there is no chatter")


def test_seed_proxy(seed_records):
    records, _ = seed_records
    r = _one(records, "proxy")
    assert r["speaker"] == "Jens Stoltenberg" and r["principal"] == "United States"


def test_seed_source_credit(seed_records):
    records, warnings = seed_records
    r = _one(records, "source_credit")
    assert r["speaker"] == "Interfax" and r["speaker_text"] == "Interfax"
    assert r["speaker_start"] is None and r["content_start"] is None
    assert warnings == []


def test_seed_offsets_invariant(seed_records, seed_doc):
    records, _ = seed_records
    _check_offsets(seed_doc.text, records)


def _check_offsets(text, records):
    for r in records:
        assert list(r) == ATTRIBUTION_COLUMNS
        assert r["kind"] in KINDS
        for part in ("speaker", "cue", "content"):
            s, e = r[f"{part}_start"], r[f"{part}_end"]
            field = "speaker_text" if part == "speaker" else part
            if s is None:
                assert e is None
                continue
            assert 0 <= s <= e <= len(text)
            assert text[s:e] == r[field]


# ---------------------------------------------------------------------------
# Direct quotations in other wordings
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, speaker, speaker_text, content",
    [
        ('"We will not accept any ultimatums," Blinken told reporters on Tuesday.',
         "Antony Blinken", "Blinken", "We will not accept any ultimatums,"),
        ("Stoltenberg said: «The Alliance will not be intimidated.»",
         "Jens Stoltenberg", "Stoltenberg", "The Alliance will not be intimidated."),
        ("“Moscow’s demands are non-starters,” said Jens Stoltenberg, the NATO chief.",
         "Jens Stoltenberg", "Jens Stoltenberg", "Moscow’s demands are non-starters,"),
        ("‘Russia’s demands are non-starters,’ said Ms. Sherman.",
         "Wendy Sherman", "Ms. Sherman", "Russia’s demands are non-starters,"),
        ("Zakharova wrote on Telegram: \"Washington has again shown its true face.\"",
         "Maria Zakharova", "Zakharova", "Washington has again shown its true face."),
        ("Peskov: “The Kremlin sees no progress.”", "Dmitry Peskov", "Peskov", "The Kremlin sees no progress."),
        ('"The door to diplomacy remains open" - Antony Blinken',
         "Antony Blinken", "Antony Blinken", "The door to diplomacy remains open"),
    ],
)
def test_direct_other_wordings(make_doc, text, speaker, speaker_text, content):
    doc, records, warnings = _run(make_doc, text)
    r = _one(records, "direct")
    assert (r["speaker"], r["speaker_text"], r["content"]) == (speaker, speaker_text, content)
    assert warnings == []
    _check_offsets(doc.text, records)


@pytest.mark.parametrize(
    "text, contents",
    [
        ("Lavrov said: „We will not wait.“ Then he left.", ["We will not wait."]),
        ("„We will not wait,“ Lavrov said. „Not for long.“", ["We will not wait,", "Not for long."]),
        ("»We will not wait,« Lavrov said. »Not for long.«", ["We will not wait,", "Not for long."]),
        ("« We will not wait », Lavrov said.", ["We will not wait"]),
    ],
)
def test_direct_german_french_and_reversed_quotation_marks(make_doc, text, contents):
    doc, records, warnings = _run(make_doc, text)
    direct = _kind(records, "direct")
    assert [r["content"] for r in direct] == contents
    assert {r["speaker"] for r in direct} == {LAVROV}
    assert warnings == []
    _check_offsets(doc.text, records)


@pytest.mark.parametrize("opening, closing", [("„", "“"), ("»", "«")])
def test_german_and_reversed_marks_give_the_records_of_english_marks(make_doc, opening, closing):
    english = ("Lavrov said on Monday:\n\n“We will not wait.\n\n“We have waited long enough,” he added. "
               "Peskov called it “a final warning.”")
    other = english.replace("“", opening).replace("”", closing)
    _, expected, _ = _run(make_doc, english)
    _, records, warnings = _run(make_doc, other)
    assert len(expected) == 2 and warnings == []  # one direct quotation over two paragraphs, one partial
    drop = str.maketrans("", "", "“”„«»")
    assert [(r["kind"], r["speaker"], r["content"].translate(drop), r["content_start"], r["content_end"]) for r in records] == [
        (r["kind"], r["speaker"], r["content"].translate(drop), r["content_start"], r["content_end"]) for r in expected]


def test_german_single_quotation_marks_are_a_partial_quotation(make_doc):
    _, records, warnings = _run(make_doc, "Lavrov called the proposal ‚a provocation‘ on Monday.")
    r = _one(records, "partial")
    assert (r["speaker"], r["content"]) == (LAVROV, "a provocation") and warnings == []


def test_direct_cue_inside_gives_both_stretches_the_speaker(make_doc):
    _, records, _ = _run(make_doc, 'Blinken was in Geneva. "The talks," he said, "will begin in January."')
    direct = _kind(records, "direct")
    assert [r["content"] for r in direct] == ["The talks,", "will begin in January."]
    assert {r["speaker"] for r in direct} == {"Antony Blinken"}
    assert {r["speaker_text"] for r in direct} == {"he"}


def test_direct_multi_paragraph_quotation(make_doc):
    text = ('Blinken spoke after the meeting.\n\n“We have been clear with Moscow.\n\n'
            '“Any further aggression will have massive consequences,” the Secretary said.')
    doc, records, warnings = _run(make_doc, text)
    r = _one(records, "direct")
    assert r["content"].startswith("We have been clear") and r["content"].endswith("massive consequences,")
    assert r["speaker"] == "Antony Blinken" and r["speaker_text"] == "the Secretary"
    assert warnings == []


def test_direct_speaker_in_previous_sentence_introduction(make_doc):
    text = 'Lavrov told reporters in Moscow:\n\n"We are not going to wait forever."'
    _, records, _ = _run(make_doc, text)
    r = [r for r in _kind(records, "direct") if r["content"].startswith("We are not")]
    assert len(r) == 1 and r[0]["speaker"] == LAVROV


def test_direct_continues_previous_speaker(make_doc):
    text = '"We want guarantees," Ryabkov said. "And we want them in writing."'
    _, records, _ = _run(make_doc, text)
    assert [r["speaker"] for r in _kind(records, "direct")] == ["Sergei Ryabkov", "Sergei Ryabkov"]


def test_direct_speaker_in_next_sentence(make_doc):
    text = 'Stoltenberg met the ministers. "Nothing about Ukraine without Ukraine." He added that talks must go on.'
    _, records, _ = _run(make_doc, text)
    r = [r for r in _kind(records, "direct") if r["content"].startswith("Nothing")]
    assert len(r) == 1 and r[0]["speaker"] == "Jens Stoltenberg"


def test_transcript_labels(make_doc):
    text = ("TAPPER: Did Putin call you?\n\nTHE PRESIDENT: No, he did not.\n\n"
            "TAPPER: Will you call Putin?\n\nTHE PRESIDENT: Not now.\n\nSECRETARY BLINKEN: We agree.\n\n"
            "Regional Issues: Security in Europe")
    _, records, _ = _run(make_doc, text, metadata={"speaker": "Joe Biden"})
    labels = [(r["speaker_text"], r["speaker"]) for r in _kind(records, "direct")]
    # the interviewer's mentions of Putin do not capture the label; the heading is not a speaker
    assert labels == [("TAPPER", ""), ("THE PRESIDENT", "Joe Biden"), ("TAPPER", ""),
                      ("THE PRESIDENT", "Joe Biden"), ("SECRETARY BLINKEN", "Antony Blinken")]


def test_unattributed_quotation_keeps_empty_speaker(make_doc):
    _, records, _ = _run(make_doc, 'The hall was silent. "This is the end of an era."')
    r = _one(records, "direct")
    assert r["speaker"] == "" and r["speaker_text"] == ""


def test_unknown_names_fill_speaker_text_only(make_doc):
    text = '"The deal is dead," said Maria Gonzalez, a senior analyst. She added that talks could resume.'
    _, records, _ = _run(make_doc, text)
    r = _one(records, "direct")
    assert r["speaker"] == "" and r["speaker_text"] == "Maria Gonzalez"
    i = _one(records, "indirect")
    assert i["speaker_text"] == "She" and i["speaker"] == ""


# ---------------------------------------------------------------------------
# Partial, indirect, according_to, agentless in other wordings
# ---------------------------------------------------------------------------
def test_partial_with_characterising_verb(make_doc):
    text = 'Blinken called the Russian proposals "a non-starter" but warned of "massive consequences".'
    _, records, _ = _run(make_doc, text)
    partial = _kind(records, "partial")
    assert [p["content"] for p in partial] == ["a non-starter", "massive consequences"]
    assert {p["speaker"] for p in partial} == {"Antony Blinken"}


def test_scare_quotes_are_not_attributions(make_doc):
    _, records, _ = _run(make_doc, 'The so-called "peacekeepers" left the region in January.')
    assert records == []


@pytest.mark.parametrize(
    "text, speaker, cue, content",
    [
        ("Blinken told reporters that Washington would respond decisively.",
         "Antony Blinken", "told", "Washington would respond decisively"),
        ("Ned Price stressed on Monday that the United States remains committed to diplomacy.",
         "Ned Price", "stressed", "the United States remains committed to diplomacy"),
        ("Stoltenberg, who spoke in Brussels, warned that any attack would be met with force.",
         "Jens Stoltenberg", "warned", "any attack would be met with force"),
        ("Sullivan said the window for diplomacy was closing.",
         "Jake Sullivan", "said", "the window for diplomacy was closing"),
        ("Russia will never accept NATO expansion, Peskov insisted.",
         "Dmitry Peskov", "insisted", "Russia will never accept NATO expansion"),
        ("The talks were stalled, as noted by the Deputy Foreign Minister, Sergei Ryabkov.",
         "Sergei Ryabkov", "as noted by", "The talks were stalled"),
        ("Grushko criticised the Alliance, saying that it had ignored Russian concerns.",
         "Alexander Grushko", "saying", "it had ignored Russian concerns"),
    ],
)
def test_indirect_other_wordings(make_doc, text, speaker, cue, content):
    doc, records, _ = _run(make_doc, text)
    r = _one(records, "indirect")
    assert (r["speaker"], r["cue"], r["content"]) == (speaker, cue, content)
    _check_offsets(doc.text, records)


@pytest.mark.parametrize(
    "text, speaker_text, content",
    [
        ("Professor Anna Berg, director of the institute, and chair of the panel, says the treaty is dead.",
         "Professor Anna Berg", "the treaty is dead"),
        ("According to Interfax, Deputy Minister Ryabkov, who led the delegation, said the talks were useful.",
         "Deputy Minister Ryabkov", "the talks were useful"),
        # an aside splits the content: the content is the sentence around it (one span)
        ("The sanctions, said Ned Price, will remain in place.", "Ned Price",
         "The sanctions, said Ned Price, will remain in place"),
        ("The Kremlin rejected the offer and said that it would respond.", "Kremlin", "it would respond"),
        ("The World Health Organisation (WHO) recommends that every country act.",
         "World Health Organisation", "every country act"),
        ("The report's authors say the risk is growing.", "The report's authors", "the risk is growing"),
        ("Grushko noted Moscow is ready to talk.", "Grushko", "Moscow is ready to talk"),
        ("Ryabkov explained how the talks would be organised.", "Ryabkov", "how the talks would be organised"),
    ],
)
def test_speakers_in_complex_subjects(make_doc, text, speaker_text, content):
    doc, records, _ = _run(make_doc, text)
    ind = [r for r in records if r["kind"] == "indirect"]
    assert len(ind) == 1, records
    assert (ind[0]["speaker_text"], ind[0]["content"]) == (speaker_text, content)
    _check_offsets(doc.text, records)


@pytest.mark.parametrize(
    "text",
    [
        "The lantern festival continues to attract visitors.",
        "A unique light show opened in Taipei.",
        "The rules of the game were changed.",
        "By adding new members, the Alliance grew.",
        "Moscow's claims were rejected by all.",
    ],
)
def test_no_attribution_in_plain_narration(make_doc, text):
    _, records, _ = _run(make_doc, text)
    assert [r for r in records if r["kind"] == "indirect"] == []


def test_pronoun_resolves_by_gender(make_doc):
    text = ("Zakharova met Lavrov in Moscow. She said that the talks were useful. "
            "He added that Washington must answer in writing.")
    _, records, _ = _run(make_doc, text)
    ind = _kind(records, "indirect")
    assert [(r["speaker_text"], r["speaker"]) for r in ind] == [("She", "Maria Zakharova"), ("He", LAVROV)]


@pytest.mark.parametrize(
    "first, second, expected",
    [("Guterres", "Stoltenberg", "Jens Stoltenberg"), ("Stoltenberg", "Guterres", "António Guterres")],
)
def test_shared_title_resolves_by_recency(make_doc, first, second, expected):
    text = f"{first} arrived first. Later {second} joined the talks. The Secretary General said that peace was possible."
    _, records, _ = _run(make_doc, text)
    assert _one(records, "indirect")["speaker"] == expected


def test_title_resolves_to_most_recent_holder_not_a_guess(make_doc):
    _, records, _ = _run(make_doc, "The Minister said that talks would resume.")
    assert _one(records, "indirect")["speaker"] == ""  # no named Minister yet: unresolved
    _, records, _ = _run(make_doc, "Blinken flew to Geneva. The top US diplomat said that talks would resume.")
    assert _one(records, "indirect")["speaker"] == "Antony Blinken"


@pytest.mark.parametrize(
    "text, speaker, content",
    [
        ("According to the Kremlin, the talks will continue in January.", "Kremlin", "the talks will continue in January"),
        ("The talks will continue, according to Peskov.", "Dmitry Peskov", "The talks will continue"),
        ("In Blinken's words, the ball is in Moscow's court.", "Antony Blinken", "the ball is in Moscow's court"),
        ("NATO's spokesperson said that the Alliance would not be divided.", "NATO",
         "the Alliance would not be divided"),
        ("As Stoltenberg has said, the door remains open.", "Jens Stoltenberg", "the door remains open"),
    ],
)
def test_according_to(make_doc, text, speaker, content):
    doc, records, _ = _run(make_doc, text)
    r = _one(records, "according_to")
    assert (r["speaker"], r["content"]) == (speaker, content)
    assert not _kind(records, "indirect")
    _check_offsets(doc.text, records)


@pytest.mark.parametrize(
    "text, cue",
    [
        ("Washington reportedly plans new sanctions.", "reportedly"),
        ("It is said that the EU will follow.", "It is said that"),
        ("Sources say the decision is final.", "Sources say"),
        ("It has been reported that troops are moving west.", "It has been reported that"),
    ],
)
def test_agentless(make_doc, text, cue):
    _, records, _ = _run(make_doc, text)
    r = _one(records, "agentless")
    assert r["cue"] == cue and r["speaker"] == "" and r["content"]
    assert not _kind(records, "indirect")


# ---------------------------------------------------------------------------
# Authority, proxy, source credit in other wordings
# ---------------------------------------------------------------------------
def test_authority_in_a_western_quote_resolves_in_speaker_camp(make_doc):
    text = '"As our President said, Russia will pay a price," Blinken stressed.'
    _, records, _ = _run(make_doc, text)
    r = _one(records, "authority")
    assert (r["speaker"], r["principal"]) == ("Antony Blinken", "Joe Biden")
    assert r["content"] == "Russia will pay a price"


def test_authority_in_indirect_speech(make_doc):
    text = "Peskov said that, in the words of President Putin, the West has deceived Russia."
    _, records, _ = _run(make_doc, text)
    r = _one(records, "authority")
    assert (r["speaker"], r["principal"]) == ("Dmitry Peskov", "Vladimir Putin")


def test_authority_in_a_first_person_speech(make_doc):
    # in a speech the narration is the speaker's own voice (metadata speaker, genre not news)
    text = "As President Truman said, our support must be firm. In the words of the Secretary-General, peace is urgent."
    meta = {"speaker": "Antony Blinken", "genre": "speech"}
    _, records, _ = _run(make_doc, text, metadata=meta)
    auth = _kind(records, "authority")
    assert [(r["speaker"], r["speaker_text"], r["cue"]) for r in auth] == [
        ("Antony Blinken", "Antony Blinken", "As President Truman said"),
        ("Antony Blinken", "Antony Blinken", "In the words of")]
    assert auth[0]["speaker_start"] is None
    assert auth[1]["principal"] in ("António Guterres", "Jens Stoltenberg")
    # the same text in a news report: according_to
    _, records, _ = _run(make_doc, text, metadata={"speaker": "Antony Blinken", "genre": "news"})
    assert not _kind(records, "authority") and len(_kind(records, "according_to")) == 2


@pytest.mark.parametrize("text", ["According to the principle of sovereignty, borders are inviolable.",
                                  "Everything went according to plan, officials hoped."])
def test_according_to_needs_a_source(make_doc, text):
    _, records, _ = _run(make_doc, text)
    assert not _kind(records, "according_to")


def test_longest_cue_wins_and_nouns_are_not_verbs(make_doc):
    _, records, _ = _run(make_doc, "According to media reports, troops were moving.")
    assert [r["kind"] for r in records] == ["agentless"]
    _, records, _ = _run(make_doc, "We see this as the best possible reply to the call.")
    assert records == []
    _, records, _ = _run(make_doc, "According to Ukrainian intelligence data, troops were moving.")
    assert _one(records, "according_to")["speaker_text"] == "Ukrainian intelligence data"


def test_according_to_a_document(make_doc):
    _, records, _ = _run(make_doc, "According to the event website, the talks start at noon.")
    assert _one(records, "according_to")["speaker_text"] == "the event website"


def test_sloppy_quote_typography(make_doc):
    _, records, warnings = _run(make_doc, 'Wilkins said," [Warhol] liked the way photo booths looked". She left.')
    r = _one(records, "direct")
    assert r["content"] == "[Warhol] liked the way photo booths looked" and r["speaker_text"] == "Wilkins"


def test_narrator_as_x_said_is_according_to(make_doc):
    _, records, _ = _run(make_doc, "As President Biden has said, we stand with Ukraine.")
    assert _one(records, "according_to")["speaker"] == "Joe Biden"
    assert not _kind(records, "authority")


@pytest.mark.parametrize(
    "text, mouthpiece, principal",
    [
        ("Kyiv acts at Washington's behest, Zakharova claimed.", "Ukraine", "United States"),
        ("Zakharova said NATO is a mouthpiece of the United States.", "NATO", "United States"),
        ("Moscow spoke through the mouth of Belarus on the instructions of the Kremlin.", "Belarus", "Kremlin"),
        ("The EU statement was dictated by Washington, Peskov said.", "European Union", "United States"),
        ("Lavrov called Kyiv a puppet of the West.", "Ukraine", "the West"),
        ("The dictator Maduro is a puppet of Moscow, Blinken said.", "", "Russia"),
    ],
)
def test_proxy_wordings(make_doc, text, mouthpiece, principal):
    _, records, _ = _run(make_doc, text)
    r = _one(records, "proxy")
    assert (r["speaker"], r["principal"]) == (mouthpiece, principal)
    assert r["speaker_text"]


@pytest.mark.parametrize("text", ["We insist that nations end proxy wars.", "Sanctions are a tool of pressure."])
def test_no_proxy_without_an_actor(make_doc, text):
    _, records, _ = _run(make_doc, text)
    assert not _kind(records, "proxy")


@pytest.mark.parametrize(
    "text, agency",
    [
        ("MOSCOW, Dec 27 (Reuters) - Russia said on Monday that talks would start in January.", "Reuters"),
        ("MOSCOW, December 27. /TASS/. Russia will hold talks with the US in January.", "TASS"),
        ("Russia will hold talks with the US in January, TASS reports.", "TASS"),
        ("Talks start in January.\n\nSource: Interfax", "Interfax"),
    ],
)
def test_in_text_source_credit(make_doc, text, agency):
    doc, records, _ = _run(make_doc, text)
    r = _one(records, "source_credit")
    assert r["speaker"] == agency
    _check_offsets(doc.text, records)


def test_metadata_credit_without_offsets(make_doc):
    _, records, _ = _run(make_doc, "Talks start in January.", metadata={"source_credit": "Source: Reuters"})
    r = _one(records, "source_credit")
    assert (r["speaker"], r["speaker_text"], r["cue"]) == ("Reuters", "Reuters", "Source:")
    assert r["speaker_start"] is None and r["sentence_id"] is None


# ---------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, n_warnings",
    [
        ('He said "no to the proposal.\n\nThe talks ended.', 1),
        ('The talks ended." Nobody knew why.', 1),
        ("“Unclosed “twice” and stray ” marks « everywhere", 1),  # “…“…”…” nests; « is unclosed
        ("” « » » “", 3),
        ('""', 0),
        ("'", 0),
        ("Russia’s and Stoltenberg’s positions; the countries’ talks; don’t ‘worry", 0),
        ("", 0),
    ],
)
def test_stray_quotes_never_crash(make_doc, text, n_warnings):
    doc, records, warnings = _run(make_doc, text)
    assert len(warnings) == n_warnings
    for w in warnings:
        assert "\n" not in w and w.startswith("test: ") and "offset" in w
    _check_offsets(doc.text, records)


def test_sentence_ids_in_a_very_long_sentence(make_doc):
    # 600 words without punctuation, then a short sentence: rules work in windows, ids stay real
    text = " ".join(["word"] * 600) + " Lavrov said that talks would resume. Peskov said that Moscow waits."
    _, records, _ = _run(make_doc, text)
    ids = {r["speaker"]: r["sentence_id"] for r in records}
    assert ids == {"Sergei Lavrov": 0, "Dmitry Peskov": 1}


def test_unclosed_quote_keeps_the_rest_of_the_document(make_doc):
    text = 'Lavrov said "we are ready.\n\nPeskov said that the Kremlin was waiting.'
    _, records, warnings = _run(make_doc, text)
    assert len(warnings) == 1 and "offset 12" in warnings[0]
    assert _one(records, "direct")["content"] == "we are ready."
    assert _one(records, "indirect")["speaker"] == "Dmitry Peskov"


def test_nested_straight_quotes(make_doc):
    text = 'Einstein once said: "If we knew what we were doing, it wouldn\'t be called "research", would it?"'
    _, records, warnings = _run(make_doc, text)
    r = _one(records, "direct")
    assert r["content"].startswith("If we knew") and r["content"].endswith("would it?") and warnings == []


def test_quotation_closed_in_next_paragraph_without_reopening(make_doc):
    text = 'Gomez said, "We learned a lot today.\n\nIt was a very emotional day." Then he left.'
    _, records, _ = _run(make_doc, text)
    r = _one(records, "direct")
    assert r["content"] == "We learned a lot today.\n\nIt was a very emotional day."


def test_apostrophes_are_not_quotes(make_doc):
    _, records, warnings = _run(make_doc, "Russia’s position and NATO’s answer don’t match, Lavrov said.")
    assert warnings == [] and not _kind(records, "direct") and not _kind(records, "partial")


# ---------------------------------------------------------------------------
# Frames, lexicon
# ---------------------------------------------------------------------------
def test_frame_types_and_columns(seed_records):
    records, _ = seed_records
    frame = attributions_frame(records)
    assert list(frame.columns) == ATTRIBUTION_COLUMNS
    for col in ("speaker_start", "speaker_end", "cue_start", "cue_end", "content_start", "content_end", "sentence_id"):
        assert str(frame[col].dtype) == "Int64"
    for col in ("speaker", "speaker_text", "cue", "content", "principal", "kind"):
        assert frame[col].map(type).eq(str).all()
    empty = attributions_frame([])
    assert list(empty.columns) == ATTRIBUTION_COLUMNS and len(empty) == 0


def test_attributions_accepts_corpus_and_docs(corpus, seed_doc):
    from_corpus = attributions(corpus)
    assert set(from_corpus["doc_id"]) >= {seed_doc.user_data["doc_id"]}
    from_docs = attributions([seed_doc])
    seed_rows = from_corpus[from_corpus["doc_id"] == seed_doc.user_data["doc_id"]].reset_index(drop=True)
    # the metadata credit comes only with the Corpus
    assert len(seed_rows) == len(from_docs) + 1


def test_lexicon_errors_name_the_file(tmp_path):
    bad = tmp_path / "verbs.yaml"
    bad.write_text("verbs:\n  say: {forms: say}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"verbs.yaml.*'forms:' list"):
        load_lexicon(bad)
    bad.write_text("verbs: {}\nphrases:\n  gossip: [x]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown phrase family gossip"):
        load_lexicon(bad)
    with pytest.raises(LexiconError, match="lexicon file not found"):
        load_lexicon(tmp_path / "missing.yaml")


def test_a_duplicated_verb_in_the_lexicon_is_an_error_naming_the_file_and_the_key(tmp_path):
    # a YAML reader that keeps the last of two `say:` keys would silently lose "said"
    bad = tmp_path / "verbs.yaml"
    bad.write_text("verbs:\n  say: {forms: [say, said]}\n  tell: {forms: [told]}\n  say: {forms: [says]}\n",
                   encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(bad)
    assert str(info.value) == f"{bad} (line 4): malformed YAML: duplicate key 'say'"


def test_custom_lexicon_changes_behaviour(make_doc, tmp_path):
    custom = tmp_path / "verbs.yaml"
    custom.write_text("verbs:\n  grumble: {forms: [grumbled], that_optional: true}\n", encoding="utf-8")
    doc = make_doc("Lavrov grumbled that the West was stalling.")
    assert not doc_attributions(doc)
    records = doc_attributions(doc, lexicon=load_lexicon(custom))
    assert records[0]["kind"] == "indirect" and records[0]["speaker"] == LAVROV


@pytest.mark.parametrize(
    "text, speaker",
    [
        # press-conference transcripts call a person named earlier by the first name
        ("NATO Secretary General Jens Stoltenberg met Blinken in Brussels.\n\nSECRETARY BLINKEN: Thank you. "
         "As Jens noted, we just finished a session with our Allies.", "Jens Stoltenberg"),
        ("Foreign Minister Sergei Lavrov received the delegation. Sergei told reporters that the talks "
         "would continue.", "Sergei Lavrov"),
    ],
)
def test_first_name_of_a_person_named_in_the_document(make_doc, text, speaker):
    speakers = {r["speaker_text"]: r["speaker"] for r in doc_attributions(make_doc(text))}
    first = speaker.split()[0]
    assert speakers.get(first) == speaker


def test_first_name_shared_by_two_persons_stays_unresolved(make_doc):
    doc = make_doc("Sergei Lavrov and Sergei Ryabkov arrived in Geneva. Sergei told reporters that "
                   "the talks would continue.")
    rows = [r for r in doc_attributions(doc) if r["speaker_text"] == "Sergei"]
    assert rows and all(r["speaker"] == "" for r in rows)
