"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from collections.abc import Mapping
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
              rust_if_needed: bool = False, index: str | None = None, find_links: str | None = None,
              packages: tuple[str, ...] = ()) -> CheckResult:
    if replay:
        doc = load_snapshot(replay)
        machine: Machine = ReplayMachine(doc)
        inv = doc.get("invocation") or {}
        python = python if python is not None else inv.get("python")
        project = project if project is not None else inv.get("project")
        facts = probe_all(machine, python, project)
        if index or find_links:
            facts = with_wheels(facts, index, find_links, {}, packages)
        return CheckResult(facts, diagnose(facts), replay)
    live = LiveMachine()
    try:
        facts = probe_all(live, python, _abs(project), rust_if_needed=rust_if_needed)
    finally:
        live.close()
    if index or find_links:
        facts = with_wheels(facts, index, find_links, os.environ, packages)
    return CheckResult(facts, diagnose(facts), "live")


def with_wheels(facts: Facts, index: str | None, find_links: str | None, env: Mapping[str, str],
                packages: tuple[str, ...] = ()) -> Facts:
    """facts with the `why` decision for each project dependency (or only `packages`), asked from the index."""
    import dataclasses
    from pathlib import Path

    from .errors import UserError
    from .facts import WheelFacts, WheelVerdict
    from .target import derive_target
    from .why import explain

    target = derive_target(facts.interpreter)
    project = facts.project
    if (project is None or not project.path) and not packages:
        raise UserError("--index and --find-links need a project: give --project DIR, or run check in a folder "
                        "with a pyproject.toml")
    if target is None:
        return facts  # an unusable interpreter is already the finding to report
    url = None if index in (None, "default") else index
    folder = Path(project.path if project and project.path else ".")
    links = Path(find_links) if find_links else None
    common = dict(tags=list(target.tags), markers=facts.interpreter.markers,
                  python_version=facts.interpreter.version, index_url=url, find_links=links, env=env)
    # the build environment installs [build-system] requires too: maturin, cmake or ninja without a wheel
    # for this platform are compiled before the project is
    build_reqs = tuple(r for r in (project.requires if project and not packages else ()) if r.strip())
    try:
        report = explain(folder, packages=packages, **common)  # type: ignore[arg-type]
        build = explain(folder, packages=build_reqs, **common).verdicts if build_reqs else []  # type: ignore[arg-type]
    except UserError as exc:
        return dataclasses.replace(facts, wheels=WheelFacts(index=url or "default", error=exc.message))
    asked = {r.split(";")[0].split("[")[0].strip().lower() for r in build_reqs}
    verdicts = tuple(WheelVerdict(v.name, v.version or "", v.outcome, v.code, v.reason or "", tuple(v.available),
                                  v.host_cpu_trap, v.pruned_by or "", build_requirement=True)
                     for v in build if v.origin == "command line" or v.name in asked)
    verdicts += tuple(WheelVerdict(v.name, v.version or "", v.outcome, v.code, v.reason or "", tuple(v.available),
                                   v.host_cpu_trap, v.pruned_by or "") for v in report.verdicts)
    shown = report.index or report.find_links or ""
    return dataclasses.replace(facts, wheels=WheelFacts(index=shown, verdicts=verdicts))


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
