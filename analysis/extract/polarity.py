"""TextBlob's lexicon sentiment for many texts at once: the same numbers, several times faster.

``TextBlob(text).sentiment`` (the default ``PatternAnalyzer``) tokenizes the
text with pattern's tokenizer, lower-cases the tokens and walks them once
through the adjective lexicon that ships with TextBlob (``en-sentiment.xml``),
handling modifiers ("very good"), negations ("not good"), "!" and emoticons.
About half of its time goes into calling the tokenizer's dozen regular
expressions once per sentence, most of the rest into the lexicon's lazy
dictionary, which re-checks whether it is loaded at every look-up.

:func:`score_texts` computes the same thing for a batch of texts (a
document's sentences):

* the batch is joined with a separator token and passes the tokenizer's
  string replacements (contractions, quotation marks, line breaks) once;
* each distinct whitespace-separated chunk is split into tokens once (leading
  and trailing punctuation, abbreviations: pattern's own loop, remembered);
* the lexicon walk is pattern's ``Sentiment.assessments`` rewritten on a
  plain dict, keeping only what the two averages need;
* a text in which pattern's sarcasm or emoticon rewriting could apply (a
  regular-expression search over the batch finds it), or that holds the
  separator character, is scored by TextBlob itself.

The values are TextBlob's, bit for bit: the code uses the installed TextBlob's
own lexicon, constants and regular expressions, sums in the same order, and
checks itself against TextBlob on a battery of awkward sentences when first
used (if any differs -- another TextBlob version, say -- every text is
scored by TextBlob itself). ``tests/extract/test_polarity.py`` compares it
with ``TextBlob(sentence).sentiment`` on every sentence of the bundled and
check corpora and on generated text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import Sequence

__all__ = ["score_texts", "textblob_sentiment", "SELF_TEST"]

#: Separator token between the texts of a batch (a text that contains it is scored by TextBlob itself).
_SEPARATOR = "\x00"
#: Distinct chunks whose tokens are remembered (the memo is emptied when it grows past this).
_MEMO_LIMIT = 200_000

#: Sentences on which the batched scorer is checked against TextBlob before it is trusted.
SELF_TEST = (
    "This is a great and honest proposal.",
    "It is not a good idea, and it's not really bad either!",
    "We don't think it is very, very bad... The Minister was extremely happy!!",
    "Mr. Smith said the U.S. was not at all helpful (!) today.",
    "\u201cThey will never be truly sincere,\u201d he said. \u2018Never.\u2019",
    "Absolutely not good :-) but XD 8) and <3 ;-) :'( as well",
    "Paragraph 8) refers to the \"main\" issue; see item 3:D.",
    "Line one\n\nline two is wonderful\r\nand terrible END-OF-SENTENCE really",
    "It was n't bad, wasn't it? Isn't it awful. Can't be better.",
    "The hand-held, well-intentioned, top-notch plan... was mind-boggling.",
    "NOT GOOD. Not Bad! Very Nice. Really not happy. Hardly ever useless",
    "",
    "   ",
    "!!!",
    "He said: \"good\" 'bad' ''great'' `fine` -- (awful) [nice] {sad}",
    "\u0130stanbul \u03a3\u039f\u03a3 na\u00efve caf\u00e9 good",
)


class _Scorer:
    """The installed TextBlob's lexicon and tokenizer constants, in plain Python structures."""

    def __init__(self) -> None:
        from textblob import _text as pattern
        from textblob.en import sentiment as lexicon

        len(lexicon)  # loads the lazy dictionary
        self.pattern, self.lexicon = pattern, lexicon
        modifiers = tuple(lexicon.modifiers)
        # word -> (polarity, subjectivity, intensity, is a modifier); only the entries a
        # part-of-speech-less look-up (pos None, what TextBlob(text) does) can reach
        self.entries: dict[str, tuple] = {}
        for word, by_pos in dict.items(lexicon):
            if None in by_pos:
                p, s, i = by_pos[None]
                self.entries[word] = (p, s, i, any(m in by_pos for m in modifiers))
        self.negations = frozenset(lexicon.negations)
        self.modifier = lexicon.modifier
        self.modifiers = modifiers
        self.punctuation_string = pattern.PUNCTUATION
        self.emoticons: dict[str, float] = {}
        for (_, p), faces in pattern.EMOTICONS.items():  # first match wins, as in pattern's loop
            for face in faces:
                self.emoticons.setdefault(face.lower(), p)
        self.replacements = list(pattern.replacements.items())
        self.replace = dict(pattern.replacements)
        self.leading = tuple(pattern.PUNCTUATION.replace(".", ""))
        self.trailing = self.leading + (".",)
        self.abbreviations = pattern.ABBREVIATIONS
        self.abbr = (pattern.RE_ABBR1, pattern.RE_ABBR2, pattern.RE_ABBR3)
        self.eos = pattern.EOS
        self.sarcasm, self.emoticon_re = pattern.RE_SARCASM, pattern.RE_EMOTICONS
        # tokens that can make an assessment: without one, a text scores (0.0, 0.0)
        self.scoring = frozenset(self.entries) | {"(!)"} | frozenset(self.emoticons)
        self.original: dict[str, tuple[str, ...]] = {}
        self.lowered: dict[str, tuple[str, ...]] = {}
        self.trusted = self._trusted()

    # ------------------------------------------------------------------ tokens

    def _split(self, t: str) -> tuple[str, ...]:
        """pattern's ``find_tokens`` loop for one whitespace-separated chunk (same tokens, same order)."""
        replace = self.replace
        tokens: list[str] = []
        tail: list[str] = []
        punctuation = self.leading
        while t.startswith(punctuation) and t not in replace:
            tokens.append(t[0])
            t = t[1:]
        while t.endswith(self.trailing) and t not in replace:
            if t.endswith(punctuation):
                tail.append(t[-1])
                t = t[:-1]
            if t.endswith("..."):
                tail.append("...")
                t = t[:-3].rstrip(".")
            if t.endswith("."):
                if t in self.abbreviations or any(r.match(t) is not None for r in self.abbr):
                    break
                tail.append(t[-1])
                t = t[:-1]
        if t != "":
            tokens.append(t)
        tokens.extend(reversed(tail))
        return tuple(tokens)

    def _remember(self, chunks: list[str]) -> None:
        """Split every chunk not yet in the memos (original-case tokens for the regular expressions,
        lower-cased ones for the lexicon); sentence-end markers are dropped, as pattern drops them."""
        missing = set(chunks).difference(self.lowered)
        if len(self.lowered) + len(missing) > _MEMO_LIMIT:
            self.original.clear()
            self.lowered.clear()
            missing = set(chunks)
        for chunk in missing:
            tokens = tuple(x for x in self._split(chunk) if x != self.eos)
            self.original[chunk] = tokens
            self.lowered[chunk] = tuple(self._plain(x.lower()) for x in tokens)
        self.original[_SEPARATOR] = self.lowered[_SEPARATOR] = (_SEPARATOR,)

    def _plain(self, w: str) -> str:
        """``""`` for a word whose only effect in the lexicon walk is to end a pending modifier and
        negation (unknown, not a negation, "!", "(!)" or emoticon, 3+ characters); else ``w``."""
        if (w in self.entries or w in self.negations or w in self.emoticons or w in ("!", "(!)")
                or len(w) <= 2 or len(w.strip("'")) <= 1):
            return w
        return ""

    def _prepare(self, joined: str) -> str:
        """pattern's whole-string steps: contractions, quotation marks, line breaks."""
        for a, b in self.replacements:  # re.sub with a literal pattern == str.replace
            joined = joined.replace(a, b)
        joined = (joined.replace("\u201c", " \u201c ").replace("\u201d", " \u201d ").replace("\u2018", " \u2018 ")
                  .replace("\u2019", " \u2019 ").replace("'", " ' ").replace('"', ' " '))
        joined = joined.replace("\r\n", "\n")
        if "\n\n" in joined:
            joined = re.sub(r"\n{2,}", f" {self.eos} ", joined)
        return joined

    # ------------------------------------------------------------------ scores

    def _assess(self, words: Sequence[str]) -> tuple[float, float]:
        """pattern's ``Sentiment.assessments`` + averages for lower-cased tokens (part of speech None)."""
        entries, negations, emoticons = self.entries, self.negations, self.emoticons
        a: list[list] = []  # [polarity, subjectivity, intensity, negated]
        m = None  # preceding modifier
        n = None  # preceding negation
        for w in words:
            if not w:  # a plain unknown word (see _plain): what pattern's branch for it comes down to
                m = None
                n = None
                continue
            entry = entries.get(w)
            if entry is not None:
                p, s, i, is_modifier = entry
                if m is None:
                    a.append([p, s, i, 1])
                else:
                    last = a[-1]
                    last[0] = max(-1.0, min(p * last[2], +1.0))
                    last[1] = max(-1.0, min(s * last[2], +1.0))
                    last[2] = i
                if n is not None:
                    last = a[-1]
                    last[2] = 1.0 / last[2]
                    last[3] = -1
                m = None
                n = None
                if is_modifier:
                    m = w
                if w in negations:
                    n = w
            else:
                if w in negations:
                    n = w
                elif n and len(w.strip("'")) > 1:
                    n = None
                if n is not None and m is not None and self.modifier(m):
                    a[-1][3] = -1
                    n = None
                elif m is not None and len(w) > 2:
                    m = None
                if w == "!" and len(a) > 0:
                    a[-1][0] = max(-1.0, min(a[-1][0] * 1.25, +1.0))
                if w == "(!)":
                    a.append([0.0, 1.0, 1.0, 1])
                if w.isalpha() is False and len(w) <= 5 and w not in self.punctuation_string:
                    face = emoticons.get(w)
                    if face is not None:
                        a.append([face, 1.0, 1.0, 1])
        polarity, subjectivity, count = 0, 0, 0
        for p, s, _, negated in a:  # summed in order, like pattern's avg(): never sum() (Python 3.12 compensates)
            polarity += p * -0.5 if negated < 0 else p
            subjectivity += s
            count += 1
        return float(polarity / float(count or 1)), float(subjectivity / float(count or 1))

    def score(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """``(polarity, subjectivity)`` of each text, as TextBlob computes it."""
        out: list[tuple[float, float] | None] = [None] * len(texts)
        batch = [i for i, t in enumerate(texts) if _SEPARATOR not in t] if self.trusted else []
        if batch:
            joined = self._prepare(f" {_SEPARATOR} ".join(texts[i] for i in batch))
            chunks = joined.split()
            self._remember(chunks)
            # texts where pattern's sarcasm "(!)" or emoticon rewriting could change the tokens
            flat = " ".join(chain.from_iterable(map(self.original.__getitem__, chunks)))
            unsure = {flat.count(_SEPARATOR, 0, match.start())
                      for regex in (self.sarcasm, self.emoticon_re) for match in regex.finditer(flat)}
            words = list(chain.from_iterable(map(self.lowered.__getitem__, chunks)))
            words.append(_SEPARATOR)
            scoring, start = self.scoring, 0
            for k, i in enumerate(batch):
                end = words.index(_SEPARATOR, start)
                if k not in unsure:
                    text_words = words[start:end]
                    out[i] = (0.0, 0.0) if scoring.isdisjoint(text_words) else self._assess(text_words)
                start = end + 1
        for i, value in enumerate(out):
            if value is None:
                out[i] = textblob_sentiment(texts[i])
        return out  # type: ignore[return-value]

    def _trusted(self) -> bool:
        self.trusted = True
        try:
            fast = self.score(list(SELF_TEST))
        except Exception:  # pragma: no cover - another TextBlob whose internals differ
            return False
        return fast == [textblob_sentiment(t) for t in SELF_TEST]


def textblob_sentiment(text: str) -> tuple[float, float]:
    """``(polarity, subjectivity)`` from TextBlob's own lexicon function: exactly ``TextBlob(text).sentiment``.

    (The function TextBlob's default ``PatternAnalyzer.analyze`` calls; calling
    it directly skips the namedtuple class ``analyze`` builds at every call.)
    """
    from textblob.en import sentiment as pattern_sentiment

    polarity, subjectivity = pattern_sentiment(text)
    return float(polarity), float(subjectivity)


@lru_cache(maxsize=1)
def _scorer() -> _Scorer:
    return _Scorer()


def score_texts(texts: Sequence[str]) -> list[tuple[float, float]]:
    """``(polarity, subjectivity)`` of each text: exactly ``TextBlob(text).sentiment``, batched.

    Pass many texts at once (a document's sentences): the tokenizer's string
    steps then run once per batch. The lexicon is loaded once per process
    (about a second).

    Example:
        >>> score_texts(["This is a great and honest proposal.", "It is not good.", "Talks resumed."])
        [(0.7, 0.825), (-0.35, 0.6000000000000001), (0.0, 0.0)]
    """
    if isinstance(texts, str):
        raise TypeError("score_texts takes a sequence of texts, not one string; use score_text for one")
    return _scorer().score(list(texts))
