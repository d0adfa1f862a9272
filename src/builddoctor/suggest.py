""""Did you mean" for mistyped commands and options (difflib, as git and pip do)."""
from __future__ import annotations

import argparse
import difflib
import re


def _close(word: str, choices: list[str]) -> str:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else ""


def did_you_mean(parser: argparse.ArgumentParser, message: str) -> str:
    """A `; did you mean 'check'?` tail for argparse's invalid-choice message, else ''."""
    m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if not m:
        return ""
    choices = re.findall(r"'([^']*)'", m.group(2)) or [c.strip() for c in m.group(2).split(",")]
    best = _close(m.group(1), choices)
    return f"; did you mean {best!r}?" if best else ""


def unknown_option(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    """One line naming the options `parser` does not know, with the closest known one."""
    known = [o for action in parser._actions for o in action.option_strings]
    where = parser.prog.partition(" ")[2]
    parts = []
    for arg in unknown:
        name = arg.split("=", 1)[0]
        best = _close(name, [k for k in known if k.startswith("--")] if name.startswith("--") else known)
        parts.append(f"{arg} (did you mean {best}?)" if best else arg)
    prefix = f"{where}: " if where else ""
    return f"{prefix}unrecognized arguments: {' '.join(parts)}; see 'builddoctor {where + ' ' if where else ''}--help'"
