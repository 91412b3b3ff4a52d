"""Hit targets: actor mentions first, then resolved titles, then demonyms ("Russian propaganda")."""
from __future__ import annotations

import pytest

from analysis.extract.codebook import load_codebook
from analysis.extract.mentions import doc_mentions
from analysis.extract.records import EVIDENCE_COLUMNS, TARGET_SOURCES
from analysis.extract.rhetoric import doc_evidence
from analysis.nlp.gazetteer import load_gazetteer
from analysis.tables.frames import evidence_frame

# One category per strategy list used by the bundled codebook, with words that
# are not themselves actors, so the tests do not depend on the bundled rules.
TARGETS = """\
id: targets
version: "1"
categories:
  - id: accused
    definition: Deception words (strategies of deception_accusation).
    examples: [x]
    target: [agent, inside, before, after]
    rules:
      - id: deceit
        pattern: [{LOWER: {IN: [lies, lied, propaganda, hypocrisy, narrative, deceived, misled, disinformation]}}]
  - id: labelled
    definition: Labels (strategies of loaded_label).
    examples: [x]
    target: [inside, near]
    rules:
      - id: regime
        pattern: [{LOWER: {IN: [regime, junta]}}]
  - id: diminished
    definition: so-called (strategies of dim_so_called).
    examples: [x]
    target: [near, after, before]
    rules:
      - id: so_called
        pattern: [{LOWER: so}, {ORTH: "-"}, {LOWER: called}]
  - id: mouthpiece
    definition: through X's mouth (strategies of prx_mouth).
    examples: [x]
    target: [inside, before]
    rules:
      - id: mouth
        pattern: [{LOWER: through}, {LOWER: the, OP: "?"}, {ENT_TYPE: {IN: [ACTOR, TITLE]}, OP: "+"}, {LOWER: {IN: ["'s", "’s"]}, OP: "?"}, {LOWER: mouth}]
"""


@pytest.fixture(scope="module")
def targets_codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("cb") / "targets.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    return load_codebook(path)


def _targets(make_doc, codebook, text: str, category: str | None = None) -> list[tuple[str, str, str]]:
    """(hit text, target, target_source) of every hit, in order."""
    hits = doc_evidence(make_doc(text), codebook)
    return [(h["text"], h["target"], h["target_source"]) for h in hits if category is None or h["category"] == category]


# --------------------------------------------------------------------------- demonyms
@pytest.mark.parametrize("text, target", [
    ("Russian propaganda poisons the debate.", "Russia"),
    ("The Western narrative ignores the facts on the ground.", "the West"),
    ("American hypocrisy knows no limits.", "United States"),
    ("Nobody believes British disinformation any more.", "United Kingdom"),
    ("The Ukrainian authorities have lied for years.", "Ukraine"),  # "authorities": used like an actor
    ("For years the Russian leadership has shamelessly misled its partners.", "Russia"),
    ("The world has heard the lies of the Russian regime for too long.", "Russia"),  # after, through "of"
    ("Our partners were deceived by Western media.", "the West"),  # agent
    ("The Russians lied about the convoy.", "Russia"),  # a plural right before the hit
    ("The Belarusian government's disinformation is relentless.", "Belarus"),
])
def test_demonym_names_the_accused(make_doc, targets_codebook, text, target):
    found = _targets(make_doc, targets_codebook, text, "accused")
    assert found and all((t, s) == (target, "demonym") for _, t, s in found), found


@pytest.mark.parametrize("text, target", [
    ("The Kyiv regime shells Donetsk every night.", ("Ukraine", "actor")),  # the capital is an alias
    ("The Ukrainian regime shells Donetsk every night.", ("Ukraine", "demonym")),
    ("Companies must stop paying taxes to the Russian regime.", ("Russia", "demonym")),  # modifies the hit
    ("The so-called Ukrainian authorities do not control the border.", ("Ukraine", "demonym")),
])
def test_demonym_names_the_labelled(make_doc, targets_codebook, text, target):
    found = [(t, s) for _, t, s in _targets(make_doc, targets_codebook, text) if t or s]
    assert found and found[0] == target


def test_actor_beats_title_beats_demonym(make_doc, targets_codebook):
    assert _targets(make_doc, targets_codebook, "Washington's hypocrisy is American through and through.") == [
        ("hypocrisy", "United States", "actor")]
    assert _targets(make_doc, targets_codebook, "Moscow spreads lies about the Ukrainian army.") == [
        ("lies", "Russia", "actor")]
    text = "Lavrov arrived in Geneva. The Minister's Western propaganda was heard again."
    assert _targets(make_doc, targets_codebook, text) == [("propaganda", "Sergei Lavrov", "title")]


def test_actor_like_demonym_phrase_reaches_like_an_actor(make_doc, targets_codebook):
    text = "The Russian authorities, as everyone in this Chamber knows, have lied."
    assert _targets(make_doc, targets_codebook, text) == [("lied", "Russia", "demonym")]
    text = "The Russian journalist, as everyone in this Chamber knows, has lied."  # a bare adjective: too far
    assert _targets(make_doc, targets_codebook, text) == [("lied", "", "")]


# --------------------------------------------------------------------------- titles
@pytest.mark.parametrize("text, target", [
    ("Lavrov arrived in Geneva on Monday. The Minister's lies were exposed at once.", "Sergei Lavrov"),
    ("Blinken met the press. Later the Secretary of State misled the allies.", "Antony Blinken"),
    ("Stoltenberg spoke in Brussels. Everyone saw through the Secretary General's mouth who decides.", "Jens Stoltenberg"),
])
def test_resolved_title_names_the_target(make_doc, targets_codebook, text, target):
    found = [(t, s) for _, t, s in _targets(make_doc, targets_codebook, text) if t]
    assert found == [(target, "title")]


def test_unresolved_title_and_speaker_label_are_not_targets(make_doc, targets_codebook):
    assert _targets(make_doc, targets_codebook, "The Minister lied.") == [("lied", "", "")]
    text = "Putin spoke on Monday.\nTHE PRESIDENT: Not when you are running against people who lied."
    assert _targets(make_doc, targets_codebook, text) == [("lied", "", "")]


# --------------------------------------------------------------------------- negative cases
@pytest.mark.parametrize("text", [
    # a demonym far from the hit, as an adjective of something else
    "A Russian journalist asked a question at the briefing, and the answer was full of lies.",
    "The French film shown at the festival yesterday was full of lies.",
    # the demonym names the victim or the topic, not the accused
    "The lies about the Ukrainian army must stop.",
    "They lied to the Ukrainian army for years.",
    "Ukrainian civilians were deceived again and again.",
    "They were feeding lies to the Russian people.",
    "Attacks on Ukrainian forces were followed by lies.",
    # a stance against the demonym's actor, or a place
    "They keep spreading anti-Ukrainian propaganda.",
    "Their propaganda spread across Western Europe.",
    "Propaganda spread through the Russian-speaking regions.",
])
def test_demonym_is_not_a_target(make_doc, targets_codebook, text):
    found = _targets(make_doc, targets_codebook, text, "accused")
    assert found and all(t == "" and s == "" for _, t, s in found), found


def test_demonyms_are_not_mentions(make_doc, targets_codebook):
    doc = make_doc("Russian propaganda and American hypocrisy again.")
    evidence = doc_evidence(doc, targets_codebook)
    records = doc_mentions(doc, load_gazetteer(), evidence=evidence)
    assert not [r for r in records if r["role"] == "mentioned"]
    assert sorted(r["actor"] for r in records if r["role"] == "target") == ["Russia", "United States"]


# --------------------------------------------------------------------------- bundled codebook and columns
@pytest.mark.parametrize("text, category, words, target", [
    ("No one should be fooled by the Russian regime's barrage of lies.", "deception_accusation", "lies", "Russia"),
    ("The Belarusian regime is complicit in this war.", "loaded_label", "regime", "Belarus"),
    ("The American occupiers left the city in ruins.", "loaded_label", "occupiers", "United States"),
])
def test_bundled_codebook_uses_demonyms(make_doc, text, category, words, target):
    hits = [h for h in doc_evidence(make_doc(text), load_codebook()) if h["category"] == category]
    assert any(words in h["text"] and h["target"] == target and h["target_source"] == "demonym" for h in hits), hits


def test_target_source_column(make_doc, targets_codebook):
    frame = evidence_frame(doc_evidence(make_doc("Russian lies. NATO lies. Nobody lies."), targets_codebook))
    assert list(frame.columns) == EVIDENCE_COLUMNS and EVIDENCE_COLUMNS[-2:] == ["target", "target_source"]
    assert list(frame["target_source"]) == ["demonym", "actor", ""]
    assert set(frame["target_source"]) <= {"", *TARGET_SOURCES}


def test_no_strategy_no_target(make_doc):
    hits = doc_evidence(make_doc("Russian officials say this is not an ultimatum."), load_codebook())
    assert hits and all(h["target"] == "" and h["target_source"] == "" for h in hits)


def test_demonyms_come_from_the_gazetteer_passed(make_doc, targets_codebook, tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - name: Ruritania\n    type: state\n    camp: other\n    demonyms: [Ruritanian]\n",
                    encoding="utf-8")
    doc = make_doc("Ruritanian propaganda and Russian lies.")
    found = [(h["text"], h["target"]) for h in doc_evidence(doc, targets_codebook, gazetteer=load_gazetteer(path))]
    assert found == [("propaganda", "Ruritania"), ("lies", "")]
    found = [(h["text"], h["target"]) for h in doc_evidence(doc, targets_codebook)]
    assert found == [("propaganda", ""), ("lies", "Russia")]


def test_near_target_may_be_a_long_name_running_past_the_window(make_doc):
    from analysis.extract.codebook import load_codebook
    from analysis.extract.rhetoric import doc_evidence

    doc = make_doc("The real aggressor is the Russian Federation.")
    hits = [e for e in doc_evidence(doc, load_codebook()) if e["text"] == "aggressor"]
    assert [(e["target"], e["target_source"]) for e in hits] == [("Russia", "actor")]


def test_one_resolver_a_title_names_the_same_actor_as_mention_and_as_target(make_doc):
    """The document's speaker resolves "the Minister" once per Doc, for mentions *and* evidence targets.

    Before the one-resolver renovation the evidence resolved titles without the
    document's speaker while mentions used it: actors.csv counted Lavrov as
    mentioned, but the evidence row's target was empty.
    """
    from analysis.extract.analyze import analyze_doc
    from analysis.extract.attribution import Resolver
    from analysis.tables.frames import actor_frame

    doc = make_doc("The Minister's lies deceived everyone.")
    result = analyze_doc(doc, metadata={"speaker": "Sergei Lavrov"}, with_sentiment=False)
    hits = [(e["text"], e["target"], e["target_source"]) for e in result.evidence]
    assert hits == [("'s lies", "Sergei Lavrov", "title"), ("deceived", "Sergei Lavrov", "title")]
    actors = actor_frame(result.mentions)
    assert actors[["actor", "role", "count"]].values.tolist() == [
        ["Sergei Lavrov", "mentioned", 1], ["Sergei Lavrov", "target", 2]]
    # without a document speaker nobody holds the title: no mention, no target
    bare = analyze_doc(doc, metadata={}, with_sentiment=False)
    assert [e["target"] for e in bare.evidence] == ["", ""] and bare.mentions == []
    # doc_evidence on its own takes the resolver's titles
    codebook = load_codebook()
    resolver = Resolver(doc, load_gazetteer(), speaker="Sergei Lavrov")
    assert [e["target"] for e in doc_evidence(doc, codebook, resolver=resolver)] == ["Sergei Lavrov"] * 2
    assert [e["target"] for e in doc_evidence(doc, codebook)] == ["", ""]
