"""The knowledge base of known tool problems (toolchains/known-problems.toml), loaded and matched.

A problem applies when the tool's version is in `affected` and every condition in `when` holds for
the context the rules give (see `Context`). Logs are matched against `symptoms`. Pure: no machine.
"""
from __future__ import annotations

import functools
import re

from ._data import table
from ._record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal


@record
class KnownFix:
    command: str
    why: str
    when: dict[str, Any] = field(default_factory=dict)  # the fix only works where these hold


@record
class Problem:
    id: str
    tool: str
    affected: str
    fixed_in: str
    when: dict[str, Any]
    symptom_texts: tuple[str, ...]  # regexes (case-insensitive) a build log shows; compiled on first use
    title: str
    cause: str
    fixes: tuple[KnownFix, ...]
    source: tuple[str, ...]
    severity: Literal["error", "warning"]
    log_only: bool = False  # no `check` finding: only log diagnosis uses it
    contradicts: tuple[str, ...] = ()  # ids of "ok" findings this problem makes untrue (msvc.ok ...)

    @property
    def finding_id(self) -> str:
        return f"known.{self.id}"

    @functools.cached_property
    def symptoms(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(s, re.I) for s in self.symptom_texts)

    def affects(self, version: str) -> bool:
        """Whether `version` of the tool is in the affected range (False when it cannot be parsed)."""
        if not self.affected:
            return True
        return contains(self.affected, version) is True

    def matches_log(self, line: str) -> bool:
        return any(p.search(line) for p in self.symptoms)


@record
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
    abi3_versioned: bool | None = None  # abi3 with a minimum version (pyo3 `abi3-py3X`)
    env: frozenset[str] = frozenset()
    tools: dict[str, str] = field(default_factory=dict)  # tool -> version that will run


_OPERATORS = ("<=", ">=", "==", "!=", "<", ">")  # two-character ones first


def _release(text: str) -> tuple[int, ...] | None:
    """(1, 85, 0) for "1.85.0": a plain final release, else None."""
    parts = text.split(".")
    return tuple(int(p) for p in parts) if all(p.isascii() and p.isdigit() for p in parts) else None


def _clause(text: str) -> tuple[str, tuple[int, ...]] | None:
    """(">=", (1, 3)) for " >= 1.3 "; None for anything but a comparison with a plain release."""
    text = text.strip()
    op = next((o for o in _OPERATORS if text.startswith(o)), None)
    want = _release(text[len(op):].strip()) if op else None
    return (op, want) if op and want is not None else None
_OPS: dict[str, Any] = {"<": tuple.__lt__, "<=": tuple.__le__, ">": tuple.__gt__, ">=": tuple.__ge__,
                        "==": tuple.__eq__, "!=": tuple.__ne__}


def contains(spec: str, version: str, prereleases: bool = False) -> bool | None:
    """Whether PEP 440 specifier `spec` contains `version` (None: either cannot be parsed).

    A final release against plain comparison clauses (`>=1.3,<1.5.2`), which is what the tables hold
    and what tools report, is decided here by comparing zero-padded release numbers, exactly as PEP
    440 orders them; anything else (pre-releases, wildcards, `~=`, epochs, local versions) goes to
    `packaging`, which a check then only imports when it meets one (issue 16).
    """
    have = _release(version)
    if have is not None:
        clauses = [_clause(c) for c in spec.split(",")] if spec.strip() else []
        if all(clauses):
            for clause in clauses:
                assert clause is not None
                op, want = clause
                width = max(len(have), len(want))
                if not _OPS[op](have + (0,) * (width - len(have)), want + (0,) * (width - len(want))):
                    return False
            return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return SpecifierSet(spec, prereleases=prereleases or None).contains(Version(version))
    except (InvalidVersion, InvalidSpecifier):
        return None


def holds(problem: Problem, ctx: Context) -> bool:
    """Every condition of `problem.when` holds in `ctx` (an unknown value never satisfies one)."""
    for key, want in problem.when.items():
        if key in ("os", "host_arch", "target_arch", "implementation"):
            if getattr(ctx, key) not in want:
                return False
        elif key in ("emulated", "free_threaded", "abi3", "abi3_versioned"):
            if getattr(ctx, key) is not want:
                return False
        elif key == "python":
            if ctx.python is None or contains(want, ctx.python, prereleases=True) is not True:
                return False
        elif key == "env":
            if not set(want) <= ctx.env:
                return False
        elif key == "tools":
            for tool, spec in want.items():
                version = ctx.tools.get(tool)
                if version is None or contains(spec, version, prereleases=True) is not True:
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
            symptom_texts=tuple(p.get("symptoms", [])),
            title=p["title"], cause=p["cause"],
            fixes=tuple(KnownFix(f["command"], f["why"], dict(f.get("when", {}))) for f in p.get("fixes", [])),
            source=tuple(p["source"]), severity="warning" if p.get("severity") == "warning" else "error",
            log_only=bool(p.get("log_only")),
            contradicts=tuple(p.get("contradicts", ())),
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


def by_id(problem_id: str) -> Problem | None:
    """The problem with this id ("pyo3.python-too-new"; a "known." prefix is accepted)."""
    wanted = problem_id[len("known."):] if problem_id.startswith("known.") else problem_id
    return next((p for p in problems() if p.id == wanted), None)


def max_python(tool: str, version: str) -> str | None:
    """The newest CPython `version` of `tool` supports, from its [tools] table (None when unknown)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(version)
    except InvalidVersion:
        return None
    for spec, newest in tools().get(tool, {}).get("max_cpython", []):
        if v in SpecifierSet(spec):
            return str(newest)
    return None


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(text: str, values: dict[str, str]) -> str:
    """Fill {placeholders} of a title or fix; unknown ones stay as written."""
    return text.format_map(_Blank(values))


def upgrade_fixes(problem: Problem, *, requirement: str = "", isolated: bool = True) -> list[KnownFix]:
    """The upgrade to `fixed_in`, spelled for the tool's kind; [] when nothing fixed it.

    `requirement` is the project's own requirement on the tool ("maturin>=1.3.2"), when known.
    """
    if not problem.fixed_in:
        return []
    tool = tools().get(problem.tool, {})
    kind = tool.get("kind", "")
    name, fixed = problem.tool, problem.fixed_in
    pin = f"{name}>={fixed}"
    values = {"name": name, "fixed_in": fixed}
    if kind == "python" and not isolated:
        return [KnownFix(f'python -m pip install -U "{pin}"',
                         f"{name} {fixed} fixed it; this build runs without isolation, so the interpreter's own "
                         f"{name} is the one that runs")]
    if kind == "python":
        why = f"{name} {fixed} fixed it" + (f" (the project asks for {requirement})" if requirement else "")
        if re.search(r"===?", requirement):  # an exact pin: a constraint cannot override it, the pin must change
            return [KnownFix(f'"{pin}" instead of "{requirement}" in [build-system] requires of pyproject.toml',
                             why + "; the exact pin is what installs the affected version")]
        return [
            KnownFix(f'requires = [..., "{pin}"] in [build-system] of pyproject.toml',
                     why + "; an isolated build (pip, uv, build) then installs a fixed version"),
            KnownFix(f'echo "{pin}" > build-constraints.txt && uv build --build-constraint build-constraints.txt',
                     "for a build you cannot edit: UV_BUILD_CONSTRAINT=build-constraints.txt (uv) or "
                     "PIP_CONSTRAINT=build-constraints.txt (pip) apply the same pin to the isolated build"),
        ]
    if kind == "crate":
        if requirement and not cargo_allows(requirement, fixed):
            return [KnownFix(f"cargo add {name}@{fixed}",
                             f"{name} {fixed} fixed it; Cargo.toml asks for {name} {requirement}, which does not "
                             f"allow {fixed}: this raises the requirement and updates Cargo.lock")]
        return [KnownFix(f"cargo update -p {name} --precise {fixed}", f"{name} {fixed} fixed it")]
    template = tool.get("upgrade")
    if template:
        return [KnownFix(render(str(template), values), f"{name} {fixed} fixed it")]
    return [KnownFix(f"upgrade {name} to {fixed} or newer", f"{name} {fixed} fixed it")]


def cargo_allows(requirement: str, version: str) -> bool:
    """Whether a Cargo version requirement ("0.20.3", "^1.2", "=0.20.3", "~0.21") allows `version`
    (caret semantics for bare versions; anything unparsed is treated as allowing it)."""
    def nums(text: str) -> list[int] | None:
        parts = text.strip().split(".")
        return [int(p) for p in parts] if parts and all(p.isdigit() for p in parts) else None

    want = nums(version)
    if want is None:
        return True
    for raw in requirement.split(","):
        clause = raw.strip()
        op = re.match(r"^(\^|=|~|>=|<=|>|<)?", clause).group(0)  # type: ignore[union-attr]
        base = nums(clause[len(op):].strip().rstrip(".*"))
        if base is None:
            continue
        full = [*base, 0, 0][:3]
        if op == "=":
            if want[: len(base)] != base:
                return False
        elif op in ("", "^"):
            lead = next((i for i, n in enumerate(full) if n != 0), len(full) - 1)
            if want < full or want[: lead + 1] != full[: lead + 1]:
                return False
        elif op == "~":
            if want < full or want[: max(1, min(len(base), 2))] != full[: max(1, min(len(base), 2))]:
                return False
        elif (op == ">=" and want < full) or (op == ">" and want <= full) or (op == "<" and want >= full) \
                or (op == "<=" and want > full):
            return False
    return True


def ranked_fixes(problem: Problem, ctx: Context | None = None, *, requirement: str = "",
                 isolated: bool = True) -> list[KnownFix]:
    """Upgrade first, then the problem's own fixes that work in `ctx` (all of them without a context)."""
    own = [f for f in problem.fixes
           if not f.when or (ctx is not None and holds_conditions(f.when, ctx))]
    return upgrade_fixes(problem, requirement=requirement, isolated=isolated) + own


def holds_conditions(when: dict[str, Any], ctx: Context) -> bool:
    """`holds` for a bare condition table (a fix's own `when`)."""
    probe = Problem(id="-.-", tool="", affected="", fixed_in="", when=when, symptom_texts=(), title="", cause="",
                    fixes=(), source=(), severity="error")
    return holds(probe, ctx)
