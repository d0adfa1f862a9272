"""Live cross builds on this machine with the real aarch64 cross gcc, rustup and CMake.

`builddoctor build --target aarch64` must either produce a wheel an aarch64 CPython imports (tag,
ELF machine, extension file name), or stop in preflight naming exactly what is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, cpython, run_cli

from builddoctor.binfmt import identify

pytestmark = [pytest.mark.e2e, pytest.mark.live]
SETUP = "run: sudo bash scripts/setup-test-machine (installs gcc-aarch64-linux-gnu and libc6-dev-arm64-cross)"


def cross_gcc_works(tmp_path: Path) -> None:
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if gcc is None:
        pytest.skip(f"no aarch64 cross gcc; {SETUP}")
    src = tmp_path / "probe.c"
    src.write_text("int f(void) { return 1; }\n")
    p = subprocess.run([gcc, "-shared", "-fPIC", "-o", str(tmp_path / "probe.so"), str(src)], capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        pytest.skip(f"aarch64-linux-gnu-gcc cannot link a shared object; {SETUP}")


def assert_one_line_error(run) -> None:
    """Progress lines, then exactly one error line (and its tip): never a traceback."""
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert len([ln for ln in run.stderr.splitlines() if ln.startswith("builddoctor: error: ")]) == 1, run.stderr


def copy_example(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    skip = shutil.ignore_patterns("build", "dist", "target", "*.egg-info")
    shutil.copytree(ROOT / "examples" / name, dest, ignore=skip)
    return dest


def only_extension(wheel: Path) -> tuple[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".so")]
        return name, zf.read(name)


def test_setuptools_c_cross_builds_an_aarch64_wheel_an_aarch64_python_imports(tmp_path):
    cross_gcc_works(tmp_path)
    python = cpython("3.12")
    src, out = copy_example(tmp_path, "setuptools-c"), tmp_path / "out"
    run = run_cli("build", str(src), "--target", "aarch64", "--python", str(python), "-o", str(out), timeout=600)
    assert run.returncode == 0, run.stderr
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("-cp312-cp312-linux_aarch64.whl")
    name, data = only_extension(wheel)
    assert name == "hello_c.cpython-312-aarch64-linux-gnu.so"  # what an aarch64 CPython 3.12 looks for
    info = identify(data[:4096])
    assert info is not None and [a.name for a in info.arches] == ["aarch64"] and info.bits == 64
    (tmp_path / "x.so").write_bytes(data)
    if shutil.which("file"):
        described = subprocess.run(["file", "-b", str(tmp_path / "x.so")], capture_output=True, text=True, timeout=30)
        assert "ARM aarch64" in described.stdout and "ELF 64-bit" in described.stdout
    assert not list(out.glob(".builddoctor-tmp-*"))  # the generated sysconfig data went with the staging folder


def test_inferred_target_builds_the_same_way(tmp_path):
    cross_gcc_works(tmp_path)
    python = cpython("3.12")
    src, out = copy_example(tmp_path, "setuptools-c"), tmp_path / "out"
    run = run_cli("build", str(src), "--python", str(python), "-o", str(out), timeout=600,
                  env={"_PYTHON_HOST_PLATFORM": "linux-aarch64"})
    assert run.returncode == 0, run.stderr
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("linux_aarch64.whl") and only_extension(wheel)[0].endswith("-aarch64-linux-gnu.so")


def test_maturin_cross_stops_in_preflight_naming_rustup_target_add(tmp_path):
    installed = subprocess.run(["rustup", "target", "list", "--installed"], capture_output=True, text=True,
                               timeout=60) if shutil.which("rustup") else None
    if installed is None or installed.returncode != 0:
        pytest.skip("rustup does not work here")
    if "aarch64-unknown-linux-gnu" in installed.stdout:
        pytest.skip("the aarch64 Rust std is installed here: nothing is missing")
    src = copy_example(tmp_path, "maturin-pyo3")
    run = run_cli("build", str(src), "--target", "aarch64", "--python", str(cpython("3.12")), "-o",
                  str(tmp_path / "out"), timeout=600)
    assert run.returncode == 4, run.stderr
    assert_one_line_error(run)
    assert "[rust.target-missing]" in run.stderr
    assert "rustup target add aarch64-unknown-linux-gnu" in run.stderr
    assert not list((tmp_path / "out").glob("*.whl"))


def test_a_target_with_nothing_installed_is_a_finding_not_a_traceback(tmp_path):
    if shutil.which("riscv64-linux-gnu-gcc"):
        pytest.skip("a riscv64 cross gcc is installed here")
    run = run_cli("build", str(copy_example(tmp_path, "setuptools-c")), "--target", "riscv64", "--python",
                  str(cpython("3.12")), "-o", str(tmp_path / "out"), timeout=600)
    assert run.returncode == 4
    assert_one_line_error(run)
    assert "[cc.no-compiler]" in run.stderr
    assert "sudo apt-get install -y gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" in run.stderr


def test_scikit_build_cmake_log_shows_the_cross_settings_applied(tmp_path):
    cross_gcc_works(tmp_path)
    src, out = copy_example(tmp_path, "scikit-build-cmake"), tmp_path / "out"
    run = run_cli("build", str(src), "--target", "aarch64", "--python", str(cpython("3.12")), "-o", str(out), "-v",
                  timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    log = run.stderr
    # CMake's own log: the compiler it checked is the cross gcc the plan's CMAKE_ARGS named
    assert re.search(r"Check for working C compiler: \S*aarch64-linux-gnu-gcc", log), log[-3000:]
    (wheel,) = out.glob("*.whl")
    assert wheel.name.endswith("linux_aarch64.whl")
    info = identify(only_extension(wheel)[1][:4096])
    assert info is not None and [a.name for a in info.arches] == ["aarch64"]


def test_check_with_target_live_reports_the_cross_build():
    run = run_cli("check", "--project", str(ROOT / "examples" / "setuptools-c"), "--python", str(cpython("3.12")),
                  "--target", "aarch64", "--json")
    doc = run.json()
    assert doc["target"]["cross"] is True and doc["target"]["origin"] == "--target aarch64"
    text = run_cli("check", "--project", str(ROOT / "examples" / "setuptools-c"), "--python", str(cpython("3.12")),
                   "--target", "aarch64").stdout
    assert "building for linux aarch64" in text.splitlines()[0]


def test_snapshot_records_the_intended_target_and_its_origin(tmp_path):
    out = tmp_path / "snap.json"
    run = run_cli("snapshot", "--python", str(cpython("3.12")), "--target", "aarch64", "-o", str(out))
    assert run.returncode == 0, run.stderr
    import json

    inv = json.loads(out.read_text())["invocation"]
    assert inv["target"] == "aarch64" and inv["target_origin"] == "--target aarch64"
    replay = run_cli("check", "--replay", str(out), "--json").json()
    assert replay["target"]["arch"] == "aarch64" and replay["target"]["origin"] == "--target aarch64"
