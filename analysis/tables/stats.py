"""Comparison statistics: keyness of terms and rate ratios of categories.

:func:`keyness` compares the term frequencies of a *target* and a *reference*
(documents, groups of documents, voices or plain texts) with the
log-likelihood statistic G² (Dunning 1993, in the two-cell form of Rayson &
Garside 2000) and the Log Ratio effect size (Hardie 2014):

* ``E_t = N_t (a + b) / (N_t + N_r)``, ``E_r = N_r (a + b) / (N_t + N_r)``,
  ``G² = 2 (a ln(a / E_t) + b ln(b / E_r))`` (a term with ``0 ln 0`` counts 0),
  ``p_value`` from the chi-squared distribution with 1 degree of freedom;
* ``log_ratio = log2((a / N_t) / (b / N_r))``; a zero frequency is replaced
  by 0.5 (Hardie's convention), so the ratio stays finite;

where ``a``/``b`` are the term's frequencies and ``N_t``/``N_r`` the word
tokens (not space, not punctuation: the same tokens as every rate's
denominator) of target and reference. Terms are lower-cased lemmas or word
forms, counted by :mod:`analysis.extract.terms`.

:func:`compare_features` compares two documents, voices or groups category by
category from the feature table: rate ratio with a 95 % confidence interval
on the log scale, ``exp(ln RR ± z · sqrt(1/x_a + 1/x_b))`` (Wald); when either
count is zero, 0.5 is added to both counts (Haldane–Anscombe correction, flagged
in ``corrected``); when both are zero the ratio is undefined (NaN). The
``p_value`` is the exact conditional test: ``x_a`` given ``x_a + x_b`` is
binomial with ``p = n_a / (n_a + n_b)`` under equal rates.

:class:`VoiceTerms` pools term frequencies of quoted speech and narration
while a corpus streams past; ``discourse-kit run`` uses it for ``keyness.csv``.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..corpus.documents import Corpus, Document
from ..errors import KitError
from ..extract.terms import check_by, doc_terms, voice_terms
from ..extract.voices import VoiceMap
from ..extract.voices import voice_map as make_voice_map
from ..nlp.pipeline import make_nlp
from .groups import adjust_p_values
from .words import is_stop_word

__all__ = [
    "KEYNESS_COLUMNS",
    "KEYNESS_CORRECTED_COLUMNS",
    "COMPARE_COLUMNS",
    "term_counts",
    "keyness",
    "compare_features",
    "VoiceTerms",
]

#: Columns of :func:`keyness`, in order.
KEYNESS_COLUMNS = [
    "target", "reference", "term", "freq_target", "freq_reference",
    "n_target", "n_reference", "g2", "p_value", "log_ratio", "direction",
]
#: Columns of :func:`keyness` with a multiple-testing correction.
KEYNESS_CORRECTED_COLUMNS = [*KEYNESS_COLUMNS, "p_adjusted", "correction"]
#: Columns of :func:`compare_features`, in order.
COMPARE_COLUMNS = [
    "category", "a", "b", "count_a", "n_tokens_a", "rate_a", "count_b", "n_tokens_b", "rate_b",
    "rate_ratio", "ci_low", "ci_high", "p_value", "corrected",
]
def term_counts(obj: Any, *, by: str = "lemma", nlp: Language | None = None) -> Counter:
    """Term frequencies of a Doc, Span, Document, text, mapping or a group of them.

    Args:
        obj: a spaCy ``Doc`` or ``Span``; an :class:`analysis.corpus.documents.Document`
            (e.g. a voice sub-document from :func:`analysis.app.shortcuts.voices`) or a
            ``str`` (both parsed with ``nlp``); a mapping ``term -> count``
            (used as is); or a list/tuple/Corpus of any of these (summed: a group).
        by: ``"lemma"`` (lower-cased lemma) or ``"lower"`` (lower-cased word).
        nlp: pipeline for texts (default: :func:`analysis.make_nlp`).

    Example:
        >>> term_counts(make_nlp()("Talks, talks and more talks."))["talk"]
        3
    """
    check_by(by)
    if isinstance(obj, (Doc, Span)):
        return doc_terms(obj, by)
    if isinstance(obj, Mapping):
        return Counter({str(k): int(v) for k, v in obj.items()})
    if isinstance(obj, (str, Document)):
        obj = [obj]
    if isinstance(obj, (list, tuple, Corpus)) or hasattr(obj, "__iter__"):
        items = list(obj)
        texts = [x for x in items if isinstance(x, (str, Document))]
        total: Counter = Counter()
        if texts:
            nlp = nlp or make_nlp()
            for doc in nlp.pipe(x.text if isinstance(x, Document) else x for x in texts):
                total.update(doc_terms(doc, by))
        for x in items:
            if not isinstance(x, (str, Document)):
                total.update(term_counts(x, by=by, nlp=nlp))
        return total
    raise KitError(
        f"keyness: cannot count terms of a {type(obj).__name__}; pass a Doc, Span, Document, text, "
        "a term->count mapping, or a list of these"
    )


def _g2(a: np.ndarray, b: np.ndarray, n_t: int, n_r: int) -> np.ndarray:
    total = n_t + n_r
    e_t = n_t * (a + b) / total
    e_r = n_r * (a + b) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(a > 0, a * np.log(a / e_t), 0.0)
        r = np.where(b > 0, b * np.log(b / e_r), 0.0)
    return 2.0 * (t + r)


def keyness(
    target: Any,
    reference: Any,
    *,
    min_freq: int = 5,
    by: str = "lemma",
    labels: tuple[str, str] = ("target", "reference"),
    nlp: Language | None = None,
    stop_words: bool = False,
    min_log_ratio: float | None = None,
    correction: str = "none",
) -> pd.DataFrame:
    """Key terms of ``target`` against ``reference``: G², p-value and Log Ratio.

    Args:
        target, reference: anything :func:`term_counts` accepts — a Doc, a list
            of Docs (a group), voice sub-documents, texts or term->count mappings.
        min_freq: keep terms whose combined frequency (target + reference) is at
            least this (default 5; small texts give few terms).
        by: ``"lemma"`` or ``"lower"`` (see :func:`term_counts`).
        labels: names written in the ``target`` and ``reference`` columns.
        nlp: pipeline for texts.
        stop_words: True to leave out function words (spaCy's English stop
            list, :data:`analysis.tables.words.STOP_WORDS`). The word-token totals
            ``n_target``/``n_reference`` still count them.
        min_log_ratio: keep terms whose effect size ``|log_ratio|`` is at least
            this (1 = twice as frequent, relatively; Hardie suggests reading
            effect sizes beside significance).
        correction: ``"none"`` (default), ``"holm"`` or ``"bh"``: corrects the
            p-values for testing many terms (over the terms left after the
            filters) and adds the columns ``p_adjusted`` and ``correction``.

    Returns:
        One row per term (columns :data:`KEYNESS_COLUMNS`), sorted by ``g2``
        descending, then term; ``direction`` is ``target`` when the term is
        relatively more frequent in the target, ``reference`` when less,
        ``equal`` otherwise. Empty (with the columns) when either side has no
        word tokens. With a correction, two more columns: ``p_adjusted``
        and ``correction`` (:data:`KEYNESS_CORRECTED_COLUMNS`).

    Example:
        >>> table = keyness({"deceive": 6, "the": 40}, {"deceive": 0, "the": 45}, min_freq=1)
        >>> table[["term", "freq_target", "freq_reference", "direction"]].values.tolist()
        [['deceive', 6, 0, 'target'], ['the', 40, 45, 'reference']]
        >>> round(float(table.loc[0, "g2"]), 2), round(float(table.loc[0, "log_ratio"]), 2)
        (8.19, 3.55)
    """
    if isinstance(min_freq, bool) or not isinstance(min_freq, (int, np.integer)) or min_freq < 1:
        raise KitError(f"The `min_freq` parameter of keyness must be a positive int. Got {min_freq!r} instead.")
    check_by(by)
    t_counts = term_counts(target, by=by, nlp=nlp)
    r_counts = term_counts(reference, by=by, nlp=nlp)
    n_t, n_r = sum(t_counts.values()), sum(r_counts.values())
    if min_log_ratio is not None and (isinstance(min_log_ratio, bool) or not isinstance(min_log_ratio, (int, float))
                                      or min_log_ratio < 0):
        raise KitError(f"The `min_log_ratio` parameter of keyness must be a number >= 0. Got {min_log_ratio!r}.")
    adjust_p_values([], correction)  # validates the name
    columns = KEYNESS_COLUMNS if correction == "none" else KEYNESS_CORRECTED_COLUMNS
    terms = sorted(t for t in set(t_counts) | set(r_counts)
                   if t_counts[t] + r_counts[t] >= min_freq and not (stop_words and is_stop_word(t)))
    if n_t == 0 or n_r == 0 or not terms:
        return pd.DataFrame({c: pd.Series(dtype=_KEYNESS_DTYPES[c]) for c in columns})
    a = np.array([t_counts[t] for t in terms], dtype=float)
    b = np.array([r_counts[t] for t in terms], dtype=float)
    g2 = _g2(a, b, n_t, n_r)
    g2 = np.maximum(g2, 0.0)  # rounding can give -1e-16 for equal rates
    from scipy.stats import chi2  # imported here: keeps `import analysis` fast

    p = chi2.sf(g2, 1)
    log_ratio = np.log2((np.where(a > 0, a, 0.5) / n_t) / (np.where(b > 0, b, 0.5) / n_r))
    rel = a / n_t - b / n_r
    direction = np.where(rel > 0, "target", np.where(rel < 0, "reference", "equal"))
    frame = pd.DataFrame(
        {
            "target": labels[0],
            "reference": labels[1],
            "term": terms,
            "freq_target": a.astype("int64"),
            "freq_reference": b.astype("int64"),
            "n_target": n_t,
            "n_reference": n_r,
            "g2": g2,
            "p_value": p,
            "log_ratio": log_ratio,
            "direction": direction,
        },
        columns=KEYNESS_COLUMNS,
    )
    if min_log_ratio is not None:
        frame = frame[frame["log_ratio"].abs() >= min_log_ratio]
    if correction != "none":
        frame = frame.assign(p_adjusted=adjust_p_values(frame["p_value"].to_numpy(), correction),
                             correction=correction)
    # g2 rounded for ordering so that float noise cannot reorder ties
    order = np.lexsort((frame["term"].to_numpy(), -np.round(frame["g2"].to_numpy(), 9)))
    return frame.iloc[order].reset_index(drop=True)


_KEYNESS_DTYPES = {
    "target": "object", "reference": "object", "term": "object", "freq_target": "int64",
    "freq_reference": "int64", "n_target": "int64", "n_reference": "int64", "g2": "float64",
    "p_value": "float64", "log_ratio": "float64", "direction": "object", "p_adjusted": "float64",
    "correction": "object",
}


class VoiceTerms:
    """Pooled term frequencies of quoted speech and of narration over a corpus.

    Feed it each parsed Doc with its attribution records (:meth:`add`); memory
    grows with the vocabulary, not with the corpus. Quoted speech is every
    word token inside a ``direct`` or ``partial`` quotation (any speaker,
    :func:`analysis.extract.voices.voice_map`); narration is every other word
    token (:func:`analysis.extract.terms.voice_terms`).

    Example:
        >>> from analysis.extract.attribution import doc_attributions
        >>> doc = make_nlp()('"Talks are chatter," Lavrov said. Talks will resume.')
        >>> vt = VoiceTerms()
        >>> vt.add(doc, doc_attributions(doc))
        >>> vt.quoted["chatter"], vt.narration["talk"]
        (1, 1)
        >>> vt.keyness(min_freq=2)[["term", "freq_target", "freq_reference"]].values.tolist()
        [['talk', 1, 1]]
    """

    #: labels of the two sides in the keyness table
    LABELS = ("quoted speech", "narration")

    def __init__(self, *, by: str = "lemma"):
        check_by(by)
        self.by = by
        self.quoted: Counter = Counter()
        self.narration: Counter = Counter()

    def add(self, doc: Doc, attribution_records: Iterable[dict], *, voice_map: VoiceMap | None = None) -> None:
        """Count the word tokens of ``doc`` by voice (quoted vs narrator).

        ``voice_map`` (the :class:`~analysis.extract.voices.VoiceMap` of these
        records), when the caller has one, saves building it again.
        """
        if len(doc) == 0:
            return
        voices = voice_map if voice_map is not None else make_voice_map(doc, attribution_records)
        quoted, narration = voice_terms(doc, voices, by=self.by)
        self.quoted.update(quoted)
        self.narration.update(narration)

    def add_counts(self, quoted: Mapping[str, int], narration: Mapping[str, int]) -> None:
        """Pool term counts taken elsewhere (a ``DocResult.terms``, a worker's chunk)."""
        self.quoted.update(quoted)
        self.narration.update(narration)

    def keyness(self, *, min_freq: int = 5) -> pd.DataFrame:
        """:func:`keyness` of quoted speech (target) against narration (reference)."""
        return keyness(self.quoted, self.narration, min_freq=min_freq, labels=self.LABELS)


# --------------------------------------------------------------------------- rate ratios


def _select(features: pd.DataFrame, spec: Any, which: str) -> tuple[str, pd.DataFrame]:
    """Rows of the feature table for one side; returns (label, rows)."""
    doc_ids = set(features["doc_id"].astype(str))
    voices = set(features["voice"].astype(str)) - {"all"}
    if isinstance(spec, tuple) and len(spec) == 2:
        doc_id, voice = (str(x) for x in spec)
        rows = features[(features["doc_id"].astype(str) == doc_id) & (features["voice"].astype(str) == voice)]
        if rows.empty:
            raise KitError(f"compare_features: no rows for document {doc_id!r} and voice {voice!r} ({which})")
        return f"{doc_id} · {voice}", rows
    if isinstance(spec, (list, set, frozenset)) or (isinstance(spec, tuple) and len(spec) != 2):
        items = sorted(spec, key=str) if isinstance(spec, (set, frozenset)) else list(spec)
        if not items:
            raise KitError(f"compare_features: the group for {which} is empty")
        parts = [_select(features, s, which) for s in items]
        return " + ".join(lbl for lbl, _ in parts), pd.concat([r for _, r in parts], ignore_index=True)
    spec = str(spec)
    if spec in doc_ids:
        return spec, features[(features["doc_id"].astype(str) == spec) & (features["voice"].astype(str) == "all")]
    if spec in voices:
        return spec, features[features["voice"].astype(str) == spec]
    raise KitError(
        f"compare_features: {spec!r} ({which}) is neither a doc_id nor a voice of the feature table "
        f"(doc_ids: {', '.join(sorted(doc_ids)) or 'none'}; voices: {', '.join(sorted(voices)) or 'none'})"
    )


def _totals(rows: pd.DataFrame) -> pd.DataFrame:
    # n_tokens repeats on every category row of a (doc, voice): sum it per category
    return rows.groupby("category", sort=False).agg(count=("count", "sum"), n_tokens=("n_tokens", "sum"))


def compare_features(
    features: pd.DataFrame,
    a: Any,
    b: Any,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Rate ratio of every category, ``a`` against ``b``, with a confidence interval.

    Args:
        features: the feature table (:func:`analysis.tables.feature_table`:
            ``doc_id, voice, category, count, n_tokens, ...``; voice ``all`` is
            the whole document).
        a, b: a ``doc_id`` (the whole document); a voice such as
            ``"Sergei Lavrov"`` or ``"narrator"`` (that voice pooled over every
            document); a ``(doc_id, voice)`` pair; or a list of these (a group,
            pooled). A name that is both a doc_id and a voice means the doc_id.
        level: confidence level of the interval (default 0.95).

    Returns:
        One row per category in feature-table order (columns
        :data:`COMPARE_COLUMNS`); rates are per 1,000 word tokens; the method
        (Wald interval on the log rate ratio, Haldane–Anscombe 0.5 correction
        when a count is zero, exact conditional binomial p-value) is described
        in the module docstring.

    Example:
        >>> features = pd.DataFrame({"doc_id": ["seed", "control"], "voice": ["all", "all"],
        ...                          "category": ["loaded_label"] * 2, "count": [4, 0], "n_tokens": [400, 200]})
        >>> row = compare_features(features, "seed", "control").iloc[0]
        >>> float(row["rate_a"]), float(row["rate_b"]), round(float(row["rate_ratio"]), 2), bool(row["corrected"])
        (10.0, 0.0, 4.5, True)
    """
    needed = {"doc_id", "voice", "category", "count", "n_tokens"}
    missing = needed - set(features.columns)
    if missing:
        raise KitError(f"compare_features: the feature table lacks column(s) {', '.join(sorted(missing))}")
    if not (isinstance(level, float) and 0 < level < 1):
        raise KitError(f"The `level` parameter of compare_features must be a float in (0, 1). Got {level!r} instead.")
    label_a, rows_a = _select(features, a, "a")
    label_b, rows_b = _select(features, b, "b")
    ta, tb = _totals(rows_a), _totals(rows_b)
    categories = list(dict.fromkeys(features["category"].astype(str)))
    from scipy.stats import binomtest, norm

    z = float(norm.ppf(0.5 + level / 2))
    out = []
    for cat in categories:
        xa = int(ta["count"].get(cat, 0))
        xb = int(tb["count"].get(cat, 0))
        na = int(ta["n_tokens"].get(cat, 0))
        nb = int(tb["n_tokens"].get(cat, 0))
        rate_a = 1000 * xa / na if na else math.nan
        rate_b = 1000 * xb / nb if nb else math.nan
        corrected = False
        rr = lo = hi = math.nan
        p = 1.0
        if na and nb and (xa or xb):
            ca, cb = float(xa), float(xb)
            if xa == 0 or xb == 0:
                ca, cb, corrected = ca + 0.5, cb + 0.5, True
            rr = (ca / na) / (cb / nb)
            se = math.sqrt(1 / ca + 1 / cb)
            lo, hi = rr * math.exp(-z * se), rr * math.exp(z * se)
            p = float(binomtest(xa, xa + xb, na / (na + nb)).pvalue)
        out.append({
            "category": cat, "a": label_a, "b": label_b,
            "count_a": xa, "n_tokens_a": na, "rate_a": rate_a,
            "count_b": xb, "n_tokens_b": nb, "rate_b": rate_b,
            "rate_ratio": rr, "ci_low": lo, "ci_high": hi, "p_value": p, "corrected": corrected,
        })
    return pd.DataFrame(out, columns=COMPARE_COLUMNS)
