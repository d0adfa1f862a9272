"""`build` refuses an interpreter the project's Requires-Python excludes before it fills the build
environment (issue 10): the installer never runs, so a wrong --python fails at once, offline too."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from conftest import cpython, run_cli

pytestmark = pytest.mark.e2e

SETUPTOOLS_BUILD = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
# an index nothing listens on: if the installer ran, it would fail on it (or wait), not on Requires-Python
NOWHERE = {"UV_INDEX_URL": "http://127.0.0.1:9/simple", "UV_DEFAULT_INDEX": "http://127.0.0.1:9/simple",
           "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "UV_OFFLINE": "1"}


def refused(run_args: list[str], outdir: Path, *, wanted: str, have: str) -> None:
    run = run_cli("build", *run_args, "-o", str(outdir), env=NOWHERE)
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("builddoctor: error: ")]
    assert len(errors) == 1, run.stderr
    assert f"requires Python {wanted} but this interpreter is {have}" in errors[0], errors[0]
    assert "[project.requires-python]" in errors[0], errors[0]
    assert "installing the build requirements" not in run.stderr, run.stderr  # the environment stayed empty
    assert "could not install" not in run.stderr, run.stderr
    assert not list(outdir.glob("*.whl")) and not list(outdir.glob(".builddoctor-tmp-*")), list(outdir.iterdir())


def test_a_folder_whose_requires_python_excludes_the_interpreter_fails_before_installing(tmp_path: Path) -> None:
    python = cpython("3.11")
    src = tmp_path / "demo"
    src.mkdir()
    (src / "pyproject.toml").write_text(SETUPTOOLS_BUILD + '\n[project]\nname = "demo"\nversion = "1.0"\n'
                                        'requires-python = ">=3.12"\n', encoding="utf-8")
    refused([str(src), "--python", str(python)], tmp_path / "out", wanted=">=3.12", have="3.11.")


def test_an_sdist_whose_pkg_info_excludes_the_interpreter_fails_before_installing(tmp_path: Path) -> None:
    python = cpython("3.13")
    sdist = tmp_path / "old_thing-2.0.tar.gz"
    files = {"old_thing-2.0/PKG-INFO": "Metadata-Version: 2.1\nName: old-thing\nVersion: 2.0\n"
                                       "Requires-Python: >=3.8, <3.12\n\nlong description\n",
             "old_thing-2.0/pyproject.toml": SETUPTOOLS_BUILD,
             "old_thing-2.0/setup.py": "from setuptools import setup\nsetup(name='old-thing', version='2.0')\n"}
    with tarfile.open(sdist, "w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    refused([str(sdist), "--python", str(python)], tmp_path / "out", wanted=">=3.8, <3.12", have="3.13.")
