"""Round trip through a real Label Studio: the kit's export imported, annotated, exported, read back.

Label Studio is not a dependency of the kit: install it into a throw-away virtual environment
and point this script at its ``label-studio`` command::

    python3 -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio
    .venv/bin/python tools/labelstudio_check.py --label-studio /tmp/ls-venv/bin/label-studio

What it does (bounded in time, default 600 s; the server is stopped afterwards):

1. exports the bundled corpus with the rules' evidence (``export_labelstudio``);
2. starts Label Studio on 127.0.0.1 with a fresh data folder and a user with an API token;
3. creates a project with the generated ``labeling_config.xml`` (Label Studio validates it), imports
   ``tasks.json`` and checks every task and every pre-annotation arrived;
4. stores, for each task, an annotation that accepts the pre-annotations (what a coder does
   by clicking *Submit* on an unchanged task);
5. exports the project as JSON and reads it with ``read_labelstudio``: the spans must equal the
   evidence and point at the same words.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def __call__(self, method: str, path: str, body=None, timeout: float = 60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"Token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
        return json.loads(raw) if raw else None


def _enable_legacy_tokens(label_studio: str, env: dict) -> None:
    python = str(Path(label_studio).with_name("python"))
    code = ("from organizations.models import Organization\n"
            "for o in Organization.objects.all():\n"
            "    o.jwt.legacy_api_tokens_enabled = True\n"
            "    o.jwt.save()\n")
    package = subprocess.run([python, "-c", "import label_studio, os; print(os.path.dirname(label_studio.__file__))"],
                             check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    subprocess.run([python, "manage.py", "shell", "-c", code], cwd=package, env=env, check=True,
                   capture_output=True, timeout=120)


def run_check(label_studio: str, *, timeout: float = 600) -> tuple[bool, str]:
    """Run the round trip; returns (passed, what happened)."""
    from analysis import code_corpus, export_labelstudio, load_corpus, read_labelstudio

    deadline = time.monotonic() + timeout
    folder = Path(tempfile.mkdtemp(prefix="dk-labelstudio-"))
    corpus = load_corpus()
    evidence = code_corpus(corpus)
    tasks_path, config_path = export_labelstudio(corpus, evidence, folder / "export")
    port, token = _free_port(), secrets.token_hex(20)
    env = {**os.environ, "LABEL_STUDIO_USERNAME": "check@example.org", "LABEL_STUDIO_PASSWORD": secrets.token_hex(8),
           "LABEL_STUDIO_USER_TOKEN": token, "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
           "LABEL_STUDIO_BASE_DATA_DIR": str(folder / "data"), "COLLECT_ANALYTICS": "false"}
    log = open(folder / "label-studio.log", "w", encoding="utf-8")  # noqa: SIM115 - closed at the end
    server = subprocess.Popen([label_studio, "start", "--no-browser", "--internal-host", "127.0.0.1",
                               "--host", f"http://127.0.0.1:{port}", "--port", str(port),
                               "--data-dir", str(folder / "data")],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    api = _Api(f"http://127.0.0.1:{port}", token)
    step = "starting Label Studio"
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"label-studio exited with status {server.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("Label Studio did not start in time")
            try:
                api("GET", "/api/projects", timeout=5)
                break
            except urllib.error.HTTPError as e:
                if e.code != 401:
                    raise
                # Label Studio >= 1.18 disables legacy API tokens in new organisations; enable them for
                # this throw-away instance (the personal-access-token flow needs the web UI)
                step = "enabling legacy API tokens in the throw-away instance"
                _enable_legacy_tokens(label_studio, env)
                step = "starting Label Studio"
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(2)
        step = "creating the project from labeling_config.xml"
        project = api("POST", "/api/projects", {"title": "discourse-kit check",
                                                "label_config": config_path.read_text(encoding="utf-8")})
        pid = project["id"]
        step = "importing tasks.json"
        tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
        api("POST", f"/api/projects/{pid}/import", tasks, timeout=120)
        stored = api("GET", f"/api/tasks?project={pid}&page_size=1000&fields=all")
        stored = stored["tasks"] if isinstance(stored, dict) else stored
        n_pred = sum(len(p["result"]) for t in stored for p in t.get("predictions", []))
        if len(stored) != len(tasks) or n_pred != len(evidence):
            return False, f"imported {len(stored)} task(s) with {n_pred} prediction region(s); " \
                          f"expected {len(tasks)} and {len(evidence)}"
        step = "annotating (accepting the pre-annotations)"
        for t in stored:
            result = [r for p in t.get("predictions", []) for r in p["result"]]
            api("POST", f"/api/tasks/{t['id']}/annotations", {"result": result, "was_cancelled": False})
        step = "exporting JSON"
        export = api("GET", f"/api/projects/{pid}/export?exportType=JSON", timeout=120)
        (folder / "label_studio_export.json").write_text(json.dumps(export), encoding="utf-8")
        back = read_labelstudio(folder / "label_studio_export.json")
        key = ["doc_id", "category", "start_char", "end_char"]
        got = sorted(map(tuple, back[key].values.tolist()))
        want = sorted(map(tuple, evidence[key].values.tolist()))
        if got != want:
            return False, f"read back {len(got)} span(s), {len(set(got) ^ set(want))} differ from the evidence"
        version = api("GET", "/api/version").get("release", "?")
        return True, (f"Label Studio {version}: project created from the generated config; {len(stored)} tasks "
                      f"with {n_pred} pre-annotations imported; annotated, exported as JSON and read back: "
                      f"{len(back)} spans equal to the evidence; coders {sorted(set(back['coder']))}")
    except Exception as e:  # noqa: BLE001 - one line per failure
        detail = e.read().decode(errors="replace")[:300] if isinstance(e, urllib.error.HTTPError) else str(e)
        return False, f"{step}: {type(e).__name__} {detail}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        log.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 passed, 1 failed."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--label-studio", required=True, help="the label-studio command of a throw-away venv")
    p.add_argument("--timeout", type=float, default=600)
    ns = p.parse_args(argv)
    ok, message = run_check(ns.label_studio, timeout=ns.timeout)
    print(("passed: " if ok else "FAILED: ") + message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
