"""Hostile and broken sdists (catalogue rows A1-A20, D8 in bad-inputs.md section 7).

Every archive is built in the test. A refusal must give the right exit code and a one-line
message naming the archive. It must also leave tmp_path exactly as it was, with dest empty, and
write nothing at all (checked by an audit hook that sees every open-for-write, mkdir and symlink).
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builddoctor import sdist as sdist_mod
from builddoctor.errors import EXIT_OUTPUT, EXIT_UNSAFE_SDIST, EXIT_USAGE, UserError
from builddoctor.sdist import Limits, SdistInfo, inspect_sdist, peek_sdist, unpack_sdist

POSIX = os.name == "posix"
PKG_INFO = b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n"

# --------------------------------------------------------------------------- write watcher

_WRITE_EVENTS = {
    "os.mkdir",
    "os.symlink",
    "os.link",
    "os.rename",
    "os.remove",
    "os.rmdir",
    "os.chmod",
    "os.utime",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class EscapedWrite(AssertionError):
    pass


@dataclass
class _Watch:
    roots: tuple[str, ...] = ()
    active: bool = False
    writes: list[tuple[str, str]] | None = None
    escapes: list[tuple[str, str]] | None = None


_WATCH = _Watch()


def _inside(path: str) -> bool:
    absolute = os.path.abspath(path)
    parent = os.path.realpath(os.path.dirname(absolute))
    return any(
        absolute.startswith(root + os.sep) and (parent == root or parent.startswith(root + os.sep))
        for root in _WATCH.roots
    )


def _hook(event: str, args: tuple[object, ...]) -> None:
    if not _WATCH.active:
        return
    if event == "open":
        path, mode, flags = [*args, None, None][:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if not writing:
            return
        targets = [path]
    elif event in _WRITE_EVENTS:
        targets = [args[1]] if event in ("os.symlink", "os.link", "os.rename") else [args[0]]
    else:
        return
    for target in targets:
        if isinstance(target, int) or target is None:  # fd-based: the fd was opened (and checked) earlier
            continue
        path = os.fsdecode(target)  # type: ignore[arg-type]
        _WATCH.active = False  # realpath below must not recurse into the hook
        try:
            inside = _inside(path)
        finally:
            _WATCH.active = True
        assert _WATCH.writes is not None and _WATCH.escapes is not None
        _WATCH.writes.append((event, path))
        if not inside:
            _WATCH.escapes.append((event, path))
            raise EscapedWrite(f"{event} outside dest: {path}")


_HOOK = {"installed": False}


class watch_writes:
    """While active, record every write and refuse (and record) any outside ``dest``."""

    def __init__(self, dest: Path) -> None:
        if not _HOOK["installed"]:
            sys.addaudithook(_hook)  # cannot be removed: installed once, gated by _WATCH.active
            _HOOK["installed"] = True
        self.roots = tuple({os.path.abspath(dest), os.path.realpath(dest)})
        self.writes: list[tuple[str, str]] = []
        self.escapes: list[tuple[str, str]] = []

    def __enter__(self) -> watch_writes:
        _WATCH.roots, _WATCH.writes, _WATCH.escapes = self.roots, self.writes, self.escapes
        _WATCH.active = True
        return self

    def __exit__(self, *exc: object) -> None:
        _WATCH.active = False


# --------------------------------------------------------------------------- archive builders


class Entry(tarfile.TarInfo):
    """A TarInfo that carries its own data (TarInfo itself has __slots__)."""

    data: bytes | None = None


def F(name: str, data: bytes = b"x\n", mode: int = 0o644) -> Entry:
    ti = Entry(name)
    ti.size, ti.mode, ti.mtime = len(data), mode, 1_700_000_000
    ti.data = data
    return ti


def D(name: str) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
    return ti


def S(name: str, target: str) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname = tarfile.SYMTYPE, target
    return ti


def H(name: str, target: str) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname = tarfile.LNKTYPE, target
    return ti


def special(name: str, kind: bytes) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = kind
    return ti


def pax(ti: tarfile.TarInfo, **headers: str) -> tarfile.TarInfo:
    ti.pax_headers = {k.replace("__", "."): v for k, v in headers.items()}
    return ti


def tar_bytes(members: list[tarfile.TarInfo], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, encoding="utf-8", errors="surrogateescape") as tar:
        for ti in members:
            data = getattr(ti, "data", None)
            tar.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def tgz(members: list[tarfile.TarInfo], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    return gzip.compress(tar_bytes(members, fmt), mtime=0)


def zip_bytes(entries: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zi = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            zi.create_system = 3
            zi.external_attr = (0o100755 if name.endswith(".sh") else 0o100644) << 16
            zf.writestr(zi, data)
        if symlink:
            zi = zipfile.ZipInfo(symlink, (2020, 1, 1, 0, 0, 0))
            zi.create_system = 3
            zi.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(zi, "/etc/passwd")
    return buf.getvalue()


def good(*extra: tarfile.TarInfo, top: str = "pkg-1.0") -> list[tarfile.TarInfo]:
    return [D(top), F(f"{top}/PKG-INFO", PKG_INFO), F(f"{top}/src/mod.py", b"print('hi')\n"), *extra]


def truncated_gzip() -> bytes:
    data = tgz(good(*(F(f"pkg-1.0/f{i}.bin", os.urandom(450)) for i in range(9))))
    return data[: len(data) // 2]


def huge_member() -> bytes:
    # Declares 20 GiB in its header; the data is not there, and must never be asked for.
    ti = tarfile.TarInfo("pkg-1.0/bomb.bin")
    ti.size = 20 * 1024**3
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for m in good():
            tar.addfile(m, io.BytesIO(m.data) if isinstance(m, Entry) and m.data is not None else None)
        tar.fileobj.write(ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))  # type: ignore[union-attr]
        tar.offset += len(ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
    return gzip.compress(buf.getvalue())


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n"


def polyglot() -> bytes:
    return tgz(good()) + zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO})


# --------------------------------------------------------------------------- harness


def listing(root: Path) -> list[tuple[str, str]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
            content = p.read_bytes().hex()[:64] if kind == "file" else ""
            out.append((str(p.relative_to(root)), kind + content))
    return sorted(out)


def layout(tmp_path: Path, data: bytes, fname: str) -> tuple[Path, Path]:
    """tmp/outer/work/dest with sentinels around dest, and the archive next to it."""
    work = tmp_path / "outer" / "work"
    dest = work / "dest"
    dest.mkdir(parents=True)
    (work / "sentinel.txt").write_text("keep")
    (tmp_path / "outer" / "sentinel.txt").write_text("keep")
    archive = tmp_path / fname
    archive.write_bytes(data)
    return archive, dest


def assert_refused(
    tmp_path: Path,
    data: bytes,
    fname: str,
    needle: str,
    *,
    limits: Limits = sdist_mod.DEFAULT_LIMITS,
    code: int = EXIT_UNSAFE_SDIST,
) -> UserError:
    archive, dest = layout(tmp_path, data, fname)
    before = listing(tmp_path)
    with watch_writes(dest) as watch, pytest.raises(UserError) as info:
        unpack_sdist(archive, dest, limits)
    err = info.value
    msg = str(err)
    assert err.exit_code == code, msg
    assert "\n" not in msg and "\r" not in msg, msg
    assert msg == err.message or "  " in msg, msg  # one line (UserError.message only collapses spaces)
    assert archive.name in msg, msg
    assert needle.lower() in msg.lower(), msg
    assert watch.escapes == []
    assert watch.writes == [], "validation failures must not write anything"
    assert listing(tmp_path) == before
    assert list(dest.iterdir()) == []
    return err


# --------------------------------------------------------------------------- refusal table

SMALL = Limits(max_member_bytes=1000, max_total_bytes=5000, max_members=50)

CASES: list = [
    # A1 traversal
    pytest.param(lambda: tgz(good(F("pkg-1.0/../../evil.txt"))), "'..' path component", id="A1-dotdot"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a/../../../../../evil.txt"))), "'..'", id="A1-deep-dotdot"),
    # A2 absolute and Windows paths
    pytest.param(lambda: tgz(good(F("/etc/cron.d/x"))), "absolute path", id="A2-absolute"),
    pytest.param(lambda: tgz(good(F("C:\\x"))), "drive path", id="A2-drive-backslash"),
    pytest.param(lambda: tgz(good(F("C:x"))), "drive path", id="A2-drive-relative"),
    pytest.param(lambda: tgz(good(F("\\\\srv\\share\\x"))), "UNC path", id="A2-unc"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/C:x"))), "':'", id="A2-nested-drive"),
    # A3-A5 symlinks
    pytest.param(lambda: tgz(good(S("pkg-1.0/etc", "/etc"))), "link to absolute path", id="A3-abs-symlink"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/c", "C:\\Windows"))), "link to drive path", id="A3-drive-symlink"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/up", "../.."), F("pkg-1.0/up/x"))), "symlink", id="A4-up-then-file"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/up", "../.."))), "leaves the sdist tree", id="A4-up-alone"),
    pytest.param(
        lambda: tgz(good(F("pkg-1.0/up/x"), S("pkg-1.0/up", "../.."))), "replaces a folder", id="A4-file-then-up"
    ),
    pytest.param(
        lambda: tgz(good(S("pkg-1.0/redir", "."), S("pkg-1.0/redir/up", ".."), F("pkg-1.0/redir/up/outside.txt"))),
        "passes through symlink",
        id="A5-chain",
    ),
    pytest.param(lambda: tgz(good(S("pkg-1.0/redir", "."))), "'.' path component", id="A5-dot-link"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/d", "src"))), "symlink to a folder", id="A5-link-to-dir"),
    pytest.param(
        lambda: tgz(good(S("pkg-1.0/a", "src/mod.py"), S("pkg-1.0/b", "a"))), "no link chains", id="A5-link-to-link"
    ),
    pytest.param(
        lambda: tgz(
            good(
                D("pkg-1.0/x"),
                D("pkg-1.0/x/y"),
                S("pkg-1.0/x/y/l1", "../../PKG-INFO"),
                S("pkg-1.0/l2", "x/y/l1/../PKG-INFO"),
            )
        ),
        "not a plain relative path",
        id="A5-lexical-vs-physical",
    ),
    pytest.param(lambda: tgz(good(S("pkg-1.0/l", "missing.txt"))), "not in the archive", id="A5-dangling"),
    # A6 hardlinks
    pytest.param(lambda: tgz(good(H("pkg-1.0/pw", "../../etc/passwd"))), "'..' path component", id="A6-hardlink-out"),
    pytest.param(lambda: tgz(good(H("pkg-1.0/pw", "/etc/passwd"))), "absolute path", id="A6-hardlink-abs"),
    pytest.param(
        lambda: tgz(good(D("pkg-1.0/deep"), S("pkg-1.0/deep/l", "../PKG-INFO"), H("pkg-1.0/h", "pkg-1.0/deep/l"))),
        "not a regular file",
        id="A6-hardlink-to-symlink",
    ),
    pytest.param(
        lambda: tgz(good(H("pkg-1.0/h", "pkg-1.0/later"), F("pkg-1.0/later"))), "not an earlier", id="A6-forward"
    ),
    # A7 specials
    pytest.param(lambda: tgz(good(special("pkg-1.0/dev", tarfile.CHRTYPE))), "character device", id="A7-chr"),
    pytest.param(lambda: tgz(good(special("pkg-1.0/blk", tarfile.BLKTYPE))), "block device", id="A7-blk"),
    pytest.param(lambda: tgz(good(special("pkg-1.0/fifo", tarfile.FIFOTYPE))), "FIFO", id="A7-fifo"),
    # A9 empty-name link chains
    pytest.param(lambda: tgz(good(S("", ".."), F("pkg-1.0/x"))), "empty name", id="A9-empty-symlink"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/", ".."), F("pkg-1.0/x"))), "empty path component", id="A9-slash-symlink"),
    pytest.param(lambda: tgz(good(S("pkg-1.0/e", ""))), "empty name", id="A9-empty-target"),
    # A10 top level
    pytest.param(lambda: tgz([*good(), D("other-1.0"), F("other-1.0/x")]), "top-level", id="A10-two-tops"),
    pytest.param(lambda: tgz([F("PKG-INFO", PKG_INFO)]), "not a folder", id="A10-no-folder"),
    pytest.param(lambda: tgz([F("../PKG-INFO", PKG_INFO)]), "top-level folder named '..'", id="A10-top-dotdot"),
    pytest.param(lambda: tgz([F("./PKG-INFO", PKG_INFO)]), "top-level folder named '.'", id="A10-top-dot"),
    pytest.param(lambda: tgz([]), "empty", id="A10-empty-archive"),
    # A11 not an sdist
    pytest.param(
        lambda: tgz([D("pkg-1.0"), F("pkg-1.0/setup.py")]), "missing 'pkg-1.0/PKG-INFO'", id="A11-no-pkg-info"
    ),
    pytest.param(lambda: tgz([D("pkg-1.0"), D("pkg-1.0/PKG-INFO")]), "PKG-INFO", id="A11-pkg-info-dir"),
    # A12 truncated gzip
    pytest.param(truncated_gzip, "truncated or corrupt", id="A12-truncated-50pct"),
    pytest.param(lambda: tgz(good())[:-4], "truncated or corrupt", id="A12-missing-trailer"),
    pytest.param(lambda: gzip.compress(b"not a tar at all" * 100), "truncated or corrupt", id="A12-gzip-not-tar"),
    pytest.param(
        lambda: gzip.compress(tar_bytes(good()) + b"\x00" * 1024 + tar_bytes([F("pkg-1.0/hidden")])),
        "after the end-of-archive",
        id="A12-hidden-after-end",
    ),
    pytest.param(lambda: tgz(good()) + b"garbage", "truncated or corrupt", id="A12-trailing-garbage"),
    # A13 not gzip
    pytest.param(lambda: b"", "not a gzip", id="A13-zero-bytes"),
    pytest.param(html_page, "HTML", id="A13-html"),
    pytest.param(lambda: __import__("bz2").compress(tar_bytes(good())), "bzip2", id="A13-bz2"),
    pytest.param(lambda: tar_bytes(good()), "uncompressed tar", id="A13-plain-tar"),
    # A14 zip
    pytest.param(lambda: zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO}), "zip sdist", id="A14-zip"),
    pytest.param(polyglot, "polyglot", id="A14-polyglot"),
    # A15 caps
    pytest.param(huge_member, "per-file limit", id="A15-declared-huge"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/big", b"0" * 1001))), "per-file limit", id="A15-member-cap", marks=()),
    pytest.param(
        lambda: tgz(good(*(F(f"pkg-1.0/f{i}", b"0" * 900) for i in range(8)))), "more than 5000", id="A15-total"
    ),
    pytest.param(
        lambda: tgz(good(*(F(f"pkg-1.0/f{i}", b"") for i in range(60)))), "more than 50 members", id="A15-count"
    ),
    pytest.param(
        lambda: tgz(good(pax(F("pkg-1.0/long"), comment="x" * (9 * 1024 * 1024)))), "extended header", id="A15-pax-bomb"
    ),
    # A16 duplicates / desync
    pytest.param(lambda: tgz(good(F("pkg-1.0/a.py", b"1"), F("pkg-1.0/a.py", b"2"))), "duplicate", id="A16-duplicate"),
    pytest.param(lambda: tgz(good(pax(F("pkg-1.0/a.py", b"0123456789"), size="5"))), "PAX size", id="A16-pax-size"),
    pytest.param(lambda: tgz(good(D("pkg-1.0/src"), D("pkg-1.0/src"))), "duplicate", id="A16-duplicate-dir"),
    pytest.param(
        lambda: tgz(good(F("pkg-1.0/f"), F("pkg-1.0/f/x"))), "is a file, not a folder", id="A16-file-as-parent"
    ),
    # A17 names
    pytest.param(lambda: tgz(good(F("pkg-1.0/a\nb"))), "control character U+000A", id="A17-newline"),
    pytest.param(lambda: tgz(good(pax(F("pkg-1.0/ab"), path="pkg-1.0/a\x00b"))), "NUL", id="A17-nul"),
    pytest.param(
        lambda: tgz(good(F("pkg-1.0/\udcff.py")), fmt=tarfile.GNU_FORMAT), "not valid UTF-8", id="A17-bad-utf8"
    ),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a\\b"))), "backslash", id="A17-backslash"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/aux.py"))), "reserved", id="A17-aux-py"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/src/CON"))), "reserved", id="A17-CON"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/com1.txt"))), "reserved", id="A17-com1"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a."))), "dot or a space", id="A17-trailing-dot"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a "))), "dot or a space", id="A17-trailing-space"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a:b"))), "':'", id="A17-colon"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a\u202eb"))), "U+202E", id="A17-bidi-override"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/a//b"))), "empty path component", id="A17-double-slash"),
    # A18 collisions and length
    pytest.param(lambda: tgz(good(F("pkg-1.0/README"), F("pkg-1.0/readme"))), "case-insensitive", id="A18-case"),
    pytest.param(
        lambda: tgz(good(F("pkg-1.0/caf\u00e9"), F("pkg-1.0/cafe\u0301"))), "case-insensitive", id="A18-nfc-nfd"
    ),
    pytest.param(lambda: tgz(good(F("pkg-1.0/Src/x.py"))), "collides", id="A18-case-parent"),
    pytest.param(lambda: tgz(good(F("pkg-1.0/" + "/".join(["d" * 20] * 14)))), "longer than 240", id="A18-300-chars"),
    # A19 malformed PAX sparse map
    pytest.param(
        lambda: tgz(good(pax(F("pkg-1.0/sparse"), GNU__sparse__map="1" * 4301))),
        "refusing sdist",
        id="A19-gnu-sparse-map",
    ),
    pytest.param(
        lambda: tgz(good(pax(F("pkg-1.0/sparse"), GNU__sparse__map="0,1", GNU__sparse__size="1"))),
        "refusing sdist",
        id="A19-sparse-member",
    ),
]


@pytest.mark.parametrize(("build", "needle"), CASES)
def test_refused(tmp_path: Path, build: Callable[[], bytes], needle: str) -> None:
    assert_refused(tmp_path, build(), "pkg-1.0.tar.gz", needle, limits=SMALL)


def test_zip_polyglot_refused_even_with_allow_zip(tmp_path: Path) -> None:
    assert_refused(tmp_path, polyglot(), "pkg-1.0.tar.gz", "polyglot", limits=Limits(allow_zip=True))


def test_zip_named_tar_gz_is_ambiguous(tmp_path: Path) -> None:
    data = zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO})
    assert_refused(tmp_path, data, "pkg-1.0.tar.gz", "ambiguous", limits=Limits(allow_zip=True))


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({"pkg-1.0/PKG-INFO": PKG_INFO, "pkg-1.0/../evil": b"x"}, "'..'"),
        ({"pkg-1.0/PKG-INFO": PKG_INFO, "pkg-1.0/a\\b": b"x"}, "backslash"),
        ({"pkg-1.0/PKG-INFO": PKG_INFO, "pkg-1.0/a\x01b": b"x"}, "U+0001"),
        ({"pkg-1.0/setup.py": b"x"}, "PKG-INFO"),
    ],
)
def test_zip_rules(tmp_path: Path, entries: dict[str, bytes], needle: str) -> None:
    assert_refused(tmp_path, zip_bytes(entries), "pkg-1.0.zip", needle, limits=Limits(allow_zip=True))


def test_zip_nul_in_name_refused(tmp_path: Path) -> None:
    # zipfile cuts names at NUL when writing, so patch the stored name (local + central header).
    data = zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO, "pkg-1.0/a#b.py": b"x"}).replace(b"a#b.py", b"a\x00b.py")
    assert_refused(tmp_path, data, "pkg-1.0.zip", "NUL", limits=Limits(allow_zip=True))


def test_zip_symlink_refused(tmp_path: Path) -> None:
    data = zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO}, symlink="pkg-1.0/evil")
    assert_refused(tmp_path, data, "pkg-1.0.zip", "zip symlink", limits=Limits(allow_zip=True))


def test_zip_refused_message_has_tip(tmp_path: Path) -> None:
    err = assert_refused(tmp_path, zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO}), "pkg-1.0.zip", "zip")
    assert err.tip and "--allow-zip" in err.tip


# --------------------------------------------------------------------------- D8 and usage errors


@pytest.mark.parametrize("state", ["non-empty", "missing", "is-a-file"])
def test_d8_dest_must_be_an_empty_folder(tmp_path: Path, state: str) -> None:
    archive = tmp_path / "pkg-1.0.tar.gz"
    archive.write_bytes(tgz(good()))
    dest = tmp_path / "dest"
    if state == "non-empty":
        dest.mkdir()
        (dest / "keep.txt").write_text("mine")
    elif state == "is-a-file":
        dest.write_text("mine")
    before = listing(tmp_path)
    with pytest.raises(UserError) as info:
        unpack_sdist(archive, dest)
    assert info.value.exit_code == EXIT_USAGE
    assert "\n" not in str(info.value) and archive.name in str(info.value)
    assert listing(tmp_path) == before


def test_missing_archive_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "dest").mkdir()
    with pytest.raises(UserError) as info:
        unpack_sdist(tmp_path / "nope-1.0.tar.gz", tmp_path / "dest")
    assert info.value.exit_code == EXIT_USAGE
    assert "nope-1.0.tar.gz" in str(info.value)


# --------------------------------------------------------------------------- good archives


def test_good_sdist_extracts_with_data_filter_modes(tmp_path: Path) -> None:
    members = good(
        F("pkg-1.0/bin/tool.sh", b"#!/bin/sh\n", mode=0o4777),  # A8: setuid + world-writable
        F("pkg-1.0/sgid.py", b"x", mode=0o2775),
        F("pkg-1.0/sticky.txt", b"y", mode=0o1666),
        F("pkg-1.0/plain.txt", b"z", mode=0o600),
        D("pkg-1.0/empty"),
        H("pkg-1.0/copy.py", "pkg-1.0/src/mod.py"),
    )
    archive, dest = layout(tmp_path, tgz(members), "pkg-1.0.tar.gz")
    with watch_writes(dest) as watch:
        top = unpack_sdist(archive, dest)
    assert watch.escapes == [] and watch.writes
    assert top == dest / "pkg-1.0"
    assert (top / "PKG-INFO").read_bytes() == PKG_INFO
    assert (top / "src" / "mod.py").read_bytes() == b"print('hi')\n"
    assert (top / "copy.py").read_bytes() == b"print('hi')\n"
    assert (top / "empty").is_dir()
    if POSIX:
        modes = {
            p: stat.S_IMODE((top / p).stat().st_mode) for p in ("bin/tool.sh", "sgid.py", "sticky.txt", "plain.txt")
        }
        assert modes == {"bin/tool.sh": 0o755, "sgid.py": 0o755, "sticky.txt": 0o644, "plain.txt": 0o644}
        assert stat.S_IMODE((top / "empty").stat().st_mode) == 0o755
        assert (top / "PKG-INFO").stat().st_mtime == 1_700_000_000


def test_inspect_reports_counts_without_writing(tmp_path: Path) -> None:
    archive, dest = layout(tmp_path, tgz(good(F("pkg-1.0/b", b"12345"))), "pkg-1.0.tar.gz")
    with watch_writes(dest) as watch:
        info = inspect_sdist(archive, Limits())
    assert watch.writes == []
    assert info == SdistInfo(
        archive=archive, format="tar.gz", top="pkg-1.0", members=4, total_bytes=len(PKG_INFO) + 12 + 5, warnings=()
    )


def test_a20_awkward_paths(tmp_path: Path) -> None:
    base = tmp_path / "Laura Fr\u00f8lich" / "pkg (1)"
    base.mkdir(parents=True)
    archive = base / "foo-1.0.tar.gz"
    name = "foo-1.0/donn\u00e9es (copie) \u4e2d\u6587.txt"
    archive.write_bytes(tgz(good(F(name, "ø".encode()), top="foo-1.0")))
    dest = base / "extract here (x86)"
    dest.mkdir()
    with watch_writes(dest) as watch:
        top = unpack_sdist(archive, dest)
    assert watch.escapes == []
    assert top == dest / "foo-1.0"
    assert (dest / name).read_bytes() == "ø".encode()


def test_in_tree_relative_symlink_allowed(tmp_path: Path) -> None:
    members = good(S("pkg-1.0/link.py", "src/mod.py"), D("pkg-1.0/sub"), S("pkg-1.0/sub/up", "../PKG-INFO"))
    archive, dest = layout(tmp_path, tgz(members), "pkg-1.0.tar.gz")
    with watch_writes(dest) as watch:
        top = unpack_sdist(archive, dest)
    assert watch.escapes == []
    assert (top / "link.py").read_bytes() == b"print('hi')\n"
    assert (top / "sub" / "up").read_bytes() == PKG_INFO
    if POSIX:
        assert os.readlink(top / "link.py") == "src/mod.py"


def test_zip_allowed_when_asked(tmp_path: Path) -> None:
    data = zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO, "pkg-1.0/run.sh": b"#!/bin/sh\n", "pkg-1.0/a/b.py": b"b"})
    archive, dest = layout(tmp_path, data, "pkg-1.0.zip")
    top = unpack_sdist(archive, dest, Limits(allow_zip=True))
    assert (top / "a" / "b.py").read_bytes() == b"b"
    if POSIX:
        assert stat.S_IMODE((top / "run.sh").stat().st_mode) == 0o755
        assert stat.S_IMODE((top / "PKG-INFO").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("fname", "top", "warned"),
    [
        ("pkg-1.0.tar.gz", "pkg-1.0", False),
        ("Foo_Bar-1.0.tar.gz", "foo-bar-1.0", False),
        ("foo.tar.gz", "foo-1.0", True),  # A11: no version in the name
        ("Foo_Bar-1.0.tar.gz", "foo-bar-2.0", True),  # A11: name and folder disagree
        ("pkg-1.0 (1).tar.gz", "pkg-1.0", True),  # browser's duplicate-download suffix
        ("pkg-1.0.tgz", "pkg-1.0", True),
    ],
)
def test_a11_name_mismatch_is_a_warning(tmp_path: Path, fname: str, top: str, warned: bool) -> None:
    archive, dest = layout(tmp_path, tgz(good(top=top)), fname)
    info = inspect_sdist(archive, Limits())
    assert bool(info.warnings) == warned, info.warnings
    seen: list[str] = []
    assert unpack_sdist(archive, dest, on_warning=seen.append) == dest / top
    assert seen == list(info.warnings)
    assert all("\n" not in w for w in seen)


# --------------------------------------------------------------------------- failures while writing


def test_failure_during_extraction_removes_partial_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = good(*(F(f"pkg-1.0/d{i}/f.txt", b"data") for i in range(5)))
    archive, dest = layout(tmp_path, tgz(members), "pkg-1.0.tar.gz")
    before = listing(tmp_path)
    real_chmod, calls = os.chmod, []

    def flaky_chmod(path: object, mode: int, *args: object, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real_chmod(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sdist_mod.os, "chmod", flaky_chmod)
    with pytest.raises(UserError) as info:
        unpack_sdist(archive, dest)
    monkeypatch.undo()
    assert info.value.exit_code == EXIT_OUTPUT
    assert archive.name in str(info.value) and "\n" not in str(info.value)
    assert list(dest.iterdir()) == []
    assert listing(tmp_path) == before


def test_bytes_written_are_capped_even_if_headers_lie(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive, dest = layout(tmp_path, tgz(good(F("pkg-1.0/big", b"0" * 3000))), "pkg-1.0.tar.gz")
    real_add = sdist_mod._Validator.add

    def lenient_add(self: sdist_mod._Validator, m: sdist_mod._Member) -> None:
        saved = m.size
        m.size = 0  # the validator is fooled; the writer must still stop at the cap
        try:
            real_add(self, m)
        finally:
            m.size = saved

    monkeypatch.setattr(sdist_mod._Validator, "add", lenient_add)
    with pytest.raises(UserError) as info:
        unpack_sdist(archive, dest, Limits(max_member_bytes=2000))
    assert info.value.exit_code == EXIT_UNSAFE_SDIST and "limit" in str(info.value)
    assert list(dest.iterdir()) == []


# --------------------------------------------------------------------------- fuzzing

PIECES = ["a", "b", "..", ".", "", "/", "\\", "C:", "link"]
SAFE_PIECES = ["a", "b", "link"]
KINDS = ["file", "dir", "symlink", "hardlink", "fifo"]


@st.composite
def member_specs(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(prefix, name, kind, link). About one member in five uses every piece; the rest only safe
    pieces, so a good share of archives extract and the link rules run on otherwise valid trees."""
    hostile = draw(st.sampled_from([False, False, False, False, True]))
    pieces = PIECES if hostile else SAFE_PIECES
    name = "/".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=4 if hostile else 3)))
    link_pieces = PIECES if hostile else ["..", *SAFE_PIECES, "PKG-INFO"]
    link = "/".join(draw(st.lists(st.sampled_from(link_pieces), min_size=1, max_size=4)))
    prefix = draw(st.sampled_from(["pkg-1.0/", ""] if hostile else ["pkg-1.0/"]))
    kind = draw(st.sampled_from(KINDS if hostile else ["file", "dir", "symlink", "hardlink"]))
    return prefix, name, kind, link


members_st = st.lists(member_specs(), max_size=6)


def _fuzz_archive(with_pkg_info: bool, spec: list[tuple[str, str, str, str]]) -> bytes:
    members = [D("pkg-1.0")] + ([F("pkg-1.0/PKG-INFO", PKG_INFO)] if with_pkg_info else [])
    for prefix, name, kind, link in spec:
        full = prefix + name
        if kind == "file":
            members.append(F(full, b"fuzz"))
        elif kind == "dir":
            members.append(D(full))
        elif kind == "symlink":
            members.append(S(full, link))
        elif kind == "hardlink":
            members.append(H(full, prefix + link))
        else:
            members.append(special(full, tarfile.FIFOTYPE))
    return tgz(members)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_pkg_info=st.sampled_from([True, True, True, False]), spec=members_st)
def test_fuzz_never_writes_outside_dest(with_pkg_info: bool, spec: list[tuple[str, str, str, str]]) -> None:
    data = _fuzz_archive(with_pkg_info, spec)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        archive = root / "pkg-1.0.tar.gz"
        archive.write_bytes(data)
        dest = root / "a" / "b" / "dest"
        dest.mkdir(parents=True)
        before = listing(root)
        with watch_writes(dest) as watch:
            try:
                top = unpack_sdist(archive, dest)
            except UserError as err:
                assert err.exit_code == EXIT_UNSAFE_SDIST, str(err)
                assert "\n" not in str(err)
                assert list(dest.iterdir()) == []
                top = None
        assert watch.escapes == []
        if top is None:
            assert listing(root) == before
        else:
            assert top.parent == dest
            real_dest = os.path.realpath(dest)
            for dirpath, dirnames, filenames in os.walk(dest):
                for name in dirnames + filenames:
                    resolved = os.path.realpath(os.path.join(dirpath, name))
                    assert resolved.startswith(real_dest + os.sep)


# --------------------------------------------------------------------------- peek (build's early read)

PYPROJECT = b'[build-system]\nrequires = ["setuptools>=70"]\nbuild-backend = "setuptools.build_meta"\n'


def _peek(tmp_path: Path, data: bytes, fname: str = "pkg-1.0.tar.gz", **kw: int) -> dict[str, str] | None:
    archive = tmp_path / fname
    archive.write_bytes(data)
    return peek_sdist(archive, **kw)  # type: ignore[arg-type]


def test_peek_reads_pkg_info_and_pyproject_without_writing(tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    texts = _peek(tmp_path, tgz(good(F("pkg-1.0/pyproject.toml", PYPROJECT))))
    assert texts == {"PKG-INFO": PKG_INFO.decode(), "pyproject.toml": PYPROJECT.decode()}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "pkg-1.0.tar.gz"])  # nothing extracted


def test_peek_without_pyproject_still_gives_pkg_info(tmp_path: Path) -> None:
    assert _peek(tmp_path, tgz(good())) == {"PKG-INFO": PKG_INFO.decode()}


@pytest.mark.parametrize("data, fname", [
    (tgz([D("pkg-1.0"), F("pkg-1.0/pyproject.toml", PYPROJECT)]), "pkg-1.0.tar.gz"),  # no PKG-INFO: not an sdist
    (tgz([D("a"), F("b/PKG-INFO", PKG_INFO), F("a/PKG-INFO", PKG_INFO)]), "pkg-1.0.tar.gz"),  # two top folders
    (tgz([D("pkg-1.0"), S("pkg-1.0/PKG-INFO", "/etc/passwd")]), "pkg-1.0.tar.gz"),  # a link, not a file
    (zip_bytes({"pkg-1.0/PKG-INFO": PKG_INFO}), "pkg-1.0.zip"),  # only .tar.gz is peeked
    (b"\x1f\x8b" + os.urandom(200), "pkg-1.0.tar.gz"),  # gzip magic, then garbage
    (html_page(), "pkg-1.0.tar.gz"),
])
def test_peek_gives_up_on_anything_but_a_plain_sdist(tmp_path: Path, data: bytes, fname: str) -> None:
    assert _peek(tmp_path, data, fname) is None


def test_peek_is_bounded(tmp_path: Path) -> None:
    late = tgz([D("pkg-1.0"), *(F(f"pkg-1.0/f{i}.txt") for i in range(50)), F("pkg-1.0/PKG-INFO", PKG_INFO)])
    assert _peek(tmp_path, late, max_members=20) is None  # PKG-INFO past the member bound
    assert _peek(tmp_path, late, max_members=100) == {"PKG-INFO": PKG_INFO.decode()}
    big = tgz(good(F("pkg-1.0/blob.bin", os.urandom(300_000)), F("pkg-1.0/pyproject.toml", PYPROJECT)))
    assert _peek(tmp_path, big, max_bytes=100_000) is None  # decompressed past the byte bound
    huge = tgz(good(F("pkg-1.0/pyproject.toml", b"#" * (2 * 1024 * 1024))))
    assert _peek(tmp_path, huge) == {"PKG-INFO": PKG_INFO.decode()}  # a file over 1 MiB is not read
    # 20 GiB declared after PKG-INFO (still looking for pyproject.toml): the byte bound, never a 20 GiB read
    assert _peek(tmp_path, huge_member()) is None
