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


def run_check(python: str | None, project: str | None, replay: str | None = None, *,
              rust_if_needed: bool = False, target: str | None = None) -> CheckResult:
    """`target`: the --target spelling (None: the interpreter's, or a cross target the settings agree on)."""
    if replay:
        doc = load_snapshot(replay)
        machine: Machine = ReplayMachine(doc)
        inv = doc.get("invocation") or {}
        python = python if python is not None else inv.get("python")
        project = project if project is not None else inv.get("project")
        target = target if target is not None else (inv.get("target") if isinstance(inv.get("target"), str) else None)
        facts = probe_all(machine, python, project)
        return CheckResult(facts, diagnose(facts, target), replay)
    live = LiveMachine()
    try:
        facts = probe_all(live, python, _abs(project), rust_if_needed=rust_if_needed)
    finally:
        live.close()
    return CheckResult(facts, diagnose(facts, target), "live")


def record_snapshot(python: str | None, project: str | None,
                    target: str | None = None) -> tuple[dict[str, Any], CheckResult]:
    """The snapshot also holds the intended target and where it came from (`invocation`), and on
    Windows the developer shell for it (the same capture `devshell` makes), so replays can plan."""
    live = LiveMachine()
    try:
        return record_machine(live, python, _abs(project), target)
    finally:
        live.close()


def record_machine(inner: Machine, python: str | None, project: str | None,
                   target: str | None = None) -> tuple[dict[str, Any], CheckResult]:
    """Every read of `inner` the probes make, plus (Windows) the dev shell capture for the target."""
    rec = RecordingMachine(inner)
    facts = probe_all(rec, python, project)
    diagnosis = diagnose(facts, target)
    if rec.os == "windows" and diagnosis.target is not None:
        from .builder.plan import devshell_env

        devshell_env(rec, diagnosis.target)  # records vcvarsall's run, so replays can plan with it
    t = diagnosis.target
    doc = rec.snapshot({"python": python, "project": project, "target": target,
                        "target_origin": t.origin if t else None,
                        "intended": t.platform_tag if t is not None and t.cross else None})
    return doc, CheckResult(facts, diagnosis, "live")


def _abs(project: str | None) -> str | None:
    if project is None:
        here = os.getcwd()
        has = any(os.path.isfile(os.path.join(here, n)) for n in ("pyproject.toml", "setup.py"))
        return here if has else None
    return os.path.abspath(project)


def to_json(result: CheckResult) -> dict[str, Any]:
    from .rules import to_json as diag_json

    doc = diag_json(result.diagnosis)
    return {"schema": JSON_SCHEMA, "source": "live" if result.source == "live" else "replay", **doc,
            "facts": result.facts.to_json()}
