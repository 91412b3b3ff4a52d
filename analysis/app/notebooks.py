"""Run the numbered notebooks headless, and the set-up they share.

:func:`execute_notebooks` runs every ``*.ipynb`` of a folder top to bottom
with nbclient (each with its own folder as working directory) and writes the
executed copies to ``build/notebooks/``; the committed notebooks stay free of
outputs. ``discourse-kit notebooks`` and ``make notebooks`` call it.

The notebooks themselves (Jupytext percent-format sources ``notebooks/*.py``
paired with the output-free ``.ipynb``) start with a parameters cell
(``CORPUS``, ``CODEBOOK``, ``MODEL``) and call :func:`notebook_paths`,
:func:`load_notebook_corpus` and :func:`analyse_notebook_corpus`, so that every
notebook finds the project, the bundled corpus and the fetched documents the
same way, builds the same tables as ``discourse-kit run``, and writes its
tables to ``results/`` and figures to ``figures/`` — or to the folders named
by the environment variables ``DISCOURSE_KIT_RESULTS`` and
``DISCOURSE_KIT_FIGURES`` (the test suite sets them so that it never
overwrites a user's results).
"""
from __future__ import annotations

import math
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from .._version import __version__
from ..corpus.documents import Corpus
from ..corpus.loading import load_corpus
from ..errors import KitError
from ..extract.codebook import Codebook, load_codebook
from ..io import atomic_write
from ..nlp.docarrays import doc_id_of
from ..nlp.gazetteer import Gazetteer, load_gazetteer
from ..nlp.pipeline import make_nlp, parse
from ..tables.stats import VoiceTerms
from .run import analyze_corpus, build_tables

__all__ = [
    "RESULTS_ENV",
    "FIGURES_ENV",
    "NotebookPaths",
    "notebook_paths",
    "output_paths",
    "load_notebook_corpus",
    "fetched_status",
    "NotebookAnalysis",
    "analyse_notebook_corpus",
    "SEED_ID",
    "CONTROL_ID",
    "UNGDC_SESSIONS",
    "UNGDC_HELD_OUT",
    "ungdc_folder",
    "load_ungdc",
    "groups_notebook_corpus",
    "contrast_sentences",
    "execute_notebooks",
]

#: Environment variable overriding where notebooks write their tables.
RESULTS_ENV = "DISCOURSE_KIT_RESULTS"
#: Environment variable overriding where notebooks write their figures.
FIGURES_ENV = "DISCOURSE_KIT_FIGURES"
#: The bundled seed article and control text (the notebooks' defaults for "the seed" and "the control").
SEED_ID = "000_b57aecae04ae68f3"
CONTROL_ID = "001_control_agency_report"


@dataclass(frozen=True)
class NotebookPaths:
    """Where a notebook reads and writes (all absolute).

    Attributes:
        project: the project folder (the notebook folder's parent).
        corpus: the bundled corpus (``corpus/``).
        fetched: documents downloaded by ``discourse-kit corpus fetch`` (``corpus/fetched/``).
        annotations: hand annotations (``corpus/annotations/``).
        manifest: the fetch list (``corpus/manifest.csv``).
        results: folder for tables (``results/`` or ``$DISCOURSE_KIT_RESULTS``).
        figures: folder for figures (``figures/`` or ``$DISCOURSE_KIT_FIGURES``).
    """

    project: Path
    corpus: Path
    fetched: Path
    annotations: Path
    manifest: Path
    results: Path
    figures: Path

    def resolve(self, path: str | os.PathLike) -> Path:
        """A user path: absolute as given, relative ones relative to the project folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.project / p


def notebook_paths(notebook_dir: str | os.PathLike | None = None) -> NotebookPaths:
    """The paths a notebook uses, resolved from its own folder (default: the working directory).

    Jupyter and :func:`execute_notebooks` run a notebook with its folder as
    working directory, so ``notebooks/`` → the project is its parent.
    """
    here = Path(notebook_dir) if notebook_dir is not None else Path.cwd()
    project = here.resolve().parent
    corpus = project / "corpus"
    results = Path(os.environ.get(RESULTS_ENV) or project / "results").resolve()
    figures = Path(os.environ.get(FIGURES_ENV) or project / "figures").resolve()
    return NotebookPaths(project, corpus, corpus / "fetched", corpus / "annotations", corpus / "manifest.csv",
                         results, figures)


def _corpus_name(spec) -> str:
    """A folder name for a ``CORPUS`` parameter: the folder or file stem(s), ``bundled`` for None."""
    items = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    names = []
    for item in items:
        stem = "bundled" if item is None else (Path(item).expanduser().stem or Path(item).expanduser().name)
        names.append("".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem).strip("._") or "corpus")
    return "+".join(names)


def output_paths(paths: NotebookPaths, spec, prefix: str) -> NotebookPaths:
    """Where a notebook writes for its ``CORPUS`` parameter, with stale outputs of earlier runs removed.

    The bundled corpus (``None``) writes to ``results/`` and ``figures/``; a
    user's corpus to ``results/<corpus name>/`` and ``figures/<corpus name>/``
    (e.g. ``results/my_statements/``), never over the bundled results. In
    those folders the files this notebook wrote before (``<prefix>_*``, e.g.
    ``nb02_*``) are removed first, so a table of an earlier run with other
    categories or documents cannot be mistaken for this run's.

    Args:
        paths: from :func:`notebook_paths`.
        spec: the ``CORPUS`` parameter.
        prefix: the notebook's file prefix (``nb02``).
    """
    if spec is None:
        return paths
    name = _corpus_name(spec)
    out = NotebookPaths(paths.project, paths.corpus, paths.fetched, paths.annotations, paths.manifest,
                        paths.results / name, paths.figures / name)
    for folder in (out.results, out.figures):
        for stale in sorted(folder.glob(f"{prefix}_*")) if folder.is_dir() else []:
            if stale.is_file():
                stale.unlink()
    return out


def _fetched_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def fetched_status(paths: NotebookPaths) -> str:
    """One plain sentence: how many fetched documents exist, or that there are none and how to get them."""
    files = _fetched_files(paths.fetched)
    if files:
        return f"{len(files)} fetched document(s) in {paths.fetched} are included."
    return (f"No fetched documents: {paths.fetched} does not exist or is empty, so only the bundled texts are "
            f"analysed. To add the real statements listed in {paths.manifest.name}, run "
            f"`discourse-kit corpus fetch {paths.manifest}` (needs internet).")


def load_notebook_corpus(
    spec: str | os.PathLike | Sequence[str | os.PathLike | None] | None,
    paths: NotebookPaths,
    *,
    include_fetched: bool = True,
) -> Corpus:
    """The corpus named by a notebook's ``CORPUS`` parameter.

    Args:
        spec: ``None`` — the bundled corpus plus ``corpus/fetched/`` when it
            holds documents; a path (folder or file) — that corpus instead;
            a list — the union, where ``None`` stands for the bundled corpus
            (e.g. ``[None, "~/my_statements"]`` extends it). Relative paths
            are relative to the project folder.
        paths: from :func:`notebook_paths`.
        include_fetched: add ``corpus/fetched/`` to the bundled corpus.

    Raises:
        KitError: a path does not exist or two documents share a doc_id.
    """
    items = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    if not items:
        raise KitError("CORPUS is an empty list; use None for the bundled corpus")
    corpus = Corpus()
    for item in items:
        if item is None:
            parts = [load_corpus(paths.corpus)]
            if include_fetched and _fetched_files(paths.fetched):
                parts.append(load_corpus(paths.fetched))
        else:
            parts = [load_corpus(paths.resolve(item))]
        for part in parts:
            for doc in part:
                corpus.add(doc)
            corpus.skipped.extend(part.skipped)
    return corpus


#: UN General Debate sessions the notebooks use (69-75, 2014-2020) and those reserved for evaluation (never read).
UNGDC_SESSIONS = tuple(range(69, 76))
UNGDC_HELD_OUT = (76, 77)
_UNGDC_FILE = re.compile(r"(?P<iso3>[A-Z]{3})_(?P<session>\d{2,3})_(?P<year>\d{4})\.txt")


def ungdc_folder(paths: NotebookPaths) -> Path:
    """Where the UN General Debate speeches are expected: ``../shared/corpora/ungdc`` beside the project."""
    return paths.project.parent / "shared" / "corpora" / "ungdc"


def load_ungdc(folder: str | os.PathLike, *, sessions: Sequence[int] = UNGDC_SESSIONS) -> Corpus:
    """UN General Debate speeches of the given sessions, with country, year, session and speaker metadata.

    The folder is the UNGDC copy in ``../shared/corpora/ungdc`` (``texts/ISO_NN_YYYY.txt`` and a
    ``metadata.csv`` with ``file, iso3, session, year, country, speaker, post``). Files are chosen by
    their **name** before any is opened, so the held-out sessions :data:`UNGDC_HELD_OUT` are never
    read; asking for them is an error.

    Raises:
        KitError: the folder or its ``texts/`` is missing, a held-out session is asked for, or no
            file of the sessions exists.
    """
    folder = Path(folder)
    texts = folder / "texts"
    if not texts.is_dir():
        raise KitError("not a UNGDC folder (no texts/ inside)", path=folder)
    wanted = {int(s) for s in sessions}
    held = sorted(wanted & set(UNGDC_HELD_OUT))
    if held:
        raise KitError(f"sessions {', '.join(map(str, held))} are reserved for evaluation and are never read")
    chosen = []
    for path in sorted(texts.iterdir(), key=lambda p: p.name):  # names only: nothing is opened here
        m = _UNGDC_FILE.fullmatch(path.name)
        if m and int(m["session"]) in wanted:
            chosen.append((path, m))
    if not chosen:
        raise KitError(f"no speech of sessions {', '.join(map(str, sorted(wanted)))} in texts/", path=folder)
    meta: dict[str, dict] = {}
    table = folder / "metadata.csv"
    if table.is_file():
        for row in pd.read_csv(table, dtype=str, keep_default_na=False).to_dict("records"):
            stem = Path(row.get("file", "")).stem
            if stem:
                meta[stem] = row
    corpus = Corpus()
    for path, m in chosen:
        doc = load_corpus(path)[path.stem]
        row = meta.get(path.stem, {})
        doc.metadata.update({
            "country": row.get("country", ""), "iso3": m["iso3"], "session": int(m["session"]),
            "year": int(m["year"]), "speaker": row.get("speaker", ""), "post": row.get("post", ""),
            "genre": "speech",
        })
        corpus.add(doc)
    return corpus


def groups_notebook_corpus(spec, paths: NotebookPaths) -> tuple[Corpus, str, str]:
    """The corpus of notebook 06: ``(corpus, label, note)``.

    ``spec`` is the notebook's ``CORPUS`` parameter. None: the UN General Debate
    speeches of sessions 69–75 (:func:`load_ungdc`) when ``../shared/corpora/ungdc``
    exists, else the bundled corpus, with a note saying so and what it means for
    the comparisons. Anything else: :func:`load_notebook_corpus`.
    """
    if spec is not None:
        corpus = load_notebook_corpus(spec, paths)
        return corpus, str(spec), f"CORPUS is set: {len(corpus)} documents from {spec}."
    folder = ungdc_folder(paths)
    if (folder / "texts").is_dir():
        corpus = load_ungdc(folder)
        return corpus, "UNGDC sessions 69-75", (
            f"UN General Debate speeches of sessions 69-75 (2014-2020) from {folder}: {len(corpus)} speeches of "
            f"{len({d.metadata['iso3'] for d in corpus})} countries (sessions 76-77 are reserved for evaluation "
            "and are never read).")
    corpus = load_notebook_corpus(None, paths)
    return corpus, "corpus", (
        f"The UN General Debate speeches ({folder}) are not on this machine, so the bundled corpus is used "
        f"instead: {len(corpus)} documents, all from one year and one speaker, so the groups and years below "
        "have (almost) nothing to compare. Set CORPUS to a folder of your texts with metadata (speaker, "
        "country, date ...) to compare groups.")


def contrast_sentences(contrasts: pd.DataFrame, *, top: int = 6) -> str:
    """Markdown bullets for the contrasts that stay significant after correction (largest effects first).

    Each bullet names the groups, the category, the rates, the rate ratio
    with its adjusted interval and the adjusted p-value, all read from the table.
    """
    significant = contrasts[contrasts["significant"]] if len(contrasts) else contrasts
    if not len(significant):
        n = int(contrasts.drop_duplicates(["a", "b", "voice"])["n_tests"].sum()) if len(contrasts) else 0
        return (f"No rate ratio is significant after correction ({n} tests). Read the intervals: with few "
                "words per group they are wide.")
    order = significant.assign(size=significant["rate_ratio"].map(lambda r: abs(math.log(r))))
    lines = []
    for r in order.sort_values(["size", "category"], ascending=[False, True]).head(top).itertuples():
        lines.append(
            f"- **{r.category}**: {r.a} {r.rate_a:.2f} vs {r.b} {r.rate_b:.2f} per 1,000 words; rate ratio "
            f"{r.rate_ratio:.2f} ({r.ci_level_adjusted:.1%} {r.correction}-adjusted interval "
            f"{r.ci_low_adjusted:.2f}–{r.ci_high_adjusted:.2f}), adjusted p = {r.p_adjusted:.2g}")
    return "\n".join(lines)


@dataclass
class NotebookAnalysis:
    """What :func:`analyse_notebook_corpus` gives a notebook.

    Attributes:
        codebook, gazetteer, nlp: what the corpus was analysed with.
        tables: the same tables as ``discourse-kit run`` (``evidence``, ``features``, ``keyness`` ...).
        docs: the parsed Docs by doc_id (from the parse cache).
        seed: the bundled seed's doc_id when it is in the corpus, else the document with the most
            codebook hits (the first in corpus order among equals): the one the notebooks show in full.
        control: the bundled control text's doc_id when it is in the corpus, else None.
        info: the ``run.json``-like dict the figure captions read (version, corpus, codebook).
    """

    codebook: Codebook
    gazetteer: Gazetteer
    nlp: Language
    tables: dict[str, pd.DataFrame]
    docs: dict[str, Doc]
    seed: str
    control: str | None
    info: dict

    @property
    def summary(self) -> str:
        """One line: the codebook, its categories, the hits and the documents."""
        codebook = self.codebook
        return (f"codebook {codebook.id} v{codebook.version}: {len(codebook.categories)} categories; "
                f"{len(self.tables['evidence'])} hits in {len(self.docs)} documents")


def analyse_notebook_corpus(
    corpus: Corpus,
    *,
    codebook: str | os.PathLike | None = None,
    model: str = "rules",
    label: object = None,
) -> NotebookAnalysis:
    """Analyse a notebook's corpus the way ``discourse-kit run`` does: the notebooks' shared analysis cell.

    Args:
        corpus: from :func:`load_notebook_corpus`.
        codebook: the ``CODEBOOK`` parameter (None: the bundled codebook).
        model: the ``MODEL`` parameter.
        label: the ``CORPUS`` parameter, named in the figure captions (None: ``corpus``).
    """
    loaded = load_codebook(codebook)
    gazetteer = load_gazetteer()
    nlp = make_nlp(model, actors=gazetteer)
    terms = VoiceTerms()
    results = list(analyze_corpus(corpus, nlp, codebook=loaded, gazetteer=gazetteer, terms=terms))
    tables = build_tables(results, corpus, codebook=loaded, terms=terms)
    docs = {doc_id_of(doc): doc for doc in parse(corpus, nlp)}
    info = {"version": __version__,
            "corpus": {"path": str(label or "corpus"), "n_documents": len(corpus), "sha256": corpus.hash()},
            "codebook": {"id": loaded.id, "version": loaded.version, "path": str(loaded.path),
                         "sha256": loaded.sha256}}
    return NotebookAnalysis(
        codebook=loaded, gazetteer=gazetteer, nlp=nlp, tables=tables, docs=docs,
        seed=SEED_ID if SEED_ID in docs else _most_hits(tables["evidence"], corpus.ids),
        control=CONTROL_ID if CONTROL_ID in docs else None,
        info=info,
    )


def _most_hits(evidence: pd.DataFrame, ids: list[str]) -> str:
    counts = evidence["doc_id"].astype(str).value_counts() if len(evidence) else pd.Series(dtype=int)
    return ids[max(range(len(ids)), key=lambda i: (int(counts.get(ids[i], 0)), -i))]


def _this_python_specs():
    """A kernel-spec manager whose every kernel is the interpreter running this code (the project's venv).

    A ``python3`` kernel installed elsewhere (e.g. in the user's Jupyter
    folder, pointing at another Python without the kit) is never used.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class _Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):  # noqa: D401 - jupyter_client API
            return KernelSpec(
                argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}",
                      "--IPKernelApp.log_level=ERROR"],  # no TCP-encryption notice per notebook
                display_name="discourse-kit (this Python)",
                language="python",
                resource_dir=str(Path(sys.executable).parent),
            )

    return _Specs()


def execute_notebooks(
    folder: str | os.PathLike = "notebooks",
    *,
    timeout: int = 600,
    output_dir: str | os.PathLike = "build/notebooks",
) -> Iterator[tuple[Path, float]]:
    """Execute every notebook of ``folder`` in name order; yield ``(path, seconds)``.

    Each notebook runs in a fresh kernel of the current Python interpreter,
    with the notebook's folder as working directory; the executed copy is
    written to ``output_dir`` (the original is not modified).

    Args:
        folder: folder holding ``*.ipynb`` files.
        timeout: seconds allowed per cell.
        output_dir: where executed copies go (created if needed).

    Raises:
        KitError: the folder is missing or has no notebooks, or a cell fails
            (one line: notebook, cell number, error; the partly executed copy
            is still written to ``output_dir`` for inspection).

    Example:
        >>> list(execute_notebooks("no/such/folder"))
        Traceback (most recent call last):
        ...
        analysis.errors.KitError: no/such/folder: notebook folder not found
    """
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    folder = Path(folder)
    if not folder.is_dir():
        raise KitError("notebook folder not found", path=folder)
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise KitError("no notebooks (*.ipynb) in the folder", path=folder)
    if not isinstance(timeout, int) or timeout <= 0:
        raise KitError(f"The `timeout` parameter of execute_notebooks must be a positive int. Got {timeout!r} instead.")
    out_dir = Path(output_dir)
    for path in notebooks:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as e:  # malformed JSON, wrong format version
            raise KitError(f"cannot read notebook: {type(e).__name__}: {e}", path=path) from None
        km = KernelManager(kernel_spec_manager=_this_python_specs(), kernel_name="python3")
        client = NotebookClient(nb, km=km, timeout=timeout,
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        start = time.perf_counter()
        failure = None
        try:
            client.execute()
        except CellExecutionError as e:
            failure = _cell_failure(nb, e)
        except CellTimeoutError:
            failure = f"a cell ran longer than {timeout} s (raise --timeout)"
        except DeadKernelError as e:
            failure = f"the kernel died: {e}"
        seconds = time.perf_counter() - start
        target = out_dir / path.name
        atomic_write(target, lambda p, nb=nb: nbformat.write(nb, str(p)))
        if failure:
            raise KitError(f"{failure} (executed copy: {target})", path=path)
        yield path, seconds


def _cell_failure(nb, error) -> str:
    index = None
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                index = i
    ename = getattr(error, "ename", "") or "error"
    evalue = " ".join(str(getattr(error, "evalue", "") or "").split())
    where = f"cell {index + 1}" if index is not None else "a cell"
    return f"{where} failed: {ename}: {evalue}"[:500]
