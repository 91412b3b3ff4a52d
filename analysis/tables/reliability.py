"""Inter-coder reliability: Krippendorff's alpha, Cohen's kappa, raw agreement, disagreements.

**Units.** Span annotations are turned into reliability data by *unitising*:

* ``unit="sentence"`` (default): every sentence of every scored document is a unit; for each
  category a coder's value for the unit is 1 when one of their spans of that category overlaps
  the sentence by at least one character, else 0.
* ``unit="token"`` ("token-span overlap"): every non-space token is a unit, coded 1 when it lies
  (at least partly) inside one of the coder's spans of that category. This rewards agreement on
  span *extent*, not just on the sentence; it needs parsed Docs (or a Corpus) for the tokens.

A document counts as coded by a coder when it has at least one row in that coder's file (or when
it is listed in ``documents``, which declares that *every* coder read those documents). Units of
a document a coder did not code are *missing* for that coder, as Krippendorff's alpha allows:
only units with values from two or more coders are pairable. So a first coder's full gold set
can be compared with a second coder's subset without cutting files by hand: documents read by
fewer than two coders are left out (and need not be among the texts).

**Alpha** is nominal (binary per category) and computed with the ``krippendorff`` package; the
``ALL`` row pools every unit x category cell. **Intervals** are bootstrap percentiles: units (or
whole documents, ``bootstrap="document"``, the honest choice when sentences of one speech are not
independent) are resampled with replacement ``n_boot`` times and alpha recomputed with the
closed form for binary data (identical to the package's value, checked in the tests).
**Kappa** and **raw agreement** are per coder pair over the units both coded.
"""
from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import krippendorff
import numpy as np
import pandas as pd
from spacy.tokens import Doc

from ..corpus.documents import Corpus
from ..errors import KitError
from ..nlp.docarrays import doc_id_of
from ..nlp.pipeline import make_nlp, parse
from .agreement import ANNOTATION_COLUMNS, cohen_kappa

__all__ = ["reliability", "Reliability", "krippendorff_alpha", "binary_alpha", "coder_codes",
           "ALPHA_COLUMNS", "PAIR_COLUMNS", "DISAGREEMENT_COLUMNS", "KEPT_DECISIONS"]

#: Columns of :attr:`Reliability.alpha`.
ALPHA_COLUMNS = ["category", "unit", "n_units", "n_pairable", "n_coded", "agreement", "alpha", "alpha_low",
                 "alpha_high"]
#: Columns of :attr:`Reliability.pairs`.
PAIR_COLUMNS = ["coder_a", "coder_b", "category", "n_units", "n_a", "n_b", "agreement", "kappa"]
#: Fixed columns of :attr:`Reliability.disagreements`; one column per coder follows.
DISAGREEMENT_COLUMNS = ["doc_id", "sentence_id", "start_char", "end_char", "text"]
#: Review decisions that make a row part of a coder's coding (rows without a decision count too).
KEPT_DECISIONS = ("", "correct", "added")


@dataclass
class Reliability:
    """What :func:`reliability` returns.

    Attributes:
        alpha: :data:`ALPHA_COLUMNS`, one row per category (sorted) then ``ALL``. ``n_units``: units
            (``ALL``: unit x category cells); ``n_pairable``: those with values from two or more
            coders; ``n_coded``: those any coder coded; ``agreement``: share of agreeing coder pairs;
            ``alpha`` NaN when undefined (no coder, or every coder, coded every unit).
        pairs: :data:`PAIR_COLUMNS`, per coder pair and category (and ``ALL``).
        disagreements: one row per sentence where the coders' sets of categories differ:
            :data:`DISAGREEMENT_COLUMNS` then one column per coder with their categories
            (``"; "``-joined, ``""`` for none, ``<NA>`` when the coder did not code the document).
        coders: the coder names, in order.
    """

    alpha: pd.DataFrame
    pairs: pd.DataFrame
    disagreements: pd.DataFrame
    coders: list[str]


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha of reliability data (coders x units, ``nan`` = missing) via ``krippendorff``.

    NaN when undefined: fewer than two pairable values, or only one value in the data (no
    variation: alpha's expected disagreement is zero).

    >>> round(krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]), 3)
    0.095
    """
    data = np.asarray(data, dtype=float)
    values = data[~np.isnan(data)]
    if np.unique(values).size < 2 or (~np.isnan(data)).sum(axis=0).max(initial=0) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def _unit_stats(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: m (values), k (ones), o01 (ordered disagreeing pairs / (m - 1)); unpairable units zeroed."""
    present = ~np.isnan(data)
    m = present.sum(axis=0).astype(float)
    k = np.where(present, data, 0).sum(axis=0)
    pairable = m >= 2
    m, k = np.where(pairable, m, 0), np.where(pairable, k, 0)
    d = np.where(pairable, 2 * k * (m - k) / np.where(pairable, m - 1, 1), 0)
    return m, k, d


def binary_alpha(data) -> float:
    """Closed-form nominal alpha of 0/1 reliability data (coders x units, ``nan`` = missing).

    With coincidences o_01 = sum_u 2 k_u (m_u - k_u) / (m_u - 1) over pairable units (m_u values,
    k_u ones), n = sum m_u, n_1 = sum k_u, n_0 = n - n_1:  alpha = 1 - (n - 1) o_01 / (2 n_0 n_1).

    >>> round(binary_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]), 3)
    0.095
    """
    m, k, d = _unit_stats(np.asarray(data, dtype=float))
    return _alpha_from_sums(m.sum(), k.sum(), d.sum())


def _alpha_from_sums(n, n1, d):
    n, n1, d = np.asarray(n, float), np.asarray(n1, float), np.asarray(d, float)
    n0 = n - n1
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1 - (n - 1) * d / (2 * n0 * n1)
    out = np.where((n0 > 0) & (n1 > 0), out, np.nan)
    return float(out) if out.ndim == 0 else out


def _pair_agreement(m: np.ndarray, k: np.ndarray) -> float:
    """Share of agreeing coder pairs over all pairable units."""
    pairs = (m * (m - 1) / 2).sum()
    agree = (k * (k - 1) / 2 + (m - k) * (m - k - 1) / 2).sum()
    return float(agree / pairs) if pairs else math.nan


def coder_codes(frame: pd.DataFrame, *, name: str = "coder") -> pd.DataFrame:
    """The spans a table says were coded: every row, or with a ``decision`` column only rows
    whose latest decision is ``correct`` or ``added`` (or empty).

    Accepts the gold format (``doc_id, category, start_char, end_char, text, note``), evidence
    tables and the kit's annotation files (:mod:`analysis.tables.annotations`), where a later row
    for the same span and coder supersedes an earlier one.
    """
    missing = [c for c in ANNOTATION_COLUMNS if c not in frame.columns]
    if missing:
        raise KitError(f"{name}: annotations lack column(s) {', '.join(missing)}")
    if "decision" not in frame.columns:
        return frame
    key = [*ANNOTATION_COLUMNS] + (["coder"] if "coder" in frame.columns else [])
    latest = frame.drop_duplicates(subset=key, keep="last")
    return latest[latest["decision"].fillna("").astype(str).str.strip().isin(KEPT_DECISIONS)]


def _units(texts, unit: str, docs: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, sentences) tables: doc_id, start_char, end_char[, text] for the scored documents."""
    if isinstance(texts, pd.DataFrame):
        if unit == "token":
            raise KitError("unit='token' needs parsed Docs or a Corpus (a sentence table has no tokens)")
        missing = [c for c in ("doc_id", "start_char", "end_char") if c not in texts.columns]
        if missing:
            raise KitError(f"the sentence table lacks column(s) {', '.join(missing)}")
        sent = texts[texts["doc_id"].astype(str).isin(docs)].copy()
        sent["doc_id"] = sent["doc_id"].astype(str)
        if "text" not in sent.columns:
            sent["text"] = ""
        sent = sent[["doc_id", "start_char", "end_char", "text"]].sort_values(
            ["doc_id", "start_char"], kind="stable").reset_index(drop=True)
        return sent, sent
    if isinstance(texts, Doc):
        texts = [texts]
    if isinstance(texts, Corpus):
        texts = parse(Corpus([d for d in texts if d.doc_id in docs]), make_nlp())
    srows, trows = [], []
    for d in texts:
        did = doc_id_of(d)
        if did not in docs:
            continue
        for s in d.sents:
            srows.append((did, s.start_char, s.end_char, s.text))
        if unit == "token":
            trows += [(did, t.idx, t.idx + len(t.text), t.text) for t in d if not t.is_space]
    cols = ["doc_id", "start_char", "end_char", "text"]
    sent = pd.DataFrame(srows, columns=cols)
    return (pd.DataFrame(trows, columns=cols) if unit == "token" else sent), sent


def _presence(units: pd.DataFrame, spans: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """categories x units bool: the unit overlaps a span of the category."""
    out = np.zeros((len(categories), len(units)), dtype=bool)
    cat_index = {c: i for i, c in enumerate(categories)}
    by_doc = {d: (g.index.to_numpy(), g["start_char"].tolist(), g["end_char"].tolist())
              for d, g in units.groupby("doc_id", sort=False)}
    for d, c, s, e in spans[ANNOTATION_COLUMNS].itertuples(index=False, name=None):
        if str(d) not in by_doc or str(c) not in cat_index:
            continue
        idx, starts, ends = by_doc[str(d)]
        # units are in document order: the first unit ending after s, up to the last starting before e
        lo = bisect.bisect_right(ends, int(s))
        hi = bisect.bisect_left(starts, int(e))
        out[cat_index[str(c)], idx[lo:hi]] = True
    return out


def _normalise_codings(codings) -> dict[str, pd.DataFrame]:
    if isinstance(codings, Mapping):
        items = [(str(k), v) for k, v in codings.items()]
    else:
        items = [(f"coder{i + 1}", v) for i, v in enumerate(codings)]
    if len(items) < 2:
        raise KitError(f"reliability needs at least two coders; got {len(items)}")
    return {name: coder_codes(frame, name=name) for name, frame in items}


def reliability(
    codings: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame],
    *,
    texts,
    unit: str = "sentence",
    documents: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    bootstrap: str = "unit",
    seed: int = 0,
) -> Reliability:
    """Krippendorff's alpha per category and overall, pairwise kappa and agreement, disagreements.

    Args:
        codings: two or more span tables (``{"coder name": frame}`` or a list; names default to
            ``coder1``, ``coder2`` ...) with ``doc_id, category, start_char, end_char`` — gold CSVs,
            evidence tables or annotation files (only kept decisions count, see :func:`coder_codes`).
        texts: the documents: parsed Docs or a Corpus; for ``unit="sentence"`` a sentence table
            (``doc_id, start_char, end_char[, text]``) also works.
        unit: ``"sentence"`` or ``"token"`` (see the module docstring).
        documents: doc_ids every coder read in full (default: per coder, the documents in its file).
        categories: categories to score (default: every category any coder used).
        n_boot: bootstrap replicates for the interval (0: no interval).
        level: interval coverage.
        bootstrap: ``"unit"`` (resample units) or ``"document"`` (resample whole documents).
        seed: random seed; the same inputs and seed give the same intervals.

    Example:
        >>> import pandas as pd
        >>> sents = pd.DataFrame({"doc_id": ["d"] * 4, "start_char": [0, 10, 20, 30], "end_char": [9, 19, 29, 39]})
        >>> a = pd.DataFrame({"doc_id": ["d", "d"], "category": ["x", "x"], "start_char": [0, 20], "end_char": [5, 25]})
        >>> b = pd.DataFrame({"doc_id": ["d"], "category": ["x"], "start_char": [2], "end_char": [4]})
        >>> r = reliability({"ann": a, "bob": b}, texts=sents, n_boot=0)
        >>> r.alpha[["category", "n_units", "agreement"]].to_string(index=False)
        'category  n_units  agreement\\n       x        4       0.75\\n     ALL        4       0.75'
    """
    if unit not in ("sentence", "token"):
        raise KitError(f"unit must be 'sentence' or 'token'; got {unit!r}")
    if bootstrap not in ("unit", "document"):
        raise KitError(f"bootstrap must be 'unit' or 'document'; got {bootstrap!r}")
    if not 0 < level < 1:
        raise KitError(f"level must be between 0 and 1; got {level!r}")
    coded = _normalise_codings(codings)
    coders = list(coded)
    if documents is not None:
        shared = {str(d) for d in documents}
        read = {c: shared for c in coders}
    else:
        read = {c: set(f["doc_id"].astype(str)) for c, f in coded.items()}
    # only documents read by two or more coders have pairable units
    docs = {d for d in set().union(*read.values()) if sum(d in r for r in read.values()) >= 2}
    cats = sorted({str(c) for f in coded.values() for c in f["category"]}) if categories is None else \
        sorted({str(c) for c in categories})
    units, sentences = _units(texts, unit, docs)
    unit_docs = units["doc_id"].to_numpy()
    missing_docs = sorted(docs - set(unit_docs))
    if missing_docs:
        raise KitError(f"{len(missing_docs)} coded document(s) are not among the texts, e.g. {missing_docs[0]!r}")
    # reliability data: coders x categories x units, nan where the coder did not read the document
    data = np.full((len(coders), len(cats), len(units)), np.nan)
    for i, c in enumerate(coders):
        seen = np.isin(unit_docs, list(read[c]))
        data[i][:, seen] = _presence(units, coded[c], cats)[:, seen]

    stats = [_unit_stats(data[:, j, :]) for j in range(len(cats))]
    # ALL pools unit x category cells; a cell's statistics are its category's, so per unit they add up
    stats.append(tuple(sum(x[i] for x in stats) if stats else np.zeros(len(units)) for i in range(3)))
    boots = _bootstrap(stats, _boot_groups(unit_docs, bootstrap), n_boot, np.random.default_rng(seed))
    rows = []
    for j, cat in enumerate([*cats, "ALL"]):
        block = data[:, j, :] if cat != "ALL" else data.transpose(0, 2, 1).reshape(len(coders), -1)
        m, k, _ = _unit_stats(block)
        low = high = math.nan
        if boots is not None:
            b = boots[:, j][~np.isnan(boots[:, j])]
            if b.size:
                low, high = (float(q) for q in np.quantile(b, [(1 - level) / 2, (1 + level) / 2]))
        rows.append({"category": cat, "unit": unit, "n_units": int(block.shape[1]),
                     "n_pairable": int((m >= 2).sum()), "n_coded": int((np.nan_to_num(block) > 0).any(axis=0).sum()),
                     "agreement": _pair_agreement(m, k), "alpha": krippendorff_alpha(block),
                     "alpha_low": low, "alpha_high": high})
    alpha = pd.DataFrame(rows, columns=ALPHA_COLUMNS)
    pairs = _pairs(data, coders, cats)
    disagreements = _disagreements(coded, read, sentences, coders, cats)
    return Reliability(alpha=alpha, pairs=pairs, disagreements=disagreements, coders=coders)


def _boot_groups(unit_docs: np.ndarray, bootstrap: str) -> np.ndarray:
    """The resampling group of each unit: itself, or its document."""
    if bootstrap == "unit":
        return np.arange(len(unit_docs))
    return np.unique(unit_docs, return_inverse=True)[1].reshape(-1)


def _bootstrap(stats, groups: np.ndarray, n_boot: int, rng, chunk: int = 100) -> np.ndarray | None:
    """n_boot x len(stats) bootstrap alphas: groups drawn with replacement, alpha from the drawn sums.

    Memory stays at chunk x n_groups: per-group sums of (m, k, d) are computed once and each
    replicate is a vector of group counts."""
    n_groups = int(groups.max(initial=-1)) + 1
    if n_boot <= 0 or n_groups == 0:
        return None
    per_group = np.stack([np.bincount(groups, weights=x, minlength=n_groups) for st in stats for x in st], axis=1)
    out = []
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        draws = rng.integers(0, n_groups, size=(size, n_groups))
        counts = np.zeros((size, n_groups))
        np.add.at(counts, (np.arange(size)[:, None], draws), 1)
        sums = counts @ per_group  # size x (3 * len(stats)): m, k, d of each statistic
        out.append(np.stack([_alpha_from_sums(sums[:, 3 * i], sums[:, 3 * i + 1], sums[:, 3 * i + 2])
                             for i in range(len(stats))], axis=1))
    return np.concatenate(out)


def _pairs(data: np.ndarray, coders: list[str], cats: list[str]) -> pd.DataFrame:
    rows = []
    for (i, a), (j, b) in itertools.combinations(enumerate(coders), 2):
        both = ~np.isnan(data[i, 0]) & ~np.isnan(data[j, 0])
        pooled_a: list[bool] = []
        pooled_b: list[bool] = []
        for c, cat in enumerate(cats):
            xa, xb = data[i, c, both] > 0, data[j, c, both] > 0
            pooled_a += xa.tolist()
            pooled_b += xb.tolist()
            rows.append(_pair_row(a, b, cat, xa.tolist(), xb.tolist()))
        rows.append(_pair_row(a, b, "ALL", pooled_a, pooled_b))
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    for col in ("n_units", "n_a", "n_b"):
        frame[col] = frame[col].astype("int64")
    return frame


def _pair_row(a: str, b: str, cat: str, xa: list[bool], xb: list[bool]) -> dict:
    n = len(xa)
    agree = sum(x == y for x, y in zip(xa, xb)) / n if n else math.nan
    return {"coder_a": a, "coder_b": b, "category": cat, "n_units": n, "n_a": sum(xa), "n_b": sum(xb),
            "agreement": agree, "kappa": cohen_kappa(xa, xb)}


def _disagreements(coded, read, sentences: pd.DataFrame, coders: list[str], cats: list[str]) -> pd.DataFrame:
    codes = {c: _presence(sentences, coded[c], cats) for c in coders}
    sentence_ids = sentences.groupby("doc_id", sort=False).cumcount().to_numpy()
    rows = []
    for u, (d, s, e, text) in enumerate(sentences[["doc_id", "start_char", "end_char", "text"]].itertuples(
            index=False, name=None)):
        present = [c for c in coders if d in read[c]]
        if len(present) < 2:
            continue
        sets = {c: tuple(cat for ci, cat in enumerate(cats) if codes[c][ci, u]) for c in present}
        if len(set(sets.values())) > 1:
            rows.append({"doc_id": d, "sentence_id": int(sentence_ids[u]), "start_char": int(s), "end_char": int(e),
                         "text": text, **{c: ("; ".join(sets[c]) if c in sets else pd.NA) for c in coders}})
    frame = pd.DataFrame(rows, columns=[*DISAGREEMENT_COLUMNS, *coders])
    for col in ("sentence_id", "start_char", "end_char"):
        frame[col] = frame[col].astype("int64")
    return frame
