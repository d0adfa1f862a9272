"""The header reader on objects and libraries that the real gcc, clang and aarch64 cross gcc build here."""
from __future__ import annotations

import platform
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_tool

from builddoctor import arch
from builddoctor.binfmt import identify_file

PE_AMD64 = 0x8664
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs ELF binaries")


def names(info):
    assert info is not None
    return [a.name if a else None for a in info.arches]


@pytest.fixture
def native() -> arch.Arch:
    found = arch.parse(platform.machine())
    assert found is not None, platform.machine()
    return found


def compile_c(tmp_path: Path, cmd: list[str], out: str, *extra: str) -> Path:
    src = tmp_path / "m.c"
    src.write_text("int answer(void) { return 42; }\n")
    target = tmp_path / out
    subprocess.run([*cmd, *extra, str(src), "-o", str(target)], check=True, capture_output=True)
    return target



@linux_only
def test_gcc_shared_object_is_native(tmp_path: Path, native: arch.Arch) -> None:
    need_tool("gcc", tmp_path)
    so = compile_c(tmp_path, ["gcc", "-shared", "-fPIC"], "libm.so")
    assert names(identify_file(so)) == [native.name]


def test_cross_gcc_shared_object_is_aarch64(tmp_path: Path) -> None:
    need_tool("aarch64-linux-gnu-gcc", tmp_path)
    so = compile_c(tmp_path, ["aarch64-linux-gnu-gcc", "-shared", "-fPIC"], "libm.so")
    info = identify_file(so)
    assert names(info) == ["aarch64"]
    assert info is not None and info.bits == 64 and info.machine_codes == (183,)


@pytest.mark.parametrize(
    ("target", "fmt", "expected", "bits"),
    [
        ("aarch64-apple-darwin", "macho", "aarch64", 64),
        ("x86_64-apple-darwin", "macho", "x86_64", 64),
        ("i686-linux-gnu", "elf", "x86", 32),
        ("powerpc64-linux-gnu", "elf", "ppc64", 64),  # big-endian ELF: e_machine read as BE
        ("powerpc64le-linux-gnu", "elf", "ppc64le", 64),
    ],
)
def test_clang_objects(tmp_path: Path, target: str, fmt: str, expected: str, bits: int) -> None:
    need_tool("clang", tmp_path)
    obj = compile_c(tmp_path, ["clang", f"--target={target}", "-c"], "m.o")
    info = identify_file(obj)
    assert info is not None and info.format == fmt and info.bits == bits
    assert names(info) == [expected]


def test_clang_coff_object_is_not_a_pe_image(tmp_path: Path) -> None:
    # A bare COFF .obj has no MZ/PE signature (it starts with the Machine field): not identified.
    need_tool("clang", tmp_path)
    obj = compile_c(tmp_path, ["clang", "--target=x86_64-pc-windows-msvc", "-c"], "m.obj")
    assert obj.read_bytes()[:2] == struct.pack("<H", PE_AMD64)
    assert identify_file(obj) is None
