"""SIGTERM and SIGHUP end builddoctor the way Ctrl-C does.

CI cancellation, `timeout`, `docker stop` and a closed terminal send TERM or HUP, whose default
action kills the process on the spot: probe and build children kept running and temporary folders
stayed behind. Here every one of INT, TERM and HUP first ends every child's process tree
(proc.stop_all), then raises `Interrupted` (a KeyboardInterrupt, so every `finally` and every
Ctrl-C path removes what it made); the exit status is 128 + the signal number (130, 143, 129).
"""
from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from types import FrameType

from . import proc


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


def _handler(signum: int, frame: FrameType | None) -> None:
    proc.stop_all()
    if _raised:
        return  # a second signal must not break the cleanup the first one started
    if _deferring[0]:
        _pending.append(signum)  # raised when the critical section ends
        return
    _raised.append(signum)
    raise Interrupted(signum)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold an interrupt until the block is done: making or removing a temporary folder must not stop
    half-way (a folder created but not yet registered for removal, or half removed, stays behind).
    Signals interrupt only the main thread: elsewhere this does nothing."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring[0] += 1
    try:
        yield
    finally:
        _deferring[0] -= 1
        if not _deferring[0] and _pending and not _raised:
            _raised.append(_pending[0])
            raise Interrupted(_pending[0])


def finished() -> None:
    """From now on (main returned; atexit cleanup runs) a signal only ends children, raising nothing."""
    if not _raised:
        _raised.append(0)


def install() -> None:
    """Route INT, TERM and HUP through one handler (main thread only, as Python requires).

    A signal the caller ignores stays ignored (`nohup` ignores HUP; a shell's background job, INT).
    """
    names = ["SIGINT", "SIGTERM"] + (["SIGHUP"] if sys.platform != "win32" else [])
    for name in names:
        signum = getattr(signal, name)
        try:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue
            signal.signal(signum, _handler)
        except (ValueError, OSError):  # not the main thread, or a signal this OS cannot catch
            pass
