"""Reading an untrusted build log: any size, any encoding, one bounded line at a time.

Every line is decoded as UTF-8 (bad bytes become U+FFFD), repaired when it is UTF-8 that was
decoded as Mac Roman or Windows-1252 on its way into an issue (the seed shows U+F8FF, u-umlaut,
c-cedilla and pi where maturin printed a cocktail emoji), stripped of ANSI escape sequences, and
cut at MAX_LINE characters. A carriage return alone (progress bars redrawing a line) ends a line
too. Memory stays bounded whatever the input.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from .._record import record

#: longest line kept (characters); the rest of a longer line is read and dropped
MAX_LINE = 8192
_CHUNK = 1 << 16

# CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), and lone escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@record(frozen=False)
class ReadStats:
    lines: int = 0
    bytes: int = 0
    truncated: int = 0  # lines longer than MAX_LINE
    repaired: int = 0  # lines whose mojibake was undone
    replaced: int = 0  # lines with bytes that are not UTF-8


def strip_ansi(text: str) -> str:
    """`text` without CSI (colours, cursor moves) and OSC (titles, hyperlinks) sequences or lone
    escapes: what a program forced into colour (FORCE_COLOR=1, RUSTUP_TERM_COLOR=always) prints."""
    return _ANSI.sub("", text) if "\x1b" in text else text


def repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-read-as-Mac-Roman or -as-Windows-1252; `text` unchanged otherwise.

    A line is only changed when re-encoding it gives valid UTF-8 that differs from it, which plain
    Latin text (a lone "ø", "é") never does.
    """
    if text.isascii():
        return text
    for codec in ("mac_roman", "cp1252"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return text


def clean(raw: bytes, stats: ReadStats | None = None) -> str:
    text = raw.decode("utf-8", errors="replace")
    if stats is not None and "\ufffd" in text:
        stats.replaced += 1
    text = strip_ansi(text)
    fixed = repair_mojibake(text)
    if stats is not None and fixed is not text and fixed != text:
        stats.repaired += 1
    fixed = fixed.replace("\uf8ff", "")  # Apple's logo: the first byte of an emoji read as Mac Roman
    return _CONTROL.sub("", fixed.replace("\t", "    "))


def read_lines(stream: BinaryIO, stats: ReadStats | None = None) -> Iterator[str]:
    """Lines of a binary stream, cleaned; never holds more than MAX_LINE*4 bytes of one line."""
    stats = stats if stats is not None else ReadStats()
    limit = MAX_LINE * 4  # UTF-8 needs up to 4 bytes a character
    while True:
        raw = stream.readline(limit)
        if not raw:
            return
        stats.bytes += len(raw)
        cut = not raw.endswith(b"\n") and len(raw) >= limit
        if cut:
            stats.truncated += 1
            while True:  # drop the rest of this line
                more = stream.readline(_CHUNK)
                stats.bytes += len(more)
                if not more or more.endswith(b"\n"):
                    break
        raw = raw.rstrip(b"\r\n")
        parts = raw.split(b"\r") if b"\r" in raw else [raw]
        for part in parts:
            if not part and len(parts) > 1:
                continue
            stats.lines += 1
            text = clean(part, stats)
            if len(text) > MAX_LINE:
                text = text[:MAX_LINE]
                stats.truncated += 0 if cut else 1
            yield text


def text_lines(lines: Iterable[str]) -> Iterator[str]:
    """Already-decoded lines (a build's own output) through the same cleaning, bounded too."""
    for line in lines:
        for part in line.split("\r"):
            yield _CONTROL.sub("", strip_ansi(part))[:MAX_LINE]
