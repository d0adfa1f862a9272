"""THE seam: every probe reads the machine only through a `Machine`.

`LiveMachine` reads this computer; `RecordingMachine` wraps it and keeps every answer;
`ReplayMachine` answers from a snapshot file, so a machine can be diagnosed anywhere.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .base import Machine
from .live import LiveMachine
from .record import RecordingMachine
from .replay import ReplayMachine, load_snapshot

__all__ = ["LiveMachine", "Machine", "RecordingMachine", "ReplayMachine", "load_snapshot", "open_machine"]


@contextlib.contextmanager
def open_machine(replay: str | None, *, index: Any = None) -> Iterator[tuple[Machine, dict[str, Any]]]:
    """THE way a command opens a machine: the recorded one of `replay`, else this computer.

    Yields the machine and the recorded invocation ({} live); a live machine is always closed.
    `index` (a why.index.Finder) lets a live machine answer index reads.
    """
    if replay:
        doc = load_snapshot(replay)
        inv = doc.get("invocation")
        yield ReplayMachine(doc), dict(inv) if isinstance(inv, dict) else {}
        return
    live = LiveMachine(index=index)
    try:
        yield live, {}
    finally:
        live.close()
