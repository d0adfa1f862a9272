"""Fixes that write a file for `check --fix` (a .vsconfig, a constraint file). Pure: facts in, Fix out.

The file goes into the project folder (never replacing one that exists) and `then` says how to use it.
"""
from __future__ import annotations

import json

from .._data import table
from .model import Action, Fix


def _join(folder: str, name: str, windows: bool) -> str:
    sep = "\\" if windows else "/"
    return folder.rstrip("\\/") + sep + name


def vsconfig_fix(project_dir: str, components: list[str], why: str, rank: int = 30) -> Fix:
    """A .vsconfig naming the Visual Studio components this build needs.

    The Visual Studio Installer reads it with `--config FILE` (and Visual Studio offers to install
    what a solution folder's .vsconfig lists). Format and options: toolchains/msvc.toml [vsconfig].
    """
    data = table("msvc")["vsconfig"]
    path = _join(project_dir, data["file"], True)
    content = json.dumps({"version": data["version"], "components": components}, indent=2) + "\n"
    then = data["install"].format(path=path)
    return Fix(f"write {path} (components: {', '.join(components)})", why, rank,
               action=Action("vsconfig", path=path, content=content, then=then))


def constraint_fix(project_dir: str, tool: str, fixed_in: str, windows: bool, rank: int = 25) -> Fix:
    """A constraint file that keeps isolated builds on a backend version with the fix.

    pip reads it with `--build-constraint FILE`, uv with `--build-constraints FILE` or
    UV_BUILD_CONSTRAINT (the URLs in `then` say so). For known-problems findings with a `fixed_in`.
    """
    path = _join(project_dir, "builddoctor-build-constraints.txt", windows)
    content = f"{tool}>={fixed_in}\n"
    then = (f"pip install --build-constraint {path} ... / uv pip install --build-constraints {path} ... "
            f"(or UV_BUILD_CONSTRAINT={path}); https://pip.pypa.io/en/stable/cli/pip_install/ "
            "https://docs.astral.sh/uv/reference/environment/#uv_build_constraint")
    return Fix(f"write {path} ({tool}>={fixed_in})",
               f"isolated builds then install {tool} {fixed_in} or later, which fixes it", rank,
               action=Action("constraint", path=path, content=content, then=then))
