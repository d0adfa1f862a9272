"""What `build` can decide before the build environment is filled, from files alone.

Decision (issue 10): a project whose Requires-Python excludes the interpreter must fail before the
environment is filled (that install is the first slow step: ~0.5 s with a warm cache, seconds to
minutes with a cold one or a slow index). The project side comes from the unpacked source
(pyproject's static `[project] requires-python`, else an sdist's PKG-INFO `Requires-Python`, the same
order as the `project` probe); the interpreter side from the new environment's `pyvenv.cfg`, which
uv writes as `version_info = X.Y.Z` and the stdlib's venv as `version = X.Y.Z` (both before
anything is installed). So the check costs two small file reads and needs no interpreter probe; when
either side is unreadable it says nothing and the preflight (which asks the interpreter) decides.

The cycle check (a project that needs itself to build) reads requirement names with the PEP 508 name
grammar and PEP 503 normalisation, so it needs no `packaging` import on the way to the installer.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .._record import record
from ..errors import EXIT_PROJECT, UserError

#: PEP 508: a distribution name starts a requirement (https://peps.python.org/pep-0508/#names)
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def canonical_name(name: str) -> str:
    """PEP 503 normalisation (https://peps.python.org/pep-0503/#normalized-names)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str | None:
    m = _NAME.match(requirement)
    return m.group(1) if m else None


@record
class Declared:
    """What a project's files say before anything runs."""

    name: str | None = None
    version: str | None = None  # None when dynamic or unknown
    requires_python: str = ""


#: a source folder, or the texts of its files by name (sdist.peek_sdist: read from the archive itself)
Source = Path | Mapping[str, str]


def source_text(src: Source, name: str, errors: str = "strict") -> str | None:
    """The text of `name` in the source, None when it is not there or not readable."""
    if isinstance(src, Mapping):
        return src.get(name)
    try:
        return (src / name).read_text(encoding="utf-8", errors=errors)
    except (OSError, ValueError):
        return None


def pkg_info_fields(src: Source) -> dict[str, str] | None:
    """The header fields of an sdist's PKG-INFO (lower-case names), None without one."""
    text = source_text(src, "PKG-INFO", errors="replace")
    if text is None:
        return None
    head = text.split("\n\n", 1)[0]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.splitlines())}


def read_declared(src: Source) -> Declared:
    """pyproject's static [project] first, PKG-INFO (an sdist) for what it leaves out."""
    from .._compat.tomllib import loads

    project: dict[str, object] = {}
    try:
        found = loads(source_text(src, "pyproject.toml") or "").get("project")
        project = found if isinstance(found, dict) else {}
    except ValueError:
        pass
    info = pkg_info_fields(src) or {}
    name = project.get("name") if isinstance(project.get("name"), str) else info.get("name") or None
    dynamic = project.get("dynamic")
    version = project.get("version")
    if not (isinstance(version, str) and not (isinstance(dynamic, list) and "version" in dynamic)):
        version = info.get("version") or None
    rp = project.get("requires-python")
    return Declared(str(name) if name else None, str(version) if version else None,
                    rp if isinstance(rp, str) and rp.strip() else info.get("requires-python", ""))


def venv_python_version(env: Path) -> str | None:
    """The interpreter version a just-created environment records in pyvenv.cfg (uv or venv)."""
    try:
        text = (env / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition("=") for line in text.splitlines())}
    version = fields.get("version_info") or fields.get("version") or ""
    return version if re.fullmatch(r"\d+\.\d+(\.\d+)?([a-z]+\d*)?(\+)?", version) else None


def requires_python_error(declared: Declared, version: str | None) -> UserError | None:
    """The one-line error when Requires-Python excludes `version` (None: nothing to say)."""
    if not declared.requires_python or not version:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    release = re.match(r"\d+(\.\d+)*", version)  # 3.14.0rc2 counts as 3.14.0, as the preflight's version_tuple
    try:
        allowed = SpecifierSet(declared.requires_python).contains(Version(release.group(0) if release else version),
                                                                  prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None  # the preflight reports what it can of an unreadable specifier
    if allowed:
        return None
    name = declared.name or "this project"
    return UserError(f"preflight: {name} requires Python {declared.requires_python} but this interpreter is "
                     f"{version}: its wheel would refuse to install here (and the build would run for nothing) "
                     "[project.requires-python]", exit_code=EXIT_PROJECT,
                     tip=f"builddoctor build --python VERSION  (pick an interpreter that satisfies "
                         f"{declared.requires_python})")


def refuse_cycle(name: str | None, requirements: list[str] | tuple[str, ...]) -> None:
    """A project that needs itself to build can never be built from source (pip and uv loop or fail)."""
    if not name:
        return
    own = canonical_name(name)
    for item in requirements:
        found = requirement_name(item)
        if found is not None and canonical_name(found) == own:
            raise UserError(f"cyclic build dependency: {name} needs {item!r} to build, i.e. itself",
                            exit_code=EXIT_PROJECT, tip="remove it from [build-system] requires (or the backend's "
                                                        "get_requires_for_build_wheel)")
