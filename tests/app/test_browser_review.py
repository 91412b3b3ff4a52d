"""The review widget in a real browser (tools/browser_review_check.py); skipped where no browser is installed."""
from __future__ import annotations

import importlib.util
import os

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("browser_review_check", ROOT / "tools" / "browser_review_check.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

NO_BROWSER = ("the browser check of the review widget needs Chromium and chromedriver "
              "(Debian: apt-get install chromium chromium-driver) and selenium; "
              "run it by hand with .venv/bin/python tools/browser_review_check.py")


def _missing() -> str | None:
    if os.environ.get("DISCOURSE_KIT_NO_BROWSER"):
        return "DISCOURSE_KIT_NO_BROWSER is set"
    if check.find_browser() is None or importlib.util.find_spec("selenium") is None:
        return NO_BROWSER
    if importlib.util.find_spec("jupyterlab") is None or importlib.util.find_spec("ipywidgets") is None:
        return "the browser check needs the notebooks extra (JupyterLab, ipywidgets): pip install -e '.[notebooks]'"
    return None


@pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
def test_review_three_hits_and_add_a_span_in_jupyterlab(tmp_path):
    passed, message = check.run_check(timeout=400, screenshot=tmp_path / "browser_review.png")
    assert passed, message
    assert (tmp_path / "browser_review.png").stat().st_size > 10_000
