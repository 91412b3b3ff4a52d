"""The main job: corpus in, every table (and figure) out.

:func:`run` loads a corpus, parses it (cached), analyses each document as it
streams past (:func:`analysis.analyze.analyze_doc`), then builds the tidy
tables from the collected records and writes them atomically into ``out``.
Nothing under the corpus folder is ever written.
"""
from __future__ import annotations

import hashlib
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import spacy

from .actors import Gazetteer, load_gazetteer
from .analyze import DocResult, analyze_doc
from .corpus import Corpus, load_corpus
from .errors import KitError
from .io import transaction, write_csv, write_json
from .pipeline import make_nlp, parse

__all__ = ["run", "analyze_corpus", "build_tables", "RunOutput", "TABLES"]

#: Output tables written by ``discourse-kit run`` (file stem -> what it holds).
TABLES = {
    "documents": "one row per document: doc_id, metadata, n_tokens, n_sentences",
    "evidence": "one row per codebook hit",
    "features": "counts and rates per document, voice and category",
    "cooccurrence": "category x category co-occurrence within sentences",
    "attributions": "one row per attribution (reported speech)",
    "actors": "actor counts per document and role",
    "sentiment": "TextBlob polarity and subjectivity per sentence",
    "sentiment_summary": "sentiment aggregated by document, voice and camp",
    "keyness": "key terms of quoted speech against narration (G², Log Ratio), pooled over the corpus",
}


@dataclass
class RunOutput:
    """What :func:`run` produced: the tables, the written files and warnings."""

    tables: dict[str, pd.DataFrame]
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)


def analyze_corpus(
    corpus: Corpus,
    nlp=None,
    *,
    codebook=None,
    gazetteer: Gazetteer | None = None,
    n_process: int = 1,
    cache=None,
    with_sentiment: bool = True,
    progress: bool | None = None,
    terms=None,
) -> Iterator[DocResult]:
    """Stream :class:`DocResult` objects, one per document, in corpus order.

    ``terms`` (an :class:`analysis.stats.VoiceTerms`) pools each Doc's term
    frequencies by voice before the Doc is dropped (for the keyness table).
    """
    from .codebook import load_codebook

    gazetteer = gazetteer or load_gazetteer()
    nlp = nlp or make_nlp(actors=gazetteer)
    codebook = codebook or load_codebook()
    for doc in parse(corpus, nlp, n_process=n_process, cache=cache, progress=progress):
        meta = corpus[doc.user_data["doc_id"]].metadata if isinstance(corpus, Corpus) else None
        result = analyze_doc(doc, codebook=codebook, gazetteer=gazetteer, metadata=meta, with_sentiment=with_sentiment)
        if terms is not None:
            terms.add(doc, result.attributions)
        yield result


def _records(results: list[DocResult], name: str) -> list[dict]:
    return [rec for r in results for rec in getattr(r, name)]


def build_tables(
    results: list[DocResult],
    corpus: Corpus,
    *,
    codebook=None,
    with_sentiment: bool = True,
    terms=None,
) -> dict[str, pd.DataFrame]:
    """Assemble every output table from per-document records (``keyness`` when ``terms`` is given)."""
    from .attribution import attributions_frame
    from .mentions import actor_frame
    from .rhetoric import evidence_frame
    from .tables import cooccurrence, exposure_frame, feature_table

    docs = corpus.to_frame().drop(columns=["source"])
    counts = pd.DataFrame(
        [{"doc_id": r.doc_id, "n_tokens": r.n_tokens, "n_sentences": r.n_sentences} for r in results],
        columns=["doc_id", "n_tokens", "n_sentences"],
    )
    documents = docs.merge(counts, on="doc_id", how="left")
    evidence = evidence_frame(_records(results, "evidence"))
    exposure = exposure_frame(results)
    tables = {
        "documents": documents,
        "evidence": evidence,
        "features": feature_table(evidence, exposure, codebook=codebook),
        "cooccurrence": cooccurrence(evidence),
        "attributions": attributions_frame(_records(results, "attributions")),
        "actors": actor_frame(_records(results, "mentions")),
    }
    if with_sentiment:
        from .sentiment import sentiment_frame, summarize_sentiment

        sentiment = sentiment_frame(_records(results, "sentiment"))
        tables["sentiment"] = sentiment
        tables["sentiment_summary"] = summarize_sentiment(sentiment)
    if terms is not None:
        tables["keyness"] = terms.keyness()
    return tables


def _check_out(out: Path, corpus_root: Path) -> None:
    try:
        out_r, root_r = out.resolve(), corpus_root.resolve()
    except OSError as e:
        raise KitError(f"cannot resolve output folder: {e}", path=out) from None
    root_dir = root_r if corpus_root.is_dir() else root_r.parent
    if out_r == root_dir or root_dir in out_r.parents:
        raise KitError("the output folder is inside the corpus folder; choose another --out "
                       "(the kit never writes into a corpus)", path=out)
    if out.exists() and not out.is_dir():
        raise KitError("--out exists and is not a folder", path=out)


def run(
    path: str | os.PathLike | None,
    out: str | os.PathLike,
    *,
    codebook: str | os.PathLike | None = None,
    actors: str | os.PathLike | None = None,
    model: str = "rules",
    n_process: int = 1,
    figures: str | os.PathLike | None = None,
    cache=None,
    encoding: str | None = None,
    skip_bad: bool = False,
    with_sentiment: bool = True,
    progress: bool | None = None,
) -> RunOutput:
    """Analyse a corpus and write every table (and, with ``figures``, every figure).

    Writes into ``out``: one CSV per entry of :data:`TABLES` and ``run.json``
    (package version, pipeline, codebook id/version/sha256, gazetteer, corpus
    hash). Files are replaced atomically; nothing else in ``out`` is touched.
    """
    from . import __version__
    from .codebook import load_codebook

    if n_process < 1:
        raise KitError(f"--n-process must be a positive integer; got {n_process}")
    from .paths import BUNDLED_CORPUS

    root = Path(path) if path is not None else BUNDLED_CORPUS
    out = Path(out)
    corpus = load_corpus(root, encoding=encoding, skip_bad=skip_bad)
    _check_out(out, root)
    if figures is not None:
        _check_out(Path(figures), root)
    cb = load_codebook(codebook)
    gazetteer = load_gazetteer(actors)
    nlp = make_nlp(model, actors=gazetteer)
    from .stats import VoiceTerms

    terms = VoiceTerms()  # quoted speech vs narration, for keyness.csv and its figure
    results = list(
        analyze_corpus(corpus, nlp, codebook=cb, gazetteer=gazetteer, n_process=n_process,
                       cache=cache, with_sentiment=with_sentiment, progress=progress, terms=terms)
    )
    tables = build_tables(results, corpus, codebook=cb, with_sentiment=with_sentiment, terms=terms)
    info = {
        "package": "discourse-kit",
        "version": __version__,
        "spacy": spacy.__version__,
        "python": platform.python_version(),
        "pipeline": {"model": model, "components": list(nlp.pipe_names)},
        "codebook": {"id": cb.id, "version": cb.version, "sha256": cb.sha256, "path": _display(cb.path)},
        "gazetteer": {"id": gazetteer.id, "version": gazetteer.version, "sha256": gazetteer.sha256},
        "corpus": {"path": _display(root), "n_documents": len(corpus), "sha256": corpus.hash(),
                   "skipped": corpus.skipped},
        "tables": {name: f"{name}.csv" for name in tables},
    }
    warnings = [*corpus.skipped, *corpus.warnings, *(w for r in results for w in r.warnings)]
    with transaction():  # all files replaced at the end, or none if anything fails
        files = [write_csv(frame, out / f"{name}.csv") for name, frame in tables.items()]
        if figures is not None:
            from .plots import save_all_figures

            files += save_all_figures(tables, figures, info=info)
            info["figures"] = sorted(p.name for p in files if p.parent == Path(figures))
        files.append(write_json(info, out / "run.json"))
    return RunOutput(tables=tables, files=files, warnings=warnings, info=info)


def _display(path) -> str:
    from .paths import PROJECT_DIR

    p = Path(path)
    try:
        return p.resolve().relative_to(PROJECT_DIR).as_posix()
    except (ValueError, OSError):
        return p.name
