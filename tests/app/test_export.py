"""Exports of a finished run: typed CSV read-back, Excel (formulas as text), Parquet, Matrix Market + docvars.

Every format is checked by a round trip: what is read back equals what the run wrote.
"""
from __future__ import annotations

import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import ROOT

from analysis.app.export import (
    DATA_DICTIONARY,
    category_matrix,
    data_dictionary,
    export_parquet,
    export_xlsx,
    read_matrix,
    read_results,
    term_matrix,
    write_matrix,
)
from analysis.app.run import run
from analysis.errors import KitError

HOSTILE = ["=HYPERLINK(\"http://example.org\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The bundled corpus plus a document whose metadata would be formulas in a spreadsheet."""
    base = tmp_path_factory.mktemp("export")
    corpus = base / "corpus"
    corpus.mkdir()
    for p in (ROOT / "corpus").glob("*.txt"):
        (corpus / p.name).write_bytes(p.read_bytes())
    (corpus / "metadata.csv").write_bytes((ROOT / "corpus" / "metadata.csv").read_bytes())
    (corpus / "hostile.md").write_text(
        "---\n" + "".join(f"field{i}: '{v.replace(chr(39), chr(39) * 2)}'\n" for i, v in enumerate(HOSTILE))
        + "title: '=cmd|'' /C calc''!A0'\n---\nThe West will deceive us again, Lavrov said.\n", encoding="utf-8")
    out = run(corpus, base / "results", with_sentiment=True, cache=False)
    return base, out


def test_read_results_gives_back_the_run_tables(results):
    base, out = results
    tables = read_results(base / "results")
    assert set(tables) == set(out.tables)
    for name in ("evidence", "features", "attributions", "actors", "sentiment", "keyness", "cooccurrence"):
        pd.testing.assert_frame_equal(tables[name], out.tables[name].reset_index(drop=True), check_dtype=False)
        for column in tables[name].columns:  # the dictionary's types: offsets Int64, counts int64, text object
            kind = str(tables[name][column].dtype)
            assert kind in ("object", "int64", "Int64", "float64", "bool"), (name, column, kind)
    assert str(tables["evidence"]["start_char"].dtype) == "Int64"
    hostile = tables["documents"].set_index("doc_id").loc["hostile"]
    assert [hostile[f"field{i}"] for i in range(len(HOSTILE))] == HOSTILE  # CSV values kept exactly


def test_every_column_the_run_writes_is_in_the_data_dictionary(results):
    _, out = results
    dictionary = data_dictionary()
    for name, frame in out.tables.items():
        listed = set(dictionary[(dictionary["table"] == name)]["column"])
        assert listed, f"table {name} is not in {DATA_DICTIONARY.name}"
        if name == "documents":  # the corpus's own metadata columns are free
            continue
        assert set(frame.columns) <= listed, f"{name}: columns missing from the data dictionary: " \
                                             f"{sorted(set(frame.columns) - listed)}"


def test_the_readme_describes_every_column_of_the_data_dictionary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Data dictionary"):]
    section = section[: section.index("\n## ", 5)]
    dictionary = data_dictionary()
    for table in dictionary["table"].unique():
        assert f"`{table}" in section, f"table {table} has no section in the README data dictionary"
    missing = [f"{t}.{c}" for t, c in dictionary[dictionary["column"] != ""][["table", "column"]].values
               if f"`{c}`" not in section]
    assert not missing, f"columns in the data dictionary but not in the README: {missing}"


def test_xlsx_has_the_dictionary_first_and_writes_formulas_as_text(results, tmp_path):
    base, out = results
    path = tmp_path / "run.xlsx"
    assert export_xlsx(base / "results", path) == []
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "data dictionary"
    assert set(book.sheetnames[1:]) == set(out.tables)
    header = [c.value for c in book["data dictionary"][1]]
    assert header == ["table", "column", "type", "meaning"]
    documents = book["documents"]
    columns = [c.value for c in documents[1]]
    row = next(r for r in documents.iter_rows(min_row=2) if r[0].value == "hostile")
    cells = {columns[i]: c for i, c in enumerate(row)}
    for i, value in enumerate(HOSTILE):
        cell = cells[f"field{i}"]
        assert cell.value == value and cell.data_type == "s", (value, cell.data_type)
    assert cells["title"].value == "=cmd|' /C calc'!A0" and cells["title"].data_type == "s"
    with zipfile.ZipFile(path) as z:  # no formula element anywhere in the workbook
        assert not any(re.search(rb"<f[ >]", z.read(n)) for n in z.namelist() if n.endswith(".xml"))
    # pandas reads every sheet back (through openpyxl) with the same values
    sheet = pd.read_excel(path, sheet_name="features")
    assert sheet["count"].tolist() == out.tables["features"]["count"].tolist()
    assert sheet["category"].tolist() == out.tables["features"]["category"].tolist()
    # byte-identical from one export to the next
    again = tmp_path / "again.xlsx"
    export_xlsx(base / "results", again)
    assert again.read_bytes() == path.read_bytes()


def test_xlsx_splits_long_tables_and_cleans_cells(tmp_path):
    frame = pd.DataFrame({"a": range(5), "text": ["ok", "bell\x07", "x" * 40_000, "-1", "tab\tok"]})
    warnings = export_xlsx({"t": frame}, tmp_path / "t.xlsx", max_rows=2)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["data dictionary", "t", "t (2)", "t (3)"]
    values = [r[1] for sheet in book.sheetnames[1:] for r in book[sheet].iter_rows(min_row=2, values_only=True)]
    assert values[0] == "ok" and values[1] == "bell\ufffd" and len(values[2]) == 32_767 and values[3] == "-1"
    assert values[4] == "tab\tok"
    assert any("3 sheets" in w for w in warnings) and any("U+FFFD" in w for w in warnings)
    with pytest.raises(KitError, match=r"\.xlsx"):
        export_xlsx({"t": frame}, tmp_path / "t.xls")


def test_parquet_round_trip(results, tmp_path):
    base, _ = results
    tables = read_results(base / "results")
    files = export_parquet(base / "results", tmp_path / "pq")
    assert sorted(p.stem for p in files) == sorted(tables)
    for name, frame in tables.items():
        back = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet")
        assert list(back.columns) == list(frame.columns) and len(back) == len(frame)
        for column in frame.columns:
            if pd.api.types.is_string_dtype(frame[column].dtype) or frame[column].dtype == object:
                assert pd.api.types.is_string_dtype(back[column].dtype), (name, column)  # text stays text
                assert back[column].tolist() == frame[column].tolist(), (name, column)
            else:  # numbers, nullable offsets and booleans keep their exact dtype and values
                assert back[column].dtype == frame[column].dtype, (name, column)
                pd.testing.assert_series_equal(back[column], frame[column])


def test_category_matrix_round_trip_and_file_layout(results, tmp_path):
    base, out = results
    dfm = category_matrix(base / "results")
    documents = out.tables["documents"]
    assert dfm.doc_ids == documents["doc_id"].tolist()
    features = out.tables["features"]
    expected = features[features["voice"] == "all"].pivot(index="doc_id", columns="category", values="count")
    assert (dfm.to_frame() == expected.loc[dfm.doc_ids, dfm.features]).all().all()
    files = write_matrix(dfm, tmp_path, "categories")
    assert [p.name for p in files] == ["categories.mtx", "categories_features.txt", "categories_docvars.csv"]
    back = read_matrix(tmp_path, "categories")
    assert (back.matrix != dfm.matrix).nnz == 0 and back.features == dfm.features and back.doc_ids == dfm.doc_ids
    # the layout R's Matrix::readMM and quanteda::as.dfm expect (R is not installable here: checked by hand)
    lines = (tmp_path / "categories.mtx").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "%%MatrixMarket matrix coordinate integer general"
    n_rows, n_cols, n_entries = map(int, lines[2].split())
    assert (n_rows, n_cols) == (len(documents), len(dfm.features)) and n_entries == len(lines) - 3
    entries = [tuple(map(int, line.split())) for line in lines[3:]]
    assert all(1 <= i <= n_rows and 1 <= j <= n_cols and v > 0 for i, j, v in entries)  # 1-based, no zeros
    assert entries == sorted(entries, key=lambda e: (e[1], e[0]))  # column-major
    assert len((tmp_path / "categories_features.txt").read_text(encoding="utf-8").splitlines()) == n_cols
    docvars = pd.read_csv(tmp_path / "categories_docvars.csv")
    assert len(docvars) == n_rows and docvars.columns[0] == "doc_id"
    from scipy.io import mmread  # what scikit-learn users call

    assert np.array_equal(mmread(str(tmp_path / "categories.mtx")).toarray(), dfm.matrix.toarray())
    first = (tmp_path / "categories.mtx").read_bytes()
    write_matrix(dfm, tmp_path, "categories")
    assert (tmp_path / "categories.mtx").read_bytes() == first  # byte-identical


def test_term_matrix_counts_words_by_hand(nlp, tmp_path):
    from analysis import Corpus, Document

    corpus = Corpus([Document("a", "Talks, talks and more talks.", {"year": 2021}), Document("b", "No talks.")])
    dfm = term_matrix(corpus, nlp=nlp)
    # a: talks x3, and, more (5 words); b: no, talks (2 words); terms sorted
    assert dfm.features == ["and", "more", "no", "talks"]
    assert dfm.to_frame().values.tolist() == [[1, 1, 0, 3], [0, 0, 1, 1]]
    assert dfm.docvars[["doc_id", "n_tokens"]].values.tolist() == [["a", 5], ["b", 2]]
    write_matrix(dfm, tmp_path, "terms")
    back = read_matrix(tmp_path, "terms")
    assert back.to_frame().equals(dfm.to_frame())
    assert back.docvars["year"].tolist() == ["2021", ""]


def test_read_results_errors_are_one_line(tmp_path):
    with pytest.raises(KitError, match="results folder not found"):
        read_results(tmp_path / "none")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KitError, match="no tables"):
        read_results(tmp_path / "empty")
    with pytest.raises(KitError, match="missing categories.mtx"):
        read_matrix(tmp_path, "categories")
