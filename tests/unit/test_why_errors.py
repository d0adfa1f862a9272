"""Bad input for `builddoctor why`: one-line UserError, exit code 2, no secrets in the message."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "why"))
from whyindex import LocalIndex, build_wheel, closed_port_url, seed_interpreter

from builddoctor.errors import UserError
from builddoctor.why import explain


def _project(tmp_path: Path, deps: str = '"somepkg"') -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "demo"\nversion = "1"\ndependencies = [{deps}]\n')
    return tmp_path


def _fails(path: Path, **kw: object) -> str:
    tags, markers = seed_interpreter()
    kw.setdefault("env", {})
    with pytest.raises(UserError) as info:
        explain(path, tags=tags, markers=markers, python_version="3.13.5", **kw)  # type: ignore[arg-type]
    assert info.value.exit_code == 2
    message = str(info.value)
    assert "\n" not in message and message == info.value.message
    return message


def test_unreachable_index_redacts_credentials(tmp_path: Path) -> None:
    url = closed_port_url().replace("http://", "http://alice:s3cret@")
    message = _fails(_project(tmp_path), index_url=url, timeout=3.0)
    assert message.startswith("cannot reach the package index http://alice:****@127.0.0.1:")
    assert "s3cret" not in message


def test_unreachable_index_from_environment(tmp_path: Path) -> None:
    url = closed_port_url().replace("http://", "http://tok3n@")
    message = _fails(_project(tmp_path), env={"PIP_INDEX_URL": url}, timeout=3.0)
    assert "http://****@127.0.0.1" in message and "tok3n" not in message


@pytest.mark.parametrize(("mode", "expected"), [
    ("garbage-html", "HTML page with no distribution links"),
    ("bad-json", "invalid JSON"),
])
def test_index_returning_garbage(tmp_path: Path, mode: str, expected: str) -> None:
    files = tmp_path / "files"
    build_wheel(files, "somepkg", "1.0")
    (tmp_path / "p").mkdir()
    with LocalIndex(files, mode=mode) as idx:
        message = _fails(_project(tmp_path / "p"), index_url=idx.url)
    assert expected in message


def test_http_error_status(tmp_path: Path) -> None:
    with LocalIndex(tmp_path / "nothing", mode="error") as idx:
        url = idx.url.replace("http://", "http://bob:hunter2@")
        message = _fails(_project(tmp_path), index_url=url)
    assert message.startswith("the package index answered HTTP 503 for http://127.0.0.1:")
    assert "hunter2" not in message and "bob" not in message


@pytest.mark.parametrize(("text", "expected"), [
    ("this is [not toml", "uv.lock is not valid TOML"),
    ("version = 2\nrevision = 1\n", "uv.lock has version 2; builddoctor reads uv.lock version 1"),
    ("requires-python = '>=3.9'\n", "uv.lock has version None"),
    ("version = 1\npackage = 3\n", "[[package]] must be an array of tables"),
])
def test_bad_uv_lock(tmp_path: Path, text: str, expected: str) -> None:
    (_project(tmp_path) / "uv.lock").write_text(text)
    assert expected in _fails(tmp_path, index_url=closed_port_url())


@pytest.mark.parametrize(("text", "expected"), [
    ("lock-version = '2.0'\n", "lock-version '2.0'"),
    ("[[packages\n", "pylock.toml is not valid TOML"),
])
def test_bad_pylock(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "pylock.toml").write_text(text)
    assert expected in _fails(tmp_path, index_url=closed_port_url())


def test_bad_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'x'\n")
    assert "pyproject.toml is not valid TOML" in _fails(tmp_path, index_url=closed_port_url())


def test_bad_requirement(tmp_path: Path) -> None:
    assert "invalid requirement 'not a requirement!!'" in _fails(
        _project(tmp_path, '"not a requirement!!"'), index_url=closed_port_url())


def test_bad_requirements_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("ok-pkg\n\nfoo >= = 1\n")
    assert "requirements.txt:3: invalid requirement" in _fails(tmp_path, index_url=closed_port_url())


def test_missing_folder_and_empty_project(tmp_path: Path) -> None:
    assert "project folder not found" in _fails(tmp_path / "missing")
    assert "no pyproject.toml, uv.lock, pylock.toml or requirements.txt" in _fails(tmp_path)
    assert "--find-links is not a folder" in _fails(_project(tmp_path), find_links=tmp_path / "nope")


def test_bad_package_argument(tmp_path: Path) -> None:
    assert "not a package name or requirement" in _fails(tmp_path, packages=["=="])


def test_index_url_scheme(tmp_path: Path) -> None:
    message = _fails(_project(tmp_path), index_url="ftp://u:pw@example/simple")
    assert message == "the index URL must be http(s): ftp://u:****@example/simple"
