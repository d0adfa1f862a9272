"""Running a build: staging inside the output folder, the isolated environment, the backend's hooks.

pypa/build does the PEP 517 part (`ProjectBuilder`, `pyproject_hooks`); this module supplies what
it does not: an environment made from the *chosen* interpreter (build's own uses sys.executable),
one subprocess runner with timeouts and whole-tree kills, progress, and the atomic hand-over.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from rich.console import Group

from ..errors import EXIT_BACKEND, EXIT_OUTPUT, EXIT_PROJECT, EXIT_TIMEOUT, UserError
from ..proc import follow, spawn
from .launch import ENV_PREFIX, env_key, find_uv, installer_env, make_env_folder, remove_tree, uv_venv_argv

if TYPE_CHECKING:
    from .launch import Launch

STAGING_PREFIX = ".builddoctor-tmp-"
__all__ = ["ENV_PREFIX", "find_uv", "installer_env"]


class BuildTimeout(Exception):
    """A child ran past --timeout or stayed silent past --idle-timeout (its tree is already gone)."""


# -- output folder ----------------------------------------------------------------------------

def prepare_outdir(outdir: Path) -> Path:
    """The output folder, created if missing; exit 6 before any build when it cannot take a wheel."""
    if outdir.exists() and not outdir.is_dir():
        raise UserError(f"output folder {outdir} is a file", exit_code=EXIT_OUTPUT, tip="pass --outdir FOLDER")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {outdir}: {exc.strerror or exc}", exit_code=EXIT_OUTPUT) from None
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise UserError(f"output folder {outdir} is not writable", exit_code=EXIT_OUTPUT)
    return outdir.resolve()


@contextlib.contextmanager
def staging(outdir: Path, key: str = "") -> Iterator[Path]:
    """A fresh folder inside `outdir` (same filesystem: the final rename is atomic), always removed.

    With a `key` (the interpreter) the name is the same from one build to the next when free, so
    uv's interpreter cache, keyed by path, knows the build environment's python (saves ~0.1 s).
    """
    from ..interrupts import deferred

    with deferred():  # an interrupt between mkdir and `try` would leave the folder behind
        try:
            path = _fresh(outdir, key)
            (path / "tmp").mkdir()
        except OSError as exc:
            raise UserError(f"cannot write into output folder {outdir}: {exc.strerror or exc}",
                            exit_code=EXIT_OUTPUT) from None
        saved = tempfile.tempdir
        tempfile.tempdir = str(path / "tmp")  # pyproject-hooks' own input/output files stay in here too
    try:
        yield path
    finally:
        with deferred():  # removed completely, even when an interrupt arrives meanwhile
            tempfile.tempdir = saved
            _remove_tree(path)


def _fresh(outdir: Path, key: str, prefix: str = STAGING_PREFIX) -> Path:
    if key:
        path = outdir / env_key(key, prefix)
        try:
            path.mkdir()  # atomic: a concurrent build of the same interpreter gets a random name
            return path
        except FileExistsError:
            pass
    return Path(tempfile.mkdtemp(prefix=prefix, dir=outdir))


@contextlib.contextmanager
def env_folder(key: str) -> Iterator[Path | None]:
    """A folder for the isolated build environment in the system's temporary folder, always removed.

    Decision (issue 16): the environment's path is what uv keys its interpreter cache on. Inside the
    output folder's staging area it changed with every new output folder, and uv then started the
    environment's python to ask it about itself (~0.1 s, in `uv pip install`). Here its name depends
    only on the interpreter, wherever the wheel goes. None (the staging area is used, as before) when
    the temporary folder's path is not ASCII: toolchains mangle such paths (host.home-non-ascii).
    Must be entered before `staging`, which points `tempfile` into the output folder. (launch.py
    makes the same folder before this module loads, in the common case.)
    """
    from ..interrupts import deferred

    with deferred():  # an interrupt between mkdir and `try` would leave the folder behind
        made = make_env_folder(key)  # None: the staging area then holds it, as before
    try:
        yield Path(made) if made is not None else None
    finally:
        if made is not None:
            with deferred():
                remove_tree(made)


def _remove_tree(path: Path) -> None:
    remove_tree(str(path))


def place_wheel(wheel: Path, outdir: Path, *, overwrite: bool) -> tuple[Path, bool]:
    """Move the verified wheel into `outdir`; never replace a different file unless `overwrite`.

    Returns (destination, whether a file was written): an identical existing wheel is left as is.
    """
    dest = outdir / wheel.name
    if overwrite:
        os.replace(wheel, dest)
        return dest, True
    try:
        os.link(wheel, dest)  # atomic and refuses to clobber
        return dest, True
    except FileExistsError:
        if _same_file(wheel, dest):
            return dest, False
        raise UserError(f"{dest} already exists and differs from the new wheel", exit_code=EXIT_OUTPUT,
                        tip="pass --overwrite to replace it, or --outdir another folder") from None
    except OSError:
        pass  # a filesystem without hard links: exclusive create, then rename over the placeholder
    try:
        os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise UserError(f"{dest} already exists", exit_code=EXIT_OUTPUT, tip="pass --overwrite") from None
    os.replace(wheel, dest)
    return dest, True


def _same_file(a: Path, b: Path) -> bool:
    """The same bytes, or the same wheel contents: a rebuild is never byte-identical (zip timestamps),
    but the same member names with the same CRC-32 and size (what RECORD vouches for) is the same wheel."""
    if a.stat().st_size == b.stat().st_size and _sha256(a) == _sha256(b):
        return True
    contents = _contents(a)
    return contents is not None and contents == _contents(b)


def _contents(wheel: Path) -> list[tuple[str, int, int]] | None:
    import zipfile

    try:
        with zipfile.ZipFile(wheel) as zf:
            return sorted((i.filename, i.CRC, i.file_size) for i in zf.infolist())
    except (OSError, zipfile.BadZipFile):
        return None


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- progress ---------------------------------------------------------------------------------

_ERROR_LINE = re.compile(r"(^|[\s:])(error|fatal error|Error)(\[\w+\])?:|^error\b|\bLNK\d{4}\b|\bC\d{4}:")


class Progress:
    """Phase, elapsed time and the backend's current step; the backend's lines go to a log file.

    On a terminal: a live status line (rich). Otherwise (CI): a line per phase and a heartbeat every
    `heartbeat` seconds without output, so a log never sits silent. With -v every backend line is
    printed as well. After a failure, `show_tail` prints the first line that names the failure and
    the last lines.
    """

    def __init__(self, verbose: int = 0, *, quiet: bool = False, heartbeat: float = 10.0) -> None:
        self.rich = not quiet and sys.stderr.isatty()  # rich only where it animates: it costs 70 ms
        self._console: Any = None  # rich's Console, made on first use (see go_live)
        self.verbose = verbose
        self.quiet = quiet
        self.tail: deque[str] = deque(maxlen=200)
        self.phase_name = ""
        self.step = ""
        self.first_error: list[str] = []  # the first line naming a failure and the two after it
        self._after_error = 0
        self.start = self.phase_start = time.monotonic()
        self._live: object | None = None
        self._live_lock = threading.Lock()
        self._closed = False
        self._lock = threading.Lock()
        #: when set (builddoctor.logs.LogScanner), every line of the backend's output is also read for a diagnosis
        self.scanner: Any = None
        self.log_path: Path | None = None
        self._log: IO[str] | None = None
        self.heartbeat = heartbeat
        self._last_print = time.monotonic()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def open_log(self, path: Path) -> None:
        """Write every backend line to `path` from now on (a failure to write only loses the log)."""
        try:
            self._log = open(path, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
            self.log_path = path
        except OSError:
            self._log = None

    def keep_log(self, dest: Path) -> Path | None:
        """Close the log and move it to `dest` (replacing an older log); None when it is empty or lost."""
        log, path = self._log, self.log_path
        self._log = self.log_path = None
        if log is None or path is None:
            return None
        try:
            log.close()
            if path.stat().st_size == 0:
                return None
            os.replace(path, dest)
            return dest
        except OSError:
            return None

    def __enter__(self) -> Progress:
        if not self.rich and not self.quiet and self.heartbeat > 0:
            self._beat = threading.Thread(target=self._heartbeat, daemon=True)
            self._beat.start()
        return self  # on a terminal the status line starts with go_live()

    def go_live(self) -> None:
        """Start the terminal's status line (rich; nothing elsewhere). `build` calls it on a thread once
        the installer runs: rich's imports (~35 ms) on the way there delayed the installer's start."""
        if not self.rich or self._live is not None or self._closed:
            return
        from rich.live import Live

        live = Live(get_renderable=self._render, console=self.console, transient=True,
                    refresh_per_second=8, redirect_stdout=False, redirect_stderr=False)
        with self._live_lock:
            if self._closed or self._live is not None:
                return
            live.start()
            self._live = live

    @property
    def console(self) -> Any:
        with self._live_lock:
            if self._console is None:
                from rich.console import Console

                self._console = Console(stderr=True, highlight=False)
            return self._console

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=1.0)
        with self._live_lock:
            self._closed = True
            live, self._live = self._live, None
        if live is not None:
            live.stop()  # type: ignore[attr-defined]
        if self._log is not None:
            try:
                self._log.close()
            except OSError:
                pass
            self._log = None

    def _heartbeat(self) -> None:
        while not self._stop.wait(min(1.0, self.heartbeat)):
            now = time.monotonic()
            if now - self._last_print < self.heartbeat:
                continue
            with self._lock:
                phase, step = self.phase_name, self.step
            if phase:
                self._print(f"builddoctor: ... {phase}: {now - self.phase_start:.0f}s"
                            + (f" ({step})" if step else ""))

    def phase(self, name: str) -> None:
        with self._lock:
            self.phase_name, self.phase_start, self.step = name, time.monotonic(), ""
        if not self.rich and not self.quiet:  # on a terminal the status line shows it
            self._print(f"builddoctor: {name}")

    def phase_line(self, text: str) -> None:
        """A line of builddoctor's own, printed even on a terminal (not a phase of the status line)."""
        if not self.quiet:
            self._print(f"builddoctor: {text}")

    def line(self, text: str) -> None:
        from .output import is_error, step_of

        step = step_of(text)
        with self._lock:
            self.tail.append(text)
            if step:
                self.step = step
            if self._after_error:
                self.first_error.append(text)
                self._after_error -= 1
            elif not self.first_error and is_error(text):
                self.first_error.append(text)
                self._after_error = 2
            if self._log is not None:
                try:
                    self._log.write(text + "\n")
                except (OSError, ValueError):
                    self._log = None
        if self.scanner is not None:
            self.scanner.feed(text)
        if self.verbose:
            self._print(text)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def show(self, lines: list[tuple[str, str]]) -> None:
        """Print (style, text) lines on stderr, even with -v (a diagnosis after a failure)."""
        if self.quiet:
            return
        for style, text in lines:
            self._print(text, style=style or None)

    def show_tail(self, lines: int = 25) -> None:
        """After a failure: the first line naming it (when not among the last lines), then the last lines."""
        if self.verbose or self.quiet:
            return
        last = list(self.tail)[-lines:]
        first = [t for t in self.first_error if t not in last]
        if first and self.first_error[0] not in last:
            for text in first:
                self._print(f"  | {text}", style="dim")
            self._print("  | ...", style="dim")
        for text in last:
            self._print(f"  | {text}", style="dim")

    def _print(self, text: str, style: str | None = None) -> None:
        self._last_print = time.monotonic()
        if self.rich:
            self.console.print(text, markup=False, highlight=False, style=style, soft_wrap=True)
        else:
            with self._lock:  # one write per line: threads (unpacking, the environment) never interleave
                sys.stderr.write(text + "\n")
                sys.stderr.flush()

    def _render(self) -> Group:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.text import Text

        with self._lock:
            now = time.monotonic()
            head = Text.assemble((self.phase_name, "bold"), f"  {now - self.phase_start:5.1f}s",
                                 ("  (total ", "dim"), (f"{now - self.start:.1f}s)", "dim"),
                                 (f"  {self.step}" if self.step else "", "cyan"))
            rows = [] if self.verbose else [Text(f"  {t}", style="dim", no_wrap=True, overflow="ellipsis")
                                            for t in list(self.tail)[-4:]]
        return Group(Spinner("dots", text=head), *rows)


# -- children ---------------------------------------------------------------------------------

class Children:
    """Runs every child of one build with the shared deadline, idle timeout and progress."""

    def __init__(self, progress: Progress, timeout: float, idle_timeout: float | None) -> None:
        self.progress = progress
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.idle_timeout = idle_timeout

    def run(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: str | Path | None = None,
            started: subprocess.Popen[bytes] | None = None,
            then: Callable[[], None] | None = None) -> tuple[int, list[str]]:
        """Run argv, or follow `started` (argv already running: launch.py); `then()` once it runs."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            if started is not None:
                from ..proc import kill_tree, release

                kill_tree(started)
                started.wait()
                release(started)
            raise BuildTimeout(f"the build ran past --timeout {self.timeout:g}s")
        child = started if started is not None else spawn(argv, env=env, cwd=cwd)
        rc: int | None = None
        error: str | None = None
        tail: list[str] = []
        if isinstance(child, str):
            error = child
        else:
            if then is not None:
                try:
                    then()
                except BaseException:
                    from ..proc import kill_tree, release

                    kill_tree(child)
                    child.wait()
                    release(child)
                    raise
            rc, error, tail = follow(child, timeout=remaining, idle_timeout=self.idle_timeout,
                                     on_line=self.progress.line)
        if error == "timeout":
            raise BuildTimeout(f"the build ran past --timeout {self.timeout:g}s; every process it started was ended")
        if error == "idle-timeout":
            raise BuildTimeout(f"the build printed nothing for --idle-timeout {self.idle_timeout:g}s; every "
                               "process it started was ended")
        if error is not None:
            raise OSError(f"cannot run {argv[0]}: {error}")
        return (rc if rc is not None else -1), tail

    def hook_runner(self, env: Callable[[], Mapping[str, str]]) -> Callable[..., None]:
        """A pyproject-hooks runner: raises CalledProcessError on a non-zero exit, like its default.

        `env` is asked at each call: the plan is only known once the preflight is done.
        """

        def runner(cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None) -> None:
            rc, tail = self.run(cmd, env={**env(), **(extra_environ or {})}, cwd=cwd)
            if rc != 0:
                raise subprocess.CalledProcessError(rc, list(cmd), output="\n".join(tail))

        return runner


class BuildEnv:
    """An isolated environment made from the chosen interpreter (uv when available, else venv + pip).

    pypa/build's DefaultIsolatedEnv always uses the interpreter builddoctor itself runs on.
    """

    def __init__(self, path: Path, base_python: str, children: Children, installer: str = "auto",
                 launch: Launch | None = None) -> None:
        self.path = path
        self.base_python = base_python
        self.children = children
        self.launch = launch  # `uv venv` may already run (launch.py)
        self.compile_bytecode = False  # uv compiles what it installs (bytecode.py decides)
        self.prints_at_start = False
        self.uv = None
        if installer in ("auto", "uv"):
            self.uv = launch.uv if launch is not None and launch.uv else find_uv()
        if installer == "uv" and self.uv is None:
            raise UserError("--installer uv: uv was not found", tip="pip install uv, or --installer pip")
        windows = os.name == "nt"
        self.scripts = str(path / ("Scripts" if windows else "bin"))
        self.python_executable = str(Path(self.scripts) / ("python.exe" if windows else "python"))

    @property
    def installer(self) -> str:
        return "uv" if self.uv else "pip"

    def create(self, base_env: Mapping[str, str]) -> None:
        env = installer_env(base_env)
        if self.uv:
            argv = uv_venv_argv(self.uv, self.base_python, str(self.path))
            try:
                self._check(argv, env, "create the build environment",
                            self.launch.take(argv) if self.launch is not None else None)
                return
            except UserError as exc:
                # uv asks the interpreter about itself on stdout: a sitecustomize that prints breaks that
                # (astral-sh/uv#11508). The stdlib's venv does not care; uv fills the result all the same.
                if "invalid response" not in exc.message:
                    raise
            shutil.rmtree(self.path, ignore_errors=True)
            self.prints_at_start = True  # uv's bytecode workers would read that output too: no --compile-bytecode
            self.children.progress.phase("the interpreter prints at start-up (a sitecustomize?): creating the "
                                         "build environment with python -m venv instead")
            argv = [self.base_python, "-I", "-B", "-m", "venv", "--without-pip", str(self.path)]
        else:
            argv = [self.base_python, "-m", "venv", str(self.path)]
        self._check(argv, env, "create the build environment")

    def install(self, requirements: Sequence[str], base_env: Mapping[str, str],
                then: Callable[[], None] | None = None) -> None:
        """Install into the environment; `then()` once the installer runs (not when it could not start)."""
        if not requirements:
            return
        env = {**installer_env(base_env), "VIRTUAL_ENV": str(self.path)}
        if self.uv:
            argv = [self.uv, "pip", "install", "--quiet", *(["--compile-bytecode"] if self.compile_bytecode else []),
                    "--python", self.python_executable, *requirements]
        else:  # pip ignores markers on the command line, but honours them in a requirements file
            reqs = self.path.parent / f"requirements-{len(list(self.path.parent.glob('requirements-*')))}.txt"
            reqs.write_text("\n".join(requirements) + "\n", encoding="utf-8")
            argv = [self.python_executable, "-Im", "pip", "install", "--no-input", "--disable-pip-version-check",
                    "--no-warn-script-location", "-r", str(reqs)]
        self._check(argv, env, f"install the build requirements ({', '.join(sorted(requirements))})", then=then)

    def _check(self, argv: Sequence[str], env: Mapping[str, str], what: str,
               started: subprocess.Popen[bytes] | None = None, then: Callable[[], None] | None = None) -> None:
        try:
            rc, tail = self.children.run(argv, env=env, cwd=self.path.parent, started=started, then=then)
        except OSError as exc:
            raise UserError(f"could not {what}: {exc}", exit_code=EXIT_PROJECT) from None
        if rc != 0:
            why = installer_explanation(tail)
            python_cause = r"Python ?(>=|<=|==|!=|~=|>|<) ?\d|Python version|requires-python"
            tip = ("a build requirement does not support this Python: pick another --python, or a release that "
                   "supports it" if re.search(python_cause, why, re.I)
                   else "check the requirement names and your package index")
            raise UserError(f"could not {what} with {self.installer} (exit {rc}): {why}", exit_code=EXIT_PROJECT,
                            tip=tip)


_INSTALLER_ERROR = re.compile(r"^\s*(error:|\u00d7|ERROR:)")  # U+00D7: uv's "x" marker


def installer_explanation(tail: Sequence[str], limit: int = 700) -> str:
    """The installer's own explanation, not just its last line: uv's resolver explains a failure over
    several lines (`\u00d7 No solution found` / `╰─▶ Because the current Python version (3.9) does not
    satisfy Python>=3.11 and ...` / `hint:`), pip's over `ERROR:` lines; the last line alone is often a
    hint that hides the cause."""
    from ..logs.reader import strip_ansi  # FORCE_COLOR=1 colours uv's output

    lines = [t.strip() for t in map(strip_ansi, tail) if t.strip()]
    start = next((i for i, t in enumerate(lines) if _INSTALLER_ERROR.match(t)), max(0, len(lines) - 1))
    text = " ".join(t.lstrip("\u00d7\u2570\u2500\u25b6\u2502 ").strip() for t in lines[start:])
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def timeout_error(exc: BuildTimeout) -> UserError:
    return UserError(str(exc), exit_code=EXIT_TIMEOUT, tip="raise --timeout / --idle-timeout for slow builds")


def backend_error(message: str) -> UserError:
    return UserError(message, exit_code=EXIT_BACKEND, tip="run again with -v to see the backend's full output")
