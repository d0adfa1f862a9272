"""File names, wheel tags and the markers a wheel's platform implies."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from .. import arch as _arch
from .._data import table
from ..arch import Arch
from .model import DistFile, Interp

_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar")
_LINUX = re.compile(r"^(?:many|musl)linux_\d+_\d+_(?P<arch>.+)$|^(?:manylinux\d+|linux)_(?P<arch2>.+)$")
_MACOS = re.compile(r"^macosx_\d+_\d+_(?P<arch>.+)$")
# uv's architecture families for platform_machine and the marker values per OS: toolchains/markers.toml.
_MARKERS = table("markers")
FAMILIES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _MARKERS["uv_machine_families"].items()}
_SYS_PLATFORM = {os: v["sys_platform"] for os, v in _MARKERS["os"].items()}
_PLATFORM_SYSTEM = {os: v["platform_system"] for os, v in _MARKERS["os"].items()}


def parse_file(filename: str, *, requires_python: str | None = None, yanked: bool = False) -> DistFile | None:
    """A wheel or sdist file name -> DistFile; None for anything else (eggs, installers, junk)."""
    try:
        if filename.endswith(".whl"):
            name, version, _build, tags = parse_wheel_filename(filename)
            return DistFile(filename, name, version, "wheel", frozenset(tags), requires_python, yanked)
        if filename.endswith(_SDIST_SUFFIXES):
            base = filename
            for suffix in (".tar.bz2", ".tar.xz", ".tgz", ".tar"):
                if base.endswith(suffix):  # packaging only knows .tar.gz and .zip
                    base = base[: -len(suffix)] + ".tar.gz"
            name, version = parse_sdist_filename(base)
            return DistFile(filename, name, version, "sdist", frozenset(), requires_python, yanked)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return None


def platform_arch(platform: str) -> Arch | None:
    """win_amd64 / manylinux_2_17_x86_64 / macosx_11_0_arm64 / linux_i686 -> Arch (None: universal2, any)."""
    m = _LINUX.match(platform) or _MACOS.match(platform)
    if m:
        return _arch.parse(m.group("arch") or m.groupdict().get("arch2"))
    if platform.startswith("win"):
        return _arch.parse(platform)
    return None


def platform_os(platform: str) -> str | None:
    if platform.startswith("win"):
        return "windows"
    if platform.startswith("macosx"):
        return "macos"
    if "linux" in platform:
        return "linux"
    return None


def best_tag(f: DistFile, rank: Mapping[Tag, int]) -> tuple[int, Tag] | None:
    """The interpreter's most preferred tag this wheel carries, with its priority (lower is better)."""
    hits = [(rank[t], t) for t in f.tags if t in rank]
    return min(hits, key=lambda h: h[0]) if hits else None


def python_ok(f: DistFile, interp: Interp) -> bool:
    if not f.requires_python:
        return True
    try:
        return SpecifierSet(f.requires_python).contains(interp.python, prereleases=True)
    except InvalidSpecifier:
        return True  # installers ignore a broken Requires-Python


def wheel_arches(f: DistFile) -> set[Arch]:
    return {a for a in (platform_arch(t.platform) for t in f.tags) if a is not None}


def wheel_oses(f: DistFile) -> set[str]:
    return {o for o in (platform_os(t.platform) for t in f.tags) if o is not None}


def tag_list(files: Iterable[DistFile]) -> list[str]:
    """The distinct tag triples of the wheels, in file order."""
    seen: dict[str, None] = {}
    for f in files:
        if f.kind == "wheel":
            seen.setdefault(f.tag_text, None)
    return list(seen)


def implied_env(interp: Interp, os_name: str, machine: str) -> dict[str, str]:
    """The interpreter's markers, moved to another OS/CPU: what a wheel for that platform implies."""
    env = dict(interp.markers)
    env["sys_platform"] = _SYS_PLATFORM.get(os_name, env.get("sys_platform", ""))
    env["platform_system"] = _PLATFORM_SYSTEM.get(os_name, env.get("platform_system", ""))
    env["os_name"] = "nt" if os_name == "windows" else "posix"
    env["platform_machine"] = machine
    return env


def family(a: Arch) -> tuple[str, ...]:
    return FAMILIES.get(a.name, tuple(dict.fromkeys(a.marker_machine.values())))


def native_machine(a: Arch, os_name: str | None) -> str:
    """What platform.machine() says on a native interpreter for this CPU (AMD64 on Windows x64)."""
    return a.marker_machine.get(os_name or "", a.name)


def python_from_tag(interpreter: str) -> str | None:
    """cp312 -> 3.12, py3 -> None."""
    m = re.match(r"^(?:cp|pp|py|ip|jy|gp)(\d)(\d+)$", interpreter)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def canonical(name: str) -> str:
    return canonicalize_name(name)
