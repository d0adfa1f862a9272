"""Read and unpack a user-supplied sdist without trusting anything inside it.

``unpack_sdist`` reads the whole archive once and checks every member before it writes a byte.
Then it extracts the members one at a time with our own code (never ``extractall``), so the
same parser that was validated is the one that writes. Any rule broken raises ``UserError`` with
exit code 3 (``EXIT_UNSAFE_SDIST``) and a one-line message naming the archive and the member.

Default limits (``Limits()``), all configurable:

* ``max_total_bytes = 2 GiB``: sum of the sizes of all extracted files. Bytes actually written
  are counted too, and extraction stops once the count passes the limit.
* ``max_member_bytes = 2 GiB``: size of any single file.
* ``max_members = 200_000``: number of archive entries.
* ``allow_zip = False``: only gzip-compressed tar sdists (PEP 625) are accepted. A file that is
  both gzip and zip (a polyglot) is always refused.

The policy is the same on every OS, so an archive refused on Windows is refused on Linux too:

* a name must be relative, use ``/`` only, and have no empty, ``.`` or ``..`` component, no
  drive (``C:``), no ``:<>"|?*``, no control or format character, no invalid UTF-8, no Windows
  reserved name (``CON``, ``aux.py``, ``COM1``...), no component ending in a dot or a space, no
  component over 255 UTF-8 bytes, and at most 240 characters in all;
* no two names may be equal after NFC normalisation and case folding;
* only regular files, directories, symlinks and hardlinks. Devices, FIFOs and sparse files are
  refused, and so is a non-file entry that carries data;
* a symlink must be relative, stay inside the top folder, point at a regular file member, and
  not pass through another link. A hardlink must name an earlier regular file member.
  No member may have a symlink or a file as a parent;
* exactly one top-level folder, which holds ``PKG-INFO``. The tar stream must end cleanly: after
  the end-of-archive marker only zero padding may follow, and the gzip trailer must check out;
* a PAX ``size`` that disagrees with the ustar size field is refused as ambiguous.

Extracted files get mode 0o644, or 0o755 if the archive gave them any execute bit, so setuid,
setgid and sticky are cleared. Directories get 0o755. The mtime is kept when it is plausible. On
failure only what this module created inside ``dest`` is removed. ``dest`` stays, empty. Nothing
named by the archive is ever passed to ``rmtree``.

A file name that is not ``<name>-<version>.tar.gz`` matching the top folder (compared after
PEP 625-style normalisation) is only a warning (see ``SdistInfo.warnings`` / ``on_warning``).
"""
from __future__ import annotations

import gzip
import os
import re
import stat
import tarfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Callable, cast

from builddoctor.errors import EXIT_OUTPUT, EXIT_UNSAFE_SDIST, EXIT_USAGE, UserError

from ._record import record

try:
    import lzma

    _LZMA_ERRORS: tuple[type[BaseException], ...] = (lzma.LZMAError,)
except ImportError:  # pragma: no cover - CPython built without lzma
    _LZMA_ERRORS = ()

__all__ = ["DEFAULT_LIMITS", "MAX_PATH_CHARS", "Limits", "SdistInfo", "inspect_sdist", "peek_sdist", "unpack_sdist"]

MAX_PATH_CHARS = 240
_MAX_COMPONENT_BYTES = 255
_MAX_SINGLE_READ = 8 * 1024 * 1024  # an extended (PAX / GNU long name) header larger than this is hostile
_CHUNK = 1024 * 1024
_MIN_MTIME = 315532800  # 1980-01-01, the earliest time a wheel (zip) can hold
_MAX_USTAR_SIZE = 0o77777777777
_MAX_SHOWN = 160  # characters of a member name quoted in a message

_READ_ERRORS: tuple[type[BaseException], ...] = (
    tarfile.TarError,
    OSError,
    EOFError,
    ValueError,  # includes UnicodeDecodeError; e.g. a 4301-digit GNU.sparse.map
    zlib.error,
    zipfile.BadZipFile,
    UnicodeDecodeError,
    *_LZMA_ERRORS,
)

_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_BAD_CHARS = frozenset('<>:"|?*')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"}
)
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
_FILE_KINDS = ("file", "hardlink")
_DIR_KINDS = ("dir", "implied dir")


@record
class Limits:
    """Caps applied while reading and while writing. Defaults are described in the module docstring."""

    max_total_bytes: int = 2 * 1024**3
    max_member_bytes: int = 2 * 1024**3
    max_members: int = 200_000
    allow_zip: bool = False


DEFAULT_LIMITS = Limits()


@record
class SdistInfo:
    """What a full validation pass learned about an archive."""

    archive: Path
    format: str  # "tar.gz" | "zip"
    top: str  # the single top-level folder
    members: int  # archive entries, all kinds
    total_bytes: int  # bytes extraction will write (files + hardlink copies)
    warnings: tuple[str, ...] = ()


class _Refused(Exception):
    """The archive breaks a rule (exit 3). The text names the member and the rule."""

    def __init__(self, text: str, tip: str | None = None) -> None:
        super().__init__(text)
        self.tip = tip


class _WriteFailed(Exception):
    """Writing into dest failed (disk full, permissions): an output problem, not the archive's fault."""


@record(frozen=False)
class _Member:
    name: str
    kind: str  # file | dir | symlink | hardlink | anything else is refused
    size: int
    mode: int
    link: str = ""
    mtime: float | None = None
    ref: object = None
    target: str = ""  # for symlinks: the member the link resolves to


# --------------------------------------------------------------------------- names


def _show(text: str) -> str:
    """A name as one printable, quoted token, shortened if huge."""
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 20] + "..." + text[-17:]
    return repr(text)


def _kind(kind: str) -> str:
    return "folder" if kind in _DIR_KINDS else kind


def _label(name: str) -> str:
    return name if name.isprintable() else repr(name)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _key(name: str) -> str:
    """Two names that would land on the same file on some OS get the same key."""
    return unicodedata.normalize("NFC", name).casefold()


def _char_problem(text: str) -> str | None:
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return "not valid UTF-8"
        if ch == "\x00":
            return "NUL byte in name"
        if unicodedata.category(ch) in _CONTROL_CATEGORIES:
            return f"control character U+{ord(ch):04X} in name"
    return None


def _component_problem(comp: str) -> str | None:
    if comp == "":
        return "empty path component"
    if comp in (".", ".."):
        return f"{comp!r} path component"
    if ":" in comp:
        return "':' in name (drive or stream separator on Windows)"
    bad = sorted(set(comp) & _WINDOWS_BAD_CHARS)
    if bad:
        return f"character {bad[0]!r} is not allowed in Windows file names"
    if comp[-1] in ". ":
        return "name ends with a dot or a space (Windows drops it)"
    if comp.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        return f"{comp!r} is a reserved device name on Windows"
    if len(comp.encode("utf-8", "surrogateescape")) > _MAX_COMPONENT_BYTES:
        return f"path component longer than {_MAX_COMPONENT_BYTES} bytes"
    return None


def _prefix_problem(text: str) -> str | None:
    """Rules shared by member names and link targets: characters, absolute/drive/UNC/backslash."""
    if text == "":
        return "empty name"
    problem = _char_problem(text)
    if problem:
        return problem
    if text.startswith("/"):
        return "absolute path"
    if _DRIVE.match(text):
        return "Windows drive path"
    if text.startswith("\\\\"):
        return "Windows UNC path"
    if "\\" in text:
        return "backslash in name (Windows path separator)"
    return None


def _name_problem(name: str, *, is_member: bool = True) -> str | None:
    problem = _prefix_problem(name)
    if problem:
        return problem
    if len(name) > MAX_PATH_CHARS:
        return f"path longer than {MAX_PATH_CHARS} characters ({len(name)})"
    for i, comp in enumerate(name.split("/")):
        problem = _component_problem(comp)
        if problem:
            if is_member and i == 0 and comp in ("", ".", ".."):
                return f"top-level folder named {comp!r}"
            return problem
    return None


# --------------------------------------------------------------------------- validation


class _Validator:
    """Checks members one by one as they are read, then the archive as a whole."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.count = 0
        self.total = 0
        self.entries: dict[str, tuple[str, str, int]] = {}  # key -> (exact name, kind, size)
        self.tops: dict[str, None] = {}
        self.symlinks: list[_Member] = []

    def add(self, m: _Member) -> None:
        lim = self.limits
        self.count += 1
        if self.count > lim.max_members:
            raise _Refused(f"more than {lim.max_members} members (limit)")
        where = f"member {_show(m.name)}"
        problem = _name_problem(m.name)
        if problem:
            raise _Refused(f"{where}: {problem}")
        if m.kind not in ("file", "dir", "symlink", "hardlink"):
            raise _Refused(f"{where}: {m.kind} members are not allowed")
        if m.kind == "file":
            if m.size > lim.max_member_bytes:
                limit = lim.max_member_bytes
                raise _Refused(f"{where}: {m.size} bytes is over the per-file limit of {limit}")
            self.total += m.size
        elif m.size:
            raise _Refused(f"{where}: {m.kind} entry carries {m.size} bytes of data (ambiguous)")

        comps = m.name.split("/")
        self.tops.setdefault(comps[0])
        for depth in range(1, len(comps)):
            parent = "/".join(comps[:depth])
            seen = self.entries.get(_key(parent))
            if seen is None:
                self.entries[_key(parent)] = (parent, "implied dir", 0)
            elif seen[0] != parent:
                raise _Refused(
                    f"{where}: parent {_show(parent)} collides with {_show(seen[0])} "
                    "after case folding / Unicode normalisation"
                )
            elif seen[1] == "symlink":
                raise _Refused(f"{where}: path passes through symlink {_show(parent)}")
            elif seen[1] not in _DIR_KINDS:
                raise _Refused(f"{where}: parent {_show(parent)} is a {_kind(seen[1])}, not a folder")

        size = m.size
        if m.kind == "hardlink":
            size = self._hardlink_size(m, where)
            self.total += size
        if self.total > lim.max_total_bytes:
            raise _Refused(f"{where}: archive expands to more than {lim.max_total_bytes} bytes (limit)")

        key = _key(m.name)
        seen = self.entries.get(key)
        if seen is None:
            self.entries[key] = (m.name, m.kind, size)
        elif seen[0] != m.name:
            raise _Refused(
                f"{where}: collides with {_show(seen[0])} on case-insensitive file systems "
                "(case folding / Unicode normalisation)"
            )
        elif seen[1] == "implied dir" and m.kind == "dir":
            self.entries[key] = (m.name, "dir", 0)
        elif seen[1] == "implied dir":
            raise _Refused(f"{where}: {m.kind} replaces a folder used by an earlier member (ambiguous)")
        else:
            raise _Refused(f"{where}: duplicate member (ambiguous)")
        if m.kind == "symlink":
            self.symlinks.append(m)

    def _hardlink_size(self, m: _Member, where: str) -> int:
        problem = _name_problem(m.link, is_member=False)
        if problem:
            raise _Refused(f"{where}: hardlink target {_show(m.link)}: {problem}")
        seen = self.entries.get(_key(m.link))
        if seen is None or seen[0] != m.link:
            raise _Refused(f"{where}: hardlink target {_show(m.link)} is not an earlier member")
        if seen[1] != "file":
            kind = _kind(seen[1])
            raise _Refused(f"{where}: hardlink target {_show(m.link)} is a {kind}, not a regular file")
        return seen[2]

    def _check_symlink(self, m: _Member) -> None:
        where = f"member {_show(m.name)}"
        link = m.link
        problem = _prefix_problem(link)
        if problem:
            if problem == "absolute path" or problem.startswith("Windows"):
                problem = f"link to {problem.replace('Windows ', '')}"
            raise _Refused(f"{where}: symlink target {_show(link)}: {problem}")
        parts = link.split("/")
        base = m.name.split("/")[:-1]
        i = 0
        while i < len(parts) and parts[i] == "..":
            if len(base) <= 1:
                raise _Refused(f"{where}: symlink target {_show(link)} leaves the sdist tree")
            base.pop()
            i += 1
        rest = parts[i:]
        if not rest:
            raise _Refused(f"{where}: symlink to a folder ({_show(link)}); only links to files are allowed")
        for comp in rest:
            problem = _component_problem(comp)
            if problem:
                raise _Refused(
                    f"{where}: symlink target {_show(link)} is not a plain relative path ({problem})"
                )
        target = base + rest
        for depth in range(len(base) + 1, len(target)):
            step = "/".join(target[:depth])
            seen = self.entries.get(_key(step))
            if seen is None or seen[0] != step:
                raise _Refused(f"{where}: symlink target {_show(link)} is not in the archive")
            if seen[1] not in _DIR_KINDS:
                kind = _kind(seen[1])
                raise _Refused(f"{where}: symlink target {_show(link)} passes through {kind} {_show(step)}")
        dest = "/".join(target)
        if len(dest) > MAX_PATH_CHARS:
            raise _Refused(f"{where}: symlink target path longer than {MAX_PATH_CHARS} characters")
        seen = self.entries.get(_key(dest))
        if seen is None or seen[0] != dest:
            raise _Refused(f"{where}: symlink target {_show(link)} is not in the archive")
        if seen[1] == "symlink":
            raise _Refused(f"{where}: symlink to another symlink ({_show(link)}); no link chains")
        if seen[1] not in _FILE_KINDS:
            kind = _kind(seen[1])
            raise _Refused(f"{where}: symlink to a {kind} ({_show(link)}); only links to files are allowed")
        m.target = dest

    def finish(self) -> str:
        if not self.count:
            raise _Refused("archive is empty")
        if len(self.tops) != 1:
            names = ", ".join(_show(t) for t in list(self.tops)[:3])
            raise _Refused(
                f"{len(self.tops)} top-level entries ({names}); an sdist has exactly one top-level folder"
            )
        top = next(iter(self.tops))
        kind = self.entries[_key(top)][1]
        if kind not in _DIR_KINDS:
            raise _Refused(f"top-level entry {_show(top)} is a {_kind(kind)}, not a folder")
        pkg_info = f"{top}/PKG-INFO"
        seen = self.entries.get(_key(pkg_info))
        if seen is None or seen[0] != pkg_info or seen[1] != "file":
            raise _Refused(f"missing {_show(pkg_info)} (not an sdist)")
        for m in self.symlinks:
            self._check_symlink(m)
        return top


# --------------------------------------------------------------------------- reading


class _TarInfo(tarfile.TarInfo):
    """Remembers the size written in the ustar header block, before any PAX override."""

    header_size: int

    @classmethod
    def frombuf(cls, buf, encoding, errors):  # type: ignore[no-untyped-def]
        obj = super().frombuf(buf, encoding, errors)
        obj.header_size = obj.size
        return obj


class _CappedStream:
    """The decompressed stream seen by tarfile, with a hard cap on position and on single reads."""

    def __init__(self, raw: gzip.GzipFile, cap: int) -> None:
        self._raw = raw
        self._cap = cap

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > _MAX_SINGLE_READ:
            raise _Refused(f"extended header larger than {_MAX_SINGLE_READ} bytes")
        data = self._raw.read(size)
        self._check(self._raw.tell())
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 0:
            self._check(offset)
        pos = self._raw.seek(offset, whence)
        self._check(pos)
        return pos

    def tell(self) -> int:
        return self._raw.tell()

    def _check(self, pos: int) -> None:
        if pos > self._cap:
            raise _Refused(f"archive expands beyond {self._cap} bytes (limit)")


def _tar_kind(ti: tarfile.TarInfo) -> str:
    if ti.sparse is not None or ti.type == tarfile.GNUTYPE_SPARSE:
        return "sparse file"
    return {
        tarfile.REGTYPE: "file",
        tarfile.AREGTYPE: "file",
        tarfile.CONTTYPE: "file",
        tarfile.DIRTYPE: "dir",
        tarfile.SYMTYPE: "symlink",
        tarfile.LNKTYPE: "hardlink",
        tarfile.CHRTYPE: "character device",
        tarfile.BLKTYPE: "block device",
        tarfile.FIFOTYPE: "FIFO",
    }.get(ti.type, f"unknown type {ti.type!r}")


def _tar_member(ti: tarfile.TarInfo) -> _Member:
    header_size = getattr(ti, "header_size", ti.size)
    if "size" in ti.pax_headers and header_size != ti.size and not (
        header_size == 0 and ti.size > _MAX_USTAR_SIZE
    ):
        raise _Refused(
            f"member {_show(ti.name)}: PAX size {ti.size} disagrees with header size {header_size} "
            "(ambiguous)"
        )
    return _Member(
        name=ti.name, kind=_tar_kind(ti), size=ti.size, mode=ti.mode, link=ti.linkname, mtime=ti.mtime, ref=ti
    )


def _zip_member(zi: zipfile.ZipInfo) -> _Member:
    name = zi.orig_filename  # before zipfile cuts at NUL or turns "\" into "/" on Windows
    unix_mode = (zi.external_attr >> 16) if zi.create_system == 3 else 0
    ftype = stat.S_IFMT(unix_mode)
    if zi.flag_bits & 0x1:
        kind = "encrypted"
    elif name.endswith("/"):
        name = name[:-1]
        kind = "dir" if ftype in (0, stat.S_IFDIR) else "ambiguous zip"
    elif ftype == stat.S_IFLNK:
        kind = "zip symlink"
    elif ftype in (0, stat.S_IFREG):
        kind = "file"
    elif ftype == stat.S_IFDIR:
        kind = "ambiguous zip (folder flag without '/')"
    else:
        kind = "special file"
    size = zi.file_size if kind == "file" else 0
    return _Member(name=name, kind=kind, size=size, mode=unix_mode, ref=zi)


def _looks_like_zip(f: IO[bytes]) -> bool:
    """True when a zip reader would find entries in this file (a zip hidden behind other data)."""
    try:
        with zipfile.ZipFile(f) as zf:
            return bool(zf.infolist())
    except Exception:  # any failure means "not a usable zip", which is all we ask
        return False
    finally:
        f.seek(0)


def _not_gzip(head: bytes) -> str:
    start = head.lstrip()[:16].lower()
    if head.startswith(b"BZh"):
        what = "bzip2 data"
    elif head.startswith(b"\xfd7zXZ\x00"):
        what = "xz data"
    elif head.startswith(b"\x28\xb5\x2f\xfd"):
        what = "zstd data"
    elif start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<")):
        what = "looks like an HTML/XML page, maybe a failed download"
    elif head[257:262] == b"ustar":
        what = "an uncompressed tar"
    else:
        what = "unknown file type"
    return f"not a gzip-compressed tar ({what})"


def _name_warnings(archive: Path, fmt: str, top: str) -> list[str]:
    name = archive.name
    ext = ".zip" if fmt == "zip" else ".tar.gz"
    if not name.lower().endswith(ext):
        return [f"sdist file name {_label(name)} does not end in {ext}"]
    stem = name[: -len(ext)]
    if "-" not in stem:
        return [f"sdist file name {_label(name)} is not <name>-<version>{ext} (PEP 625)"]

    def norm(s: str) -> str:
        return re.sub(r"[-_.]+", "_", s).lower()

    if norm(stem) != norm(top):
        return [f"top-level folder {_show(top)} does not match the file name {_label(name)} (PEP 625)"]
    return []


class _Opened:
    """A fully validated archive, still open so its members can be read for extraction."""

    def __init__(self, info: SdistInfo, members: list[_Member], opener: Callable[[_Member], IO[bytes]]):
        self.info = info
        self.members = members
        self.open_member = opener


_Opener = Callable[[_Member], IO[bytes]]


def _read_tar(f: IO[bytes], limits: Limits, validator: _Validator, stack: ExitStack) -> tuple[list[_Member], _Opener]:
    if _looks_like_zip(f):
        raise _Refused("file is both gzip and zip (polyglot); refusing to guess")
    gz = stack.enter_context(gzip.GzipFile(fileobj=f, mode="rb"))
    stream = _CappedStream(gz, limits.max_total_bytes + 8192 * (limits.max_members + 2) + _CHUNK)
    # Mode "r" on a file object with no name is plain tar: the decompression is ours (gz above).
    tar = stack.enter_context(
        tarfile.TarFile(
            fileobj=cast("IO[bytes]", stream), mode="r", tarinfo=_TarInfo, encoding="utf-8", errors="surrogateescape"
        )
    )
    members: list[_Member] = []
    while True:
        ti = tar.next()
        if ti is None:
            break
        m = _tar_member(ti)
        validator.add(m)
        members.append(m)
    # Only zero padding may follow the end-of-archive marker; reading to the end also checks the
    # gzip CRC and length, and rejects garbage after the gzip stream.
    stream.seek(tar.offset)
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        if chunk.strip(b"\x00"):
            raise _Refused("data after the end-of-archive marker (hidden or corrupt members)")

    def opener(m: _Member) -> IO[bytes]:
        src = tar.extractfile(cast("tarfile.TarInfo", m.ref))
        if src is None:  # pragma: no cover - only regular files are opened
            raise _Refused(f"member {_show(m.name)}: cannot be read")
        return src

    return members, opener


def _read_zip(
    f: IO[bytes], archive: Path, limits: Limits, validator: _Validator, stack: ExitStack
) -> tuple[list[_Member], _Opener]:
    if not limits.allow_zip:
        raise _Refused(
            "zip sdist; only .tar.gz sdists are accepted (PEP 625)",
            tip="pass --allow-zip to accept legacy zip sdists",
        )
    if archive.name.lower().endswith((".tar.gz", ".tgz")):
        raise _Refused("zip data in a file named .tar.gz (ambiguous)")
    zf = stack.enter_context(zipfile.ZipFile(f))
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _Refused(f"more than {limits.max_members} members (limit)")
    members: list[_Member] = []
    for zi in infos:
        m = _zip_member(zi)
        validator.add(m)
        members.append(m)

    def opener(m: _Member) -> IO[bytes]:
        return zf.open(cast("zipfile.ZipInfo", m.ref))

    return members, opener


@contextmanager
def _open_validated(archive: Path, limits: Limits) -> Iterator[_Opened]:
    try:
        f = open(archive, "rb")  # noqa: SIM115 - closed by the ExitStack; failing here is a usage error
    except OSError as exc:
        reason = exc.strerror or _one_line(exc)
        raise UserError(f"cannot read sdist {_label(str(archive))}: {reason}", exit_code=EXIT_USAGE) from exc
    with ExitStack() as stack:
        stack.callback(f.close)
        head = f.read(512)
        f.seek(0)
        validator = _Validator(limits)
        if not head:
            raise _Refused("not a gzip-compressed tar (empty file, 0 bytes)")
        if head[:2] == b"\x1f\x8b":
            fmt = "tar.gz"
            members, opener = _read_tar(f, limits, validator, stack)
        elif head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            if head[257:262] == b"ustar":
                raise _Refused("file is both zip and tar (polyglot); refusing to guess")
            fmt = "zip"
            members, opener = _read_zip(f, archive, limits, validator, stack)
        else:
            raise _Refused(_not_gzip(head))
        top = validator.finish()
        info = SdistInfo(
            archive=archive,
            format=fmt,
            top=top,
            members=validator.count,
            total_bytes=validator.total,
            warnings=tuple(_name_warnings(archive, fmt, top)),
        )
        yield _Opened(info, members, opener)


@contextmanager
def _user_errors(label: str) -> Iterator[None]:
    try:
        yield
    except _Refused as exc:
        raise UserError(f"refusing sdist {label}: {exc}", exit_code=EXIT_UNSAFE_SDIST, tip=exc.tip) from exc
    except _WriteFailed as exc:
        raise UserError(f"could not unpack sdist {label}: {exc}", exit_code=EXIT_OUTPUT) from exc
    except _READ_ERRORS as exc:
        raise UserError(
            f"refusing sdist {label}: truncated or corrupt archive ({type(exc).__name__}: {_one_line(exc)})",
            exit_code=EXIT_UNSAFE_SDIST,
        ) from exc


# --------------------------------------------------------------------------- writing

_O_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class _Writer:
    """Creates files and folders under dest_real, remembering each so a failure can undo them."""

    def __init__(self, dest_real: str, limits: Limits) -> None:
        self.root = dest_real
        self.limits = limits
        self.created: list[tuple[str, bool]] = []  # (path, is_dir), in creation order
        self.dirs: dict[str, str] = {"": dest_real}
        self.total = 0

    def path(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/"))

    def ensure_dir(self, rel: str) -> str:
        known = self.dirs.get(rel)
        if known is not None:
            return known
        self.ensure_dir(rel.rpartition("/")[0])
        p = self.path(rel)
        try:
            os.mkdir(p, 0o700)
        except FileExistsError as exc:
            raise _Refused(f"member {_show(rel)}: collides with another entry on this file system") from exc
        except OSError as exc:
            raise _WriteFailed(f"cannot create folder {_show(rel)}: {exc.strerror or exc}") from exc
        self.created.append((p, True))
        if os.path.normcase(os.path.realpath(p)) != os.path.normcase(p):
            raise _Refused(f"member {_show(rel)}: resolves outside the extraction folder")
        self.dirs[rel] = p
        return p

    def write_file(self, rel: str, src: IO[bytes], mode: int, mtime: float | None) -> None:
        p = self.path(rel)
        try:
            fd = os.open(p, _O_FLAGS, 0o600)
        except FileExistsError as exc:
            raise _Refused(f"member {_show(rel)}: collides with another entry on this file system") from exc
        except OSError as exc:
            raise _WriteFailed(f"cannot create {_show(rel)}: {exc.strerror or exc}") from exc
        self.created.append((p, False))
        lim = self.limits
        written = 0
        try:
            with open(fd, "wb") as out:
                while True:
                    try:
                        chunk = src.read(_CHUNK)
                    except _READ_ERRORS as exc:
                        raise _Refused(
                            f"member {_show(rel)}: truncated or corrupt archive "
                            f"({type(exc).__name__}: {_one_line(exc)})"
                        ) from exc
                    if not chunk:
                        break
                    written += len(chunk)
                    self.total += len(chunk)
                    if written > lim.max_member_bytes:
                        raise _Refused(f"member {_show(rel)}: more than {lim.max_member_bytes} bytes (limit)")
                    if self.total > lim.max_total_bytes:
                        raise _Refused(f"archive expands to more than {lim.max_total_bytes} bytes (limit)")
                    out.write(chunk)
            os.chmod(p, 0o755 if mode & 0o111 else 0o644)
            if mtime is not None and _MIN_MTIME <= mtime <= time.time() + 86400:
                os.utime(p, (mtime, mtime))
        except OSError as exc:
            raise _WriteFailed(f"cannot write {_show(rel)}: {exc.strerror or exc}") from exc

    def symlink(self, rel: str, link: str, target_rel: str) -> None:
        p = self.path(rel)
        try:
            os.symlink(link, p)
        except FileExistsError as exc:
            raise _Refused(f"member {_show(rel)}: collides with another entry on this file system") from exc
        except (OSError, NotImplementedError):
            # No symlink privilege (Windows) or no symlinks at all: a copy of the target will do.
            self.copy(rel, target_rel)
            return
        self.created.append((p, False))

    def copy(self, rel: str, source_rel: str) -> None:
        source = self.path(source_rel)
        try:
            src = open(source, "rb")  # noqa: SIM115 - closed right below
            mode = os.stat(source).st_mode
        except OSError as exc:
            raise _WriteFailed(f"cannot read back {_show(source_rel)}: {exc.strerror or exc}") from exc
        with src:
            self.write_file(rel, src, mode, None)

    def finish_dirs(self) -> None:
        for p, is_dir in self.created:
            if is_dir:
                try:
                    os.chmod(p, 0o755)
                except OSError as exc:
                    raise _WriteFailed(f"cannot set folder mode: {exc.strerror or exc}") from exc

    def undo(self) -> None:
        for p, is_dir in reversed(self.created):
            try:
                if is_dir:
                    os.rmdir(p)
                else:
                    os.unlink(p)
            except OSError:
                pass
        self.created.clear()


def _extract(opened: _Opened, writer: _Writer) -> None:
    links: list[_Member] = []
    for m in opened.members:
        writer.ensure_dir(m.name.rpartition("/")[0])
        if m.kind == "dir":
            writer.ensure_dir(m.name)
        elif m.kind == "file":
            with opened.open_member(m) as src:
                writer.write_file(m.name, src, m.mode, m.mtime)
        elif m.kind == "hardlink":
            writer.copy(m.name, m.link)
        else:
            links.append(m)
    for m in links:  # last, so nothing is ever written through a link
        writer.symlink(m.name, m.link, m.target)
    writer.finish_dirs()


# --------------------------------------------------------------------------- public API


def inspect_sdist(archive: Path, limits: Limits = DEFAULT_LIMITS) -> SdistInfo:
    """Validate every member of ``archive`` without writing anything; raise ``UserError`` (exit 3)."""
    archive = Path(archive)
    with _user_errors(_label(archive.name)), _open_validated(archive, limits) as opened:
        return opened.info


PEEK_FILE_BYTES = 1024 * 1024


def peek_sdist(archive: Path, names: tuple[str, ...] = ("PKG-INFO", "pyproject.toml"), *,
               max_bytes: int = 64 * 1024 * 1024, max_members: int = 5000) -> dict[str, str] | None:
    """The texts of `names` in a .tar.gz sdist's top folder, read without validating or extracting it.

    `build` starts installing the declared build requirements from them while `unpack_sdist` (which
    checks every member first) runs: a peek, not a replacement; everything after the install reads
    the unpacked copy, and a refused archive still ends the build. Reads at most `max_members`
    headers, `max_bytes` decompressed and PEEK_FILE_BYTES of each file, and stops once all are found.
    None when the archive is not a .tar.gz, is unreadable, holds more than one top folder before
    the files, exceeds a bound, or has no PKG-INFO (not an sdist).
    """
    if not archive.name.lower().endswith((".tar.gz", ".tgz")):
        return None
    found: dict[str, str] = {}
    try:
        with open(archive, "rb") as f, gzip.GzipFile(fileobj=f, mode="rb") as gz:
            tar = tarfile.TarFile(fileobj=cast("IO[bytes]", _CappedStream(gz, max_bytes)), mode="r",
                                  encoding="utf-8", errors="surrogateescape")
            top = ""
            for _ in range(max_members):
                ti = tar.next()
                if ti is None:
                    break
                first, _, rest = ti.name.partition("/")
                top = top or first
                if first != top:
                    return None
                if rest in names and rest not in found and ti.isreg() and ti.size <= PEEK_FILE_BYTES:
                    member = tar.extractfile(ti)
                    if member is None:
                        return None
                    found[rest] = member.read(PEEK_FILE_BYTES).decode("utf-8", errors="replace")
                    if len(found) == len(names):
                        break
            else:
                return None
    except (OSError, EOFError, ValueError, tarfile.TarError, zlib.error, _Refused):
        return None
    return found if "PKG-INFO" in found else None


def _check_dest(dest: Path, label: str) -> None:
    where = _label(str(dest))
    tip = "give an empty folder (or let builddoctor create a temporary one)"
    if not dest.is_dir():
        what = "is not a folder" if dest.exists() else "does not exist"
        raise UserError(f"cannot unpack {label}: extract folder {where} {what}", exit_code=EXIT_USAGE, tip=tip)
    try:
        with os.scandir(dest) as it:
            non_empty = any(True for _ in it)
    except OSError as exc:
        raise UserError(
            f"cannot unpack {label}: extract folder {where} is unreadable ({exc.strerror or exc})",
            exit_code=EXIT_USAGE,
        ) from exc
    if non_empty:
        raise UserError(
            f"cannot unpack {label}: extract folder {where} is not empty", exit_code=EXIT_USAGE, tip=tip
        )


def unpack_sdist(
    archive: Path,
    dest: Path,
    limits: Limits = DEFAULT_LIMITS,
    *,
    on_warning: Callable[[str], None] | None = None,
) -> Path:
    """Validate all of ``archive``, then extract it into the empty folder ``dest``.

    Returns ``dest / <top-level folder>``. Raises ``UserError``: exit 2 if ``dest`` is missing or
    not empty or the archive cannot be opened, exit 3 if the archive breaks any rule (nothing is
    left in ``dest``), exit 6 if writing fails. Name-convention warnings go to ``on_warning``.
    """
    archive = Path(archive)
    dest = Path(dest)
    label = _label(archive.name)
    _check_dest(dest, label)
    writer = _Writer(os.path.realpath(dest), limits)
    with _user_errors(label), _open_validated(archive, limits) as opened:
        if on_warning is not None:
            for warning in opened.info.warnings:
                on_warning(warning)
        try:
            _extract(opened, writer)
        except BaseException:
            writer.undo()
            raise
        return dest / opened.info.top
