"""`builddoctor triage SNAPSHOT...|DIR`: many machines at once (bug-report attachments, a CI matrix).

Each snapshot is replayed through the same diagnosis as `check --replay`; machines are grouped by
their top finding (the first error, else the first warning), and the fix that appears for the most
machines is named. A file that is not a snapshot is listed as unreadable, never a crash.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._record import field, record
from .errors import UserError

SCHEMA = "builddoctor.triage/1"
HEALTHY = "(no problem found)"


@record(frozen=False)
class Group:
    finding: str
    severity: str
    title: str  # the title of the first machine in the group
    machines: list[str] = field(default_factory=list)


@record(frozen=False)
class Triage:
    machines: int
    groups: list[Group]
    fixes: list[tuple[str, list[str], list[str]]]  # (command, machines, finding ids), most machines first
    unreadable: list[tuple[str, str]]  # (file, one-line reason)


def snapshot_files(paths: Sequence[str]) -> list[Path]:
    """The files given, and every *.json under each folder given (sorted, so output is stable)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.json") if x.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise UserError(f"{raw}: no such file or folder", tip="give snapshot files or a folder of them")
    if not out:
        raise UserError("no snapshot files found", tip="builddoctor snapshot -o FILE writes one per machine")
    return out


def _name(path: Path, roots: Sequence[str]) -> str:
    for raw in roots:
        root = Path(raw)
        if root.is_dir():
            try:
                return str(path.relative_to(root))
            except ValueError:
                continue
    return str(path)


def triage(paths: Sequence[str]) -> Triage:
    from .check import CheckResult
    from .machine import ReplayMachine, load_snapshot
    from .probes import probe_all
    from .rules import diagnose
    from .rules.model import ERROR, OK

    groups: dict[str, Group] = {}
    by_fix: dict[str, tuple[list[str], list[str]]] = {}
    unreadable: list[tuple[str, str]] = []
    files = snapshot_files(paths)
    for path in files:
        name = _name(path, paths)
        try:
            doc = load_snapshot(path)
        except UserError as exc:
            unreadable.append((name, exc.message))
            continue
        inv = doc.get("invocation") or {}
        facts = probe_all(ReplayMachine(doc), inv.get("python"), inv.get("project"), concurrent=False)
        result = CheckResult(facts, diagnose(facts), str(path))
        problems = [f for f in result.diagnosis.findings if f.severity != OK]
        top = problems[0] if problems else None
        key = top.id if top else HEALTHY
        group = groups.setdefault(key, Group(key, top.severity if top else OK, top.title if top else "", []))
        group.machines.append(name)
        seen: set[str] = set()
        for f in problems:
            for fix in f.fixes:
                machines, ids = by_fix.setdefault(fix.command, ([], []))
                if fix.command not in seen:
                    machines.append(name)
                    seen.add(fix.command)
                if f.id not in ids:
                    ids.append(f.id)
    order = sorted(groups.values(), key=lambda g: (g.finding == HEALTHY, g.severity != ERROR, -len(g.machines),
                                                   g.finding))
    fixes = sorted(((cmd, m, ids) for cmd, (m, ids) in by_fix.items()), key=lambda e: (-len(e[1]), e[0]))
    return Triage(len(files) - len(unreadable), order, fixes, unreadable)


def to_json(t: Triage) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "machines": t.machines,
        "groups": [{"finding": g.finding, "severity": g.severity, "count": len(g.machines), "title": g.title,
                    "machines": g.machines} for g in t.groups],
        "best_fix": ({"command": t.fixes[0][0], "count": len(t.fixes[0][1]), "machines": t.fixes[0][1],
                      "findings": t.fixes[0][2]} if t.fixes else None),
        "fixes": [{"command": c, "count": len(m), "findings": ids} for c, m, ids in t.fixes[:10]],
        "unreadable": [{"file": f, "error": e} for f, e in t.unreadable],
    }


def render_text(t: Triage, *, show: int = 3) -> str:
    out = [f"{t.machines} machine{'s' * (t.machines != 1)}" + (f", {len(t.unreadable)} unreadable file"
                                                              f"{'s' * (len(t.unreadable) != 1)}" if t.unreadable
                                                              else ""), ""]
    width = max([len(g.finding) for g in t.groups] + [11])
    out.append(f"  {'top finding'.ljust(width)}  machines  severity  example")
    for g in t.groups:
        names = ", ".join(g.machines[:show]) + (f", +{len(g.machines) - show} more" if len(g.machines) > show else "")
        out.append(f"  {g.finding.ljust(width)}  {str(len(g.machines)).rjust(8)}  {g.severity.ljust(8)}  {names}")
        if g.title:
            out.append(f"  {''.ljust(width)}  {''.rjust(8)}  {''.ljust(8)}  {g.title}")
    if t.fixes:
        cmd, machines, ids = t.fixes[0]
        out += ["", f"Fix helping the most machines ({len(machines)} of {t.machines}): {cmd}",
                f"  for: {', '.join(ids)}"]
    for name, error in t.unreadable:
        out.append(f"unreadable: {name}: {error}")
    return "\n".join(out) + "\n"


def run_triage(paths: Sequence[str], as_json: bool) -> str:
    t = triage(paths)
    if as_json:
        return json.dumps(to_json(t), indent=2, ensure_ascii=False) + "\n"
    return render_text(t)

