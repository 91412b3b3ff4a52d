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
# **The question.** Whose words are these? Diplomatic news is layered speech: the reporter quotes
# the minister, who invokes his president and claims that another actor speaks "through" a third
# one's mouth. A count of rhetoric means little until we know in whose voice each move is made.
#
# **What the kit does.** Attribution rules find reported speech — direct and partial quotation,
# indirect speech ("Lavrov said that ..."), "according to", agentless reports ("it was reported
# that"), the credit line of the agency — and resolve the speaker: a name, a title ("the
# Minister") or a pronoun ("He") is linked to an actor of the gazetteer. Two kinds are layers
# rather than speech: **authority** (a speaker invokes a higher authority: "as the President
# said") and **proxy** (a speaker claims that one actor speaks for another: "through
# Stoltenberg's mouth"). The *voice* of every word — the quoted speaker, or `narrator` — then
# splits every table of notebooks 02 and 04.
#
# **How to read it.** The table lists every attribution with its cue and content; the figure
# shows who speaks how often and how, and draws the layers as arrows. The sentences after it are
# written from the table.

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
P = output_paths(P, CORPUS, "nb03")      # your corpus: results/<its name>/, earlier nb03_* files there removed
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
# Bubbles count attributions by speaker and kind (area proportional to the count); arrows run from
# a mouthpiece to the principal it is said to speak for (`proxy`), dashed from a speaker to the
# authority invoked (`authority`). Only resolved speakers are drawn — "I", "we" or "the source" has
# no place on a speaker axis; the caption counts them — and with many speakers the ones with the
# most attributions, the rest pooled as "others". A bubble takes its speaker's colour: a shade of
# the camp's hue (Russia vermillion, the West blue, others bluish green), grey when the speaker is
# not in the gazetteer — the same colour the speaker's voice has in every other figure.

# %%
from analysis.plots import plot_attributions, save_figure

fig = plot_attributions(att, info=info)
save_figure(fig, P.figures, "nb03_attributions")
fig

# %%
from IPython.display import Markdown, display

resolved = att[att["speaker"].fillna("") != ""]
top_speakers = resolved["speaker"].value_counts()
lines = [f"{len(att)} attributions in {att['doc_id'].nunique()} document(s); {len(resolved)} with a resolved "
         f"speaker, {len(att) - len(resolved)} without one (a pronoun the rules could not resolve, an unnamed "
         "source or an agentless report)."]
if len(top_speakers):
    lines.append("Most reported: " + ", ".join(f"{name} ({n})" for name, n in top_speakers.head(5).items()) + ".")
for r in att[att["kind"].isin(["authority", "proxy"]) & (att["principal"].fillna("") != "")].to_dict("records"):
    verb = "invokes the authority of" if r["kind"] == "authority" else "is presented as speaking for"
    lines.append(f"In `{r['doc_id']}`, {r['speaker']} {verb} **{r['principal']}** (“{r['cue']}”).")
display(Markdown(" ".join(lines)))

# %% [markdown]
# On the bundled seed the figure shows the structure of the article: nearly everything is
# Lavrov's, in direct, partial and indirect speech; he speaks under the President's authority (the
# dashed arrow to Vladimir Putin) and presents NATO's Secretary General as the mouthpiece of the
# United States (the solid arrow from Jens Stoltenberg). The reporter's own voice is the frame:
# the agency credit and one agentless report.

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

# %% [markdown]
# ## Limits
#
# The rules handle wire-service English: quotation marks, reporting verbs, "according to", titles
# and pronouns resolved to the nearest compatible actor. A speaker missing from the gazetteer stays
# unresolved (pass your own gazetteer with `--actors`); speech without quotation marks or a
# reporting verb is missed; a quotation running over several paragraphs is followed as long as its
# marks are balanced. On GUM Wikinews (notebook 05) quotation F1 is about 0.6–0.9 depending on the
# split — check the attributions of a new kind of text by reading the table above.

# %%
write_csv(att, P.results / "nb03_attributions.csv")
write_csv(tables["actors"], P.results / "nb03_actors.csv")
write_csv(voice_table, P.results / "nb03_voices.csv")
print("wrote", sorted(p.name for p in P.results.glob("nb03_*")))
