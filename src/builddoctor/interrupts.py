"""SIGTERM and SIGHUP end builddoctor the way Ctrl-C does.

CI cancellation, `timeout`, `docker stop` and a closed terminal send TERM or HUP, whose default
action kills the process on the spot: probe and build children kept running and temporary folders
stayed behind. Here every one of INT, TERM and HUP first ends every child's process tree
(proc.stop_all), then raises `Interrupted` (a KeyboardInterrupt, so every `finally` and every
Ctrl-C path removes what it made); the exit status is 128 + the signal number (130, 143, 129).
"""
from __future__ import annotations

import _thread
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover
            return str(self.signum)


_raised: list[int] = []
_pending: list[int] = []
_deferring = [0]


def stop_children() -> None:
    """proc.stop_all(), once proc has defined it: no child can start before then (a replay never
    loads proc, and a signal may land while proc itself is being imported)."""
    running = sys.modules.get(__name__.rpartition(".")[0] + ".proc")
    stop_all = getattr(running, "stop_all", None)
    if stop_all is not None:
        stop_all()


def _handler(signum: int, frame: FrameType | None) -> None:
    stop_children()
    if _raised:
        return  # a second signal must not break the cleanup the first one started
    if _deferring[0]:
        _pending.append(signum)  # raised when the critical section ends
        return
    if frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        _again(signum)  # inside the import system's callbacks an exception is swallowed: a moment later
        return
    _raised.append(signum)
    raise Interrupted(signum)


def _again(signum: int) -> None:
    """Deliver `signum` to the main thread again in a few milliseconds (off the code that could not
    take it); on Python 3.9 as SIGINT, the only signal interrupt_main knows there. Imports nothing:
    this runs inside the import system, whose per-thread bookkeeping a nested import breaks (an
    `import threading` here once ended a check with KeyError in importlib's module lock)."""

    def deliver() -> None:
        time.sleep(0.005)
        if sys.version_info >= (3, 10):
            _thread.interrupt_main(signal.Signals(signum))
        else:  # pragma: no cover - Python 3.9
            _thread.interrupt_main()

    _thread.start_new_thread(deliver, ())


class deferred:
    """Hold an interrupt until the block is done: making or removing a temporary folder must not stop
    half-way (a folder created but not yet registered for removal, or half removed, stays behind).
    Signals interrupt only the main thread: elsewhere this does nothing. (A class, not a
    contextlib.contextmanager: a replayed check then never imports contextlib.)"""

    def __enter__(self) -> None:
        import threading

        self._held = threading.current_thread() is threading.main_thread()
        if self._held:
            _deferring[0] += 1

    def __exit__(self, *exc: object) -> None:
        if not self._held:
            return
        _deferring[0] -= 1
        if not _deferring[0] and _pending and not _raised:
            _raised.append(_pending[0])
            raise Interrupted(_pending[0])


def finished() -> None:
    """From now on (main returned; atexit cleanup runs) a signal only ends children, raising nothing."""
    if not _raised:
        _raised.append(0)


def _unraisable_hook(previous: Callable[[Any], object]) -> Callable[[Any], None]:
    """An Interrupted raised where Python cannot pass it on (a weakref callback of the import system,
    when the signal lands during a lazy import) is printed as "Exception ignored" and lost: the run
    would go on and exit 0. Instead it is dropped silently and the same signal delivered again, so
    the handler raises it at the next point that can take it."""

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, Interrupted) and exc.signum:
            if exc.signum in _raised:
                _raised.remove(exc.signum)
            _again(exc.signum)
            return
        previous(unraisable)

    return hook


def install() -> None:
    """Route INT, TERM and HUP through one handler (main thread only, as Python requires).

    A signal the caller ignores stays ignored (`nohup` ignores HUP; a shell's background job, INT).
    """
    sys.unraisablehook = _unraisable_hook(sys.unraisablehook)
    names = ["SIGINT", "SIGTERM"] + (["SIGHUP"] if sys.platform != "win32" else [])
    for name in names:
        signum = getattr(signal, name)
        try:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue
            signal.signal(signum, _handler)
        except (ValueError, OSError):  # not the main thread, or a signal this OS cannot catch
            pass
