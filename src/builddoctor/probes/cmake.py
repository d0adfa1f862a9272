"""CMake and Ninja: versions, the architecture of the cmake binary itself, and the CMAKE_* variables."""
from __future__ import annotations

import re

from .._record import replace
from .._regex import lazy
from ..facts import CMakeFacts
from ..machine import Machine
from ._binary import binary_arches
from .cc import env_get

TIMEOUT = 10.0
_VERSION = lazy(r"\b(\d+\.\d+(?:\.\d+)?(?:[-.]?rc\d+)?)\b")




def _version(machine: Machine, program: str) -> tuple[str, str]:
    result = machine.run_cached([program, "--version"], timeout=TIMEOUT)
    if result.error:
        return "", result.error
    m = _VERSION.search(result.stdout.splitlines()[0] if result.stdout.strip() else "")
    if result.returncode != 0 or not m:
        return "", f"exit {result.returncode}, version unknown"
    return m.group(1), ""


def _real_cmake(machine: Machine, path: str) -> str:
    """pip's cmake on PATH is a launcher; the program that runs is in site-packages/cmake/data/bin."""
    sep = machine.path_sep()
    parts = re.split(r"[\\/]", path)
    if len(parts) < 3 or parts[-2].lower() not in ("bin", "scripts"):
        return path
    prefix = sep.join(parts[:-2]) or sep
    exe = parts[-1]
    if machine.os == "windows":
        candidates = [machine.join(prefix, "Lib", "site-packages", "cmake", "data", "bin", exe)]
    else:
        libs = [e for e in machine.listdir(machine.join(prefix, "lib")) or [] if e.startswith("python")]
        candidates = [machine.join(prefix, "lib", e, "site-packages", "cmake", "data", "bin", exe) for e in libs]
    return next((c for c in candidates if machine.is_file(c)), path)


def _arg_value(args: str, flag: str, define: str) -> str:
    # each regex only for a text holding its literal (CMAKE_ARGS is usually empty or short)
    m = re.search(rf"(?:^|\s){re.escape(flag)}\s*(\S+)", args) if flag and flag in args else None
    if m:
        return m.group(1).strip("\"'")
    m = re.search(rf"-D\s*{define}(?::\w+)?=(\"[^\"]*\"|'[^']*'|\S+)", args) if define in args else None
    return m.group(1).strip("\"'") if m else ""


def probe_cmake(machine: Machine, project: str | None = None) -> CMakeFacts:
    env = machine.env()
    windows = machine.os == "windows"

    def get(name: str) -> str:
        return env_get(env, name, windows=windows)

    args = get("CMAKE_ARGS")
    variables = CMakeFacts(
        generator=get("CMAKE_GENERATOR"), generator_platform=get("CMAKE_GENERATOR_PLATFORM"), cmake_args=args,
        osx_architectures=get("CMAKE_OSX_ARCHITECTURES"),
        args_platform=_arg_value(args, "-A", "CMAKE_GENERATOR_PLATFORM"),
        args_osx_architectures=_arg_value(args, "", "CMAKE_OSX_ARCHITECTURES"),
    )
    ninja = machine.which("ninja")
    ninja_version = _version(machine, ninja)[0] if ninja else ""
    cmake = machine.which("cmake")
    if cmake is None:
        return replace(variables, ninja=ninja, ninja_version=ninja_version)
    version, error = _version(machine, cmake)
    binary = _real_cmake(machine, cmake)
    fmt, arches = binary_arches(machine, binary) or ("", ())
    return replace(variables, cmake=cmake, version=version, error=error, binary=binary, binary_format=fmt,
                   binary_arches=arches, ninja=ninja, ninja_version=ninja_version)
