"""The project's Rust package (minimum Rust, edition, PyO3 features), its locked crates, the
rust-version of each locked crate whose sources cargo already downloaded, and what the project says
about the limited API (abi3)."""
from __future__ import annotations

import re

from .._compat.tomllib import TOMLDecodeError, loads
from .._regex import lazy
from ..facts import CrateFacts
from ..machine import Machine
from .nativelibs import lock_packages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_RUST_VERSION = lazy(r'^rust-version\s*=\s*"([^"]+)"', re.M)
_LIMITED = lazy(r"py_limited_api\s*=\s*(True|['\"]cp3\d+['\"])")
MAX_CRATES = 400  # Cargo.toml heads read from cargo's registry (each at most HEAD bytes)
HEAD = 2048


def _toml(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        doc: dict[str, Any] = loads(text)
        return doc
    except TOMLDecodeError:
        return {}


def _table(doc: Any, *keys: str) -> dict[str, Any]:
    """doc[k1][k2]... when every step is a table, else {} (hand-written files can hold anything)."""
    for key in keys:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, dict) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _manifest(machine: Machine, project: str, pyproject: dict[str, Any]) -> str:
    rel = _table(pyproject, "tool", "maturin").get("manifest-path")
    if isinstance(rel, str) and rel and ".." not in rel:
        return machine.join(project, *re.split(r"[\\/]", rel))
    return machine.join(project, "Cargo.toml")


def _inherited(machine: Machine, manifest: str, project: str, key: str) -> str:
    """A [workspace.package] value, from the manifest's folder up to the project folder."""
    folder = re.sub(r"[\\/][^\\/]+$", "", manifest)
    for _ in range(4):
        doc = _toml(machine.read_text(machine.join(folder, "Cargo.toml")))
        value = _table(doc, "workspace", "package").get(key)
        if isinstance(value, str):
            return value
        if folder.rstrip("\\/") == project.rstrip("\\/"):
            break
        folder = re.sub(r"[\\/][^\\/]+$", "", folder)
    return ""


def _pyo3_features(doc: dict[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for section in ("dependencies", "build-dependencies"):
        deps = _table(doc, section)
        for name in ("pyo3", "pyo3-ffi"):
            out += _strings(_table(deps, name).get("features"))
    return tuple(dict.fromkeys(out))


def _limited_api(machine: Machine, project: str, pyproject: dict[str, Any]) -> str:
    setup = machine.read_text(machine.join(project, "setup.py"), 1 << 20) or ""
    m = _LIMITED.search(setup)
    if m:
        return m.group(1).strip("'\"")
    cfg = machine.read_text(machine.join(project, "setup.cfg"), 1 << 20) or ""
    m = re.search(r"^\s*py[_-]limited[_-]api\s*=\s*(\S+)", cfg, re.M)
    if m:
        return m.group(1)
    bdist = _table(pyproject, "tool", "distutils", "bdist_wheel")
    value = bdist.get("py-limited-api") or bdist.get("py_limited_api")
    return str(value) if value else ""


def _registry_minimums(machine: Machine, locked: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    env = machine.env()
    home = env.get("CARGO_HOME") or machine.join(machine.home(), ".cargo")
    src = machine.join(home, "registry", "src")
    indexes = machine.listdir(src) or []
    if not indexes:
        return []
    out = []
    for p in locked[:MAX_CRATES]:
        if not str(p.get("source", "")).startswith(("registry+", "sparse+")):
            continue
        folder = f"{p['name']}-{p.get('version', '')}"
        for index in indexes:
            head = machine.read_text(machine.join(src, index, folder, "Cargo.toml"), HEAD)
            if head is None:
                continue
            m = _RUST_VERSION.search(head)
            if m:
                out.append((str(p["name"]), str(p.get("version", "")), m.group(1)))
            break
    return out


def probe_crates(machine: Machine, project: str | None) -> CrateFacts:
    if not project:
        return CrateFacts()
    pyproject = _toml(machine.read_text(machine.join(project, "pyproject.toml")))
    maturin = _strings(_table(pyproject, "tool", "maturin").get("features"))
    limited = _limited_api(machine, project, pyproject)
    manifest = _manifest(machine, project, pyproject)
    text = machine.read_text(manifest)
    if text is None:
        return CrateFacts(maturin_features=maturin, py_limited_api=limited)
    doc = _toml(text)
    package = _table(doc, "package")
    rust_version, edition = package.get("rust-version"), package.get("edition")
    if isinstance(rust_version, dict):
        rust_version = _inherited(machine, manifest, project, "rust-version")
    if isinstance(edition, dict):
        edition = _inherited(machine, manifest, project, "edition")
    folder = re.sub(r"[\\/][^\\/]+$", "", manifest)
    lock = machine.read_text(machine.join(folder, "Cargo.lock"), 8 << 20)
    if lock is None and folder.rstrip("\\/") != project.rstrip("\\/"):
        lock = machine.read_text(machine.join(project, "Cargo.lock"), 8 << 20)
    locked = lock_packages(lock) if lock else []
    return CrateFacts(
        manifest=manifest,
        package=str(package.get("name") or ""),
        rust_version=str(rust_version or ""),
        edition=str(edition or ""),
        locked=tuple((str(p["name"]), str(p.get("version", ""))) for p in locked),
        crate_minimums=tuple(_registry_minimums(machine, locked)),
        pyo3_features=_pyo3_features(doc),
        maturin_features=maturin,
        py_limited_api=limited,
    )
