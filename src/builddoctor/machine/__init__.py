"""THE seam: every probe reads the machine only through a `Machine`.

`LiveMachine` reads this computer; `RecordingMachine` wraps it and keeps every answer;
`ReplayMachine` answers from a snapshot file, so a machine can be diagnosed anywhere.
"""
from __future__ import annotations

from .base import Machine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .live import LiveMachine
    from .record import RecordingMachine
    from .replay import ReplayMachine, load_snapshot

_LAZY = {"LiveMachine": "live", "RecordingMachine": "record", "ReplayMachine": "replay", "load_snapshot": "replay"}


def __getattr__(name: str) -> object:
    """Each machine is imported on first use: a replay never loads subprocess code, a check no recorder."""
    if name in _LAZY:
        return getattr(__import__(f"{__name__}.{_LAZY[name]}", fromlist=[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["LiveMachine", "Machine", "RecordingMachine", "ReplayMachine", "load_snapshot", "open_machine"]


class open_machine:
    """THE way a command opens a machine: the recorded one of `replay`, else this computer.

    Gives the machine and the recorded invocation ({} live); a live machine is always closed.
    `index` (a why.index.Finder) lets a live machine answer index reads; `cache` (cache.Cache)
    answers what only changes with files (check only). (A class, not a contextlib.contextmanager:
    a replayed check then never imports contextlib.)
    """

    def __init__(self, replay: str | None, *, index: Any = None, cache: Any = None) -> None:
        self.replay, self.index, self.cache = replay, index, cache
        self.live: Any = None

    def __enter__(self) -> tuple[Machine, dict[str, Any]]:
        if self.replay:
            from .replay import ReplayMachine, load_snapshot

            doc = load_snapshot(self.replay)
            inv = doc.get("invocation")
            return ReplayMachine(doc), dict(inv) if isinstance(inv, dict) else {}
        from .live import LiveMachine

        self.live = LiveMachine(self.cache, index=self.index)
        return self.live, {}

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.close()
