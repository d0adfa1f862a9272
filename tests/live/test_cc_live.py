"""check against the real gcc, clang, aarch64 cross gcc and PyPI's cmake on this machine."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need_tool

from builddoctor.check import CheckResult, run_check, to_json
from builddoctor.devshell import run_devshell
from builddoctor.errors import UserError
from builddoctor.report import lines

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64",
                                 reason="the cross-compiler scenario needs an x86_64 Linux interpreter")]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
@pytest.fixture(scope="module", autouse=True)
def compilers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The compilers these tests use must really work (scripts/setup-test-machine installs them)."""
    tmp = tmp_path_factory.mktemp("probe")
    for tool in ("gcc", "clang", "aarch64-linux-gnu-gcc"):
        need_tool(tool, tmp)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The interpreter's bin folder (with PyPI's cmake) first on PATH; no compiler variables."""
    for name in ("CC", "CXX", "CFLAGS", "LDFLAGS", "ARCHFLAGS", "TARGET_CC", "CMAKE_GENERATOR_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return monkeypatch


def check(project: str | None = None) -> tuple[CheckResult, dict[str, dict], dict[str, str]]:
    result = run_check(sys.executable, project)
    found = {f["id"]: f for f in to_json(result)["findings"]}
    rows = {t.strip().split("  ")[0]: t for _, t in lines(result) if t.startswith("  ")}
    return result, found, rows


def real(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout.strip()


def test_check_sees_each_compilers_real_target(env):
    env.setenv("CC", "aarch64-linux-gnu-gcc")
    result, _, rows = check()
    by_source = {(c.source, c.command): c for c in result.facts.cc.compilers}
    assert by_source["PATH", "gcc"].target == real("gcc", "-dumpmachine")
    assert by_source["PATH", "clang"].target == real("clang", "-print-target-triple")
    assert by_source["CC", "aarch64-linux-gnu-gcc"].target == real("aarch64-linux-gnu-gcc", "-dumpmachine")
    assert by_source["CC", "aarch64-linux-gnu-gcc"].arch == "aarch64"
    assert rows["gcc on PATH"].split() == ["gcc", "on", "PATH", "gcc", "->", real("gcc", "-dumpmachine"),
                                           "x86_64", "ok"]
    assert rows["CC"].rstrip().endswith("MISMATCH")


def test_cc_naming_the_aarch64_cross_compiler_is_flagged_for_an_x86_64_python(env):
    env.setenv("CC", "aarch64-linux-gnu-gcc")
    result, found, _ = check(str(ROOT / "examples" / "setuptools-c"))
    mismatch = found["cc.env-mismatch"]
    assert mismatch["severity"] == "error"  # a C extension project
    assert mismatch["title"] == ("CC=aarch64-linux-gnu-gcc builds for aarch64-linux-gnu (aarch64); "
                                 "this Python needs x86_64")
    assert [f["command"] for f in mismatch["fixes"]] == ["unset CC", "export CC='gcc'"]
    assert result.diagnosis.has_errors
    assert "cc.no-compiler" not in found


def test_clang_told_another_target_in_cc(env):
    env.setenv("CC", "clang --target=aarch64-linux-gnu")
    _, found, _ = check()
    title = found["cc.env-mismatch"]["title"]
    assert title.startswith("CC=clang --target=aarch64-linux-gnu builds for aarch64-unknown-linux-gnu (aarch64)")
    assert title.endswith("(clang retargets only when given --target, which setuptools and CMake do not pass)")


def test_a_gcc_that_exits_127_is_present_but_broken(env, tmp_path):
    fake = tmp_path / "gcc"
    fake.write_text("#!/bin/sh\necho 'gcc: fatal error: cannot execute cc1: No such file' >&2\nexit 127\n")
    fake.chmod(0o755)
    env.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    _, found, rows = check()
    broken = found["cc.compiler-broken"]
    assert broken["title"].startswith(f"gcc ({fake}) cannot tell its target: exit 127: gcc: fatal error")
    assert rows["gcc on PATH"].rstrip().endswith("?")


def test_no_compiler_for_a_c_project(env, tmp_path):
    env.setenv("PATH", str(tmp_path))  # nothing on PATH at all
    _, found, _ = check(str(ROOT / "examples" / "setuptools-c"))
    assert found["cc.no-compiler"]["title"] == "no C compiler builds for x86_64 (found: none)"
    release = Path("/etc/os-release")
    if not release.is_file() or "debian" not in release.read_text(encoding="utf-8"):
        pytest.skip("the package named is Debian/Ubuntu's; this machine is another distribution")
    # this Debian/Ubuntu machine: the one install spelling of system-packages.toml (the same as Python.h's fix)
    assert [f["command"] for f in found["cc.no-compiler"]["fixes"]] == ["sudo apt-get install -y build-essential"]


def test_archflags_for_another_arch(env):
    env.setenv("ARCHFLAGS", "-arch arm64")
    _, found, rows = check()
    assert found["cc.flags-mismatch"]["title"] == "ARCHFLAGS asks for arm64 (aarch64); this Python needs x86_64"
    assert "MISMATCH" in rows["ARCHFLAGS"]


def test_cmake_from_pypi_is_read_through_its_wrapper(env):
    if not (BIN / "cmake").exists():
        pytest.skip("PyPI's cmake is not installed next to this interpreter")
    result, _, rows = check()
    cm = result.facts.cmake
    assert cm.cmake == str(BIN / "cmake")
    assert real(str(BIN / "cmake"), "--version").splitlines()[0] == f"cmake version {cm.version}"
    assert cm.binary.endswith("/site-packages/cmake/data/bin/cmake")  # the ELF program, not the script
    assert (cm.binary_format, cm.binary_arches) == ("elf", ("x86_64",))
    assert rows["cmake binary"].split()[3:] == [cm.version, "(elf", "x86_64)", "x86_64", "ok"]


def test_devshell_on_linux_says_so_in_one_line(env):
    with pytest.raises(UserError) as err:
        run_devshell(arch=None, vs=None, fmt="bash", command=None)
    assert err.value.message == "Visual Studio developer shells exist only on Windows; this machine runs linux"
