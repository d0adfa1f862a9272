"""The architecture(s) of a program on a machine, from its header (PE / ELF / Mach-O)."""
from __future__ import annotations

from ..binfmt import BinaryFormatError, identify
from ..machine import Machine


def binary_arches(machine: Machine, path: str) -> tuple[str, tuple[str, ...]] | None:
    """(format, canonical arch names) of the file at `path`, or None when it is not a known binary."""
    head = machine.read_head(path) if path else None
    if head is None:
        return None
    try:
        info = identify(head)
    except BinaryFormatError:
        return None
    return None if info is None else (info.format, tuple(a.name for a in info.arches))
