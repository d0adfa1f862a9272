"""The interface every probe uses to read a machine."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence

from ..arch import OSName
from ..proc_result import DEFAULT_TIMEOUT, ProcResult

SCHEMA = "builddoctor.snapshot/1"  # what a snapshot's "schema" says (written by record.py, read by replay.py)

#: Runs an earlier builddoctor recorded with other arguments, whose output answers a replay in place
#: of the run asked for now: (program name without .exe, arguments now) -> arguments then.
#: `rustup --help` replaced `rustup --version` for rustup's own version: both print
#: "rustup X.Y.Z (hash date)" first, but since rustup 1.27 `--version` also runs the active rustc
#: (display_version in https://github.com/rust-lang/rustup/blob/1.29.0/src/cli/rustup_mode.rs),
#: ~15 ms here; --help has the line through clap's template in every rustup (`before_help` since 1.27).
EARLIER_ARGS: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {("rustup", ("--help",)): ("--version",)}


def run_key(argv: Sequence[str], key: str | None, env: Mapping[str, str] | None = None) -> str:
    """The key of a `run` read in a snapshot: `key` when the probe names it, else the argv as JSON."""
    import json

    base = "run " + (key if key is not None else json.dumps(list(argv), ensure_ascii=False))
    return base + (" with " + json.dumps(dict(sorted(env.items())), ensure_ascii=False) if env else "")


class CacheMiss(BaseException):
    """A machine answering from its cache alone (`answer_from_cache_only`) was asked something that
    needs a process or the network. A BaseException, so no probe's `except Exception` swallows it."""


class Machine(ABC):
    """Reads of one machine. Keys of `reads` in a snapshot mirror these method names."""

    #: "windows", "linux" or "macos": the OS of the machine being read
    os: OSName
    #: False when every read answers at once (a replay): probes then run one after another, no threads
    concurrent: bool = True

    @abstractmethod
    def env(self) -> Mapping[str, str]:
        """The environment variables builddoctor may look at (an allow-list, see redact.py)."""

    @abstractmethod
    def which(self, name: str) -> str | None:
        """First match for a program on PATH; empty and relative PATH entries never count."""

    @abstractmethod
    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: Mapping[str, str] | None = None) -> ProcResult:
        """Run a program from a fresh empty folder; `key` names the read when argv is long.

        `env` adds variables on top of the machine's environment for this run only.
        """

    def run_cached(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
                   deps: Sequence[str] = (),
                   deps_of: Callable[[ProcResult], Sequence[str]] | None = None) -> ProcResult:
        """`run` for a question whose answer changes only when files change: the program `argv[0]`,
        `deps`, and the files `deps_of(result)` names. A live machine with a cache (check) may answer
        from it (see cache.py); every other machine, a snapshot's and a replay's included, just runs."""
        return self.run(argv, timeout=timeout, key=key)

    @abstractmethod
    def read_text(self, path: str, limit: int = 1 << 20) -> str | None:
        """A small text file, or None when it is missing or unreadable."""

    @abstractmethod
    def read_head(self, path: str, size: int = 1 << 16) -> bytes | None:
        """The first bytes of a (binary) file, or None."""

    @abstractmethod
    def is_file(self, path: str) -> bool: ...

    @abstractmethod
    def is_dir(self, path: str) -> bool: ...

    @abstractmethod
    def listdir(self, path: str) -> list[str] | None: ...

    @abstractmethod
    def uname_machine(self) -> str:
        """os.uname().machine (POSIX) or PROCESSOR_ARCHITECTURE (Windows): the process's view."""

    @abstractmethod
    def native_machine(self) -> int | None:
        """Windows: IsWow64Process2's native machine (IMAGE_FILE_MACHINE_*); None elsewhere."""

    @abstractmethod
    def proc_translated(self) -> int | None:
        """macOS: sysctl.proc_translated (1 under Rosetta 2, 0 native); None elsewhere/unknown."""

    @abstractmethod
    def home(self) -> str: ...

    def index_files(self, name: str) -> list[dict[str, object]] | None:
        """Files the configured package index lists for project `name`: [{filename, requires_python,
        yanked}], or [{error}] when the index could not be read. None when no index is consulted (the
        default: probes stay offline unless asked)."""
        return None

    def home_shape(self) -> dict[str, object]:
        """Shape of the home folder (spaces, non-ASCII ...) without its name; see redact.home_shape."""
        from .redact import home_shape

        return home_shape(self.home())

    def answer_from_cache_only(self, on: bool) -> bool:
        """Answer only what the cache holds (else raise CacheMiss) while `on`; False when this machine
        has no such mode (no cache: every probe then goes to its own thread)."""
        return False

    def today(self) -> str:
        """The day the machine is looked at (YYYY-MM-DD, UTC): now for a live machine, the day a
        snapshot was recorded for a replay ("" when it does not say)."""
        import time

        return time.strftime("%Y-%m-%d", time.gmtime())

    def path_sep(self) -> str:
        return "\\" if self.os == "windows" else "/"

    def join(self, *parts: str) -> str:
        sep = self.path_sep()
        out = parts[0]
        for p in parts[1:]:
            out = out.rstrip("/\\") + sep + p.lstrip("/\\")
        return out
