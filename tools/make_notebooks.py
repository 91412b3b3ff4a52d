"""Write notebooks/01_corpus.ipynb ... 05_validation.ipynb (without outputs).

The notebooks are generated from the cell texts below so that they stay thin,
consistent (same parameters cell, same set-up) and reviewable as plain Python.
Edit this file, then run::

    .venv/bin/python tools/make_notebooks.py          # rewrite the notebooks
    .venv/bin/python tools/make_notebooks.py --check  # exit 1 if they differ from this file

``tests/test_notebooks.py`` runs the check and executes every notebook.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "notebooks"

PARAMETERS = '''\
# Parameters: change these to analyse your own texts (or leave them for the bundled corpus).
CORPUS = None      # None = bundled corpus (+ corpus/fetched/ when it holds documents);
                   # "path/to/folder_or_file" = analyse that instead;
                   # [None, "path/to/folder"] = the bundled corpus extended by your texts.
                   # Relative paths are relative to the project folder.
CODEBOOK = None    # None = bundled codebook; or a codebook YAML, quanteda YAML dictionary or LIWC .dic file
MODEL = "rules"    # "rules" (default, nothing to download) or an installed spaCy model, e.g. "en_core_web_sm"
'''

SETUP = '''\
import pandas as pd

import analysis
from analysis.io import write_csv
from analysis.app.notebooks import fetched_status, load_notebook_corpus, notebook_paths

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
P = notebook_paths()                     # project, corpus, results/ and figures/ folders
corpus = load_notebook_corpus(CORPUS, P)
print(f"discourse-kit {analysis.__version__}: {len(corpus)} documents from {CORPUS or P.corpus}")
print(fetched_status(P) if CORPUS is None else "CORPUS is set: the bundled and fetched texts are not added.")
'''

ANALYSE = '''\
from analysis import make_nlp, parse
from analysis.nlp.gazetteer import load_gazetteer
from analysis.extract.codebook import load_codebook
from analysis.app.run import analyze_corpus, build_tables
from analysis.tables.stats import VoiceTerms

codebook = load_codebook(CODEBOOK)
gazetteer = load_gazetteer()
nlp = make_nlp(MODEL, actors=gazetteer)
terms = VoiceTerms()
results = list(analyze_corpus(corpus, nlp, codebook=codebook, gazetteer=gazetteer, terms=terms))
tables = build_tables(results, corpus, codebook=codebook, terms=terms)   # the same tables as `discourse-kit run`
docs = {doc.user_data["doc_id"]: doc for doc in parse(corpus, nlp)}      # parsed Docs (from the cache)
SEED = "000_b57aecae04ae68f3" if "000_b57aecae04ae68f3" in docs else corpus.ids[0]
CONTROL = "001_control_agency_report" if "001_control_agency_report" in docs else None
info = {"version": analysis.__version__,
        "corpus": {"path": str(CORPUS or "corpus"), "n_documents": len(corpus), "sha256": corpus.hash()},
        "codebook": {"id": codebook.id, "version": codebook.version, "path": str(codebook.path)}}
print(f"codebook {codebook.id} v{codebook.version}: {len(codebook.categories)} categories; "
      f"{len(tables['evidence'])} hits in {len(docs)} documents")
'''


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags: tuple[str, ...] = ()):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


NOTEBOOKS: dict[str, list] = {}

NOTEBOOKS["01_corpus"] = [
    md("""
# 1. The corpus: texts, cleaning, metadata

What the kit analyses: the seed article (Ru-Main, 27 December 2021, crediting Interfax, quoting
Russian Foreign Minister Sergei Lavrov), a **constructed control text** reporting the same facts
without rhetoric, and — when they have been downloaded — real public statements on the same
episode listed in `corpus/manifest.csv`. Every later number refers back to these texts by
`doc_id` and character offsets.
"""),
    code(PARAMETERS, ("parameters",)),
    code(SETUP),
    md("""
## Documents and their metadata

One row per document. `constructed` is `True` for the control text, which the project wrote
(see `corpus/README.md`); it is not a real publication.
"""),
    code('''\
frame = corpus.to_frame()
frame[[c for c in ["doc_id", "title", "date", "speaker", "outlet", "genre", "constructed", "n_chars"] if c in frame]]
'''),
    md("""
## Cleaning

Raw files are never edited. The loader cuts a trailing block of web boilerplate ("Related Posts",
"Leave a Reply"...) and moves the dateline and the agency credit into metadata, so that the
analysed text is a prefix of the raw file and every offset is also an offset into the file.
"""),
    code('''\
removed = pd.DataFrame(
    [{"doc_id": d.doc_id, "start": s, "end": e, "kind": kind, "line": text} for d in corpus for s, e, kind, text in d.removed],
    columns=["doc_id", "start", "end", "kind", "line"],
)
removed
'''),
    code('''\
for d in corpus:
    if d.metadata.get("source_credit"):
        print(f"{d.doc_id}: credit {d.metadata['source_credit']!r} -> source_agency={d.metadata.get('source_agency')!r}")
'''),
    md("""
## The control text

Written by the maintainers from the seed's facts only, in neutral indirect speech: nobody is
quoted and no evaluative wording is used. Its hand annotation has no rows.
"""),
    code('''\
control = next((d for d in corpus if d.metadata.get("constructed") is True), None)
if control is None:
    print("No constructed control text in this corpus.")
else:
    print(control.metadata.get("provenance", ""), "\\n")
    print(control.text)
'''),
    md("""
## Real documents: the manifest and `corpus/fetched/`

`corpus/manifest.csv` lists official statements, briefings and press conferences (December 2021 –
February 2022) with their licence notes. `discourse-kit corpus fetch corpus/manifest.csv` downloads
them into `corpus/fetched/` (needs internet; never overwrites without `--force`).
"""),
    code('''\
from analysis.corpus.fetch import read_manifest

manifest = pd.DataFrame(read_manifest(P.manifest))
manifest["fetched"] = [(P.fetched / f"{i}.md").exists() for i in manifest["doc_id"]]
print(fetched_status(P))
manifest[["doc_id", "date", "speaker", "institution", "genre", "url_note", "fetched"]]
'''),
    md("""
## Sentences and tokens

The default pipeline is rule-based (blank English + quote-aware sentence splitter + lookup
lemmatizer + actor gazetteer): nothing is downloaded. Word tokens (not spaces, not punctuation)
are the denominator of every rate.
"""),
    code('''\
from analysis import make_nlp, parse
from analysis.extract.analyze import count_tokens

nlp = make_nlp(MODEL)
rows = []
first = None
for doc in parse(corpus, nlp):
    sents = list(doc.sents)
    rows.append({"doc_id": doc.user_data["doc_id"], "n_tokens": count_tokens(doc), "n_sentences": len(sents)})
    first = first or [s.text for s in sents[:4]]
sizes = pd.DataFrame(rows)
documents = frame.drop(columns=["source"]).merge(sizes, on="doc_id")
for i, s in enumerate(first):
    print(i, repr(s[:120]))
sizes
'''),
    code('''\
write_csv(documents, P.results / "nb01_documents.csv")
print("wrote", P.results / "nb01_documents.csv")
'''),
]

NOTEBOOKS["02_rhetorical_features"] = [
    md("""
# 2. Rhetorical features: codebook, evidence, rates

The codebook (`analysis/codebooks/diplomatic_rhetoric.yaml`) defines twelve categories with
rules a reader can check. Every hit is an **evidence row** with its exact words and offsets;
every count and rate below is computed from those rows.
"""),
    code(PARAMETERS, ("parameters",)),
    code(SETUP),
    code(ANALYSE),
    md("## The codebook"),
    code('''\
pd.DataFrame(
    [{"id": c.id, "label": c.label, "rules": len(c.rules), "examples": len(c.examples),
      "counter_examples": len(c.counter_examples), "definition": c.definition} for c in codebook.categories]
)
'''),
    md("""
## Evidence: one row per hit

`voice` says whose words the hit is in (the quoted speaker, or `narrator`); `target` the actor the
feature is aimed at, where one applies, and `target_source` whether it was named (`actor`), referred
to by a resolved title (`title`) or by a demonym such as "Russian" (`demonym`); `rule_id` which rule fired.
"""),
    code('''\
evidence = tables["evidence"]
evidence[["doc_id", "category", "rule_id", "sentence_id", "start_char", "end_char", "text", "voice", "target",
          "target_source"]]
'''),
    code('''\
# every hit's text is the document's text at its offsets
assert all(docs[r.doc_id].text[r.start_char:r.end_char] == r.text for r in evidence.itertuples())
'''),
    md("## The seed, highlighted (categories as labels)"),
    code('''\
from analysis.plots.display import show_evidence

show_evidence(docs[SEED], evidence[evidence["doc_id"] == SEED])
'''),
    md("""
## Feature table

Counts, rates per 1,000 word tokens and exact Poisson 95% intervals, per document (`voice` =
`all`) and per voice; zero counts are kept.
"""),
    code('''\
features = tables["features"]
whole = features[features["voice"] == "all"]
whole.pivot(index="category", columns="doc_id", values="count").loc[list(dict.fromkeys(whole["category"]))]
'''),
    code('''\
whole[whole["count"] > 0][["doc_id", "category", "count", "n_tokens", "rate_per_1000", "ci_low", "ci_high"]]
'''),
    md("## Categories that share a sentence"),
    code('''\
tables["cooccurrence"]
'''),
    md("## Keyword in context"),
    code('''\
from analysis.tables.features import kwic

kwic(list(docs.values()), "deception_accusation")
'''),
    code('''\
kwic(list(docs.values()), "negotiations")
'''),
    code('''\
for name in ("evidence", "features", "cooccurrence"):
    write_csv(tables[name], P.results / f"nb02_{name}.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb02_*.csv")))
'''),
]

NOTEBOOKS["03_attribution_and_voice"] = [
    md("""
# 3. Attribution and voice: who says what, through whom

Diplomatic news is layered speech: the reporter quotes the minister, who invokes his president
and claims that another actor speaks "through" a third one's mouth. The attribution rules recover
these layers; the *voice* of every word (quoted speaker or `narrator`) then splits every table.
"""),
    code(PARAMETERS, ("parameters",)),
    code(SETUP),
    code(ANALYSE),
    md("## Attributions: one row per piece of reported speech"),
    code('''\
att = tables["attributions"]
att[["doc_id", "kind", "speaker", "speaker_text", "cue", "content", "principal"]].assign(
    content=lambda f: f["content"].str.slice(0, 70))
'''),
    code('''\
att.assign(speaker=att["speaker"].replace("", "(none)")).pivot_table(
    index="speaker", columns="kind", values="doc_id", aggfunc="count", fill_value=0)
'''),
    md("""
## Who speaks and how

Bubbles count attributions by speaker and kind; arrows run from a mouthpiece to the principal it
is said to speak for (`proxy`), dashed from a speaker to the authority invoked (`authority`).
A bubble takes its speaker's colour: a shade of the camp's hue (Russia vermillion, the West blue,
others bluish green), grey when the speaker is unresolved or not in the gazetteer — the same
colour the speaker's voice has in every other figure.
"""),
    code('''\
from analysis.plots.figures import plot_attributions, save_figure

fig = plot_attributions(att, info=info)
save_figure(fig, P.figures, "nb03_attributions")
fig
'''),
    md("""
## Voices as documents

`voices()` cuts each document into one sub-document per voice; each keeps the parent's
offsets in `segments`, so every word can be traced back.
"""),
    code('''\
from analysis.extract.voices import voices

subdocs = voices([docs[d] for d in docs], gazetteer=gazetteer)
voice_table = pd.DataFrame(
    [{"doc_id": v.doc_id, "parent": v.metadata["parent_doc_id"], "voice": v.metadata["voice"],
      "n_chars": len(v.text), "segments": v.metadata["segments"], "starts": v.text[:70]} for v in subdocs])
voice_table
'''),
    md("## Feature counts by voice"),
    code('''\
features = tables["features"]
by_voice = features[features["voice"] != "all"]
by_voice.pivot_table(index="category", columns=["doc_id", "voice"], values="count", aggfunc="sum", fill_value=0,
                     sort=False)
'''),
    md("## Actors: speakers, mentions and targets"),
    code('''\
tables["actors"]
'''),
    code('''\
write_csv(att, P.results / "nb03_attributions.csv")
write_csv(tables["actors"], P.results / "nb03_actors.csv")
write_csv(voice_table, P.results / "nb03_voices.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb03_*")))
'''),
]

NOTEBOOKS["04_comparison"] = [
    md("""
# 4. Comparison: rates, rate ratios, keyness, sentiment

The seed against the control (same facts, no rhetoric), the minister's quoted words against the
reporter's narration, and — when fetched — Russian against Western official statements.
"""),
    code(PARAMETERS, ("parameters",)),
    code(SETUP),
    code(ANALYSE),
    md("""
## Rates per 1,000 tokens, with 95% intervals

Colours mean the same thing in every figure (`analysis.plots.palette`): the narrator is black, a quoted
speaker a shade of their camp's hue (Russia vermillion, the West blue, others bluish green),
unresolved speakers grey; each codebook category has its own colour (the square beside its name),
in codebook order. Documents have no colour: their bars are white, told apart by hatching, and a
voice's bars carry the hatching of their document.
"""),
    code('''\
from analysis.plots.figures import plot_category_rates, plot_dispersion, plot_heatmap, plot_keyness, plot_sentiment_arc, save_figure

features = tables["features"]
fig = plot_category_rates(features, info=info)
save_figure(fig, P.figures, "nb04_category_rates")
fig
'''),
    code('''\
fig = plot_heatmap(features, info=info)
save_figure(fig, P.figures, "nb04_category_heatmap")
fig
'''),
    md("## Where the hits fall (multi-word hits keep their width)"),
    code('''\
fig = plot_dispersion(tables["evidence"], tables["documents"], info=info)
save_figure(fig, P.figures, "nb04_dispersion")
fig
'''),
    md("""
## Rate ratios

Per category, rate in *a* over rate in *b*, with a 95% Wald interval on the log scale (0.5 added
to both counts when one is zero, flagged in `corrected`) and an exact conditional p-value. With
texts this short most intervals are wide: read them, not just the ratios.
"""),
    code('''\
from analysis.tables.stats import compare_features

pairs = []
if CONTROL:
    pairs.append(compare_features(features, SEED, CONTROL))
quoted = sorted(set(features["voice"]) - {"all", "narrator"})
if "Sergei Lavrov" in quoted:
    pairs.append(compare_features(features, "Sergei Lavrov", "narrator"))
if quoted:  # every quoted speaker pooled against every narrator
    pairs.append(compare_features(features, quoted, "narrator"))
ratios = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame()
ratios
'''),
    md("""
## Keyness

Log-likelihood G² with p-values and Log Ratio effect sizes; here quoted speech against narration,
pooled over the corpus (the `keyness.csv` of `discourse-kit run`), then the seed against the
control. Small texts give few terms above the minimum frequency.
"""),
    code('''\
from analysis.tables.stats import keyness

key_voice = tables["keyness"]
fig = plot_keyness(key_voice, info=info)
save_figure(fig, P.figures, "nb04_keyness_voice")
display(key_voice.head(15))
fig
'''),
    code('''\
if CONTROL:
    key_docs = keyness(docs[SEED], docs[CONTROL], min_freq=3, labels=(SEED, CONTROL))
    fig = plot_keyness(key_docs, info=info)
    save_figure(fig, P.figures, "nb04_keyness_seed_control")
    display(key_docs.head(15))
    fig
'''),
    md("""
## Russian vs Western official statements (fetched documents)

Documents are grouped by the institution that published them (`institution` in the manifest:
the Russian MFA and the Kremlin vs NATO and the US State Department), not by who speaks inside them —
a joint press appearance published by the State Department counts as Western. Runs only when
documents have been fetched.
"""),
    code('''\
def side(meta):
    inst = str(meta.get("institution", ""))
    if any(k in inst for k in ("Russian Federation", "Kremlin")):
        return "russia"
    if any(k in inst for k in ("NATO", "U.S.")):
        return "west"
    return ""

sides = {d.doc_id: side(d.metadata) for d in corpus}
groups = {s: [i for i, v in sides.items() if v == s] for s in ("russia", "west")}
if groups["russia"] and groups["west"]:
    key_sides = keyness([docs[i] for i in groups["russia"]], [docs[i] for i in groups["west"]],
                        labels=("Russian statements", "Western statements"))
    display(compare_features(features, groups["russia"], groups["west"]))
    fig = plot_keyness(key_sides, info=info, sides=("russia", "west"))  # bars in the camps' colours
    save_figure(fig, P.figures, "nb04_keyness_russia_west")
    display(fig)
else:
    print("No fetched Russian and Western statements in this corpus, so this comparison is skipped. "
          + fetched_status(P))
'''),
    md("""
## Sentiment

TextBlob's lexicon polarity (−1..1) and subjectivity (0..1) per spaCy sentence, by voice and by
the camp of the actors a sentence mentions. A lexicon built for product reviews reads "main",
"clear" or "key" as positive: treat these numbers as a rough signal, always next to the text.
"""),
    code('''\
sentiment = tables["sentiment"]
fig = plot_sentiment_arc(sentiment, info=info)
save_figure(fig, P.figures, "nb04_sentiment_arc")
fig
'''),
    code('''\
tables["sentiment_summary"]
'''),
    code('''\
write_csv(ratios, P.results / "nb04_rate_ratios.csv")
write_csv(key_voice, P.results / "nb04_keyness_voice.csv")
if CONTROL:
    write_csv(key_docs, P.results / "nb04_keyness_seed_control.csv")
write_csv(tables["sentiment_summary"], P.results / "nb04_sentiment_summary.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb04_*")), "and", sorted(p.name for p in P.figures.glob("nb04_*.png")))
'''),
]

NOTEBOOKS["05_validation"] = [
    md("""
# 5. Validation: does the kit find what a careful reader finds?

Three checks: the codebook's own examples and counter-examples; agreement between the rules and
the hand annotations in `corpus/annotations/` (made from the category definitions before the
rules existed); and the attribution benchmark on GUM Wikinews gold data when `../shared` is present.
"""),
    code(PARAMETERS, ("parameters",)),
    code(SETUP),
    code(ANALYSE),
    md("""
## Codebook self-test

Every example must be coded with its category; every counter-example must not.
"""),
    code('''\
from analysis.extract.codebook import validate_codebook

check = validate_codebook(codebook, nlp)
print(f"{int(check['passed'].sum())}/{len(check)} checks passed")
check.groupby(["category", "kind"], sort=False)["passed"].agg(["sum", "count"]).rename(
    columns={"sum": "passed", "count": "checks"})
'''),
    code('''\
check[~check["passed"]]
'''),
    md("""
## Rules against the hand annotation

Per category: precision, recall and F1 with span-overlap matching, and sentence-level Cohen's
kappa. Gold = every `corpus/annotations/<doc_id>.csv` whose document is in the corpus.
"""),
    code('''\
from analysis.tables.agreement import agreement, read_annotations

gold_files = [f for f in sorted(P.annotations.glob("*.csv")) if f.stem in docs]
print("hand-annotated documents:", [f.stem for f in gold_files] or "none")
if gold_files:
    gold = pd.concat([read_annotations(f) for f in gold_files], ignore_index=True)
    predicted = tables["evidence"][tables["evidence"]["doc_id"].isin([f.stem for f in gold_files])]
    annotated = [f.stem for f in gold_files]  # a header-only file means "nothing to code here"
    scores = agreement(gold, predicted, sentences=[docs[d] for d in annotated], documents=annotated)
    display(scores)
else:
    scores = pd.DataFrame()
'''),
    md("""
## What the rules found in the control text

The control was written without rhetoric and its hand annotation is empty, so every hit here is
a false positive, already counted in the table above (`documents=` tells `agreement` which
texts were annotated, including those where the coder found nothing). Read them here.
"""),
    code('''\
if CONTROL:
    ev = tables["evidence"]
    fp = ev[ev["doc_id"] == CONTROL][["category", "rule_id", "text", "start_char", "end_char"]]
    print(f"{len(fp)} hit(s) in the control text")
    display(fp)
'''),
    md("""
## Attribution benchmark (GUM Wikinews, test documents)

Runs `benchmarks/attribution_gum.py` on the held-out **test** split of the GUM Wikinews gold
data. Skipped with a message when the benchmark or `../shared` is absent.
"""),
    code('''\
import importlib.util

bench_file = P.project / "benchmarks" / "attribution_gum.py"
if not bench_file.exists():
    print(f"Skipped: {bench_file} is not there.")
else:
    spec = importlib.util.spec_from_file_location("attribution_gum", bench_file)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--split", "test"])   # prints a skip message when ../shared/eval/gum-wikinews is absent
'''),
    code('''\
write_csv(check, P.results / "nb05_codebook_check.csv")
if len(scores):
    write_csv(scores, P.results / "nb05_agreement.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb05_*")))
'''),
]


def build(name: str):
    """The notebook object for ``name`` (deterministic cell ids, no outputs)."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(NOTEBOOKS[name], 1):
        cell["id"] = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


def render(name: str) -> str:
    """The notebook as the JSON text written to disk."""
    return nbformat.writes(build(name)) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the notebooks, or with ``--check`` report those that differ."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if a notebook differs")
    args = ap.parse_args(argv)
    stale = []
    for name in NOTEBOOKS:
        path = FOLDER / f"{name}.ipynb"
        text = render(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run tools/make_notebooks.py):", ", ".join(stale))
        return 1
    print(("checked " if args.check else "wrote ") + ", ".join(f"{n}.ipynb" for n in NOTEBOOKS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
