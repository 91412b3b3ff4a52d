"""A run's tables on disk: CSV or Parquet, kept in memory or streamed through a spool, and read back.

* **Formats.** ``csv`` (the default: one ``<table>.csv`` per table, byte for
  byte reproducible, :func:`analysis.io.write_csv`) or ``parquet`` (one
  ``<table>.parquet`` per table with the same columns and dtypes; pyarrow).
  A Parquet file's row groups hold whole documents: a group ends at the first
  document boundary after :data:`ROW_GROUP_ROWS` rows, whatever engine or
  number of processes made the table, so the files are byte-identical too.
* **Streaming.** A large corpus (:data:`STREAM_WORDS` words or more) has its
  tables streamed: the engine's table pieces go to a spool folder as they
  arrive (:class:`SpoolingTableBuilder`), the per-document tables derived
  from them (``features``, ``sentiment_summary``) are computed piece by
  piece, ``cooccurrence`` is summed, and each file is written from the
  pieces one at a time. The driver never holds a whole table; the bytes
  are those of the in-memory path.
* **Reading back.** ``run.json`` records every table's columns and dtypes;
  :func:`load_results` reads a results folder, CSV or Parquet, into
  DataFrames with exactly those dtypes.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from ..corpus.documents import Corpus
from ..errors import KitError
from ..io import (
    FileTooLarge,
    NotRegularFile,
    read_limited,
    remove_on_commit,
    sweep_temporary,
    write_csv,
    write_csv_parts,
    write_parquet,
)
from ..tables.features import COOCCURRENCE_COLUMNS, FEATURE_COLUMNS, cooccurrence, feature_table
from ..tables.frames import documents_frame, exposure_frame
from ..tables.summaries import summarize_sentiment
from .engine import TableBuilder, frame_function

__all__ = ["FORMATS", "STREAM_WORDS", "ROW_GROUP_ROWS", "SpoolingTableBuilder", "StreamedTables", "write_tables",
           "table_schema", "load_results", "load_table", "prune_previous_tables"]

#: Output formats and their file suffixes.
FORMATS = {"csv": ".csv", "parquet": ".parquet"}
#: Corpora of at least this many words have their tables streamed through a spool folder.
STREAM_WORDS = 1_000_000
#: A Parquet row group ends at the first document boundary after this many rows.
ROW_GROUP_ROWS = 100_000
#: Record kind of the engine -> output table.
_STREAMED = {"evidence": "evidence", "attributions": "attributions", "mentions": "actors", "sentiment": "sentiment"}


def check_format(fmt: str) -> str:
    """``fmt`` if it is an output format, else a one-line error."""
    if fmt not in FORMATS:
        raise KitError(f"--format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    return fmt


# --------------------------------------------------------------------------- the spool


class SpoolingTableBuilder(TableBuilder):
    """A :class:`~analysis.app.engine.TableBuilder` that keeps its table pieces in a folder, not in memory.

    Each stored piece is a pickle per record kind, with the range of
    documents (indices into :attr:`results`) it covers. Documents must have
    distinct ids (each document's records are then in one piece).
    """

    def __init__(self, folder: str | os.PathLike, *, flush_rows: int = 20_000) -> None:
        super().__init__(flush_rows=flush_rows)
        self.folder = Path(folder)
        self.parts: list[tuple[int, int, dict[str, Path]]] = []

    def _store(self, frames: dict[str, pd.DataFrame]) -> None:
        k = len(self.parts)
        files = {}
        for name, frame in frames.items():
            if len(frame):
                files[name] = self.folder / f"{name}-{k:06d}.pkl"
                frame.to_pickle(files[name])
        self.parts.append((self._stored, len(self.results), files))
        self._stored = len(self.results)

    def finish(self) -> None:
        """Store what is still buffered."""
        self._flush()

    def kind_parts(self, name: str) -> Iterator[pd.DataFrame]:
        """The stored pieces of one record kind, in corpus order (at least one, maybe empty)."""
        self.finish()
        empty = True
        for _, _, files in self.parts:
            if name in files:
                empty = False
                yield pd.read_pickle(files[name])
        if empty:
            yield frame_function(name)([])

    def frame(self, name: str) -> pd.DataFrame:
        """The whole table of one record kind, read back from the spool (for figures)."""
        return pd.concat(list(self.kind_parts(name)), ignore_index=True)


class StreamedTables(Mapping):
    """Every output table of a streamed run, as pieces in the spool (a mapping: name -> whole DataFrame on access)."""

    def __init__(self, builder: SpoolingTableBuilder, corpus: Corpus, *, codebook, with_sentiment: bool,
                 terms=None) -> None:
        self.builder = builder
        self.names = ["documents", "evidence", "features", "cooccurrence", "attributions", "actors"]
        if with_sentiment:
            self.names += ["sentiment", "sentiment_summary"]
        if terms is not None:
            self.names.append("keyness")
        failed = {doc_id for doc_id, _ in builder.failed}
        analysed = Corpus([d for d in corpus if d.doc_id not in failed]) if failed else corpus
        self.small = {"documents": documents_frame(analysed, builder.results)}
        if terms is not None:
            self.small["keyness"] = terms.keyness()
        self.derived: dict[str, list[Path]] = {"features": [], "sentiment_summary": []}
        self._derive(codebook, with_sentiment)

    def _derive(self, codebook, with_sentiment: bool) -> None:
        """Per-document tables computed piece by piece; co-occurrence summed over the pieces."""
        b = self.builder
        b.finish()
        extras: list[pd.DataFrame] = []
        pairs: dict[tuple[str, str], int] = {}
        categories: set[str] = set()
        for k, (first, end, files) in enumerate(b.parts):
            evidence = pd.read_pickle(files["evidence"]) if "evidence" in files else frame_function("evidence")([])
            exposure = exposure_frame(b.results[first:end])
            features = feature_table(evidence, exposure, codebook=codebook)
            units = set(zip(exposure["doc_id"], exposure["voice"]))
            inside = pd.Series([u in units for u in zip(features["doc_id"], features["voice"])], dtype=bool,
                               index=features.index)
            self._spool("features", k, features[inside.to_numpy()])
            extras.append(features[~inside.to_numpy()])  # evidence in a voice without tokens: last, sorted
            for a, b_, n in cooccurrence(evidence).itertuples(index=False, name=None):
                pairs[(a, b_)] = pairs.get((a, b_), 0) + int(n)
            categories.update(evidence["category"])
            if with_sentiment and "sentiment" in files:
                self._spool("sentiment_summary", k, summarize_sentiment(pd.read_pickle(files["sentiment"])))
        extra = pd.concat(extras, ignore_index=True) if extras else pd.DataFrame(columns=FEATURE_COLUMNS)
        if len(extra):
            order = sorted(dict.fromkeys(zip(extra["doc_id"], extra["voice"])))
            rank = {u: i for i, u in enumerate(order)}
            extra = extra.iloc[sorted(range(len(extra)), key=lambda i: rank[(extra["doc_id"].iat[i],
                                                                                extra["voice"].iat[i])])]
            self._spool("features", len(b.parts), extra.reset_index(drop=True))
        self.small["cooccurrence"] = _cooccurrence_frame(pairs, categories, None)  # as build_tables: no codebook

    def _spool(self, name: str, k: int, frame: pd.DataFrame) -> None:
        path = self.builder.folder / f"{name}-{k:06d}.pkl"
        frame.reset_index(drop=True).to_pickle(path)
        self.derived[name].append(path)

    def parts(self, name: str) -> Iterator[pd.DataFrame]:
        """The table's pieces in order (at least one, maybe empty)."""
        if name in self.small:
            yield self.small[name]
            return
        if name in self.derived:
            paths = self.derived[name]
            for path in paths:
                yield pd.read_pickle(path)
            if not paths:
                yield _empty(name)
            return
        kind = {table: kind for kind, table in _STREAMED.items()}[name]
        yield from self.builder.kind_parts(kind)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        parts = [p for p in self.parts(name)]
        nonempty = [p for p in parts if len(p)]
        if not nonempty:
            return parts[0]
        return nonempty[0] if len(nonempty) == 1 else pd.concat(nonempty, ignore_index=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _empty(name: str) -> pd.DataFrame:
    if name == "features":
        return feature_table(frame_function("evidence")([]), exposure_frame([]))
    return summarize_sentiment(frame_function("sentiment")([]))


def _cooccurrence_frame(pairs: dict[tuple[str, str], int], categories: set[str], codebook) -> pd.DataFrame:
    """:func:`~analysis.tables.features.cooccurrence` of the whole evidence, from summed pair counts."""
    cats: list[str] = list(codebook.category_ids) if codebook is not None else []
    cats += sorted(categories - set(cats))
    rank = {c: i for i, c in enumerate(cats)}
    keys = [(a, b) for a in cats for b in cats] if codebook is not None else sorted(
        pairs, key=lambda p: (rank[p[0]], rank[p[1]]))
    frame = pd.DataFrame([(a, b, pairs.get((a, b), 0)) for a, b in keys], columns=COOCCURRENCE_COLUMNS)
    frame["n_sentences"] = frame["n_sentences"].astype("int64")
    return frame


def spool_folder() -> Path:
    """A new spool folder in the system's temporary folder (``$TMPDIR``); the caller removes it."""
    return Path(tempfile.mkdtemp(prefix="discourse-kit-spool-"))


def remove_spool(folder: Path) -> None:
    """Remove a spool folder (and every piece in it)."""
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- writing


def _row_groups(parts: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """Re-cut pieces into row groups of whole documents: a group ends at the first document boundary
    after ``rows`` rows (the same groups whatever the pieces were)."""
    buffer: pd.DataFrame | None = None
    for part in parts:
        buffer = part if buffer is None else (pd.concat([buffer, part], ignore_index=True) if len(part) else buffer)
        if "doc_id" not in buffer.columns:
            continue
        while len(buffer) > rows:
            ids = buffer["doc_id"].to_numpy()
            end = rows
            while end < len(ids) and ids[end] == ids[rows - 1]:
                end += 1
            if end == len(ids):  # the document may go on in the next piece
                break
            yield buffer.iloc[:end].reset_index(drop=True)
            buffer = buffer.iloc[end:].reset_index(drop=True)
    if buffer is not None:
        yield buffer


def write_tables(tables: Mapping[str, pd.DataFrame] | StreamedTables, out: Path, fmt: str, *,
                 csv_writer: Callable[[pd.DataFrame, Path], Path] = write_csv) -> list[Path]:
    """Write every table into ``out`` in ``fmt`` (inside the caller's transaction); returns the paths.

    ``csv_writer`` writes a whole in-memory table as CSV (default :func:`analysis.io.write_csv`).
    """
    suffix = FORMATS[check_format(fmt)]
    files = []
    for name in tables:
        path = out / f"{name}{suffix}"
        if isinstance(tables, StreamedTables):
            parts: Callable[[], Iterable[pd.DataFrame]] = lambda name=name: tables.parts(name)  # noqa: E731
        else:
            parts = lambda name=name: [tables[name]]  # noqa: E731
        if fmt == "parquet":
            files.append(write_parquet(_row_groups(parts(), ROW_GROUP_ROWS), path))
        elif isinstance(tables, StreamedTables):
            files.append(write_csv_parts(parts, path))
        else:
            files.append(csv_writer(tables[name], path))
    return files


def table_schema(tables: Mapping[str, pd.DataFrame] | StreamedTables) -> dict[str, list[list[str]]]:
    """Every table's ``[[column, dtype], ...]`` (recorded in ``run.json`` for :func:`load_results`)."""
    out = {}
    for name in tables:
        first = next(iter(tables.parts(name))) if isinstance(tables, StreamedTables) else tables[name]
        out[name] = [[str(c), str(t)] for c, t in first.dtypes.items()]
    return out


# --------------------------------------------------------------------------- reading


def _from_text(values: pd.Series, dtype: str) -> pd.Series:
    """A CSV column read as text, converted to the dtype the table had."""
    if dtype in ("str", "string", "object"):
        return values.astype(dtype)
    if dtype == "bool":
        return values.map({"True": True, "False": False}).astype(bool)
    if dtype in ("int64", "Int64", "float64"):
        numbers = pd.to_numeric(values.where(values != "", None).astype(object))
        return numbers.astype(dtype)
    return values.where(values != "", None).astype(dtype)


def load_table(path: str | os.PathLike, columns: list[list[str]] | None = None) -> pd.DataFrame:
    """One table file (``.csv`` or ``.parquet``) as a DataFrame; with ``columns`` (``[[name, dtype], ...]``,
    from ``run.json``) in exactly those dtypes."""
    path = Path(path)
    dtypes = dict((c, t) for c, t in columns) if columns else {}
    if path.suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError:
            raise KitError("reading Parquet needs pyarrow; install the optional extra: "
                           "pip install 'discourse-kit[parquet]'", path=path) from None
        for column, dtype in dtypes.items():
            if column in frame.columns and str(frame[column].dtype) != dtype:
                frame[column] = frame[column].astype(dtype)
        return frame
    if not dtypes:
        return pd.read_csv(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    for column in frame.columns:
        if column in dtypes:
            frame[column] = _from_text(frame[column], dtypes[column])
    return frame


def load_results(folder: str | os.PathLike, *, only: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the tables of a results folder (what ``discourse-kit run`` wrote), CSV or Parquet.

    ``run.json`` says which files hold which table and their columns' dtypes:
    the DataFrames have exactly the columns and dtypes the run produced
    (floats as written: six significant digits in CSV, exact in Parquet;
    a missing string is ``""`` in CSV).

    Args:
        folder: the ``--out`` folder of a run.
        only: read just these tables (default: all).

    Raises:
        KitError: no ``run.json`` in the folder, or a table file is missing.
    """
    folder = Path(folder)
    try:
        info = json.loads(read_limited(folder / "run.json", 10_000_000).decode("utf-8"))
    except (NotRegularFile, FileTooLarge):
        raise KitError("not a results folder (run.json is not a regular file of at most 10 MB)", path=folder) from None
    except (OSError, ValueError) as e:
        raise KitError(f"not a results folder (cannot read run.json: {getattr(e, 'strerror', None) or e})",
                       path=folder) from None
    schema = info.get("columns", {})
    tables = {}
    wanted = set(only) if only is not None else None
    for name, file in info.get("tables", {}).items():
        if wanted is not None and name not in wanted:
            continue
        path = folder / file
        if not path.is_file():
            raise KitError(f"table {name!r} is missing ({file}); run the analysis again", path=folder)
        tables[name] = load_table(path, schema.get(name))
    return tables


# --------------------------------------------------------------------------- the previous run's tables (issue 17)


def prune_previous_tables(out: Path, written: Iterable[Path], *, known: Iterable[str]) -> list[Path]:
    """Inside the caller's transaction: remove the tables of the previous run that this run did not write.

    So ``out`` holds exactly this run's tables (``sentiment.csv`` goes after
    ``--no-sentiment``; ``evidence.csv`` after a switch to ``--format parquet``).
    The kit recognises the files it wrote by the previous ``run.json`` in
    ``out``, and only names made of a ``known`` table name and an output
    suffix: the user's own files (and a hand-edited ``run.json``) are never
    deleted. The removal happens with the commit and is undone if it rolls
    back. Temporary files a killed run left behind are swept first
    (:func:`analysis.io.sweep_temporary`). Returns the files scheduled for removal.
    """
    sweep_temporary(out)
    allowed = {f"{name}{suffix}" for name in known for suffix in FORMATS.values()}
    names = {Path(p).name for p in written}
    removed = []
    for name in _previous_tables(out):
        if name in allowed and name not in names and (out / name).is_file():
            remove_on_commit(out / name)
            removed.append(out / name)
    return removed


def _previous_tables(out: Path) -> list[str]:
    """File names the previous ``out/run.json`` lists as tables (none if it is missing or odd)."""
    try:
        info = json.loads(read_limited(out / "run.json", 10_000_000).decode("utf-8"))
    except (OSError, ValueError, NotRegularFile, FileTooLarge):
        return []
    listed = info.get("tables") if isinstance(info, dict) else None
    return [v for v in listed.values() if isinstance(v, str)] if isinstance(listed, dict) else []
