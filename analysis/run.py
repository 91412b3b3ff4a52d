"""The main job: corpus in, every table (and figure) out.

:func:`run` loads a corpus, parses it (cached), analyses each document as it
streams past (:func:`analysis.analyze.analyze_doc`), then builds the tidy
tables from the collected records and writes them atomically into ``out``.
Nothing under the corpus folder is ever written.
"""
from __future__ import annotations

import gc
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import spacy

from .actors import Gazetteer, load_gazetteer
from .analyze import DocResult, analyze_doc
from .corpus import Corpus, Document, load_corpus
from .errors import KitError
from .io import transaction, write_csv, write_json
from .pipeline import make_nlp, parse

__all__ = ["run", "analyze_corpus", "build_tables", "TableBuilder", "RunOutput", "TABLES"]

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
    corpus: Corpus | Iterable[Document],
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

    Each document is parsed and analysed once and dropped; its records are
    cached on disk (:class:`analysis.cache.RecordCache`), so a re-run with the
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
        terms: an :class:`analysis.stats.VoiceTerms` that pools each
            document's term frequencies by voice (for the keyness table).
    """
    from .codebook import load_codebook

    if n_process < 1:
        raise KitError(f"n_process must be a positive integer; got {n_process}")
    gazetteer = gazetteer or load_gazetteer()
    nlp = nlp or make_nlp(actors=gazetteer)
    codebook = codebook or load_codebook()
    documents = list(corpus)
    job = _Job(nlp, codebook, gazetteer, with_sentiment=with_sentiment,
               terms_by=getattr(terms, "by", None) if terms is not None else None, cache=cache)
    if progress is None:
        progress = len(documents) > 20 and sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(documents), desc="analysing", unit="doc")
    try:
        for result in _stream(job, documents, n_process):
            if terms is not None and result.terms:
                terms.quoted.update(result.terms.get("quoted", {}))
                terms.narration.update(result.terms.get("narration", {}))
                result.terms = {}  # pooled: not kept twice
            if bar:
                bar.update(1)
            yield result
    finally:
        if bar:
            bar.close()


# --------------------------------------------------------------------------- the engine

#: A chunk of work sent to one worker: at most this many documents / characters.
CHUNK_DOCS = 32
CHUNK_CHARS = 120_000


class _Job:
    """Everything a process needs to analyse documents; built once per process."""

    def __init__(self, nlp, codebook, gazetteer, *, with_sentiment: bool, terms_by: str | None, cache) -> None:
        from .cache import RecordCache, analysis_fingerprint, cache_dir

        self.nlp, self.codebook, self.gazetteer = nlp, codebook, gazetteer
        self.with_sentiment, self.terms_by = with_sentiment, terms_by
        folder = cache_dir(cache)
        fingerprint = analysis_fingerprint(nlp, codebook, gazetteer, with_sentiment=with_sentiment,
                                           terms_by=terms_by) if folder else None
        self.records = RecordCache(folder, fingerprint) if fingerprint else None
        # Parsed Docs are cached only where parsing is the expensive part (a
        # trained model). The rule-based pipeline parses faster than a cached
        # Doc is written and read back; its re-runs are served by the records.
        self.parse_cache = folder if folder and not _is_rules(nlp) else False

    def analyze(self, items: list[tuple[Document, str | None]]) -> list[DocResult | bytes]:
        """Parse and analyse a chunk; each result is cached and returned (encoded when cacheable)."""
        from .cache import encode_result

        out: list[DocResult | bytes] = []
        docs = parse([d for d, _ in items], self.nlp, cache=self.parse_cache, progress=False)
        for doc, (document, key) in zip(docs, items, strict=True):
            result = analyze_doc(doc, codebook=self.codebook, gazetteer=self.gazetteer,
                                 metadata=document.metadata, with_sentiment=self.with_sentiment,
                                 terms_by=self.terms_by)
            data = encode_result(result) if key is not None or _IN_WORKER else None
            if data is not None and key is not None:
                self.records.save(key, data)
            out.append(data if data is not None and _IN_WORKER else result)  # bytes travel faster
        return out


def _is_rules(nlp) -> bool:
    return nlp.meta.get("discourse_kit", {}).get("model") == "rules"


_WORKER_JOB: _Job | None = None  # the job of this worker process (inherited on fork)
_IN_WORKER = False


def _init_worker(job: _Job | None) -> None:
    global _WORKER_JOB, _IN_WORKER
    if job is not None:  # spawn: the job was sent pickled
        _WORKER_JOB = job
    _IN_WORKER = True


def _analyze_in_worker(items: list[tuple[Document, str | None]]) -> list[DocResult | bytes]:
    assert _WORKER_JOB is not None
    return _WORKER_JOB.analyze(items)


def _chunks(items: list[tuple[Document, str | None]]) -> Iterator[list[tuple[Document, str | None]]]:
    chunk: list[tuple[Document, str | None]] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item[0].text)
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _stream(job: _Job, documents: list[Document], n_process: int) -> Iterator[DocResult]:
    """Results in corpus order: cached ones read here, the others computed in chunks."""
    global _WORKER_JOB
    keys = [job.records.key(d) for d in documents] if job.records else [None] * len(documents)
    cached = [key is not None and job.records.path(key).exists() for key in keys]
    todo = [(d, k) for d, k, hit in zip(documents, keys, cached) if not hit]
    pool = None
    if n_process > 1 and len(todo) > 1:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        _WORKER_JOB = job
        gc.freeze()  # forked workers then never touch (and copy) the parent's objects when collecting
        try:
            pool = ctx.Pool(min(n_process, len(todo)), initializer=_init_worker,
                            initargs=(None if ctx.get_start_method() == "fork" else job,))
        finally:
            gc.unfreeze()
        computed = pool.imap(_analyze_in_worker, _chunks(todo))
    else:
        computed = map(job.analyze, _chunks(todo))
    try:
        chunk: Iterator[DocResult | bytes] = iter(())
        for document, key, hit in zip(documents, keys, cached):
            if hit:
                result = job.records.load(key)
                if result is None:  # vanished or damaged since we looked: compute it here
                    result = _as_result(job.analyze([(document, key)])[0])
            else:
                item = next(chunk, None)
                if item is None:
                    chunk = iter(next(computed))
                    item = next(chunk)
                result = _as_result(item)
            yield result
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _WORKER_JOB = None


def _as_result(item: DocResult | bytes) -> DocResult:
    from .cache import decode_result

    return decode_result(item) if isinstance(item, bytes) else item


#: Per-document record lists that become tables: record field -> frame builder.
_FRAMES = {
    "evidence": ("rhetoric", "evidence_frame"),
    "attributions": ("attribution", "attributions_frame"),
    "mentions": ("mentions", "actor_frame"),
    "sentiment": ("sentiment", "sentiment_frame"),
}


def _frame_function(name: str):
    import importlib

    module, function = _FRAMES[name]
    return getattr(importlib.import_module(f".{module}", __package__), function)


class TableBuilder:
    """Turns a stream of :class:`DocResult` into table pieces, in bounded memory.

    Records are buffered for a few thousand rows, then converted with the
    table's own frame function (``evidence_frame``, ``attributions_frame``,
    ``actor_frame``, ``sentiment_frame``); the pieces are concatenated once at
    the end. Buffers are flushed only between documents, so every document's
    records stay in one piece (``actor_frame`` counts per document). The
    documents are kept without their records (ids, counts, voice tokens and
    warnings), enough for the documents and exposure tables.
    """

    def __init__(self, *, flush_rows: int = 20_000) -> None:
        self.results: list[DocResult] = []  # slim: records dropped
        self.warnings: list[str] = []
        self._flush_rows = flush_rows
        self._buffers: dict[str, list[dict]] = {name: [] for name in _FRAMES}
        self._pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in _FRAMES}
        self._seen: set[str] = set()
        self._chunked = True  # a repeated doc_id keeps everything in one piece

    def add(self, result: DocResult) -> None:
        """Take one document's records."""
        if result.doc_id in self._seen:
            self._chunked = False
        self._seen.add(result.doc_id)
        for name, buffer in self._buffers.items():
            buffer.extend(getattr(result, name))
        self.warnings.extend(result.warnings)
        self.results.append(DocResult(doc_id=result.doc_id, n_tokens=result.n_tokens, n_sentences=result.n_sentences,
                                      voice_tokens=result.voice_tokens, warnings=result.warnings))
        if self._chunked and max(len(b) for b in self._buffers.values()) >= self._flush_rows:
            self._flush()

    def _flush(self) -> None:
        for name, buffer in self._buffers.items():
            if buffer:
                self._pieces[name].append(_frame_function(name)(buffer))
                self._buffers[name] = []

    def frame(self, name: str) -> pd.DataFrame:
        """The whole table of one record kind (``evidence``, ``attributions``, ``mentions``, ``sentiment``)."""
        self._flush()
        pieces = [p for p in self._pieces[name] if len(p)]
        if not pieces:
            return _frame_function(name)([])
        if len(pieces) == 1:
            return pieces[0]
        frame = pd.concat(pieces, ignore_index=True)
        self._pieces[name] = [frame]
        return frame


def build_tables(
    results: Iterable[DocResult] | TableBuilder,
    corpus: Corpus,
    *,
    codebook=None,
    with_sentiment: bool = True,
    terms=None,
) -> dict[str, pd.DataFrame]:
    """Assemble every output table from per-document records (``keyness`` when ``terms`` is given).

    ``results`` may be a stream (e.g. :func:`analyze_corpus` itself): records
    are turned into table pieces as they arrive (:class:`TableBuilder`), so
    memory grows with the tables, not with every record of the corpus.
    """
    from .tables import cooccurrence, exposure_frame, feature_table

    if isinstance(results, TableBuilder):
        builder = results
    else:
        builder = TableBuilder()
        for result in results:
            builder.add(result)
    slim = builder.results
    docs = corpus.to_frame().drop(columns=["source"])
    counts = pd.DataFrame(
        [{"doc_id": r.doc_id, "n_tokens": r.n_tokens, "n_sentences": r.n_sentences} for r in slim],
        columns=["doc_id", "n_tokens", "n_sentences"],
    )
    documents = docs.merge(counts, on="doc_id", how="left")
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
        from .sentiment import summarize_sentiment

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
    builder = TableBuilder()  # records become table pieces as documents stream past
    for result in analyze_corpus(corpus, nlp, codebook=cb, gazetteer=gazetteer, n_process=n_process, cache=cache,
                                 with_sentiment=with_sentiment, progress=progress, terms=terms):
        builder.add(result)
    tables = build_tables(builder, corpus, codebook=cb, with_sentiment=with_sentiment, terms=terms)
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
    warnings = [*corpus.skipped, *corpus.warnings, *builder.warnings]
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
