"""Reading user files and writing result files, the one way the kit does both.

**Reading.** :func:`read_user_file` reads a file the user named (one clear
error line when it cannot), :func:`decode_utf8` decodes it, and
:func:`read_yaml` is the kit's only YAML reader: the codebook, the actor
gazetteer, the reporting-cue lexicon, quanteda dictionaries and the front
matter of text files all go through it, so they share its checks --
safe loading only (tags that would construct Python objects are refused),
a duplicate key is an error (never "the last one wins"), aliases may not
expand to more than :data:`MAX_YAML_NODES` values (an "alias bomb" is refused
at once instead of being walked), files over :data:`MAX_YAML_BYTES` are
refused, nesting deeper than :data:`MAX_YAML_DEPTH` levels is refused while
parsing (no RecursionError), and every problem is one line naming the file and
the line.

**Writing.** Every output is written to a temporary file in the target folder and then
renamed into place, so an interrupted run leaves earlier results intact.
Inside :func:`transaction` the renames are deferred until the block ends
without error and then made all or nothing (backups, rolled back if a rename
fails): a run that fails half-way replaces none of the earlier files.
Temporary names carry the writer's process id, so :func:`sweep_temporary`
removes those a killed run left behind, and only those.
CSV files use ``\\n`` line ends, UTF-8 and a fixed float format; JSON files
sorted keys. Same input, same bytes.
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import functools
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd
import yaml

from .errors import KitError
from .safefiles import MAX_USER_FILE_BYTES, FileTooLarge, NotRegularFile, read_limited, sweep_temporary

__all__ = [
    "atomic_write",
    "transaction",
    "savepoint",
    "remove_on_commit",
    "sweep_temporary",
    "write_csv",
    "write_csv_parts",
    "write_parquet",
    "write_json",
    "read_user_file",
    "read_limited",
    "NotRegularFile",
    "FileTooLarge",
    "MAX_USER_FILE_BYTES",
    "MAX_YAML_DEPTH",
    "decode_utf8",
    "read_yaml",
    "YamlText",
    "FLOAT_FORMAT",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
]

#: printf-style format of every float written to CSV (stable across platforms).
FLOAT_FORMAT = "%.6g"

# (temporary file, final path) pairs waiting for the end of a transaction
_PENDING: contextvars.ContextVar[list[tuple[Path | None, Path]] | None] = contextvars.ContextVar(
    "discourse_kit_pending_writes", default=None
)


@functools.lru_cache(maxsize=1)
def _file_mode() -> int:
    """Mode for new files: what ``open()`` would give (0o666 minus the umask).

    ``mkstemp`` creates files readable by their owner only; results must be
    as readable as any other file the user writes.
    """
    try:  # Linux: read the umask without changing it (thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``.

    The temporary file lives in the same folder (so the rename is atomic) and
    is removed if ``write`` raises; ``path`` is then left as it was. Inside a
    :func:`transaction` the rename waits for the end of the block.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        with open(tmp_path, "rb+") as fh:  # data on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp_path, _file_mode())
        pending = _PENDING.get()
        if pending is None:
            os.replace(tmp_path, path)
        else:
            pending.append((tmp_path, path))
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """Defer the renames of every :func:`atomic_write` in the block to its end; commit all or nothing.

    If the block raises (an error, Ctrl-C), every temporary file is deleted
    and no earlier output is replaced. At the end every new file is renamed
    into place and every file passed to :func:`remove_on_commit` is removed;
    each replaced or removed file is first kept as a backup (a hard link), so
    if any rename fails midway (disk full, a file locked, Ctrl-C) every file
    already replaced is put back: the folder holds the old run or the new
    one, never a mix. Nested transactions join the outer one.

    Example:
        >>> import pathlib, tempfile
        >>> out = pathlib.Path(tempfile.mkdtemp())
        >>> with transaction():
        ...     path = write_csv(pd.DataFrame({"a": [1]}), out / "evidence.csv")
        ...     waiting = path.exists()
        >>> waiting, path.exists()
        (False, True)
    """
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[Path | None, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _ in pending:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise
    finally:
        _PENDING.reset(token)
    _commit(pending)


@contextlib.contextmanager
def savepoint() -> Iterator[None]:
    """Inside a :func:`transaction`: if the block raises, drop only the writes made in it, then re-raise.

    Lets a run keep its tables when a figure fails (``except`` around the savepoint).
    """
    pending = _PENDING.get()
    mark = len(pending) if pending is not None else 0
    try:
        yield
    except BaseException:
        if pending is not None:
            for tmp, _ in pending[mark:]:
                if tmp is not None:
                    tmp.unlink(missing_ok=True)
            del pending[mark:]
        raise


def remove_on_commit(path: str | os.PathLike) -> None:
    """Inside a :func:`transaction`, remove ``path`` when the transaction commits (restored if it rolls back).

    Outside a transaction the file is removed at once.
    """
    pending = _PENDING.get()
    if pending is None:
        Path(path).unlink(missing_ok=True)
    else:
        pending.append((None, Path(path)))


def _backup(final: Path) -> Path | None:
    """Keep the current ``final`` under a temporary name (a hard link, or a copy); None if there is none."""
    if not final.exists():
        return None
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.{os.getpid()}.", suffix=".bak.tmp")
    os.close(fd)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(final, backup)
    except OSError:  # file systems without hard links
        shutil.copy2(final, backup)
    return backup


def _commit(pending: list[tuple[Path | None, Path]]) -> None:
    """Rename every new file into place and remove the files to remove, all or nothing."""
    done: list[tuple[Path, Path | None]] = []  # (final, its backup) for every step taken
    try:
        for tmp, final in pending:
            backup = _backup(final)
            done.append((final, backup))
            if tmp is None:
                if backup is not None:
                    os.unlink(final)
            else:
                os.replace(tmp, final)
    except BaseException:
        for final, backup in reversed(done):  # put every earlier file back
            with contextlib.suppress(OSError):
                if backup is not None and final.exists() and os.path.samefile(backup, final):
                    backup.unlink()  # this step never happened (rename() between two links of one file does nothing)
                elif backup is not None:
                    os.replace(backup, final)
                else:
                    final.unlink(missing_ok=True)
        for tmp, _ in pending:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


_BARE_CR = re.compile(r"\r(?!\n)")


def _has_bare_cr(frame: pd.DataFrame) -> bool:
    """True if a cell (or a column name) holds a carriage return not followed by a line feed."""
    if any(isinstance(c, str) and _BARE_CR.search(c) for c in frame.columns):
        return True
    for col in frame.columns:
        series = frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            if any(isinstance(v, str) and "\r" in v and _BARE_CR.search(v) for v in series):
                return True
    return False


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    r"""Write a DataFrame as CSV, atomically and byte-for-byte reproducibly.

    Cells are quoted only where needed, except in a table holding a bare
    carriage return (old Mac line ends, hostile text): the csv module would
    leave such a cell unquoted with ``\n`` line ends, and readers would split
    the row there, so that table has every cell quoted (still valid CSV).
    Unencodable lone surrogates are written as backslash escapes (``\ud800``).
    """
    quoting = csv.QUOTE_ALL if _has_bare_cr(frame) else csv.QUOTE_MINIMAL
    return atomic_write(
        path,
        lambda p: frame.to_csv(
            p, index=False, lineterminator="\n", float_format=FLOAT_FORMAT, encoding="utf-8",
            errors="backslashreplace", quoting=quoting,
        ),
    )


def _may_have_cr(frame: pd.DataFrame) -> bool:
    """A quick (vectorised) look for any carriage return in the column names or text cells."""
    if any(isinstance(c, str) and "\r" in c for c in frame.columns):
        return True
    for col in frame.columns:
        series = frame[col]
        if (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)) and len(series):
            if series.astype(str).str.contains("\r", regex=False).any():
                return True
    return False


def write_csv_parts(parts: Callable[[], Iterable[pd.DataFrame]], path: str | os.PathLike) -> Path:
    """Write the concatenation of ``parts()`` as :func:`write_csv` would write it, one part in memory at a time.

    ``parts`` is called twice (the quoting is decided over the whole table
    first); every part has the same columns and dtypes. The bytes are those
    of ``write_csv(pd.concat(parts()))``.
    """
    quoting = csv.QUOTE_ALL if any(_may_have_cr(part) and _has_bare_cr(part) for part in parts()) \
        else csv.QUOTE_MINIMAL

    def write(p: Path) -> None:
        with open(p, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            for i, part in enumerate(parts()):
                part.to_csv(fh, index=False, header=i == 0, lineterminator="\n", float_format=FLOAT_FORMAT,
                            quoting=quoting)

    return atomic_write(path, write)


def write_parquet(parts: Iterable[pd.DataFrame], path: str | os.PathLike) -> Path:
    """Write DataFrames (same columns and dtypes) as one Parquet file, one row group per part, atomically.

    Needs pyarrow (the ``parquet`` extra). The pandas dtypes are kept in the
    file's metadata, so ``pandas.read_parquet`` gives them back.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise KitError("--format parquet needs pyarrow; install the optional extra: "
                       "pip install 'discourse-kit[parquet]'") from None

    def write(p: Path) -> None:
        writer = None
        try:
            for part in parts:
                if writer is None:
                    schema = pa.Schema.from_pandas(part, preserve_index=False)
                    writer = pq.ParquetWriter(p, schema)
                elif not len(part):
                    continue
                writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise ValueError("write_parquet needs at least one part (an empty DataFrame gives the columns)")

    return atomic_write(path, write)


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write JSON with sorted keys, atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8", errors="backslashreplace"))


def read_user_file(path: str | os.PathLike, *, what: str, error: type[KitError] = KitError,
                   limit: int = MAX_USER_FILE_BYTES) -> bytes:
    """Read a file the user named; any failure is one ``error`` line naming the file.

    ``what`` names the file's role in the messages ("codebook file", "manifest").
    Pipes, sockets and devices (``/dev/zero``, a FIFO) and files over ``limit``
    bytes (default :data:`MAX_USER_FILE_BYTES`) are refused before anything is read.
    """
    path = Path(path)
    try:
        return read_limited(path, limit)
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise error(f"is a folder, not {'an' if what[:1] in 'aeiou' else 'a'} {what}", path=path) from None
    except NotRegularFile:
        raise error(f"not a regular file (a pipe, socket or device); the {what} must be a file", path=path) from None
    except FileTooLarge as e:
        raise error(e.message(what), path=path) from None
    except OSError as e:
        raise error(f"cannot read the {what}: {e.strerror or e}", path=path) from None


def decode_utf8(data: bytes, path: str | os.PathLike, *, what: str, error: type[KitError] = KitError) -> str:
    """Decode UTF-8 (a BOM is dropped); undecodable bytes are one ``error`` line with the offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{what} is not UTF-8 text (undecodable byte at offset {e.start})", path=path) from None


# --------------------------------------------------------------------------- YAML

#: Largest YAML text read (bytes of UTF-8).
MAX_YAML_BYTES = 20_000_000
#: Most values a YAML document may hold once its aliases are expanded.
MAX_YAML_NODES = 2_000_000
#: Deepest nesting of lists and mappings a YAML document may have (kit files need fewer than 10 levels).
MAX_YAML_DEPTH = 100


class YamlText:
    """What :func:`read_yaml` read: the data and the line of every mapping in it.

    Attributes:
        data: the parsed document (``None`` for an empty one).
        lines: ``id(mapping) -> line number`` (1-based, in the file) of every
            mapping of ``data``, so a validator can say where an entry is.
    """

    __slots__ = ("data", "lines")

    def __init__(self, data: Any, lines: dict[int, int]):
        self.data = data
        self.lines = lines


class _TooManyNodes(Exception):
    pass


class _TooDeep(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses duplicate keys and remembers where each mapping starts."""

    def __init__(self, stream: str, first_line: int):
        super().__init__(stream)
        self.first_line = first_line
        self.lines: dict[int, int] = {}
        self.depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        # refuse deep nesting while composing, before Python's recursion limit is reached
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: D401 - PyYAML hook
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: PyYAML reports it itself
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_map(self, node):  # noqa: D401 - PyYAML hook
        data: dict = {}
        self.lines[id(data)] = node.start_mark.line + self.first_line
        yield data
        data.update(self.construct_mapping(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


def _check_expansion(node: yaml.Node, limit: int) -> None:
    """Raise _TooManyNodes when the node graph, with every alias expanded, holds more than ``limit`` values.

    PyYAML builds an alias as a reference to the anchored value, so nine
    aliases of nine aliases of ... cost nothing to load but billions of steps
    to walk; the size is counted here on the graph, each shared node once.
    """
    sizes: dict[int, int] = {}
    pending: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        found = sizes.get(key)
        if found is not None:
            return found
        if key in pending:  # an anchor used inside itself
            raise _TooManyNodes
        pending.add(key)
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(child) for child in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        pending.discard(key)
        if total > limit:
            raise _TooManyNodes
        sizes[key] = total
        return total

    size(node)


def read_yaml(
    source: bytes | str,
    path: str | os.PathLike,
    *,
    what: str = "YAML file",
    error: type[KitError] = KitError,
    kind: str = "YAML",
    first_line: int = 1,
) -> YamlText:
    r"""Parse YAML text the way every kit file is read (see the module docstring).

    Args:
        source: the file's bytes (decoded as UTF-8, a BOM dropped) or text.
        path: the file, named in every error.
        what: the file's role in messages ("codebook file", "gazetteer file").
        error: the :class:`KitError` subclass raised.
        kind: what the text is, in messages ("YAML", "YAML front matter").
        first_line: line number of the text's first line in the file.

    Raises:
        KitError: (``error``) one line naming the file, the line and the problem.

    Example:
        >>> read_yaml(b"id: x\nversion: 1\n", "x.yaml").data
        {'id': 'x', 'version': 1}
        >>> read_yaml(b"say: [said]\nsay: [says]\n", "verbs.yaml").data
        Traceback (most recent call last):
        ...
        analysis.errors.KitError: verbs.yaml (line 2): malformed YAML: duplicate key 'say'
    """
    size = len(source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source)
    if size > MAX_YAML_BYTES:
        raise error(f"{what} is larger than {MAX_YAML_BYTES // 1_000_000} MB ({size:,} bytes)", path=path)
    text = source if isinstance(source, str) else decode_utf8(source, path, what=what, error=error)
    loader = _Loader(text, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlText(None, {})
        _check_expansion(node, MAX_YAML_NODES)
        data = loader.construct_document(node)
    except _TooDeep as e:
        raise error(f"malformed {kind}: nested more than {MAX_YAML_DEPTH} levels deep", path=path,
                    where=_line(e.args[0], first_line)) from None
    except _TooManyNodes:
        raise error(f"malformed {kind}: aliases expand to more than {MAX_YAML_NODES:,} values "
                    "(an anchor used inside itself, or an alias bomb)", path=path) from None
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or str(e)
        if "constructor for the tag" in problem:
            tag = re.search(r"'([^']*)'", problem)
            problem = (f"tag {tag.group(1) if tag else ''} refused (YAML is read with safe loading only: "
                       "no Python objects)")
        raise error(f"malformed {kind}: {problem}", path=path, where=_line(mark, first_line)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        raise error(f"malformed {kind}: {problem}", path=path, where=_line(mark, first_line)) from None
    except RecursionError:
        raise error(f"malformed {kind}: nested too deeply", path=path, where=f"line {first_line}") from None
    finally:
        loader.dispose()
    return YamlText(data, loader.lines)


def _line(mark, first_line: int) -> str | None:
    return f"line {mark.line + first_line}" if mark is not None else None


def read_user_csv(path: str | os.PathLike, *, what: str, required) -> tuple[list[str], list[dict]]:
    """A user's small CSV file (a manifest, a lock file) as (column names, rows of str).

    Raises:
        KitError: missing or unreadable file, not UTF-8, malformed CSV, or a column of
            ``required`` missing (one line naming the file).
    """
    path = Path(path)
    raw = decode_utf8(read_user_file(path, what=what), path, what=what)
    try:
        reader = csv.DictReader(io.StringIO(raw, newline=""))
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    except csv.Error as e:
        raise KitError(f"malformed CSV: {e}", path=path) from None
    missing = [c for c in required if c not in fields]
    if missing:
        raise KitError(f"a {what} needs the column(s) {', '.join(missing)} (found: {', '.join(fields) or 'none'})",
                       path=path, where="line 1")
    return fields, rows

