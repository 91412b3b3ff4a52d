"""Evidence extraction: the seed's facts, other wordings per category, constraints, targets, merge, offsets."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import coded

from analysis.app.shortcuts import code_corpus
from analysis.extract.codebook import Rule, load_codebook
from analysis.extract.records import EVIDENCE_COLUMNS
from analysis.extract.rhetoric import doc_evidence, merge_hits
from analysis.tables.frames import evidence_frame

SEED_ID = "000_b57aecae04ae68f3"
CONTROL_ID = "001_control_agency_report"


@pytest.fixture(scope="module")
def seed_evidence(seed_doc, codebook):
    return doc_evidence(seed_doc, codebook)


@pytest.fixture(scope="module")
def corpus_evidence(corpus):
    return code_corpus(corpus)


def _hits(make_doc, codebook, text, category=None):
    return coded(make_doc, codebook, text, category)


def _find(evidence, category, text):
    found = [e for e in evidence if e["category"] == category and text in e["text"]]
    assert found, f"no {category} hit containing {text!r}: {[(e['category'], e['text']) for e in evidence]}"
    return found[0]


# --------------------------------------------------------------------------- the seed
def test_every_category_fires_on_the_seed(seed_evidence, codebook):
    assert {e["category"] for e in seed_evidence} == set(codebook.category_ids)


def test_seed_will_definitely_deceive_targets_the_west(seed_evidence, seed_doc):
    hit = _find(seed_evidence, "deception_accusation", "deceive")
    assert hit["target"] == "the West"
    assert "will definitely deceive" in seed_doc.text[hit["start_char"] - 20:hit["end_char"]]
    assert _find(seed_evidence, "certainty_marker", "definitely")


def test_seed_ambiguous_promise_is_deception_and_repetition_is_grievance(seed_evidence):
    assert _find(seed_evidence, "deception_accusation", "promise something ambiguously")["target"] == "the West"
    assert _find(seed_evidence, "historical_grievance", "again")


def test_seed_we_do_not_put_forward_any_ultimatums(seed_evidence):
    hit = _find(seed_evidence, "ultimatum_denial", "ultimatums")
    assert "put forward any ultimatums" in hit["text"]


def test_seed_through_stoltenbergs_mouth_is_proxy_with_the_mouthpiece_as_target(seed_evidence):
    assert _find(seed_evidence, "proxy_attribution", "through Stoltenberg’s mouth")["target"] == "Jens Stoltenberg"
    assert _find(seed_evidence, "proxy_attribution", "at the suggestion of the US")


def test_seed_other_facts(seed_evidence):
    assert _find(seed_evidence, "authority_invocation", "as the President said")
    assert _find(seed_evidence, "outgroup_stereotype", "what the West is famous for")["target"] == "the West"
    assert _find(seed_evidence, "negotiation_dismissal", "chatter")
    assert _find(seed_evidence, "negotiation_dismissal", "endless discussions")
    assert _find(seed_evidence, "urgency_deadline", "in a certain period of time")
    assert _find(seed_evidence, "certainty_marker", "it is clear that")
    assert _find(seed_evidence, "historical_grievance", "since 2014")["target"] == "NATO"
    assert _find(seed_evidence, "precondition", "make sense only with")
    diminished = _find(seed_evidence, "status_diminution", "chief administrative officer")
    assert diminished["target"] == "Jens Stoltenberg"
    assert _find(seed_evidence, "loaded_label", "the bloc")["target"] == "NATO"


def test_seed_targets_all_come_from_actor_mentions(seed_evidence):
    targeted = [e for e in seed_evidence if e["target"]]
    assert len(targeted) == 9 and {e["target_source"] for e in targeted} == {"actor"}
    assert all(e["target_source"] == "" for e in seed_evidence if not e["target"])


def test_seed_voices(corpus_evidence):
    seed = corpus_evidence[corpus_evidence["doc_id"] == SEED_ID]
    voices = dict(zip(seed["text"], seed["voice"]))
    assert voices["as the President said"] == "Sergei Lavrov"
    assert voices["the bloc"] == "Sergei Lavrov"
    lead = seed[(seed["text"] == "immediately")].sort_values("start_char")
    assert list(lead["voice"]) == ["narrator", "Sergei Lavrov"]  # the lead is the reporter's, the quote Lavrov's


def test_neutral_control_text_has_no_evidence(corpus_evidence):
    assert (corpus_evidence["doc_id"] == CONTROL_ID).sum() == 0


@pytest.mark.parametrize("text", [
    "The EU is extending the sanctions regime against Russia.",
    "The sanctions regime was extended for six months.",
    "The ceasefire regime held overnight.",
])
def test_technical_regime_is_not_a_loaded_label(make_doc, codebook, text):
    assert not _hits(make_doc, codebook, text, "loaded_label")


# --------------------------------------------------------------------------- other wordings, per category
POSITIVE = [
    ("deception_accusation", "Washington misled its European allies about the real purpose of the missile deployment.", "misled", "United States"),
    ("deception_accusation", "The Kremlin deliberately lied to the Security Council about its troops.", "lied", "Kremlin"),
    ("deception_accusation", "Our partners were double-crossed by Brussels at the last minute.", "double-crossed", "European Union"),
    ("deception_accusation", "NATO betrayed the assurances it gave to Moscow in 1990.", "betrayed", "NATO"),
    ("deception_accusation", "Moscow has reneged on every ceasefire it signed.", "reneged", "Russia"),
    ("deception_accusation", "Kyiv never kept its promises under the Minsk package.", "kept its promises", "Ukraine"),
    ("deception_accusation", "The Alliance is cheating: it speaks of dialogue while preparing for war.", "cheating", "NATO"),
    ("ultimatum_denial", "Russia is not issuing ultimatums to anyone.", "ultimatums", ""),
    ("ultimatum_denial", "Let me be clear: we are not blackmailing our neighbours.", "blackmailing", ""),
    ("ultimatum_denial", "Washington has never tried to dictate terms to Kyiv.", "dictate", ""),
    ("ultimatum_denial", "These proposals are in no way an ultimatum.", "ultimatum", ""),
    ("ultimatum_denial", "The Kremlin denied threatening the Baltic States.", "denied threatening", ""),
    ("outgroup_stereotype", "As always, the Americans blame Moscow for their own failures.", "As always", ""),
    ("outgroup_stereotype", "Distorting history is typical of the West.", "typical of the West", "the West"),
    ("outgroup_stereotype", "Brussels has the habit of lecturing others on values while ignoring its own problems.", "habit of", "European Union"),
    ("outgroup_stereotype", "This is exactly what NATO is notorious for.", "what NATO is notorious for", "NATO"),
    ("negotiation_dismissal", "The so-called dialogue has become an endless talking shop.", "talking", ""),
    ("negotiation_dismissal", "The consultations in Vienna were pointless talks that led nowhere.", "pointless talks", ""),
    ("negotiation_dismissal", "Moscow is stalling the negotiations while it builds up its forces.", "stalling", ""),
    ("negotiation_dismissal", "Kyiv keeps dragging its feet on the political settlement.", "dragging its feet", ""),
    ("urgency_deadline", "Russian forces must leave Ukrainian territory at once.", "at once", ""),
    ("urgency_deadline", "We demand an answer without delay.", "without delay", ""),
    ("urgency_deadline", "The Council should act urgently to prevent a catastrophe.", "urgently", ""),
    ("urgency_deadline", "Moscow gave Kyiv a deadline of forty-eight hours.", "deadline", ""),
    ("proxy_attribution", "The separatists act on orders from Moscow.", "on orders from Moscow", ""),
    ("proxy_attribution", "The EU is merely doing Washington's bidding in this matter.", "bidding", "European Union"),
    ("proxy_attribution", "Kyiv's Western handlers decided this long ago.", "handlers", "Ukraine"),
    ("proxy_attribution", "The resolution was drafted at the behest of the United Kingdom.", "at the behest of the United Kingdom", ""),
    ("authority_invocation", "As President Putin has repeatedly pointed out, NATO expansion threatens Russia.", "As President Putin has repeatedly pointed", ""),
    ("authority_invocation", "In the words of the Helsinki Final Act, borders may not be changed by force.", "In the words of", ""),
    ("authority_invocation", "As Secretary Blinken said, no country can redraw the borders of another by force.", "As Secretary Blinken said", ""),
    ("status_diminution", "The so-called authorities in Kyiv do not control their own army.", "so-called", "Ukraine"),
    ("status_diminution", "The OSCE is nothing more than a talking platform for the West.", "nothing more than a", ""),
    ("status_diminution", "Ukraine is not a real state, Moscow claims.", "not a real state", "Ukraine"),
    ("status_diminution", "The self-styled leaders of the breakaway regions answer to nobody.", "self-styled", ""),
    ("certainty_marker", "Obviously, these sanctions will hurt Europe more than Russia.", "Obviously", ""),
    ("certainty_marker", "There can be no doubt that the attack was planned in advance.", "no doubt", ""),
    ("certainty_marker", "It is evident that the West has no interest in our proposals.", "It is evident that", ""),
    ("certainty_marker", "Moscow will certainly respond to any deployment of missiles in Europe.", "certainly", ""),
    ("historical_grievance", "In 1999 NATO bombed Belgrade without a mandate from the Security Council.", "bombed Belgrade", "NATO"),
    ("historical_grievance", "We were assured that the Alliance would not expand to the east.", "assured", ""),
    ("historical_grievance", "Since 2008, Moscow has occupied a fifth of Georgia's territory.", "Since 2008", "Russia"),
    ("historical_grievance", "Yet again, Washington has withdrawn from a treaty it had signed.", "Yet again", "United States"),
    ("precondition", "We will sit down at the table only when the troops are pulled back.", "only when", ""),
    ("precondition", "Any settlement is contingent upon the full withdrawal of foreign forces.", "contingent upon", ""),
    ("precondition", "Dialogue is possible on the condition that Kyiv stops shelling Donetsk.", "on the condition that", ""),
    ("precondition", "There will be no sanctions relief until Russia implements the agreements.", "until", ""),
    ("loaded_label", "The Kiev junta is waging war on its own people.", "junta", "Ukraine"),
    ("loaded_label", "The regime in Minsk has rigged the elections.", "regime", ""),
    ("loaded_label", "The military bloc keeps moving eastward.", "military bloc", ""),
    ("loaded_label", "Anglo-Saxons have always sought to divide Europe.", "Anglo-Saxons", ""),
]

NEGATIVE = [
    ("authority_invocation", "As stipulated in the Minsk agreements, heavy weapons must be withdrawn."),  # texts are not voices
    ("deception_accusation", "The future of Europe lies in cooperation."),
    ("deception_accusation", "We have never misled our partners."),
    ("deception_accusation", "Both sides kept their promises this year."),
    ("ultimatum_denial", "We will never accept ultimatums from NATO."),
    ("ultimatum_denial", "Russia will not be blackmailed."),
    ("ultimatum_denial", "Countries must not threaten their neighbours."),
    ("outgroup_stereotype", "As usual, the meeting began at ten."),
    ("outgroup_stereotype", "Vienna is known for its music."),
    ("outgroup_stereotype", "As always, Russia remains open to dialogue."),
    ("negotiation_dismissal", "The negotiations ended without agreement."),
    ("negotiation_dismissal", "The empty streets of Donetsk were shelled overnight."),
    ("negotiation_dismissal", "We held a long and useful discussion."),
    ("urgency_deadline", "Russia is an immediate neighbour of Ukraine."),
    ("urgency_deadline", "The talks took place over three days."),
    ("urgency_deadline", "The immediate family of the diplomat was evacuated."),
    ("proxy_attribution", "The delegation spoke on behalf of the European Union."),
    ("proxy_attribution", "The vote was held at the request of Ukraine."),
    ("proxy_attribution", "The proxy server was down."),
    ("authority_invocation", "As we said yesterday, the door remains open."),
    ("authority_invocation", "According to TASS, the talks will continue."),
    ("authority_invocation", "As I mentioned, the delegation is ready."),
    ("status_diminution", "NATO is not merely a military alliance."),
    ("status_diminution", "The so-called Normandy format met in Paris."),
    ("status_diminution", "Ukraine is an independent state."),
    ("certainty_marker", "It is not clear whether the summit will take place."),
    ("certainty_marker", "The objectives must be clearly defined."),
    ("certainty_marker", "Perhaps the parties will meet again in spring."),
    ("historical_grievance", "Since 2015 the two countries have signed three trade agreements."),
    ("historical_grievance", "We again thank the Chair for this meeting."),
    ("historical_grievance", "Once again, welcome to Geneva."),
    ("precondition", "We are ready to talk without preconditions."),
    ("precondition", "Only yesterday the minister arrived in Vienna."),
    ("precondition", "Unless otherwise stated, all figures are in euros."),
    ("loaded_label", "The sanctions regime was extended for six months."),
    ("loaded_label", "The nuclear non-proliferation regime must be strengthened."),
    ("loaded_label", "The visa regime between the EU and Ukraine was liberalised."),
]


@pytest.mark.parametrize("category, text, words, target", POSITIVE)
def test_category_fires_on_other_wordings(make_doc, codebook, category, text, words, target):
    hits = _hits(make_doc, codebook, text, category)
    assert any(words in h["text"] for h in hits), (text, [(h["rule_id"], h["text"]) for h in hits])
    if target:
        assert target in {h["target"] for h in hits}


@pytest.mark.parametrize("category, text", NEGATIVE)
def test_category_stays_silent_on_near_misses(make_doc, codebook, category, text):
    assert not _hits(make_doc, codebook, text, category)


def test_cases_are_not_copied_from_the_codebook_or_the_seed(codebook, corpus):
    seed = corpus[0].text
    listed = {s for c in codebook for s in (*c.examples, *c.counter_examples)}
    for _, text, *_ in (*POSITIVE, *NEGATIVE):
        assert text not in listed and text not in seed


def test_western_speakers_accusing_moscow_are_coded(make_doc, codebook):
    text = "No one should be fooled: Moscow's lies about a threat from NATO are a pretext for invasion."
    hits = _hits(make_doc, codebook, text, "deception_accusation")
    assert any(h["target"] == "Russia" and "lies" in h["text"] for h in hits)
    assert any("fooled" in h["text"] for h in hits)


# --------------------------------------------------------------------------- constraints and targets
CONSTRAINED = """\
id: constrained
version: "1"
categories:
  - id: blame
    definition: Test category for constraints.
    examples: [x]
    target: [agent, inside, before, after]
    rules:
      - id: west_only
        pattern: [{LEMMA: blame}]
        require_actor: {camp: west}
      - id: first_person_denial
        pattern: [{LOWER: interfere}]
        require_negation: {window: 3}
        require_first_person: {window: 4}
      - id: context_word
        phrases: [drift]
        require_context: {words: [talk], window: 3}
"""


@pytest.fixture(scope="module")
def constrained(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "constrained.yaml"
    path.write_text(CONSTRAINED, encoding="utf-8")
    return load_codebook(path)


@pytest.mark.parametrize("text, expected", [
    ("NATO will blame everyone.", ["west_only"]),
    ("Russia will blame everyone.", []),
    ("We do not interfere in their affairs.", ["first_person_denial"]),
    ("They do not interfere in their affairs.", []),
    ("We interfere nowhere else.", []),
    ("The talks drift.", ["context_word"]),
    ("The boat will slowly and surely drift away from the talks.", []),
])
def test_constraints(make_doc, constrained, text, expected):
    assert [h["rule_id"] for h in doc_evidence(make_doc(text), constrained)] == expected


@pytest.mark.parametrize("text, target", [
    ("The peace plan was blamed by Washington on Kyiv.", "United States"),  # agent
    ("NATO blames Russia for everything.", "NATO"),  # before
    ("Blame falls on the United States.", "United States"),  # after
])
def test_target_strategies(make_doc, constrained, text, target):
    hits = doc_evidence(make_doc(text), constrained)
    assert [h["target"] for h in hits] == [target]


def test_first_person_pronoun_does_not_count_when_it_is_the_US(make_doc, constrained):
    assert not doc_evidence(make_doc("The US does not interfere there."), constrained)


# --------------------------------------------------------------------------- merge policy
MERGE = """\
id: merge
version: "1"
categories:
  - id: cat_a
    definition: Overlaps inside one category.
    examples: [x]
    rules:
      - id: short
        phrases: [endless talks]
      - id: long
        phrases: [endless talks about talks]
      - id: tie_late
        phrases: [talks about talks]
  - id: cat_b
    definition: Overlaps across categories.
    examples: [x]
    rules:
      - id: other
        phrases: [talks]
"""


def test_merge_policy_longest_wins_ties_earliest_and_categories_overlap(tmp_path, make_doc):
    path = tmp_path / "merge.yaml"
    path.write_text(MERGE, encoding="utf-8")
    hits = doc_evidence(make_doc("Endless talks about talks, then talks about talks."), load_codebook(path))
    a = [(h["rule_id"], h["text"]) for h in hits if h["category"] == "cat_a"]
    assert a == [("long", "Endless talks about talks"), ("tie_late", "talks about talks")]
    b = [h["text"] for h in hits if h["category"] == "cat_b"]
    assert len(b) == 4  # every "talks", overlapping cat_a freely


LINKED = """
id: linked
version: "1"
categories:
  - id: grievance
    definition: A marker of persistence and the wrong it applies to.
    examples: [x]
    rules:
      - id: marker
        phrases: [continuing, growing list]
      - id: wrong
        phrases: [assault on the city, breaches]
"""


def test_hits_of_one_category_joined_by_linking_words_are_one_span(tmp_path, make_doc):
    path = tmp_path / "linked.yaml"
    path.write_text(LINKED, encoding="utf-8")
    book = load_codebook(path)
    text = ("The militias are continuing their assault on the city. They add to the growing list of breaches. "
            "The talks are continuing. The assault on the city stopped. Continuing, breaches. Continuing breaches.")
    hits = [(h["rule_id"], h["text"]) for h in doc_evidence(make_doc(text), book)]
    assert hits == [
        ("wrong", "continuing their assault on the city"),  # one span, the longer hit's rule
        ("marker", "growing list of breaches"),
        ("marker", "continuing"),  # alone in its sentence
        ("wrong", "assault on the city"),  # "The talks are continuing." ends before it
        ("marker", "Continuing"),  # a comma is no linking word
        ("wrong", "breaches"),
        ("marker", "Continuing"),  # touching hits stay two spans
        ("wrong", "breaches"),
    ]


def test_merge_hits_tie_goes_to_the_earliest_then_to_rule_order():
    r1 = Rule(id="r1", category="c", order=0)
    r2 = Rule(id="r2", category="c", order=1)
    kept = merge_hits([(r2, 2, 4, 10, 20), (r1, 0, 2, 0, 10), (r1, 1, 3, 5, 15), (r2, 0, 2, 0, 10)])
    assert [(h[0].id, h[3]) for h in kept] == [("r1", 0), ("r2", 10)]


# --------------------------------------------------------------------------- offsets and tables
def test_offsets_sentences_and_order(corpus_evidence, corpus, nlp):
    texts = {d.doc_id: d.text for d in corpus}
    for row in corpus_evidence.itertuples():
        assert row.text == texts[row.doc_id][row.start_char:row.end_char]
    for doc_id, group in corpus_evidence.groupby("doc_id"):
        doc = nlp(texts[doc_id])
        sents = list(doc.sents)
        for row in group.itertuples():
            sent = sents[row.sentence_id]
            assert sent.start_char <= row.start_char < row.end_char <= sent.end_char
        assert list(group["start_char"]) == sorted(group["start_char"])


def test_evidence_frame_columns_and_dtypes_even_when_empty():
    empty = evidence_frame([])
    assert list(empty.columns) == EVIDENCE_COLUMNS and len(empty) == 0
    assert str(empty["start_char"].dtype) == "Int64"


def test_code_corpus_accepts_docs_and_a_codebook_path(seed_doc):
    frame = code_corpus([seed_doc], str(Path(load_codebook().path)))
    assert list(frame.columns) == EVIDENCE_COLUMNS
    assert set(frame["doc_id"]) == {SEED_ID}
    assert (frame["voice"] != "narrator").any()


def test_empty_and_unsentenced_docs(nlp, codebook):
    assert doc_evidence(nlp(""), codebook) == []
    bare = nlp.make_doc("This is not an ultimatum.")  # tokenizer only: no sentence boundaries
    assert [h["category"] for h in doc_evidence(bare, codebook)] == ["ultimatum_denial"]


@pytest.mark.parametrize(
    "text, category, expected",
    [
        # hard-wrapped lines and double spaces leave whitespace tokens between words
        ("The illegal annexation \nof Crimea in 2014 changed everything.", "historical_grievance", "annexation \nof Crimea"),
        ("Moscow's policy of double  standards fools nobody in the region.", "deception_accusation", "double  standards"),
        ("We do not put forward any \nultimatums to our partners.", "ultimatum_denial", "not put forward any \nultimatums"),
    ],
)
def test_rules_match_across_line_breaks_and_double_spaces(make_doc, codebook, text, category, expected):
    doc = make_doc(text)
    hits = [e for e in doc_evidence(doc, codebook) if e["category"] == category]
    assert [e["text"] for e in hits] == [expected]
    assert all(doc.text[e["start_char"]:e["end_char"]] == e["text"] for e in hits)


def test_matching_across_whitespace_never_crosses_a_sentence_boundary(make_doc, codebook):
    # "double" ends one paragraph and "standards" begins the next: no hit may join them
    doc = make_doc("The talks ended in a double\n\nStandards of conduct were discussed later.")
    assert not [e for e in doc_evidence(doc, codebook) if e["category"] == "deception_accusation"]
