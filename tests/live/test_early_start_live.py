"""machine/live.py start_early: a check without its cache starts `rustup show` before its modules load.

The probe then reads that child instead of starting its own; whatever no probe reads the same way is
ended, and nothing is left behind either way.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli

from builddoctor.machine import live
from builddoctor.machine.live import LiveMachine, start_early

pytestmark = pytest.mark.live


def logging_rustup(folder: Path, real: str, log: Path) -> None:
    """A `rustup` first on PATH that writes each command line to `log`, then runs the real one."""
    folder.mkdir()
    script = folder / "rustup"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for rustup")
def test_a_cold_check_runs_rustup_show_once_and_reports_what_it_said(tmp_path: Path) -> None:
    real = shutil.which("rustup")
    if real is None:
        pytest.skip("rustup is not installed")
    log = tmp_path / "rustup.log"
    logging_rustup(tmp_path / "shim", real, log)
    (tmp_path / "tmp").mkdir()
    env = {"PATH": f"{tmp_path / 'shim'}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(tmp_path / "tmp")}
    run = run_cli("check", "--no-cache", "--python", sys.executable, "--json", env=env, cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert log.read_text(encoding="utf-8").splitlines().count("show") == 1  # started early, read by the probe
    rust = run.json()["facts"]["rust"]
    assert rust["default_host"] and rust["active_toolchain"] and rust["installed_targets"]
    assert list((tmp_path / "tmp").iterdir()) == []  # the probe folder it was started in is gone

    log.unlink()
    cached = run_cli("check", "--python", sys.executable, "--json", env={**env, "BUILDDOCTOR_CACHE_DIR":
                                                                     str(tmp_path / "cache")}, cwd=tmp_path)
    assert "show" in log.read_text(encoding="utf-8").splitlines()  # with a cache: started by the probe
    assert {k: cached.json()["facts"]["rust"][k] for k in ("default_host", "active_toolchain", "installed_targets")} \
        == {k: rust[k] for k in ("default_host", "active_toolchain", "installed_targets")}


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for rustup")
def test_an_early_child_no_probe_reads_is_ended_with_its_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "bin").mkdir()
    slow = tmp_path / "bin" / "rustup"
    slow.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    slow.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    start_early("rustup", "show")
    [(child, _env, folder)] = live._EARLY.values()
    assert Path(folder).parent == tmp_path / "tmp"
    started = time.monotonic()
    with LiveMachine() as machine:
        asked_otherwise = machine.run([str(slow), "show"], env={"RUSTUP_TOOLCHAIN": "nightly"}, timeout=1.0)
    assert asked_otherwise.error == "timeout"  # its own child, given its own deadline: not the early one's answer
    assert child.poll() is not None  # ended, not left to sleep
    assert not live._EARLY and time.monotonic() - started < 10
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_check_that_stops_before_probing_leaves_no_child_and_no_folder(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    run = run_cli("check", "--no-cache", "--dry-run", env={"TMPDIR": str(tmp_path / "tmp")}, cwd=tmp_path)
    assert run.returncode == 2 and "--dry-run and --yes go with --fix" in run.stderr
    assert list((tmp_path / "tmp").iterdir()) == []
