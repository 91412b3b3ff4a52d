"""Score the attribution extractor on PolNeAR (political news attribution relations).

Data: ``../shared/eval/polnear`` (train: 840 articles, dev: 84; brat standoff
gold with Source, Cue and Content spans; read its README). PolNeAR's test
split is held out and not provided. Nothing is copied into the project; the
script exits 0 with a message when the folder is absent. Tune on ``train``,
report ``dev``.

How the gold is read:

* one annotation file per article: the alphabetically first
  ``attributions/NAME_*.ann`` (several annotators annotated some articles);
* every ``E`` line (``Attribution`` or ``Attribution-no-source``) is one gold
  attribution with its Content (``Content`` and ``Content2`` joined), Cue and
  Source spans; discontinuous spans keep their pieces;
* **speech vs belief**: a gold attribution is *speech* when its cue is a
  communication cue of ``benchmarks/polnear_speech_cues.yaml`` (said, told,
  wrote, according to, a colon label, …; the list is independent of the kit's
  own lexicon); the rest (thinks, wants, plans, seems, shows, …) are beliefs,
  intentions and evidence, reported apart (``belief_recall``);
* **quoted**: a speech attribution whose content begins with a quotation mark,
  or right after one (``"…" ''…'' “…”``).

Matching (content against content, punctuation and spaces trimmed at the
edges): a predicted record and a gold attribution overlap when they share at
least one character. A gold attribution is **found** when the predictions that
overlap it cover at least 50% of its content characters together (one record
per quoted stretch of ``"The talks," he said, "will …"`` adds up); those
predictions are **correct**. Predicted records are those with content of
every kind but ``source_credit``; a prediction matching a gold belief counts
as correct for precision (it is a real attribution), recall is over speech.

* ``precision`` = correct predictions / predictions;
* ``recall`` = found speech attributions / speech attributions;
  ``quoted_recall`` the same over quoted ones;
* ``source_acc``: over found speech attributions that have a gold Source, the
  prediction overlapping most is right when its speaker words, or the named
  mention a pronoun/title was resolved to, overlap the gold Source, or the
  gold Source text names the resolved canonical speaker (its last word), or
  both are the same words (PolNeAR has no coreference chains), or the gold
  Source is a relative pronoun ("who") right after the predicted speaker;
* ``cue_acc``: over found speech attributions, the prediction's cue overlaps
  the gold Cue (a record without a cue, e.g. a label, counts as wrong);
* ``us_per_word``: microseconds of attribution (parse excluded) per word
  (wall clock, first call per Doc; ``benchmarks/bench_attribution.py`` gives
  the CPU figure, best of several runs).

Misses by type (``--misses``): every missed speech attribution gets one type,
the first that applies:

* ``boundary``: a prediction overlaps the gold content but covers < 50% of it;
* ``label``: the gold cue is punctuation only (a colon label, a dash);
* ``outside_lexicon``: no word of the gold cue is a form of the kit's lexicon
  (speech verbs, characterising verbs, cue-phrase words);
* ``quoted``: a quoted gold attribution whose cue the lexicon knows;
* ``out_of_reach``: the rest: the cue is known, the clause around it is not
  one the rules read (long or coordinated subjects, relative clauses,
  participles without a subject, subordinate clauses).

Usage (``benchmarks/attribution_polnear.py`` calls :func:`main`)::

    .venv/bin/python benchmarks/attribution_polnear.py [--split dev|train] [--details] [--limit N] [--data DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

import yaml

from ..extract.attribution import find_attributions, load_lexicon
from ..nlp.docarrays import remember_text
from ..nlp.pipeline import gazetteer_of, make_nlp
from ..paths import PROJECT_DIR, SHARED_DIR
from .gum import span_overlap as _overlap
from .gum import trim_span as gum_trim

__all__ = ["POLNEAR", "SPLITS", "CUES_FILE", "TARGETS", "MISS_TYPES", "load_polnear", "is_speech_cue", "miss_type",
           "score_doc", "summarize", "polnear_scores", "main"]

#: The PolNeAR train and dev splits beside a developer checkout.
POLNEAR = SHARED_DIR / "eval" / "polnear"
#: The splits provided (the test split is held out).
SPLITS = ("train", "dev")
#: Communication cues: which gold attributions are speech.
CUES_FILE = PROJECT_DIR / "benchmarks" / "polnear_speech_cues.yaml"
#: The issue's targets on dev.
TARGETS = {"f1": 0.88, "precision": 0.90, "source_acc": 0.90, "quoted_recall": 0.92}

#: The types of missed speech attributions, in the order they are tested (see the module docstring).
MISS_TYPES = ("boundary", "label", "outside_lexicon", "quoted", "out_of_reach")

_QUOTE_MARKS = "\"“”«»„'‘’"
_RELATIVE = frozenset({"who", "whom", "which", "that"})
_EDGE = " \t\n\"'“”‘’«»„,.;:!?-—–()"


class _Cues:
    def __init__(self, path: Path = CUES_FILE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        forms: set[str] = set(data.get("irregular") or [])
        for lemma in data.get("lemmas") or []:
            lemma = str(lemma).lower()
            forms.add(lemma)
            stem = lemma[:-1] if lemma.endswith("e") else lemma
            forms |= {lemma + "s", lemma + "es", lemma + "d", lemma + "ed", stem + "ed", stem + "ing", lemma + "ing"}
            if lemma.endswith("y"):
                forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
            if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma):  # consonant doubling: slam -> slammed
                forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
        self.forms = frozenset(forms)
        self.phrases = tuple(str(p).lower() for p in data.get("phrases") or [])
        self.punct = frozenset(data.get("punctuation") or [])


def is_speech_cue(cue: str, cues: _Cues | None = None) -> bool:
    """Whether a gold cue is a communication cue (see ``benchmarks/polnear_speech_cues.yaml``)."""
    cues = cues or _default_cues()
    text = " ".join(cue.lower().split())
    if not text:
        return False
    if all(not ch.isalnum() for ch in text):
        return any(p in text for p in cues.punct)
    words = re.findall(r"[a-z][a-z\-']*", text)
    if any(w in cues.forms for w in words):
        return True
    padded = f" {' '.join(words)} "
    return any(f" {p} " in padded for p in cues.phrases)


_CUES: list[_Cues] = []
_LEXICON_WORDS: list[frozenset] = []


def _default_lexicon_words() -> frozenset:
    if not _LEXICON_WORDS:
        _LEXICON_WORDS.append(_lexicon_words())
    return _LEXICON_WORDS[0]


def _default_cues() -> _Cues:
    if not _CUES:
        _CUES.append(_Cues())
    return _CUES[0]


def _lexicon_words(lexicon=None) -> frozenset:
    """Every word of the kit's cue lexicon (verb forms, characterising verbs, cue phrases but their X slot)."""
    lexicon = lexicon or load_lexicon()
    words: set[str] = set()
    for form in list(lexicon.verbs) + list(lexicon.characterising):
        words.update(form.split())
    for phrases in lexicon.phrases.values():
        for p in phrases:
            words.update(w for w in p.split() if w != "x")
    return frozenset(words - {"to", "of", "the", "a", "in", "on", "for", "it", "is", "was", "as", "that", "by"})


def miss_type(text: str, at: dict, overlapped: bool, lexicon_words: frozenset) -> str:
    """The type of one missed gold speech attribution (one of :data:`MISS_TYPES`)."""
    if overlapped:
        return "boundary"
    cue = at["cue_text"].lower()
    words = re.findall(r"[a-z][a-z\-']*", cue)
    if not words:
        return "label"
    if not any(w in lexicon_words for w in words):
        return "outside_lexicon"
    return "quoted" if at["quoted"] else "out_of_reach"


def _spans(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


class PolDoc:
    """One article: text and gold attributions (dicts of span lists)."""

    def __init__(self, name: str, split: str, text: str, attributions: list[dict]):
        self.name = name
        self.split = split
        self.text = text
        self.attributions = attributions


def _read_ann(path: Path, text: str, cues: _Cues) -> list[dict]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            label, _, spec = cols[1].partition(" ")
            try:
                spans[cols[0]] = (label, _spans(spec))
            except ValueError:
                continue
        elif line.startswith("E"):
            cols = line.split("\t")
            if len(cols) >= 2:
                events.append(cols[1].split())
    out = []
    for ev in events:
        parts: dict[str, list[tuple[int, int]]] = {"Content": [], "Cue": [], "Source": []}
        for arg in ev[1:]:
            role, _, tid = arg.partition(":")
            role = re.sub(r"\d+$", "", role)
            if role in parts and tid in spans:
                parts[role] += spans[tid][1]
        if not parts["Content"]:
            continue
        content = [_trim(text, a, b) for a, b in parts["Content"]]
        content = [(a, b) for a, b in content if b > a]
        if not content:
            continue
        cue_text = " ".join(text[a:b] for a, b in parts["Cue"])
        first = min(a for a, _ in content)
        before = text[max(0, first - 3):first].rstrip()
        quoted = (before[-1:] in _QUOTE_MARKS if before else False) or text[first] in _QUOTE_MARKS
        out.append({"content": content, "cue": parts["Cue"], "source": parts["Source"], "cue_text": cue_text,
                    "speech": is_speech_cue(cue_text, cues), "quoted": quoted})
    return out


def load_polnear(split: str, folder: Path = POLNEAR, limit: int | None = None) -> list[PolDoc]:
    """Read the articles of one split with the gold of their alphabetically first annotator."""
    cues = _default_cues()
    docs = []
    texts = sorted((folder / split / "text").glob("*.txt"))
    if limit:
        texts = texts[:limit]
    for path in texts:
        anns = sorted((folder / split / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        docs.append(PolDoc(path.stem, split, text, _read_ann(anns[0], text, cues)))
    return docs


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    return gum_trim(text, s, e, _EDGE)  # PolNeAR's texts also use „


def _cover(spans: list[tuple[int, int]], pieces: list[tuple[int, int]]) -> int:
    """Characters of ``pieces`` covered by the union of ``spans``."""
    chars: set[int] = set()
    for a, b in spans:
        for p, q in pieces:
            chars.update(range(max(a, p), min(b, q)))
    return len(chars)


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def _source_ok(doc: PolDoc, a, source: list[tuple[int, int]]) -> bool:
    text = doc.text
    for s, e in ((a.speaker_start, a.speaker_end), (a.antecedent_start, a.antecedent_end)):
        if s >= 0 and any(_overlap((s, e), g) for g in source):
            return True
    gold = set(_words(" ".join(text[p:q] for p, q in source)))
    if not gold:
        return False
    if gold <= _RELATIVE and a.speaker_start >= 0:
        # "business leaders who said …": the gold source is the relative pronoun, its antecedent precedes it
        start = min(p for p, _ in source)
        between = text[a.speaker_end:start]
        if a.speaker_end <= start and len(between) <= 3 and not between.strip(" ,"):
            return True
    if a.speaker and _words(a.speaker) and _words(a.speaker)[-1] in gold:
        return True
    for s, e in ((a.speaker_start, a.speaker_end), (a.antecedent_start, a.antecedent_end)):
        if s >= 0 and _words(text[s:e]) and set(_words(text[s:e])) == gold:
            return True
    return False


def score_doc(doc: PolDoc, records: list, counts: Counter, details: list | None = None,
              misses: list | None = None) -> None:
    """Add one article's counts to ``counts``; ``misses`` receives ``(type, cue, line)`` per missed speech."""
    text = doc.text
    preds = [a for a in records if a.kind != "source_credit" and a.content_start >= 0]
    pspans = [_trim(text, a.content_start, a.content_end) for a in preds]
    correct: set[int] = set()
    for at in doc.attributions:
        pieces = at["content"]
        size = sum(b - a for a, b in pieces)
        hits = [i for i, p in enumerate(pspans) if any(_overlap(p, g) for g in pieces)]
        found = bool(hits) and _cover([pspans[i] for i in hits], pieces) * 2 >= size
        if found:
            correct.update(hits)
        kind = "speech" if at["speech"] else "belief"
        counts[f"gold_{kind}"] += 1
        counts[f"found_{kind}"] += found
        if not at["speech"]:
            continue
        if at["quoted"]:
            counts["gold_quoted"] += 1
            counts["found_quoted"] += found
        if not found:
            if misses is not None:
                kind = miss_type(text, at, bool(hits), _default_lexicon_words())
                counts[f"miss_{kind}"] += 1
                content = " ".join(text[p:q] for p, q in pieces)
                misses.append((kind, " ".join(at["cue_text"].lower().split()),
                               f"{doc.name}: {kind} src={' '.join(text[p:q] for p, q in at['source'])!r} "
                               f"cue={at['cue_text']!r} content={content[:120]!r}"))
            if details is not None:
                cue = at["cue_text"]
                src = " ".join(text[p:q] for p, q in at["source"])
                content = " ".join(text[p:q] for p, q in pieces)
                details.append(f"{doc.name}: MISSED {'quoted ' if at['quoted'] else ''}src={src!r} cue={cue!r} "
                               f"content={content[:90]!r}")
            continue
        best = max(hits, key=lambda i: sum(_overlap(pspans[i], g) for g in pieces))
        a = preds[best]
        if at["source"]:
            counts["with_source"] += 1
            ok = _source_ok(doc, a, at["source"])
            counts["source_ok"] += ok
            if details is not None and not ok:
                sp = text[a.speaker_start:a.speaker_end] if a.speaker_start >= 0 else "-"
                src = " ".join(text[p:q] for p, q in at["source"])
                details.append(f"{doc.name}: SOURCE pred={sp!r} ({a.speaker!r}) gold={src!r} "
                               f"content={text[pieces[0][0]:pieces[0][1]][:60]!r}")
        counts["cue_total"] += 1
        cue_ok = a.cue_start >= 0 and any(_overlap((a.cue_start, a.cue_end), g) for g in at["cue"])
        counts["cue_ok"] += cue_ok
    counts["pred"] += len(preds)
    counts["pred_correct"] += len(correct)
    if details is not None:
        for i, a in enumerate(preds):
            if i not in correct:
                sp = text[a.speaker_start:a.speaker_end] if a.speaker_start >= 0 else "-"
                cue = text[a.cue_start:a.cue_end] if a.cue_start >= 0 else "-"
                details.append(f"{doc.name}: EXTRA {a.kind} speaker={sp!r} cue={cue!r} "
                               f"content={text[pspans[i][0]:pspans[i][1]][:80]!r}")


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def summarize(c: Counter) -> dict:
    """Precision, recall, F1 and accuracies from raw counts."""
    p = c["pred_correct"] / c["pred"] if c["pred"] else 0.0
    r = c["found_speech"] / c["gold_speech"] if c["gold_speech"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "docs": c["docs"], "words": c["words"],
        "gold_speech": c["gold_speech"], "gold_belief": c["gold_belief"], "pred": c["pred"],
        "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
        "gold_quoted": c["gold_quoted"], "quoted_recall": _ratio(c["found_quoted"], c["gold_quoted"]),
        "source_acc": _ratio(c["source_ok"], c["with_source"]), "cue_acc": _ratio(c["cue_ok"], c["cue_total"]),
        "belief_recall": _ratio(c["found_belief"], c["gold_belief"]),
        "us_per_word": round(c["attr_us"] / c["words"], 1) if c["words"] else None,
    }


#: Columns of the printed table.
COLUMNS = ["docs", "gold_speech", "pred", "precision", "recall", "f1", "quoted_recall", "source_acc", "cue_acc",
           "belief_recall", "us_per_word"]


def polnear_scores(split: str = "dev", *, data: str | Path | None = None, details: list[str] | None = None,
                   limit: int | None = None, misses: list | None = None) -> dict | None:
    """Score the attribution rules on one PolNeAR split: the :func:`summarize` dict; None when the data is absent."""
    folder = Path(data) if data is not None else POLNEAR
    if not (folder / split / "text").is_dir():
        return None
    docs = load_polnear(split, folder, limit)
    nlp = make_nlp()
    gazetteer = gazetteer_of(nlp)
    counts: Counter = Counter()
    t0 = time.perf_counter()
    for d, parsed in zip(docs, nlp.pipe(d.text for d in docs)):
        parsed.user_data["doc_id"] = d.name
        remember_text(parsed, d.text)  # as analysis.nlp.pipeline.parse does
        t1 = time.perf_counter()
        records = find_attributions(parsed, gazetteer=gazetteer, metadata={"genre": "news"}, warnings=[])
        counts["attr_us"] += int((time.perf_counter() - t1) * 1e6)
        counts["docs"] += 1
        counts["words"] += len(d.text.split())
        score_doc(d, records, counts, details, misses)
    result = summarize(counts)
    if misses is not None:
        result["misses"] = {k: counts[f"miss_{k}"] for k in MISS_TYPES}
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table, the targets (on dev) and one final JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=SPLITS, default="dev", help="which split to score (default: dev)")
    ap.add_argument("--details", action="store_true", help="list missed and wrong items")
    ap.add_argument("--misses", action="store_true",
                    help="count missed speech attributions by type, with their most frequent cues; "
                         "--details lists each one with its type")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles (quick runs)")
    ap.add_argument("--data", type=Path, default=POLNEAR, help="the polnear folder")
    args = ap.parse_args(argv)
    details: list[str] | None = [] if args.details else None
    misses: list | None = [] if args.misses else None
    result = polnear_scores(args.split, data=args.data, details=details, limit=args.limit, misses=misses)
    if result is None:
        print(f"skipped: PolNeAR data not found at {args.data} (needs ../shared/eval/polnear)")
        return 0
    print("split  " + " ".join(f"{c:>13}" for c in COLUMNS))
    print(f"{args.split:6} " + " ".join(f"{str(result[c]):>13}" for c in COLUMNS))
    if args.split == "dev":
        for key, target in TARGETS.items():
            value = result[key]
            mark = "met" if value is not None and value >= target else "MISSED"
            print(f"target {key} >= {target}: {value} {mark}")
    if misses is not None:
        total = len(misses) or 1
        print(f"\nmissed speech attributions by type ({len(misses)}):")
        for kind in MISS_TYPES:
            cues = Counter(c for k, c, _ in misses if k == kind)
            n = sum(cues.values())
            top = ", ".join(f"{c or '-'!s} {k}" for c, k in cues.most_common(12))
            print(f"  {kind:16} {n:5} ({100 * n / total:4.1f}%)  {top}")
        if details is not None:
            details.extend(line for _, _, line in sorted(misses))
    if details:
        print("\n".join(details))
    print(json.dumps(result, sort_keys=True))
    return 0
