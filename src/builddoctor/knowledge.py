"""The knowledge base of known tool problems (toolchains/known-problems.toml), loaded and matched.

A problem applies when the tool's version is in `affected` and every condition in `when` holds for
the context the rules give (see `Context`). Logs are matched against `symptoms`. Pure: no machine.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ._data import table


@dataclass(frozen=True)
class KnownFix:
    command: str
    why: str


@dataclass(frozen=True)
class Problem:
    id: str
    tool: str
    affected: str
    fixed_in: str
    when: dict[str, Any]
    symptoms: tuple[re.Pattern[str], ...]
    title: str
    cause: str
    fixes: tuple[KnownFix, ...]
    source: tuple[str, ...]
    severity: str

    @property
    def finding_id(self) -> str:
        return f"known.{self.id}"

    def affects(self, version: str) -> bool:
        """Whether `version` of the tool is in the affected range (False when it cannot be parsed)."""
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version

        if not self.affected:
            return True
        try:
            return Version(version) in SpecifierSet(self.affected)
        except (InvalidVersion, InvalidSpecifier):
            return False

    def matches_log(self, line: str) -> bool:
        return any(p.search(line) for p in self.symptoms)


@dataclass(frozen=True)
class Context:
    """What the `when` conditions are evaluated against; None means unknown (the condition fails)."""

    os: str | None = None
    host_arch: str | None = None
    target_arch: str | None = None
    emulated: bool | None = None
    python: str | None = None
    implementation: str | None = None
    free_threaded: bool | None = None
    abi3: bool | None = None
    env: frozenset[str] = frozenset()
    tools: dict[str, str] = field(default_factory=dict)  # tool -> version that will run


def holds(problem: Problem, ctx: Context) -> bool:
    """Every condition of `problem.when` holds in `ctx` (an unknown value never satisfies one)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    for key, want in problem.when.items():
        if key in ("os", "host_arch", "target_arch", "implementation"):
            if getattr(ctx, key) not in want:
                return False
        elif key in ("emulated", "free_threaded", "abi3"):
            if getattr(ctx, key) is not want:
                return False
        elif key == "python":
            try:
                if ctx.python is None or Version(ctx.python) not in SpecifierSet(want, prereleases=True):
                    return False
            except InvalidVersion:
                return False
        elif key == "env":
            if not set(want) <= ctx.env:
                return False
        elif key == "tools":
            for tool, spec in want.items():
                version = ctx.tools.get(tool)
                try:
                    if version is None or Version(version) not in SpecifierSet(spec, prereleases=True):
                        return False
                except InvalidVersion:
                    return False
        else:  # pragma: no cover - the validation test refuses unknown keys
            return False
    return True


@functools.cache
def problems() -> tuple[Problem, ...]:
    raw = table("known-problems")
    out = []
    for p in raw.get("problem", []):
        out.append(Problem(
            id=p["id"], tool=p["tool"], affected=p.get("affected", ""), fixed_in=p.get("fixed_in", ""),
            when=dict(p.get("when", {})),
            symptoms=tuple(re.compile(s, re.I) for s in p.get("symptoms", [])),
            title=p["title"], cause=p["cause"],
            fixes=tuple(KnownFix(f["command"], f["why"]) for f in p.get("fixes", [])),
            source=tuple(p["source"]), severity=p.get("severity", "error"),
        ))
    return tuple(out)


def tools() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = table("known-problems").get("tools", {})
    return data


def applicable(ctx: Context) -> list[tuple[Problem, str]]:
    """(problem, tool version) for every problem whose tool version and conditions hold in `ctx`."""
    out = []
    for p in problems():
        version = ctx.tools.get(p.tool)
        if version is not None and p.affects(version) and holds(p, ctx):
            out.append((p, version))
    return out


def match_log_line(line: str) -> list[Problem]:
    """Problems whose symptom patterns match one log line."""
    return [p for p in problems() if p.matches_log(line)]
