"""builder/launch.py: which builds start `uv venv` before the build's modules load, and the
spawn / follow split of proc.stream that lets BuildEnv pick up a child started earlier."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest

from builddoctor import proc
from builddoctor.builder import launch
from builddoctor.builder.options import add_arguments

posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell commands")


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p.parse_args(list(argv))


@posix
def test_a_spawned_childs_output_waits_for_follow_and_its_exit_is_seen_at_once():
    child = proc.spawn(["sh", "-c", "echo one; echo two >&2; exit 3"])
    assert not isinstance(child, str)
    time.sleep(0.3)  # it has exited; nothing read its pipe yet
    lines: list[str] = []
    rc, error, tail = proc.follow(child, timeout=10, on_line=lines.append)
    assert (rc, error) == (3, None)
    assert lines == ["one", "two"] and tail == ["one", "two"]


@posix
def test_follow_keeps_the_deadline_of_a_child_started_earlier():
    child = proc.spawn(["sleep", "30"])
    assert not isinstance(child, str)
    started = time.monotonic()
    rc, error, _ = proc.follow(child, timeout=0.5)
    assert (rc, error) == (None, "timeout") and time.monotonic() - started < 5
    assert child.wait(timeout=5) == -9  # its tree was ended (SIGKILL)


def test_a_program_that_does_not_exist_is_an_error_not_an_exception(tmp_path: Path):
    assert proc.spawn([str(tmp_path / "missing")]) == "not-found"


@pytest.mark.parametrize("extra", [
    ["--installer", "pip"],  # pip fills the environment: venv + pip, not uv
    ["--no-isolation"],  # no environment at all
    ["--print-env"],  # plans only
    ["--python", "3.12"],  # a version: found by the interpreter lookup, later
])
def test_only_an_isolated_uv_build_for_an_interpreter_path_starts_early(tmp_path: Path, monkeypatch, extra):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(launch, "find_uv", lambda: "/bin/true")
    argv = [str(tmp_path), "--python", sys.executable, *extra]
    with launch.Launch(_args(*argv)) as early:
        assert early.folder is None and early.child is None
    assert list(tmp_path.iterdir()) == []


def test_a_missing_source_starts_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(launch, "find_uv", lambda: "/bin/true")
    with launch.Launch(_args(str(tmp_path / "nope.tar.gz"), "--python", sys.executable)) as early:
        assert early.folder is None
    assert list(tmp_path.iterdir()) == []


def test_the_environment_folder_is_named_by_the_interpreter_in_tmpdir_and_always_removed(tmp_path: Path,
                                                                                           monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(launch, "find_uv", lambda: None)  # no uv: nothing starts
    with launch.Launch(_args(str(tmp_path), "--python", sys.executable)) as early:
        assert early.folder is None
    made = launch.make_env_folder(sys.executable)
    again = launch.make_env_folder(sys.executable)  # taken: a second build gets a random name
    assert made is not None and again is not None
    assert Path(made).parent == tmp_path and Path(made).name == launch.env_key(sys.executable)
    assert again != made and Path(again).name.startswith(launch.ENV_PREFIX)
    launch.remove_tree(made)
    launch.remove_tree(again)
    assert list(tmp_path.iterdir()) == []


@posix
def test_a_child_nobody_followed_is_ended_and_its_folder_removed(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    fake = tmp_path / "bin" / "uv"  # stands in for uv: a child that would outlive the build
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(launch, "find_uv", lambda: str(fake))
    started = time.monotonic()
    with launch.Launch(_args(str(tmp_path / "bin"), "--python", sys.executable)) as early:
        assert early.child is not None and early.folder is not None
        child = early.child
        assert early.take(["something", "else"]) is None  # only BuildEnv's own argv takes it
    assert child.poll() is not None and time.monotonic() - started < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_installer_env_drops_what_would_send_the_install_elsewhere():
    env = launch.installer_env({"PATH": "/bin", "PYTHONPATH": "/x", "PIP_TARGET": "/y", "HOME": os.sep})
    assert env == {"PATH": "/bin", "HOME": os.sep}


@posix
def test_then_runs_once_the_child_runs_and_never_for_a_child_that_could_not_start(tmp_path: Path):
    from builddoctor.builder.run import Children, Progress

    children = Children(Progress(quiet=True), 30, 30)
    calls: list[str] = []
    rc, tail = children.run(["sh", "-c", "echo running"], env=dict(os.environ), then=lambda: calls.append("then"))
    assert (rc, tail, calls) == (0, ["running"], ["then"])
    with pytest.raises(OSError, match="not-found"):
        children.run([str(tmp_path / "missing")], env=dict(os.environ), then=lambda: calls.append("again"))
    assert calls == ["then"]

