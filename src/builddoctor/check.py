"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .facts import Facts
from .machine import Machine, RecordingMachine, open_machine
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
              record: bool = False, target: str | None = None) -> CheckResult:
    """`index` (a why.index.Finder) lets the tools probe resolve build requirements against an index;
    `record` keeps every read the probes made (the evidence `check -v` shows); `target` is the
    --target spelling (None: the interpreter's, or a cross target the settings agree on)."""
    with open_machine(replay, index=index) as (machine, inv):
        if replay:
            python = python if python is not None else inv.get("python")
            project = project if project is not None else inv.get("project")
            if target is None and isinstance(inv.get("target"), str):
                target = inv["target"]
            reads = getattr(machine, "doc", {}).get("reads") if record else None
            facts = probe_all(machine, python, project, rust_if_needed=rust_if_needed, isolated=isolated)
            return CheckResult(facts, diagnose(facts, target), replay, reads)
        rec = RecordingMachine(machine) if record else None
        facts = probe_all(rec or machine, python, _abs(project), rust_if_needed=rust_if_needed, isolated=isolated)
    return CheckResult(facts, diagnose(facts, target), "live", dict(rec.reads) if rec else None)


def record_snapshot(python: str | None, project: str | None, target: str | None = None, *,
                    index: Any = None) -> tuple[dict[str, Any], CheckResult]:
    """The snapshot also holds the intended target and where it came from (`invocation`), and on
    Windows the developer shell for it (the same capture `devshell` makes), so replays can plan."""
    with open_machine(None, index=index) as (live, _):
        return record_machine(live, python, _abs(project), target)


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
    return doc, CheckResult(facts, diagnosis, "live", dict(rec.reads))


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
