"""Argument and setting types that refuse bad values with one line instead of crashing later.

argparse turns an `ArgumentTypeError` into `builddoctor: error: argument --timeout: ...` (exit 2);
`seconds_from_env` does the same for a variable through UserError. argparse is imported only to
refuse a value: a plain command line is read without it (cliparse.py).
"""
from __future__ import annotations

import os

from .errors import UserError

MAX_SECONDS = 366 * 24 * 3600.0  # select() and threading refuse timeouts much beyond this


def _refused(message: str) -> Exception:
    import argparse

    return argparse.ArgumentTypeError(message)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= MAX_SECONDS:  # also refuses nan (no comparison holds) and inf
        raise ValueError(f"{text!r} is not a number of seconds between 0 and {MAX_SECONDS:.0f}")
    return value


def seconds(text: str) -> float:
    """A positive, finite number of seconds (refuses -5, 0, nan, inf, 1e300, abc)."""
    try:
        return _seconds(text)
    except ValueError as exc:
        raise _refused(str(exc)) from None


def seconds_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return _seconds(raw)
    except ValueError as exc:
        raise UserError(f"{name}={raw!r}: {exc}") from None


def count(text: str) -> int:
    """A positive whole number (refuses -1, 0, 1.5, abc)."""
    try:
        value = int(text)
    except ValueError:
        raise _refused(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise _refused(f"{text!r} must be 1 or more")
    return value


def nonempty(text: str) -> str:
    """A path that is not the empty string (`-o ''` used to mean "the default" without a word)."""
    if not text.strip():
        raise _refused("an empty path is not a file or folder")
    return text
