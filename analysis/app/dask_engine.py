"""The Dask engine: the same analysis on a Dask cluster, the same tables byte for byte.

``run(..., engine="dask")`` / ``discourse-kit run PATH --engine dask``:

* **Partitions.** Documents that are not in the records cache are cut into
  partitions of consecutive documents of about ``partition_words`` words
  (by size, not count). A worker analyses a partition with the local
  engine's own code (:class:`analysis.app.engine.Job`: one ``nlp.pipe`` call,
  :func:`analysis.extract.analyze.analyze_doc` per document) and returns its
  table pieces, keyness term counts and encoded records; the driver takes
  the pieces in corpus order (so the tables are exactly the local engine's),
  stores the records in its own cache and serves cached documents itself.
  At most a few partitions per worker are in flight, so the driver's memory
  does not grow with the corpus.
* **What workers need** -- the codebook, the actor gazetteer and the
  reporting-cue lexicon -- is shipped *by value*: the files' bytes with
  their SHA-256 (the one ``run.json`` records), checked on arrival before
  the worker loads them; no worker reads a path of the driver's machine.
  Before any work, every worker is asked for its kit version and source
  fingerprint; a worker without the driver's exact kit stops the run with
  one line naming it.
* **Faults.** A worker that dies mid-run has its partitions recomputed by
  Dask (``distributed.scheduler.allowed-failures`` times); the result is the
  same. A document whose analysis raises is reported with its id and the
  error (with ``skip_bad`` it is skipped and listed, as in the local engine).
* **Clusters.** No ``scheduler``: a ``LocalCluster`` of one single-threaded
  worker process per core, on 127.0.0.1 only, without dashboard, started
  and stopped by the kit. ``scheduler="tcp://host:8786"``: an existing
  cluster (``dask scheduler`` / ``dask worker`` by hand, dask-jobqueue,
  Kubernetes ...), left running.

``dask[distributed]`` is an optional extra (``pip install 'discourse-kit[dask]'``),
imported only here and only when the engine is asked for.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .._version import __version__
from ..corpus.documents import Document
from ..errors import KitError, one_line
from ..extract.attribution import load_lexicon
from ..extract.codebook import load_codebook
from ..nlp.gazetteer import load_gazetteer
from ..nlp.pipeline import make_nlp
from .engine import Job, PartitionResult
from .records import code_fingerprint

__all__ = ["DaskEngine", "JobSpec", "ShippedFile", "analyze_partition", "DEFAULT_PARTITION_WORDS", "WorkerMismatch"]

#: Words per partition (one Dask task) unless told otherwise.
DEFAULT_PARTITION_WORDS = 50_000
#: Seconds to wait for a scheduler to answer and for its first worker.
CONNECT_TIMEOUT = 60
EXTRA_HINT = "install the optional extra: pip install 'discourse-kit[dask]'"


class WorkerMismatch(KitError):
    """A Dask worker does not run the driver's exact kit (or lacks it)."""


# --------------------------------------------------------------------------- shipped by value


@dataclass(frozen=True)
class ShippedFile:
    """A data file sent to the workers by value: its name, bytes and SHA-256."""

    name: str
    data: bytes
    sha256: str

    @classmethod
    def read(cls, path: str | os.PathLike, sha256: str, *, what: str) -> "ShippedFile":
        """The file's bytes, checked against the SHA-256 of the object the driver loaded from it."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise KitError(f"cannot read the {what} to send it to the Dask workers: {e.strerror or e}",
                           path=path) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise KitError(f"the {what} changed on disk since it was loaded; run again", path=path)
        return cls(path.name, data, sha256)

    def save(self, folder: Path, *, what: str) -> Path:
        """Check the bytes against the SHA-256 and write them into ``folder`` (on a worker)."""
        if hashlib.sha256(self.data).hexdigest() != self.sha256:
            raise WorkerMismatch(f"the {what} {self.name} arrived damaged (SHA-256 differs from {self.sha256[:12]})")
        path = folder / self.name
        path.write_bytes(self.data)
        return path


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to analyse documents exactly as the driver would."""

    version: str
    code: str  # the kit's source fingerprint (records.code_fingerprint)
    model: str
    codebook: ShippedFile
    gazetteer: ShippedFile
    lexicon: ShippedFile
    with_sentiment: bool
    terms_by: str | None

    @property
    def digest(self) -> str:
        """One id for the spec (workers build its Job once)."""
        parts = [self.version, self.code, self.model, self.codebook.sha256, self.gazetteer.sha256,
                 self.lexicon.sha256, str(self.with_sentiment), str(self.terms_by)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @classmethod
    def of(cls, job: Job, model: str) -> "JobSpec":
        """The spec of a driver-side :class:`~analysis.app.engine.Job` (files re-read and checked)."""
        codebook, gazetteer = job.codebook, job.gazetteer
        if not getattr(codebook, "path", "") or not getattr(codebook, "sha256", ""):
            raise KitError("the dask engine needs a codebook loaded from a file (load_codebook(path))")
        if not getattr(gazetteer, "path", "") or not getattr(gazetteer, "sha256", ""):
            raise KitError("the dask engine needs a gazetteer loaded from a file (load_gazetteer(path))")
        if model != "rules" and not isinstance(model, str):
            raise KitError(f"the dask engine needs a pipeline given by name; got {model!r}")
        lexicon = load_lexicon()
        return cls(
            version=__version__, code=code_fingerprint(), model=model,
            codebook=ShippedFile.read(codebook.path, codebook.sha256, what="codebook"),
            gazetteer=ShippedFile.read(gazetteer.path, gazetteer.sha256, what="gazetteer"),
            lexicon=ShippedFile.read(lexicon.path, lexicon.sha256, what="reporting-cue lexicon"),
            with_sentiment=job.with_sentiment, terms_by=job.terms_by,
        )


_WORKER_JOBS: dict[str, Job] = {}  # per worker process: the Job of each spec, built once


def _worker_job(spec: JobSpec) -> Job:
    job = _WORKER_JOBS.get(spec.digest)
    if job is not None:
        return job
    if spec.version != __version__ or spec.code != code_fingerprint():
        raise WorkerMismatch(f"this worker runs discourse-kit {__version__} (source {code_fingerprint()[:12]}), "
                             f"the driver {spec.version} (source {spec.code[:12]}); install the same version "
                             "on every worker")
    with tempfile.TemporaryDirectory(prefix="discourse-kit-worker-") as tmp:
        folder = Path(tmp)
        codebook = load_codebook(spec.codebook.save(folder, what="codebook"))
        gazetteer = load_gazetteer(spec.gazetteer.save(folder, what="gazetteer"))
        spec.lexicon.save(folder, what="reporting-cue lexicon")  # checked on arrival ...
    if load_lexicon().sha256 != spec.lexicon.sha256:  # ... and it must be the one this worker's kit uses
        raise WorkerMismatch("this worker's reporting-cue lexicon differs from the driver's; install the same "
                             "version of discourse-kit on every worker")
    if codebook.sha256 != spec.codebook.sha256 or gazetteer.sha256 != spec.gazetteer.sha256:
        raise WorkerMismatch("the codebook or gazetteer loaded on this worker differs from the driver's")
    job = Job(make_nlp(spec.model, actors=gazetteer), codebook, gazetteer, with_sentiment=spec.with_sentiment,
              terms_by=spec.terms_by, cache=False)
    _WORKER_JOBS.clear()  # one spec at a time: a worker keeps one pipeline in memory
    _WORKER_JOBS[spec.digest] = job
    return job


def analyze_partition(spec: JobSpec, documents: list[Document], pieces: bool = True,
                      encode: bool = True) -> PartitionResult:
    """What a worker does with one partition: the local engine's analysis (:meth:`Job.partition`)."""
    return _worker_job(spec).partition(documents, pieces=pieces, encode=encode)


# --------------------------------------------------------------------------- the engine


def _running_a_script() -> bool:
    """Whether ``__main__`` is a Python file (re-imported by the workers a LocalCluster spawns)."""
    return bool(getattr(sys.modules.get("__main__"), "__file__", None))


class DaskEngine:
    """Runs the analysis of a :class:`~analysis.app.engine.ResultStream` on a Dask cluster.

    Args:
        scheduler: address of an existing scheduler (``tcp://host:8786``); ``None``
            starts a ``LocalCluster`` on 127.0.0.1 for the duration of the run.
        n_workers: workers of that ``LocalCluster`` (default: one per core).
        partition_words: about this many words per task.
        model: the pipeline's name, as given to :func:`analysis.nlp.pipeline.make_nlp`.
    """

    def __init__(self, scheduler: str | None = None, *, n_workers: int | None = None,
                 partition_words: int = DEFAULT_PARTITION_WORDS, model: str = "rules") -> None:
        if not isinstance(partition_words, int) or isinstance(partition_words, bool) or partition_words < 1:
            raise KitError(f"--partition-words must be a positive integer; got {partition_words!r}")
        if n_workers is not None and (not isinstance(n_workers, int) or n_workers < 1):
            raise KitError(f"n_workers must be a positive integer; got {n_workers!r}")
        if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
            raise KitError(f"--scheduler must be an address such as tcp://host:8786; got {scheduler!r}")
        self.scheduler, self.n_workers, self.partition_words, self.model = scheduler, n_workers, partition_words, model
        self.client = None
        self.cluster = None

    # ------------------------------------------------------------------ connection

    def open(self) -> "DaskEngine":
        """Connect (or start the LocalCluster) and check every worker's kit."""
        if self.client is not None:
            return self
        try:
            import distributed
        except ImportError:
            raise KitError(f"the dask engine needs dask[distributed]; {EXTRA_HINT}") from None
        try:
            if self.scheduler is None:
                self.cluster = distributed.LocalCluster(
                    n_workers=self.n_workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    # the kit reports every failure itself (one line); distributed's own logs stay quiet
                    host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL,
                    # no dashboard; the scheduler's health/metrics page on a free loopback port
                    scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
                self.client = distributed.Client(self.cluster, timeout=CONNECT_TIMEOUT)
            else:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
                self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            self.close()
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"
            raise KitError(f"cannot reach {where}: {one_line(e) or type(e).__name__}") from None
        except RuntimeError as e:
            self.close()
            if self.scheduler is not None:
                raise
            hint = ("; in a script, call run() under `if __name__ == \"__main__\":` (the local workers are "
                    "started by importing the script again)") if _running_a_script() else ""
            raise KitError(f"cannot start a local Dask cluster: {one_line(e) or type(e).__name__}{hint}") from None
        except BaseException:
            self.close()
            raise
        try:
            self.check_workers()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Disconnect; a LocalCluster the kit started is stopped."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __enter__(self) -> "DaskEngine":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def check_workers(self) -> None:
        """Every worker must run this kit: same version, same source files (else one line naming the worker)."""
        versions = self.client.run(importlib.metadata.version, "discourse-kit", on_error="return")
        if not versions:
            raise KitError(f"the Dask cluster at {self.scheduler} has no workers")
        for address, version in sorted(versions.items()):
            if isinstance(version, BaseException) or version != __version__:
                found = "does not have discourse-kit" if isinstance(version, BaseException) else f"has {version}"
                raise WorkerMismatch(f"Dask worker {address} {found}; every worker needs discourse-kit "
                                     f"{__version__} (pip install 'discourse-kit[dask]=={__version__}')")
        codes = self.client.run(code_fingerprint, on_error="return")
        for address, code in sorted(codes.items()):
            if isinstance(code, BaseException) or code != code_fingerprint():
                detail = f"cannot import the kit ({type(code).__name__})" if isinstance(code, BaseException) \
                    else "runs discourse-kit with other source files"
                raise WorkerMismatch(f"Dask worker {address} {detail}; install the driver's exact discourse-kit "
                                     f"{__version__} on every worker")

    @property
    def n_slots(self) -> int:
        """Worker threads in the cluster now."""
        info = self.client.scheduler_info(n_workers=-1) if self.client is not None else {}
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    # ------------------------------------------------------------------ the work

    def stream(self, job: Job, tasks: list[list[Document]], *, pieces: bool = True,
               encode: bool = True) -> Iterator[PartitionResult]:
        """The results of ``tasks`` (lists of documents), in order; a few tasks per worker in flight."""
        self.open()
        spec = JobSpec.of(job, self.model)
        shipped = self.client.scatter(spec, broadcast=True, hash=False)
        window = max(2, 3 * self.n_slots)
        futures: dict[int, object] = {}
        submitted = 0
        try:
            for i in range(len(tasks)):
                while submitted < len(tasks) and submitted < i + window:
                    futures[submitted] = self.client.submit(analyze_partition, shipped, tasks[submitted],
                                                            pieces, encode, pure=False)
                    submitted += 1
                future = futures.pop(i)
                yield self._result(future, tasks[i])
                del future
        finally:
            for future in futures.values():
                future.cancel()

    @staticmethod
    def _result(future, documents: list[Document]) -> PartitionResult:
        try:
            return future.result()
        except WorkerMismatch:
            raise
        except KitError:
            raise
        except Exception as e:
            name = type(e).__name__
            ids = f"{documents[0].doc_id} .. {documents[-1].doc_id}" if documents else "-"
            if name == "KilledWorker":
                raise KitError(f"the partition of documents {ids} ended a Dask worker every time it was tried "
                               "(out of memory?); try a smaller --partition-words") from None
            if isinstance(e, (ModuleNotFoundError, ImportError)):
                raise WorkerMismatch(f"a Dask worker cannot import the kit ({one_line(e)}); install "
                                     f"discourse-kit {__version__} on every worker") from None
            raise KitError(f"the Dask task for documents {ids} failed: {name}: {one_line(e)}") from None
