"""Agreement: reading annotations, span matching, per-category P/R/F1, sentence-level kappa."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import KitError
from analysis.tables.agreement import AGREEMENT_COLUMNS, agreement, cohen_kappa, match_spans, read_annotations

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "corpus" / "annotations" / "000_b57aecae04ae68f3.csv"
CONTROL_GOLD = ROOT / "corpus" / "annotations" / "001_control_agency_report.csv"


def _spans(rows):
    return pd.DataFrame(rows, columns=["doc_id", "category", "start_char", "end_char"])


def _row(table, category):
    return table.set_index("category").loc[category]


# --------------------------------------------------------------------------- reading
def test_seed_annotation_offsets_match_the_text(corpus):
    gold = read_annotations(SEED_GOLD)
    text = corpus["000_b57aecae04ae68f3"].text
    assert len(gold) >= 12
    for row in gold.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    assert read_annotations(CONTROL_GOLD).empty


def _csv(tmp_path, text):
    path = tmp_path / "gold.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("doc_id,category,start_char\nd,c,1\n", "missing column(s) end_char"),
    ("doc_id,category,start_char,end_char\nd,c,1,x\n", "(row 2): start_char/end_char must be whole numbers"),
    ("doc_id,category,start_char,end_char\nd,c,1,2\nd,c,5,3\n", "(row 3): need 0 <= start_char < end_char"),
    ("doc_id,category,start_char,end_char\n,c,1,2\n", "(row 2): empty doc_id or category"),
])
def test_read_annotations_errors_name_file_and_row(tmp_path, text, message):
    path = _csv(tmp_path, text)
    with pytest.raises(KitError) as info:
        read_annotations(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_read_annotations_missing_file(tmp_path):
    with pytest.raises(KitError, match="annotation file not found"):
        read_annotations(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- matching and scores
def test_match_spans_is_one_to_one_and_greedy_by_overlap():
    assert match_spans([(0, 10)], [(0, 3), (2, 10)]) == [(0, 1)]  # the larger overlap wins; one pair only
    assert match_spans([(0, 10), (20, 30)], [(5, 25)]) == [(0, 0)]  # tie -> earlier gold
    assert match_spans([(0, 5)], [(5, 9)]) == []  # touching is not overlapping


def test_agreement_on_hand_made_cases():
    gold = _spans([
        ("d1", "a", 0, 10), ("d1", "a", 20, 30), ("d1", "b", 40, 50),
        ("d2", "a", 0, 5),
    ])
    pred = _spans([
        ("d1", "a", 2, 8), ("d1", "a", 3, 6),  # two predictions for one gold span: one tp, one fp
        ("d1", "b", 45, 60),  # partial overlap counts
        ("d1", "c", 0, 10),  # a category the gold never uses
        ("d2", "a", 1, 2),
        ("d9", "a", 0, 5),  # a document without gold is ignored
    ])
    table = agreement(gold, pred)
    assert list(table.columns) == AGREEMENT_COLUMNS
    assert list(table["category"]) == ["a", "b", "c", "ALL"]
    a = _row(table, "a")
    assert (a.n_gold, a.n_pred, a.tp) == (3, 3, 2)
    assert a.precision == pytest.approx(2 / 3) and a.recall == pytest.approx(2 / 3) and a.f1 == pytest.approx(2 / 3)
    b = _row(table, "b")
    assert (b.tp, b.precision, b.recall, b.f1) == (1, 1.0, 1.0, 1.0)
    c = _row(table, "c")
    assert (c.n_gold, c.n_pred, c.tp) == (0, 1, 0) and c.precision == 0 and math.isnan(c.recall)
    total = _row(table, "ALL")
    assert (total.n_gold, total.n_pred, total.tp) == (4, 5, 3)
    assert total.precision == pytest.approx(3 / 5) and total.recall == pytest.approx(3 / 4)
    assert total.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert table["kappa"].isna().all()  # no sentence boundaries given


def test_kappa_at_sentence_level():
    sentences = pd.DataFrame({"doc_id": ["d"] * 4, "start_char": [0, 10, 20, 30], "end_char": [10, 20, 30, 40]})
    gold = _spans([("d", "a", 1, 3), ("d", "a", 11, 12)])  # sentences 0 and 1
    pred = _spans([("d", "a", 2, 4), ("d", "a", 25, 28)])  # sentences 0 and 2
    table = agreement(gold, pred, sentences=sentences)
    # gold: T T F F ; pred: T F T F -> po = 0.5, pe = 0.5 -> kappa 0
    assert _row(table, "a").kappa == pytest.approx(0.0)
    perfect = agreement(gold, gold, sentences=sentences)
    assert _row(perfect, "a").kappa == pytest.approx(1.0) and _row(perfect, "ALL").kappa == pytest.approx(1.0)


def test_cohen_kappa_known_value_and_degenerate_cases():
    # 2x2 table a=20, b=5, c=10, d=15 -> po = 0.7, pe = 0.5 -> kappa 0.4
    a = [True] * 25 + [False] * 25
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([False, False], [False, False]) == 1.0
    assert math.isnan(cohen_kappa([], []))


def test_agreement_of_the_rules_with_the_seed_annotation(corpus, seed_doc):
    from analysis import code_corpus

    gold = read_annotations(SEED_GOLD)
    pred = code_corpus([seed_doc])
    table = agreement(gold, pred, sentences=[seed_doc])
    assert set(table["category"]) == set(gold["category"]) | {"ALL"}
    total = _row(table, "ALL")
    assert total.n_gold == len(gold) and total.n_pred == len(pred)
    assert 0.0 <= total.kappa <= 1.0 and total.recall >= 0.8  # a regression guard; figures in docs/codebook_notes.md


def test_agreement_cli_prints_the_table_with_kappa(tmp_path, capsys, seed_doc):
    from analysis import code_corpus
    from analysis.app.cli import main

    pred = tmp_path / "evidence.csv"
    code_corpus([seed_doc]).to_csv(pred, index=False)
    assert main(["agreement", str(SEED_GOLD), str(pred), "--corpus", str(ROOT / "corpus")]) == 0
    out = capsys.readouterr().out
    assert "ALL" in out and "kappa" in out and "NaN" not in out.split("ALL")[1]
    assert main(["agreement", str(tmp_path / "missing.csv"), str(pred)]) == 2
    assert "annotation file not found" in capsys.readouterr().err


def test_annotated_document_without_gold_rows_counts_predictions_as_false_positives():
    """A header-only annotation (the coder found nothing) is scored when named in ``documents``."""
    from analysis.tables.agreement import agreement

    gold = pd.DataFrame([{"doc_id": "a", "category": "certainty_marker", "start_char": 0, "end_char": 5}])
    pred = pd.DataFrame([
        {"doc_id": "a", "category": "certainty_marker", "start_char": 0, "end_char": 5},
        {"doc_id": "control", "category": "certainty_marker", "start_char": 3, "end_char": 9},
    ])
    without = agreement(gold, pred).set_index("category")
    assert without.loc["ALL", "n_pred"] == 1 and without.loc["ALL", "precision"] == 1.0
    scored = agreement(gold, pred, documents=["a", "control"]).set_index("category")
    assert scored.loc["ALL", "n_pred"] == 2
    assert scored.loc["ALL", "tp"] == 1
    assert scored.loc["ALL", "precision"] == 0.5
