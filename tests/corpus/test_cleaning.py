"""Boilerplate removal: the seed's furniture goes, offsets never move."""
from __future__ import annotations

import pytest
from conftest import ROOT, SEED_ID
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.corpus.cleaning import BOILERPLATE_PATTERNS, clean_text

SEED_RAW = (ROOT / "corpus" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
FURNITURE = ("Related Posts", "Leave a Reply", "Your email address", "Required fields are marked")


def test_seed_boilerplate_is_removed():
    cleaned = clean_text(SEED_RAW)
    for phrase in FURNITURE + ("Ru-Main, 27.12.2021", "Source: Interfax"):
        assert phrase in SEED_RAW
        assert phrase not in cleaned.text
    assert cleaned.text.endswith("these will be key members of the bloc, including the US.”")


def test_seed_dateline_and_credit_become_metadata():
    meta = clean_text(SEED_RAW).metadata
    assert meta == {
        "dateline": "Ru-Main, 27.12.2021",
        "outlet": "Ru-Main",
        "dateline_date": "2021-12-27",
        "source_credit": "Source: Interfax",
        "source_agency": "Interfax",
    }


def test_seed_removed_lines_point_into_the_raw_file():
    removed = clean_text(SEED_RAW).removed
    assert [kind for _, _, kind, _ in removed] == ["dateline", "credit", "boilerplate", "boilerplate", "boilerplate"]
    for start, end, _, text in removed:
        assert SEED_RAW[start:end].strip() == text


def test_seed_cleaned_text_is_a_prefix_so_offsets_are_file_offsets():
    cleaned = clean_text(SEED_RAW).text
    assert SEED_RAW[: len(cleaned)] == cleaned
    i = cleaned.index("will definitely deceive")
    assert SEED_RAW[i : i + 23] == "will definitely deceive"


def test_loaded_seed_has_no_boilerplate(corpus):
    text = corpus[SEED_ID].text
    assert not any(phrase in text for phrase in FURNITURE)
    assert corpus[SEED_ID].metadata["source_credit"] == "Source: Interfax"


@pytest.mark.parametrize(
    "raw",
    [
        "A text with no boilerplate.",
        "Trailing spaces and blank lines stay.  \n\n\n",
        "Related Posts appear here in the middle of a sentence.\nAnd the text goes on.",
        "Leave a Reply\n\nis the title of a novel, and this text discusses it.",
        "",
        "\n",
        "Ends with a date 27.12.2021 inside a sentence, which is not a dateline line.",
    ],
)
def test_text_without_trailing_boilerplate_is_unchanged(raw):
    cleaned = clean_text(raw)
    assert cleaned.text == raw and cleaned.metadata == {} and cleaned.removed == []


@pytest.mark.parametrize(
    "tail, kind",
    [
        ("Related Posts", "boilerplate"),
        ("Related articles:", "boilerplate"),
        ("Leave a comment", "boilerplate"),
        ("Your email address will not be published. Required fields are marked *", "boilerplate"),
        ("Share this:", "boilerplate"),
        ("Tags: Russia, NATO, security", "boilerplate"),
        ("© 2021 Example News. All rights reserved.", "boilerplate"),
        ("Source: TASS", "credit"),
        ("Moscow Times, 01/02/2022", "dateline"),
    ],
)
def test_each_kind_of_trailing_line_is_cut(tail, kind):
    raw = f"Body sentence.\n\n{tail}\n"
    cleaned = clean_text(raw)
    assert cleaned.text == "Body sentence."
    assert [(k, t) for _, _, k, t in cleaned.removed] == [(kind, tail)]


def test_dateline_date_is_iso():
    assert clean_text("Body.\nKyiv Post, 3-2-2022\n").metadata["dateline_date"] == "2022-02-03"


def test_the_first_credit_line_wins_when_there_are_two():
    cleaned = clean_text("Body.\nSource: Interfax\nSource: TASS\n")
    assert cleaned.metadata["source_agency"] == "Interfax"  # reading order
    assert [t for _, _, _, t in cleaned.removed] == ["Source: Interfax", "Source: TASS"]


def test_boilerplate_patterns_are_compiled_regexes():
    assert BOILERPLATE_PATTERNS and all(hasattr(p, "fullmatch") for p in BOILERPLATE_PATTERNS)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300), st.lists(st.sampled_from(["Related Posts", "Source: Interfax", "Leave a Reply", "", "  "]), max_size=4))
def test_cleaned_text_is_always_a_prefix_of_the_raw_text(body, tail):
    raw = body + "\n" + "\n".join(tail)
    cleaned = clean_text(raw)
    assert raw.startswith(cleaned.text)
    for start, end, _, text in cleaned.removed:
        assert 0 <= start <= end <= len(raw) and raw[start:end].strip() == text
        assert start >= len(cleaned.text)


_TAILS = ["Related Posts", "Source: Interfax", "Leave a Reply", "Ru-Main, 27.12.2021", "", "  ", "Body line."]


@settings(max_examples=50, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from(list("ab .\n\r\u2028\x0b")), max_size=60),
    tail=st.lists(st.sampled_from(_TAILS), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r", "\u2028"]),
    window=st.integers(min_value=1, max_value=40),
)
def test_examining_only_the_end_gives_the_same_result_as_the_whole_text(body, tail, newline, window):
    """clean_text looks at a window at the end; a tiny window (grown as needed) must not change anything."""
    import analysis.corpus.cleaning as cleaning

    raw = body + newline + newline.join(tail)
    old = cleaning._WINDOW
    try:
        cleaning._WINDOW = 10**9
        whole = clean_text(raw)
        cleaning._WINDOW = window
        windowed = clean_text(raw)
    finally:
        cleaning._WINDOW = old
    assert windowed == whole


def test_cost_does_not_depend_on_the_length_of_the_body():
    import analysis.corpus.cleaning as cleaning

    calls = []
    real = cleaning._classify
    try:
        cleaning._classify = lambda line: (calls.append(line), real(line))[1]
        clean_text("A body line.\n" * 200_000 + "\nRelated Posts\n")
    finally:
        cleaning._classify = real
    assert len(calls) == 3  # "Related Posts", the blank line, then the last body line
