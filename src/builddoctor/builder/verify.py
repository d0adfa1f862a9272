"""Is this wheel really for the target? Its tags, and the machine type of every binary inside it.

A backend can tag a wheel for one architecture and compile for another (a stale CARGO_BUILD_TARGET,
an arm64 dev shell under an x64 Python, ...). pip and uv install such a wheel and the import fails
later, far from the cause. Reading each binary's header from the zip costs milliseconds.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from .. import arch as archmod
from .._data import table
from ..binfmt import HEADER_BYTES, BinaryFormatError, BinaryInfo, identify
from ..target import Target

#: Members with these suffixes must be readable binaries; anything else is checked only when its
#: first bytes are an ELF, PE or Mach-O magic (executables, shared objects without a suffix).
BINARY_SUFFIXES = (".so", ".pyd", ".dylib", ".dll", ".exe")
_FORMAT_FOR_OS = {"linux": ("elf",), "windows": ("pe",), "macos": ("macho", "macho-fat")}
_MAGICS = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def wheel_tags(name: str) -> frozenset[Tag]:
    """The tags in a wheel's file name; ValueError (one line) for a name that is not a wheel's."""
    try:
        return parse_wheel_filename(name)[3]
    except InvalidWheelFilename as exc:
        raise ValueError(f"{name!r} is not a valid wheel file name ({exc})") from None


def required_arches(tags: Iterable[Tag], target: Target) -> set[archmod.Arch]:
    """The target's arch, plus every universal2 slice when the wheel claims universal2."""
    need = {target.arch}
    if any(t.platform.endswith("_universal2") for t in tags):
        need |= {archmod.get(n) for n in table("arches")["macho"]["universal_arches"]}
    return need


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:  # bounded: never decompress more than a header's worth
        return fh.read(HEADER_BYTES)


def check_binary(member: str, info: BinaryInfo, target: Target, need: set[archmod.Arch]) -> str | None:
    """One line naming the member when its format or slices do not fit the target, else None."""
    formats = _FORMAT_FOR_OS.get(target.os, ())
    if info.format not in formats:
        return f"{member}: a {info.format} binary, but {target.describe()} loads {'/'.join(formats)} binaries"
    if not info.arches:
        codes = ", ".join(hex(c) for c in info.machine_codes)
        return f"{member}: unknown machine type ({codes}); {target.arch.name} needed"
    have = set(info.arches)
    missing = need - have
    if missing:
        built = "+".join(sorted(a.name for a in info.arches))
        wanted = "+".join(sorted(a.name for a in need))
        return f"{member}: built for {built}, but the wheel is for {wanted} ({target.platform_tag or target.os})"
    if info.bits is not None and len(have) == 1 and info.bits != target.arch.bits:
        return f"{member}: a {info.bits}-bit binary, but {target.arch.name} is {target.arch.bits}-bit"
    return None


def verify_wheel(wheel: Path, target: Target, supported_tags: Iterable[Tag],
                 expected: tuple[str, str | None] | None = None) -> list[str]:
    """Every reason this wheel must not be handed over, one line each naming the culprit.

    `expected` is the project's (name, version), from PKG-INFO or pyproject: the wheel must carry them.
    """
    problems: list[str] = []
    try:
        tags = wheel_tags(wheel.name)
    except ValueError as exc:
        return [str(exc)]
    if expected is not None:
        problem = _identity_problem(wheel.name, *expected)
        if problem:
            problems.append(problem)
    supported = set(supported_tags)
    if supported and not tags & supported:
        shown = ", ".join(sorted(str(t) for t in tags))
        problems.append(f"{wheel.name}: tags {shown} are not supported by the interpreter "
                        f"({target.describe()})")
    need = required_arches(tags, target)
    try:
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                problem = _check_member(zf, info, target, need)
                if problem:
                    problems.append(problem)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        problems.append(f"{wheel.name}: not a readable zip file ({exc})")
    return problems


def _identity_problem(filename: str, name: str, version: str | None) -> str | None:
    """As pip's _verify_one: the wheel's name and version must be the project's."""
    wname, wversion = parse_wheel_filename(filename)[:2]
    same_version = True
    if version is not None:
        try:
            same_version = Version(version) == wversion
        except InvalidVersion:
            same_version = True  # nothing reliable to compare with
    if canonicalize_name(name) == wname and same_version:
        return None
    return f"the wheel is {wname} {wversion} but the project is {name} {version or '(dynamic version)'}"


def suffix_problem(member: str, target: Target) -> str | None:
    """An extension whose file name the target interpreter would not import: its suffix names another
    platform (`*.cpython-312-x86_64-linux-gnu.so` in an aarch64 wheel, `*.cp312-win_amd64.pyd` in win_arm64)."""
    base = member.rsplit("/", 1)[-1]
    m = re.search(r"\.(?:cpython|pypy)[-\w]*?-(?P<cpu>[a-z0-9_]+)-linux-(?:gnu|musl)\w*\.so$", base) \
        or re.search(r"\.cp\d+t?-(?P<cpu>win[a-z0-9_]+)\.pyd$", base)
    if m is None:
        return None
    named = archmod.parse(m.group("cpu"))
    if named is None or named == target.arch:
        return None
    wanted = target.ext_suffix or f"the {target.arch.name} suffix"
    return (f"{member}: its file name is for {named.name} ({m.group(0)}), so a {target.arch.name} interpreter "
            f"would not import it (it looks for {wanted})")


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Target,
                  need: set[archmod.Arch]) -> str | None:
    name = info.filename
    if target.os in ("linux", "windows") and name.endswith((".so", ".pyd")):
        wrong = suffix_problem(name, target)
        if wrong:
            return wrong
    must = name.lower().endswith(BINARY_SUFFIXES) or ".so." in name.rsplit("/", 1)[-1]
    try:
        head = _head(zf, info)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        return f"{name}: cannot be read from the wheel ({exc})"
    if not must and not head.startswith(_MAGICS):
        return None
    try:
        found = identify(head)
    except BinaryFormatError as exc:
        return f"{name}: broken binary header ({exc.message})" if must else None
    if found is None:
        return f"{name}: not a shared library or program (no ELF, PE or Mach-O header)" if must else None
    return check_binary(name, found, target, need)
