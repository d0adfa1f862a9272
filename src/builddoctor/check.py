"""`builddoctor check`: probe, diagnose, return a result the CLI renders."""
from __future__ import annotations

import os
from collections.abc import Mapping

from ._record import field, record, replace
from .facts import Facts
from .machine import Machine, open_machine
from .probes import probe_all

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .cache import Cache
    from .machine import Machine
    from .machine.record import RecordingMachine
    from .rules import Diagnosis

JSON_SCHEMA = "builddoctor.check/1"


@record
class CheckResult:
    facts: Facts
    diagnosis: Diagnosis
    source: str  # "live" or the replay file
    #: every read the probes made (a snapshot's `reads`), when asked for: the evidence of each layer
    reads: Mapping[str, Any] | None = None
    ignored: tuple[str, ...] = field(default=())  # ids of findings left out by --ignore / pyproject
    warnings: tuple[str, ...] = ()  # e.g. what a damaged snapshot lacks


def run_check(python: str | None, project: str | None, replay: str | None = None, *,
              rust_if_needed: bool = False, index: Any = None, isolated: bool | None = None,
              record: bool = False, target: str | None = None, wheel_index: str | None = None,
              find_links: str | None = None, packages: tuple[str, ...] = (),
              use_cache: bool = False) -> CheckResult:
    """`index` (a why.index.Finder) lets the tools probe resolve build requirements against an index;
    `record` keeps every read the probes made (the evidence `check -v` shows); `target` is the
    --target spelling (None: the interpreter's, or a cross target the settings agree on);
    `wheel_index` / `find_links` / `packages`: ask where each dependency's wheel would come from;
    `use_cache`: answer what only changes with files from the user cache folder (cache.py), never for a replay."""
    cache = _cache() if use_cache and not replay else None
    with open_machine(replay, index=index, cache=cache) as (machine, inv):
        if replay:
            if target is None and isinstance(inv.get("target"), str):
                target = inv["target"]
            doc = getattr(machine, "doc", {})
            _recorded(doc, replay, "--python", python, inv.get("python"))
            _recorded(doc, replay, "--project", project, inv.get("project"))
            python = python if python is not None else inv.get("python")
            project = project if project is not None else inv.get("project")
            reads = doc.get("reads") if record else None
            facts = probe_all(machine, python, project, rust_if_needed=rust_if_needed, isolated=isolated)
            if wheel_index or find_links or packages:
                facts = with_wheels(facts, wheel_index, find_links, {}, packages)
            problems = machine.problems() if hasattr(machine, "problems") else []
            warnings: tuple[str, ...] = ()
            if problems:
                shown = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
                warnings = (f"{replay} looks damaged, so this report may be wrong: {shown}",)
            return CheckResult(facts, diagnose(facts, target), replay, reads, warnings=warnings)
        rec: RecordingMachine | None = None
        if record:
            from .machine.record import RecordingMachine

            rec = RecordingMachine(machine)
        facts = probe_all(rec or machine, python, _abs(project), rust_if_needed=rust_if_needed, isolated=isolated,
                          meanwhile=_load_rules)
    if wheel_index or find_links or packages:
        facts = with_wheels(facts, wheel_index, find_links, os.environ, packages)
    return CheckResult(facts, diagnose(facts, target), "live", dict(rec.reads) if rec else None)


def diagnose(facts: Facts, target: str | None) -> Diagnosis:
    """rules.diagnose, the rules imported once the facts are in (a live check imports them while the
    last probe waits, _load_rules): not before the probes' first child starts. (Importing them on this
    thread while the probes ran was measured slower: the imports hold the GIL the probe threads need
    to start and read their children.)"""
    from .rules import diagnose as run_rules

    return run_rules(facts, target)


def _load_rules() -> None:
    """Import the rules while the last probe (Rust's) waits for its children, the other core idle."""
    from . import rules  # noqa: F401


def _cache() -> Cache | None:
    from .cache import Cache
    from .cachedir import default_dir

    if os.environ.get("BUILDDOCTOR_NO_CACHE"):
        return None
    folder = default_dir()
    return Cache(folder) if folder else None


def record_snapshot(python: str | None, project: str | None, target: str | None = None, *,
                    index: Any = None) -> tuple[dict[str, Any], CheckResult]:
    """The snapshot also holds the intended target and where it came from (`invocation`), and on
    Windows the developer shell for it (the same capture `devshell` makes), so replays can plan."""
    with open_machine(None, index=index) as (live, _):
        return record_machine(live, python, _abs(project), target)


def record_machine(inner: Machine, python: str | None, project: str | None,
                   target: str | None = None) -> tuple[dict[str, Any], CheckResult]:
    """Every read of `inner` the probes make, plus (Windows) the dev shell capture for the target."""
    from .machine.record import RecordingMachine

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


def with_wheels(facts: Facts, index: str | None, find_links: str | None, env: Mapping[str, str],
                packages: tuple[str, ...] = ()) -> Facts:
    """facts with the `why` decision for each project dependency (or only `packages`), asked from the index."""
    from pathlib import Path

    from .errors import UserError
    from .facts import WheelFacts, WheelVerdict
    from .target import derive_target
    from .why import explain

    target = derive_target(facts)
    project = facts.project
    if (project is None or not project.path) and not packages:
        raise UserError("--index-url, --resolve and --find-links need a project: give --project DIR, or run check "
                        "in a folder with a pyproject.toml (or name PACKAGEs)")
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
        return replace(facts, wheels=WheelFacts(index=url or "default", error=exc.message))
    asked = {r.split(";")[0].split("[")[0].strip().lower() for r in build_reqs}
    verdicts = tuple(WheelVerdict(v.name, v.version or "", v.outcome, v.code, v.reason or "", tuple(v.available),
                                  v.host_cpu_trap, v.pruned_by or "", build_requirement=True)
                     for v in build if v.origin == "command line" or v.name in asked)
    verdicts += tuple(WheelVerdict(v.name, v.version or "", v.outcome, v.code, v.reason or "", tuple(v.available),
                                   v.host_cpu_trap, v.pruned_by or "") for v in report.verdicts)
    shown = report.index or report.find_links or ""
    return replace(facts, wheels=WheelFacts(index=shown, verdicts=verdicts))


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
