"""Load the TOML tables in toolchains/ (shipped in the wheel as builddoctor/toolchains).

Parsing TOML is pure Python: the tables a `check` reads took 20-30 ms to parse at every start,
more than a third of a replayed check (issue 16). So a parsed table is kept the way Python keeps a
module's bytecode: `marshal`led in the user cache folder (`BUILDDOCTOR_CACHE_DIR`, see cache.py),
under `tables/`, one file per table and Python bytecode version, holding the identity (size, mtime,
inode) of the TOML file it came from. It is used only while that file is unchanged, so it is never
stale; a missing, damaged or foreign entry is just parsed again. Like bytecode, and unlike the
cache of program answers that `check --no-cache` skips, it is not a fact about the machine, so
`--no-cache` leaves it alone; `BUILDDOCTOR_NO_CACHE=1` turns both off, and with
PYTHONDONTWRITEBYTECODE (`python -B`) nothing new is written.
"""
from __future__ import annotations

import functools
import os
import sys

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


#: bump when what a table file holds changes meaning: old files then simply miss
_FORMAT = 1


@functools.cache
def table(name: str) -> dict[str, Any]:
    """The parsed contents of toolchains/<name>.toml (os.path, not pathlib: 3 ms less at start-up)."""
    path = os.path.join(_toolchains_path(), f"{name}.toml")
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        stamp = (_FORMAT, st.st_size, st.st_mtime_ns, st.st_ino)
        kept = _kept_path(name)
        data = _read_kept(kept, stamp) if kept else None
        if data is None:
            from ._compat.tomllib import loads

            data = loads(fh.read().decode("utf-8"))
            if kept and not sys.dont_write_bytecode:
                _keep(kept, stamp, data)
    return data


def _kept_path(name: str) -> str:
    """`tables/<name>-<the toolchains folder's hash>.<bytecode tag>.marshal`: two installations (a
    tool's own venv and a project's, a checkout) keep their own copies instead of replacing each
    other's at every alternate run (a TOML file's inode differs between them)."""
    if os.environ.get("BUILDDOCTOR_NO_CACHE"):
        return ""
    from .cachedir import default_dir

    folder = default_dir()
    tag = sys.implementation.cache_tag or "python"  # marshal's format follows the bytecode version
    return os.path.join(folder, "tables", f"{name}-{_install_key()}.{tag}.marshal") if folder else ""


@functools.cache
def _install_key() -> str:
    from ._text import short_hash

    return short_hash(_toolchains_path())


def _read_kept(path: str, stamp: tuple[int, ...]) -> dict[str, Any] | None:
    import marshal

    try:
        with open(path, "rb") as fh:
            kept = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp and isinstance(kept[1], dict):
        return kept[1]
    return None


def _keep(path: str, stamp: tuple[int, ...], data: dict[str, Any]) -> None:
    """Keep the parsed table (written whole or not at all, cache.write_whole); any failure only means
    the next run parses the TOML again."""
    import marshal

    from .cache import write_whole

    try:
        blob = marshal.dumps((stamp, data))  # ValueError for a type marshal cannot keep (a TOML date)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    except (OSError, ValueError):
        return
    write_whole(path, blob)
