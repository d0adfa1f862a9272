"""THE effective target: derived from the chosen interpreter, never from platform.machine()."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import arch as archmod
from .facts import InterpreterFacts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from packaging.tags import Tag


@dataclass(frozen=True)
class Target:
    os: str
    arch: archmod.Arch
    libc: str  # gnu | musl | "" (not Linux)
    platform_tag: str  # most specific wheel platform tag, e.g. win_amd64
    universal2: bool = False
    #: the interpreter the target was derived from (its wheel tags are computed from it on first use)
    interpreter: InterpreterFacts | None = field(default=None, compare=False, repr=False)

    @functools.cached_property  # a frozen dataclass: cached_property writes the instance's __dict__ itself
    def tags(self) -> tuple[Tag, ...]:
        """The interpreter's wheel tags, most preferred first: computed (with `packaging`) only when a
        rule, the JSON report or a build asks, once per target."""
        if self.interpreter is None:
            return ()
        from .tags import supported_tags

        return tuple(supported_tags(self.interpreter))

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
            "tags": [str(tag) for tag in self.tags[:10]],
        }


def interpreter_arch(facts: InterpreterFacts) -> archmod.Arch | None:
    """The arch the interpreter's extensions must be built for.

    The executable's header wins (it is what the OS loads); for a universal2 binary, or when the
    header cannot be read, sysconfig's platform and the pointer width decide.
    """
    if len(facts.exe_arches) == 1:
        return archmod.get(facts.exe_arches[0])
    platform_arch = archmod.parse(facts.platform.rsplit("-", 1)[-1]) if facts.platform else None
    if facts.mac_machine and archmod.os_from_platform(facts.platform) == "macos":
        platform_arch = archmod.parse(facts.mac_machine) or platform_arch
    # A 32-bit interpreter on a 64-bit kernel reports the kernel's platform on Linux.
    if platform_arch is not None and platform_arch.compat32 and facts.pointer_bits \
            and platform_arch.bits != facts.pointer_bits:
        return archmod.get(platform_arch.compat32)
    return platform_arch


def derive_target(facts: InterpreterFacts) -> Target | None:
    """The one target of a build: the interpreter's OS, its executable's arch, and its wheel tags."""
    from .tags import platforms

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
    return Target(os=os, arch=a, libc=libc, platform_tag=plats[0] if plats else "", universal2=universal2,
                  interpreter=facts)
