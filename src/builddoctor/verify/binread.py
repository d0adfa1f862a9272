"""The tables `verify` needs from an ELF, PE or Mach-O member, read in place from the wheel's zip stream.

Only what the checks use is read: ELF program headers, the dynamic table, GNU version needs and the
undefined dynamic symbols; PE sections, the import table (DLL names, and the names imported from the
Python DLL) and the hybrid (CHPE) pointer of the load configuration; Mach-O load commands (build
version, dylibs) and undefined symbols, for every slice of a fat file. Each read is bounded by the table
it reads (MAX_TABLE), so memory never grows with the size of the file. Every malformed or truncated
structure raises BinaryFormatError with one line; nothing else escapes.
"""
from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Protocol

from .. import arch as archmod
from .._record import field, record
from ..binfmt import BinaryFormatError

#: The most a single table may take (a dynamic string table of a large C++ library is a few MiB).
MAX_TABLE = 64 * 1024 * 1024
#: What is read at once from the start of a member; most dynamic-linking tables live there.
HEAD = 256 * 1024
#: The Windows loader refuses images with more sections than this (PE/COFF specification, "NumberOfSections").
PE_MAX_SECTIONS = 96
_BLOCK = 64 * 1024
_MAX_BLOCKS = 64  # 4 MiB of cached blocks per member at most
MAX_ENTRIES = 1 << 20  # symbols, imports, version needs: far beyond any real binary
_PY_PREFIXES = ("Py", "_Py")


_At = Callable[[int, str], int]  # address (vaddr / RVA) -> file offset


class Stream(Protocol):
    """What Blob reads through: a zip member's stream (or a wrapper of it), or BytesIO."""

    def read(self, n: int = -1, /) -> bytes: ...

    def seek(self, pos: int, whence: int = 0, /) -> int: ...


class Blob:
    """Random access to one zip member (or one slice of it) through a seekable stream."""

    def __init__(self, fh: Stream, size: int, base: int = 0, head: bytes | None = None,
                 cache: dict[int, bytes] | None = None) -> None:
        self._fh, self.size, self._base = fh, size, base
        # Blocks of the underlying stream, shared by every view of it: a zip stream seeks backwards by
        # decompressing again from the start, so small scattered reads (import names) must hit a cache.
        self._cache: dict[int, bytes] = {} if cache is None else cache
        if head is None:
            head = self._raw(base, min(HEAD, size))
        self._head = head

    def view(self, offset: int, size: int, what: str) -> Blob:
        self._check(offset, size, what)
        head = self._head[offset:offset + min(HEAD, size)] if offset + min(HEAD, size) <= len(self._head) else None
        return Blob(self._fh, size, self._base + offset, head, self._cache)

    def _raw(self, start: int, n: int) -> bytes:
        """n bytes at absolute stream offset start: whole reads for big tables, cached blocks for small ones."""
        if n > _BLOCK:
            self._fh.seek(start)
            return self._fh.read(n)
        parts = []
        for block in range(start // _BLOCK, (start + n - 1) // _BLOCK + 1):
            data = self._cache.get(block)
            if data is None:
                if len(self._cache) >= _MAX_BLOCKS:
                    self._cache.pop(next(iter(self._cache)))
                self._fh.seek(block * _BLOCK)
                data = self._cache[block] = self._fh.read(_BLOCK)
            parts.append(data)
        joined = b"".join(parts)
        skip = start - (start // _BLOCK) * _BLOCK
        return joined[skip:skip + n]

    def _check(self, offset: int, n: int, what: str) -> None:
        if offset < 0 or n < 0 or offset + n > self.size:
            raise BinaryFormatError(f"{what} at offset {offset:#x} (+{n} bytes) lies past the end of the "
                                    f"{self.size}-byte file (truncated?)")
        if n > MAX_TABLE:
            raise BinaryFormatError(f"{what} claims {n} bytes, more than any real binary has")

    def read(self, offset: int, n: int, what: str) -> bytes:
        self._check(offset, n, what)
        if offset + n <= len(self._head):
            return self._head[offset:offset + n]
        data = self._raw(self._base + offset, n)
        if len(data) != n:
            raise BinaryFormatError(f"{what} is truncated: {len(data)} of {n} bytes")
        return data

    def unpack(self, fmt: str, offset: int, what: str) -> tuple[int, ...]:
        return struct.unpack(fmt, self.read(offset, struct.calcsize(fmt), what))

    def cstr(self, offset: int, what: str, limit: int = 4096) -> str:
        n = min(limit, self.size - offset)
        raw = self.read(offset, max(n, 0), what)
        end = raw.find(b"\0")
        if end < 0:
            raise BinaryFormatError(f"{what} is not NUL-terminated within {limit} bytes")
        return raw[:end].decode("utf-8", "replace")


def _within(blob: Blob, offset: int, size: int, what: str) -> None:
    """A part of the file the loader maps must be inside the file (else it was cut short)."""
    if offset < 0 or size < 0 or offset + size > blob.size:
        raise BinaryFormatError(f"{what} ends at {offset + size:#x}, past the end of the {blob.size}-byte file "
                                "(truncated?)")


def _strtab_name(table: bytes, index: int, what: str) -> str:
    if not 0 <= index < len(table):
        raise BinaryFormatError(f"{what}: string index {index} outside its {len(table)}-byte string table")
    end = table.find(b"\0", index)
    return table[index:end if end >= 0 else len(table)].decode("utf-8", "replace")


@record(frozen=False)
class Slice:
    """One machine-code image: a whole ELF/PE file or one slice of a fat Mach-O."""

    arch: archmod.Arch | None
    machine: int
    bits: int | None
    needed: list[str] = field(default_factory=list)  # DT_NEEDED / imported DLLs / LC_LOAD_DYLIB
    version_needs: list[str] = field(default_factory=list)  # ELF: GLIBC_2.17, GLIBCXX_3.4.19 ...
    version_files: list[str] = field(default_factory=list)  # ELF: the library each version_needs entry names
    py_imports: list[str] = field(default_factory=list)  # Py*/_Py* symbols it takes from the interpreter
    libc_imports: list[str] = field(default_factory=list)  # ELF: undefined symbols of read_details' `watch` set
    interp: str = ""  # ELF PT_INTERP
    macos_minos: tuple[int, int] | None = None
    macos_platform: int | None = None  # LC_BUILD_VERSION platform (1 = macOS)
    pe_hybrid: str = ""  # "arm64ec" | "arm64x" | ""
    symbols_read: bool = False  # whether the undefined-symbol table could be found


@record(frozen=False)
class Details:
    format: str  # elf | pe | macho | macho-fat
    slices: list[Slice]


# ---------------------------------------------------------------- ELF

_PT_LOAD, _PT_DYNAMIC, _PT_INTERP = 1, 2, 3
_DT_NEEDED, _DT_HASH, _DT_STRTAB, _DT_SYMTAB, _DT_STRSZ, _DT_SYMENT = 1, 4, 5, 6, 10, 11
_DT_VERNEED, _DT_VERNEEDNUM = 0x6FFFFFFE, 0x6FFFFFFF
_SHT_DYNSYM = 11


def _elf(blob: Blob, watch: frozenset[str] = frozenset()) -> Details:
    ident = blob.read(0, 16, "ELF identification")
    cls, data = ident[4], ident[5]
    if cls not in (1, 2) or data not in (1, 2):
        raise BinaryFormatError(f"ELF header has invalid class {cls} / data encoding {data}")
    o = "<" if data == 1 else ">"
    wide = cls == 2
    if wide:
        (_, machine, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum, _) = blob.unpack(
            o + "HHIQQQIHHHHHH", 16, "ELF header")
        ph_fmt, ph_size = o + "IIQQQQQQ", 56
    else:
        (_, machine, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum, _) = blob.unpack(
            o + "HHIIIIIHHHHHH", 16, "ELF header")
        ph_fmt, ph_size = o + "IIIIIIII", 32
    found = archmod.from_elf(machine, cls, data)
    out = Slice(found, machine, 64 if wide else 32)
    if phnum == 0xFFFF or shnum >= 0xFF00:
        raise BinaryFormatError(f"ELF header claims {max(phnum, shnum)} program/section headers (extended "
                                "numbering is not used by shared libraries)")
    if phnum and phentsize != ph_size:
        raise BinaryFormatError(f"ELF program header size {phentsize}, expected {ph_size}")
    table = blob.read(phoff, phnum * ph_size, "ELF program headers") if phnum else b""
    loads: list[tuple[int, int, int]] = []  # (vaddr, filesz, offset)
    dynamic: tuple[int, int] | None = None
    for i in range(phnum):
        fields = struct.unpack_from(ph_fmt, table, i * ph_size)
        if wide:
            p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = fields
        else:
            p_type, p_offset, p_vaddr, _, p_filesz, _, _, _ = fields
        if p_type == _PT_LOAD:
            _within(blob, p_offset, p_filesz, f"ELF segment {i}")
            loads.append((p_vaddr, p_filesz, p_offset))
        elif p_type == _PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
        elif p_type == _PT_INTERP:
            out.interp = blob.cstr(p_offset, "ELF PT_INTERP", limit=min(p_filesz, 4096) or 1)
    if dynamic is None:
        return Details("elf", [out])

    def at(vaddr: int, what: str) -> int:
        for start, size, offset in loads:
            if start <= vaddr < start + size:
                return offset + vaddr - start
        raise BinaryFormatError(f"{what} address {vaddr:#x} is in no loaded segment")

    dyn_fmt, dyn_size = (o + "qQ", 16) if wide else (o + "iI", 8)
    raw = blob.read(dynamic[0], min(dynamic[1], MAX_TABLE) // dyn_size * dyn_size, "ELF dynamic table")
    tags: dict[int, int] = {}
    needed_idx: list[int] = []
    for i in range(len(raw) // dyn_size):
        tag, val = struct.unpack_from(dyn_fmt, raw, i * dyn_size)
        if tag == 0:
            break
        if tag == _DT_NEEDED:
            needed_idx.append(val)
        else:
            tags.setdefault(tag, val)
    if _DT_STRTAB not in tags or _DT_STRSZ not in tags:
        return Details("elf", [out])
    strtab = blob.read(at(tags[_DT_STRTAB], "DT_STRTAB"), tags[_DT_STRSZ], "ELF dynamic string table")
    out.needed = [_strtab_name(strtab, i, "DT_NEEDED") for i in needed_idx]
    if _DT_VERNEED in tags:
        needs = _verneed(blob, at(tags[_DT_VERNEED], "DT_VERNEED"), tags.get(_DT_VERNEEDNUM, 0), strtab, o)
        out.version_needs = [v for _, v in needs]
        out.version_files = [f for f, _ in needs]
    count = _dynsym_count(blob, o, wide, shoff=shoff, shentsize=shentsize, shnum=shnum, tags=tags, at=at)
    if count is not None and _DT_SYMTAB in tags:
        out.py_imports, out.libc_imports = _elf_undefined(blob, at(tags[_DT_SYMTAB], "DT_SYMTAB"), count,
                                                          strtab=strtab, o=o, wide=wide, watch=watch)
        out.symbols_read = True
    return Details("elf", [out])


def _verneed(blob: Blob, offset: int, count: int, strtab: bytes, o: str) -> list[tuple[str, str]]:
    """(library, version) of every version need (Elf_Verneed.vn_file, Elf_Vernaux.vna_name)."""
    if count > 4096:
        raise BinaryFormatError(f"ELF DT_VERNEEDNUM claims {count} version needs")
    names: list[tuple[str, str]] = []
    for _ in range(count):
        _, cnt, vn_file, aux, nxt = blob.unpack(o + "HHIII", offset, "ELF version need")
        library = _strtab_name(strtab, vn_file, "ELF version need file")
        if cnt > 4096:
            raise BinaryFormatError(f"ELF version need claims {cnt} versions")
        a = offset + aux
        for _ in range(cnt):
            _, _, _, name, anext = blob.unpack(o + "IHHII", a, "ELF version need entry")
            names.append((library, _strtab_name(strtab, name, "ELF version name")))
            if len(names) > 65536:
                raise BinaryFormatError("ELF version needs name more than 65536 versions")
            if anext == 0:
                break
            a += anext
        if nxt == 0:
            break
        offset += nxt
    return names


def _dynsym_count(blob: Blob, o: str, wide: bool, *, shoff: int, shentsize: int, shnum: int,
                  tags: dict[int, int], at: _At) -> int | None:
    sym_size = 24 if wide else 16
    if shoff and shnum and shentsize == (64 if wide else 40):
        table = blob.read(shoff, shnum * shentsize, "ELF section headers")
        for i in range(shnum):
            if wide:
                _, sh_type, _, _, _, sh_size, _, _, _, _ = struct.unpack_from(o + "IIQQQQIIQQ", table, i * 64)
            else:
                _, sh_type, _, _, _, sh_size, _, _, _, _ = struct.unpack_from(o + "IIIIIIIIII", table, i * 40)
            if sh_type == _SHT_DYNSYM:
                return int(sh_size) // sym_size
    if _DT_HASH in tags:
        _, nchain = blob.unpack(o + "II", at(tags[_DT_HASH], "DT_HASH"), "ELF hash table")
        return int(nchain)
    return None


def _elf_undefined(blob: Blob, offset: int, count: int, *, strtab: bytes, o: str, wide: bool,
                   watch: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(the Py*/_Py* undefined symbols, the undefined symbols in `watch`)."""
    if count > MAX_ENTRIES:
        raise BinaryFormatError(f"ELF dynamic symbol table claims {count} symbols")
    size = 24 if wide else 16
    table = blob.read(offset, count * size, "ELF dynamic symbol table")
    fmt = o + ("IBBHQQ" if wide else "IIIBBH")
    out: list[str] = []
    watched: list[str] = []
    for i in range(count):
        fields = struct.unpack_from(fmt, table, i * size)
        name_idx, shndx = (fields[0], fields[3]) if wide else (fields[0], fields[5])
        if shndx != 0 or name_idx == 0:
            continue
        name = _strtab_name(strtab, name_idx, "ELF symbol name")
        if name.startswith(_PY_PREFIXES):
            out.append(name)
        elif name in watch:
            watched.append(name)
    return out, watched


# ---------------------------------------------------------------- PE

_IMPORT_DIR, _LOAD_CONFIG_DIR = 1, 10
#: IMAGE_LOAD_CONFIG_DIRECTORY64.CHPEMetadataPointer (winnt.h); non-zero in ARM64EC and ARM64X images,
#: which is how LLVM's COFFObjectFile::getMachine tells them apart (https://reviews.llvm.org/D149091).
_CHPE_POINTER_64 = 0xC8


def _pe(blob: Blob) -> Details:
    (lfanew,) = blob.unpack("<I", 0x3C, "PE (MZ) header")
    if blob.read(lfanew, 4, "PE signature") != b"PE\0\0":
        raise BinaryFormatError(f"MZ file has no PE signature at e_lfanew=0x{lfanew:X}")
    machine, nsections, _, _, _, opt_size, _ = blob.unpack("<HHIIIHH", lfanew + 4, "COFF header")
    if nsections > PE_MAX_SECTIONS:
        raise BinaryFormatError(f"PE header claims {nsections} sections (the Windows loader accepts at most "
                                f"{PE_MAX_SECTIONS})")
    opt = lfanew + 24
    (magic,) = blob.unpack("<H", opt, "PE optional header")
    if magic not in (0x10B, 0x20B):
        raise BinaryFormatError(f"PE optional header has unknown magic {magic:#x}")
    wide = magic == 0x20B
    out = Slice(archmod.from_pe_machine(machine), machine, 64 if wide else 32)
    dirs_at, count_at = (opt + 112, opt + 108) if wide else (opt + 96, opt + 92)
    if opt_size < (dirs_at - opt):
        return Details("pe", [out])
    (ndirs,) = blob.unpack("<I", count_at, "PE optional header")
    ndirs = min(ndirs, 16, (opt_size - (dirs_at - opt)) // 8)
    dirs = [blob.unpack("<II", dirs_at + 8 * i, "PE data directory") for i in range(ndirs)]
    wanted = [i for i in (_IMPORT_DIR, _LOAD_CONFIG_DIR) if len(dirs) > i and dirs[i][0]]
    if not wanted:
        return Details("pe", [out])
    raw = blob.read(opt + opt_size, nsections * 40, "PE section table")
    sections: list[tuple[int, int, int, int]] = []
    for i in range(nsections):
        vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", raw, i * 40 + 8)
        if rawsize:
            _within(blob, rawptr, rawsize, f"PE section {raw[i * 40:i * 40 + 8].rstrip(bytes(1)).decode('latin-1')}")
        sections.append((int(va), int(max(vsize, rawsize)), int(rawptr), int(rawsize)))

    def at(rva: int, what: str) -> int:
        for va, size, ptr, rawsize in sections:
            if va <= rva < va + size:
                if rva - va >= rawsize:
                    break
                return ptr + rva - va
        raise BinaryFormatError(f"{what} RVA {rva:#x} is in no section of the file")

    if len(dirs) > _IMPORT_DIR and dirs[_IMPORT_DIR][0]:
        out.needed, out.py_imports = _pe_imports(blob, at(dirs[_IMPORT_DIR][0], "import table"), at, wide)
        out.symbols_read = True
    if wide and len(dirs) > _LOAD_CONFIG_DIR and dirs[_LOAD_CONFIG_DIR][0]:
        lc = at(dirs[_LOAD_CONFIG_DIR][0], "load configuration")
        (lc_size,) = blob.unpack("<I", lc, "load configuration")
        if lc_size >= _CHPE_POINTER_64 + 8 and blob.unpack("<Q", lc + _CHPE_POINTER_64, "load configuration")[0]:
            out.pe_hybrid = {0x8664: "arm64ec", 0xAA64: "arm64x"}.get(machine, "")
    return Details("pe", [out])


def _pe_imports(blob: Blob, offset: int, at: _At, wide: bool) -> tuple[list[str], list[str]]:
    dlls: list[str] = []
    names: list[str] = []
    for i in range(4096):
        ilt, _, _, name_rva, iat = blob.unpack("<IIIII", offset + 20 * i, "import descriptor")
        if not (ilt or name_rva or iat):
            return dlls, names
        dll = blob.cstr(at(name_rva, "import DLL name"), "import DLL name", limit=512)
        dlls.append(dll)
        if not dll.lower().startswith("python"):
            continue
        thunk = at(ilt or iat, "import lookup table")
        size, flag = (8, 1 << 63) if wide else (4, 1 << 31)
        for j in range(MAX_ENTRIES):
            (entry,) = blob.unpack("<Q" if wide else "<I", thunk + size * j, "import lookup table")
            if entry == 0:
                break
            if entry & flag:
                continue  # by ordinal: no name to check
            names.append(blob.cstr(at(entry & 0x7FFFFFFF, "import name") + 2, "import name", limit=1024))
            if len(names) > MAX_ENTRIES:
                raise BinaryFormatError(f"PE imports more than {MAX_ENTRIES} names from the Python DLL")
    raise BinaryFormatError("PE import table has more than 4096 DLLs (no terminating entry)")


# ---------------------------------------------------------------- Mach-O

_MH = {0xFEEDFACE: (False, "<"), 0xCEFAEDFE: (False, ">"), 0xFEEDFACF: (True, "<"), 0xCFFAEDFE: (True, ">")}
_LC_SYMTAB, _LC_DYSYMTAB, _LC_VERSION_MIN_MACOSX, _LC_BUILD_VERSION = 0x2, 0xB, 0x24, 0x32
_LC_SEGMENT, _LC_SEGMENT_64 = 0x1, 0x19
_LC_DYLIBS = {0xC, 0x80000018, 0x8000001F, 0x20, 0x80000023}
_MAX_CMDS_BYTES = 16 * 1024 * 1024


def _version(v: int) -> tuple[int, int]:
    return (v >> 16, (v >> 8) & 0xFF)


def _macho_thin(blob: Blob) -> Slice:
    (magic_le,) = blob.unpack("<I", 0, "Mach-O header")
    if magic_le not in _MH:
        raise BinaryFormatError(f"Mach-O slice has bad magic {magic_le:#x}")
    wide, o = _MH[magic_le]
    _, cputype, _, _, ncmds, sizeofcmds, _ = blob.unpack(o + "IiiIIII", 0, "Mach-O header")
    if sizeofcmds > _MAX_CMDS_BYTES or ncmds * 8 > sizeofcmds:
        raise BinaryFormatError(f"Mach-O header claims {ncmds} load commands in {sizeofcmds} bytes")
    out = Slice(archmod.from_macho_cputype(cputype & 0xFFFFFFFF), cputype & 0xFFFFFFFF, 64 if wide else 32)
    cmds = blob.read(32 if wide else 28, sizeofcmds, "Mach-O load commands")
    pos = 0
    symtab = dysymtab = None
    for _ in range(ncmds):
        if pos + 8 > len(cmds):
            raise BinaryFormatError("Mach-O load commands run past sizeofcmds")
        cmd, size = struct.unpack_from(o + "II", cmds, pos)
        if size < 8 or pos + size > len(cmds):
            raise BinaryFormatError(f"Mach-O load command {cmd:#x} has bad size {size}")
        body = cmds[pos:pos + size]
        if cmd == _LC_BUILD_VERSION and size >= 16:
            platform, minos = struct.unpack_from(o + "II", body, 8)
            out.macos_platform, out.macos_minos = platform, _version(minos)
        elif cmd == _LC_VERSION_MIN_MACOSX and size >= 16 and out.macos_minos is None:
            out.macos_platform, out.macos_minos = 1, _version(struct.unpack_from(o + "I", body, 8)[0])
        elif cmd in _LC_DYLIBS and size >= 12:
            (name_off,) = struct.unpack_from(o + "I", body, 8)
            if name_off < size:
                out.needed.append(body[name_off:].split(b"\0", 1)[0].decode("utf-8", "replace"))
        elif cmd in (_LC_SEGMENT, _LC_SEGMENT_64) and size >= 56:
            fileoff, filesize = struct.unpack_from(o + ("QQ" if cmd == _LC_SEGMENT_64 else "II"), body,
                                                   40 if cmd == _LC_SEGMENT_64 else 32)
            _within(blob, fileoff, filesize, f"Mach-O segment {body[8:24].rstrip(bytes(1)).decode('latin-1')}")
        elif cmd == _LC_SYMTAB and size >= 24:
            symtab = struct.unpack_from(o + "IIII", body, 8)
        elif cmd == _LC_DYSYMTAB and size >= 80:
            dysymtab = struct.unpack_from(o + "IIIIII", body, 8)
        pos += size
    if symtab and dysymtab:
        symoff, nsyms, stroff, strsize = symtab
        iundef, nundef = dysymtab[4], dysymtab[5]
        if iundef + nundef > nsyms or nundef > MAX_ENTRIES:
            raise BinaryFormatError(f"Mach-O undefined symbols {iundef}+{nundef} exceed the {nsyms} symbols")
        size = 16 if wide else 12
        table = blob.read(symoff + iundef * size, nundef * size, "Mach-O symbol table")
        strings = blob.read(stroff, strsize, "Mach-O string table")
        for i in range(nundef):
            (strx,) = struct.unpack_from(o + "I", table, i * size)
            name = _strtab_name(strings, strx, "Mach-O symbol name")
            name = name[1:] if name.startswith("_") else name
            if name.startswith(_PY_PREFIXES):
                out.py_imports.append(name)
        out.symbols_read = True
    return out


def _macho_fat(blob: Blob) -> Details:
    magic, count = blob.unpack(">II", 0, "Mach-O fat header")
    if not 0 < count <= 64:
        raise BinaryFormatError(f"Mach-O fat header claims {count} architectures")
    wide = magic == 0xCAFEBABF
    rec, fmt = (32, ">iiQQII") if wide else (20, ">iiIII")
    slices = []
    for i in range(count):
        fields = blob.unpack(fmt, 8 + i * rec, "Mach-O fat header")
        offset, size = fields[2], fields[3]
        thin = _macho_thin(blob.view(offset, size, f"Mach-O slice {i}"))
        if thin.machine != fields[0] & 0xFFFFFFFF:
            raise BinaryFormatError(f"Mach-O fat record {i} says cputype {fields[0] & 0xFFFFFFFF:#x} but its "
                                    f"slice is {thin.machine:#x}")
        slices.append(thin)
    return Details("macho-fat", slices)


def read_details(blob: Blob, fmt: str, watch: frozenset[str] = frozenset()) -> Details:
    """Details of a member whose header binfmt.identify() recognised as `fmt`; `watch`: ELF undefined
    symbols to report in Slice.libc_imports (besides the Py* ones)."""
    try:
        if fmt == "elf":
            return _elf(blob, watch)
        if fmt == "pe":
            return _pe(blob)
        if fmt == "macho":
            return Details("macho", [_macho_thin(blob)])
        return _macho_fat(blob)
    except struct.error as exc:
        raise BinaryFormatError(f"{fmt} structure is truncated ({exc})") from None
