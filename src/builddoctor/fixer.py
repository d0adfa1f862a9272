"""`check --fix`: apply the safe, exact fixes (typed `Action`s the rules attach), then check again.

Only a finding's fixes that carry an `Action` can be applied; the first one in the finding's ranked
order is the one offered (the same command the report recommends). Each is shown before it runs;
without --yes it is asked for once per fix on a terminal, and nothing is applied without one.
Every applied fix records what it ran and its exit status. Programs run without a shell; a file
action never replaces an existing file.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from ._record import record
from .rules.model import OK, Action, Fix, quote_argv

if TYPE_CHECKING:
    from .check import CheckResult

APPLY_TIMEOUT = 3600.0  # a toolchain or Visual Studio component download can take long


@record
class Planned:
    action: Action
    fix: Fix
    findings: tuple[str, ...]  # ids of the findings it addresses


@record
class Applied:
    planned: Planned
    ran: str  # the command line that ran, or "write PATH"
    status: str  # "exit 0", "exit 1", "not-found", "declined", "skipped: ...", "wrote", "exists"
    returncode: int | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 or self.status == "wrote"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.planned.action.kind, "argv": list(self.planned.action.argv),
                "path": self.planned.action.path or None, "ran": self.ran, "status": self.status,
                "returncode": self.returncode, "findings": list(self.planned.findings)}


def plan(result: CheckResult) -> list[Planned]:
    """One action per finding (the first applicable fix in its ranked order), shared ones merged."""
    by_key: dict[tuple[str, tuple[str, ...], str], Planned] = {}
    for f in result.diagnosis.findings:
        if f.severity == OK:
            continue
        fix = next((x for x in f.fixes if x.action is not None), None)
        if fix is None or fix.action is None:
            continue
        key = (fix.action.kind, fix.action.argv, fix.action.path)
        old = by_key.get(key)
        by_key[key] = Planned(fix.action, fix, (*(old.findings if old else ()), f.id))
    return list(by_key.values())


def show(planned: list[Planned], out: IO[str], *, dry_run: bool) -> None:
    verb = "would run" if dry_run else "will run"
    for n, p in enumerate(planned, 1):
        a = p.action
        what = f"{verb}: {a.describe()}" if a.argv else f"{'would write' if dry_run else 'will write'} {a.path}"
        out.write(f"fix {n}/{len(planned)} [{a.kind}] for {', '.join(p.findings)}\n  {what}\n")
        if a.content:
            out.write("".join(f"    | {line}\n" for line in a.content.splitlines()))
        out.write(f"  why: {p.fix.why}\n")
        if a.then:
            out.write(f"  then: {a.then}\n")


def _resolve(argv: tuple[str, ...]) -> tuple[str, ...]:
    """argv[0] as a full path (PATH lookup, empty entries ignored); unchanged when it is a path already."""
    prog = argv[0]
    if os.path.dirname(prog):
        return argv
    found = shutil.which(prog, path=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                                    if p and os.path.isabs(p)))
    return (found, *argv[1:]) if found else argv


def apply_one(p: Planned, out: IO[str]) -> Applied:
    from .proc import stream

    a = p.action
    if not a.argv:
        try:
            fd = os.open(a.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return Applied(p, f"write {a.path}", "exists (left as it is)")
        except OSError as exc:
            return Applied(p, f"write {a.path}", f"error: {exc.strerror or exc}")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(a.content)
        return Applied(p, f"write {a.path}", "wrote")
    argv = _resolve(a.argv)
    ran = quote_argv(argv)
    out.write(f"running: {ran}\n")
    out.flush()
    def echo(line: str) -> None:
        out.write(f"  | {line}\n")
        out.flush()

    rc, error, _ = stream(argv, timeout=APPLY_TIMEOUT, on_line=echo)
    if error is not None:
        return Applied(p, ran, error, rc)
    return Applied(p, ran, f"exit {rc}", rc)


def _ask(question: str, ask_in: IO[str], out: IO[str]) -> bool:
    out.write(f"{question} [y/N] ")
    out.flush()
    answer = ask_in.readline()
    return answer.strip().lower() in ("y", "yes")


def run_fixes(result: CheckResult, *, dry_run: bool, yes: bool, out: IO[str] | None = None,
              ask_in: IO[str] | None = None, interactive: bool | None = None) -> list[Applied]:
    """Show the fixes, apply the agreed ones, return what ran (nothing for --dry-run)."""
    out = out or sys.stdout
    ask_in = ask_in or sys.stdin
    planned = plan(result)
    if not planned:
        out.write("no fix can be applied automatically; the report above lists the commands to run\n")
        return []
    show(planned, out, dry_run=dry_run)
    if dry_run:
        out.write(f"dry run: {len(planned)} fix{'es' * (len(planned) != 1)} shown, nothing applied\n")
        return []
    if interactive is None:
        interactive = ask_in.isatty() and out.isatty()
    if not yes and not interactive:
        out.write("not a terminal: nothing applied (pass --yes to apply these fixes, --dry-run to only show them)\n")
        return []
    applied: list[Applied] = []
    for n, p in enumerate(planned, 1):
        if not yes and not _ask(f"apply fix {n}/{len(planned)} ({p.action.describe()})?", ask_in, out):
            applied.append(Applied(p, p.action.describe(), "declined"))
            continue
        applied.append(apply_one(p, out))
    out.write("\napplied:\n")
    for a in applied:
        out.write(f"  {a.ran}  -> {a.status}\n")
    return applied


def changes(before: CheckResult, after: CheckResult) -> list[str]:
    """What the second check says differently: findings gone or new, layers that changed."""
    out: list[str] = []
    old = {f.id: f for f in before.diagnosis.findings}
    new = {f.id: f for f in after.diagnosis.findings}
    for fid, f in old.items():
        if fid not in new:
            out.append(f"fixed: {fid} ({f.title})")
    for fid, f in new.items():
        if fid not in old:
            out.append(f"new: {fid} ({f.title})")
    for fid in old.keys() & new.keys():
        if old[fid].severity != new[fid].severity:
            out.append(f"changed: {fid} {old[fid].severity} -> {new[fid].severity}")
    old_layers = {layer.name: layer for layer in before.diagnosis.layers}
    for layer in after.diagnosis.layers:
        was = old_layers.get(layer.name)
        if was is None:
            out.append(f"layer {layer.name}: now {layer.says} ({layer.status})")
        elif (was.says, was.status) != (layer.says, layer.status):
            out.append(f"layer {layer.name}: {was.says} ({was.status}) -> {layer.says} ({layer.status})")
    return out


def fix_and_recheck(result: CheckResult, recheck: Callable[[], CheckResult], *, dry_run: bool, yes: bool,
                    out: IO[str] | None = None) -> tuple[list[Applied], CheckResult, list[str]]:
    out = out or sys.stdout
    applied = run_fixes(result, dry_run=dry_run, yes=yes, out=out)
    if not any(a.returncode is not None or a.status == "wrote" for a in applied):
        return applied, result, []
    out.write("\nchecking again...\n")
    after = recheck()
    diff = changes(result, after)
    for line in diff or ["nothing changed"]:
        out.write(f"  {line}\n")
    return applied, after, diff
