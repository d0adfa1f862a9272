"""Wheel tags an interpreter accepts, computed from its recorded facts (so replay works anywhere).

packaging computes tags only for the running interpreter; here we feed it the probed one's
version, ABI and platforms explicitly.
"""
from __future__ import annotations

import re

from . import arch as archmod
from ._data import table
from ._text import major_minor
from .facts import InterpreterFacts
from .target import interpreter_arch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from packaging import tags as ptags


def _manylinux(a: archmod.Arch, glibc: str) -> list[str]:
    data = table("wheel-tags")["manylinux"]
    version = major_minor(glibc)
    if not version or version[0] != 2 or "linux" not in a.wheel:
        return []
    oldest = int(data["oldest_minor"].get(a.name, data["default_oldest_minor"]))
    wheel_arch = a.wheel["linux"]
    out: list[str] = []
    for minor in range(version[1], oldest - 1, -1):
        out.append(f"manylinux_2_{minor}_{wheel_arch}")
        legacy = data["legacy"].get(str(minor))
        if legacy and a.name in legacy["arches"]:
            out.append(f"{legacy['name']}_{wheel_arch}")
    return out


def _musllinux(a: archmod.Arch, version: str) -> list[str]:
    # an unknown musl version (a loader that could not be run): musllinux_1_1, the oldest tag PEP 656
    # defines and the floor every musllinux wheel builder supports
    found = major_minor(version or "1.1")
    if not found or "linux" not in a.wheel:
        return []
    return [f"musllinux_{found[0]}_{minor}_{a.wheel['linux']}" for minor in range(found[1], -1, -1)]


def platforms(facts: InterpreterFacts) -> list[str]:
    """Platform tags, most specific first."""
    os = archmod.os_from_platform(facts.platform)
    a = interpreter_arch(facts)
    if os is None or a is None:
        return []
    if os == "windows":
        return [a.wheel["windows"]] if "windows" in a.wheel else []
    if os == "macos":
        m = re.match(r"macosx-(\d+)\.(\d+)-(\S+)", facts.platform)
        if not m or "macos" not in a.wheel:
            return []
        first = table("wheel-tags")["macos"]["first_version"].get(a.name, [10, 4])
        version = max((int(m.group(1)), int(m.group(2))), tuple(first))
        from packaging import tags as ptags

        return list(ptags.mac_platforms((version[0], version[1]), a.wheel["macos"]))
    out: list[str] = []
    if facts.libc and facts.libc[0] == "glibc":
        out += _manylinux(a, facts.libc[1])
    elif facts.libc and facts.libc[0] == "musl":
        out += _musllinux(a, facts.libc[1])
    if "linux" in a.wheel:
        out.append(f"linux_{a.wheel['linux']}")
    return out


def _abi(facts: InterpreterFacts) -> str:
    nodot = "".join(facts.version.split(".")[:2])
    soabi = facts.soabi
    if facts.implementation == "cpython":
        m = re.match(r"(?:cpython-|cp)(\d+)([a-z]*)", soabi)
        return f"cp{m.group(1)}{m.group(2)}" if m else f"cp{nodot}{'t' if facts.free_threaded else ''}"
    return re.sub(r"[-.]", "_", soabi.split("-")[0] + ("_" + soabi.split("-")[1] if "-" in soabi else "")) or "none"


def supported_tags(facts: InterpreterFacts) -> list[ptags.Tag]:
    """The interpreter's tags in priority order (what pip and uv use to pick a wheel)."""
    if not facts.usable or not facts.version_tuple:
        return []
    from packaging import tags as ptags

    plats = platforms(facts)
    version = facts.version_tuple[:2]
    nodot = f"{version[0]}{version[1]}"
    if facts.implementation == "cpython":
        found = list(ptags.cpython_tags(version, [_abi(facts)], plats))
        interp = f"cp{nodot}"
    else:
        short = {"pypy": "pp", "graalpy": "graalpy"}.get(facts.implementation, facts.implementation)
        interp = f"{short}{nodot}"
        found = list(ptags.generic_tags(interp, [_abi(facts)], plats))
    found += list(ptags.compatible_tags(version, interp, plats))
    return found
