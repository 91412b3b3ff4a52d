"""Shared fixtures: one rule-based pipeline per test session, the parsed seed."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ID = "000_b57aecae04ae68f3"


#: a quotation-heavy text (titles, pronouns, "according to") used by several stages' tests
QUOTES = (
    "Talks Resume\n\n“We will not accept any ultimatum,” the Minister said. “It is clear that the West will "
    "again deceive us,” Lavrov added. According to Washington, the talks are endless discussions.\n"
)


def sample_texts() -> list[str]:
    """The seed, :data:`QUOTES`, a short text and the seed with another speaker: texts for equality checks."""
    from analysis import load_corpus

    seed = load_corpus()[SEED_ID].text
    return [seed, QUOTES, "NATO said no. Stoltenberg said “maybe” to Kyiv.", seed.replace("Lavrov", "Peskov")]


def check_corpora() -> dict[str, list[Path]]:
    """The check corpora's files: ../check (beside the project or its worktree folder), else ../shared.

    Only sessions 69-75 of the UN General Debate are ever opened (76 and 77 are held out for evaluation).
    """
    held_out = re.compile(r"_(69|7[0-5])_")  # file names only: nothing else is opened
    out: dict[str, list[Path]] = {}
    for folder in (ROOT.parent / "check", ROOT.parent.parent / "check", SHARED / "corpora"):
        ungdc = folder / "ungdc" / "texts" if folder.name == "corpora" else folder / "ungdc"
        us = folder / ("us-ukraine-statements" if folder.name == "corpora" else "us")
        if "ungdc" not in out and ungdc.is_dir():
            out["ungdc"] = sorted(p for p in ungdc.glob("*.txt") if held_out.search(p.name))
        if "us" not in out and us.is_dir():
            out["us"] = sorted(us.glob("*.csv"))
    return {name: files for name, files in out.items() if files}


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Keep the parse cache of the test session out of the project folder."""
    os.environ["DISCOURSE_KIT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(scope="session")
def nlp():
    from analysis import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def codebook():
    """The bundled codebook, loaded once (tests read it, never change it)."""
    from analysis import load_codebook

    return load_codebook()


def coded(make_doc, codebook, text: str, category: str | None = None) -> list[dict]:
    """The codebook's evidence rows in ``text`` (parsed by ``make_doc``), optionally of one category."""
    from analysis.extract.rhetoric import doc_evidence

    return [h for h in doc_evidence(make_doc(text), codebook) if category is None or h["category"] == category]


@pytest.fixture(scope="session")
def corpus():
    from analysis import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def seed_doc(nlp, corpus):
    from analysis import parse

    return next(d for d in parse(corpus, nlp, cache=False) if d.user_data["doc_id"] == SEED_ID)


@pytest.fixture()
def make_doc(nlp):
    """Parse a text with the session pipeline; ``doc_id`` defaults to 'test'."""

    def _make(text: str, doc_id: str = "test"):
        doc = nlp(text)
        doc.user_data["doc_id"] = doc_id
        return doc

    return _make
