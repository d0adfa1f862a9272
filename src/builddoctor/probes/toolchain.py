"""Toolchain completeness: the programs the interpreter's sysconfig names, Python.h, the Windows SDK
per arch, the macOS SDK. Runs after the interpreter probe (it needs the interpreter's build variables).
"""
from __future__ import annotations

import re

from .._parallel import map_all
from ..facts import BuildTool, InterpreterFacts, ToolchainFacts, WindowsSdk, version_tuple
from ..machine import Machine
from .cc import env_get, split_command

TIMEOUT = 10.0
_SDK_ARCHES = ("x64", "x86", "arm64")


def os_release(machine: Machine) -> tuple[str, tuple[str, ...], str]:
    """(ID, ID_LIKE words, VERSION_ID) from /etc/os-release; ("", (), "") when unreadable."""
    text = machine.read_text("/etc/os-release", 16384) or machine.read_text("/usr/lib/os-release", 16384) or ""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values.get("ID", "").lower(), tuple(values.get("ID_LIKE", "").lower().split()), values.get("VERSION_ID", "")


def managed_by(machine: Machine, path: str) -> str:
    """Who installed an interpreter, from its path: uv, pyenv, conda or the system."""
    p = path.replace("\\", "/")
    if any(part in p.lower() for part in ("/uv/python/", "/.local/share/uv/", "/appdata/roaming/uv/python/")):
        return "uv"
    if "/.pyenv/" in p or "/pyenv-win/" in p.lower():
        return "pyenv"
    conda = machine.env().get("CONDA_PREFIX", "")
    if (conda and p.startswith(conda.replace("\\", "/"))) or \
            re.search(r"/(ana|mini)conda3?/|/miniforge3?/|/mambaforge/", p):
        return "conda"
    if p.startswith(("/usr/bin/", "/bin/")):
        return "system"
    return ""


def _tools(machine: Machine, interp: InterpreterFacts) -> list[BuildTool]:
    """CC, CXX, LDSHARED and AR as setuptools' customize_compiler combines sysconfig and the environment."""
    env = machine.env()
    bv = interp.build_vars
    if not bv:
        return []
    values = {k: bv.get(k, "") for k in ("CC", "CXX", "LDSHARED", "AR")}
    from_env = {k: False for k in values}
    cc_env = env.get("CC", "")
    if cc_env:
        if not env.get("LDSHARED") and values["LDSHARED"].startswith(values["CC"]) and values["CC"]:
            values["LDSHARED"] = cc_env + values["LDSHARED"][len(values["CC"]):]
            from_env["LDSHARED"] = True
        values["CC"], from_env["CC"] = cc_env, True
    for k in ("CXX", "LDSHARED", "AR"):
        if env.get(k):
            values[k], from_env[k] = env[k], True
    out = []
    for var, command in values.items():
        argv = split_command(machine, command)
        if not argv:
            continue
        program = argv[0]
        if re.search(r"[\\/]", program):
            path = program if machine.is_file(program) else None
        else:
            path = machine.which(program)
        out.append(BuildTool(var, command, program, path, from_env[var]))
    return out


def _windows_sdks(machine: Machine) -> tuple[str, tuple[WindowsSdk, ...]]:
    env = machine.env()
    roots = [env_get(env, "WindowsSdkDir", windows=True)]
    for var in ("ProgramFiles(x86)", "ProgramFiles"):
        base = env_get(env, var, windows=True)
        if base:
            roots.append(machine.join(base, "Windows Kits", "10"))
    roots.append(r"C:\Program Files (x86)\Windows Kits\10")
    for root in dict.fromkeys(r.rstrip("\\/") for r in roots if r):
        versions = [v for v in machine.listdir(machine.join(root, "Lib")) or [] if re.match(r"^10\.\d+\.\d+\.\d+$", v)]
        if not versions:
            continue
        sdks = []
        for v in sorted(versions, key=version_tuple, reverse=True)[:3]:
            lib = machine.join(root, "Lib", v)
            k32 = tuple(a for a in _SDK_ARCHES if machine.is_file(machine.join(lib, "um", a, "kernel32.lib")))
            ucrt = tuple(a for a in _SDK_ARCHES if machine.is_file(machine.join(lib, "ucrt", a, "ucrt.lib")))
            sdks.append(WindowsSdk(v, k32, ucrt))
        return root, tuple(sdks)
    return "", ()


def probe_toolchain(machine: Machine, project: str | None, interp: InterpreterFacts) -> ToolchainFacts:
    env = machine.env()
    distro, version = "", ""
    like: tuple[str, ...] = ()
    if machine.os == "linux":
        distro, like, version = os_release(machine)
    elif machine.os == "macos":
        distro = "macos"
    else:
        distro = "windows"
    if not interp.usable:
        return ToolchainFacts(distro=distro, distro_like=like, distro_version=version)
    facts: dict[str, object] = {}
    if machine.os == "windows":
        facts["sdk_root"], facts["sdks"] = _windows_sdks(machine)
    elif machine.os == "macos":
        path_r, ver_r = map_all(lambda argv: machine.run(argv, timeout=TIMEOUT),
                                [["xcrun", "--show-sdk-path"], ["xcrun", "--show-sdk-version"]],
                                concurrent=machine.concurrent)
        # xcrun is always in /usr/bin (a shim): not running at all means unknown (an old snapshot), not missing
        facts["clt"] = None if path_r.error and path_r.error.startswith("not-found") else \
            path_r.ok and bool(path_r.stdout.strip())
        facts["sdk_path"] = path_r.stdout.strip() if path_r.ok else ""
        facts["sdk_version"] = ver_r.stdout.strip() if ver_r.ok else ""
        facts["deployment_target"] = env.get("MACOSX_DEPLOYMENT_TARGET") or interp.build_vars.get(
            "MACOSX_DEPLOYMENT_TARGET", "")
    include = interp.include_dir or interp.build_vars.get("INCLUDEPY", "")  # where setuptools looks (sysconfig paths)
    return ToolchainFacts(
        distro=distro, distro_like=like, distro_version=version,
        build_vars=dict(interp.build_vars),
        tools=tuple(_tools(machine, interp)) if machine.os != "windows" else (),
        python_h=interp.has_headers if include else None,
        include_dir=include,
        managed_by=managed_by(machine, interp.base_executable or interp.executable),
        **facts,  # type: ignore[arg-type]
    )
