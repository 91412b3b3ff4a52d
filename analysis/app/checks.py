"""The codebook's self-test: every example must be coded, every counter-example must not.

Word classes are checked too: each class's own examples must contain a member of the class
(in any inflected form), its counter-examples none, and every class must be used by some rule
(or be one the engine reads itself: ``actor_noun``, ``demonym``, ``not_a_name``). For these
rows ``category`` is ``class:<name>``.

``discourse-kit codebook check [FILE]`` and notebook 05 call
:func:`validate_codebook`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from spacy.language import Language

from ..errors import CodebookError
from ..extract.codebook import Codebook, load_codebook
from ..extract.codebook.model import ACTOR_CLASSES
from ..extract.rhetoric import doc_evidence
from ..nlp.pipeline import gazetteer_of, make_nlp

__all__ = ["VALIDATION_COLUMNS", "validate_codebook", "check_pipeline_supports"]

#: Token attributes a pattern may test that need a pipeline component (spaCy error E155 otherwise).
ANNOTATED_ATTRS = ("POS", "TAG", "MORPH", "DEP", "LEMMA", "SENT_START", "IS_SENT_START")
_PROBE = "The minister said that they would not accept the proposal."


def check_pipeline_supports(codebook: Codebook, nlp: Language) -> None:
    """Raise a one-line :class:`CodebookError` when a rule tests a token attribute the pipeline does not assign.

    The rule-based pipeline has no tagger or parser: ``[{POS: VERB}]`` cannot
    match anything there (spaCy stops with error E155 in the middle of a run).
    Checked once, before any document is analysed.
    """
    used: dict[str, str] = {}
    for category in codebook.categories:
        for rule in category.rules:
            for pattern in rule.patterns:
                for tok in pattern:
                    for attr in tok:
                        if attr in ANNOTATED_ATTRS:
                            used.setdefault(attr, f"category {category.id}, rule {rule.id}")
            if rule.phrases and rule.attr in ANNOTATED_ATTRS:
                used.setdefault(rule.attr, f"category {category.id}, rule {rule.id}")
    if not used:
        return
    doc = nlp(_PROBE)
    for attr, where in used.items():
        if attr == "LEMMA" and all(t.lemma_ for t in doc):
            continue
        if attr != "LEMMA" and doc.has_annotation(attr):
            continue
        model = nlp.meta.get("discourse_kit", {}).get("model") or nlp.meta.get("name", "this pipeline")
        raise CodebookError(f"the rule tests {attr}, which the pipeline {model!r} does not assign (it has no tagger "
                            "or parser); use --model with an installed spaCy model (e.g. en_core_web_sm) or "
                            "rewrite the rule with LOWER/LEMMA", path=codebook.path, where=where)

#: Columns of :func:`validate_codebook`'s report.
VALIDATION_COLUMNS = ["category", "kind", "sentence", "passed", "problem"]


def validate_codebook(codebook: Codebook | str | Path | None = None, nlp: Language | None = None) -> pd.DataFrame:
    """Run every example (must be coded) and counter-example (must not be) through the pipeline.

    Args:
        codebook: a :class:`~analysis.extract.codebook.Codebook` or a path
            (default: the bundled codebook).
        nlp: the pipeline (default: :func:`analysis.make_nlp`).

    Returns:
        DataFrame with :data:`VALIDATION_COLUMNS`: ``category``, ``kind``
        (``example`` | ``counter_example``; for word classes ``class_example`` |
        ``class_counter_example`` | ``class_used``), ``sentence``, ``passed`` and
        ``problem`` (empty when passed; otherwise which rule fired on what, or
        that nothing was coded).

    Example:
        >>> report = validate_codebook()
        >>> bool(report["passed"].all()), sorted(set(report["kind"]))[:2]
        (True, ['class_counter_example', 'class_example'])
    """
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook)
    nlp = nlp or make_nlp()
    check_pipeline_supports(codebook, nlp)
    gazetteer = gazetteer_of(nlp)
    items = [(c.id, "example", s) for c in codebook.categories for s in c.examples]
    items += [(c.id, "counter_example", s) for c in codebook.categories for s in c.counter_examples]
    rows = []
    for (category, kind, sentence), doc in zip(items, nlp.pipe(s for _, _, s in items)):
        hits = [e for e in doc_evidence(doc, codebook, gazetteer=gazetteer) if e["category"] == category]
        if kind == "example":
            passed = bool(hits)
            problem = "" if passed else "not coded by any rule of the category"
        else:
            passed = not hits
            problem = "" if passed else "; ".join(f"coded by rule {h['rule_id']} on {h['text']!r}" for h in hits)
        rows.append({"category": category, "kind": kind, "sentence": sentence, "passed": passed, "problem": problem})
    rows.extend(_class_checks(codebook, nlp))
    frame = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    frame["passed"] = frame["passed"].astype(bool)
    return frame


def _class_checks(codebook: Codebook, nlp: Language) -> list[dict]:
    """Rows for the word classes: own examples hold a member, counter-examples none, every class used."""
    used = {name for c in codebook.categories for r in c.rules for name in r.classes} | set(ACTOR_CLASSES)
    rows = []
    for name, cls in codebook.classes.items():
        where = f"class:{name}"
        texts = [("class_example", t) for t in cls.examples] + [("class_counter_example", t)
                                                               for t in cls.counter_examples]
        for (kind, text), doc in zip(texts, nlp.tokenizer.pipe(t for _, t in texts)):
            lowers = [t.lower_ for t in doc]
            found = cls.members.occurs(lowers, 0, len(lowers))
            passed = found if kind == "class_example" else not found
            problem = "" if passed else ("holds no member of the class" if kind == "class_example"
                                         else "holds a member of the class")
            rows.append({"category": where, "kind": kind, "sentence": text, "passed": passed, "problem": problem})
        rows.append({"category": where, "kind": "class_used", "sentence": "", "passed": name in used,
                     "problem": "" if name in used else "no rule uses this class"})
    return rows
