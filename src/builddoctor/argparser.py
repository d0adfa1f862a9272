"""The argparse parser: help, the messages for a command line that is not plain, shell completion.

Built from the same option declarations the plain reader uses (cliparse.Options), only when needed.
"""
from __future__ import annotations

import argparse
import os
import sys

from .errors import UserError


class Parser(argparse.ArgumentParser):
    def _get_formatter(self) -> argparse.HelpFormatter:
        return self.formatter_class(prog=self.prog, width=_columns())  # type: ignore[call-arg]

    def error(self, message: str) -> None:  # type: ignore[override]
        from .suggest import did_you_mean

        where = self.prog.partition(" ")[2]  # "why" for "builddoctor why"; main prints "builddoctor: error:"
        hint = did_you_mean(self, message)
        raise UserError(f"{where + ': ' if where else ''}{message}{hint}")

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        parsed, extras = super().parse_known_args(args, namespace)
        unknown = [a for a in extras if a.startswith("-")]
        if unknown and self.prog == "builddoctor":
            from .suggest import unknown_option

            sub = subparser(self, getattr(parsed, "command", None))
            raise UserError(unknown_option(sub or self, unknown))
        return parsed, extras


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() gives it ($COLUMNS, else the terminal, else
    80), without importing shutil (with bz2 and lzma) each time argparse checks an option."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def subparser(parser: argparse.ArgumentParser, name: str | None) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return None
