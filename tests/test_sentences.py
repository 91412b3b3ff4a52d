"""The quote-aware sentence splitter, on the seed (boundaries checked by reading) and on quote-heavy texts."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import load_corpus
from analysis.sentences import split_sentences

from conftest import ROOT

QUOTES = ROOT / "tests" / "data" / "corpora" / "quotes"


def _sents(doc) -> list[str]:
    return [s.text.strip() for s in doc.sents]


# --------------------------------------------------------------------------- the seed, read by hand
# The seed has 12 sentences: the headline, the lead, and the body paragraphs, where
# the first quotation holds two sentences and paragraph 6 two (the second starts "Earlier").


def test_seed_sentence_count(seed_doc):
    assert len(_sents(seed_doc)) == 12


def test_seed_headline_is_its_own_sentence(seed_doc):
    first, second = _sents(seed_doc)[:2]
    assert first == "Russian Foreign Ministry: Negotiations With US on Security Guarantees to Be Held After Winter Holidays"
    assert second.startswith("Russian-American negotiations on security guarantees will take place")
    assert second.endswith("on Monday, December 27, 2021.")


def test_seed_quote_then_attribution_is_one_sentence(seed_doc):
    sents = _sents(seed_doc)
    # "…, and then it will definitely deceive,” the Minister said.
    assert sents[3].startswith("The result is, moreover, in a certain period of time")
    assert sents[3].endswith("and then it will definitely deceive,” the Minister said.")
    assert sents[5] == (
        "“it is with the United States that we will carry out the main work of the negotiations, "
        "which will take place immediately after the end of the New Year holidays,” Lavrov said."
    )
    assert sents[10].endswith("with the direct participation of the military,” the Minister stressed.")


def test_seed_quotation_of_two_sentences_splits_at_its_full_stop(seed_doc):
    sents = _sents(seed_doc)
    assert sents[2].startswith("“The main thing is, as the President said")
    assert sents[2].endswith("and so that there is a result of all these diplomatic efforts.")
    assert sents[9].startswith("“The negotiations will be conducted by interdepartmental delegations")
    assert sents[9].endswith("as far as the United States is concerned.")


def test_seed_closing_quote_stays_with_its_sentence(seed_doc):
    sents = _sents(seed_doc)
    assert sents[11].startswith("Lavrov also specified that “the negotiator will not be Stoltenberg")
    assert sents[11].endswith("these will be key members of the bloc, including the US.”")
    assert not any(s in {"”", "“", '"'} for s in sents)


def test_seed_partial_quotes_inside_a_sentence_do_not_split_it(seed_doc):
    sents = _sents(seed_doc)
    assert sents[6] == (
        "The Minister also recalled that NATO had proposed “through Stoltenberg’s mouth,” but “it is clear "
        "that this is at the suggestion of the US,” to hold a meeting of the Russia-NATO council."
    )
    assert sents[7].startswith("Earlier it was reported that NATO Secretary-General, Jens Stoltenberg")


def _assert_tiles(doc) -> None:
    """Sentences cover every token once, in order; only whitespace lies between them."""
    spans = list(doc.sents)
    assert spans[0].start == 0 and spans[-1].end == len(doc)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert all(not doc.text[a.end_char : b.start_char].strip() for a, b in zip(spans, spans[1:]))
    assert not doc.text[spans[-1].end_char :].strip()


def test_seed_sentences_tile_the_document(seed_doc):
    _assert_tiles(seed_doc)


# --------------------------------------------------------------------------- our own quote-heavy texts


def test_quote_heavy_briefing_fixture(nlp):
    doc = nlp(load_corpus(QUOTES)["briefing"].text)
    assert _sents(doc) == [
        'Minister Adler: "No Ultimatums, Only Proposals"',
        '"We have not issued any ultimatum," Minister Adler told reporters on Tuesday.',
        '"What we have put on the table is a proposal, and we expect a written answer."',
        "The spokeswoman, Ilse Varga, was asked whether the deadline was real.",
        '"Of course it is real!" she said.',
        '"Why would we invent one?"',
        "“The talks,” Adler said, “will resume in January.”",
        "He did not say where.",
        'Asked about the alliance, Ambassador Ilan Korin said that it had "once again promised something ambiguously."',
        "Reporters pressed him.",
        "'We will see,' he replied.",
        "«Nothing is agreed until everything is agreed», the envoy said.",
        "The meeting ended at noon.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"We will wait," the envoy said. "Not for long."', ['"We will wait," the envoy said.', '"Not for long."']),
        ("“The talks,” he said, “will begin.” Then he left.", ["“The talks,” he said, “will begin.”", "Then he left."]),
        ("She said: “No.” They left.", ["She said: “No.”", "They left."]),
        ('"Stop!" she said. "Why?" he asked.', ['"Stop!" she said.', '"Why?" he asked.']),
        ("'No,' the envoy said. 'Never.'", ["'No,' the envoy said.", "'Never.'"]),
        ("«Non», a-t-il dit. Then silence.", ["«Non», a-t-il dit.", "Then silence."]),
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("(This is in brackets.) This is not.", ["(This is in brackets.)", "This is not."]),
        ("Headline Without A Full Stop\nThe body begins. It goes on.", ["Headline Without A Full Stop", "The body begins.", "It goes on."]),
        ("A hard-wrapped line that goes\non to the next line. Next one.", ["A hard-wrapped line that goes\non to the next line.", "Next one."]),
        ("What?! Why? Because.", ["What?!", "Why?", "Because."]),
        ("Wait... maybe not. Fine.", ["Wait... maybe not.", "Fine."]),
        ('"Unbalanced opening quote. Next sentence.', ['"Unbalanced opening quote.', "Next sentence."]),
        ("Stray closing quote.” Next sentence.", ["Stray closing quote.”", "Next sentence."]),
        ("“Nested ‘inner’ quote,” she said. Done.", ["“Nested ‘inner’ quote,” she said.", "Done."]),
        ("Prices rose 3.5 per cent. Talks stalled.", ["Prices rose 3.5 per cent.", "Talks stalled."]),
    ],
)
def test_quote_rules(nlp, text, expected):
    assert _sents(nlp(text)) == expected


def test_known_limit_abbreviation_at_sentence_end_is_not_split(nlp):
    # documented in analysis/sentences.py: "U.S." / "p.m." stay one token, so no split follows them
    assert len(_sents(nlp("They met at 3 p.m. The meeting ended."))) == 1


def test_empty_and_whitespace_docs(nlp):
    assert list(nlp("").sents) == []
    assert len(list(nlp("\n\n").sents)) == 1


def test_split_sentences_is_idempotent(nlp):
    doc = nlp('"One," he said. Two. Three!')
    before = [s.start for s in doc.sents]
    split_sentences(doc)
    assert [s.start for s in doc.sents] == before


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?,\n\"'“”‘’«»()…:—")), max_size=120))
def test_sentences_always_tile_the_text(nlp, text):
    doc = nlp(text)
    if not text:
        assert list(doc.sents) == []
        return
    _assert_tiles(doc)
