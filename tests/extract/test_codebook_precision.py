"""Codebook 2.0.1: the precision pass after the blind read of the 2.0 rules' hits on unseen texts.

The read judged 93 of 217 hits wrong (docs/codebook_notes.md, "2.0.1 precision pass"). Each
rule family with several wrong hits was narrowed by a principle of the coding guide, not by a
rule for one sentence: an analytic condition for an outcome is not a precondition, a call to
comply is not a deception, a quantity or an act shrunk by "merely" is not an opponent's
standing, partners' "coordinated actions" and policy "instruments" are not concealed control,
fellow diplomats are not a higher authority, names of standards are not habits, and so on.

The wrong hits themselves are counter-examples in the YAML (``codebook check`` tests them).
The cases here are *other* wordings of the same classes -- near misses the narrowed rules must
leave alone, and true features each named rule must still find -- so that a rule that is
narrowed too far, or not at all, fails here.
"""
from __future__ import annotations

import pytest
from conftest import coded

# (category, rule_id, sentence, words inside the hit): features the narrowed rules still code
KEPT = [
    ("precondition", "pre_as_long_as", "Sanctions will remain in place for as long as Pyongyang keeps building missiles.", "as long as"),
    ("precondition", "pre_only_if", "Talks can resume only if the shelling stops.", "only if"),
    ("precondition", "pre_condition_noun", "The lifting of sanctions is a condition for any further dialogue.", "a condition for"),
    ("deception_accusation", "dec_demand_comply", "We expect Moscow to finally honour the commitments it signed in Minsk.", "finally honour the commitments"),
    ("deception_accusation", "dec_demand_comply", "It is time for Moscow to start implementing the agreement it signed.", "implementing the agreement"),
    ("status_diminution", "dim_merely", "The minister is merely a messenger for the palace.", "merely a"),
    ("status_diminution", "dim_merely", "The president is a mere figurehead.", "mere"),
    ("proxy_attribution", "prx_behind", "The Kremlin is clearly behind these attacks.", "behind"),
    ("proxy_attribution", "prx_control", "Moscow directs the separatist formations in Luhansk.", "directs the separatist formations"),
    ("authority_invocation", "aut_as_said", "As the Secretary-General said, there is no military solution.", "As the Secretary-General said"),
    ("outgroup_stereotype", "ste_generic_present", "Authoritarian regimes persecute journalists.", "regimes persecute"),
    ("outgroup_stereotype", "ste_habit_noun", "The regime's familiar playbook of denial is back.", "playbook"),
    ("outgroup_stereotype", "ste_habit_noun", "The Cold War bloc mindset still prevails among some partners.", "bloc mindset"),
    ("outgroup_stereotype", "ste_vice_noun", "The arrogance of the Kremlin knows no limits.", "arrogance of the Kremlin"),
    ("ultimatum_denial", "den_neg_verb", "We are not trying to impose our will on anyone.", "impose"),
    ("urgency_deadline", "urg_deadline_date", "Russia must withdraw its troops before the end of this month.", "before the end of this month"),
    ("historical_grievance", "gri_duration", "The regime has persecuted its critics for eight years.", "for eight years"),
]

# (category, sentence): near misses of the classes the blind read found; the category stays silent
SILENT = [
    ("precondition", "Prosperity will come only if investment grows."),
    ("precondition", "Durable peace will be achieved only when the parties reconcile."),
    ("precondition", "The heavy rain will continue for as long as the front stays over the coast."),
    ("precondition", "We must create the conditions for a lasting recovery."),
    ("precondition", "Unless you try, you will never know."),
    ("deception_accusation", "We call on all parties to respect their obligations under international humanitarian law."),
    ("deception_accusation", "The rebels who betray their own cause deserve no sympathy."),
    ("status_diminution", "Exports fell by merely 2 per cent last year."),
    ("status_diminution", "There is only one road to the station."),
    ("status_diminution", "The government merely asked for more time."),
    ("status_diminution", "The so-called Istanbul process meets again in June."),
    ("status_diminution", "These measures are devoid of any legitimacy."),
    ("proxy_attribution", "The rioters are behind this vandalism."),
    ("proxy_attribution", "The countries coordinated their actions on climate finance."),
    ("proxy_attribution", "We use a wide range of policy instruments to support farmers."),
    ("authority_invocation", "As my colleague from France said, the vote is important."),
    ("authority_invocation", "Everybody remembers what Mr. Lavrov said."),
    ("outgroup_stereotype", "The networks that smugglers exploit cross many borders."),
    ("outgroup_stereotype", "It kills civilians every day."),
    ("outgroup_stereotype", "The Futures Practice Group met on Monday."),
    ("outgroup_stereotype", "The delegation showed open disdain for the rules of procedure."),
    ("ultimatum_denial", "We do not impose tariffs on imports from our neighbours."),
    ("urgency_deadline", "That is why this month the committee will publish its report, which we need."),
    ("historical_grievance", "The war will damage the economy for years to come."),
    ("historical_grievance", "If the army attacked the town, there would be a massacre."),
    ("negotiation_dismissal", "Such rhetoric is empty and hollow."),
    ("certainty_marker", "We leave no doubt about our resolve."),
]


def _hits(make_doc, codebook, text, category):
    return [(h["rule_id"], h["text"]) for h in coded(make_doc, codebook, text, category)]


def test_bundled_codebook_includes_the_precision_pass(codebook):
    assert tuple(int(x) for x in codebook.version.split(".")) >= (2, 0, 1)


@pytest.mark.parametrize("category, rule_id, text, words", KEPT)
def test_narrowed_rules_still_code_the_feature(make_doc, codebook, category, rule_id, text, words):
    hits = _hits(make_doc, codebook, text, category)
    assert any(r == rule_id and words in t for r, t in hits), (rule_id, text, hits)


@pytest.mark.parametrize("category, text", SILENT)
def test_narrowed_rules_stay_silent_on_the_blind_reads_error_classes(make_doc, codebook, category, text):
    assert not _hits(make_doc, codebook, text, category)


def test_blind_read_errors_are_counter_examples(codebook):
    """The wrong hits of the read are in the YAML, where ``codebook check`` tests them."""
    counter = {s for c in codebook for s in c.counter_examples}
    assert "We call on Iran to fulfill its legal obligations and political commitments regarding nuclear non-proliferation without further delay." in counter
    assert "Lasting peace, however, can be built only on the basis of reconciliation among the Libyans themselves." in counter
    listed = {s for c in codebook for s in (*c.examples, *c.counter_examples)}
    assert not listed & {t for _, _, t, _ in KEPT} and not listed & {t for _, t in SILENT}
