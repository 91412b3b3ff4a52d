"""The codebook: bundled content, self-validation, dictionaries, and one test per error message."""
from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest
import yaml

from analysis.app.checks import validate_codebook
from analysis.errors import CodebookError, KitError
from analysis.extract.codebook import CONSTRAINTS, Codebook, load_codebook, regex_problem, word_forms
from analysis.extract.rhetoric import doc_evidence
from analysis.paths import DEFAULT_CODEBOOK

DATA = Path(__file__).resolve().parents[1] / "data" / "dictionaries"
CATEGORY_IDS = [
    "deception_accusation",
    "ultimatum_denial",
    "outgroup_stereotype",
    "negotiation_dismissal",
    "urgency_deadline",
    "proxy_attribution",
    "authority_invocation",
    "status_diminution",
    "certainty_marker",
    "historical_grievance",
    "precondition",
    "loaded_label",
]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook()


@pytest.fixture(scope="module")
def report(codebook, nlp):
    return validate_codebook(codebook, nlp)


def _write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
id: mini
version: "0.1"
categories:
  - id: demo
    definition: A demo category.
    examples: [NATO is a threat.]
    rules:
      - id: demo_rule
        phrases: [threat]
"""


# --------------------------------------------------------------------------- the bundled codebook
def test_bundled_codebook_identity(codebook):
    assert codebook.id == "diplomatic_rhetoric"
    assert codebook.version
    assert codebook.kind == "codebook"
    assert Path(codebook.path) == DEFAULT_CODEBOOK
    assert codebook.sha256 == hashlib.sha256(DEFAULT_CODEBOOK.read_bytes()).hexdigest()


def test_bundled_codebook_has_the_twelve_fixed_categories_in_order(codebook):
    assert codebook.category_ids == CATEGORY_IDS


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_every_category_is_documented_for_human_coders(codebook, category_id):
    cat = codebook.category(category_id)
    n_sentences = cat.definition.count(". ") + 1
    assert 2 <= n_sentences <= 5, cat.definition
    assert len(cat.examples) >= 4
    assert len(cat.counter_examples) >= 3
    assert cat.rules and cat.label


def test_rule_ids_are_unique_across_the_codebook(codebook):
    ids = [r.id for r in codebook.rules]
    assert len(ids) == len(set(ids))
    assert codebook.rule(ids[0]).category in codebook.category_ids


def test_validation_report_shape(report, codebook):
    assert list(report.columns) == ["category", "kind", "sentence", "passed", "problem"]
    n_expected = sum(len(c.examples) + len(c.counter_examples) for c in codebook)
    n_expected += sum(len(k.examples) + len(k.counter_examples) + 1 for k in codebook.classes.values())
    assert len(report) == n_expected
    assert set(report["kind"]) == {"example", "counter_example", "class_example", "class_counter_example",
                                   "class_used"}


def test_every_word_class_passes_its_own_checks_and_is_used(report):
    rows = report[report["category"].str.startswith("class:")]
    assert len(rows) > 0
    failures = rows[~rows["passed"]]
    assert failures.empty, failures[["category", "kind", "sentence", "problem"]].to_string()


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_category_fires_on_its_examples_and_not_on_counter_examples(report, category_id):
    rows = report[report["category"] == category_id]
    failures = rows[~rows["passed"]]
    assert failures.empty, failures[["kind", "sentence", "problem"]].to_string()


def test_most_examples_are_not_from_the_seed(codebook, corpus):
    seed = corpus[0].text.lower()
    for cat in codebook:
        from_seed = [s for s in cat.examples if s.lower().rstrip(".") in seed]
        assert len(from_seed) <= len(cat.examples) // 2, (cat.id, from_seed)


def test_validation_reports_failures(tmp_path, nlp):
    path = _write(tmp_path, MINIMAL.replace("examples: [NATO is a threat.]",
                                            "examples: [NATO is a danger.]\n    counter_examples: [No threat here.]"))
    report = validate_codebook(load_codebook(path), nlp)
    bad = report[~report["passed"]].set_index("kind")
    assert bad.loc["example", "problem"] == "not coded by any rule of the category"
    assert "demo_rule" in bad.loc["counter_example", "problem"] and "'threat'" in bad.loc["counter_example", "problem"]


CLASSES = """\
id: classes
version: "0.1"
classes:
  threat_noun:
    definition: Nouns of threat.
    source: a test
    examples: [they posed threats, a menace to peace]
    counter_examples: [a danger to peace, a threatening tone]
    words: [threat, menace]
  spare:
    definition: A class no rule uses.
    source: a test
    words: [spare]
categories:
  - id: demo
    definition: A demo category.
    examples: [NATO is a threat.]
    rules:
      - id: demo_rule
        pattern: [{class: threat_noun}]
"""


def test_codebook_check_covers_word_classes(tmp_path, nlp):
    report = validate_codebook(load_codebook(_write(tmp_path, CLASSES)), nlp)
    rows = report[report["category"].str.startswith("class:")]
    own = rows[rows["category"] == "class:threat_noun"]
    assert own[own["kind"] == "class_example"]["passed"].all()  # "threats": the plural of a member
    assert own[own["kind"] == "class_counter_example"]["passed"].all()  # "threatening" is not "threat"
    assert own[own["kind"] == "class_used"]["passed"].all()
    bad = rows[~rows["passed"]]
    assert list(zip(bad["category"], bad["kind"], bad["problem"])) == [
        ("class:spare", "class_used", "no rule uses this class")]
    broken = CLASSES.replace("counter_examples: [a danger to peace, a threatening tone]",
                             "counter_examples: [a menace to peace]")
    report = validate_codebook(load_codebook(_write(tmp_path, broken, "broken.yaml")), nlp)
    bad = report[~report["passed"] & (report["kind"] == "class_counter_example")]
    assert list(bad["problem"]) == ["holds a member of the class"]


def test_codebook_check_cli(tmp_path, capsys):
    from analysis.app.cli import main

    assert main(["codebook", "check"]) == 0
    assert "checks passed" in capsys.readouterr().out
    path = _write(tmp_path, MINIMAL.replace("NATO is a threat.", "NATO is a danger."))
    assert main(["codebook", "check", str(path)]) == 1
    assert "FAIL demo example" in capsys.readouterr().out


def test_a_category_added_in_a_yaml_copy_works_without_code(tmp_path, make_doc):
    data = yaml.safe_load(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    data["categories"].append({
        "id": "sovereignty_claim",
        "label": "Sovereignty claim",
        "definition": "The speaker invokes sovereignty as a shield. Code the phrase.",
        "examples": ["This is a matter of our sovereignty."],
        "rules": [{"id": "sov_phrase", "phrases": ["our sovereignty", "sovereign right"]}],
    })
    path = tmp_path / "extended.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cb = load_codebook(path)
    assert cb.category_ids[-1] == "sovereignty_claim"
    hits = doc_evidence(make_doc("Kyiv defends its sovereign right to choose; NATO is a bloc."), cb)
    assert {"sovereignty_claim", "loaded_label"} <= {h["category"] for h in hits}


def test_lemma_in_patterns_matches_inflections_case_insensitively(tmp_path, make_doc):
    path = _write(tmp_path, MINIMAL.replace("phrases: [threat]", "pattern: [{LEMMA: deceive}]"))
    hits = doc_evidence(make_doc("Deceived once, they deceives twice and keep deceiving."), load_codebook(path))
    assert [h["text"] for h in hits] == ["Deceived", "deceives", "deceiving"]


def test_word_forms_uses_the_lookup_table():
    assert {"deceive", "deceived", "deceives", "deceiving"} <= word_forms("Deceive")
    assert word_forms("xyzzy") == {"xyzzy", "xyzzies"}  # unknown: the regular plural only


def test_plurals_of_words_the_lookup_table_does_not_know(tmp_path, make_doc):
    """Issue 12: plurals of listed nouns were missed when the lemma table lacked the noun."""
    assert word_forms("kleptocrat") == {"kleptocrat", "kleptocrats"}
    assert word_forms("globalist") == {"globalist", "globalists"}
    assert word_forms("dispatch") >= {"dispatch", "dispatches"}
    assert "buss" not in word_forms("bus")  # a final s takes no regular -s
    path = _write(tmp_path, MINIMAL.replace("phrases: [threat]", "pattern: [{LEMMA: kleptocrat}]"))
    hits = doc_evidence(make_doc("The kleptocrats in power fear one kleptocrat above all."), load_codebook(path))
    assert [h["text"] for h in hits] == ["kleptocrats", "kleptocrat"]


def test_constraint_vocabulary_is_small_and_documented():
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    assert len(CONSTRAINTS) <= 8
    for name in CONSTRAINTS:
        assert name in text.split("categories:")[0], f"{name} not documented in the YAML header"


# --------------------------------------------------------------------------- dictionaries
def test_quanteda_dictionary_loads_as_phrase_categories(make_doc):
    cb = load_codebook(DATA / "coercion_quanteda.yml")
    assert cb.kind == "quanteda"
    assert cb.category_ids == ["coercion.threats", "coercion.pressure", "deceit"]
    doc = make_doc("An ULTIMATUM and threatening words; they deceived us in bad faith and twisted arms, then lied.")
    found = {(h["category"], h["text"]) for h in doc_evidence(doc, cb)}
    assert found == {
        ("coercion.threats", "ULTIMATUM"),
        ("coercion.threats", "threatening"),
        ("deceit", "deceived"),
        ("deceit", "bad faith"),
        ("coercion.pressure", "twisted arms"),
    }  # "lied" is not listed: "lie" has no wildcard


def test_liwc_dictionary_loads_with_wildcards_and_multiple_categories(make_doc):
    cb = load_codebook(DATA / "mini_liwc.dic")
    assert cb.kind == "liwc"
    assert cb.category_ids == ["posemo", "negemo", "cooperation"]
    doc = make_doc("Trustworthy partners work together in dialogue; hostility and threats are not good.")
    found = sorted((h["category"], h["text"]) for h in doc_evidence(doc, cb))
    assert found == sorted([
        ("posemo", "Trustworthy"), ("cooperation", "Trustworthy"), ("cooperation", "work together"),
        ("cooperation", "dialogue"), ("negemo", "hostility"), ("negemo", "threats"), ("posemo", "good"),
    ])


def test_liwc_detected_by_content_without_suffix(tmp_path):
    path = tmp_path / "dictionary.txt"
    shutil.copy(DATA / "mini_liwc.dic", path)
    assert load_codebook(path).kind == "liwc"


def test_liwc_undefined_category_number_names_the_line(tmp_path):
    path = _write(tmp_path, "%\n1\tposemo\n%\ngood\t1\nbad\t7\n", "bad.dic")
    with pytest.raises(CodebookError, match=r"bad\.dic \(line 5\): entry 'bad' uses category '7'"):
        load_codebook(path)


def test_liwc_without_closing_header(tmp_path):
    path = _write(tmp_path, "%\n1\tposemo\n2\tnegemo\n", "open.dic")
    with pytest.raises(CodebookError, match="not closed by a second '%' line"):
        load_codebook(path)
    path = _write(tmp_path, "%\n1\tposemo\ngood\t1\n", "open2.dic")
    with pytest.raises(CodebookError, match=r"\(line 3\).*closed by a second '%' line\?"):
        load_codebook(path)


def test_quanteda_values_must_be_words(tmp_path):
    path = _write(tmp_path, "threats:\n  - 3\n  - [x]\n", "q.yml")
    with pytest.raises(CodebookError, match=r"key threats.*lists of words"):
        load_codebook(path)


# --------------------------------------------------------------------------- one test per error message
def _error(tmp_path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    assert isinstance(info.value, KitError)
    return message


def test_error_file_not_found(tmp_path):
    with pytest.raises(CodebookError, match="codebook file not found"):
        load_codebook(tmp_path / "missing.yaml")


def test_error_malformed_yaml_names_the_line(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    definition: A demo category.", "    definition: [unclosed"))
    assert "malformed YAML" in message and "line 6" in message


def test_error_unknown_category_key(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    definition:", "    colour: red\n    definition:"))
    assert "category demo" in message and "unknown key(s): colour" in message


def test_error_unknown_top_level_key(tmp_path):
    assert "unknown top-level key(s): autor" in _error(tmp_path, "autor: me\n" + MINIMAL)


def test_error_unknown_constraint_names_category_and_rule(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("        phrases: [threat]", "        phrases: [threat]\n        require_moon: {window: 2}"))
    assert "category demo, rule demo_rule" in message and "unknown constraint 'require_moon'" in message


def test_error_bad_pattern_names_category_and_rule(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("phrases: [threat]", "pattern: [{LOWER: threat, OP: '%'}]"))
    assert "category demo, rule demo_rule" in message and "invalid pattern (spaCy says:" in message


def test_error_pattern_not_a_list_of_tokens(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("phrases: [threat]", "pattern: threat"))
    assert "rule demo_rule" in message and "list of token mappings" in message


def test_error_empty_category(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    rules:\n      - id: demo_rule\n        phrases: [threat]\n", "    rules: []\n"))
    assert "category demo" in message and "no rules" in message


def test_error_missing_definition(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    definition: A demo category.\n", ""))
    assert "category demo" in message and "missing 'definition'" in message


def test_error_missing_examples(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    examples: [NATO is a threat.]\n", ""))
    assert "category demo" in message and "missing 'examples'" in message


def test_error_duplicate_category_id(tmp_path):
    body = MINIMAL.split("categories:\n")[1]
    message = _error(tmp_path, MINIMAL + body.replace("demo_rule", "other_rule"))
    assert "category demo" in message and "duplicate category id" in message


def test_error_duplicate_rule_id(tmp_path):
    message = _error(tmp_path, MINIMAL + "      - id: demo_rule\n        phrases: [menace]\n")
    assert "rule demo_rule" in message and "duplicate rule id" in message


def test_error_duplicate_yaml_key(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("    definition: A demo category.", "    definition: A.\n    definition: B."))
    assert "duplicate key 'definition'" in message and "line" in message


def test_error_python_object_tag_is_refused(tmp_path):
    message = _error(tmp_path, "id: !!python/object/apply:os.system ['echo pwned']\n" + MINIMAL.split("\n", 1)[1])
    assert "refused" in message and "safe loading" in message


def test_error_bare_yes_no_in_a_word_list_is_explained(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("phrases: [threat]", "phrases: [threat, no]"))
    assert "put it in quotes" in message


def test_error_bad_window(tmp_path):
    message = _error(tmp_path, MINIMAL.replace("        phrases: [threat]", "        phrases: [threat]\n        exclude_negation: {window: -2}"))
    assert "rule demo_rule" in message and "'window' must be a whole number" in message


def test_error_pathological_regex_is_refused_quickly(tmp_path):
    start = time.perf_counter()
    message = _error(tmp_path, MINIMAL.replace("phrases: [threat]", "pattern: [{LOWER: {REGEX: '^(a+)+$'}}]"))
    assert time.perf_counter() - start < 5
    assert "rule demo_rule" in message and "nested quantifier" in message


@pytest.mark.parametrize(
    "source, problem",
    [
        ("(a+)+b", "nested quantifier"),
        ("(a|aa)*c", "quantified alternation"),
        (r"(\w+\s?)*$", "nested quantifier"),
        (r"(.)\1", "back-references"),
        ("(unclosed", "invalid regular expression"),
        (r"^(19|20)\d\d$", None),
        ("^deceiv", None),
        ("(?:s|es)?$", None),
    ],
)
def test_regex_safety_check(source, problem):
    result = regex_problem(source)
    assert (result is None) if problem is None else (problem in result)


def test_safe_regex_is_never_run_on_huge_tokens(tmp_path, nlp):
    path = _write(tmp_path, MINIMAL.replace("phrases: [threat]", r"pattern: [{LOWER: {REGEX: '^a*b'}}]"))
    cb = load_codebook(path)
    doc = nlp("a" * 200_000 + " aab")
    start = time.perf_counter()
    hits = doc_evidence(doc, cb)
    assert time.perf_counter() - start < 5
    assert [h["text"] for h in hits] == ["aab"]
