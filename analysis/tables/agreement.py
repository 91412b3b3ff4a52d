"""Rule-vs-human agreement: span-overlap precision/recall/F1 and sentence-level kappa.

**Span matching.** Within each document and category, a gold span and a
predicted span *match* when they share at least one character. Matching is
one-to-one and greedy: candidate pairs are taken by decreasing overlap (ties:
earlier gold start, then earlier predicted start), and a span already matched
is not used again. ``tp`` is the number of matched pairs; precision =
tp / n_pred, recall = tp / n_gold, F1 their harmonic mean (NaN when undefined).

**Sentence-level kappa.** Given the sentence boundaries (``sentences``), each
(sentence, category) is coded present/absent by each side (a span overlapping
the sentence) and Cohen's kappa is computed per category; the ``ALL`` row pools
every (sentence, category) cell. Without ``sentences`` the kappa column is NaN:
kappa needs the sentences where both sides coded nothing, which spans alone
cannot give (pass a Corpus, Docs or a sentence table to get it).
"""
from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Iterable

import pandas as pd
from spacy.tokens import Doc

from ..corpus.documents import Corpus
from ..errors import KitError
from ..io import decode_utf8, read_user_file
from ..nlp.docarrays import doc_id_of
from ..nlp.pipeline import make_nlp, parse

__all__ = ["read_annotations", "agreement", "match_spans", "cohen_kappa", "ANNOTATION_COLUMNS", "AGREEMENT_COLUMNS"]

#: Required columns of an annotation CSV (``text`` is optional).
ANNOTATION_COLUMNS = ["doc_id", "category", "start_char", "end_char"]
#: Columns of :func:`agreement`.
AGREEMENT_COLUMNS = ["category", "n_gold", "n_pred", "tp", "precision", "recall", "f1", "kappa"]


def read_annotations(path: str | Path) -> pd.DataFrame:
    """Read a span annotation CSV (``doc_id, category, start_char, end_char[, text]``).

    Evidence tables written by ``discourse-kit run`` (``evidence.csv``) are
    read the same way; extra columns are ignored.

    Raises:
        KitError: one line naming the file (and row) for a missing file, missing
            columns, non-integer or inverted offsets, or empty ids.
    """
    path = Path(path)
    text = decode_utf8(read_user_file(path, what="annotation file"), path, what="annotation file")
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in ANNOTATION_COLUMNS if c not in header]
    if missing:
        raise KitError(f"missing column(s) {', '.join(missing)} (need {', '.join(ANNOTATION_COLUMNS)}[, text])",
                       path=path)
    rows = []
    try:
        for n, row in enumerate(reader, 2):
            where = f"row {n}"
            doc_id, cat = (row.get("doc_id") or "").strip(), (row.get("category") or "").strip()
            if not doc_id or not cat:
                raise KitError("empty doc_id or category", path=path, where=where)
            try:
                start, end = int(row["start_char"]), int(row["end_char"])
            except (TypeError, ValueError):
                raise KitError(f"start_char/end_char must be whole numbers; got {row.get('start_char')!r}, "
                               f"{row.get('end_char')!r}", path=path, where=where) from None
            if start < 0 or end <= start:
                raise KitError(f"need 0 <= start_char < end_char; got {start}, {end}", path=path, where=where)
            rows.append({"doc_id": doc_id, "category": cat, "start_char": start, "end_char": end,
                         "text": row.get("text") or ""})
    except csv.Error as e:
        raise KitError(f"malformed CSV: {e}", path=path) from None
    frame = pd.DataFrame(rows, columns=[*ANNOTATION_COLUMNS, "text"])
    for col in ("start_char", "end_char"):
        frame[col] = frame[col].astype("int64")
    return frame


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of overlapping spans; returns (gold index, pred index) pairs.

    >>> match_spans([(0, 10), (20, 30)], [(5, 25), (8, 9)])
    [(0, 0)]

    Prediction 0 overlaps both gold spans by 5 characters; the tie goes to the
    earlier gold span. Prediction 1 overlaps only gold 0, already taken.
    """
    cands = []
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(pred):
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                cands.append((-overlap, gs, ps, i, j))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, _, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def cohen_kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's kappa of two binary codings of the same units (NaN if undefined).

    >>> cohen_kappa([True, True, False, False], [True, False, False, False])
    0.5
    """
    n = len(a)
    if n == 0 or n != len(b):
        return math.nan
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1.0:
        return 1.0 if po == 1.0 else math.nan
    return (po - pe) / (1 - pe)


def _sentence_table(sentences) -> pd.DataFrame:
    """Sentence boundaries (doc_id, start_char, end_char) from a table, Docs or a Corpus."""
    if isinstance(sentences, pd.DataFrame):
        missing = [c for c in ("doc_id", "start_char", "end_char") if c not in sentences.columns]
        if missing:
            raise KitError(f"the sentence table lacks column(s) {', '.join(missing)}")
        return sentences[["doc_id", "start_char", "end_char"]]
    if isinstance(sentences, Doc):
        sentences = [sentences]
    if isinstance(sentences, Corpus):
        sentences = parse(sentences, make_nlp())
    rows = [(doc_id_of(d), s.start_char, s.end_char) for d in sentences for s in d.sents]
    return pd.DataFrame(rows, columns=["doc_id", "start_char", "end_char"])


def _safe_div(a: float, b: float) -> float:
    return a / b if b else math.nan


def agreement(
    gold: pd.DataFrame,
    predicted: pd.DataFrame,
    *,
    sentences=None,
    documents: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per-category agreement between gold and predicted spans, plus an ``ALL`` row.

    Args:
        gold, predicted: tables with ``doc_id, category, start_char, end_char``
            (:func:`read_annotations`, or an evidence table).
        sentences: sentence boundaries for kappa: a table with ``doc_id,
            start_char, end_char``, parsed Docs or a Corpus. Only scored
            documents count for kappa.
        documents: the doc_ids that were annotated. An annotated document
            with no gold rows (a text the coder found nothing in) is scored
            too, so every prediction in it is a false positive. Default: the
            documents that have gold rows.

    Returns:
        :data:`AGREEMENT_COLUMNS`, one row per category (sorted) then ``ALL``
        (micro-averaged counts; kappa pooled over all sentence x category cells).
        Predictions for documents that were not annotated are ignored, so a
        whole corpus's evidence can be scored against one annotated document.
    """
    for name, table in (("gold", gold), ("predicted", predicted)):
        missing = [c for c in ANNOTATION_COLUMNS if c not in table.columns]
        if missing:
            raise KitError(f"{name} annotations lack column(s) {', '.join(missing)}")
    docs = set(gold["doc_id"].astype(str))
    if documents is not None:
        docs |= {str(d) for d in documents}
    pred = predicted[predicted["doc_id"].astype(str).isin(docs)]
    categories = sorted(set(gold["category"].astype(str)) | set(pred["category"].astype(str)))

    def spans(table: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, int]]]:
        out: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for d, c, s, e in table[ANNOTATION_COLUMNS].itertuples(index=False, name=None):
            out.setdefault((str(d), str(c)), []).append((int(s), int(e)))
        return out

    g_spans, p_spans = spans(gold), spans(pred)
    sent = _sentence_table(sentences) if sentences is not None else None
    if sent is not None:
        sent = sent[sent["doc_id"].astype(str).isin(docs)]
    rows = []
    totals = {"n_gold": 0, "n_pred": 0, "tp": 0}
    pooled_a: list[bool] = []
    pooled_b: list[bool] = []
    for cat in categories:
        n_gold = n_pred = tp = 0
        for d in sorted(docs):
            g, p = g_spans.get((d, cat), []), p_spans.get((d, cat), [])
            n_gold += len(g)
            n_pred += len(p)
            tp += len(match_spans(g, p))
        kappa = math.nan
        if sent is not None:
            a, b = [], []
            for d, s0, s1 in sent.itertuples(index=False, name=None):
                a.append(any(s < s1 and e > s0 for s, e in g_spans.get((str(d), cat), [])))
                b.append(any(s < s1 and e > s0 for s, e in p_spans.get((str(d), cat), [])))
            kappa = cohen_kappa(a, b)
            pooled_a += a
            pooled_b += b
        precision, recall = _safe_div(tp, n_pred), _safe_div(tp, n_gold)
        f1 = _safe_div(2 * precision * recall, precision + recall) if tp else (0.0 if n_gold and n_pred else math.nan)
        rows.append({"category": cat, "n_gold": n_gold, "n_pred": n_pred, "tp": tp,
                     "precision": precision, "recall": recall, "f1": f1, "kappa": kappa})
        totals["n_gold"] += n_gold
        totals["n_pred"] += n_pred
        totals["tp"] += tp
    tp = totals["tp"]
    precision, recall = _safe_div(tp, totals["n_pred"]), _safe_div(tp, totals["n_gold"])
    if tp:
        f1 = _safe_div(2 * precision * recall, precision + recall)
    else:
        f1 = 0.0 if totals["n_gold"] and totals["n_pred"] else math.nan
    rows.append({"category": "ALL", **totals, "precision": precision, "recall": recall, "f1": f1,
                 "kappa": cohen_kappa(pooled_a, pooled_b) if sent is not None else math.nan})
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    for col in ("n_gold", "n_pred", "tp"):
        frame[col] = frame[col].astype("int64")
    for col in ("precision", "recall", "f1", "kappa"):
        frame[col] = frame[col].astype("float64")
    return frame
