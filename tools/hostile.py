"""Re-run issue 17's hostile inputs against the command line and count tracebacks, hangs and data loss.

    .venv/bin/python tools/hostile.py            # 4-8 minutes on 2 busy cores (each case starts Python)

Every input is generated in a temporary folder. Each command runs in a
subprocess under an address-space limit (3 GiB), a CPU limit and a wall-clock
timeout. A case counts as

* **traceback** -- "Traceback" on stderr, a signal (out of memory, segfault) or
  an exit status other than 0/1/2/130;
* **hang** -- the timeout was reached;
* **data loss** -- earlier results or user files changed when they must not, or
  a table of another run was left in the output folder;
* **wrong** -- none of these, but not the expected outcome (a one-line error
  with exit 2, or success).

The summary line must read ``tracebacks 0, hangs 0, data loss 0, wrong 0``
(docs/robustness.md quotes it). Exit status 1 otherwise.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_BYTES = 3 * 1024**3
TIMEOUT = 90
TEXT = ("Talks Resume\n\n“We will not accept any ultimatum,” the envoy said. The West will again deceive us, "
        "she added.\n")
CATEGORY = ("id: bad\nversion: '1'\ncategories:\n  - id: c1\n    label: C1\n    definition: A test category.\n"
            "    examples: [They lie.]\n    rules:\n      - id: r1\n")
BOMB = "\n".join(["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
                 + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)])
PRELUDE = ("import resource, sys\n"
           f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))\n"
           "from analysis.app.cli import main\n")


def cli(args, *, env=None, prelude="", timeout=TIMEOUT):
    """(exit status or 'hang', stderr) of ``discourse-kit ARGS`` under the limits."""
    code = PRELUDE + prelude + "sys.exit(main(sys.argv[1:]))\n"
    try:
        proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return "hang", ""
    return proc.returncode, proc.stderr


def state(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def corpus(tmp: Path, name="corpus", **files) -> Path:
    folder = tmp / name
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    for file_name, text in files.items():
        (folder / file_name.replace("_DOT_", ".")).write_text(text, encoding="utf-8")
    return folder


def yaml_file(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def rule(tmp: Path, pattern: str) -> Path:
    """A one-rule codebook with this pattern."""
    return yaml_file(tmp, "rule.yaml", CATEGORY + f"        pattern: {pattern}\n")


def fifo(tmp: Path) -> Path:
    path = tmp / "pipe.yaml"
    os.mkfifo(path)
    return path


def sparse(tmp: Path, size: int) -> Path:
    path = tmp / "big.yaml"
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


# --------------------------------------------------------------------------- cases: name -> build(tmp) -> args


def _run(tmp, *extra, c=None):
    return ["run", c or corpus(tmp), "--out", tmp / "out", "--no-cache", *extra]


ERROR_CASES = {
    "--codebook /dev/zero": lambda t: _run(t, "--codebook", "/dev/zero"),
    "--actors /dev/zero": lambda t: _run(t, "--actors", "/dev/zero"),
    "--codebook FIFO": lambda t: _run(t, "--codebook", fifo(t)),
    "--actors FIFO": lambda t: _run(t, "--actors", fifo(t)),
    "--codebook 2 GB sparse file": lambda t: _run(t, "--codebook", sparse(t, 2 * 1024**3)),
    "agreement /dev/zero": lambda t: ["agreement", "/dev/zero", "/dev/zero"],
    "corpus fetch /dev/zero": lambda t: ["corpus", "fetch", "/dev/zero"],
    "corpus fetch FIFO manifest": lambda t: ["corpus", "fetch", fifo(t)],
    "corpus folder with a FIFO .txt": lambda t: ["corpus", _fifo_corpus(t)],
    "billion laughs in front matter": lambda t: _run(t, c=corpus(t, bomb_DOT_md=f"---\n{BOMB}\n---\nText.\n")),
    "billion laughs in front matter, cached": lambda t: ["run", corpus(t, bomb_DOT_md=f"---\n{BOMB}\n---\nText.\n"),
                                                         "--out", t / "out"],
    "billion laughs in a quanteda dictionary": lambda t: _run(t, "--codebook", yaml_file(t, "d.yaml", BOMB)),
    "billion laughs in the gazetteer": lambda t: _run(t, "--actors", yaml_file(t, "g.yaml", BOMB)),
    "YAML 10,000 deep (codebook)": lambda t: _run(t, "--codebook", yaml_file(t, "d.yaml", "a: " + "[" * 10000)),
    "YAML 10,000 deep (front matter)": lambda t: _run(
        t, c=corpus(t, deep_DOT_md="---\na: " + "[" * 10000 + "]" * 10000 + "\n---\nText.\n")),
    "YAML 2,000 deep block style (actors)": lambda t: _run(t, "--actors", yaml_file(
        t, "g.yaml", "".join("  " * i + "- \n" for i in range(2000)))),
    "REGEX seven \\w* on a 150-char token": lambda t: _run(
        t, "--codebook", rule(t, "[{TEXT: {REGEX: '\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\d'}}]"),
        c=corpus(t, long_DOT_txt="Said " + "a" * 150 + " here.\n")),
    "REGEX \\w*a\\w*a\\w*a\\w*b": lambda t: _run(
        t, "--codebook", rule(t, "[{TEXT: {REGEX: '\\w*a\\w*a\\w*a\\w*b'}}]")),
    "REGEX (a|aa)*$": lambda t: _run(
        t, "--codebook", rule(t, "[{TEXT: {REGEX: '(a|aa)*$'}}]")),
    "codebook check [{POS: VERB}]": lambda t: ["codebook", "check",
                                              rule(t, "[{POS: VERB}]")],
    "run with [{POS: VERB}]": lambda t: _run(t, "--codebook", rule(t, "[{POS: VERB}]")),
    "pattern [{}]": lambda t: _run(t, "--codebook", rule(t, "[{}]")),
    "pattern [{OP: '*'}]": lambda t: _run(t, "--codebook", rule(t, "[{OP: '*'}]")),
    "--encoding rot13": lambda t: ["corpus", corpus(t), "--encoding", "rot13"],
    "--encoding hex": lambda t: _run(t, "--encoding", "hex"),
    "--encoding base64": lambda t: _run(t, "--encoding", "base64"),
    "--encoding zlib": lambda t: ["corpus", corpus(t), "--encoding", "zlib"],
    "fetch --timeout inf": lambda t: ["corpus", "fetch", t / "m.csv", "--timeout", "inf"],
    "fetch --timeout nan": lambda t: ["corpus", "fetch", t / "m.csv", "--timeout", "nan"],
    "200 MB single-line document": lambda t: _run(t, c=_huge_corpus(t)),
    "--out /": lambda t: ["run", corpus(t), "--out", "/", "--no-cache"],
}


def _fifo_corpus(tmp: Path) -> Path:
    folder = corpus(tmp)
    os.mkfifo(folder / "x.txt")
    return folder


def _huge_corpus(tmp: Path) -> Path:
    folder = corpus(tmp)
    with open(folder / "huge.txt", "wb") as fh:
        block = b"word " * 200_000
        for _ in range(200):
            fh.write(block)
    return folder


def check_error(name, build, tmp):
    code, err = cli(build(tmp))
    if code == "hang":
        return "hang", "timed out"
    if "Traceback" in err or code not in (0, 1, 2, 130):
        return "traceback", f"exit {code}: {err.strip().splitlines()[-1:] if err.strip() else ''}"
    lines = err.strip().splitlines()
    if code == 2 and len(lines) == 1 and lines[0].startswith("error: "):
        return "ok", lines[0][:150]
    return "wrong", f"exit {code}: {err.strip()[:200]}"


# --------------------------------------------------------------------------- cases with results to keep


def ok_dollar_doc_id(tmp):
    c = corpus(tmp, m_DOT_md='---\ndoc_id: "cost $\\\\frac{a $ and $x^{$"\n---\n' + TEXT)
    code, err = cli(["run", c, "--out", tmp / "out", "--figures", tmp / "fig", "--no-cache"])
    ok = code == 0 and (tmp / "fig" / "category_rates.png").is_file() and (tmp / "out" / "evidence.csv").is_file()
    return _verdict(code, err, ok, lost=False)


def ok_stale_tables(tmp):
    c, out = corpus(tmp), tmp / "out"
    out.mkdir()
    (out / "notes.csv").write_text("mine\n")
    cli(["run", c, "--out", out, "--no-cache"])
    code, err = cli(["run", c, "--out", out, "--no-cache", "--no-sentiment"])
    info = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {"tables": {}}
    listed = set(info["tables"].values())
    names = {p.name for p in out.iterdir()}
    lost = "notes.csv" not in names or bool(names - listed - {"run.json", "notes.csv"})  # mixed runs
    return _verdict(code, err, code == 0, lost)


def ok_rename_fails_midway(tmp):
    c, out = corpus(tmp), tmp / "out"
    cli(["run", c, "--out", out, "--no-cache"])
    before = state(out)
    prelude = ("import os\n_real, _n = os.replace, [0]\n"
               "def _flaky(a, b):\n    _n[0] += 1\n"
               "    if _n[0] == 4: raise OSError(28, 'No space left on device', str(b))\n"
               "    return _real(a, b)\nos.replace = _flaky\n")
    (c / "b.txt").write_text("NATO said the West will deceive us. " * 5, encoding="utf-8")
    code, err = cli(["run", c, "--out", out, "--no-cache"], prelude=prelude)
    lost = state(out) != before
    return _verdict(code, err, code == 2, lost)


def ok_sigterm_and_sigkill(tmp):
    c, out = corpus(tmp), tmp / "out"
    for i in range(40):
        (c / f"d{i:02d}.txt").write_text((TEXT + "NATO said the West will deceive us. ") * 40, encoding="utf-8")
    cli(["run", c, "--out", out, "--no-cache", "--no-sentiment"])
    before = state(out)
    (c / "z.txt").write_text(TEXT * 3, encoding="utf-8")  # the next run would change the tables
    verdicts = []
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, "-m", "analysis", "run", str(c), "--out", str(out), "--no-cache"],
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not any(
                p.name.endswith(".tmp") for p in out.iterdir()):  # wait until it writes (imports take a while)
            time.sleep(0.05)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            return "hang", f"{sig.name} did not stop the run"
        if "Traceback" in err:
            return "traceback", err.strip().splitlines()[-1]
        now = {k: v for k, v in state(out).items() if not k.endswith(".tmp")}
        if now != before and proc.returncode not in (0,):  # interrupted: nothing replaced
            return "data loss", f"{sig.name}: results changed by an interrupted run"
        verdicts.append(f"{sig.name}: exit {proc.returncode}")
        if proc.returncode == 0:
            before = now  # finished before the signal: the new results are the baseline
    code, err = cli(["run", c, "--out", out, "--no-cache", "--no-sentiment"])
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    if leftovers:
        return "data loss", f"temporary files left after the next run: {leftovers}"
    return _verdict(code, err, code == 0, False, "; ".join(verdicts) + "; no .tmp after the next run")


def ok_cache_swap(tmp):
    c = corpus(tmp)
    (c / "b.txt").write_text("NATO said the West will deceive us again. " * 3, encoding="utf-8")
    env = {"DISCOURSE_KIT_CACHE": str(tmp / "cache")}
    cli(["run", c, "--out", tmp / "o1"], env=env)
    files = sorted((tmp / "cache").rglob("*.rec"))
    if len(files) == 2:
        a, b = files[0].read_bytes(), files[1].read_bytes()
        files[0].write_bytes(b)
        files[1].write_bytes(a)
    code, err = cli(["run", c, "--out", tmp / "o2"], env=env)
    lost = any(state(tmp / "o1")[n] != state(tmp / "o2").get(n) for n in ("documents.csv", "evidence.csv"))
    return _verdict(code, err, code == 0 and len(files) == 2, lost)


def ok_empty_cache_variable(tmp):
    c = corpus(tmp)
    code, err = subprocess.run([sys.executable, "-m", "analysis", "run", str(c), "--out", str(tmp / "out")],
                               capture_output=True, text=True, cwd=c, env={**os.environ, "DISCOURSE_KIT_CACHE": ""},
                               timeout=TIMEOUT).returncode, ""
    written = sorted(p.name for p in c.iterdir() if p.name not in ("a.txt", ".cache"))
    return _verdict(code, err, code == 0, bool(written), f"corpus folder after the run: {sorted(os.listdir(c))}")


def ok_reserved_metadata(tmp):
    c = corpus(tmp)
    (c / "a.txt").write_text("---\nn_tokens: 999\nn_chars: 5\nsource: Reuters\n---\n" + TEXT, encoding="utf-8")
    code, err = cli(["run", c, "--out", tmp / "out", "--no-cache"])
    header = (tmp / "out" / "documents.csv").read_text().splitlines()[0] if code == 0 else ""
    ok = "meta_n_tokens" in header and "meta_source" in header and "_x" not in header
    return _verdict(code, err, ok, False, header[:120])


def ok_boilerplate(tmp):
    c = corpus(tmp)
    text = (TEXT + "\nPosted in Kyiv, the ministry said the talks would resume.\n"
            "(c) NATO shall not accept it, she said.\n")
    (c / "a.txt").write_text(text, encoding="utf-8")
    code, err = cli(["run", c, "--out", tmp / "out", "--no-cache"])
    if code != 0:
        return _verdict(code, err, False, False)
    row = (tmp / "out" / "documents.csv").read_text(encoding="utf-8").splitlines()
    header, values = row[0].split(","), row[1].split(",")
    kept = dict(zip(header, values))
    lost = kept.get("n_chars") != str(len(text)) or kept.get("n_chars_removed") != "0"
    return _verdict(code, err, True, lost, f"n_chars {kept.get('n_chars')} of {len(text)}, removed "
                    f"{kept.get('n_chars_removed')}")


OK_CASES = {
    "doc_id with $...$ and --figures": ok_dollar_doc_id,
    "stale sentiment tables after --no-sentiment": ok_stale_tables,
    "a rename failing midway through the commit": ok_rename_fails_midway,
    "SIGTERM, then SIGKILL, during run": ok_sigterm_and_sigkill,
    "two cache record files swapped": ok_cache_swap,
    "DISCOURSE_KIT_CACHE='' run inside the corpus": ok_empty_cache_variable,
    "front matter n_tokens/n_chars/source": ok_reserved_metadata,
    "'Posted in Kyiv, ...' and '(c) NATO shall not ...' endings": ok_boilerplate,
}


def _verdict(code, err, ok, lost, note=""):
    if code == "hang":
        return "hang", "timed out"
    if "Traceback" in err or code not in (0, 1, 2, 130):
        return "traceback", f"exit {code}"
    if lost:
        return "data loss", note
    return ("ok" if ok else "wrong"), note or (err.strip().splitlines()[0][:150] if err.strip() else f"exit {code}")


def main() -> int:
    counts = {"ok": 0, "traceback": 0, "hang": 0, "data loss": 0, "wrong": 0}
    start = time.monotonic()
    cases = [(n, lambda t, b=b, n=n: check_error(n, b, t)) for n, b in ERROR_CASES.items()]
    cases += list(OK_CASES.items())
    for name, case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcome, note = case(Path(tmp))
            except Exception as e:  # noqa: BLE001 - a broken case is reported, not hidden
                outcome, note = "wrong", f"the case itself failed: {type(e).__name__}: {e}"
        counts[outcome] += 1
        print(f"{outcome:9} | {name} | {note}", flush=True)
    print(f"\n{len(cases)} cases in {time.monotonic() - start:.0f}s: tracebacks {counts['traceback']}, "
          f"hangs {counts['hang']}, data loss {counts['data loss']}, wrong {counts['wrong']}")
    return 0 if counts["ok"] == len(cases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
