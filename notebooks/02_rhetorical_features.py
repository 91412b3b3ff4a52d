# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. Rhetorical features: codebook, evidence, rates
#
# **The question.** How does a diplomatic text *argue*? Not what it is about — the Lavrov article
# of 27 December 2021 is about the date of talks on security guarantees — but which rhetorical
# moves it makes on the way: does it predict that the other side will deceive, deny that its own
# demands are an ultimatum, claim that one actor speaks for another, lean on a higher authority?
#
# **What the kit does.** A codebook (`analysis/codebooks/diplomatic_rhetoric.yaml`) defines each
# move as a *category*: a definition a human coder can apply, examples that must be coded,
# counter-examples that must not, and rules (phrase lists and token patterns with simple
# constraints) that find it. Every rule that fires leaves an **evidence row**: the document, the
# sentence, the character offsets, the exact words, the rule, and the *voice* — whose words they
# are (the minister's quoted words or the reporter's narration). Every count, rate and figure in
# these notebooks is computed from those rows, so every number can be traced to words in the text.
#
# **How to read this notebook.** The codebook first, then every evidence row, then the seed
# highlighted and, in plain words, what it does rhetorically; then the counts and rates per
# 1,000 words with their intervals, and what those intervals allow you to say.

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

import analysis
from analysis.app.notebooks import fetched_status, load_notebook_corpus, notebook_paths, output_paths
from analysis.io import write_csv

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
P = notebook_paths()                     # project, corpus, results/ and figures/ folders
corpus = load_notebook_corpus(CORPUS, P)
P = output_paths(P, CORPUS, "nb02")      # your corpus: results/<its name>/, earlier nb02_* files there removed
print(f"discourse-kit {analysis.__version__}: {len(corpus)} documents from {CORPUS or P.corpus}")
print(fetched_status(P) if CORPUS is None else "CORPUS is set: the bundled and fetched texts are not added.")

# %%
from analysis.app.notebooks import analyse_notebook_corpus

A = analyse_notebook_corpus(corpus, codebook=CODEBOOK, model=MODEL, label=CORPUS)  # the tables of `discourse-kit run`
codebook, gazetteer, nlp, tables, docs, info = A.codebook, A.gazetteer, A.nlp, A.tables, A.docs, A.info
SEED, CONTROL = A.seed, A.control  # the bundled seed and control text, when they are in the corpus
print(A.summary)

# %% [markdown]
# ## The codebook
#
# One row per category: its definition, how many rules find it, and how many examples and
# counter-examples test those rules (`discourse-kit codebook check` runs them; notebook 05 shows
# the result). Edit a copy of the YAML file and set `CODEBOOK` above to use your own.

# %%
pd.DataFrame(
    [{"id": c.id, "label": c.label, "rules": len(c.rules), "examples": len(c.examples),
      "counter_examples": len(c.counter_examples), "definition": c.definition} for c in codebook.categories]
)

# %% [markdown]
# ## Evidence: one row per hit
#
# `voice` says whose words the hit is in (the quoted speaker, or `narrator`); `target` the actor the
# feature is aimed at, where one applies, and `target_source` whether it was named (`actor`), referred
# to by a resolved title (`title`) or by a demonym such as "Russian" (`demonym`); `rule_id` which rule fired.

# %%
evidence = tables["evidence"]
evidence[["doc_id", "category", "rule_id", "sentence_id", "start_char", "end_char", "text", "voice", "target",
          "target_source"]]

# %%
# every hit's text is the document's text at its offsets
assert all(docs[r.doc_id].text[r.start_char:r.end_char] == r.text for r in evidence.itertuples())

# %%
from IPython.display import Markdown, display

display(Markdown(f"## {SEED}, highlighted\n\n"
                 "Each hit is underlined in its category's colour (the same colour as in every figure) and "
                 "labelled with the category and, where the feature is aimed at an actor, its target."))

# %%
from analysis.plots.display import show_evidence

show_evidence(docs[SEED], evidence[evidence["doc_id"] == SEED], info=info)

# %% [markdown]
# ## What the text does rhetorically
#
# The paragraph below is written from the evidence rows of this run (not typed by hand): for each
# category found, the sentence it was found in with the coded words in bold, whose voice they are in
# and, where there is one, the actor the feature is aimed at; then the layers of attribution —
# whom the speaker invokes as an authority and who is said to speak through whom.
#
# On the bundled seed this is the argument of Lavrov's answer in a few moves: a **prediction of
# deception** (the West "will again begin to promise something ambiguously, and then it will
# definitely deceive"), framed by the **denial of an ultimatum** ("we do not put forward any
# ultimatums") and a dismissal of talks as "chatter" and "endless discussions"; the **proxy claim**
# that NATO spoke "through Stoltenberg's mouth" at the suggestion of the US, with Stoltenberg
# diminished to "the chief administrative officer"; and all of it placed under the **authority of
# the President** ("as the President said"). Nearly every hit is in Lavrov's quoted words, not the
# reporter's: the rhetoric is the minister's, relayed. Check each claim of this paragraph against
# the generated list — if a rule or the text changes, the list changes with it.

# %%
from analysis.app.narrative import rhetoric_summary

labels = {c.id: c.label for c in codebook.categories}
n_tokens = dict(zip(tables["documents"]["doc_id"], tables["documents"]["n_tokens"]))
display(Markdown(rhetoric_summary(SEED, docs[SEED].text, evidence, tables["attributions"], labels,
                                  n_tokens=int(n_tokens[SEED]))))

# %% [markdown]
# ## Feature table
#
# Counts, rates per 1,000 word tokens and exact Poisson 95% intervals, per document (`voice` =
# `all`) and per voice; zero counts are kept. A rate is hits divided by word tokens (words, not
# punctuation), times 1,000, so that a long speech and a short wire report can be set side by side.

# %%
features = tables["features"]
whole = features[features["voice"] == "all"]
if whole["doc_id"].nunique() <= 12:  # one column per document
    display(whole.pivot(index="category", columns="doc_id", values="count").loc[list(dict.fromkeys(whole["category"]))])
else:  # a large corpus: hits per category and how many documents have any
    display(whole.groupby("category", sort=False).agg(hits=("count", "sum"),
                                                      documents_with_hits=("count", lambda c: int((c > 0).sum()))))

# %%
whole[whole["count"] > 0][["doc_id", "category", "count", "n_tokens", "rate_per_1000", "ci_low", "ci_high"]]

# %% [markdown]
# ### How to read the intervals
#
# The interval (`ci_low` to `ci_high`) is the exact (Garwood) Poisson 95% interval: the range of
# underlying rates that could plausibly have produced the count observed. It depends on the count,
# not on how striking the words are. A text of a few hundred words holds a handful of hits per
# category, and a handful of hits is compatible with rates several times lower or higher — the
# intervals of an article of a few hundred words are wide, and that width is the honest result. Two rates whose
# intervals overlap widely are not shown to differ (notebook 04 tests the differences). A zero is
# not a rate of zero: its interval still reaches up to a few per 1,000 words. Below, the most
# frequent category of the seed, read out for the seed, the control text (when it is in the
# corpus) and the other document with the most hits of that category:

# %%
from analysis.app.narrative import rate_reading

top = whole[whole["doc_id"] == SEED].sort_values(["count", "category"], ascending=[False, True]).iloc[0]
same = whole[whole["category"] == top["category"]]
others = same[same["doc_id"] != SEED].sort_values(["count", "doc_id"], ascending=[False, True], kind="stable")
shown = [SEED] + ([CONTROL] if CONTROL else []) + [d for d in others["doc_id"] if d != CONTROL][:1]
for row in same[same["doc_id"].isin(shown)].to_dict("records"):  # the seed, the control, the top other document
    display(Markdown(f"- `{row['doc_id']}` — " + rate_reading(row, label=labels.get(row["category"], ""))))

# %% [markdown]
# ## Categories that share a sentence
#
# Moves that come together: how many sentences contain both categories (the diagonal: sentences
# with that category). In the seed, the denial of an ultimatum, the dismissal of talks and the
# prediction of deception share one long sentence — one argument, coded as several moves.

# %%
tables["cooccurrence"]

# %% [markdown]
# ## Keyword in context
#
# Every hit of one category (or every occurrence of a word) with its left and right context, to
# read a category's hits side by side before trusting its count.

# %%
from analysis.app.shortcuts import kwic

kwic(list(docs.values()), "deception_accusation")

# %%
kwic(list(docs.values()), "negotiations")

# %% [markdown]
# ## Limits
#
# The rules find the wording they list: an accusation of deceit in words no rule lists, irony or a
# rhetorical question is missed, and a rule can fire on a denial reported by the other side. On
# unseen UN and US texts the rules miss about four in ten of the moves a human coder marks
# (notebook 05 and `docs/codebook_notes.md`); so read the evidence rows, not only the counts, and
# treat a zero as "no rule fired", not "the move is absent".

# %%
for name in ("evidence", "features", "cooccurrence"):
    write_csv(tables[name], P.results / f"nb02_{name}.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb02_*.csv")))
