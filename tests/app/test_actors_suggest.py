"""`discourse-kit actors suggest`: unknown speakers of a corpus as gazetteer entries to paste."""
from __future__ import annotations

from analysis.app.actors import suggest_actors, suggestions_yaml
from analysis.app.cli import main
from analysis.corpus.documents import Corpus, Document
from analysis.nlp.gazetteer import load_gazetteer

TEXTS = [
    '"The budget is a disgrace," said Senator Warren Hale. Hale said the vote would fail. '
    '"We will not yield," Mr. Hale added.',
    "Ms. Ines Okafor told reporters the plan was dead. Okafor said she would vote no. "
    "Sergei Lavrov said the talks were over. The IMF said growth would slow.",
    "The IMF said on Tuesday that inflation would ease. Officials said the talks failed.",
]


def _corpus():
    return Corpus([Document(doc_id=f"d{i}", text=t, metadata={}) for i, t in enumerate(TEXTS)])


def test_suggest_lists_unknown_speaker_names_with_counts():
    table = suggest_actors(_corpus(), min_count=2)
    rows = {r.name: r for r in table.itertuples()}
    assert set(rows) == {"Warren Hale", "Ines Okafor", "IMF"}  # Lavrov is known; "Officials" is no name
    assert (rows["Warren Hale"].count, rows["Warren Hale"].documents) == (3, 1)
    assert rows["Warren Hale"].aliases == "Warren Hale;Hale" and rows["Warren Hale"].gender == "male"
    assert rows["Ines Okafor"].gender == "female" and rows["IMF"].type == "organisation"
    assert list(table["count"]) == sorted(table["count"], reverse=True)


def test_suggestions_are_a_valid_gazetteer(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(suggestions_yaml(suggest_actors(_corpus()), source="corpus/"), encoding="utf-8")
    g = load_gazetteer(path)
    assert g.lookup("Hale") == "Warren Hale" and g["Ines Okafor"].gender == "female"
    empty = tmp_path / "empty.yaml"
    empty.write_text(suggestions_yaml(suggest_actors(_corpus(), min_count=99)), encoding="utf-8")
    assert len(load_gazetteer(empty)) == 0


def test_cli_actors_suggest(tmp_path, capsys):
    for i, t in enumerate(TEXTS):
        (tmp_path / f"d{i}.txt").write_text(t, encoding="utf-8")
    assert main(["actors", "suggest", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "name: Warren Hale  # 3 attribution(s) in 1 document(s)" in out and "Sergei Lavrov" not in out
    assert main(["actors", "suggest", str(tmp_path), "--csv", "--min-count", "3"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name,count,documents,aliases,type,gender",
                                                    "Warren Hale,3,1,Warren Hale;Hale,person,male"]
    assert main(["actors", "suggest", str(tmp_path / "absent")]) == 2
    assert "error:" in capsys.readouterr().err
