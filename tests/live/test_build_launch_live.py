"""The early `uv venv` (builder/launch.py) with the real uv: BuildEnv follows the child it started,
and whatever happens the environment folder does not outlive the build."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from builddoctor.builder import launch
from builddoctor.builder.options import add_arguments
from builddoctor.builder.run import BuildEnv, Children, Progress

pytestmark = [pytest.mark.live, pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")]


def _uv() -> str:
    uv = launch.find_uv()
    try:
        ok = uv is not None and subprocess.run([uv, "--version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    if not ok:
        pytest.skip("uv does not run here: scripts/setup-test-machine installs it")
    assert uv is not None
    return uv


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p.parse_args(list(argv))


def test_build_env_follows_the_uv_venv_started_early_then_the_folder_goes(tmp_path: Path, monkeypatch):
    _uv()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    python = sys.executable
    with launch.Launch(_args(str(tmp_path), "--python", python)) as early:
        assert early.child is not None and early.folder is not None
        env = BuildEnv(Path(early.folder) / "env", early.python or python,
                       Children(Progress(quiet=True), 120, 120), launch=early)
        env.create({})
        assert early.child is None  # handed over, not started twice
        assert (Path(early.folder) / "env" / "pyvenv.cfg").is_file()
        assert subprocess.run([env.python_executable, "-c", "import sys; assert sys.prefix != sys.base_prefix"],
                              timeout=60).returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_an_error_before_the_environment_is_needed_still_removes_it(tmp_path: Path, monkeypatch):
    _uv()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with pytest.raises(RuntimeError), launch.Launch(_args(str(tmp_path), "--python", sys.executable)) as early:
        assert early.child is not None
        raise RuntimeError("e.g. the output folder cannot be written")
    assert list(tmp_path.iterdir()) == []
