"""Indirect speech: ``SPEAKER [also] VERB [listener] that …`` and its variants.

Also ``…, saying that …``, ``X resigned and said that …``, the inverted
``The sanctions, said Price, will …`` / ``…, said the spokesman.`` and the
reversed ``Kyiv acts at Washington's behest, Zakharova claimed.`` A verb
followed by no reported clause is not an attribution; "NATO's spokesperson
said that …" is ``according_to`` NATO.
"""
from __future__ import annotations

from ...nlp.gazetteer import ACTOR_LABEL
from .cues import CHARACTERISING, listeners_by_first
from .frames import first_actor, is_source, left_speaker, right_speaker, skip_left_plain, subject_mention
from .model import Mention, Raw
from .scan import Scan
from .words import (
    AUXILIARIES,
    DASHES,
    DETERMINERS,
    POSSESSIVE,
    PP_START,
    PREPOSITIONS,
    PRONOUNS,
    SPOKESPERSONS,
    TIME_WORDS,
    WH_WORDS,
)

__all__ = ["find_indirect"]


def find_indirect(scan: Scan) -> None:
    """An ``indirect`` attribution for every speech verb not yet used that takes a reported clause."""
    context = scan.context
    for v in scan.cues.verbs:
        s, e, lemma, mode = v
        if s in scan.used_verbs or scan.in_quote[s]:
            continue
        if s > 0 and (context.lower(s - 1) in POSSESSIVE or context.lower(s - 1) in DETERMINERS):
            continue  # a noun: "Moscow's claims", "the report"
        lo, hi = context.sent_bounds(s)
        if lemma == CHARACTERISING:
            _characterisation(scan, v, lo, hi)
            continue
        if _inverted_indirect(scan, v, lo, hi):
            continue
        comp = _complement(scan, e, hi, mode, lemma)
        if lemma == "ask" and _unnamed_asker(scan, v, lo, hi, comp):
            continue
        if comp is None or comp >= hi:
            if mode == "object" and _object_attribution(scan, v, lo, hi):
                continue
            _reversed_indirect(scan, v, lo, hi)
            continue
        m = _speaker_of_verb(scan, s, lo)
        if m is None:
            continue
        if m.start - 1 >= lo and context.lower(m.start - 1) in ("as", "if", "than"):
            continue
        content = scan.content_after(comp, hi, lo)
        # the complement is a quotation that runs to the end: already a direct quotation
        q = scan.quote_at(content[0]) if content[0] >= 0 else -1
        if q >= 0 and scan.quotes[q].end >= content[1]:
            continue
        scan.used_verbs.add(s)
        if _spokesperson_of(scan, m) is not None:
            # "NATO's spokesperson said that …": according to NATO
            owner = _spokesperson_of(scan, m)
            scan.add(Raw("according_to", int(context.sent_of[s]), owner, context.char_span(m.end, e), content))
            continue
        scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(s, e), content))


#: Words before "asked" that leave the asker unnamed: "When asked whether …", "He was asked what …".
_ASKED_UNNAMED = frozenset({"when", "after", "if", "once", "is", "are", "was", "were", "been", "being", "be"})


def _unnamed_asker(scan: Scan, v: tuple, lo: int, hi: int, comp: int | None) -> bool:
    """``Asked whether he would run, Smith said …``, ``When asked what …``, ``He was asked which …``: a
    question whose asker is not named (an ``agentless`` record; the person asked is no speaker). The
    question runs to the first comma outside quotations."""
    context = scan.context
    s, e = v[0], v[1]
    j = s - 1
    while j >= lo and context.lower(j) in scan.lexicon.skip_before_verb and context.lower(j) not in _ASKED_UNNAMED:
        j -= 1
    if not (j < lo or context.lower(j) in _ASKED_UNNAMED or context.lower(j) in (",", ";", ":", "—", "–")):
        return False
    if j >= lo and context.lower(j) in (",", ";", ":", "—", "–") and j - 1 >= lo \
            and context.lower(j - 1) not in ("when", "after"):
        if not (j + 1 == s):
            return False
        if left_speaker(scan, s, lo) is not None:
            return False  # "…, Smith asked whether": named
    k = e
    while k < hi and context.doc[k].is_space:
        k += 1
    if comp is None or comp >= hi or context.lower(comp) not in WH_WORDS:
        return False
    end = comp
    while end < hi and not (context.lower(end) in (",", ";", ":", ".", "?", "!") and not scan.in_quote[end]):
        end += 1
    content = scan.trim(context.tstart(comp), context.tend(end - 1)) if end > comp else (-1, -1)
    if content[1] <= content[0]:
        return False
    scan.used_verbs.add(s)
    scan.add(Raw("agentless", int(context.sent_of[s]), None, context.char_span(s, e), content))
    return True


def _spokesperson_of(scan: Scan, m: Mention) -> Mention | None:
    """The institution behind "X's spokesperson" (a non-person owner), else None."""
    if m.owner is None or m.owner.kind != "actor":
        return None
    head = scan.context.lower(m.end - 1)
    if head not in SPOKESPERSONS:
        return None
    actor = scan.context.gazetteer.get(m.owner.canonical)
    if actor is not None and actor.type == "person":
        return None
    return m.owner


def _speaker_of_verb(scan: Scan, s: int, lo: int) -> Mention | None:
    """The speaker of the verb at token ``s``: left of it, the reporting clause's for "…, adding",
    the sentence's subject for "He resigned and said"."""
    context = scan.context
    m = None
    if context.lower(s).endswith("ing") and s - 1 >= lo and context.lower(s - 1) == ",":
        # "…, Mr. Manafort said, adding that …": the speaker of the sentence's reporting clause
        m = _earlier_speaker(scan, lo, s)
        if m is None:
            m = first_actor(scan, lo, s)
    if m is None:
        m = left_speaker(scan, s, lo)
    if m is None and s - 1 >= lo and context.lower(skip_left_plain(scan, s - 1, lo)) in ("and", "but"):
        # "He resigned and said that …": the subject of the sentence
        m = subject_mention(scan, lo, s)
    return m


#: Forms of "be" (a passive before a verb).
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "’s"})
#: Words that cannot open the object of a ``takes_object`` verb (a place, time or manner phrase follows instead).
_NOT_OBJECT = (PREPOSITIONS - {"to"}) | TIME_WORDS | frozenset(
    {"late", "early", "earlier", "later", "just", "also", "again", "back", "here", "there", "so", "too", "yet", "now"})
#: Words before a speaker that make the clause subordinate (no report of the object).
_SUBORDINATORS = frozenset({"as", "if", "when", "whenever", "after", "before", "until", "since", "while", "once",
                            "because"})
#: ``takes_object`` verbs that are no speech when their object is a person ("questioned the suspect").
_PERSON_OBJECT_NOT_SPEECH = frozenset({"question"})
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "you"})
_PERSON_NOUNS = frozenset("suspect suspects man men woman women boy boys girl girls student students driver drivers "
                          "witness witnesses teen teenager teenagers officer officers person people".split())


def _person_object(scan: Scan, k: int, hi: int) -> bool:
    """The object at token ``k`` is a person alone: a pronoun, or a name/actor/title followed by punctuation,
    a preposition or the end of the sentence."""
    context = scan.context
    if context.lower(k) in _OBJECT_PRONOUNS:
        return True
    if context.lower(k) in ("the", "a", "an", "two", "three", "several") and k + 1 < hi \
            and context.lower(k + 1) in _PERSON_NOUNS:
        return True
    m = context.mention_starting_at(k, hi)
    if m is None or m.kind not in ("actor", "name", "title"):
        return False
    return m.end >= hi or context.is_punct(m.end) or context.lower(m.end) in PREPOSITIONS


#: Punctuation that ends the object of a verb (outside quotations).
_OBJECT_END = frozenset({",", ";", ".", ":", "!", "?", "—", "–", "(", "--"})


def _object_attribution(scan: Scan, v: tuple, lo: int, hi: int) -> bool:
    """``Sanders called for a moratorium``, ``The senator urged restraint``, ``X promised to build
    a wall``: a ``takes_object`` verb whose object is the content (up to the end of the clause);
    the speaker must be a source phrase (a name, title, pronoun, or a speaker/source noun)."""
    context = scan.context
    s, e = v[0], v[1]
    k = e
    while k < hi and (context.doc[k].is_space or context.lower(k) in TIME_WORDS):
        k += 1  # "promised Monday to …"
    if k >= hi or (context.is_punct(k) and scan.quote_at(context.tstart(k)) < 0):
        return False
    if context.lower(k) in _NOT_OBJECT and not (k + 1 < hi and context.lower(k + 1) in ("least", "most")):
        return False  # "reported from Los Angeles", "reported late Thursday": no object
    if v[2] in _PERSON_OBJECT_NOT_SPEECH and _person_object(scan, k, hi):
        return False  # "Police questioned him (for hours)": an interrogation, not a doubt voiced
    j = s - 1
    while j >= lo and context.lower(j) in scan.lexicon.skip_before_verb and context.lower(j) not in _BE:
        j -= 1
    if j >= lo and context.lower(j) in _BE:
        return False  # a passive: "Seattle was also proposed as a site"
    m = _speaker_of_verb(scan, s, lo)
    if m is None or not is_source(scan, m) or (m.start - 1 >= lo and context.lower(m.start - 1) in _SUBORDINATORS):
        return False  # "When Bush proposed the missile defense systems, …": a circumstance, not a report
    end = k
    while end < hi and end - k < 40:
        if context.is_punct(end) and context.lower(end) in _OBJECT_END and not scan.in_quote[end]:
            break
        end += 1
    if end == k:
        return False
    if any(w[2] != CHARACTERISING and w[3] != "object" and w[0] - 1 >= k
           and context.lower(skip_left_plain(scan, w[0] - 1, k)) in (",", "and", "but")
           for w in scan.cues.verbs_in(k, hi)):
        return False  # "X criticised the plan, saying that …" / "… and said that …": the clause is the content
    return _add_indirect(scan, s, e, m, k, end)


#: Words after "called" that make it another verb: "called a meeting", "called off", "called back".
_NOT_CHARACTERISED = frozenset({"a", "an", "off", "back", "up", "in", "out", "for", "on", "upon", "it", "him", "her",
                                "them", "me", "us", "you", "to", "at", "by", "from", "about"})


#: The characterising verbs that report an unquoted description ("called Trump a fascist"); "described X
#: as Y" stays with quotations only (GUM's gold does not count its unquoted form).
_NAMING_VERBS = frozenset({"called", "calls", "calling", "dubbed", "branded", "labelled", "labeled", "termed"})


def _characterisation(scan: Scan, v: tuple, lo: int, hi: int) -> bool:
    """``O'Malley called Trump a fascist``, ``Cruz branded the deal a disaster``: a naming verb
    (:data:`_NAMING_VERBS`) with a source as subject and an unquoted object and its description (both the content, up to
    the end of the clause). Quoted descriptions are partial quotations (:mod:`.direct`); a passive
    ("is called the Big Apple") names, it reports no one."""
    context = scan.context
    s, e = v[0], v[1]
    if context.lower(s) not in _NAMING_VERBS:
        return False
    k = e
    if k >= hi or context.is_punct(k) or context.lower(k) in _NOT_CHARACTERISED or context.lower(k) in _NOT_OBJECT:
        return False
    j = s - 1
    while j >= lo and context.lower(j) in scan.lexicon.skip_before_verb and context.lower(j) not in _BE:
        j -= 1
    if j >= lo and context.lower(j) in _BE:
        return False
    end = k
    while end < hi and end - k < 25:
        if context.is_punct(end) and context.lower(end) in _OBJECT_END:
            break
        if scan.in_quote[end] or scan.quote_at(context.tstart(end)) >= 0:
            return False  # a quoted description: the partial quotation's
        end += 1
    if end - k < 2 or end - k >= 25:
        return False
    if scan.in_quote[lo:hi].any():
        return False  # a quotation in the sentence carries the characterisation (a partial quotation)
    first = k + 1 if context.lower(k) == "the" and k + 1 < end else k
    name = context.mention_starting_at(first, end) if context.doc[first].text[:1].isupper() else None
    if name is not None and (name.end >= end or context.lower(name.end) in AUXILIARIES):
        return False  # "a device called the E-meter", "the group called the Sea Org was …": naming
    m = _speaker_of_verb(scan, s, lo)
    if name is not None and m is not None and m.end == s and m.kind == "actor":
        actor = context.gazetteer.get(m.canonical)
        if actor is None or actor.type != "person":
            return False  # "the elite group within Scientology called the Sea Org was …": naming
    if m is None or not is_source(scan, m) or (m.start - 1 >= lo and context.lower(m.start - 1) in _SUBORDINATORS):
        return False
    return _add_indirect(scan, s, e, m, k, end)


def _add_indirect(scan: Scan, s: int, e: int, m: Mention, k: int, end: int) -> bool:
    """Record an indirect attribution: cue tokens ``[s, e)``, source ``m``, content tokens ``[k, end)``
    (trimmed); False when the trimmed content is empty."""
    context = scan.context
    content = scan.trim(context.tstart(k), context.tend(end - 1))
    if content[1] <= content[0]:
        return False
    scan.used_verbs.add(s)
    scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(s, e), content))
    return True


def _earlier_speaker(scan: Scan, lo: int, s: int) -> Mention | None:
    """The speaker of an attribution found earlier in the sentence, its cue before token ``s``."""
    context = scan.context
    start = context.tstart(lo)
    end = context.tstart(s)
    for raw in reversed(scan.raws):
        if raw.mention is not None and raw.cue[0] >= start and raw.cue[1] <= end:
            return raw.mention
    return None


def _complement(scan: Scan, e: int, hi: int, mode: str, lemma: str = "") -> int | None:
    """Token where the reported clause after a speech verb starts, or None.

    ``[listener] that …`` / ``[listener] how|what|whether …``; a bare
    clause after ``that_optional`` verbs and listeners, or after any
    speech verb when a finite auxiliary follows shortly ("noted pollution
    reduction is important"). A leading time/place phrase is skipped
    ("said on Monday the talks …").
    """
    context = scan.context
    k = e
    while k < hi and context.doc[k].is_space:
        k += 1
    listener_end = _listener(scan, k, hi)
    if listener_end is None and lemma == "tell":
        # the addressee of "told": "told The Huffington Post (on Thursday) that …" is no content
        m = context.mention_starting_at(k, hi)
        if m is not None and m.kind in ("actor", "name", "title", "np", "pronoun"):
            listener_end = m.end
    if listener_end is not None:
        k = listener_end
    if k >= hi:
        return None
    low = context.lower(k)
    if low == "that":
        return k + 1
    if low in WH_WORDS:
        return k
    if low == ",":
        # "explains, in a satirical fashion, that …"
        for g in range(k + 1, min(hi, k + 8)):
            if context.lower(g) == ",":
                if g + 1 < hi and context.lower(g + 1) == "that":
                    return g + 2
                break
        return None
    if context.is_punct(k) or scan.quote_at(context.tstart(k)) >= 0:
        return None
    # "told reporters on Monday that …": a short gap before "that" (longer when it is a place/time phrase:
    # "said in an interview with The Associated Press last week that …")
    gap = 13 if context.lower(k) in PP_START else 7
    for g in range(k, min(hi, k + gap)):
        lg = context.lower(g)
        if lg == "that":
            return g + 1
        if (context.is_punct(g) and lg != "-") or g in scan.cues.verb_at:
            break
    while k < hi and context.lower(k) in TIME_WORDS:
        k += 1  # "said Wednesday (morning) the talks …"
    if k >= hi or context.is_punct(k):
        return None
    low = context.lower(k)
    start = k
    if low in PP_START:  # "said on Monday the talks …", "said in a statement the ministry …"
        j = k + 1
        if j < hi and context.lower(j) in DETERMINERS:
            j += 1
        while j < hi and j - k <= 5 and not context.is_punct(j) and context.lower(j) not in DETERMINERS \
                and context.lower(j) not in PRONOUNS:
            j += 1
        if j >= hi or context.is_punct(j) or j - k > 5:
            return None
        start = j
    if mode == "that":
        return None
    that_opt = mode == "bare"
    if not (that_opt or listener_end is not None or start != k) and not _finite_soon(scan, start, hi):
        return None
    if start != k and not _finite_soon(scan, start, hi) and not (that_opt and _subject_like(scan, start)):
        return None  # "said on Friday he met …": after a that_optional verb a pronoun or name opens a clause
    if context.lower(start) in PREPOSITIONS:
        return None
    return start


#: Pronouns that open a clause (a subject), not an object.
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it", "there"})


def _subject_like(scan: Scan, k: int) -> bool:
    """Token ``k`` opens a clause after a time/place phrase: a subject pronoun."""
    return scan.context.lower(k) in _SUBJECT_PRONOUNS


def _finite_soon(scan: Scan, k: int, hi: int) -> bool:
    """A finite auxiliary within six tokens, before any punctuation: a clause starts at ``k``."""
    context = scan.context
    for g in range(k, min(hi, k + 6)):
        if context.is_punct(g):
            return False
        if context.lower(g) in AUXILIARIES:
            return g > k
    return False


def _inverted_indirect(scan: Scan, v: tuple, lo: int, hi: int) -> bool:
    """``Institutional recipients, said Mauer, include …`` / ``…, said the spokesman.``"""
    context = scan.context
    s, e = v[0], v[1]
    if s - 1 <= lo or context.lower(s - 1) not in (",", "—", "–") or scan.in_quote[s - 1]:
        return False
    if scan.quote_at(context.tstart(s - 1)) >= 0 or (s - 2 >= 0 and scan.in_quote[s - 2]):
        return False
    if context.lower(s).endswith("ing"):
        return False  # "…, adding that …" is no inversion
    m = right_speaker(scan, e, hi)
    if m is None or m.kind == "pronoun" and m.key not in ("he", "she", "they"):
        return False
    if context.lower(m.start) in ("that", "this", "these", "those"):
        return False  # "…, noted that the talks …": a clause, not a speaker
    after = m.end
    while after < hi and context.doc[after].is_space:
        after += 1
    if after < hi and not (context.lower(after) in (",", ".", "!", "?", ";", "—", "–") or context.is_punct(after)):
        return False
    left = scan.trim(context.tstart(lo), context.tstart(s - 1))
    right = scan.trim(context.tstart(after), context.tend(hi - 1)) if after < hi else (0, 0)
    content = left if left[1] - left[0] >= right[1] - right[0] else right
    if left[1] > left[0] and right[1] > right[0]:
        nxt = after + 1 if after < hi and context.lower(after) == "," else after
        if nxt < hi and context.lower(nxt) in AUXILIARIES:
            # "The sanctions, said Price, will hurt": the content runs on after the clause
            content = scan.trim(context.tstart(lo), context.tend(hi - 1))
        else:
            # "…, said David Autor, a professor of economics, who …": an apposition, not content
            content = left
    if content[1] <= content[0]:
        return False
    scan.used_verbs.add(s)
    scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(s, e), content))
    return True


def _reversed_indirect(scan: Scan, v: tuple, lo: int, hi: int) -> None:
    """The content precedes the speaker: ``Kyiv acts at Washington's behest, Zakharova claimed.``,
    ``…, the IMF said on Tuesday.``, ``…, Sen. X told reporters.``; and the parenthetical
    ``The latest test, North Korea said, was its biggest yet``, whose content is the whole
    sentence around the reporting clause (one span: the clause stays inside it)."""
    context = scan.context
    s, e, lemma = v[0], v[1], v[2]
    # after the verb: nothing, a listener ("told reporters", "told The Huffington Post") and/or
    # a time or place phrase ("on Tuesday", "in a statement"), up to punctuation
    k = e
    listener_end = _listener(scan, k, hi)
    if listener_end is not None:
        k = listener_end
    elif lemma == "tell" and k < hi:
        m = context.mention_starting_at(k, hi)
        if m is not None and m.kind in ("actor", "name", "title", "np", "pronoun"):
            k = m.end
    tail = k
    while tail < hi and not context.is_punct(tail) and tail - k < 8:
        tail += 1
    words = [context.lower(g) for g in range(k, tail)]
    if "that" in words or (words and words[0] not in PP_START and words[0] not in TIME_WORDS):
        return
    if tail < hi and not context.is_punct(tail):
        return
    m = left_speaker(scan, s, lo)
    if m is not None and m.start - 1 > lo and context.lower(m.start - 1) in ("the", "a", "an"):
        m.start -= 1  # "…, the IMF said"
    if m is None or m.start - 1 <= lo or context.lower(m.start - 1) not in (",", "—", "–"):
        return
    if scan.quote_at(context.tstart(m.start - 1)) >= 0 or scan.in_quote[m.start - 2]:
        return
    content = scan.trim(context.tstart(lo), context.tstart(m.start - 1))
    if content[1] <= content[0]:
        return
    if tail < hi and context.lower(tail) in (",", "—", "–"):
        rest = [g for g in range(tail + 1, hi) if not context.is_punct(g)]
        if rest and rest[0] not in scan.cues.verb_at and context.lower(rest[0]) not in ("and", "but"):
            if len(rest) < 2:
                return
            # parenthetical: the content runs on after the reporting clause
            content = scan.trim(context.tstart(lo), context.tend(hi - 1))
    elif tail < hi and context.lower(tail) not in (".", "!", "?", ";", ":") and context.lower(tail) not in DASHES:
        return
    scan.used_verbs.add(s)
    scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(s, e), content))


def _listener(scan: Scan, k: int, hi: int) -> int | None:
    context = scan.context
    if k >= hi:
        return None
    for words in listeners_by_first(scan.lexicon).get(context.lower(k), ()):
        n = len(words)
        if k + n <= hi and all(context.lower(k + i) == words[i] for i in range(1, n)):
            return k + n
    ent = context.ent_start_at.get(k)
    if ent is not None and ent.label_ == ACTOR_LABEL and ent.end < hi and context.lower(ent.end) == "that":
        return ent.end
    if context.lower(k) == "to" and k + 1 < hi:  # "tweeted to Mohamed the boy was …"
        m = context.mention_starting_at(k + 1, hi)
        if m is not None and m.kind in ("actor", "name", "title", "pronoun") and m.end < hi:
            return m.end
    return None
