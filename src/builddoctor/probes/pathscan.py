"""PATH shadowing: every match of each program a build calls, in PATH order, with its architecture."""
from __future__ import annotations

import re

from .. import arch as archmod
from .._regex import lazy
from .._text import is_posix_absolute
from ..facts import PathFacts, PathProgram
from ..machine import Machine
from ._binary import binary_arches
from .cc import env_get

TIMEOUT = 10.0
#: programs a native build calls; Windows-only ones are asked only there
PROGRAMS = ("cc", "gcc", "clang", "c++", "g++", "ar", "ld", "cargo", "rustc", "cmake", "ninja", "python", "python3",
            "pkg-config")
WINDOWS_ONLY = ("link", "cl")
MAX_ENTRIES = 256  # PATH entries scanned (a pathological PATH must not cost thousands of reads per program)
_MSVC_BIN = lazy(r"[\\/]VC[\\/]Tools[\\/]MSVC[\\/]", re.I)


def path_entries(machine: Machine) -> list[str]:
    windows = machine.os == "windows"
    raw = env_get(machine.env(), "PATH", windows=windows)
    absolute = re.compile(r'^([A-Za-z]:[\\/]|\\\\|~)').match if windows else is_posix_absolute
    out: list[str] = []
    seen: set[str] = set()
    for raw_entry in raw.split(";" if windows else ":") if raw else []:
        entry = raw_entry.strip().strip('"')
        key = entry.rstrip("\\/").lower() if windows else entry.rstrip("/")
        if entry and absolute(entry) and key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def probe_path(machine: Machine, project: str | None) -> PathFacts:
    entries = path_entries(machine)
    scanned = entries[:MAX_ENTRIES]
    windows = machine.os == "windows"
    names = (*WINDOWS_ONLY, *PROGRAMS) if windows else PROGRAMS
    view = archmod.parse(machine.uname_machine())
    programs = []
    for name in names:
        file = name + ".exe" if windows else name
        found = [machine.join(e, file) for e in scanned if machine.is_file(machine.join(e, file))]
        if not found:
            continue
        arches: list[tuple[str, ...]] = []
        first = binary_arches(machine, found[0])
        arches.append(first[1] if first else ())
        if len(found) > 1 and arches[0] and view is not None and view.name not in arches[0]:
            for path in found[1:]:  # the first is foreign to this machine: which later one is not?
                info = binary_arches(machine, path)
                arches.append(info[1] if info else ())
        banner = ""
        if name == "link" and not _MSVC_BIN.search(found[0]):
            r = machine.run([found[0], "--version"], timeout=TIMEOUT)
            banner = next((ln.strip() for ln in (r.stdout + r.stderr).splitlines() if ln.strip()), "")
        programs.append(PathProgram(name, tuple(found), tuple(arches), banner))
    return PathFacts(entries=tuple(entries), programs=tuple(programs))
