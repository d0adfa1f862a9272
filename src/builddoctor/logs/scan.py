"""One pass over a log: every pattern of toolchains/log-patterns.toml and every known problem's symptoms.

The scanner keeps, per pattern, the first few distinct matches with their line numbers (a fixed
cap), so its memory does not grow with the log. Interpreting the matches is extract.py's job.
"""
from __future__ import annotations

import functools
import re
import threading
from typing import Any

from .._data import table
from .._record import field, record
from .redact import LogRedactor

EXCERPT = 200
#: distinct matches kept per pattern (cargo prints one line per crate: it gets more)
CAP = 32
CAPS = {"cargo.compiling": 4096, "uv.build-requirement": 256, "pip.requirement-wheel": 256}

# Prefixes that carry no meaning: uv's `DEBUG `, CI timestamps, pip's box drawing, quote marks.
_PREFIX = re.compile(r"^(?:\s+|DEBUG\s|\d{4}-\d\d-\d\dT[\d:.]+Z\s|[│|╰─>]+\s|>\s)+")
_WRAP_MIN = 50  # a line this long in an indented block may continue on the next one


@record
class Pattern:
    id: str
    tool: str
    regex: re.Pattern[str]
    set: dict[str, str]
    source: str
    groups: tuple[str, ...]
    needles: tuple[str, ...] = ()  # empty: the regex runs on every line

_META_BREAK = set(".^$+")


def literal_needle(rx: str) -> str | None:
    """The longest literal run every match of `rx` must contain, lowercased (None: none of 3+ characters).

    Only text outside groups counts, a top-level `|` gives up, and a character made optional by the
    quantifier after it is dropped. Used to skip a regex on lines that cannot match it.
    """
    runs: list[str] = []
    cur, depth, i, n = "", 0, 0, len(rx)
    if rx.startswith("(?i)"):
        i = 4
    while i < n:
        c = rx[i]
        if c == "\\" and i + 1 < n:
            d = rx[i + 1]
            if d.isalnum():
                runs.append(cur)
                cur = ""
            elif depth == 0:
                cur += d
            i += 2
            continue
        if c == "[":
            j = i + 1
            if rx[j:j + 1] == "^":
                j += 1
            if rx[j:j + 1] == "]":
                j += 1
            while j < n and rx[j] != "]":
                j += 2 if rx[j] == "\\" else 1
            runs.append(cur)
            cur, i = "", j + 1
            continue
        if c in "()":
            depth += 1 if c == "(" else -1
            runs.append(cur)
            cur, i = "", i + 1
            continue
        if c == "|":
            if depth == 0:
                return None
            i += 1
            continue
        if c in "?*{":
            if depth == 0 and cur:
                cur = cur[:-1]
            runs.append(cur)
            cur = ""
            i = (rx.find("}", i) + 1 or n) if c == "{" else i + 1
            continue
        if c in _META_BREAK or depth:
            runs.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    runs.append(cur)
    best = max(runs, key=len)
    return best.lower() if len(best) >= 3 else None


@record(frozen=False)
class Match:
    line: int
    excerpt: str
    groups: dict[str, str]


@record(frozen=False)
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
        auto = literal_needle(raw["regex"])
        needles = tuple(raw.get("needles", ())) or ((auto,) if auto else ())
        out.append(Pattern(raw["id"], raw["tool"], compiled, dict(raw.get("set", {})), raw.get("source", ""),
                           tuple(compiled.groupindex), needles))
    return tuple(out)


@functools.cache
def _index() -> tuple[re.Pattern[str], dict[str, frozenset[int]], frozenset[int]]:
    """(one regex of every needle, needle -> patterns it gates (with those of needles inside it), ungated)."""
    by: dict[str, set[int]] = {}
    always = set()
    for n, p in enumerate(patterns()):
        if not p.needles:
            always.add(n)
        for needle in p.needles:
            by.setdefault(needle, set()).add(n)
    # At one position the longest needle is reported, and it implies every needle inside it.
    gated = {k: frozenset(set().union(*(v for k2, v in by.items() if k2 in k))) for k in by}
    rx = re.compile("|".join(re.escape(k) for k in sorted(by, key=len, reverse=True)))
    return rx, gated, frozenset(always)


def candidates(low: str) -> set[int]:
    """Indexes of the patterns that could match a (lowercased) line."""
    rx, gated, always = _index()
    found = set(always)
    m = rx.search(low)
    while m is not None:  # one search per needle found, each from the next character: overlaps count
        found |= gated[m.group()]
        m = rx.search(low, m.start() + 1)
    return found


@functools.cache
def _symptom_gate() -> re.Pattern[str] | None:
    """One regex of every known problem's symptom needles (None: some symptom has none, always look)."""
    from ..knowledge import problems

    out: list[str] = []
    for p in problems():
        for s in p.symptoms:
            needle = literal_needle(s.pattern)
            if needle is None:
                return None
            out.append(re.escape(needle))
    return re.compile("|".join(out) or r"(?!)")


@functools.cache
def _needle_span() -> int:
    """The longest needle: a needle spanning a line break lies within this many characters of it."""
    from ..knowledge import problems

    lengths = [len(n) for p in patterns() for n in p.needles]
    lengths += [len(literal_needle(s.pattern) or "") for p in problems() for s in p.symptoms]
    return max(lengths, default=0) + 1


def may_be_symptom(low: str) -> bool:
    gate = _symptom_gate()
    return gate is None or gate.search(low) is not None


def normalize(line: str) -> str:
    return _PREFIX.sub("", line).rstrip()


@record(frozen=False)
class LogScanner:
    """Feed it lines (any number); read `matches`, `signatures`, `lines` at the end. Thread-safe."""

    redactor: LogRedactor = field(default_factory=LogRedactor)
    matches: dict[str, dict[tuple[str, ...], Match]] = field(default_factory=dict)
    signatures: dict[str, SigSeen] = field(default_factory=dict)
    lines: int = 0
    _prev: str = ""
    _prev_line: int = 0
    _prev_matched: set[int] = field(default_factory=set)
    _prev_symptom: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def feed(self, raw: str) -> None:
        with self._lock:
            self.lines += 1
            self._feed(raw, self.lines)

    def _feed(self, raw: str, number: int) -> None:
        text = normalize(raw)
        if not text:
            self._prev, self._prev_matched = "", set()
            return
        low = text.lower()
        if "users" in low or "/home/" in low:
            self.redactor.learn(text)
        cands = candidates(low)
        matched = self._patterns(text, number, cands) if cands else set()
        symptom = may_be_symptom(low) and self._signatures(text, number)
        if len(self._prev) >= _WRAP_MIN:  # a message wrapped at the terminal's width: look across the break
            # only a needle that spans the break is new: look at the break's surroundings first
            span = _needle_span()
            seam = (self._prev[-span:] + " " + text[:span]).lower()
            extra = candidates(seam) - cands - self._prev_matched
            joined = self._prev + " " + text
            if extra:
                self._patterns(joined, self._prev_line, extra)
            if not symptom and not self._prev_symptom and may_be_symptom(seam):
                self._signatures(joined, self._prev_line)
        self._prev, self._prev_line, self._prev_matched, self._prev_symptom = text, number, matched, bool(symptom)

    def _patterns(self, text: str, number: int, which: set[int]) -> set[int]:
        """Run the patterns `which` on one line; the indexes of those that matched."""
        all_patterns = patterns()
        matched = set()
        for n in sorted(which):
            p = all_patterns[n]
            for m in p.regex.finditer(text):
                matched.add(n)
                groups = {k: v for k, v in m.groupdict().items() if v}
                groups.update(p.set)
                if not groups:
                    continue
                seen = self.matches.setdefault(p.id, {})
                key = tuple(f"{k}={v}" for k, v in sorted(groups.items()))
                if key not in seen and len(seen) < CAPS.get(p.id, CAP):
                    seen[key] = Match(number, self.excerpt(text, m.start()), groups)
        return matched

    def _signatures(self, text: str, number: int) -> bool:
        from ..knowledge import match_log_line

        found = match_log_line(text)
        for problem in found:
            seen = self.signatures.get(problem.id)
            if seen is None:
                self.signatures[problem.id] = SigSeen(number, self.excerpt(text, 0))
            else:
                seen.count += 1
        return bool(found)

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
