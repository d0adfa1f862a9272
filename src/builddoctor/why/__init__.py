"""`builddoctor why`: for one interpreter, would each requirement come as a wheel or be built, and why.

The interpreter's facts are arguments (tags in priority order, the PEP 508 marker environment), so
the same code answers for this machine, a snapshot or a test.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.tags import Tag

from ..errors import UserError
from . import lockcheck, sources
from .dists import canonical
from .model import Interp, Verdict, WhyReport
from .render import SCHEMA, needs_native_build, render_text, to_json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .index import Finder

__all__ = ["SCHEMA", "Verdict", "WhyReport", "explain", "locked_verdicts", "needs_native_build", "render_text",
           "to_json"]


def explain(
    project_dir: Path,
    *,
    tags: Sequence[Tag],
    markers: Mapping[str, str],
    python_version: str,
    packages: Sequence[str] = (),
    index_url: str | None = None,
    find_links: Path | None = None,
    env: Mapping[str, str] = os.environ,
    timeout: float = 15.0,
    cache_dir: Path | None = None,
    total_timeout: float | None = None,
) -> WhyReport:
    """What an installer would fetch for the project's requirements on this interpreter, and why.

    `project_dir` may also be a requirements file, a pylock.toml or a uv.lock. Network reads go to
    the configured index only; bad input raises UserError (exit 2).
    """
    if not tags:
        raise UserError("no interpreter tags given")
    interp = Interp.make(tags, markers, python_version)
    asked = [_parse_package(p) for p in packages]
    focus = tuple(dict.fromkeys(canonical(r.name) for r in asked))
    proj = sources.load(Path(project_dir), env)
    if proj.source is None and not asked:
        raise UserError(f"no pyproject.toml, uv.lock, pylock.toml or requirements.txt in {project_dir}; "
                        "name the packages to ask about")
    from . import direct
    from .index import Finder

    finder = Finder(index_url, find_links, env=env, timeout=timeout, cache_dir=cache_dir,
                    total_timeout=total_timeout)
    if proj.lock:
        verdicts = lockcheck.check(proj, interp, finder, focus)
    else:
        verdicts = [direct.verdict(d, origin, interp, proj.policy, finder)
                    for d, origin in direct.merge(proj.deps, interp) if not focus or d.name in focus]
    known = {v.name for v in verdicts}
    for req in asked:
        if canonical(req.name) not in known:
            dep = sources.Dep(req, "command line")
            verdicts.append(direct.verdict(dep, "command line", interp, proj.policy, finder))
            known.add(dep.name)
    return WhyReport(
        project=proj.name or str(project_dir),
        source=proj.source,
        index=finder.shown,
        find_links=str(find_links) if find_links else None,
        interp=interp,
        verdicts=verdicts,
        focus=focus,
        notes=proj.notes,
    )


def _parse_package(text: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        raise UserError(f"not a package name or requirement: {text!r} ({' '.join(str(exc).split())})") from None


class _Offline:
    """A finder that knows no index: what the lock kept is all there is (check stays offline)."""

    def shown(self) -> str | None:
        return None

    def files(self, name: str) -> None:
        return None


def locked_verdicts(pyproject: Mapping[str, Any], uv_lock: Mapping[str, Any], *, tags: Sequence[Tag],
                    markers: Mapping[str, str], python_version: str) -> list[Verdict]:
    """Offline: for each package a uv.lock installs on this interpreter, the file it would use.

    Used by `check` with files read through the machine seam; raises UserError for a lock it
    cannot read.
    """
    from typing import cast

    from .policy import from_env

    proj = sources.Project(dir=Path("."), policy=from_env({}))
    sources.read_pyproject_data(proj, pyproject)
    sources.read_uv_lock_data(proj, uv_lock)
    interp = Interp.make(tags, markers, python_version)
    return lockcheck.check(proj, interp, cast("Finder", _Offline()), ())
