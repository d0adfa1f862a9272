"""The real machine builddoctor runs on."""
from __future__ import annotations

import atexit
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence

from .. import proc
from ..proc import DEFAULT_TIMEOUT, ProcResult
from .base import Machine
from .redact import allowed_env

# Probes must never download a toolchain, whatever the cwd or the user's rustup settings say.
PROBE_ENV = {"RUSTUP_AUTO_INSTALL": "0", "LC_ALL": "C", "VSLANG": "1033"}


def _current_os() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


class LiveMachine(Machine):
    def __init__(self) -> None:
        self.os = _current_os()
        self._neutral: str | None = None
        self._env = allowed_env(os.environ)

    def _cwd(self) -> str:
        """A fresh empty folder to run probes from, made on first use and removed on close/exit."""
        if self._neutral is None:
            from ..interrupts import deferred

            with deferred():  # made and registered for removal as one step
                self._neutral = tempfile.mkdtemp(prefix="builddoctor-probe-")
                atexit.register(_remove_dir, self._neutral)
        return self._neutral

    def close(self) -> None:
        if self._neutral is not None:
            from ..interrupts import deferred

            with deferred():
                _remove_dir(self._neutral)
                self._neutral = None

    def __enter__(self) -> LiveMachine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def env(self) -> Mapping[str, str]:
        return self._env

    def which(self, name: str) -> str | None:
        path = os.environ.get("PATH", "")
        exts = [""]
        if self.os == "windows":  # pragma: no cover - Windows only
            exts = [""] + [e.lower() for e in os.environ.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";") if e]
        for raw in path.split(os.pathsep):
            entry = raw.strip().strip('"')
            if not entry or not os.path.isabs(entry):
                continue  # an empty or relative entry would mean "the current folder"
            for ext in exts:
                candidate = os.path.join(entry, name + ext)
                if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                    return candidate
        return None

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: Mapping[str, str] | None = None) -> ProcResult:
        child_env = dict(os.environ)
        child_env.update(PROBE_ENV)
        if env:
            child_env.update(env)
        if argv and os.path.dirname(argv[0]) and not os.path.isabs(argv[0]):
            argv = [os.path.abspath(argv[0]), *argv[1:]]  # relative to the user's folder, not the probe's
        return proc.run(argv, timeout=timeout, env=child_env, cwd=self._cwd())

    def read_text(self, path: str, limit: int = 1 << 20) -> str | None:
        data = self.read_head(path, limit)
        return None if data is None else proc.decode(data)

    def read_head(self, path: str, size: int = 1 << 16) -> bytes | None:
        try:
            with open(path, "rb") as fh:
                return fh.read(size)
        except (OSError, ValueError):
            return None

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str] | None:
        try:
            return sorted(os.listdir(path))
        except (OSError, ValueError):
            return None

    def uname_machine(self) -> str:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return os.environ.get("PROCESSOR_ARCHITECTURE", "")
        return str(os.uname().machine)

    def native_machine(self) -> int | None:
        if self.os != "windows":
            return None
        return _is_wow64_process2_native()  # pragma: no cover - Windows only

    def proc_translated(self) -> int | None:
        if self.os != "macos":
            return None
        return _sysctl_proc_translated()  # pragma: no cover - macOS only

    def home(self) -> str:
        return os.path.expanduser("~")


def _is_wow64_process2_native() -> int | None:  # pragma: no cover - Windows only
    """IsWow64Process2's native machine: the only API that sees ARM64 under x64 emulation."""
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
        fn = kernel32.IsWow64Process2
        fn.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.USHORT), ctypes.POINTER(wintypes.USHORT)]
        fn.restype = wintypes.BOOL
        process = wintypes.USHORT(0)
        native = wintypes.USHORT(0)
        if not fn(kernel32.GetCurrentProcess(), ctypes.byref(process), ctypes.byref(native)):
            return None
        return int(native.value)
    except (AttributeError, OSError):
        return None


def _sysctl_proc_translated() -> int | None:  # pragma: no cover - macOS only
    """sysctl.proc_translated, asked in-process (a child process would report its own view)."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        value = ctypes.c_int(0)
        size = ctypes.c_size_t(ctypes.sizeof(value))
        rc = libc.sysctlbyname(b"sysctl.proc_translated", ctypes.byref(value), ctypes.byref(size), None, 0)
        if rc != 0:
            return 0  # ENOENT on Intel Macs: not translated
        return int(value.value)
    except (AttributeError, OSError):
        return None


def _remove_dir(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)  # only ever the folder this module created
