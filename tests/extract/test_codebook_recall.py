"""Recall rules added to the bundled codebook (branch codebook-recall), as kept in codebook 2.0.

Codebook 2.0 follows the coding guide where v1 did not: sponsorship ("fund and fuel the
separatists", "trained and equipped by Russia") is not proxy, denials of hostile intent ("no
offensive plans") are not ultimatum denials, and "let me make it clear" is an announcement of
one's own speech, not a certainty marker; those wordings are near misses now.

Each rule added for recall is exercised on several wordings that differ from the
YAML examples (other actors, tenses, word orders), and on near misses that the
rule must leave alone. Every case names the rule that must produce the hit, so a
case passing through some other rule does not hide a broken rule.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import coded

from analysis.extract.codebook import load_codebook
from analysis.extract.rhetoric import doc_evidence

#: Rules added for recall; each needs a note, bounded repeats and cases below.
NEW_RULES = {
    "deception_accusation": [
        "dec_pretext_cover", "dec_broken_agreement", "dec_despite_assurances", "dec_in_spite_of", "dec_pretence",
        "dec_claim_but", "dec_denial", "dec_truth", "dec_propaganda", "dec_spreading", "dec_deliberately",
        "dec_manufactured", "dec_what_has_done",
    ],
    "outgroup_stereotype": ["ste_familiar", "ste_same_tactics", "ste_custom", "ste_predictably"],
    "urgency_deadline": ["urg_time_to", "urg_quickly"],
    "proxy_attribution": ["prx_by_actor", "prx_agents", "prx_green_light", "prx_bidding"],
    "authority_invocation": ["aut_as_outlined_by", "aut_quote"],
    "status_diminution": ["dim_legitimacy", "dim_if_that", "dim_not_represent"],
    "certainty_marker": ["cer_we_know", "cer_is_obvious"],
    "historical_grievance": ["gri_annexed_by", "gri_scenario", "gri_coup_ukraine"],
    "loaded_label": ["lab_radicals", "lab_terrorists_ukraine"],
}

# (category, rule_id, sentence, words that must lie inside the hit)
POSITIVE = [
    # deception_accusation
    ("deception_accusation", "dec_pretext_cover", "Human rights are merely a smokescreen; they use them as a cover for regime change.", "as a cover for"),
    ("deception_accusation", "dec_pretext_cover", "The exercises were announced as an excuse for moving more troops to the border.", "as an excuse for"),
    ("deception_accusation", "dec_pretext_cover", "Behind the talk of values lies a hidden agenda.", "hidden agenda"),
    ("deception_accusation", "dec_broken_agreement", "Washington walked away from the nuclear deal it had signed.", "walked away from the nuclear deal"),
    ("deception_accusation", "dec_broken_agreement", "Moscow is in flagrant violation of the Budapest Memorandum.", "violation of the Budapest Memorandum"),
    ("deception_accusation", "dec_broken_agreement", "Kyiv's refusal to implement the Minsk agreements is the root of the problem.", "refusal to implement the Minsk agreements"),
    ("deception_accusation", "dec_broken_agreement", "They simply cast aside the road map agreed in February.", "cast aside"),
    ("deception_accusation", "dec_despite_assurances", "Contrary to Moscow's claims, the demonstrators were armed professionals.", "Contrary to Moscow's claims"),
    ("deception_accusation", "dec_despite_assurances", "Notwithstanding all the promises, the checkpoints are still in place.", "Notwithstanding all the promises"),
    ("deception_accusation", "dec_in_spite_of", "NATO kept growing in spite of the assurances given to Gorbachev.", "in spite of the assurances"),
    ("deception_accusation", "dec_pretence", "Russia presents itself as a peacemaker while its artillery pounds the city.", "presents itself as"),
    ("deception_accusation", "dec_pretence", "The regime pretends to care about civilians.", "pretends to care"),
    ("deception_accusation", "dec_pretence", "Moscow finally dropped the pretence of neutrality.", "the pretence of"),
    ("deception_accusation", "dec_claim_but", "The Kremlin insists it wants peace, yet its troops keep advancing.", "insists it wants peace, yet"),
    ("deception_accusation", "dec_claim_but", "Washington says it respects sovereignty, but it bombs whoever it likes.", "says it respects sovereignty, but"),
    ("deception_accusation", "dec_denial", "The Kremlin flatly denied any role in the poisoning.", "denied any"),
    ("deception_accusation", "dec_denial", "NATO still denies that it promised not to expand.", "denies that"),
    ("deception_accusation", "dec_truth", "Our Western partners keep rewriting history to suit themselves.", "rewriting history"),
    ("deception_accusation", "dec_truth", "Their account of the incident is far from the truth.", "far from the truth"),
    ("deception_accusation", "dec_truth", "The report is a falsification of the facts.", "falsification of the facts"),
    ("deception_accusation", "dec_propaganda", "Millions are exposed to Russia's relentless propaganda every day.", "propaganda"),
    ("deception_accusation", "dec_propaganda", "The Kremlin propaganda machine is working at full speed.", "propaganda machine"),
    ("deception_accusation", "dec_propaganda", "We condemn the anti-Western hysteria on state television.", "anti-Western hysteria"),
    ("deception_accusation", "dec_spreading", "Moscow spreads fabrications about biological laboratories in Ukraine.", "spreads fabrications"),
    ("deception_accusation", "dec_deliberately", "The authorities in Kyiv intentionally concealed the scale of the losses.", "intentionally concealed"),
    ("deception_accusation", "dec_manufactured", "This is a manufactured crisis designed to divide Europe.", "manufactured crisis"),
    ("deception_accusation", "dec_manufactured", "The opposition leaders were jailed on trumped-up charges.", "trumped"),
    ("deception_accusation", "dec_not_fooled", "Our allies are not deceived by these promises.", "not deceived by"),
    ("deception_accusation", "dec_what_has_done", "And what has the Kremlin actually delivered on its Minsk obligations?", "what has the Kremlin actually delivered"),
    ("deception_accusation", "dec_truth", "Every statement from Moscow is at odds with the facts.", "at odds with the facts"),
    # ultimatum_denial
    # outgroup_stereotype
    ("outgroup_stereotype", "ste_familiar", "We have seen this familiar playbook before: deny, distract, deflect.", "familiar playbook"),
    ("outgroup_stereotype", "ste_familiar", "The tactics are depressingly familiar to anyone who watched Georgia in 2008.", "tactics are depressingly familiar"),
    ("outgroup_stereotype", "ste_same_tactics", "In Syria, Moscow used the same methods it had tested in Chechnya.", "same methods"),
    ("outgroup_stereotype", "ste_custom", "For NATO, ignoring the concerns of others has become a habit.", "become a habit"),
    ("outgroup_stereotype", "ste_predictably", "Predictably, Washington blamed Moscow for everything.", "Predictably"),
    ("outgroup_stereotype", "ste_predictably", "Moscow, true to form, vetoed the draft resolution.", "true to form"),
    # negotiation_dismissal
    ("negotiation_dismissal", "dis_stalling", "The consultations are just a way to kill time while the offensive is prepared.", "kill time"),
    # urgency_deadline
    ("urgency_deadline", "urg_time_to", "It is about time that the Kremlin withdrew its forces.", "It is about time that"),
    ("urgency_deadline", "urg_time_to", "We are running out of time to save the agreement.", "running out of time"),
    ("urgency_deadline", "urg_time_to", "There is little time left before the deadline expires.", "little time left"),
    ("urgency_deadline", "urg_quickly", "We urge all sides to move quickly towards a political settlement.", "quickly"),
    ("urgency_deadline", "urg_quickly", "The Council demands the prompt return of the detained sailors.", "prompt return"),
    ("urgency_deadline", "urg_immediately", "The occupying forces must leave immediately.", "immediately"),
    # proxy_attribution
    ("proxy_attribution", "prx_by_actor", "The so-called people's republics are run by officers from Moscow.", "run by officers from Moscow"),
    ("proxy_attribution", "prx_by_actor", "The protests in Kyiv were organised by the United States.", "organised by the United States"),
    ("proxy_attribution", "prx_agents", "Two Kremlin operatives were arrested in Kharkiv.", "Kremlin operatives"),
    ("proxy_attribution", "prx_green_light", "The new government takes its orders from Washington.", "orders from Washington"),
    ("proxy_attribution", "prx_bidding", "European capitals do their bidding without asking questions.", "do their bidding"),
    ("proxy_attribution", "prx_bidding", "The militants and their foreign paymasters will be held accountable.", "foreign paymasters"),
    # authority_invocation
    ("authority_invocation", "aut_as_outlined_by", "As underlined by President Putin, security must be indivisible.", "As underlined by President"),
    ("authority_invocation", "aut_as_outlined_by", "As was rightly noted by the Secretary-General, dialogue is the only way.", "noted by the Secretary"),
    ("authority_invocation", "aut_quote", "Let me recall the famous saying of Gandhi.", "saying of Gandhi"),
    ("authority_invocation", "aut_quote", "President Roosevelt said it best: we have nothing to fear but fear itself.", "Roosevelt said it best"),
    # status_diminution
    ("status_diminution", "dim_legitimacy", "The Maduro regime has lost all legitimacy in the eyes of its people; Washington will not deal with it.", "lost all legitimacy"),
    ("status_diminution", "dim_if_that", "The so-called parliament, if one can call it that, met in Donetsk.", "if one can call it that"),
    ("status_diminution", "dim_not_represent", "The leaders installed by Moscow do not represent anyone in Crimea.", "not represent anyone"),
    # certainty_marker
    ("certainty_marker", "cer_we_know", "We know full well who shot down the airliner.", "We know full"),
    ("certainty_marker", "cer_we_know", "We already know that the sanctions have hurt ordinary people.", "We already know that"),
    ("certainty_marker", "cer_we_know", "As we all know, the sanctions have hurt ordinary people.", "we all know"),
    ("certainty_marker", "cer_is_obvious", "The link between the two attacks is undeniable.", "is undeniable"),
    ("certainty_marker", "cer_phrases", "It is no coincidence that the incident happened on the eve of the summit.", "It is no coincidence"),
    ("certainty_marker", "cer_phrases", "These numbers speak for themselves.", "speak for themselves"),
    # historical_grievance
    ("historical_grievance", "gri_annexed_by", "Parts of Georgia were occupied by Russia in 2008.", "occupied by Russia"),
    ("historical_grievance", "gri_annexed_by", "The peninsula was seized by the Kremlin in a matter of days.", "seized by the Kremlin"),
    ("historical_grievance", "gri_scenario", "They are preparing a Yugoslav scenario for our country.", "Yugoslav scenario"),
    ("historical_grievance", "gri_scenario", "Nobody wants a replay of 2014 in the Baltic States.", "replay of 2014"),
    ("historical_grievance", "gri_coup_ukraine", "The putsch in Kyiv was financed from abroad.", "putsch"),
    ("historical_grievance", "gri_coup_ukraine", "President Yanukovych was overthrown by armed radicals in February.", "overthrown"),
    ("historical_grievance", "gri_again", "We condemn the repeated shelling of residential areas.", "repeated"),
    # precondition
    ("precondition", "pre_condition_phrases", "We are ready for a deal, but on one condition: the troops go home first.", "on one condition"),
    # loaded_label
    ("loaded_label", "lab_radicals", "Ultranationalists have seized the television centre.", "Ultranationalists"),
    ("loaded_label", "lab_radicals", "The protests were hijacked by provocateurs paid from abroad.", "provocateurs"),
    ("loaded_label", "lab_terrorists_ukraine", "Pro-Russian terrorists took hostages in Sloviansk.", "terrorists"),
    ("loaded_label", "lab_terrorists_ukraine", "The terrorist leaders in Luhansk announced a referendum.", "terrorist leaders"),
]

# (category, sentence): the category must stay silent
NEGATIVE = [
    # codebook 2.0: the coding guide's boundary decisions
    ("proxy_attribution", "Moscow continues to fund and fuel the heavily armed separatist movement."),
    ("proxy_attribution", "The insurgents, trained and equipped by Russia, crossed the border at night."),
    ("proxy_attribution", "Iran's continued support for armed militias destabilises the region."),
    ("ultimatum_denial", "China has never had any hegemonic ambitions in the region."),
    ("ultimatum_denial", "The Alliance has no offensive plans against anyone."),
    ("certainty_marker", "Let me make it very clear: Russia will respond."),
    ("deception_accusation", "The United States has never broken an agreement with its allies."),
    ("deception_accusation", "States should not violate the treaties they have signed."),
    ("deception_accusation", "In spite of the rain, thousands came to the square."),
    ("deception_accusation", "The minister presented the report to the committee."),
    ("deception_accusation", "The group claimed to have shot down the helicopter."),
    ("deception_accusation", "Moscow denied entry to the observers."),
    ("deception_accusation", "We cannot hide the truth from our citizens."),
    ("deception_accusation", "The G7 will step up efforts to counter disinformation."),
    ("deception_accusation", "Terrorist propaganda must be removed from the internet."),
    ("deception_accusation", "Prices were artificially kept low by subsidies."),
    ("deception_accusation", "Russia says it is ready for talks, and we welcome that."),
    ("deception_accusation", "What has the European Union done to help the refugees?"),
    ("ultimatum_denial", "The hegemonic ambitions of some States endanger peace."),
    ("outgroup_stereotype", "The melody sounds familiar to every child in the country."),
    ("outgroup_stereotype", "Both teams used the same methods to collect the data."),
    ("outgroup_stereotype", "Remote work has become the norm in many companies."),
    ("outgroup_stereotype", "Predictably, prices rose after the harvest failed."),
    ("negotiation_dismissal", "The delegates passed the time reading newspapers."),
    ("urgency_deadline", "Immediately after the meeting, the ministers left for the airport."),
    ("urgency_deadline", "The Ukrainian army immediately took the necessary steps."),
    ("urgency_deadline", "We live in a rapidly changing world."),
    ("urgency_deadline", "The virus could spread quickly across borders."),
    ("urgency_deadline", "It is time-consuming to verify every claim."),
    ("urgency_deadline", "NATO keeps a rapid response force in Poland that must be ready."),
    ("proxy_attribution", "The summit was organized by France and hosted by Germany."),
    ("proxy_attribution", "The armed groups must withdraw their heavy weapons."),
    ("proxy_attribution", "We do not support the separatists in any way."),
    ("proxy_attribution", "Public support for the separatists has collapsed in the region."),
    ("proxy_attribution", "The sponsors of the draft resolution asked for a vote."),
    ("proxy_attribution", "Chemical agents of the sarin type were found."),
    ("authority_invocation", "As reported by Reuters, the talks have stalled."),
    ("authority_invocation", "As announced by the Ministry, the border will reopen."),
    ("status_diminution", "The referendum on independence was held in 1991."),
    ("status_diminution", "We must strengthen the legitimacy of the Security Council."),
    ("status_diminution", "These figures do not represent the whole picture."),
    ("certainty_marker", "We do not know who fired the shots."),
    ("certainty_marker", "How do we know that the data have not been altered?"),
    ("deception_accusation", "We were accused of having an ulterior motive."),
    ("certainty_marker", "The answer is not obvious."),
    ("historical_grievance", "The military coup in Niger was condemned by ECOWAS."),
    ("historical_grievance", "The seats were occupied by the delegations of Asia."),
    ("historical_grievance", "We saw a repeat of the final match in 2014."),
    ("loaded_label", "The anti-terrorist operation in Luhansk was suspended."),
    ("loaded_label", "Terrorists attacked a hotel in Bamako."),
    ("loaded_label", "The exhibition on the Nazis opened in Berlin."),
]


def _hits(make_doc, codebook, text, category):
    return coded(make_doc, codebook, text, category)


@pytest.fixture(scope="module")
def one_rule(tmp_path_factory):
    """A codebook holding a single rule of the bundled one (built through the public YAML loader)."""
    from analysis.paths import DEFAULT_CODEBOOK

    data = yaml.safe_load(Path(DEFAULT_CODEBOOK).read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("one_rule")
    cache = {}

    def _get(category, rule_id):
        if (category, rule_id) not in cache:
            cat = next(c for c in data["categories"] if c["id"] == category)
            rule = next(r for r in cat["rules"] if r["id"] == rule_id)
            single = {k: v for k, v in data.items() if k not in ("categories", "lexicons")}
            single["categories"] = [{**{k: v for k, v in cat.items() if k != "counter_examples"}, "rules": [rule]}]
            path = folder / f"{rule_id}.yaml"
            path.write_text(yaml.safe_dump(single, allow_unicode=True), encoding="utf-8")
            cache[(category, rule_id)] = load_codebook(path)
        return cache[(category, rule_id)]

    return _get


@pytest.mark.parametrize("category, rule_id, text, words", POSITIVE)
def test_new_rule_fires_on_other_wordings(make_doc, codebook, one_rule, category, rule_id, text, words):
    found = [h["text"] for h in doc_evidence(make_doc(text), one_rule(category, rule_id))]
    assert any(words in f for f in found), (rule_id, text, found)
    merged = _hits(make_doc, codebook, text, category)
    assert merged, (category, text)


@pytest.mark.parametrize("category, text", NEGATIVE)
def test_new_rules_stay_silent_on_near_misses(make_doc, codebook, category, text):
    assert not _hits(make_doc, codebook, text, category), [(h["rule_id"], h["text"]) for h in _hits(make_doc, codebook, text, category)]


def test_every_new_rule_exists_has_a_note_and_a_case(codebook):
    cased = {(c, r) for c, r, _, _ in POSITIVE}
    for category, rule_ids in NEW_RULES.items():
        rules = {r.id: r for r in codebook.category(category).rules}
        for rule_id in rule_ids:
            assert rule_id in rules, rule_id
            assert rules[rule_id].note, f"{rule_id} has no note"
            assert (category, rule_id) in cased, f"{rule_id} has no positive case"


def test_new_rules_use_only_bounded_repeats(codebook):
    """Unbounded * / + repeats would stop the windowed matcher from skipping sentences."""
    for category, rule_ids in NEW_RULES.items():
        rules = {r.id: r for r in codebook.category(category).rules}
        for rule_id in rule_ids:
            for pattern in rules[rule_id].patterns:
                ops = [tok.get("OP") for tok in pattern if isinstance(tok, dict)]
                assert not {"*", "+"} & set(ops), (rule_id, ops)


def test_cases_are_not_the_codebook_examples(codebook):
    listed = {s for c in codebook for s in (*c.examples, *c.counter_examples)}
    assert not listed & {t for _, _, t, _ in POSITIVE}
    assert not listed & {t for _, t in NEGATIVE}
