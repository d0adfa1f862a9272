"""SIGTERM and SIGHUP end builddoctor the way Ctrl-C does.

CI cancellation, `timeout`, `docker stop` and a closed terminal send TERM or HUP, whose default
action kills the process on the spot: probe and build children kept running and temporary folders
stayed behind. Here every one of INT, TERM and HUP first ends every child's process tree
(proc.stop_all), then raises `Interrupted` (a KeyboardInterrupt, so every `finally` and every
Ctrl-C path removes what it made); the exit status is 128 + the signal number (130, 143, 129).
"""
from __future__ import annotations

import signal
import sys
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


def _handler(signum: int, frame: FrameType | None) -> None:
    proc.stop_all()
    if _raised:
        return  # a second signal must not break the cleanup the first one started
    _raised.append(signum)
    raise Interrupted(signum)


def install() -> None:
    """Route INT, TERM and HUP through one handler (main thread only, as Python requires)."""
    names = ["SIGINT", "SIGTERM"] + (["SIGHUP"] if sys.platform != "win32" else [])
    for name in names:
        try:
            signal.signal(getattr(signal, name), _handler)
        except (ValueError, OSError):  # not the main thread, or a signal this OS cannot catch
            pass
