"""`builddoctor verify WHEEL... [--python X | --target T] [--json]`: the audit, and where the wheel installs.

Exit status: 0 every wheel is clean, 1 a wheel has problems, 2 a wheel is unreadable or hostile (or a bad
argument); one line per unreadable wheel, never a traceback.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from packaging import tags as ptags
from packaging.tags import Tag

from ..cliparse import Namespace
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UserError
from ..facts import InterpreterFacts
from ..rules.model import ERROR, OK, WARNING, Finding, Fix
from ..target import Target
from .core import Expect, WheelReport, _legacy_manylinux, expect_from_tags, verify_wheel
from .options import SCHEMA, add_arguments

# ------------------------------------------------------------------ where the wheel installs


def _finding(fid: str, title: str, layer: str, fixes: Iterable[tuple[str, str]] = (), **facts: Any) -> Finding:
    return Finding(fid, ERROR, title, {"layer": layer, **facts}, tuple(Fix(c, w) for c, w in fixes))


def _glibc_of(platforms: Iterable[str], pick: Any = min) -> tuple[int, int] | None:
    """The floor a wheel's tags claim (pick=min), or the newest glibc a platform accepts (pick=max)."""
    floors = [(int(m.group(1)), int(m.group(2))) for p in platforms
              if (m := re.match(r"^manylinux_(\d+)_(\d+)_", _legacy_manylinux(p)))]
    return pick(floors) if floors else None


def _macos_of(platforms: Iterable[str], pick: Any = min) -> tuple[int, int] | None:
    found = [(int(m.group(1)), int(m.group(2))) for p in platforms if (m := re.match(r"^macosx_(\d+)_(\d+)_", p))]
    return pick(found) if found else None


def platform_reason(wheel: Expect, plats: set[str], have: Expect, have_plats: Iterable[str], who: str) -> str:
    """Why none of the wheel's platform tags is one `who` accepts, in words."""
    if wheel.os != have.os and wheel.os not in ("any", "mixed"):
        return f"a {wheel.os} wheel ({wheel.where}), {who} is {have.os}"
    if wheel.arches and have.arches and not wheel.arches & have.arches:
        return (f"a wheel for {'+'.join(sorted(a.name for a in wheel.arches))}, {who} is "
                f"{'+'.join(sorted(a.name for a in have.arches))}")
    if wheel.os == "linux" and wheel.libc and have.libc and wheel.libc != have.libc:
        names = {"gnu": "glibc (manylinux)", "musl": "musl (musllinux)"}
        return f"a {names[wheel.libc]} wheel, {who} uses {names[have.libc]}"
    need, got = _glibc_of(plats), _glibc_of(have_plats, max)
    if need and got and need > got:
        return f"needs glibc {need[0]}.{need[1]} (manylinux_{need[0]}_{need[1]}), {who} has glibc {got[0]}.{got[1]}"
    need, got = _macos_of(plats), _macos_of(have_plats, max)
    if need and got and need > got:
        return f"needs macOS {need[0]}.{need[1]}, {who} targets macOS {got[0]}.{got[1]}"
    shown = ", ".join(list(have_plats)[:3])
    return f"platform {'.'.join(sorted(plats))} is not among {who}'s ({shown}, ...)"


def support_reason(tags: frozenset[Tag], supported: list[Tag], *, version: str, implementation: str,
                   free_threaded: bool, target: Target | None) -> str:
    """Why an interpreter (described by its supported tags and these facts) does not take the wheel."""
    who = "this interpreter"
    interps = {t.interpreter for t in tags}
    abis = {t.abi for t in tags}
    plats = {t.platform for t in tags}
    reasons: list[str] = []
    impl = {"cpython": "CPython"}.get(implementation, implementation)
    wheel_name = sorted(f"{t.interpreter}-{t.abi}" if t.abi != "none" else t.interpreter for t in tags)[0]
    if not interps & {t.interpreter for t in supported}:
        reasons.append(f"{'/'.join(sorted(interps))} wheel, {who} is {impl} {version}"
                       f"{' (free-threaded)' if free_threaded else ''}")
    elif not abis & {t.abi for t in supported}:
        if any(a.startswith("cp") and a.endswith("t") for a in abis) and not free_threaded:
            reasons.append(f"{wheel_name} wheel, {who} is not free-threaded")
        elif free_threaded and abis & {"abi3"}:
            reasons.append(f"{wheel_name} wheel, {who} is free-threaded: it does not load abi3 extensions")
        elif free_threaded:
            reasons.append(f"{wheel_name} wheel (for the GIL build), {who} is free-threaded")
        else:
            reasons.append(f"{wheel_name} wheel, {who} takes ABI {', '.join(sorted({t.abi for t in supported})[:3])}")
    sup_plats = [t.platform for t in supported]
    if not plats & set(sup_plats):
        have = expect_from_tags(Tag("py3", "none", p) for p in sup_plats[:1]) if sup_plats else \
            Expect("any", set(), "")
        if target is not None:
            have.os, have.arches = target.os, {target.arch}
            have.libc = target.libc
        reasons.append(platform_reason(expect_from_tags(tags), plats, have, dict.fromkeys(sup_plats), who))
    if not reasons:
        reasons.append(f"none of its tags is among the {len(supported)} {who} accepts")
    return "; ".join(reasons)


def interpreter_findings(tags: frozenset[Tag], supported: list[Tag], interp: InterpreterFacts) -> list[Finding]:
    """verify.interpreter: the wheel's tags against what this interpreter installs, with the reason."""
    if not supported or tags & set(supported):
        return []
    from ..target import interpreter_target

    reason = support_reason(tags, supported, version=".".join(interp.version.split(".")[:2]),
                            implementation=interp.implementation, free_threaded=interp.free_threaded,
                            target=interpreter_target(interp))
    exe = interp.executable or "PYTHON"
    home = os.path.expanduser("~")
    if home not in ("", "/", "~") and exe.startswith(home + os.sep):
        exe = "~" + exe[len(home):]  # shown the way `check` shows it
    return [_finding("verify.interpreter", reason, "the interpreter it is meant for (or the tags the "
                     "build chose)", ((f"builddoctor build . --python {exe}", "build a wheel for this interpreter"),
                                      (f"builddoctor why PACKAGE --python {exe}",
                                       "which published wheel this interpreter would take")),
                     interpreter=interp.executable, version=interp.version, free_threaded=interp.free_threaded)]


def target_platforms(tag: str) -> list[str]:
    """Every platform tag an installer on the platform `tag` accepts (most specific first)."""
    p = _legacy_manylinux(tag)
    if m := re.match(r"^manylinux_(\d+)_(\d+)_(.+)$", p):
        a = m.group(3)
        out = []
        for minor in range(int(m.group(2)), -1, -1):
            out.append(f"manylinux_{m.group(1)}_{minor}_{a}")
        legacy = {"manylinux_2_17": "manylinux2014", "manylinux_2_12": "manylinux2010", "manylinux_2_5": "manylinux1"}
        out += [f"{name}_{a}" for k, name in legacy.items() if f"{k}_{a}" in out]
        return [*out, f"linux_{a}"]
    if m := re.match(r"^musllinux_(\d+)_(\d+)_(.+)$", p):
        return [f"musllinux_{m.group(1)}_{k}_{m.group(3)}" for k in range(int(m.group(2)), -1, -1)] + \
            [f"linux_{m.group(3)}"]
    if m := re.match(r"^macosx_(\d+)_(\d+)_(.+)$", p):
        return list(ptags.mac_platforms((int(m.group(1)), int(m.group(2))), m.group(3)))
    if re.match(r"^(win32|win_amd64|win_arm64|linux_\w+)$", p):
        return [p]
    raise UserError(f"--target {tag!r} is not a platform tag builddoctor knows (e.g. manylinux_2_17_x86_64, "
                    "musllinux_1_2_aarch64, macosx_11_0_arm64, win_amd64, win_arm64)")


def target_findings(tags: frozenset[Tag], target: str, accepted: list[str]) -> list[Finding]:
    plats = {t.platform for t in tags}
    if "any" in plats or plats & set(accepted):
        return []
    have = expect_from_tags([Tag("py3", "none", target)])
    reason = platform_reason(expect_from_tags(tags), plats, have, accepted, f"the target {target}")
    return [_finding("verify.target", reason, "the platform tag the build chose",
                     (("builddoctor build . --python PYTHON", "build with an interpreter of the target platform"),),
                     target=target)]


# ------------------------------------------------------------------ rendering

_SEV = {ERROR: "error", WARNING: "warn ", OK: "note "}


def _summary(r: WheelReport) -> str:
    arches = sorted({s.arch.name for b in r.binaries for s in b.details.slices if s.arch})
    what = f"{len(r.binaries)} binar{'y' if len(r.binaries) == 1 else 'ies'}"
    if arches:
        what += f" ({'+'.join(arches)})"
    return what


def render_text(reports: list[WheelReport]) -> str:
    out: list[str] = []
    for r in reports:
        errors = [f for f in r.findings if f.severity == ERROR]
        state = "UNREADABLE" if r.unreadable else ("problems" if errors else "ok")
        out.append(f"{r.name}: {state}, {r.members} members, {_summary(r)}")
        for f in sorted(r.findings, key=lambda f: f.order):
            out.append(f"  {_SEV[f.severity]}  {f.title}  [{f.id}]")
            layer = f.facts.get("layer")
            if layer and f.severity != OK:
                out.append(f"         layer: {layer}")
            for fix in f.fixes[:2]:
                out.append(f"         fix: {fix.command}" + (f"  ({fix.why})" if fix.why else ""))
    bad = sum(1 for r in reports if r.errors)
    out.append(f"{len(reports)} wheel{'s' * (len(reports) != 1)} verified, {bad} with problems"
               + ("  (builddoctor explain ID for details)" if bad else ""))
    return "\n".join(out) + "\n"


def to_json(reports: list[WheelReport], *, interpreter: InterpreterFacts | None = None,
            target: str | None = None) -> dict[str, Any]:
    return {"schema": SCHEMA,
            "against": ({"python": interpreter.executable, "version": interpreter.version,
                         "free_threaded": interpreter.free_threaded} if interpreter else
                        {"target": target} if target else None),
            "wheels": [r.to_json() for r in reports]}


def exit_code(reports: list[WheelReport]) -> int:
    if any(r.unreadable for r in reports):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.errors for r in reports) else EXIT_OK


# ------------------------------------------------------------------ the command


def run_verify(args: Namespace) -> int:
    interp: InterpreterFacts | None = None
    supported: list[Tag] = []
    accepted: list[str] = []
    if args.python:
        from ..machine import LiveMachine
        from ..probes.interpreter import probe_interpreter
        from ..tags import supported_tags

        with LiveMachine() as live:
            interp = probe_interpreter(live, args.python)
        if not interp.usable:
            raise UserError(f"Python interpreter unusable: {interp.error_detail}")
        supported = supported_tags(interp)
    if args.target:
        accepted = target_platforms(args.target)
    paths: list[Path] = []
    for name in args.wheels:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob("*.whl"))
            if not found:
                raise UserError(f"{name}: a folder without wheels")
            paths += found
        elif path.is_file():
            paths.append(path)
        else:
            raise UserError(f"{name}: no such wheel file")
    reports = []
    for path in paths:
        report = verify_wheel(path)
        if interp is not None and not report.unreadable:
            report.findings += interpreter_findings(report.tags, supported, interp)
        if args.target and not report.unreadable:
            report.findings += target_findings(report.tags, args.target, accepted)
        reports.append(report)
    if args.json:
        sys.stdout.write(json.dumps(to_json(reports, interpreter=interp, target=args.target), indent=2,
                                    ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(reports))
        for r in reports:
            if r.unreadable:
                first = next(f for f in r.findings if f.id in ("verify.unreadable", "verify.binary-broken"))
                print(f"builddoctor: error: {first.title}", file=sys.stderr)
    return exit_code(reports)


__all__ = ["SCHEMA", "add_arguments", "run_verify"]
