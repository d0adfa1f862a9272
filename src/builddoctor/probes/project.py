"""The project: its build backend, the kind of native build, and its platform-dependent markers."""
from __future__ import annotations

import re

from .._compat.tomllib import TOMLDecodeError, loads
from .._regex import lazy
from ..facts import Dependency, ProjectFacts
from ..machine import Machine

_PLATFORM_VARS = ("platform_machine", "platform_system", "sys_platform", "os_name")
# backend module (or a requirement name) -> kind of native build
_KINDS = (
    ("maturin", "maturin"),
    ("setuptools_rust", "setuptools-rust"),
    ("setuptools-rust", "setuptools-rust"),
    ("scikit_build_core", "scikit-build-core"),
    ("scikit-build-core", "scikit-build-core"),
    ("mesonpy", "meson-python"),
    ("meson-python", "meson-python"),
)
# A requirement without marker, URL or unusual version: its name is all a probe needs, without
# importing packaging (30 ms). Anything else goes through packaging's parser.
_PLAIN = lazy(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # name (PEP 508)
                    r"(?:\[\s*[A-Za-z0-9._-]+(?:\s*,\s*[A-Za-z0-9._-]+)*\s*\])?"  # [extras]
                    r"(?:\s*(?:===?|!=|<=?|>=?)\s*\d+(?:\.\d+)*"  # first version clause
                    r"(?:\s*,\s*(?:===?|!=|<=?|>=?)\s*\d+(?:\.\d+)*)*)?")
RUST_KINDS = {"maturin", "setuptools-rust"}
C_KINDS = {"scikit-build-core", "meson-python", "setuptools-ext"}


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _name_and_marker(item: str) -> tuple[str, str] | None:
    """(name, marker as packaging writes it) of a PEP 508 requirement; None when it is invalid."""
    text = item.strip()
    plain = _PLAIN.fullmatch(text)
    if plain:
        return re.match(r"[A-Za-z0-9._-]+", text).group(0), ""  # type: ignore[union-attr]
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(item)
    except InvalidRequirement:
        return None
    return req.name, str(req.marker) if req.marker else ""


def _deps(doc: dict[str, Any]) -> list[Dependency]:
    project = doc.get("project") or {}
    groups: list[tuple[str, Any]] = [("", project.get("dependencies") or [])]
    groups += [(f"extra:{k}", v) for k, v in (project.get("optional-dependencies") or {}).items()]
    groups += [(f"group:{k}", v) for k, v in (doc.get("dependency-groups") or {}).items()]
    out: list[Dependency] = []
    for group, items in groups:
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, str):
                continue
            parsed = _name_and_marker(item)
            if parsed is None:
                continue
            name, marker = parsed
            used = tuple(v for v in _PLATFORM_VARS if re.search(rf"\b{v}\b", marker))
            out.append(Dependency(item, name, marker, used, group))
    return out


def _declared(machine: Machine, path: str, doc: dict[str, Any]) -> tuple[str, str]:
    """(name, requires-python): pyproject's static [project], else an sdist's PKG-INFO."""
    found = doc.get("project")
    project: dict[str, Any] = found if isinstance(found, dict) else {}
    name = project.get("name") if isinstance(project.get("name"), str) else ""
    rp = project.get("requires-python") if isinstance(project.get("requires-python"), str) else ""
    if name and rp:
        return name, rp
    info = machine.read_text(machine.join(path, "PKG-INFO"), 65536) or ""
    head = info.split("\n\n", 1)[0]
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.splitlines())}
    return name or fields.get("name", ""), rp or fields.get("requires-python", "")


def probe_project(machine: Machine, path: str) -> ProjectFacts:
    pyproject = machine.join(path, "pyproject.toml")
    text = machine.read_text(pyproject)
    has_setup = machine.is_file(machine.join(path, "setup.py"))
    has_cargo = machine.is_file(machine.join(path, "Cargo.toml"))
    if text is None and not has_setup and not has_cargo:  # a Cargo.toml alone is a Rust project (maturin's layout)
        return ProjectFacts(path=path, kind="")
    doc: dict[str, Any] = {}
    error = ""
    if text is not None:
        try:
            doc = loads(text)
        except TOMLDecodeError as exc:
            error = f"{pyproject}: invalid TOML: {exc}"
    build = doc.get("build-system") or {}
    backend = str(build.get("build-backend") or ("setuptools.build_meta:__legacy__" if has_setup or text else ""))
    requires = tuple(str(r) for r in build.get("requires") or [] if isinstance(r, str))
    haystack = " ".join([backend, *requires]).lower()
    kind = next((k for needle, k in _KINDS if needle in haystack), "")
    if not kind and has_setup:
        setup = machine.read_text(machine.join(path, "setup.py")) or ""
        if "RustExtension" in setup:
            kind = "setuptools-rust"
        elif re.search(r"\bExtension\s*\(|ext_modules", setup):
            kind = "setuptools-ext"
    if not kind and ((doc.get("tool") or {}).get("setuptools") or {}).get("ext-modules"):
        kind = "setuptools-ext"
    if not kind:
        kind = "pure" if backend else "unknown"
    lock = machine.read_text(machine.join(path, "uv.lock"), 8 << 20) if text is not None else None
    name, requires_python = _declared(machine, path, doc)
    return ProjectFacts(
        path=path,
        pyproject_text=text or "",
        uv_lock_text=lock or "",
        error=error,
        has_pyproject=text is not None,
        has_setup_py=has_setup,
        backend=backend,
        requires=requires,
        kind=kind,
        is_rust=kind in RUST_KINDS or (has_cargo and kind == "unknown"),
        is_c=kind in C_KINDS,
        has_cargo_toml=has_cargo,
        dependencies=tuple(_deps(doc)),
        requires_python=requires_python,
        name=name,
    )
