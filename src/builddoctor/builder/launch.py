"""The build environment's first child, started before the rest of `build` is imported.

Decision (issue 16): the build's critical path is `uv venv`, `uv pip install`, then the hooks. The
first child used to start ~70 ms after the process did: Python's start-up, then ~25 ms of imports
(the command and run modules, concurrent.futures with logging, the sdist reader with tarfile and
zipfile, pathlib, hashlib) before anything was spawned. `uv build` itself starts resolving within a
few milliseconds. Here the CLI's arguments are enough to know the interpreter (a path), the
environment folder and uv's argv, so `uv venv` starts right after argument parsing, using only
modules already loaded (os, sys, proc) plus subprocess and tempfile, and everything else loads
while it runs. `BuildEnv.create` then follows this child instead of starting one.

Only the common case starts early: an isolated build of an existing source with uv, for an
interpreter given as a path (a version or no --python needs the interpreter lookup, which loads the
machine layer: that path starts the environment where it did before). Whatever `build` decides
afterwards (a bad output folder, a refused Requires-Python, an interrupt), `Launch.__exit__` ends
the child's tree and removes the folder.
"""
from __future__ import annotations

import os
import sys

from .. import proc

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping, Sequence

    from ..cliparse import Namespace

ENV_PREFIX = "builddoctor-env-"
#: Variables that would send an installer somewhere else than the build environment.
INSTALLER_DROP = ("PYTHONPATH", "PYTHONHOME", "PIP_USER", "PIP_TARGET", "PIP_PREFIX", "CONDA_PREFIX")


def installer_env(base: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in base.items() if k not in INSTALLER_DROP}


def find_uv() -> str | None:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        import shutil

        return shutil.which("uv")


def uv_venv_argv(uv: str, base_python: str, env: str) -> list[str]:
    return [uv, "venv", "--quiet", "--python", base_python, env]


def env_key(key: str, prefix: str = ENV_PREFIX) -> str:
    """The environment folder's name for an interpreter: the same from one build to the next (uv
    caches what it learns about an interpreter by its path). zlib, not hashlib: no OpenSSL to load
    before the first child; the name only has to be stable, a clash falls back to a random name."""
    from .._text import short_hash

    return prefix + short_hash(key)


def make_env_folder(key: str) -> str | None:
    """A new folder for the isolated build environment in the system's temporary folder (its name
    from `env_key` when free, else random); None when that folder's path is not ASCII (toolchains
    mangle such paths: host.home-non-ascii) or cannot be written. The caller removes it."""
    base = _temp_base()
    if base is not None and base.isascii():
        try:
            path = os.path.join(base, env_key(key))
            os.mkdir(path)  # atomic: a concurrent build of the same interpreter gets a random name below
            return path
        except OSError:
            pass
    import tempfile

    base = tempfile.gettempdir()
    if not base.isascii():
        return None
    try:
        return tempfile.mkdtemp(prefix=ENV_PREFIX, dir=base)
    except OSError:
        return None


def _temp_base() -> str | None:
    """POSIX: the folder `tempfile.gettempdir()` picks first (TMPDIR, TEMP, TMP, then /tmp), without
    importing tempfile (with shutil, random, bz2 and lzma: ~6 ms before the first child). When
    that folder cannot take the environment, tempfile itself decides (it also tries the next ones)."""
    if os.name == "nt":
        return None
    for name in ("TMPDIR", "TEMP", "TMP"):
        folder = os.environ.get(name)
        if folder:
            return os.path.abspath(folder) if os.path.isdir(folder) else None
    return "/tmp"


def remove_tree(path: str) -> None:
    import shutil
    import time

    for delay in (0.0, 0.2, 1.0):  # Windows: a virus scanner may hold a file for a moment
        time.sleep(delay)
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return
    print(f"builddoctor: warning: could not remove {path}", file=sys.stderr)


class Launch:
    """`with Launch(args) as early:` the environment folder and its `uv venv`, when they can start now.

    `folder` (None: nothing started) holds the environment at `folder/env`; `child` is `uv venv`
    running (None when it could not start: BuildEnv then starts it and reports why)."""

    def __init__(self, args: Namespace) -> None:
        self.args = args
        self.python: str | None = None
        self.uv: str | None = None
        self.folder: str | None = None
        self.child: subprocess.Popen[bytes] | None = None
        self.argv: list[str] = []
        self.cwd = ""

    def __enter__(self) -> Launch:
        from ..interrupts import deferred

        try:
            with deferred():  # an interrupt between mkdir and the child's start would leave either behind
                self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        from ..interrupts import deferred

        with deferred():  # removed completely, even when an interrupt arrives meanwhile
            self.close()

    def _start(self) -> None:
        a = self.args
        python = getattr(a, "python", None)
        if not (a.isolation and not a.print_env and not a.replay and a.installer in ("auto", "uv")
                and a.timeout > 0 and a.idle_timeout > 0 and python and os.path.isfile(python)
                and os.path.exists(a.source or ".")):
            return
        uv = find_uv()
        if uv is None:
            return
        self.python, self.uv = os.path.abspath(python), uv
        self.folder = make_env_folder(self.python)
        if self.folder is None:
            return
        self.argv, self.cwd = uv_venv_argv(uv, self.python, os.path.join(self.folder, "env")), self.folder
        started = proc.spawn(self.argv, env=installer_env(os.environ), cwd=self.cwd)
        self.child = started if not isinstance(started, str) else None

    def take(self, argv: Sequence[str]) -> subprocess.Popen[bytes] | None:
        """The running child when it is `argv` (BuildEnv's own), handed over once."""
        if self.child is None or list(argv) != self.argv:
            return None
        child, self.child = self.child, None
        return child

    def close(self) -> None:
        child, self.child = self.child, None
        if child is not None:  # never followed: the build stopped before it needed the environment
            proc.end(child)
        folder, self.folder = self.folder, None
        if folder is not None:
            remove_tree(folder)
