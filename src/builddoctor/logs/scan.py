"""One pass over a log: every pattern of toolchains/log-patterns.toml and every known problem's symptoms.

The scanner keeps, per pattern, the first few distinct matches with their line numbers (a fixed
cap), so its memory does not grow with the log. Interpreting the matches is extract.py's job.
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .._data import table
from .redact import LogRedactor

EXCERPT = 200
#: distinct matches kept per pattern (cargo prints one line per crate: it gets more)
CAP = 32
CAPS = {"cargo.compiling": 4096, "uv.build-requirement": 256, "pip.requirement-wheel": 256}

# Prefixes that carry no meaning: uv's `DEBUG `, CI timestamps, pip's box drawing, quote marks.
_PREFIX = re.compile(r"^(?:\s+|DEBUG\s|\d{4}-\d\d-\d\dT[\d:.]+Z\s|[│|╰─>]+\s|>\s)+")
_WRAP_MIN = 50  # a line this long in an indented block may continue on the next one


@dataclass(frozen=True)
class Pattern:
    id: str
    tool: str
    regex: re.Pattern[str]
    set: dict[str, str]
    source: str
    groups: tuple[str, ...]


@dataclass
class Match:
    line: int
    excerpt: str
    groups: dict[str, str]


@dataclass
class SigSeen:
    line: int
    excerpt: str
    count: int = 1


@functools.cache
def patterns() -> tuple[Pattern, ...]:
    out = []
    for raw in table("log-patterns")["pattern"]:
        rx = raw["regex"]
        if rx.startswith("(?i)"):
            rx = "(?i:" + rx[4:] + ")"
        compiled = re.compile(rx)
        out.append(Pattern(raw["id"], raw["tool"], compiled, dict(raw.get("set", {})), raw.get("source", ""),
                           tuple(compiled.groupindex)))
    return tuple(out)


_NAMED = re.compile(r"\(\?P<\w+>")


@functools.cache
def _prefilter() -> re.Pattern[str]:
    """One regex that matches whenever any pattern could: most log lines fail it in one search."""
    parts = []
    for p in patterns():
        parts.append("(?:" + _NAMED.sub("(?:", p.regex.pattern) + ")")
    return re.compile("|".join(parts))


@functools.cache
def _symptoms() -> re.Pattern[str] | None:
    from ..knowledge import problems

    parts = [f"(?:{s.pattern})" for p in problems() for s in p.symptoms]
    if not parts:
        return None
    try:
        return re.compile("|".join(parts), re.I)
    except re.error:  # a symptom that cannot be combined: match them one by one
        return re.compile(r"[\s\S]", re.I)


def normalize(line: str) -> str:
    return _PREFIX.sub("", line).rstrip()


@dataclass
class LogScanner:
    """Feed it lines (any number); read `matches`, `signatures`, `lines` at the end. Thread-safe."""

    redactor: LogRedactor = field(default_factory=LogRedactor)
    matches: dict[str, dict[tuple[str, ...], Match]] = field(default_factory=dict)
    signatures: dict[str, SigSeen] = field(default_factory=dict)
    lines: int = 0
    _prev: str = ""
    _prev_line: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def feed(self, raw: str) -> None:
        with self._lock:
            self.lines += 1
            self._feed(raw, self.lines)

    def _feed(self, raw: str, number: int) -> None:
        text = normalize(raw)
        if not text:
            self._prev = ""
            return
        if "Users" in text or "/home/" in text:
            self.redactor.learn(text)
        if _prefilter().search(text):
            self._patterns(text, number)
        elif len(self._prev) >= _WRAP_MIN:  # a message wrapped at the terminal's width
            joined = self._prev + " " + text
            if _prefilter().search(joined):
                self._patterns(joined, self._prev_line)
        symptoms = _symptoms()
        if symptoms is not None:
            if symptoms.search(text):
                self._signatures(text, number)
            elif len(self._prev) >= _WRAP_MIN:
                joined = self._prev + " " + text  # a wrapped line (uv and pip wrap the backend's output)
                if symptoms.search(joined):
                    self._signatures(joined, self._prev_line)
        self._prev, self._prev_line = text, number

    def _patterns(self, text: str, number: int) -> None:
        for p in patterns():
            for m in p.regex.finditer(text):
                groups = {k: v for k, v in m.groupdict().items() if v}
                groups.update(p.set)
                if not groups:
                    continue
                seen = self.matches.setdefault(p.id, {})
                key = tuple(f"{k}={v}" for k, v in sorted(groups.items()))
                if key not in seen and len(seen) < CAPS.get(p.id, CAP):
                    seen[key] = Match(number, self.excerpt(text, m.start()), groups)

    def _signatures(self, text: str, number: int) -> None:
        from ..knowledge import match_log_line

        for problem in match_log_line(text):
            seen = self.signatures.get(problem.id)
            if seen is None:
                self.signatures[problem.id] = SigSeen(number, self.excerpt(text, 0))
            else:
                seen.count += 1

    def excerpt(self, text: str, start: int = 0) -> str:
        if len(text) > EXCERPT:
            begin = max(0, min(start - 40, len(text) - EXCERPT))
            text = ("..." if begin else "") + text[begin:begin + EXCERPT] + "..."
        return self.redactor.text(text)

    def all(self, pattern_id: str) -> list[Match]:
        return list(self.matches.get(pattern_id, {}).values())

    def values(self, group: str) -> list[Match]:
        """Every match (of any pattern) that has `group`, in log order."""
        out = [m for seen in self.matches.values() for m in seen.values() if group in m.groups]
        return sorted(out, key=lambda m: m.line)

    def first(self, group: str) -> Match | None:
        found = self.values(group)
        return found[0] if found else None


def as_dict(scanner: LogScanner) -> dict[str, Any]:  # pragma: no cover - debugging aid
    return {pid: [vars(m) for m in seen.values()] for pid, seen in scanner.matches.items()}
