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
# The codebook (`analysis/codebooks/diplomatic_rhetoric.yaml`) defines twelve categories with
# rules a reader can check. Every hit is an **evidence row** with its exact words and offsets;
# every count and rate below is computed from those rows.

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
from analysis.app.notebooks import fetched_status, load_notebook_corpus, notebook_paths
from analysis.io import write_csv

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 160)
P = notebook_paths()                     # project, corpus, results/ and figures/ folders
corpus = load_notebook_corpus(CORPUS, P)
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

# %% [markdown]
# ## The seed, highlighted (categories as labels)

# %%
from analysis.plots.display import show_evidence

show_evidence(docs[SEED], evidence[evidence["doc_id"] == SEED])

# %% [markdown]
# ## Feature table
#
# Counts, rates per 1,000 word tokens and exact Poisson 95% intervals, per document (`voice` =
# `all`) and per voice; zero counts are kept.

# %%
features = tables["features"]
whole = features[features["voice"] == "all"]
whole.pivot(index="category", columns="doc_id", values="count").loc[list(dict.fromkeys(whole["category"]))]

# %%
whole[whole["count"] > 0][["doc_id", "category", "count", "n_tokens", "rate_per_1000", "ci_low", "ci_high"]]

# %% [markdown]
# ## Categories that share a sentence

# %%
tables["cooccurrence"]

# %% [markdown]
# ## Keyword in context

# %%
from analysis.app.shortcuts import kwic

kwic(list(docs.values()), "deception_accusation")

# %%
kwic(list(docs.values()), "negotiations")

# %%
for name in ("evidence", "features", "cooccurrence"):
    write_csv(tables[name], P.results / f"nb02_{name}.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb02_*.csv")))
