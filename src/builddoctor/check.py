"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from dataclasses import dataclass

from .facts import Facts
from .probes import probe_all
from .rules import Diagnosis, diagnose

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .cache import Cache
    from .machine import Machine

JSON_SCHEMA = "builddoctor.check/1"


@dataclass(frozen=True)
class CheckResult:
    facts: Facts
    diagnosis: Diagnosis
    source: str  # "live" or the replay file


def run_check(python: str | None, project: str | None, replay: str | None = None, *,
              rust_if_needed: bool = False, use_cache: bool = False) -> CheckResult:
    """`use_cache`: answer what only changes with files from the user cache folder (cache.py);
    a replay never uses it."""
    if replay:
        from .machine.replay import ReplayMachine, load_snapshot

        doc = load_snapshot(replay)
        machine: Machine = ReplayMachine(doc)
        inv = doc.get("invocation") or {}
        python = python if python is not None else inv.get("python")
        project = project if project is not None else inv.get("project")
        facts = probe_all(machine, python, project)
        return CheckResult(facts, diagnose(facts), replay)
    from .machine.live import LiveMachine

    live = LiveMachine(_cache() if use_cache else None)
    try:
        facts = probe_all(live, python, _abs(project), rust_if_needed=rust_if_needed)
    finally:
        live.close()
    return CheckResult(facts, diagnose(facts), "live")


def _cache() -> Cache | None:
    from .cache import Cache, default_dir

    if os.environ.get("BUILDDOCTOR_NO_CACHE"):
        return None
    folder = default_dir()
    return Cache(folder) if folder else None


def record_snapshot(python: str | None, project: str | None) -> tuple[dict[str, Any], CheckResult]:
    from .machine.live import LiveMachine
    from .machine.record import RecordingMachine

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
