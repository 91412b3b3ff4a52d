"""How a subcommand of the command line is declared: :func:`add_command`.

The subcommands of :mod:`analysis.app.commands` and :mod:`analysis.app.coding_cli`
are declared with :func:`add_command`: the command's name, its line in the
command list, its ``--help`` text and its arguments as data, so that each
module lists what its commands take rather than repeating the argparse calls.
"""
from __future__ import annotations

import argparse
from typing import Iterable

__all__ = ["add_command"]


def add_command(sub, name: str, summary: str, description: str,
                arguments: Iterable[tuple]) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` to ``sub`` (the main parser's subparsers) and return its parser.

    Args:
        sub: from ``ArgumentParser.add_subparsers``.
        name: the command, e.g. ``"compare"``.
        summary: its line in ``discourse-kit --help``.
        description: its ``--help`` text.
        arguments: each one the flags (or the positional name) and a dict of
            ``add_argument`` options, e.g. ``("--window", {"type": int, "default": 8})``.

    Example:
        >>> import argparse
        >>> sub = argparse.ArgumentParser(prog="kit").add_subparsers(dest="command")
        >>> parser = add_command(sub, "kwic", "keyword in context", "Every occurrence of QUERY.",
        ...                      [("corpus", {}), ("query", {}), ("--window", {"type": int, "default": 8})])
        >>> vars(parser.parse_args(["texts", "deceive"]))
        {'corpus': 'texts', 'query': 'deceive', 'window': 8}
    """
    parser = sub.add_parser(name, help=summary, description=description)
    for *flags, options in arguments:
        parser.add_argument(*flags, **options)
    return parser
