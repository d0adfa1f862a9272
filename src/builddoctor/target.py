"""THE effective target: derived from the chosen interpreter, never from platform.machine()."""
from __future__ import annotations

from dataclasses import dataclass

from . import arch as archmod
from .facts import InterpreterFacts
from .probes.interpreter import interpreter_arch
from .tags import platforms


@dataclass(frozen=True)
class Target:
    os: str
    arch: archmod.Arch
    libc: str  # gnu | musl | "" (not Linux)
    platform_tag: str  # most specific wheel platform tag, e.g. win_amd64
    universal2: bool = False

    @property
    def rust_triple(self) -> str | None:
        return self.arch.rust_triple(self.os, self.libc or "gnu")

    @property
    def msvc_arch(self) -> str | None:
        return self.arch.msvc if self.os == "windows" else None

    @property
    def cmake_platform(self) -> str | None:
        return self.arch.cmake_platform if self.os == "windows" else None

    @property
    def marker_machine(self) -> str | None:
        """What platform.machine() would say for a native interpreter of this arch."""
        return self.arch.marker_machine.get(self.os)

    def describe(self) -> str:
        return f"{self.os} {self.arch.name} ({self.platform_tag or 'no wheel tag'})"

    def to_json(self) -> dict[str, object]:
        return {
            "os": self.os,
            "arch": self.arch.name,
            "libc": self.libc,
            "platform_tag": self.platform_tag,
            "universal2": self.universal2,
            "rust_triple": self.rust_triple,
            "msvc_arch": self.msvc_arch,
            "cmake_platform": self.cmake_platform,
        }


def derive_target(facts: InterpreterFacts) -> Target | None:
    if not facts.usable:
        return None
    os = archmod.os_from_platform(facts.platform)
    a = interpreter_arch(facts)
    if os is None or a is None:
        return None
    libc = ""
    if os == "linux":
        libc = "musl" if facts.libc and facts.libc[0] == "musl" else "gnu"
    plats = platforms(facts)
    universal2 = os == "macos" and facts.platform.endswith("universal2") and len(facts.exe_arches) > 1
    return Target(os=os, arch=a, libc=libc, platform_tag=plats[0] if plats else "", universal2=universal2)
