"""Feature rates and co-occurrence, counted from evidence rows.

Every number here is a count of evidence rows (:mod:`analysis.extract.rhetoric`)
divided by a token count (:func:`analysis.tables.frames.exposure_frame`), so
each rate can be traced back to the words behind it.

* :func:`feature_table` -- count, rate per 1,000 tokens and a 95% exact Poisson
  interval for every document x voice x category, zeros included;
* :func:`cooccurrence` -- categories coded in the same sentence;
* :func:`poisson_interval` -- the exact (Garwood) interval of a rate.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from spacy.tokens import Doc

from ..errors import KitError
from ..extract.analyze import count_tokens
from ..nlp.docarrays import doc_id_of
from .frames import ALL_VOICES, EXPOSURE_COLUMNS, evidence_frame, exposure_frame

__all__ = ["feature_table", "cooccurrence", "poisson_interval", "FEATURE_COLUMNS", "COOCCURRENCE_COLUMNS"]

#: Columns of :func:`feature_table`.
FEATURE_COLUMNS = ["doc_id", "voice", "category", "count", "n_tokens", "rate_per_1000", "ci_low", "ci_high"]
#: Columns of :func:`cooccurrence`.
COOCCURRENCE_COLUMNS = ["category_a", "category_b", "n_sentences"]


def poisson_interval(count, exposure, *, per: float = 1000.0, level: float = 0.95):
    """Exact (Garwood) Poisson confidence interval for a rate ``count / exposure * per``.

    ``lower = chi2.ppf(a/2, 2k) / 2`` and ``upper = chi2.ppf(1 - a/2, 2k + 2) / 2``
    (``lower = 0`` when ``k = 0``), scaled by ``per / exposure``; NaN when the
    exposure is 0 or missing. Accepts scalars or arrays.

    >>> [round(float(v), 4) for v in poisson_interval(0, 1000)]
    [0.0, 3.6889]
    """
    from scipy.stats import chi2  # scipy.stats costs 0.7 s to import: only when a rate is computed

    k = np.asarray(count, dtype=float)
    n = np.asarray(exposure, dtype=float)
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(k > 0, chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
        high = chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
        scale = np.where(n > 0, per / n, np.nan)
    return low * scale, high * scale


def _exposure_from(exposure) -> pd.DataFrame:
    """Accept an exposure DataFrame, DocResults, or parsed Docs (whole-document counts)."""
    if isinstance(exposure, pd.DataFrame):
        missing = [c for c in EXPOSURE_COLUMNS if c not in exposure.columns]
        if missing:
            raise KitError(f"the exposure table lacks column(s) {', '.join(missing)} "
                           f"(expected {', '.join(EXPOSURE_COLUMNS)}; see exposure_frame)")
        return exposure[EXPOSURE_COLUMNS]
    items = list(exposure)
    if items and hasattr(items[0], "voice_tokens"):
        return exposure_frame(items)
    if all(isinstance(d, Doc) for d in items):
        return pd.DataFrame(
            [{"doc_id": doc_id_of(d), "voice": ALL_VOICES, "n_tokens": count_tokens(d)} for d in items],
            columns=EXPOSURE_COLUMNS,
        )
    raise KitError("feature_table needs an exposure table (exposure_frame), DocResults or parsed Docs")


def _category_order(evidence: pd.DataFrame, codebook) -> list[str]:
    cats: list[str] = list(codebook.category_ids) if codebook is not None else []
    extra = sorted(set(evidence["category"]) - set(cats)) if len(evidence) else []
    return cats + extra


def feature_table(evidence: pd.DataFrame, exposure, *, codebook=None) -> pd.DataFrame:
    """Counts and rates per document, voice and category, zeros included.

    Args:
        evidence: the evidence table (:func:`analysis.tables.frames.evidence_frame`).
        exposure: token counts -- an :func:`exposure_frame`, a list of
            ``DocResult`` or parsed Docs (then only voice ``"all"``).
        codebook: its categories are all listed, in codebook order, even with
            no hit (default: the categories that occur in ``evidence``).

    Returns:
        :data:`FEATURE_COLUMNS`: ``count`` (evidence rows), ``n_tokens`` (word
        tokens of that document and voice), ``rate_per_1000`` and the 95% exact
        Poisson interval ``ci_low``/``ci_high`` (per 1,000 tokens). Voice
        ``"all"`` counts every hit of the document. Evidence in a voice absent
        from ``exposure`` gets ``n_tokens`` <NA> and NaN rates rather than being dropped.
    """
    exp = _exposure_from(exposure)
    if not isinstance(evidence, pd.DataFrame):
        evidence = evidence_frame(evidence)
    cats = _category_order(evidence, codebook)
    ev = evidence[["doc_id", "voice", "category"]]
    counts: dict[tuple[str, str, str], int] = {}
    for (doc_id, voice, cat), n in ev.groupby(["doc_id", "voice", "category"], sort=False).size().items():
        counts[(doc_id, voice, cat)] = counts.get((doc_id, voice, cat), 0) + int(n)
    for (doc_id, cat), n in ev.groupby(["doc_id", "category"], sort=False).size().items():
        counts[(doc_id, ALL_VOICES, cat)] = int(n)
    units: list[tuple[str, str, int | None]] = [
        (d, v, int(t)) for d, v, t in exp[["doc_id", "voice", "n_tokens"]].itertuples(index=False, name=None)
    ]
    known = {(d, v) for d, v, _ in units}
    for d, v in sorted({(d, v) for d, v, _ in counts} - known):
        units.append((d, v, None))
    rows = [(d, v, c, counts.get((d, v, c), 0), t) for d, v, t in units for c in cats]
    frame = pd.DataFrame(rows, columns=["doc_id", "voice", "category", "count", "n_tokens"])
    frame["count"] = frame["count"].astype("int64")
    frame["n_tokens"] = frame["n_tokens"].astype("Int64")
    n = frame["n_tokens"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["rate_per_1000"] = np.where(n > 0, frame["count"] / n * 1000.0, np.nan)
    low, high = poisson_interval(frame["count"].to_numpy(), n.to_numpy())
    frame["ci_low"] = low
    frame["ci_high"] = high
    return frame[FEATURE_COLUMNS].reset_index(drop=True)


def cooccurrence(evidence: pd.DataFrame, *, codebook=None) -> pd.DataFrame:
    """How many sentences carry both category a and category b (long form, symmetric).

    The diagonal (a == b) is the number of sentences with that category. With
    ``codebook``, every pair of its categories is listed (zeros included);
    otherwise only pairs that occur. Columns: :data:`COOCCURRENCE_COLUMNS`.
    """
    if not isinstance(evidence, pd.DataFrame):
        evidence = evidence_frame(evidence)
    cats = _category_order(evidence, codebook)
    rank = {c: i for i, c in enumerate(cats)}
    pairs: dict[tuple[str, str], int] = {}
    if len(evidence):
        by_sentence = evidence.groupby(["doc_id", "sentence_id"], sort=False)["category"]
        sets = by_sentence.agg(lambda s: sorted(set(s), key=rank.get))
        for cats_in in sets:
            for a in cats_in:
                for b in cats_in:
                    pairs[(a, b)] = pairs.get((a, b), 0) + 1
    if codebook is not None:
        keys = [(a, b) for a in cats for b in cats]
    else:
        keys = sorted(pairs, key=lambda p: (rank[p[0]], rank[p[1]]))
    frame = pd.DataFrame([(a, b, pairs.get((a, b), 0)) for a, b in keys], columns=COOCCURRENCE_COLUMNS)
    frame["n_sentences"] = frame["n_sentences"].astype("int64")
    return frame
