"""THE effective target: derived from the chosen interpreter, never from platform.machine()."""
from __future__ import annotations

import functools
import re

from . import arch as archmod
from ._data import table
from ._record import field, record, replace
from ._regex import lazy
from .errors import UserError
from .facts import InterpreterFacts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from packaging.tags import Tag

    from .facts import Facts

#: the interpreter's own target is "interpreter"; else "--target SPELLING" or "inferred from VAR=VALUE, ..."
INTERPRETER = "interpreter"


@record
class Target:
    os: str
    arch: archmod.Arch
    libc: str  # gnu | musl | "" (not Linux)
    platform_tag: str  # most specific wheel platform tag, e.g. win_amd64
    universal2: bool = False
    #: the interpreter (real, or the virtual one of a cross target) whose wheel tags `tags` lists
    tag_source: InterpreterFacts | None = field(default=None, compare=False, repr=False)
    #: where the target came from: "interpreter", "--target aarch64", "inferred from _PYTHON_HOST_PLATFORM=..."
    origin: str = field(default=INTERPRETER, compare=False)
    #: the interpreter's own target when this one is another (a deliberate cross build), else None
    build: Target | None = field(default=None, compare=False, repr=False)
    ext_suffix: str = field(default="", compare=False)  # the target interpreter's EXT_SUFFIX
    soabi: str = field(default="", compare=False)

    @functools.cached_property
    def tags(self) -> tuple[Tag, ...]:
        """The interpreter's wheel tags, most preferred first: computed on first use (they need
        `packaging.tags`, which a check that never asks about wheels does not import)."""
        from .tags import supported_tags

        return tuple(supported_tags(self.tag_source)) if self.tag_source is not None else ()

    @property
    def cross(self) -> bool:
        """A deliberate build for another target than the interpreter's own."""
        return self.build is not None

    @property
    def interp(self) -> Target:
        """The interpreter's own target (this one unless cross)."""
        return self.build or self

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
        name = "universal2" if self.universal2 and self.build is not None else self.arch.name
        return f"{self.os} {name} ({self.platform_tag or 'no wheel tag'})"

    def headline(self) -> str:
        """"building for X from Y" for a cross build, else the target itself."""
        if self.build is None:
            return self.describe()
        return f"building for {self.describe()} from {self.build.os} {self.build.arch.name}"

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
            "origin": self.origin,
            "cross": self.cross,
            "build": None if self.build is None else {"os": self.build.os, "arch": self.build.arch.name,
                                                      "platform_tag": self.build.platform_tag},
        }


def interpreter_arch(facts: InterpreterFacts) -> archmod.Arch | None:
    """The arch the interpreter's extensions must be built for.

    The executable's header wins (it is what the OS loads); for a universal2 binary, or when the
    header cannot be read, sysconfig's platform and the pointer width decide.
    """
    if len(facts.exe_arches) == 1:
        return archmod.get(facts.exe_arches[0])
    platform_arch = archmod.parse(facts.platform.rsplit("-", 1)[-1]) if facts.platform else None
    # A fat (universal2) binary: a single-arch sysconfig platform wins (ARCHFLAGS or
    # _PYTHON_HOST_PLATFORM chose that slice); only "universal2"/"intel" leaves it to the slice the
    # process runs (os.uname().machine inside it, which platform.mac_ver() reports).
    if platform_arch is None and facts.mac_machine and archmod.os_from_platform(facts.platform) == "macos":
        platform_arch = archmod.parse(facts.mac_machine)
    # A 32-bit interpreter on a 64-bit kernel reports the kernel's platform on Linux.
    if platform_arch is not None and platform_arch.compat32 and facts.pointer_bits \
            and platform_arch.bits != facts.pointer_bits:
        return archmod.get(platform_arch.compat32)
    return platform_arch


def interpreter_target(facts: InterpreterFacts) -> Target | None:
    """The interpreter's own target: its OS, its executable's arch, and its wheel tags."""
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
                  tag_source=facts, ext_suffix=facts.ext_suffix, soabi=facts.soabi)


# -- the intended target: --target SPELLING, or inferred from the settings cross-build tools set --

@record
class Spelled:
    """What a target spelling names: an OS (None: the interpreter's), an arch (None: universal2)."""

    os: str | None
    arch: archmod.Arch | None
    universal2: bool = False
    libc: str = ""  # "gnu" | "musl" | "" (unknown: the interpreter's)

    def key(self) -> str:
        return "universal2" if self.universal2 else (self.arch.name if self.arch else "?")


_WHEEL_PREFIX = lazy(r"^(?:(?P<many>manylinux|musllinux)_\d+_\d+_|manylinux\d+_|linux_|macosx_\d+_\d+_)")


def parse_spelling(spelling: str) -> Spelled | None:
    """Any spelling of a target: an arch (aarch64, arm64, x64), a Rust triple, a sysconfig platform
    (win-arm64, linux-aarch64, macosx-11.0-arm64), a wheel platform tag (manylinux_2_17_aarch64,
    win_arm64, macosx_11_0_x86_64) or universal2. None when it names nothing known."""
    s = spelling.strip().lower()
    if not s or len(s) > 100 or not re.match(r"^[a-z0-9_.\-]+$", s):
        return None
    os = _spelled_os(s)
    if "universal2" in s:
        return Spelled("macos", None, True) if os in (None, "macos") else None
    libc = "musl" if "musl" in s else ("gnu" if os == "linux" and ("gnu" in s or "manylinux" in s) else "")
    m = _WHEEL_PREFIX.match(s)
    rest = s[m.end():] if m else s
    if rest.startswith("macosx-"):
        rest = rest.rsplit("-", 1)[-1]
    elif rest.startswith("linux-"):
        rest = rest[len("linux-"):]
    a = archmod.parse(rest)
    return Spelled(os, a, False, libc) if a is not None else None


def _spelled_os(s: str) -> str | None:
    if s.startswith(("win", "macosx", "manylinux", "musllinux", "linux")):
        return archmod.os_from_platform(s.replace("manylinux", "linux").replace("musllinux", "linux"))
    parts = s.split("-")
    if len(parts) >= 3:  # a Rust triple
        for word, os in (("windows", "windows"), ("darwin", "macos"), ("apple", "macos"), ("linux", "linux")):
            if word in parts:
                return os
    return None


@record
class Vote:
    """One setting and the target it names (None: it says "cross" without naming one)."""

    variable: str
    value: str
    spelled: Spelled | None
    strong: bool


def setting_votes(facts: Facts) -> list[Vote]:
    """Every cross-build setting that is set, with the target it names (toolchains/cross.toml [settings])."""
    rows = table("cross")["settings"]
    out: list[Vote] = []
    installed = set(facts.rust.installed_targets or ())
    for var, value in facts.cross.settings:
        row = rows.get(var)
        if row is None:
            continue
        kind = row["parse"]
        spelled: Spelled | None = None
        if kind in ("platform", "arch"):
            spelled = parse_spelling(value)
        elif kind == "triple":
            if row.get("needs_installed") and value not in installed:
                continue
            spelled = parse_spelling(value)
        elif kind == "ext_suffix":
            spelled = _ext_suffix_target(value)
        elif kind in ("archflags", "archlist"):
            words = value.split() if kind == "archflags" else re.split(r"[;,\s]+", value)
            names = [w for i, w in enumerate(words) if kind == "archlist" or (i > 0 and words[i - 1] == "-arch")]
            arches = {a for n in names if n and (a := archmod.parse(n)) is not None}
            if len(arches) > 1:
                spelled = Spelled("macos", None, True)
            elif arches:
                spelled = Spelled("macos" if facts.os == "macos" else None, arches.pop())
        elif kind == "plat_name":
            spelled = parse_spelling(facts.cross.plat_name) if facts.cross.plat_name else None
            if spelled is None:
                continue
        elif kind == "none":
            spelled = None
        if spelled is None and kind != "none":
            continue
        out.append(Vote(var, value if kind != "plat_name" else f"{value} (plat_name={facts.cross.plat_name})",
                        spelled, row["strength"] == "strong"))
    return out


def _ext_suffix_target(value: str) -> Spelled | None:
    m = re.match(r"^\.cp\d+[a-z]*-(win[a-z0-9_]+)\.pyd$", value, re.I)
    if m:
        return parse_spelling(m.group(1))
    m = re.match(r"^\.[a-z]+-?\d+[a-z]*-([a-z0-9_]+)-linux-(gnu|musl)\w*\.so$", value, re.I)
    if m:
        a = archmod.parse(m.group(1))
        return Spelled("linux", a, False, "musl" if m.group(2).lower() == "musl" else "gnu") if a else None
    return None


def _differs(spelled: Spelled, base: Target) -> bool:
    if spelled.os is not None and spelled.os != base.os:
        return True
    if spelled.universal2:
        return not base.universal2
    return spelled.arch is not None and spelled.arch != base.arch and not base.universal2


def infer_intended(facts: Facts, base: Target) -> tuple[Spelled, str] | None:
    """A deliberate cross target the settings agree on: one strong setting, or two that agree."""
    votes = [v for v in setting_votes(facts) if v.spelled is not None and _differs(v.spelled, base)]
    groups: dict[str, list[Vote]] = {}
    for v in votes:
        assert v.spelled is not None
        groups.setdefault(v.spelled.key(), []).append(v)
    best = None
    for key, group in groups.items():
        strong = sum(v.strong for v in group)
        if strong or len(group) >= 2:
            score = (strong, len(group))
            if best is None or score > best[0]:
                best = (score, key, group)
    if best is None:
        return None
    group = best[2]
    spelled = next(v.spelled for v in sorted(group, key=lambda v: not v.strong) if v.spelled is not None)
    return spelled, "inferred from " + ", ".join(f"{v.variable}={v.value}" for v in group)


_TARGET_TIP = ("an arch (aarch64, x86_64, arm64), a Rust triple (aarch64-unknown-linux-gnu), a platform (win-arm64, "
               "linux-aarch64), a wheel tag (manylinux_2_17_aarch64) or universal2")


def check_spelling(intended: str | None) -> None:
    """Refuse an unknown --target before anything runs (exit 2, one line)."""
    if intended is not None and parse_spelling(intended) is None:
        raise UserError(f"--target {intended!r} names no target builddoctor knows", tip=_TARGET_TIP)


def derive_target(facts: Facts, intended: str | None = None) -> Target | None:
    """THE target: `intended` (--target), else a cross target the settings agree on, else the interpreter's."""
    base = interpreter_target(facts.interpreter)
    if base is None:
        return None
    if intended:
        spelled = parse_spelling(intended)
        if spelled is None:
            raise UserError(f"--target {intended!r} names no target builddoctor knows", tip=_TARGET_TIP)
        return retarget(base, facts.interpreter, spelled, f"--target {intended}")
    found = infer_intended(facts, base)
    if found is None:
        return _slice_origin(base, facts.interpreter)
    return retarget(base, facts.interpreter, *found)


def _slice_origin(base: Target, i: InterpreterFacts) -> Target:
    """A fat interpreter whose sysconfig names one slice (ARCHFLAGS or _PYTHON_HOST_PLATFORM chose it):
    the target is that slice; when the process runs the other one, that is a cross build from it."""
    if len(i.exe_arches) <= 1 or base.universal2:
        return base
    origin = f"sysconfig {i.platform}: the {base.arch.name} slice of a {'+'.join(i.exe_arches)} interpreter"
    running = archmod.parse(i.mac_machine)
    if running is None or running == base.arch or running.name not in i.exe_arches:
        return replace(base, origin=origin)
    as_running = retarget(base, i, Spelled(base.os, running), origin)
    build = replace(as_running, build=None, origin=INTERPRETER)
    return replace(base, origin=origin + f", which runs as {running.name}", build=build)


def _linux_tuple(a: archmod.Arch) -> str:
    row = table("cross")["linux"].get(a.name)
    return str(row["multiarch"]) if row else f"{a.name}-linux-gnu"


def retarget(base: Target, i: InterpreterFacts, spelled: Spelled, origin: str) -> Target:
    """The target `spelled` names, seen from the interpreter `i` (its OS, version and ABI)."""
    from .tags import platforms

    os = spelled.os or base.os
    a = spelled.arch or base.arch
    libc = (spelled.libc or base.libc or "gnu") if os == "linux" else ""
    if os == base.os and a == base.arch and spelled.universal2 == base.universal2 and libc == base.libc:
        return replace(base, origin=origin)
    platform, soabi, ext = i.platform, i.soabi, i.ext_suffix
    if os == "linux":
        platform = f"linux-{a.wheel.get('linux', a.name)}"
        old, new = _linux_tuple(base.arch), _linux_tuple(a)
        if libc == "musl":
            new = new.replace("-gnu", "-musl")
        soabi, ext = soabi.replace(old, new), ext.replace(old, new)
        if base.os == "linux" and old not in i.ext_suffix:
            ext = f".{soabi}.so" if soabi else ext
    elif os == "windows":
        platform = a.sysconfig or platform
        old_w, new_w = base.arch.wheel.get("windows", ""), a.wheel.get("windows", "")
        if old_w and new_w:
            soabi, ext = soabi.replace(old_w, new_w), ext.replace(old_w, new_w)
    elif os == "macos":
        m = re.match(r"macosx-(\d+)\.(\d+)-", i.platform)
        version = (int(m.group(1)), int(m.group(2))) if m else (10, 9)
        if not spelled.universal2:
            first = table("wheel-tags")["macos"]["first_version"].get(a.name, [10, 4])
            version = max(version, (int(first[0]), int(first[1])))
        slot = "universal2" if spelled.universal2 else a.wheel.get("macos", a.name)
        platform = f"macosx-{version[0]}.{version[1]}-{slot}"
    glibc = i.libc if libc != "musl" else ("musl", "1.2")
    fat = tuple(table("arches")["macho"]["universal_arches"])
    virtual = replace(i, platform=platform, soabi=soabi, ext_suffix=ext, pointer_bits=a.bits, libc=glibc,
                      exe_arches=fat if spelled.universal2 else (a.name,),
                      mac_machine=a.name if os == "macos" else "")
    plats = platforms(virtual)
    tag = plats[0] if plats else ""
    if spelled.universal2:
        tag = platform.replace("-", "_").replace(".", "_")
    return Target(os=os, arch=a, libc=libc if os == "linux" else "", platform_tag=tag, universal2=spelled.universal2,
                  tag_source=virtual, origin=origin, build=base, ext_suffix=ext, soabi=soabi)
