"""The user cache with the real interpreter, rustup, rustc, cargo and compilers of this machine."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import cpython, run_cli

from builddoctor.machine.live import LiveMachine
from builddoctor.probes.rust import parse_show, probe_rust

pytestmark = pytest.mark.live


def _rustup_works() -> bool:
    try:
        return subprocess.run(["rustup", "show"], capture_output=True, timeout=60,
                              env={**os.environ, "RUSTUP_AUTO_INSTALL": "0"}).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob("*.json")} if folder.exists() else {}


def test_warm_check_gives_the_same_report_as_a_cold_one(tmp_path: Path) -> None:
    py = cpython("3.12")
    cache = tmp_path / "cache"
    env = {"BUILDDOCTOR_CACHE_DIR": str(cache)}
    uncached = run_cli("check", "--python", str(py), "--json", "--no-cache", env=env, cwd=tmp_path)
    assert not cache.exists()  # --no-cache writes nothing
    cold = run_cli("check", "--python", str(py), "--json", env=env, cwd=tmp_path)
    written = _files(cache)
    assert any(n for n in written)  # the interpreter's description at least
    warm = run_cli("check", "--python", str(py), "--json", env=env, cwd=tmp_path)
    assert warm.returncode == cold.returncode == uncached.returncode
    assert warm.stdout == cold.stdout == uncached.stdout
    assert _files(cache) == written  # every answer came from the cache: nothing rewritten


def test_one_rustup_show_says_what_the_five_questions_say() -> None:
    if not _rustup_works():
        pytest.skip("needs a working rustup with an installed toolchain (scripts/setup-test-machine)")
    with LiveMachine() as m:
        rustup = m.which("rustup")
        assert rustup
        shown = parse_show(m.run([rustup, "show"]).stdout)
        if shown is None:
            pytest.skip("this rustup is older than 1.28: its `show` is not used alone")
        toolchains, active, reason, targets = shown
        assert toolchains == tuple(ln.split()[0] for ln in m.run([rustup, "toolchain", "list"]).stdout.splitlines())
        line = m.run([rustup, "show", "active-toolchain"]).stdout.splitlines()[0]
        assert (active, reason) == (line.partition(" ")[0], line.partition(" ")[2].strip("() "))
        assert targets == tuple(m.run([rustup, "target", "list", "--installed"]).stdout.split())
        facts = probe_rust(m, None)
    assert (facts.active_toolchain, facts.installed_targets, facts.toolchains) == (active, targets, toolchains)
