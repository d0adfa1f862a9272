"""Load the TOML tables in toolchains/ (shipped in the wheel as builddoctor/toolchains)."""
from __future__ import annotations

import functools
import os

from ._compat.tomllib import loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def _toolchains_path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "toolchains")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(here))), "toolchains")


def toolchains_dir() -> Path:
    """The packaged copy when installed from a wheel, the repository's folder when editable."""
    from pathlib import Path

    return Path(_toolchains_path())


@functools.cache
def table(name: str) -> dict[str, Any]:
    """The parsed contents of toolchains/<name>.toml (os.path, not pathlib: 3 ms less at start-up)."""
    with open(os.path.join(_toolchains_path(), f"{name}.toml"), encoding="utf-8") as fh:
        data: dict[str, Any] = loads(fh.read())
    return data
