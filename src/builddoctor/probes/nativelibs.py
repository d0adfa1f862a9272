"""System libraries the project asks for (Cargo.lock -sys crates, meson dependency(), CMake
find_package) and whether pkg-config finds each for this machine. No pkg-config process runs for a
project that needs no system library."""
from __future__ import annotations

import re

from .._compat.tomllib import TOMLDecodeError, loads
from .._data import table
from .._parallel import map_all
from ..facts import NativeLib, NativeLibFacts
from ..machine import Machine
from ._binary import binary_arches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TIMEOUT = 10.0
ENV_NAMES = ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "PKG_CONFIG", "OPENSSL_DIR",
             "OPENSSL_LIB_DIR", "OPENSSL_INCLUDE_DIR", "OPENSSL_STATIC", "VCPKG_ROOT", "SQLITE3_LIB_DIR")


def lock_packages(text: str) -> list[dict[str, Any]]:
    try:
        packages = loads(text).get("package") or []
    except TOMLDecodeError:
        return []
    if not isinstance(packages, list):
        return []
    return [p for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)]


def _dep_names(package: dict[str, Any]) -> set[str]:
    return {str(d).split()[0] for d in package.get("dependencies") or [] if isinstance(d, str) and d}


def wanted(machine: Machine, project: str) -> list[NativeLib]:
    """The system libraries the project's files ask for (pure reads, no process)."""
    data = table("native-libs")
    libs = {lib["key"]: lib for lib in data["lib"]}
    out: list[NativeLib] = []
    lock = machine.read_text(machine.join(project, "Cargo.lock"), 8 << 20)
    if lock:
        packages = {p["name"]: p for p in lock_packages(lock)}
        for crate in data["crate"]:
            package = packages.get(crate["name"])
            if package is None:
                continue
            deps = _dep_names(package)
            vendored = (crate.get("vendored_when", "") in deps) if crate.get("vendored_when") else \
                (crate.get("system_when", "") not in deps)
            lib = libs[crate["lib"]]
            out.append(NativeLib(lib["key"], f"Cargo.lock {crate['name']} {package.get('version', '')}".strip(),
                                 lib["pc"], vendored=vendored))
    meson = machine.read_text(machine.join(project, "meson.build"), 1 << 20)
    if meson:
        by_name = {n.lower(): lib for lib in libs.values() for n in lib.get("meson", [])}
        for name in dict.fromkeys(re.findall(r"\bdependency\(\s*['\"]([^'\"]+)['\"]", meson)):
            lib = by_name.get(name.lower())
            if lib is not None:
                out.append(NativeLib(lib["key"], f"meson.build dependency('{name}')", lib["pc"]))
    cmake = machine.read_text(machine.join(project, "CMakeLists.txt"), 1 << 20)
    if cmake:
        by_name = {n.lower(): lib for lib in libs.values() for n in lib.get("cmake", [])}
        for name in dict.fromkeys(re.findall(r"\bfind_package\(\s*([A-Za-z0-9_]+)", cmake, re.I)):
            lib = by_name.get(name.lower())
            if lib is not None:
                out.append(NativeLib(lib["key"], f"CMakeLists.txt find_package({name})", lib["pc"]))
    seen: set[tuple[str, bool]] = set()
    unique = []
    for item in out:
        if (item.key, item.vendored) not in seen:
            seen.add((item.key, item.vendored))
            unique.append(item)
    return unique


def _look_up(machine: Machine, pkg_config: str | None, item: NativeLib, env: dict[str, str]) -> NativeLib:
    lib = next(x for x in table("native-libs")["lib"] if x["key"] == item.key)
    env_dir = next((f"{v}={env[v]}" for v in lib.get("env", []) if env.get(v)), "")
    if item.vendored or pkg_config is None:
        return NativeLib(item.key, item.source, item.pc_name, item.vendored, env_dir)
    result = machine.run([pkg_config, "--modversion", item.pc_name], timeout=TIMEOUT)
    if not result.ok:
        first = next((ln.strip() for ln in (result.stderr + result.stdout).splitlines() if ln.strip()), "")
        return NativeLib(item.key, item.source, item.pc_name, False, env_dir, False,
                         error=first or result.error or f"exit {result.returncode}")
    libdir_r = machine.run([pkg_config, "--variable=libdir", item.pc_name], timeout=TIMEOUT)
    libdir = libdir_r.stdout.strip() if libdir_r.ok else ""
    arches: tuple[str, ...] = ()
    if libdir and machine.os != "windows":
        ext = ".dylib" if machine.os == "macos" else ".so"
        found = binary_arches(machine, machine.join(libdir, f"lib{lib['lib']}{ext}"))
        arches = found[1] if found else ()
    return NativeLib(item.key, item.source, item.pc_name, False, env_dir, True,
                     result.stdout.strip().splitlines()[0] if result.stdout.strip() else "", "", libdir, arches)


def probe_native_libs(machine: Machine, project: str | None) -> NativeLibFacts:
    if not project:
        return NativeLibFacts()
    items = wanted(machine, project)
    if not items:
        return NativeLibFacts()
    env = {k: v for k, v in machine.env().items() if k.upper() in ENV_NAMES}
    needs_system = any(not i.vendored for i in items)
    pkg_config = (env.get("PKG_CONFIG") or machine.which("pkg-config") or machine.which("pkgconf")) \
        if needs_system else None
    version = ""
    if pkg_config:
        r = machine.run([pkg_config, "--version"], timeout=TIMEOUT)
        version = r.stdout.strip() if r.ok else ""
    libs = map_all(lambda i: _look_up(machine, pkg_config, i, env), items, concurrent=machine.concurrent)
    return NativeLibFacts(needed=needs_system, pkg_config=pkg_config, pkg_config_version=version, env=env,
                          libs=tuple(libs))
