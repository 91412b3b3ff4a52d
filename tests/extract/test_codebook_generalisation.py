"""Codebook 2.1: rule families that had to carry from one half of the gold set to the other.

Round 3 opened the old held-out test split for development. Each family of 2.1 was written from
the misses or false hits of one half (dev or the old test) and kept only when it also helped the
other half (docs/codebook_notes.md, "2.1 round", cross table). The sentences here are *other*
wordings of the same classes -- none is a gold sentence -- so a family that only matched the
sentences it was written from, or that a later edit narrows too far, fails here. The engine
features 2.1 added (a list of ``exclude_context`` specs; additive "not only" is no negation) are
tested at the end.
"""
from __future__ import annotations

import pytest
import yaml
from conftest import coded

from analysis.errors import CodebookError
from analysis.extract.codebook import load_codebook
from analysis.extract.rhetoric import doc_evidence

# (category, rule_id, sentence, words inside the hit): features the 2.1 families code
CODED = [
    ("certainty_marker", "cer_belief_booster", "We firmly believe that the treaty can be saved.", "firmly believe"),
    ("certainty_marker", "cer_belief_booster", "The ministers are fully aware that time is short.", "aware"),
    ("certainty_marker", "cer_predicate_clear", "The lesson of Srebrenica is clear: words without force fail.", "clear"),
    ("certainty_marker", "cer_predicate_clear", "The evidence is overwhelming and plain: the convoy was attacked.", "is"),
    ("certainty_marker", "cer_convinced", "We remain convinced that dialogue will prevail.", "remain convinced"),
    ("urgency_deadline", "urg_urgent_predicate", "It is becoming increasingly urgent that the parties return to the table.", "urgent"),
    ("urgency_deadline", "urg_urgent_predicate", "The most pressing task is to restore the water supply.", "pressing task"),
    ("urgency_deadline", "urg_not_forever", "The refugees cannot be asked to wait indefinitely.", "indefinitely"),
    ("urgency_deadline", "urg_immediately", "We urge Belgrade to release the journalists immediately.", "immediately"),
    ("deception_accusation", "dec_false_speech", "The junta dishonestly claimed that the ballots were counted.", "dishonestly claimed"),
    ("deception_accusation", "dec_not_comply", "Instead of honouring the Ohrid accord, the government staged new raids.", "honouring the Ohrid accord"),
    ("deception_accusation", "dec_noun", "Tehran's manipulation of the inspectors is well documented.", "manipulation"),
    ("historical_grievance", "gri_actor_continues", "North Korea keeps launching missiles over its neighbours.", "keeps"),
    ("historical_grievance", "gri_harm_rising", "The number of detained activists continues to climb.", "continues to climb"),
    ("historical_grievance", "gri_withdrawal_from", "Washington's withdrawal from the Open Skies Treaty weakened trust.", "withdrawal"),
    ("historical_grievance", "gri_remain_adverse", "Dozens of fishermen remain illegally detained in the port.", "remain illegally detained"),
    ("historical_grievance", "gri_repetition_phrase", "To this day the militia loots the border villages.", "To this day"),
    ("authority_invocation", "aut_figure_wrote", "Hannah Arendt wrote that power and violence are opposites.", "Hannah Arendt wrote"),
    ("authority_invocation", "aut_figure_wrote", "Nelson Mandela once said that education is the most powerful weapon.", "Nelson Mandela once said"),
    ("authority_invocation", "aut_heed_words", "Let us heed the words of Dag Hammarskjold.", "heed the words of"),
    ("authority_invocation", "aut_by_body", "The blockade, condemned by the entire international community, goes on.", "condemned by"),
    ("outgroup_stereotype", "ste_habit_adverb_actor", "The junta constantly harasses its critics.", "junta constantly"),
    ("outgroup_stereotype", "ste_habit_adverb_actor", "Some governments have made it a rule to ignore the court.", "made it a rule"),
    ("outgroup_stereotype", "ste_disrespect", "The militias do not respect the rights of minorities.", "do not respect"),
    ("outgroup_stereotype", "ste_generic_present", "The junta plunders the national wealth.", "plunders"),
    ("status_diminution", "dim_so_called", "They fought the so- called caliphate for years.", "called"),
    ("status_diminution", "dim_self_proclaimed", "The junta proclaims itself the sole voice of the nation.", "proclaims itself"),
    ("loaded_label", "lab_class", "Sanctions target the state sponsor of terrorism.", "sponsor of terrorism"),
    ("certainty_marker", "cer_demonstrated", "Experience has repeatedly demonstrated that walls do not stop ideas.", "demonstrated that"),
    ("authority_invocation", "aut_decision", "Recalling the 3rd and 5th Human Rights Council resolutions on Belarus, the ministers spoke.", "Recalling"),
    ("authority_invocation", "aut_body_said", "We commend the Secretary-General for stressing that the rules apply to all.", "for stressing"),
    ("precondition", "pre_only_to_those", "Loans will go only to those governments that hold free elections.", "to those governments that"),
    ("deception_accusation", "dec_fabricated_passive", "The regime claims the vote was rigged by foreign agents.", "rigged"),
    ("historical_grievance", "gri_duration", "Thousands have fled since the junta seized the capital.", "since the junta seized"),
]

# (category, sentence): near misses the 2.1 families and the precision pass leave alone
SILENT = [
    ("certainty_marker", "Let our answer be clear: we will not retreat."),
    # 2.1.1: the speaker announces their own speech (blind read of 2.1), like "let me be clear"
    ("certainty_marker", "I want to be absolutely clear: there will be no deal over Ukraine's head."),
    ("certainty_marker", "We wanted to be very clear: the sanctions will stay."),
    ("certainty_marker", "Imagine what happens if we, in fact, cooperate."),
    ("certainty_marker", "Health care as we know it must change."),
    ("certainty_marker", "It is precisely because of this history that we act."),
    ("urgency_deadline", "The rescue team immediately shared the results with its partners."),
    ("urgency_deadline", "Now is the time above all to look ahead."),
    ("urgency_deadline", "Our urgent priority is to feed the displaced."),
    ("urgency_deadline", "Tyrannies cannot last forever."),
    ("deception_accusation", "The figure was wrongly reported in the first edition."),
    ("deception_accusation", "Currency manipulation distorts trade."),
    ("historical_grievance", "The partners continue to support the reconstruction effort."),
    ("historical_grievance", "Exports continue to grow every year."),
    ("historical_grievance", "We are systematically renegotiating the old trade deals."),
    ("historical_grievance", "The founders wanted to keep war from occurring again."),
    ("historical_grievance", "It was done in violation of the Charter."),
    ("authority_invocation", "Ernest Hemingway wrote a novel about the war."),
    ("outgroup_stereotype", "The notorious Munich agreement opened the way to war."),
    ("outgroup_stereotype", "If the parties do not respect the truce, talks will stop."),
    ("status_diminution", "The minister declared himself an opponent of the plan."),
    ("status_diminution", "A mere 15 per cent of pledges were paid."),
    ("loaded_label", "The authorities began to call the protesters bandits."),
    ("proxy_attribution", "She served as a special envoy of China's President."),
    ("precondition", "Education is one of the preconditions for growth."),
    ("precondition", "The prize goes to those students who work hardest."),
    ("certainty_marker", "The events of last week have shown that the bridge is fragile."),
    ("deception_accusation", "The play was staged in Vienna last spring."),
]


def _hits(make_doc, codebook, text, category):
    return [(h["rule_id"], h["text"]) for h in coded(make_doc, codebook, text, category)]


def test_bundled_codebook_is_2_1(codebook):
    assert codebook.version == "2.1.1"


@pytest.mark.parametrize("category, rule_id, text, words", CODED)
def test_family_codes_other_wordings(make_doc, codebook, category, rule_id, text, words):
    hits = _hits(make_doc, codebook, text, category)
    assert any(words in hit_text for _, hit_text in hits), (text, hits)
    assert rule_id in {r for r, _ in hits} or any(words in t for _, t in hits), (rule_id, hits)


@pytest.mark.parametrize("category, text", SILENT)
def test_near_misses_stay_silent(make_doc, codebook, category, text):
    assert _hits(make_doc, codebook, text, category) == []


def _book_with(tmp_path, rule: dict):
    data = {"id": "t", "version": "0.1", "categories": [
        {"id": "c", "label": "C", "definition": "d", "examples": ["x"], "rules": [rule]}]}
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_codebook(path)


def test_exclude_context_list_any_spec_excludes(tmp_path, make_doc):
    book = _book_with(tmp_path, {"id": "r", "phrases": ["bandits"], "exclude_context": [
        {"words": ["we"], "window": 2, "side": "before"},
        {"words": ["call", "called"], "window": 5, "side": "before"}]})
    coded = [h["text"] for h in doc_evidence(make_doc("The bandits looted the town."), book)]
    assert coded == ["bandits"]
    assert doc_evidence(make_doc("Kyiv began to call its critics bandits."), book) == []  # second spec
    assert doc_evidence(make_doc("They say we bandits must go."), book) == []  # first spec


def test_exclude_context_empty_list_is_a_load_error(tmp_path):
    with pytest.raises(CodebookError, match="exclude_context: an empty list"):
        _book_with(tmp_path, {"id": "r", "phrases": ["bandits"], "exclude_context": []})


def test_additive_not_only_is_no_negation_but_not_merely_is(tmp_path, make_doc):
    book = _book_with(tmp_path, {"id": "r", "phrases": ["threaten", "merely a"], "exclude_negation": {"window": 3}})
    assert [h["text"] for h in doc_evidence(make_doc("They not only threaten their neighbours."), book)] == ["threaten"]
    assert doc_evidence(make_doc("They do not threaten anyone."), book) == []
    assert doc_evidence(make_doc("It is not merely a club."), book) == []  # "not" still negates the match itself
