"""THE seam: every probe reads the machine only through a `Machine`.

`LiveMachine` reads this computer; `RecordingMachine` wraps it and keeps every answer;
`ReplayMachine` answers from a snapshot file, so a machine can be diagnosed anywhere.
"""
from __future__ import annotations

from .base import Machine
from .live import LiveMachine
from .record import RecordingMachine
from .replay import ReplayMachine, load_snapshot

__all__ = ["LiveMachine", "Machine", "RecordingMachine", "ReplayMachine", "load_snapshot"]
