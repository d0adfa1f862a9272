"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .facts import Facts
from .machine import LiveMachine, RecordingMachine, open_machine
from .probes import probe_all
from .rules import Diagnosis, diagnose

JSON_SCHEMA = "builddoctor.check/1"


@dataclass(frozen=True)
class CheckResult:
    facts: Facts
    diagnosis: Diagnosis
    source: str  # "live" or the replay file
    #: every read the probes made (a snapshot's `reads`), when asked for: the evidence of each layer
    reads: Mapping[str, Any] | None = None
    ignored: tuple[str, ...] = field(default=())  # ids of findings left out by --ignore / pyproject


def run_check(python: str | None, project: str | None, replay: str | None = None, *,
              rust_if_needed: bool = False, index: Any = None, isolated: bool | None = None,
              record: bool = False) -> CheckResult:
    """`index` (a why.index.Finder) lets the tools probe resolve build requirements against an index;
    `record` keeps every read the probes made (the evidence `check -v` shows)."""
    with open_machine(replay, index=index) as (machine, inv):
        if replay:
            python = python if python is not None else inv.get("python")
            project = project if project is not None else inv.get("project")
            reads = getattr(machine, "doc", {}).get("reads") if record else None
            facts = probe_all(machine, python, project, rust_if_needed=rust_if_needed, isolated=isolated)
            return CheckResult(facts, diagnose(facts), replay, reads)
        rec = RecordingMachine(machine) if record else None
        facts = probe_all(rec or machine, python, _abs(project), rust_if_needed=rust_if_needed, isolated=isolated)
    return CheckResult(facts, diagnose(facts), "live", dict(rec.reads) if rec else None)


def record_snapshot(python: str | None, project: str | None, *,
                    index: Any = None) -> tuple[dict[str, Any], CheckResult]:
    live = LiveMachine(index=index)
    rec = RecordingMachine(live)
    project = _abs(project)
    try:
        facts = probe_all(rec, python, project)
    finally:
        live.close()
    doc = rec.snapshot({"python": python, "project": project})
    return doc, CheckResult(facts, diagnose(facts), "live", dict(rec.reads))


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
