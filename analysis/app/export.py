"""A finished run out to other tools: Excel, Parquet, and document-feature matrices for R/quanteda and scikit-learn.

Everything starts from a results folder written by ``discourse-kit run`` (its
CSV tables and ``run.json``), so nothing is parsed again:

* :func:`read_results` — the tables back as DataFrames with the types of the
  data dictionary (``analysis/data/data_dictionary.yaml``, :func:`data_dictionary`);
* :func:`export_xlsx` — one workbook: the data dictionary on the first sheet,
  then one sheet per table. A cell whose text begins with ``=``, ``+``, ``-``
  or ``@`` is written as **text** (with Excel's quote prefix), never as a
  formula, so a text or metadata value cannot run in a spreadsheet (the CSV
  files keep the values exactly as they are). A table longer than a sheet
  (1,048,575 rows) continues on sheets ``name (2)``, ...; characters Excel
  cannot store (control characters) are replaced by U+FFFD, and cells
  longer than 32,767 characters are cut, each with one warning;
* :func:`export_parquet` — one Parquet file per table (pyarrow), same columns and types;
* :func:`category_matrix`, :func:`term_matrix`, :func:`write_matrix`,
  :func:`read_matrix` — documents × categories (counts from ``features.csv``)
  and documents × terms as a sparse Matrix Market file ``NAME.mtx`` (integer
  counts, rows = documents, columns = features), ``NAME_features.txt`` (one
  feature name per line, in column order) and ``NAME_docvars.csv`` (``doc_id``,
  the document's metadata and ``n_tokens``, in row order). R:
  ``Matrix::readMM`` + ``quanteda::as.dfm`` (README); Python:
  ``scipy.io.mmread(...).tocsr()``, which scikit-learn estimators accept.

Workbooks and matrices are byte-identical from one export to the next.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import KitError
from ..extract.terms import check_by, doc_terms
from ..io import atomic_write, read_user_file, read_yaml, transaction, write_csv
from ..nlp.docarrays import doc_id_of
from ..paths import PACKAGE_DIR
from .shortcuts import documents

__all__ = [
    "DATA_DICTIONARY",
    "FORMULA_PREFIXES",
    "MAX_SHEET_ROWS",
    "data_dictionary",
    "read_results",
    "export_xlsx",
    "export_parquet",
    "DocumentFeatureMatrix",
    "category_matrix",
    "term_matrix",
    "write_matrix",
    "read_matrix",
]

#: The data dictionary as data.
DATA_DICTIONARY = PACKAGE_DIR / "data" / "data_dictionary.yaml"
#: Cell texts that a spreadsheet would read as a formula: written as text in workbooks.
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: Data rows per sheet (Excel's 1,048,576 rows less the header).
MAX_SHEET_ROWS = 1_048_575
_MAX_CELL = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_DTYPES = {"str": "object", "int": "int64", "Int64": "Int64", "float": "float64", "bool": "bool"}


def data_dictionary(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The data dictionary as a table: ``table, column, type, meaning`` (one row per column), tables in order.

    A row with an empty ``column`` describes the table itself.

    >>> d = data_dictionary()
    >>> d[(d["table"] == "features") & (d["column"] == "rate_per_1000")]["meaning"].item()
    '1000 * count / n_tokens'
    """
    path = Path(path) if path is not None else DATA_DICTIONARY
    data = read_yaml(read_user_file(path, what="data dictionary"), path, what="data dictionary").data
    rows = []
    for table, spec in (data or {}).get("tables", {}).items():
        rows.append({"table": table, "column": "", "type": "", "meaning": str(spec.get("description", ""))})
        for column, col in (spec.get("columns") or {}).items():
            rows.append({"table": table, "column": column, "type": col["type"], "meaning": col["meaning"]})
    return pd.DataFrame(rows, columns=["table", "column", "type", "meaning"])


def _types(dictionary: pd.DataFrame, table: str) -> dict[str, str]:
    part = dictionary[(dictionary["table"] == table) & (dictionary["column"] != "")]
    return dict(zip(part["column"], part["type"]))


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Columns of a CSV read as text, converted to the dictionary's types (others stay text)."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        kind = types.get(column, "str")
        if kind == "str":
            out[column] = values.astype(object)
        elif kind == "bool":
            out[column] = values.str.lower().map({"true": True, "false": False}).astype("bool")
        elif kind == "float":
            out[column] = pd.to_numeric(values.replace("", np.nan), errors="raise").astype("float64")
        else:
            numbers = pd.to_numeric(values.replace("", None), errors="raise")
            out[column] = numbers.astype("Int64") if kind == "Int64" else numbers.astype("int64")
    return pd.DataFrame(out, columns=frame.columns)


def read_results(folder: str | os.PathLike, *, tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The CSV tables of a results folder, typed by the data dictionary, in ``run.json`` order.

    Text cells stay exactly as written (empty = ``""``); numbers and offsets
    get their dictionary types (``Int64`` where a value may be missing).
    Columns the dictionary does not list (a corpus's own metadata) are text.

    Raises:
        KitError: the folder does not exist or holds no table, or a named table is missing.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise KitError("results folder not found (run `discourse-kit run CORPUS --out FOLDER` first)", path=folder)
    names = sorted(p.stem for p in folder.glob("*.csv"))
    run_json = folder / "run.json"
    if run_json.is_file():
        try:
            listed = list(json.loads(run_json.read_text(encoding="utf-8")).get("tables", {}))
        except (ValueError, AttributeError):
            raise KitError("run.json is not valid JSON", path=run_json) from None
        names = [n for n in listed if n in names] + [n for n in names if n not in listed]
    if tables is not None:
        missing = [t for t in tables if t not in names]
        if missing:
            raise KitError(f"no table {missing[0]}.csv in the results folder (tables: {', '.join(names) or 'none'})",
                           path=folder)
        names = [n for n in names if n in tables]
    if not names:
        raise KitError("no tables (*.csv) in the results folder", path=folder)
    dictionary = data_dictionary()
    out = {}
    for name in names:
        path = folder / f"{name}.csv"
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
            out[name] = _typed(raw, _types(dictionary, name))
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
            raise KitError(f"cannot read the table: {e}", path=path) from None
    return out


# --------------------------------------------------------------------------- Excel


def _cell_value(value: Any, warnings: dict[str, int]):
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None, False
    if isinstance(value, (bool, np.bool_)):
        return bool(value), False
    if isinstance(value, (np.integer,)):
        return int(value), False
    if isinstance(value, (np.floating,)):
        return float(value), False
    if not isinstance(value, str):
        return value, False
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("\ufffd", value)
        note = "control characters replaced by U+FFFD"
        warnings[note] = warnings.get(note, 0) + 1
    if len(value) > _MAX_CELL:
        value = value[:_MAX_CELL]
        note = f"cells cut to {_MAX_CELL:,} characters"
        warnings[note] = warnings.get(note, 0) + 1
    return value, value.startswith(FORMULA_PREFIXES)


def _sheet_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    base, i = title, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(title.lower())
    return title


def _write_sheet(workbook, title: str, frame: pd.DataFrame, warnings: dict[str, int]) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = workbook.create_sheet(title)
    sheet.append([str(c) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        row = []
        for value in record:
            value, as_text = _cell_value(value, warnings)
            if as_text:  # text that a spreadsheet would read as a formula: a string cell, quote-prefixed
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed member times, so a workbook is byte-identical from one export to the next."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def export_xlsx(results: str | os.PathLike | dict[str, pd.DataFrame], path: str | os.PathLike, *,
                max_rows: int = MAX_SHEET_ROWS) -> list[str]:
    """Write every table of a results folder (or a dict of DataFrames) into one Excel workbook.

    The first sheet, ``data dictionary``, lists every column of every table
    in the workbook (``table, column, type, meaning``); then one sheet per
    table in ``run.json`` order. Cells beginning with ``=``, ``+``, ``-`` or
    ``@`` are text, not formulas.

    Returns:
        One-line warnings (characters replaced, cells cut, tables split over sheets).
    """
    import openpyxl

    tables = read_results(results) if not isinstance(results, dict) else results
    if not isinstance(max_rows, int) or max_rows < 1:
        raise KitError(f"The `max_rows` parameter of export_xlsx must be a positive int. Got {max_rows!r} instead.")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise KitError("the workbook's name must end in .xlsx", path=path)
    dictionary = data_dictionary()
    rows = []
    for name, frame in tables.items():
        described = dictionary[(dictionary["table"] == name) & (dictionary["column"] != "")].set_index("column")
        for column in frame.columns:
            if column in described.index:
                rows.append([name, column, described.loc[column, "type"], described.loc[column, "meaning"]])
            else:
                rows.append([name, column, "str", "the corpus's own metadata (see its source)"
                             if name == "documents" else "not described in the data dictionary"])
    workbook = openpyxl.Workbook(write_only=True)
    warnings: dict[str, int] = {}
    notes = []
    used: set[str] = set()
    _write_sheet(workbook, _sheet_title("data dictionary", used),
                 pd.DataFrame(rows, columns=["table", "column", "type", "meaning"]), warnings)
    for name, frame in tables.items():
        parts = [frame.iloc[i:i + max_rows] for i in range(0, len(frame), max_rows)] or [frame]
        if len(parts) > 1:
            notes.append(f"{name}: {len(frame):,} rows over {len(parts)} sheets of at most {max_rows:,} rows")
        for part in parts:
            _write_sheet(workbook, _sheet_title(name, used), part, warnings)
    workbook.properties.creator = "discourse-kit"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = _fixed_zip(buffer.getvalue())
    atomic_write(path, lambda p: p.write_bytes(data))
    return notes + [f"{path.name}: {n} {what}" for what, n in warnings.items()]


# --------------------------------------------------------------------------- Parquet


def export_parquet(results: str | os.PathLike | dict[str, pd.DataFrame], folder: str | os.PathLike) -> list[Path]:
    """Write every table of a results folder as ``<folder>/<table>.parquet`` (pyarrow), types kept.

    ``pd.read_parquet`` gives back the DataFrames of :func:`read_results`
    (same columns, dtypes and values). Returns the files written.
    """
    tables = read_results(results) if not isinstance(results, dict) else results
    folder = Path(folder)
    written = []
    with transaction():
        for name, frame in tables.items():
            def write(p: Path, frame=frame) -> None:
                frame.to_parquet(p, engine="pyarrow", index=False)

            written.append(atomic_write(folder / f"{name}.parquet", write))
    return written


# --------------------------------------------------------------------------- document-feature matrices


@dataclass
class DocumentFeatureMatrix:
    """A sparse documents × features count matrix with its row and column names.

    Attributes:
        matrix: ``scipy.sparse.csr_matrix`` of integer counts (rows = documents).
        features: the column names (categories or terms).
        docvars: one row per matrix row: ``doc_id``, metadata, ``n_tokens``.
    """

    matrix: Any
    features: list[str]
    docvars: pd.DataFrame

    @property
    def doc_ids(self) -> list[str]:
        """The document of each row."""
        return self.docvars["doc_id"].astype(str).tolist()

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a dense DataFrame (documents × features) — for small corpora only."""
        return pd.DataFrame(self.matrix.toarray(), index=self.doc_ids, columns=self.features)


def category_matrix(results: str | os.PathLike | dict[str, pd.DataFrame], *, voice: str = "all"
                    ) -> DocumentFeatureMatrix:
    """Documents × codebook categories (hit counts) from a run's ``features`` and ``documents`` tables."""
    from scipy.sparse import csr_matrix

    tables = read_results(results, tables=["documents", "features"]) if not isinstance(results, dict) else results
    features, docs = tables["features"], tables["documents"]
    rows = features[features["voice"].astype(str) == voice]
    categories = list(dict.fromkeys(features["category"].astype(str)))
    doc_ids = docs["doc_id"].astype(str).tolist()
    row_of = {d: i for i, d in enumerate(doc_ids)}
    col_of = {c: j for j, c in enumerate(categories)}
    nonzero = rows[(rows["count"] > 0) & rows["doc_id"].astype(str).isin(row_of)]
    matrix = csr_matrix((nonzero["count"].astype("int64").to_numpy(),
                         (nonzero["doc_id"].astype(str).map(row_of).to_numpy(),
                          nonzero["category"].astype(str).map(col_of).to_numpy())),
                        shape=(len(doc_ids), len(categories)), dtype="int64")
    return DocumentFeatureMatrix(matrix, categories, docs.reset_index(drop=True))


def term_matrix(docs: Any, *, by: str = "lower", nlp=None) -> DocumentFeatureMatrix:
    """Documents × terms (word tokens; lower-cased words by default, or lemmas) of a corpus or parsed Docs.

    Terms are sorted alphabetically; ``docvars`` holds each document's
    metadata (when the input carries it) and ``n_tokens``.
    """
    from scipy.sparse import csr_matrix

    check_by(by)
    counts, metas = [], []
    for doc, meta in documents(docs, nlp=nlp)[1]:
        c = doc_terms(doc, by)
        counts.append(c)
        metas.append({"doc_id": doc_id_of(doc), **{k: v for k, v in (meta or {}).items() if k != "doc_id"},
                      "n_tokens": int(sum(c.values()))})
    terms = sorted({t for c in counts for t in c})
    col_of = {t: j for j, t in enumerate(terms)}
    rows, cols, values = [], [], []
    for i, c in enumerate(counts):
        for term, n in c.items():
            rows.append(i)
            cols.append(col_of[term])
            values.append(n)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(counts), len(terms)), dtype="int64")
    docvars = pd.DataFrame(metas)
    return DocumentFeatureMatrix(matrix, terms, docvars)


def write_matrix(dfm: DocumentFeatureMatrix, folder: str | os.PathLike, name: str) -> list[Path]:
    """Write ``NAME.mtx``, ``NAME_features.txt`` and ``NAME_docvars.csv`` into ``folder`` (byte-identical).

    The Matrix Market file is ``coordinate integer general`` with 1-based
    indices, entries sorted by column then row (the order R's ``readMM`` and
    ``scipy.io.mmread`` read without sorting).
    """
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name or ""):
        raise KitError(f"matrix name {name!r}: use letters, digits, '_', '-' or '.'")
    for feature in dfm.features:
        if "\n" in feature or "\r" in feature:
            raise KitError(f"feature name {feature!r} holds a line break")
    folder = Path(folder)
    coo = dfm.matrix.tocoo()
    order = np.lexsort((coo.row, coo.col))
    lines = ["%%MatrixMarket matrix coordinate integer general",
             f"% discourse-kit document-feature matrix: rows = documents ({name}_docvars.csv), "
             f"columns = features ({name}_features.txt)",
             f"{dfm.matrix.shape[0]} {dfm.matrix.shape[1]} {len(order)}"]
    lines += [f"{int(coo.row[k]) + 1} {int(coo.col[k]) + 1} {int(coo.data[k])}" for k in order]
    mtx = "\n".join(lines) + "\n"
    features = "".join(f"{f}\n" for f in dfm.features)
    with transaction():
        files = [atomic_write(folder / f"{name}.mtx", lambda p: p.write_text(mtx, encoding="utf-8")),
                 atomic_write(folder / f"{name}_features.txt", lambda p: p.write_text(features, encoding="utf-8")),
                 write_csv(dfm.docvars, folder / f"{name}_docvars.csv")]
    return files


def read_matrix(folder: str | os.PathLike, name: str) -> DocumentFeatureMatrix:
    """Read what :func:`write_matrix` wrote (scipy's Matrix Market reader, the names, the docvars)."""
    from scipy.io import mmread

    folder = Path(folder)
    for suffix in (".mtx", "_features.txt", "_docvars.csv"):
        if not (folder / f"{name}{suffix}").is_file():
            raise KitError(f"missing {name}{suffix}", path=folder)
    matrix = mmread(str(folder / f"{name}.mtx")).tocsr().astype("int64")
    features = (folder / f"{name}_features.txt").read_text(encoding="utf-8").split("\n")[:-1]
    docvars = pd.read_csv(folder / f"{name}_docvars.csv", dtype=str, keep_default_na=False)
    if "n_tokens" in docvars:
        docvars["n_tokens"] = pd.to_numeric(docvars["n_tokens"].replace("", None)).astype("Int64")
    if matrix.shape != (len(docvars), len(features)):
        raise KitError(f"{name}.mtx is {matrix.shape[0]} x {matrix.shape[1]} but there are {len(docvars)} "
                       f"docvars rows and {len(features)} features", path=folder)
    return DocumentFeatureMatrix(matrix, features, docvars)
