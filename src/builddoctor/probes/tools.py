"""The tools a build of the project will really run, and their versions (ToolFacts).

Runs after the other probes (it needs the interpreter's installed packages and wheel tags): see
`LATE_PROBES` in probes/__init__.py. Everything is read through the `Machine`, so snapshots record
and replay it:

- the build backend and every build requirement, as a PEP 517 frontend would install them for THIS
  interpreter: without isolation the installed version; with isolation (the default) a pin in
  `build-system.requires` or a constraint file (PIP_CONSTRAINT / UV_BUILD_CONSTRAINT), else the newest
  version the configured index lists with a file for this interpreter (only when an index is attached to
  the machine: `check --resolve`), else the installed version as a stated assumption;
- the crates that decide what the Rust build can do (pyo3, pyo3-ffi, pyo3-build-config, cc, ring,
  openssl-sys) from Cargo.lock (Cargo.toml when unlocked), also when `[tool.maturin] manifest-path`
  points into a sub-folder, and the abi3 features the project builds with;
- cmake, rustc/rustup and the frontends (pip in the interpreter, uv on PATH).
"""
from __future__ import annotations

import re

from .._compat.tomllib import TOMLDecodeError, loads
from .._regex import lazy
from .._text import is_dotted, squeeze
from ..facts import Facts, ToolFacts, ToolVersion
from ..machine import Machine

TYPE_CHECKING = False
if TYPE_CHECKING:  # packaging is imported where a requirement is really parsed: a check without a
    from typing import Any

    # project never pays for it (issue 16)
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

#: build-backend module -> the distribution that provides it
BACKENDS = {
    "maturin": "maturin", "setuptools.build_meta": "setuptools", "setuptools.build_meta:__legacy__": "setuptools",
    "scikit_build_core.build": "scikit-build-core", "mesonpy": "meson-python", "hatchling.build": "hatchling",
    "flit_core.buildapi": "flit-core", "poetry.core.masonry.api": "poetry-core", "pdm.backend": "pdm-backend",
    "uv_build": "uv-build",
}
#: crates whose version decides what the build can do (Python versions, targets, C compilers)
CRATES = ("pyo3", "pyo3-ffi", "pyo3-build-config", "cc", "ring", "openssl-sys")
#: PEP 517's fallback for a project without [build-system]
LEGACY_REQUIRES = ("setuptools>=40.8.0",)
_ABI3_PY = lazy(r"abi3-py3(\d+)")


def _toml(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        return dict(loads(text))
    except TOMLDecodeError:
        return {}


def canonical(name: str) -> str:
    """PEP 503's normalized project name (what packaging.utils.canonicalize_name returns)."""
    return squeeze(name, "-_.", "-").lower()


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def probe_tools(machine: Machine, project: str | None, facts: Facts, isolated: bool | None = None) -> ToolFacts:
    proj = facts.project
    env = machine.env()
    items: list[ToolVersion] = []
    installed: dict[str, str] = {canonical(k): v for k, v in facts.interpreter.backends.items()}
    if isolated is None:
        # uv: UV_NO_BUILD_ISOLATION=1; pip's PIP_NO_BUILD_ISOLATION is inverted ("0"/"off"/"false" disables it)
        isolated = not (env.get("UV_NO_BUILD_ISOLATION", "").lower() in ("1", "true", "yes", "on")
                        or env.get("PIP_NO_BUILD_ISOLATION", "").lower() in ("0", "false", "no", "off"))
    doc: dict[str, Any] = {}
    abi3: bool | None = None
    versioned: bool | None = None
    spellings: list[str] = []
    manifest = lock = rust_version = ""
    index_used = False
    if proj is not None and project and (proj.has_pyproject or proj.has_setup_py):
        doc = _toml(proj.pyproject_text)
        requires = list(proj.requires) if (doc.get("build-system") or {}).get("requires") is not None \
            else list(LEGACY_REQUIRES)
        backend = BACKENDS.get(proj.backend, BACKENDS.get(proj.backend.split(":")[0], ""))
        from packaging.requirements import InvalidRequirement, Requirement

        constraints = _constraints(machine, env)
        from ..tags import supported_tags  # an installer's file preference, as the resolver needs it

        rank = {t: i for i, t in enumerate(supported_tags(facts.interpreter))}
        for text in requires:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            name = canonical(req.name)
            role = "backend" if name == backend else "build-requires"
            tv, used = _resolve(machine, req, name, role, installed=installed, isolated=isolated,
                                constraints=constraints, rank=rank, python=facts.interpreter.version)
            index_used |= used
            items.append(tv)
        if backend and not any(t.name == backend for t in items):
            items.append(ToolVersion(backend, installed.get(backend, ""), "installed" if backend in installed
                                     else "not in build-system.requires", "backend"))
        abi3, versioned, spellings = _c_abi3(machine, project, proj.kind, doc)
        if proj.is_rust or proj.has_cargo_toml:
            manifest, lock, rust_version, crates, rabi3 = _rust(machine, project, doc)
            items += crates
            if rabi3 is not None:
                abi3, versioned, spellings = rabi3
    items += _toolchain(machine, facts)
    index = ""
    if index_used:
        index = str(getattr(getattr(getattr(machine, "index", None), "index", None), "shown", "") or "index")
    return ToolFacts(isolated=isolated, index=index, items=tuple(items), abi3=abi3, abi3_versioned=versioned,
                     abi3_features=tuple(spellings), cargo_manifest=manifest, cargo_lock=lock,
                     rust_version=rust_version)


# -- Python build requirements ---------------------------------------------------------------------

def _constraints(machine: Machine, env: Any) -> dict[str, tuple[str, str]]:
    """name -> (specifier, variable) from the constraint files a frontend applies to build environments."""
    from packaging.requirements import InvalidRequirement, Requirement

    out: dict[str, tuple[str, str]] = {}
    for var in ("UV_BUILD_CONSTRAINT", "PIP_CONSTRAINT"):
        for path in (env.get(var) or "").split():
            text = machine.read_text(path) or ""
            for raw in text.splitlines():
                line = raw.split("#", 1)[0].strip()
                if not line or line.startswith("-"):
                    continue
                try:
                    req = Requirement(line)
                except InvalidRequirement:
                    continue
                out.setdefault(canonical(req.name), (str(req.specifier), var))
    return out


def _exact(spec: SpecifierSet) -> str | None:
    pins = [s.version for s in spec if s.operator in ("==", "===") and "*" not in s.version]
    return pins[0] if len(pins) == 1 else None


def _resolve(machine: Machine, req: Requirement, name: str, role: str, *, installed: dict[str, str],
             isolated: bool, constraints: dict[str, tuple[str, str]], rank: dict[Any, int],
             python: str) -> tuple[ToolVersion, bool]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    text = str(req)
    have = installed.get(name, "")
    if not isolated:
        return ToolVersion(name, have, "installed" if have else "not installed (the build runs without isolation)",
                           role, text), False
    spec = req.specifier
    constraint = constraints.get(name)
    if constraint:
        try:
            spec = spec & SpecifierSet(constraint[0])
        except InvalidSpecifier:
            constraint = None
    files = machine.index_files(name)
    unreadable = ""
    if files is not None and any("error" in f for f in files):
        unreadable = next(str(f["error"]) for f in files if "error" in f)
        files = None
    if files is not None:
        best = _newest(files, spec, rank, python)
        how = f"resolved from {text}" + (f" and {constraint[1]} {constraint[0]}" if constraint else "")
        if best:
            return ToolVersion(name, best[0], f"{how} ({best[1]})", role, text), True
        return ToolVersion(name, "", f"nothing on the index satisfies {text}", role, text), True
    pin = _exact(spec)
    if pin:
        where = f"pinned by {constraint[1]}" if constraint and _exact(SpecifierSet(constraint[0])) else \
            f"pinned in build-system.requires ({text})"
        return ToolVersion(name, pin, where, role, text), False
    if have:
        try:
            ok = Version(have) in spec or not str(spec)
        except InvalidVersion:
            ok = False
        if ok:
            why = f"the index could not be read: {unreadable}" if unreadable else "check --resolve asks the index"
            return ToolVersion(name, have, f"assumed: the installed {have} satisfies {text}; an isolated build "
                                           f"installs the newest match ({why})", role, text), False
    why = f"the index could not be read: {unreadable}" if unreadable else "check --resolve asks the index"
    return ToolVersion(name, "", f"unresolved: {text} ({why})", role, text), False


def _newest(files: list[dict[str, object]], spec: SpecifierSet, rank: dict[Any, int],
            python: str) -> tuple[str, str] | None:
    """(version, 'wheel TAG' | 'sdist') of the newest version matching `spec` that has a file for this
    interpreter, as pip and uv pick it: no yanked files, pre-releases only when the specifier names one
    or nothing else matches."""
    from packaging.version import Version

    named_pre = any(Version(s.version).is_prerelease for s in spec
                    if not s.version.endswith("*") and _parses(s.version))
    found = _candidates(files, spec, rank, python, prereleases=named_pre)
    if not found and not named_pre:
        found = _candidates(files, spec, rank, python, prereleases=True)
    if not found:
        return None
    newest = max(found)
    return str(newest), found[newest]


def _parses(text: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def _candidates(files: list[dict[str, object]], spec: SpecifierSet, rank: dict[Any, int], python: str, *,
                prereleases: bool) -> dict[Version, str]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    from ..why.dists import best_tag, parse_file

    py = Version(python) if _parses(python) else None
    by_version: dict[Version, str] = {}
    for raw in files:
        rp = raw.get("requires_python")
        f = parse_file(str(raw.get("filename")), requires_python=rp if isinstance(rp, str) and rp else None,
                       yanked=bool(raw.get("yanked")))
        if f is None or f.version is None or f.yanked:
            continue
        if not spec.contains(f.version, prereleases=prereleases) or (f.version.is_prerelease and not prereleases):
            continue
        if py is not None and f.requires_python:
            try:
                if not SpecifierSet(f.requires_python).contains(py, prereleases=True):
                    continue
            except InvalidSpecifier:
                pass
        if f.kind == "wheel":
            hit = best_tag(f, rank)
            if hit is None:
                continue
            by_version[f.version] = f"wheel {hit[1]}"
        else:
            by_version.setdefault(f.version, "sdist")
    return by_version


def _c_abi3(machine: Machine, project: str, kind: str, doc: dict[str, Any]) -> tuple[bool | None, bool | None,
                                                                                      list[str]]:
    """Whether a C/C++ project builds for the stable ABI (setuptools, scikit-build-core, meson-python)."""
    tool = _dict(doc.get("tool"))
    if kind == "scikit-build-core":
        api = str(_dict(_dict(tool.get("scikit-build")).get("wheel")).get("py-api")
                  or _dict(tool.get("scikit-build")).get("wheel.py-api") or "")
        return (api.startswith("cp3"), api.startswith("cp3"), [f"wheel.py-api = {api}"] if api else [])
    if kind == "meson-python":
        limited = _dict(tool.get("meson-python")).get("limited-api") is True
        return limited, None, ["limited-api = true"] if limited else []
    if kind in ("setuptools-ext", "setuptools-rust", "pure", "unknown", ""):
        texts = [machine.read_text(machine.join(project, n)) or "" for n in ("setup.py", "setup.cfg")]
        wheel_cfg = _dict(_dict(_dict(tool.get("distutils")).get("bdist_wheel")))
        if wheel_cfg.get("py-limited-api") or wheel_cfg.get("py_limited_api"):
            texts.append(f"py_limited_api = {wheel_cfg.get('py-limited-api') or wheel_cfg.get('py_limited_api')}")
        for text in texts:
            m = re.search(r"py_limited_api\s*[=:]\s*[\"']?(cp3\d+|True|true)", text)
            if m:
                return True, m.group(1).startswith("cp3"), [f"py_limited_api={m.group(1)}"]
        return False, False, []
    return None, None, []


# -- Rust ------------------------------------------------------------------------------------------

def _manifest_dir(machine: Machine, project: str, doc: dict[str, Any]) -> str:
    tool = _dict(doc.get("tool"))
    path = _dict(tool.get("maturin")).get("manifest-path")
    if not isinstance(path, str):
        mods = _dict(tool.get("setuptools-rust")).get("ext-modules")
        if isinstance(mods, list) and mods and isinstance(mods[0], dict) and isinstance(mods[0].get("path"), str):
            path = mods[0]["path"]
    if isinstance(path, str) and path.strip() and ".." not in path.replace("\\", "/").split("/"):
        parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
        if parts and parts[-1] == "Cargo.toml":
            parts = parts[:-1]
        return machine.join(project, *parts) if parts else project
    return project


def _rust(machine: Machine, project: str, doc: dict[str, Any]) -> tuple[
        str, str, str, list[ToolVersion], tuple[bool, bool, list[str]] | None]:
    folder = _manifest_dir(machine, project, doc)
    manifest = machine.join(folder, "Cargo.toml")
    cargo = _toml(machine.read_text(manifest))
    # Cargo.lock sits next to the manifest, or at the workspace root between it and the project
    lock_path, lock_text = "", None
    candidates = [folder]
    if folder != project:
        candidates.append(project)
    for where in candidates:
        lock_text = machine.read_text(machine.join(where, "Cargo.lock"), 8 << 20)
        if lock_text is not None:
            lock_path = machine.join(where, "Cargo.lock")
            break
    locked: dict[str, str] = {}
    packages = _toml(lock_text).get("package")
    for pkg in packages if isinstance(packages, list) else []:
        if isinstance(pkg, dict) and pkg.get("name") in CRATES and isinstance(pkg.get("version"), str):
            locked.setdefault(pkg["name"], pkg["version"])  # first one wins when several versions are locked
    deps: dict[str, Any] = {}
    for table in ("build-dependencies", "dependencies"):
        deps.update(_dict(cargo.get(table)))
    workspace_deps = _dict(_dict(cargo.get("workspace")).get("dependencies"))
    items: list[ToolVersion] = []
    for crate in CRATES:
        declared = deps.get(crate, workspace_deps.get(crate))
        req = declared if isinstance(declared, str) else str(_dict(declared).get("version") or "")
        if crate in locked:
            items.append(ToolVersion(crate, locked[crate], "Cargo.lock", "crate", req))
        elif req:
            low = re.sub(r"^[\^=~>\s]+", "", req.split(",")[0]).strip()
            items.append(ToolVersion(crate, _full(low), f"Cargo.toml (unlocked: cargo picks the newest {req})",
                                     "crate", req))
    package = _dict(cargo.get("package"))
    rust_version = package.get("rust-version") if isinstance(package.get("rust-version"), str) else ""
    features: list[str] = []
    pyo3 = deps.get("pyo3")
    features += [f"pyo3/{f}" for f in _strings(_dict(pyo3).get("features"))]
    features += _strings(_dict(_dict(doc.get("tool")).get("maturin")).get("features"))
    feature_table = _dict(cargo.get("features"))
    for name in _strings(feature_table.get("default")):
        features += [*_strings(feature_table.get(name)), name]
    abi3 = sorted({f for f in features if "abi3" in f})
    rabi3 = None
    if pyo3 is not None or "pyo3" in locked:
        rabi3 = (bool(abi3), any(_ABI3_PY.search(f) for f in abi3), abi3)
    return (manifest if cargo else "", lock_path, str(rust_version or ""), items, rabi3)


def _strings(value: Any) -> list[str]:
    """The strings of a TOML array (anything else: none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _full(version: str) -> str:
    """A Cargo requirement's lower bound as a full version ("0.20" -> "0.20.0")."""
    parts = version.split(".")
    if not all(p.isdigit() for p in parts) or not parts:
        return version
    return ".".join([*parts, "0", "0"][:3])


# -- toolchains and frontends ----------------------------------------------------------------------

def _toolchain(machine: Machine, facts: Facts) -> list[ToolVersion]:
    out: list[ToolVersion] = []
    r = facts.rust
    if r.rustc_version:
        pinned = r.project_toolchain if is_dotted(r.project_toolchain or "", 2, 3) else ""
        if pinned:
            out.append(ToolVersion("rustc", _full(pinned), f"pinned in {r.project_toolchain_file}", "toolchain"))
        else:
            why = f"RUSTUP_TOOLCHAIN={r.rustup_toolchain_env}" if r.rustup_toolchain_env else "rustc on PATH"
            out.append(ToolVersion("rustc", r.rustc_version.split()[0], why, "toolchain"))
    if r.rustup_version:
        out.append(ToolVersion("rustup", r.rustup_version.split()[0], "rustup on PATH", "toolchain"))
    if facts.cmake.version:
        out.append(ToolVersion("cmake", facts.cmake.version, "cmake on PATH", "toolchain"))
    pip = facts.interpreter.backends.get("pip")
    if pip:
        out.append(ToolVersion("pip", pip, "installed in the interpreter", "frontend"))
    uv = machine.which("uv")
    if uv:
        res = machine.run([uv, "--version"], timeout=10, key="uv --version")
        m = re.search(r"\buv (\d+\.\d+\.\d+)", res.stdout or "")
        if m:
            out.append(ToolVersion("uv", m.group(1), "uv on PATH", "frontend"))
    return out
