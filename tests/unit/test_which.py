"""LiveMachine.which lists each PATH folder once instead of a stat per name: same answers as before."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from builddoctor.machine.live import LiveMachine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and PATH")


def test_first_executable_match_wins_and_odd_entries_are_skipped(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    empty, plain, good, later, link = (tmp_path / n for n in ("empty", "plain", "good", "later", "link"))
    for d in (empty, plain, good, later, link):
        d.mkdir()
    (plain / "tool").write_text("not executable")
    for d in (good, later):
        (d / "tool").write_text("#!/bin/sh\n")
        (d / "tool").chmod(0o755)
    (link / "linked").symlink_to(good / "tool")
    (tmp_path / "tool").write_text("#!/bin/sh\n")  # reachable only through a relative entry
    (tmp_path / "tool").chmod(0o755)
    monkeypatch.chdir(tmp_path)
    entries = ["", ".", str(tmp_path / "missing"), str(empty), str(plain), str(good), str(later), str(link)]
    monkeypatch.setenv("PATH", os.pathsep.join(entries))
    m = LiveMachine()
    assert m.which("tool") == str(good / "tool")
    assert m.which("linked") == str(link / "linked")
    assert m.which("absent") is None
    many = [str(tmp_path / "n" / str(i)) for i in range(300)]
    for d in many:
        os.makedirs(d)
    monkeypatch.setenv("PATH", os.pathsep.join([*many, str(later)]))
    assert LiveMachine().which("tool") == str(later / "tool")


def test_is_file_answers_the_same_from_a_path_folders_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a PATH folder a name is looked up in the folder's listing (the PATH scan asks for a dozen
    programs in every entry); the answers are what os.path.isfile says, in and out of PATH."""
    on_path, elsewhere = tmp_path / "bin", tmp_path / "lib"
    for d in (on_path, elsewhere):
        d.mkdir()
        (d / "prog").write_text("x")
        (d / "sub").mkdir()
        (d / "dangling").symlink_to(d / "gone")
        (d / "linked").symlink_to(d / "prog")
    monkeypatch.setenv("PATH", os.pathsep.join([str(on_path) + "/", "relative"]))
    m = LiveMachine()
    for d in (on_path, elsewhere):
        for name in ("prog", "sub", "dangling", "linked", "absent"):
            assert m.is_file(str(d / name)) == os.path.isfile(d / name), (d, name)
