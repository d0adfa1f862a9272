"""verify_wheel on extensions that the real gcc and aarch64 cross gcc build here."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import need_tool
from conftest import small_wheel as wheel
from packaging import tags as ptags

from builddoctor import arch
from builddoctor.builder.verify import verify_wheel
from builddoctor.target import Target

LINUX_X64 = Target("linux", arch.get("x86_64"), "gnu", "manylinux_2_36_x86_64")


def supported(platforms: list[str], version: tuple[int, int] = (3, 12)) -> list[ptags.Tag]:
    abi = f"cp{version[0]}{version[1]}"
    return [*ptags.cpython_tags(version, [abi], platforms), *ptags.compatible_tags(version, abi, platforms)]


LINUX_TAGS = supported(["manylinux_2_36_x86_64", "manylinux_2_17_x86_64", "linux_x86_64"])


def compile_so(tmp_path: Path, compiler: str) -> bytes:
    need_tool(compiler, tmp_path)
    src = tmp_path / "m.c"
    src.write_text("int answer(void) { return 42; }\n")
    out = tmp_path / f"m-{compiler}.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    return out.read_bytes()


def test_an_aarch64_extension_in_an_x86_64_wheel_is_refused_and_named(tmp_path):
    so = compile_so(tmp_path, "aarch64-linux-gnu-gcc")
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-linux_x86_64.whl",
              {"pkg/__init__.py": b"", "pkg/_native.cpython-312-x86_64-linux-gnu.so": so})
    [problem] = verify_wheel(w, LINUX_X64, LINUX_TAGS)
    assert problem.startswith("pkg/_native.cpython-312-x86_64-linux-gnu.so: built for aarch64")
    assert "x86_64" in problem


def test_a_matching_wheel_passes(tmp_path):
    so = compile_so(tmp_path, "gcc")
    w = wheel(tmp_path, "pkg-1.0-cp312-cp312-linux_x86_64.whl",
              {"pkg/_native.cpython-312-x86_64-linux-gnu.so": so, "pkg/.libs/libdep.so.1": so,
               "pkg/README": b"MZ is how this text starts", "pkg/data.bin": b"\xca\xfe\xba\xbe\x00\x00\x00\x37"})
    assert verify_wheel(w, LINUX_X64, LINUX_TAGS) == []
