"""A quote-aware, rule-based sentence splitter (spaCy component ``discourse_sentences``).

Rules, applied to the tokens of a blank English pipeline:

1. A line break that ends a paragraph (two or more newlines) always ends a
   sentence: headline and body lines are separate sentences. A single line
   break ends a sentence when the next line starts like a sentence (capital
   letter, digit, quote mark or bullet) and the previous line ends with
   sentence punctuation or a quote mark, has no final punctuation at all *and*
   is short (a headline, a dateline), or ends with an abbreviation before a
   sentence starter (rule 4). Hard-wrapped prose therefore stays joined. In a
   hard-wrapped text (two or more single line breaks go on in lower case,
   as in the UN's verbatim records) every line is short, so there a short
   line ends a sentence only when it reads as a heading (begins a sentence;
   1-12 words, each capitalised, a number or a small word like "and", "of";
   "Economic Resilience and Economic Security"): "the Russian \nFederation"
   stays one sentence. Headings in sentence case ("Regional issues") inside a
   hard-wrapped text are then joined to the next sentence.
2. ``.``, ``!``, ``?``, ``…`` end a sentence when the next word starts like a
   sentence. Closing quote marks and brackets that follow the punctuation stay
   with the sentence they close (``… deceive.” He added`` splits after ``”``).
   A mark closes if it is ``”``, ``’`` or a closing bracket; if it is a quote
   mark glued to the punctuation (``."``, ``.“`` of German ``„…“``, ``.‘`` of
   ``‚…‘``, ``.«`` of ``»…«``); or if it is ``»`` followed by a space (French
   ``« Non. »``, also with no-break spaces). A quote mark after a space and
   glued to the next word opens the next sentence (``. „Wir``, ``. »Nein``).
3. A comma (or any non-final punctuation) inside a quotation never ends a
   sentence, so ``"…," the Minister said.`` stays one sentence; neither does
   final punctuation followed by a lower-case word (``"Stop!" she said``).
   No quotation state is kept: rules 2 and 3 only look at the marks next to
   the punctuation, so every quote style (``“…”``, ``"…"``, ``„…“``,
   ``‚…‘``, ``»…«``, ``« … »``) and unbalanced marks are handled alike.
4. spaCy keeps many abbreviations as one token (``U.S.``, ``p.m.``,
   ``D.C.``), so a sentence can end without a token of its own for the full
   stop. A token ending in ``.`` ends a sentence when the next word, or an
   opening quote mark glued to it, is a *sentence starter*: a closed class of
   capitalised determiners, pronouns, conjunctions, prepositions and sentence
   adverbs (:data:`SENTENCE_STARTERS`: ``The``, ``He``, ``But``, ``In``,
   ``However``…). ``… talks with the U.S. The next round`` splits; ``the
   U.S. Congress`` and ``U.S. President Joe Biden`` do not. Never after a
   title or ``e.g.``/``i.e.``/``vs.`` (:data:`TITLES`: ``Mr.``, ``Dr.``,
   ``Gen.``, ``St.``…) or a single letter (``J. R. R. Tolkien``, list
   markers ``a.``). The full stop of a title that spaCy splits off (``Col``
   ``.``, ``Lt`` ``.``) never ends a sentence either, nor that of a
   reference word before a number (``No. 5``, ``Art. 51``, ``para. 33``).

Speed: the rules only need line breaks, final punctuation and the tokens
before a starter, quote mark or space (possible abbreviations), so those
candidates are found with numpy on ``Doc.to_array`` and only they (and their
neighbours) are examined in Python; each distinct token string is classified
once per process.

Known limits: an abbreviation before a word outside the closed class does
not end a sentence (``in Washington, D.C. Officials said``, ``at 3 p.m.
Russian forces``, ``a planet B. We``). Auxiliaries (``Is``, ``Will``…) are
not starters, as they follow ``U.S.`` in title-case headlines (``U.S. Will
Send Aid``); a title-case headline with a capitalised preposition after an
abbreviation (``Talks With U.S. In Geneva``) is split. ``St.`` for *Street*
never ends a sentence. spaCy keeps ``›Nein.‹`` as one token, so ``›…‹``
quotations are not seen.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

__all__ = ["split_sentences", "FINAL_PUNCT", "CLOSERS", "QUOTE_MARKS", "SENTENCE_STARTERS", "TITLES"]

FINAL_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "..", "....", "?\"", "!\""})
#: Marks that close whatever precedes them.
CLOSERS = frozenset({"”", "’", ")", "]", "}"})
#: Quote marks that close a sentence when glued to its final punctuation (``."`` ``.“`` ``.«``).
QUOTE_MARKS = frozenset({'"', "'", "“", "‘", "«", "»", "‹", "›"})
#: Guillemets that also close when followed by a space (French ``« Non. »``).
_SPACED_CLOSERS = frozenset({"»", "›"})
OPENERS = frozenset({'"', "“", "‘", "'", "«", "»", "(", "[", "‹", "›", "„", "‚", "-", "–", "—", "•", "*"})
_OPEN_QUOTES = frozenset({'"', "'", "“", "‘", "„", "‚", "«", "»", "‹", "›"})
SHORT_LINE_TOKENS = 20

#: Capitalised words that start a sentence after an abbreviation (rule 4): a closed class.
SENTENCE_STARTERS = frozenset(
    # determiners and pronouns
    "The This That These Those A An Its Their Our His Her My Your Some Many All Each Every Both Such Another Any "
    "Several Few Neither Either Much I We He She It They You There Here Everyone Nobody Nothing Everything "
    # conjunctions, subordinators and question words
    "But And Or So Yet Nor If When While Although Though Because Since As Once Whereas Unless After Before Until "
    "Whether What Why How Who Whom Whose Where Which "
    # prepositions that open sentences (not Under: "U.S. Under Secretary"; not To: "U.S. To Send")
    "In On At For During With Without From By Through Despite Following Among Within Throughout Between Unlike Like "
    # sentence adverbs and imperatives
    "However Moreover Furthermore Meanwhile Also Still Then Now Instead Indeed Nevertheless Nonetheless Therefore "
    "Thus Hence Finally Today Yesterday Tomorrow Earlier Later Similarly Additionally Otherwise Overall Again Even "
    "Only Yes Not Just Perhaps Maybe Clearly Rather Already Never Often Sometimes Together Unfortunately "
    "Fortunately Let Please Thank".split()
)
#: Titles and name parts after which a full stop never ends a sentence (lower case, without the ".").
TITLES = frozenset(
    "mr mrs ms mx messrs mmes mme mlle dr prof gen gens col lt sen sens rep reps gov pres st ste capt adm maj sgt "
    "cpl pvt cmdr comdr brig lieut rev fr hon amb supt insp mt vs e.g i.e cf viz".split()
)
_LOWER_TITLES = frozenset({"vs", "e.g", "i.e", "cf", "viz"})
#: Reference words whose full stop does not end a sentence before a number (``No. 5``, ``Art. 51``).
_REFERENCES = frozenset("no nos nr art arts fig figs vol vols pp para paras sec secs ch chap op res".split())

# Token classes, one bit each, computed once per distinct token string.
_SPACE = 1  # whitespace only
_HAS_NL = 2  # contains a line break
_NL = 4  # whitespace containing a line break
_NL2 = 8  # whitespace with two or more line breaks
_FINAL = 16  # sentence-final punctuation
_CLOSER = 32  # always closes: ” ’ ) ] }
_QUOTE = 64  # a quote mark that closes when glued to what precedes it
_STARTS = 128  # can start a sentence
_ENDS_LINE = 256  # a line ending with it may end a sentence (final, closer, quote mark, colon)
_JOINER = 512  # , ; - : the next line continues the sentence
_ABBR = 1024  # ends in "." and may end a sentence before a starter (rule 4)
_TITLE = 2048  # a title spaCy split from its full stop: "Col" "."
_REFERENCE = 4096  # "No" "." before a number
_STARTER = 8192  # a sentence starter (rule 4)
_OPEN_QUOTE = 16384  # a quote mark that can open a quotation
_DIGIT = 32768  # starts with a digit
_SPACED_CLOSE = 65536  # » ›: closes when followed by a space
_CLOSING = _CLOSER | _QUOTE | _SPACED_CLOSE
_FLAGS: dict[int, int] = {}
_STOP = hash_string(".")


def inner_whitespace(space: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """Whitespace tokens inside a sentence (a hard-wrapped line break, a double space).

    ``space``: is-whitespace flag per token; ``sentence``: sentence id per
    token. Whitespace at a sentence's first or last token (a paragraph break)
    separates nothing a phrase could join, so it is not inner.
    """
    inner = space.copy()
    if len(inner):
        inner[0] = inner[-1] = False
        inner[1:] &= sentence[1:] == sentence[:-1]  # not the first token of a sentence
        inner[:-1] &= sentence[:-1] == sentence[1:]  # nor the last
    return inner


def _starts_sentence(text: str) -> bool:
    c = text[:1]
    return bool(c) and (c.isupper() or c.isdigit() or c in OPENERS or c.isspace())


def _is_abbreviation(text: str) -> bool:
    """A token like ``U.S.``, ``p.m.``, ``Inc.`` that may end a sentence (not a title, not an initial)."""
    if len(text) < 2 or not text.endswith(".") or not any(c.isalpha() for c in text):
        return False
    stem = text[:-1].lower()
    return len(stem) > 1 and stem not in TITLES and stem not in _REFERENCES


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
    if text in QUOTE_MARKS:
        f |= _QUOTE
    if text in _SPACED_CLOSERS:
        f |= _SPACED_CLOSE
    if text in _OPEN_QUOTES:
        f |= _OPEN_QUOTE
    if _starts_sentence(text):
        f |= _STARTS
    if text in FINAL_PUNCT or text in CLOSERS or text in QUOTE_MARKS or text == ":":
        f |= _ENDS_LINE
    if text in (",", ";", "-"):
        f |= _JOINER
    if not (f & _FINAL) and _is_abbreviation(text):
        f |= _ABBR
    lower = text.lower()
    if lower in TITLES and (text[:1].isupper() or lower in _LOWER_TITLES):  # "Rep ." but not "reps ."
        f |= _TITLE
    if lower in _REFERENCES:
        f |= _REFERENCE
    if text in SENTENCE_STARTERS:
        f |= _STARTER
    if text[:1].isdigit():
        f |= _DIGIT
    return f


def _kind_table(*groups: frozenset) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ORTH hashes of the strings in ``groups`` and, for each, a bit per group it belongs to."""
    kinds: dict[int, int] = {}
    for bit, group in enumerate(groups):
        for h in map(hash_string, group):
            kinds[h] = kinds.get(h, 0) | (1 << bit)
    keys = np.array(sorted(kinds), dtype=np.uint64)
    return keys, np.array([kinds[k] for k in keys.tolist()], dtype=np.uint8)


# Bit 1: final punctuation; bit 2: may follow an abbreviation that ends a sentence
# (a starter, a quote mark or a closer).
_ORTH_KEYS, _ORTH_KINDS = _kind_table(FINAL_PUNCT, SENTENCE_STARTERS | QUOTE_MARKS | _OPEN_QUOTES | CLOSERS)


def _flags_of(orth: int, strings) -> int:
    f = _FLAGS.get(orth)
    if f is None:
        if len(_FLAGS) > 500_000:  # bound the memo on endless vocabularies
            _FLAGS.clear()
        f = _FLAGS[orth] = _classify(strings[orth])
    return f


def _candidates(doc: Doc) -> tuple[np.ndarray, list[int]]:
    """ORTH/SPACY array and the tokens the rules look at: line breaks, final punctuation,
    and any token before a starter, quote mark, closer or space (a possible abbreviation)."""
    arr = doc.to_array([ORTH, SPACY, IS_SPACE])
    orth, space = arr[:, 0], arr[:, 2] != 0
    idx = np.searchsorted(_ORTH_KEYS, orth) % len(_ORTH_KEYS)
    kind = np.where(_ORTH_KEYS[idx] == orth, _ORTH_KINDS[idx], 0)
    found = (kind & 1 != 0) | space
    found[:-1] |= (kind[1:] & 2 != 0) | space[1:]
    return arr, np.flatnonzero(found).tolist()


class _Tokens:
    """Token flags (memoised per string) and trailing whitespace, for the candidate scan."""

    __slots__ = ("n", "orths", "ws", "strings")

    def __init__(self, doc: Doc, arr: np.ndarray) -> None:
        self.n = len(doc)
        self.orths = arr[:, 0].tolist()
        self.ws = arr[:, 1].tolist()
        self.strings = doc.vocab.strings

    def fl(self, i: int) -> int:
        orth = self.orths[i]
        f = _FLAGS.get(orth)
        return _flags_of(orth, self.strings) if f is None else f

    def closes(self, j: int, f: int) -> bool:
        """Token ``j`` (flags ``f``) closes the quotation or bracket of the sentence before it."""
        if f & _CLOSER or (f & _QUOTE and not self.ws[j - 1]):
            return True
        return bool(f & _SPACED_CLOSE) and (j + 1 >= self.n or self.ws[j] or self.fl(j + 1) & _SPACE)

    def closers_end(self, i: int) -> int:
        """Index after the closing marks that follow token ``i`` (no-break spaces before them included)."""
        n, fl = self.n, self.fl
        j = i + 1
        while j < n:
            f = fl(j)
            if f & _CLOSING and self.closes(j, f):
                j += 1
            elif f & _SPACE and not f & _HAS_NL:  # « Non.\u00a0» : same-line space tokens, then a closer
                k = self.next_word(j)
                if k >= n or not self.closes(k, fl(k) & (_CLOSER | _SPACED_CLOSE)):
                    break
                j = k + 1
            else:
                break
        return j

    def next_word(self, j: int) -> int:
        """First token at or after ``j`` that is not a same-line space token."""
        while j < self.n and self.fl(j) & _SPACE and not self.fl(j) & _HAS_NL:
            j += 1
        return j

    def starter_at(self, k: int) -> bool:
        """Token ``k`` is a sentence starter, or an opening quote mark glued to one (rule 4)."""
        f = self.fl(k)
        if f & _STARTER:
            return True
        return bool(f & _OPEN_QUOTE) and k + 1 < self.n and not self.ws[k] and bool(self.fl(k + 1) & _STARTER)

    def no_stop(self, i: int) -> bool:
        """Token ``i`` is a full stop glued to a title (``Col .``), or to a reference before a number (``No . 5``)."""
        if self.orths[i] != _STOP or i == 0 or self.ws[i - 1]:
            return False
        prev = self.fl(i - 1)
        if not prev & (_TITLE | _REFERENCE):
            return False
        if prev & _TITLE:
            return True
        k = self.next_word(i + 1)
        return k < self.n and bool(self.fl(k) & _DIGIT)


def _hard_wrapped(t: _Tokens, candidates: list[int]) -> bool:
    """Prose broken into lines mid-sentence: at least two single line breaks go on in lower case.

    In such text every line is "short", so a line without final punctuation
    followed by a capital ("the Russian \nFederation") must not end a sentence.
    """
    wraps = 0
    for i in candidates:
        f = t.fl(i)
        if not f & _NL or f & _NL2:
            continue
        j = i + 1
        while j < t.n and t.fl(j) & _SPACE:
            if t.fl(j) & _HAS_NL:
                break
            j += 1
        if j < t.n and not t.fl(j) & (_SPACE | _STARTS):
            wraps += 1
            if wraps >= 2:
                return True
    return False


_SMALL_WORDS = frozenset("a an and at by for from in of on or the to with".split())


def _heading_line(t: _Tokens, lo: int, hi: int) -> bool:
    """Tokens [lo, hi) read as a heading: 1-12 words, each capitalised, a number or a small word,
    the first and last capitalised or a number, the last no sentence starter ("Economic Security",
    "Ukraine", "A/70/PV.16 29/09/2015"; not "The United")."""
    words = [k for k in range(lo, hi) if not t.fl(k) & _SPACE and t.strings[t.orths[k]][:1].isalnum()]
    if not 1 <= len(words) <= 12:
        return False
    for k in words:
        if not t.fl(k) & _STARTS and t.strings[t.orths[k]] not in _SMALL_WORDS:
            return False
    return bool(t.fl(words[0]) & _STARTS and t.fl(words[-1]) & _STARTS) and not t.fl(words[-1]) & _STARTER


def _line_break(t: _Tokens, i: int, line_start: int, wrapped: bool = False,
                line_begins: bool = False) -> tuple[int, int]:
    """Rule 1 at the line-break token ``i``: (sentence start or -1, index after the break).

    ``wrapped``: the text is hard-wrapped (:func:`_hard_wrapped`); ``line_begins``:
    the line before the break begins a sentence.
    """
    n = t.n
    nxt = i + 1
    blank_line = bool(t.fl(i) & _NL2)
    while nxt < n and t.fl(nxt) & _SPACE:
        blank_line = blank_line or bool(t.fl(nxt) & _HAS_NL)
        nxt += 1
    if nxt >= n:
        return -1, nxt
    if blank_line:
        return nxt, nxt
    if not t.fl(nxt) & _STARTS:
        return -1, nxt
    prev = t.fl(i - 1) if i > 0 else 0
    if prev & _ENDS_LINE and t.no_stop(i - 1):
        prev &= ~_ENDS_LINE  # "Lt." at the end of a hard-wrapped line
    # in hard-wrapped text only a heading is a short line that ends a sentence
    heading = wrapped and line_begins and _heading_line(t, line_start, i)
    short = (not wrapped or heading) and (i - line_start) <= SHORT_LINE_TOKENS and not prev & _JOINER
    if prev & _ENDS_LINE or short or (prev & _ABBR and t.starter_at(nxt)):
        return nxt, nxt
    return -1, nxt


def _after_stop(t: _Tokens, i: int, f: int) -> tuple[int, int]:
    """Rules 2 and 4 at final punctuation or an abbreviation ``i`` (flags ``f``).

    Returns (sentence start or -1, resume index).
    """
    j = t.closers_end(i)
    k = t.next_word(j)
    if k >= t.n:
        return -1, j
    fk = t.fl(k)
    if fk & _SPACE or not (k > j or t.ws[j - 1]):
        return -1, j  # a line break (rule 1 decides), or no space after the stop
    if f & _FINAL:
        return (k if fk & _STARTS and not t.no_stop(i) else -1), j
    return (k if t.starter_at(k) else -1), j


def split_sentences(doc: Doc) -> Doc:
    """Set sentence starts on ``doc`` by the rules in the module docstring.

    Only candidate tokens (line breaks, final punctuation and possible
    abbreviations, found with numpy) and their neighbours are looked at in Python.
    """
    n = len(doc)
    if n == 0:
        return doc
    arr, candidates = _candidates(doc)
    starts = np.full(n, -1, dtype=np.int64)
    starts[0] = 1
    if candidates:
        t = _Tokens(doc, arr)
        wrapped = _hard_wrapped(t, candidates)
        line_start = 0
        resume = 0  # tokens before this index were consumed by a rule
        for i in candidates:
            if i < resume:
                continue
            f = t.fl(i)
            if f & _NL:
                start, resume = _line_break(t, i, line_start, wrapped, starts[line_start] == 1)
                line_start = resume
            elif f & (_FINAL | _ABBR):
                start, resume = _after_stop(t, i, f)
            else:
                continue
            if start >= 0:
                starts[start] = 1
    doc.from_array([SENT_START], starts.astype(np.uint64).reshape(-1, 1))
    return doc


@Language.component("discourse_sentences")
def discourse_sentences(doc: Doc) -> Doc:
    """spaCy component wrapper around :func:`split_sentences`."""
    return split_sentences(doc)
