"""Attribution on the forms political news uses (issue 13): ''…'' quotes, reporting clauses after
unquoted content, parentheticals, time phrases and auxiliaries before the verb, honorifics,
the addressee of "told". Sentences are written for the phenomena (not copied from PolNeAR)."""
from __future__ import annotations

from analysis.extract.attribution import doc_attributions
from analysis.extract.attribution.quotes import find_quotes


def _records(make_doc, text):
    return [r for r in doc_attributions(make_doc(text), warnings=[]) if r["kind"] != "source_credit"]


def _only(records):
    assert len(records) == 1, records
    return records[0]


def test_two_apostrophes_are_one_double_quotation_mark():
    text = "''We will not back down,'' the governor said. Rock 'n' roll is 'fine'."
    quotes = find_quotes(text, "d", [])
    assert [text[q.content_start:q.content_end] for q in quotes][0] == "We will not back down,"
    assert text[quotes[0].start:quotes[0].end] == "''We will not back down,''"


def test_nyt_style_quotation_with_speaker_after(make_doc):
    r = _only(_records(make_doc, "''The budget is a disgrace,'' said Senator Warren Hale of Ohio."))
    assert r["kind"] == "direct" and r["content"] == "The budget is a disgrace," and r["cue"] == "said"
    assert r["speaker_text"].startswith("Senator Warren Hale")


def test_nyt_style_quotation_split_by_its_reporting_clause(make_doc):
    recs = _records(make_doc, "''In my view,'' Ms. Alvarez added, ''the vote was rigged from the start.''")
    assert [r["content"] for r in recs] == ["In my view,", "the vote was rigged from the start."]
    assert {r["speaker_text"] for r in recs} == {"Ms. Alvarez"}


def test_honorific_name_after_a_quotation_is_the_speaker(make_doc):
    recs = _records(make_doc, '"Nobody told us," Mr. Okafor said. "We learned it from the papers."')
    assert [(r["speaker_text"], r["content"]) for r in recs] == [
        ("Mr. Okafor", "Nobody told us,"), ("Mr. Okafor", "We learned it from the papers.")]


def test_reporting_clause_after_unquoted_content(make_doc):
    r = _only(_records(make_doc, "Inflation will ease by the spring, the central bank said on Wednesday."))
    assert r["kind"] == "indirect" and r["speaker_text"] == "the central bank"
    assert r["content"] == "Inflation will ease by the spring"
    r = _only(_records(make_doc, "The hearing was a sham, Rep. Dana Cole told reporters."))
    assert r["speaker_text"] == "Rep. Dana Cole" and r["content"] == "The hearing was a sham"


def test_addressee_of_told_is_not_the_content(make_doc):
    r = _only(_records(make_doc, "The plan has no votes, Sen. Lee Parker told The Boston Globe on Friday."))
    assert r["content"] == "The plan has no votes" and r["cue"] == "told"
    r = _only(_records(make_doc, "Parker told The Boston Globe on Friday that the plan has no votes."))
    assert r["content"] == "the plan has no votes"


def test_parenthetical_reporting_clause_keeps_both_sides(make_doc):
    r = _only(_records(make_doc, "The new missile, the defense ministry said, can reach any city in the region."))
    assert r["speaker_text"] == "the defense ministry" and r["cue"] == "said"
    assert r["content"].startswith("The new missile") and r["content"].endswith("any city in the region")


def test_adding_takes_the_speaker_of_the_reporting_clause(make_doc):
    recs = _records(make_doc, "Turnout was low in the north, Ms. Brandt said, adding that rain kept voters home.")
    assert [(r["speaker_text"], r["cue"]) for r in recs] == [("Ms. Brandt", "said"), ("Ms. Brandt", "adding")]


def test_time_phrase_and_auxiliaries_between_subject_and_verb(make_doc):
    for text in ("Governor Ames on Monday said the bridge would reopen.",
                 "Governor Ames this week said the bridge would reopen.",
                 "Governor Ames has been saying for months that the bridge would reopen."):
        r = _only(_records(make_doc, text))
        assert r["speaker_text"] == "Governor Ames", text
        assert r["content"].startswith("the bridge would reopen"), text


def test_what_is_not_an_attribution(make_doc):
    # an infinitive after a speech verb in the passive, and "does not claim to belong"
    assert _records(make_doc, "In 2001, at age nine, she was told to leave the school.") == []
    assert _records(make_doc, "Also, a candidate who does not claim to belong to either party won.") == []


def test_object_of_a_reporting_verb_is_the_content(make_doc):
    r = _only(_records(make_doc, "The mayor has repeatedly called for an independent inquiry into the fire."))
    assert (r["speaker_text"], r["cue"], r["content"]) == (
        "The mayor", "called for", "an independent inquiry into the fire")
    r = _only(_records(make_doc, "Several economists warned against raising tariffs before the election."))
    assert r["cue"] == "warned against" and r["content"] == "raising tariffs before the election"
    r = _only(_records(make_doc, "Ms. Ortega pledged Friday to veto the budget."))
    assert r["speaker_text"] == "Ms. Ortega" and r["content"] == "to veto the budget"


def test_object_rule_leaves_passives_and_following_clauses_alone(make_doc):
    assert _records(make_doc, "The old harbour was also denied a permit.") == []
    recs = _records(make_doc, "Tom Hale criticised the offer, saying that it ignored inflation.")
    assert [(r["speaker_text"], r["cue"], r["content"]) for r in recs] == [
        ("Tom Hale", "saying", "it ignored inflation")]


def test_title_case_headline_forms(make_doc):
    r = _only(_records(make_doc, "Tax Plan Will Hurt Families, Elena Voss Says"))
    assert (r["speaker_text"], r["cue"], r["content"]) == ("Elena Voss", "Says", "Tax Plan Will Hurt Families")
    r = _only(_records(make_doc, "Elena Voss: Tax Plan Will Hurt Families\n\nThe senator spoke on Monday."))
    assert (r["kind"], r["speaker_text"], r["content"]) == ("direct", "Elena Voss", "Tax Plan Will Hurt Families")
    assert _records(make_doc, "Elena Voss: A Life in Politics\n\nThe senator spoke on Monday.") == []
    # mid-text title-case "Name:" lines are headings unless they recur as transcript turns
    assert _records(make_doc, "Budget talks resumed.\n\nRegional Issues: roads and bridges.") == []


def test_title_case_transcript_labels(make_doc):
    text = ("Panel on the campaign\n\nNovak: The race is close. Very close.\n\nBrandt: I disagree.\n\n"
            "Novak: Then look at the polls.\n\nBrandt: Polls were wrong before.")
    recs = _records(make_doc, text)
    assert [(r["speaker_text"], r["content"]) for r in recs] == [
        ("Novak", "The race is close. Very close"), ("Brandt", "I disagree"),
        ("Novak", "Then look at the polls"), ("Brandt", "Polls were wrong before")]


def test_poll_and_group_subjects(make_doc):
    r = _only(_records(make_doc, "About 40 percent said they would not vote in November."))
    assert r["speaker_text"] == "percent" and r["content"] == "they would not vote in November"
    r = _only(_records(make_doc, "Nearly half of respondents said the economy was their first concern."))
    assert r["speaker_text"] == "respondents"
    r = _only(_records(make_doc, "The mayor's budget was approved, according to the city's annual report."))
    assert r["kind"] == "according_to" and r["content"] == "The mayor's budget was approved"


def test_another_first_name_before_a_known_surname_is_another_person(make_doc):
    # "Trump" is a gazetteer alias of Donald Trump; Eric Trump is someone else (unresolved, not Donald Trump)
    r = _only(_records(make_doc, '"Her record is weak," Eric Trump said on Sunday.'))
    assert (r["speaker_text"], r["speaker"]) == ("Eric Trump", "")
    r = _only(_records(make_doc, '"Her record is weak," Trump said on Sunday.'))
    assert r["speaker"] == "Donald Trump"
    r = _only(_records(make_doc, '"The hearing was unfair," Ms. Adler testified.'))
    assert (r["speaker_text"], r["cue"]) == ("Ms. Adler", "testified")


def test_quoted_show_title_is_not_a_quotation(make_doc):
    recs = _records(make_doc, '"We were robbed," she said on CBS\'s "Face the Nation." "It was a disgrace."')
    assert [r["content"] for r in recs] == ["We were robbed,", "It was a disgrace."]
    assert {r["speaker_text"] for r in recs} == {"she"}


def test_saying_after_a_comma_introduces_a_quotation(make_doc):
    recs = _records(make_doc, "Later, she joined the critics, writing on Facebook: ''This bill is a scandal.''")
    r = _only([r for r in recs if r["kind"] == "direct"])
    assert (r["speaker_text"], r["content"]) == ("she", "This bill is a scandal.")


def test_according_to_a_bare_source_noun_phrase(make_doc):
    r = _only(_records(make_doc, "Turnout fell in rural counties, according to preliminary census data."))
    assert (r["kind"], r["speaker_text"]) == ("according_to", "preliminary census data")
    assert _records(make_doc, "The vote went according to plan.") == []


def test_place_name_inside_a_newspaper_name_is_not_the_state(make_doc):
    from analysis.extract.mentions import doc_mentions
    from analysis.nlp.gazetteer import load_gazetteer

    text = "Talks stalled, The Washington Post reported. Washington said the offer stands."
    doc = make_doc(text)
    recs = _records(make_doc, text)
    assert [(r["speaker_text"], r["speaker"]) for r in recs] == [
        ("The Washington Post", ""), ("Washington", "United States")]
    mentioned = [m for m in doc_mentions(doc, load_gazetteer()) if m["role"] == "mentioned"]
    assert [(m["actor"], text[m["start_char"]:m["end_char"]]) for m in mentioned] == [
        ("United States", "Washington")]
    assert mentioned[0]["start_char"] == text.index("Washington said")


def test_poll_share_subject(make_doc):
    r = _only(_records(make_doc, "In the new survey, seven in 10 say the country is on the wrong track."))
    assert (r["speaker_text"], r["content"]) == ("seven in 10", "the country is on the wrong track")


def test_speaker_after_a_quotation_with_modifier_or_long_apposition(make_doc):
    r = _only(_records(make_doc, '"The party has moved left," said former Gov. Ann Lowe of Idaho, a Democrat.'))
    assert (r["kind"], r["speaker_text"]) == ("direct", "former Gov. Ann Lowe")
    r = _only(_records(make_doc, '"This law is cruel," Dana Ruiz, policy director for the civil liberties group '
                                 'Justice Forward, said.'))
    assert (r["kind"], r["speaker_text"]) == ("direct", "Dana Ruiz")


def test_more_reporting_verbs_from_the_lexicon(make_doc):
    r = _only(_records(make_doc, "The governor decried the ruling as a disgrace to the state."))
    assert (r["cue"], r["content"]) == ("decried", "the ruling as a disgrace to the state")
    r = _only(_records(make_doc, "Mr. Lind reminded voters that the tax had never been collected."))
    assert (r["speaker_text"], r["content"]) == ("Mr. Lind", "the tax had never been collected")
    r = _only(_records(make_doc, "Ms. Ruiz joked the committee would need a bigger room."))
    assert r["cue"] == "joked" and r["content"] == "the committee would need a bigger room"
