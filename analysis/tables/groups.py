"""Groups of documents by metadata: pooled rates, contrasts with multiple-testing correction, time series.

Everything here starts from two tables of a finished run — ``features``
(counts and word tokens per document, voice and category) and ``documents``
(one row per document with its metadata) — so nothing is parsed again:

* :func:`document_groups` — the group of every document for a metadata column
  (``camp``, ``speaker``, ``country``, ``year``, ``genre`` ...). Documents
  without a value go to the explicit group :data:`MISSING_GROUP`. ``camp``
  comes from the metadata when a document has one, else from the gazetteer
  via the document's ``speaker`` (then its ``country``); ``year``, ``quarter``
  and ``month`` come from the column of that name, else from ``date_iso``
  (:mod:`analysis.corpus.dates`).
* :func:`features_by` — pooled counts, word tokens, rates per 1,000 word
  tokens and exact (Garwood) Poisson intervals per group and category, for
  the whole documents or per voice.
* :func:`group_contrasts` — rate ratios between two groups, or of each group
  against the rest of the corpus, with Wald intervals on the log scale, exact
  conditional p-values, and p-values and intervals corrected for multiple
  testing across the categories of each comparison (Holm or
  Benjamini–Hochberg, named in the ``correction`` column).
* :func:`features_over_time` — the same pooled rates per year, quarter or
  month, for the whole corpus or per group.

Pooling adds the counts and the word tokens of a group's documents, so a
group's rate is ``1000 × Σ count / Σ n_tokens`` (long documents weigh more).
"""
from __future__ import annotations

import math
import re
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import KitError
from ..nlp.gazetteer import Gazetteer, load_gazetteer
from .features import poisson_interval

__all__ = [
    "MISSING_GROUP",
    "ALL_CATEGORIES",
    "PERIODS",
    "CORRECTIONS",
    "GROUP_COLUMNS",
    "GROUP_RATE_COLUMNS",
    "CONTRAST_COLUMNS",
    "TREND_COLUMNS",
    "camp_of",
    "period_of",
    "document_groups",
    "features_by",
    "adjust_p_values",
    "group_contrasts",
    "features_over_time",
]

#: The group of documents that have no value for the grouping column.
MISSING_GROUP = "(missing)"
#: The pseudo-category of ``total=True``: every category's hits together.
ALL_CATEGORIES = "(all categories)"
#: Time periods of :func:`features_over_time`.
PERIODS = ("year", "quarter", "month")
#: Multiple-testing corrections of :func:`group_contrasts` (``"none"`` leaves p-values as they are).
CORRECTIONS = ("holm", "bh", "none")
#: Columns of :func:`document_groups`.
GROUP_COLUMNS = ["doc_id", "by", "group", "source"]
#: Columns of :func:`features_by`.
GROUP_RATE_COLUMNS = ["by", "group", "voice", "category", "n_documents", "count", "n_tokens", "rate_per_1000",
                      "ci_low", "ci_high"]
#: Columns of :func:`group_contrasts`.
CONTRAST_COLUMNS = [
    "by", "voice", "category", "a", "b", "count_a", "n_tokens_a", "rate_a", "count_b", "n_tokens_b", "rate_b",
    "rate_ratio", "ci_low", "ci_high", "p_value", "zero_corrected", "correction", "n_tests", "p_adjusted",
    "ci_level_adjusted", "ci_low_adjusted", "ci_high_adjusted", "significant",
]
#: Columns of :func:`features_over_time`.
TREND_COLUMNS = ["by", "group", "period", "voice", "category", "n_documents", "count", "n_tokens",
                 "rate_per_1000", "ci_low", "ci_high"]

_HONORIFICS = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|sir|dame|h\.\s?e|he|hon|prof)\.?\s+)+", re.IGNORECASE)
_STATE_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:federal|people's|islamic|democratic|united)\s+)*republic\s+of\s+",
                           re.IGNORECASE)


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "nan", "<NA>", "None")


def _label(value) -> str:
    """A group label: text as is, whole numbers without a trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _actor_in(text: str, gazetteer: Gazetteer) -> str | None:
    """The gazetteer actor named by ``text`` (a person or a state), trying plainer forms of the name."""
    text = " ".join(str(text).replace("\u2019", "'").split())
    if not text:
        return None
    candidates = [text, _HONORIFICS.sub("", text), _STATE_PREFIX.sub("", text)]
    words = candidates[1].split()
    candidates += [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]  # "United Kingdom of Great ..."
    if len(words) > 1:
        candidates.append(words[-1])  # a surname alone ("Lavrov")
    for c in candidates:
        name = gazetteer.lookup(c) if c else None
        if name:
            return name
    for word in words:  # "French Republic": a demonym names its state
        owner = gazetteer.demonym_owner(word)
        if owner:
            return owner
    return None


def camp_of(metadata: Mapping, gazetteer: Gazetteer | None = None) -> tuple[str, str]:
    """``(camp, source)`` of a document: its ``camp`` metadata, else its speaker's or country's camp.

    ``source`` says where the camp came from: ``metadata``, ``speaker``
    (the gazetteer actor named by the ``speaker`` field: the name as written,
    without honorifics such as "Mr.", a shorter prefix, or the surname alone),
    ``country`` (the same for the ``country`` field, also "Republic of ..." and
    demonyms: "French Republic" is France), or ``missing``
    (camp :data:`MISSING_GROUP`).

    Example:
        >>> camp_of({"speaker": "Mr. Sergey Lavrov"})
        ('russia', 'speaker')
        >>> camp_of({"speaker": "Mr. Nobody", "country": "United Kingdom of Great Britain and Northern Ireland"})
        ('west', 'country')
        >>> camp_of({"camp": "west", "speaker": "Sergei Lavrov"}), camp_of({})
        (('west', 'metadata'), ('(missing)', 'missing'))
    """
    if not _missing(metadata.get("camp")):
        return _label(metadata["camp"]), "metadata"
    gazetteer = gazetteer or load_gazetteer()
    for source in ("speaker", "country"):
        value = metadata.get(source)
        if _missing(value):
            continue
        name = _actor_in(str(value), gazetteer)
        if name and gazetteer.camp(name):
            return gazetteer.camp(name), source
    return MISSING_GROUP, "missing"


def period_of(date_iso, period: str = "year") -> str | None:
    """The period label of an ISO date: ``"2024"``, ``"2024-Q1"`` or ``"2024-02"``; None if too coarse or missing.

    >>> period_of("2024-02-23", "quarter"), period_of("2024-02", "month"), period_of("2024", "month")
    ('2024-Q1', '2024-02', None)
    """
    _check_period(period)
    if _missing(date_iso):
        return None
    text = _label(date_iso)
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-\d{2})?)?", text)
    if not m:
        return None
    if period == "year":
        return m[1]
    if not m[2]:
        return None
    month = int(m[2])
    return f"{m[1]}-Q{(month - 1) // 3 + 1}" if period == "quarter" else f"{m[1]}-{month:02d}"


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise KitError(f"The `period` parameter must be one of {', '.join(PERIODS)}. Got {period!r} instead.")


def _documents_table(documents) -> pd.DataFrame:
    if hasattr(documents, "to_frame") and not isinstance(documents, pd.DataFrame):  # a Corpus
        documents = documents.to_frame()
    if not isinstance(documents, pd.DataFrame) or "doc_id" not in documents.columns:
        raise KitError("the documents table needs a doc_id column (documents.csv of a run, or a Corpus)")
    return documents


def document_groups(documents, by: str, *, gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """The group of every document for the metadata column ``by`` (columns :data:`GROUP_COLUMNS`).

    Args:
        documents: the documents table of a run (``documents.csv``) or a Corpus.
        by: a metadata column; ``camp`` is also found through the gazetteer
            (:func:`camp_of`); ``year``, ``quarter`` and ``month`` also from
            ``date_iso`` (:func:`period_of`).
        gazetteer: for ``camp`` (default: the bundled one).

    Returns:
        One row per document in table order: ``doc_id``, ``by``, ``group`` (the
        value as text, :data:`MISSING_GROUP` when missing) and ``source``
        (``metadata``, ``speaker``, ``country``, ``date_iso`` or ``missing``).

    Raises:
        KitError: ``by`` is neither a column of the table nor one that can be derived.
    """
    documents = _documents_table(documents)
    if not isinstance(by, str) or not by:
        raise KitError(f"The `by` parameter must be a metadata column name. Got {by!r} instead.")
    columns = set(documents.columns)
    derived = by == "camp" and ({"speaker", "country"} & columns) or (by in PERIODS and "date_iso" in columns)
    if by not in columns and not derived:
        known = ", ".join(c for c in documents.columns if c != "doc_id")
        raise KitError(f"no metadata column {by!r} to group by (columns: {known or 'none'})")
    rows = []
    records = documents.to_dict("records")
    if by == "camp":
        gazetteer = gazetteer or load_gazetteer()
    for rec in records:
        value = rec.get(by)
        if not _missing(value):
            group, source = _label(value), "metadata"
        elif by == "camp":
            group, source = camp_of(rec, gazetteer)
        elif by in PERIODS and not _missing(rec.get("date_iso")):
            period = period_of(rec.get("date_iso"), by)
            group, source = (period, "date_iso") if period else (MISSING_GROUP, "missing")
        else:
            group, source = MISSING_GROUP, "missing"
        rows.append({"doc_id": str(rec["doc_id"]), "by": by, "group": group, "source": source})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _group_order(groups) -> list[str]:
    """Groups sorted naturally (numbers as numbers), :data:`MISSING_GROUP` last."""
    values = list(dict.fromkeys(str(g) for g in groups))

    def key(g: str):
        nums = [int(x) if x.isdigit() else x.lower() for x in re.split(r"(\d+)", g)]
        return (g == MISSING_GROUP, [(0, x) if isinstance(x, int) else (1, x) for x in nums])

    return sorted(values, key=key)


def _check_features(features: pd.DataFrame) -> None:
    missing = {"doc_id", "voice", "category", "count", "n_tokens"} - set(features.columns)
    if missing:
        raise KitError(f"the feature table lacks column(s) {', '.join(sorted(missing))} (features.csv of a run)")


def _voice_rows(features: pd.DataFrame, voice: str | None) -> pd.DataFrame:
    rows = features.copy()
    rows["doc_id"] = rows["doc_id"].astype(str)
    rows["voice"] = rows["voice"].astype(str)
    if voice is None:
        return rows[rows["voice"] != "all"]
    known = set(rows["voice"])
    if voice not in known:
        raise KitError(f"no voice {voice!r} in the feature table (voices: {', '.join(sorted(known)) or 'none'}); "
                       "use 'all' for whole documents")
    return rows[rows["voice"] == voice]


def _pool(rows: pd.DataFrame, keys: list[str], categories: list[str], total: bool, level: float) -> pd.DataFrame:
    """Sum counts and word tokens over documents per ``keys`` + category; add rates and intervals."""
    rows = rows.assign(n_tokens=rows["n_tokens"].astype("Float64").fillna(0).astype("int64"),
                       count=rows["count"].astype("int64"))
    docs = rows.drop_duplicates(["doc_id", "voice"])  # n_tokens repeats on every category row of a document
    tokens = docs.groupby(keys, sort=False).agg(n_documents=("doc_id", "nunique"), n_tokens=("n_tokens", "sum"))
    counts = rows.groupby([*keys, "category"], sort=False)["count"].sum()
    out = []
    for key, tok in tokens.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        cats = [(c, int(counts.get((*key, c), 0))) for c in categories]
        if total:
            cats.append((ALL_CATEGORIES, sum(n for _, n in cats)))
        for category, count in cats:
            out.append({**dict(zip(keys, key)), "category": category, "n_documents": int(tok["n_documents"]),
                        "count": count, "n_tokens": int(tok["n_tokens"])})
    frame = pd.DataFrame(out, columns=[*keys, "category", "n_documents", "count", "n_tokens"])
    n = frame["n_tokens"].astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["rate_per_1000"] = np.where(n > 0, frame["count"].to_numpy() / n * 1000.0, np.nan)
    low, high = poisson_interval(frame["count"].to_numpy(), n, level=level)
    frame["ci_low"], frame["ci_high"] = low, high
    for col in ("n_documents", "count", "n_tokens"):
        frame[col] = frame[col].astype("int64")
    return frame


def features_by(
    features: pd.DataFrame,
    documents,
    by: str,
    *,
    voice: str | None = "all",
    gazetteer: Gazetteer | None = None,
    total: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Pooled counts, word tokens, rates and exact intervals per group of documents and category.

    Args:
        features: the feature table of a run (``features.csv``).
        documents: the documents table of a run (``documents.csv``) or a Corpus.
        by: the metadata column to group by (see :func:`document_groups`).
        voice: ``"all"`` (whole documents, default), one voice (``"narrator"``,
            a speaker), or None for every voice separately.
        gazetteer: for ``by="camp"`` (default: the bundled one).
        total: also a row per group for :data:`ALL_CATEGORIES` (every hit together).
        level: confidence level of the intervals.

    Returns:
        Columns :data:`GROUP_RATE_COLUMNS`, one row per group, voice and
        category; groups in natural order with :data:`MISSING_GROUP` last,
        categories in feature-table order. ``n_documents`` counts the group's
        documents that have that voice; rates are per 1,000 word tokens with
        the exact (Garwood) Poisson interval.

    Example:
        >>> features = pd.DataFrame({"doc_id": ["a", "b", "c"], "voice": "all", "category": "x",
        ...                          "count": [1, 3, 2], "n_tokens": [100, 300, 1000]})
        >>> documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "camp": ["russia", "russia", ""]})
        >>> features_by(features, documents, "camp")[["group", "count", "n_tokens", "rate_per_1000"]].values.tolist()
        [['russia', 4, 400, 10.0], ['(missing)', 2, 1000, 2.0]]
    """
    _check_features(features)
    if not (isinstance(level, float) and 0 < level < 1):
        raise KitError(f"The `level` parameter must be a float in (0, 1). Got {level!r} instead.")
    groups = document_groups(documents, by, gazetteer=gazetteer)
    rows = _voice_rows(features, voice)
    categories = list(dict.fromkeys(features["category"].astype(str)))
    rows = rows.merge(groups[["doc_id", "group"]], on="doc_id", how="left")
    rows["group"] = rows["group"].fillna(MISSING_GROUP)  # a document missing from the documents table
    frame = _pool(rows, ["group", "voice"], categories, total, level)
    frame.insert(0, "by", by)
    order = {g: i for i, g in enumerate(_group_order(frame["group"]))}
    cat_order = {c: i for i, c in enumerate([*categories, ALL_CATEGORIES])}
    frame = frame.sort_values(["group", "voice", "category"], key=lambda s: s.map(order) if s.name == "group" else
                              s.map(cat_order) if s.name == "category" else s, kind="stable")
    return frame[GROUP_RATE_COLUMNS].reset_index(drop=True)


def adjust_p_values(p_values, method: str = "holm") -> np.ndarray:
    """p-values corrected for multiple testing: Holm's step-down or Benjamini–Hochberg's step-up.

    NaN entries (no test) are left NaN and do not count among the tests.
    Holm (1979): ``p_(i) · (m − i + 1)`` for the i-th smallest, made monotone
    from the smallest up, capped at 1. Benjamini–Hochberg (1995): ``p_(i) · m / i``
    made monotone from the largest down (``scipy.stats.false_discovery_control``).

    >>> adjust_p_values([0.01, 0.04, 0.03, float("nan")], "holm").round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    >>> adjust_p_values([0.01, 0.04, 0.03], "bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise KitError(f"The `correction` parameter must be one of {', '.join(CORRECTIONS)}. Got {method!r} instead.")
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0 or method == "none":
        out[ok] = p[ok]
        return out
    values = p[ok]
    if method == "bh":
        from scipy.stats import false_discovery_control

        out[ok] = false_discovery_control(values, method="bh")
        return out
    order = np.argsort(values, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate(values[order] * (m - np.arange(m))))
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out


def _rate_ratio(xa: int, na: int, xb: int, nb: int, z: float) -> tuple[float, float, float, float, bool]:
    """``(rate ratio, low, high, p, zero_corrected)``, the method of ``compare_features``."""
    if not (na and nb and (xa or xb)):
        return math.nan, math.nan, math.nan, math.nan, False
    from scipy.stats import binomtest

    ca, cb, zero = float(xa), float(xb), False
    if xa == 0 or xb == 0:
        ca, cb, zero = ca + 0.5, cb + 0.5, True
    rr = (ca / na) / (cb / nb)
    se = math.sqrt(1 / ca + 1 / cb)
    p = float(binomtest(xa, xa + xb, na / (na + nb)).pvalue)
    return rr, rr * math.exp(-z * se), rr * math.exp(z * se), p, zero


def group_contrasts(
    grouped: pd.DataFrame,
    *,
    a: str | None = None,
    b: str | None = None,
    correction: str = "holm",
    level: float = 0.95,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Rate ratios between groups, with p-values and intervals corrected for multiple testing.

    Args:
        grouped: a :func:`features_by` table.
        a, b: two groups to compare (``a`` against ``b``); ``a`` alone: that
            group against the rest of the corpus; neither: every group against
            the rest (:data:`MISSING_GROUP` included, as a group and in "the rest").
            With a single group there is nothing to compare: no rows.
        correction: ``"holm"`` (default), ``"bh"`` (Benjamini–Hochberg) or
            ``"none"``; it is applied within each comparison (one pair of sides
            and one voice) across its categories, counting only the categories
            where at least one side has a hit (``n_tests``).
        level: confidence level of the unadjusted intervals (default 0.95).
        alpha: the error rate controlled: ``significant`` is ``p_adjusted < alpha``.

    Returns:
        Columns :data:`CONTRAST_COLUMNS`. Per comparison and category: counts,
        word tokens and rates (per 1,000) of each side; the rate ratio with the
        Wald interval on the log scale, ``exp(ln RR ± z · sqrt(1/x_a + 1/x_b))``
        (0.5 added to both counts when one is zero: ``zero_corrected``); the exact
        conditional p-value (``x_a`` given ``x_a + x_b`` is binomial with
        ``p = n_a / (n_a + n_b)`` under equal rates); ``p_adjusted``; and an
        adjusted interval at level ``ci_level_adjusted``: for Holm the Bonferroni
        simultaneous interval (``1 − alpha / n_tests``), for BH the
        false-coverage-rate interval of Benjamini & Yekutieli (2005),
        ``1 − R · alpha / n_tests`` with R the categories significant after
        BH (``1 − alpha / n_tests`` when R = 0); for ``none`` the unadjusted one.

    Example:
        >>> grouped = pd.DataFrame({"by": "camp", "group": ["russia", "west"], "voice": "all",
        ...     "category": "x", "n_documents": 1, "count": [30, 10], "n_tokens": [1000, 1000]})
        >>> row = group_contrasts(grouped, a="russia", b="west").iloc[0]
        >>> float(row["rate_ratio"]), round(float(row["p_value"]), 4), row["correction"], int(row["n_tests"])
        (3.0, 0.0022, 'holm', 1)
    """
    needed = {"by", "group", "voice", "category", "count", "n_tokens"}
    if not isinstance(grouped, pd.DataFrame) or needed - set(grouped.columns):
        raise KitError("group_contrasts needs a features_by table (columns " + ", ".join(sorted(needed)) + ")")
    adjust_p_values([], correction)  # validates the name
    for name, value in (("level", level), ("alpha", alpha)):
        if not (isinstance(value, float) and 0 < value < 1):
            raise KitError(f"The `{name}` parameter must be a float in (0, 1). Got {value!r} instead.")
    groups = _group_order(grouped["group"].astype(str))
    for side in (a, b):
        if side is not None and str(side) not in groups:
            raise KitError(f"no group {side!r} (groups: {', '.join(groups)})")
    if b is not None and a is None:
        raise KitError("give `a` with `b` (a against b), `a` alone (a against the rest), or neither")
    if a is not None and b is not None and str(a) == str(b):
        raise KitError(f"a group cannot be compared with itself ({a!r})")
    pairs = [(str(a), str(b))] if b is not None else [(str(a), None)] if a is not None else [(g, None) for g in groups]
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    by = str(grouped["by"].iloc[0]) if len(grouped) else ""
    rows = []
    for voice in list(dict.fromkeys(grouped["voice"].astype(str))):
        part = grouped[grouped["voice"].astype(str) == voice]
        categories = list(dict.fromkeys(part["category"].astype(str)))
        totals = part.groupby(["group", "category"], sort=False)[["count", "n_tokens"]].sum()
        for ga, gb in pairs:
            rest = [g for g in groups if g != ga] if gb is None else [gb]
            if not rest:  # a single group: nothing to compare it with
                continue
            label_b = gb if gb is not None else f"rest (not {ga})"
            comparison = []
            for category in categories:
                xa = int(totals["count"].get((ga, category), 0))
                na = int(totals["n_tokens"].get((ga, category), 0))
                xb = sum(int(totals["count"].get((g, category), 0)) for g in rest)
                nb = sum(int(totals["n_tokens"].get((g, category), 0)) for g in rest)
                rr, lo, hi, p, zero = _rate_ratio(xa, na, xb, nb, z)
                comparison.append({
                    "by": by, "voice": voice, "category": category, "a": ga, "b": label_b,
                    "count_a": xa, "n_tokens_a": na, "rate_a": 1000 * xa / na if na else math.nan,
                    "count_b": xb, "n_tokens_b": nb, "rate_b": 1000 * xb / nb if nb else math.nan,
                    "rate_ratio": rr, "ci_low": lo, "ci_high": hi, "p_value": p, "zero_corrected": zero,
                })
            rows += _adjust(comparison, correction, alpha)
    return pd.DataFrame(rows, columns=CONTRAST_COLUMNS)


def _adjust(comparison: list[dict], correction: str, alpha: float) -> list[dict]:
    """Add the multiple-testing columns to the rows of one comparison."""
    from scipy.stats import norm

    p = np.array([r["p_value"] for r in comparison], dtype=float)
    adjusted = adjust_p_values(p, correction)
    m = int((~np.isnan(p)).sum())
    significant = adjusted < alpha
    if correction == "holm" and m:
        level = 1 - alpha / m
    elif correction == "bh" and m:
        level = 1 - max(int(significant.sum()), 1) * alpha / m
    else:
        level = 1 - alpha
    z = float(norm.ppf(1 - (1 - level) / 2))
    for row, p_adj, sig in zip(comparison, adjusted, significant):
        row.update({"correction": correction, "n_tests": m, "p_adjusted": float(p_adj),
                    "ci_level_adjusted": level, "significant": bool(sig)})
        if math.isnan(row["rate_ratio"]):
            row["ci_low_adjusted"] = row["ci_high_adjusted"] = math.nan
            continue
        ca = row["count_a"] + (0.5 if row["zero_corrected"] else 0)
        cb = row["count_b"] + (0.5 if row["zero_corrected"] else 0)
        se = math.sqrt(1 / ca + 1 / cb)
        row["ci_low_adjusted"] = row["rate_ratio"] * math.exp(-z * se)
        row["ci_high_adjusted"] = row["rate_ratio"] * math.exp(z * se)
    return comparison


def features_over_time(
    features: pd.DataFrame,
    documents,
    *,
    period: str = "year",
    by: str | None = None,
    voice: str | None = "all",
    gazetteer: Gazetteer | None = None,
    total: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Pooled rates per period (year, quarter, month) and category, for the corpus or per group.

    Args:
        features, documents: the feature and documents tables of a run.
        period: ``"year"``, ``"quarter"`` or ``"month"``: from the metadata
            column of that name, else from ``date_iso`` (dates read at load).
            Documents without a usable date go to period :data:`MISSING_GROUP`.
        by: a metadata column to split each period by (``camp``, ``country``
            ...); None: the whole corpus (``by`` and ``group`` are ``"all"``).
        voice, gazetteer, total, level: as in :func:`features_by`.

    Returns:
        Columns :data:`TREND_COLUMNS`, sorted by group, period (chronological,
        missing last) and category.

    Example:
        >>> features = pd.DataFrame({"doc_id": ["a", "b", "c"], "voice": "all", "category": "x",
        ...                          "count": [1, 3, 2], "n_tokens": [100, 300, 1000]})
        >>> documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "date_iso": ["2021-01-05", "2021-11", "2022"]})
        >>> features_over_time(features, documents)[["period", "count", "n_tokens"]].values.tolist()
        [['2021', 4, 400], ['2022', 2, 1000]]
    """
    _check_features(features)
    _check_period(period)
    periods = document_groups(documents, period, gazetteer=gazetteer)[["doc_id", "group"]]
    periods = periods.rename(columns={"group": "period"})
    if by is not None:
        groups = document_groups(documents, by, gazetteer=gazetteer)[["doc_id", "group"]]
    else:
        groups = periods[["doc_id"]].assign(group="all")
    rows = _voice_rows(features, voice).merge(periods, on="doc_id", how="left").merge(groups, on="doc_id", how="left")
    rows[["period", "group"]] = rows[["period", "group"]].fillna(MISSING_GROUP)
    categories = list(dict.fromkeys(features["category"].astype(str)))
    frame = _pool(rows, ["group", "period", "voice"], categories, total, level)
    frame.insert(0, "by", by if by is not None else "all")
    group_order = {g: i for i, g in enumerate(_group_order(frame["group"]))}
    period_order = {p: i for i, p in enumerate(_group_order(frame["period"]))}
    cat_order = {c: i for i, c in enumerate([*categories, ALL_CATEGORIES])}
    keys = {"group": group_order, "period": period_order, "category": cat_order}
    frame = frame.sort_values(["group", "period", "voice", "category"], kind="stable",
                              key=lambda s: s.map(keys[s.name]) if s.name in keys else s)
    return frame[TREND_COLUMNS].reset_index(drop=True)
