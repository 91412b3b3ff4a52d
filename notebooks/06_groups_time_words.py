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
# # 6. Groups, time and words: which camp, which year, which words
#
# The questions after the first table: which camp (or speaker, country, genre) uses a category
# more, how the rate moves over the years, and where a phrase such as "double standards" occurs and
# with what words. Run on the UN General Debate speeches of sessions 69–75 (2014–2020; Russia, the
# US, the UK, France, Germany, Ukraine and China) when `../shared/corpora/ungdc` is on this machine,
# else on the bundled corpus (the notebook says which). Every table and figure comes from documented
# functions (`analysis.tables.groups`, `analysis.app.words`, `analysis.plots.trends`) and the same
# comparison is one command: `discourse-kit compare RESULTS_DIR --by camp`.

# %% tags=["parameters"]
# Parameters: change these to analyse your own texts (or leave them for the UN speeches / bundled corpus).
CORPUS = None      # None = UN General Debate 69-75 when ../shared/corpora/ungdc exists, else the bundled corpus;
                   # "path/to/folder_or_file" = your texts (metadata.csv or front matter gives the groups)
CODEBOOK = None    # None = bundled codebook; or a codebook YAML, quanteda YAML dictionary or LIWC .dic file
MODEL = "rules"    # "rules" (default, nothing to download) or an installed spaCy model, e.g. "en_core_web_sm"
BY = "camp"        # the metadata column that makes the groups: camp, speaker, country, iso3, year, genre ...
PERIOD = "year"    # year, quarter or month (dates come from `date` metadata, or a `year` column)
CORRECTION = "holm"  # multiple-testing correction across categories: holm, bh (Benjamini-Hochberg) or none
KWIC_QUERY = "double standard"  # a word or phrase (by lemma: also "double standards"), a category or rule id
COLLOCATE_NODE = "deception_accusation"  # a word, phrase or category whose collocates are listed
KEYNESS_GROUP = "russia"  # the group whose key words are compared with the rest (None or absent: the first group)

# %%
import subprocess
import sys

import pandas as pd
from IPython.display import Image, Markdown, display

import analysis
from analysis.app.notebooks import groups_notebook_corpus, notebook_paths
from analysis.io import write_csv

pd.set_option("display.max_colwidth", 70)
pd.set_option("display.width", 160)
P = notebook_paths()
corpus, label, note = groups_notebook_corpus(CORPUS, P)
print(f"discourse-kit {analysis.__version__}: {note}")
corpus.to_frame().drop(columns=["source"]).head(10)

# %% [markdown]
# ## The analysis, and the run folder the command line reads
#
# The corpus is analysed as `discourse-kit run` does; its tables go to `results/nb06_run/` so that the
# command-line comparison at the end reads exactly these tables (nothing is parsed again).

# %%
from analysis.app.notebooks import analyse_notebook_corpus

A = analyse_notebook_corpus(corpus, codebook=CODEBOOK, model=MODEL, label=label)
tables, docs, info = A.tables, A.docs, A.info
features, documents = tables["features"], tables["documents"]
RUN = P.results / "nb06_run"
for name in ("documents", "features", "evidence"):
    write_csv(tables[name], RUN / f"{name}.csv")
print(A.summary)

# %% [markdown]
# ## Groups
#
# Each document's group comes from its metadata. For `camp`, a document without a `camp` field takes
# the camp of its `speaker` in the actor gazetteer (honorifics such as "Mr." dropped), else of its
# `country`; the `source` column says which. Documents with no value form the explicit group
# `(missing)`.

# %%
from analysis.tables.groups import document_groups

groups = document_groups(documents, BY, gazetteer=A.gazetteer)
groups.groupby(["group", "source"]).size().rename("documents").reset_index()

# %% [markdown]
# ## Rates per group, with exact intervals
#
# Counts and word tokens are pooled over each group's documents: a group's rate is all its hits per
# 1,000 of all its words, with the exact (Garwood) 95% Poisson interval. The first column, *(all
# categories)*, counts every coded hit.

# %%
from analysis.tables.groups import ALL_CATEGORIES, features_by

grouped = features_by(features, documents, BY, gazetteer=A.gazetteer, total=True)
rates = grouped.pivot(index="group", columns="category", values="rate_per_1000")
rates = rates[[ALL_CATEGORIES] + [c for c in rates.columns if c != ALL_CATEGORIES]]
rates.round(2)

# %% [markdown]
# ## Each group against the rest, corrected for multiple testing
#
# Per category, the rate ratio of a group against all other documents, with the exact conditional
# p-value. Twelve categories are twelve tests per comparison, so the p-values are corrected across
# them (`CORRECTION`), and so are the intervals (for Holm: Bonferroni intervals at 1 − 0.05/m). The
# sentences below are generated from the table.

# %%
from analysis.app.notebooks import contrast_sentences
from analysis.tables.groups import group_contrasts

by_category = features_by(features, documents, BY, gazetteer=A.gazetteer)
contrasts = group_contrasts(by_category, correction=CORRECTION)
display(Markdown(contrast_sentences(contrasts)))
contrasts[["a", "b", "category", "count_a", "rate_a", "rate_b", "rate_ratio", "ci_low_adjusted",
           "ci_high_adjusted", "p_value", "p_adjusted", "significant"]].round(
    {"rate_a": 3, "rate_b": 3, "rate_ratio": 2, "ci_low_adjusted": 2, "ci_high_adjusted": 2})

# %% [markdown]
# ## Over time: rates per year and group
#
# Lines are the pooled rates per period and group; bands are their exact 95% intervals. With one
# speech per country and year, a group-year holds a few thousand words, so single years move a lot:
# read the bands.

# %%
from analysis.plots import plot_trend, save_figure
from analysis.tables.groups import features_over_time


def saved(fig, name):
    """Write the figure to figures/NAME.png (and .svg) and show that PNG: what you see is the file."""
    png = [p for p in save_figure(fig, P.figures, name) if p.suffix == ".png"][0]
    return Image(filename=str(png))


trend = features_over_time(features, documents, period=PERIOD, by=BY, gazetteer=A.gazetteer, total=True)
saved(plot_trend(trend, info=info), "nb06_trend")

# %%
trend_categories = features_over_time(features, documents, period=PERIOD, by=BY, gazetteer=A.gazetteer)
saved(plot_trend(trend_categories, info=info, max_panels=4), "nb06_trend_categories")

# %% [markdown]
# ## Words: a concordance, collocates, n-grams
#
# `kwic` lists every occurrence of `KWIC_QUERY` (by lemma, so singular and plural) with each
# document's metadata, sorted by the words to its left.

# %%
from analysis.app.shortcuts import kwic

parsed = [docs[d] for d in corpus.ids]
concordance = kwic(corpus, KWIC_QUERY, window=8, by_lemma=True, sort="left", codebook=A.codebook, nlp=A.nlp)
print(f"{len(concordance)} occurrence(s) of {KWIC_QUERY!r} in {concordance['doc_id'].nunique()} document(s)")
meta = [c for c in ("speaker", "country", "year", "date") if c in concordance.columns]
shown = concordance[["doc_id", *meta, "left", "match", "right"]]
shown.assign(match=shown["match"].str.split().str.join(" "))  # a line break inside a match shown as a space

# %% [markdown]
# Collocates of `COLLOCATE_NODE` (a category: the words within five words of its evidence),
# function words left out, ranked by log-likelihood; MI favours rare pairs, the t-score frequent ones.
# Then the most frequent bigrams that are not made only of function words.

# %%
from analysis.app.words import collocates, ngrams

collocates(parsed, COLLOCATE_NODE, window=5, min_freq=3, stop_words=True, codebook=A.codebook, nlp=A.nlp).head(15)

# %%
ngrams(parsed, 2, min_freq=5, stop_words=True).head(15)

# %% [markdown]
# ## Key words of one group against the rest
#
# Keyness of `KEYNESS_GROUP` (or the first group) against every other document, function words left
# out, p-values corrected with `CORRECTION`; in the figure `*` marks terms with adjusted p < 0.05.

# %%
from analysis.app.words import group_keyness
from analysis.plots import plot_keyness

first = KEYNESS_GROUP if KEYNESS_GROUP in set(grouped["group"]) else grouped["group"].iloc[0]
print(f"{BY} = {first} against every other document")
key = group_keyness(corpus, BY, first, gazetteer=A.gazetteer, stop_words=True, correction=CORRECTION, nlp=A.nlp)
fig = plot_keyness(key, info=info, sides=(first, "other") if BY == "camp" else None)
display(key.head(10))
saved(fig, "nb06_keyness_group")

# %% [markdown]
# ## The same comparison from the command line
#
# `discourse-kit compare` reads the run folder written above (here `results/nb06_run/`); `--out`
# writes the contrasts as CSV, `--rates` the group rates, and `--period year --figure FILE` the trend.

# %%
command = [sys.executable, "-m", "analysis", "compare", str(RUN), "--by", BY, "--correction", CORRECTION]
print("$ discourse-kit compare", RUN.relative_to(P.project) if RUN.is_relative_to(P.project) else RUN,
      "--by", BY, "--correction", CORRECTION)
done = subprocess.run(command, capture_output=True, text=True, timeout=300)
print(done.stdout or done.stderr)

# %%
write_csv(grouped, P.results / "nb06_group_rates.csv")
write_csv(contrasts, P.results / "nb06_group_contrasts.csv")
write_csv(trend, P.results / "nb06_trend.csv")
write_csv(concordance, P.results / "nb06_kwic.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb06_*.csv")),
      "and", sorted(p.name for p in P.figures.glob("nb06_*.png")))
