"""Cue phrases: according to X, in X's words, agentless cues, proxies, credit verbs, "as X said".

Each phrase family of the lexicon has its own slot for the actor (``X``):
``according to X`` and ``in X's words`` give ``according_to`` in narration
and ``authority`` inside someone's speech; agentless cues ("it was reported
that") give ``agentless``; "through X's mouth", "at X's behest", "X, a
puppet of Y" give ``proxy`` (mouthpiece and principal); "TASS reports" gives
``source_credit``. Then "as the President said" (``authority`` in speech,
``according_to`` in narration) and "as announced by X" (``indirect``).
"""
from __future__ import annotations

from .cues import CHARACTERISING
from .frames import inside_indirect, is_media, is_source, skip_left
from .model import Mention, Raw
from .scan import Scan
from .words import DETERMINERS, NP_STOP, PREPOSITIONS

__all__ = ["find_cue_phrases"]


def find_cue_phrases(scan: Scan) -> None:
    """according to / in X's words / agentless / proxy / credit verbs, then "as X said" and "as announced by X"."""
    context = scan.context
    proxies: dict[int, dict] = {}
    taken_until = -1  # longest cue wins: "according to media reports" (agentless) over "according to X"
    for key, s, e in sorted(scan.cues.anchor_hits, key=lambda h: (h[1], -(h[2] - h[1]))):
        family, prefix, suffix, slot = scan.cues.specs[key]
        if slot in ("none", "end") and s < taken_until:
            continue
        if slot in ("none", "end"):
            taken_until = e
        sent = int(context.sent_of[s])
        lo, hi = context.sents[sent]
        # locate the whole cue and the X slot
        if slot == "none":
            cue = (s, e)
            m = None
        elif slot == "end":
            m = context.mention_starting_at(e, hi)
            if m is None and e < hi and family == "according_to" and context.lower(e) in _OBJECT_PRONOUNS \
                    and (e + 1 >= hi or context.is_punct(e + 1)):
                m = Mention(e, e + 1, "pronoun", _OBJECT_PRONOUNS[context.lower(e)])  # "according to him,"
            if m is None and family == "according_to":
                # "according to exit polling data": a bare noun phrase (a source only with a source noun)
                j = e
                while j < hi and j - e < 8 and not context.is_punct(j) and context.lower(j) not in NP_STOP:
                    j += 1
                m = Mention(e, j, "np", context.lower(j - 1)) if j > e else None
            if m is None:
                continue
            cue = (s, e)
            if m.start - 1 >= e and context.lower(m.start - 1) in DETERMINERS:
                m.start = min(m.start, e)
        elif slot == "start":
            j = s - 1
            m = context.mention_ending_at(j, lo) if j >= lo else None
            if family == "credit_verbs":
                if m is None or m.kind != "actor" or not is_media(scan, m.canonical):
                    continue
            if m is None:
                continue
            cue = (m.start, e)
        else:  # mid
            a = s - 1
            while a >= lo and s - a <= 7 and tuple(
                    context.lower(k) for k in range(a - len(prefix) + 1, a + 1)) != prefix:
                a -= 1
            if a < lo or s - a > 7:
                continue
            slot_a = a + 1
            if slot_a >= s:
                continue
            m = context.mention_in(slot_a, s)
            if m is None:
                continue
            cue = (a - len(prefix) + 1, e)
        cue_chars = context.char_span(*cue)
        in_q = scan.quote_at(cue_chars[0])
        for v in scan.cues.verbs_in(cue[0], cue[1]):
            scan.used_verbs.add(v[0])
        if family == "agentless":
            # "it was reported that": content is the rest of the sentence
            content = scan.content_after(cue[1], hi, lo)
            scan.add(Raw("agentless", sent, None, cue_chars, content))
            for v in scan.cues.verbs_in(lo, hi):
                if v[0] >= cue[0] and v[0] < cue[1] + 1:
                    scan.used_verbs.add(v[0])
        elif family in ("according_to", "in_words"):
            if m is None or not is_source(scan, m):
                continue  # "according to the principle of …", "according to plan"
            if m.kind == "name" and slot == "end":
                # "according to Ukrainian intelligence data": the noun phrase goes on
                k = m.end
                while k < hi and k - m.end < 4 and context.doc[k].is_alpha and context.doc[k].is_lower \
                        and context.lower(k) not in NP_STOP and context.lower(k) not in PREPOSITIONS:
                    k += 1
                if k > m.end and (k >= hi or context.is_punct(k)):
                    m = Mention(m.start, k, "np", context.lower(k - 1))
            whole = (min(cue[0], m.start), max(cue[1], m.end))
            content = scan.content_around(whole, lo, hi)
            outer = in_q >= 0
            in_speech = outer or (family == "in_words" and (inside_indirect(scan, cue_chars[0])
                                                         or bool(scan.narrator_speaker)))
            kind = "authority" if in_speech else "according_to"
            raw = Raw(kind, sent, m, cue_chars, content)
            if kind == "authority":
                raw.principal, raw.mention, raw.needs = m, None, "outer"
            scan.add(raw)
        elif family == "credit_verbs":
            content = scan.content_around(cue, lo, hi)
            scan.add(Raw("source_credit", sent, m, cue_chars, content))
        else:
            rec = proxies.setdefault(sent, {"mouth": [], "principal": [], "subject": []})
            key2 = {"proxy_mouthpiece": "mouth", "proxy_principal": "principal",
                    "proxy_subject_is_mouthpiece": "subject"}[family]
            rec[key2].append((m, cue_chars, cue))
    for sent, rec in sorted(proxies.items()):
        _proxy(scan, sent, rec)
    # "as the President said": an authority inside speech, according_to in narration
    for v in scan.cues.verbs:
        s, e, lemma, _ = v
        if s in scan.used_verbs or lemma == CHARACTERISING or s < 2:
            continue
        lo, hi = context.sent_bounds(s)
        j = skip_left(scan, s - 1, lo)
        if j < lo:
            continue
        m = context.mention_ending_at(j, lo)
        if m is None or m.start - 1 < lo or context.lower(m.start - 1) != "as":
            continue
        own = (m.kind == "pronoun" and m.key in ("i", "we") and bool(scan.narrator_speaker)
               and scan.quote_at(context.tstart(m.start)) < 0)
        if m.kind == "pronoun" and not own:
            continue
        if context.lower(s) == lemma and j == s - 1:
            continue  # a base form right after the noun phrase is a noun: "as the best possible reply"
        cue_chars = (context.tstart(m.start - 1), context.tend(e - 1))
        # "as X said, …" or "…, as X said."
        after = e
        while after < hi and (context.lower(after) in ("it", "so", "before", "earlier", "repeatedly", "recently")):
            after += 1
        content = scan.content_around((m.start - 1, after), lo, hi)
        in_q = scan.quote_at(cue_chars[0])
        scan.used_verbs.add(s)
        if own:
            # "as I said", "as we have warned" in a speech: the speaker's own earlier words
            scan.add(Raw("according_to", int(context.sent_of[s]), m, cue_chars, content))
        elif in_q >= 0 or inside_indirect(scan, cue_chars[0]) or scan.narrator_speaker:
            scan.add(Raw("authority", int(context.sent_of[s]), None, cue_chars, content, principal=m, needs="outer"))
        else:
            scan.add(Raw("according_to", int(context.sent_of[s]), m, cue_chars, content))
    # "as announced by X": indirect with a passive cue
    for v in scan.cues.verbs:
        s, e, lemma, _ = v
        if s in scan.used_verbs or e >= context.n or context.lower(e) != "by" or s < 1 or lemma in _NO_PASSIVE_BY:
            continue  # "he was quoted by The Canadian Press", "questioned by police": no speaker by "by"
        if context.lower(s - 1) not in ("as", "was", "were", "is", "been"):
            continue
        lo, hi = context.sent_bounds(s)
        m = context.mention_starting_at(e + 1, hi)
        if m is None or scan.in_quote[s]:
            continue
        cue_lo = s - 1 if context.lower(s - 1) == "as" else s
        content = scan.content_around((cue_lo, m.end), lo, hi)
        if content[0] < 0 or set(scan.text[content[0]:content[1]].lower().split()) <= _EMPTY_CONTENT:
            continue  # "It was reported by the paper.": no content named
        scan.used_verbs.add(s)
        scan.add(Raw("indirect", int(context.sent_of[s]), m, context.char_span(cue_lo, e + 1), content))


#: Object pronouns as the X of "according to X", and the pronoun they resolve as.
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}
#: Speech verbs whose passive "by X" names no speaker of a content.
_NO_PASSIVE_BY = frozenset({"quote", "question"})
#: Words that alone are no content of a passive report ("It was reported by …").
_EMPTY_CONTENT = frozenset({"it", "he", "she", "they", "this", "that", "was", "were", "is", "are", "been", "has",
                            "have", "had", "also", "not"})


def _proxy(scan: Scan, sent: int, rec: dict) -> None:
    context = scan.context
    lo, hi = context.sents[sent]
    for key in rec:  # an X slot must name someone: "the mouth of NATO", not "proxy wars"
        rec[key] = [x for x in rec[key] if x[0] is not None and x[0].kind in ("actor", "name", "title")]
    mouths = rec["mouth"] + rec["subject"]
    principals = rec["principal"]
    content = scan.content_around((lo, lo), lo, hi)
    # "X, a puppet of Y": the mouthpiece is the actor before the phrase
    for m, cue_chars, cue in rec["subject"]:
        mouth = _actor_before(scan, cue[0], lo, exclude=m)
        if mouth is not None:
            scan.add(Raw("proxy", sent, mouth, cue_chars, content, principal=m))
    for m, cue_chars, cue in rec["mouth"]:
        if principals:
            p = principals[0][0]
        else:
            p = _actor_before(scan, cue[0], lo, exclude=m)
        scan.add(Raw("proxy", sent, m, cue_chars, content, principal=p))
    if not mouths:
        for m, cue_chars, cue in principals:
            mouth = _actor_before(scan, cue[0], lo, exclude=m)
            scan.add(Raw("proxy", sent, mouth, cue_chars, content, principal=m))


def _actor_before(scan: Scan, tok: int, lo: int, exclude: Mention | None = None) -> Mention | None:
    """The nearest actor entity before ``tok`` in the sentence (the mouthpiece of a proxy)."""
    context = scan.context
    speaker_verbs = {v[0] for v in scan.cues.verbs_in(lo, tok)}
    best = None
    for k in range(tok - 1, lo - 1, -1):
        ent = context.ent_end_at.get(k)
        if ent is None or ent.start < lo:
            continue
        if exclude is not None and ent.start == exclude.start:
            continue
        m = context.ent_mention(ent)
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
            if context.ent_cover[k] >= 0 or scan.in_quote[k]:
                continue
            nm = context.name_ending_at(k, lo)
            if nm is not None and not (nm.start == lo and nm.end - nm.start == 1):
                if exclude is None or nm.end <= exclude.start or nm.start >= exclude.end:
                    return nm
    return best
