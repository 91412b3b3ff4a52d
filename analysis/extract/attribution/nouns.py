"""Speech reported by a noun: ``his remarks about abortion``, ``Trump's attacks on Clinton``,
``her claim that the vote was rigged``, ``Sanders' call for a moratorium``.

A speech noun of the lexicon (``speech_nouns`` in ``reporting_verbs.yaml``)
is a cue when a possessor names the speaker right before it (a possessive
pronoun or ``X's``; at most two modifiers between: "his controversial
remarks about") and one of the noun's ``takes`` words opens the content
right after it. The content runs to the end of the clause (punctuation
outside quotations, an auxiliary or a speech verb; at most 40 tokens: with
no syntax, "his remarks about the judge drew criticism" keeps "drew
criticism" in the content). Without a possessor ("the attacks on
Paris", "questions about his health") the noun is no cue.
"""
from __future__ import annotations

from .model import Mention, Raw
from .scan import Scan
from .words import AUXILIARIES, DETERMINERS, NP_STOP, POSSESSIVE, TIME_WORDS

__all__ = ["find_noun_cues"]

#: Possessive pronouns and the pronoun they stand for.
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it", "my": "i", "our": "we"}
#: Punctuation that ends the content of a speech noun (outside quotations).
_END = frozenset({",", ";", ".", ":", "!", "?", "—", "–", "(", ")", "--"})
_MAX_CONTENT = 40


def find_noun_cues(scan: Scan) -> None:
    """An ``indirect`` attribution for every speech noun with a possessor and a content."""
    context = scan.context
    nouns = scan.lexicon.nouns or {}
    for s, e, form in scan.cues.noun_hits:
        if scan.in_quote[s] or s in scan.used_verbs:
            continue
        lo, hi = context.sent_bounds(s)
        if e >= hi:
            continue
        takes = nouns[form][1]
        k = e
        if context.lower(k) not in takes:
            continue
        if k + 1 < hi and (context.lower(k + 1) in TIME_WORDS or context.doc[k + 1].like_num):
            continue  # "his criticism on Tuesday"
        m = _possessor(scan, s, lo)
        if m is None:
            continue
        start = k + 1
        clause = context.lower(k) == "that"  # a that-clause has its own verb: only punctuation ends it
        end = start
        while end < hi and end - start < _MAX_CONTENT:
            if not scan.in_quote[end] and (context.lower(end) in _END and context.is_punct(end)
                                           or not clause and (end > start and context.lower(end) in AUXILIARIES
                                                              or end in scan.cues.verb_at)):
                break  # "his remarks about the judge were …": the clause's verb ends the topic
            end += 1
        if end == start or end - start >= _MAX_CONTENT:
            continue
        content = scan.trim(context.tstart(start), context.tend(end - 1))
        if content[1] <= content[0]:
            continue
        scan.used_verbs.add(s)
        scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(s, k + 1), content))


def _possessor(scan: Scan, s: int, lo: int) -> Mention | None:
    """The speaker named by a possessive before the noun at token ``s`` (two modifiers may stand between)."""
    context = scan.context
    j = s - 1
    for _ in range(3):
        if j < lo:
            return None
        low = context.lower(j)
        if low in _POSSESSIVE_PRONOUNS:
            return Mention(j, j + 1, "pronoun", _POSSESSIVE_PRONOUNS[low])
        if low in POSSESSIVE:
            if j - 1 < lo:
                return None
            m = context.mention_ending_at(j, lo)
            if m is None or m.kind not in ("actor", "name", "title", "np"):
                return None
            return m
        if low in DETERMINERS or low in NP_STOP or context.is_punct(j) or not context.doc[j].is_alpha:
            return None
        j -= 1
    return None
