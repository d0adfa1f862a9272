"""Hostile and broken wheels: one-line findings (exit 2 in the CLI), never a traceback, never unbounded reads.

Unit tier: every wheel and binary here is built in the test (no network, no compiler). The synthetic ELF
has real dynamic tables (DT_NEEDED, version needs, symbols) so fuzzing reaches the deep readers.
"""
from __future__ import annotations

import struct
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builddoctor.verify import verify_wheel
from builddoctor.verify.command import exit_code

LINUX = "pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.whl"
WIN = "pkg-1.0-cp313-cp313-win_amd64.whl"
MAC = "pkg-1.0-cp313-cp313-macosx_11_0_arm64.whl"


def elf64(glibc: bytes = b"GLIBC_2.17") -> bytes:
    """A small x86_64 shared object: PT_LOAD + PT_DYNAMIC, DT_NEEDED libc.so.6, a GLIBC version need, and an
    undefined PyList_New in .dynsym (counted through DT_HASH)."""
    strtab = b"\0libc.so.6\0" + glibc + b"\0PyList_New\0"
    needed_at, version_at, sym_at = 1, 11, 12 + len(glibc)
    phoff, dyn_at = 64, 64 + 2 * 56
    dyn = [(1, needed_at), (5, 0), (10, len(strtab)), (6, 0), (11, 24), (4, 0),
           (0x6FFFFFFE, 0), (0x6FFFFFFF, 1), (0, 0)]
    str_at = dyn_at + 16 * len(dyn)
    verneed_at = str_at + len(strtab)
    hash_at = verneed_at + 32
    symtab_at = hash_at + 16
    dyn = [(t, {5: str_at, 6: symtab_at, 4: hash_at, 0x6FFFFFFE: verneed_at}.get(t, v)) for t, v in dyn]
    end = symtab_at + 2 * 24
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, phoff, 0, 0, 64, 56, 2,
                                                                 64, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, end, end, 0x1000) + \
        struct.pack("<IIQQQQQQ", 2, 6, dyn_at, dyn_at, dyn_at, 16 * len(dyn), 16 * len(dyn), 8)
    dynamic = b"".join(struct.pack("<qQ", t, v) for t, v in dyn)
    verneed = struct.pack("<HHIII", 1, 1, needed_at, 16, 0) + struct.pack("<IHHII", 0, 0, 2, version_at, 0)
    hashtab = struct.pack("<IIII", 1, 2, 0, 0)
    symtab = bytes(24) + struct.pack("<IBBHQQ", sym_at, 0x12, 0, 0, 0, 0)
    data = header + phdrs + dynamic + strtab + verneed + hashtab + symtab
    assert len(data) == end
    return data


def pe64(nsections: int = 0) -> bytes:
    dos = bytearray(0x80)
    dos[:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    coff = struct.pack("<HHIIIHH", 0x8664, nsections, 0, 0, 0, 0xF0, 0x22)
    opt = bytearray(0xF0)
    opt[:2] = struct.pack("<H", 0x20B)
    opt[108:112] = struct.pack("<I", 16)
    opt[112 + 8:112 + 16] = struct.pack("<II", 0x2000, 40)  # an import table at RVA 0x2000
    return bytes(dos) + b"PE\0\0" + coff + bytes(opt)


def macho64(ncmds: int = 1, sizeofcmds: int = 24) -> bytes:
    build = struct.pack("<IIIIII", 0x32, 24, 1, 11 << 16, 11 << 16, 0)
    return struct.pack("<IiiIIIII", 0xFEEDFACF, 0x0100000C, 0, 6, ncmds, sizeofcmds, 0, 0) + build


def wheel(path: Path, members: dict[str, bytes], infos: list[zipfile.ZipInfo] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for info in infos or []:
            zf.writestr(info, b"target")
        zf.writestr("pkg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n")
    return path


def unreadable_line(path: Path) -> str:
    report = verify_wheel(path)
    assert report.unreadable and exit_code([report]) == 2
    [line] = [f.title for f in report.findings if f.id in ("verify.unreadable", "verify.binary-broken")][:1]
    assert "\n" not in line
    return line


def test_the_synthetic_binaries_are_read_like_real_ones(tmp_path):
    report = verify_wheel(wheel(tmp_path / LINUX, {"pkg/_x.cpython-313-x86_64-linux-gnu.so": elf64()}))
    [b] = report.binaries
    [s] = b.details.slices
    assert (s.needed, s.version_needs, s.py_imports) == (["libc.so.6"], ["GLIBC_2.17"], ["PyList_New"])
    assert [f.id for f in report.findings if f.severity == "error"] == []
    (tmp_path / "b").mkdir()
    too_new = wheel(tmp_path / "b" / LINUX, {"pkg/_x.so": elf64(b"GLIBC_2.99")})
    assert [f.id for f in verify_wheel(too_new).findings if f.severity == "error"] == ["verify.glibc-too-new"]


def test_a_symlink_member_is_refused(tmp_path):
    link = zipfile.ZipInfo("pkg/_x.so")
    link.external_attr = (0o120777 << 16)
    line = unreadable_line(wheel(tmp_path / LINUX, {}, [link]))
    assert line.endswith("member 'pkg/_x.so' is a symbolic link (wheels hold only files)")


@pytest.mark.parametrize("name", ["../evil.so", "/etc/evil.so", "pkg\\evil.so", "C:/evil.so"])
def test_members_escaping_the_install_folder_are_refused(tmp_path, name):
    path = tmp_path / LINUX
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"x")
    assert "would be written outside the install folder" in unreadable_line(path)


def _patch_central(path: Path, name: bytes, **fields: int) -> None:
    """Rewrite fields of one central-directory entry (what a bomb builder does)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + bytes(0))
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == name:
            for key, value in fields.items():
                struct.pack_into("<I", data, at + {"file_size": 24, "header_offset": 42}[key], value)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_by_declared_size_is_refused_without_inflating(tmp_path):
    path = wheel(tmp_path / LINUX, {"pkg/a.so": elf64()})
    _patch_central(path, b"pkg/a.so", file_size=0xFFFF0000)
    started = time.monotonic()
    assert "zip bomb" in unreadable_line(path)
    assert time.monotonic() - started < 5


def test_overlapping_members_are_refused(tmp_path):
    path = wheel(tmp_path / LINUX, {"pkg/a.so": elf64(), "pkg/b.so": elf64()})
    _patch_central(path, b"pkg/b.so", header_offset=0)
    assert "overlap in the archive (a zip bomb)" in unreadable_line(path)


def test_duplicate_members_are_refused(tmp_path):
    path = tmp_path / LINUX
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/a.so", elf64())
        zf.writestr("pkg/a.so", elf64(b"GLIBC_2.99"))
    assert unreadable_line(path).endswith("member 'pkg/a.so' appears twice")


def test_not_a_zip_and_a_bad_name_are_one_line(tmp_path):
    junk = tmp_path / LINUX
    junk.write_bytes(b"PK\x03\x04 not really")
    assert "not a readable zip file" in unreadable_line(junk)
    other = tmp_path / "setup.py.whl"
    other.write_bytes(b"")
    assert "is not a valid wheel file name" in unreadable_line(other)


@pytest.mark.parametrize(("name", "data", "expected"), [
    (LINUX, elf64()[:100], "past the end"),
    (LINUX, elf64()[:-30], "past the end"),
    (LINUX, elf64()[:60] + struct.pack("<H", 0xFF00) + elf64()[62:], "section headers"),
    (WIN, pe64(nsections=5000), "5000 sections (the Windows loader accepts at most 96)"),
    (WIN, pe64(nsections=3), "PE section table at offset"),
    (MAC, macho64(ncmds=0x7FFFFFFF), "load commands in 24 bytes"),
    (MAC, macho64(sizeofcmds=1 << 30), "load commands in"),
    (MAC, macho64()[:40], "past the end"),
    (MAC, struct.pack(">II", 0xCAFEBABE, 2) + struct.pack(">iiIII", 0x0100000C, 0, 4096, 1 << 20, 14) * 2,
     "Mach-O slice 0"),
])
def test_truncated_and_huge_headers_are_one_line_errors(tmp_path, name, data, expected):
    ext = ".pyd" if name == WIN else ".so"
    line = unreadable_line(wheel(tmp_path / name, {f"pkg/_x{ext}": data}))
    assert line.startswith(f"pkg/_x{ext}: broken binary header (") and expected in line, line


def test_the_cli_ends_hostile_input_with_exit_2_and_one_line(tmp_path):
    from conftest import run_cli

    link = zipfile.ZipInfo("pkg/_x.so")
    link.external_attr = (0o120777 << 16)
    run = run_cli("verify", str(wheel(tmp_path / LINUX, {}, [link])))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("builddoctor: error: ")
    assert "Traceback" not in run.stdout + run.stderr
    missing = run_cli("verify", str(tmp_path / "nope-1.0-py3-none-any.whl"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


SEEDS = {LINUX: elf64(), WIN: pe64(nsections=0), MAC: macho64()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(SEEDS)), cut=st.integers(0, 600),
       flips=st.lists(st.tuples(st.integers(0, 599), st.integers(0, 255)), max_size=6))
def test_fuzzed_binaries_end_in_findings_never_in_exceptions(which, cut, flips):
    data = bytearray(SEEDS[which])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    data = data[:cut] if cut < len(data) else data
    ext = ".pyd" if which == WIN else ".so"
    with tempfile.TemporaryDirectory() as tmp:
        report = verify_wheel(wheel(Path(tmp) / which, {f"pkg/_x{ext}": bytes(data)}))
    for f in report.findings:
        assert "\n" not in f.title and f.title.startswith(("pkg/", "pkg-1.0")), f.title


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_fuzzed_zip_bytes_end_in_one_line(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / LINUX
        path.write_bytes(b"PK\x03\x04" + raw)
        report = verify_wheel(path)
    assert report.unreadable
    assert all("\n" not in f.title for f in report.findings)


def test_a_big_member_is_read_in_place_with_bounded_memory(tmp_path):
    import base64
    import hashlib
    import tracemalloc

    size = 48 * 1024 * 1024  # larger than what verify decompresses into memory at once
    so = elf64()
    path = tmp_path / LINUX
    digest = hashlib.sha256(so)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("pkg/_x.cpython-313-x86_64-linux-gnu.so", "w") as out:
            out.write(so)
            chunk = bytes(1 << 20)
            for _ in range((size - len(so)) // len(chunk)):
                out.write(chunk)
                digest.update(chunk)
        written = len(so) + (size - len(so)) // (1 << 20) * (1 << 20)
        b64 = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
        wheel_file = b"Wheel-Version: 1.0\nTag: cp313-cp313-manylinux_2_17_x86_64\n"
        wheel_b64 = base64.urlsafe_b64encode(hashlib.sha256(wheel_file).digest()).rstrip(b"=").decode()
        zf.writestr("pkg-1.0.dist-info/WHEEL", wheel_file)
        zf.writestr("pkg-1.0.dist-info/RECORD", f"pkg/_x.cpython-313-x86_64-linux-gnu.so,sha256={b64},{written}\n"
                    f"pkg-1.0.dist-info/WHEEL,sha256={wheel_b64},{len(wheel_file)}\npkg-1.0.dist-info/RECORD,,\n")
    tracemalloc.start()
    report = verify_wheel(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [f.title for f in report.findings if f.severity != "ok"] == []
    assert report.binaries[0].details.slices[0].version_needs == ["GLIBC_2.17"]
    assert peak < 16 * 1024 * 1024, peak  # never the whole 48 MiB member
