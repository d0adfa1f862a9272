"""From the scanner's matches to the same `Facts` the probes fill, each fact tagged with its log line.

A log describes the build that failed, not the machine: what it does not say stays unknown (empty
strings, None), and `LogFacts` holds what only a log can say (the triple cargo really built for,
compilers that ran, linkers refusing objects, known-problem symptoms).
"""
from __future__ import annotations

import re
from typing import cast

from .. import arch as archmod
from .._text import last_path_part
from ..arch import OSName
from ..facts import (
    CFacts,
    CMakeFacts,
    Compiler,
    Facts,
    HostFacts,
    InterpreterFacts,
    LinkProblem,
    LogEvidence,
    LogFacts,
    LogSignature,
    ProjectFacts,
    RustFacts,
)
from .scan import LogScanner, Match

# Build backends by PEP 517 module, and by the tool a log shows running.
_BACKENDS = {
    "maturin": ("maturin", True, False), "setuptools.build_meta": ("setuptools-ext", False, True),
    "setuptools.build_meta:__legacy__": ("setuptools-ext", False, True),
    "scikit_build_core.build": ("scikit-build-core", False, True), "mesonpy": ("meson-python", False, True),
    "setuptools_rust": ("setuptools-rust", True, False),
}
_BACKEND_TOOLS = ("maturin", "setuptools", "setuptools-rust", "scikit-build-core", "meson-python", "meson",
                  "cmake", "ninja", "cython", "pybind11", "cffi", "uv", "pip")
_CRATE_TOOLS = ("pyo3", "pyo3-build-config", "ring", "cc", "cmake", "bindgen")
_COMPILER_PATTERNS = ("cc.command-line", "msvc.cl-banner", "msvc.host-target-folder", "msvc.legacy-folder")
_OS_BY_KEY = {"windows": "windows", "linux": "linux", "macos": "macos"}
_VC_LEGACY = {"x86_amd64": "x64", "amd64": "x64", "x86_arm64": "arm64", "amd64_arm64": "arm64", "arm64": "arm64",
              "x86_arm": "arm", "amd64_arm": "arm", "arm": "arm", "amd64_x86": "x86"}
#: how much each spelling says about the interpreter (higher wins over an earlier, weaker one)
_PY_STRENGTH = {"uv.found-python": 5, "uv.python-list": 1, "python.msc-banner": 4, "maturin.soabi": 4,
                "msvc.python-import-lib": 4, "puccinialin.triple": 3, "python.ext-suffix-linux": 3,
                "python.ext-suffix-windows": 3, "setuptools.build-dir": 3, "python.org-folder": 2}


def _arch(spelling: str | None) -> archmod.Arch | None:
    return archmod.parse(spelling) if spelling else None


def _elf_arch(machine: str) -> archmod.Arch | None:
    found = [a for a in archmod.all_arches() if a.elf and str(a.elf[0]) == machine]
    found.sort(key=lambda a: (a.elf is not None and a.elf[2] != 1, -a.bits))  # little-endian, 64-bit first
    return found[0] if found else None


def _triple_arch(triple: str) -> archmod.Arch | None:
    return _arch(triple.split("-", 1)[0]) if triple else None


def _triple_os(triple: str) -> str | None:
    t = triple.lower()
    if "windows" in t:
        return "windows"
    if "apple" in t or "darwin" in t:
        return "macos"
    if "linux" in t:
        return "linux"
    return None


def _key_of(pid: str, m: Match) -> tuple[str | None, archmod.Arch | None]:
    """(os, arch) of the interpreter from one match of pattern `pid`, or (None, None)."""
    g = m.groups
    if "py_key" in g:
        parts = g["py_key"].split("-")
        return (_OS_BY_KEY.get(parts[-3]), _arch(parts[-2])) if len(parts) >= 5 else (None, None)
    if "py_platform" in g:
        plat = g["py_platform"]
        return archmod.os_from_platform(plat), _arch(plat) or _arch(plat.rsplit("-", 1)[-1])
    a = g.get("py_arch", "")
    if not a:
        return None, None
    if pid == "python.org-folder":
        return "windows", archmod.get("x86") if a == "32" else _arch(a)
    if pid == "puccinialin.triple":
        return _triple_os(m.excerpt), _arch(a)
    if pid == "python.ext-suffix-linux":
        return "linux", _arch(a)
    return "windows", _arch(a)  # MSC banners, win_* SOABI and .pyd suffixes


class _Evidence:
    def __init__(self, scanner: LogScanner) -> None:
        self.scanner = scanner
        self.facts: dict[str, tuple[int, str]] = {}

    def add(self, path: str, m: Match | None) -> None:
        if m is not None and path not in self.facts:
            self.facts[path] = (m.line, self.scanner.redactor.text(m.excerpt))

    def done(self) -> LogEvidence:
        return LogEvidence(dict(sorted(self.facts.items(), key=lambda kv: kv[1][0])))


def _interpreter(scanner: LogScanner, ev: _Evidence) -> tuple[InterpreterFacts, str | None, str]:
    """The interpreter the failed build used: the strongest spelling, the first one at equal strength."""
    best: tuple[int, int, Match, str | None, archmod.Arch] | None = None
    for pid, strength in _PY_STRENGTH.items():
        for m in scanner.all(pid):
            os, a = _key_of(pid, m)
            if pid == "msvc.python-import-lib":
                lnk = next((x for x in scanner.all("msvc.lnk1112") if x.line == m.line), None)
                a = _arch(lnk.groups.get("link_module")) if lnk else None
                os = "windows"
            if a is None:
                continue
            rank = (strength, -m.line)
            if best is None or rank > (best[0], best[1]):
                best = (strength, -m.line, m, os, a)
    version_m = scanner.first("py_version")
    exe_m = scanner.first("py_exe")
    impl_m = scanner.first("py_impl")
    version = ""
    if best is not None and "py_version" in best[2].groups:
        version = best[2].groups["py_version"]
    elif version_m is not None:
        version = version_m.groups["py_version"]
    elif best is not None and best[2].groups.get("py_tag"):
        tag = best[2].groups["py_tag"].replace(".", "")
        version = f"{tag[0]}.{tag[1:]}"
    impl = (best[2].groups.get("py_impl") if best else None) or (impl_m.groups["py_impl"] if impl_m else "cpython")
    impl = impl.lower()
    marker = scanner.first("marker_machine")
    markers = {"platform_machine": marker.groups["marker_machine"]} if marker else {}
    ev.add("interpreter.markers.platform_machine", marker)
    if best is None:
        return (InterpreterFacts(requested="log", version=version, implementation=impl,
                                 executable=exe_m.groups["py_exe"] if exe_m else "", markers=markers,
                                 has_headers=True), None, "")
    _, _, m, os, a = best
    ev.add("interpreter.exe_arches", m)
    ev.add("interpreter.version", version_m if "py_version" not in m.groups else m)
    ev.add("interpreter.executable", exe_m)
    os = os or _os_hint(scanner) or "linux"
    if os == "windows":
        platform = a.sysconfig or f"win-{a.name}"
    elif os == "macos":
        plat = m.groups.get("py_platform", "")
        platform = plat if plat.startswith("macosx-") else f"macosx-11.0-{a.wheel.get('macos', a.name)}"
    else:
        platform = f"linux-{a.wheel.get('linux', a.name)}"
    exe_format = {"windows": "pe", "macos": "macho", "linux": "elf"}[os]
    key = m.groups.get("py_key", "")
    banner = m.excerpt if m.groups.get("py_arch") and "MSC" in m.excerpt else ""
    return (InterpreterFacts(
        requested="log", executable=(m.groups.get("py_exe") or (exe_m.groups["py_exe"] if exe_m else "")),
        version=version, implementation=impl, sys_version=banner, platform=platform, pointer_bits=a.bits,
        sys_platform={"windows": "win32", "macos": "darwin", "linux": "linux"}[os], markers=markers,
        has_headers=True, exe_format=exe_format, exe_arches=(a.name,),
        ext_suffix="", soabi=""), os, key)


def _os_hint(scanner: LogScanner) -> str | None:
    for group in ("rust_target", "rust_host", "rust_toolchain", "rustup_host"):
        m = scanner.first(group)
        if m is not None and (os := _triple_os(m.groups[group])):
            return os
    if scanner.first("msvc_host") or scanner.first("cl_arch") or scanner.first("link_module") \
            or scanner.first("vc_legacy") or scanner.first("msvc_lib"):
        return "windows"
    if scanner.first("macho_building") or scanner.first("arch_flag"):
        return "macos"
    if scanner.first("elf_machine"):
        return "linux"
    hints = [(m.line, os) for os in ("windows", "macos", "linux") if (m := scanner.first(f"os_{os}"))]
    return min(hints)[1] if hints else None


def _compiler(m: Match) -> Compiler | None:
    g = m.groups
    if "cc" in g:
        cmd = last_path_part(g["cc"]).removesuffix(".exe")
        kind = "clang" if "clang" in cmd else "gcc"
        prefix = cmd.rsplit("-", 1)[0] if "-" in cmd and not re.match(r"^(?:gcc|clang|cc)-\d", cmd) else ""
        a = _arch(prefix.split("-", 1)[0]) if prefix else None
        return Compiler(source=f"log line {m.line}", command=cmd, kind=kind, target=prefix, arch=a.name if a else None)
    if "cl_arch" in g:
        a = _arch(g["cl_arch"])
        return Compiler(source=f"log line {m.line}", command="cl.exe", kind="msvc", target=g["cl_arch"],
                        arch=a.name if a else None)
    if "msvc_target" in g:
        a = _arch(g["msvc_target"])
        return Compiler(source=f"log line {m.line}", command=f"Host{g['msvc_host']}\\{g['msvc_target']}",
                        kind="msvc", target=g["msvc_target"], arch=a.name if a else None)
    if "vc_tool" in g:  # msvc.legacy-folder: VC\bin\<pair>\cl.exe, or VC\bin\cl.exe for x86
        spelled = _VC_LEGACY.get(g.get("vc_legacy", "").lower(), "x86")
        a = _arch(spelled)
        return Compiler(source=f"log line {m.line}", command=f"VC\\bin\\{g.get('vc_legacy', '')}".rstrip("\\"),
                        kind="msvc", target=spelled, arch=a.name if a else None)
    return None


def _links(scanner: LogScanner) -> list[LinkProblem]:
    out = []
    for m in scanner.all("msvc.lnk1112"):
        mod, tgt = _arch(m.groups.get("link_module")), _arch(m.groups.get("link_target"))
        out.append(LinkProblem("lnk1112", m.groups.get("link_object", ""), mod.name if mod else None,
                               tgt.name if tgt else None, m.line, m.excerpt))
    for m in scanner.all("ld.wrong-elf"):
        a = _elf_arch(m.groups["elf_machine"])
        out.append(LinkProblem("elf", m.groups.get("link_object", ""), a.name if a else None, None, m.line, m.excerpt))
    for m in scanner.all("ld64.wrong-arch"):
        obj, tgt = _arch(m.groups.get("macho_file")), _arch(m.groups.get("macho_building"))
        out.append(LinkProblem("macho", m.groups.get("link_object", "").strip(), obj.name if obj else None,
                               tgt.name if tgt else None, m.line, m.excerpt))
    out.sort(key=lambda p: p.line)
    seen: set[tuple[str, str | None, str | None]] = set()
    unique = []
    for p in out:  # one per (kind, object arch, link arch): a link error repeats per object
        key = (p.kind, p.obj_arch, p.link_arch)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique[:8]


def _dist(name: str) -> str:
    """A distribution name normalized (PEP 503): Polars_LTS.cpu -> polars-lts-cpu."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _failed_package(scanner: LogScanner) -> Match | None:
    """The distribution whose build failed: the latest line saying so (uv's `Failed to build`, pip's
    `... error`); without one, the latest build started and not reported built. None rather than a
    build that worked (pip's `Building wheel for the-project ... done` before a dependency fails)."""
    named = scanner.values("package")
    failed = [m for m in named if m.groups.get("build_failed")]
    if failed:
        return max(failed, key=lambda m: m.line)
    built = {_dist(m.groups["built_package"]) for m in scanner.values("built_package")}
    started = [m for m in named if _dist(m.groups["package"]) not in built]
    return max(started, key=lambda m: m.line) if started else None


def _sdist_of(scanner: LogScanner, package: str) -> Match | None:
    """The sdist file of `package` the log names (none: an sdist of another distribution is not its)."""
    for m in scanner.values("sdist"):
        name = re.match(r"(.+?)-\d", m.groups["sdist"])
        if name and _dist(name.group(1)) == _dist(package):
            return m
    return None


def facts_from_log(scanner: LogScanner, source: str) -> Facts:
    """The Facts a log supports; `facts.log` holds the log-only facts and where each came from."""
    ev = _Evidence(scanner)
    interp, py_os, key = _interpreter(scanner, ev)
    hint = _os_hint(scanner)
    os = cast(OSName, py_os or hint or "linux")  # both spell only windows / linux / macos

    # Rust: TARGET/HOST of build scripts, --target, rustup's toolchain and default host.
    target_m = scanner.first("rust_target")
    host_m = scanner.first("rust_host")
    tc_m = scanner.first("rust_toolchain")
    rustup_m = scanner.first("rustup_host")
    toolchain = tc_m.groups["rust_toolchain"] if tc_m else ""
    tc_host = re.search(r"((?:x86_64|i686|aarch64|arm64|armv7|arm)[a-z0-9_]*-(?:pc|unknown|apple)-[a-z0-9_-]+)$",
                        toolchain)
    default_host = rustup_m.groups["rustup_host"] if rustup_m else (tc_host.group(1) if tc_host else "")
    crates = {m.groups["crate"]: m for m in reversed(scanner.values("crate"))}
    cargo_ran = bool(crates or target_m or host_m)
    rust = RustFacts(
        rustup="rustup" if (tc_m or rustup_m) else None, default_host=default_host, active_toolchain=toolchain,
        rustc="rustc" if cargo_ran else None, rustc_host=host_m.groups["rust_host"] if host_m else "",
        cargo="cargo" if cargo_ran else None)
    ev.add("rust.rustc_host", host_m)
    ev.add("rust.active_toolchain", tc_m)
    ev.add("rust.default_host", rustup_m or tc_m)
    ev.add("log.rust_target", target_m)

    # Host CPU: only what the log proves. A build script compiled for HOST ran, so the CPU runs HOST's
    # code; x86 and x86_64 machines cannot run aarch64 code (the reverse is Windows/macOS emulation).
    host_arch = None
    host_source = ""
    host_a = _triple_arch(rust.rustc_host)
    if host_a is not None and host_a.name == "aarch64" and os in ("windows", "macos"):
        host_arch, host_source = host_a.name, f"log: cargo ran build scripts for HOST {rust.rustc_host}"
        ev.add("host.arch", host_m)
    host = HostFacts(os=os, arch=host_arch, source=host_source or "log (unknown)")

    # Tools and versions: build requirements the installer picked, banners, crates.
    tools: dict[str, str] = {}
    for m in scanner.values("req_name"):
        name = m.groups["req_name"].lower().replace("_", "-")
        if name in _BACKEND_TOOLS:
            tools.setdefault(name, m.groups["req_version"])
            ev.add(f"log.tools.{name}", m)
    for seen in scanner.matches.values():
        for m in seen.values():
            for group, value in m.groups.items():
                if group.startswith("tool_"):
                    name = group[5:].replace("_", "-")
                    tools.setdefault(name, value)
                    ev.add(f"log.tools.{name}", m)
    for name, m in crates.items():
        if name in _CRATE_TOOLS and "crate_version" in m.groups:
            tools.setdefault(name, m.groups["crate_version"])
            ev.add(f"log.tools.{name}", m)

    # Backend and project kind.
    backend_m = scanner.first("backend_module")
    backend = backend_m.groups["backend_module"] if backend_m else ""
    if not backend:
        for tool, module in (("maturin", "maturin"), ("setuptools-rust", "setuptools_rust"),
                             ("scikit-build-core", "scikit_build_core.build"), ("meson-python", "mesonpy")):
            if tool in tools:
                backend = module
                break
        else:
            if scanner.all("setuptools.build-dir"):  # setuptools' own build/temp.<platform> folders
                backend = "setuptools.build_meta"
    kind, is_rust, is_c = _BACKENDS.get(backend, ("unknown", False, False))
    is_rust = is_rust or cargo_ran or "setuptools-rust" in tools
    is_c = is_c or bool(scanner.first("cc") or scanner.first("cl_arch") or scanner.first("link_module"))
    if kind == "setuptools-ext" and is_rust:
        kind = "setuptools-rust"
    ev.add("project.backend", backend_m)
    project = ProjectFacts(path="(log)", backend=backend, kind=kind, is_rust=is_rust, is_c=is_c)

    # Compilers that ran, in order, distinct.
    compilers: list[Compiler] = []
    seen_cmds: set[tuple[str, str]] = set()
    for pid in _COMPILER_PATTERNS:
        for m in scanner.all(pid):
            c = _compiler(m)
            if c is not None and (c.command, c.target) not in seen_cmds and len(compilers) < 16:
                seen_cmds.add((c.command, c.target))
                compilers.append(c)
    compilers.sort(key=lambda c: int(c.source.rsplit(" ", 1)[-1]))
    for c in compilers:
        if c.arch:
            line = int(c.source.rsplit(" ", 1)[-1])
            ev.add(f"log.compilers.{c.command}", next(
                (x for pid in _COMPILER_PATTERNS for x in scanner.all(pid) if x.line == line), None))

    flags: list[tuple[str, str | None]] = []  # not CFacts.flag_arches: those are the environment's variables
    for m in scanner.values("arch_flag"):
        a = _arch(m.groups["arch_flag"])
        flag = (m.groups["arch_flag"], a.name if a else None)
        if flag not in flags:
            flags.append(flag)
            ev.add(f"log.arch_flags.{m.groups['arch_flag']}", m)
    cc = CFacts(crates=tuple((n, m.groups.get("crate_version", "")) for n, m in crates.items()))

    gen_m, plat_m = scanner.first("cmake_generator"), scanner.first("cmake_platform")
    osx_m = scanner.first("osx_arches")
    cmake = CMakeFacts(generator=gen_m.groups["cmake_generator"] if gen_m else "",
                       generator_platform=plat_m.groups["cmake_platform"] if plat_m else "",
                       osx_architectures=osx_m.groups["osx_arches"] if osx_m else "")
    ev.add("cmake.generator", gen_m)
    ev.add("cmake.generator_platform", plat_m)
    ev.add("cmake.osx_architectures", osx_m)

    package_m = _failed_package(scanner)
    sdist_m = _sdist_of(scanner, package_m.groups["package"]) if package_m else None
    ev.add("log.package", package_m)
    ev.add("log.sdist", sdist_m)
    libs: list[tuple[str, str | None]] = []
    for m in scanner.values("msvc_lib"):
        a = _arch(m.groups["msvc_lib"])
        lib = (f"MSVC lib\\{m.groups['msvc_lib']}", a.name if a else None)
        if lib not in libs:
            libs.append(lib)
            ev.add(f"log.msvc_lib.{m.groups['msvc_lib']}", m)

    links = _links(scanner)
    from ..knowledge import problems

    known = {p.id for p in problems()}
    sigs = tuple(LogSignature(pid, s.line, scanner.redactor.text(s.excerpt), s.count)
                 for pid, s in sorted(scanner.signatures.items(), key=lambda kv: kv[1].line) if pid in known)
    log = LogFacts(
        source=source, lines=scanner.lines, rust_target=target_m.groups["rust_target"] if target_m else "",
        rust_host=rust.rustc_host, rust_toolchain=toolchain,
        compilers=tuple(compilers), arch_flags=tuple(flags), links=tuple(links), signatures=sigs, tools=tools,
        backend=backend,
        package=package_m.groups["package"] if package_m else "",
        package_version=package_m.groups.get("package_version", "") if package_m else "",
        sdist=sdist_m.groups["sdist"] if sdist_m else "", interpreter_key=key,
        interpreter_known=bool(interp.exe_arches), os_known=bool(py_os or hint), msvc_tools=tuple(libs),
        cmake_generator=cmake.generator, cmake_platform=cmake.generator_platform, evidence=ev.done())
    return Facts(os=os, interpreter=interp, host=host, rust=rust, project=project, cc=cc, cmake=cmake, log=log)
