"""Cross-build settings, the cross compilers on PATH, the arch of each tool binary that can change a
build's outcome, and what a container's userland can see of the machine under it.

Nothing here decides: target.py infers the intended target from these, rules/cross.py judges them.
"""
from __future__ import annotations

from .._data import table
from .._parallel import map_all
from ..facts import BinaryFacts, Compiler, CrossFacts, Facts, ToolBinary
from ..machine import Machine
from ..proc_result import ProcResult
from ._binary import binary_arches
from .cc import env_get, probe_compiler
from .rust import toolchain_bin

TIMEOUT = 10.0


def probe_cross(machine: Machine, project: str | None = None) -> CrossFacts:
    env = machine.env()
    windows = machine.os == "windows"
    settings = tuple((name, value) for name in table("cross")["settings"]
                     if (value := env_get(env, name, windows=windows)))
    pyo3 = tuple(sorted((k, v) for k, v in env.items()
                        if v and k.upper().startswith(("PYO3_CROSS", "PYO3_CONFIG_FILE"))))
    plat_name = ""
    extra = env_get(env, "DIST_EXTRA_CONFIG", windows=windows)
    if extra:
        plat_name = dist_plat_name(machine.read_text(extra, 65536) or "")
    compilers: tuple[Compiler, ...] = ()
    if machine.os == "linux":
        names = [f"{row['gcc_prefix']}-gcc" for row in table("cross")["linux"].values()]
        found = [n for n in names if machine.which(n)]
        # one after the other: each is a ~1 ms gcc run, less than a thread costs in GIL hand-offs
        compilers = tuple(probe_compiler(machine, "PATH", n) for n in found)
        libc = tuple((n, _finds_crt(machine, n)) for n in found)
    else:
        libc = ()
    return CrossFacts(settings=settings, plat_name=plat_name, pyo3=pyo3, compilers=compilers, libc_found=libc)


def _finds_crt(machine: Machine, gcc: str) -> bool:
    """gcc prints the full path of a startup file it can link with, else just its name."""
    path = machine.which(gcc) or gcc
    result = machine.run_cached([path, "-print-file-name=crti.o"], timeout=TIMEOUT, deps_of=_found_crt)
    out = result.stdout.strip()
    return result.ok and out != "crti.o" and out.endswith("crti.o")


def _found_crt(result: ProcResult) -> list[str]:
    """What a found crti.o depends on: that file (and the compiler, always). A "not found" answer is
    not kept: installing the libc package would change it without touching the compiler."""
    found = result.stdout.strip()
    if found == "crti.o" or not found.endswith("crti.o"):
        raise ValueError("not found: not cached")
    return [found]


def dist_plat_name(text: str) -> str:
    """plat_name from a distutils config file ([bdist_wheel], [build_ext] or [build])."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    for section in ("bdist_wheel", "build_ext", "build"):
        value = parser.get(section, "plat_name", fallback="").strip()
        if value:
            return value
    return ""


def _tool(machine: Machine, name: str, path: str) -> ToolBinary:
    fmt, arches = binary_arches(machine, path) or ("", ())
    return ToolBinary(name, path, fmt, arches)


def _real_rust_binary(machine: Machine, rustup: str | None, name: str, proxy: str, toolchain_bin: str) -> str:
    """rustup's proxies are one binary for every toolchain; the toolchain's own rustc/cargo is what
    runs: the active toolchain's folder in the rustup home (what `rustup which` answers, without
    starting rustup twice more), else `rustup which` itself (a custom layout, an old snapshot)."""
    if not rustup:
        return proxy
    path = machine.join(toolchain_bin, name + (".exe" if machine.os == "windows" else ""))
    if toolchain_bin and machine.is_file(path):
        return path
    from ..cache import rustup_files

    result = machine.run_cached([rustup, "which", name], timeout=TIMEOUT, deps_of=rustup_files)
    text = result.stdout.strip().splitlines()
    return text[0].strip() if result.ok and text else proxy


def probe_binaries(machine: Machine, project: str | None, facts: Facts, isolated: bool | None = None) -> BinaryFacts:
    """Runs after the other probes (LATE_PROBES): it needs rustup's active toolchain."""
    names = ["uv", "ninja", "clang"] + (["cl", "link"] if machine.os == "windows" else [])
    found = {n: p for n in (*names, "rustc", "cargo", "rustup") if (p := machine.which(n))}
    rustup = found.get("rustup")
    jobs = [(n + ".exe" if n in ("cl", "link") else n, found[n]) for n in names if n in found]
    rust = [name for name in ("rustc", "cargo") if name in found]
    bin_dir = toolchain_bin(machine, facts.rust.active_toolchain)
    real = map_all(lambda name: _real_rust_binary(machine, rustup, name, found[name], bin_dir), rust,
                   concurrent=machine.concurrent)
    jobs += list(zip(rust, real))
    tools = tuple(_tool(machine, *job) for job in jobs)  # reads of program heads: no thread needed
    family, bits = "", 0
    if machine.os == "linux":
        family = cpuinfo_family(machine.read_text("/proc/cpuinfo", 1 << 16) or "")
        bits = auxv_word_bits(machine.read_head("/proc/self/auxv", 256) or b"")
    return BinaryFacts(tools=tools, cpuinfo_family=family, auxv_word_bits=bits)


def cpuinfo_family(text: str) -> str:
    """The CPU family whose /proc/cpuinfo shape this is (its marker key and one of its keys), or ""."""
    keys = {key.strip() for key, colon, _ in (line.partition(":") for line in text.split("\n")) if colon and key}
    for family, row in table("cross")["cpuinfo"].items():
        if row["marker"] in keys and any(k in keys for k in row["keys"]):
            return str(family)
    return ""


def auxv_word_bits(data: bytes) -> int:
    """32 or 64: the word size of the auxiliary vector's (type, value) pairs; 0 when unreadable.

    The first entries' types are small numbers (AT_SYSINFO_EHDR = 33, AT_HWCAP = 16 ...); read with
    the wrong word size they are not.
    """
    for bits in (64, 32):
        size = bits // 4  # a (type, value) pair of two little-endian words
        types = [int.from_bytes(data[i:i + size // 2], "little")
                 for i in range(0, min(len(data), size * 4) - size + 1, size)]
        if len(types) >= 3 and all(0 < t < 64 for t in types[:3]):
            return bits
    return 0
