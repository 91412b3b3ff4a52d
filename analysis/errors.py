"""User-facing errors, kept in one place.

Every problem a user can fix (a missing file, bad encoding, malformed YAML, an
unknown category, a bad pattern) raises :class:`KitError`. The command line
prints ``error: <message>`` on one line and exits with status 2; notebooks and
library users get an ordinary exception with the same one-line message.
"""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "KitError",
    "CorpusError",
    "CodebookError",
    "RegexBudgetError",
    "GazetteerError",
    "LexiconError",
    "ModelError",
    "FetchError",
    "UnstorableValue",
    "one_line",
]


def one_line(text: object) -> str:
    """``text`` as a single line: whitespace runs collapse to one space,
    other control characters are shown escaped (``\\x00``)."""
    flat = " ".join(str(text).split())
    if flat.isprintable():
        return flat
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)


class KitError(Exception):
    """A problem with the user's input, reported as one clear line.

    Args:
        message: what is wrong and, where possible, how to fix it.
        path: the file concerned, prepended to the message.
        where: a finer location inside the file (``line 3``, ``row 7``,
            ``category deception_accusation, rule d1``).
    """

    def __init__(self, message: str, *, path: str | Path | None = None, where: str | None = None):
        self.path = str(path) if path is not None else None
        self.where = where
        self.detail = one_line(message)
        prefix = ""
        if self.path:
            # file names may hold newlines or control characters: escape them
            prefix = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.path)
            if where:
                prefix += f" ({one_line(where)})"
            prefix += ": "
        elif where:
            prefix = f"{one_line(where)}: "
        super().__init__(prefix + self.detail)


class CorpusError(KitError):
    """A corpus file or folder cannot be read."""


class CodebookError(KitError):
    """A codebook or dictionary file is invalid."""


class RegexBudgetError(CodebookError):
    """A codebook ``REGEX`` ran past its time budget on one token (catastrophic backtracking).

    ``extension`` names the token extension that runs the expression, so the
    matcher can tell which rules use it and leave them out for that document.
    """

    def __init__(self, message: str, *, extension: str, **kwargs):
        self.extension = extension
        super().__init__(message, **kwargs)


class GazetteerError(KitError):
    """An actor gazetteer file is invalid."""


class LexiconError(KitError):
    """The reporting-cue lexicon file is invalid."""


class ModelError(KitError):
    """A spaCy pipeline cannot be built (e.g. the model is not installed)."""


class FetchError(Exception):
    """One document of a manifest could not be fetched.

    Never reaches the caller: :func:`analysis.corpus.fetch.fetch_manifest`
    writes its message into the report row of that document and carries on.
    """


class UnstorableValue(Exception):
    """A record value the records cache cannot store with its exact type (e.g. a numpy scalar).

    Never reaches the caller: the document is then simply not cached.
    """
