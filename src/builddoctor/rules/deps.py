"""Dependencies an installer would build from source for this interpreter (from the project's uv.lock).

Offline on purpose: only the files the lock kept are looked at; `builddoctor why` asks the index.
"""
from __future__ import annotations

from .._compat.tomllib import TOMLDecodeError, loads
from ..errors import UserError
from ..facts import Facts
from ..target import Target
from .model import WARNING, Finding, Fix


def deps_rules(facts: Facts, target: Target | None) -> list[Finding]:
    project = facts.project
    if target is None or project is None or not project.uv_lock_text or not facts.interpreter.usable:
        return []
    from ..why import locked_verdicts

    try:
        verdicts = locked_verdicts(loads(project.pyproject_text or "[project]"), loads(project.uv_lock_text),
                                   tags=list(target.tags), markers=facts.interpreter.markers,
                                   python_version=facts.interpreter.version)
    except (TOMLDecodeError, UserError) as exc:
        return [Finding("deps.lock-unreadable", WARNING, f"uv.lock could not be read: {exc}", {"path": project.path})]
    built = [v for v in verdicts if v.outcome in ("sdist", "source")]
    return [
        Finding("deps.build-from-source", WARNING,
                f"{v.name} {v.version or ''} would be built from source for this Python: {v.reason}".replace("  ", " "),
                {"package": v.name, "version": v.version, "file": v.file, "code": v.code,
                 "host_cpu_trap": v.host_cpu_trap},
                (Fix(f"builddoctor why {v.name}", "names the wheel that is missing and what would change it",
                     rank=25),))
        for v in built
    ]
