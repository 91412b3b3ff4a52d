# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. Validation: does the kit find what a careful reader finds?
#
# **The question.** Can the counts of notebooks 02–04 be trusted? A rule-based coder is only as
# good as its agreement with a careful human reader on texts it was not written for.
#
# **What the kit does.** Three checks: the codebook's own examples and counter-examples (every
# example must be coded, no counter-example may be); agreement between the rules and the hand
# annotations in `corpus/annotations/` (made from the category definitions before the rules
# existed) — precision (how many hits are right), recall (how many of the coder's spans were
# found), F1 and sentence-level kappa; and the attribution benchmark on GUM Wikinews gold data,
# when that data is present.
#
# **How to read it, and the limits.** On the bundled seed the rules agree with the hand annotation
# almost perfectly — but the rules were written knowing this text, so that shows that every
# category fires where a reader codes it, not that the rules generalise. On unseen UN and US texts
# (README, "Validation") precision stays high and recall is about six in ten: a count from this
# kit is a lower bound of what a reader would code. One coder wrote rules and gold; inter-coder
# reliability is reported separately where a second coder's annotations exist.

# %% tags=["parameters"]
# Parameters: change these to analyse your own texts (or leave them for the bundled corpus).
CORPUS = None      # None = bundled corpus (+ corpus/fetched/ when it holds documents);
                   # "path/to/folder_or_file" = analyse that instead;
                   # [None, "path/to/folder"] = the bundled corpus extended by your texts.
                   # Relative paths are relative to the project folder.
CODEBOOK = None    # None = bundled codebook; or a codebook YAML, quanteda YAML dictionary or LIWC .dic file
MODEL = "rules"    # "rules" (default, nothing to download) or an installed spaCy model, e.g. "en_core_web_sm"

# %%
import pandas as pd
from IPython.display import display

import analysis
from analysis.app.notebooks import fetched_status, load_notebook_corpus, notebook_paths, output_paths
from analysis.io import write_csv

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
P = notebook_paths()                     # project, corpus, results/ and figures/ folders
corpus = load_notebook_corpus(CORPUS, P)
P = output_paths(P, CORPUS, "nb05")      # your corpus: results/<its name>/, earlier nb05_* files there removed
print(f"discourse-kit {analysis.__version__}: {len(corpus)} documents from {CORPUS or P.corpus}")
print(fetched_status(P) if CORPUS is None else "CORPUS is set: the bundled and fetched texts are not added.")

# %%
from analysis.app.notebooks import analyse_notebook_corpus

A = analyse_notebook_corpus(corpus, codebook=CODEBOOK, model=MODEL, label=CORPUS)  # the tables of `discourse-kit run`
codebook, gazetteer, nlp, tables, docs, info = A.codebook, A.gazetteer, A.nlp, A.tables, A.docs, A.info
SEED, CONTROL = A.seed, A.control  # the bundled seed and control text, when they are in the corpus
print(A.summary)

# %% [markdown]
# ## Codebook self-test
#
# Every example must be coded with its category; every counter-example must not. Each word class's
# own examples must hold a member of the class, its counter-examples none, and some rule must use it
# (the class rows are summed into one line per kind here).

# %%
from analysis.app.checks import validate_codebook

check = validate_codebook(codebook, nlp)
print(f"{int(check['passed'].sum())}/{len(check)} checks passed")
is_class = check["category"].str.startswith("class:")
check.assign(category=check["category"].where(~is_class, "(word classes)")).groupby(
    ["category", "kind"], sort=False)["passed"].agg(["sum", "count"]).rename(
    columns={"sum": "passed", "count": "checks"})

# %%
check[~check["passed"]]

# %% [markdown]
# ## Rules against the hand annotation
#
# Per category: precision, recall and F1 with span-overlap matching, and sentence-level Cohen's
# kappa. Gold = every `corpus/annotations/<doc_id>.csv` whose document is in the corpus.

# %%
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

# %% [markdown]
# ## What the rules found in the control text
#
# The control was written without rhetoric and its hand annotation is empty, so every hit here is
# a false positive, already counted in the table above (`documents=` tells `agreement` which
# texts were annotated, including those where the coder found nothing). Read them here.

# %%
if CONTROL:
    ev = tables["evidence"]
    fp = ev[ev["doc_id"] == CONTROL][["category", "rule_id", "text", "start_char", "end_char"]]
    print(f"{len(fp)} hit(s) in the control text")
    display(fp)

# %% [markdown]
# ## Attribution benchmark (GUM Wikinews, test documents)
#
# Scores the attribution rules (`analysis.app.gum`, also `benchmarks/attribution_gum.py`) on the held-out
# **test** split of the GUM Wikinews gold data; skipped with a message when `../shared` is absent.

# %%
from analysis.app.gum import gum_scores

gum = gum_scores("test")  # None when ../shared/eval/gum-wikinews is absent
if gum is None:
    print("Skipped: this benchmark needs the GUM Wikinews gold annotations, which are not distributed with the "
          "kit (a developer checkout has them beside the project). Nothing else in the notebooks depends on it.")
else:
    display(pd.Series(gum["test"], name="GUM test").to_frame())

# %% [markdown]
# <!-- BEGIN human coding (issue 15): review, reliability, export -->
# ## Human coding beside the rules: review, add, measure, hand over
#
# **1. Review the hits.** The widget below shows each hit of the rules in its sentence: mark it
# *Correct*, *Wrong*, or *Wrong category* (choose the right one), add a note, and add what the
# rules missed (select the words in the text above, copy, paste them into the box, choose the
# category, *Add span*). Every decision is appended at once to `REVIEW_FILE` (the kit's annotation
# format: doc_id, category, start_char, end_char, text, coder, decision, note, timestamp); nothing
# is ever overwritten, and running the cell again resumes where you stopped. Set `CORPUS` at the
# top to a folder of UN speeches to review those.

# %%
from analysis import ReviewSession, read_annotation_file, review_precision, review_widget

CODER = "coder1"                                        # your name or initials
REVIEW_FILE = P.project / "coding" / f"review_{CODER}.csv"  # your decisions (kept between sessions)
N_HITS = 20                                             # hits to review in this session
session = ReviewSession(tables["evidence"], docs.values(), path=REVIEW_FILE, coder=CODER, limit=N_HITS,
                        labels=codebook.category_ids)
print(f"{session.progress()[0]} of {session.progress()[1]} hits already reviewed by {CODER} in {REVIEW_FILE.name}")
review_widget(session)

# %% [markdown]
# **2. Precision from the reviewed hits**, per category, with 95% Wilson intervals (small samples
# give wide intervals: review more hits of a category before trusting its precision).

# %%
review = read_annotation_file(REVIEW_FILE, missing_ok=True)
if review.empty:
    print(f"No decisions in {REVIEW_FILE.name} yet: review some hits above, then run this cell again.")
else:
    display(review_precision(review))

# %% [markdown]
# **3. Rules against the coder** (`agreement`): the coder's coding is every hit marked correct plus
# every added span; the rules' hits are scored in the documents the coder reviewed. Precision is
# what the review measured; recall counts only the spans the coder added, so it is an upper bound
# unless the coder read the whole document.

# %%
from analysis.tables.reliability import coder_codes

if not review.empty:
    reviewed_docs = sorted(set(review["doc_id"]))
    display(agreement(coder_codes(review), tables["evidence"], sentences=[docs[d] for d in reviewed_docs],
                      documents=reviewed_docs))

# %% [markdown]
# **4. Reliability.** Krippendorff's alpha per category and overall (sentences as units, 95%
# bootstrap intervals), Cohen's kappa and raw agreement per pair, and the sentences the coders
# disagree on, for adjudication. Here: the hand annotation in `corpus/annotations/` against the
# rules treated as a second coder, and — once you have reviewed — against you.

# %%
from analysis import reliability

if gold_files:
    coders = {"hand annotation": gold, "rules": predicted}
    if not review.empty and set(review["doc_id"]) & set(annotated):
        coders[CODER] = review[review["doc_id"].isin(annotated)]
    rel = reliability(coders, texts=[docs[d] for d in annotated], documents=annotated, n_boot=500)
    display(rel.alpha)
    display(rel.pairs[rel.pairs["category"] == "ALL"])
    print(f"{len(rel.disagreements)} sentence(s) with disagreements; the first five:")
    display(rel.disagreements.head())

# %% [markdown]
# **5. Hand the coded corpus over.** Label Studio: create a project, paste
# `labeling_config.xml` under *Settings → Labeling Interface → Code*, import `tasks.json`; the rules'
# hits appear as pre-annotations. Export the finished project as *JSON* and read it back with
# `analysis.read_labelstudio` (or `discourse-kit import-labelstudio`). QDA tools: open
# `coded_corpus.qdpx` in MAXQDA, NVivo, ATLAS.ti, QDA Miner or QualCoder (*Import → REFI-QDA
# project*); read a project coded there with `analysis.read_qdpx`.

# %%
from analysis import export_labelstudio, write_qdpx

ls_files = export_labelstudio(corpus, tables["evidence"], P.results / "labelstudio", codebook=codebook)
qdpx = write_qdpx(corpus, P.results / "coded_corpus.qdpx", tables["evidence"], annotations=review,
                  codebook=codebook)
print("wrote", [f"{p.parent.name}/{p.name}" for p in [*ls_files, qdpx]])
# <!-- END human coding (issue 15) -->

# %%
write_csv(check, P.results / "nb05_codebook_check.csv")
if len(scores):
    write_csv(scores, P.results / "nb05_agreement.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb05_*")))
