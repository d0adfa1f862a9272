"""Rules only a build log can feed: what the failed build really did, and known problems' symptoms.

Pure like every rule: reads `facts.log` (filled by builddoctor.logs from a log), returns findings.
Every finding's facts carry the log line it rests on ("line", "excerpt").
"""
from __future__ import annotations

import re
from collections import defaultdict

from .. import arch as archmod
from .._regex import lazy
from ..facts import Facts, LinkProblem, LogFacts
from ..target import Target
from .cc import set_env
from .core import build_fix, native_python_fix
from .model import ERROR, Finding, Fix, Layer, LayerStatus

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: findings that conclude something is *missing* from the absence of a fact: a log cannot support them
LOG_UNKNOWABLE = frozenset({
    "interpreter.unusable", "interpreter.unknown-platform", "interpreter.headers-missing",
    "interpreter.import-lib-missing", "rust.missing", "rust.target-missing", "cc.no-compiler",
})


def _arch(name: str | None) -> archmod.Arch | None:
    return archmod.get(name) if name else None


def _triple_arch(triple: str) -> archmod.Arch | None:
    return archmod.parse(triple.split("-", 1)[0]) if triple else None


def _where(log: LogFacts, path: str) -> str:
    at = log.evidence.at(path)
    return f"log line {at[0]}" if at else "the log"


def _interp_name(facts: Facts) -> str:
    log, i = facts.log, facts.interpreter
    if i.requested == "log":
        what = log.interpreter_key or (i.sys_version[:60] if i.sys_version else i.platform)
        return f"{what}, {_where(log, 'interpreter.exe_arches')}"
    return i.executable or i.requested


def _evidence(log: LogFacts, path: str) -> dict[str, Any]:
    at = log.evidence.at(path)
    return {"line": at[0], "excerpt": at[1]} if at else {}


# --- the triple cargo really built for ---------------------------------------------------------

def rust_target_rules(facts: Facts, target: Target | None) -> list[Finding]:
    log = facts.log
    built = _triple_arch(log.rust_target)
    if target is None or built is None or built == target.arch:
        return []
    host = archmod.get(facts.host.arch) if facts.host.arch else None
    # On a machine of the arch cargo built for, a Python of that arch is the fix (uv#15693's); otherwise
    # build for the interpreter.
    fixes = [native_python_fix(facts, host)] if host is not None and host == built else [build_fix(target)]
    triple = target.rust_triple or ""
    if triple:
        fixes.append(Fix(set_env(facts.os, "CARGO_BUILD_TARGET", triple),
                         f"makes cargo build for the interpreter's {target.arch.name} (then: rustup target add "
                         f"{triple})", 35))
    title = (f"cargo built the extension for {log.rust_target} ({built.name}, {_where(log, 'log.rust_target')}) but "
             f"the interpreter is {target.arch.name} ({_interp_name(facts)}): the build followed rustc's host, not "
             "the interpreter, so its objects cannot link or load into this Python")
    return [Finding("log.rust-target-mismatch", ERROR, title,
                    {"rust_target": log.rust_target, "rust_target_arch": built.name,
                     "interpreter_arch": target.arch.name, **_evidence(log, "log.rust_target")}, tuple(fixes))]


# --- a linker refusing objects of another machine ----------------------------------------------

def _compiler_for(log: LogFacts, a: str | None) -> tuple[str, int] | None:
    """The first compiler in the log that builds for `a` (command, line)."""
    for c in log.compilers:
        if a and c.arch == a:
            return c.command, int(c.source.rsplit(" ", 1)[-1])
    return None


def link_rules(facts: Facts, target: Target | None) -> list[Finding]:
    log = facts.log
    out: list[Finding] = []
    want = target.arch.name if target else None
    for p in log.links:
        out.append(_link_finding(facts, target, p, want))
    return out


def _an(word: str) -> str:
    return "an" if word[:1].lower() in "aeiox" else "a"


def _link_finding(facts: Facts, target: Target | None, p: LinkProblem, want: str | None) -> Finding:
    log = facts.log
    link_arch = p.link_arch or want  # GNU ld links for its default: the interpreter's machine here
    obj = p.obj or "an input"
    fixes: list[Fix] = []
    if want and p.obj_arch and p.obj_arch != want:
        wrong, blame = p.obj_arch, "objects"
    elif want and link_arch and link_arch != want:
        wrong, blame = link_arch, "linker"
    else:
        wrong, blame = p.obj_arch or "?", "objects"
    title = f"objects for {p.obj_arch or '?'} ({obj}), link for {link_arch or '?'}"
    if want:
        title += f", interpreter {want}"
    made_by = _compiler_for(log, wrong) if blame == "objects" else None
    if made_by is not None:
        title += f": {made_by[0]} (log line {made_by[1]}) compiles for {wrong}"
        if log.planned_cc and made_by[0] not in log.planned_cc:
            title += f", not the {log.planned_cc} the build was given"
    elif blame == "linker":
        tools = _compiler_for(log, link_arch)
        where = f" ({tools[0]}, log line {tools[1]})" if tools else ""
        title += f": the linker{where} and its libraries are the {link_arch} tools"
    mention = log.project_mentions[0] if log.project_mentions else None
    if mention is not None:
        title += f"; the project itself names it ({mention[0]} line {mention[1]})"
        fixes.append(Fix(f"edit {mention[0]} line {mention[1]}: {mention[2].strip()[:80]}",
                         f"the project hard-codes {_an(wrong)} {wrong} compiler that no environment variable "
                         "overrides; let it use the compiler the build gives it (CC), which targets "
                         f"{want or 'the interpreter'}",
                         5))
    if target is not None and mention is None:
        if target.os == "windows":
            fixes.append(Fix(f"builddoctor devshell --arch {target.msvc_arch} --format powershell | Out-String | "
                             "Invoke-Expression", f"a Visual Studio dev shell whose compiler and linker both target "
                             f"{target.msvc_arch}", 20))
        fixes.append(build_fix(target))
    elif p.kind == "macho" and p.obj_arch:
        fixes.append(Fix(f'export ARCHFLAGS="-arch {_arch(p.obj_arch).wheel.get("macos", p.obj_arch)}"'  # type: ignore[union-attr]
                         if _arch(p.obj_arch) else "export ARCHFLAGS", f"build for {p.obj_arch}, the libraries' "
                         "machine (use a Python of that machine too)", 25))
    facts_out = {"kind": p.kind, "object": p.obj, "object_arch": p.obj_arch, "link_arch": link_arch,
                 "interpreter_arch": want, "line": p.line, "excerpt": p.excerpt}
    if made_by:
        facts_out["compiler"], facts_out["compiler_line"] = made_by
    if mention:
        facts_out["project_file"], facts_out["project_line"] = mention[0], mention[1]
    return Finding("log.link-arch-mismatch", ERROR, title, facts_out, tuple(fixes))


# --- known problems' symptoms -------------------------------------------------------------------

def _context_value(facts: Facts, target: Target | None, key: str) -> Any:
    i, log = facts.interpreter, facts.log
    if key == "os":
        return facts.os if facts.interpreter.requested != "log" or log.os_known else None
    if key == "target_arch":
        return target.arch.name if target else None
    if key == "host_arch":
        return facts.host.arch
    if key == "python":
        return i.version or None
    if key == "implementation":
        return i.implementation or None
    if key == "free_threaded":
        return None
    if key == "emulated":
        if target is None or not facts.host.arch:
            return None
        return facts.host.arch != target.arch.name
    if key == "tools":
        return log.tools
    return None


_ARCH_KEYS = ("target_arch", "host_arch", "emulated")


def judge(problem: Any, facts: Facts, target: Target | None) -> tuple[int, bool]:
    """(conditions the log confirms, whether the log refutes one) for a known problem."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    confirmed, refuted = 0, False
    if any(k in problem.when and _context_value(facts, target, k) is None for k in _ARCH_KEYS):
        return 0, True  # an arch-specific problem needs the arch: unknown is not enough to name it
    version = facts.log.tools.get(problem.tool)
    if version and problem.affected:
        if problem.affects(version):
            confirmed += 1
        else:
            return 0, True
    for key, want in problem.when.items():
        have = _context_value(facts, target, key)
        if have is None:
            continue
        try:
            if key in ("os", "host_arch", "target_arch", "implementation"):
                ok = have in want
            elif key in ("emulated", "free_threaded", "abi3"):
                ok = have is want
            elif key == "python":
                ok = Version(have) in SpecifierSet(want, prereleases=True)
            elif key == "tools":
                known = {t: s for t, s in want.items() if t in have}
                if not known:
                    continue
                ok = all(Version(have[t]) in SpecifierSet(s, prereleases=True) for t, s in known.items())
            else:
                continue
        except (InvalidVersion, InvalidSpecifier):
            continue
        if ok:
            confirmed += 1
        else:
            refuted = True
    return confirmed, refuted


def signature_rules(facts: Facts, target: Target | None) -> list[Finding]:
    from ..knowledge import problems

    log = facts.log
    by_id = {p.id: p for p in problems()}
    scored = []
    for sig in log.signatures:
        p = by_id.get(sig.problem)
        if p is None:
            continue
        confirmed, refuted = judge(p, facts, target)
        if refuted:
            continue
        values: dict[str, str] = defaultdict(lambda: "?")
        values.update(version=log.tools.get(p.tool, p.affected or "?"), python=facts.interpreter.version or "?",
                      target_arch=target.arch.name if target else "?", host_arch=facts.host.arch or "?")
        try:
            title = p.title.format_map(values)
        except (ValueError, IndexError, KeyError):
            title = p.title
        fixes = tuple(Fix(f.command, f.why, 10 + n) for n, f in enumerate(p.fixes))
        finding = Finding(p.finding_id, p.severity, f"{title} (log line {sig.line})",
                          {"line": sig.line, "excerpt": sig.excerpt, "count": sig.count, "cause": p.cause,
                           "source": list(p.source), "conditions_confirmed": confirmed}, fixes)
        scored.append((-confirmed, sig.line, finding))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [f for _, _, f in scored]


def log_rules(facts: Facts, target: Target | None) -> list[Finding]:
    """Every log-only finding, most telling first: layers that disagree, then known problems."""
    if not facts.log.present:
        return []
    return link_rules(facts, target) + rust_target_rules(facts, target) + signature_rules(facts, target)


# --- layers -------------------------------------------------------------------------------------

_TOOLCHAIN_HOST = lazy(r"((?:x86_64|i686|aarch64|arm64|armv7|arm)[a-z0-9_]*)-(?:pc|unknown|apple)-")


def _status(a: str | None, target: Target | None) -> LayerStatus:
    if a is None or target is None:
        return "unknown"
    return "match" if a == target.arch.name else "mismatch"


def log_layers(facts: Facts, target: Target | None) -> list[Layer]:
    log = facts.log
    if not log.present:
        return []
    ev = log.evidence
    layers: list[Layer] = []

    def add(name: str, says: str, a: str | None, path: str) -> None:
        at = ev.at(path)
        layers.append(Layer(name, says, a, f"log line {at[0]}" if at else "log", _status(a, target)))

    i = facts.interpreter
    if log.interpreter_known and i.requested == "log":
        says = log.interpreter_key or i.sys_version or i.platform
        add("interpreter (log)", says, i.exe_arches[0] if i.exe_arches else None, "interpreter.exe_arches")
    marker = i.markers.get("platform_machine") if i.requested == "log" else None
    if marker:
        m = archmod.parse(marker)
        add("platform_machine (log)", marker, m.name if m else None, "interpreter.markers.platform_machine")
    if log.rust_target:
        a = _triple_arch(log.rust_target)
        add("cargo target (log)", log.rust_target, a.name if a else None, "log.rust_target")
    if log.rust_host:
        a = _triple_arch(log.rust_host)
        add("cargo host (log)", log.rust_host, a.name if a else None, "rust.rustc_host")
    if log.rust_toolchain:
        tail = _TOOLCHAIN_HOST.search(log.rust_toolchain)
        a = archmod.parse(tail.group(1)) if tail else None
        add("rustup toolchain (log)", log.rust_toolchain, a.name if a else None, "rust.active_toolchain")
    for c in log.compilers:
        layers.append(Layer(f"{c.kind} compiler (log)", f"{c.command}" + (f" -> {c.target}" if c.target else ""),
                            c.arch, c.source, _status(c.arch, target)))
    for what, lib_arch in log.msvc_tools:
        add("MSVC libraries (log)", what, lib_arch, f"log.msvc_lib.{what.rsplit(chr(92), 1)[-1]}")
    for spelling, flag_arch in log.arch_flags:
        add("-arch flag (log)", f"-arch {spelling}", flag_arch, f"log.arch_flags.{spelling}")
    for p in log.links:
        layers.append(Layer("link input (log)", f"{p.obj or '?'}", p.obj_arch, f"log line {p.line}",
                            _status(p.obj_arch, target)))
        if p.link_arch:
            layers.append(Layer("link output (log)", p.kind, p.link_arch, f"log line {p.line}",
                                _status(p.link_arch, target)))
    if log.cmake_generator:
        add("CMake generator (log)", log.cmake_generator, None, "cmake.generator")
    osx = facts.cmake.osx_architectures if ev.at("cmake.osx_architectures") else ""
    if osx:
        arches = {a.name for s in re.split(r"[;,\s]+", osx) if (a := archmod.parse(s))}
        add("CMAKE_OSX_ARCHITECTURES (log)", osx, arches.pop() if len(arches) == 1 else None,
            "cmake.osx_architectures")
    if log.cmake_platform:
        a = archmod.parse(log.cmake_platform)
        add("CMake platform (log)", log.cmake_platform, a.name if a else None, "cmake.generator_platform")
    return layers
