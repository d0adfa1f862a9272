"""Load the TOML tables in toolchains/ (shipped in the wheel as builddoctor/toolchains)."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ._compat.tomllib import loads


def toolchains_dir() -> Path:
    """The packaged copy when installed from a wheel, the repository's folder when editable."""
    packaged = Path(__file__).with_name("toolchains")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "toolchains"


@functools.cache
def table(name: str) -> dict[str, Any]:
    """The parsed contents of toolchains/<name>.toml."""
    data: dict[str, Any] = loads((toolchains_dir() / f"{name}.toml").read_text(encoding="utf-8"))
    return data
