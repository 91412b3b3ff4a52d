"""User-facing errors, kept in one place.

Every problem a user can fix (a missing file, bad encoding, malformed YAML, an
unknown category, a bad pattern) raises :class:`KitError`. The command line
prints ``error: <message>`` on one line and exits with status 2; notebooks and
library users get an ordinary exception with the same one-line message.
"""
from __future__ import annotations

from pathlib import Path


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
        self.detail = message
        prefix = ""
        if self.path:
            prefix = f"{self.path}"
            if where:
                prefix += f" ({where})"
            prefix += ": "
        elif where:
            prefix = f"{where}: "
        super().__init__(prefix + " ".join(str(message).split()))


class CorpusError(KitError):
    """A corpus file or folder cannot be read."""


class CodebookError(KitError):
    """A codebook or dictionary file is invalid."""


class GazetteerError(KitError):
    """An actor gazetteer file is invalid."""


class ModelError(KitError):
    """A spaCy pipeline cannot be built (e.g. the model is not installed)."""
