"""The architecture(s) of a program on a machine, from its header (PE / ELF / Mach-O)."""
from __future__ import annotations

from ..binfmt import HEAD_BYTES, BinaryFormatError, identify
from ..machine import Machine


def binary_arches(machine: Machine, path: str) -> tuple[str, tuple[str, ...]] | None:
    """(format, canonical arch names) of the file at `path`, or None when it is not a known binary.
    Reads the first HEAD_BYTES (what a snapshot keeps), and more only for a header found further
    in: a check reads a dozen programs' heads, 64 KiB each was most of the PATH scan's time."""
    head = machine.read_head(path, HEAD_BYTES) if path else None
    if head is None:
        return None
    try:
        info = identify(head)
    except BinaryFormatError:
        longer = machine.read_head(path) if len(head) >= HEAD_BYTES else None  # a PE with a long DOS stub
        try:
            info = identify(longer) if longer and len(longer) > len(head) else None
        except BinaryFormatError:
            return None
    return None if info is None else (info.format, tuple(a.name for a in info.arches))
