"""The user cache of program answers (cache.py): used only while the files an answer depends on are
unchanged, never corrupted by concurrent writers, a corrupt entry is a miss, and only `check` uses it."""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builddoctor.cache import Cache
from builddoctor.cachedir import default_dir
from builddoctor.machine.live import LiveMachine
from builddoctor.machine.record import RecordingMachine
from builddoctor.proc import ProcResult

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX shell script as the program")


def _program(tmp_path: Path) -> Path:
    """A program whose every run answers differently (its PID), so a cached answer is recognisable."""
    prog = tmp_path / "tool"
    prog.write_text("#!/bin/sh\necho \"answer $$\"\n")
    prog.chmod(0o755)
    return prog


def test_second_run_is_answered_from_the_cache(tmp_path: Path) -> None:
    prog = _program(tmp_path)
    with LiveMachine(Cache(str(tmp_path / "cache"))) as m:
        first = m.run_cached([str(prog)])
        second = m.run_cached([str(prog)])
    assert first.ok and first.stdout.startswith("answer ")
    assert second.stdout == first.stdout
    with LiveMachine(Cache(str(tmp_path / "cache"))) as m:  # a new process (a new machine) reads it too
        assert m.run_cached([str(prog)]).stdout == first.stdout


def test_a_changed_program_or_dependency_is_run_again(tmp_path: Path) -> None:
    prog = _program(tmp_path)
    dep = tmp_path / "settings.toml"
    dep.write_text("a")
    cache = Cache(str(tmp_path / "cache"))
    with LiveMachine(cache) as m:
        first = m.run_cached([str(prog)], deps=[str(dep)]).stdout
        st_ = prog.stat()
        os.utime(prog, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))  # same size, new mtime
        second = m.run_cached([str(prog)], deps=[str(dep)]).stdout
        assert second != first
        assert m.run_cached([str(prog)], deps=[str(dep)]).stdout == second
        dep.write_text("bb")  # a dependency changes
        third = m.run_cached([str(prog)], deps=[str(dep)]).stdout
        assert third != second
        dep.unlink()  # ... or disappears
        assert m.run_cached([str(prog)], deps=[str(dep)]).stdout != third


def test_other_arguments_or_environment_are_other_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prog = _program(tmp_path)
    cache = Cache(str(tmp_path / "cache"))
    with LiveMachine(cache) as m:
        a = m.run_cached([str(prog)]).stdout
        assert m.run_cached([str(prog), "x"]).stdout != a
    monkeypatch.setenv("RUSTUP_TOOLCHAIN", "nightly")  # a variable probes see
    with LiveMachine(cache) as m:
        assert m.run_cached([str(prog)]).stdout != a


def test_failures_are_not_cached(tmp_path: Path) -> None:
    prog = tmp_path / "fails"
    prog.write_text("#!/bin/sh\necho \"no $$\"\nexit 3\n")
    prog.chmod(0o755)
    with LiveMachine(Cache(str(tmp_path / "cache"))) as m:
        assert m.run_cached([str(prog)]).stdout != m.run_cached([str(prog)]).stdout
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.parametrize("garbage", [b"", b"{", b"\xff\xfe\x00", b"[]", b'{"format": 1}', b"null",
                                     b'{"format": 1, "key": "k", "deps": [[1, 2]], "result": {}}'])
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path, garbage: bytes) -> None:
    prog = _program(tmp_path)
    cache = Cache(str(tmp_path / "cache"))
    with LiveMachine(cache) as m:
        first = m.run_cached([str(prog)]).stdout
        (entry,) = (tmp_path / "cache").rglob("*.json")
        entry.write_bytes(garbage)
        second = m.run_cached([str(prog)])
        assert second.ok and second.stdout != first  # ran again, no exception
        assert m.run_cached([str(prog)]).stdout == second.stdout  # and the entry was rewritten


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    prog = _program(tmp_path)
    with LiveMachine(Cache(str(blocker / "cache"))) as m:
        assert m.run_cached([str(prog)]).ok


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    prog = _program(tmp_path)
    cache = Cache(str(tmp_path / "cache"))
    key = "same key"
    results = [ProcResult((str(prog),), 0, f"answer {i}\n" * (1 + i % 50), "") for i in range(16)]
    seen: list[ProcResult | None] = []

    def writer(r: ProcResult) -> None:
        for _ in range(30):
            cache.put(key, [str(prog)], r)
            seen.append(cache.get(key))

    threads = [threading.Thread(target=writer, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s in results for s in seen if s is not None)  # every read is one writer's whole entry
    assert cache.get(key) in results
    assert not list((tmp_path / "cache").rglob("*.tmp"))  # no temporary file left behind


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_in_an_entry_are_a_miss_or_a_valid_result(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(tmp)
        cache.put("k", [tmp], ProcResult(("x",), 0, "out", ""))
        (entry,) = Path(tmp).rglob("*.json")
        entry.write_bytes(data)
        got = cache.get("k")
        assert got is None or isinstance(got, ProcResult)


def test_snapshots_never_read_or_write_the_cache(tmp_path: Path) -> None:
    prog = _program(tmp_path)
    live = LiveMachine(Cache(str(tmp_path / "cache")))
    live.run_cached([str(prog)])
    rec = RecordingMachine(live)
    a, b = rec.run_cached([str(prog)]).stdout, rec.run_cached([str(prog)]).stdout
    live.close()
    assert a != b  # each recorded read is a real run
    assert json.dumps(rec.reads).count("answer") == 1  # and recorded (same key: the last one is kept)


def test_cache_location_per_platform() -> None:
    assert default_dir({"BUILDDOCTOR_CACHE_DIR": "/x", "HOME": "/h"}, "linux") == "/x"
    assert default_dir({"HOME": "/h"}, "linux") == os.path.join("/h", ".cache", "builddoctor")
    assert default_dir({"HOME": "/h", "XDG_CACHE_HOME": "/c"}, "linux") == os.path.join("/c", "builddoctor")
    assert default_dir({"HOME": "/h", "XDG_CACHE_HOME": "rel"}, "linux") == os.path.join("/h", ".cache", "builddoctor")
    assert default_dir({"HOME": "/h"}, "darwin") == os.path.join("/h", "Library", "Caches", "builddoctor")
    assert default_dir({"LOCALAPPDATA": "C:\\L"}, "win32") == os.path.join("C:\\L", "builddoctor", "Cache")
    assert default_dir({}, "linux") == ""
