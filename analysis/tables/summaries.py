"""Aggregates of per-sentence tables: sentiment by document, voice and camp."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.core.nanops import nanmean  # what Series.mean() computes: identical values

__all__ = ["SUMMARY_COLUMNS", "NO_CAMP", "summarize_sentiment"]

#: Columns of :func:`summarize_sentiment` (tidy long).
SUMMARY_COLUMNS = ["doc_id", "by", "group", "n_sentences", "mean_polarity", "mean_subjectivity"]
#: ``group`` value for sentences that mention no actor of a known camp.
NO_CAMP = "none"


def summarize_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean polarity and subjectivity per document, by ``document``, ``voice`` and ``camp``.

    Tidy long table (:data:`SUMMARY_COLUMNS`): for each document, one row with
    ``by="document", group="all"``; one per voice; one per camp mentioned
    (a sentence mentioning Russia and the West counts for both camps) and
    ``group="none"`` for sentences that mention no actor. Documents keep
    their order of first appearance; groups are sorted.
    """
    rows = []
    if frame.empty:
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    # Row indices per document (first-appearance order) and per group, then one
    # mean per group on numpy arrays: the same rows and the same arithmetic as
    # `part[mask]["polarity"].mean()`, without building a sub-DataFrame per group.
    doc_ids = frame["doc_id"].to_numpy(dtype=object)
    voices = frame["voice"].to_numpy(dtype=object)
    camps = frame["camps"].fillna("").to_numpy(dtype=object)
    polarity = frame["polarity"].to_numpy(dtype="float64")
    subjectivity = frame["subjectivity"].to_numpy(dtype="float64")
    by_doc: dict = {}
    for i, doc_id in enumerate(doc_ids):
        if not pd.isna(doc_id):  # groupby drops missing keys
            by_doc.setdefault(doc_id, []).append(i)

    def add(doc_id, by, group, idx):
        idx = np.asarray(idx, dtype=np.intp)
        rows.append({
            "doc_id": doc_id, "by": by, "group": group, "n_sentences": len(idx),
            "mean_polarity": float(nanmean(polarity[idx])),
            "mean_subjectivity": float(nanmean(subjectivity[idx])),
        })

    for doc_id, idx in by_doc.items():
        add(doc_id, "document", "all", idx)
        by_voice: dict = {}
        for i in idx:
            by_voice.setdefault(voices[i], []).append(i)
        for voice in sorted(by_voice):
            add(doc_id, "voice", voice, by_voice[voice])
        by_camp: dict = {}
        none = []
        for i in idx:
            names = camps[i].split(";")
            for c in dict.fromkeys(names):
                if c:
                    by_camp.setdefault(c, []).append(i)
            if camps[i] == "":
                none.append(i)
        for camp in sorted(by_camp):
            add(doc_id, "camp", camp, by_camp[camp])
        if none:
            add(doc_id, "camp", NO_CAMP, none)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
