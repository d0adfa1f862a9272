"""builder/early.py: what `build` decides from files before the environment is filled."""
from __future__ import annotations

from pathlib import Path

import pytest

from builddoctor.builder.early import (
    Declared,
    read_declared,
    refuse_cycle,
    requires_python_error,
    venv_python_version,
)
from builddoctor.errors import UserError


def test_pyproject_static_fields_win_and_pkg_info_fills_what_it_leaves_out(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "Demo"\ndynamic = ["version"]\n', encoding="utf-8")
    (tmp_path / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.2\n"
                                       "Requires-Python: >=3.10\n\nRequires-Python: >=9 (in the description)\n",
                                       encoding="utf-8")
    assert read_declared(tmp_path) == Declared("Demo", "1.2", ">=3.10")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "Demo"\nversion = "2.0"\nrequires-python = ">=3.12"\n',
                                             encoding="utf-8")
    assert read_declared(tmp_path) == Declared("Demo", "2.0", ">=3.12")


def test_unreadable_files_declare_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    assert read_declared(tmp_path) == Declared()
    assert read_declared(tmp_path / "missing") == Declared()


@pytest.mark.parametrize(("cfg", "version"), [
    ("home = /usr/bin\nimplementation = CPython\nuv = 0.8.0\nversion_info = 3.13.0\n", "3.13.0"),  # uv venv
    ("home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.18\n", "3.9.18"),  # python -m venv
    ("home = /usr/bin\nversion_info = 3.14.0rc2\n", "3.14.0rc2"),
    ("home = /usr/bin\n", None),
    ("version = $(rm -rf)\n", None),
])
def test_the_environments_python_version_comes_from_pyvenv_cfg(tmp_path: Path, cfg: str, version: str | None) -> None:
    (tmp_path / "pyvenv.cfg").write_text(cfg, encoding="utf-8")
    assert venv_python_version(tmp_path) == version


def test_requires_python_refuses_only_an_excluded_interpreter() -> None:
    error = requires_python_error(Declared("demo", "1", ">=3.12"), "3.11.7")
    assert error is not None and error.exit_code == 4
    assert "demo requires Python >=3.12 but this interpreter is 3.11.7" in error.message
    assert error.message.endswith("[project.requires-python]")
    assert requires_python_error(Declared("demo", "1", ">=3.12"), "3.12.0") is None
    assert requires_python_error(Declared("demo", "1", ">=3.14"), "3.14.0rc2") is None  # as the preflight does
    assert requires_python_error(Declared("demo", "1", "not a specifier"), "3.11.7") is None  # the preflight says
    assert requires_python_error(Declared("demo", "1", ">=3.12"), None) is None
    assert requires_python_error(Declared("demo", "1", ""), "3.11.7") is None


@pytest.mark.parametrize("requirement", ["demo_pkg", "Demo.Pkg>=1", "demo-pkg[extra] ; python_version > '3'",
                                         " DEMO--pkg @ https://example.org/demo.tar.gz"])
def test_a_project_that_needs_itself_is_a_cycle(requirement: str) -> None:
    with pytest.raises(UserError, match="cyclic build dependency"):
        refuse_cycle("demo-pkg", [requirement])


def test_a_longer_name_is_not_a_cycle() -> None:
    refuse_cycle("demo", ["demo-pkg", "demos>=1", "setuptools"])
    refuse_cycle(None, ["demo"])


def test_the_preflight_asks_the_index_for_the_build_requirements_once_and_up_front() -> None:
    import threading

    from builddoctor.builder.command import _Prefetched

    asked: list[str] = []
    first_answer = threading.Event()

    class Finder:
        index = object()

        def files(self, name: str) -> list[str]:
            asked.append(name)
            first_answer.set()
            return [f"{name}-1.0-py3-none-any.whl"]

    finder = _Prefetched(Finder(), ["Setuptools_SCM[toml]>=8", "setuptools>=77 ; python_version >= '3.9'", "!bad"])
    assert first_answer.wait(10)  # asked before anyone wants the answer
    assert finder.files("setuptools-scm") == ["setuptools-scm-1.0-py3-none-any.whl"]
    assert finder.files("SETUPTOOLS") == ["setuptools-1.0-py3-none-any.whl"]
    assert finder.files("setuptools") == ["setuptools-1.0-py3-none-any.whl"]
    assert sorted(asked) == ["setuptools", "setuptools-scm"]  # once each, under PEP 503 names
    assert finder.files("wheel") == ["wheel-1.0-py3-none-any.whl"]  # anything else: asked when wanted
    assert finder.index is Finder.index
