"""Parsed toolchains/ tables are kept like bytecode: used only while the TOML file is unchanged."""
from __future__ import annotations

import marshal
import os

import pytest

from builddoctor import _data


@pytest.fixture
def tables(tmp_path, monkeypatch):
    folder = tmp_path / "toolchains"
    folder.mkdir()
    monkeypatch.setattr(_data, "_toolchains_path", lambda: str(folder))
    monkeypatch.setenv("BUILDDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUILDDOCTOR_NO_CACHE", raising=False)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    _data._install_key.cache_clear()
    yield folder
    _data._install_key.cache_clear()


def load(name):
    return _data.table.__wrapped__(name)  # past the per-process memo


def kept(tmp_path):
    return list((tmp_path / "cache" / "tables").glob("*.marshal"))


def test_a_kept_table_is_used_until_the_toml_changes(tables, tmp_path):
    toml = tables / "arches.toml"
    toml.write_text('[x]\nname = "one"\n')
    assert load("arches") == {"x": {"name": "one"}}
    [entry] = kept(tmp_path)
    stamp, _ = marshal.loads(entry.read_bytes())
    entry.write_bytes(marshal.dumps((stamp, {"x": {"name": "from the kept copy"}})))
    assert load("arches") == {"x": {"name": "from the kept copy"}}  # read, not parsed
    toml.write_text('[x]\nname = "two, longer"\n')  # a new size (and mtime): the kept copy is stale
    assert load("arches") == {"x": {"name": "two, longer"}}


def test_a_damaged_kept_table_is_parsed_again(tables, tmp_path):
    (tables / "a.toml").write_text("k = 1\n")
    load("a")
    for path in kept(tmp_path):
        path.write_bytes(b"\x00garbage")
    assert load("a") == {"k": 1}


def test_no_cache_and_no_bytecode_write_nothing(tables, tmp_path, monkeypatch):
    (tables / "a.toml").write_text("k = 1\n")
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    assert load("a") == {"k": 1} and kept(tmp_path) == []
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    monkeypatch.setenv("BUILDDOCTOR_NO_CACHE", "1")
    assert load("a") == {"k": 1} and kept(tmp_path) == []


def test_an_unwritable_cache_folder_is_no_error(tables, tmp_path, monkeypatch):
    (tables / "a.toml").write_text("k = 1\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BUILDDOCTOR_CACHE_DIR", str(blocker / "cache"))
    assert load("a") == {"k": 1}
    assert not os.path.exists(blocker / "cache")


def test_the_shipped_tables_read_the_same_from_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("BUILDDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUILDDOCTOR_NO_CACHE", raising=False)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    for name in ("arches", "known-problems", "secrets", "cross"):
        first, second = load(name), load(name)
        assert first == second and first
    assert len(kept(tmp_path)) == 4


def test_two_installations_keep_their_own_tables(tmp_path, monkeypatch):
    """A tool's own venv and a project's checkout share one user cache: each keeps its parsed tables
    instead of replacing the other's at every alternate run (their TOML files' inodes differ)."""
    monkeypatch.setenv("BUILDDOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUILDDOCTOR_NO_CACHE", raising=False)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    parsed = []
    from builddoctor._compat import tomllib

    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(text) or real(text))
    for install in ("a", "b"):
        (tmp_path / install / "toolchains").mkdir(parents=True)
        (tmp_path / install / "toolchains" / "arches.toml").write_text(f'[x]\nname = "{install}"\n')
    for install in ("a", "b", "a", "b"):
        monkeypatch.setattr(_data, "_toolchains_path", lambda i=install: str(tmp_path / i / "toolchains"))
        _data._install_key.cache_clear()
        assert load("arches") == {"x": {"name": install}}
    assert len(parsed) == 2  # each installation's file parsed once, then read from its kept copy
    assert len(kept(tmp_path)) == 2
    _data._install_key.cache_clear()
