"""Which instruction set a binary was built for, read from its PE, ELF or Mach-O header.

Only the format magics and field offsets live here; every machine code is turned into an `Arch`
by builddoctor.arch (toolchains/arches.toml). Formats: https://learn.microsoft.com/en-us/windows/win32/debug/pe-format ,
Apple's mach-o/loader.h and mach-o/fat.h, and the ELF header (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html).
"""
from __future__ import annotations

import os

from . import arch
from ._data import table
from ._record import record
from .arch import Arch
from .errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal
    _Order = Literal["little", "big"]


HEADER_BYTES = 64 * 1024
"""How much of a file identify_file() reads: enough for any sane e_lfanew (+26) or fat table."""

# PE (pe-format: MZ, e_lfanew at 0x3C, 'PE\0\0', COFF Machine, optional header magic)
_MZ = b"MZ"
_E_LFANEW = 0x3C
_PE_SIGNATURE = b"PE\0\0"
_PE_MACHINE = 4  # relative to e_lfanew
_PE_OPT_MAGIC = 24  # relative to e_lfanew
_PE_OPT_BITS = {0x10B: 32, 0x20B: 64}

# ELF (EI_CLASS, EI_DATA, e_machine)
_ELF_MAGIC = b"\x7fELF"
_EI_CLASS, _EI_DATA, _E_MACHINE = 4, 5, 18
_ELF_BITS = {1: 32, 2: 64}
_ELF_ORDER: dict[int, _Order] = {1: "little", 2: "big"}

# Mach-O (mach-o/loader.h, mach-o/fat.h)
_MH_MAGIC, _MH_MAGIC_64 = 0xFEEDFACE, 0xFEEDFACF
_MH_BITS = {_MH_MAGIC: 32, _MH_MAGIC_64: 64}
_FAT_MAGIC, _FAT_MAGIC_64 = 0xCAFEBABE, 0xCAFEBABF
# fat_arch is 5 x u32 = 20 bytes; fat_arch_64 is cputype, cpusubtype, u64 offset, u64 size, align,
# reserved = 32 bytes (see <mach-o/fat.h>).
_FAT_RECORD = {_FAT_MAGIC: 20, _FAT_MAGIC_64: 32}
_FAT_HEADER = 8
_MAX_FAT_ARCH = 64
# A Java class file also starts with 0xCAFEBABE, followed by u16 minor and u16 major version, and
# major >= 45 -- so a "nfat_arch" of 45 or more after FAT_MAGIC means "not a Mach-O at all".
_JAVA_MIN_MAJOR = 45


class BinaryFormatError(UserError):
    """The bytes start like a PE/ELF/Mach-O file but the header is truncated or inconsistent."""


@record
class BinaryInfo:
    format: str  # "pe" | "elf" | "macho" | "macho-fat"
    arches: tuple[Arch, ...]  # the recognised slices (empty when no machine code is known)
    machine_codes: tuple[int, ...]  # the raw machine code of every slice, in file order
    bits: int | None


#: enough of a file for every header field read here, in real binaries (a snapshot keeps this much)
HEAD_BYTES = 4096


def _uint(data: bytes, offset: int, size: int, order: _Order, what: str) -> int:
    if offset < 0 or offset + size > len(data):
        raise BinaryFormatError(f"{what} is truncated: {len(data)} bytes, need {offset + size}")
    return int.from_bytes(data[offset : offset + size], order)


def _known(*found: Arch | None) -> tuple[Arch, ...]:
    return tuple(a for a in found if a is not None)


def _pe(data: bytes) -> BinaryInfo:
    lfanew = _uint(data, _E_LFANEW, 4, "little", "PE (MZ) header")
    if lfanew + _PE_OPT_MAGIC + 2 > len(data):
        raise BinaryFormatError(f"PE header offset e_lfanew=0x{lfanew:X} points past the end of the data")
    if data[lfanew : lfanew + 4] != _PE_SIGNATURE:
        raise BinaryFormatError(f"MZ file has no PE signature at e_lfanew=0x{lfanew:X}")
    machine = _uint(data, lfanew + _PE_MACHINE, 2, "little", "PE header")
    found = arch.from_pe_machine(machine)
    bits = _PE_OPT_BITS.get(_uint(data, lfanew + _PE_OPT_MAGIC, 2, "little", "PE header"))
    if bits is None and found is not None:
        bits = found.bits
    return BinaryInfo("pe", _known(found), (machine,), bits)


def _elf(data: bytes) -> BinaryInfo:
    if len(data) < _E_MACHINE + 2:
        raise BinaryFormatError(f"ELF header is truncated: {len(data)} bytes")
    elf_class, elf_data = data[_EI_CLASS], data[_EI_DATA]
    if elf_class not in _ELF_BITS or elf_data not in _ELF_ORDER:
        raise BinaryFormatError(f"ELF header has invalid class {elf_class} / data encoding {elf_data}")
    machine = _uint(data, _E_MACHINE, 2, _ELF_ORDER[elf_data], "ELF header")
    found = arch.from_elf(machine, elf_class, elf_data)
    return BinaryInfo("elf", _known(found), (machine,), _ELF_BITS[elf_class])


def _macho_thin(data: bytes, magic: int, order: _Order) -> BinaryInfo:
    cputype = _uint(data, 4, 4, order, "Mach-O header")
    return BinaryInfo("macho", _known(arch.from_macho_cputype(cputype)), (cputype,), _MH_BITS[magic])


def _macho_fat(data: bytes, magic: int) -> BinaryInfo | None:
    count = _uint(data, 4, 4, "big", "Mach-O fat header")
    if magic == _FAT_MAGIC and count >= _JAVA_MIN_MAJOR:
        return None  # a Java class file, or nothing we know
    if not 0 < count <= _MAX_FAT_ARCH:
        raise BinaryFormatError(f"Mach-O fat header claims {count} architectures")
    size = _FAT_RECORD[magic]
    codes = tuple(_uint(data, _FAT_HEADER + i * size, 4, "big", "Mach-O fat header") for i in range(count))
    arches = _known(*(arch.from_macho_cputype(c) for c in codes))
    abi64 = int(table("arches")["macho"]["cpu_arch_abi64"])
    widths = {64 if c & abi64 else 32 for c in codes}
    return BinaryInfo("macho-fat", arches, codes, widths.pop() if len(widths) == 1 else None)


def identify(data: bytes) -> BinaryInfo | None:
    """The format and machine type(s) of a PE, ELF or Mach-O header; None for anything else.

    Raises BinaryFormatError (and nothing else) when the magic matches but the header is broken.
    """
    if data[:2] == _MZ:
        return _pe(data)
    if data[:4] == _ELF_MAGIC:
        return _elf(data)
    if len(data) < 4:
        return None
    orders: tuple[_Order, ...] = ("big", "little")
    for order in orders:
        magic = int.from_bytes(data[:4], order)
        if magic in _MH_BITS:
            return _macho_thin(data, magic, order)
    magic = int.from_bytes(data[:4], "big")
    if magic in _FAT_RECORD:
        return _macho_fat(data, magic)
    return None


def identify_file(path: str | os.PathLike[str]) -> BinaryInfo | None:
    """identify() on the first HEADER_BYTES of a file; an unreadable file is a BinaryFormatError."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError as e:
        raise BinaryFormatError(f"cannot read {os.fspath(path)}: {e.strerror or e}") from e
    return identify(head)
