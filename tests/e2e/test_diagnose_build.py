"""End-to-end: `builddoctor build` of a C extension whose own setup.py hard-codes the aarch64 cross compiler.

The plan cannot override a compiler the project sets inside its build_ext, so the real aarch64-linux-gnu-gcc
compiles an aarch64 object and the real x86_64 linker refuses it. After the backend's last lines the
build prints the diagnosis of its own output: objects for aarch64, interpreter x86_64, and the line of
setup.py that names the compiler.
"""
from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

pytestmark = pytest.mark.e2e

SETUP = "scripts/setup-test-machine (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"


def cross_gcc_works(tmp: Path) -> None:
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if gcc is None:
        pytest.skip(f"aarch64-linux-gnu-gcc is not installed: run {SETUP}")
    (tmp / "probe.c").write_text("int f(void) { return 1; }\n", encoding="utf-8")
    p = subprocess.run([gcc, "-c", str(tmp / "probe.c"), "-o", str(tmp / "probe.o")], capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        pytest.skip(f"aarch64-linux-gnu-gcc does not compile: run {SETUP}")


SETUP_PY = """\
    from setuptools import Extension, setup
    from setuptools.command.build_ext import build_ext


    class AlwaysAarch64(build_ext):
        def build_extensions(self):
            # this project insists on a cross compiler: nothing in the environment changes it
            self.compiler.set_executable("compiler_so", "aarch64-linux-gnu-gcc -fPIC -O2")
            super().build_extensions()


    setup(name="crosshard", version="0.1", ext_modules=[Extension("crosshard", ["crosshard.c"])],
          cmdclass={"build_ext": AlwaysAarch64})
    """
MODULE_C = """\
    #include <Python.h>
    static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "crosshard", NULL, -1, NULL};
    PyMODINIT_FUNC PyInit_crosshard(void) { return PyModule_Create(&mod); }
    """


@pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64", reason="needs an x86_64 Linux")
def test_build_prints_the_diagnosis_of_its_own_failed_link(tmp_path):
    cross_gcc_works(tmp_path)
    try:
        import setuptools  # noqa: F401  (--no-isolation builds with this interpreter's setuptools)
    except ImportError:
        pytest.skip("setuptools is not installed in the test environment: run scripts/setup-test-machine")
    project = tmp_path / "crosshard"
    project.mkdir()
    (project / "setup.py").write_text(textwrap.dedent(SETUP_PY), encoding="utf-8")
    (project / "crosshard.c").write_text(textwrap.dedent(MODULE_C), encoding="utf-8")
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\n'
                                            'build-backend = "setuptools.build_meta"\n', encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("build", str(project), "-o", str(out), "--python", sys.executable, "--no-isolation", timeout=600)
    assert run.returncode == 5, run.stdout + run.stderr  # the backend failed
    err = run.stderr
    tail_at = err.index("Relocations in generic ELF (EM: 183)")  # the real linker's own words come first
    diag_at = err.index("diagnosis of the backend's output")
    assert tail_at < diag_at
    diagnosis = err[diag_at:]
    assert "objects for aarch64" in diagnosis and "interpreter x86_64" in diagnosis
    assert "aarch64-linux-gnu-gcc" in diagnosis
    assert "setup.py line 8" in diagnosis  # the project setting, with its line
    assert "[log.link-arch-mismatch]" in diagnosis
    assert err.rstrip().splitlines()[-2].startswith("builddoctor: error: the build backend failed")
    assert not list(out.glob("*.whl"))
