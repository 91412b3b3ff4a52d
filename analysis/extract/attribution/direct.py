"""Direct and partial quotations, and speaker labels ("THE PRESIDENT: …").

:func:`find_quotations` gives every quotation a speaker frame after it
('"…," Lavrov said'), before it ('Lavrov said: "…"') or elsewhere in the
sentence (a *partial* quotation: 'Lavrov called the talks "chatter"'); a
quotation with none is left for :mod:`.resolve` to find its speaker in the
neighbouring sentences. Titles in quotation marks, scare quotes and stray
marks are not attributions. :func:`find_labels` finds headline and transcript
labels ("Russian Foreign Ministry: …", "TAPPER: …").
"""
from __future__ import annotations

import bisect
import re

import numpy as np

from .frames import frame_after, frame_before, is_media, left_speaker, sentence_has_speech
from .model import Mention, Raw
from .quotes import Quote, at_line_start
from .scan import Scan
from .words import DASHES, LABEL_WORDS

__all__ = ["find_quotations", "find_labels"]


def find_quotations(scan: Scan) -> None:
    """A ``direct`` or ``partial`` attribution for every quotation (see the module docstring)."""
    context = scan.context
    quotes = scan.quotes
    for qi, q in enumerate(quotes):
        s_open = int(context.sent_of[q.open_tok])
        s_close = int(context.sent_of[q.close_tok])
        sent_lo = context.sents[s_open][0]
        sent_hi = context.sents[s_close][1]
        prev_end = quotes[qi - 1].close_tok + 1 if qi > 0 and quotes[qi - 1].close_tok >= sent_lo else sent_lo
        next_start = quotes[qi + 1].open_tok if qi + 1 < len(quotes) and quotes[qi + 1].open_tok < sent_hi else sent_hi
        before_lo = max(prev_end, sent_lo)
        content = (q.content_start, q.content_end)
        # text after the closing mark up to the sentence end (or the next quote)
        after_words = [k for k in range(q.close_tok + 1, next_start) if not context.is_punct(k)]
        before_words = [k for k in range(before_lo, q.open_tok) if not context.is_punct(k)]
        n_words = 0
        if q.close_tok > q.open_tok + 1:
            n_words = int(q.close_tok - q.open_tok - 1 - context.punct_arr[q.open_tok + 1 : q.close_tok].sum())
        if _quoted_label(scan, q, qi, s_open):
            continue  # '"PENCE: Well, look, …' -- a transcript turn quoted whole
        if q.open_tok - 1 >= sent_lo and context.lower(q.open_tok - 1) in _TITLE_BEFORE \
                and _is_title(scan, q, final_stop=True):
            continue  # a show, book or article: on MSNBC's “Morning Joe,” in his book “Crippled America”
        after_frame = frame_after(scan, q.close_tok + 1, next_start)
        if after_frame is None and not after_words and s_close + 1 < len(context.sents) and next_start == sent_hi:
            # '"…" - Matthew Ingram' split off as its own sentence
            n_lo, n_hi = context.sents[s_close + 1]
            if context.lower(n_lo) in DASHES and n_hi - n_lo <= 8:
                after_frame = frame_after(scan, n_lo, n_hi)
        if after_frame is not None:
            m, (c0, c1) = after_frame
            kind = "direct"
            if before_words and not _quote_starts_clause(scan, before_lo, q.open_tok):
                kind = "partial"
            scan.used_verbs.add(c0)
            raw = Raw(kind, s_open, m, context.char_span(c0, c1), content, quote=qi)
            if kind == "partial":  # the voice is the reporting clause's speaker, if any
                raw.extra["fallback"], raw.mention, raw.needs = m, None, "outer"
            scan.add(raw)
            continue
        before_frame = frame_before(scan, before_lo, q.open_tok)
        if before_frame is not None:
            m, cue, how = before_frame
            vstart = context.tok_at_char(cue[0])
            scan.used_verbs.add(vstart)
            kind = "direct" if not after_words or _after_is_trailer(scan, q.close_tok + 1, next_start) else "partial"
            raw = Raw(kind, s_open, m, cue, content, quote=qi)
            if kind == "partial":
                raw.extra["fallback"], raw.mention, raw.needs = m, None, "outer"
            scan.add(raw)
            continue
        # a speech cue elsewhere in the sentence: partial quotation of that speaker
        if before_words or after_words:
            if q.unclosed:
                continue  # a stray mark inside narration
            if n_words <= 3 and not sentence_has_speech(scan, sent_lo, sent_hi):
                continue  # scare quotes
            if _is_title(scan, q):
                continue  # a name or title: "Better Idea of Afghan Girls"
            raw = Raw("partial", s_open, None, (-1, -1), content, needs="outer", quote=qi)
            for v in scan.cues.verbs_in(sent_lo, q.open_tok):
                m = left_speaker(scan, v[0], sent_lo)
                if m is not None:  # "Lavrov called the talks "chatter""
                    raw.extra["fallback"] = m
                    raw.cue = context.char_span(v[0], v[1])
                    break
            if n_words <= 2 and "fallback" not in raw.extra:
                continue  # one or two quoted words without a speaker framing them
            scan.add(raw)
            continue
        # a whole sentence (or several) in quotation marks: speaker from context
        scan.add(Raw("direct", s_open, None, (-1, -1), content, needs="context", quote=qi))


def _quoted_label(scan: Scan, q: Quote, qi: int, si: int) -> bool:
    """A quotation that opens with an upper-case speaker label (``"PENCE: Well, …"``, ``"MR. TRUMP: …"``),
    as when an article quotes an interview transcript turn by turn: one ``direct`` record per turn
    (a paragraph of the quotation opening with such a label), its content after the colon up to
    the next turn; the colon is the cue."""
    text = scan.text
    head = text[q.content_start:q.content_start + 34]
    if not head[:1].isupper() or ":" not in head or not head[1:2].isupper():
        return False  # cheap test first: no upper-case label opens the quotation
    context = scan.context
    found = [m for m in _LABEL_RE.finditer(text, q.content_start, q.content_end)
             if m.start() == q.content_start or text[m.start() - 1] == "\n"]
    if not found or found[0].start() != q.content_start:
        return False
    turns = []
    for lab in found:
        words = lab.group(1).lower().replace(".", " ").split()
        if not words or any(w in LABEL_WORDS for w in words) or len(words) > 4:
            continue
        a = context.tok_from_char(lab.start(1))
        k = context.tok_at_char(lab.end(1))  # the colon
        if k <= a or context.lower(k) != ":":
            continue
        m = context.mention_ending_at(k - 1, a)
        if m is None or m.start != a:
            m = Mention(a, k, "name")
        turns.append((m, lab.end(1), lab.end()))
    if not turns:
        return False
    for i, (m, colon, start) in enumerate(turns):
        end = turns[i + 1][1] - 40 if i + 1 < len(turns) else q.content_end
        end = found[[f.end(1) for f in found].index(turns[i + 1][1])].start() if i + 1 < len(turns) else end
        content = scan.trim(start, end)
        while content[1] > content[0] and text[content[1] - 1] in "\"“”":
            content = scan.trim(content[0], content[1] - 1)
        if content[1] > content[0]:
            scan.add(Raw("direct", int(context.sent_of[context.tok_at_char(colon)]), m, (colon, colon + 1),
                         content, quote=qi))
    return True


#: An upper-case speaker label opening a paragraph of a quotation: ``PENCE:``, ``MR. TRUMP:``
#: (after an optional quotation mark that reopens the paragraph).
_LABEL_RE = re.compile(r"[\"“]?([A-Z][A-Z.'’\- ]{1,30}[A-Z.]):[ \t]")


#: Words right before a quoted title ("on MSNBC's “Morning Joe”", "in his book “Crippled America”").
_TITLE_BEFORE = frozenset({"'s", "’s", "on", "in", "titled", "entitled", "show", "program", "programme", "book",
                           "article", "column", "film", "headline", "op-ed", "essay", "documentary", "series"})


def _is_title(scan: Scan, q: Quote, *, final_stop: bool = False) -> bool:
    """Quoted words that are all capitalised (a title or name), at most ten of them (``final_stop``:
    a stop before the closing mark is allowed, as after "on MSNBC's")."""
    context = scan.context
    words = [k for k in range(q.open_tok + 1, q.close_tok) if not context.is_punct(k)]
    if not words or len(words) > 10:
        return False
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "or"}
    last = q.close_tok - 1  # a final stop inside the marks ("on MSNBC's “Morning Joe.”") is the sentence's
    while final_stop and last > q.open_tok and context.lower(last) in (".", ",", "!", "?"):
        last -= 1
    if any(context.lower(k) in (".", "!", "?") for k in range(q.open_tok + 1, last + 1)):
        return False
    caps = [k for k in words if context.lower(k) not in small]
    return bool(caps) and all(context.doc[k].text[:1].isupper() or context.doc[k].text[:1].isdigit() for k in caps) \
        and len(caps) >= 2


def _quote_starts_clause(scan: Scan, lo: int, open_tok: int) -> bool:
    """True when only an introduction precedes the quotation (``that``, ``:``, a speaker frame)."""
    return frame_before(scan, lo, open_tok) is not None


def _after_is_trailer(scan: Scan, a: int, hi: int) -> bool:
    """Words after a quotation that do not continue the clause (``, he said.``, ``, on Monday.``)."""
    return frame_after(scan, a, hi) is not None


def _add_label(scan: Scan, si: int, s: int, k: int, m, turns: list) -> None:
    """The ``direct`` record of the label ``tokens [s, k)`` + ``:`` opening sentence ``si``."""
    context = scan.context
    colon_char = context.tstart(k)
    content = scan.trim(context.tstart(k + 1), context.tend(context.sents[si][1] - 1))
    if content[1] <= content[0]:
        return
    raw = scan.add(Raw("direct", si, m, (colon_char, colon_char + 1), content))
    raw.extra["label"] = " ".join(scan.text[context.tstart(s):colon_char].split()).lower()
    turns.append((context.tstart(s), raw))


def find_labels(scan: Scan) -> None:
    """``Russian Foreign Ministry: Negotiations …`` — a speaker label opening a line.

    A label's words run to the end of its sentence (a headline). In a
    transcript -- two or more label lines with two or more different
    labels -- each turn runs to the next label-like line (a speaker
    label, or ``Question:``, ``Q:``, an unknown name: any short line
    opening ``…:``) or to the end of the text, so every sentence of a
    turn is the speaker's and a journalist's question is not.
    """
    context = scan.context
    text = scan.text
    colon = scan.doc.vocab.strings[":"]
    seen: set[int] = set()
    turns: list[tuple[int, Raw]] = []  # (char where the label line starts, its record)
    breaks: list[int] = []  # chars where any label-like line starts: a turn ends there
    pending: list[tuple[int, int, int, object]] = []  # title-case name labels (a transcript's?)
    for k in np.flatnonzero(context.lower_arr == colon).tolist():
        si = int(context.sent_of[k])
        s, e = context.sents[si]
        if si in seen or k == s or k - s > 7 or k >= e - 1:
            continue
        seen.add(si)
        if not at_line_start(text, context.tstart(s)):
            continue
        colon_char = context.tstart(k)
        if scan.quote_at(colon_char) >= 0 or scan.quote_at(context.tstart(s)) >= 0:
            continue
        nxt = context.tstart(k + 1)
        if scan.quote_at(nxt) >= 0:
            continue  # `Lavrov: "…"` is handled with the quotation
        if context.doc[k].whitespace_ == "" and context.doc[k + 1].text[:1].isdigit():
            continue  # 12:30
        if context.doc[s].text[:1].isupper() and k - s <= 4:
            breaks.append(context.tstart(s))
        m = context.mention_ending_at(k - 1, s)
        if m is None or m.start != s or m.kind not in ("actor", "title", "name"):
            continue
        if any(context.lower(t) in LABEL_WORDS for t in range(s, k)):
            continue
        title_case_name = m.kind == "name" and not all(
            context.doc[t].is_upper or not context.doc[t].is_alpha for t in range(s, k))
        if title_case_name and (k - s > 4 or text[:context.tstart(s)].strip()
                                or context.lower(k + 1) in ("a", "an", "the")):
            # (a headline "Frank Messina: An Interview with …" names a topic, not a claim)
            # "Regional Issues: …" is a heading, "TAPPER: …" a transcript label; a name in title
            # case is a label in the headline ("Paul Ryan: FBI Decision …", the first line) or
            # in a transcript where two or more such labels recur (decided below)
            if k - s <= 4:
                pending.append((si, s, k, m))
            continue
        if m.kind == "title" and not context.doc[s].is_upper and not context.doc[s].text[:1].isupper():
            continue
        if m.kind == "actor" and is_media(scan, m.canonical):
            continue
        _add_label(scan, si, s, k, m, turns)
    labels = [" ".join(text[context.tstart(s):context.tstart(k)].split()).lower() for _, s, k, _ in pending]
    recurring = {x for x in labels if labels.count(x) >= 2}
    if len(recurring) >= 2:
        for (si, s, k, m), label in zip(pending, labels):
            if label in recurring:
                _add_label(scan, si, s, k, m, turns)
        turns.sort(key=lambda t: t[0])
    if len(turns) >= 2 and len({raw.extra["label"] for _, raw in turns}) >= 2:
        breaks.append(len(text))
        for start, raw in turns:
            end = breaks[bisect.bisect_right(breaks, start)]
            turn = scan.trim(raw.content[0], end)
            if turn[1] > raw.content[1]:
                raw.content = turn
