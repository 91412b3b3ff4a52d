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
# # 1. The corpus: texts, cleaning, metadata
#
# **The question.** What exactly is analysed? Every number in notebooks 02–05 is a count of words
# in these texts, so a reader must be able to see the texts, know where they come from, and know
# what the kit removed before counting.
#
# **What the kit analyses.** The bundled **seed** — a Ru-Main article of 27 December 2021 crediting
# Interfax and quoting Russian Foreign Minister Sergei Lavrov on the coming talks on security
# guarantees; a **constructed control text** reporting the same facts without rhetoric,
# written by the maintainers as a baseline; and — when they have been downloaded — real public
# statements on the same episode listed in `corpus/manifest.csv`. Set `CORPUS` to analyse your own
# texts instead (their tables then go to `results/<folder name>/`). Every later number refers back
# to these texts by `doc_id` and character offsets.
#
# **Limits.** A single short article is an illustration of the method, not a sample: nothing in
# these notebooks generalises from it to Russian diplomacy. The control text is a construction.

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
P = output_paths(P, CORPUS, "nb01")      # your corpus: results/<its name>/, earlier nb01_* files there removed
print(f"discourse-kit {analysis.__version__}: {len(corpus)} documents from {CORPUS or P.corpus}")
print(fetched_status(P) if CORPUS is None else "CORPUS is set: the bundled and fetched texts are not added.")

# %% [markdown]
# ## Documents and their metadata
#
# One row per document. `constructed` is `True` for the control text, which the project wrote
# (see `corpus/README.md`); it is not a real publication.

# %%
frame = corpus.to_frame()
frame[[c for c in ["doc_id", "title", "date", "speaker", "outlet", "genre", "constructed", "n_chars"] if c in frame]]

# %% [markdown]
# ## Cleaning
#
# Raw files are never edited. The loader cuts a trailing block of web boilerplate ("Related Posts",
# "Leave a Reply"...) and moves the dateline and the agency credit into metadata, so that the
# analysed text is a prefix of the raw file and every offset is also an offset into the file.

# %%
removed = pd.DataFrame(
    [{"doc_id": d.doc_id, "start": s, "end": e, "kind": kind, "line": text}
     for d in corpus for s, e, kind, text in d.removed],
    columns=["doc_id", "start", "end", "kind", "line"],
)
removed

# %% [markdown]
# Only whole lines shaped like site furniture are cut; `documents.csv` reports how many characters each
# document lost (`n_chars_removed`), so a cut of real text would show here.

# %%
corpus.to_frame()[["doc_id", "n_chars", "n_chars_removed"]]

# %%
for d in corpus:
    if d.metadata.get("source_credit"):
        agency = d.metadata.get("source_agency")
        print(f"{d.doc_id}: credit {d.metadata['source_credit']!r} -> source_agency={agency!r}")

# %% [markdown]
# ## The control text
#
# Written by the maintainers from the seed's facts only, in neutral indirect speech: nobody is
# quoted and no evaluative wording is used. Its hand annotation has no rows.

# %%
control = next((d for d in corpus if d.metadata.get("constructed") is True), None)
if control is None:
    print("No constructed control text in this corpus.")
else:
    print(control.metadata.get("provenance", ""), "\n")
    print(control.text)

# %% [markdown]
# ## Real documents: the manifest and `corpus/fetched/`
#
# `corpus/manifest.csv` lists official statements, briefings and press conferences (December 2021 –
# February 2022) with their licence notes. `discourse-kit corpus fetch corpus/manifest.csv` downloads
# them into `corpus/fetched/` (needs internet; never overwrites without `--force`).

# %%
from analysis.corpus.fetch import read_manifest

manifest = pd.DataFrame(read_manifest(P.manifest))
manifest["fetched"] = [(P.fetched / f"{i}.md").exists() for i in manifest["doc_id"]]
print(fetched_status(P))
manifest[["doc_id", "date", "speaker", "institution", "genre", "url_kind", "fetched"]]

# %% [markdown]
# ### Which texts were fetched, and are they the texts a study used? (fetch lock)
#
# `discourse-kit corpus fetch` writes `corpus/fetched/fetch-lock.csv`: for each text the URL it
# was actually taken from (the live page, or its archived snapshot when the page had gone or
# changed), when, and the SHA-256 of the text. Set `LOCK` to the lock file published with a study
# to learn, per document, whether the text here is the same (`match`), another version
# (`differs`) or absent (`missing`); `discourse-kit corpus fetch corpus/manifest.csv --lock FILE`
# fetches the locked versions where it can.

# %%
# --- fetch lock check (corpus fetch) ---
LOCK = None  # e.g. "paper/fetch-lock.csv" (relative to the project folder); None = list what was fetched
from analysis.corpus.lock import fetched_texts

fetched = fetched_texts(P.fetched, None if LOCK is None else P.project / LOCK)
if fetched.empty:
    print(f"No texts fetched into {P.fetched}: nothing to compare with a lock.")
else:
    stored = fetched[fetched["sha256"] != ""]
    sources = stored["source"].replace("", "unknown").value_counts()
    print(f"{len(stored)} text(s) in {P.fetched}, taken from: "
          + ", ".join(f"{n} {s}" for s, n in sorted(sources.items())) + ".")
    if LOCK is not None:
        said = fetched["lock"].value_counts()
        print(f"Compared with {LOCK}: " + ", ".join(f"{said.get(k, 0)} {k}"
                                                   for k in ("match", "differs", "missing", "not-in-lock")) + ".")
# the SHA-256 shortened to 12 digits for display (the full value is in `fetched` and the lock file)
fetched.assign(sha256=fetched["sha256"].str[:12])[["doc_id", "lock", "source", "url", "fetched_at", "sha256", "detail"]]
# --- end of the fetch lock check ---

# %% [markdown]
# ## Sentences and tokens
#
# The default pipeline is rule-based (blank English + quote-aware sentence splitter + lookup
# lemmatizer + actor gazetteer): nothing is downloaded. Word tokens (not spaces, not punctuation)
# are the denominator of every rate.

# %%
from analysis import make_nlp, parse
from analysis.extract.analyze import count_tokens
from analysis.tables.frames import documents_frame

nlp = make_nlp(MODEL)
rows = []
first = None
for doc in parse(corpus, nlp):
    sents = list(doc.sents)
    rows.append({"doc_id": doc.user_data["doc_id"], "n_tokens": count_tokens(doc), "n_sentences": len(sents)})
    first = first or [s.text for s in sents[:4]]
sizes = pd.DataFrame(rows)
documents = documents_frame(corpus, rows)  # the documents table of `discourse-kit run`
for i, s in enumerate(first):
    print(i, repr(s[:120]))
sizes

# %%
write_csv(documents, P.results / "nb01_documents.csv")
print("wrote", P.results / "nb01_documents.csv")
