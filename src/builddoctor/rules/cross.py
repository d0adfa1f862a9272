"""Rules for a deliberate cross build (the intended target) and for emulated tools and userlands.

Pure: facts and the target in, findings out. The target's origin (--target, or the settings it was
inferred from) is in `Target.origin`; toolchains/cross.toml holds every tool fact with its source.
"""
from __future__ import annotations

import re

from .. import arch as archmod
from .._data import table
from ..facts import Facts
from ..target import Target, setting_votes
from .core import build_fix, unset_env
from .model import ERROR, OK, WARNING, Finding, Fix, Layer, LayerStatus
from .packages import cross_compiler_fix, install_fix

_PYO3_CONFIG = ("PYO3_CROSS_PYTHON_VERSION", "PYO3_CROSS_LIB_DIR", "PYO3_CONFIG_FILE")


def _target_fix(target: Target) -> Fix:
    spelling = target.platform_tag or target.arch.name
    return Fix(f"builddoctor build . --target {spelling}",
               f"builds for {target.describe()} with every layer set for it, the deliberate settings kept", 30)


def host_can_run(facts: Facts, target: Target) -> bool:
    """Whether this machine can run a target interpreter (natively, 32-bit compat, Rosetta, qemu binfmt)."""
    host = archmod.parse(facts.host.arch or "")
    if host is None:
        return False
    if target.arch == host or host.compat32 == target.arch.name:
        return True
    if facts.os == "macos" and host.name == "aarch64" and target.arch.name == "x86_64":
        return True  # Rosetta 2
    if facts.os == "windows" and host.name == "aarch64" and target.arch.name in ("x86_64", "x86"):
        return True  # Windows 11 on Arm emulates x64 and x86
    return any(archmod.parse(q) == target.arch for q in facts.host.qemu_binfmt)


def _native_project(facts: Facts) -> tuple[bool, bool]:
    p = facts.project
    return bool(p and p.is_c), bool(p and p.is_rust)


def cross_rules(facts: Facts, target: Target | None) -> list[Finding]:
    if target is None:
        return []
    out: list[Finding] = []
    out += _inconsistent(facts, target)
    out += _cmake_generator_platform(facts, target)
    out += _cmake_osx(facts, target)
    if not target.cross or target.build is None:
        return out
    build = target.build
    is_c, is_rust = _native_project(facts)
    out.append(Finding("target.cross", OK, f"{target.headline()} ({target.origin})",
                       {"target": target.to_json(), "origin": target.origin}))
    if target.os != build.os:
        out.append(Finding("target.cross-os", ERROR,
                           f"{target.describe()} is another OS than this {build.os} interpreter: builddoctor sets up "
                           "cross builds between architectures of one OS only",
                           {"target_os": target.os, "interpreter_os": build.os},
                           (Fix(f"run the build on a {target.os} machine (or CI runner)",
                                "its native toolchain builds for it"),)))
        return out
    if target.os == "linux" and is_c:
        out += _linux_c(facts, target, build)
    if target.os == "linux" and is_rust:
        out += _linux_rust_linker(facts, target)
    if is_rust and not host_can_run(facts, target):
        have = {k for k, _ in facts.cross.pyo3}
        if not have & set(_PYO3_CONFIG) and target.os != "windows":
            version = ".".join(facts.interpreter.version.split(".")[:2])
            out.append(Finding(
                "cross.pyo3-config", WARNING,
                f"this {facts.host.arch or '?'} machine cannot run {target.arch.name} Pythons, so PyO3 needs the "
                "target interpreter described: PYO3_CROSS_PYTHON_VERSION (and PYO3_CROSS_LIB_DIR where it links "
                "libpython)",
                {"target": target.arch.name, "host": facts.host.arch, "source": table("cross")["pyo3"]["cross_source"]},
                (_target_fix(target), Fix(f"export PYO3_CROSS_PYTHON_VERSION={version}",
                                          "what PyO3 reads instead of running the target interpreter", 40))))
    if target.os == "windows" and (is_c or is_rust):
        have = {k for k, _ in facts.cross.pyo3}
        if "PYO3_CROSS_LIB_DIR" not in have and not facts.cross.plat_name:
            version = ".".join(facts.interpreter.version.split(".")[:2])
            key = f"cpython-{version}-windows-{target.arch.uv_arch}-none"
            out.append(Finding(
                "cross.import-lib", ERROR if is_c else WARNING,  # PyO3 can make its own (generate-import-lib)
                f"linking for {target.arch.name} needs a {target.arch.name} CPython's import library "
                f"(libs\\python{version.replace('.', '')}.lib); this {build.arch.name} Python has only its own",
                {"target": target.arch.name, "source": table("cross")["settings"]["DIST_EXTRA_CONFIG"]["source"]},
                (Fix(f"uv python install {key}", f"a {target.arch.name} CPython whose libs folder has it "
                     "(cibuildwheel does the same)", 20),
                 Fix("$env:PYO3_CROSS_LIB_DIR = \"<that Python>\\libs\"", "where PyO3 and maturin look for it", 25))))
    return out


def _inconsistent(facts: Facts, target: Target) -> list[Finding]:
    """Settings that name another target than the one the build is for (deliberate or the interpreter's)."""
    if not target.cross and target.origin == "interpreter":
        return []  # the layer rules already compare each setting with the interpreter
    wanted = "universal2" if target.universal2 else target.arch.name
    out = []
    for v in setting_votes(facts):
        if v.spelled is None or (v.spelled.os not in (None, target.os)) or v.spelled.key() == wanted:
            continue
        out.append(Finding("target.inconsistent", ERROR if _native_project(facts) != (False, False) else WARNING,
                           f"{v.variable}={v.value} names {v.spelled.key()}, but this build is for {wanted} "
                           f"({target.origin})",
                           {"variable": v.variable, "value": v.value, "names": v.spelled.key(), "target": wanted},
                           (Fix(unset_env(facts.os, v.variable), "one target for every layer", 15),
                            _target_fix(target))))
    return out


def _cross_compilers(facts: Facts, target: Target) -> list[str]:
    found = [c for c in (*facts.cc.compilers, *facts.cross.compilers) if not c.error and c.arch == target.arch.name]
    return [c.command for c in found]


def _linux_c(facts: Facts, target: Target, build: Target) -> list[Finding]:
    out: list[Finding] = []
    if not _cross_compilers(facts, target):
        return out  # cc.no-compiler names the packages
    b, t = build.arch, target.arch
    usable = {c for c in _cross_compilers(facts, target)}
    missing_libc = [cmd for cmd, ok in facts.cross.libc_found if cmd in usable and not ok]
    if missing_libc and len(missing_libc) == len([c for c in usable if c in dict(facts.cross.libc_found)]):
        out.append(Finding(
            "cross.libc-missing", ERROR,
            f"{missing_libc[0]} has no C library for {t.name} (it cannot find crti.o), so it cannot link an "
            "extension", {"compiler": missing_libc[0], "target": t.name},
            (cross_compiler_fix(facts, t.name, f"the {t.name} C library and startup files", 10, only_libc=True)
             or Fix(f"install the {t.name} C library for {missing_libc[0]}", "its startup files and headers", 10),)))
    if table("cross")["linux"].get(b.name) is None or table("cross")["linux"].get(t.name) is None:
        out.append(Finding(
            "cross.sysconfig-unknown", ERROR,
            f"builddoctor has no cross data for {b.name} -> {t.name} (toolchains/cross.toml [linux]), so it cannot "
            f"give the build {t.name}'s sysconfig data: the extension would be named for {b.name}",
            {"interpreter_arch": b.name, "target": t.name},
            (Fix(f"run the build on a native {t.name} machine", "no cross build needed", 30),)))
    same_abi = b.bits == t.bits and (b.elf or (0, 0, 1))[2] == (t.elf or (0, 0, 1))[2]
    if not same_abi:
        out.append(Finding(
            "cross.headers-abi", ERROR,
            f"this {b.name} interpreter's pyconfig.h describes a {b.bits}-bit ABI; {t.name} is {t.bits}-bit, so a C "
            f"extension compiled against it for {t.name} would be wrong",
            {"interpreter_arch": b.name, "target": t.name},
            (Fix(f"build with a {t.name} CPython's headers and sysconfig (crossenv with a {t.name} build of CPython)",
                 "the target interpreter's own pyconfig.h and sysconfig data", 20),
             Fix(f"run the build on a native {t.name} machine", "no cross build needed", 30))))
    return out


def _linux_rust_linker(facts: Facts, target: Target) -> list[Finding]:
    triple = target.rust_triple or ""
    if any(t == triple for t, _ in facts.rust.linkers) or _cross_compilers(facts, target):
        return []
    fix = cross_compiler_fix(facts, target.arch.name, f"a linker for {triple}") or \
        Fix(f"install a linker for {triple} and set CARGO_TARGET_{triple.upper().replace('-', '_')}_LINKER", "")
    return [Finding("cross.linker-missing", ERROR,
                    f"cargo needs a linker for {triple}; the host's cc links only {facts.host.arch or 'host'} objects",
                    {"target": triple}, (fix,))]


def _cmake_generator_platform(facts: Facts, target: Target) -> list[Finding]:
    cm = facts.cmake
    if facts.os != "windows" or not cm.generator_platform or cm.generator:
        return []
    data = table("cross")["cmake"]
    return [Finding("cmake.platform-ignored", WARNING,
                    f"CMAKE_GENERATOR_PLATFORM={cm.generator_platform} is ignored: CMake applies it only when "
                    "CMAKE_GENERATOR is set too",
                    {"value": cm.generator_platform, "source": data["generator_platform_source"]},
                    (Fix("builddoctor build .", "sets both, or passes -A through the backend", 20),))]


def _cmake_osx(facts: Facts, target: Target) -> list[Finding]:
    p = facts.project
    if target.os != "macos" or p is None or p.kind != "setuptools-ext" or facts.cmake.osx_architectures:
        return []
    if not any("cmake" in r.lower() for r in p.requires):
        return []
    running = archmod.parse(facts.interpreter.mac_machine) or target.interp.arch
    if not target.universal2 and target.arch == running:
        return []
    value = "arm64;x86_64" if target.universal2 else target.arch.wheel.get("macos", target.arch.name)
    return [Finding("cmake.osx-architectures", WARNING,
                    "this setuptools project runs CMake, which reads CMAKE_OSX_ARCHITECTURES, not ARCHFLAGS: "
                    f"without it CMake builds for the running {running.name}, not {value}",
                    {"target": value, "source": table("cross")["cmake"]["osx_architectures_source"]},
                    (Fix(f"export CMAKE_OSX_ARCHITECTURES='{value}'", "CMake's own setting", 20), build_fix(target)))]


# -- emulated tools and userlands -------------------------------------------------------------------

def binary_rules(facts: Facts, target: Target | None) -> list[Finding]:
    host = archmod.parse(facts.host.arch or "")
    out: list[Finding] = []
    data = table("cross")["tools"]
    if host is not None:
        for tool in facts.binaries.tools:
            row = data.get(tool.name)
            arches = {archmod.get(a) for a in tool.arches}
            if row is None or not arches or host in arches or any(a.name == host.compat32 for a in arches):
                continue
            if row.get("msvc_only") and not re.search(r"[\\/]VC[\\/]Tools[\\/]MSVC[\\/]", tool.path, re.I):
                continue  # another program of that name (Git's link.exe ...), not MSVC's
            fmt = {"host_triple": host.rust_triple(facts.os) or host.name, "host_msvc": host.msvc or host.name,
                   "target_msvc": (target.msvc_arch if target else None) or host.msvc or host.name}
            fix = row["fix"].get(facts.os)
            native = (Fix(fix.format(**fmt), f"installs the native {host.name} {tool.name}", 25) if fix else
                      install_fix(facts, [row["ingredient"]], f"installs the native {host.name} {tool.name}", 25,
                                  assume="debian") if row.get("ingredient") else None)
            built = "+".join(sorted(a.name for a in arches))
            how = "under Rosetta 2" if facts.os == "macos" else "emulated"
            out.append(Finding("tools.emulated", WARNING,
                               f"{tool.name} ({tool.path}) is built for {built} and runs {how} on this {host.name} "
                               f"machine: {row['effect']}",
                               {"tool": tool.name, "path": tool.path, "tool_arches": sorted(a.name for a in arches),
                                "host_arch": host.name, "source": row["source"]},
                               (native,) if native else ()))
    out += _foreign_userland(facts)
    return out


def _foreign_userland(facts: Facts) -> list[Finding]:
    i, t = facts.interpreter, facts.binaries
    if facts.os != "linux" or not t.cpuinfo_family or len(i.exe_arches) != 1:
        return []
    family = table("cross")["cpuinfo"][t.cpuinfo_family]
    userland = i.exe_arches[0]
    if userland in family["arches"]:
        return []
    data = table("cross")["emulation"]
    wheel = archmod.get(userland).wheel.get("linux", userland)
    return [Finding(
        "host.foreign-userland", WARNING,
        f"this {userland} userland runs on a {t.cpuinfo_family} CPU (/proc/cpuinfo has its shape): qemu-user "
        "emulates it, "
        f"and uname says {facts.host.process_view or '?'} because qemu answers for it",
        {"userland": userland, "cpuinfo_family": t.cpuinfo_family, "uname": facts.host.process_view,
         "auxv_word_bits": t.auxv_word_bits, "qemu_binfmt": list(facts.host.qemu_binfmt),
         "consequences": list(data["consequences"]), "source": data["source"]},
        tuple(Fix(f.format(target=wheel), "", 30 + n) for n, f in enumerate(data["fixes"])))]


def cross_layers(facts: Facts, target: Target | None) -> list[Layer]:
    layers: list[Layer] = []
    if target is not None and (target.cross or target.origin != "interpreter"):
        layers.append(Layer("intended target", f"{target.platform_tag or target.arch.name} ({target.origin})",
                            target.arch.name, "--target / cross-build settings", "match"))
    for v in setting_votes(facts):
        if v.variable in ("ARCHFLAGS", "CARGO_BUILD_TARGET", "VSCMD_ARG_TGT_ARCH", "CMAKE_OSX_ARCHITECTURES"):
            continue  # shown by their own layers
        a = v.spelled.arch if v.spelled else None
        status: LayerStatus = "unknown" if target is None or v.spelled is None else (
            "match" if v.spelled.key() == ("universal2" if target.universal2 else target.arch.name) else "mismatch")
        layers.append(Layer(v.variable, v.value, a.name if a else None, "environment (cross-build setting)", status))
    if target is not None and target.cross:
        for c in facts.cross.compilers:
            if c.arch == target.arch.name:
                layers.append(Layer(f"{c.command} on PATH", f"{c.command} -> {c.target}", c.arch, "-dumpmachine",
                                    "match"))
    host = archmod.parse(facts.host.arch or "")
    for tool in facts.binaries.tools:
        if tool.arches and host is not None and host.name not in tool.arches:
            layers.append(Layer(f"{tool.name} binary", f"{tool.format} {'+'.join(tool.arches)} ({tool.path})",
                                tool.arches[0] if len(tool.arches) == 1 else None, "executable header", "mismatch"))
    return layers
