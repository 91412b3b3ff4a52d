"""What a figure shows when a corpus has more documents, voices or speakers than fit.

A figure of 2 documents and a figure of 2,000 follow the same rules:

* groups (documents, voices, speakers) are ranked **by count** (hits,
  sentences or attributions, ties by size, then by name) — never by their
  order in a table — and the top ``top - 1`` are drawn; when more remain,
  they are pooled into one explicit **others** group (counts and word tokens
  summed, the rate and its exact Poisson interval recomputed), so every hit
  of the corpus is in the figure;
* groups given by a metadata column (``group_by``, e.g. ``country`` or
  ``speaker``) are pooled the same way before they are ranked;
* voices with fewer word tokens than a threshold (:data:`MIN_VOICE_TOKENS`)
  give no usable rate (a two-word quotation, a headline label): they are
  left out, and the caption says how many.

Each helper returns the rows to draw and a :class:`Selection` that the
caption states.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tables.features import poisson_interval

__all__ = ["MIN_VOICE_TOKENS", "OTHERS", "Selection", "rank_groups", "pool_rates", "plural"]

#: Voices with fewer word tokens are left out of the voice panels (their rate is noise).
MIN_VOICE_TOKENS = 50
#: Label prefix of the pooled group.
OTHERS = "others"


def plural(n: int, word: str) -> str:
    """``"1 document"``, ``"3 documents"`` (``word`` is the singular; "speech" → "speeches")."""
    if n == 1:
        return f"{n:,} {word}"
    return f"{n:,} {word}es" if word.endswith(("s", "sh", "ch", "x")) else f"{n:,} {word}s"


@dataclass
class Selection:
    """Which groups a figure draws: ``shown`` in drawing order, ``pooled`` into others, ``left_out``."""

    shown: list[str]
    pooled: list[str]
    left_out: list[str]
    total: int
    others_label: str = ""

    def describe(self, noun: str, ranked_by: str) -> str:
        """One caption sentence: what was shown, pooled and left out."""
        n_kept = len(self.shown) - (1 if self.others_label else 0)
        if self.pooled:
            text = (f"The {plural(n_kept, noun)} with the most {ranked_by} are shown; "
                    f"the other {plural(len(self.pooled), noun)} are pooled as \u201c{self.others_label}\u201d.")
        elif self.total:
            text = f"{'' if self.left_out else 'All '}{plural(len(self.shown), noun)} shown."
        else:
            text = ""
        return text


def rank_groups(sizes: pd.DataFrame, top: int, noun: str, *, min_tokens: int = 0) -> Selection:
    """Rank groups by ``count`` (then ``n_tokens``, then name), keep ``top``, the rest for pooling.

    Args:
        sizes: one row per group: ``group``, ``count`` (what the ranking is
            by) and optionally ``n_tokens`` (the size, for ties and the threshold).
        top: at most this many groups are drawn, the pooled group included.
        noun: what a group is (``document``, ``voice``...), for the others label.
        min_tokens: groups with fewer word tokens are left out (before ranking).
    """
    if len(sizes) == 0:
        return Selection([], [], [], 0)
    frame = sizes.copy()
    frame["group"] = frame["group"].astype(str)
    if "n_tokens" not in frame:
        frame["n_tokens"] = 0
    left_out = sorted(frame.loc[frame["n_tokens"] < min_tokens, "group"]) if min_tokens else []
    frame = frame[~frame["group"].isin(left_out)]
    frame = frame.sort_values(["count", "n_tokens", "group"], ascending=[False, False, True], kind="stable")
    groups = list(frame["group"])
    top = max(int(top), 2)
    if len(groups) <= top:
        return Selection(groups, [], left_out, len(sizes))
    kept, pooled = groups[: top - 1], groups[top - 1:]
    label = f"{OTHERS} ({plural(len(pooled), noun)})"
    return Selection(kept + [label], pooled, left_out, len(sizes), label)


def pool_rates(rows: pd.DataFrame, selection: Selection, group_col: str = "group") -> pd.DataFrame:
    """Feature rows of the shown groups, the pooled ones summed into the others group.

    ``rows`` has ``group_col, category, count, n_tokens`` (one row per group
    and category, ``n_tokens`` the group's word tokens). Pooled and
    metadata-grouped rates are ``1000 * sum(count) / sum(n_tokens)`` with
    the exact (Garwood) Poisson 95% interval.
    """
    rows = rows.copy()
    rows[group_col] = rows[group_col].astype(str)
    if selection.others_label:
        rows.loc[rows[group_col].isin(selection.pooled), group_col] = selection.others_label
    rows = rows[rows[group_col].isin(selection.shown)]
    return sum_rates(rows, group_col)


def sum_rates(rows: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """Sum ``count`` and ``n_tokens`` per group and category (each member's tokens once) and recompute rates."""
    if not len(rows):
        return rows.assign(rate_per_1000=[], ci_low=[], ci_high=[])
    member = "doc_id" if "doc_id" in rows and group_col != "doc_id" else None
    counts = rows.groupby([group_col, "category"], sort=False)["count"].sum()
    keys = [group_col] + ([member] if member else []) + (["voice"] if "voice" in rows and member else [])
    sizes = rows.drop_duplicates(keys)[[group_col, "n_tokens"]].groupby(group_col, sort=False)["n_tokens"].sum()
    out = counts.rename("count").reset_index()
    out["n_tokens"] = out[group_col].map(sizes).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_per_1000"] = np.where(out["n_tokens"] > 0, 1000.0 * out["count"] / out["n_tokens"], np.nan)
    low, high = poisson_interval(out["count"].to_numpy(), out["n_tokens"].to_numpy())
    out["ci_low"], out["ci_high"] = low, high
    return out
