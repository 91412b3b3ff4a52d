"""The command line: help on every subcommand, the corpus listing, `run`, and one-line errors (exit 2)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED_ID
from helpers import assert_one_line_error, in_process

from analysis.app.cli import build_parser

SUBCOMMANDS = ["corpus", "run", "codebook", "agreement", "actors", "notebooks", "compare", "kwic", "export",
               "reliability", "export-labelstudio", "import-labelstudio", "export-qdpx", "import-qdpx"]


def cli(*args: str, cwd: Path = ROOT, script: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line in a child process."""
    command = [str(Path(sys.executable).parent / "discourse-kit")] if script else [sys.executable, "-m", "analysis"]
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help_on_every_subcommand(capfd, sub):
    code, out, err = in_process(capfd, sub, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: discourse-kit {sub}")


def test_every_subcommand_is_covered_by_the_help_test():
    choices = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    assert set(choices) == set(SUBCOMMANDS)


def test_top_level_help_from_the_console_script_and_version_from_the_module():
    result = cli("--help", script=True)
    assert result.returncode == 0 and "usage: discourse-kit" in result.stdout
    assert all(sub in result.stdout for sub in SUBCOMMANDS)
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("discourse-kit ")


# --------------------------------------------------------------------------- corpus listing


def test_corpus_lists_the_seed_metadata():
    result = cli("corpus", "corpus/")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    header, *rows = result.stdout.splitlines()
    for column in ("doc_id", "title", "date", "speaker", "outlet", "source_agency", "genre", "language"):
        assert column in header.split()
    seed = next(r for r in rows if r.lstrip().startswith(SEED_ID))
    for value in ("2021-12-27", "Sergei Lavrov", "Ru-Main", "Interfax", "news", " en "):
        assert value in seed


def test_corpus_csv_is_the_full_metadata_table(capfd):
    code, out, _ = in_process(capfd, "corpus", str(ROOT / "corpus"), "--csv")
    assert code == 0
    from io import StringIO

    frame = pd.read_csv(StringIO(out), dtype=str, keep_default_na=False).set_index("doc_id")
    seed = frame.loc[SEED_ID]
    assert seed["title"].startswith("Russian Foreign Ministry: Negotiations With US")
    assert (seed["date"], seed["speaker"], seed["outlet"], seed["source_agency"], seed["genre"], seed["language"]) == (
        "2021-12-27", "Sergei Lavrov", "Ru-Main", "Interfax", "news", "en")


def test_corpus_skip_bad_lists_skipped_files_on_stderr(capfd, tmp_path):
    (tmp_path / "good.txt").write_text("Fine.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    code, out, err = in_process(capfd, "corpus", str(tmp_path), "--skip-bad")
    assert code == 0 and "good" in out and "bad" not in out
    assert err.splitlines() == [f"skipped: {tmp_path / 'bad.txt'}: empty file (0 bytes)"]


# --------------------------------------------------------------------------- input errors: one line, exit 2


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each issue-2 error case: (path given to the CLI, fragment the message must hold)."""
    cases = {}
    d = tmp / "undecodable"
    d.mkdir()
    (d / "fr.txt").write_bytes(b"D\xe9claration.")
    cases["undecodable"] = (d, "fr.txt (line 1): cannot decode as utf-8 at byte 1")
    d = tmp / "empty"
    d.mkdir()
    (d / "e.txt").write_text("   \n", encoding="utf-8")
    cases["empty text"] = (d, "e.txt: empty text")
    d = tmp / "duplicate"
    d.mkdir()
    (d / "a.txt").write_text("One.", encoding="utf-8")
    (d / "b.md").write_text("---\ndoc_id: a\n---\nTwo.\n", encoding="utf-8")
    cases["duplicate doc_id"] = (d, "b.md: duplicate doc_id 'a'")
    d = tmp / "nocolumn"
    d.mkdir()
    (d / "t.csv").write_text("id,body\n1,Hi.\n", encoding="utf-8")
    cases["missing text column"] = (d, "t.csv (line 1): missing text column")
    d = tmp / "frontmatter"
    d.mkdir()
    (d / "a.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    cases["malformed front matter"] = (d, "a.md (line 3): malformed YAML front matter")
    cases["path not found"] = (tmp / "no_such_folder", "no_such_folder: path not found")
    return cases


CASES = ["undecodable", "empty text", "duplicate doc_id", "missing text column", "malformed front matter", "path not found"]


@pytest.mark.parametrize("case", CASES)
def test_corpus_input_errors(capfd, tmp_path, case):
    path, fragment = _bad_inputs(tmp_path)[case]
    code, out, err = in_process(capfd, "corpus", str(path))
    assert_one_line_error(code, err, fragment, str(path))
    assert out == ""


@pytest.mark.parametrize("case", CASES)
def test_run_input_errors(capfd, tmp_path, case):
    path, fragment = _bad_inputs(tmp_path)[case]
    out_dir = tmp_path / "out"
    code, _, err = in_process(capfd, "run", str(path), "--out", str(out_dir))
    assert_one_line_error(code, err, fragment)
    assert not out_dir.exists()


def test_input_error_in_a_child_process_has_no_traceback(tmp_path):
    path, fragment = _bad_inputs(tmp_path)["undecodable"]
    result = cli("corpus", str(path))
    assert_one_line_error(result.returncode, result.stderr, fragment)
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run"], "the following arguments are required"),
        (["run", "corpus"], "--out"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["run", "corpus", "--out", "x", "--n-process", "two"], "invalid int value: 'two'"),
        (["corpus"], "the following arguments are required"),
        (["corpus", "a", "b"], "usage: discourse-kit corpus PATH"),
        (["corpus", "corpus", "--encoding", "klingon"], "unknown encoding 'klingon'"),
    ],
)
def test_usage_errors_are_one_line_too(capfd, args, fragment):
    code, out, err = in_process(capfd, *args)
    assert_one_line_error(code, err, fragment)


def test_unknown_model_is_one_line(capfd, tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(tmp_path), "--out", str(tmp_path.parent / "o"), "--model", "xx_missing_model")
    assert_one_line_error(code, err, "'xx_missing_model' is not installed")


def test_n_process_must_be_positive(capfd, tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(tmp_path), "--out", str(tmp_path.parent / "o"), "--n-process", "0")
    assert_one_line_error(code, err, "--n-process must be a positive integer")


def test_output_path_that_is_a_file_is_one_line(capfd, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Text.", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("I am a file", encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(tmp_path / "corpus"), "--out", str(blocker))
    assert_one_line_error(code, err, "is not a folder")


# --------------------------------------------------------------------------- run end to end


def test_run_on_a_folder_of_txt_files(tmp_path):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "note_a.txt").write_text(
        "Talks Resume In Geneva\n\n“We will not accept any ultimatum,” the envoy said. The West will again deceive us, she added.\n",
        encoding="utf-8",
    )
    (corpus / "note_b.txt").write_text("The delegations met. No agreement was reached.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", str(corpus), "--out", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "analysed 2 document(s)" in result.stdout
    written = {p.name for p in out.iterdir()}
    assert {"documents.csv", "evidence.csv", "features.csv", "attributions.csv", "actors.csv", "run.json"} <= written
    assert not [n for n in written if n.endswith(".tmp")]
    documents = pd.read_csv(out / "documents.csv")
    assert list(documents["doc_id"]) == ["note_a", "note_b"]
    assert {"n_tokens", "n_sentences"} <= set(documents.columns)
    assert documents.set_index("doc_id").loc["note_b", "n_sentences"] == 2
    import json

    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["corpus"]["n_documents"] == 2 and len(info["corpus"]["sha256"]) == 64
    assert {"id", "version", "sha256"} <= set(info["codebook"])


def test_run_caps_the_number_of_warning_lines(capfd, tmp_path, monkeypatch):
    """A hostile corpus (thousands of stray quote marks) cannot flood the terminal; skipped files are all listed."""
    import analysis.app.cli
    import analysis.app.run
    from analysis.app.cli import MAX_WARNINGS

    skipped = [f"{tmp_path}/bad_{i}.txt: empty file (0 bytes)" for i in range(60)]
    warnings = skipped + [f"doc {i}: unbalanced quotation mark at character {i}" for i in range(120)]

    def fake_run(*args, **kwargs):
        return analysis.app.run.RunOutput(tables={}, files=[], warnings=warnings,
                                      info={"corpus": {"n_documents": 1, "skipped": skipped}})

    monkeypatch.setattr(analysis.app.cli, "run", fake_run)
    code, out, err = in_process(capfd, "run", str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 0 and "analysed 1 document(s)" in out
    lines = err.splitlines()
    assert [line for line in lines if line.startswith("skipped: ")] == [f"skipped: {s}" for s in skipped]
    shown = [line for line in lines if line.startswith("warning: ")]
    assert len(shown) == MAX_WARNINGS + 1
    assert shown[0] == "warning: doc 0: unbalanced quotation mark at character 0"
    assert shown[-1] == f"warning: {120 - MAX_WARNINGS} more warning(s) not shown"


def test_run_takes_several_paths_as_one_corpus(capfd, tmp_path):
    """`run A B` analyses both, as the notebooks' CORPUS list does; a doc_id in both is a one-line error."""
    a, b = tmp_path / "moscow", tmp_path / "brussels"
    a.mkdir()
    b.mkdir()
    (a / "mfa.txt").write_text("“The West will again deceive us,” Zakharova said.\n", encoding="utf-8")
    (b / "nato.txt").write_text("Stoltenberg said that the Alliance was ready for dialogue.\n", encoding="utf-8")
    code, out, err = in_process(capfd, "run", str(a), str(b), "--out", str(tmp_path / "out"), "--no-cache",
                                "--no-sentiment")
    assert code == 0, err
    assert "analysed 2 document(s)" in out
    assert list(pd.read_csv(tmp_path / "out" / "documents.csv")["doc_id"]) == ["mfa", "nato"]
    (b / "mfa.txt").write_text("A second file with the same stem.\n", encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(a), str(b), "--out", str(tmp_path / "out2"), "--no-cache")
    assert_one_line_error(code, err)
    assert "duplicate doc_id 'mfa'" in err
