"""Hostile and odd input: bad files stop `run` with one line (or are skipped), bad
gazetteers/codebooks are refused clearly, and nothing a user owns is ever lost.

Each bad-input case here is counted in docs/robustness.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pandas as pd
import pytest
from helpers import assert_one_line_error, in_process

from analysis import load_corpus
from analysis.errors import CodebookError, CorpusError, GazetteerError, KitError
from analysis.extract.codebook import load_codebook
from analysis.io import atomic_write, transaction, write_csv, write_json
from analysis.nlp.gazetteer import load_gazetteer

GOOD_TEXT = "Talks Resume\n\n“We will not accept any ultimatum,” the envoy said. The West will again deceive us, she added.\n"


def folder_state(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` with its content hash, mode and mtime (symlinks not followed)."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath, name)
            st = p.lstat()
            if p.is_symlink():
                state[str(p.relative_to(folder))] = ("link", os.readlink(p))
            elif p.is_file():
                state[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mode, st.st_mtime_ns)
            else:
                state[str(p.relative_to(folder))] = ("other", st.st_mode)
    return state


def within(seconds: float, func, *args):
    """Call func(*args) in a thread; fail (instead of hanging the suite) if it runs longer than ``seconds``."""
    box: dict = {}

    def target():
        try:
            box["value"] = func(*args)
        except BaseException as e:  # noqa: BLE001 - re-raised below
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{getattr(func, '__name__', func)} did not finish within {seconds}s (a hang?)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --------------------------------------------------------------------------- odd files

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _make_unreadable(path: Path, monkeypatch) -> None:
    """chmod 000 — or, as root (CI), where chmod does not block reads, make reading the file fail."""
    if not IS_ROOT:
        path.chmod(0)
        return
    real = os.open

    def fake_open(name, flags, *args, **kwargs):
        if Path(name).name == path.name:
            raise PermissionError(13, "Permission denied", str(name))
        return real(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)  # user files are opened with os.open (analysis.io.read_limited)


#: bad file -> (how to make it, fragment of its one-line error)
BAD_FILES = {
    "png image": (lambda d: (d / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary"), "scan.png: unsupported file type '.png', looks like a PNG image"),
    "pdf": (lambda d: (d / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "report.pdf: unsupported file type '.pdf', looks like a PDF document"),
    "binary .txt": (lambda d: (d / "data.txt").write_bytes(bytes(range(256)) * 4), "data.txt: not a text document: looks like a binary file"),
    "docx renamed .txt": (lambda d: (d / "letter.txt").write_bytes(b"PK\x03\x04\x14\x00\x06\x00"), "letter.txt: not a text document: looks like a ZIP archive"),
    "utf-16 without bom": (lambda d: (d / "wide.txt").write_bytes("Hello there.".encode("utf-16-le")), "wide.txt: not a text document"),
    "latin-1 text": (lambda d: (d / "fr.txt").write_bytes("Le ministre a déclaré.".encode("latin-1")), "fr.txt (line 1): cannot decode as utf-8 at byte 15"),
    "empty file": (lambda d: (d / "empty.txt").write_bytes(b""), "empty.txt: empty file (0 bytes)"),
    "whitespace file": (lambda d: (d / "blank.md").write_text("\n \t\n", encoding="utf-8"), "blank.md: empty text"),
    "only boilerplate": (lambda d: (d / "furniture.txt").write_text("Related Posts\n\nLeave a Reply\n", encoding="utf-8"), "furniture.txt: text is empty after removing boilerplate"),
    "symlink loop": (lambda d: os.symlink("loop.txt", d / "loop.txt"), "loop.txt: cannot read: symbolic link loop"),
    "two-link loop": (lambda d: (os.symlink("b.txt", d / "a.txt"), os.symlink("a.txt", d / "b.txt")), "a.txt: cannot read: symbolic link loop"),
    "broken symlink": (lambda d: os.symlink("gone.txt", d / "dangling.txt"), "dangling.txt: cannot read: broken symbolic link"),
    "fifo": (lambda d: os.mkfifo(d / "pipe.txt"), "pipe.txt: not a regular file"),
    "malformed csv text column": (lambda d: (d / "t.csv").write_text("id,body\n1,x\n", encoding="utf-8"), "t.csv (line 1): missing text column"),
    "malformed front matter": (lambda d: (d / "f.md").write_text("---\ntitle: 'open\n---\nBody.\n", encoding="utf-8"), "f.md (line"),
}


@pytest.fixture()
def bad_folder(tmp_path):
    def make(case: str) -> Path:
        folder = tmp_path / "corpus"
        folder.mkdir()
        (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
        BAD_FILES[case][0](folder)
        return folder

    return make


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_stops_loading_with_one_line(bad_folder, case):
    folder = bad_folder(case)
    with pytest.raises(CorpusError) as info:
        within(20, load_corpus, folder)
    message = str(info.value)
    assert "\n" not in message and BAD_FILES[case][1] in message
    assert message.startswith(str(folder))  # names the file by its full path


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_skipped_with_skip_bad(bad_folder, case):
    folder = bad_folder(case)
    corpus = within(20, lambda: load_corpus(folder, skip_bad=True))
    assert corpus.ids == ["good"]
    n_bad = 2 if case == "two-link loop" else 1
    assert len(corpus.skipped) == n_bad and BAD_FILES[case][1] in corpus.skipped[0]


def test_unreadable_file(bad_folder, monkeypatch):
    folder = bad_folder("empty file")
    (folder / "empty.txt").unlink()
    secret = folder / "secret.txt"
    secret.write_text("Private.", encoding="utf-8")
    _make_unreadable(secret, monkeypatch)
    with pytest.raises(CorpusError, match=r"secret\.txt: permission denied"):
        load_corpus(folder)
    assert load_corpus(folder, skip_bad=True).ids == ["good"]


def test_latin1_is_fixed_by_the_encoding_option_and_utf8_files_stay_right(bad_folder):
    folder = bad_folder("latin-1 text")
    corpus = load_corpus(folder, encoding="latin-1")
    assert corpus["fr"].text == "Le ministre a déclaré."
    assert corpus["good"].text == GOOD_TEXT  # a UTF-8 file (curly quotes) is not garbled by --encoding


def test_wrong_encoding_option_is_reported(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"caf\xe9 \x81")  # 0x81 is undefined in cp1252
    with pytest.raises(CorpusError, match=r"a\.txt \(line 1\): cannot decode as cp1252 at byte 5 .*check the --encoding value"):
        load_corpus(tmp_path, encoding="cp1252")


def test_utf16_without_bom_is_fixed_by_the_encoding_option(bad_folder):
    folder = bad_folder("utf-16 without bom")
    (folder / "good.txt").unlink()
    assert load_corpus(folder, encoding="utf-16-le")["wide"].text == "Hello there."


def test_file_names_with_newlines_stay_one_line(tmp_path):
    (tmp_path / "evil\nname.txt").write_bytes(b"")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert "\n" not in str(info.value) and "evil\\nname.txt" in str(info.value)


def test_symlink_to_a_text_file_is_read(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "real.txt").write_text("Linked text.", encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    os.symlink(tmp_path / "elsewhere" / "real.txt", tmp_path / "corpus" / "linked.txt")
    assert load_corpus(tmp_path / "corpus")["linked"].text == "Linked text."


def test_symlink_loop_as_the_corpus_path(tmp_path):
    os.symlink("self", tmp_path / "self")
    with pytest.raises(CorpusError, match="symbolic link"):
        load_corpus(tmp_path / "self")


def test_crlf_and_lf_versions_parse_alike(nlp):
    lf = "Headline Here\n\n“No ultimatum,” the envoy said. Talks go on.\nA new line starts.\n"
    crlf = lf.replace("\n", "\r\n")
    a, b = nlp(lf), nlp(crlf)
    assert [s.text.strip() for s in a.sents] == [s.text.strip() for s in b.sents]
    assert [t.text for t in a if not t.is_space] == [t.text for t in b if not t.is_space]


# --------------------------------------------------------------------------- bad files through `run`


@pytest.mark.parametrize("case", ["png image", "latin-1 text", "empty file", "symlink loop", "fifo", "binary .txt"])
def test_bad_file_stops_run_with_one_line_and_exit_2(capfd, bad_folder, tmp_path, case):
    folder = bad_folder(case)
    out = tmp_path / "out"
    code, stdout, err = in_process(capfd, "run", str(folder), "--out", str(out), "--no-cache")
    assert_one_line_error(code, err, BAD_FILES[case][1])
    assert not out.exists()


def test_empty_folder_stops_run(capfd, tmp_path):
    (tmp_path / "corpus").mkdir()
    code, _, err = in_process(capfd, "run", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"))
    assert_one_line_error(code, err, "corpus: no documents found")


def test_unreadable_file_stops_run(capfd, bad_folder, tmp_path, monkeypatch):
    folder = bad_folder("empty file")
    (folder / "empty.txt").unlink()
    (folder / "secret.txt").write_text("Private.", encoding="utf-8")
    _make_unreadable(folder / "secret.txt", monkeypatch)
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"), "--no-cache")
    assert_one_line_error(code, err, "secret.txt: permission denied")


def test_skip_bad_run_skips_lists_and_analyses_the_rest(capfd, bad_folder, tmp_path):
    folder = bad_folder("png image")
    for case in ("latin-1 text", "empty file", "symlink loop", "fifo"):
        BAD_FILES[case][0](folder)
    out = tmp_path / "out"
    code, stdout, err = in_process(capfd, "run", str(folder), "--out", str(out), "--skip-bad", "--no-cache")
    assert code == 0, err
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 5
    for case in ("png image", "latin-1 text", "empty file", "symlink loop", "fifo"):
        assert any(BAD_FILES[case][1] in line for line in skipped), case
    assert "analysed 1 document(s)" in stdout
    assert list(pd.read_csv(out / "documents.csv")["doc_id"]) == ["good"]
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert len(info["corpus"]["skipped"]) == 5


def test_encoding_option_on_run(capfd, bad_folder, tmp_path):
    folder = bad_folder("latin-1 text")
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"), "--encoding", "latin-1", "--no-cache")
    assert code == 0, err
    assert sorted(pd.read_csv(tmp_path / "out" / "documents.csv")["doc_id"]) == ["fr", "good"]


def test_hostile_unicode_document_runs(capfd, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    hostile = (
        "\u202eRTL override\u202c “unbalanced « nested ‘quotes » ” \" ' \x07\x1b[31m "
        "👩\u200d👩\u200d👧 family \u200b\ufeff zero-widths. Lavrov said: “The West will deceive.\n\n"
        "مرحبا بالعالم. שלום. ”Stray closing. «Unclosed\r\n\u2028\u2029 end"
    )
    (folder / "hostile.txt").write_text(hostile, encoding="utf-8")
    (folder / "hostile.jsonl").write_text(json.dumps({"doc_id": "j", "text": hostile + "\x00\ud800"}) + "\n", encoding="utf-8")  # NUL is fine in JSON
    out = tmp_path / "out"
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(out), "--no-cache")
    assert code == 0, err
    assert "Traceback" not in err
    for csv in out.glob("*.csv"):
        csv.read_bytes().decode("utf-8")  # valid UTF-8 whatever the input
        pd.read_csv(csv)


# --------------------------------------------------------------------------- gazetteer input


ACTOR = "  - name: Maren Adler\n    type: person\n    camp: other\n"
BAD_GAZETTEERS = {
    "malformed yaml": ("actors:\n  - name: [unclosed\n", "(line 3): malformed YAML"),
    "python tag": ("actors:\n  - !!python/object/apply:os.system ['echo pwned']\n", "(line 2): malformed YAML: tag tag:yaml.org,2002:python/object/apply:os.system refused"),
    "not a mapping": ("- just\n- a list\n", "expected a mapping with an 'actors:' list"),
    "empty file": ("", "expected a mapping with an 'actors:' list"),
    "unknown top-level key": ("actor: []\nactors: []\n", "unknown top-level key(s): actor"),
    "unknown actor key": ("actors:\n" + ACTOR + "    alias: [Adler]\n", "(actor 'Maren Adler'): unknown key(s): alias"),
    "duplicate actor": ("actors:\n" + ACTOR + ACTOR, "(actor 'Maren Adler'): duplicate actor name"),
    "missing name": ("actors:\n  - type: person\n    camp: other\n", "(actor #1): missing 'name'"),
    "bad type": ("actors:\n  - name: X\n    type: alien\n    camp: other\n", "type must be one of"),
    "bad camp": ("actors:\n  - name: X\n    type: person\n    camp: neutral\n", "camp must be one of"),
    "alias not a list": ("actors:\n" + ACTOR + "    aliases: Adler\n", "aliases must be a list of non-empty strings"),
    "empty alias": ("actors:\n" + ACTOR + "    aliases: ['']\n", "aliases must be a list of non-empty strings"),
    "alias of two actors": ("actors:\n" + ACTOR + "    aliases: [Adler]\n  - name: Ida Adler\n    type: person\n    camp: other\n    aliases: [Adler]\n", "alias 'Adler' is also an alias of 'Maren Adler'"),
    "zero-token title": ("actors:\n" + ACTOR + "    titles: [the]\n", "title 'the' has no words"),
    "deep nesting": ("actors: " + "[" * 3000 + "]" * 3000 + "\n", "malformed YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_GAZETTEERS))
def test_bad_gazetteer_is_one_clear_line(tmp_path, case):
    text, fragment = BAD_GAZETTEERS[case]
    path = tmp_path / f"{case.replace(' ', '_')}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        within(20, load_gazetteer, path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)) and fragment in message


def test_gazetteer_not_utf8_and_missing(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("actors:\n  - name: Müller\n".encode("latin-1"))
    with pytest.raises(GazetteerError, match=r"latin\.yaml: gazetteer file is not UTF-8 text \(undecodable byte at offset 19\)"):
        load_gazetteer(path)
    with pytest.raises(GazetteerError, match="gazetteer file not found"):
        load_gazetteer(tmp_path / "nope.yaml")


def _alias_bomb(top: str) -> str:
    """Nine aliases of nine aliases ...: 9**9 values once expanded, under the key ``top``."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + f"\n{top}: *i\n"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb("actors"), encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bomb\.yaml: malformed YAML: aliases expand to more than"):
        within(20, load_gazetteer, path)
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text("id: x\nversion: '1'\n" + _alias_bomb("lexicons").replace("\na:", "\nlexicons_a:"),
                        encoding="utf-8")
    with pytest.raises(CodebookError, match="aliases expand to more than"):
        within(20, load_codebook, codebook)


@pytest.mark.parametrize("reader", ["gazetteer", "codebook", "lexicon", "front matter"])
def test_a_duplicated_key_is_an_error_in_every_yaml_file(tmp_path, reader):
    """Every YAML file is read by the one reader in analysis.io: the second `say:` is never silently kept."""
    from analysis.extract.attribution import load_lexicon

    cases = {
        "gazetteer": ("actors.yaml", "actors:\n" + ACTOR + "    type: state\n", load_gazetteer, "(line 5)", "'type'"),
        "codebook": ("codebook.yaml", CATEGORY + "    rules: [{id: r1, phrases: [lie]}]\nid: again\n",
                     load_codebook, "(line 9)", "'id'"),
        "lexicon": ("verbs.yaml", "verbs:\n  say: {forms: [say, said]}\n  say: {forms: [says]}\n", load_lexicon,
                    "(line 3)", "'say'"),
        "front matter": ("a.md", "---\ntitle: A\ntitle: B\n---\nText.\n", load_corpus, "(line 3)", "'title'"),
    }
    name, text, load, line, key = cases[reader]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KitError) as info:
        load(path)
    assert str(info.value).startswith(f"{path} {line}: malformed YAML") and f"duplicate key {key}" in str(info.value)


def test_edited_gazetteer_is_read_again(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n" + ACTOR, encoding="utf-8")
    assert [a.name for a in load_gazetteer(path)] == ["Maren Adler"]
    path.write_text("actors:\n" + ACTOR + "  - name: Ida Korin\n    type: person\n    camp: west\n", encoding="utf-8")
    assert [a.name for a in load_gazetteer(path)] == ["Maren Adler", "Ida Korin"]


@pytest.mark.parametrize("case", ["malformed yaml", "python tag", "zero-token title", "unknown actor key"])
def test_bad_gazetteer_through_run(capfd, tmp_path, case):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    actors = tmp_path / "actors.yaml"
    actors.write_text(BAD_GAZETTEERS[case][0], encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"), "--actors", str(actors))
    assert_one_line_error(code, err, str(actors), BAD_GAZETTEERS[case][1])


# --------------------------------------------------------------------------- codebook input through the CLI
# (the codebook's own error tests live with analysis/codebook.py; here: one line and exit 2 from `run`)

CATEGORY = (
    "id: bad\nversion: '1'\ncategories:\n  - id: c1\n    label: C1\n    definition: A test category.\n"
    "    examples: [They lie.]\n"
)
#: bad codebook -> (YAML, fragment of the one-line error): each reaches the check it is named after
BAD_CODEBOOKS = {
    "malformed yaml": ("id: bad\ncategories: [unclosed\n", "malformed YAML"),
    "python tag": ("id: !!python/object/apply:os.system ['echo pwned']\ncategories: []\n", "refused"),
    "unknown key": (CATEGORY + "    rules:\n      - id: r1\n        phrases: [lie]\n    colour: red\n", "unknown key(s): colour"),
    "bad spaCy pattern": (CATEGORY + "    rules:\n      - id: r1\n        pattern: [{NOT_AN_ATTR: lie}]\n", "rule r1"),
    "empty category": (CATEGORY + "    rules: []\n", "category has no rules"),
    "duplicate ids": (
        CATEGORY + "    rules:\n      - id: r1\n        phrases: [lie]\n"
        + CATEGORY.split("categories:\n")[1] + "    rules:\n      - id: r2\n        phrases: [cheat]\n",
        "duplicate category id",
    ),
    "pathological regex": (CATEGORY + "    rules:\n      - id: r1\n        pattern: [{TEXT: {REGEX: '^(a+)+$'}}]\n", "catastrophic backtracking"),
    "not a codebook": ("just a string\n", "expected a codebook"),
}


@pytest.mark.parametrize("case", sorted(BAD_CODEBOOKS))
def test_bad_codebook_through_run_is_one_line(capfd, tmp_path, case):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT + "a" * 40 + "!\n", encoding="utf-8")
    codebook = tmp_path / "codebook.yaml"
    text, fragment = BAD_CODEBOOKS[case]
    codebook.write_text(text, encoding="utf-8")
    code, _, err = within(60, in_process, capfd, "run", str(folder), "--out", str(tmp_path / "out"), "--codebook", str(codebook), "--no-cache")
    assert_one_line_error(code, err, str(codebook), fragment)
    assert not (tmp_path / "out").exists()


def test_missing_codebook_through_run(capfd, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"), "--codebook", str(tmp_path / "none.yaml"))
    assert_one_line_error(code, err, "none.yaml")


# --------------------------------------------------------------------------- nothing lost: atomic writes


def test_atomic_write_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("old results\n", encoding="utf-8")

    def half_written(p: Path) -> None:
        p.write_text("new but incompl", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(target, half_written)
    assert target.read_text(encoding="utf-8") == "old results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


def test_transaction_failure_replaces_nothing(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    write_csv(frame, tmp_path / "one.csv")
    write_csv(frame, tmp_path / "two.csv")
    before = folder_state(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        with transaction():
            write_csv(pd.DataFrame({"a": [2]}), tmp_path / "one.csv")
            write_csv(pd.DataFrame({"a": [2]}), tmp_path / "two.csv")
            raise KeyboardInterrupt  # Ctrl-C after two files were written
    assert folder_state(tmp_path) == before


def test_transaction_success_replaces_all(tmp_path):
    with transaction():
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "one.csv")
        write_json({"b": 2}, tmp_path / "two.json")
        assert not (tmp_path / "one.csv").exists()  # not before the end of the block
    assert (tmp_path / "one.csv").read_text(encoding="utf-8") == "a\n1\n"
    assert json.loads((tmp_path / "two.json").read_text(encoding="utf-8")) == {"b": 2}


def test_results_are_as_readable_as_any_new_file(tmp_path):
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "r.csv")
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    assert (tmp_path / "r.csv").stat().st_mode & 0o777 == (tmp_path / "plain.txt").stat().st_mode & 0o777


def test_lone_surrogates_in_a_table_are_escaped_not_fatal(tmp_path):
    write_csv(pd.DataFrame({"text": ["ok \ud800 ok"]}), tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_bytes() == b"text\nok \\ud800 ok\n"


# --------------------------------------------------------------------------- nothing lost: `run`


def _two_corpora(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "corpus_a", tmp_path / "corpus_b"
    a.mkdir()
    b.mkdir()
    (a / "one.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (b / "two.txt").write_text("A different text. “It is clear that they lie,” the envoy said.\n", encoding="utf-8")
    return a, b


def test_interrupted_run_leaves_earlier_results_intact(tmp_path, monkeypatch):
    from analysis.app import run as run_module

    a, b = _two_corpora(tmp_path)
    out = tmp_path / "out"
    run_module.run(a, out, cache=False)
    (out / "my_notes.txt").write_text("the user's own file", encoding="utf-8")
    before = folder_state(out)
    calls = {"n": 0}
    real = run_module.write_csv

    def crash_on_third(frame, path):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash while writing")
        return real(frame, path)

    monkeypatch.setattr(run_module, "write_csv", crash_on_third)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_module.run(b, out, cache=False)
    assert calls["n"] == 3
    assert folder_state(out) == before  # no file replaced, no temporary file left


def test_ctrl_c_during_run_exits_130_with_one_line(capfd, tmp_path, monkeypatch):
    from analysis.app import run as run_module

    a, _ = _two_corpora(tmp_path)

    def interrupt(frame, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "write_csv", interrupt)
    code, _, err = in_process(capfd, "run", str(a), "--out", str(tmp_path / "out"), "--no-cache")
    assert code == 130 and len(err.splitlines()) == 1 and err.startswith("error: interrupted")
    assert not any((tmp_path / "out").glob("*.csv")) if (tmp_path / "out").exists() else True


def test_run_never_modifies_the_corpus_folder(capfd, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT + "\nRelated Posts\n\nLeave a Reply\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: B\n---\n" + GOOD_TEXT, encoding="utf-8")
    (folder / "t.csv").write_text('doc_id,text\nc,"Talks, not threats."\n', encoding="utf-8")
    (folder / "metadata.csv").write_text("doc_id,title\na,A\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.txt").write_text("not read", encoding="utf-8")
    before = folder_state(folder)
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"))
    assert code == 0, err
    code, _, err = in_process(capfd, "run", str(folder), "--out", str(tmp_path / "out"))  # again, with the cache
    assert code == 0, err
    assert folder_state(folder) == before


@pytest.mark.parametrize("where", ["inside", "same", "figures inside", "via symlink"])
def test_output_inside_the_corpus_folder_is_refused(capfd, tmp_path, where):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    before = folder_state(folder)
    args = ["run", str(folder), "--out", str(folder / "results")]
    if where == "same":
        args[3] = str(folder)
    elif where == "figures inside":
        args = ["run", str(folder), "--out", str(tmp_path / "out"), "--figures", str(folder / "figures")]
    elif where == "via symlink":
        os.symlink(folder, tmp_path / "link")
        args[3] = str(tmp_path / "link" / "results")
    code, _, err = in_process(capfd, *args)
    assert_one_line_error(code, err, "inside the corpus folder")
    assert folder_state(folder) == before


def test_single_file_corpus_may_have_its_results_beside_it(capfd, tmp_path):
    statement = tmp_path / "statement.txt"
    statement.write_text(GOOD_TEXT, encoding="utf-8")
    before = statement.read_bytes()
    code, _, err = in_process(capfd, "run", str(statement), "--out", str(tmp_path / "results"), "--no-cache")
    assert code == 0, err
    assert statement.read_bytes() == before
    assert list(pd.read_csv(tmp_path / "results" / "documents.csv")["doc_id"]) == ["statement"]
    code, _, err = in_process(capfd, "run", str(statement), "--out", str(statement))
    assert_one_line_error(code, err, "is not a folder")
    assert statement.read_bytes() == before


def test_bare_carriage_returns_survive_a_csv_round_trip(tmp_path):
    frame = pd.DataFrame({"text": ["old\rmac", "crlf\r\nline", "plain"], "n": [1, 2, 3]})
    write_csv(frame, tmp_path / "cr.csv")
    back = pd.read_csv(tmp_path / "cr.csv")
    assert list(back["text"]) == ["old\rmac", "crlf\r\nline", "plain"] and list(back["n"]) == [1, 2, 3]
    write_csv(frame.iloc[1:], tmp_path / "crlf.csv")  # no bare CR: minimal quoting
    assert (tmp_path / "crlf.csv").read_bytes() == b'text,n\n"crlf\r\nline",2\nplain,3\n'


def test_disk_full_while_writing_is_one_line_and_keeps_earlier_results(capfd, tmp_path, monkeypatch):
    from analysis.app import run as run_module

    a, b = _two_corpora(tmp_path)
    out = tmp_path / "out"
    assert in_process(capfd, "run", str(a), "--out", str(out), "--no-cache")[0] == 0
    before = folder_state(out)
    real = run_module.write_csv
    calls = {"n": 0}

    def disk_full_on_second(frame, path):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device", str(path))
        return real(frame, path)

    monkeypatch.setattr(run_module, "write_csv", disk_full_on_second)
    code, _, err = in_process(capfd, "run", str(b), "--out", str(out), "--no-cache")
    assert_one_line_error(code, err, "No space left on device", str(out))
    assert folder_state(out) == before


@pytest.mark.parametrize(
    "reader, make, fragment",
    [
        ("codebook", lambda p: None, "codebook file not found"),
        ("codebook", lambda p: p.mkdir(), "is a folder, not a codebook file"),
        ("annotations", lambda p: p.mkdir(), "is a folder, not an annotation file"),
        ("annotations", lambda p: p.write_bytes(b"doc_id,category\n\xff\xfe"), "annotation file is not UTF-8 text (undecodable byte at offset 16)"),
        ("manifest", lambda p: p.write_bytes(b"doc_id,url\n\xe9"), "manifest is not UTF-8 text (undecodable byte at offset 11)"),
    ],
)
def test_user_files_share_one_line_read_errors(tmp_path, reader, make, fragment):
    """Codebook, annotation and manifest files report read problems the same way, naming the file."""
    from analysis.corpus.fetch import fetch_manifest
    from analysis.errors import KitError
    from analysis.extract.codebook import load_codebook
    from analysis.tables.agreement import read_annotations

    path = tmp_path / "input.csv"
    make(path)
    call = {"codebook": load_codebook, "annotations": read_annotations, "manifest": fetch_manifest}[reader]
    with pytest.raises(KitError) as info:
        call(path)
    message = str(info.value)
    assert message.startswith(str(path)) and fragment in message and "\n" not in message
