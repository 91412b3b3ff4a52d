"""Attribution forms added in round 3 of issue 13: speech nouns with a possessor ("his remarks about",
"Trump's attacks on", "her claim that"), topic and object verbs ("talked about", "proposed", "reported
at least …"), bare clauses after "suggested", quoted transcript turns ('"PENCE: …'), and the lexicon's
own examples and counter-examples. Sentences are written for the forms (not copied from PolNeAR)."""
from __future__ import annotations

import pytest

from analysis.errors import LexiconError
from analysis.extract.attribution import doc_attributions, load_lexicon


def _records(make_doc, text):
    return [r for r in doc_attributions(make_doc(text), warnings=[]) if r["kind"] != "source_credit"]


def _lexicon_forms():
    lexicon = load_lexicon()
    forms: dict[str, set[str]] = {}
    for form, (lemma, _) in lexicon.verbs.items():
        forms.setdefault(lemma, set()).add(form)
    for form, (name, _) in lexicon.nouns.items():
        forms.setdefault(f"noun:{name}", set()).add(form)
    return lexicon, forms


def _cases(key: str):
    lexicon, forms = _lexicon_forms()
    return [(entry, text, sorted(forms[entry])) for entry, ex in sorted(lexicon.examples.items())
            for text in ex.get(key, ())]


def _cue_has(record, forms) -> bool:
    cue = " ".join(record["cue"].lower().split())
    return any(f in cue for f in forms)


@pytest.mark.parametrize(("entry", "text", "forms"), _cases("examples"))
def test_every_lexicon_example_is_found_with_its_cue(make_doc, entry, text, forms):
    recs = _records(make_doc, text)
    assert any(_cue_has(r, forms) and r["content"] for r in recs), (entry, recs)


@pytest.mark.parametrize(("entry", "text", "forms"), _cases("counter_examples"))
def test_no_lexicon_counter_example_is_an_attribution_by_that_cue(make_doc, entry, text, forms):
    recs = _records(make_doc, text)
    assert not any(_cue_has(r, forms) for r in recs), (entry, recs)


def test_the_lexicon_has_examples_for_the_new_entries():
    lexicon, _ = _lexicon_forms()
    for entry in ("propose", "suggest", "report", "talk_about", "decline_say", "noun:remarks", "noun:attacks",
                  "noun:claims", "noun:calls", "noun:questions"):
        assert lexicon.examples[entry]["examples"], entry


# speech nouns ------------------------------------------------------------------------------------------

def test_possessive_name_before_a_speech_noun_is_the_speaker(make_doc):
    recs = _records(make_doc, "Senator Hale's attacks on the governor grew sharper in the final week.")
    r = [r for r in recs if r["cue"].startswith("attacks")][0]
    assert r["speaker_text"] == "Senator Hale" and r["content"].startswith("the governor")


def test_possessive_pronoun_before_a_speech_noun_resolves_like_a_pronoun(make_doc):
    recs = _records(make_doc, "Barack Obama spoke in Ohio on Monday. His remarks about the economy were upbeat.")
    r = [r for r in recs if r["cue"] == "remarks about"][0]
    assert r["speaker_text"] == "His" and r["speaker"] == "Barack Obama"
    assert r["content"] == "the economy"  # the clause's verb ends the topic


def test_claim_noun_takes_a_that_clause(make_doc):
    recs = _records(make_doc, "The mayor stood by her claim that the budget had been balanced.")
    r = [r for r in recs if r["cue"] == "claim that"][0]
    assert r["content"] == "the budget had been balanced" and r["speaker_text"] == "her"


def test_speech_noun_without_a_possessor_is_no_cue(make_doc):
    assert _records(make_doc, "The attacks on the embassy killed four people.") == []
    assert _records(make_doc, "Questions about the senator's health persist.") == []


def test_speech_noun_before_a_time_phrase_is_no_cue(make_doc):
    recs = _records(make_doc, "Her criticism on Tuesday surprised the committee.")
    assert not any(r["cue"].startswith("criticism") for r in recs)


# object verbs and bare clauses ----------------------------------------------------------------------

def test_suggested_takes_a_clause_without_that(make_doc):
    r = _records(make_doc, "The commentator suggested the governor had gone too far.")[0]
    assert (r["cue"], r["content"]) == ("suggested", "the governor had gone too far")


def test_reported_takes_an_object_but_not_a_place_or_time(make_doc):
    r = _records(make_doc, "The Tribune reported at least six arrests near the stadium.")[0]
    assert (r["cue"], r["content"]) == ("reported", "at least six arrests near the stadium")
    assert _records(make_doc, "Jane Lerer reported from Los Angeles.") == []
    assert _records(make_doc, "The Tribune reported late Thursday.") == []


def test_topic_verbs_take_their_topic_as_content(make_doc):
    r = _records(make_doc, "The senator talked about farm subsidies for an hour.")[0]
    assert (r["cue"], r["content"]) == ("talked about", "farm subsidies for an hour")


def test_declined_to_say_takes_a_question(make_doc):
    r = _records(make_doc, "Ms. Ortiz declined to say whether she would run again.")[0]
    assert r["cue"] == "declined to say" and r["content"] == "whether she would run again"


def test_object_verb_in_a_when_clause_is_a_circumstance(make_doc):
    recs = _records(make_doc, "When the governor proposed the new tax, the legislature was in recess.")
    assert not any(r["cue"] == "proposed" for r in recs)


def test_questioning_a_person_is_no_speech(make_doc):
    assert _records(make_doc, "Police arrested and questioned the student.") == []
    assert _records(make_doc, "He was questioned by the police.") == []
    r = _records(make_doc, "The senator questioned the cost of the program.")[0]
    assert r["content"] == "the cost of the program"


def test_passive_report_without_content_is_no_attribution(make_doc):
    assert _records(make_doc, "It was reported by the local paper.") == []


# quoted transcript turns ------------------------------------------------------------------------------

def test_quoted_transcript_turns_get_their_labelled_speakers(make_doc):
    text = ("The two men spoke on the Sunday program.\n\n"
            "\"HOST: Let us start with the debate. Will the candidate attend?\n\n"
            "\"GUEST: Well, look, the debate is serious business. We will be there.\n\n"
            "\"HOST: Thank you for coming on.")
    recs = _records(make_doc, text)
    assert [(r["speaker_text"], r["cue"]) for r in recs] == [("HOST", ":"), ("GUEST", ":"), ("HOST", ":")]
    assert recs[0]["content"] == "Let us start with the debate. Will the candidate attend"  # edges trimmed
    assert recs[1]["content"] == "Well, look, the debate is serious business. We will be there"


def test_a_quotation_opening_with_an_ordinary_word_and_colon_is_no_label(make_doc):
    recs = _records(make_doc, '"Note: the vote is tomorrow," the clerk said.')
    assert [r["speaker_text"] for r in recs] == ["the clerk"]


# lexicon validation ------------------------------------------------------------------------------------

def test_speech_noun_schema_errors_name_the_file(tmp_path):
    bad = tmp_path / "lex.yaml"
    bad.write_text("verbs:\n  say: {forms: [said]}\nspeech_nouns:\n  remarks: {forms: [remarks]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="lex.yaml.*forms.*takes"):
        load_lexicon(bad)
    bad.write_text("verbs:\n  say: {forms: [said]}\nspeech_nouns:\n  remarks: {forms: [remarks], takes: [in regard to]}\n",
                   encoding="utf-8")
    with pytest.raises(LexiconError, match="single words"):
        load_lexicon(bad)
    bad.write_text("verbs:\n  say: {forms: [said], examples: [3]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="examples"):
        load_lexicon(bad)


# unquoted characterisations -----------------------------------------------------------------------------

def test_called_with_an_unquoted_description_reports_it(make_doc):
    r = _records(make_doc, "Former Gov. Ada Marsh called the senator a fraud.")[0]
    assert (r["kind"], r["cue"], r["content"]) == ("indirect", "called", "the senator a fraud")
    assert r["speaker_text"] == "Former Gov. Ada Marsh"


def test_naming_and_other_senses_of_called_are_no_report(make_doc):
    for text in ("The city is called the Big Apple.", "They attached a device called the E-meter.",
                 "She called off the rally.", "The mayor called a press conference on Monday.",
                 "A group within the church called the Inner Circle was disbanded."):
        assert _records(make_doc, text) == [], text


def test_quoted_description_stays_a_partial_quotation(make_doc):
    recs = _records(make_doc, 'The minister called the talks "chatter".')
    assert [(r["kind"], r["content"]) for r in recs] == [("partial", "chatter")]


# clauses after a time or place phrase, group speakers -----------------------------------------------------

def test_bare_clause_after_a_time_phrase_opens_with_a_subject_pronoun(make_doc):
    r = _records(make_doc, "The donor said on Friday he met the candidate earlier this week.")[0]
    assert (r["speaker_text"], r["content"]) == ("The donor", "he met the candidate earlier this week")


def test_long_place_phrase_before_that(make_doc):
    r = _records(make_doc, "Justice Ruth Ginsburg said in an interview with a news agency last week that she "
                           "would not comment.")[0]
    assert r["cue"] == "said" and r["content"] == "she would not comment"


def test_quantified_group_is_a_speaker(make_doc):
    r = _records(make_doc, "Most of them said they had loved working at the plant.")[0]
    assert (r["speaker_text"], r["content"]) == ("Most of them", "they had loved working at the plant")
