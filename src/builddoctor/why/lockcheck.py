"""Verdicts from a lock: which packages apply to this interpreter, which of the kept files it takes,
and, when it builds, whether the lock pruned the wheel it could have used (and under which marker)."""
from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Callable

from .._record import record
from ..markers import evaluate
from .decide import choose, compatible_wheels, diagnose, env_of, holds, trap_applies, trap_fixes, trap_line
from .dists import family, implied_env, native_machine, tag_list
from .model import NONE, SKIPPED, SOURCE, WHEEL, DistFile, Interp, Verdict
from .sources import Edge, Locked, Project

TYPE_CHECKING = False
if TYPE_CHECKING:  # the index client (http, urllib, email ...) loads only for `why`, never for check's lock
    from .index import Finder

_LOCAL = ("editable", "directory", "path", "git", "url", "vcs", "archive")


@record
class Reach:
    pkg: Locked
    origin: str
    markers: tuple[str, ...]  # the edge markers on the path that reached it


def reach_uv(locked: Sequence[Locked], env: Mapping[str, str]
             ) -> tuple[dict[str, Reach], dict[str, tuple[str, str]]]:
    """Walk uv.lock from the project: reached packages, and the ones a false marker left out."""
    by_name: dict[str, list[Locked]] = {}
    for p in locked:
        by_name.setdefault(p.name, []).append(p)
    queue: deque[tuple[Edge, str, tuple[str, ...]]] = deque()
    for root in (p for p in locked if p.root):
        queue.extend((e, "project", ()) for e in root.deps)
        for extra, edges in root.optional.items():
            queue.extend((e, f"extra '{extra}'", ()) for e in edges)
        for group, edges in root.groups.items():
            queue.extend((e, f"group '{group}'", ()) for e in edges)
    reached: dict[str, Reach] = {}
    skipped: dict[str, tuple[str, str]] = {}
    while queue:
        edge, origin, chain = queue.popleft()
        if edge.marker and not holds(edge.marker, env):
            skipped.setdefault(edge.name, (origin, edge.marker))
            continue
        if edge.name in reached:
            continue
        candidates = by_name.get(edge.name, [])
        pkg = next((p for p in candidates if edge.version is None or p.version == edge.version), None)
        if pkg is None or pkg.root:
            continue
        path = (*chain, edge.marker) if edge.marker else chain
        reached[edge.name] = Reach(pkg, origin, path)
        queue.extend((e, f"via {pkg.name}", path) for e in pkg.deps)
        for extra in edge.extras:
            queue.extend((e, f"via {pkg.name}", path) for e in pkg.optional.get(extra, []))
    return reached, {k: v for k, v in skipped.items() if k not in reached}


def reach_pylock(proj: Project, env: Mapping[str, str]) -> tuple[dict[str, Reach], dict[str, tuple[str, str]]]:
    full: dict[str, object] = {**env, "extras": frozenset(), "dependency_groups": frozenset(proj.lock_groups)}
    reached: dict[str, Reach] = {}
    skipped: dict[str, tuple[str, str]] = {}
    for p in proj.locked:
        if _pylock_holds(p.marker, full):
            reached.setdefault(p.name, Reach(p, "lock", (p.marker,) if p.marker else ()))
        elif p.marker:
            skipped.setdefault(p.name, ("lock", p.marker))
    return reached, {k: v for k, v in skipped.items() if k not in reached}


def _pylock_holds(marker: str | None, env: Mapping[str, object]) -> bool:
    return evaluate(marker, env, lock_file=True) is not False  # unknown counts as true (the safe side)


Walk = Callable[[Mapping[str, str]], "tuple[dict[str, Reach], dict[str, tuple[str, str]]]"]


def check(proj: Project, interp: Interp, finder: Finder, focus: Sequence[str]) -> list[Verdict]:
    env = env_of(interp)
    def walk(e: Mapping[str, str]) -> tuple[dict[str, Reach], dict[str, tuple[str, str]]]:
        return reach_uv(proj.locked, e) if proj.lock == "uv" else reach_pylock(proj, e)

    reached, skipped = walk(env)
    out: list[Verdict] = []
    for name, r in reached.items():
        if focus and name not in focus:
            continue
        out.append(_verdict(r, proj, interp, finder, walk))
    for name, (origin, marker) in skipped.items():
        if not focus or name in focus:
            out.append(skipped_verdict(name, origin, marker, interp))
    for name in dict.fromkeys(p.name for p in proj.locked if not p.root):
        if name in focus and name not in reached and name not in skipped:
            out.append(Verdict(name=name, outcome=SKIPPED, origin="lock", code="not-required",
                               reason=f"{proj.source} has {name}, but nothing requires it for this interpreter"))
    return out


def skipped_verdict(name: str, origin: str, marker: str, interp: Interp) -> Verdict:
    v = Verdict(name=name, outcome=SKIPPED, origin=origin, marker=marker, code="marker-false",
                reason=f"`{marker}` is false for this interpreter")
    if (interp.trap and "platform_machine" in marker and interp.os and interp.tag_arch
            and any(holds(marker, implied_env(interp, interp.os, m)) for m in family(interp.tag_arch))):
        v.host_cpu_trap = True
        v.notes.append(f"it holds on a native {interp.tag_arch} machine; " + trap_line(interp))
    return v


def _verdict(r: Reach, proj: Project, interp: Interp, finder: Finder, walk: Walk) -> Verdict:
    pkg = r.pkg
    marker = " and ".join(f"({m})" if " or " in m and len(r.markers) > 1 else m for m in r.markers) or None
    v = Verdict(name=pkg.name, outcome=NONE, version=pkg.version, origin=r.origin, marker=marker)
    outcome, f, tag = choose(pkg.files, interp, proj.policy, pkg.name)
    if outcome == WHEEL and f is not None:
        v.outcome, v.file, v.tag = WHEEL, f.filename, str(tag)
        return v
    if pkg.source in _LOCAL:
        v.outcome, v.code = SOURCE, "local-source"
        v.reason = f"{pkg.name} comes from a {pkg.source} source in {proj.source}, which is always built"
        return v
    v.outcome, v.file = outcome, f.filename if f else None
    upstream: list[DistFile] = []
    if pkg.source == "registry" and pkg.version:
        upstream = [x for x in finder.files(pkg.name) or [] if str(x.version) == pkg.version]
    kept = {x.filename for x in pkg.files}
    dropped = [x for x in compatible_wheels(upstream, interp) if x.filename not in kept]
    if dropped and not proj.policy.forbids_wheels(pkg.name):
        _pruned(v, pkg, dropped[0], r=r, proj=proj, interp=interp, walk=walk)
    else:
        diagnose(v, pkg.files + [x for x in upstream if x.filename not in kept], interp, proj.policy)
        if v.code == "sdist-only" and not upstream and pkg.source == "registry":
            # only the lock was read (check stays offline): it cannot tell "publishes none" from "not kept"
            v.reason = (f"{proj.source} lists no wheels of {pkg.name} {pkg.version}, only its sdist: either none "
                        f"are published or the lock did not keep them (`builddoctor why {pkg.name}` asks the "
                        "index)")
    if v.code != "no-binary" and trap_applies(interp, pkg.files, [v.pruned_by or marker]):
        v.host_cpu_trap = True
        v.notes.insert(0, trap_line(interp))
        v.fixes[:0] = trap_fixes(interp, marker=v.pruned_by or marker, uv_lock=proj.lock == "uv")
    return v


def _pruned(v: Verdict, pkg: Locked, wheel: DistFile, *, r: Reach, proj: Project, interp: Interp,
            walk: Walk) -> None:
    """The index has a wheel this interpreter could use; the lock did not keep it."""
    v.code = "lock-pruned"
    v.available = tag_list(pkg.files)
    kept = ", ".join(v.available) or "no"
    plat = interp.platform
    head = f"{proj.source} kept only the {kept} wheels of {pkg.name} {pkg.version} and dropped {wheel.filename}"
    marker_cause = False
    if interp.os and interp.tag_arch and r.markers:
        machines = family(interp.tag_arch)
        still = any(pkg.name in walk(implied_env(interp, interp.os, m))[0] for m in machines)
        marker_cause = not still
    if marker_cause:
        v.pruned_by = " and ".join(r.markers)
        machine = native_machine(interp.tag_arch, interp.os)  # type: ignore[arg-type]
        v.reason = (f"{head}, because {pkg.name} is only required when `{v.pruned_by}` and a {plat} wheel "
                    f"implies platform_machine == '{machine}', which that marker excludes")
        v.notes.append(f"pip, which looks only at tags, would install {wheel.filename}")
    else:
        v.reason = f"{head}, although its markers allow {plat}: the lock is older than that wheel or was limited"
        fix = "`uv lock --upgrade-package " + pkg.name + "`" if proj.lock == "uv" else f"re-create {proj.source}"
        v.fixes.append(f"re-lock so the {plat} wheel is kept: {fix} (check [tool.uv] environments)")
