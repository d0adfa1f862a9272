"""The real machine builddoctor runs on."""
from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from .. import proc
from ..arch import OSName
from ..proc import DEFAULT_TIMEOUT, ProcResult
from .base import CacheMiss, Machine
from .redact import allowed_env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..cache import Cache

# Probes must never download a toolchain, whatever the cwd or the user's rustup settings say.
#: What every probe child sees on top of the user's environment: no toolchain installs, English
#: messages, and no colour codes in what builddoctor parses (a user's RUSTUP_TERM_COLOR=always put
#: escape sequences into `rustup show`; https://rust-lang.github.io/rustup/environment-variables.html,
#: https://doc.rust-lang.org/cargo/reference/config.html#termcolor).
PROBE_ENV = {"RUSTUP_AUTO_INSTALL": "0", "LC_ALL": "C", "VSLANG": "1033", "RUSTUP_TERM_COLOR": "never",
             "CARGO_TERM_COLOR": "never"}


def _current_os() -> OSName:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


# Variables that change what a program prints without being in the allow-list probes see.
_LOADER_VARS = ("LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
                "DYLD_INSERT_LIBRARIES")

class LiveMachine(Machine):
    def __init__(self, cache: Cache | None = None, index: Any = None) -> None:
        """`cache`: answer `run_cached` questions from it while their files are unchanged (check only);
        `index`: a why.index.Finder when the caller asked to resolve against an index."""
        self.os = _current_os()
        self._neutral: str | None = None
        self._env = allowed_env(os.environ)
        self._cache = cache
        self._cache_env: str | None = None
        self._listings: dict[str, frozenset[str] | None] = {}
        self._found: dict[str, str | None] = {}
        self._on_path: frozenset[str] | None = None
        self.index = index
        self._cache_only = False
        self._child_env = _probe_env()  # built once: a dozen runs each copied os.environ

    def _cwd(self) -> str:
        """A fresh empty folder to run probes from, made on first use and removed on close/exit."""
        if self._neutral is None:
            self._neutral = _EARLY_DIR.pop() if _EARLY_DIR else _probe_dir()  # start_early's, if it made one
        return self._neutral

    def close(self) -> None:
        _end_early()
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
        if name not in self._found:  # probes ask for the same programs (rustc, cc, ...) many times
            self._found[name] = self._which(name)
        return self._found[name]

    def _which(self, name: str) -> str | None:
        return _search_path(name, self.os == "windows", self._listing)

    def _listing(self, folder: str) -> frozenset[str] | None:
        """A PATH folder's names, read once per check: a dozen lookups through a PATH of thousands of
        folders cost one listing each instead of a stat per name. None (look with stat) where names
        are case-insensitive (Windows, macOS) or the folder cannot be listed."""
        if not sys.platform.startswith("linux"):
            return None
        if folder not in self._listings:
            try:
                self._listings[folder] = frozenset(os.listdir(folder))
            except (OSError, ValueError):
                self._listings[folder] = None
        return self._listings[folder]

    def answer_from_cache_only(self, on: bool) -> bool:
        """While on, `run` (so a cache miss of `run_cached`) and index reads raise CacheMiss."""
        if self._cache is None:
            return False
        self._cache_only = on
        return True

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: Mapping[str, str] | None = None) -> ProcResult:
        if self._cache_only:
            raise CacheMiss(argv)
        child_env = {**self._child_env, **env} if env else self._child_env
        if argv and os.path.dirname(argv[0]) and not os.path.isabs(argv[0]):
            argv = [os.path.abspath(argv[0]), *argv[1:]]  # relative to the user's folder, not the probe's
        early = _EARLY.pop(tuple(argv), None) if _EARLY else None
        if early is not None:
            child, started_env, started_in = early
            if started_env == child_env and started_in == self._cwd():
                return proc.collect(child, argv, timeout)
            proc.end(child)  # started for another environment or folder than the probe's: not its answer
        return proc.run(argv, timeout=timeout, env=child_env, cwd=self._cwd())

    def run_cached(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
                   deps: Sequence[str] = (),
                   deps_of: Callable[[ProcResult], Sequence[str]] | None = None) -> ProcResult:
        if self._cache is None or not argv or not os.path.isabs(argv[0]):
            return self.run(argv, timeout=timeout, key=key)
        cache_key = self._cache_key(argv)
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        result = self.run(argv, timeout=timeout, key=key)
        if result.ok:
            try:
                extra = list(deps_of(result)) if deps_of is not None else []
            except (ValueError, TypeError, KeyError, AttributeError):
                return result  # cannot say what the answer depends on: not cached
            self._cache.put(cache_key, [argv[0], *deps, *extra], result)
        return result

    def _cache_key(self, argv: Sequence[str]) -> str:
        """argv, everything in the environment that can change a program's answer, and the OS build."""
        if self._cache_env is None:
            import json

            from ..cache import system_identity

            env = {**self._env, **{k: os.environ[k] for k in _LOADER_VARS if k in os.environ}, **PROBE_ENV}
            self._cache_env = json.dumps([sorted(env.items()), system_identity()], ensure_ascii=False)
        import json

        return json.dumps(list(argv), ensure_ascii=False) + self._cache_env

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
        folder, name = os.path.split(path)
        if folder in self._path_folders():  # a PATH folder's names are listed once (the PATH scan asks
            listing = self._listing(folder)  # for a dozen programs in each): a name not there is no file
            if listing is not None and name not in listing:
                return False
        return os.path.isfile(path)

    def _path_folders(self) -> frozenset[str]:
        if self._on_path is None:
            entries = (e.strip().strip('"') for e in os.environ.get("PATH", "").split(os.pathsep))
            self._on_path = frozenset(os.path.normpath(e) for e in entries if e and os.path.isabs(e))
        return self._on_path

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str] | None:
        try:
            return sorted(os.listdir(path))
        except (OSError, ValueError):
            return None

    def index_files(self, name: str) -> list[dict[str, object]] | None:
        if self.index is None:
            return None
        if self._cache_only:
            raise CacheMiss(name)
        from ..errors import UserError

        try:
            files = self.index.files(name)
        except UserError as exc:  # unreachable or unreadable: said in the fact, never a crash
            return [{"error": str(exc)}]
        if files is None:
            return None
        return [{"filename": f.filename, "requires_python": f.requires_python, "yanked": f.yanked} for f in files]

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


#: Children `start_early` started, by argv: (the process, its environment, its folder).
_EARLY: dict[tuple[str, ...], tuple[Any, dict[str, str], str]] = {}
#: The probe folder `start_early` made, taken by the next LiveMachine as its own.
_EARLY_DIR: list[str] = []


def start_early(name: str, *args: str) -> None:
    """Start `name args` now, before the check's modules load, exactly as a probe would run it (the
    program PATH names, the probes' environment, a fresh probe folder, which the next LiveMachine
    then uses as its own), so that `LiveMachine.run` of the same argv reads this child instead of
    starting one.

    Decision (issue 16): a check without its cache starts ~12 programs on 2 cores, and its longest
    chain is `rustup show` and then the toolchain's rustc and cargo. Started ~15-25 ms earlier, while
    Python still imports the probes and the other core is idle, a cold check took 13 ms less (paired
    median of 31, IQR -22..-8 ms). Only for a check that will not take rustup's answer from the cache
    (cli.cmd_check decides): there, this child would be wasted work. Whatever no probe asks for, or
    asks for otherwise (another environment, another folder, another program of that name), is
    ended at close(), unread: the probe runs its own."""
    path = _search_path(name, sys.platform == "win32", lambda folder: None)  # as LiveMachine.which, unlisted
    if path is None:
        return
    argv = (path, *args)
    env = _probe_env()
    if not _EARLY_DIR:  # one probe folder for every early child, as for the probes
        _EARLY_DIR.append(_probe_dir())
        atexit.register(_end_early)  # runs before the folder's removal: a check that stops before probing
    child = proc.spawn(argv, env=env, cwd=_EARLY_DIR[0], merge_stderr=False)
    if not isinstance(child, str):
        _EARLY[argv] = (child, env, _EARLY_DIR[0])


def _probe_env() -> dict[str, str]:
    """The environment every probe child gets: the user's, plus PROBE_ENV."""
    return {**os.environ, **PROBE_ENV}


def _probe_dir() -> str:
    """A fresh empty folder to run probes from, removed at exit (and by LiveMachine.close)."""
    from ..interrupts import deferred

    with deferred():  # made and registered for removal as one step
        folder = _private_dir("builddoctor-probe-")
        atexit.register(_remove_dir, folder)
    return folder


def _search_path(name: str, windows: bool, listing: Callable[[str], frozenset[str] | None]) -> str | None:
    """The first executable `name` (with a PATHEXT extension on Windows) in an absolute PATH entry;
    `listing` gives a folder's names when known (None: look with stat)."""
    exts = [""]
    if windows:  # pragma: no cover - Windows only
        exts = [""] + [e.lower() for e in os.environ.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";") if e]
    for raw in os.environ.get("PATH", "").split(os.pathsep):
        entry = raw.strip().strip('"')
        if not entry or not os.path.isabs(entry):
            continue  # an empty or relative entry would mean "the current folder"
        names = listing(entry)
        for ext in exts:
            if names is not None and name + ext not in names:
                continue
            candidate = os.path.join(entry, name + ext)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def _end_early() -> None:
    while _EARLY:
        _argv, (child, _env, _folder) = _EARLY.popitem()
        proc.end(child)


def _private_dir(prefix: str) -> str:
    """tempfile.mkdtemp(prefix=prefix) without importing tempfile (with shutil, random, bz2 and lzma:
    several ms of every live check): a new folder only this user can enter, under a random name, in
    the first of $TMPDIR, $TEMP, $TMP (then the platform's usual folder) where one can be made; in
    any other case tempfile itself decides."""
    names = [os.environ.get(v, "") for v in ("TMPDIR", "TEMP", "TMP")]
    names.append(os.path.join(os.environ.get("LOCALAPPDATA", ""), "Temp") if sys.platform == "win32" else "/tmp")
    for base in names:
        if base and os.path.isabs(base) and os.path.isdir(base):
            path = os.path.join(base, prefix + os.urandom(6).hex())
            try:
                os.mkdir(path, 0o700)
                return path
            except OSError:
                break  # not writable, or a name taken: let tempfile look further
    import tempfile

    return tempfile.mkdtemp(prefix=prefix)


def _remove_dir(path: str) -> None:
    """Only ever the folder this module created; usually still empty (no shutil import then)."""
    try:
        os.rmdir(path)
    except FileNotFoundError:
        return  # removed already (close, then the exit handler)
    except OSError:
        import shutil

        shutil.rmtree(path, ignore_errors=True)
