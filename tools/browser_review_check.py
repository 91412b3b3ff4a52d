"""Check the review widget in a real browser: JupyterLab + headless Chromium, driven by selenium.

What it does, bounded in time (default 400 s) and cleaned up afterwards:

1. writes a small notebook into a temporary folder: the bundled corpus is coded, a
   ``ReviewSession`` over its first hits is opened on ``review.csv`` and the widget is shown;
2. starts JupyterLab on 127.0.0.1 (a free port, a random token, no browser);
3. opens the notebook in headless Chromium, runs its cells, waits for the widget;
4. reviews three hits (Correct, Wrong, Correct) and adds one missed span (pastes words, Add span);
5. checks the saved ``review.csv``: four rows with those decisions, coder ``browser``, offsets that
   point at the right words; saves a screenshot;
6. stops the browser and the server.

Needs Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``) and the
``notebooks`` and ``test`` extras (JupyterLab, ipywidgets, selenium). Run::

    .venv/bin/python tools/browser_review_check.py [--screenshot build/browser_review.png] [--keep]

Exit status 0 when the file is as expected, 1 otherwise (with the reason), 77 when no browser
is installed (the test suite then skips with that reason).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = "the United States"  # a missed span the check adds (it occurs in the bundled seed text)
SKIP = 77

NOTEBOOK_CELLS = [
    "from analysis import ReviewSession, code_corpus, load_corpus, make_nlp, parse, review_widget\n"
    "corpus = load_corpus()\n"
    "docs = list(parse(corpus, make_nlp()))\n"
    "evidence = code_corpus(docs)\n"
    "session = ReviewSession(evidence, docs, path='review.csv', coder='browser', limit=5)\n"
    "review_widget(session)",
]


def find_browser() -> tuple[str, str] | None:
    """(chromium binary, chromedriver) when both are installed, else None."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(folder: Path) -> Path:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
             for src in NOTEBOOK_CELLS]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / "review_check.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(folder / ".rt")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}", "--ServerApp.open_browser=False",
               "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        command.append("--allow-root")
    log = open(folder / "jupyterlab.log", "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_for_server(url: str, deadline: float, process: subprocess.Popen) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url.split('?')[0]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def run_check(*, timeout: float = 400, screenshot: Path | None = None, keep: bool = False) -> tuple[bool, str]:
    """Run the whole check; returns (passed, what happened)."""
    found = find_browser()
    if found is None:
        return False, "no browser: install Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)"
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    deadline = time.monotonic() + timeout
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="dk-browser-"))
    _write_notebook(folder)
    port, token = _free_port(), secrets.token_hex(16)
    lab = _start_lab(folder, port, token)
    driver = None
    step = "starting JupyterLab"
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_server(f"{base}/api/status?token={token}", deadline, lab)
        step = "starting Chromium"
        options = Options()
        options.binary_location = found[0]
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={folder / 'chromium-profile'}", "--window-size=1400,1000"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(found[1]), options=options)
        driver.set_page_load_timeout(max(10, deadline - time.monotonic()))
        driver.get(f"{base}/lab/tree/review_check.ipynb?token={token}")

        def wait(seconds=None):
            # widgets re-render their DOM: an element found a moment ago may be replaced, so look again
            return WebDriverWait(driver, max(1, min(seconds or 1e9, deadline - time.monotonic())),
                                 ignored_exceptions=(StaleElementReferenceException,))

        step = "waiting for the notebook and its kernel"
        # the page exposes the JupyterLab app (--LabApp.expose_app_in_browser): a headless window has no
        # focus, so the notebook is activated and run through JupyterLab's own commands
        wait().until(lambda d: d.execute_script(
            "const a = window.jupyterapp; if (!a) return false;"
            "const p = Array.from(a.shell.widgets('main')).find(w => w.sessionContext);"
            "if (!p) return false; a.shell.activateById(p.id);"
            "return p.sessionContext.kernelDisplayStatus === 'idle';"))
        driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
        step = "waiting for the widget (running the cells)"
        wait().until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".dk-correct")))
        step = "reviewing three hits"

        def click(selector: str, expect: str) -> None:
            wait(60).until(EC.element_to_be_clickable((By.CSS_SELECTOR, selector))).click()
            wait(60).until(lambda d: expect in d.find_element(By.CSS_SELECTOR, ".dk-status").text)

        click(".dk-correct", "saved: correct")
        click(".dk-wrong", "saved: wrong")
        wait(60).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".dk-correct"))).click()
        wait(60).until(lambda d: "2 of 5 reviewed" not in d.find_element(By.CSS_SELECTOR, ".dk-progress").text)
        step = "adding a span"
        box = wait(60).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".dk-add-words input")))
        box.clear()
        box.send_keys(WORDS)
        click(".dk-add", "added")
        if screenshot:
            driver.save_screenshot(str(screenshot))
        return _check_file(folder / "review.csv")
    except Exception as e:  # noqa: BLE001 - report any failure as one line
        if driver is not None and screenshot:
            driver.save_screenshot(str(screenshot.with_name(screenshot.stem + "_failed.png")))
        log = (folder / "jupyterlab.log").read_text(encoding="utf-8", errors="replace")[-800:]
        first = str(e).splitlines()[0] if str(e) else ""
        return False, f"{step}: {type(e).__name__} {first} (server log tail: {log[-300:]!r})"
    finally:
        if driver is not None:
            driver.quit()
        _stop(lab)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _check_file(path: Path) -> tuple[bool, str]:
    from analysis import load_corpus

    if not path.exists():
        return False, "review.csv was not written"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    decisions = [r["decision"] for r in rows]
    if decisions != ["correct", "wrong", "correct", "added"]:
        return False, f"unexpected decisions {decisions}"
    corpus = load_corpus()
    for r in rows:
        text = corpus[r["doc_id"]].text
        if text[int(r["start_char"]):int(r["end_char"])] != r["text"] or r["coder"] != "browser":
            return False, f"row does not match its document: {r}"
    if rows[-1]["text"] != WORDS:
        return False, f"the added span is {rows[-1]['text']!r}, not {WORDS!r}"
    return True, f"review.csv holds {len(rows)} rows: {', '.join(decisions)}; offsets match the texts"


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 passed, 1 failed, 77 no browser."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--timeout", type=float, default=400)
    p.add_argument("--screenshot", type=Path, default=ROOT / "build" / "browser_review.png")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (notebook, log, review.csv)")
    ns = p.parse_args(argv)
    if find_browser() is None:
        print("skipped: no Chromium/chromedriver (Debian: apt-get install chromium chromium-driver)")
        return SKIP
    ok, message = run_check(timeout=ns.timeout, screenshot=ns.screenshot, keep=ns.keep)
    print(("passed: " if ok else "FAILED: ") + message)
    if ok and ns.screenshot:
        print(f"screenshot: {ns.screenshot}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
