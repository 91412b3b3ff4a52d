"""Build the codebook gold corpus (development and held-out test documents) from ``../shared``.

The gold set of the codebook round (issue 12) is a sample of real diplomatic texts, annotated by
hand from ``../shared/CODING_GUIDE.md`` alone. The texts are not redistributed: this script
rebuilds them, byte for byte, from the corpora in ``../shared/corpora`` and checks each against
the sha256 recorded in ``benchmarks/codebook_gold/documents.csv``. The annotations (doc id,
category, offsets, words) are committed beside it.

Sample (drawn once, with ``random.Random(20261205)``, before any annotation or rule was written):

* **UN General Debate**, sessions 69-75 only (sessions 76 and 77 are reserved and never opened):
  per country, test documents are drawn from the speeches that no earlier rule author had read
  (the v1 development speeches RUS/USA/GBR 2014-2017 stay out of the test split);
  two speeches per split for Russia, Ukraine and the US (the parties of the conflict), one for
  each other country.
* **UN Security Council** (UNSCon, one document per speech; the corpus is tokenised, so the
  tokens are joined back into running text by :func:`detokenize`): test speeches from
  S/PV.7219 and the 2016 meetings, development speeches from S/PV.7138/7154/7165, which earlier
  rule authors read; only speeches of 250 words or more.
* **US statements** (Biden, American Presidency Project): statements of 250-2,500 words, drawn at
  random.

Each document is written as ``<out>/<doc_id>.txt`` (exactly the text the kit analyses:
``load_corpus`` keeps it whole) with ``<out>/metadata.csv`` (doc_id, split, source, country,
camp, speaker, date, year, genre, title).

Usage::

    .venv/bin/python benchmarks/gold_corpus.py [--out build/gold/texts] [--split test|dev|all]
    .venv/bin/python benchmarks/gold_corpus.py --draw     # re-draw the sample (prints it; for the record)
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "benchmarks" / "codebook_gold"
DOCUMENTS = GOLD / "documents.csv"
SEED = 20261205
SEED_TEST2 = 20261208  # the fresh held-out sample of round 3 (split "test2")
BLIND_READ_2025 = ROOT / "benchmarks" / "codebook_gold" / "blind_read_docs.txt"  # docs of round 2's blind read
RESERVED = ("_76_2021", "_77_2022")  # UN General Debate sessions held out for evaluation: never opened

CAMP = {
    "RUS": "russia", "CHN": "other", "USA": "west", "GBR": "west", "FRA": "west", "DEU": "west", "UKR": "west",
}
UNSC_ISO = {
    "Russian_Federation": "RUS", "United_States_Of_America": "USA", "France": "FRA", "China": "CHN",
    "United_Kingdom_Of_Great_Britain_And_Northern_Ireland": "GBR", "Ukraine": "UKR", "Lithuania": "LTU",
}
UNSC_ISO_OTHER = {  # Security Council members of 2014-2016 outside UNSC_ISO (ISO 3166-1 alpha-3)
    "Argentina": "ARG", "Australia": "AUS", "Belgium": "BEL", "Brazil": "BRA", "Chad": "TCD", "Chile": "CHL",
    "Egypt": "EGY", "Indonesia": "IDN", "Japan": "JPN", "Jordan": "JOR", "Luxembourg": "LUX", "Malaysia": "MYS",
    "NAMIBIA": "NAM", "New_Zealand": "NZL", "Nigeria": "NGA", "Republic_Of_Korea": "KOR", "Rwanda": "RWA",
    "Senegal": "SEN", "Spain": "ESP", "Uruguay": "URY", "Venezuela_(Bolivarian_Republic_Of)": "VEN",
}
CAMP_OTHER = {"AUS": "west", "BEL": "west", "ESP": "west", "JPN": "west", "LUX": "west", "NZL": "west"}
V1_DEV_UNGDC = {f"{c}_{s}" for c in ("RUS", "USA", "GBR") for s in (69, 70, 71, 72)}
V1_DEV_MEETINGS = ("SPV.7138", "SPV.7154", "SPV.7165")


def detokenize(tokens: str) -> str:
    """Join UNSCon's space-separated tokens back into running text.

    >>> detokenize("the Council 's meeting , a surface - to - air missile ( MH-17 ) .")
    "the Council's meeting, a surface-to-air missile (MH-17)."
    """
    text = re.sub(r"\s+", " ", tokens).strip()
    text = re.sub(r" (?=[,.;:!?%)\]])", "", text)
    text = re.sub(r"(?<=[(\[]) ", "", text)
    text = re.sub(r" (?=(?:'s|'re|'ve|'ll|'d|'m|n't|’s)\b)", "", text)
    text = re.sub(r"(?<=\w) - (?=\w)", "-", text)
    # straight double quotes: alternate opening and closing
    out, open_ = [], False
    for part in re.split(r'( ?" ?)', text):
        if part.strip() == '"':
            out.append(' "' if not open_ else '" ')
            open_ = not open_
        else:
            out.append(part)
    text = "".join(out)
    text = re.sub(r' " ', ' "', text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r'" (?=[,.;:])', '"', text)


def _ungdc():
    meta = SHARED / "corpora" / "ungdc" / "metadata.csv"
    rows = []
    with meta.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if any(r in row["file"] for r in RESERVED):
                continue
            rows.append(row)
    return rows


def _unsc():
    import pandas as pd

    table = pd.read_csv(SHARED / "corpora" / "unscon" / "conflict_annotations_sentences.csv")
    speeches = []
    for filename, group in table.groupby("filename", sort=True):
        first = group["file_id"].iloc[0]
        name = re.match(r"UNSC_\d{4}_SPV\.\d+_spch\d+_(.+?)(?:_neg|_pos)?(?:_|%20)\d\d(?:_GD)?\.txt$", first).group(1)
        country = re.sub(r"(?<=[a-z])A\d*$|\d+$", "", name)
        chunks = []
        for _file_id, chunk in group.groupby("file_id", sort=True):
            starts = chunk["sentence_char_offsets"].str.split("-").str[0].astype(int)
            chunks.append(" ".join(chunk.assign(_s=starts).sort_values("_s")["sentence_text"]))
        text = detokenize(" ".join(chunks))
        speeches.append({"filename": filename, "country": country, "text": text + "\n"})
    return speeches


def _biden():
    import pandas as pd

    table = pd.read_csv(SHARED / "corpora" / "us-ukraine-statements" / "us_ukraine_biden.csv")
    table["row"] = range(1, len(table) + 1)
    return table


def _blinken():
    import pandas as pd

    table = pd.read_csv(SHARED / "corpora" / "us-ukraine-statements" / "us_ukraine_blinken.csv")
    table["row"] = range(1, len(table) + 1)
    return table


def draw_test2(used: set[str]) -> list[dict]:
    """Draw the fresh held-out sample of round 3 (split ``test2``), from documents nobody coded or judged.

    ``used`` are the doc ids already in the gold (dev, test) or in round 2's blind read of rule hits.
    The pool holds only two Russian documents (UNGDC session 71 and S/PV.7643), so both are taken;
    the rest is a seeded random draw per source: 4 more UN General Debate speeches (at most 4,000
    words), 9 more Security Council speeches (>= 250 words), 5 Biden and 2 Blinken statements
    (250-2,500 words).
    """
    rng = random.Random(SEED_TEST2)
    chosen = []
    ungdc = []
    for r in _ungdc():
        doc_id = f"ungdc_{r['iso3']}_{r['session']}_{r['year']}"
        if doc_id not in used and int(r["words"]) <= 4000:
            ungdc.append((doc_id, r))
    ungdc.sort(key=lambda x: x[0])
    forced = [x for x in ungdc if x[1]["iso3"] == "RUS"]
    picked = forced + rng.sample([x for x in ungdc if x not in forced], 5 - len(forced))
    for doc_id, r in picked:
        iso = r["iso3"]
        chosen.append({
            "doc_id": doc_id, "split": "test2", "source": "ungdc", "key": r["file"], "country": iso,
            "camp": CAMP[iso], "speaker": r["speaker"].strip(), "date": r["year"], "year": r["year"],
            "genre": "speech", "title": f"UN General Debate, session {r['session']} ({r['year']}): {r['country']}",
        })
    speeches = []
    for s in _unsc():
        meeting, speech = s["filename"].split("_")[2:4]
        prefix = f"unsc_{meeting.replace('SPV.', '')}_{speech}_"
        if len(s["text"].split()) >= 250 and not any(u.startswith(prefix) for u in used):
            speeches.append(s)
    speeches.sort(key=lambda s: s["filename"])
    forced = [s for s in speeches if s["country"] == "Russian_Federation"]
    picked = forced + rng.sample([s for s in speeches if s not in forced], 10 - len(forced))
    for s in sorted(picked, key=lambda s: s["filename"]):
        iso = UNSC_ISO.get(s["country"]) or UNSC_ISO_OTHER[s["country"]]
        meeting, speech = s["filename"].split("_")[2:4]
        year = s["filename"].split("_")[1]
        chosen.append({
            "doc_id": f"unsc_{meeting.replace('SPV.', '')}_{speech}_{iso}", "split": "test2", "source": "unsc",
            "key": s["filename"], "country": iso, "camp": CAMP.get(iso) or CAMP_OTHER.get(iso, "other"),
            "speaker": "", "date": year, "year": year, "genre": "speech",
            "title": f"UN Security Council {meeting.replace('SPV.', 'S/PV.')} ({year}): "
                     f"{s['country'].replace('_', ' ')}",
        })
    import pandas as pd

    for name, table, k in (("biden", _biden(), 5), ("blinken", _blinken(), 2)):
        words = table["text"].str.split().str.len()
        pool = [n for n in sorted(table[(words >= 250) & (words <= 2500)]["row"].tolist())
                if f"{name}_{n:03d}" not in used]
        for n in sorted(rng.sample(pool, k)):
            r = table[table["row"] == n].iloc[0]
            date = "" if pd.isna(r["date"]) else str(r["date"])
            chosen.append({
                "doc_id": f"{name}_{n:03d}", "split": "test2", "source": "us-statements",
                "key": f"us_ukraine_{name}.csv#{n}", "country": "USA", "camp": "west", "speaker": r["speaker"],
                "date": date, "year": date[-4:], "genre": "statement", "title": r["title"],
            })
    return chosen


def draw() -> list[dict]:
    """Draw the sample and the split (deterministic: seeded RNG over sorted candidates)."""
    rng = random.Random(SEED)
    chosen = []
    # UN General Debate
    by_country: dict[str, list[dict]] = {}
    for row in _ungdc():
        by_country.setdefault(row["iso3"], []).append(row)
    for iso in sorted(by_country):
        rows = sorted(by_country[iso], key=lambda r: int(r["session"]))
        k = 2 if iso in ("RUS", "UKR", "USA") else 1
        test_pool = [r for r in rows if f"{iso}_{r['session']}" not in V1_DEV_UNGDC]
        test = rng.sample(test_pool, k)
        dev = rng.sample([r for r in rows if r not in test], k)
        for split, picked in (("test", test), ("dev", dev)):
            for r in picked:
                chosen.append({
                    "doc_id": f"ungdc_{iso}_{r['session']}_{r['year']}", "split": split, "source": "ungdc",
                    "key": r["file"], "country": iso, "camp": CAMP[iso], "speaker": r["speaker"].strip(),
                    "date": r["year"], "year": r["year"], "genre": "speech",
                    "title": f"UN General Debate, session {r['session']} ({r['year']}): {r['country']}",
                })
    # UN Security Council
    speeches = [s for s in _unsc() if len(s["text"].split()) >= 250 and s["country"] in UNSC_ISO]
    dev_pool = [s for s in speeches if any(m in s["filename"] for m in V1_DEV_MEETINGS)]
    test_pool = [s for s in speeches if s not in dev_pool]
    for split, pool in (("test", test_pool), ("dev", dev_pool)):
        for s in sorted(rng.sample(pool, 9), key=lambda s: s["filename"]):
            iso = UNSC_ISO[s["country"]]
            meeting, speech = s["filename"].split("_")[2:4]
            year = s["filename"].split("_")[1]
            chosen.append({
                "doc_id": f"unsc_{meeting.replace('SPV.', '')}_{speech}_{iso}", "split": split, "source": "unsc",
                "key": s["filename"], "country": iso, "camp": CAMP.get(iso, "west"), "speaker": "",
                "date": year, "year": year, "genre": "speech",
                "title": f"UN Security Council {meeting.replace('SPV.', 'S/PV.')} ({year}): "
                         f"{s['country'].replace('_', ' ')}",
            })
    # US statements
    biden = _biden()
    words = biden["text"].str.split().str.len()
    pool = sorted(biden[(words >= 250) & (words <= 2500)]["row"].tolist())
    picked = rng.sample(pool, 20)
    for i, row in enumerate(picked):
        r = biden[biden["row"] == row].iloc[0]
        year = str(r["date"])[-4:]
        chosen.append({
            "doc_id": f"biden_{row:03d}", "split": "test" if i < 10 else "dev", "source": "us-statements",
            "key": f"us_ukraine_biden.csv#{row}", "country": "USA", "camp": "west", "speaker": r["speaker"],
            "date": str(r["date"]), "year": year, "genre": "statement", "title": r["title"],
        })
    return chosen


def texts(rows: list[dict]) -> dict[str, str]:
    """The text of each sampled document, rebuilt from ../shared."""
    out = {}
    unsc = None
    tables: dict[str, object] = {}
    for row in rows:
        if row["source"] == "ungdc":
            if any(r in row["key"] for r in RESERVED):  # never: reserved sessions
                raise SystemExit(f"refusing to open a reserved UN General Debate file: {row['key']}")
            raw = (SHARED / "corpora" / "ungdc" / row["key"]).read_text(encoding="utf-8")
            out[row["doc_id"]] = raw
        elif row["source"] == "unsc":
            unsc = unsc or {s["filename"]: s["text"] for s in _unsc()}
            out[row["doc_id"]] = unsc[row["key"]]
        else:
            name, n = row["key"].split("#")
            if name not in tables:
                tables[name] = _blinken() if "blinken" in name else _biden()
            table = tables[name]
            text = table[table["row"] == int(n)].iloc[0]["text"]
            out[row["doc_id"]] = text.replace("\r\n", "\n").strip() + "\n"
    return out


def read_documents(split: str = "all") -> list[dict]:
    """Rows of ``documents.csv`` (the committed sample), optionally one split."""
    with DOCUMENTS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if split == "all" or r["split"] == split]


def build(out: Path, split: str = "all") -> list[dict]:
    """Write the texts of ``split`` into ``out`` (checked against the recorded sha256)."""
    if not SHARED.is_dir():
        raise SystemExit(f"../shared is not here ({SHARED}): the gold texts cannot be rebuilt")
    rows = read_documents(split)
    out.mkdir(parents=True, exist_ok=True)
    for doc_id, text in texts(rows).items():
        row = next(r for r in rows if r["doc_id"] == doc_id)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != row["sha256"]:
            raise SystemExit(f"{doc_id}: rebuilt text differs from the recorded one (sha256 {digest[:12]}…)")
        (out / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    fields = ["doc_id", "split", "source", "country", "camp", "speaker", "date", "year", "genre", "title"]
    with (out / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "gold" / "texts")
    parser.add_argument("--split", choices=("test", "dev", "test2", "all"), default="all")
    parser.add_argument("--draw", action="store_true", help="draw the sample and write documents.csv (once)")
    parser.add_argument("--draw-test2", action="store_true",
                        help="draw round 3's fresh held-out sample and append it to documents.csv (once)")
    args = parser.parse_args(argv)
    if args.draw_test2:
        rows = read_documents("all")
        if any(r["split"] == "test2" for r in rows):
            print(f"{DOCUMENTS} already holds the test2 sample: it is drawn once", file=sys.stderr)
            return 2
        used = {r["doc_id"] for r in rows} | set(BLIND_READ_2025.read_text(encoding="utf-8").split())
        new = draw_test2(used)
        body = texts(new)
        fields = list(rows[0])
        with DOCUMENTS.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            for row in sorted(new, key=lambda r: r["doc_id"]):
                text = body[row["doc_id"]]
                writer.writerow({**row, "words": len(text.split()),
                                 "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        print(f"appended {len(new)} test2 documents, {sum(len(t.split()) for t in body.values()):,} words")
        return 0
    if args.draw:
        if DOCUMENTS.exists():
            print(f"{DOCUMENTS} exists: the sample is drawn once", file=sys.stderr)
            return 2
        rows = draw()
        body = texts(rows)
        GOLD.mkdir(parents=True, exist_ok=True)
        fields = ["doc_id", "split", "source", "key", "country", "camp", "speaker", "date", "year", "genre",
                  "title", "words", "sha256"]
        with DOCUMENTS.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for row in sorted(rows, key=lambda r: (r["split"] != "dev", r["doc_id"])):
                text = body[row["doc_id"]]
                writer.writerow({**row, "words": len(text.split()),
                                 "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
        print(f"wrote {DOCUMENTS}")
        return 0
    rows = build(args.out, args.split)
    print(f"{len(rows)} documents, {sum(int(r['words']) for r in rows):,} words -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
