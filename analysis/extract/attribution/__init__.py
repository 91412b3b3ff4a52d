"""Reported speech: who says what, through whom, about whom.

:func:`doc_attributions` finds every attribution in a parsed Doc with
transparent rules — no parser, no trained model — using the quotation marks,
the sentence boundaries, the ``ACTOR``/``TITLE`` entities of the actor ruler
and the reporting-cue lexicon in ``analysis/data/reporting_verbs.yaml``.
One record per attribution (keys :data:`ATTRIBUTION_COLUMNS`); ``kind`` is

``direct``
    a quotation (any style: ``"…" “…” «…» « … » ‘…’ '…'``, German ``„…“``
    and ``‚…‘``, reversed ``»…«``, two apostrophes ``''…''``) with its speaker, given
    after (``"…," the Minister said``, ``"…," said Lavrov``, ``"…" - Matthew
    Ingram``), before (``Lavrov said: "…"``, ``Lavrov specified that "…"``
    when the quotation runs to the end of the sentence, ``a quote attributed
    to Einstein — "…"``), around (``"The talks," he said, "will …"``: one
    record per quoted stretch), as a headline or transcript label
    (``Russian Foreign Ministry: …``, ``THE PRESIDENT: …``; quoted transcript
    turns ``"PENCE: Well, …`` give one record per labelled paragraph; a name in title
    case is a label on a document's first line, ``Paul Ryan: FBI Decision …``
    but not ``X: A Life``, or when two or more such labels recur, as in a
    transcript; a title-case headline ``…, Lindsey Graham Says`` has its
    capitalised verb as cue; a label is
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
    ``…, the IMF said on Tuesday.``, ``…, Sen. X told reporters.``, the
    parenthetical ``The sanctions, said Price, will …`` (content: the whole
    sentence), ``as announced by X``, and the object of a ``takes_object``
    verb when no clause follows (``called for a moratorium``, ``urged
    restraint``, ``pledged to veto the bill``, ``proposed a ban``, ``talked
    about taxes``; not in a passive, a when/after clause, nor when a
    clause-taking speech verb follows in the sentence); a speech noun with a
    possessor (``his remarks about abortion``, ``Trump's attacks on
    Clinton``, ``her claim that …``; the lexicon's ``speech_nouns``); an
    unquoted characterisation by a naming verb (``called Trump a fascist``;
    not ``a device called the E-meter``). Time phrases and
    adverbs may stand between speaker and verb (``Obama on Tuesday said``,
    ``has been saying``); the addressee of ``told`` is never content.
``according_to``
    ``according to X``, ``citing X``, ``X's spokesperson said``, ``in X's
    words``, ``as X said`` in the narrator's voice; X must be a source (a
    name, title, pronoun or a phrase with a source noun: not "according to
    plan").
``agentless``
    no source named: ``it was reported that``, ``reportedly``,
    ``sources say``, ``according to media reports`` (the longest cue wins);
    a question whose asker is unnamed (``Asked whether he would run, …``,
    ``He was asked which …``: the content is the question).
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
Doc, see :mod:`analysis.nlp.docarrays`) and rules that look at most
400 tokens around a cue.

The work is split by job: :mod:`.quotes` pairs quotation marks (pure
text), :mod:`.context` holds the per-Doc arrays and speaker-phrase finders,
:mod:`.speakers` is the one resolver of titles and pronouns, :mod:`.cues`
finds the reporting cues, :mod:`.frames` the speaker frames around them,
:mod:`.direct`, :mod:`.cuephrases`, :mod:`.indirect`, :mod:`.nouns` and
:mod:`.credits` are the rules per kind, :mod:`.resolve` resolves the speakers and
:mod:`.finder` runs it all (:func:`doc_attributions`).

Known limits: no syntax, so long subjects ("The head of the committee that
… said") are cut to their last noun phrase, object clauses without ``that``
after verbs that require it are missed, content split by a reporting aside
("The latest test, North Korea said, was its biggest yet") is one span that
includes the aside, block quotations without quotation marks are not found, and
coreference is a recency rule. GUM Wikinews figures: ``benchmarks/attribution_gum.py``;
PolNeAR political news: ``benchmarks/attribution_polnear.py``.
"""
from __future__ import annotations

from ..records import ATTRIBUTION_COLUMNS
from .finder import doc_attributions, find_attributions
from .lexicon import DEFAULT_LEXICON, Lexicon, load_lexicon
from .model import KINDS, Attribution
from .speakers import Resolver, resolve_titles

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "KINDS",
    "DEFAULT_LEXICON",
    "Attribution",
    "Lexicon",
    "load_lexicon",
    "Resolver",
    "resolve_titles",
    "find_attributions",
    "doc_attributions",
]
