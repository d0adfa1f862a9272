"""Findings and fixes: what `check` reports."""
from __future__ import annotations

from .._record import field, record, replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal
    Severity = Literal["error", "warning", "ok"]
    LayerStatus = Literal["match", "mismatch", "unknown", "absent"]
else:
    Severity = LayerStatus = str  # annotations are strings here: the runtime needs only the names

ERROR: Severity = "error"
WARNING: Severity = "warning"
OK: Severity = "ok"
_ORDER: dict[str, int] = {ERROR: 0, WARNING: 1, OK: 2}


@record
class Action:
    """What `check --fix` does for a fix: typed data, never parsed from the display text.

    kind: rustup-target | rustup-toolchain | vs-component | vsconfig | uv-python | constraint.
    argv: the program and its arguments, run without a shell ("" when the action only writes a file).
    path/content: a file the action writes (a .vsconfig, a constraint file), never replacing one.
    """

    kind: str
    argv: tuple[str, ...] = ()
    path: str = ""
    content: str = ""
    then: str = ""  # what the user does afterwards, when the fix has a second, manual step

    def describe(self) -> str:
        if self.argv:
            return quote_argv(self.argv)
        return f"write {self.path}"


def quote_argv(argv: tuple[str, ...] | list[str]) -> str:
    """argv for display: an argument with a space or a shell character is shown in double quotes."""
    special = set(" \t\"'&|;<>()$`*?[]{}!#")
    return " ".join(f'"{a}"' if not a or special & set(a) else a for a in argv)


@record
class Fix:
    command: str  # an exact command to run (or a one-line edit when no command exists)
    why: str
    rank: int = 50  # lower is tried first among fixes that fix equally much
    action: Action | None = None  # set when `check --fix` can apply it safely and exactly


@record
class Finding:
    id: str
    severity: Severity
    title: str
    facts: dict[str, Any] = field(default_factory=dict)
    fixes: tuple[Fix, ...] = ()
    rank: int = 50  # within a severity, lower comes first: a direct cause (known.*) before layer findings

    @property
    def order(self) -> int:
        return _ORDER[self.severity]


@record
class Layer:
    """One layer's own idea of the architecture, side by side with the target."""

    name: str
    says: str  # the layer's spelling, exactly as it reports it
    arch: str | None  # canonical arch, None when unknown / not applicable
    source: str
    status: LayerStatus


def rank_fixes(findings: list[Finding]) -> list[Finding]:
    """Order each finding's fixes by how many findings the same command fixes, then by rank."""
    counts: dict[str, int] = {}
    for f in findings:
        if f.severity == OK:
            continue
        for cmd in {x.command for x in f.fixes}:
            counts[cmd] = counts.get(cmd, 0) + 1
    out = []
    for f in findings:
        fixes = tuple(sorted(f.fixes, key=lambda x: (-counts.get(x.command, 0), x.rank)))
        out.append(replace(f, fixes=fixes))
    return sorted(out, key=lambda f: (f.order, f.rank))


def top_fixes(findings: list[Finding]) -> list[tuple[Fix, list[str]]]:
    """Every distinct fix with the ids of the problems it fixes, most useful first."""
    by_cmd: dict[str, tuple[Fix, list[str]]] = {}
    for f in findings:
        if f.severity == OK:
            continue
        for fix in f.fixes:
            entry = by_cmd.setdefault(fix.command, (fix, []))
            if f.id not in entry[1]:
                entry[1].append(f.id)
    return sorted(by_cmd.values(), key=lambda e: (-len(e[1]), e[0].rank))
