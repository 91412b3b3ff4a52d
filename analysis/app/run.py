"""The main job: corpus in, every table (and figure) out.

:func:`run` loads a corpus, analyses each document as it streams past
(:func:`analyze_corpus`: cached, chunked and optionally parallel, see
:mod:`analysis.app.engine`; or on a Dask cluster, :mod:`analysis.app.dask_engine`),
builds the tidy tables from the records in pieces (:func:`build_tables`; for
a large corpus streamed through a spool folder, :mod:`analysis.app.outputs`)
and writes them atomically into ``out`` as CSV or Parquet. Nothing under the
corpus folder is ever written.
"""
from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import spacy

from .._version import __version__
from ..corpus.documents import Corpus, Document
from ..corpus.loading import load_corpus
from ..errors import KitError, one_line
from ..extract.analyze import DocResult
from ..extract.codebook import Codebook, load_codebook
from ..io import savepoint, sweep_temporary, transaction, write_csv, write_json
from ..nlp.gazetteer import Gazetteer, load_gazetteer
from ..nlp.pipeline import make_nlp
from ..paths import BUNDLED_CORPUS, PROJECT_DIR
from ..plots.save import save_all_figures
from ..tables.features import cooccurrence, feature_table
from ..tables.frames import documents_frame, exposure_frame
from ..tables.stats import VoiceTerms
from ..tables.summaries import summarize_sentiment
from .checks import check_pipeline_supports
from .dask_engine import DEFAULT_PARTITION_WORDS, DaskEngine
from .engine import Job, ResultStream, TableBuilder
from .outputs import (
    FORMATS,
    STREAM_WORDS,
    SpoolingTableBuilder,
    StreamedTables,
    check_format,
    load_results,
    prune_previous_tables,
    remove_spool,
    spool_folder,
    table_schema,
    write_tables,
)

__all__ = ["run", "analyze_corpus", "build_tables", "TableBuilder", "ResultStream", "RunOutput", "TABLES", "ENGINES",
           "load_results"]

#: Where documents are analysed: ``local`` (this machine's processes) or ``dask`` (a Dask cluster).
ENGINES = ("local", "dask")

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

    tables: Mapping[str, pd.DataFrame]
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)


def analyze_corpus(
    corpus: Corpus | Iterable[Document],
    nlp=None,
    *,
    codebook: Codebook | None = None,
    gazetteer: Gazetteer | None = None,
    n_process: int = 1,
    cache=None,
    with_sentiment: bool = True,
    progress: bool | None = None,
    terms=None,
    engine: str = "local",
    scheduler: str | None = None,
    partition_words: int | None = None,
    n_workers: int | None = None,
    skip_bad: bool = False,
) -> ResultStream:
    """Stream :class:`DocResult` objects, one per document, in corpus order.

    Each document is parsed and analysed once and dropped; its records are
    cached on disk (:class:`analysis.app.records.RecordCache`), so a re-run with the
    same text, pipeline, codebook, gazetteer and kit version neither parses
    nor extracts. With ``n_process > 1`` chunks of documents are analysed by a
    pool of worker processes (each builds nothing twice: it inherits or
    rebuilds the pipeline and codebook once); the results are identical and in
    the same order as with one process.

    Args:
        corpus: documents to analyse.
        nlp: the pipeline (default: :func:`make_nlp` with ``gazetteer``).
        codebook, gazetteer: default: the bundled ones.
        n_process: worker processes for parsing *and* analysis.
        cache: a folder, ``False`` to disable, or ``None`` for ``.cache/``
            (or ``$DISCOURSE_KIT_CACHE``).
        with_sentiment: also score sentence sentiment (the slowest extractor).
        progress: show a progress bar (default: on a terminal, > 20 documents).
        terms: an :class:`analysis.tables.stats.VoiceTerms` that pools each
            document's term frequencies by voice (for the keyness table).
        engine: ``"local"`` (default) or ``"dask"``: the uncached documents are
            analysed on a Dask cluster (:mod:`analysis.app.dask_engine`), in
            partitions of about ``partition_words`` words; the results are the same.
        scheduler: the Dask scheduler's address; ``None`` starts a
            ``LocalCluster`` of ``n_workers`` processes (default: one per core)
            on 127.0.0.1 for the duration of the stream.
        skip_bad: a document whose analysis raises is left out and listed in
            the stream's ``failed`` instead of stopping the run.

    Returns:
        A :class:`analysis.app.engine.ResultStream`: iterate it, or pass it to
        :func:`build_tables` directly (then workers also build the tables).

    Raises:
        KitError: ``n_process`` is not a positive integer, or an unknown engine.
    """
    if not isinstance(n_process, int) or n_process < 1:
        raise KitError(f"n_process must be a positive integer; got {n_process!r}")
    if engine not in ENGINES:
        raise KitError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine != "dask" and (scheduler is not None or partition_words is not None or n_workers is not None):
        raise KitError("--scheduler, --partition-words and --workers need --engine dask")
    gazetteer = gazetteer or load_gazetteer()
    nlp = nlp or make_nlp(actors=gazetteer)
    codebook = codebook or load_codebook()
    job = Job(nlp, codebook, gazetteer, with_sentiment=with_sentiment,
              terms_by=getattr(terms, "by", None) if terms is not None else None, cache=cache)
    executor = None
    if engine == "dask":
        executor = DaskEngine(scheduler, n_workers=n_workers, model=_model_name(nlp),
                              partition_words=DEFAULT_PARTITION_WORDS if partition_words is None else partition_words)
    return ResultStream(job, list(corpus), n_process=n_process, terms=terms, progress=progress, executor=executor,
                        skip_bad=skip_bad)


def _model_name(nlp) -> str:
    """The name :func:`make_nlp` builds ``nlp`` from (``rules`` or a spaCy package)."""
    kit = nlp.meta.get("discourse_kit", {})
    if kit.get("model"):
        return str(kit["model"])
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '')}"


def build_tables(
    results: Iterable[DocResult] | TableBuilder,
    corpus: Corpus,
    *,
    codebook=None,
    with_sentiment: bool = True,
    terms=None,
) -> dict[str, pd.DataFrame]:
    """Assemble every output table from per-document records (``keyness`` when ``terms`` is given).

    ``results`` may be a stream, best :func:`analyze_corpus` itself: records
    are turned into table pieces as they arrive (:class:`TableBuilder`; with
    ``n_process > 1`` the worker processes build the pieces), so memory grows
    with the tables, not with every record of the corpus.
    """
    if isinstance(results, TableBuilder):
        builder = results
    elif isinstance(results, ResultStream):
        builder = results.into(TableBuilder())
    else:
        builder = TableBuilder()
        for result in results:
            builder.add(result)
    slim = builder.results
    if builder.failed:  # documents whose analysis failed (skipped) are not in any table
        failed = {doc_id for doc_id, _ in builder.failed}
        corpus = Corpus([d for d in corpus if d.doc_id not in failed])
    documents = documents_frame(corpus, slim)
    evidence = builder.frame("evidence")
    exposure = exposure_frame(slim)
    tables = {
        "documents": documents,
        "evidence": evidence,
        "features": feature_table(evidence, exposure, codebook=codebook),
        "cooccurrence": cooccurrence(evidence),
        "attributions": builder.frame("attributions"),
        "actors": builder.frame("mentions"),
    }
    if with_sentiment:
        sentiment = builder.frame("sentiment")
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
    # a folder corpus is protected as a whole; a single-file corpus is just that file
    # (`run statement.txt --out results` beside it is fine)
    if corpus_root.is_dir() and (out_r == root_r or root_r in out_r.parents):
        raise KitError("the output folder is inside the corpus folder; choose another --out "
                       "(the kit never writes into a corpus)", path=out)
    if out.exists() and not out.is_dir():
        raise KitError("--out exists and is not a folder", path=out)
    if out_r == Path(out_r.anchor) or out_r == Path.home().resolve():
        raise KitError("refusing to write results into the root or home folder; choose a folder of its own "
                       "(e.g. --out results)", path=out)


def run(
    path: str | os.PathLike | Sequence[str | os.PathLike] | None,
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
    engine: str = "local",
    scheduler: str | None = None,
    partition_words: int | None = None,
    n_workers: int | None = None,
    format: str = "csv",
) -> RunOutput:
    """Analyse a corpus and write every table (and, with ``figures``, every figure).

    Writes into ``out``: one file per entry of :data:`TABLES` (``.csv``, or
    ``.parquet`` with ``format="parquet"``) and ``run.json`` (package version,
    pipeline, codebook id/version/sha256, gazetteer, corpus hash, engine, each
    table's columns and dtypes). Files are replaced atomically; nothing else
    in ``out`` is touched. ``engine="dask"`` analyses the documents on a Dask
    cluster (``scheduler``: its address; none: a ``LocalCluster`` of
    ``n_workers`` processes on this machine): the tables are the same, byte for
    byte. A corpus of :data:`~analysis.app.outputs.STREAM_WORDS` words or more
    has its tables streamed through a spool folder (in ``$TMPDIR``), so memory
    stays bounded; ``RunOutput.tables`` then reads each table from ``out`` when
    asked for it. With ``skip_bad``, unreadable files and documents whose
    analysis fails are skipped and listed (``run.json``: ``corpus.skipped``).

    ``path`` may be several folders or files (a list): their documents are
    analysed as one corpus, in the order given; a doc_id found in two of them
    is an error naming both files.
    All files are replaced together or not at all (:func:`analysis.io.transaction`);
    a table of the previous run that this run does not write is removed
    (:func:`~analysis.app.outputs.prune_previous_tables`); a figure that fails is a
    warning, the tables are still written.
    """
    if n_process < 1:
        raise KitError(f"--n-process must be a positive integer; got {n_process}")
    check_format(format)
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    if not paths:
        raise KitError("no corpus path given")
    roots = [Path(p) if p is not None else BUNDLED_CORPUS for p in paths]
    out = Path(out)
    corpus = load_corpus(roots[0], encoding=encoding, skip_bad=skip_bad)
    for more in roots[1:]:
        corpus = corpus + load_corpus(more, encoding=encoding, skip_bad=skip_bad)  # duplicates: CorpusError
    for root in roots:
        _check_out(out, root)
        if figures is not None:
            _check_out(Path(figures), root)
    loaded_codebook = load_codebook(codebook)
    gazetteer = load_gazetteer(actors)
    nlp = make_nlp(model, actors=gazetteer)
    check_pipeline_supports(loaded_codebook, nlp)  # a POS rule on the rule-based pipeline: one line, not E155
    terms = VoiceTerms()  # quoted speech vs narration, for keyness.csv and its figure
    stream = analyze_corpus(corpus, nlp, codebook=loaded_codebook, gazetteer=gazetteer, n_process=n_process,
                            cache=cache, with_sentiment=with_sentiment, progress=progress, terms=terms,
                            engine=engine, scheduler=scheduler, partition_words=partition_words,
                            n_workers=n_workers, skip_bad=skip_bad)
    ids = [d.doc_id for d in corpus]
    streamed = len(set(ids)) == len(ids) and sum(len(d.text.split()) for d in corpus) >= STREAM_WORDS
    spool = spool_folder() if streamed else None
    try:
        # records become table pieces as documents stream past (into a spool folder for a large corpus)
        builder = stream.into(SpoolingTableBuilder(spool) if spool else TableBuilder())
        if spool:
            tables = StreamedTables(builder, corpus, codebook=loaded_codebook, with_sentiment=with_sentiment,
                                    terms=terms)
        else:
            tables = build_tables(builder, corpus, codebook=loaded_codebook, with_sentiment=with_sentiment,
                                  terms=terms)
        skipped = [*corpus.skipped, *(f"{doc_id}: analysis failed: {error}" for doc_id, error in builder.failed)]
        info = {
            "package": "discourse-kit",
            "version": __version__,
            "spacy": spacy.__version__,
            "python": platform.python_version(),
            "pipeline": {"model": model, "components": list(nlp.pipe_names)},
            "codebook": {"id": loaded_codebook.id, "version": loaded_codebook.version,
                         "sha256": loaded_codebook.sha256, "path": _display(loaded_codebook.path),
                         # rules left out of a document: their REGEX ran past its time budget there
                         "rules_skipped": {r.doc_id: r.skipped_rules for r in builder.results if r.skipped_rules}},
            "gazetteer": {"id": gazetteer.id, "version": gazetteer.version, "sha256": gazetteer.sha256},
            "corpus": {"path": " + ".join(_display(r) for r in roots), "n_documents": len(corpus) - len(builder.failed),
                       "sha256": corpus.hash(), "skipped": skipped},
            "tables": {name: f"{name}{FORMATS[format]}" for name in tables},
            "columns": table_schema(tables),
        }
        warnings = [*skipped, *corpus.warnings, *builder.warnings]
        with transaction():  # all files replaced at the end, or none if anything fails
            files = write_tables(tables, out, format, csv_writer=write_csv)  # looked up here at each run
            prune_previous_tables(out, files, known=TABLES)  # out holds exactly this run's tables (issue 17)
            if figures is not None:
                sweep_temporary(figures)
                try:  # a figure that cannot be drawn must not cost the tables
                    with savepoint():
                        figure_files = save_all_figures(tables, figures, info=info)
                except Exception as e:  # noqa: BLE001 - reported, the tables are still written
                    warnings.append(f"figures not written ({type(e).__name__}: {one_line(e)}); the tables were")
                    figure_files = []
                files += figure_files
                info["figures"] = sorted(p.name for p in figure_files)
            files.append(write_json(info, out / "run.json"))
    finally:
        if spool:
            remove_spool(spool)
    if spool:
        tables = _TablesOnDisk(out, info)
    return RunOutput(tables=tables, files=files, warnings=warnings, info=info)


class _TablesOnDisk(Mapping):
    """The tables of a streamed run: each is read from ``out`` when asked for (bounded memory until then)."""

    def __init__(self, out: Path, info: dict) -> None:
        self.out, self.info = out, info

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.info["tables"]:
            raise KeyError(name)
        return load_results(self.out, only=[name])[name]

    def __iter__(self):
        return iter(self.info["tables"])

    def __len__(self) -> int:
        return len(self.info["tables"])


def _display(path) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(PROJECT_DIR).as_posix()
    except (ValueError, OSError):
        return p.name
