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
# # 3. Attribution and voice: who says what, through whom
#
# Diplomatic news is layered speech: the reporter quotes the minister, who invokes his president
# and claims that another actor speaks "through" a third one's mouth. The attribution rules recover
# these layers; the *voice* of every word (quoted speaker or `narrator`) then splits every table.

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
# ## Attributions: one row per piece of reported speech

# %%
att = tables["attributions"]
att[["doc_id", "kind", "speaker", "speaker_text", "cue", "content", "principal"]].assign(
    content=lambda f: f["content"].str.slice(0, 70))

# %%
att.assign(speaker=att["speaker"].replace("", "(none)")).pivot_table(
    index="speaker", columns="kind", values="doc_id", aggfunc="count", fill_value=0)

# %% [markdown]
# ## Who speaks and how
#
# Bubbles count attributions by speaker and kind; arrows run from a mouthpiece to the principal it
# is said to speak for (`proxy`), dashed from a speaker to the authority invoked (`authority`).
# A bubble takes its speaker's colour: a shade of the camp's hue (Russia vermillion, the West blue,
# others bluish green), grey when the speaker is unresolved or not in the gazetteer — the same
# colour the speaker's voice has in every other figure.

# %%
from analysis.plots import plot_attributions, save_figure

fig = plot_attributions(att, info=info)
save_figure(fig, P.figures, "nb03_attributions")
fig

# %% [markdown]
# ## Voices as documents
#
# `voices()` cuts each document into one sub-document per voice; each keeps the parent's
# offsets in `segments`, so every word can be traced back.

# %%
from analysis.app.shortcuts import voices

subdocs = voices([docs[d] for d in docs], gazetteer=gazetteer)
voice_table = pd.DataFrame(
    [{"doc_id": v.doc_id, "parent": v.metadata["parent_doc_id"], "voice": v.metadata["voice"],
      "n_chars": len(v.text), "segments": v.metadata["segments"], "starts": v.text[:70]} for v in subdocs])
voice_table

# %% [markdown]
# ## Feature counts by voice

# %%
features = tables["features"]
by_voice = features[features["voice"] != "all"]
by_voice.pivot_table(index="category", columns=["doc_id", "voice"], values="count", aggfunc="sum", fill_value=0,
                     sort=False)

# %% [markdown]
# ## Actors: speakers, mentions and targets

# %%
tables["actors"]

# %%
write_csv(att, P.results / "nb03_attributions.csv")
write_csv(tables["actors"], P.results / "nb03_actors.csv")
write_csv(voice_table, P.results / "nb03_voices.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb03_*")))
