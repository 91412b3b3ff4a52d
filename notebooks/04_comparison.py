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
# # 4. Comparison: rates, rate ratios, keyness, sentiment
#
# The seed against the control (same facts, no rhetoric), the minister's quoted words against the
# reporter's narration, and — when fetched — Russian against Western official statements.

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
# ## Rates per 1,000 tokens, with 95% intervals
#
# Colours mean the same thing in every figure (`analysis.plots.palette`): the narrator is black, a quoted
# speaker a shade of their camp's hue (Russia vermillion, the West blue, others bluish green),
# unresolved speakers grey; each codebook category has its own colour (the square beside its name),
# in codebook order. Documents have no colour: their bars are white, told apart by hatching, and a
# voice's bars carry the hatching of their document.

# %%
from analysis.plots import (
    plot_category_rates,
    plot_dispersion,
    plot_heatmap,
    plot_keyness,
    plot_sentiment_arc,
    save_figure,
)

features = tables["features"]
fig = plot_category_rates(features, info=info)
save_figure(fig, P.figures, "nb04_category_rates")
fig

# %%
fig = plot_heatmap(features, info=info)
save_figure(fig, P.figures, "nb04_category_heatmap")
fig

# %% [markdown]
# ## Where the hits fall (multi-word hits keep their width)

# %%
fig = plot_dispersion(tables["evidence"], tables["documents"], info=info)
save_figure(fig, P.figures, "nb04_dispersion")
fig

# %% [markdown]
# ## Rate ratios
#
# Per category, rate in *a* over rate in *b*, with a 95% Wald interval on the log scale (0.5 added
# to both counts when one is zero, flagged in `corrected`) and an exact conditional p-value. With
# texts this short most intervals are wide: read them, not just the ratios.

# %%
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

# %% [markdown]
# ## Keyness
#
# Log-likelihood G² with p-values and Log Ratio effect sizes; here quoted speech against narration,
# pooled over the corpus (the `keyness.csv` of `discourse-kit run`), then the seed against the
# control. Small texts give few terms above the minimum frequency.

# %%
from analysis.tables.stats import keyness

key_voice = tables["keyness"]
fig = plot_keyness(key_voice, info=info)
save_figure(fig, P.figures, "nb04_keyness_voice")
display(key_voice.head(15))
fig

# %%
if CONTROL:
    key_docs = keyness(docs[SEED], docs[CONTROL], min_freq=3, labels=(SEED, CONTROL))
    fig = plot_keyness(key_docs, info=info)
    save_figure(fig, P.figures, "nb04_keyness_seed_control")
    display(key_docs.head(15))
    display(fig)


# %% [markdown]
# ## Russian vs Western official statements (fetched documents)
#
# Documents are grouped by the institution that published them (`institution` in the manifest:
# the Russian MFA and the Kremlin vs NATO and the US State Department), not by who speaks inside them —
# a joint press appearance published by the State Department counts as Western. Runs only when
# documents have been fetched.

# %%
from analysis.corpus.fetch import institution_camp

sides = {d.doc_id: institution_camp(d.metadata) for d in corpus}
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

# %% [markdown]
# ## Sentiment
#
# TextBlob's lexicon polarity (−1..1) and subjectivity (0..1) per spaCy sentence, by voice and by
# the camp of the actors a sentence mentions. A lexicon built for product reviews reads "main",
# "clear" or "key" as positive: treat these numbers as a rough signal, always next to the text.

# %%
sentiment = tables["sentiment"]
fig = plot_sentiment_arc(sentiment, info=info)
save_figure(fig, P.figures, "nb04_sentiment_arc")
fig

# %%
tables["sentiment_summary"]

# %%
write_csv(ratios, P.results / "nb04_rate_ratios.csv")
write_csv(key_voice, P.results / "nb04_keyness_voice.csv")
if CONTROL:
    write_csv(key_docs, P.results / "nb04_keyness_seed_control.csv")
write_csv(tables["sentiment_summary"], P.results / "nb04_sentiment_summary.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb04_*")),
      "and", sorted(p.name for p in P.figures.glob("nb04_*.png")))
