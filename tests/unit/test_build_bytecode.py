"""builder/bytecode.py: the build environment's `__pycache__` folders, kept from one build to the next.

Real folders laid out as uv makes an environment (lib/pythonX.Y/site-packages with dist-info folders);
the end-to-end check that a second real build does not compile its backend again is in
tests/e2e/test_build_command.py.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from builddoctor.builder.bytecode import KEEP, STORE, Kept, prune, site_packages

PY = "/opt/python3.11/bin/python3.11"
REQS = ["setuptools>=77"]


def make_env(root: Path, dists: tuple[str, ...] = ("setuptools-80.9.0",), pyc: bytes | None = b"compiled") -> Path:
    """An environment with a package `setuptools` (and `_distutils_hack`), bytecode written when `pyc`."""
    site = root / "lib" / "python3.11" / "site-packages"
    for pkg in ("setuptools", "setuptools/command", "_distutils_hack"):
        (site / pkg).mkdir(parents=True, exist_ok=True)
        (site / pkg / "__init__.py").write_text("x = 1\n", encoding="utf-8")
        if pyc is not None:
            (site / pkg / "__pycache__").mkdir()
            (site / pkg / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(pyc)
    for dist in dists:
        (site / f"{dist}.dist-info").mkdir()
    return site


def pycs(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.pyc"))}


def test_what_one_build_compiled_is_in_the_next_builds_environment(tmp_path: Path) -> None:
    first = make_env(tmp_path / "env1")
    written = pycs(first)
    assert len(written) == 3
    assert Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1")) == 3
    assert pycs(first) == {}  # moved, not copied: the environment is removed right after

    second = make_env(tmp_path / "env2", pyc=None)
    kept = Kept(str(tmp_path / "cache"), PY, REQS)
    assert kept.known()
    assert kept.restore(str(tmp_path / "env2")) == 3
    assert pycs(second) == written


def test_another_version_of_a_distribution_or_interpreter_gets_nothing(tmp_path: Path) -> None:
    make_env(tmp_path / "env1")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))

    newer = make_env(tmp_path / "env2", dists=("setuptools-80.9.1",), pyc=None)
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 0
    assert pycs(newer) == {}
    more = make_env(tmp_path / "env3", dists=("setuptools-80.9.0", "wheel-0.45.1"), pyc=None)
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env3")) == 0
    assert pycs(more) == {}
    other_python = make_env(tmp_path / "env4", pyc=None)
    assert Kept(str(tmp_path / "cache"), "/usr/bin/python3.11", REQS).restore(str(tmp_path / "env4")) == 0
    assert pycs(other_python) == {}


def test_bytecode_the_new_environment_already_has_is_left_as_it_is(tmp_path: Path) -> None:
    make_env(tmp_path / "env1", pyc=b"old")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    shipped = make_env(tmp_path / "env2", pyc=b"shipped with the wheel")
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 0
    assert set(pycs(shipped).values()) == {b"shipped with the wheel"}


def test_a_package_the_new_environment_lacks_gets_no_folder(tmp_path: Path) -> None:
    make_env(tmp_path / "env1")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    site = make_env(tmp_path / "env2", pyc=None)
    import shutil

    shutil.rmtree(site / "_distutils_hack")
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 2
    assert not (site / "_distutils_hack").exists()


def test_a_second_keep_of_the_same_key_replaces_the_first(tmp_path: Path) -> None:
    make_env(tmp_path / "env1", pyc=b"first")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    make_env(tmp_path / "env2", pyc=b"second")  # a concurrent build that found the store empty
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env2"))
    third = make_env(tmp_path / "env3", pyc=None)
    Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env3"))
    assert set(pycs(third).values()) == {b"second"}


def test_an_environment_without_site_packages_or_distributions_keeps_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert site_packages(str(tmp_path / "empty")) is None
    assert Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "empty")) == 0
    make_env(tmp_path / "nodists", dists=())
    assert Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "nodists")) == 0
    assert not (tmp_path / "cache").exists()


def test_only_the_most_recently_used_stores_are_kept(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    for i in range(KEEP + 3):
        make_env(tmp_path / f"env{i}")
        Kept(cache, PY, [f"setuptools>={i}"]).keep(str(tmp_path / f"env{i}"))
        os.utime(Kept(cache, PY, [f"setuptools>={i}"]).folder, (1_000_000 + i, 1_000_000 + i))
    prune(str(tmp_path / "cache" / STORE), KEEP)
    assert len(list((tmp_path / "cache" / STORE).iterdir())) == KEEP
    assert Kept(cache, PY, [f"setuptools>={KEEP + 2}"]).known()
    assert not Kept(cache, PY, ["setuptools>=0"]).known()
    newest = make_env(tmp_path / "again", pyc=None)
    assert Kept(cache, PY, [f"setuptools>={KEEP + 2}"]).restore(str(tmp_path / "again")) == 3
    assert pycs(newest)


def test_a_new_resolution_of_the_same_requirements_replaces_the_old_store(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    assert not Kept(cache, PY, REQS).known()
    make_env(tmp_path / "env1", dists=("setuptools-80.9.0",))
    Kept(cache, PY, REQS).keep(str(tmp_path / "env1"))
    assert Kept(cache, PY, REQS).known()
    make_env(tmp_path / "env2", dists=("setuptools-81.0.0",), pyc=b"81")  # a release since
    Kept(cache, PY, REQS).keep(str(tmp_path / "env2"))
    assert len(list(Path(Kept(cache, PY, REQS).folder).iterdir())) == 1
    old = make_env(tmp_path / "env3", dists=("setuptools-80.9.0",), pyc=None)
    assert Kept(cache, PY, REQS).restore(str(tmp_path / "env3")) == 0 and not pycs(old)
    new = make_env(tmp_path / "env4", dists=("setuptools-81.0.0",), pyc=None)
    assert Kept(cache, PY, REQS).restore(str(tmp_path / "env4")) == 3
    assert set(pycs(new).values()) == {b"81"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_store_is_the_users_own(tmp_path: Path) -> None:
    make_env(tmp_path / "env1")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    folder = next((tmp_path / "cache" / STORE).iterdir())
    store = next(folder.iterdir())
    for made in (store.parent.parent, folder, store):
        assert made.stat().st_mode & 0o077 == 0, made


def test_a_restore_leaves_the_store_whole_for_the_next_or_a_concurrent_build(tmp_path: Path) -> None:
    first = make_env(tmp_path / "env1")
    written = pycs(first)
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    for name in ("env2", "env3"):  # the second finds what the first was given
        site = make_env(tmp_path / name, pyc=None)
        assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / name)) == 3
        assert pycs(site) == written
    # the interpreter replaces a stale .pyc with a new file: the store's copy is not written through
    site2 = tmp_path / "env2" / "lib" / "python3.11" / "site-packages"
    stale = site2 / "setuptools" / "__pycache__" / "__init__.cpython-311.pyc"
    tmp = stale.with_name("tmp.pyc")
    tmp.write_bytes(b"recompiled")
    os.replace(tmp, stale)
    fourth = make_env(tmp_path / "env4", pyc=None)
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env4")) == 3
    assert set(pycs(fourth).values()) == {b"compiled"}


def test_where_hard_links_fail_the_folders_are_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_env(tmp_path / "env1")
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))

    def no_links(src: str, dst: str) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    site = make_env(tmp_path / "env2", pyc=None)
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 3
    assert set(pycs(site).values()) == {b"compiled"}


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_speed(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be\n", encoding="utf-8")
    site = make_env(tmp_path / "env1")
    kept = Kept(str(tmp_path / "cache"), PY, REQS)
    assert not kept.known()
    assert kept.restore(str(tmp_path / "env1")) == 0
    assert kept.keep(str(tmp_path / "env1")) == 0
    assert len(pycs(site)) == 3  # left where they were (removed with the environment)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_symlinked_pycache_in_the_environment_is_not_kept(tmp_path: Path) -> None:
    site = make_env(tmp_path / "env1", pyc=None)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.cpython-311.pyc").write_bytes(b"planted")
    (site / "setuptools" / "__pycache__").symlink_to(tmp_path / "elsewhere")
    (site / "_distutils_hack" / "__pycache__").mkdir()
    (site / "_distutils_hack" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    assert Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1")) == 1
    fresh = make_env(tmp_path / "env2", pyc=None)
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 1
    assert set(pycs(fresh).values()) == {b"compiled"}


def timestamped(site: Path) -> None:
    """Give every .pyc under `site` the header Python writes: its source's mtime and size (PEP 552)."""
    import importlib.util

    for pyc in site.rglob("__pycache__/*.pyc"):
        st = (pyc.parent.parent / (pyc.name.split(".", 1)[0] + ".py")).stat()
        mtime = (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
        pyc.write_bytes(importlib.util.MAGIC_NUMBER + b"\0\0\0\0" + mtime + st.st_size.to_bytes(4, "little") + b"code")


def test_sources_with_their_mtimes_kept_get_the_bytecode(tmp_path: Path) -> None:
    """What uv's hard links give: the next environment's sources have the kept .pyc's mtime and size."""
    first = make_env(tmp_path / "env1")
    for source in first.rglob("*.py"):
        os.utime(source, (1_700_000_000, 1_700_000_000))
    timestamped(first)
    Kept(str(tmp_path / "cache"), PY, REQS).keep(str(tmp_path / "env1"))
    second = make_env(tmp_path / "env2", pyc=None)
    for source in second.rglob("*.py"):
        os.utime(source, (1_700_000_000, 1_700_000_000))
    assert Kept(str(tmp_path / "cache"), PY, REQS).restore(str(tmp_path / "env2")) == 3
    assert len(pycs(second)) == 3


def aged(site: Path, when: int = 1_700_000_000) -> Path:
    for source in site.rglob("*.py"):
        os.utime(source, (when, when))
    timestamped(site)
    return site


def test_environments_that_get_copies_of_their_sources_keep_nothing_and_compile(tmp_path: Path) -> None:
    """UV_LINK_MODE=copy: every install gives the sources a new mtime, so no kept .pyc would ever be
    used. The first mismatch drops the store; the second in a row marks the requirements: nothing is
    kept for them again, and `known()` says False (uv compiles instead)."""
    cache = str(tmp_path / "cache")
    aged(make_env(tmp_path / "env1"))
    Kept(cache, PY, REQS).keep(str(tmp_path / "env1"))
    assert Kept(cache, PY, REQS).known()

    copied = make_env(tmp_path / "env2", pyc=None)  # written now: another mtime than the kept .pyc name
    assert Kept(cache, PY, REQS).restore(str(tmp_path / "env2")) == 0
    assert pycs(copied) == {}
    for init in copied.rglob("__init__.py"):  # what the hooks then compile, kept as before
        (init.parent / "__pycache__").mkdir()
        (init.parent / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    timestamped(copied)
    assert Kept(cache, PY, REQS).keep(str(tmp_path / "env2")) == 3
    assert Kept(cache, PY, REQS).known()

    aged(make_env(tmp_path / "env3", pyc=None), 1_600_000_000)  # copies again: a second mismatch in a row
    assert Kept(cache, PY, REQS).restore(str(tmp_path / "env3")) == 0
    assert not Kept(cache, PY, REQS).known()
    again = make_env(tmp_path / "env4")
    assert Kept(cache, PY, REQS).keep(str(tmp_path / "env4")) == 0
    assert len(pycs(again)) == 3  # left in the environment, removed with it


def test_one_mismatch_as_after_uv_cache_clean_is_forgotten_when_the_bytecode_matches_again(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")

    def env(name: str, when: int, pyc: bytes | None = b"compiled") -> str:
        aged(make_env(tmp_path / name, pyc=pyc), when)
        return str(tmp_path / name)

    Kept(cache, PY, REQS).keep(env("env1", 1_600_000_000))
    # uv's cache cleaned: its wheels unpacked again, every environment from now on has the new mtimes
    assert Kept(cache, PY, REQS).restore(env("env2", 1_700_000_000, pyc=None)) == 0
    assert Kept(cache, PY, REQS).keep(env("env3", 1_700_000_000)) == 3
    assert Kept(cache, PY, REQS).restore(env("env4", 1_700_000_000, pyc=None)) == 3
    assert len(pycs(tmp_path / "env4" / "lib" / "python3.11" / "site-packages")) == 3
    # the mark is gone with that match: one more mismatch is again only a first one
    assert Kept(cache, PY, REQS).restore(env("env5", 1_500_000_000, pyc=None)) == 0
    assert Kept(cache, PY, REQS).keep(env("env6", 1_500_000_000)) == 3
    assert Kept(cache, PY, REQS).known()
