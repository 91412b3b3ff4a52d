"""Review session (headless), the annotation file, precision from reviewed hits, the reliability CLI."""
from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from conftest import ROOT, SEED_ID

from analysis.app.cli import main
from analysis.app.review import ReviewSession
from analysis.errors import KitError
from analysis.tables.agreement import agreement
from analysis.tables.annotations import (
    ANNOTATION_FILE_COLUMNS,
    AnnotationWriter,
    read_annotation_file,
    review_precision,
    wilson_interval,
)
from analysis.tables.reliability import coder_codes


@pytest.fixture(scope="module")
def seed(nlp):
    from analysis import code_corpus, load_corpus, parse

    corpus = load_corpus()
    docs = list(parse(corpus, nlp))
    evidence = code_corpus(docs)
    return corpus, docs, evidence


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_review_three_hits_add_a_span_and_resume(seed, tmp_path):
    corpus, docs, evidence = seed
    path = tmp_path / "review.csv"
    s = ReviewSession(evidence, docs, path=path, coder="ann", documents=[SEED_ID], limit=20)
    assert s.progress() == (0, 20)
    first = s.current()
    text = corpus[SEED_ID].text
    assert first.text == text[first.start_char:first.end_char]
    # context from the parsed Doc: the hit's sentence
    sentence = next(x for x in docs[0].sents if x.start_char <= first.start_char < x.end_char)
    assert first.before + first.text + first.after == text[sentence.start_char:max(sentence.end_char, first.end_char)]
    s.decide("correct")
    second = s.current()
    s.decide("wrong", note="not an accusation here")
    other = next(c for c in s.labels if c != s.current().category)
    third = s.current()
    s.decide("wrong_category", category=other)
    words = "the United States"
    assert words in text
    added = s.add_text(words, other, note="missed")
    rows = _rows(path)
    assert [r["decision"] for r in rows] == ["correct", "wrong", "wrong_category", "added", "added"]
    assert list(rows[0]) == ANNOTATION_FILE_COLUMNS
    assert rows[1]["note"] == "not an accusation here" and rows[1]["start_char"] == str(second.start_char)
    assert rows[3]["category"] == other and rows[3]["start_char"] == str(third.start_char)
    assert text[added["start_char"]:added["end_char"]] == words and rows[4]["text"] == words
    assert all(r["coder"] == "ann" and r["timestamp"].endswith("Z") for r in rows)
    assert s.progress() == (3, 20)

    # a new session on the same file resumes after the three decided hits
    again = ReviewSession(evidence, docs, path=path, coder="ann", documents=[SEED_ID], limit=20)
    assert again.progress() == (3, 20)
    assert again.current() == s.current()
    # another coder starts at the beginning, in the same file, without touching ann's rows
    bob = ReviewSession(evidence, docs, path=path, coder="bob", documents=[SEED_ID], limit=20)
    assert bob.current() == first
    bob.decide("wrong")
    assert _rows(path)[:5] == rows


def test_back_and_a_changed_decision_keep_the_history(seed, tmp_path):
    _, docs, evidence = seed
    path = tmp_path / "review.csv"
    s = ReviewSession(evidence, docs, path=path, coder="ann", limit=3)
    s.decide("correct").back()
    s.decide("wrong")
    table = read_annotation_file(path)
    assert table["decision"].tolist() == ["correct", "wrong"]
    assert review_precision(table).set_index("category").loc["ALL", "n_correct"] == 0  # the later row wins
    assert s.skip().skip().done and s.current() is None
    with pytest.raises(KitError, match="every hit has been reviewed"):
        s.decide("correct")


def test_session_errors_are_one_line(seed, tmp_path):
    _, docs, evidence = seed
    s = ReviewSession(evidence, docs, path=tmp_path / "r.csv", coder="ann", limit=2)
    with pytest.raises(KitError, match="decision must be"):
        s.decide("maybe")
    with pytest.raises(KitError, match="unknown category"):
        s.decide("wrong_category", category="no_such_category")
    with pytest.raises(KitError, match="does not occur"):
        s.add_text("words that are nowhere in the text", s.labels[0])
    with pytest.raises(KitError, match="not among the texts"):
        ReviewSession(evidence, {"other": "x"}, path=tmp_path / "r2.csv", coder="ann")
    with pytest.raises(KitError, match="coder name"):
        ReviewSession(evidence, docs, path=tmp_path / "r3.csv", coder=" ")


def test_an_existing_file_of_another_kind_is_never_touched(seed, tmp_path):
    _, docs, evidence = seed
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(KitError, match="never overwrites"):
        ReviewSession(evidence, docs, path=path, coder="ann")
    assert path.read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_precision_with_wilson_intervals_and_agreement_from_the_review(seed, tmp_path):
    _, docs, evidence = seed
    path = tmp_path / "review.csv"
    s = ReviewSession(evidence, docs, path=path, coder="ann", limit=10)
    decisions = ["correct"] * 8 + ["wrong"] * 2
    for d in decisions:
        s.decide(d)
    table = read_annotation_file(path)
    prec = review_precision(table).set_index("category")
    assert (prec.loc["ALL", "n_reviewed"], prec.loc["ALL", "n_correct"]) == (10, 8)
    # Wilson 95% for 8/10 by hand: z = 1.96, centre = (0.8 + z²/20) / (1 + z²/10) = 0.7167,
    # half = z / (1 + z²/10) * sqrt(0.8 * 0.2 / 10 + z²/400) = 0.2266 -> [0.490, 0.943]
    assert prec.loc["ALL", "precision_low"] == pytest.approx(0.4902, abs=1e-3)
    assert prec.loc["ALL", "precision_high"] == pytest.approx(0.9433, abs=1e-3)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    # rules vs coder: the coder's coding = correct + added spans; the rules' 10 reviewed hits
    coded = coder_codes(table)
    reviewed = evidence.head(10)
    result = agreement(coded, reviewed).set_index("category")
    assert (result.loc["ALL", "tp"], result.loc["ALL", "n_pred"], result.loc["ALL", "n_gold"]) == (8, 10, 8)


def test_annotation_file_errors_name_the_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(",".join(ANNOTATION_FILE_COLUMNS) + "\nd,x,5,3,t,ann,correct,,\n", encoding="utf-8")
    with pytest.raises(KitError, match=r"a\.csv \(row 2\): need 0 <= start_char < end_char"):
        read_annotation_file(path)
    path.write_text(",".join(ANNOTATION_FILE_COLUMNS) + "\nd,x,1,3,t,ann,perhaps,,\n", encoding="utf-8")
    with pytest.raises(KitError, match="decision must be one of"):
        read_annotation_file(path)
    w = AnnotationWriter(tmp_path / "new.csv", coder="ann")
    with pytest.raises(KitError, match="decision must be"):
        w.append(doc_id="d", category="x", start_char=0, end_char=1, decision="ok")
    assert not (tmp_path / "new.csv").exists()


# --------------------------------------------------------------------------- CLI


def test_reliability_cli_on_two_coders(capfd, tmp_path):
    text = "They lied to us. We will act now. The talks are over. Nothing changes.\n"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "d1.txt").write_text(text, encoding="utf-8")
    a = tmp_path / "ann.csv"
    a.write_text("doc_id,category,start_char,end_char,text,note\nd1,deception,5,9,lied,\nd1,dismissal,38,52,x,\n",
                 encoding="utf-8")
    b = tmp_path / "bob.csv"
    AnnotationWriter(b, coder="bob").append(doc_id="d1", category="deception", start_char=5, end_char=9,
                                            decision="added")
    out = tmp_path / "rel"
    code = main(["reliability", str(a), str(b), "--corpus", str(tmp_path / "corpus"), "--boot", "50",
                 "--out", str(out)])
    stdout, _ = capfd.readouterr()
    assert code == 0
    assert "Krippendorff's alpha" in stdout and "ann" in stdout and "bob" in stdout
    alpha = pd.read_csv(out / "reliability_alpha.csv").set_index("category")
    assert alpha.loc["deception", "alpha"] == 1.0
    dis = pd.read_csv(out / "disagreements.csv", keep_default_na=False)
    assert dis[["sentence_id", "ann", "bob"]].values.tolist() == [[2, "dismissal", ""]]


def test_reliability_cli_needs_two_files(capfd, tmp_path):
    code = main(["reliability", str(ROOT / "corpus" / "annotations" / f"{SEED_ID}.csv"), "--corpus", "corpus"])
    _, err = capfd.readouterr()
    assert code == 2 and err.startswith("error: reliability needs at least two files")
