"""Reading a failed build's log: facts with line numbers, known-problem symptoms, the same rules.

reader.py  bytes -> clean bounded lines (encoding, mojibake, ANSI, CR/LF)
scan.py    lines -> pattern matches (toolchains/log-patterns.toml) and symptoms (known-problems.toml)
extract.py matches -> Facts (the probes' types) + LogFacts with a LogEvidence map
diagnose.py the `diagnose` command: with or without a machine; render.py: text and JSON
"""
from __future__ import annotations

import os
import sys
from typing import BinaryIO

from ..errors import UserError
from .reader import ReadStats, read_lines
from .scan import LogScanner

__all__ = ["LogScanner", "ReadStats", "scan_path", "scan_stream"]


def scan_stream(stream: BinaryIO, scanner: LogScanner | None = None) -> tuple[LogScanner, ReadStats]:
    scanner = scanner or LogScanner()
    stats = ReadStats()
    for line in read_lines(stream, stats):
        scanner.feed(line)
    return scanner, stats


def scan_path(path: str) -> tuple[LogScanner, ReadStats]:
    """Scan a log file, or standard input for "-"; UserError (exit 2) when it cannot be read."""
    if path == "-":
        return scan_stream(sys.stdin.buffer)
    if os.path.isdir(path):
        raise UserError(f"{path} is a folder, not a log file")
    try:
        with open(path, "rb") as fh:
            return scan_stream(fh)
    except FileNotFoundError:
        raise UserError(f"{path} does not exist", tip="give the build log's file name, or - to read standard input") \
            from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
