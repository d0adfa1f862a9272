"""Architectures as values: one `Arch` per instruction set, parsed once from any spelling.

Every layer spells the architecture its own way (AMD64, x86_64, x64, win-amd64, 0x8664, 62 ...).
All of those spellings live in toolchains/arches.toml; everything else in builddoctor compares
`Arch` values and never a raw string.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping

from ._data import table
from ._record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal
    OSName = Literal["windows", "linux", "macos"]
else:
    OSName = str  # annotations are strings here: the runtime needs only the name

OSES: tuple[OSName, ...] = ("windows", "linux", "macos")


@record
class Arch:
    name: str
    bits: int
    aliases: tuple[str, ...]
    wheel: Mapping[str, str] = field(compare=False, hash=False)
    rust: Mapping[str, str] = field(compare=False, hash=False)
    marker_machine: Mapping[str, str] = field(compare=False, hash=False)
    msvc: str | None = None
    vcvars_host: str | None = None
    cmake_platform: str | None = None
    sysconfig: str | None = None
    pe_machine: int | None = None
    elf: tuple[int, int, int] | None = None  # (e_machine, class, data)
    macho_cputype: int | None = None
    compat32: str | None = None
    uv_arch: str | None = None

    def __str__(self) -> str:
        return self.name

    def rust_triple(self, os: str, libc: str = "gnu") -> str | None:
        if os == "linux" and libc == "musl":
            return self.rust.get("linux_musl")
        return self.rust.get(os)


def _build(name: str, raw: Mapping[str, Any]) -> Arch:
    elf = None
    if "elf_machine" in raw:
        elf = (int(raw["elf_machine"]), int(raw["elf_class"]), int(raw["elf_data"]))
    return Arch(
        name=name,
        bits=int(raw["bits"]),
        aliases=tuple(a.lower() for a in raw["aliases"]),
        wheel=dict(raw.get("wheel", {})),
        rust=dict(raw.get("rust", {})),
        marker_machine=dict(raw.get("marker_machine", {})),
        msvc=raw.get("msvc"),
        vcvars_host=raw.get("vcvars_host"),
        cmake_platform=raw.get("cmake_platform"),
        sysconfig=raw.get("sysconfig"),
        pe_machine=raw.get("pe_machine"),
        elf=elf,
        macho_cputype=raw.get("macho_cputype"),
        compat32=raw.get("compat32"),
        uv_arch=raw.get("uv_arch"),
    )


@functools.cache
def all_arches() -> tuple[Arch, ...]:
    data = table("arches")
    return tuple(_build(k, v) for k, v in data.items() if isinstance(v, dict) and "bits" in v)


@functools.cache
def _alias_index() -> dict[str, Arch]:
    index: dict[str, Arch] = {}
    for a in all_arches():
        for spelling in (a.name, *a.aliases):
            index.setdefault(spelling.lower(), a)
        for triple in a.rust.values():
            index.setdefault(triple.lower(), a)
    return index


def get(name: str) -> Arch:
    """The Arch with this canonical name (KeyError for an unknown one: a programming error)."""
    for a in all_arches():
        if a.name == name:
            return a
    raise KeyError(name)


def parse(spelling: str | None) -> Arch | None:
    """Any spelling (AMD64, x64, win-arm64, aarch64-pc-windows-msvc, i686 ...) -> Arch, or None."""
    if not spelling:
        return None
    s = spelling.strip().lower()
    index = _alias_index()
    if s in index:
        return index[s]
    # A Rust triple or sysconfig platform: try the first dash-separated part, then the last.
    for part in (s.split("-")[0], s.rsplit("-", 1)[-1], s.rsplit("_", 1)[-1]):
        if part in index:
            return index[part]
    return None


def from_pe_machine(code: int) -> Arch | None:
    for a in all_arches():
        if a.pe_machine == code:
            return a
    extra = table("arches").get("pe_aliases", {})
    name = extra.get(str(code)) or extra.get(hex(code)) or _pe_alias_by_int(extra, code)
    return get(name) if name else None


def _pe_alias_by_int(extra: Mapping[str, Any], code: int) -> str | None:
    for key, value in extra.items():
        try:
            if int(key, 0) == code:
                return str(value)
        except ValueError:
            continue
    return None


def from_elf(machine: int, elf_class: int, elf_data: int) -> Arch | None:
    candidates = [a for a in all_arches() if a.elf and a.elf[0] == machine]
    for a in candidates:
        if a.elf == (machine, elf_class, elf_data):
            return a
    return candidates[0] if len(candidates) == 1 else None


def from_macho_cputype(cputype: int) -> Arch | None:
    for a in all_arches():
        if a.macho_cputype == cputype:
            return a
    return None


def os_from_platform(platform: str) -> str | None:
    """'linux' / 'windows' / 'macos' from sysconfig.get_platform() or sys.platform spellings."""
    p = platform.lower()
    if p.startswith(("win", "nt", "cygwin")):
        return "windows"
    if p.startswith(("macosx", "darwin", "macos")):
        return "macos"
    if p.startswith("linux"):
        return "linux"
    return None
