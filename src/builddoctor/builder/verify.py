"""Is this wheel really for the target? `build` runs the one wheel audit (builddoctor.verify) on it.

A backend can tag a wheel for one architecture and compile for another (a stale CARGO_BUILD_TARGET,
an arm64 dev shell under an x64 Python, ...). pip and uv install such a wheel and the import fails
later, far from the cause. This adds what only a build knows -- the interpreter's own tags and the
project's name and version -- to the checks `builddoctor verify` makes, and returns every error as
one line naming the culprit.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from ..rules.model import ERROR
from ..target import Target
from ..verify.core import Expect, expect_from_tags, wheel_tags
from ..verify.core import verify_wheel as audit_wheel

__all__ = ["build_expectation", "verify_wheel", "wheel_tags"]


def build_expectation(tags: Iterable[Tag], target: Target) -> Expect:
    """What the tags require, with the target filling in a pure tag and naming the platform in messages."""
    exp = expect_from_tags(tags)
    if exp.os in ("any", "mixed"):
        exp.os, exp.arches = target.os, {target.arch}
    exp.where = target.describe()
    return exp


def verify_wheel(wheel: Path, target: Target, supported_tags: Iterable[Tag],
                 expected: tuple[str, str | None] | None = None) -> list[str]:
    """Every reason this wheel must not be handed over, one line each naming the culprit.

    `expected` is the project's (name, version), from PKG-INFO or pyproject: the wheel must carry them.
    """
    problems: list[str] = []
    try:
        tags = wheel_tags(wheel.name)
    except ValueError as exc:
        return [str(exc)]
    if expected is not None:
        problem = _identity_problem(wheel.name, *expected)
        if problem:
            problems.append(problem)
    supported_list = list(supported_tags)
    supported = set(supported_list)
    if supported and not tags & supported:
        shown = ", ".join(sorted(str(t) for t in tags))
        problems.append(f"{wheel.name}: tags {shown} are not supported by the interpreter "
                        f"({target.describe()}): {_why_not(tags, supported_list, target)}")
    report = audit_wheel(wheel, expect=build_expectation(tags, target))
    problems += [f.title for f in report.findings if f.severity == ERROR]
    return problems


def _why_not(tags: frozenset[Tag], supported: list[Tag], target: Target) -> str:
    """The reason in words ("cp313t wheel, this interpreter is not free-threaded"), from the target's tags."""
    import re

    from ..verify.command import support_reason

    first = supported[0]
    m = re.match(r"^(cp|pp)(\d)(\d+)$", first.interpreter)
    version = f"{m.group(2)}.{m.group(3)}" if m else first.interpreter
    implementation = "cpython" if first.interpreter.startswith("cp") else first.interpreter
    free_threaded = first.abi.startswith("cp") and first.abi.endswith("t")
    return support_reason(tags, supported, version=version, implementation=implementation,
                          free_threaded=free_threaded, target=target)


def _identity_problem(filename: str, name: str, version: str | None) -> str | None:
    """As pip's _verify_one: the wheel's name and version must be the project's."""
    wname, wversion = parse_wheel_filename(filename)[:2]
    same_version = True
    if version is not None:
        try:
            same_version = Version(version) == wversion
        except InvalidVersion:
            same_version = True  # nothing reliable to compare with
    if canonicalize_name(name) == wname and same_version:
        return None
    return f"the wheel is {wname} {wversion} but the project is {name} {version or '(dynamic version)'}"
