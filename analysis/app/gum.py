"""Score the attribution extractor on GUM Wikinews gold data.

Data: ``../shared/eval/gum-wikinews`` (43 Wikinews documents; annotations CC BY
4.0, texts CC BY 2.5; read its README). Nothing is copied into the project;
the script exits 0 with a message when the folder is absent.

How the gold is read:

* **text**: rebuilt from ``conllu/`` (token forms, ``SpaceAfter=No``,
  multi-word token lines, ``# newpar`` → blank line), so every gold token
  has exact character offsets in the text we analyse;
* **quotations**: ``<quote>`` elements in ``xml/`` (token positions counted over
  the token lines, identical to the conllu integer tokens). ``<q>`` (scare
  quotes, quoted words) is *not* gold quotation; predictions overlapping a
  ``<q>`` are reported separately and counted as false positives;
* **attributions**: EDUs of ``rsd/`` with relation ``attribution-positive`` or
  ``-negative``; the speaker is the ``semantic-attribution_source`` signal
  (document-level 1-based token indices), the cue the
  ``lexical-indicative_word/phrase`` signals, the content the nucleus EDU;
* **coreference**: ``Entity=`` brackets of ``conllu/``.

Scores (per split):

* quote detection: predicted quotations = ``direct`` and ``partial`` records
  (content spans); precision/recall/F1 with any character overlap and with
  overlap ≥ 80% of the longer span, plus exact match (ignoring punctuation at
  the edges); ``quote_f1_without_q`` does not count predictions that fall on
  a gold ``<q>`` (quoted words, often our ``partial`` quotations) as errors;
* speaker accuracy: over detected gold quotations that have a gold speaker
  (the attribution whose nucleus or quotation-mark signal overlaps the
  quotation), the predicted speaker is right when its words (or the named
  mention a pronoun/title was resolved to) overlap the gold source tokens or
  belong to the same coreference entity;
* attribution recall: a gold attribution is found when a predicted record
  (any kind but ``source_credit``) has its speaker or cue inside the
  attribution EDU or its content overlapping the nucleus EDU with the
  speaker/cue in the same sentence; also with a correct speaker.
  Attribution precision: predicted records matched to some gold attribution.

Tune on ``train`` and ``dev`` only; ``test`` is for reporting.

Usage (``benchmarks/attribution_gum.py`` calls :func:`main`; notebook 05
calls :func:`gum_scores`)::

    .venv/bin/python benchmarks/attribution_gum.py [--split test|dev|train|all] [--details]
"""
from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from ..extract.attribution import find_attributions
from ..nlp.pipeline import gazetteer_of, make_nlp
from ..paths import SHARED_DIR

__all__ = [
    "GUM", "SPLITS", "COGNITION", "COLUMNS", "GumDoc", "load_gum", "score_doc", "summarize", "gum_scores", "main",
]

#: The GUM Wikinews gold data beside a developer checkout.
GUM = SHARED_DIR / "eval" / "gum-wikinews"

#: The GUM splits (tune on train and dev; test is for reporting).
SPLITS = ("train", "dev", "test")
#: Cue lemmas of cognition, perception and inference (GUM's attribution covers them; reported speech does not).
COGNITION = frozenset(
    "think know believe mean remember suspect hope feel guess suppose find see wonder decide recognize realize "
    "understand expect learn doubt imagine wish assume consider sure note notice observe show reveal conclude "
    "determine discover estimate aware convinced afraid concern worry fear seem appear look sound want like "
    "prefer love hate agree".split()
)


class GumDoc:
    """One GUM document with gold spans as token ranges (0-based, end exclusive)."""

    def __init__(self, name: str, split: str, text: str, tok: list[tuple[int, int]], sent_of: list[int],
                 quotes=None, scare=None, attributions=None, entities=None):
        self.name = name
        self.split = split
        self.text = text
        self.tok = tok  # char span of each token
        self.sent_of = sent_of
        self.quotes: list[tuple[int, int]] = quotes or []
        self.scare: list[tuple[int, int]] = scare or []
        self.attributions: list[dict] = attributions or []
        self.entities: dict[int, list[tuple[int, int, str]]] = entities or {}  # token -> mentions


def _read_conllu(path: Path):
    tokens: list[str] = []
    lemmas: list[str] = []
    space: list[str] = []
    sent_of: list[int] = []
    newpar_before: set[int] = set()
    ent_open: dict[str, list[int]] = {}
    mentions: list[tuple[int, int, str]] = []
    sent = -1
    pending_mwt: tuple[int, int, str, bool] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar"):
            newpar_before.add(len(tokens))
            continue
        if line.startswith("# sent_id"):
            sent += 1
            continue
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        tid = cols[0]
        misc = cols[9]
        no_space = "SpaceAfter=No" in misc
        if "-" in tid:
            a, b = map(int, tid.split("-"))
            pending_mwt = (a, b, cols[1], no_space)
            continue
        if "." in tid:
            continue
        i = len(tokens)
        form = cols[1]
        in_mwt = pending_mwt is not None and pending_mwt[0] <= int(tid) <= pending_mwt[1]
        tokens.append(form)
        lemmas.append(cols[2].lower())
        if in_mwt:
            last = int(tid) == pending_mwt[1]
            space.append((" " if not pending_mwt[3] else "") if last else "")
            if last:
                pending_mwt = None
        else:
            space.append("" if no_space else " ")
        sent_of.append(sent)
        m = re.search(r"Entity=([^|]+)", misc)
        if m:
            # "(eid-type-...": opens, "(eid-...)": one-token mention, "eid)": closes
            for tok in re.finditer(r"\((\d+)-[^()]*(\))?|(\d+)\)", m.group(1)):
                if tok.group(1):
                    if tok.group(2):
                        mentions.append((i, i + 1, tok.group(1)))
                    else:
                        ent_open.setdefault(tok.group(1), []).append(i)
                elif ent_open.get(tok.group(3)):
                    mentions.append((ent_open[tok.group(3)].pop(), i + 1, tok.group(3)))
    # rebuild the text
    parts = []
    spans = []
    pos = 0
    for i, form in enumerate(tokens):
        if i in newpar_before and i > 0:
            while parts and parts[-1] == " ":
                parts.pop()
                pos -= 1
            parts.append("\n\n")
            pos += 2
        spans.append((pos, pos + len(form)))
        parts.append(form)
        pos += len(form)
        if space[i]:
            parts.append(space[i])
            pos += len(space[i])
    text = "".join(parts)
    return text, spans, sent_of, mentions, lemmas


def _read_xml(path: Path):
    first = path.open(encoding="utf-8").readline()
    split = re.search(r'partition="([^"]+)"', first).group(1)
    quotes, scare = [], []
    open_q: list[int] = []
    open_s: list[int] = []
    i = 0
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("<") and line.endswith(">") and "\t" not in line:
            tag = line[1:].split()[0].rstrip(">")
            if tag == "quote":
                open_q.append(i)
            elif tag == "/quote" and open_q:
                quotes.append((open_q.pop(), i))
            elif tag == "q":
                open_s.append(i)
            elif tag == "/q" and open_s:
                scare.append((open_s.pop(), i))
            continue
        if line.strip():
            i += 1
    return split, quotes, scare, i


def _tokens(spec: str) -> list[int]:
    out = []
    for part in spec.split(","):
        if not part or part == "_":
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a) - 1, int(b)))
        else:
            out.append(int(part) - 1)
    return out


def _read_rsd(path: Path):
    edus = []
    pos = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        n = len(cols[1].split(" "))
        edus.append({"id": int(cols[0]), "span": (pos, pos + n), "head": int(cols[6]), "rel": cols[7],
                     "signals": cols[9]})
        pos += n
    by_id = {e["id"]: e for e in edus}
    out = []
    for e in edus:
        if not e["rel"].startswith("attribution-"):
            continue
        source, cue, marks = [], [], []
        for sig in e["signals"].split(";"):
            parts = sig.split("-")
            if len(parts) < 4:
                continue
            sub, toks = parts[1], "-".join(parts[2:-1])
            if sub == "attribution_source":
                source = _tokens(toks)
            elif sub in ("indicative_word", "indicative_phrase"):
                cue += _tokens(toks)
            elif sub == "quotation_marks":
                marks += _tokens(toks)
        nucleus = by_id.get(e["head"])
        out.append({
            "edu": e["span"],
            "source": source,
            "cue": cue,
            "marks": marks,
            "nucleus": nucleus["span"] if nucleus else e["span"],
            "negative": e["rel"].startswith("attribution-negative"),
        })
    return out, pos


def load_gum(folder: Path = GUM) -> list[GumDoc]:
    """Read every document of the GUM Wikinews subset."""
    docs = []
    for conllu in sorted((folder / "conllu").glob("*.conllu")):
        name = conllu.stem
        text, spans, sent_of, mentions, lemmas = _read_conllu(conllu)
        split, quotes, scare, n_xml = _read_xml(folder / "xml" / f"{name}.xml")
        attrs, n_rsd = _read_rsd(folder / "rsd" / f"{name}.rsd")
        if not (len(spans) == n_xml == n_rsd):
            raise SystemExit(f"{name}: token counts differ (conllu {len(spans)}, xml {n_xml}, rsd {n_rsd})")
        ents: dict[int, list[tuple[int, int, str]]] = {}
        for a, b, eid in mentions:
            for t in range(a, b):
                ents.setdefault(t, []).append((a, b, eid))
        for at in attrs:
            cue_lemmas = {lemmas[t] for t in at["cue"] if t < len(lemmas)}
            at["speech"] = bool(cue_lemmas) and not (cue_lemmas & COGNITION)
        docs.append(GumDoc(name, split, text, spans, sent_of, quotes, scare, attrs, ents))
    return docs


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------
_EDGE = " \t\n\"'“”‘’«»,.;:!?-—–()"


def trim_span(text: str, s: int, e: int, edge: str = _EDGE) -> tuple[int, int]:
    """The span without surrounding spaces, quote marks and punctuation (``edge``)."""
    while s < e and text[s] in edge:
        s += 1
    while e > s and text[e - 1] in edge:
        e -= 1
    return s, e


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _chars(doc: GumDoc, toks: list[int] | tuple[int, int]) -> tuple[int, int]:
    if isinstance(toks, tuple):
        a, b = toks
        if b <= a:
            return (-1, -1)
        return doc.tok[a][0], doc.tok[b - 1][1]
    if not toks:
        return (-1, -1)
    return doc.tok[min(toks)][0], doc.tok[max(toks)][1]


def _tok_range(doc: GumDoc, s: int, e: int) -> set[int]:
    return {i for i, (a, b) in enumerate(doc.tok) if a < e and b > s}


def _entity_of(doc: GumDoc, toks: set[int]) -> set[str]:
    """Entities of the smallest mentions covering the tokens' last word."""
    if not toks:
        return set()
    out = set()
    t = max(toks)
    cands = doc.entities.get(t, [])
    if cands:
        smallest = min(b - a for a, b, _ in cands)
        out = {eid for a, b, eid in cands if b - a == smallest}
    return out


def score_doc(doc: GumDoc, records: list, counts: dict, details: list | None = None) -> None:
    """Add one document's counts to ``counts``."""
    text = doc.text
    preds = [a for a in records if a.kind in ("direct", "partial") and a.content_start >= 0]
    _score_marked_quotes(doc, preds, counts, details)
    if not (doc.quotes or doc.scare):
        # quotations are not annotated in this document (see the module docstring)
        preds = []
    else:
        counts["quote_docs"] += 1
    pspans = [trim_span(text, a.content_start, a.content_end) for a in preds]
    gspans = [trim_span(text, *_chars(doc, q)) for q in doc.quotes]
    sspans = [trim_span(text, *_chars(doc, q)) for q in doc.scare]
    counts["gold_quotes"] += len(gspans)
    counts["pred_quotes"] += len(pspans)
    for thr, key in ((0.0, "any"), (0.8, "p80")):
        for p in pspans:
            if any(span_overlap(p, g) > 0 and span_overlap(p, g) >= thr * max(p[1] - p[0], g[1] - g[0])
                   for g in gspans):
                counts[f"tp_pred_{key}"] += 1
        for g in gspans:
            if any(span_overlap(p, g) > 0 and span_overlap(p, g) >= thr * max(p[1] - p[0], g[1] - g[0])
                   for p in pspans):
                counts[f"tp_gold_{key}"] += 1
    counts["tp_exact"] += sum(1 for g in gspans if g in pspans)
    counts["pred_on_scare"] += sum(
        1 for p in pspans if not any(span_overlap(p, g) for g in gspans) and any(span_overlap(p, s) for s in sspans)
    )
    # speaker accuracy
    for g in gspans:
        matching = [i for i, p in enumerate(pspans) if span_overlap(p, g) > 0]
        if not matching:
            if details is not None:
                details.append(f"{doc.name}: MISSED quote {text[g[0]:g[1]][:80]!r}")
            continue
        gold_attr = None
        for at in doc.attributions:
            if not at["source"]:
                continue
            nuc = _chars(doc, at["nucleus"])
            marks = [_chars(doc, [m]) for m in at["marks"]]
            if span_overlap(nuc, g) > 0 or any(m[0] >= 0 and g[0] - 3 <= m[0] <= g[1] + 3 for m in marks):
                gold_attr = at
                break
        if gold_attr is None:
            continue
        counts["quotes_with_speaker"] += 1
        gold_toks = set(gold_attr["source"])
        gold_ents = _entity_of(doc, gold_toks)
        best = max(matching, key=lambda i: span_overlap(pspans[i], g))
        a = preds[best]
        ok = False
        for s, e in ((a.speaker_start, a.speaker_end), (a.antecedent_start, a.antecedent_end)):
            if s < 0:
                continue
            toks = _tok_range(doc, s, e)
            if toks & gold_toks or (_entity_of(doc, toks) & gold_ents):
                ok = True
        counts["speaker_correct"] += ok
        if details is not None and not ok:
            sp = text[a.speaker_start:a.speaker_end] if a.speaker_start >= 0 else "-"
            gold = " ".join(text[doc.tok[t][0]:doc.tok[t][1]] for t in sorted(gold_toks))
            details.append(f"{doc.name}: SPEAKER pred={sp!r} gold={gold!r} quote={text[g[0]:g[1]][:60]!r}")
    # attribution recall / precision
    others = [a for a in records if a.kind != "source_credit"]
    matched_pred: set[int] = set()
    for at in doc.attributions:
        counts["gold_attr"] += 1
        edu = _chars(doc, at["edu"])
        nuc = _chars(doc, at["nucleus"])
        src = set(at["source"])
        src_ents = _entity_of(doc, src)
        found = False
        right = False
        for k, a in enumerate(others):
            spans = [(a.speaker_start, a.speaker_end), (a.cue_start, a.cue_end)]
            hit = any(s >= 0 and span_overlap((s, e), edu) > 0 for s, e in spans)
            if not hit and a.content_start >= 0 and span_overlap((a.content_start, a.content_end), nuc) > 0:
                hit = any(s >= 0 and doc.sent_of[min(_tok_range(doc, s, e) or {0})] == doc.sent_of[at["edu"][0]]
                          for s, e in spans)
            if not hit:
                continue
            found = True
            matched_pred.add(k)
            for s, e in ((a.speaker_start, a.speaker_end), (a.antecedent_start, a.antecedent_end)):
                if s >= 0:
                    toks = _tok_range(doc, s, e)
                    if toks & src or (_entity_of(doc, toks) & src_ents):
                        right = True
        counts["attr_found"] += found
        counts["attr_speaker"] += right
        if at["speech"]:
            counts["gold_speech"] += 1
            counts["speech_found"] += found
            counts["speech_speaker"] += right
        if details is not None and not found:
            details.append(f"{doc.name}: MISSED attribution {text[edu[0]:edu[1]]!r} -> {text[nuc[0]:nuc[1]][:50]!r}")
    counts["pred_attr"] += len(others)
    counts["pred_attr_matched"] += len(matched_pred)
    if details is not None:
        for k, a in enumerate(others):
            if k not in matched_pred:
                speaker = text[a.speaker_start:a.speaker_end] if a.speaker_start >= 0 else '-'
                details.append(f"{doc.name}: EXTRA {a.kind} {speaker!r} "
                               f"cue={text[a.cue_start:a.cue_end] if a.cue_start >= 0 else '-'!r}")


def _score_marked_quotes(doc: GumDoc, preds: list, counts: dict, details: list | None) -> None:
    """Speaker accuracy on attributions whose gold carries quotation marks (every document)."""
    text = doc.text
    for at in doc.attributions:
        if len(at["marks"]) < 2 or not at["source"]:
            continue
        span = trim_span(text, doc.tok[min(at["marks"])][0], doc.tok[max(at["marks"])][1])
        counts["marked_quotes"] += 1
        matching = [a for a in preds if span_overlap(trim_span(text, a.content_start, a.content_end), span) > 0]
        if not matching:
            continue
        counts["marked_found"] += 1
        a = max(matching, key=lambda a: span_overlap((a.content_start, a.content_end), span))
        gold_toks = set(at["source"])
        gold_ents = _entity_of(doc, gold_toks)
        ok = False
        for s, e in ((a.speaker_start, a.speaker_end), (a.antecedent_start, a.antecedent_end)):
            if s >= 0:
                toks = _tok_range(doc, s, e)
                ok = ok or bool(toks & gold_toks or (_entity_of(doc, toks) & gold_ents))
        counts["marked_speaker"] += ok
        if details is not None and not ok:
            sp = text[a.speaker_start:a.speaker_end] if a.speaker_start >= 0 else "-"
            gold = " ".join(text[doc.tok[t][0]:doc.tok[t][1]] for t in sorted(gold_toks))
            details.append(f"{doc.name}: MARKED-SPEAKER pred={sp!r} gold={gold!r} quote={text[span[0]:span[1]][:60]!r}")


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def summarize(c: dict) -> dict:
    """Precision, recall, F1 and accuracies from raw counts."""
    p, r, f = _prf(c["tp_pred_any"], c["pred_quotes"], c["tp_gold_any"], c["gold_quotes"])
    # the same, not counting predictions that fall on a gold <q> (quoted words, scare quotes) as errors
    pq, _, fq = _prf(c["tp_pred_any"], c["pred_quotes"] - c["pred_on_scare"], c["tp_gold_any"], c["gold_quotes"])
    p8, r8, f8 = _prf(c["tp_pred_p80"], c["pred_quotes"], c["tp_gold_p80"], c["gold_quotes"])
    pe, re_, fe = _prf(c["tp_exact"], c["pred_quotes"], c["tp_exact"], c["gold_quotes"])
    return {
        "docs": c["docs"],
        "quote_docs": c["quote_docs"],
        "gold_quotes": c["gold_quotes"],
        "pred_quotes": c["pred_quotes"],
        "quote_p": round(p, 3), "quote_r": round(r, 3), "quote_f1": round(f, 3),
        "quote80_p": round(p8, 3), "quote80_r": round(r8, 3), "quote80_f1": round(f8, 3),
        "quote_exact_f1": round(fe, 3),
        "pred_on_scare_quotes": c["pred_on_scare"],
        "quote_p_without_q": round(pq, 3), "quote_f1_without_q": round(fq, 3),
        "speaker_acc": round(c["speaker_correct"] / c["quotes_with_speaker"], 3) if c["quotes_with_speaker"] else None,
        "quotes_with_speaker": c["quotes_with_speaker"],
        "marked_quotes": c["marked_quotes"],
        "marked_found": round(c["marked_found"] / c["marked_quotes"], 3) if c["marked_quotes"] else None,
        "marked_speaker_acc": round(c["marked_speaker"] / c["marked_found"], 3) if c["marked_found"] else None,
        "gold_attributions": c["gold_attr"],
        "attr_recall": round(c["attr_found"] / c["gold_attr"], 3) if c["gold_attr"] else None,
        "attr_recall_speaker": round(c["attr_speaker"] / c["gold_attr"], 3) if c["gold_attr"] else None,
        "gold_speech_attributions": c["gold_speech"],
        "speech_recall": round(c["speech_found"] / c["gold_speech"], 3) if c["gold_speech"] else None,
        "speech_recall_speaker": round(c["speech_speaker"] / c["gold_speech"], 3) if c["gold_speech"] else None,
        "attr_precision": round(c["pred_attr_matched"] / c["pred_attr"], 3) if c["pred_attr"] else None,
    }


#: Columns of the printed table.
COLUMNS = ["docs", "quote_docs", "gold_quotes", "pred_quotes", "quote_p", "quote_r", "quote_f1", "quote_f1_without_q",
           "quote80_f1", "quote_exact_f1", "speaker_acc", "marked_found", "marked_speaker_acc", "attr_recall",
           "attr_recall_speaker", "speech_recall", "speech_recall_speaker", "attr_precision"]


def gum_scores(split: str = "all", *, data: str | Path | None = None, details: list[str] | None = None) -> dict | None:
    """Score the attribution rules on GUM Wikinews: ``{split: scores}`` (and ``"all"`` over several splits).

    Args:
        split: ``train``, ``dev``, ``test`` or ``all`` (each split reported).
        data: the gum-wikinews folder (default :data:`GUM`).
        details: a list that receives one line per missed or wrong item.

    Returns:
        The scores of :func:`summarize` per split, plus ``seconds`` and
        ``tokens``; None when the data folder is absent.
    """
    folder = Path(data) if data is not None else GUM
    if not folder.is_dir():
        return None
    t0 = time.perf_counter()
    splits = SPLITS if split == "all" else (split,)
    docs = [d for d in load_gum(folder) if d.split in splits]
    nlp = make_nlp()
    gazetteer = gazetteer_of(nlp)
    counts = {s: Counter() for s in splits}
    n_words = 0
    for d, parsed in zip(docs, nlp.pipe(d.text for d in docs)):
        parsed.user_data["doc_id"] = d.name
        records = find_attributions(parsed, gazetteer=gazetteer, warnings=[])
        counts[d.split]["docs"] += 1
        n_words += len(parsed)
        score_doc(d, records, counts[d.split], details)
    result: dict = {s: summarize(counts[s]) for s in splits}
    if len(splits) > 1:
        total: Counter = Counter()
        for c in counts.values():
            total.update(c)
        result["all"] = summarize(total)
    result["seconds"] = round(time.perf_counter() - t0, 2)
    result["tokens"] = n_words
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table and one final JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("test", "dev", "train", "all"), default="all",
                    help="which documents to score (default: all, reported per split)")
    ap.add_argument("--details", action="store_true", help="list missed and wrong items")
    ap.add_argument("--data", type=Path, default=GUM, help="the gum-wikinews folder")
    args = ap.parse_args(argv)
    details: list[str] | None = [] if args.details else None
    result = gum_scores(args.split, data=args.data, details=details)
    if result is None:
        print(f"skipped: GUM data not found at {args.data} (needs ../shared/eval/gum-wikinews)")
        return 0
    print("split  " + " ".join(f"{c:>12}" for c in COLUMNS))
    for s, row in result.items():
        if isinstance(row, dict):
            print(f"{s:6} " + " ".join(f"{str(row[c]):>12}" for c in COLUMNS))
    if details:
        print("\n".join(details))
    print(json.dumps(result, sort_keys=True))
    return 0
