"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .facts import Facts
from .machine import LiveMachine, Machine, RecordingMachine, ReplayMachine, load_snapshot
from .probes import probe_all
from .rules import Diagnosis, diagnose

JSON_SCHEMA = "builddoctor.check/1"


@dataclass(frozen=True)
class CheckResult:
    facts: Facts
    diagnosis: Diagnosis
    source: str  # "live" or the replay file
    warnings: tuple[str, ...] = ()  # e.g. what a damaged snapshot lacks


def run_check(python: str | None, project: str | None, replay: str | None = None, *,
              rust_if_needed: bool = False) -> CheckResult:
    if replay:
        doc = load_snapshot(replay)
        replayed = ReplayMachine(doc)
        machine: Machine = replayed
        inv = doc.get("invocation") or {}
        _recorded(doc, replay, "--python", python, inv.get("python"))
        _recorded(doc, replay, "--project", project, inv.get("project"))
        python = python if python is not None else inv.get("python")
        project = project if project is not None else inv.get("project")
        facts = probe_all(machine, python, project)
        problems = replayed.problems()
        warnings: tuple[str, ...] = ()
        if problems:
            shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
            warnings = (f"{replay} looks damaged, so this report may be wrong: {shown}",)
        return CheckResult(facts, diagnose(facts), replay, warnings)
    live = LiveMachine()
    try:
        facts = probe_all(live, python, _abs(project), rust_if_needed=rust_if_needed)
    finally:
        live.close()
    return CheckResult(facts, diagnose(facts), "live")


def record_snapshot(python: str | None, project: str | None) -> tuple[dict[str, Any], CheckResult]:
    live = LiveMachine()
    rec = RecordingMachine(live)
    project = _abs(project)
    try:
        facts = probe_all(rec, python, project)
    finally:
        live.close()
    doc = rec.snapshot({"python": python, "project": project})
    return doc, CheckResult(facts, diagnose(facts), "live")


def _recorded(doc: dict[str, Any], replay: str, option: str, given: str | None, recorded: str | None) -> None:
    """With --replay, --python / --project can only pick something the snapshot read; say so otherwise."""
    from .errors import UserError

    if given is None or given == recorded:
        return
    if any(given in key for key in doc["reads"]):
        return  # e.g. another interpreter the snapshot looked at
    shown = f"{option} {recorded}" if recorded else f"no {option}"
    raise UserError(f"{replay} was recorded with {shown} and holds no reads for {option} {given}: a snapshot "
                    "answers only what was read when it was made", tip=f"replay without {option}, or record a "
                    f"new snapshot with {option} {given}")


def _abs(project: str | None) -> str | None:
    if project is not None:
        _project_folder(project)
    if project is None:
        here = os.getcwd()
        has = any(os.path.isfile(os.path.join(here, n)) for n in ("pyproject.toml", "setup.py"))
        return here if has else None
    return os.path.abspath(project)


def _project_folder(project: str) -> None:
    """--project must be a folder: a missing path or a file used to report '0 errors'."""
    from .errors import UserError

    if not os.path.exists(project):
        raise UserError(f"--project {project} does not exist")
    if not os.path.isdir(project):
        raise UserError(f"--project {project} is a file; give the project's folder (the one with pyproject.toml)")


def to_json(result: CheckResult) -> dict[str, Any]:
    from .rules import to_json as diag_json

    doc = diag_json(result.diagnosis)
    return {"schema": JSON_SCHEMA, "source": "live" if result.source == "live" else "replay", **doc,
            "facts": result.facts.to_json()}
