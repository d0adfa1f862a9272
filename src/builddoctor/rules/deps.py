"""Dependencies an installer would build from source for this interpreter, and why (issue 13, class 7).

Offline from the project's uv.lock (only the files the lock kept are looked at); with `check --index-url`
the `why` decision against the index fills facts.wheels instead. Each built dependency names its
cause: Python too new, free-threaded ABI, libc family or version, macOS floor, arch without wheels,
markers pruning the lock, --no-binary.
"""
from __future__ import annotations

import re

from .._compat.tomllib import TOMLDecodeError, loads
from ..errors import UserError
from ..facts import Facts, WheelVerdict, version_tuple
from ..target import Target
from .model import WARNING, Finding, Fix

CAUSES = {
    "no-binary": "--no-binary / only-binary settings forbid its wheels",
    "markers": "the lock's markers pruned the wheel this interpreter needs",
    "requires-python": "its wheels require another Python",
    "sdist-only": "it publishes no wheels",
    "python-too-new": "Python too new: no wheel for this version yet",
    "python-too-old": "Python too old for its wheels",
    "free-threaded": "free-threaded ABI: wheels exist for the GIL build only",
    "libc-family": "libc family: only manylinux (glibc) wheels, this is musl",
    "libc-version": "libc version: its wheels need a newer glibc",
    "macos-floor": "macOS floor: its wheels need a newer macOS",
    "arch": "no wheels for this architecture",
    "platform": "no wheels for this operating system",
    "tags": "no wheel matches this interpreter's tags",
}


def _split(tag: str) -> list[tuple[str, str, str]]:
    parts = tag.split("-")
    if len(parts) != 3:
        return []
    return [(i, a, p) for i in parts[0].split(".") for a in parts[1].split(".") for p in parts[2].split(".")]


def _py(interp: str) -> tuple[int, ...]:
    m = re.match(r"^(?:cp|pp|py|gp)(\d)(\d*)t?$", interp)
    return (int(m.group(1)), int(m.group(2))) if m and m.group(2) else ((int(m.group(1)),) if m else ())


def classify(v: WheelVerdict, facts: Facts, target: Target) -> str:
    """The cause code (a key of CAUSES) for a dependency that will be built."""
    from ..why.dists import platform_arch, platform_os

    if v.code in ("no-binary", "only-binary"):
        return "no-binary"
    if v.host_cpu_trap or v.pruned_by:
        return "markers"
    if v.code in ("requires-python", "sdist-only"):
        return v.code
    i = facts.interpreter
    tags = [t for text in v.available for t in _split(text)]
    same_os = [t for t in tags if platform_os(t[2]) == target.os or (target.os == "linux" and "linux" in t[2])]
    if not same_os:
        return "platform"
    here = [t for t in same_os if (a := platform_arch(t[2])) is None or a == target.arch]
    if not here:
        return "arch"
    if target.os == "linux":
        libc = i.libc or ("glibc", "")
        if libc[0] == "musl" and not any(t[2].startswith("musllinux") for t in here):
            return "libc-family"
        floors = [tuple(int(x) for x in m.groups()) for t in here
                  if (m := re.match(r"^manylinux_(\d+)_(\d+)_", t[2]))]
        if libc[0] == "glibc" and floors and libc[1] and all(f > version_tuple(libc[1])[:2] for f in floors):
            return "libc-version"
    mine = _py(target.tags[0].interpreter) if target.tags else ()
    pys = [_py(t[0]) for t in here if t[1] != "abi3" and _py(t[0])]
    if i.free_threaded and any(p == mine for p in pys):
        return "free-threaded"
    abi3 = [_py(t[0]) for t in here if t[1] == "abi3"]
    if pys and not abi3 and mine and max(pys) < mine:
        return "python-too-new"
    if pys and mine and min(pys) > mine:
        return "python-too-old"
    if abi3 and mine and min(abi3) > mine:
        return "python-too-old"
    if target.os == "macos":
        return "macos-floor"
    return "tags"


def _verdicts(facts: Facts, target: Target) -> list[WheelVerdict] | Finding:
    if facts.wheels.verdicts or facts.wheels.index:
        return [v for v in facts.wheels.verdicts if v.outcome in ("sdist", "source")]
    project = facts.project
    if project is None or not project.uv_lock_text:
        return []
    from ..why import locked_verdicts

    try:
        found = locked_verdicts(loads(project.pyproject_text or "[project]"), loads(project.uv_lock_text),
                                tags=list(target.tags), markers=facts.interpreter.markers,
                                python_version=facts.interpreter.version)
    except (TOMLDecodeError, UserError) as exc:
        return Finding("deps.lock-unreadable", WARNING, f"uv.lock could not be read: {exc}", {"path": project.path})
    return [WheelVerdict(v.name, v.version or "", v.outcome, v.code, v.reason or "", tuple(v.available),
                         v.host_cpu_trap, v.pruned_by or "") for v in found if v.outcome in ("sdist", "source")]


def deps_rules(facts: Facts, target: Target | None) -> list[Finding]:
    if target is None or not facts.interpreter.usable:
        return []
    if facts.wheels.error:
        return [Finding("deps.index-unreachable", WARNING, f"the index could not be asked: {facts.wheels.error}",
                        {"index": facts.wheels.index})]
    built = _verdicts(facts, target)
    if isinstance(built, Finding):
        return [built]
    out = []
    no_cc = _no_compiler(facts, target)
    locked = bool(facts.project and facts.project.uv_lock_text)
    for v in built:
        cause = classify(v, facts, target)
        what = " (a build requirement: the build environment compiles it first)" if v.build_requirement else ""
        title = (f"{v.name} {v.version}{what} will be BUILT for this Python ({CAUSES[cause]}) — the toolchain "
                 f"checks below apply to it: {v.reason}").replace("  ", " ")
        if no_cc:
            title += f"; and this machine has no C compiler ({no_cc[0]})"
        if facts.toolchain.python_h is False:
            title += f"; and Python.h is missing ({facts.toolchain.include_dir})"
        fixes = [*_cause_fixes(cause, v, facts, locked),
                 Fix(f"builddoctor why {v.name}", "names the wheel that is missing and what would change it", rank=25)]
        if no_cc and no_cc[1] is not None:
            fixes.append(no_cc[1])
        if facts.toolchain.python_h is False:
            from .toolchain import headers_fixes

            fixes += headers_fixes(facts)[:1]
        out.append(Finding("deps.build-from-source", WARNING, title,
                           {"package": v.name, "version": v.version, "code": v.code, "cause": cause,
                            "host_cpu_trap": v.host_cpu_trap, "available": list(v.available),
                            "build_requirement": v.build_requirement,
                            "no_compiler": no_cc[0] if no_cc else ""}, tuple(fixes)))
    return out


def _cause_fixes(cause: str, v: WheelVerdict, facts: Facts, locked: bool) -> list[Fix]:
    out: list[Fix] = []
    if cause in ("python-too-new", "free-threaded"):
        if locked:
            out.append(Fix(f"uv lock --upgrade-package {v.name}",
                           f"a newer {v.name} may publish wheels for this Python", 15))
        pys = sorted({p for text in v.available for t in _split(text) if (p := _py(t[0])) and len(p) == 2})
        if cause == "python-too-new" and pys:
            newest = ".".join(str(x) for x in pys[-1])
            out.append(Fix(f"uv python pin {newest}", f"Python {newest}, which {v.name} {v.version} has wheels for",
                           20))
        elif cause == "free-threaded":
            minor = ".".join(facts.interpreter.version.split(".")[:2])
            out.append(Fix(f"uv python pin {minor}", "the GIL-enabled build, which its wheels cover", 20))
    return out


def _no_compiler(facts: Facts, target: Target) -> tuple[str, Fix | None] | None:
    """(what is missing, the fix) when nothing could compile a C extension here; None when something can."""
    if facts.os == "windows":
        msvc = facts.msvc
        if msvc.installs or msvc.vswhere_state in ("unparseable", "failed", "") or \
                any(c.kind == "msvc" for c in facts.cc.compilers):
            return None
        from .._data import table

        component = table("msvc")["components"]["tools"].get(target.arch.name, "")
        command = table("msvc")["installer"]["winget_buildtools"].format(component=component)
        return "no Visual Studio or Build Tools", Fix(command, f"installs the MSVC compilers and linker for "
                                                               f"{target.arch.name} that builds from source need", 30)
    from .packages import has_c_compiler, install_fix

    if not facts.path.entries or has_c_compiler(facts):
        return None

    return "no cc, gcc or clang on PATH", install_fix(facts, ["c-compiler"], "installs a C compiler", 30)
