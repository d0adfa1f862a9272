"""builddoctor.binfmt: machine type from PE / ELF / Mach-O headers, real and crafted."""
from __future__ import annotations

import importlib.util
import os
import platform
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builddoctor import arch
from builddoctor.binfmt import HEADER_BYTES, BinaryFormatError, BinaryInfo, identify, identify_file

# Constants from the PE format, <mach-o/loader.h> and the ELF header, spelled out independently of the code.
PE_AMD64, PE_ARM64, PE_I386, PE_ARM64EC = 0x8664, 0xAA64, 0x014C, 0xA641
CPU_X86_64, CPU_ARM64 = 0x01000007, 0x0100000C


def names(info: BinaryInfo | None) -> list[str]:
    assert info is not None
    return [a.name for a in info.arches]


def pe(machine: int, opt_magic: int = 0x20B, lfanew: int = 0x80) -> bytes:
    dos = bytearray(lfanew)
    dos[:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", lfanew)
    coff = struct.pack("<HHIIIHH", machine, 1, 0, 0, 0, 0xF0, 0x22)  # 20-byte COFF file header
    return bytes(dos) + b"PE\0\0" + coff + struct.pack("<H", opt_magic) + bytes(200)


def elf(machine: int, elf_class: int = 2, data: int = 1) -> bytes:
    order = "<" if data == 1 else ">"
    ident = b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(9)
    return ident + struct.pack(order + "HHI", 3, machine, 1) + bytes(40)


def macho(cputype: int, magic: int = 0xFEEDFACF, order: str = "<") -> bytes:
    return struct.pack(order + "IiiI", magic, cputype, 0, 6) + bytes(24)


def fat(*cputypes: int, magic: int = 0xCAFEBABE, count: int | None = None) -> bytes:
    n = len(cputypes) if count is None else count
    if magic == 0xCAFEBABE:  # fat_arch: 20 bytes
        records = [struct.pack(">iiIII", c, 0, 0x4000 * (i + 1), 0x1000, 14) for i, c in enumerate(cputypes)]
    else:  # fat_arch_64: 32 bytes (u64 offset and size, then align and reserved)
        records = [
            struct.pack(">iiQQII", c, 0, 0x4000 * (i + 1), 0x1000, 14, 0) for i, c in enumerate(cputypes)
        ]
    body = b"".join(records)
    return struct.pack(">II", magic, n) + body


# --- real binaries on this machine -------------------------------------------------------------

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs ELF binaries")


@pytest.fixture
def native() -> arch.Arch:
    found = arch.parse(platform.machine())  # x86_64 on the development machine
    assert found is not None, platform.machine()
    return found


@linux_only
def test_running_interpreter_is_native_elf(native: arch.Arch) -> None:
    info = identify_file(os.path.realpath(sys.executable))
    assert info is not None and info.format == "elf"
    assert names(info) == [native.name]
    assert info.bits == native.bits


@linux_only
def test_bin_ls(native: arch.Arch) -> None:
    assert names(identify_file("/bin/ls")) == [native.name]


def _setuptools_exe(name: str) -> Path:
    spec = importlib.util.find_spec("setuptools")
    if spec is None or spec.origin is None:
        pytest.skip("setuptools not installed")
    path = Path(spec.origin).with_name(name)
    if not path.is_file():
        pytest.skip(f"setuptools has no {name}")
    return path


@pytest.mark.parametrize(
    ("exe", "expected", "bits"),
    [("cli-64.exe", "x86_64", 64), ("cli-arm64.exe", "aarch64", 64), ("cli-32.exe", "x86", 32)],
)
def test_real_pe_launchers_from_setuptools(exe: str, expected: str, bits: int) -> None:
    info = identify_file(_setuptools_exe(exe))
    assert info is not None and info.format == "pe" and info.bits == bits
    assert names(info) == [expected]


# --- crafted headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("machine", "expected"),
    [(PE_AMD64, "x86_64"), (PE_ARM64, "aarch64"), (PE_I386, "x86"), (PE_ARM64EC, "aarch64")],
)
def test_crafted_pe(machine: int, expected: str) -> None:
    info = identify(pe(machine))
    assert names(info) == [expected]
    assert info is not None and info.format == "pe" and info.machine_codes == (machine,)


def test_pe_bits_come_from_optional_header() -> None:
    assert identify(pe(PE_I386, opt_magic=0x10B)) == BinaryInfo("pe", (arch.get("x86"),), (PE_I386,), 32)
    assert identify(pe(PE_AMD64, opt_magic=0x20B)) == BinaryInfo("pe", (arch.get("x86_64"),), (PE_AMD64,), 64)


def test_unknown_pe_machine_has_no_arch_but_keeps_code() -> None:
    assert identify(pe(0x9041, opt_magic=0)) == BinaryInfo("pe", (), (0x9041,), None)


@pytest.mark.parametrize(
    ("blob", "expected", "bits"),
    [
        (macho(CPU_ARM64), "aarch64", 64),
        (macho(CPU_X86_64), "x86_64", 64),
        (macho(CPU_X86_64, magic=0xFEEDFACF, order=">"), "x86_64", 64),  # big-endian thin
        (macho(7, magic=0xFEEDFACE), "x86", 32),
        (elf(183), "aarch64", 64),
        (elf(21, data=2), "ppc64", 64),
        (elf(40, elf_class=1), "arm", 32),
    ],
)
def test_crafted_thin_headers(blob: bytes, expected: str, bits: int) -> None:
    info = identify(blob)
    assert names(info) == [expected]
    assert info is not None and info.bits == bits


def test_universal2_fat_has_both_slices() -> None:
    info = identify(fat(CPU_X86_64, CPU_ARM64))
    assert info is not None and info.format == "macho-fat"
    assert names(info) == ["x86_64", "aarch64"]
    assert info.machine_codes == (CPU_X86_64, CPU_ARM64) and info.bits == 64


def test_fat64_and_unknown_slice() -> None:
    info = identify(fat(CPU_ARM64, 18, magic=0xCAFEBABF))  # 18 = CPU_TYPE_POWERPC, not in our table
    assert info is not None and names(info) == ["aarch64"]
    assert info.machine_codes == (CPU_ARM64, 18) and info.bits is None


def test_java_class_file_is_not_macho() -> None:
    java = struct.pack(">IHH", 0xCAFEBABE, 0, 52) + bytes(100)  # minor 0, major 52 (Java 8)
    assert identify(java) is None
    assert identify(struct.pack(">IHH", 0xCAFEBABE, 3, 45) + bytes(100)) is None


@pytest.mark.parametrize(
    "blob",
    [b"", b"#!/usr/bin/env python3\nprint('hi')\n", b"\x00" * 100, b"PK\x03\x04" + bytes(40), b"ELF\x7f"],
)
def test_not_a_binary(blob: bytes) -> None:
    assert identify(blob) is None


def test_source_files_are_not_binaries(tmp_path: Path) -> None:
    assert identify_file(Path(__file__)) is None


# --- malformed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blob",
    [
        b"MZ",  # no e_lfanew
        pe(PE_AMD64)[:0x84],  # cut inside the COFF header
        pe(PE_AMD64)[:0x80] + b"NE\0\0" + bytes(40),  # not a PE signature
        pe(PE_AMD64, lfanew=0x40)[:0x3C] + struct.pack("<I", 0x7FFFFFF0) + bytes(100),  # past the end
        elf(62)[:10],
        b"\x7fELF" + bytes([3, 1]) + bytes(20),  # invalid EI_CLASS
        macho(CPU_ARM64)[:6],
        fat(CPU_X86_64, CPU_ARM64)[:20],  # second record missing
        fat(count=0),
        fat(magic=0xCAFEBABF, count=10**6),
    ],
)
def test_malformed_raises_binary_format_error(blob: bytes) -> None:
    with pytest.raises(BinaryFormatError):
        identify(blob)


def test_absurd_fat_count_is_not_a_universal_binary() -> None:
    # 0xCAFEBABE with an nfat_arch no real fat file has: a Java class file or junk, never an error.
    assert identify(fat(CPU_ARM64, count=10**6)) is None


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.exe"
    with pytest.raises(BinaryFormatError, match=r"nope\.exe") as exc:
        identify_file(missing)
    assert "\n" not in str(exc.value)
    with pytest.raises(BinaryFormatError, match=str(tmp_path.name)):
        identify_file(tmp_path)  # a directory


def test_identify_file_reads_a_bounded_prefix(tmp_path: Path) -> None:
    # The PE header sits beyond HEADER_BYTES: identify() on the whole file finds it, identify_file
    # only looks at the prefix and reports the header as out of reach instead of reading it all.
    blob = pe(PE_ARM64, lfanew=HEADER_BYTES + 16)
    (tmp_path / "big.exe").write_bytes(blob)
    assert names(identify(blob)) == ["aarch64"]
    with pytest.raises(BinaryFormatError):
        identify_file(tmp_path / "big.exe")


# --- fuzz ---------------------------------------------------------------------------------------

VALID = [pe(PE_AMD64), elf(62), elf(21, data=2), macho(CPU_ARM64), macho(7, 0xFEEDFACE, ">"),
         fat(CPU_X86_64, CPU_ARM64), fat(CPU_ARM64, magic=0xCAFEBABF)]


def _only_allowed_outcomes(blob: bytes) -> None:
    try:
        result = identify(blob)
    except BinaryFormatError as e:
        assert e.message and "\n" not in e.message
    else:
        assert result is None or isinstance(result, BinaryInfo)


@settings(max_examples=500)
@given(st.binary(max_size=512))
def test_fuzz_random_bytes(blob: bytes) -> None:
    _only_allowed_outcomes(blob)


@settings(max_examples=1000)
@given(st.sampled_from(VALID), st.integers(min_value=0, max_value=300), st.binary(max_size=300))
def test_fuzz_valid_prefix_then_random(header: bytes, cut: int, tail: bytes) -> None:
    _only_allowed_outcomes(header[:cut] + tail)
    _only_allowed_outcomes(header[:4] + tail)
