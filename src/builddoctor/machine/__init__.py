"""THE seam: every probe reads the machine only through a `Machine`.

`LiveMachine` reads this computer; `RecordingMachine` wraps it and keeps every answer;
`ReplayMachine` answers from a snapshot file, so a machine can be diagnosed anywhere.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

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
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["LiveMachine", "Machine", "RecordingMachine", "ReplayMachine", "load_snapshot", "open_machine"]


@contextlib.contextmanager
def open_machine(replay: str | None, *, index: Any = None,
                 cache: Any = None) -> Iterator[tuple[Machine, dict[str, Any]]]:
    """THE way a command opens a machine: the recorded one of `replay`, else this computer.

    Yields the machine and the recorded invocation ({} live); a live machine is always closed.
    `index` (a why.index.Finder) lets a live machine answer index reads; `cache` (cache.Cache)
    answers what only changes with files (check only).
    """
    if replay:
        from .replay import ReplayMachine, load_snapshot

        doc = load_snapshot(replay)
        inv = doc.get("invocation")
        yield ReplayMachine(doc), dict(inv) if isinstance(inv, dict) else {}
        return
    from .live import LiveMachine

    live = LiveMachine(cache, index=index)
    try:
        yield live, {}
    finally:
        live.close()
