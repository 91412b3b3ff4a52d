"""The engine behind :func:`analysis.app.run.analyze_corpus`: cached, chunked, parallel.

* **Records cache.** Each document's records are stored on disk
  (:class:`analysis.app.records.RecordCache`); a warm re-run reads them and neither
  parses nor extracts.
* **Chunks.** Documents that are not cached are analysed in chunks of
  consecutive documents: one ``nlp.pipe`` call, then
  :func:`analysis.extract.analyze.analyze_doc` per Doc; each Doc is dropped as soon as
  its records are taken (never every Doc at once).
* **Processes.** With ``n_process > 1`` a pool of worker processes analyses
  the chunks (forked: each inherits the pipeline, codebook and gazetteer
  already built; elsewhere they are sent once per worker). Results come back
  in corpus order, identical to one process. When the stream goes straight
  into the tables (:meth:`ResultStream.into`), the workers also turn their
  chunk's records into table pieces, so the main process only concatenates.
* **Tables in pieces.** :class:`TableBuilder` converts records into table
  pieces a few thousand rows at a time, so memory grows with the tables, not
  with every record of the corpus.
* **Bad documents.** A document whose parse or analysis raises is left out
  and reported with its id and the error: the run stops with that line, or,
  with ``skip_bad``, goes on and lists it (:attr:`ResultStream.failed`).
* **Other executors.** An executor object (the Dask engine,
  :class:`analysis.app.dask_engine.DaskEngine`) can analyse the uncached
  documents instead of this module's processes: it is given partitions of
  consecutive documents and returns one :class:`PartitionResult` per
  partition, in order, made by :meth:`Job.partition` on its workers.
"""
from __future__ import annotations

import gc
import sys
from collections import Counter
from typing import Iterator, NamedTuple

import pandas as pd

from ..corpus.documents import Document
from ..errors import KitError, one_line
from ..extract.analyze import DocResult, analyze_doc
from ..nlp.doccache import cache_dir
from ..nlp.pipeline import parse
from ..tables.frames import actor_frame, attributions_frame, evidence_frame, sentiment_frame
from .records import RecordCache, analysis_fingerprint, decode_result, encode_result

__all__ = ["ResultStream", "TableBuilder", "Job", "PartitionResult", "CHUNK_DOCS", "CHUNK_CHARS", "failure_message"]

#: A chunk of work: at most this many documents / characters (one worker task).
CHUNK_DOCS = 32
CHUNK_CHARS = 120_000

# --------------------------------------------------------------------------- tables in pieces

#: Per-document record lists that become tables: record field -> frame function.
FRAMES = {
    "evidence": evidence_frame,
    "attributions": attributions_frame,
    "mentions": actor_frame,
    "sentiment": sentiment_frame,
}


def frame_function(name: str):
    """The function that turns records of kind ``name`` into its table."""
    return FRAMES[name]


def _slim(result: DocResult) -> DocResult:
    return DocResult(doc_id=result.doc_id, n_tokens=result.n_tokens, n_sentences=result.n_sentences,
                     voice_tokens=result.voice_tokens, warnings=result.warnings, skipped_rules=result.skipped_rules)


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
        self.failed: list[tuple[str, str]] = []  # (doc_id, error) of documents left out
        self._flush_rows = flush_rows
        self._buffers: dict[str, list[dict]] = {name: [] for name in FRAMES}
        self._pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in FRAMES}
        self._seen: set[str] = set()
        self._chunked = True  # a repeated doc_id keeps everything in one piece
        self._stored = 0  # documents whose records are in stored pieces

    def _note(self, result: DocResult) -> None:
        if result.doc_id in self._seen:
            self._chunked = False
        self._seen.add(result.doc_id)
        self.warnings.extend(result.warnings)
        self.results.append(_slim(result))

    def add(self, result: DocResult) -> None:
        """Take one document's records."""
        self._note(result)
        for name, buffer in self._buffers.items():
            buffer.extend(getattr(result, name))
        if self._chunked and max(len(b) for b in self._buffers.values()) >= self._flush_rows:
            self._flush()

    def add_pieces(self, results: list[DocResult], frames: dict[str, pd.DataFrame]) -> None:
        """Take table pieces already built (by a worker) for the documents ``results``, in order."""
        self._flush()  # what came before stays before
        for result in results:
            self._note(result)
        self._store(frames)

    def _flush(self) -> None:
        if len(self.results) > self._stored or any(self._buffers.values()):
            frames = {name: frame_function(name)(buffer) for name, buffer in self._buffers.items() if buffer}
            self._buffers = {name: [] for name in FRAMES}
            self._store(frames)

    def _store(self, frames: dict[str, pd.DataFrame]) -> None:
        """Keep the pieces of the documents taken since the last call (a subclass may keep them elsewhere)."""
        for name, frame in frames.items():
            self._pieces[name].append(frame)
        self._stored = len(self.results)

    def pieces(self) -> dict[str, pd.DataFrame]:
        """The records taken so far as one table piece per kind (empty kinds left out); then empty."""
        self._flush()
        out = {name: self.frame(name) for name, pieces in self._pieces.items() if any(len(p) for p in pieces)}
        self._pieces = {name: [] for name in FRAMES}
        return out

    def frame(self, name: str) -> pd.DataFrame:
        """The whole table of one record kind (``evidence``, ``attributions``, ``mentions``, ``sentiment``)."""
        self._flush()
        pieces = [p for p in self._pieces[name] if len(p)]
        if not pieces:
            return frame_function(name)([])
        if len(pieces) == 1:
            return pieces[0]
        frame = pd.concat(pieces, ignore_index=True)
        self._pieces[name] = [frame]
        return frame


# --------------------------------------------------------------------------- one process's work


class PartitionResult(NamedTuple):
    """Consecutive documents analysed by a worker (a process of the pool, or a Dask worker)."""

    results: list[DocResult]  # slim (records dropped) with table pieces; else full
    frames: dict[str, pd.DataFrame] | None  # table pieces of the documents, or None
    quoted: Counter | None  # pooled keyness terms, in document order (with pieces)
    narration: Counter | None
    failed: list[tuple[str, str]]  # (doc_id, error) of the documents whose analysis raised
    encoded: list  # per result: its records as bytes (for the driver's cache), or None


def failure_message(error: BaseException) -> str:
    """One line for a document whose analysis raised."""
    if isinstance(error, KitError):
        return one_line(error)
    return f"{type(error).__name__}: {one_line(error)}"


class Job:
    """Everything a process needs to analyse documents; built once, inherited by forked workers."""

    def __init__(self, nlp, codebook, gazetteer, *, with_sentiment: bool, terms_by: str | None, cache) -> None:
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

    def compute(self, items: list[tuple[Document, str | None]], *, encode: bool = False,
                failed: list[tuple[str, str]] | None = None):
        """Parse and analyse a chunk; yields ``(result, encoded or None)`` and caches each result.

        A document whose parse or analysis raises is left out and appended to
        ``failed`` as ``(doc_id, error)`` (the rest of the chunk is then
        analysed one document at a time); without ``failed`` the error is raised.
        """
        done = 0
        try:
            for result, data in self._compute(items, encode):
                done += 1
                yield result, data
            return
        except Exception as error:
            if failed is None or not isinstance(error, Exception):
                raise
        for item in items[done:]:  # find the bad document(s); analyse the others
            try:
                yield from self._compute([item], encode)
            except Exception as error:
                failed.append((item[0].doc_id, failure_message(error)))

    def _compute(self, items: list[tuple[Document, str | None]], encode: bool):
        docs = parse([d for d, _ in items], self.nlp, cache=self.parse_cache, progress=False)
        for doc, (document, key) in zip(docs, items, strict=True):
            result = analyze_doc(doc, codebook=self.codebook, gazetteer=self.gazetteer,
                                 metadata=document.metadata, with_sentiment=self.with_sentiment,
                                 terms_by=self.terms_by)
            data = encode_result(result) if key is not None or encode else None
            if data is not None and key is not None:
                self.records.save(key, data)
            yield result, data

    def run(self, items: list[tuple[Document, str | None]], pieces: bool = False) -> PartitionResult:
        """A chunk's results: DocResults (or their bytes in a worker), or table pieces."""
        failed: list[tuple[str, str]] = []
        if not pieces:
            results = [data if data is not None and _IN_WORKER else result  # bytes travel faster
                       for result, data in self.compute(items, encode=_IN_WORKER, failed=failed)]
            return PartitionResult(results, None, None, None, failed, [])
        return self._pieces(self.compute(items, failed=failed), failed, keep_encoded=False)

    def partition(self, documents: list[Document], *, pieces: bool = True, encode: bool = True) -> PartitionResult:
        """Analyse consecutive documents for a driver elsewhere (a Dask worker): nothing is cached here.

        With ``pieces``, the results are slim and come with their table pieces;
        else they are whole. ``encoded`` holds each result's records as bytes
        (for the driver's records cache) when ``encode`` is set.
        """
        failed: list[tuple[str, str]] = []
        computed = self.compute([(d, None) for d in documents], encode=encode, failed=failed)
        if pieces:
            return self._pieces(computed, failed, keep_encoded=encode)
        # whole results travel as their bytes where they can (faster to send than objects)
        results = [data if data is not None else result for result, data in computed]
        return PartitionResult(results, None, None, None, failed, [])

    def _pieces(self, computed, failed, *, keep_encoded: bool) -> PartitionResult:
        builder = TableBuilder(flush_rows=sys.maxsize)
        quoted: Counter | None = Counter() if self.terms_by else None
        narration: Counter | None = Counter() if self.terms_by else None
        encoded = []
        for result, data in computed:
            if quoted is not None and result.terms:
                quoted.update(result.terms.get("quoted", {}))
                narration.update(result.terms.get("narration", {}))
            result.terms = {}
            builder.add(result)
            if keep_encoded:
                encoded.append(data)
        return PartitionResult(builder.results, builder.pieces(), quoted, narration, failed, encoded)


def _is_rules(nlp) -> bool:
    return nlp.meta.get("discourse_kit", {}).get("model") == "rules"


_WORKER_JOB: Job | None = None  # the job of this worker process (inherited on fork)
_IN_WORKER = False


def _init_worker(job: Job | None) -> None:
    global _WORKER_JOB, _IN_WORKER
    if job is not None:  # spawn: the job was sent pickled
        _WORKER_JOB = job
    _IN_WORKER = True


def _run_in_worker(task: tuple[list[tuple[Document, str | None]], bool]):
    assert _WORKER_JOB is not None
    items, pieces = task
    return _WORKER_JOB.run(items, pieces)


def _cached(job: Job, document: Document, key: str, failed: list) -> Iterator[DocResult]:
    result = job.records.load(key)
    if result is not None:
        yield result
    else:  # vanished or damaged since we looked: compute it here
        for result, _ in job.compute([(document, key)], failed=failed):
            yield result


def _executor_stream(job: Job, documents: list[Document], executor, *, pieces: bool, failed: list):
    """Like :func:`_stream`, the uncached documents analysed by ``executor`` in partitions of consecutive ones."""
    segments = _partition_tasks(job, documents, executor.partition_words)
    tasks = [[d for d, _ in segment[1]] for segment in segments if segment[0] == "part"]
    computed = executor.stream(job, tasks, pieces=pieces, encode=job.records is not None)
    try:
        for segment in segments:
            if segment[0] == "hit":
                yield from _cached(job, segment[1], segment[2], failed)
                continue
            out = next(computed)
            failed.extend(out.failed)
            bad = {doc_id for doc_id, _ in out.failed}
            keys = [key for document, key in segment[1] if document.doc_id not in bad]
            stored = out.encoded if pieces else out.results
            if job.records is not None and len(stored) == len(keys):
                for key, data in zip(keys, stored):
                    if key is not None and isinstance(data, bytes):
                        job.records.save(key, data)
            if pieces:
                yield out._replace(encoded=[])
            else:
                for item in out.results:
                    yield _decoded(item)
    finally:
        computed.close()
        executor.close()  # a LocalCluster the executor started is stopped


def _decoded(item: DocResult | bytes) -> DocResult:
    return decode_result(item) if isinstance(item, bytes) else item


def _partition_tasks(job: Job, documents: list[Document], words: int):
    """Corpus order as ("hit", document, key) and ("part", [(document, key), ...]) segments for an executor."""
    segments: list[tuple] = []
    run: list[tuple[Document, str | None]] = []
    size = 0
    keys = [job.records.key(d) for d in documents] if job.records else [None] * len(documents)
    for document, key in zip(documents, keys):
        if key is not None and job.records.path(key).exists():
            if run:
                segments.append(("part", run))
                run, size = [], 0
            segments.append(("hit", document, key))
            continue
        run.append((document, key))
        size += len(document.text.split())
        if size >= words:
            segments.append(("part", run))
            run, size = [], 0
    if run:
        segments.append(("part", run))
    return segments


# --------------------------------------------------------------------------- the stream


class ResultStream:
    """The :class:`DocResult` of every document, in corpus order (an iterator).

    Returned by :func:`analysis.app.run.analyze_corpus`. Iterate it to get each
    document's records; or hand it, not yet started, to
    :func:`analysis.app.run.build_tables` (:meth:`into`), which lets worker
    processes build the table pieces too. A document whose analysis raised
    is not yielded: it is in :attr:`failed` ``(doc_id, error)`` with
    ``skip_bad``, else the stream raises a :class:`~analysis.errors.KitError`
    naming it.
    """

    def __init__(self, job: Job, documents: list[Document], *, n_process: int = 1, terms=None,
                 progress: bool | None = None, executor=None, skip_bad: bool = False) -> None:
        self.job, self.documents, self.n_process, self.terms = job, documents, n_process, terms
        self.executor, self.skip_bad = executor, skip_bad
        self.failed: list[tuple[str, str]] = []
        if progress is None:
            progress = len(documents) > 20 and sys.stderr.isatty()
        self.progress = progress
        self._iterator: Iterator[DocResult] | None = None

    def __iter__(self) -> "ResultStream":
        return self

    def __next__(self) -> DocResult:
        if self._iterator is None:
            self._iterator = self._results()
        return next(self._iterator)

    def close(self) -> None:
        """Stop early: worker processes are ended."""
        if self._iterator is not None:
            self._iterator.close()

    @property
    def started(self) -> bool:
        """Whether iteration has begun (then :meth:`into` takes only what is left)."""
        return self._iterator is not None

    def _bar(self):
        if not self.progress:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=len(self.documents), desc="analysing", unit="doc")

    def _pool(self, quoted, narration) -> None:
        if self.terms is not None:
            if quoted:
                self.terms.quoted.update(quoted)
            if narration:
                self.terms.narration.update(narration)

    def _check(self, known: int) -> None:
        """Stop on a new failure unless bad documents are skipped."""
        if len(self.failed) > known and not self.skip_bad:
            doc_id, error = self.failed[known]
            raise KitError(f"document {doc_id!r} could not be analysed: {error} "
                           "(--skip-bad skips it and analyses the rest)")

    def _items(self, pieces: bool):
        if self.executor is not None:
            return _executor_stream(self.job, self.documents, self.executor, pieces=pieces, failed=self.failed)
        return _stream(self.job, self.documents, self.n_process, pieces=pieces, failed=self.failed)

    def _results(self) -> Iterator[DocResult]:
        bar = self._bar()
        try:
            known = 0
            for result in self._items(False):
                self._check(known)
                known = len(self.failed)
                if result.terms:
                    self._pool(result.terms.get("quoted"), result.terms.get("narration"))
                    result.terms = {}  # pooled: not kept twice
                if bar:
                    bar.update(1)
                yield result
            self._check(known)
        finally:
            if bar:
                bar.close()

    def into(self, builder: TableBuilder) -> TableBuilder:
        """Feed every (remaining) document into ``builder``; returns it."""
        if self.started:
            for result in self:
                builder.add(result)
            builder.failed = list(self.failed)
            return builder
        ids = [d.doc_id for d in self.documents]
        pieces = (self.n_process > 1 or self.executor is not None) and len(set(ids)) == len(ids)
        self._iterator = iter(())  # consumed here
        bar = self._bar()
        known = 0
        try:
            for item in self._items(pieces):
                n = len(self.failed) - known
                self._check(known)
                known = len(self.failed)
                if isinstance(item, PartitionResult):
                    self._pool(item.quoted, item.narration)
                    builder.add_pieces(item.results, item.frames)
                    n += len(item.results)
                else:
                    if item.terms:
                        self._pool(item.terms.get("quoted"), item.terms.get("narration"))
                        item.terms = {}
                    builder.add(item)
                    n += 1
                if bar:
                    bar.update(n)
            self._check(known)
        finally:
            if bar:
                bar.close()
        builder.failed = list(self.failed)
        return builder


def _segments(job: Job, documents: list[Document], pieces: bool):
    """Corpus order as ("hit", document, key) and ("chunk", [(document, key), ...]) segments.

    A chunk holds consecutive uncached documents only, so results (and table
    pieces) come back in corpus order.
    """
    keys = [job.records.key(d) for d in documents] if job.records else [None] * len(documents)
    max_docs, max_chars = (CHUNK_DOCS * 2, CHUNK_CHARS * 2) if pieces else (CHUNK_DOCS, CHUNK_CHARS)
    segments: list[tuple] = []
    chunk: list[tuple[Document, str | None]] = []
    size = 0
    for document, key in zip(documents, keys):
        if key is not None and job.records.path(key).exists():
            if chunk:
                segments.append(("chunk", chunk))
                chunk, size = [], 0
            segments.append(("hit", document, key))
            continue
        chunk.append((document, key))
        size += len(document.text)
        if len(chunk) >= max_docs or size >= max_chars:
            segments.append(("chunk", chunk))
            chunk, size = [], 0
    if chunk:
        segments.append(("chunk", chunk))
    return segments


def _stream(job: Job, documents: list[Document], n_process: int, *, pieces: bool, failed: list):
    """DocResults (and, with ``pieces``, PartitionResult chunks) in corpus order; failures go to ``failed``."""
    global _WORKER_JOB
    segments = _segments(job, documents, pieces)
    tasks = [(s[1], pieces) for s in segments if s[0] == "chunk"]
    n_docs = sum(len(t[0]) for t in tasks)
    pool = None
    if n_process > 1 and n_docs > 1:
        import multiprocessing as mp

        mp_context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        _WORKER_JOB = job
        gc.freeze()  # forked workers then never touch (and copy) the parent's objects when collecting
        try:
            pool = mp_context.Pool(min(n_process, n_docs), initializer=_init_worker,
                            initargs=(None if mp_context.get_start_method() == "fork" else job,))
        finally:
            gc.unfreeze()
        computed = pool.imap(_run_in_worker, tasks)
    else:
        computed = (job.run(items, False) for items, _ in tasks)  # in-process: no pieces needed
    try:
        for segment in segments:
            if segment[0] == "hit":
                _, document, key = segment
                yield from _cached(job, document, key, failed)
                continue
            out = next(computed)
            failed.extend(out.failed)
            if out.frames is not None:
                yield out
            else:
                for item in out.results:
                    yield _decoded(item)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _WORKER_JOB = None
