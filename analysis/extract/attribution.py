"""Reported speech: who says what, through whom, about whom.

:func:`doc_attributions` finds every attribution in a parsed Doc with
transparent rules — no parser, no trained model — using the quotation marks,
the sentence boundaries, the ``ACTOR``/``TITLE`` entities of the actor ruler
and the reporting-cue lexicon in ``analysis/data/reporting_verbs.yaml``.
One record per attribution (keys :data:`ATTRIBUTION_COLUMNS`); ``kind`` is

``direct``
    a quotation (any style: ``"…" “…” «…» « … » ‘…’ '…'``, German ``„…“``
    and ``‚…‘``, reversed ``»…«``) with its speaker, given
    after (``"…," the Minister said``, ``"…," said Lavrov``, ``"…" - Matthew
    Ingram``), before (``Lavrov said: "…"``, ``Lavrov specified that "…"``
    when the quotation runs to the end of the sentence, ``a quote attributed
    to Einstein — "…"``), around (``"The talks," he said, "will …"``: one
    record per quoted stretch), as a headline or transcript label
    (``Russian Foreign Ministry: …``, ``THE PRESIDENT: …``; a label is
    resolved once per document, the document's ``speaker`` metadata first
    for titles), or in a neighbouring sentence: an introduction ending in
    ``:``, the attribution or speech verb of the sentence before, the next
    sentence's ``He added …``, and last the person the sentence before is
    about. A quotation may span sentences and paragraphs: a paragraph that
    opens a quotation continues into the next one when that starts with a
    quotation mark, or closes it without reopening.
``partial``
    a quoted fragment inside reported speech or a sentence with a speech
    cue (``recalled that NATO had proposed "through Stoltenberg's mouth"``,
    ``Lavrov called the talks "chatter"``); its speaker is the reporting
    clause's. Not attributions: titles in quotation marks ("Better Idea of
    Afghan Girls"), one or two quoted words without a framing speaker, and
    up to three words in a sentence with no speech cue (scare quotes).
``indirect``
    ``SPEAKER [also/further/…] VERB [listener] that …`` (also ``how``/
    ``whether``…; ``that`` may be omitted after ``that_optional`` verbs, or
    when a finite auxiliary soon follows: "noted pollution is rising"),
    ``…, saying that …`` (speaker: the first actor of the sentence),
    ``X resigned and said that …``, ``…, Zakharova claimed.``,
    ``The sanctions, said Price, will …`` and ``as announced by X``.
``according_to``
    ``according to X``, ``citing X``, ``X's spokesperson said``, ``in X's
    words``, ``as X said`` in the narrator's voice; X must be a source (a
    name, title, pronoun or a phrase with a source noun: not "according to
    plan").
``agentless``
    no source named: ``it was reported that``, ``reportedly``,
    ``sources say``, ``according to media reports`` (the longest cue wins).
``authority``
    ``as the President said`` or ``in the words of X`` *inside someone's
    speech* — a quotation, reported speech, or the narration of a
    first-person document (metadata ``speaker`` and a ``genre`` that is not
    news): ``speaker`` is the quoting voice, ``principal`` the authority (a
    title is resolved in the speaker's camp: Lavrov's "President" is
    Vladimir Putin).
``proxy``
    an actor presented as another's mouthpiece: ``speaker`` is the
    mouthpiece, ``principal`` the claimed principal (``through Stoltenberg's
    mouth … at the suggestion of the US``; ``at Washington's behest``;
    ``X, a puppet of Y``). Both slots must name someone.
``source_credit``
    a news-agency credit: ``metadata["source_credit"]`` from cleaning (no
    offsets), ``(Reuters) -``, ``/TASS/``, ``Source: X`` lines and
    ``TASS reports`` for gazetteer actors of type ``media``.

Speakers: ``speaker_text`` is the words naming the speaker (``"the
Minister"``, ``"He"``, ``"a spokesman"``); ``speaker`` is the canonical
gazetteer name it resolves to, or ``""``. Titles resolve to a holder named
in apposition, else the most recently named holder, else the document's
``speaker`` if it holds the title; pronouns ``he``/``she`` to the most
recent compatible speaker, then the most recent compatible person; names
outside the gazetteer keep ``speaker`` empty (their offsets are kept as the
antecedent of later pronouns). Unbalanced quotation marks never stop the
analysis: the odd mark is skipped (or an unclosed quotation ends with its
paragraph) and a one-line warning ``"<doc_id>: … at offset N"`` is appended
to ``warnings``.

Cost is linear in the document: one PhraseMatcher pass, one regular
expression pass for quotation marks, vectorised token arrays (cached per
Doc, see :func:`token_index`, :func:`doc_text`) and rules that look at most
400 tokens around a cue.

Known limits: no syntax, so long subjects ("The head of the committee that
… said") are cut to their last noun phrase, object clauses without ``that``
after verbs that require it are missed, content split by an aside keeps its
longer side, block quotations without quotation marks are not found, and
coreference is a recency rule. GUM Wikinews figures: ``benchmarks/attribution_gum.py``.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..nlp.gazetteer import ACTOR_LABEL, TITLE_LABEL, Gazetteer, load_gazetteer
from ..errors import LexiconError
from ..io import read_user_file, read_yaml
from ..paths import PACKAGE_DIR
from ..nlp.docarrays import doc_id_of
from ..nlp.docarrays import _cached, doc_ents, doc_text, token_ends, token_index, token_lower, token_punct

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "KINDS",
    "DEFAULT_LEXICON",
    "Attribution",
    "Lexicon",
    "LexiconError",
    "load_lexicon",
    "find_attributions",
    "doc_attributions",
    "attributions_frame",
    "attributions",
    "resolve_titles",
    "token_index",
    "doc_text",
]

#: Keys of an attribution record, in table order.
ATTRIBUTION_COLUMNS = [
    "doc_id", "kind", "speaker", "speaker_text", "speaker_start", "speaker_end",
    "cue", "cue_start", "cue_end", "content", "content_start", "content_end",
    "sentence_id", "principal",
]
#: The attribution kinds, in table order.
KINDS = ("direct", "partial", "indirect", "according_to", "agentless", "authority", "proxy", "source_credit")
_OFFSET_COLUMNS = ("speaker_start", "speaker_end", "cue_start", "cue_end", "content_start", "content_end", "sentence_id")
DEFAULT_LEXICON = PACKAGE_DIR / "data" / "reporting_verbs.yaml"


# ---------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------
_PHRASE_FAMILIES = (
    "according_to", "in_words", "agentless", "credit_verbs",
    "proxy_mouthpiece", "proxy_principal", "proxy_subject_is_mouthpiece",
)
_LEX_KEYS = {"id", "version", "verbs", "characterising", "speaker_nouns", "source_nouns", "skip_before_verb", "listeners",
             "phrases"}


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The validated reporting-cue lexicon (see ``reporting_verbs.yaml`` for every field)."""

    verbs: dict  # form (lower-case, may be several words) -> (lemma, mode: "bare" | "clause" | "that")
    characterising: frozenset
    speaker_nouns: frozenset
    source_nouns: frozenset
    skip_before_verb: frozenset
    listeners: tuple  # tuples of lower-case words
    phrases: dict  # family -> tuple of phrases
    path: str = ""
    sha256: str = ""


def _word_list(value, what: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{what} must be a list of non-empty strings", path=path)
    return tuple(" ".join(v.lower().split()) for v in value)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a reporting-cue lexicon (default: the bundled one).

    Raises:
        LexiconError: one line naming the file and the problem.
    """
    path = Path(path) if path is not None else DEFAULT_LEXICON
    return _load_lexicon(str(path))


@lru_cache(maxsize=4)
def _load_lexicon(path_str: str) -> Lexicon:
    path = Path(path_str)
    raw = read_user_file(path, what="lexicon file", error=LexiconError)
    data = read_yaml(raw, path, what="lexicon file", error=LexiconError).data
    if not isinstance(data, dict) or not isinstance(data.get("verbs"), dict):
        raise LexiconError("expected a mapping with a 'verbs:' mapping", path=path)
    unknown = set(data) - _LEX_KEYS
    if unknown:
        raise LexiconError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", path=path)
    verbs: dict[str, tuple[str, bool]] = {}
    for lemma, spec in data["verbs"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("forms"), list):
            raise LexiconError("each verb needs a 'forms:' list", path=path, where=f"verb {lemma!r}")
        extra = set(spec) - {"forms", "that_optional", "needs_that"}
        if extra:
            raise LexiconError(f"unknown key(s): {', '.join(sorted(extra))}", path=path, where=f"verb {lemma!r}")
        for key in ("that_optional", "needs_that"):
            if not isinstance(spec.get(key, False), bool):
                raise LexiconError(f"{key} must be true or false", path=path, where=f"verb {lemma!r}")
        mode = "bare" if spec.get("that_optional") else ("that" if spec.get("needs_that") else "clause")
        for form in _word_list(spec["forms"], f"verb {lemma!r} forms", path):
            verbs[form] = (str(lemma), mode)
    phrases_raw = data.get("phrases") or {}
    if not isinstance(phrases_raw, dict):
        raise LexiconError("'phrases' must be a mapping of family -> list", path=path)
    unknown = set(phrases_raw) - set(_PHRASE_FAMILIES)
    if unknown:
        raise LexiconError(
            f"unknown phrase family {', '.join(sorted(unknown))}; known: {', '.join(_PHRASE_FAMILIES)}", path=path
        )
    phrases = {}
    for fam in _PHRASE_FAMILIES:
        items = _word_list(phrases_raw.get(fam), f"phrases.{fam}", path)
        for p in items:
            if p.split().count("x") > 1:
                raise LexiconError(f"phrase {p!r} has more than one X slot", path=path, where=f"phrases.{fam}")
        phrases[fam] = items
    return Lexicon(
        verbs=verbs,
        characterising=frozenset(_word_list(data.get("characterising"), "characterising", path)),
        speaker_nouns=frozenset(_word_list(data.get("speaker_nouns"), "speaker_nouns", path)),
        source_nouns=frozenset(_word_list(data.get("source_nouns"), "source_nouns", path)),
        skip_before_verb=frozenset(_word_list(data.get("skip_before_verb"), "skip_before_verb", path)),
        listeners=tuple(tuple(x.split()) for x in _word_list(data.get("listeners"), "listeners", path)),
        phrases=phrases,
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
@dataclass
class Attribution:
    """One attribution with character offsets (``-1`` = absent) and resolution details.

    ``antecedent_start``/``antecedent_end`` locate the named mention that a
    pronoun or title speaker was resolved to (``-1`` when none): the
    benchmark uses them; the record keeps only ``speaker``.
    """

    kind: str
    sentence_id: int = -1
    speaker: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    cue_start: int = -1
    cue_end: int = -1
    content_start: int = -1
    content_end: int = -1
    principal: str = ""
    speaker_text_override: str = ""
    cue_override: str = ""
    antecedent_start: int = -1
    antecedent_end: int = -1

    def record(self, doc_id: str, text: str) -> dict:
        """The record of this attribution (keys :data:`ATTRIBUTION_COLUMNS`)."""

        def part(s: int, e: int, override: str = "") -> str:
            return text[s:e] if s >= 0 else override

        def off(v: int):
            return v if v >= 0 else pd.NA

        return {
            "doc_id": doc_id,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_text": part(self.speaker_start, self.speaker_end, self.speaker_text_override),
            "speaker_start": off(self.speaker_start),
            "speaker_end": off(self.speaker_end),
            "cue": part(self.cue_start, self.cue_end, self.cue_override),
            "cue_start": off(self.cue_start),
            "cue_end": off(self.cue_end),
            "content": part(self.content_start, self.content_end),
            "content_start": off(self.content_start),
            "content_end": off(self.content_end),
            "sentence_id": off(self.sentence_id),
            "principal": self.principal,
        }


@dataclass
class _Mention:
    """A phrase that names (or points to) an actor: token span + how it names."""

    start: int
    end: int
    kind: str  # actor | title | pronoun | name | np
    key: str = ""  # canonical name (actor), title key (title), lower-case pronoun
    canonical: str = ""
    ante: tuple[int, int] = (-1, -1)
    owner: "_Mention | None" = None  # "NATO's spokesperson": the NATO mention


@dataclass
class _Raw:
    """An attribution before its speaker is resolved."""

    kind: str
    sent: int
    mention: _Mention | None = None
    cue: tuple[int, int] = (-1, -1)  # char offsets
    content: tuple[int, int] = (-1, -1)  # char offsets
    principal: _Mention | None = None
    principal_name: str = ""
    needs: str = ""  # "" | "context" (direct without speaker) | "outer" (authority/partial in speech)
    quote: int = -1
    order: int = 0
    resolved: Attribution | None = None
    mouthpiece_anchor: int = -1
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Quotations
# ---------------------------------------------------------------------------
_QUOTE_RE = re.compile(r"[\"“”«»„‟‘’'‹›‚]")
_DOUBLE_OPEN = frozenset("“„‟")
_DOUBLE_CLOSE = frozenset("”")
_SINGLE_OPEN = frozenset("‘‹‚")
_SINGLE_CLOSE = frozenset("’›")
#: A low opening mark and the mark that closes it besides ” and ’: German „…“ and ‚…‘.
_LOW_CLOSERS = {"„": "“", "‚": "‘"}
_OPEN_CONTEXT = frozenset(" \t\n\r([{—–-/:")
_MAX_SINGLE_CHARS = 600


@dataclass
class _Quote:
    start: int  # char of the opening mark
    end: int  # char after the closing mark
    content_start: int
    content_end: int
    open_tok: int = -1
    close_tok: int = -1
    unclosed: bool = False  # closed by the end of its paragraph, not by a mark


def _paragraph_breaks(text: str) -> tuple[list[int], bool]:
    """Positions of paragraph breaks; blank lines when the text has any, else every newline."""
    blank = [m.start() for m in re.finditer(r"\n[ \t\r]*\n", text)]
    if blank:
        return blank, True
    return [m.start() for m in re.finditer(r"\n", text)], False


def _next_break(breaks: list[int], pos: int) -> int:
    i = bisect.bisect_right(breaks, pos)
    return breaks[i] if i < len(breaks) else pos


def _at_line_start(text: str, pos: int) -> bool:
    line = text.rfind("\n", 0, pos) + 1
    return not text[line:pos].strip()


def _guillemet_role(c: str, prev: str, nxt: str) -> str:
    """« opens and » closes (``«…»``, ``« … »``), except in the reversed style ``»…«``:
    ``»`` after a space and glued to a word opens, ``«`` glued to what precedes it closes."""
    if c == "»":
        return "open" if prev in _OPEN_CONTEXT and nxt.isalnum() else "close"
    return "close" if not prev.isspace() and prev not in _OPEN_CONTEXT and not nxt.isalnum() else "open"


def _find_quotes(text: str, doc_id: str, warnings: list[str] | None) -> list[_Quote]:
    """Pair quotation marks into spans (top level only; nested marks are skipped)."""
    breaks, _blank = _paragraph_breaks(text)
    n = len(text)

    def brk_between(a: int, b: int) -> bool:
        i = bisect.bisect_left(breaks, a)
        return i < len(breaks) and breaks[i] < b

    def warn(pos: int, what: str) -> None:
        if warnings is not None:
            warnings.append(f"{doc_id or '<doc>'}: {what} {text[pos]!r} at offset {pos}")

    doubles: list[tuple[int, str]] = []
    singles: list[tuple[int, str]] = []
    for m in _QUOTE_RE.finditer(text):
        p = m.start()
        c = text[p]
        prev = text[p - 1] if p > 0 else " "
        nxt = text[p + 1] if p + 1 < n else " "
        if c in "'’":
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe: don't, Russia’s
            if c == "'" and prev.isspace() and nxt.isspace():
                continue
        if c in _DOUBLE_OPEN:
            doubles.append((p, "open"))
        elif c in _DOUBLE_CLOSE:
            doubles.append((p, "close"))
        elif c in "«»":
            doubles.append((p, _guillemet_role(c, prev, nxt)))
        elif c == '"':
            if prev in _OPEN_CONTEXT and not nxt.isspace():
                role = "open"
            elif prev in ",:;" and nxt.isspace():
                role = "either"  # sloppy typography: 'said," [Warhol] liked …"'
            elif not prev.isspace() and (nxt.isspace() or not nxt.isalnum()):
                role = "close"
            else:
                role = "either"
            doubles.append((p, role))
        elif c in _SINGLE_OPEN:
            singles.append((p, "open"))
        elif c in _SINGLE_CLOSE:
            singles.append((p, "close"))
        elif c == "'":
            if prev in _OPEN_CONTEXT and nxt.isalnum():
                singles.append((p, "open"))
            elif not prev.isspace() and not nxt.isalnum():
                singles.append((p, "close"))

    quotes: list[_Quote] = []
    open_at = -1  # the first opening mark of the current quotation
    last_mark = -1  # the latest mark belonging to it
    depth = 0  # nested opening marks of the same kind ("… called "research", would it?")

    def close_at_paragraph_end(start: int, after: int) -> None:
        """An unclosed quotation runs to the end of its paragraph (and is reported)."""
        warn(start, "unclosed quotation mark (quotation ends with its paragraph)")
        i = bisect.bisect_right(breaks, after)
        end = breaks[i] if i < len(breaks) else n
        quotes.append(_Quote(start, end, start + 1, end, unclosed=True))

    for p, role in doubles:
        if role == "open" and open_at >= 0 and _LOW_CLOSERS.get(text[open_at]) == text[p]:
            role = "close"  # „…“
        if open_at >= 0 and brk_between(last_mark, p):
            if role in ("open", "either") and _at_line_start(text, p):
                last_mark, depth = p, 1  # the quotation continues into this paragraph
                continue
            if role == "close" and depth == 1 and not brk_between(_next_break(breaks, last_mark) + 1, p):
                # the next paragraph closes it without reopening: one quotation over two paragraphs
                quotes.append(_Quote(open_at, p + 1, open_at + 1, p))
                open_at, last_mark, depth = -1, -1, 0
                continue
            close_at_paragraph_end(open_at, last_mark)
            open_at, depth = -1, 0
        if open_at < 0:
            if role == "close":
                warn(p, "unmatched closing quotation mark (ignored)")
                continue
            open_at = last_mark = p
            depth = 1
            continue
        if role == "open" and text[p] == text[open_at]:
            depth += 1  # nested quotation of the same kind
            last_mark = p
            continue
        if role == "open":
            warn(open_at, "unclosed quotation mark (ignored)")
            open_at = last_mark = p
            depth = 1
            continue
        depth -= 1
        last_mark = p
        if depth > 0:
            continue
        quotes.append(_Quote(open_at, p + 1, open_at + 1, p))
        open_at, last_mark, depth = -1, -1, 0
    if open_at >= 0:
        close_at_paragraph_end(open_at, last_mark)

    # single marks: only outside double quotations and within one paragraph
    starts = [q.start for q in quotes]

    def inside_double(p: int) -> bool:
        i = bisect.bisect_right(starts, p) - 1
        return i >= 0 and quotes[i].start <= p < quotes[i].end

    extra: list[_Quote] = []
    open_s = -1
    for p, role in singles:
        if inside_double(p):
            continue
        if role == "open" and open_s >= 0 and _LOW_CLOSERS.get(text[open_s]) == text[p]:
            role = "close"  # ‚…‘
        if role == "open":
            open_s = p  # an earlier unmatched ‘ is most likely an apostrophe: no warning
            continue
        if open_s >= 0 and p - open_s <= _MAX_SINGLE_CHARS and not brk_between(open_s, p) and p > open_s + 1:
            extra.append(_Quote(open_s, p + 1, open_s + 1, p))
        open_s = -1
    if extra:
        quotes = sorted(quotes + extra, key=lambda q: q.start)
    for q in quotes:
        s, e = q.content_start, q.content_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        q.content_start, q.content_end = s, e
    return [q for q in quotes if q.content_end > q.content_start]


# ---------------------------------------------------------------------------
# The per-document context
# ---------------------------------------------------------------------------
_PRONOUNS = {"he": "male", "she": "female", "they": "plural", "it": "neuter", "i": "self", "we": "self"}
_DETERMINERS = frozenset(
    "the a an this that these those its his her their our my your one another some many several "
    "both each two three four five other such any no".split()
)
_HONORIFICS = {"mr.": "male", "mr": "male", "mrs.": "female", "mrs": "female", "ms.": "female", "ms": "female",
               "miss": "female", "dr.": "", "dr": "", "prof.": "", "professor": "", "sir": "male", "madam": "female",
               "president": "", "minister": "", "senator": "", "sen.": "", "rep.": "", "gen.": "", "general": "",
               "ambassador": "", "secretary": "", "chancellor": "", "premier": "", "prime": "", "governor": "",
               "gov.": "", "mayor": "", "judge": "", "justice": "", "lt.": "", "col.": "", "capt.": "", "adm.": "",
               "lord": "male", "lady": "female", "king": "male", "queen": "female", "prince": "male", "st.": ""}
_NAME_PARTICLES = frozenset({"de", "von", "van", "der", "den", "al", "al-", "bin", "ibn", "da", "di", "la", "le", "du", "-"})
_NOT_NAMES = frozenset(
    "the a an this that these those it he she they we i you his her their our my on in at for to of and but or so "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december earlier later meanwhile however also then today yesterday tomorrow "
    "there here when while after before as if although though since until because what who which where how why "
    "mr. mrs. ms. dr. no yes by with from into about will would can could should shall do does did is are was "
    "were has have had be been let please thank most many some all both several each every others other such "
    "one".split()
)
_NP_STOP = frozenset(
    "on in at during after before when while who whom whose which that and but as to with by from about since "
    "today yesterday tonight this last earlier later told said says added was is were are has had have will would".split()
)
_SPOKES = frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople", "representative", "representatives",
                     "service", "office", "secretary", "spokespersons", "officials", "official"})
_WH = frozenset({"how", "what", "why", "whether", "where", "when", "who", "which", "if"})
_PP_START = frozenset({"on", "in", "at", "during", "after", "last", "earlier", "later", "this", "late", "early"})
_PREPOSITIONS = frozenset({"to", "by", "about", "of", "for", "in", "on", "at", "with", "as", "from", "into", "over",
                           "against", "during", "after", "before", "under", "between", "through", "up", "out"})
_AUX = frozenset({"is", "are", "was", "were", "will", "would", "has", "have", "had", "can", "could", "should", "may",
                  "might", "must", "did", "does", "do", "'s", "'re", "’s", "’re", "wo", "ca", "shall", "'ll", "’ll"})
_THIRD_PERSON_GENRES = ("news", "article", "report", "wire", "dispatch", "feature", "editorial", "blog")
_MAX_WINDOW = 400  # tokens: the longest stretch a rule looks at
_SENT_PUNCT = frozenset({".", "!", "?", "…", ";"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’", "s'"})
_DASHES = frozenset({"—", "–", "-", "--"})
_LABELS = frozenset(
    "source sources note update photo photos video read tags tag q a question answer editor comments related "
    "subject date title summary keywords image credit via posted see also by from to cc re caption "
    "background context correction disclaimer warning".split()
)


class _Ctx:
    """Per-document arrays and look-ups shared by the rules."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, lex: Lexicon, text: str | None = None):
        self.doc = doc
        self._text = text  # Doc.text joins every token: compute it once, lazily
        self._ends: np.ndarray | None = None  # end character of each token, on first use
        self.gaz = gazetteer
        self.lex = lex
        self.n = len(doc)
        self.idx, real_sent_of, real_sents = token_index(doc)
        # Rules look at most _MAX_WINDOW tokens around a cue: a "sentence" longer than
        # that (text without punctuation) is cut into windows, so work stays linear.
        # ``chunk_real`` maps a window back to the real sentence id used in records.
        if all(e - s <= _MAX_WINDOW for s, e in real_sents):
            self.sents, self.sent_of = real_sents, real_sent_of
            self.chunk_real = list(range(len(real_sents)))
        else:
            self.sents, self.chunk_real = [], []
            for i, (s, e) in enumerate(real_sents):
                for a in range(s, e, _MAX_WINDOW):
                    self.sents.append((a, min(a + _MAX_WINDOW, e)))
                    self.chunk_real.append(i)
            self.sent_of = np.zeros(self.n, dtype=np.int64)
            for i, (a, b) in enumerate(self.sents):
                self.sent_of[a:b] = i
        self.strings = doc.vocab.strings
        self.lower_arr, self.punct_arr = token_lower(doc), token_punct(doc)
        self.ents = [e for e in doc_ents(doc) if e.label_ in (ACTOR_LABEL, TITLE_LABEL)]
        self.ent_end_at = {e.end - 1: e for e in self.ents}
        self.ent_start_at = {e.start: e for e in self.ents}
        self.ent_cover = np.full(self.n, -1, dtype=np.int64)
        for k, e in enumerate(self.ents):
            self.ent_cover[e.start : e.end] = k
        self.quotes: list[_Quote] = []
        self.in_quote = np.zeros(self.n, dtype=bool)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = doc_text(self.doc)
        return self._text

    # token helpers ---------------------------------------------------------
    def tok_at_char(self, pos: int) -> int:
        """The token containing character ``pos``."""
        return max(int(np.searchsorted(self.idx, pos, side="right")) - 1, 0)

    def tok_from_char(self, pos: int) -> int:
        """The first token starting at or after ``pos``."""
        return int(np.searchsorted(self.idx, pos, side="left"))

    def lower(self, i: int) -> str:
        return self.strings[int(self.lower_arr[i])]

    def tstart(self, i: int) -> int:
        return int(self.idx[i])

    def tend(self, i: int) -> int:
        if self._ends is None:
            self._ends = token_ends(self.doc)
        return int(self._ends[i])

    def char_span(self, start_tok: int, end_tok: int) -> tuple[int, int]:
        return self.tstart(start_tok), self.tend(end_tok - 1)

    def is_punct(self, i: int) -> bool:
        return bool(self.punct_arr[i])

    def sent_bounds(self, i: int) -> tuple[int, int]:
        return self.sents[int(self.sent_of[i])]

    # mentions ----------------------------------------------------------------
    def ent_mention(self, ent) -> _Mention:
        if ent.label_ == ACTOR_LABEL:
            return _Mention(ent.start, ent.end, "actor", ent.ent_id_ or ent.text, ent.ent_id_ or ent.text)
        return _Mention(ent.start, ent.end, "title", ent.ent_id_ or ent.text.lower())

    def _is_cap(self, i: int) -> bool:
        t = self.doc[i]
        s = t.text
        if not s[:1].isupper():
            return False
        return t.is_alpha or (len(s) <= 3 and s.endswith(".")) or "-" in s or "'" in s or "’" in s or "." in s

    def name_ending_at(self, j: int, lo: int) -> _Mention | None:
        """A capitalised name (unknown to the gazetteer) ending at token ``j``."""
        if j < lo or not self._is_cap(j):
            return None
        if self.lower(j) in _NOT_NAMES and not self._is_acronym(j):
            return None
        k = j
        while k - 1 >= lo and (self._is_cap(k - 1) or (self.lower(k - 1) in _NAME_PARTICLES and k - 2 >= lo
                                                        and self._is_cap(k - 2))):
            c = self.ent_cover[k - 1]
            if c >= 0 and c != self.ent_cover[j] and self.ents[c].label_ == ACTOR_LABEL:
                break
            k -= 1
        while k < j and self.lower(k) in _NOT_NAMES:
            k += 1
        if k == j and j == self.sent_bounds(j)[0] and self.lower(j) in _NOT_NAMES:
            return None
        return _Mention(k, j + 1, "name")

    def _is_acronym(self, i: int) -> bool:
        t = self.doc[i].text
        return len(t) >= 2 and t.isupper() and t.isalpha()

    def name_starting_at(self, k: int, hi: int) -> _Mention | None:
        """A capitalised name starting at token ``k`` (honorifics kept)."""
        if k >= hi or not self._is_cap(k) or self.lower(k) in _NOT_NAMES - {"mr.", "mrs.", "ms.", "dr."}:
            return None
        j = k
        while j + 1 < hi and (self._is_cap(j + 1) or (self.lower(j + 1) in _NAME_PARTICLES and j + 2 < hi
                                                       and self._is_cap(j + 2))):
            j += 1
        return _Mention(k, j + 1, "name")

    def mention_ending_at(self, j: int, lo: int) -> _Mention | None:
        """The speaker phrase ending at token ``j`` (not before ``lo``)."""
        if j < lo:
            return None
        doc = self.doc
        if self.lower(j) in _POSSESSIVE and j - 1 >= lo:
            j -= 1
        ent = self.ent_end_at.get(j)
        if ent is not None and ent.start >= lo:
            m = self.ent_mention(ent)
            # "Foreign Minister Sergei Lavrov": keep the title in the speaker text
            prev = self.ent_end_at.get(ent.start - 1)
            if m.kind == "actor" and prev is not None and prev.label_ == TITLE_LABEL and prev.start >= lo:
                m.start = prev.start
            elif m.kind == "actor" and m.start - 1 >= lo and self.lower(m.start - 1) in _HONORIFICS \
                    and self.doc[m.start - 1].text[:1].isupper():
                m.start -= 1  # "Ms. Sherman", "President Putin"
            # "the Minister", "a spokesman": include the determiner
            if m.start - 1 >= lo and self.lower(m.start - 1) in _DETERMINERS and m.kind == "title":
                m.start -= 1
            elif m.kind == "title" and m.start - 2 >= lo and self.lower(m.start - 1) in _POSSESSIVE:
                owner = self.ent_end_at.get(m.start - 2)  # "NATO's spokesperson"
                if owner is not None and owner.label_ == ACTOR_LABEL and owner.start >= lo:
                    m.owner = self.ent_mention(owner)
                    m.start = owner.start
            return m
        low = self.lower(j)
        if low in _PRONOUNS:
            return _Mention(j, j + 1, "pronoun", low)
        if low == "who" and j - 1 >= lo:  # "Mr Rathbun, who had told Montalvo …"
            k = j - 1 if self.lower(j - 1) != "," else j - 2
            m = self.mention_ending_at(k, lo) if k >= lo else None
            return m if m is not None and m.kind in ("actor", "name", "title", "np") else None
        name = self.name_ending_at(j, lo)
        if name is not None:
            # "Russia's Foreign Ministry spokeswoman Maria Zakharova" -> the name
            return name
        t = doc[j]
        if not t.is_alpha or (t.is_stop and low not in self.lex.speaker_nouns) or low in _NP_STOP:
            return None
        # a determiner phrase: "the company", "a senior US official", "officials"
        k = j
        steps = 0
        while k - 1 >= lo and steps < 5:
            prev = doc[k - 1]
            pl = prev.lower_
            if pl in _DETERMINERS:
                return _Mention(k - 1, j + 1, "np", low)
            if pl in _POSSESSIVE:  # "the ministry's spokeswoman"
                owner = self.mention_ending_at(k - 2, lo) if k - 2 >= lo else None
                if owner is not None and owner.kind in ("actor", "name", "title", "np"):
                    return _Mention(owner.start, j + 1, "np", low, owner=owner)
                return None
            if not (prev.is_alpha or "-" in prev.text) or pl in self.lex.skip_before_verb or pl in _NP_STOP \
                    or pl in _PRONOUNS or pl in _PREPOSITIONS:
                break
            k -= 1
            steps += 1
        if low in self.lex.speaker_nouns or (k == lo and k == self.sent_bounds(j)[0] and j - k <= 2
                                              and self._is_cap(k)):
            return _Mention(k, j + 1, "np", low)  # "officials said", "Greek court rules"
        return None

    def apposition(self, title, j: int, hi: int):
        """The actor entity naming a title's holder right after it ("Foreign Minister Sergei Lavrov",
        "the Minister, Sergei Lavrov"), or None."""
        comma = j < hi and self.lower(j) == ","
        nxt = self.ent_start_at.get(j + 1 if comma else j)
        if nxt is None or nxt.label_ != ACTOR_LABEL:
            return None
        name = nxt.ent_id_ or nxt.text
        if name in self.gaz.holders(title.ent_id_ or title.text):
            return nxt
        actor = self.gaz.get(name)
        if not comma and actor is not None and actor.type == "person":
            return nxt
        return None

    def mention_starting_at(self, k: int, hi: int) -> _Mention | None:
        """The speaker phrase starting at token ``k`` (``said the spokesman``)."""
        if k >= hi:
            return None
        ent = self.ent_start_at.get(k)
        low = self.lower(k)
        det = -1
        if ent is None and (low in _DETERMINERS or low in _HONORIFICS) and k + 1 < hi \
                and self.ent_start_at.get(k + 1) is not None:
            ent = self.ent_start_at[k + 1]
            det = k
            if low in _HONORIFICS and ent.label_ == ACTOR_LABEL:
                m = self.ent_mention(ent)
                m.start = k  # "Ms. Sherman"
                return m
        if ent is not None:
            m = self.ent_mention(ent)
            if m.kind == "title":
                nxt = self.apposition(ent, ent.end, hi)
                if nxt is not None:
                    return self.ent_mention(nxt)
                if ent.end < hi and self.ent_cover[ent.end] < 0 and self._is_cap(ent.end) \
                        and self.lower(ent.end) not in _NOT_NAMES:
                    name = self.name_starting_at(ent.end, hi)  # "Ambassador Mohib"
                    if name is not None:
                        return _Mention(ent.start, name.end, "name")
                if det >= 0:
                    m.start = det
            return m
        if low in _PRONOUNS:
            return _Mention(k, k + 1, "pronoun", low)
        name = self.name_starting_at(k, hi)
        if name is not None:
            return name
        if low in _DETERMINERS:
            j = k + 1
            while j < hi and j - k <= 8 and not self.is_punct(j) and self.lower(j) not in _NP_STOP:
                e = self.ent_start_at.get(j)
                j = e.end if e is not None else j + 1
            if j > k + 1:
                # an actor inside the phrase ("the head of NATO") stays in the text
                return _Mention(k, j, "np", self.lower(j - 1))
        if low in self.lex.speaker_nouns:
            return _Mention(k, k + 1, "np", low)
        return None

    def mention_in(self, a: int, b: int) -> _Mention | None:
        """The actor phrase filling tokens ``[a, b)`` (an X slot)."""
        while b > a and self.lower(b - 1) in _POSSESSIVE:
            b -= 1
        if b <= a:
            return None
        for k in range(b - 1, a - 1, -1):  # the last actor entity in the slot
            ent = self.ent_end_at.get(k)
            if ent is not None and ent.start >= a:
                m = self.ent_mention(ent)
                if m.kind == "title":
                    nxt = self.apposition(ent, ent.end, self.n)
                    if nxt is not None and nxt.end <= b + 2:
                        return self.ent_mention(nxt)
                return m
        m = self.mention_ending_at(b - 1, a)
        return m


# ---------------------------------------------------------------------------
# Resolution of titles and pronouns
# ---------------------------------------------------------------------------
class _Resolver:
    """Resolve titles and pronouns to canonical names by recency (see the module docstring)."""

    def __init__(self, ctx: _Ctx, doc_speaker: str = ""):
        self.ctx = ctx
        gaz = ctx.gaz
        self.doc_speaker = doc_speaker if doc_speaker in gaz else ""  # metadata "speaker", if known
        self.labels: dict[str, tuple[str, tuple[int, int]]] = {}  # transcript label -> its resolution
        # named gazetteer mentions in text order: (token, canonical)
        self.named: list[tuple[int, str]] = [
            (e.start, e.ent_id_ or e.text) for e in ctx.ents if e.label_ == ACTOR_LABEL
        ]
        self.named_pos = [p for p, _ in self.named]
        self.by_name: dict[str, list[int]] = {}
        for p, name in self.named:
            self.by_name.setdefault(name, []).append(p)
        self.speakers: list[tuple[int, str, tuple[int, int], str]] = []  # token, canonical, ante, gender
        self.gaz = gaz

    def _gender(self, name: str) -> str:
        actor = self.gaz.get(name)
        if actor is None:
            return ""
        if actor.type != "person":
            return "neuter"
        return actor.gender or ""

    def title(self, m: _Mention, *, camp: str = "", prefer_doc_speaker: bool = False) -> str:
        holders = self.gaz.holders(m.key)
        if not holders:
            return ""
        ctx = self.ctx
        # apposition: "the Russian Foreign Minister, Sergei Lavrov" / "Foreign Minister Lavrov"
        j = m.end
        if j < ctx.n and ctx.lower(j) == ",":
            j += 1
        ent = ctx.ent_start_at.get(j)
        if ent is not None and ent.label_ == ACTOR_LABEL and (ent.ent_id_ in holders):
            m.ante = (ent.start, ent.end)
            return ent.ent_id_
        # "Lavrov, the Foreign Minister," / "Foreign Minister Lavrov" (title after the name)
        k = m.start - 1
        while k >= 0 and ctx.lower(k) in _DETERMINERS:
            k -= 1
        if k >= 0 and ctx.lower(k) == ",":
            k -= 1
        ent = ctx.ent_end_at.get(k)
        if ent is not None and ent.label_ == ACTOR_LABEL and (ent.ent_id_ in holders):
            m.ante = (ent.start, ent.end)
            return ent.ent_id_
        if camp:
            in_camp = [h for h in holders if self.gaz.camp(h) == camp]
            if len(in_camp) == 1:
                return in_camp[0]
            holders = in_camp or holders
        if prefer_doc_speaker and self.doc_speaker in holders:
            return self.doc_speaker
        best, best_tok = "", -1
        for h in holders:  # the most recent named mention of any holder
            positions = self.by_name.get(h)
            if positions:
                i = bisect.bisect_left(positions, m.start) - 1
                if i >= 0 and positions[i] > best_tok:
                    best, best_tok = h, positions[i]
        if best:
            m.ante = (best_tok, best_tok + 1)
            return best
        if self.doc_speaker in holders:  # the document's own speaker ("the Minister" in his statement)
            return self.doc_speaker
        return ""

    def pronoun(self, m: _Mention) -> str:
        want = _PRONOUNS.get(m.key, "")
        if want in ("self", "plural", ""):
            if want != "plural":
                return ""
        ctx = self.ctx
        sent = int(ctx.sent_of[m.start])

        def compatible(gender: str, person: bool) -> bool:
            if want == "male":
                return person and gender in ("male", "")
            if want == "female":
                return person and gender in ("female", "")
            if want in ("neuter", "plural"):
                return not person
            return False

        # 1. the most recent speaker within three sentences
        for tok, name, ante, gender in reversed(self.speakers):
            if tok >= m.start:
                continue
            if sent - int(ctx.sent_of[tok]) > 3:
                break
            person = gender not in ("neuter",)
            if compatible(gender, person):
                m.ante = ante
                return name
        if want in ("neuter", "plural"):
            return ""
        # 2. the most recent named person outside quotations (five sentences)
        i = bisect.bisect_left(self.named_pos, m.start) - 1
        while i >= 0:
            tok, name = self.named[i]
            if sent - int(ctx.sent_of[tok]) > 5:
                break
            if not ctx.in_quote[tok]:
                g = self._gender(name)
                if g != "neuter" and compatible(g, True):
                    m.ante = (tok, tok + 1)
                    return name
            i -= 1
        # 3. an unknown capitalised name in this or the previous two sentences
        lo = ctx.sents[max(sent - 2, 0)][0]
        k = m.start - 1
        while k >= lo:
            if not ctx.in_quote[k] and ctx.ent_cover[k] < 0:
                nm = ctx.name_ending_at(k, lo)
                if nm is not None and (nm.end - nm.start >= 2 or ctx.lower(nm.start) in _HONORIFICS):
                    g = _HONORIFICS.get(ctx.lower(nm.start), "")
                    if compatible(g, True):
                        m.ante = (nm.start, nm.end)
                        return ""
                    k = nm.start - 1
                    continue
            k -= 1
        return ""

    def resolve(self, m: _Mention | None, *, camp: str = "") -> str:
        """Canonical name for ``m`` (``""`` when unresolved); sets ``m.ante``."""
        if m is None:
            return ""
        if m.kind == "actor":
            m.ante = (m.start, m.end)
            return m.canonical
        if m.kind == "title":
            if m.owner is not None and not camp:
                owner = self.resolve(m.owner)
                camp = self.gaz.camp(owner) if owner else ""
            return self.title(m, camp=camp)
        if m.kind == "pronoun":
            return self.pronoun(m)
        if m.kind == "np":
            if m.owner is not None:  # "the ministry's spokeswoman": possessor known, person unknown
                return ""
            holders = self.ctx.gaz.holders(m.key)
            if holders:
                return self.title(_Mention(m.start, m.end, "title", m.key), camp=camp)
            return ""
        if m.kind == "name":
            m.ante = (m.start, m.end)
            # a name the case-sensitive ruler missed ("SECRETARY BLINKEN", "Mr LAVROV")
            ctx = self.ctx
            for a, b in ((m.start, m.end), (m.end - 1, m.end)):
                found = self.gaz.lookup(" ".join(ctx.doc[t].text for t in range(a, b)))
                if found:
                    return found
            if m.end - m.start == 1:  # "as Jens noted": the first name of a person named in this document
                return self.first_name(ctx.doc[m.start].text)
            return ""
        return ""

    def first_name(self, word: str) -> str:
        """The one person of this document (named, or resolved as a speaker) whose first name is ``word``."""
        known = set(self.by_name) | {s[1] for s in self.speakers if s[1]} | {n for n, _ in self.labels.values() if n}
        owners = set()
        for name in known:
            actor = self.gaz.get(name)
            if actor is None or actor.type != "person":
                continue
            for alias in (actor.name, *actor.aliases):
                parts = alias.split()
                if len(parts) > 1 and parts[0] == word and len(word.rstrip(".")) > 1:
                    owners.add(name)
        return next(iter(owners)) if len(owners) == 1 else ""

    def label(self, m: _Mention, label: str) -> str:
        """A transcript label ("THE PRESIDENT:", "LAVROV:"): resolved once per document, the
        document's own speaker first for titles, then kept for every later turn."""
        if label in self.labels:
            name, ante = self.labels[label]
            m.ante = ante
            return name
        if m.kind == "title":
            name = self.title(m, prefer_doc_speaker=True)
        else:
            name = self.resolve(m)
        self.labels[label] = (name, m.ante)
        return name

    def add_speaker(self, m: _Mention | None, name: str) -> None:
        if m is None:
            return
        if m.kind == "np" and not name:
            return
        gender = self._gender(name) if name else _HONORIFICS.get(self.ctx.lower(m.start), "")
        if m.kind == "pronoun" and not name:
            gender = {"he": "male", "she": "female"}.get(m.key, "neuter")
        self.speakers.append((m.start, name, m.ante, gender))


def resolve_titles(doc: Doc, gazetteer: Gazetteer | None = None, *, speaker: str = "") -> dict[int, str]:
    """Canonical name of every ``TITLE`` entity that resolves (token start -> name).

    A title resolves to an actor named right after it (apposition) or to the
    most recent named mention of an actor holding that title; failing both,
    to the document's ``speaker`` (its metadata) if that actor holds the
    title. A transcript label ("THE PRESIDENT:" opening a line) is the
    document's speaker when they hold the title, as in attribution.
    Computed once per Doc, gazetteer and speaker; the caller gets its own dict.
    """
    gazetteer = gazetteer or load_gazetteer()
    entry = _cached(doc)
    key = ("titles", id(gazetteer), speaker)
    found = entry.get(key)
    if found is None or found[0] is not gazetteer:
        found = entry[key] = (gazetteer, _resolve_titles(doc, gazetteer, speaker))
    return dict(found[1])


def _resolve_titles(doc: Doc, gazetteer: Gazetteer, speaker: str = "") -> dict[int, str]:
    ctx = _Ctx(doc, gazetteer, load_lexicon())
    res = _Resolver(ctx, speaker)
    out = {}
    for e in ctx.ents:
        if e.label_ == TITLE_LABEL:
            name = res.title(ctx.ent_mention(e), prefer_doc_speaker=_is_label(ctx, e.start, e.end))
            if name:
                out[e.start] = name
    return out


def _is_label(ctx: _Ctx, start: int, end: int) -> bool:
    """A title followed by a colon with only determiners before it in its sentence ("THE PRESIDENT:")."""
    if end >= ctx.n or ctx.lower(end) != ":":
        return False
    lo = ctx.sents[int(ctx.sent_of[start])][0]
    return all(ctx.lower(k) in _DETERMINERS or ctx.is_punct(k) for k in range(lo, start))


# ---------------------------------------------------------------------------
# Cue matching
# ---------------------------------------------------------------------------
@dataclass
class _Matchers:
    phrases: PhraseMatcher  # speech verbs ("v|<form>") and cue-phrase anchors ("<family>|<phrase>")
    specs: dict  # anchor key -> (family, prefix words, suffix words, slot position: "start" | "end" | "mid" | "none")


_MATCHERS: dict[tuple[int, str], _Matchers] = {}


def _matchers(doc: Doc, lex: Lexicon) -> _Matchers:
    """One PhraseMatcher per (vocab, lexicon), compiled once and reused for every Doc."""
    key = (id(doc.vocab), lex.sha256)
    found = _MATCHERS.get(key)
    if found is not None:
        return found
    vocab = doc.vocab
    make = lambda words: Doc(vocab, words=list(words))  # noqa: E731
    phrases = PhraseMatcher(vocab, attr="LOWER")
    for form in list(lex.verbs) + sorted(lex.characterising):
        phrases.add(f"v|{form}", [make(_split_words(form))])
    specs: dict[str, tuple] = {}
    for fam in _PHRASE_FAMILIES:
        for phrase in lex.phrases.get(fam, ()):
            words = _split_words(phrase)
            if "x" in words:
                i = words.index("x")
                prefix, suffix = words[:i], words[i + 1 :]
                slot = "end" if not suffix else ("start" if not prefix else "mid")
            else:
                prefix, suffix, slot = words, [], "none"
            anchor = suffix if slot in ("mid", "start") else prefix
            if fam == "credit_verbs":
                anchor, prefix, suffix, slot = words, [], words, "start"
            k = f"{fam}|{phrase}"
            specs[k] = (fam, tuple(prefix), tuple(suffix), slot)
            phrases.add(k, [make(anchor)])
    m = _Matchers(phrases, specs)
    _MATCHERS[key] = m
    return m


@lru_cache(maxsize=8)
def _listeners_by_first(lex: Lexicon) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list] = {}
    for words in sorted(lex.listeners, key=len, reverse=True):
        out.setdefault(words[0], []).append(words)
    return {k: tuple(v) for k, v in out.items()}


def _split_words(phrase: str) -> list[str]:
    # tokenise like spaCy's English tokenizer for the simple words we use
    out = []
    for w in phrase.split():
        if w.endswith("'s") and len(w) > 2:
            out.extend([w[:-2], "'s"])
        else:
            out.append(w)
    return out


# ---------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------
def _present(value) -> bool:
    return not (value is None or value is pd.NA or value != value or value == "")


class _Extractor:
    def __init__(self, doc: Doc, gazetteer: Gazetteer, lex: Lexicon, metadata: dict | None, warnings,
                 text: str | None = None):
        self.ctx = ctx = _Ctx(doc, gazetteer, lex, text)
        self.doc = doc
        self.text = ctx.text
        self.lex = lex
        self.metadata = metadata or {}
        self.warnings = warnings
        self.doc_id = doc_id_of(doc)
        # In a first-person document (a speech, statement or interview whose metadata names its
        # speaker), the narration is that speaker's voice: "as Truman said" there is an authority.
        meta_speaker = self.metadata.get("speaker") if isinstance(self.metadata, dict) else None
        genre = str(self.metadata.get("genre", "")).lower() if isinstance(self.metadata, dict) else ""
        self.narrator_speaker = (
            meta_speaker.strip() if isinstance(meta_speaker, str) and meta_speaker.strip()
            and genre and not any(g in genre for g in _THIRD_PERSON_GENRES) else ""
        )
        ctx.quotes = _find_quotes(self.text, self.doc_id, warnings) if ctx.n else []
        for q in ctx.quotes:
            q.open_tok = ctx.tok_at_char(q.start)
            q.close_tok = ctx.tok_at_char(q.end - 1)
            ctx.in_quote[ctx.tok_from_char(q.content_start) : ctx.tok_from_char(q.content_end)] = True
        self.quote_starts = [q.start for q in ctx.quotes]
        self.raws: list[_Raw] = []
        self.used_verbs: set[int] = set()  # verb token starts consumed by an attribution
        m = _matchers(doc, lex)
        self.verbs: list[tuple[int, int, str, bool]] = []
        self.verb_at: dict[int, tuple[int, int, str, bool]] = {}
        if ctx.n:
            strings = doc.vocab.strings
            verb_hits, self.anchor_hits = [], []
            for mid, s, e in m.phrases(doc):
                k = strings[mid]
                if k.startswith("v|"):
                    verb_hits.append((k[2:], s, e))
                else:
                    self.anchor_hits.append((k, s, e))
            found = sorted(verb_hits, key=lambda x: (x[1], -(x[2] - x[1])))
            last_end = -1
            for form, s, e in found:
                if s < last_end or ctx.ent_cover[s] >= 0:
                    continue
                if doc[s].text[:1].isupper() and s != ctx.sents[int(ctx.sent_of[s])][0]:
                    continue  # "United States", "Read More"
                lemma, mode = lex.verbs.get(form, ("_characterising", "that"))
                v = (s, e, lemma, mode)
                self.verbs.append(v)
                self.verb_at[s] = v
                last_end = e
        else:
            self.anchor_hits = []
        self.specs = m.specs
        self.verb_starts = [v[0] for v in self.verbs]
        # anchor hits indexed by start token, so a window lookup does not scan the whole document
        self._anchor_order = sorted(range(len(self.anchor_hits)), key=lambda i: self.anchor_hits[i][1])
        self._anchor_starts = [self.anchor_hits[i][1] for i in self._anchor_order]

    # helpers -------------------------------------------------------------------
    def anchors_in(self, lo: int, hi: int) -> list[tuple[str, int, int]]:
        """Anchor hits starting in tokens ``[lo, hi)``, in their original order."""
        a = bisect.bisect_left(self._anchor_starts, lo)
        b = bisect.bisect_left(self._anchor_starts, hi)
        return [self.anchor_hits[i] for i in sorted(self._anchor_order[a:b])]

    def quote_at(self, char: int) -> int:
        i = bisect.bisect_right(self.quote_starts, char) - 1
        if i >= 0 and self.ctx.quotes[i].start <= char < self.ctx.quotes[i].end:
            return i
        return -1

    def verbs_in(self, a: int, b: int) -> list[tuple[int, int, str, bool]]:
        i = bisect.bisect_left(self.verb_starts, a)
        out = []
        while i < len(self.verbs) and self.verbs[i][0] < b:
            if self.verbs[i][1] <= b:
                out.append(self.verbs[i])
            i += 1
        return out

    def skip_left(self, j: int, lo: int) -> int:
        """Skip adverbs/auxiliaries, a bracket and comma-delimited asides left of token ``j``.

        Returns the last token of the speaker phrase, or -1 when the comma
        before the verb does not close an aside ("The talks, he said,").
        """
        ctx = self.ctx
        skip = self.lex.skip_before_verb
        while j >= lo and ctx.lower(j) in skip:
            j -= 1
        if j >= lo and ctx.lower(j) == ")":  # "The World Health Organisation (WHO) recommends"
            k = j - 1
            while k >= lo and j - k <= 8 and ctx.lower(k) != "(":
                k -= 1
            if k >= lo and ctx.lower(k) == "(":
                j = k - 1
        if j >= lo and ctx.lower(j) == "," and j - 1 >= lo:
            # "Professor Cres Eastman, Director of …, and Chairman of …, says": the person
            # named before the first comma of the chain of asides
            commas = []
            k = j - 1
            while k >= lo and j - k <= 40 and ctx.lower(k) not in (";", ":") and not ctx.in_quote[k]:
                if ctx.lower(k) == ",":
                    commas.append(k)
                k -= 1
            chain_start = k + 1  # first token of the clause
            seg_start = chain_start
            for c in reversed(commas):  # left-most comma first: the segment [seg_start, c)
                first = ctx.lower(seg_start) if seg_start < c else ""
                if first not in _PREPOSITIONS and first not in _PP_START and first != "according":
                    m = ctx.mention_ending_at(c - 1, seg_start)
                    if m is not None and m.kind in ("actor", "name", "title") and m.start <= seg_start + 3:
                        return c - 1
                seg_start = c + 1
            if commas:
                c = commas[0]  # the comma opening the last aside
                m = ctx.mention_ending_at(c - 1, lo)
                if m is not None and m.kind in ("actor", "name", "title", "np"):
                    return c - 1
                # "The secretary general of CEI, Nunzio Galantino, has called": the aside is the name
                m = ctx.mention_ending_at(j - 1, c + 1)
                if m is not None and m.kind in ("actor", "name") and m.start == c + 1:
                    return j - 1
            else:
                # a subject set off by a comma: "The security firm Secunia.com, has said",
                # "Lydia Buchtmann for Food Standards Australia New Zealand, says"
                m = self._subject_mention(chain_start, j)
                if m is not None and m.kind in ("actor", "name", "title") and m.end <= j:
                    return m.end - 1
                m = ctx.mention_ending_at(j - 1, lo)
                if m is not None and m.kind in ("actor", "name", "title") and m.start <= chain_start + 4:
                    return j - 1
            return -1
        return j

    def left_speaker(self, v: int, lo: int) -> _Mention | None:
        j = self.skip_left(v - 1, lo)
        if j < lo:
            return None
        return self.ctx.mention_ending_at(j, lo)

    def right_speaker(self, e: int, hi: int) -> _Mention | None:
        return self.ctx.mention_starting_at(e, hi)

    def add(self, raw: _Raw) -> _Raw:
        raw.order = len(self.raws)
        self.raws.append(raw)
        return raw

    def trim(self, s: int, e: int) -> tuple[int, int]:
        """Trim spaces and final punctuation from a char span."""
        text = self.text
        while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".,;:!?—–-…"):
            e -= 1
        return s, e

    # speaker + verb frames ----------------------------------------------------
    def frame_after(self, a: int, hi: int) -> tuple[_Mention, tuple[int, int]] | None:
        """``, the Minister said`` / ``, said Lavrov`` / ``- Matthew Ingram`` starting at token ``a``.

        Returns the speaker and the cue's token span (the verb, or the dash).
        """
        ctx = self.ctx
        dash = -1
        while a < hi and (ctx.lower(a) in (",", "—", "–", "-", "--") or ctx.doc[a].is_space):
            if ctx.lower(a) in _DASHES:
                dash = a
            a += 1
        if a >= hi:
            return None
        v = self.verb_at.get(a)
        if v is not None and v[2] != "_characterising":
            m = self.right_speaker(v[1], hi)
            if m is not None:
                return m, (v[0], v[1])
            return None
        for v in self.verbs_in(a, min(hi, a + 14)):
            if v[2] == "_characterising":
                continue
            m = self.left_speaker(v[0], a)
            if m is not None and m.start == a:
                return m, (v[0], v[1])
            # "…," Lavrov, the Foreign Minister, said
            if m is not None and m.start > a and ctx.lower(a) in _DETERMINERS:
                return m, (v[0], v[1])
            break
        if dash >= 0:
            # an epigraph-style credit: "…" - Matthew Ingram
            m = ctx.mention_starting_at(a, hi)
            if m is not None and m.kind in ("actor", "title", "name"):
                rest = [k for k in range(m.end, hi) if not ctx.is_punct(k)]
                if not rest or ctx.lower(m.end) == ",":
                    return m, (dash, dash + 1)
        return None

    def frame_before(self, lo: int, b: int) -> tuple[_Mention | None, tuple[int, int], str] | None:
        """An introduction ending just before token ``b``: ``Lavrov said:``, ``he said that``, ``Lavrov:``.

        Returns (speaker mention, cue char span, how) where how is "intro" when
        nothing but ``: , that`` and a few words follow the cue.
        """
        ctx = self.ctx
        if b <= lo:
            return None
        vs = [v for v in self.verbs_in(lo, b) if v[2] != "_characterising"]
        if vs:
            v = vs[-1]
            gap = [ctx.lower(k) for k in range(v[1], b) if not ctx.doc[k].is_space]
            if len(gap) <= 8 and (not gap or gap[-1] in (":", ",", "that", "—", "–", "-")) and not any(
                w in _SENT_PUNCT for w in gap
            ):
                m = self.left_speaker(v[0], lo)
                if m is None:
                    m = self.right_speaker(v[1], b)
                if m is not None:
                    return m, ctx.char_span(v[0], v[1]), "intro"
        # "According to Lavrov," / "a quote attributed to Einstein —"
        for key, s, e in self.anchors_in(lo, b):
            fam, prefix, suffix, slot = self.specs[key]
            if fam not in ("according_to", "in_words") or slot != "end" or not lo <= s < b:
                continue
            m = ctx.mention_starting_at(e, b)
            if m is not None and all(ctx.is_punct(k) for k in range(m.end, b)) and b - m.end <= 2:
                return m, ctx.char_span(s, e), "intro"
        # "Lavrov:"
        last = b - 1
        while last >= lo and ctx.doc[last].is_space:
            last -= 1
        if last >= lo and ctx.lower(last) == ":":
            m = ctx.mention_ending_at(last - 1, lo)
            if m is not None and m.start == lo and m.kind in ("actor", "title", "name"):
                if ctx.lower(m.start) not in _LABELS:
                    return m, ctx.char_span(last, last + 1), "intro"
        return None

    # rules ---------------------------------------------------------------------
    def run(self) -> list[Attribution]:
        if self.ctx.n == 0:
            return self._finish()
        self.rule_quotes()
        self.rule_cue_phrases()
        self.rule_headlines()
        self.rule_indirect()
        self.rule_credits()
        return self._finish()

    def rule_quotes(self) -> None:
        ctx = self.ctx
        quotes = ctx.quotes
        for qi, q in enumerate(quotes):
            s_open = int(ctx.sent_of[q.open_tok])
            s_close = int(ctx.sent_of[q.close_tok])
            sent_lo = ctx.sents[s_open][0]
            sent_hi = ctx.sents[s_close][1]
            prev_end = quotes[qi - 1].close_tok + 1 if qi > 0 and quotes[qi - 1].close_tok >= sent_lo else sent_lo
            next_start = quotes[qi + 1].open_tok if qi + 1 < len(quotes) and quotes[qi + 1].open_tok < sent_hi else sent_hi
            before_lo = max(prev_end, sent_lo)
            content = (q.content_start, q.content_end)
            # text after the closing mark up to the sentence end (or the next quote)
            after_words = [k for k in range(q.close_tok + 1, next_start) if not ctx.is_punct(k)]
            before_words = [k for k in range(before_lo, q.open_tok) if not ctx.is_punct(k)]
            n_words = int(q.close_tok - q.open_tok - 1 - ctx.punct_arr[q.open_tok + 1 : q.close_tok].sum()) if q.close_tok > q.open_tok + 1 else 0
            fa = self.frame_after(q.close_tok + 1, next_start)
            if fa is None and not after_words and s_close + 1 < len(ctx.sents) and next_start == sent_hi:
                # '"…" - Matthew Ingram' split off as its own sentence
                n_lo, n_hi = ctx.sents[s_close + 1]
                if ctx.lower(n_lo) in _DASHES and n_hi - n_lo <= 8:
                    fa = self.frame_after(n_lo, n_hi)
            if fa is not None:
                m, (c0, c1) = fa
                kind = "direct"
                if before_words and not self._quote_starts_clause(before_lo, q.open_tok):
                    kind = "partial"
                self.used_verbs.add(c0)
                raw = _Raw(kind, s_open, m, ctx.char_span(c0, c1), content, quote=qi)
                if kind == "partial":  # the voice is the reporting clause's speaker, if any
                    raw.extra["fallback"], raw.mention, raw.needs = m, None, "outer"
                self.add(raw)
                continue
            fb = self.frame_before(before_lo, q.open_tok)
            if fb is not None:
                m, cue, how = fb
                vstart = ctx.tok_at_char(cue[0])
                self.used_verbs.add(vstart)
                kind = "direct" if not after_words or self._after_is_trailer(q.close_tok + 1, next_start) else "partial"
                raw = _Raw(kind, s_open, m, cue, content, quote=qi)
                if kind == "partial":
                    raw.extra["fallback"], raw.mention, raw.needs = m, None, "outer"
                self.add(raw)
                continue
            # a speech cue elsewhere in the sentence: partial quotation of that speaker
            if before_words or after_words:
                if q.unclosed:
                    continue  # a stray mark inside narration
                if n_words <= 3 and not self._sentence_has_speech(sent_lo, sent_hi):
                    continue  # scare quotes
                if self._is_title(q):
                    continue  # a name or title: "Better Idea of Afghan Girls"
                raw = _Raw("partial", s_open, None, (-1, -1), content, needs="outer", quote=qi)
                for v in self.verbs_in(sent_lo, q.open_tok):
                    m = self.left_speaker(v[0], sent_lo)
                    if m is not None:  # "Lavrov called the talks "chatter""
                        raw.extra["fallback"] = m
                        raw.cue = ctx.char_span(v[0], v[1])
                        break
                if n_words <= 2 and "fallback" not in raw.extra:
                    continue  # one or two quoted words without a speaker framing them
                self.add(raw)
                continue
            # a whole sentence (or several) in quotation marks: speaker from context
            self.add(_Raw("direct", s_open, None, (-1, -1), content, needs="context", quote=qi))

    def _is_title(self, q: _Quote) -> bool:
        """Quoted words that are all capitalised (a title or name), at most ten of them."""
        ctx = self.ctx
        words = [k for k in range(q.open_tok + 1, q.close_tok) if not ctx.is_punct(k)]
        if not words or len(words) > 10:
            return False
        small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "or"}
        if any(ctx.lower(k) in (".", "!", "?") for k in range(q.open_tok + 1, q.close_tok)):
            return False
        caps = [k for k in words if ctx.lower(k) not in small]
        return bool(caps) and all(ctx.doc[k].text[:1].isupper() or ctx.doc[k].text[:1].isdigit() for k in caps) \
            and len(caps) >= 2

    def _quote_starts_clause(self, lo: int, open_tok: int) -> bool:
        """True when only an introduction precedes the quotation (``that``, ``:``, a speaker frame)."""
        return self.frame_before(lo, open_tok) is not None

    def _after_is_trailer(self, a: int, hi: int) -> bool:
        """Words after a quotation that do not continue the clause (``, he said.``, ``, on Monday.``)."""
        return self.frame_after(a, hi) is not None

    def _sentence_has_speech(self, lo: int, hi: int) -> bool:
        """A speech frame (verb with a speaker, or "according to X") somewhere in the sentence."""
        ctx = self.ctx
        for v in self.verbs_in(lo, hi):
            if v[0] >= 2 and ctx.lower(v[0] - 1) in _DASHES and ctx.lower(v[0] - 2) == "so":
                continue  # "so-called"
            if self.left_speaker(v[0], lo) is not None:
                return True
        return any(self.specs[k][0] in ("according_to", "in_words") and lo <= s < hi for k, s, _ in self.anchors_in(lo, hi))

    def rule_headlines(self) -> None:
        """``Russian Foreign Ministry: Negotiations …`` — a speaker label opening a line.

        A label's words run to the end of its sentence (a headline). In a
        transcript -- two or more label lines with two or more different
        labels -- each turn runs to the next label-like line (a speaker
        label, or ``Question:``, ``Q:``, an unknown name: any short line
        opening ``…:``) or to the end of the text, so every sentence of a
        turn is the speaker's and a journalist's question is not.
        """
        ctx = self.ctx
        text = self.text
        colon = self.doc.vocab.strings[":"]
        seen: set[int] = set()
        turns: list[tuple[int, _Raw]] = []  # (char where the label line starts, its record)
        breaks: list[int] = []  # chars where any label-like line starts: a turn ends there
        for k in np.flatnonzero(ctx.lower_arr == colon).tolist():
            si = int(ctx.sent_of[k])
            s, e = ctx.sents[si]
            if si in seen or k == s or k - s > 7 or k >= e - 1:
                continue
            seen.add(si)
            if not _at_line_start(text, ctx.tstart(s)):
                continue
            colon_char = ctx.tstart(k)
            if self.quote_at(colon_char) >= 0 or self.quote_at(ctx.tstart(s)) >= 0:
                continue
            nxt = ctx.tstart(k + 1)
            if self.quote_at(nxt) >= 0:
                continue  # `Lavrov: "…"` is handled with the quotation
            if ctx.doc[k].whitespace_ == "" and ctx.doc[k + 1].text[:1].isdigit():
                continue  # 12:30
            if ctx.doc[s].text[:1].isupper() and k - s <= 4:
                breaks.append(ctx.tstart(s))
            m = ctx.mention_ending_at(k - 1, s)
            if m is None or m.start != s or m.kind not in ("actor", "title", "name"):
                continue
            if any(ctx.lower(t) in _LABELS for t in range(s, k)):
                continue
            if m.kind == "name" and not all(ctx.doc[t].is_upper or not ctx.doc[t].is_alpha for t in range(s, k)):
                continue  # "Regional Issues: …" is a heading; "TAPPER: …" a transcript label
            if m.kind == "title" and not ctx.doc[s].is_upper and not ctx.doc[s].text[:1].isupper():
                continue
            if m.kind == "actor" and self._is_media(m.canonical):
                continue
            content = self.trim(nxt, ctx.tend(e - 1))
            if content[1] <= content[0]:
                continue
            raw = self.add(_Raw("direct", si, m, (colon_char, colon_char + 1), content))
            raw.extra["label"] = " ".join(self.text[ctx.tstart(s):colon_char].split()).lower()
            turns.append((ctx.tstart(s), raw))
        if len(turns) >= 2 and len({raw.extra["label"] for _, raw in turns}) >= 2:
            breaks.append(len(text))
            for start, raw in turns:
                end = breaks[bisect.bisect_right(breaks, start)]
                turn = self.trim(raw.content[0], end)
                if turn[1] > raw.content[1]:
                    raw.content = turn

    def rule_cue_phrases(self) -> None:
        """according to / in X's words / agentless / proxy / credit verbs."""
        ctx = self.ctx
        proxies: dict[int, dict] = {}
        taken_until = -1  # longest cue wins: "according to media reports" (agentless) over "according to X"
        for key, s, e in sorted(self.anchor_hits, key=lambda h: (h[1], -(h[2] - h[1]))):
            fam, prefix, suffix, slot = self.specs[key]
            if slot in ("none", "end") and s < taken_until:
                continue
            if slot in ("none", "end"):
                taken_until = e
            sent = int(ctx.sent_of[s])
            lo, hi = ctx.sents[sent]
            # locate the whole cue and the X slot
            if slot == "none":
                cue = (s, e)
                m = None
            elif slot == "end":
                m = ctx.mention_starting_at(e, hi)
                if m is None:
                    continue
                cue = (s, e)
                if m.start - 1 >= e and ctx.lower(m.start - 1) in _DETERMINERS:
                    m.start = min(m.start, e)
            elif slot == "start":
                j = s - 1
                m = ctx.mention_ending_at(j, lo) if j >= lo else None
                if fam == "credit_verbs":
                    if m is None or m.kind != "actor" or not self._is_media(m.canonical):
                        continue
                if m is None:
                    continue
                cue = (m.start, e)
            else:  # mid
                a = s - 1
                while a >= lo and s - a <= 7 and tuple(ctx.lower(k) for k in range(a - len(prefix) + 1, a + 1)) != prefix:
                    a -= 1
                if a < lo or s - a > 7:
                    continue
                slot_a = a + 1
                if slot_a >= s:
                    continue
                m = ctx.mention_in(slot_a, s)
                if m is None:
                    continue
                cue = (a - len(prefix) + 1, e)
            cue_chars = ctx.char_span(*cue)
            in_q = self.quote_at(cue_chars[0])
            for v in self.verbs_in(cue[0], cue[1]):
                self.used_verbs.add(v[0])
            if fam == "agentless":
                # "it was reported that": content is the rest of the sentence
                content = self._content_after(cue[1], hi, lo)
                self.add(_Raw("agentless", sent, None, cue_chars, content))
                for v in self.verbs_in(lo, hi):
                    if v[0] >= cue[0] and v[0] < cue[1] + 1:
                        self.used_verbs.add(v[0])
            elif fam in ("according_to", "in_words"):
                if m is None or not self._is_source(m):
                    continue  # "according to the principle of …", "according to plan"
                if m.kind == "name" and slot == "end":
                    # "according to Ukrainian intelligence data": the noun phrase goes on
                    k = m.end
                    while k < hi and k - m.end < 4 and ctx.doc[k].is_alpha and ctx.doc[k].is_lower \
                            and ctx.lower(k) not in _NP_STOP and ctx.lower(k) not in _PREPOSITIONS:
                        k += 1
                    if k > m.end and (k >= hi or ctx.is_punct(k)):
                        m = _Mention(m.start, k, "np", ctx.lower(k - 1))
                whole = (min(cue[0], m.start), max(cue[1], m.end))
                content = self._content_around(whole, lo, hi)
                outer = in_q >= 0
                in_speech = outer or (fam == "in_words" and (self._inside_indirect(cue_chars[0])
                                                             or bool(self.narrator_speaker)))
                kind = "authority" if in_speech else "according_to"
                raw = _Raw(kind, sent, m, cue_chars, content)
                if kind == "authority":
                    raw.principal, raw.mention, raw.needs = m, None, "outer"
                self.add(raw)
            elif fam == "credit_verbs":
                content = self._content_around(cue, lo, hi)
                self.add(_Raw("source_credit", sent, m, cue_chars, content))
            else:
                rec = proxies.setdefault(sent, {"mouth": [], "principal": [], "subject": []})
                key2 = {"proxy_mouthpiece": "mouth", "proxy_principal": "principal",
                        "proxy_subject_is_mouthpiece": "subject"}[fam]
                rec[key2].append((m, cue_chars, cue))
        for sent, rec in sorted(proxies.items()):
            self._proxy(sent, rec)
        # "as the President said": an authority inside speech, according_to in narration
        for v in self.verbs:
            s, e, lemma, _ = v
            if s in self.used_verbs or lemma == "_characterising" or s < 2:
                continue
            lo, hi = ctx.sent_bounds(s)
            j = self.skip_left(s - 1, lo)
            if j < lo:
                continue
            m = ctx.mention_ending_at(j, lo)
            if m is None or m.start - 1 < lo or ctx.lower(m.start - 1) != "as":
                continue
            if m.kind == "pronoun":
                continue
            if ctx.lower(s) == lemma and j == s - 1:
                continue  # a base form right after the noun phrase is a noun: "as the best possible reply"
            cue_chars = (ctx.tstart(m.start - 1), ctx.tend(e - 1))
            # "as X said, …" or "…, as X said."
            after = e
            while after < hi and (ctx.lower(after) in ("it", "so", "before", "earlier", "repeatedly", "recently")):
                after += 1
            content = self._content_around((m.start - 1, after), lo, hi)
            in_q = self.quote_at(cue_chars[0])
            self.used_verbs.add(s)
            if in_q >= 0 or self._inside_indirect(cue_chars[0]) or self.narrator_speaker:
                self.add(_Raw("authority", int(ctx.sent_of[s]), None, cue_chars, content, principal=m, needs="outer"))
            else:
                self.add(_Raw("according_to", int(ctx.sent_of[s]), m, cue_chars, content))
        # "as announced by X": indirect with a passive cue
        for v in self.verbs:
            s, e, lemma, _ = v
            if s in self.used_verbs or e >= ctx.n or ctx.lower(e) != "by" or s < 1 or lemma == "quote":
                continue  # "he was quoted by The Canadian Press": the press is not the speaker
            if ctx.lower(s - 1) not in ("as", "was", "were", "is", "been"):
                continue
            lo, hi = ctx.sent_bounds(s)
            m = ctx.mention_starting_at(e + 1, hi)
            if m is None or ctx.in_quote[s]:
                continue
            self.used_verbs.add(s)
            cue_lo = s - 1 if ctx.lower(s - 1) == "as" else s
            content = self._content_around((cue_lo, m.end), lo, hi)
            self.add(_Raw("indirect", int(ctx.sent_of[s]), m, ctx.char_span(cue_lo, e + 1), content))

    def _proxy(self, sent: int, rec: dict) -> None:
        ctx = self.ctx
        lo, hi = ctx.sents[sent]
        for key in rec:  # an X slot must name someone: "the mouth of NATO", not "proxy wars"
            rec[key] = [x for x in rec[key] if x[0] is not None and x[0].kind in ("actor", "name", "title")]
        mouths = rec["mouth"] + rec["subject"]
        principals = rec["principal"]
        content = self._content_around((lo, lo), lo, hi)
        # "X, a puppet of Y": the mouthpiece is the actor before the phrase
        for m, cue_chars, cue in rec["subject"]:
            mouth = self._actor_before(cue[0], lo, exclude=m)
            if mouth is not None:
                self.add(_Raw("proxy", sent, mouth, cue_chars, content, principal=m))
        for m, cue_chars, cue in rec["mouth"]:
            if principals:
                p = principals[0][0]
            else:
                p = self._actor_before(cue[0], lo, exclude=m)
            self.add(_Raw("proxy", sent, m, cue_chars, content, principal=p))
        if not mouths:
            for m, cue_chars, cue in principals:
                mouth = self._actor_before(cue[0], lo, exclude=m)
                self.add(_Raw("proxy", sent, mouth, cue_chars, content, principal=m))

    def _actor_before(self, tok: int, lo: int, exclude: _Mention | None = None) -> _Mention | None:
        """The nearest actor entity before ``tok`` in the sentence (the mouthpiece of a proxy)."""
        ctx = self.ctx
        speaker_verbs = {v[0] for v in self.verbs_in(lo, tok)}
        best = None
        for k in range(tok - 1, lo - 1, -1):
            ent = ctx.ent_end_at.get(k)
            if ent is None or ent.start < lo:
                continue
            if exclude is not None and ent.start == exclude.start:
                continue
            m = ctx.ent_mention(ent)
            if m.kind != "actor":
                continue
            # skip the reporting speaker: "Lavrov said that …"
            if any(ent.end <= v <= ent.end + 3 for v in speaker_verbs):
                continue
            best = m
            break
        if best is None:
            # a person outside the gazetteer: "The dictator Maduro is a Cuban puppet"
            for k in range(tok - 1, max(lo, tok - 12) - 1, -1):
                if ctx.ent_cover[k] >= 0 or ctx.in_quote[k]:
                    continue
                nm = ctx.name_ending_at(k, lo)
                if nm is not None and not (nm.start == lo and nm.end - nm.start == 1):
                    if exclude is None or nm.end <= exclude.start or nm.start >= exclude.end:
                        return nm
        return best

    def _is_source(self, m: _Mention) -> bool:
        """A phrase that can be a source of words: an actor, a name, a title, a pronoun, or a
        noun phrase with a speaker noun or a named actor in it ("a recent report of the Council")."""
        if m.kind in ("actor", "name", "title", "pronoun"):
            return True
        ctx = self.ctx
        nouns = self.lex.speaker_nouns | self.lex.source_nouns
        return any(ctx.lower(k) in nouns or ctx.ent_cover[k] >= 0 or ctx.doc[k].text[:1].isupper()
                   for k in range(m.start, m.end))

    def _inside_indirect(self, char: int) -> bool:
        """True when ``char`` lies in the content of an indirect/direct attribution found so far."""
        if self.quote_at(char) >= 0:
            return True
        # a speech verb with a speaker earlier in the sentence: "Lavrov said that, as the President noted, …"
        ctx = self.ctx
        tok = ctx.tok_at_char(char)
        lo, _ = ctx.sent_bounds(tok)
        for v in self.verbs_in(lo, tok):
            if v[2] != "_characterising" and self.left_speaker(v[0], lo) is not None:
                return True
        return False

    def _content_after(self, tok: int, hi: int, lo: int) -> tuple[int, int]:
        ctx = self.ctx
        if tok >= hi:
            # "…, reportedly." -> the rest of the sentence before the cue
            return self.trim(ctx.tstart(lo), ctx.tstart(hi - 1) if hi - 1 >= lo else ctx.tstart(lo))
        return self.trim(ctx.tstart(tok), ctx.tend(hi - 1))

    def _content_around(self, cue: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
        """The larger side of a sentence around a cue phrase (within its quotation, if quoted)."""
        ctx = self.ctx
        a, b = cue
        qi = self.quote_at(ctx.tstart(a)) if a < ctx.n else -1
        if qi >= 0:
            q = ctx.quotes[qi]
            lo = max(lo, ctx.tok_from_char(q.content_start))
            hi = min(hi, ctx.tok_from_char(q.content_end))
            if hi <= lo:
                return (-1, -1)
        left = self.trim(ctx.tstart(lo), ctx.tstart(a)) if a > lo else (0, 0)
        right = self.trim(ctx.tstart(b), ctx.tend(hi - 1)) if b < hi else (0, 0)
        if right[1] - right[0] >= left[1] - left[0]:
            return right if right[1] > right[0] else (-1, -1)
        return left if left[1] > left[0] else (-1, -1)

    def rule_indirect(self) -> None:
        ctx = self.ctx
        for v in self.verbs:
            s, e, lemma, mode = v
            if s in self.used_verbs or lemma == "_characterising" or ctx.in_quote[s]:
                continue
            if s > 0 and (ctx.lower(s - 1) in _POSSESSIVE or ctx.lower(s - 1) in _DETERMINERS):
                continue  # a noun: "Moscow's claims", "the report"
            lo, hi = ctx.sent_bounds(s)
            if self._inverted_indirect(v, lo, hi):
                continue
            comp = self._complement(e, hi, mode)
            if comp is None or comp >= hi:
                self._reversed_indirect(v, lo, hi)
                continue
            # speaker
            m = None
            if ctx.lower(s).endswith("ing") and s - 1 >= lo and ctx.lower(s - 1) == ",":
                m = self._first_actor(lo, s)
            if m is None:
                m = self.left_speaker(s, lo)
            if m is None and s - 1 >= lo and ctx.lower(self.skip_left_plain(s - 1, lo)) in ("and", "but"):
                # "He resigned and said that …": the subject of the sentence
                m = self._subject_mention(lo, s)
            if m is None:
                continue
            if m.start - 1 >= lo and ctx.lower(m.start - 1) in ("as", "if", "than"):
                continue
            content = self._content_after(comp, hi, lo)
            # the complement is a quotation that runs to the end: already a direct quotation
            q = self.quote_at(content[0]) if content[0] >= 0 else -1
            if q >= 0 and self.ctx.quotes[q].end >= content[1]:
                continue
            self.used_verbs.add(s)
            if self._spokesperson_of(m) is not None:
                # "NATO's spokesperson said that …": according to NATO
                owner = self._spokesperson_of(m)
                self.add(_Raw("according_to", int(ctx.sent_of[s]), owner, ctx.char_span(m.end, e), content))
                continue
            self.add(_Raw("indirect", int(ctx.sent_of[s]), m, ctx.char_span(s, e), content))

    def _spokesperson_of(self, m: _Mention) -> _Mention | None:
        """The institution behind "X's spokesperson" (a non-person owner), else None."""
        if m.owner is None or m.owner.kind != "actor":
            return None
        head = self.ctx.lower(m.end - 1)
        if head not in _SPOKES:
            return None
        actor = self.ctx.gaz.get(m.owner.canonical)
        if actor is not None and actor.type == "person":
            return None
        return m.owner

    def _complement(self, e: int, hi: int, mode: str) -> int | None:
        """Token where the reported clause after a speech verb starts, or None.

        ``[listener] that …`` / ``[listener] how|what|whether …``; a bare
        clause after ``that_optional`` verbs and listeners, or after any
        speech verb when a finite auxiliary follows shortly ("noted pollution
        reduction is important"). A leading time/place phrase is skipped
        ("said on Monday the talks …").
        """
        ctx = self.ctx
        k = e
        while k < hi and ctx.doc[k].is_space:
            k += 1
        listener_end = self._listener(k, hi)
        if listener_end is not None:
            k = listener_end
        if k >= hi:
            return None
        low = ctx.lower(k)
        if low == "that":
            return k + 1
        if low in _WH:
            return k
        if low == ",":
            # "explains, in a satirical fashion, that …"
            for g in range(k + 1, min(hi, k + 8)):
                if ctx.lower(g) == ",":
                    if g + 1 < hi and ctx.lower(g + 1) == "that":
                        return g + 2
                    break
            return None
        if ctx.is_punct(k) or self.quote_at(ctx.tstart(k)) >= 0:
            return None
        # "told reporters on Monday that …": a short gap before "that"
        for g in range(k, min(hi, k + 7)):
            lg = ctx.lower(g)
            if lg == "that":
                return g + 1
            if (ctx.is_punct(g) and lg not in _DASHES) or g in self.verb_at:
                break
        start = k
        if low in _PP_START:  # "said on Monday the talks …", "said in a statement the ministry …"
            j = k + 1
            if j < hi and ctx.lower(j) in _DETERMINERS:
                j += 1
            while j < hi and j - k <= 5 and not ctx.is_punct(j) and ctx.lower(j) not in _DETERMINERS \
                    and ctx.lower(j) not in _PRONOUNS:
                j += 1
            if j >= hi or ctx.is_punct(j) or j - k > 5:
                return None
            start = j
        if mode == "that":
            return None
        that_opt = mode == "bare"
        if not (that_opt or listener_end is not None or start != k) and not self._finite_soon(start, hi):
            return None
        if start != k and not self._finite_soon(start, hi):
            return None
        if ctx.lower(start) in _PREPOSITIONS:
            return None
        return start

    def _finite_soon(self, k: int, hi: int) -> bool:
        """A finite auxiliary within six tokens, before any punctuation: a clause starts at ``k``."""
        ctx = self.ctx
        for g in range(k, min(hi, k + 6)):
            if ctx.is_punct(g):
                return False
            if ctx.lower(g) in _AUX:
                return g > k
        return False

    def skip_left_plain(self, j: int, lo: int) -> int:
        """Token index left of ``j`` after skipping adverbs and auxiliaries (no asides)."""
        ctx = self.ctx
        while j > lo and ctx.lower(j) in self.lex.skip_before_verb:
            j -= 1
        return j

    def _subject_mention(self, lo: int, hi: int) -> _Mention | None:
        """The mention opening a sentence (its likely subject), skipping a leading adverbial."""
        ctx = self.ctx
        k = lo
        while k < hi and (ctx.is_punct(k) or ctx.lower(k) in _DETERMINERS):
            k += 1
        m = ctx.mention_starting_at(k, hi)
        if m is not None and m.kind in ("actor", "title", "name", "pronoun"):
            return m
        return None

    def _inverted_indirect(self, v: tuple, lo: int, hi: int) -> bool:
        """``Institutional recipients, said Mauer, include …`` / ``…, said the spokesman.``"""
        ctx = self.ctx
        s, e = v[0], v[1]
        if s - 1 <= lo or ctx.lower(s - 1) not in (",", "—", "–") or ctx.in_quote[s - 1]:
            return False
        if self.quote_at(ctx.tstart(s - 1)) >= 0 or (s - 2 >= 0 and ctx.in_quote[s - 2]):
            return False
        m = self.right_speaker(e, hi)
        if m is None or m.kind == "pronoun" and m.key not in ("he", "she", "they"):
            return False
        after = m.end
        while after < hi and ctx.doc[after].is_space:
            after += 1
        if after < hi and not (ctx.lower(after) in (",", ".", "!", "?", ";", "—", "–") or ctx.is_punct(after)):
            return False
        left = self.trim(ctx.tstart(lo), ctx.tstart(s - 1))
        right = self.trim(ctx.tstart(after), ctx.tend(hi - 1)) if after < hi else (0, 0)
        content = left if left[1] - left[0] >= right[1] - right[0] else right
        if content[1] <= content[0]:
            return False
        self.used_verbs.add(s)
        self.add(_Raw("indirect", int(ctx.sent_of[s]), m, ctx.char_span(s, e), content))
        return True

    def _reversed_indirect(self, v: tuple, lo: int, hi: int) -> None:
        """``Kyiv acts at Washington's behest, Zakharova claimed.``: the content precedes the speaker."""
        ctx = self.ctx
        s, e = v[0], v[1]
        tail = [k for k in range(e, min(hi, e + 12)) if not ctx.is_punct(k)]
        if len(tail) > 4 or any(ctx.lower(k) == "that" for k in tail):
            return
        m = self.left_speaker(s, lo)
        if m is None or m.start - 1 <= lo or ctx.lower(m.start - 1) not in (",", "—", "–"):
            return
        if self.quote_at(ctx.tstart(m.start - 1)) >= 0 or ctx.in_quote[m.start - 2]:
            return
        content = self.trim(ctx.tstart(lo), ctx.tstart(m.start - 1))
        if content[1] <= content[0]:
            return
        self.used_verbs.add(s)
        self.add(_Raw("indirect", int(ctx.sent_of[s]), m, ctx.char_span(s, e), content))

    def _listener(self, k: int, hi: int) -> int | None:
        ctx = self.ctx
        if k >= hi:
            return None
        for words in _listeners_by_first(self.lex).get(ctx.lower(k), ()):
            n = len(words)
            if k + n <= hi and all(ctx.lower(k + i) == words[i] for i in range(1, n)):
                return k + n
        ent = ctx.ent_start_at.get(k)
        if ent is not None and ent.label_ == ACTOR_LABEL and ent.end < hi and ctx.lower(ent.end) == "that":
            return ent.end
        if ctx.lower(k) == "to" and k + 1 < hi:  # "tweeted to Mohamed the boy was …"
            m = ctx.mention_starting_at(k + 1, hi)
            if m is not None and m.kind in ("actor", "name", "title", "pronoun") and m.end < hi:
                return m.end
        return None

    def _first_actor(self, lo: int, hi: int) -> _Mention | None:
        ctx = self.ctx
        for k in range(lo, hi):
            ent = ctx.ent_start_at.get(k)
            if ent is not None:
                return ctx.ent_mention(ent)
            if ctx.lower(k) in ("he", "she", "they"):
                return _Mention(k, k + 1, "pronoun", ctx.lower(k))
        return None

    def _is_media(self, name: str) -> bool:
        actor = self.ctx.gaz.get(name)
        return actor is not None and actor.type == "media"

    def rule_credits(self) -> None:
        ctx = self.ctx
        text = self.text
        head = text[:400]
        for m in re.finditer(r"\((?P<agency>[A-Z][A-Za-z&.\- ]{0,30})\)\s*[-–—]", head):
            self._credit(m.start(), m.end(), m.start("agency"), m.end("agency"))
        for m in re.finditer(r"/(?P<agency>[A-Z][A-Za-z\- ]{1,25})/\s*[.\-–—]", head):
            self._credit(m.start(), m.end(), m.start("agency"), m.end("agency"))
        for m in re.finditer(r"(?im)^[ \t]*(?:source|sources|credit)[ \t]*:[ \t]*(?P<agency>[^\n]{1,80}?)[ \t]*$", text):
            self._credit(m.start(), m.start("agency"), m.start("agency"), m.end("agency"))
        credit = self.metadata.get("source_credit") if self.metadata else None
        if isinstance(credit, str) and credit.strip():
            agency = self.metadata.get("source_agency") or credit.split(":", 1)[-1].strip()
            cue = credit[: credit.find(agency)].strip() if agency in credit else credit
            name = ctx.gaz.lookup(agency) if hasattr(ctx.gaz, "lookup") else None
            a = Attribution("source_credit", speaker=name or "", principal="")
            a.speaker_text_override = agency
            a.cue_override = cue
            self.add(_Raw("source_credit", -1, None)).resolved = a

    def _credit(self, cue_s: int, cue_e: int, ag_s: int, ag_e: int) -> None:
        ctx = self.ctx
        tok = ctx.tok_at_char(ag_s)
        name = ctx.gaz.lookup(self.text[ag_s:ag_e]) if hasattr(ctx.gaz, "lookup") else None
        sent = int(ctx.sent_of[tok])
        a = Attribution("source_credit", ctx.chunk_real[sent], name or "", ag_s, ag_e, cue_s, cue_e)
        self.add(_Raw("source_credit", sent, None)).resolved = a

    # resolution ------------------------------------------------------------------
    def _finish(self) -> list[Attribution]:
        ctx = self.ctx
        speaker = self.metadata.get("speaker") if isinstance(self.metadata, dict) else None
        res = _Resolver(ctx, speaker if isinstance(speaker, str) else "")
        raws = self.raws

        def pos(r: _Raw) -> int:
            if r.mention is not None:
                return r.mention.start
            if r.cue[0] >= 0:
                return ctx.tok_at_char(r.cue[0])
            if r.content[0] >= 0:
                return ctx.tok_at_char(r.content[0])
            return 1 << 60

        # pass 1: own speakers, in text order of the speaker phrase
        for r in sorted((r for r in raws if r.resolved is None and not r.needs), key=lambda r: (pos(r), r.order)):
            r.resolved = self._resolve(r, res)
        # indexes for pass 2 (kept linear on long documents)
        outer = sorted((o for o in raws if o.kind in ("direct", "partial", "indirect") and o.content[0] >= 0),
                       key=lambda o: o.content[0])
        self._outer_index = ([o.content[0] for o in outer], outer)
        self._by_sent = {}
        for o in raws:
            if o.sent >= 0:
                self._by_sent.setdefault(o.sent, []).append(o)
        # pass 2: quotations without a speaker in their sentence, authority and partial inside speech
        for r in sorted((r for r in raws if r.resolved is None), key=lambda r: (pos(r), r.order)):
            r.resolved = self._resolve_dependent(r, res)
        out = [r.resolved for r in raws if r.resolved is not None]
        out.sort(key=lambda a: (a.sentence_id < 0, a.sentence_id, _first_offset(a), KINDS.index(a.kind)))
        return out

    def _mk(self, r: _Raw, speaker: str, m: _Mention | None, principal: str = "") -> Attribution:
        ctx = self.ctx
        a = Attribution(r.kind, ctx.chunk_real[r.sent] if r.sent >= 0 else -1, speaker)
        if m is not None:
            a.speaker_start, a.speaker_end = ctx.char_span(m.start, m.end)
            if m.ante[0] >= 0:
                a.antecedent_start, a.antecedent_end = ctx.char_span(*m.ante)
        a.cue_start, a.cue_end = r.cue
        a.content_start, a.content_end = r.content
        a.principal = principal
        return a

    def _resolve(self, r: _Raw, res: _Resolver) -> Attribution:
        principal = ""
        if r.principal is not None:
            principal = res.resolve(r.principal)
        if "label" in r.extra:
            speaker = res.label(r.mention, r.extra["label"])
        else:
            speaker = res.resolve(r.mention)
        if r.kind != "proxy":
            res.add_speaker(r.mention, speaker)
        return self._mk(r, speaker, r.mention, principal)

    def _outer(self, r: _Raw, *, same_sentence: bool = True) -> Attribution | None:
        """The attribution whose content contains this one (the quoting voice)."""
        c = r.content[0] if r.content[0] >= 0 else r.cue[0]
        best = None
        starts, items = self._outer_index
        points = [p for p in (c, r.cue[0]) if p >= 0]
        for p in points:
            i = bisect.bisect_right(starts, p) - 1
            steps = 0
            while i >= 0 and steps < 50:  # nearest containing intervals start just before p
                o = items[i]
                a = o.resolved
                if o is not r and a is not None and a.content_start <= p < a.content_end:
                    if best is None or a.content_end - a.content_start < best.content_end - best.content_start:
                        best = a
                i -= 1
                steps += 1
        if best is None and r.kind == "partial" and same_sentence:
            for o in self._by_sent.get(r.sent, ()):
                if o is not r and o.resolved is not None and o.kind in ("indirect", "according_to", "direct"):
                    return o.resolved
        return best

    def _resolve_dependent(self, r: _Raw, res: _Resolver) -> Attribution:
        ctx = self.ctx
        if r.kind == "authority":
            outer = self._outer(r)
            if outer is None and self.narrator_speaker and self.quote_at(r.cue[0]) < 0:
                # the document's own speaker (a speech) invokes the authority
                name = ctx.gaz.lookup(self.narrator_speaker) or ""
                principal = res.resolve(r.principal, camp=ctx.gaz.camp(name) if name else "")
                a = self._mk(r, name, None, principal)
                a.speaker_text_override = self.narrator_speaker
                return a
            if outer is None:  # no quoting voice found: the authority speaks for itself
                r.kind, r.mention, r.principal = "according_to", r.principal, None
                return self._resolve(r, res)
            camp = ctx.gaz.camp(outer.speaker) if outer.speaker else ""
            principal = res.resolve(r.principal, camp=camp)
            a = self._mk(r, outer.speaker if outer else "", None, principal)
            if outer is not None:
                a.speaker_start, a.speaker_end = outer.speaker_start, outer.speaker_end
                a.antecedent_start, a.antecedent_end = outer.antecedent_start, outer.antecedent_end
            return a
        if r.kind == "partial":
            outer = self._outer(r, same_sentence=False)
            fallback = r.extra.get("fallback")
            if outer is None and fallback is not None:
                speaker = res.resolve(fallback)
                res.add_speaker(fallback, speaker)
                return self._mk(r, speaker, fallback)
            if outer is None:
                outer = self._outer(r)
            a = self._mk(r, outer.speaker if outer else "", None)
            if outer is not None:
                a.speaker_start, a.speaker_end = outer.speaker_start, outer.speaker_end
                a.cue_start, a.cue_end = outer.cue_start, outer.cue_end
                a.antecedent_start, a.antecedent_end = outer.antecedent_start, outer.antecedent_end
            return a
        # a quotation standing alone: previous sentence introduces it, or the
        # neighbouring sentence's attribution names the speaker
        a = self._mk(r, "", None)
        src = self._context_speaker(r, res)
        if src is not None:
            a.speaker = src.speaker
            a.speaker_start, a.speaker_end = src.speaker_start, src.speaker_end
            a.cue_start, a.cue_end = src.cue_start, src.cue_end
            a.antecedent_start, a.antecedent_end = src.antecedent_start, src.antecedent_end
        return a

    def _context_speaker(self, r: _Raw, res: _Resolver) -> Attribution | None:
        ctx = self.ctx
        q = ctx.quotes[r.quote] if r.quote >= 0 else None
        first = r.sent
        last = int(ctx.sent_of[q.close_tok]) if q is not None else r.sent
        def usable(sent: int) -> list[_Raw]:
            return [o for o in self._by_sent.get(sent, ()) if o.resolved is not None and o is not r
                    and o.kind in ("direct", "indirect", "according_to")]
        # 1. the previous sentence introduces it ("Lavrov told reporters:") or speaks just before
        intro = self._colon_intro(first - 1, res)
        if intro is not None:
            return intro
        prev = usable(first - 1)
        if prev:
            o = max(prev, key=lambda o: o.content[1])
            if o.resolved.speaker_start >= 0 or o.resolved.speaker:
                return o.resolved
        # 2. the next sentence: "He added …", "So said Lavrov."
        nxt = usable(last + 1)
        if nxt:
            o = min(nxt, key=lambda o: o.content[0] if o.content[0] >= 0 else 1 << 60)
            lemma = ""
            if o.cue[0] >= 0:
                v = self.verb_at.get(ctx.tok_at_char(o.cue[0]))
                lemma = v[2] if v else ""
            start_of_next = ctx.sents[last + 1][0]
            if o.mention is not None and (lemma in ("add", "continue") or o.mention.start <= start_of_next + 1):
                if o.resolved.speaker_start >= 0:
                    return o.resolved
        # 3. a speech verb with a speaker in the previous sentence ("he was quoted by the press;")
        intro = self._colon_intro(first - 1, res, require_colon=False)
        if intro is not None:
            return intro
        # 4. the person the previous sentence is about ("Blinken arrived in Geneva. "We are ready."")
        return self._subject_of(first - 1, res)

    def _subject_of(self, sent: int, res: _Resolver) -> Attribution | None:
        """A person named at the start of a narrated sentence (its likely subject)."""
        ctx = self.ctx
        if sent < 0:
            return None
        lo, hi = ctx.sents[sent]
        if ctx.in_quote[lo:hi].any():
            return None
        k = lo
        while k < hi and (ctx.is_punct(k) or ctx.lower(k) in _DETERMINERS):
            k += 1
        m = ctx.mention_starting_at(k, hi)
        if m is None:
            return None
        if m.kind == "actor":
            actor = ctx.gaz.get(m.canonical)
            if actor is None or actor.type != "person":
                return None
        elif m.kind == "name":
            if m.end - m.start < 2 or m.end >= hi or not ctx.doc[m.end].text[:1].islower():
                return None  # a person's name followed by a verb, not a title or a place
        elif m.kind == "pronoun":
            if m.key not in ("he", "she"):
                return None
        elif m.kind != "title":
            return None
        a = Attribution("direct", sent, res.resolve(m))
        a.speaker_start, a.speaker_end = ctx.char_span(m.start, m.end)
        if m.ante[0] >= 0:
            a.antecedent_start, a.antecedent_end = ctx.char_span(*m.ante)
        return a

    def _colon_intro(self, sent: int, res: _Resolver, *, require_colon: bool = True) -> Attribution | None:
        """A sentence ending in ":" that names a speaker (``Lavrov told reporters in Moscow:``).

        With ``require_colon=False``, the last speech verb with a speaker in
        the sentence, whatever its ending.
        """
        ctx = self.ctx
        if sent < 0:
            return None
        lo, hi = ctx.sents[sent]
        last = hi - 1
        while last > lo and ctx.doc[last].is_space:
            last -= 1
        if require_colon and (ctx.lower(last) != ":" or ctx.in_quote[last]):
            return None
        verbs = self.verbs_in(lo, last)
        for v in (verbs if require_colon else reversed(verbs)):
            if v[2] == "_characterising" or ctx.in_quote[v[0]]:
                continue
            m = self.left_speaker(v[0], lo) or self.right_speaker(v[1], last)
            if m is not None:
                a = Attribution("direct", sent, res.resolve(m))
                a.speaker_start, a.speaker_end = ctx.char_span(m.start, m.end)
                a.cue_start, a.cue_end = ctx.char_span(v[0], v[1])
                if m.ante[0] >= 0:
                    a.antecedent_start, a.antecedent_end = ctx.char_span(*m.ante)
                res.add_speaker(m, a.speaker)
                return a
        return None

    def attributions(self) -> list[Attribution]:
        return self.run()


def _first_offset(a: Attribution) -> int:
    for v in (a.content_start, a.cue_start, a.speaker_start):
        if v >= 0:
            return v
    return 1 << 60


def find_attributions(
    doc: Doc,
    *,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    warnings: list[str] | None = None,
    lexicon: Lexicon | None = None,
) -> list[Attribution]:
    """Every attribution in ``doc`` as :class:`Attribution` objects (sentence order)."""
    gazetteer = gazetteer or load_gazetteer()
    lexicon = lexicon or load_lexicon()
    return _Extractor(doc, gazetteer, lexicon, metadata, warnings).run()


def doc_attributions(
    doc: Doc,
    *,
    gazetteer: Gazetteer | None = None,
    metadata: dict | None = None,
    warnings: list[str] | None = None,
    lexicon: Lexicon | None = None,
) -> list[dict]:
    """Attribution records of one Doc (keys :data:`ATTRIBUTION_COLUMNS`), in sentence order.

    Args:
        doc: a Doc from :func:`analysis.make_nlp` (needs its ACTOR/TITLE entities).
        gazetteer: resolves speakers (default: the bundled one).
        metadata: the document's metadata; ``source_credit`` yields a
            ``source_credit`` row without offsets.
        warnings: a list that receives one line per odd quotation mark.
        lexicon: the reporting-cue lexicon (default: ``reporting_verbs.yaml``).

    Example:
        >>> nlp = make_nlp()  # doctest: +SKIP
        >>> doc = nlp('"We are ready," Lavrov said.')  # doctest: +SKIP
        >>> doc_attributions(doc)[0]["speaker"]  # doctest: +SKIP
        'Sergei Lavrov'
    """
    doc_id = doc_id_of(doc)
    text = doc_text(doc)
    found = _Extractor(doc, gazetteer or load_gazetteer(), lexicon or load_lexicon(), metadata, warnings, text).run()
    return [a.record(doc_id, text) for a in found]


def attributions_frame(records: Iterable[dict]) -> pd.DataFrame:
    """A DataFrame of attribution records with the columns :data:`ATTRIBUTION_COLUMNS`.

    Offsets and ``sentence_id`` are nullable ``Int64`` (``<NA>`` when absent);
    text columns use ``""`` for missing values.
    """
    rows = list(records)
    frame = pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
    for col in ATTRIBUTION_COLUMNS:
        if col in _OFFSET_COLUMNS:
            frame[col] = pd.array([None if not _present(v) else int(v) for v in frame[col]], dtype="Int64")
        else:
            frame[col] = frame[col].fillna("").astype(str) if len(frame) else frame[col].astype(str)
    return frame.reset_index(drop=True)


def attributions(docs, *, gazetteer: Gazetteer | None = None, nlp=None) -> pd.DataFrame:
    """Attributions of parsed Docs or a Corpus (parsed with ``make_nlp()``) as one DataFrame."""
    from ..corpus.documents import Corpus, Document
    from ..nlp.pipeline import gazetteer_of, make_nlp, parse

    metas: dict[str, dict] = {}
    if isinstance(docs, Document):
        docs = Corpus([docs])
    if isinstance(docs, Doc):
        docs = [docs]
    if isinstance(docs, Corpus):
        nlp = nlp or make_nlp(actors=gazetteer)
        metas = {d.doc_id: d.metadata for d in docs}
        docs = parse(docs, nlp)
    gazetteer = gazetteer or (gazetteer_of(nlp) if nlp is not None else load_gazetteer())
    records: list[dict] = []
    for doc in docs:
        records.extend(doc_attributions(doc, gazetteer=gazetteer, metadata=metas.get(doc_id_of(doc))))
    return attributions_frame(records)
