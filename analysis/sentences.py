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

Speed: the rules only need the line breaks and the final punctuation, so
those candidates are found with numpy on ``Doc.to_array`` and only they (and
their neighbours) are examined in Python; each distinct token string is
classified once per process.

Known limits: an abbreviation that ends a sentence ("… the U.S. The talks")
is not split, because spaCy keeps "U.S." as one token.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, ORTH, SENT_START, SPACY
from spacy.strings import hash_string
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["split_sentences", "FINAL_PUNCT", "CLOSERS"]

FINAL_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "..", "....", "?\"", "!\""})
CLOSERS = frozenset({'"', "”", "’", "'", "»", ")", "]", "}", "›"})
OPENERS = frozenset({'"', "“", "‘", "'", "«", "(", "[", "‹", "„", "-", "–", "—", "•", "*"})
SHORT_LINE_TOKENS = 20

# Token classes, one bit each, computed once per distinct token string.
_SPACE = 1  # whitespace only
_HAS_NL = 2  # contains a line break
_NL = 4  # whitespace containing a line break
_NL2 = 8  # whitespace with two or more line breaks
_FINAL = 16  # sentence-final punctuation
_CLOSER = 32  # closing quote or bracket
_STRAIGHT = 64  # straight quote (" or ')
_STARTS = 128  # can start a sentence
_ENDS_LINE = 256  # a line ending with it may end a sentence (final, closer, colon)
_JOINER = 512  # , ; - : the next line continues the sentence
_FLAGS: dict[int, int] = {}


def _starts_sentence(text: str) -> bool:
    c = text[:1]
    return bool(c) and (c.isupper() or c.isdigit() or c in OPENERS or c.isspace())


def _classify(text: str) -> int:
    space = text.isspace()
    f = _SPACE if space else 0
    if "\n" in text:
        f |= _HAS_NL
        if space:
            f |= _NL | (_NL2 if text.count("\n") >= 2 else 0)
    if text in FINAL_PUNCT:
        f |= _FINAL
    if text in CLOSERS:
        f |= _CLOSER
    if text in ('"', "'"):
        f |= _STRAIGHT
    if _starts_sentence(text):
        f |= _STARTS
    if text in FINAL_PUNCT or text in CLOSERS or text == ":":
        f |= _ENDS_LINE
    if text in (",", ";", "-"):
        f |= _JOINER
    return f


_FINAL_ORTHS = np.array(sorted(hash_string(s) for s in FINAL_PUNCT), dtype=np.uint64)


def _flags_of(orth: int, strings) -> int:
    f = _FLAGS.get(orth)
    if f is None:
        if len(_FLAGS) > 500_000:  # bound the memo on endless vocabularies
            _FLAGS.clear()
        f = _FLAGS[orth] = _classify(strings[orth])
    return f


def split_sentences(doc: Doc) -> Doc:
    """Set sentence starts on ``doc`` by the rules in the module docstring.

    Only candidate tokens (line breaks and final punctuation, found with numpy)
    and their neighbours are looked at in Python.
    """
    n = len(doc)
    if n == 0:
        return doc
    arr = doc.to_array([ORTH, SPACY, IS_SPACE])
    final = _FINAL_ORTHS[np.searchsorted(_FINAL_ORTHS, arr[:, 0]) % len(_FINAL_ORTHS)] == arr[:, 0]
    candidates = np.flatnonzero(final | (arr[:, 2] != 0)).tolist()
    starts = np.full(n, -1, dtype=np.int64)
    starts[0] = 1
    if candidates:
        strings = doc.vocab.strings
        orths = arr[:, 0].tolist()
        ws = arr[:, 1].tolist()
        memo: dict[int, int] = {}

        def fl(i: int) -> int:
            f = memo.get(i)
            if f is None:
                f = memo[i] = _flags_of(orths[i], strings)
            return f

        line_start = 0
        resume = 0  # tokens before this index were consumed by a rule
        for i in candidates:
            if i < resume:
                continue
            f = fl(i)
            if f & _NL:
                nxt = i + 1
                blank_line = bool(f & _NL2)
                while nxt < n and fl(nxt) & _SPACE:
                    blank_line = blank_line or bool(fl(nxt) & _HAS_NL)
                    nxt += 1
                if nxt < n:
                    prev = fl(i - 1) if i > 0 else 0
                    short = (i - line_start) <= SHORT_LINE_TOKENS and not prev & _JOINER
                    if blank_line or (fl(nxt) & _STARTS and (prev & _ENDS_LINE or short)):
                        starts[nxt] = 1
                line_start = resume = nxt
            elif f & _FINAL:
                j = i + 1
                while j < n and fl(j) & _CLOSER and not (fl(j) & _STRAIGHT and ws[j - 1]):
                    j += 1
                k = j
                while k < n and fl(k) & _SPACE and not fl(k) & _HAS_NL:
                    k += 1
                if k < n and not fl(k) & _SPACE and fl(k) & _STARTS and (k > j or ws[j - 1]):
                    starts[k] = 1
                resume = j
    doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
    return doc


@Language.component("discourse_sentences")
def discourse_sentences(doc: Doc) -> Doc:
    """spaCy component wrapper around :func:`split_sentences`."""
    return split_sentences(doc)
