"""The one subprocess helper: argv lists, a timeout, bytes in, text decoded without ever raising.

Every child runs in its own process group (POSIX) or job object (Windows, see _winjob) so a
timeout or Ctrl-C ends the whole tree, not just the direct child.
"""
from __future__ import annotations

import _thread
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence

from . import _winjob
from .proc_result import DEFAULT_TIMEOUT, MAX_CAPTURE, ProcResult, decode, excerpt

__all__ = ["DEFAULT_TIMEOUT", "MAX_CAPTURE", "ProcResult", "decode", "excerpt", "kill_tree", "run", "stop_all",
           "stream"]

TYPE_CHECKING = False
if TYPE_CHECKING:  # subprocess itself is imported where a child is started: a replay starts none
    import subprocess
    from typing import IO

# Each child leads its own process group, so the whole tree can be ended at once.
_NEW_SESSION = sys.platform != "win32"
_CREATIONFLAGS = 0x200 if sys.platform == "win32" else 0  # subprocess.CREATE_NEW_PROCESS_GROUP


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """End the child and everything it started (a job object on Windows, the process group on POSIX)."""
    import subprocess

    from . import _winjob

    if _winjob.kill(proc):  # pragma: no cover - Windows only
        return
    if proc.poll() is not None and sys.platform == "win32":  # pragma: no cover
        return
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        proc.kill()
    except OSError:
        pass


# Every live child, so an interrupt (interrupts.py) can end them all whatever thread started them.
_LIVE: set[subprocess.Popen[bytes]] = set()
_LIVE_LOCK = _thread.RLock()  # re-entrant: the signal handler runs in the main thread, maybe inside _track
_stopping: list[bool] = []  # non-empty once stop_all was called


def _track(proc: subprocess.Popen[bytes]) -> None:
    _winjob.track(proc)
    with _LIVE_LOCK:
        _LIVE.add(proc)
        late = bool(_stopping)
    if late:  # started by another thread after the interrupt: end it at once
        kill_tree(proc)


def _untrack(proc: subprocess.Popen[bytes]) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(proc)
    _winjob.release(proc)


def release(proc: subprocess.Popen[bytes]) -> None:
    """Forget a child `spawn` started that nobody followed (it has ended): its pipe closed, untracked."""
    _close_pipes(proc)
    _untrack(proc)


def stop_all() -> None:
    """End the process tree of every live child, and of every child started from now on."""
    with _LIVE_LOCK:
        _stopping.append(True)
        live = list(_LIVE)
    for proc in live:
        kill_tree(proc)


def _popen(argv: Sequence[str], *, stdin: int, stderr: int, env: Mapping[str, str] | None,
           cwd: str | os.PathLike[str] | None) -> subprocess.Popen[bytes]:
    """The one way a child starts: stdout piped, its own process group (POSIX) or group (Windows)."""
    import subprocess

    return subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr,
                            env=env if env is None or isinstance(env, dict) else dict(env), cwd=cwd,
                            start_new_session=_NEW_SESSION, creationflags=_CREATIONFLAGS)


def run(
    argv: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stdin_data: bytes | None = None,
) -> ProcResult:
    """Run argv (never through a shell) and capture both streams.

    Failure to start, a timeout and a non-zero exit are all data in the result, never exceptions.
    """
    import subprocess

    argv_t = tuple(str(a) for a in argv)
    try:
        proc = _popen(argv_t, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                      stderr=subprocess.PIPE, env=env, cwd=cwd)
    except FileNotFoundError:
        return ProcResult(argv_t, None, "", "", "not-found")
    except PermissionError:
        return ProcResult(argv_t, None, "", "", "permission-denied")
    except OSError as exc:
        return ProcResult(argv_t, None, "", "", f"os-error: {exc.strerror or exc}")
    _track(proc)
    return collect(proc, argv_t, timeout, stdin_data)


def collect(proc: subprocess.Popen[bytes], argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT,
            stdin_data: bytes | None = None) -> ProcResult:
    """What `run` returns, for a tracked child (`run`'s own, or one `spawn(..., merge_stderr=False)`
    started earlier); its tree is ended if reading it is interrupted."""
    try:
        return _collect(proc, tuple(str(a) for a in argv), timeout, stdin_data)
    except BaseException:
        kill_tree(proc)
        raise
    finally:
        _untrack(proc)


def end(proc: subprocess.Popen[bytes]) -> None:
    """Stop a child `spawn` started that nobody will read: its tree ended, reaped, pipes closed, untracked."""
    kill_tree(proc)
    try:
        proc.wait(timeout=5.0)
    except Exception:  # the tree was killed: a zombie is not worth an error
        pass
    release(proc)


class _Bounded:
    """Keeps the first and last MAX_CAPTURE/2 bytes of a stream (memory stays bounded)."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def add(self, data: bytes) -> None:
        half = MAX_CAPTURE // 2
        room = max(0, half - len(self.head))
        self.head += data[:room]
        rest = data[room:]
        if rest:
            self.tail += rest
            if len(self.tail) > half:
                self.dropped += len(self.tail) - half
                del self.tail[:len(self.tail) - half]

    def text(self) -> str:
        gap = b"\n[... output trimmed ...]\n" if self.dropped else b""
        return decode(bytes(self.head) + gap + bytes(self.tail))


class _Capped(_Bounded):
    """Reads a pipe to its end on its own thread (Windows, where pipes cannot be polled)."""

    def __init__(self, pipe: IO[bytes]) -> None:
        import threading

        super().__init__()
        self.thread = threading.Thread(target=self._pump, args=(pipe,), daemon=True)
        self.thread.start()

    def _pump(self, pipe: IO[bytes]) -> None:
        try:
            for data in iter(lambda: pipe.read1(65536) if hasattr(pipe, "read1") else pipe.read(65536), b""):
                self.add(data)
        except (OSError, ValueError):
            pass


DRAIN = 0.5  # seconds to finish reading after the child exited (a grandchild may hold the pipe open)


def _collect(proc: subprocess.Popen[bytes], argv_t: tuple[str, ...], timeout: float,
             stdin_data: bytes | None) -> ProcResult:
    """Wait for the child itself (not for its pipes), reading both streams into bounded buffers."""
    import subprocess

    assert proc.stdout is not None and proc.stderr is not None
    if proc.stdin is None and sys.platform != "win32":
        return _collect_polled(proc, argv_t, timeout)
    out, err = _Capped(proc.stdout), _Capped(proc.stderr)
    if proc.stdin is not None:
        stdin = proc.stdin

        def feed() -> None:  # in a thread: a child that never reads must not block us past the timeout
            try:
                stdin.write(stdin_data or b"")
                stdin.close()
            except (OSError, ValueError):
                pass

        import threading

        threading.Thread(target=feed, daemon=True).start()
    error: str | None = None
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        error = "timeout"
        kill_tree(proc)
    for reader in (out, err):
        reader.thread.join(timeout=DRAIN if error is None else 2.0)
    if out.thread.is_alive() or err.thread.is_alive():
        kill_tree(proc)  # a grandchild kept the pipe open: the answer is complete, end the rest
        for reader in (out, err):
            reader.thread.join(timeout=2.0)
    _close_pipes(proc)
    try:
        rc = proc.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        rc = None
    return ProcResult(argv_t, None if error else rc, out.text(), err.text(), error)


def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


def _collect_polled(proc: subprocess.Popen[bytes], argv_t: tuple[str, ...], timeout: float) -> ProcResult:
    """`_collect` without a reader thread per stream (POSIX): both pipes polled from this thread. The
    same rules: the answer is complete when the child has exited and its pipes are drained, or DRAIN
    seconds after it exited while a grandchild still holds a pipe (the tree is then ended); past
    `timeout` the tree is ended and what it printed is kept."""
    import selectors
    import subprocess
    import time

    assert proc.stdout is not None and proc.stderr is not None
    out, err = _Bounded(), _Bounded()
    sel = selectors.DefaultSelector()
    for pipe, sink in ((proc.stdout, out), (proc.stderr, err)):
        if sys.platform != "win32":  # always here (the caller checks); says so to the type checker
            os.set_blocking(pipe.fileno(), False)
        sel.register(pipe, selectors.EVENT_READ, sink)
    deadline = time.monotonic() + timeout
    exited: float | None = None
    error: str | None = None
    give_up: float | None = None  # after a kill: read what is left for at most 2 s
    try:
        while sel.get_map():
            now = time.monotonic()
            if exited is None and proc.poll() is not None:
                exited = now
            if give_up is None:
                if exited is not None and now - exited > DRAIN:
                    kill_tree(proc)  # a grandchild kept the pipe open: the answer is complete, end the rest
                    give_up = now + 2.0
                elif exited is None and now >= deadline:
                    error = "timeout"
                    kill_tree(proc)
                    give_up = now + 2.0
            elif now >= give_up:
                break
            limit = give_up if give_up is not None else (exited + DRAIN if exited is not None else deadline)
            wait = max(0.0, limit - now)
            if exited is None:  # wake every 50 ms while it runs: to notice it exit while a grandchild holds a pipe
                wait = min(wait, 0.05)
            for key, _ in sel.select(wait):
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    key.data.add(data)
                else:
                    sel.unregister(key.fileobj)
    finally:
        sel.close()
        _close_pipes(proc)
    try:
        rc = proc.wait(timeout=max(0.0, deadline - time.monotonic()) if error is None else 2.0)
    except subprocess.TimeoutExpired:  # it closed its pipes but kept running
        if error is None:
            error = "timeout"
            kill_tree(proc)
        try:
            rc = proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            rc = None
    return ProcResult(argv_t, None if error else rc, out.text(), err.text(), error)


def spawn(argv: Sequence[str], *, env: Mapping[str, str] | None = None,
          cwd: str | os.PathLike[str] | None = None, merge_stderr: bool = True) -> subprocess.Popen[bytes] | str:
    """Start a child and return at once (its own process group, tracked for an interrupt): a long one
    the way `stream` does, stdout and stderr merged into one pipe that `follow` reads; with
    `merge_stderr=False` the way `run` does, both streams apart, for `collect` (or `end`). Returns the
    process, or the error ("not-found", "os-error: ...") when it could not start."""
    import subprocess

    stderr = subprocess.STDOUT if merge_stderr else subprocess.PIPE
    try:
        proc = _popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stderr=stderr, env=env, cwd=cwd)
    except FileNotFoundError:
        return "not-found"
    except OSError as exc:
        return f"os-error: {exc}"
    _track(proc)
    return proc


def stream(
    argv: Sequence[str],
    *,
    timeout: float,
    idle_timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    on_line: Callable[[str], None] | None = None,
    log: IO[str] | None = None,
) -> tuple[int | None, str | None, list[str]]:
    """Run a long child (a build), passing each output line to `on_line`.

    Returns (returncode, error, last lines). error is "timeout" or "idle-timeout" when the whole
    tree had to be killed. stdout and stderr are merged, as a person would see them.
    """
    proc = spawn(argv, env=env, cwd=cwd)
    if isinstance(proc, str):
        return None, proc, []
    return follow(proc, timeout=timeout, idle_timeout=idle_timeout, on_line=on_line, log=log)


def follow(
    proc: subprocess.Popen[bytes],
    *,
    timeout: float,
    idle_timeout: float | None = None,
    on_line: Callable[[str], None] | None = None,
    log: IO[str] | None = None,
) -> tuple[int | None, str | None, list[str]]:
    """`stream` for a child `spawn` started: its lines, its deadline (from now), its end."""
    import threading
    from collections import deque

    tail: deque[str] = deque(maxlen=60)
    last_output = [time.monotonic()]

    def pump() -> None:
        assert proc.stdout is not None
        for raw in iter(lambda: proc.stdout.readline(1 << 16), b""):  # type: ignore[union-attr]
            line = decode(raw).rstrip("\r\n")
            last_output[0] = time.monotonic()
            tail.append(line)
            if log is not None:
                log.write(line + "\n")
            if on_line is not None:
                on_line(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    start = time.monotonic()
    error: str | None = None
    exited = _exit_waiter(proc)
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if now - start > timeout:
                error = "timeout"
            elif idle_timeout is not None and now - last_output[0] > idle_timeout:
                error = "idle-timeout"
            if error:
                kill_tree(proc)
                break
            exited(0.05)
    except BaseException:
        kill_tree(proc)
        raise
    finally:
        exited(None)
    # A daemon grandchild may keep the pipe open after the child exits: bounded drain.
    reader.join(timeout=2.0)
    if reader.is_alive():
        kill_tree(proc)
        reader.join(timeout=2.0)
    rc = proc.wait() if error is None else None
    _untrack(proc)
    return rc, error, list(tail)


def _exit_waiter(proc: subprocess.Popen[bytes]) -> Callable[[float | None], None]:
    """wait(seconds) returns when the child exits or after `seconds`; wait(None) releases it.

    Linux: a pidfd, readable the moment the child exits. `Popen.wait(timeout)` instead sleeps in
    doubling steps up to 50 ms, noticing an exit ~10 ms late on average: a build waits for four
    children in a row (the environment, its install, two hooks)."""
    import subprocess

    fd = -1
    if hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(proc.pid)  # the child is not reaped before proc.poll(): its pid is still ours
        except OSError:  # e.g. a kernel older than 5.3
            fd = -1
    if fd < 0:
        def wait(seconds: float | None) -> None:
            if seconds is not None:
                try:
                    proc.wait(timeout=seconds)
                except subprocess.TimeoutExpired:
                    pass

        return wait

    import select

    def wait_fd(seconds: float | None) -> None:
        nonlocal fd
        if seconds is None:
            if fd >= 0:
                os.close(fd)
                fd = -1
        elif fd >= 0:
            select.select([fd], [], [], seconds)

    return wait_fd
