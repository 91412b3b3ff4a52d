"""The corpus loader: every accepted format, the bundled seed, and each user error."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED_ID, SHARED

from analysis import Corpus, Document, KitError, load_corpus
from analysis.corpus.textfiles import read_text_file
from analysis.errors import CorpusError

FORMATS = ROOT / "tests" / "data" / "corpora" / "formats"
SEED_FILE = ROOT / "corpus" / f"{SEED_ID}.txt"
#: sha256 of the seed as received (../shared/seed/), recorded when it was first stored.
SEED_SHA256 = "b4ba568a3a9baa96b65ad1ee6955ff151faa26b6ca683a8d9b995b879aec9e39"


# --------------------------------------------------------------------------- the bundled seed


def test_stored_seed_keeps_its_sha256():
    assert hashlib.sha256(SEED_FILE.read_bytes()).hexdigest() == SEED_SHA256


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="needs the seed's original files from the developers' shared data (not distributed); "
                    "the bundled corpus is tested without them")
def test_stored_seed_is_byte_identical_to_the_shared_seed():
    assert SEED_FILE.read_bytes() == (SHARED / "seed" / SEED_FILE.name).read_bytes()


def test_bundled_corpus_has_the_seed_with_its_metadata(corpus):
    seed = corpus[SEED_ID]
    expected = {
        "title": "Russian Foreign Ministry: Negotiations With US on Security Guarantees to Be Held After Winter Holidays",
        "date": "2021-12-27",
        "speaker": "Sergei Lavrov",
        "outlet": "Ru-Main",
        "source_agency": "Interfax",
        "genre": "news",
        "language": "en",
        "url": "",
    }
    assert {k: seed.metadata.get(k) for k in expected} == expected
    assert seed.metadata["provenance"]  # a provenance note is recorded
    assert seed.source == f"corpus/{SEED_ID}.txt"


def test_seed_text_is_a_prefix_of_the_raw_file(corpus):
    raw = SEED_FILE.read_text(encoding="utf-8")
    seed = corpus[SEED_ID]
    assert raw.startswith(seed.text)
    assert len(seed.text) < len(raw)  # the trailing boilerplate was cut


def test_to_frame_is_tidy(corpus):
    frame = corpus.to_frame()
    assert list(frame.columns[:1]) == ["doc_id"] and list(frame.columns[-3:]) == ["n_chars", "n_chars_removed", "source"]
    assert frame["doc_id"].is_unique
    assert list(frame["doc_id"]) == corpus.ids
    assert frame.loc[frame.doc_id == SEED_ID, "n_chars"].item() == len(corpus[SEED_ID].text)
    assert not frame.isna().any().any()  # missing metadata is "" (ARCHITECTURE: empty values)


def test_no_argument_loads_the_bundled_folder():
    assert load_corpus().ids == load_corpus(ROOT / "corpus").ids


# --------------------------------------------------------------------------- formats


@pytest.fixture(scope="module")
def formats():
    return load_corpus(FORMATS)


def test_folder_of_mixed_formats_in_file_name_order(formats):
    # briefing.md, lines.jsonl (2), plain.txt, statement.txt, table.csv (2); metadata.csv is not a document
    assert formats.ids == ["briefing_md", "json_a", "json_b", "plain", "statement", "row_a", "row_b"]
    assert formats.skipped == [] and formats.warnings == []


def test_plain_txt_doc_id_is_the_stem_and_text_is_the_file(formats):
    doc = formats["plain"]
    assert doc.text == (FORMATS / "plain.txt").read_text(encoding="utf-8")
    assert doc.source.endswith("formats/plain.txt")


def test_plain_txt_needs_no_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Just a text.", encoding="utf-8")
    doc = load_corpus(tmp_path)["a"]
    assert doc.text == "Just a text." and doc.metadata == {}


def test_metadata_csv_beside_the_texts_adds_metadata(formats):
    meta = formats["plain"].metadata
    assert meta["title"] == "Geneva meeting" and meta["genre"] == "news"
    assert meta["speaker"] == ""  # an empty cell keeps its column


def test_metadata_csv_applies_to_a_single_file_too():
    doc = load_corpus(FORMATS / "plain.txt")["plain"]
    assert doc.metadata["title"] == "Geneva meeting"


def test_front_matter_in_md_gives_doc_id_and_metadata(formats):
    doc = formats["briefing_md"]
    assert doc.metadata == {
        "title": "Weekly briefing: the talks resume",
        "date": "2022-01-10",  # a YAML date becomes ISO text
        "speaker": "Spokesperson Maren Adler",
        "genre": "briefing",
        "date_iso": "2022-01-10",  # added at load (analysis.corpus.dates); the written date is kept
    }
    raw = (FORMATS / "briefing.md").read_text(encoding="utf-8")
    assert doc.text.startswith("The talks resume") and raw.endswith(doc.text)


def test_front_matter_in_txt_without_doc_id_uses_the_stem(formats):
    doc = formats["statement"]
    assert doc.metadata["title"] == "Statement on the Council meeting"
    assert doc.text == "The Council met today. Members exchanged views.\n"


def test_csv_rows_are_documents(formats):
    a, b = formats["row_a"], formats["row_b"]
    assert a.text == 'The ambassador said the proposal, "as written", is unacceptable.'
    assert a.metadata == {"title": "First row", "date": "2022-01-13", "date_iso": "2022-01-13"}
    assert b.text == "A text on two lines.\nThe second line."


def test_jsonl_lines_are_documents_with_id_fallback(formats):
    assert formats["json_a"].metadata == {"speaker": "Ambassador Ilan Korin"}
    assert formats["json_b"].text == "Talks, not threats." and formats["json_b"].metadata == {"year": 2022}


def test_table_rows_without_id_are_numbered(tmp_path):
    f = tmp_path / "speeches.jsonl"
    f.write_text('{"text": "One."}\n{"text": "Two."}\n', encoding="utf-8")
    assert load_corpus(f).ids == ["speeches_0001", "speeches_0002"]


@pytest.mark.parametrize("name", ["plain.txt", "briefing.md", "table.csv", "lines.jsonl"])
def test_single_files(name):
    corpus = load_corpus(FORMATS / name)
    assert len(corpus) >= 1
    assert all(d.source.endswith(name) for d in corpus)


def test_csv_cell_larger_than_the_csv_module_default_limit(tmp_path):
    text = "word " * 60_000  # 300 kB in one cell (csv's default limit is 128 KiB)
    pd.DataFrame({"doc_id": ["big"], "text": [text]}).to_csv(tmp_path / "big.csv", index=False)
    assert load_corpus(tmp_path)["big"].text == text


def test_header_whitespace_is_ignored(tmp_path):
    (tmp_path / "t.csv").write_text(" doc_id , text \nx,Hello.\n", encoding="utf-8")
    assert load_corpus(tmp_path)["x"].text == "Hello."


def test_readme_and_hidden_files_and_subfolders_are_not_documents(tmp_path):
    (tmp_path / "a.txt").write_text("A text.", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this corpus", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01binary")
    (tmp_path / "a.txt~").write_text("editor backup", encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "a.csv").write_text("doc_id,category\n", encoding="utf-8")
    assert load_corpus(tmp_path).ids == ["a"]


def test_metadata_rows_without_documents_are_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("A text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,title\na,A\ntypo_b,B\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus["a"].metadata == {"title": "A"}
    assert len(corpus.warnings) == 1 and "typo_b" in corpus.warnings[0] and "metadata.csv" in corpus.warnings[0]


def test_curated_metadata_wins_over_cleaning(tmp_path):
    (tmp_path / "a.txt").write_text("Body.\n\nSource: Reuters\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,source_agency,outlet\na,TASS,\n", encoding="utf-8")
    meta = load_corpus(tmp_path)["a"].metadata
    assert meta["source_agency"] == "TASS"  # curated
    assert meta["source_credit"] == "Source: Reuters"  # found by cleaning, not curated
    assert meta["outlet"] == ""


# --------------------------------------------------------------------------- Corpus / Document


def test_corpus_api():
    corpus = Corpus([Document("a", "One."), Document("b", "Two.")])
    assert len(corpus) == 2 and corpus.ids == ["a", "b"] and "a" in corpus
    assert corpus["b"].text == "Two." and corpus[0].doc_id == "a"
    assert (corpus + Corpus([Document("c", "Three.")])).ids == ["a", "b", "c"]
    with pytest.raises(KeyError, match="no document 'z'"):
        corpus["z"]


def test_corpus_hash_changes_with_text_and_id():
    base = Corpus([Document("a", "One.")]).hash()
    assert base == Corpus([Document("a", "One.")]).hash()
    assert base != Corpus([Document("a", "One!")]).hash()
    assert base != Corpus([Document("b", "One.")]).hash()


def test_document_replaces_lone_surrogates_without_moving_offsets():
    doc = Document("x", "ab\ud800cd")
    assert doc.text == "ab\ufffdcd"
    assert len(doc.sha256) == 64


def test_jsonl_lone_surrogate_escape_is_repaired_with_a_warning(tmp_path):
    (tmp_path / "s.jsonl").write_text('{"doc_id": "s", "text": "broken \\ud83d emoji"}\n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus["s"].text == "broken \ufffd emoji"
    assert len(corpus.warnings) == 1 and "s.jsonl (line 1)" in corpus.warnings[0]


# --------------------------------------------------------------------------- encodings (read correctly)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),  # Python writes a BOM
        pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(lambda t: t.encode("utf-32"), id="utf-32-bom"),
    ],
)
def test_byte_order_marks_are_honoured_and_dropped(tmp_path, encode):
    text = "“No ultimatums,” he said — Привет, 東京.\n"
    (tmp_path / "a.txt").write_bytes(encode(text))
    assert read_text_file(tmp_path / "a.txt") == text
    assert load_corpus(tmp_path)["a"].text == text


def test_crlf_is_kept_so_offsets_match_the_file(tmp_path):
    raw = "Headline\r\n\r\nFirst sentence. Second sentence.\r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    assert load_corpus(tmp_path)["a"].text == raw


def test_crlf_front_matter(tmp_path):
    (tmp_path / "a.md").write_bytes(b"---\r\ntitle: T\r\n---\r\nBody.\r\n")
    doc = load_corpus(tmp_path)["a"]
    assert doc.metadata == {"title": "T"} and doc.text == "Body.\r\n"


def test_encoding_option_reads_latin1(tmp_path):
    (tmp_path / "a.txt").write_bytes("Déclaration du ministre.".encode("latin-1"))
    assert load_corpus(tmp_path, encoding="latin-1")["a"].text == "Déclaration du ministre."


def test_a_bom_wins_over_the_encoding_option(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9.")
    (tmp_path / "latin.txt").write_bytes(b"Caf\xe9.")
    corpus = load_corpus(tmp_path, encoding="latin-1")
    assert corpus["bom"].text == corpus["latin"].text == "Café."


# --------------------------------------------------------------------------- user errors (API)


def _error(path, **kwargs) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert isinstance(info.value, KitError)
    return message


def test_error_path_not_found(tmp_path):
    assert _error(tmp_path / "nope") == f"{tmp_path / 'nope'}: path not found"


def test_error_undecodable_bytes_name_encoding_offset_and_line(tmp_path):
    (tmp_path / "fr.txt").write_bytes(b"Line one.\nD\xe9claration.")
    message = _error(tmp_path)
    assert message.startswith(f"{tmp_path / 'fr.txt'} (line 2): cannot decode as utf-8 at byte 11")
    assert "--encoding" in message


def test_error_empty_file_and_whitespace_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    assert _error(tmp_path / "a.txt").endswith("a.txt: empty file (0 bytes)")
    (tmp_path / "a.txt").write_text(" \n\t\n", encoding="utf-8")
    assert "a.txt: empty text" in _error(tmp_path / "a.txt")


def test_error_only_boilerplate(tmp_path):
    (tmp_path / "a.txt").write_text("Related Posts\n\nLeave a Reply\n", encoding="utf-8")
    assert _error(tmp_path).endswith("a.txt: text is empty after removing boilerplate")


def test_error_empty_text_cell_names_the_row(tmp_path):
    (tmp_path / "t.csv").write_text("doc_id,text\na,Fine.\nb,\n", encoding="utf-8")
    assert _error(tmp_path) == f"{tmp_path / 't.csv'} (row 3): empty text"


def test_error_duplicate_doc_id_across_files(tmp_path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ndoc_id: a\n---\nTwo.", encoding="utf-8")
    message = _error(tmp_path)
    assert message.startswith(f"{tmp_path / 'b.md'}: duplicate doc_id 'a' (also in")
    assert "a.txt" in message


def test_error_duplicate_doc_id_within_a_table(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"doc_id": "x", "text": "A."}\n{"doc_id": "x", "text": "B."}\n', encoding="utf-8")
    assert _error(tmp_path) == f"{tmp_path / 't.jsonl'} (line 2): duplicate doc_id 'x' (also line 1)"


def test_error_missing_text_column(tmp_path):
    (tmp_path / "t.csv").write_text("doc_id,body\na,Hello.\n", encoding="utf-8")
    assert _error(tmp_path) == f"{tmp_path / 't.csv'} (line 1): missing text column (columns: doc_id, body)"


def test_error_missing_text_field_in_jsonl(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"doc_id": "a", "body": "Hello."}\n', encoding="utf-8")
    assert "t.jsonl (line 1): missing text field (keys: doc_id, body)" in _error(tmp_path)


def test_error_invalid_json_line(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"text": "ok"}\n{"text": "broken\n', encoding="utf-8")
    assert "t.jsonl (line 2): invalid JSON" in _error(tmp_path)


def test_error_jsonl_line_not_an_object(tmp_path):
    (tmp_path / "t.jsonl").write_text('["a list"]\n', encoding="utf-8")
    assert "t.jsonl (line 1): each line must be a JSON object" in _error(tmp_path)


def test_error_text_not_a_string(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"text": 42}\n', encoding="utf-8")
    assert "(line 1): text must be a string (got int)" in _error(tmp_path)


def test_error_malformed_front_matter_names_the_line(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: ok\ndate: [unclosed\n---\nBody.\n", encoding="utf-8")
    message = _error(tmp_path)
    assert message.startswith(f"{tmp_path / 'a.md'} (line ")
    assert "malformed YAML front matter" in message


def test_error_front_matter_never_closed(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: ok\nBody without a closing line.\n", encoding="utf-8")
    assert "a.md (line 1): front matter opened with '---' on line 1 but never closed" in _error(tmp_path)


def test_error_front_matter_not_a_mapping(tmp_path):
    (tmp_path / "a.md").write_text("---\n- a\n- b\n---\nBody.\n", encoding="utf-8")
    assert "a.md (line 2): front matter must be a mapping" in _error(tmp_path)


def test_error_front_matter_python_tag_is_refused(tmp_path):
    (tmp_path / "a.md").write_text("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\nBody.\n", encoding="utf-8")
    message = _error(tmp_path)
    assert "a.md (line 2): malformed YAML front matter" in message


def test_error_metadata_csv_without_doc_id(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id,title\na,A\n", encoding="utf-8")
    assert _error(tmp_path).endswith("metadata.csv (line 1): metadata.csv needs a doc_id column")


def test_error_metadata_csv_duplicate_row(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,title\na,A\na,B\n", encoding="utf-8")
    assert _error(tmp_path).endswith("metadata.csv (row 3): duplicate doc_id 'a'")


def test_error_unknown_encoding(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    assert _error(tmp_path, encoding="latin-99").startswith("unknown encoding 'latin-99'")


def test_error_empty_folder(tmp_path):
    assert _error(tmp_path) == f"{tmp_path}: no documents found (looked for .txt, .md, .csv and .jsonl files)"


def test_error_table_with_header_only(tmp_path):
    (tmp_path / "t.csv").write_text("doc_id,text\n", encoding="utf-8")
    assert _error(tmp_path).endswith("t.csv: no documents (the table has no rows)")


def test_skip_bad_skips_bad_rows_and_keeps_good_ones(tmp_path):
    (tmp_path / "t.jsonl").write_text(
        '{"doc_id": "a", "text": "Good."}\n{"doc_id": "b", "text": ""}\nnot json\n{"doc_id": "c", "text": "Also good."}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path, skip_bad=True)
    assert corpus.ids == ["a", "c"]
    assert [s.split(": ", 1)[0] for s in corpus.skipped] == [
        f"{tmp_path / 't.jsonl'} (line 3)",  # reading the lines comes first
        f"{tmp_path / 't.jsonl'} (line 2)",
    ]


def test_skip_bad_with_nothing_left_is_still_an_error(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    message = _error(tmp_path, skip_bad=True)
    assert "no documents found" in message and "skipped:" in message and "a.txt" in message


def test_loading_never_modifies_the_folder(tmp_path):
    for name in ("a.txt", "b.md"):
        (tmp_path / name).write_text("---\ntitle: x\n---\nText.\n\nRelated Posts\n", encoding="utf-8")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    load_corpus(tmp_path)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()} == before


def test_jsonl_numbers_and_nested_values_survive(tmp_path):
    rec = {"doc_id": 7, "text": "Seven.", "tags": ["a", "b"], "score": 0.5}
    (tmp_path / "t.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    doc = load_corpus(tmp_path)["7"]
    assert doc.metadata == {"tags": ["a", "b"], "score": 0.5}


def test_path_objects_and_strings_are_equivalent():
    assert load_corpus(str(FORMATS)).ids == load_corpus(Path(FORMATS)).ids


def test_error_deeply_nested_front_matter(tmp_path):
    (tmp_path / "a.md").write_text("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n", encoding="utf-8")
    assert _error(tmp_path).endswith("a.md (line 2): malformed YAML front matter: nested more than 100 levels deep")


def test_error_deeply_nested_json_line(tmp_path):
    (tmp_path / "t.jsonl").write_text("[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    assert _error(tmp_path).endswith("t.jsonl (line 1): invalid JSON: nested too deeply")


def test_jsonl_text_with_unicode_line_separators_stays_one_record(tmp_path):
    text = "Line\u2028separator, next\u0085line, form\x0cfeed and\u2029paragraph."
    (tmp_path / "t.jsonl").write_text(json.dumps({"doc_id": "u", "text": text}, ensure_ascii=False) + "\r\n", encoding="utf-8")
    assert load_corpus(tmp_path)["u"].text == text
