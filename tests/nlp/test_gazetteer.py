"""The actor gazetteer: coverage, schema errors, ruler patterns, title holders."""
from __future__ import annotations

import pytest

from analysis.errors import GazetteerError, KitError
from analysis.nlp.gazetteer import load_gazetteer, ruler_patterns

REQUIRED = {
    "Sergei Lavrov": "Lavrov", "Vladimir Putin": "Putin", "Dmitry Peskov": "Peskov", "Maria Zakharova": "Zakharova",
    "Sergei Ryabkov": "Ryabkov", "Alexander Grushko": "Grushko", "Yury Ushakov": "Ushakov",
    "Sergei Shoigu": "Shoigu", "Valery Gerasimov": "Gerasimov", "Joe Biden": "Biden", "Antony Blinken": "Blinken",
    "Wendy Sherman": "Sherman", "Ned Price": "Ned Price", "Jake Sullivan": "Sullivan", "Lloyd Austin": "Lloyd Austin",
    "Karen Donfried": "Donfried", "Jens Stoltenberg": "Stoltenberg",
}


def test_required_people_with_gender_and_camp():
    gaz = load_gazetteer()
    for name, alias in REQUIRED.items():
        actor = gaz[name]
        assert actor.type == "person" and actor.gender in ("male", "female")
        assert alias in actor.aliases
        assert actor.camp == ("west" if name in ("Joe Biden", "Antony Blinken", "Wendy Sherman", "Ned Price",
                                                  "Jake Sullivan", "Lloyd Austin", "Karen Donfried",
                                                  "Jens Stoltenberg") else "russia")


@pytest.mark.parametrize(
    "surface, canonical",
    [
        ("Moscow", "Russia"), ("the Kremlin", "Kremlin"), ("Russian Foreign Ministry", "Russian Foreign Ministry"),
        ("US", "United States"), ("USA", "United States"), ("Washington", "United States"),
        ("White House", "White House"), ("State Department", "US State Department"), ("Pentagon", "Pentagon"),
        ("the Alliance", "NATO"), ("North Atlantic Alliance", "NATO"), ("the bloc", "NATO"),
        ("Brussels", "European Union"), ("EU", "European Union"), ("Kyiv", "Ukraine"), ("Kiev", "Ukraine"),
        ("the West", "the West"), ("Western countries", "the West"), ("Russia-NATO Council", "Russia-NATO Council"),
        ("OSCE", "OSCE"), ("UN", "United Nations"),
    ],
)
def test_ruler_finds_institutions(nlp, surface, canonical):
    doc = nlp(f"Yesterday {surface} answered.")
    ents = [(e.text, e.label_, e.ent_id_) for e in doc.ents]
    assert (surface, "ACTOR", canonical) in ents


@pytest.mark.parametrize(
    "title, holders",
    [
        ("the Minister", {"Sergei Lavrov"}),
        ("the Russian Foreign Minister", {"Sergei Lavrov"}),
        ("the top diplomat", {"Sergei Lavrov"}),
        ("the Secretary", {"Antony Blinken"}),
        ("the Secretary General", {"Jens Stoltenberg", "António Guterres"}),
        ("the President", {"Vladimir Putin", "Joe Biden"}),
    ],
)
def test_titles_and_holders(nlp, title, holders):
    gaz = load_gazetteer()
    doc = nlp(f"Then {title} spoke.")
    titles = [e for e in doc.ents if e.label_ == "TITLE"]
    assert len(titles) == 1
    assert set(gaz.holders(titles[0].ent_id_)) == holders


def test_possessive_through_alias(nlp):
    doc = nlp("Through Stoltenberg’s mouth and NATO's voice.")
    ents = [(e.text, e.ent_id_) for e in doc.ents]
    assert ("Stoltenberg", "Jens Stoltenberg") in ents and ("NATO", "NATO") in ents


def test_lookup():
    gaz = load_gazetteer()
    assert gaz.lookup("Interfax") == "Interfax" and gaz.lookup("reuters") == "Reuters"
    assert gaz.lookup("Nobody Inparticular") is None
    assert gaz["TASS"].type == "media"


def test_ruler_patterns_shape(nlp):
    pats = ruler_patterns(load_gazetteer(), nlp.tokenizer)
    assert all({"label", "pattern", "id"} <= set(p) for p in pats)
    assert {p["label"] for p in pats} == {"ACTOR", "TITLE"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("actors: [", "malformed YAML"),
        ("people: []", "expected a mapping with an 'actors:' list"),
        ("actors:\n  - name: X\n    type: robot\n    camp: west\n", "type must be one of"),
        ("actors:\n  - name: X\n    type: person\n    camp: mars\n", "camp must be one of"),
        ("actors:\n  - name: X\n    type: person\n    camp: west\n    colour: red\n", "unknown key"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n  - name: X\n    type: state\n    camp: west\n",
         "duplicate actor name"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    aliases: [A]\n"
         "  - name: Y\n    type: state\n    camp: west\n    aliases: [A]\n", "is also an alias of"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: Xish\n", "demonyms must be a list"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: [X-ish]\n", "must be one word"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: [\"X's\"]\n", "must be one word"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: [Far Eastern]\n", "must be one word"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: [Xish]\n"
         "  - name: Y\n    type: state\n    camp: west\n    demonyms: [xish]\n", "is also a demonym of 'X'"),
        ("actors:\n  - name: X\n    type: state\n    camp: west\n    demonyms: [Yish]\n"
         "  - name: Y\n    type: state\n    camp: west\n    aliases: [Y, Yish]\n", "demonym 'Yish' is also an alias of 'Y'"),
        ("actors:\n  - !!python/object/apply:os.system [echo]\n", "malformed YAML"),
    ],
)
def test_gazetteer_errors_one_line(tmp_path, content, message):
    path = tmp_path / "actors.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        load_gazetteer(path)
    text = str(info.value)
    assert isinstance(info.value, KitError) and "\n" not in text
    assert "actors.yaml" in text and message in text


@pytest.mark.parametrize("word, actor", [
    ("Russian", "Russia"), ("russians", "Russia"), ("American", "United States"), ("Western", "the West"),
    ("western", "the West"), ("Ukrainian", "Ukraine"), ("British", "United Kingdom"),
    ("European", "European Union"), ("Belarusian", "Belarus"),
])
def test_demonyms_name_their_actor(word, actor):
    assert load_gazetteer().demonym_owner(word) == actor


def test_demonyms_are_not_aliases_and_make_no_pattern(nlp):
    gaz = load_gazetteer()
    assert gaz.lookup("Russian") is None and gaz.lookup("Western") is None
    assert all(p["pattern"] != "Russian" for p in ruler_patterns(gaz, nlp.tokenizer))
    doc = nlp("Russian diplomats met American and Western officials.")
    assert not [e for e in doc.ents if e.label_ == "ACTOR"]


def test_demonyms_are_optional(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - name: X\n    type: state\n    camp: west\n", encoding="utf-8")
    gaz = load_gazetteer(path)
    assert gaz["X"].demonyms == () and gaz.demonyms == {}


def test_missing_gazetteer(tmp_path):
    with pytest.raises(GazetteerError, match="not found"):
        load_gazetteer(tmp_path / "nope.yaml")
