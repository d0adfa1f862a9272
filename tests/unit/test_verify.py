"""verify_wheel: a wheel whose binaries do not match its tag (or the interpreter) is refused, culprit named."""
from __future__ import annotations

import struct
import zipfile

import pytest
from conftest import small_wheel as wheel
from packaging import tags as ptags

from builddoctor import arch
from builddoctor.builder.run import place_wheel
from builddoctor.builder.verify import verify_wheel
from builddoctor.errors import UserError
from builddoctor.target import Target

LINUX_X64 = Target("linux", arch.get("x86_64"), "gnu", "manylinux_2_36_x86_64")
WIN_X64 = Target("windows", arch.get("x86_64"), "", "win_amd64")
MAC_ARM64 = Target("macos", arch.get("aarch64"), "", "macosx_11_0_arm64", universal2=True)
PE_AMD64, PE_ARM64 = 0x8664, 0xAA64
CPU_X86_64, CPU_ARM64 = 0x01000007, 0x0100000C


def supported(platforms: list[str], version: tuple[int, int] = (3, 12)) -> list[ptags.Tag]:
    abi = f"cp{version[0]}{version[1]}"
    return [*ptags.cpython_tags(version, [abi], platforms), *ptags.compatible_tags(version, abi, platforms)]


LINUX_TAGS = supported(["manylinux_2_36_x86_64", "manylinux_2_17_x86_64", "linux_x86_64"])
WIN_TAGS = supported(["win_amd64"])
MAC_TAGS = supported(["macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_10_9_universal2"])


def pe(machine: int) -> bytes:
    dos = bytearray(0x80)
    dos[:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    coff = struct.pack("<HHIIIHH", machine, 1, 0, 0, 0, 0xF0, 0x22)
    return bytes(dos) + b"PE\0\0" + coff + struct.pack("<H", 0x20B) + bytes(200)


def macho(cputype: int) -> bytes:
    return struct.pack("<IiiI", 0xFEEDFACF, cputype, 0, 6) + bytes(24)


def fat(*cputypes: int) -> bytes:
    """A fat file whose records point at real (header-only) slices, as lipo writes them."""
    records = [struct.pack(">iiIII", c, 0, 0x4000 * (i + 1), 0x1000, 14) for i, c in enumerate(cputypes)]
    out = bytearray(struct.pack(">II", 0xCAFEBABE, len(cputypes)) + b"".join(records))
    for i, c in enumerate(cputypes):
        out += bytes(0x4000 * (i + 1) - len(out))
        out += macho(c).ljust(0x1000, b"\0")
    return bytes(out)


def test_an_executable_without_a_suffix_is_checked_too(tmp_path):
    w = wheel(tmp_path, "pkg-1.0-py3-none-linux_x86_64.whl", {"pkg-1.0.data/scripts/tool": pe(PE_AMD64)})
    [problem] = verify_wheel(w, LINUX_X64, LINUX_TAGS)
    assert problem == ("pkg-1.0.data/scripts/tool: a pe binary, but linux x86_64 (manylinux_2_36_x86_64) "
                       "loads elf binaries")


def test_windows_pyd_for_arm64_in_a_win_amd64_wheel(tmp_path):
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-win_amd64.whl",
              {"pkg/a.cp312-win_amd64.pyd": pe(PE_AMD64), "pkg/b.cp312-win_amd64.pyd": pe(PE_ARM64)})
    [problem] = verify_wheel(w, WIN_X64, WIN_TAGS)
    assert problem.startswith("pkg/b.cp312-win_amd64.pyd: built for aarch64, but the wheel is for x86_64")


def test_universal2_needs_both_slices(tmp_path):
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-macosx_11_0_universal2.whl",
              {"pkg/both.so": fat(CPU_X86_64, CPU_ARM64), "pkg/arm_only.so": fat(CPU_ARM64),
               "pkg/thin.dylib": macho(CPU_ARM64)})
    problems = verify_wheel(w, MAC_ARM64, MAC_TAGS)
    assert len(problems) == 2
    assert problems[0].startswith("pkg/arm_only.so: built for aarch64, but the wheel is for aarch64+x86_64")
    assert problems[1].startswith("pkg/thin.dylib: built for aarch64")


def test_an_arm64_wheel_takes_a_fat_binary_with_an_arm64_slice(tmp_path):
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
              {"pkg/fat.so": fat(CPU_X86_64, CPU_ARM64), "pkg/x86.so": macho(CPU_X86_64)})
    [problem] = verify_wheel(w, MAC_ARM64, MAC_TAGS)
    assert problem.startswith("pkg/x86.so: built for x86_64, but the wheel is for aarch64")


def test_tags_the_interpreter_does_not_take_are_refused(tmp_path):
    w = wheel(tmp_path, "pkg-1.0-cp313-cp313-linux_x86_64.whl", {})
    [problem] = verify_wheel(w, LINUX_X64, LINUX_TAGS)
    assert "cp313-cp313-linux_x86_64 are not supported by the interpreter" in problem
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-linux_aarch64.whl", {})
    assert "not supported" in verify_wheel(w, LINUX_X64, LINUX_TAGS)[0]
    assert verify_wheel(wheel(tmp_path, "pkg-1.0-py3-none-any.whl", {}), LINUX_X64, LINUX_TAGS) == []


def test_broken_inputs_are_problems_not_crashes(tmp_path):
    bad_zip = tmp_path / "pkg-1.0-py3-none-any.whl"
    bad_zip.write_bytes(b"not a zip")
    assert "not a readable zip file" in verify_wheel(bad_zip, LINUX_X64, LINUX_TAGS)[0]
    bad_name = wheel(tmp_path, "not-a-wheel.whl", {})
    assert "not a valid wheel file name" in verify_wheel(bad_name, LINUX_X64, LINUX_TAGS)[0]
    w = wheel(tmp_path, "pkg-1.0-py3-none-any.whl", {"pkg/empty.so": b"", "pkg/cut.so": b"\x7fELF\x02"})
    problems = verify_wheel(w, LINUX_X64, LINUX_TAGS)
    assert problems[0].startswith("pkg/empty.so: not a shared library or program")
    assert problems[1].startswith("pkg/cut.so: broken binary header")


def test_a_wheel_bomb_is_read_only_a_header_deep(tmp_path):
    w = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(w, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/huge.so", b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 3, 62, 1)
                    + bytes(64 * 1024 * 1024))
    assert verify_wheel(w, LINUX_X64, LINUX_TAGS) == []


def test_placing_never_replaces_a_different_wheel(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    first = tmp_path / "a" / "pkg-1.0-py3-none-any.whl"
    first.parent.mkdir()
    first.write_bytes(b"one")
    assert place_wheel(first, out, overwrite=False) == (out / first.name, True)
    same = tmp_path / "b" / first.name
    same.parent.mkdir()
    same.write_bytes(b"one")
    assert place_wheel(same, out, overwrite=False) == (out / first.name, False)  # identical: a no-op
    other = tmp_path / "c" / first.name
    other.parent.mkdir()
    other.write_bytes(b"two")
    with pytest.raises(UserError) as err:
        place_wheel(other, out, overwrite=False)
    assert err.value.exit_code == 6 and "--overwrite" in (err.value.tip or "")
    assert (out / first.name).read_bytes() == b"one"
    assert place_wheel(other, out, overwrite=True) == (out / first.name, True)
    assert (out / first.name).read_bytes() == b"two"
