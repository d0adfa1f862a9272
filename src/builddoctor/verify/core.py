"""Audit one wheel: its tags against every binary inside it, its platform floors, abi3, metadata and RECORD.

Used by `builddoctor verify` and by `builddoctor build` (through builder/verify.py). The wheel is read
from its zip stream: member headers and the tables binread needs, and every member once for its RECORD
hash; nothing is extracted. Each problem is a Finding naming the layer that most likely caused it and a fix.
"""
from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from .. import arch as archmod
from .._data import table
from .._record import field, record
from ..binfmt import BinaryFormatError, identify
from ..rules.model import ERROR, OK, WARNING, Finding, Fix, Severity
from .binread import HEAD, Blob, Details, Slice, Stream, read_details
from .tee import HashingReader

#: Members with these suffixes must be readable binaries; anything else is checked only when its
#: first bytes are an ELF, PE or Mach-O magic (executables, shared objects without a suffix).
BINARY_SUFFIXES = (".so", ".pyd", ".dylib", ".dll", ".exe")
_MAGICS = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_FORMAT_FOR_OS = {"linux": ("elf",), "windows": ("pe",), "macos": ("macho", "macho-fat")}
_LIB_DIRS = re.compile(r"(^|/)[^/]*\.(libs|dylibs)/|(^|/)\.libs/")
#: Finding ids whose presence means "unreadable or hostile input" (exit 2), not "a wrong wheel" (exit 1).
UNREADABLE = frozenset({"verify.unreadable", "verify.binary-broken"})


class VerifyError(Exception):
    """The wheel cannot be read safely (not a zip, hostile members): one line."""


@record(frozen=False)
class Expect:
    """What the platform tags (or the build target) require of every binary."""

    os: str  # linux | windows | macos | any | mixed
    arches: set[archmod.Arch]
    where: str  # how messages name the platform
    libc: str = ""  # gnu | musl | "" (unknown: linux_* tags)
    glibc: tuple[int, int] | None = None  # lowest manylinux floor claimed
    musl: tuple[int, int] | None = None  # lowest musllinux floor claimed
    wheel_arch: str = ""  # the arch spelling of the tags (x86_64, i686, aarch64 ...)
    macos_floor: dict[str, tuple[int, int]] = field(default_factory=dict)  # arch name -> oldest macOS claimed
    windows_platform: str = ""


@record(frozen=False)
class Binary:
    member: str
    details: Details

    def to_json(self) -> dict[str, Any]:
        return {"member": self.member, "format": self.details.format,
                "slices": [_slice_json(s) for s in self.details.slices]}


def _slice_json(s: Slice) -> dict[str, Any]:
    glibc = _max_version(s.version_needs, "GLIBC_")
    return {"arch": s.arch.name if s.arch else None, "machine": hex(s.machine), "bits": s.bits,
            "needed": s.needed, "glibc": ".".join(map(str, glibc)) if glibc else None,
            "interp": s.interp or None,
            "macos_minos": ".".join(map(str, s.macos_minos)) if s.macos_minos else None,
            "pe_hybrid": s.pe_hybrid or None, "python_symbols": len(s.py_imports)}


@record(frozen=False)
class WheelReport:
    path: Path
    tags: frozenset[Tag] = frozenset()
    findings: list[Finding] = field(default_factory=list)
    binaries: list[Binary] = field(default_factory=list)
    members: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def unreadable(self) -> bool:
        return any(f.id in UNREADABLE for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def to_json(self) -> dict[str, Any]:
        status = "unreadable" if self.unreadable else ("problems" if self.errors else "ok")
        return {"wheel": self.name, "path": str(self.path), "status": status,
                "tags": sorted(str(t) for t in self.tags), "members": self.members,
                "binaries": [b.to_json() for b in self.binaries],
                "findings": [{"id": f.id, "severity": f.severity, "title": f.title, "facts": f.facts,
                              "fixes": [{"command": x.command, "why": x.why} for x in f.fixes]}
                             for f in self.findings]}


# ------------------------------------------------------------------ findings


def _finding(fid: str, title: str, layer: str, fixes: Sequence[tuple[str, str]] = (), severity: Severity = ERROR,
             **facts: Any) -> Finding:
    return Finding(fid, severity, title, {"layer": layer, **facts}, tuple(Fix(c, w) for c, w in fixes))


def _unreadable(title: str, **facts: Any) -> Finding:
    return _finding("verify.unreadable", title, "the wheel file itself (damaged download or a hostile archive)",
                    (("download the wheel again and compare its sha256 with the index's",
                      "a truncated or tampered file cannot be trusted"),), **facts)


# ------------------------------------------------------------------ expectations from tags


def wheel_tags(name: str) -> frozenset[Tag]:
    """The tags in a wheel's file name; ValueError (one line) for a name that is not a wheel's."""
    try:
        return parse_wheel_filename(name)[3]
    except InvalidWheelFilename as exc:
        raise ValueError(f"{name!r} is not a valid wheel file name ({exc})") from None


_MANY = re.compile(r"^manylinux_(\d+)_(\d+)_(.+)$")
_MUSL = re.compile(r"^musllinux_(\d+)_(\d+)_(.+)$")
_MAC = re.compile(r"^macosx_(\d+)_(\d+)_(.+)$")


def _legacy_manylinux(platform: str) -> str:
    for minor, spec in table("wheel-tags")["manylinux"]["legacy"].items():
        prefix = spec["name"] + "_"
        if platform.startswith(prefix):
            return f"manylinux_2_{minor}_{platform[len(prefix):]}"
    return platform


def expect_from_tags(tags: Iterable[Tag]) -> Expect:
    """The OS, slices and floors every binary must satisfy, from the platform tags alone."""
    plats = sorted({t.platform for t in tags})
    oses: set[str] = set()
    arches: set[archmod.Arch] = set()
    exp = Expect("any", set(), ".".join(plats))
    macho = table("verify")["macho"]
    for raw in plats:
        p = _legacy_manylinux(raw)
        if p == "any":
            continue
        if m := _MANY.match(p):
            oses.add("linux")
            exp.libc = "gnu"
            floor = (int(m.group(1)), int(m.group(2)))
            exp.glibc = min(exp.glibc, floor) if exp.glibc else floor
            exp.wheel_arch = m.group(3)
            a = archmod.parse(m.group(3))
        elif m := _MUSL.match(p):
            oses.add("linux")
            exp.libc = "musl"
            floor = (int(m.group(1)), int(m.group(2)))
            exp.musl = min(exp.musl, floor) if exp.musl else floor
            exp.wheel_arch = m.group(3)
            a = archmod.parse(m.group(3))
        elif p.startswith("linux_"):
            oses.add("linux")
            exp.wheel_arch = p[len("linux_"):]
            a = archmod.parse(exp.wheel_arch)
        elif p.startswith("win"):
            oses.add("windows")
            exp.windows_platform = p
            a = archmod.parse(p)
        elif m := _MAC.match(p):
            oses.add("macos")
            version = (int(m.group(1)), int(m.group(2)))
            for name in macho["tag_arches"].get(m.group(3), []):
                slice_arch = archmod.get(name)
                arches.add(slice_arch)
                first = tuple(macho["first_version"].get(name, (10, 0)))
                v = max(version, (int(first[0]), int(first[1])))
                exp.macos_floor[name] = min(exp.macos_floor.get(name, v), v)
            continue
        else:
            oses.add("other")
            continue
        if a is not None:
            arches.add(a)
    exp.os = oses.pop() if len(oses) == 1 else ("any" if not oses else "mixed")
    exp.arches = arches
    return exp


# ------------------------------------------------------------------ the zip


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise VerifyError(f"not a readable zip file ({exc})") from None


def _screen(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members, after refusing what no wheel holds: links, escapes, duplicates, bombs."""
    limits = table("verify")["zip"]
    infos = zf.infolist()
    if len(infos) > int(limits["max_members"]):
        raise VerifyError(f"{len(infos)} members (more than {limits['max_members']}): not a wheel")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
            raise VerifyError(f"member {name!r} would be written outside the install folder")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise VerifyError(f"member {name!r} is a symbolic link (wheels hold only files)")
        if name in seen:
            raise VerifyError(f"member {name!r} appears twice")
        seen.add(name)
        total += info.file_size
        if info.file_size > int(limits["max_ratio"]) * max(info.compress_size, 1) + (1 << 20):
            raise VerifyError(f"member {name!r} claims {info.file_size} bytes from {info.compress_size} "
                              f"compressed (a zip bomb: deflate cannot expand more than about 1032:1)")
    if total > int(limits["max_total_bytes"]):
        raise VerifyError(f"members claim {total} bytes uncompressed in all (a zip bomb?)")
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for a, b in zip(ordered, ordered[1:]):
        if a.header_offset + 30 + a.compress_size > b.header_offset:
            raise VerifyError(f"members {a.filename!r} and {b.filename!r} overlap in the archive (a zip bomb)")
    return infos


# ------------------------------------------------------------------ members


def _is_binary_name(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.lower().endswith(BINARY_SUFFIXES) or ".so." in base


#: Binaries up to this size are decompressed once into memory (and hashed from there); larger ones are
#: read in place from the zip stream, whose backward seeks decompress again from the start.
SPOOL = 16 * 1024 * 1024
#: What a member is hashed by at once: memory per member stays at this, whatever its size.
_CHUNK = 1 << 20


def _read_binary(zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                 hashed: dict[str, tuple[str, int]], algos: dict[str, str]) -> tuple[Details | None, Finding | None]:
    """The member's binary details (None when it is no binary) or the finding that it is broken. A member
    read whole on the way is hashed with its RECORD algorithm into `hashed`, so it is decompressed once."""
    name = info.filename
    must = _is_binary_name(name)
    algo = algos.get(name)
    try:
        with zf.open(info) as raw:
            if isinstance(raw, zipfile.ZipExtFile):
                # a seek in a compressed member decompresses up to the target; zipfile does it in 16 MiB reads,
                # which with a table at the end of a large binary held ~70 MB: 1 MiB keeps it small
                raw.MAX_SEEK_READ = _CHUNK
            # a large member is hashed in the pass that reads its tables (decompressed once, not twice)
            tee = HashingReader(raw, algo) if algo and info.file_size > SPOOL else None
            fh: Stream = tee or raw
            head = fh.read(HEAD)
            if not must and not head.startswith(_MAGICS):
                if algo:  # a data member: hashed in the same pass, in chunks, never held whole
                    hashed[name] = (tee or HashingReader(raw, algo, head)).finish()
                return None, None
            if info.file_size <= SPOOL:
                whole = head + fh.read(info.file_size - len(head)) if len(head) < info.file_size else head
                if algo:
                    hashed[name] = (_digest(whole, algo), len(whole))
                fh = io.BytesIO(whole)  # the rest reads from memory
            try:
                found = identify(head)
            except BinaryFormatError as exc:
                if not must:
                    return None, None
                return None, _broken(name, exc.message)
            if found is None:
                if must:
                    return None, _finding(
                        "verify.binary-broken", f"{name}: not a shared library or program (no ELF, PE or Mach-O "
                        "header)", "the build backend, or a damaged copy (a file named like a library that is not "
                        "one)", (("rebuild the wheel", "an installer copies it, the import fails"),), member=name)
                return None, None
            try:
                details = read_details(Blob(fh, info.file_size, head=head), found.format, _time64())
            except BinaryFormatError as exc:
                return None, _broken(name, exc.message)
            if tee is not None:
                hashed[name] = tee.finish()
            return details, None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        return None, _unreadable(f"{name}: cannot be read from the wheel ({exc})", member=name)


def _broken(name: str, message: str) -> Finding:
    return _finding("verify.binary-broken", f"{name}: broken binary header ({message})",
                    "the file itself (truncated copy, or not a real binary)",
                    (("rebuild the wheel, then run builddoctor verify on it again",
                      "the loader refuses a truncated binary"),), member=name)


# ------------------------------------------------------------------ per-binary checks


def _arch_names(arches: Iterable[archmod.Arch]) -> str:
    return "+".join(sorted(a.name for a in arches))


def _check_arch(member: str, details: Details, exp: Expect) -> list[Finding]:
    formats = _FORMAT_FOR_OS.get(exp.os, ())
    if not formats:
        return []
    if details.format not in formats:
        return [_finding("verify.format-mismatch",
                         f"{member}: a {details.format} binary, but {exp.where} loads {'/'.join(formats)} binaries",
                         "the build backend packaged a binary built for another OS",
                         (("builddoctor build . --python PYTHON", "build on (or for) the OS the tag names"),),
                         member=member, format=details.format)]
    have = {s.arch for s in details.slices if s.arch is not None}
    if not have:
        codes = ", ".join(hex(s.machine) for s in details.slices)
        want = _arch_names(exp.arches) or "?"
        return [_finding("verify.arch-mismatch", f"{member}: unknown machine type ({codes}); {want} needed",
                         "the compiler targeted an architecture builddoctor does not know", member=member)]
    missing = exp.arches - have
    out: list[Finding] = []
    hybrid = {s.pe_hybrid for s in details.slices if s.pe_hybrid}
    note = f" ({'/'.join(sorted(h.upper() for h in hybrid))} image)" if hybrid else ""
    if missing:
        built = _arch_names(have)
        wanted = _arch_names(exp.arches)
        universal = exp.os == "macos" and len(exp.arches) > 1
        if universal:
            layer = "the compiler built only one slice (ARCHFLAGS / CMAKE_OSX_ARCHITECTURES / the Rust target)"
            fixes = (("ARCHFLAGS='-arch arm64 -arch x86_64' builddoctor build .",
                      "clang and setuptools build both slices"),
                     ("maturin build --target universal2-apple-darwin", "Rust: one fat binary with both slices"))
        else:
            layer = (f"the C compiler or Rust target produced {built} code (CC, CARGO_BUILD_TARGET, a dev shell "
                     f"for another arch) while the wheel was tagged {wanted}")
            fixes = (("builddoctor build . --python PYTHON",
                      "one target for every layer: the compiler, cargo and the tag agree"),
                     ("builddoctor check --python PYTHON", "shows which layer targets another arch"))
        out.append(_finding("verify.arch-mismatch",
                            f"{member}: built for {built}{note}, but the wheel is for {wanted} ({exp.where})",
                            layer, fixes, member=member, built=sorted(a.name for a in have),
                            wanted=sorted(a.name for a in exp.arches)))
    elif hybrid:
        out.append(_finding("verify.pe-hybrid", f"{member}: an {'/'.join(sorted(h.upper() for h in hybrid))} "
                            "image", "the linker (/arm64EC or /arm64X)", severity=OK, member=member))
    for s in details.slices:
        if s.arch is not None and s.bits is not None and s.bits != s.arch.bits:
            out.append(_finding("verify.bits-mismatch",
                                f"{member}: a {s.bits}-bit binary, but {s.arch.name} is {s.arch.bits}-bit",
                                "the compiler's -m32/-m64 flags", member=member))
    return out


def _version_tuple(text: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return None


def _max_version(needs: Iterable[str], prefix: str) -> tuple[int, ...] | None:
    found = [v for n in needs if n.startswith(prefix) and (v := _version_tuple(n[len(prefix):])) is not None]
    return max(found) if found else None


def _policy(floor: tuple[int, int]) -> dict[str, Any] | None:
    """auditwheel's policy for the highest manylinux_2_Y <= the floor."""
    best: tuple[tuple[int, ...], dict[str, Any]] | None = None
    for name, policy in table("manylinux-policy")["policy"].items():
        m = re.match(r"manylinux_(\d+)_(\d+)$", name)
        if not m:
            continue
        v = (int(m.group(1)), int(m.group(2)))
        if v <= floor and (best is None or v > best[0]):
            best = (v, policy)
    return best[1] if best else None


def _libc_of(s: Slice) -> str:
    lib = table("verify")["libc"]
    if s.interp.startswith(lib["musl_interp"]) or any(
            n == "libc.so" or n.startswith("libc.musl-") for n in s.needed):
        return "musl"
    if any(n in lib["glibc_needed"] for n in s.needed) or s.interp.startswith(tuple(lib["glibc_interp"])):
        return "gnu"
    if any(v.startswith("GLIBC_") for v in s.version_needs):  # musl has no symbol versions; glibc's libm etc.
        return "gnu"
    return ""


@functools.cache
def _time64() -> frozenset[str]:
    """The symbols musl 1.2's headers redirect time functions to on 32-bit archs (toolchains/musllinux.toml)."""
    return frozenset(table("musllinux")["time64"]["symbols"])


def _check_musl_floor(member: str, s: Slice, exp: Expect) -> list[Finding]:
    """musllinux_1_1 and a binary built against musl >= 1.2 (the only musl floor a binary shows: time64)."""
    if exp.libc != "musl" or exp.musl is None:
        return []
    since = _version_tuple(table("musllinux")["time64"]["since"])
    new = sorted(set(s.libc_imports) & _time64())
    if not new or since is None or exp.musl >= since[:2]:
        return []
    have = f"{since[0]}.{since[1]}"
    tag = f"musllinux_{exp.musl[0]}_{exp.musl[1]}"
    shown = ", ".join(new[:3]) + (f" (+{len(new) - 3} more)" if len(new) > 3 else "")
    return [_finding(
        "verify.musl-too-new",
        f"{member}: imports {shown}, which musl {have} added (64-bit time_t on 32-bit arches), but {tag} "
        f"promises musl {exp.musl[0]}.{exp.musl[1]}: it fails to load there (symbol not found)",
        f"built against musl {have} or newer (a musllinux_1_2 image, Alpine 3.13+) and tagged for an older musl",
        ((f"tag the wheel musllinux_{since[0]}_{since[1]}_{exp.wheel_arch} (auditwheel repair on that musl does)",
          "promise the musl it was built against"),
         (f"build in quay.io/pypa/{tag}_{exp.wheel_arch}", "the musl the tag names")),
        member=member, symbols=new, musl=have, floor=f"{exp.musl[0]}.{exp.musl[1]}")]


def _check_glibc_private(member: str, s: Slice, exp: Expect) -> list[Finding]:
    """A manylinux binary needing a glibc-internal version (auditwheel finds no manylinux policy for it)."""
    if exp.glibc is None:
        return []
    private = set(table("manylinux-policy")["private"]["versions"])
    loaders = tuple(table("verify")["libc"]["loader_prefixes"])
    files = s.version_files if len(s.version_files) == len(s.version_needs) else [""] * len(s.version_needs)
    libs = sorted({f or "?" for f, v in zip(files, s.version_needs) if v in private and not f.startswith(loaders)})
    if not libs:
        return []
    version = next(v for v in s.version_needs if v in private)
    tag = f"manylinux_{exp.glibc[0]}_{exp.glibc[1]}"
    return [_finding(
        "verify.glibc-private",
        f"{member}: needs {version} from {', '.join(libs)}, glibc's internal interface, which no manylinux "
        f"policy allows: it can break with any other glibc, so the wheel cannot be {tag}",
        "the code (or a library it links statically) calls a glibc-internal symbol",
        (("find the caller: readelf -W --dyn-syms MEMBER | grep GLIBC_PRIVATE", "use the public API instead"),
         ("auditwheel show WHEEL", "reports the wheel as linux_<arch> only, not manylinux")),
        member=member, libraries=libs, version=version)]


def _check_elf(member: str, s: Slice, exp: Expect, bundled: set[str]) -> list[Finding]:
    out: list[Finding] = []
    libc = _libc_of(s)
    if exp.libc and libc and libc != exp.libc:
        want = "musllinux (musl)" if exp.libc == "musl" else "manylinux (glibc)"
        built = "glibc" if libc == "gnu" else "musl"
        image = "quay.io/pypa/musllinux_1_2_" if exp.libc == "musl" else "quay.io/pypa/manylinux_2_28_"
        out.append(_finding(
            "verify.libc-mismatch", f"{member}: linked against {built}, but the wheel is tagged {want} ({exp.where})",
            f"the toolchain: it was built on a {built} system (or with a {built} Rust target) and tagged for the "
            "other libc", ((f"build inside {image}{exp.wheel_arch} (cibuildwheel does)",
                            "the libc the tag promises"),), member=member, libc=built))
    if exp.glibc is None:
        return out
    floor = exp.glibc
    glibc = _max_version(s.version_needs, "GLIBC_")
    tag = f"manylinux_{floor[0]}_{floor[1]}"
    fixes = ((f"build in the {tag} image (quay.io/pypa/{tag}_{exp.wheel_arch}) or on an older distro",
              "symbol versions come from the glibc and libstdc++ the build ran against"),
             ("auditwheel repair WHEEL", "finds the real floor and retags (it cannot lower it)"))
    if glibc and glibc[:2] > floor:
        need = ".".join(map(str, glibc))
        out.append(_finding("verify.glibc-too-new",
                            f"{member}: needs GLIBC_{need}, but {tag} promises glibc {floor[0]}.{floor[1]}",
                            "built on a newer distro than the tag claims", fixes, member=member, glibc=need,
                            floor=f"{floor[0]}.{floor[1]}"))
    policy = _policy(floor)
    limits = policy.get(exp.wheel_arch, {}) if policy else {}
    for prefix in ("GLIBCXX", "CXXABI", "GCC"):
        have = _max_version(s.version_needs, prefix + "_")
        limit = _version_tuple(limits[prefix]) if prefix in limits else None
        if have and limit and have > limit:
            need = ".".join(map(str, have))
            out.append(_finding("verify.libstdcxx-too-new",
                                f"{member}: needs {prefix}_{need}, but {tag} allows up to {prefix}_{limits[prefix]}",
                                "the C++ compiler's libstdc++/libgcc is newer than the tag's distro", fixes,
                                member=member, version=f"{prefix}_{need}"))
    if policy:
        allowed = set(policy["lib_whitelist"])
        loaders = tuple(table("verify")["libc"]["loader_prefixes"])
        missing = [n for n in s.needed if n not in allowed and n not in bundled and not n.startswith(loaders)]
        if missing:
            out.append(_finding(
                "verify.external-library",
                f"{member}: needs {', '.join(missing)}, which {tag} systems need not have and the wheel does not "
                "bundle", "the build linked a system library that was not bundled",
                (("auditwheel repair WHEEL", "copies the library into the wheel and rewrites the RPATH"),),
                member=member, libraries=missing))
    return out


def _check_musl_libs(member: str, s: Slice, exp: Expect, bundled: set[str]) -> list[Finding]:
    if exp.libc != "musl":
        return []
    allowed = set(table("verify")["libc"]["musllinux_whitelist"])
    loaders = ("libc.musl-", *table("verify")["libc"]["loader_prefixes"])
    missing = [n for n in s.needed if n not in allowed and n not in bundled and not n.startswith(loaders)]
    if not missing:
        return []
    return [_finding("verify.external-library",
                     f"{member}: needs {', '.join(missing)}, which musllinux systems need not have and the wheel "
                     "does not bundle", "the build linked a system library that was not bundled",
                     (("auditwheel repair WHEEL", "copies the library into the wheel"),), member=member,
                     libraries=missing)]


def _check_macho(member: str, s: Slice, exp: Expect, bundled: set[str]) -> list[Finding]:
    mac = table("verify")["macho"]
    out: list[Finding] = []
    if s.macos_platform is not None and s.macos_platform != int(mac["macos_platform"]):
        pname = mac["platforms"].get(str(s.macos_platform), f"platform {s.macos_platform}")
        out.append(_finding("verify.macos-platform", f"{member}: built for {pname}, not macOS",
                            "the SDK / target triple (an iOS or simulator SDK was used)",
                            (("xcrun --sdk macosx --show-sdk-path", "build against the macOS SDK"),), member=member))
    system = tuple(mac["system_prefixes"])
    outside = [n for n in s.needed if n.startswith("/") and not n.startswith(system)]
    loose = [n for n in s.needed if n.startswith("@") and n.rsplit("/", 1)[-1] not in bundled]
    if outside:
        out.append(_finding(
            "verify.external-library", f"{member}: loads {', '.join(outside)}, a library of the build machine that "
            "other Macs do not have and the wheel does not bundle", "the build linked a Homebrew/MacPorts/local "
            "library by absolute path", (("delocate-wheel -w fixed/ WHEEL", "copies it into the wheel and rewrites "
                                          "the load path"),), member=member, libraries=outside))
    if loose:
        out.append(_finding(
            "verify.external-library", f"{member}: loads {', '.join(loose)}, which the wheel does not hold",
            "the build expects the library next to it (@rpath / @loader_path) but did not bundle it",
            (("delocate-wheel -w fixed/ WHEEL", "bundles what the binary loads"),), severity=WARNING,
            member=member, libraries=loose))
    floor = exp.macos_floor.get(s.arch.name) if s.arch else None
    if floor and s.macos_minos and s.macos_minos > floor:
        have = f"{s.macos_minos[0]}.{s.macos_minos[1]}"
        want = f"{floor[0]}.{floor[1]}"
        out.append(_finding(
            "verify.macos-too-new",
            f"{member}: the {s.arch.name if s.arch else '?'} slice needs macOS {have} (minos), but the tag promises "
            f"macOS {want}", "the deployment target: MACOSX_DEPLOYMENT_TARGET (or the SDK's default) was newer "
            "than the tag", ((f"MACOSX_DEPLOYMENT_TARGET={want} builddoctor build .",
                              "compile for the macOS the tag names"),
                             (f"retag the wheel macosx_{s.macos_minos[0]}_{s.macos_minos[1]}",
                              "or promise only what the binary needs (wheel tags --platform-tag)")),
            member=member, minos=have, floor=want))
    return out


_DLL = re.compile(r"^python(\d)(\d*)(t?)(_d)?\.dll$", re.IGNORECASE)


def _check_pe(member: str, s: Slice, pys: list[tuple[int, int, str]], abi3: tuple[int, int] | None,
              bundled: set[str]) -> list[Finding]:
    out: list[Finding] = []
    win = table("verify")["windows"]
    system = set(win["system_dlls"])
    here = {b.lower() for b in bundled}
    missing = [d for d in s.needed if not _DLL.match(d) and d.lower() not in system and d.lower() not in here
               and not d.lower().startswith(tuple(win["system_dll_prefixes"]))]
    if missing:
        out.append(_finding(
            "verify.external-library", f"{member}: imports {', '.join(missing)}, which the wheel does not bundle and "
            "Windows does not ship: unless it is on the user's PATH, the import fails (DLL load failed)",
            "the build linked a DLL of the build machine without bundling it",
            (("delvewheel repair WHEEL", "copies the DLLs into the wheel"),), severity=WARNING, member=member,
            libraries=missing))
    for dll in s.needed:
        m = _DLL.match(dll)
        if not m:
            continue
        major, minor = int(m.group(1)), m.group(2)
        if abi3 is not None:
            if minor:
                out.append(_finding(
                    "verify.python-dll", f"{member}: imports {dll}, so it loads only in Python {major}.{minor}, but "
                    f"the wheel is tagged abi3 (it should import {win['stable_abi_dll']})",
                    "the build defined Py_LIMITED_API but linked the versioned import library",
                    (("link python3.lib (setuptools: py_limited_api=True; pyo3: the abi3 feature)",
                      "abi3 extensions import python3.dll"),), member=member, dll=dll))
            continue
        if not minor:
            continue  # python3.dll works in every CPython 3 (a wheel tagged for one version may use it)
        wanted = [win["python_dll"].format(major=M, minor=N, flags=f) for M, N, f in pys]
        if dll.lower() not in wanted and wanted:
            out.append(_finding(
                "verify.python-dll", f"{member}: imports {dll}, but the wheel is tagged for "
                f"{', '.join(wanted)}", "the build ran against another interpreter's import library "
                "(pythonXY.lib of the Python that built it)",
                (("builddoctor build . --python PYTHON", "builds against the tagged interpreter"),),
                member=member, dll=dll, wanted=wanted))
    return out


@functools.cache
def _stable_abi() -> dict[str, tuple[int, int]]:
    """Symbol -> the Python version that added it to the stable ABI (toolchains/stable-abi.toml)."""
    data = table("stable-abi")["added"]
    return {name: (int(v.split(".")[0]), int(v.split(".")[1])) for v, names in data.items() for name in names}


def _check_abi3(member: str, s: Slice, limit: tuple[int, int]) -> list[Finding]:
    stable = _stable_abi()
    outside = sorted({n for n in s.py_imports if n not in stable})
    newer = sorted({n for n in s.py_imports if n in stable and stable[n] > limit})
    out: list[Finding] = []
    claim = f"cp{limit[0]}{limit[1]}-abi3"
    if outside:
        shown = ", ".join(outside[:5]) + (f" (+{len(outside) - 5} more)" if len(outside) > 5 else "")
        out.append(_finding(
            "verify.abi3-symbol", f"{member}: uses {shown}, not in the stable ABI, but the wheel is tagged {claim}",
            "the extension was compiled without Py_LIMITED_API (or uses a private API); it breaks on other "
            "Python versions", (("define Py_LIMITED_API (setuptools: py_limited_api=True; pyo3: abi3-py3X)",
                                 "only stable-ABI symbols are then reachable"),
                                ("build one wheel per Python version instead of abi3", "")),
            member=member, symbols=outside))
    if newer:
        shown = ", ".join(f"{n} ({stable[n][0]}.{stable[n][1]})" for n in newer[:5])
        out.append(_finding(
            "verify.abi3-symbol", f"{member}: uses {shown}, added to the stable ABI after {limit[0]}.{limit[1]}, "
            f"but the wheel is tagged {claim}", "Py_LIMITED_API was set to a newer version than the tag",
            (("tag the wheel for the newest version it needs (e.g. cp" + "".join(
                map(str, max(stable[n] for n in newer))) + "-abi3)", "older interpreters fail to import it"),),
            member=member, symbols=newer))
    return out


def _suffix_problem(member: str, exp: Expect, pys: list[tuple[int, int, str]], abi3: tuple[int, int] | None,
                    cpython: bool) -> Finding | None:
    if not cpython or _LIB_DIRS.search(member):
        return None
    base = member.rsplit("/", 1)[-1]
    parts = base.split(".")
    if len(parts) < 3 or parts[-1] not in ("so", "pyd"):
        return None
    tag = parts[-2]
    layer = "the build backend named the extension for the interpreter that built it"
    fixes = (("builddoctor build . --python PYTHON", "build with the interpreter the wheel is tagged for"),)
    free_threaded = any(f == "t" for _, _, f in pys)
    if tag == "abi3":
        if exp.os == "windows":
            why = "Windows imports only .pyd or .cpXY-PLATFORM.pyd"
        elif free_threaded and abi3 is None:
            why = "free-threaded CPython does not load abi3 extensions"
        else:
            return None
        return _finding("verify.ext-suffix", f"{member}: {why}", layer, fixes, member=member)
    m = re.match(r"^cpython-(\d)(\d+)([a-z]*)(?:-(.+))?$", tag) or re.match(r"^cp(\d)(\d+)([a-z]*)-(win\w+)$", tag)
    if not m:
        return None
    ver = (int(m.group(1)), int(m.group(2)))
    flags, plat = m.group(3), m.group(4) or ""
    if abi3 is not None:
        return _finding("verify.ext-suffix", f"{member}: named for CPython {ver[0]}.{ver[1]} only, but the wheel is "
                        "tagged abi3 (name it .abi3.so, or .pyd on Windows)", layer,
                        (("setuptools: Extension(..., py_limited_api=True); maturin: the pyo3 abi3 feature",
                          "the backend then names it for every version"),), member=member)
    claimed = {(M, N, f) for M, N, f in pys}
    if pys and (ver[0], ver[1], flags) not in claimed:
        want = " or ".join(f"{M}.{N}{f}" for M, N, f in sorted(claimed))
        return _finding("verify.ext-suffix", f"{member}: named for CPython {ver[0]}.{ver[1]}{flags}, but the wheel "
                        f"is tagged for {want}: that interpreter will not import it", layer, fixes, member=member)
    ok_plat = _suffix_platforms(exp)
    if plat and ok_plat and plat not in ok_plat:
        return _finding("verify.ext-suffix", f"{member}: named for {plat}, but the wheel is for {exp.where} "
                        f"(expects {' or '.join(sorted(ok_plat))})", layer, fixes, member=member)
    return None


def _suffix_platforms(exp: Expect) -> set[str]:
    if exp.os == "macos":
        return {"darwin"}
    if exp.os == "windows":
        return {exp.windows_platform} if exp.windows_platform else set()
    if exp.os != "linux" or len(exp.arches) != 1:
        return set()
    a = next(iter(exp.arches)).name
    multi = table("verify")["multiarch"]
    libcs = ["gnu", "musl"] if exp.libc == "musl" else ["gnu"] if exp.libc == "gnu" else ["gnu", "musl"]
    return {multi[c][a] for c in libcs if a in multi[c]}


# ------------------------------------------------------------------ metadata


def _dist_info(names: Iterable[str]) -> str | None:
    dirs = {n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info") and "/" in n}
    return sorted(dirs)[0] if len(dirs) == 1 else None


def _check_wheel_file(zf: zipfile.ZipFile, dist: str | None, tags: frozenset[Tag], name: str) -> list[Finding]:
    if dist is None:
        return [_finding("verify.metadata", f"{name}: no single .dist-info folder", "the build backend",
                         severity=WARNING)]
    try:
        with zf.open(f"{dist}/WHEEL") as fh:
            text = fh.read(1 << 20).decode("utf-8", "replace")
    except KeyError:
        return [_finding("verify.metadata", f"{dist}/WHEEL is missing", "the build backend", severity=WARNING)]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        return [_unreadable(f"{dist}/WHEEL: cannot be read from the wheel ({exc})")]
    declared: set[Tag] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "tag":
            parts = value.strip().split("-")
            if len(parts) == 3:
                declared |= {Tag(i, a, p) for i in parts[0].split(".") for a in parts[1].split(".")
                             for p in parts[2].split(".")}
    if declared != set(tags):
        only_file = sorted(str(t) for t in set(tags) - declared)
        only_wheel = sorted(str(t) for t in declared - set(tags))
        return [_finding("verify.wheel-tags", f"{dist}/WHEEL says {', '.join(only_wheel) or 'nothing more'} but the "
                         f"file name says {', '.join(only_file) or 'nothing more'}: the wheel was renamed or retagged "
                         "by hand", "whoever renamed the file (a rename does not retag)",
                         (("wheel tags --platform-tag TAG WHEEL", "retags the file name and WHEEL together"),),
                         file_tags=only_file, wheel_tags=only_wheel)]
    return []


def _digest(data: bytes, algo: str) -> str:
    return base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, algo: str) -> tuple[str, int]:
    h = hashlib.new(algo)
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode(), size


_RECORD_LAYER = "the wheel was changed after it was built (a member replaced, added or removed)"
_RECORD_FIXES = (("rebuild the wheel (or download it again)",
                  "RECORD is written by the backend together with the files"),)


def _record_entries(zf: zipfile.ZipFile, dist: str | None) -> tuple[dict[str, tuple[str, str]] | None, list[Finding]]:
    """RECORD as {member: (hash, size)}, or None with the finding why it cannot be used."""
    if dist is None:
        return None, []
    record_name = f"{dist}/RECORD"
    try:
        with zf.open(record_name) as fh:
            raw = fh.read(64 << 20)  # a RECORD of a million members is still smaller
    except KeyError:
        return None, [_finding("verify.record", f"{record_name} is missing: nothing vouches for the files",
                               "the build backend", severity=WARNING)]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        return None, [_unreadable(f"{record_name}: cannot be read from the wheel ({exc})")]
    entries: dict[str, tuple[str, str]] = {}
    try:
        for row in csv.reader(io.StringIO(raw.decode("utf-8"))):
            if row:
                entries[row[0]] = (row[1] if len(row) > 1 else "", row[2] if len(row) > 2 else "")
    except (UnicodeDecodeError, csv.Error) as exc:
        return None, [_finding("verify.record", f"{record_name} cannot be parsed ({exc})", _RECORD_LAYER,
                               _RECORD_FIXES)]
    return entries, []


def _check_record(zf: zipfile.ZipFile, dist: str, infos: list[zipfile.ZipInfo], entries: dict[str, tuple[str, str]],
                  hashed: dict[str, tuple[str, int]]) -> list[Finding]:
    record_name = f"{dist}/RECORD"
    layer, fixes = _RECORD_LAYER, _RECORD_FIXES
    by_name = {i.filename: i for i in infos}
    out: list[Finding] = []
    for info in infos:
        name = info.filename
        if info.is_dir() or name == record_name or name.startswith(f"{dist}/RECORD."):
            continue
        if name not in entries:
            out.append(_finding("verify.record", f"{name}: not listed in RECORD", layer, fixes, member=name))
            continue
        digest, size = entries[name]
        algo, _, expected = digest.partition("=")
        if algo not in ("sha256", "sha384", "sha512"):
            out.append(_finding("verify.record", f"{name}: RECORD gives no sha256 hash ({digest or 'empty'})",
                                layer, fixes, member=name))
            continue
        try:
            got, got_size = hashed.get(name) or _hash_member(zf, info, algo)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
            out.append(_unreadable(f"{name}: cannot be read from the wheel ({exc})", member=name))
            continue
        if got != expected or (size and size.isdigit() and int(size) != got_size):
            out.append(_finding("verify.record", f"{name}: its {algo} does not match RECORD (the member was "
                                "changed after the wheel was built)", layer, fixes, member=name,
                                record=digest, actual=f"{algo}={got}"))
    for name in entries:
        if name not in by_name and not name.endswith("/"):
            out.append(_finding("verify.record", f"{name}: listed in RECORD but missing from the wheel", layer,
                                fixes, member=name))
    return out


# ------------------------------------------------------------------ the wheel


def _pythons(tags: Iterable[Tag]) -> tuple[list[tuple[int, int, str]], tuple[int, int] | None, bool]:
    """(CPython versions with ABI flags the tags claim, the abi3 floor or None, whether it is CPython)."""
    pys: set[tuple[int, int, str]] = set()
    abi3: tuple[int, int] | None = None
    cpython = False
    for t in tags:
        m = re.match(r"^cp(\d)(\d+)$", t.interpreter)
        if not m:
            continue
        cpython = True
        v = (int(m.group(1)), int(m.group(2)))
        if t.abi in ("abi3", "abi3t"):
            abi3 = min(abi3, v) if abi3 else v
        elif t.abi.startswith("cp"):
            pys.add((v[0], v[1], "t" if t.abi.endswith("t") else ""))
    return sorted(pys), abi3, cpython


def verify_wheel(path: Path, *, expect: Expect | None = None) -> WheelReport:
    """Every finding about one wheel. `expect` overrides what the tags alone require (build: the target)."""
    report = WheelReport(path)
    try:
        report.tags = wheel_tags(path.name)
    except ValueError as exc:
        report.findings.append(_unreadable(str(exc)))
        return report
    exp = expect or expect_from_tags(report.tags)
    try:
        zf = _open_zip(path)
    except VerifyError as exc:
        report.findings.append(_unreadable(f"{path.name}: {exc}"))
        return report
    with zf:
        try:
            infos = _screen(zf)
        except VerifyError as exc:
            report.findings.append(_unreadable(f"{path.name}: {exc}"))
            return report
        report.members = len(infos)
        pys, abi3, cpython = _pythons(report.tags)
        bundled = {i.filename.rsplit("/", 1)[-1] for i in infos}
        dist = _dist_info(i.filename for i in infos)
        entries, record_problems = _record_entries(zf, dist)
        algos = {n: h.partition("=")[0] for n, (h, _) in (entries or {}).items()
                 if h.partition("=")[0] in ("sha256", "sha384", "sha512")}
        hashed: dict[str, tuple[str, int]] = {}
        findings = report.findings
        for info in infos:
            if info.is_dir():
                continue
            details, problem = _read_binary(zf, info, hashed, algos)
            if problem:
                findings.append(problem)
            if details is None:
                if problem is None:
                    suffix = _suffix_problem(info.filename, exp, pys, abi3, cpython) \
                        if _is_binary_name(info.filename) else None
                    if suffix:
                        findings.append(suffix)
                continue
            name = info.filename
            report.binaries.append(Binary(name, details))
            if exp.os == "any":
                findings.append(_finding("verify.binary-in-pure-wheel", f"{name}: a {details.format} binary in a "
                                         f"wheel tagged {exp.where}: installers put it on every platform",
                                         "the build backend tagged a platform wheel as pure "
                                         "(Root-Is-Purelib / a missing ext_modules)", severity=WARNING, member=name))
                continue
            findings += _check_arch(name, details, exp)
            suffix = _suffix_problem(name, exp, pys, abi3, cpython)
            if suffix:
                findings.append(suffix)
            for s in details.slices:
                if details.format == "elf":
                    findings += _check_elf(name, s, exp, bundled) + _check_musl_libs(name, s, exp, bundled)
                    findings += _check_glibc_private(name, s, exp) + _check_musl_floor(name, s, exp)
                elif details.format == "pe":
                    findings += _check_pe(name, s, pys, abi3, bundled)
                else:
                    findings += _check_macho(name, s, exp, bundled)
                if abi3 is not None and s.py_imports:
                    findings += _check_abi3(name, s, abi3)
        findings += _check_wheel_file(zf, dist, report.tags, path.name)
        findings += record_problems
        if dist is not None and entries is not None:
            findings += _check_record(zf, dist, infos, entries, hashed)
    report.findings = _dedupe(findings)
    return report


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        if (f.id, f.title) not in seen:
            seen.add((f.id, f.title))
            out.append(f)
    return out
