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
# **The question.** Is a text's rhetoric its own, or would any report of the same facts contain
# it? Whose words carry it — the quoted minister's or the reporter's? And do Russian and Western
# statements on the same episode argue differently?
#
# **What the kit does.** It compares *rates* (hits per 1,000 word tokens, so texts of different
# length compare) between two sides: the seed against the **control text** (the same facts,
# written without rhetoric by the maintainers), the minister's **quoted words** against the
# reporter's **narration**, and — when they have been fetched — Russian against Western official
# statements. Each comparison comes with an interval and a p-value, and the figures show the rates
# with their intervals, where in the text the hits fall, which words set the sides apart
# (keyness), and the sentiment of each sentence.
#
# **How to read it.** Look at the intervals before the bars. The bundled seed has a few hundred
# words and the control fewer: with counts of one to four hits per category, intervals are wide
# and most differences are not distinguishable from chance. The figures scale to large corpora:
# with many documents they show the documents with the most hits and pool the rest as "others";
# their captions say what is plotted, the interval method and N.

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
P = output_paths(P, CORPUS, "nb04")      # your corpus: results/<its name>/, earlier nb04_* files there removed
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
#
# Whiskers are exact (Garwood) Poisson 95% intervals; a faint whisker on a bar of zero shows how
# high a rate a zero count still allows. Both panels share their axes, so a voice's bar and a
# document's bar compare directly. Voices with fewer than 50 word tokens (a headline label, a
# two-word quotation) are left out of the voice panel — the caption says how many.

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
#
# Each hit at its place in the text (as a share of the text's length, so that documents of any
# length line up). Clusters show where the argument is made: in the seed, most categories fall
# inside the minister's long quoted answer, not in the reporter's opening.

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
# ### What a rate ratio does and does not say
#
# The paragraph below reads out the comparison with the largest ratio of the first pair in the
# table above (on the bundled corpus: a category of the seed against the control). A ratio of,
# say, 3.4 with p = 0.58 says that the seed has hits where the control has few or none; it does
# **not** say that the seed's author uses the feature three times as often in general, and it
# does not say that seed and control are alike — with a handful of hits against none, the interval
# runs from far below 1 to far above it. A ratio whose interval includes 1 is an invitation to
# collect more text, not a finding. The numbers are printed from this run's table:

# %%
from IPython.display import Markdown

from analysis.app.narrative import ratio_reading

if len(ratios):
    first_pair = ratios[(ratios["a"] == ratios["a"].iloc[0]) & (ratios["b"] == ratios["b"].iloc[0])]
    display(Markdown(ratio_reading(first_pair.sort_values(["rate_ratio", "category"], ascending=[False, True],
                                                          kind="stable").iloc[0])))
else:
    print("No pair to compare in this corpus (no control text and no quoted speaker).")

# %% [markdown]
# ## Keyness
#
# Log-likelihood G² with p-values and Log Ratio effect sizes; here quoted speech against narration,
# pooled over the corpus (the `keyness.csv` of `discourse-kit run`), then the seed against the
# control. Small texts give few terms above the minimum frequency.
#
# Keyness asks which words set one side apart, without a codebook: G² measures how surprising the
# difference in a word's frequency is, Log Ratio how large it is. A star marks p < 0.05 for that
# word alone; with hundreds of words tested, some stars are chance. Between quoted speech and
# narration, the reporter's side is marked by the reporting frame (names, titles, "said"), so
# keyness here describes the two registers more than the rhetoric; the figure hides function
# words (the table keeps them).

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
# The arc places each sentence at its share of the way through its text; no interval is drawn (a
# lexicon score per sentence is not an estimate of anything beyond that sentence).

# %%
sentiment = tables["sentiment"]
fig = plot_sentiment_arc(sentiment, info=info)
save_figure(fig, P.figures, "nb04_sentiment_arc")
fig

# %%
tables["sentiment_summary"]

# %% [markdown]
# ## Limits
#
# Rates compare texts, not authors: one article is one occasion, and the control text is a
# construction, not a real neutral report. The intervals account for chance in counting, not for
# the rules' misses (about four in ten moves on unseen text, notebook 05) or for which texts were
# chosen. Comparisons of camps need many statements of each — fetch them (`discourse-kit corpus
# fetch`) or point `CORPUS` at your own collection; the figures and tables scale to thousands of
# documents.

# %%
write_csv(ratios, P.results / "nb04_rate_ratios.csv")
write_csv(key_voice, P.results / "nb04_keyness_voice.csv")
if CONTROL:
    write_csv(key_docs, P.results / "nb04_keyness_seed_control.csv")
write_csv(tables["sentiment_summary"], P.results / "nb04_sentiment_summary.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb04_*")),
      "and", sorted(p.name for p in P.figures.glob("nb04_*.png")))
