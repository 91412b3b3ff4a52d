"""Sentences for the notebooks' method text, written from the tables so they stay true.

A notebook's prose that states a number or quotes the text must not be typed
by hand: when the codebook or the corpus changes, the prose would be wrong.
These functions write Markdown from the evidence, attribution, feature and
rate-ratio tables; the notebooks display it right after the table it reads.

* :func:`rhetoric_summary` -- what a document does rhetorically: each coded
  category with the sentence it was found in, whose voice, aimed at whom,
  and the layers of attribution (authority invoked, mouthpiece and principal);
* :func:`rate_reading` -- how to read one rate and its exact Poisson interval;
* :func:`ratio_reading` -- what a rate ratio with its interval and p-value
  does and does not say.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from ..plots.aggregate import plural

__all__ = ["rhetoric_summary", "rate_reading", "ratio_reading", "quote_hit"]


def _fmt(x: float) -> str:
    """A number as a reader wants it: 3 significant digits, no trailing noise."""
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2g}" if abs(x) < 1 else f"{x:.1f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def quote_hit(text: str, start: int, end: int, *, width: int = 90) -> str:
    """The sentence-sized context of a hit, the hit in bold: ``…that it will **definitely deceive**, …``."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    cut_left = max(left.rfind(". "), left.rfind("\n"))
    left = left[cut_left + 1:].lstrip() if cut_left >= 0 else "…" + left.lstrip()
    stops = [i for i in (right.find(". "), right.find("\n")) if i >= 0]
    right = right[:min(stops) + 1] if stops else right.rstrip() + "…"
    left, hit, right = (part.replace("*", "\\*") for part in (left, text[start:end], right))  # no stray Markdown
    return " ".join(f"{left}**{hit}**{right}".split())


def rhetoric_summary(doc_id: str, text: str, evidence: pd.DataFrame, attributions: pd.DataFrame,
                     labels: Mapping[str, str], *, n_tokens: int | None = None, max_per_category: int = 2) -> str:
    """Markdown: what one document does rhetorically, category by category, with the evidence.

    Args:
        doc_id: the document.
        text: its analysed text (the offsets of the evidence point into it).
        evidence, attributions: the run's tables (rows of other documents are ignored).
        labels: category id -> label, in codebook order (the order of the list).
        n_tokens: the document's word tokens, for the opening sentence.
        max_per_category: at most this many quoted hits per category.
    """
    ev = evidence[evidence["doc_id"].astype(str) == doc_id] if len(evidence) else evidence
    size = f" ({n_tokens:,} word tokens)" if n_tokens else ""
    if not len(ev):
        return f"**{doc_id}**{size}: no rule of the codebook fires in this document."
    voices = ev["voice"].fillna("").astype(str)
    quoted = int((~voices.isin(["narrator", "unknown speaker", ""])).sum())
    found = [c for c in labels if c in set(ev["category"])]
    lines = [f"**{doc_id}**{size}: {plural(len(ev), 'hit')} of {len(found)} of the {len(labels)} codebook categories; "
             f"{quoted} of them in quoted words, {len(ev) - quoted} in the narrator's or an unattributed voice.", ""]
    for cat in found:
        rows = ev[ev["category"] == cat].sort_values("start_char", kind="stable")
        quotes = []
        for r in rows.head(max_per_category).to_dict("records"):
            who = str(r.get("voice") or "unknown speaker")
            target = str(r.get("target") or "")
            aim = f", aimed at {target}" if target and target.lower() != "nan" else ""
            quotes.append(f"“{quote_hit(text, int(r['start_char']), int(r['end_char']))}” ({who}{aim})")
        more = f" and {len(rows) - max_per_category} more" if len(rows) > max_per_category else ""
        lines.append(f"- **{labels[cat]}** (`{cat}`, {len(rows)}): " + "; ".join(quotes) + more)
    att = attributions[attributions["doc_id"].astype(str) == doc_id] if len(attributions) else attributions
    def clip(content) -> str:
        content = " ".join(str(content).split())
        return content if len(content) <= 160 else content[:160].rsplit(" ", 1)[0] + " …"

    layers = []
    for r in att.to_dict("records") if len(att) else []:
        principal = str(r.get("principal") or "")
        if r.get("kind") == "authority" and principal:
            layers.append(f"- {r['speaker']} invokes the authority of **{principal}** "
                          f"(“{r['cue']}”): “{clip(r['content'])}”")
        elif r.get("kind") == "proxy" and principal:
            layers.append(f"- {r['speaker']} is presented as the mouthpiece of **{principal}** "
                          f"(“{r['cue']}”): “{clip(r['content'])}”")
    if layers:
        lines += ["", "Layers of attribution (who is said to speak for whom):", ""] + layers
    return "\n".join(lines)


def rate_reading(row: Mapping, *, label: str = "") -> str:
    """One sentence: a rate, its exact 95% interval, and what the width means.

    ``row`` is a row of the features table (``count, n_tokens, rate_per_1000, ci_low, ci_high``).
    """
    count, n = int(row["count"]), int(row["n_tokens"])
    rate, low, high = float(row["rate_per_1000"]), float(row["ci_low"]), float(row["ci_high"])
    what = label or str(row.get("category", ""))
    text = (f"{what}: {plural(count, 'hit')} in {n:,} word tokens = {_fmt(rate)} per 1,000 words, 95% interval "
            f"{_fmt(low)} to {_fmt(high)}.")
    if count and low > 0:
        text += (f" The same text could have come from a source that uses this feature {_fmt(rate / low)} times "
                 f"less or {_fmt(high / rate)} times more often: the interval, not the bar, is the finding.")
    elif not count:
        text += f" No hit is not a rate of zero: up to {_fmt(high)} per 1,000 words is compatible with it."
    return text


def ratio_reading(row: Mapping) -> str:
    """What a rate ratio, its 95% interval and its p-value do and do not say (one paragraph of Markdown)."""
    a, b = str(row["a"]), str(row["b"])
    ratio, low, high, p = float(row["rate_ratio"]), float(row["ci_low"]), float(row["ci_high"]), float(row["p_value"])
    text = (f"**{row['category']}**, {a} against {b}: {int(row['count_a'])} hits in {int(row['n_tokens_a']):,} "
            f"words against {int(row['count_b'])} in {int(row['n_tokens_b']):,}, rate ratio **{_fmt(ratio)}** "
            f"(95% interval {_fmt(low)} to {_fmt(high)}), exact {_p(p)}.")
    if row.get("corrected"):
        text += (" One count is zero, so 0.5 was added to both before dividing: the ratio is a convention, "
                 "not a measurement.")
    if low <= 1 <= high:
        text += (f" The interval includes 1 and {_p(p)}: counts this small differ this much by chance alone "
                 f"often enough that the data do **not** show that {a} uses the feature more than {b}. They do not "
                 "show that the two are alike either — the interval also allows a large difference. What they do "
                 "say is where each hit is (the evidence rows), and that a larger or longer set of texts is "
                 "needed for a comparison of rates.")
    else:
        side = "more" if ratio > 1 else "less"
        text += (f" The interval excludes 1: {a} uses the feature {side} often than {b}, by a factor between "
                 f"{_fmt(low)} and {_fmt(high)} — for these texts, not for the authors' usage in general, and "
                 "without correction for the many categories compared.")
    return text
