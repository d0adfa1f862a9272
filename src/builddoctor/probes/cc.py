"""C and C++ compilers: the CC/CXX/flags variables, cc-rs's variables, and what each compiler targets.

A compiler's target is asked from the compiler itself (`gcc -dumpmachine`, `clang
-print-target-triple`, `clang-cl --version`, cl.exe's banner), never guessed from its name.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from .. import arch as archmod
from .._compat.tomllib import TOMLDecodeError, loads
from .._data import table
from .._parallel import map_all
from .._regex import lazy
from .._text import is_dotted, is_posix_absolute, program_name
from ..facts import CMD_LIMIT, CFacts, Compiler
from ..machine import Machine

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TIMEOUT = 10.0
FLAG_VARS = ("CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "ARCHFLAGS")
_PLAIN_VARS = ("CC", "CXX", *FLAG_VARS)
#: cc-rs's per-target variables: CC_<target>, CFLAGS_<target> ..., TARGET_CC, HOST_CXXFLAGS ...
_CCRS_PREFIXES = ("CC_", "CXX_", "CFLAGS_", "CXXFLAGS_")
_CCRS_NAMES = frozenset(f"{w}_{v}" for w in ("TARGET", "HOST") for v in ("CC", "CXX", "CFLAGS", "CXXFLAGS"))


def _is_ccrs(name: str) -> bool:
    upper = name.upper()
    return upper in _CCRS_NAMES or any(upper.startswith(p) and len(upper) > len(p) for p in _CCRS_PREFIXES)
_WRAPPERS = {"ccache", "sccache", "distcc", "buildcache"}
_TRIPLE = lazy(r"^[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+){1,4}$")
_CL_VERSION = lazy(r"\b(\d{2}\.\d{2}\.\d{4,5}(?:\.\d+)?)\b")
PATH_NAMES = ("cc", "gcc", "clang", "clang-cl", "cl")






def env_get(env: Mapping[str, str], name: str, *, windows: bool) -> str:
    """A variable's value; Windows names are case-insensitive (os.environ upper-cases them)."""
    if name in env:
        return env[name]
    if windows:
        upper = name.upper()
        for key, value in env.items():
            if key.upper() == upper:
                return value
    return ""


def compiler_kind(program: str) -> str:
    base = program_name(program)
    if "clang-cl" in base:
        return "clang-cl"
    if base == "cl":
        return "msvc"
    if "clang" in base:
        return "clang"
    stem, dash, version = base.rpartition("-")
    name = (stem if dash and is_dotted(version) else base).rpartition("-")[2]
    if name in ("gcc", "g++", "cc", "c++"):  # gcc, x86_64-linux-gnu-gcc-12, cc, c++-13.2
        return "gcc"
    return "unknown"


def split_command(machine: Machine, value: str) -> list[str]:
    """A compiler variable as argv: a path with spaces stays whole; wrappers (ccache ...) are dropped."""
    value = value.strip()
    if not value:
        return []
    if machine.is_file(value.strip('"')):
        return [value.strip('"')]
    if any(c in value for c in "\"'\\"):  # quoting: shlex (a plain value splits the same on spaces)
        import shlex

        try:
            parts = shlex.split(value, posix=machine.os != "windows")
        except ValueError:
            parts = value.split()
    else:
        parts = value.split()
    parts = [p.strip('"') for p in parts]
    while len(parts) > 1 and program_name(parts[0]) in _WRAPPERS:
        parts = parts[1:]
    return parts


def _target_argv(kind: str, argv: list[str]) -> list[str]:
    if kind == "clang":
        return [*argv, "-print-target-triple"]
    if kind == "clang-cl":
        return [*argv, "--version"]
    if kind == "msvc":
        return list(argv)  # cl.exe alone prints its banner on stderr
    return [*argv, "-dumpmachine"]


def cl_banner(text: str) -> tuple[str, str]:
    """(target word, version) from cl.exe's first banner line, using numbers and arch words only."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    version = _CL_VERSION.search(line)
    words = [w.strip(".,()") for w in line.split()]
    target = next((w for w in reversed(words) if archmod.parse(w) is not None), "")
    return target, version.group(1) if version else ""


def _excerpt(text: str, limit: int = 160) -> str:
    from ..proc_result import excerpt

    return excerpt(text, limit)


def probe_compiler(machine: Machine, source: str, command: str, *, xcode: bool = True) -> Compiler:
    """`xcode=False`: macOS without the Command Line Tools, where /usr/bin/cc would open an install dialog."""
    argv = split_command(machine, command) if source != "PATH" else [command]
    if not argv:
        return Compiler(source, command, error="empty")
    program = argv[0]
    path = program if ("/" in program or "\\" in program) else machine.which(program)
    if path is None:
        return Compiler(source, command, kind=compiler_kind(program), error="not found on PATH")
    kind = compiler_kind(path)
    if not xcode and path.startswith("/usr/bin/"):
        return Compiler(source, command, path, kind, error="the Xcode Command Line Tools are not installed")
    result = machine.run_cached(_target_argv(kind, [path, *argv[1:]]), timeout=TIMEOUT)  # built into the binary
    if result.error:
        return Compiler(source, command, path, kind, error=result.error)
    if kind == "msvc":
        target, version = cl_banner(result.stderr or result.stdout)
        a = archmod.parse(target)
        return Compiler(source, command, path, kind, target, a.name if a else None, version,
                        "" if target else f"no target in its banner: {_excerpt(result.stderr)}")
    text = result.stdout
    if kind == "clang-cl":
        m = re.search(r"^Target:\s*(\S+)", text, re.M)
        text = m.group(1) if m else ""
    triple = text.strip().splitlines()[0].strip() if text.strip() else ""
    if result.returncode != 0 or not _TRIPLE.match(triple):
        why = f"exit {result.returncode}" if result.returncode != 0 else "no target triple"
        return Compiler(source, command, path, kind,
                        error=f"{why}: {_excerpt(result.stderr + result.stdout) or 'no output'}")
    a = archmod.parse(triple)
    return Compiler(source, command, path, kind, triple, a.name if a else None)


def flag_arches(values: Mapping[str, str]) -> list[tuple[str, str, str | None]]:
    """-arch X, --target=X and -target X in the flag variables (what setuptools and clang obey)."""
    out: list[tuple[str, str, str | None]] = []
    for name in FLAG_VARS:
        words = values.get(name, "").split()
        for i, word in enumerate(words):
            spelling = ""
            if word in ("-arch", "-target", "--target") and i + 1 < len(words):
                spelling = words[i + 1]
            elif word.startswith("--target="):
                spelling = word.split("=", 1)[1]
            if spelling:
                a = archmod.parse(spelling)
                out.append((name, spelling, a.name if a else None))
            elif word in _word_size():
                out.append((name, word, str(_word_size()[word])))
    return out


def _word_size() -> dict[str, str]:
    """-m32 / -m64 -> the x86 arch they select (toolchains/compiler-flags.toml)."""
    data = table("compiler-flags")["word_size"]
    return {k: str(v) for k, v in data.items() if k.startswith("-m")}


def locked_crates(text: str) -> list[tuple[str, str]]:
    """Crates in a Cargo.lock that the C-compiler rules know about (ring ...)."""
    wanted = {c for crates in table("msvc")["cc_rs"]["needs_clang"].values() for c in crates}
    try:
        packages = loads(text).get("package") or []
    except TOMLDecodeError:
        return []
    if not isinstance(packages, list):  # `package = 1`: not a lock cargo wrote
        return []
    return [(str(p.get("name")), str(p.get("version", ""))) for p in packages
            if isinstance(p, dict) and p.get("name") in wanted]


def _is_ccrs_var(name: str) -> bool:
    """CC_<triple>, CXX_<triple>, TARGET_CC ...; not cc-rs's own knobs (CC_ENABLE_DEBUG_OUTPUT ...)."""
    if not _is_ccrs(name):
        return False
    if name.upper().startswith(("TARGET_", "HOST_")):
        return True
    suffix = name.split("_", 1)[1]
    return archmod.parse(re.split(r"[-_]", suffix)[0]) is not None


def probe_cc(machine: Machine, project: str | None) -> CFacts:
    env = machine.env()
    windows = machine.os == "windows"
    plain = {n: v for n in _PLAIN_VARS if (v := env_get(env, n, windows=windows))}
    ccrs = {k: v for k, v in env.items() if v and _is_ccrs_var(k)}
    jobs = [(n, v) for n, v in list(plain.items()) + list(ccrs.items()) if "FLAGS" not in n.upper()]
    names = [n for n in PATH_NAMES if windows or n not in ("cl", "clang-cl")]
    jobs += [("PATH", n) for n in names]
    xcode = machine.os != "macos" or machine.run(["xcode-select", "-p"], timeout=TIMEOUT).ok
    # One after the other except on Windows: gcc answers in ~1 ms and clang in ~35 (the cc probe still
    # ends before rustup's chain and the interpreter), and threads for them cost more CPU in GIL hand-offs
    # than they save (measured: -11 ms wall, -14 ms CPU per cold check); cl.exe and clang-cl start slowly.
    concurrent = machine.concurrent and windows
    found = map_all(lambda job: probe_compiler(machine, *job, xcode=xcode), jobs, concurrent=concurrent)
    compilers = [c for c in found if not (c.source == "PATH" and c.error == "not found on PATH")]
    lock_path, crates = "", []
    for path in _cargo_lock_candidates(machine, project) if project else []:
        text = machine.read_text(path)
        if text is not None:
            lock_path, crates = path, locked_crates(text)
            break
    return CFacts(env=plain, ccrs_env=ccrs, compilers=tuple(compilers), flag_arches=tuple(flag_arches(plain)),
                  cargo_lock=lock_path, crates=tuple(crates), **_path_facts(env_get(env, "PATH", windows=windows),
                                                                            windows))


def _manifest_dirs(pyproject: str) -> list[str]:
    """Folders of the Cargo.toml files pyproject.toml points at: maturin's `manifest-path`,
    setuptools-rust's ext-modules / bins `path` (relative to the project)."""
    try:
        tool = loads(pyproject).get("tool") or {}
    except TOMLDecodeError:
        return []
    paths = [(tool.get("maturin") or {}).get("manifest-path")]
    rust = tool.get("setuptools-rust") or {}
    for group in ("ext-modules", "bins"):
        paths += [m.get("path") for m in rust.get(group) or [] if isinstance(m, dict)]
    out = []
    for path in paths:
        if isinstance(path, str) and path.replace("\\", "/").rsplit("/", 1)[-1] == "Cargo.toml":
            parts = [x for x in re.split(r"[\\/]", path)[:-1] if x not in ("", ".")]
            if ".." not in parts:
                out.append("/".join(parts))
    return out


def _cargo_lock_candidates(machine: Machine, project: str) -> list[str]:
    """Where cargo would keep the lock: beside each manifest pyproject names, or a folder above it
    inside the project (a workspace root), else the project root."""
    out: list[str] = []
    for rel in _manifest_dirs(machine.read_text(machine.join(project, "pyproject.toml")) or ""):
        parts = rel.split("/") if rel else []
        for i in range(len(parts), 0, -1):
            out.append(machine.join(project, *parts[:i], "Cargo.lock"))
    out.append(machine.join(project, "Cargo.lock"))
    return list(dict.fromkeys(out))


def _path_facts(path: str, windows: bool) -> dict[str, Any]:
    """What about PATH breaks cmd.exe or lets the current folder in; redaction-proof (counts, not lengths)."""
    entries = path.split(";" if windows else ":") if path else []
    absolute = re.compile(r'^"?([A-Za-z]:[\\/]|\\\\|~)').match if windows else is_posix_absolute  # ~: a redacted home
    keys = [e.strip('"').rstrip("\\/").lower() if windows else e.rstrip("/") for e in entries if e]
    return {"path_entries": len(entries), "path_too_long": len(path) > CMD_LIMIT,
            "path_empty": sum(1 for e in entries if not absolute(e.strip())),
            "path_quoted": tuple(e for e in entries if windows and '"' in e),
            "path_duplicates": len(keys) - len(set(keys))}
