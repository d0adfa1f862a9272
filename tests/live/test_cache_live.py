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
    assert not _files(cache)  # --no-cache keeps no program answer (only the parsed data tables, see README)
    cold = run_cli("check", "--python", str(py), "--json", env=env, cwd=tmp_path)
    written = _files(cache)
    assert any(n for n in written)  # the interpreter's description at least
    warm = run_cli("check", "--python", str(py), "--json", env=env, cwd=tmp_path)
    assert warm.returncode == cold.returncode == uncached.returncode
    assert warm.stdout == cold.stdout == uncached.stdout
    assert _files(cache) == written  # every answer came from the cache: nothing rewritten


def test_a_warm_check_starts_no_process_and_a_missing_answer_is_asked_again(tmp_path: Path, monkeypatch) -> None:
    from builddoctor import proc
    from builddoctor.cache import Cache
    from builddoctor.probes import probe_all

    py = str(cpython("3.12"))
    started: list[tuple[str, ...]] = []
    real_run = proc.run

    def counting_run(argv, **kw):  # type: ignore[no-untyped-def]
        started.append(tuple(argv))
        return real_run(argv, **kw)

    monkeypatch.setattr(proc, "run", counting_run)
    with LiveMachine(Cache(str(tmp_path / "cache"))) as machine:
        cold = probe_all(machine, py, None)
    assert started  # the cold check asked the programs
    started.clear()
    with LiveMachine(Cache(str(tmp_path / "cache"))) as machine:
        warm = probe_all(machine, py, None)
    assert started == []  # every answer came from the cache
    assert warm == cold
    for entry in (tmp_path / "cache").rglob("*.json"):  # forget one answer: only that one is asked again
        if py in entry.read_text():
            entry.unlink()
    with LiveMachine(Cache(str(tmp_path / "cache"))) as machine:
        again = probe_all(machine, py, None)
    assert [argv[0] for argv in started] == [py]
    assert again == cold


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
