"""Label Studio and REFI-QDA (.qdpx) exchange: round trips on the bundled corpus, schema validation."""
from __future__ import annotations

import json
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from conftest import SEED_ID

from analysis.app.labelstudio import export_labelstudio, labelstudio_config, labelstudio_tasks, read_labelstudio
from analysis.app.qdpx import QDE_NAMESPACE, qde_xml, read_qdpx, validate_qde, write_qdpx
from analysis.errors import KitError
from analysis.extract.codebook import load_codebook

SPAN = ["doc_id", "category", "start_char", "end_char"]


@pytest.fixture(scope="module")
def coded(nlp):
    from analysis import code_corpus, load_corpus, parse

    corpus = load_corpus()
    evidence = code_corpus(list(parse(corpus, nlp)))
    assert len(evidence) > 10
    return corpus, evidence


def _keys(frame):
    return sorted(map(tuple, frame[SPAN].astype({"start_char": int, "end_char": int}).values.tolist()))


# --------------------------------------------------------------------------- Label Studio


def test_labelstudio_config_lists_every_category_with_its_definition():
    codebook = load_codebook()
    root = ET.fromstring(labelstudio_config(codebook))
    labels = root.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert [x.get("value") for x in labels] == codebook.category_ids
    first = codebook.categories[0]
    assert labels[0].get("hint") == " ".join(first.definition.split())
    assert root.find("Text").get("value") == "$text"
    assert root.find("TextArea").get("perRegion") == "true"


def test_labelstudio_round_trip(coded, tmp_path):
    corpus, evidence = coded
    tasks_path, config_path = export_labelstudio(corpus, evidence, tmp_path / "ls")
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == corpus.ids
    for task in tasks:
        for r in task["predictions"][0]["result"]:
            v = r["value"]
            assert task["data"]["text"][v["start"]:v["end"]] == v["text"]
            assert r["from_name"] == "label" and r["to_name"] == "text" and r["type"] == "labels"
    # a coder accepts every pre-annotation in Label Studio and adds a note to one: the export has
    # them under "annotations" (Label Studio's JSON export format)
    for n, task in enumerate(tasks, 1):
        result = [dict(r, origin="prediction") for r in task["predictions"][0]["result"]]
        if result and n == 1:
            result.append({"id": result[0]["id"], "from_name": "note", "to_name": "text", "type": "textarea",
                           "value": {"start": result[0]["value"]["start"], "end": result[0]["value"]["end"],
                                     "text": ["checked against the guide"]}})
        task["id"] = n
        task["annotations"] = [{"id": 100 + n, "completed_by": {"id": 1, "email": "ann@example.org"},
                                "result": result, "was_cancelled": False,
                                "created_at": "2026-12-05T18:00:00.000000Z"}]
    task = tasks[0]
    task["annotations"].append({"id": 999, "completed_by": 2, "result": task["annotations"][0]["result"],
                                "was_cancelled": True})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    back = read_labelstudio(export)
    assert _keys(back) == _keys(evidence)
    assert set(back["coder"]) == {"labelstudio:ann@example.org"} and set(back["decision"]) == {"added"}
    assert (back["note"] == "checked against the guide").sum() >= 1
    for r in back.itertuples():
        assert corpus[r.doc_id].text[r.start_char:r.end_char] == r.text
    # deterministic
    again = export_labelstudio(corpus, evidence, tmp_path / "ls2")
    assert again[0].read_bytes() == tasks_path.read_bytes() and again[1].read_bytes() == config_path.read_bytes()


def test_labelstudio_utf16_offsets_are_converted():
    text = "Hi 😀 they lied."
    # JavaScript counts the emoji as two code units: "lied" is at 11-15 in UTF-16, 10-14 in Python
    task = {"data": {"text": text, "doc_id": "e"}, "annotations": [{"completed_by": 1, "result": [
        {"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 11, "end": 15, "text": "lied", "labels": ["deception_accusation"]}}]}]}
    row = read_labelstudio([task]).iloc[0]
    assert (row["start_char"], row["end_char"], row["text"]) == (10, 14, "lied")


def test_labelstudio_import_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(KitError, match="not JSON"):
        read_labelstudio(bad)
    with pytest.raises(KitError, match="no data.text"):
        read_labelstudio([{"data": {"image": "x.png"}}])
    wrong = {"data": {"text": "abc"}, "annotations": [{"result": [
        {"id": "r", "type": "labels", "value": {"start": 0, "end": 2, "text": "zz", "labels": ["x"]}}]}]}
    with pytest.raises(KitError, match=r"task 1 .*does not match"):
        read_labelstudio([wrong])


def test_tasks_without_evidence_have_no_predictions(coded):
    corpus, _ = coded
    assert all("predictions" not in t for t in labelstudio_tasks(corpus))


# --------------------------------------------------------------------------- REFI-QDA


def test_qde_is_valid_against_the_refi_schema(coded):
    corpus, evidence = coded
    notes = pd.DataFrame({"doc_id": [SEED_ID], "category": [evidence["category"].iloc[0]], "start_char": [0],
                          "end_char": [5], "coder": ["ann"], "decision": ["added"], "note": ["a <note> & more"]})
    xml, texts = qde_xml(corpus, evidence, annotations=notes)
    assert validate_qde(xml) == []
    root = ET.fromstring(xml)
    assert root.tag == f"{{{QDE_NAMESPACE}}}Project"
    q = {"q": QDE_NAMESPACE}
    codes = root.findall("q:CodeBook/q:Codes/q:Code", q)
    codebook = load_codebook()
    assert [c.get("name") for c in codes] == codebook.category_ids
    assert codebook.categories[0].definition.split()[0] in codes[0].find("q:Description", q).text
    users = [u.get("name") for u in root.findall("q:Users/q:User", q)]
    assert users == ["ann", "discourse-kit rules"]
    sources = root.findall("q:Sources/q:TextSource", q)
    assert [s.get("name") for s in sources] == corpus.ids
    assert len(root.findall(".//q:PlainTextSelection", q)) == len(evidence) + 1
    memo = root.find(".//q:PlainTextSelection/q:Description", q).text
    assert memo.startswith("rule: ") and "voice: " in memo or memo.startswith("coder: ")


def test_the_schema_catches_what_the_standard_forbids(coded):
    corpus, evidence = coded
    xml, _ = qde_xml(corpus, evidence)
    broken = xml.replace(b'isCodable="true"', b'isCodable="yes"', 1)
    assert any("isCodable" in p for p in validate_qde(broken))
    no_guid = xml.replace(b'<TextSource guid="', b'<TextSource id="', 1)
    assert validate_qde(no_guid)


def test_qdpx_round_trip(coded, tmp_path):
    corpus, evidence = coded
    review = pd.DataFrame({
        "doc_id": [SEED_ID, SEED_ID], "category": ["deception_accusation", "deception_accusation"],
        "start_char": [0, 10], "end_char": [5, 20], "text": ["", ""], "coder": ["ann", "ann"],
        "decision": ["added", "wrong"], "note": ["missed", ""], "timestamp": ["", ""]})
    path = write_qdpx(corpus, tmp_path / "project.qdpx", evidence, annotations=review)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "project.qde" and len(names) == 1 + len(corpus)
        assert all(n.startswith("Sources/") and n.endswith(".txt") for n in names[1:])
        assert validate_qde(z.read("project.qde")) == []
    rows, texts = read_qdpx(path)
    assert texts == {d.doc_id: d.text for d in corpus}
    rules = rows[rows["coder"] == "discourse-kit rules"]
    assert _keys(rules) == _keys(evidence)
    assert rules["note"].str.startswith("rule: ").all()
    ann = rows[rows["coder"] == "ann"]
    assert _keys(ann) == [(SEED_ID, "deception_accusation", 0, 5)]  # the "wrong" row is not coding
    assert "missed" in ann["note"].iloc[0]
    # byte-identical on a second write
    (tmp_path / "again").mkdir()
    again = write_qdpx(corpus, tmp_path / "again" / "project.qdpx", evidence, annotations=review)
    assert again.read_bytes() == path.read_bytes()


def test_qdpx_import_errors(tmp_path, coded):
    corpus, evidence = coded
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_text("hello", encoding="utf-8")
    with pytest.raises(KitError, match="not a zip archive"):
        read_qdpx(not_zip)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(KitError, match="no project.qde"):
        read_qdpx(empty)
    with pytest.raises(KitError, match="must end in .qdpx"):
        write_qdpx(corpus, tmp_path / "project.zip", evidence)
    outside = evidence.head(1).assign(end_char=10**9)
    with pytest.raises(KitError, match="lies outside"):
        write_qdpx(corpus, tmp_path / "p.qdpx", outside)
    assert not (tmp_path / "p.qdpx").exists()


# --------------------------------------------------------------------------- CLI


def test_export_and_import_commands_round_trip(capfd, tmp_path):
    from analysis.app.cli import main
    from analysis.tables.annotations import read_annotation_file

    corpus_dir = str(pytest.importorskip("analysis.paths").BUNDLED_CORPUS)
    assert main(["export-qdpx", corpus_dir, "--out", str(tmp_path / "p.qdpx")]) == 0
    ann = tmp_path / "ann.csv"
    assert main(["import-qdpx", str(tmp_path / "p.qdpx"), "--out", str(ann)]) == 0
    n = len(read_annotation_file(ann))
    assert n > 10
    assert main(["import-qdpx", str(tmp_path / "p.qdpx"), "--out", str(ann)]) == 0  # nothing repeated
    assert len(read_annotation_file(ann)) == n
    assert main(["export-labelstudio", corpus_dir, "--out", str(tmp_path / "ls")]) == 0
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))
    for t in tasks:
        t["annotations"] = [{"completed_by": 7, "result": t["predictions"][0]["result"]}]
    (tmp_path / "export.json").write_text(json.dumps(tasks), encoding="utf-8")
    ls = tmp_path / "ls.csv"
    assert main(["import-labelstudio", str(tmp_path / "export.json"), "--out", str(ls), "--coder", "bob"]) == 0
    assert len(read_annotation_file(ls)) == n and set(read_annotation_file(ls)["coder"]) == {"bob"}
    out, _ = capfd.readouterr()
    assert "appended 0 row(s)" in out
    code = main(["import-qdpx", str(tmp_path / "missing.qdpx"), "--out", str(ann)])
    _, err = capfd.readouterr()
    assert code == 2 and err.startswith("error: ") and "missing.qdpx" in err
