"""A quote-aware, rule-based sentence splitter (spaCy component ``discourse_sentences``).

Rules, applied to the tokens of a blank English pipeline:

1. A line break that ends a paragraph (two or more newlines) always ends a
   sentence: headline and body lines are separate sentences. A single line
   break ends a sentence when the next line starts like a sentence (capital
   letter, digit, quote mark or bullet) and the previous line ends with
   sentence punctuation or has no final punctuation at all *and* is short
   (a headline, a dateline). Hard-wrapped prose therefore stays joined.
2. ``.``, ``!``, ``?``, ``…`` end a sentence when the next word starts like a
   sentence. Closing quote marks and brackets that follow the punctuation stay
   with the sentence they close (``… deceive.” He added`` splits after ``”``).
3. A comma (or any non-final punctuation) inside a quotation never ends a
   sentence, so ``"…," the Minister said.`` stays one sentence; neither does
   final punctuation followed by a lower-case word (``"Stop!" she said``).

Known limits: an abbreviation that ends a sentence ("… the U.S. The talks")
is not split, because spaCy keeps "U.S." as one token.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["split_sentences", "FINAL_PUNCT", "CLOSERS"]

FINAL_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "..", "....", "?\"", "!\""})
CLOSERS = frozenset({'"', "”", "’", "'", "»", ")", "]", "}", "›"})
OPENERS = frozenset({'"', "“", "‘", "'", "«", "(", "[", "‹", "„", "-", "–", "—", "•", "*"})
SHORT_LINE_TOKENS = 20


def _starts_sentence(text: str) -> bool:
    c = text[:1]
    return bool(c) and (c.isupper() or c.isdigit() or c in OPENERS or c.isspace())


def split_sentences(doc: Doc) -> Doc:
    """Set sentence starts on ``doc`` by the rules in the module docstring."""
    n = len(doc)
    if n == 0:
        return doc
    texts = [t.text for t in doc]
    starts = np.full(n, -1, dtype=np.int64)
    starts[0] = 1
    line_start = 0  # index of the first token of the current line
    i = 0
    while i < n:
        text = texts[i]
        if "\n" in text and text.isspace():
            nxt = i + 1
            while nxt < n and texts[nxt].isspace():
                nxt += 1
            if nxt < n:
                blank_line = text.count("\n") >= 2 or any(texts[k].count("\n") for k in range(i + 1, nxt))
                prev = texts[i - 1] if i > 0 else ""
                ends_final = prev in FINAL_PUNCT or prev in CLOSERS or prev == ":"
                short = (i - line_start) <= SHORT_LINE_TOKENS and prev not in {",", ";", "-"}
                if blank_line or (_starts_sentence(texts[nxt]) and (ends_final or short)):
                    starts[nxt] = 1
            line_start = nxt
            i = nxt
            continue
        if text in FINAL_PUNCT:
            j = i + 1
            while j < n and texts[j] in CLOSERS and not (texts[j] in {'"', "'"} and doc[j - 1].whitespace_):
                j += 1
            k = j
            while k < n and texts[k].isspace() and "\n" not in texts[k]:
                k += 1  # extra spaces between sentences
            if k < n and not texts[k].isspace() and _starts_sentence(texts[k]) and (k > j or doc[j - 1].whitespace_):
                starts[k] = 1
            i = j
            continue
        i += 1
    doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
    return doc


@Language.component("discourse_sentences")
def discourse_sentences(doc: Doc) -> Doc:
    """spaCy component wrapper around :func:`split_sentences`."""
    return split_sentences(doc)
