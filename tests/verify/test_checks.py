"""The rules of verify on small synthetic binaries (unit tier): hybrid PE images, extension names for the
free-threaded and abi3 builds, the Python DLL, a binary in a pure wheel."""
from __future__ import annotations

import struct
from pathlib import Path

from test_hostile import elf64, macho64, wheel

from builddoctor.verify import verify_wheel


def errors(path: Path) -> list[str]:
    return [f"{f.id}: {f.title}" for f in verify_wheel(path).findings if f.severity == "error"]


def pe_hybrid(machine: int, chpe: int) -> bytes:
    """A PE32+ image with one section holding a load configuration whose CHPE metadata pointer is `chpe`."""
    dos = bytearray(0x80)
    dos[:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    coff = struct.pack("<HHIIIHH", machine, 1, 0, 0, 0, 0xF0, 0x2022)
    opt = bytearray(0xF0)
    opt[:2] = struct.pack("<H", 0x20B)
    opt[108:112] = struct.pack("<I", 16)
    opt[112 + 10 * 8:112 + 11 * 8] = struct.pack("<II", 0x1000, 0x140)  # IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG
    section = b".rdata\0\0" + struct.pack("<IIII", 0x200, 0x1000, 0x200, 0x200) + bytes(16)
    head = bytes(dos) + b"PE\0\0" + coff + bytes(opt) + section
    config = bytearray(0x200)
    config[:4] = struct.pack("<I", 0x140)
    config[0xC8:0xD0] = struct.pack("<Q", chpe)
    return head.ljust(0x200, b"\0") + bytes(config)


def test_arm64ec_and_arm64x_images_are_named(tmp_path):
    ec = pe_hybrid(0x8664, 0x180001000)  # AMD64 header + CHPE metadata: ARM64EC
    found = errors(wheel(tmp_path / "pkg-1.0-cp313-cp313-win_arm64.whl", {"pkg/_x.cp313-win_arm64.pyd": ec}))
    assert found == ["verify.arch-mismatch: pkg/_x.cp313-win_arm64.pyd: built for x86_64 (ARM64EC image), but the "
                     "wheel is for aarch64 (win_arm64)"]
    x = pe_hybrid(0xAA64, 0x180001000)  # ARM64 header + CHPE metadata: ARM64X, loads natively on ARM64
    (tmp_path / "b").mkdir()
    report = verify_wheel(wheel(tmp_path / "b" / "pkg-1.0-cp313-cp313-win_arm64.whl", {"pkg/_x.pyd": x}))
    assert [(f.id, f.severity, f.title) for f in report.findings if f.id.startswith("verify.pe")] == \
        [("verify.pe-hybrid", "ok", "pkg/_x.pyd: an ARM64X image")]
    assert not [f for f in report.findings if f.severity == "error"]
    plain = pe_hybrid(0xAA64, 0)
    report = verify_wheel(wheel(tmp_path / "pkg-1.0-py3-none-win_arm64.whl", {"pkg/_x.pyd": plain}))
    assert [s.pe_hybrid for b in report.binaries for s in b.details.slices] == [""]


def test_extension_names_the_tagged_interpreter_does_not_import(tmp_path):
    so = elf64()
    cases = {
        "pkg-1.0-cp313-cp313t-manylinux_2_17_x86_64.whl": (
            "pkg/_x.cpython-313-x86_64-linux-gnu.so", "named for CPython 3.13, but the wheel is tagged for 3.13t"),
        "pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.whl": ("pkg/_x.cpython-312-x86_64-linux-gnu.so",
                                                           "named for CPython 3.12, but the wheel is tagged for 3.13"),
        "pkg-1.0-cp314-cp314t-manylinux_2_17_x86_64.whl": ("pkg/_x.abi3.so",
                                                            "free-threaded CPython does not load abi3 extensions"),
        "pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl": ("pkg/_x.cpython-39-x86_64-linux-gnu.so",
                                                         "named for CPython 3.9 only, but the wheel is tagged abi3"),
        "pkg-1.0-cp313-cp313-musllinux_1_2_x86_64.whl": ("pkg/_x.cpython-313-aarch64-linux-musl.so",
                                                          "named for aarch64-linux-musl"),
    }
    for i, (name, (member, expected)) in enumerate(cases.items()):
        folder = tmp_path / str(i)
        folder.mkdir()
        found = [e for e in errors(wheel(folder / name, {member: so})) if e.startswith("verify.ext-suffix")]
        assert len(found) == 1 and expected in found[0], (name, found)
    # what every CPython imports: the right triplet, a musl wheel named by an older CPython (linux-gnu), abi3
    fine = {"pkg-1.0-cp313-cp313-musllinux_1_2_x86_64.whl": "pkg/_x.cpython-313-x86_64-linux-gnu.so",
            "pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl": "pkg/_x.abi3.so",
            "pkg-1.0-cp313-cp313t-manylinux_2_17_x86_64.whl": "pkg/_x.cpython-313t-x86_64-linux-gnu.so"}
    for i, (name, member) in enumerate(fine.items()):
        folder = tmp_path / f"ok{i}"
        folder.mkdir()
        assert not [e for e in errors(wheel(folder / name, {member: so})) if "ext-suffix" in e], name


def test_windows_abi3_names_and_dlls(tmp_path):
    found = errors(wheel(tmp_path / "pkg-1.0-cp39-abi3-win_amd64.whl", {"pkg/_x.abi3.pyd": pe_hybrid(0x8664, 0)}))
    assert found == ["verify.ext-suffix: pkg/_x.abi3.pyd: Windows imports only .pyd or .cpXY-PLATFORM.pyd"]


def test_a_binary_in_a_pure_wheel_is_a_warning(tmp_path):
    report = verify_wheel(wheel(tmp_path / "pkg-1.0-py3-none-any.whl", {"pkg/_x.so": elf64()}))
    assert [(f.id, f.severity) for f in report.findings if f.id not in {"verify.record", "verify.metadata"}] \
        == [("verify.binary-in-pure-wheel", "warning")]


def test_an_ios_slice_in_a_macos_wheel(tmp_path):
    ios = bytearray(macho64())
    struct.pack_into("<I", ios, 32 + 8, 2)  # LC_BUILD_VERSION platform 2 = iOS
    found = errors(wheel(tmp_path / "pkg-1.0-cp313-cp313-macosx_11_0_arm64.whl", {"pkg/_x.so": bytes(ios)}))
    assert found == ["verify.macos-platform: pkg/_x.so: built for iOS, not macOS"]
