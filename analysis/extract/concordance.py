"""Keyword in context: the rows of a concordance for one Doc.

:func:`phrase_spans` finds a phrase (case-insensitive, whole tokens, a final
``*`` matching any ending) the way the codebook's phrase rules do;
:func:`doc_concordance` turns token spans into KWIC records. The corpus-level
:func:`analysis.app.shortcuts.kwic` also lists a category's or a rule's evidence.
"""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc

from ..nlp.docarrays import doc_id_of
from .codebook import Category, Codebook, Rule, compile_codebook

__all__ = ["KWIC_COLUMNS", "phrase_codebook", "phrase_spans", "doc_concordance"]

#: Keys of a concordance record (columns of :func:`analysis.app.shortcuts.kwic`).
KWIC_COLUMNS = ["doc_id", "start_char", "end_char", "left", "match", "right", "category", "rule_id"]


def phrase_codebook(phrase: str) -> Codebook:
    """A one-rule codebook that matches ``phrase`` (``LOWER``; wildcards as in dictionaries)."""
    rule = Rule(id="kwic", category="kwic", phrases=(phrase,), attr="LOWER")
    return Codebook(id="kwic", version="", description="", path="<kwic>", sha256="", kind="phrase",
                    categories=[Category("kwic", "kwic", "kwic query", rules=(rule,))])


def phrase_spans(doc: Doc, codebook: Codebook) -> list[tuple[int, int]]:
    """Token spans ``(start, end)`` of every match of a :func:`phrase_codebook`, in text order."""
    return sorted((s, e) for _, s, e in compile_codebook(codebook, doc.vocab).matches(doc))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def doc_concordance(doc: Doc, spans: Iterable[tuple[int, int, str, str]], *, window: int = 8) -> list[dict]:
    """One record per ``(start token, end token, category, rule_id)`` span (keys :data:`KWIC_COLUMNS`).

    ``left``/``right`` are the ``window`` tokens around the match with whitespace collapsed.

    >>> from analysis import make_nlp
    >>> doc = make_nlp()("They said the talks were chatter and nothing more.")
    >>> [(r["left"], r["match"], r["right"]) for r in doc_concordance(doc, [(5, 6, "", "")], window=2)]
    [('talks were', 'chatter', 'and nothing')]
    """
    doc_id = doc_id_of(doc)
    return [
        {
            "doc_id": doc_id,
            "start_char": doc[s].idx,
            "end_char": doc[e - 1].idx + len(doc[e - 1].text),
            "left": _one_line(doc[max(0, s - window):s].text),
            "match": doc[s:e].text,
            "right": _one_line(doc[e:e + window].text),
            "category": category,
            "rule_id": rule_id,
        }
        for s, e, category, rule_id in spans
    ]
