"""Reviewing the rules' hits and adding missed spans: the logic behind the notebook widget.

:class:`ReviewSession` is plain Python (no widgets), so every state change is tested headless;
:mod:`analysis.app.review_widget` only draws it. A session steps through evidence rows (one
category, one document, or all), shows each hit in its sentence, and records the coder's
decisions in an annotation file (:mod:`analysis.tables.annotations`) — appended, never rewritten.
Opening a session on an existing file resumes it: hits this coder already decided are skipped.

>>> import pandas as pd, tempfile, pathlib
>>> texts = {"d1": "They lie. We act."}
>>> hits = pd.DataFrame({"doc_id": ["d1"], "category": ["deception"], "rule_id": ["lie"],
...                      "start_char": [5], "end_char": [8], "text": ["lie"]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "review.csv"
>>> s = ReviewSession(hits, texts, path=path, coder="ann")
>>> s.current().text, s.progress()
('lie', (0, 1))
>>> s.decide("correct").done
True
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Iterable

import pandas as pd
from spacy.tokens import Doc

from ..corpus.documents import Corpus
from ..errors import KitError
from ..nlp.docarrays import doc_id_of, doc_text
from ..tables.annotations import DECISIONS, AnnotationWriter, latest_decisions, read_annotation_file

__all__ = ["ReviewSession", "Hit"]

#: Characters of context shown on each side when no sentence boundaries are known.
CONTEXT_CHARS = 240


@dataclass(frozen=True)
class Hit:
    """One evidence row under review, with its context."""

    doc_id: str
    category: str
    rule_id: str
    start_char: int
    end_char: int
    text: str
    before: str
    after: str


def _texts(texts) -> tuple[dict[str, str], dict[str, list[tuple[int, int]]]]:
    """Document texts and, from parsed Docs, sentence boundaries."""
    if isinstance(texts, Doc):
        texts = [texts]
    if isinstance(texts, dict):
        return {str(k): str(v) for k, v in texts.items()}, {}
    if isinstance(texts, Corpus):
        return {d.doc_id: d.text for d in texts}, {}
    out, sents = {}, {}
    for d in texts:
        if isinstance(d, Doc):
            out[doc_id_of(d)] = doc_text(d)
            sents[doc_id_of(d)] = [(s.start_char, s.end_char) for s in d.sents]
        else:  # a Document
            out[d.doc_id] = d.text
    return out, sents


class ReviewSession:
    """Step through rule hits, record decisions, add missed spans.

    Args:
        evidence: evidence rows (``doc_id, category, start_char, end_char[, rule_id, text]``), e.g.
            ``code_corpus(docs)`` or ``evidence.csv``.
        texts: the documents: parsed Docs (context = the hit's sentence), a Corpus, or
            ``{doc_id: text}`` (context = :data:`CONTEXT_CHARS` characters each side).
        path: the annotation file (created if absent, appended to otherwise).
        coder: who is reviewing.
        categories: only hits of these categories (default: all).
        documents: only hits in these documents (default: all).
        limit: review at most this many hits (after the filters, in evidence order).
        labels: categories the coder may assign to an added span (default: those in ``evidence``).
    """

    def __init__(self, evidence: pd.DataFrame, texts, *, path: str | os.PathLike, coder: str,
                 categories: Iterable[str] | None = None, documents: Iterable[str] | None = None,
                 limit: int | None = None, labels: Iterable[str] | None = None):
        self.texts, self._sentences = _texts(texts)
        self.writer = AnnotationWriter(path, coder=coder)
        self.coder = self.writer.coder
        hits = evidence
        if categories is not None:
            hits = hits[hits["category"].astype(str).isin({str(c) for c in categories})]
        if documents is not None:
            hits = hits[hits["doc_id"].astype(str).isin({str(d) for d in documents})]
        unknown = sorted(set(hits["doc_id"].astype(str)) - set(self.texts))
        if unknown:
            raise KitError(f"{len(unknown)} document(s) of the evidence are not among the texts, e.g. {unknown[0]!r}")
        if limit is not None:
            hits = hits.head(int(limit))
        self.hits = [
            (str(r.doc_id), str(r.category), str(getattr(r, "rule_id", "") or ""), int(r.start_char), int(r.end_char))
            for r in hits.itertuples(index=False)
        ]
        self.labels = sorted({str(c) for c in (labels if labels is not None else evidence["category"])})
        self.position = 0
        self.history: list[tuple[int, str]] = []  # (hit index, decision) of this session, for display
        self._skip_decided()

    # ---------------------------------------------------------------- state
    def _decided(self) -> set[tuple[str, str, int, int]]:
        frame = read_annotation_file(self.writer.path, missing_ok=True)
        frame = latest_decisions(frame[frame["coder"] == self.coder])
        reviewed = frame[frame["decision"] != "added"]
        return {(d, c, int(s), int(e)) for d, c, s, e in
                reviewed[["doc_id", "category", "start_char", "end_char"]].itertuples(index=False, name=None)}

    def _skip_decided(self) -> None:
        decided = self._decided()
        while self.position < len(self.hits) and self._key(self.position) in decided:
            self.position += 1

    def _key(self, i: int) -> tuple[str, str, int, int]:
        d, c, _, s, e = self.hits[i]
        return d, c, s, e

    @property
    def done(self) -> bool:
        """True when every hit has been decided (or skipped past)."""
        return self.position >= len(self.hits)

    def progress(self) -> tuple[int, int]:
        """(hits this coder has decided, hits in the session)."""
        decided = self._decided()
        return sum(self._key(i) in decided for i in range(len(self.hits))), len(self.hits)

    def current(self) -> Hit | None:
        """The hit under review, or None when done."""
        if self.done:
            return None
        d, c, rule, s, e = self.hits[self.position]
        text = self.texts[d]
        lo, hi = max(0, s - CONTEXT_CHARS), min(len(text), e + CONTEXT_CHARS)
        for s0, s1 in self._sentences.get(d, []):
            if s0 <= s < s1:
                lo, hi = s0, max(s1, e)
                break
        return Hit(d, c, rule, s, e, text[s:e], text[lo:s], text[e:hi])

    # ---------------------------------------------------------------- actions
    def decide(self, decision: str, *, note: str = "", category: str | None = None) -> "ReviewSession":
        """Record a decision on the current hit and move to the next undecided one.

        ``decision`` is ``correct``, ``wrong`` or ``wrong_category``; with ``wrong_category`` pass
        the right ``category`` to also record the span as ``added`` under it.
        """
        hit = self.current()
        if hit is None:
            raise KitError("every hit has been reviewed; nothing to decide")
        if decision not in DECISIONS or decision == "added":
            raise KitError(f"decision must be correct, wrong or wrong_category; got {decision!r}")
        if category is not None and decision != "wrong_category":
            raise KitError("a new category goes with decision='wrong_category' only")
        if category is not None:
            self._check_label(category)
        self.writer.append(doc_id=hit.doc_id, category=hit.category, start_char=hit.start_char,
                           end_char=hit.end_char, text=hit.text, decision=decision, note=note)
        if category is not None:
            self.writer.append(doc_id=hit.doc_id, category=category, start_char=hit.start_char,
                               end_char=hit.end_char, text=hit.text, decision="added",
                               note=note or f"recoded from {hit.category}")
        self.history.append((self.position, decision))
        self.position += 1
        self._skip_decided()
        return self

    def skip(self) -> "ReviewSession":
        """Move on without deciding (the hit stays undecided for a later session)."""
        if not self.done:
            self.position += 1
        return self

    def back(self) -> "ReviewSession":
        """Go back one hit (a new decision on it supersedes the earlier one; the file keeps both)."""
        self.position = max(0, self.position - 1)
        return self

    def _check_label(self, category: str) -> None:
        if category not in self.labels:
            raise KitError(f"unknown category {category!r}; choose one of {', '.join(self.labels)}")

    def add_span(self, doc_id: str, start_char: int, end_char: int, category: str, *, note: str = "") -> dict:
        """Record a span the rules missed (decision ``added``); offsets into the document text."""
        self._check_label(category)
        if doc_id not in self.texts:
            raise KitError(f"unknown document {doc_id!r}")
        text = self.texts[doc_id]
        if not 0 <= start_char < end_char <= len(text):
            raise KitError(f"need 0 <= start_char < end_char <= {len(text)} in {doc_id}; got {start_char}, {end_char}")
        return self.writer.append(doc_id=doc_id, category=category, start_char=start_char, end_char=end_char,
                                  text=text[start_char:end_char], decision="added", note=note)

    def add_text(self, words: str, category: str, *, doc_id: str | None = None, note: str = "") -> dict:
        """Add a missed span by its words (what a coder selects and pastes): the occurrence nearest
        the current hit (or the first in ``doc_id``) is recorded."""
        words = words.strip()
        if not words:
            raise KitError("type or paste the words of the missed span")
        hit = self.current()
        doc_id = doc_id or (hit.doc_id if hit else None)
        if doc_id is None:
            raise KitError("name the document (doc_id) of the missed span")
        text = self.texts.get(doc_id)
        if text is None:
            raise KitError(f"unknown document {doc_id!r}")
        starts, i = [], text.find(words)
        while i >= 0:
            starts.append(i)
            i = text.find(words, i + 1)
        if not starts:
            raise KitError(f"{words[:60]!r} does not occur in {doc_id}; copy the words exactly")
        anchor = hit.start_char if hit and hit.doc_id == doc_id else 0
        start = min(starts, key=lambda s: (abs(s - anchor), s))
        return self.add_span(doc_id, start, start + len(words), category, note=note)

    # ---------------------------------------------------------------- display
    def html(self) -> str:
        """The current hit in its context as HTML (the hit highlighted), or a 'done' line."""
        hit = self.current()
        n_done, n = self.progress()
        head = f"<div class='dk-progress'>{n_done} of {n} reviewed</div>"
        if hit is None:
            return head + "<p class='dk-done'>All hits reviewed.</p>"
        return (head + f"<div class='dk-meta'><b>{html.escape(hit.category)}</b> · rule "
                f"<code>{html.escape(hit.rule_id)}</code> · {html.escape(hit.doc_id)} "
                f"[{hit.start_char}:{hit.end_char}]</div>"
                f"<p class='dk-context'>{html.escape(hit.before)}<mark class='dk-hit'>{html.escape(hit.text)}</mark>"
                f"{html.escape(hit.after)}</p>")
