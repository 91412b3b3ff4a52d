"""Speaker-and-cue frames: the words around a speech verb that name who speaks.

Shared by every rule: the speaker phrase left of a verb (:func:`left_speaker`,
skipping adverbs, auxiliaries and asides: "Lavrov, the Foreign Minister, also
said"), right of it ("said the Minister"), a reporting clause after a quotation
(:func:`frame_after`: '"…," the Minister said', '"…" - Matthew Ingram') or
before it (:func:`frame_before`: 'Lavrov said: "…"', "According to Lavrov,"),
and tests on a sentence or a phrase (:func:`sentence_has_speech`,
:func:`is_source`, :func:`inside_indirect`).
"""
from __future__ import annotations

from .cues import CHARACTERISING
from .model import Mention
from .scan import Scan
from .words import DASHES, DETERMINERS, LABEL_WORDS, PP_START, PREPOSITIONS, SENTENCE_PUNCT, TIME_OPENERS, TIME_WORDS

__all__ = [
    "skip_left",
    "skip_left_plain",
    "skip_time",
    "left_speaker",
    "right_speaker",
    "frame_after",
    "frame_before",
    "subject_mention",
    "first_actor",
    "is_media",
    "is_source",
    "inside_indirect",
    "sentence_has_speech",
]


def skip_left(scan: Scan, j: int, lo: int) -> int:
    """Skip adverbs/auxiliaries, a bracket and comma-delimited asides left of token ``j``.

    Returns the last token of the speaker phrase, or -1 when the comma
    before the verb does not close an aside ("The talks, he said,").
    """
    context = scan.context
    skip = scan.lexicon.skip_before_verb
    while True:
        while j >= lo and context.lower(j) in skip:
            j -= 1
        t = skip_time(scan, j, lo)  # "Obama on Tuesday said", "Clinton this week said"
        if t == j:
            break
        j = t
    if j >= lo and context.lower(j) == ")":  # "The World Health Organisation (WHO) recommends"
        k = j - 1
        while k >= lo and j - k <= 8 and context.lower(k) != "(":
            k -= 1
        if k >= lo and context.lower(k) == "(":
            j = k - 1
    if j >= lo and context.lower(j) == "," and j - 1 >= lo:
        # "Professor Cres Eastman, Director of …, and Chairman of …, says": the person
        # named before the first comma of the chain of asides
        commas = []
        k = j - 1
        while k >= lo and j - k <= 40 and context.lower(k) not in (";", ":") and not scan.in_quote[k]:
            if context.lower(k) == ",":
                commas.append(k)
            k -= 1
        chain_start = k + 1  # first token of the clause
        seg_start = chain_start
        for c in reversed(commas):  # left-most comma first: the segment [seg_start, c)
            first = context.lower(seg_start) if seg_start < c else ""
            if first not in PREPOSITIONS and first not in PP_START and first != "according":
                m = context.mention_ending_at(c - 1, seg_start)
                if m is not None and m.kind in ("actor", "name", "title") and m.start <= seg_start + 3:
                    return c - 1
            seg_start = c + 1
        if commas:
            c = commas[0]  # the comma opening the last aside
            m = context.mention_ending_at(c - 1, lo)
            if m is not None and m.kind in ("actor", "name", "title", "np"):
                return c - 1
            # "The secretary general of CEI, Nunzio Galantino, has called": the aside is the name
            m = context.mention_ending_at(j - 1, c + 1)
            if m is not None and m.kind in ("actor", "name") and m.start == c + 1:
                return j - 1
        else:
            # a subject set off by a comma: "The security firm Secunia.com, has said",
            # "Lydia Buchtmann for Food Standards Australia New Zealand, says"
            m = subject_mention(scan, chain_start, j)
            if m is not None and m.kind in ("actor", "name", "title") and m.end <= j:
                return m.end - 1
            m = context.mention_ending_at(j - 1, lo)
            if m is not None and m.kind in ("actor", "name", "title") and m.start <= chain_start + 4:
                return j - 1
        return -1
    return j


def skip_time(scan: Scan, j: int, lo: int) -> int:
    """Skip a time phrase ending at token ``j`` ("on Tuesday", "this week", "earlier this month",
    "on Tuesday night"): the token before it, or ``j`` when there is none."""
    context = scan.context
    k = j
    while k >= lo and j - k < 3 and context.lower(k) in TIME_WORDS:
        k -= 1
    if k == j:
        return j
    while k >= lo and j - k < 5 and context.lower(k) in TIME_OPENERS:
        k -= 1
    if k + 1 <= j and context.lower(k + 1) in TIME_OPENERS or context.lower(j) in ("today", "yesterday", "tonight"):
        return k
    return j


def skip_left_plain(scan: Scan, j: int, lo: int) -> int:
    """Token index left of ``j`` after skipping adverbs and auxiliaries (no asides)."""
    context = scan.context
    while j > lo and context.lower(j) in scan.lexicon.skip_before_verb:
        j -= 1
    return j


def left_speaker(scan: Scan, v: int, lo: int) -> Mention | None:
    """The speaker phrase ending left of the verb at token ``v`` ("Lavrov, the Minister, also said")."""
    j = skip_left(scan, v - 1, lo)
    if j < lo:
        return None
    return scan.context.mention_ending_at(j, lo)


def right_speaker(scan: Scan, e: int, hi: int) -> Mention | None:
    """The speaker phrase starting right after a verb that ends at token ``e`` ("said the Minister")."""
    return scan.context.mention_starting_at(e, hi)


def frame_after(scan: Scan, a: int, hi: int) -> tuple[Mention, tuple[int, int]] | None:
    """``, the Minister said`` / ``, said Lavrov`` / ``- Matthew Ingram`` starting at token ``a``.

    Returns the speaker and the cue's token span (the verb, or the dash).
    """
    context = scan.context
    dash = -1
    while a < hi and (context.lower(a) in (",", "—", "–", "-", "--") or context.doc[a].is_space):
        if context.lower(a) in DASHES:
            dash = a
        a += 1
    if a >= hi:
        return None
    v = scan.cues.verb_at.get(a)
    if v is not None and v[2] != CHARACTERISING:
        m = right_speaker(scan, v[1], hi)
        if m is not None:
            return m, (v[0], v[1])
        return None
    for v in scan.cues.verbs_in(a, min(hi, a + 24)):  # '"…," Sarah Warbelow, legal director for …, said
        if v[2] == CHARACTERISING:
            continue
        m = left_speaker(scan, v[0], a)
        if m is not None and m.start == a:
            return m, (v[0], v[1])
        # "…," Lavrov, the Foreign Minister, said
        if m is not None and m.start > a and context.lower(a) in DETERMINERS:
            return m, (v[0], v[1])
        break
    if dash >= 0:
        # an epigraph-style credit: "…" - Matthew Ingram
        m = context.mention_starting_at(a, hi)
        if m is not None and m.kind in ("actor", "title", "name"):
            rest = [k for k in range(m.end, hi) if not context.is_punct(k)]
            if not rest or context.lower(m.end) == ",":
                return m, (dash, dash + 1)
    return None


def frame_before(scan: Scan, lo: int, b: int) -> tuple[Mention | None, tuple[int, int], str] | None:
    """An introduction ending just before token ``b``: ``Lavrov said:``, ``he said that``, ``Lavrov:``.

    Returns (speaker mention, cue char span, how) where how is "intro" when
    nothing but ``: , that`` and a few words follow the cue.
    """
    context = scan.context
    if b <= lo:
        return None
    vs = [v for v in scan.cues.verbs_in(lo, b) if v[2] != CHARACTERISING]
    if vs:
        v = vs[-1]
        gap = [context.lower(k) for k in range(v[1], b) if not context.doc[k].is_space]
        if len(gap) <= 8 and (not gap or gap[-1] in (":", ",", "that", "—", "–", "-")) and not any(
            w in SENTENCE_PUNCT for w in gap
        ):
            m = left_speaker(scan, v[0], lo)
            if m is None:
                m = right_speaker(scan, v[1], b)
            if m is None and context.lower(v[0]).endswith("ing") and v[0] - 1 >= lo \
                    and context.lower(v[0] - 1) == ",":
                m = first_actor(scan, lo, v[0])  # "he joined them, saying in a post: “…”"
            if m is not None:
                return m, context.char_span(v[0], v[1]), "intro"
    # "According to Lavrov," / "a quote attributed to Einstein —"
    for key, s, e in scan.cues.anchors_in(lo, b):
        family, prefix, suffix, slot = scan.cues.specs[key]
        if family not in ("according_to", "in_words") or slot != "end" or not lo <= s < b:
            continue
        m = context.mention_starting_at(e, b)
        if m is not None and all(context.is_punct(k) for k in range(m.end, b)) and b - m.end <= 2:
            return m, context.char_span(s, e), "intro"
    # "Lavrov:"
    last = b - 1
    while last >= lo and context.doc[last].is_space:
        last -= 1
    if last >= lo and context.lower(last) == ":":
        m = context.mention_ending_at(last - 1, lo)
        if m is not None and m.start == lo and m.kind in ("actor", "title", "name"):
            if context.lower(m.start) not in LABEL_WORDS:
                return m, context.char_span(last, last + 1), "intro"
    return None



def subject_mention(scan: Scan, lo: int, hi: int) -> Mention | None:
    """The mention opening a sentence (its likely subject), skipping a leading adverbial."""
    context = scan.context
    k = lo
    while k < hi and (context.is_punct(k) or context.lower(k) in DETERMINERS):
        k += 1
    m = context.mention_starting_at(k, hi)
    if m is not None and m.kind in ("actor", "title", "name", "pronoun"):
        return m
    return None


def first_actor(scan: Scan, lo: int, hi: int) -> Mention | None:
    """The first actor entity or he/she/they of tokens ``[lo, hi)`` ("…, saying that …")."""
    context = scan.context
    for k in range(lo, hi):
        ent = context.ent_start_at.get(k)
        if ent is not None:
            return context.ent_mention(ent)
        if context.lower(k) in ("he", "she", "they"):
            return Mention(k, k + 1, "pronoun", context.lower(k))
    return None


def is_media(scan: Scan, name: str) -> bool:
    """Whether the actor is a news agency (gazetteer type ``media``): "TASS reports" is a credit."""
    actor = scan.context.gazetteer.get(name)
    return actor is not None and actor.type == "media"


def is_source(scan: Scan, m: Mention) -> bool:
    """A phrase that can be a source of words: an actor, a name, a title, a pronoun, or a
    noun phrase with a speaker or source noun (or a speaker noun's singular: "a publishing executive")
    or a named actor in it ("a recent report of the Council")."""
    if m.kind in ("actor", "name", "title", "pronoun"):
        return True
    context = scan.context
    nouns = scan.lexicon.source_words
    return any(context.lower(k) in nouns or context.ent_cover[k] >= 0 or context.doc[k].text[:1].isupper()
               for k in range(m.start, m.end))


def inside_indirect(scan: Scan, char: int) -> bool:
    """True when ``char`` lies in the content of an indirect/direct attribution found so far."""
    if scan.quote_at(char) >= 0:
        return True
    # a speech verb with a speaker earlier in the sentence: "Lavrov said that, as the President noted, …"
    context = scan.context
    tok = context.tok_at_char(char)
    lo, _ = context.sent_bounds(tok)
    for v in scan.cues.verbs_in(lo, tok):
        if v[2] != CHARACTERISING and left_speaker(scan, v[0], lo) is not None:
            return True
    return False


def sentence_has_speech(scan: Scan, lo: int, hi: int) -> bool:
    """A speech frame (verb with a speaker, or "according to X") somewhere in the sentence."""
    context = scan.context
    for v in scan.cues.verbs_in(lo, hi):
        if v[0] >= 2 and context.lower(v[0] - 1) in DASHES and context.lower(v[0] - 2) == "so":
            continue  # "so-called"
        if left_speaker(scan, v[0], lo) is not None:
            return True
    return any(scan.cues.specs[k][0] in ("according_to", "in_words") and lo <= s < hi
               for k, s, _ in scan.cues.anchors_in(lo, hi))
