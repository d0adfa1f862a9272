"""THE seam: every probe reads the machine only through a `Machine`.

`LiveMachine` reads this computer; `RecordingMachine` wraps it and keeps every answer;
`ReplayMachine` answers from a snapshot file, so a machine can be diagnosed anywhere.
"""
from __future__ import annotations

from .base import Machine

TYPE_CHECKING = False
if TYPE_CHECKING:
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

__all__ = ["LiveMachine", "Machine", "RecordingMachine", "ReplayMachine", "load_snapshot"]
