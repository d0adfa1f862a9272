"""Toolchain completeness (issue 13, class 1): the programs the interpreter's sysconfig names, Python.h,
the Windows SDK for the target arch, the macOS SDK. Pure: facts in, findings out."""
from __future__ import annotations

import re

from .._data import table
from .._regex import lazy
from .._text import program_name
from ..facts import Facts, version_tuple
from ..target import Target
from .model import ERROR, WARNING, Finding, Fix, Layer
from .packages import install_fix

#: the ingredient (system-packages.toml) that provides a program named like this
_PROVIDER = (
    (lazy(r"^(clang|clang\+\+)(-\d+)?$"), "clang"),
    (lazy(r"^(llvm-ar|ar|gcc-ar)(-\d+)?$"), "ar"),
    (lazy(r"^(g\+\+|c\+\+)(-\d+)?$"), "cxx-compiler"),
    (lazy(r".*"), "c-compiler"),
)
_UV_SYSCONFIG = "https://github.com/astral-sh/uv/pull/9916"
_DEFAULTS = {"CC": ("cc", "gcc", "clang"), "CXX": ("c++", "g++", "clang++"), "AR": ("ar",)}


def _c_build(facts: Facts) -> bool:
    """Whether setuptools will call the interpreter's CC/LDSHARED for this project."""
    p = facts.project
    return bool(p and p.kind in ("setuptools-ext",))


def _available(facts: Facts, names: tuple[str, ...]) -> str:
    on_path = {p.name for p in facts.path.programs}
    tools = {program_name(t.program) for t in facts.toolchain.tools if t.path}
    return next((n for n in names if n in on_path or n in tools), "")


def _export(facts: Facts, pairs: list[tuple[str, str]]) -> str:
    if facts.os == "windows":
        return "; ".join(f'$env:{k} = "{v}"' for k, v in pairs)
    return "export " + " ".join(f"{k}='{v}'" if " " in v else f"{k}={v}" for k, v in pairs)


def sysconfig_tool_rules(facts: Facts, target: Target | None) -> list[Finding]:
    t, i = facts.toolchain, facts.interpreter
    if not i.usable or facts.os == "windows":
        return []
    order = {"CC": 0, "LDSHARED": 1, "AR": 2, "CXX": 3}
    missing = sorted((tool for tool in t.tools if tool.path is None), key=lambda x: order.get(x.var, 9))
    if not any(m.var != "CXX" for m in missing):
        return []  # only C++ extensions use CXX; a C compiler without g++ is the common, working case
    from .packages import has_c_compiler

    if i.libc and i.libc[0] == "musl" and not has_c_compiler(facts) and facts.path.entries:
        return []  # libc.musl-no-compiler says it, with the one package that brings every tool
    sev = ERROR if _c_build(facts) else WARNING
    what = ", ".join(f"{m.var}={m.command.split()[0]}" for m in missing)
    build_machine = [m for m in missing if re.match(r"^/(tools|install|build)/", m.program)]
    pairs: list[tuple[str, str]] = []
    for m in missing:
        if m.var == "LDSHARED":
            cc_missing = any(x.var == "CC" for x in missing)
            if not (cc_missing and not m.from_env):  # LDSHARED follows CC when it starts with it
                cc = _available(facts, _DEFAULTS["CC"])
                if cc:
                    pairs.append(("LDSHARED", f"{cc} -shared"))
            continue
        repl = _available(facts, _DEFAULTS.get(m.var, ()))
        if repl:
            pairs.append((m.var, repl))
    pairs.sort(key=lambda kv: ("CC", "CXX", "LDSHARED", "AR").index(kv[0]))
    fixes: list[Fix] = []
    if pairs:
        fixes.append(Fix(_export(facts, pairs),
                         "builds with the compiler tools this machine has (setuptools reads CC, CXX, LDSHARED and AR "
                         "from the environment before sysconfig)", 10))
    if t.managed_by == "uv":
        fixes.append(Fix(f"uv self update && uv python install --reinstall {i.version}",
                         "uv rewrites the build machine's clang and /tools paths in a managed Python's sysconfig to "
                         f"cc, c++ and ar when it installs it ({_UV_SYSCONFIG})", 15))
    providers = []
    for m in missing:
        if m not in build_machine:  # no package puts a program at the build machine's /tools/... path
            providers.append(next(ing for rx, ing in _PROVIDER if rx.match(program_name(m.program))))
    names = ", ".join(sorted({program_name(m.program) for m in missing if m not in build_machine}))
    pkg = install_fix(facts, sorted(set(providers)), f"installs {names}", 25)
    if pkg:
        fixes.append(pkg)
    origin = ("the build machine of this managed Python" if build_machine or t.managed_by == "uv"
              else "sysconfig" if not any(m.from_env for m in missing) else "the environment")
    title = (f"the compiler tools this Python's build configuration names are not on this machine: {what} "
             f"(from {origin}); setuptools builds of C extensions fail with \"command '{missing[0].program}' "
             "failed: No such file or directory\"")
    return [Finding("toolchain.sysconfig-tool-missing", sev, title,
                    {"missing": [{"var": m.var, "command": m.command, "from_env": m.from_env} for m in missing],
                     "managed_by": t.managed_by}, tuple(fixes))]


def headers_fixes(facts: Facts) -> tuple[Fix, ...]:
    """Fixes for a missing Python.h, by who installed the interpreter."""
    i, t = facts.interpreter, facts.toolchain
    minor = ".".join(i.version.split(".")[:2])
    if t.managed_by == "uv":
        return (Fix(f"uv python install --reinstall {i.version}", "reinstalls this managed Python with its headers",
                    10),)
    if t.managed_by == "pyenv":
        return (Fix(f"pyenv install --force {i.version}", "rebuilds this pyenv Python, which installs its headers",
                    10),)
    if t.managed_by == "conda":
        return (Fix(f"conda install python={i.version}", "restores the interpreter's include folder", 10),)
    if t.managed_by == "system":
        pkg = install_fix(facts, ["python-headers"], f"the headers (Python.h) of the distribution's Python {minor}",
                          10, assume="debian")
        if pkg is not None:
            return (pkg,)
    return (Fix(f"reinstall the Python at {i.base_executable or i.executable} with its development files",
                f"{t.include_dir or 'its include folder'} has no Python.h", 10),)


def windows_sdk_rules(facts: Facts, target: Target | None) -> list[Finding]:
    t, msvc = facts.toolchain, facts.msvc
    if facts.os != "windows" or target is None or not msvc.installs or not target.msvc_arch:
        return []
    arch = target.msvc_arch
    if any(arch in s.kernel32 and arch in s.ucrt for s in t.sdks):
        return []
    prefixes = tuple(table("msvc")["components"]["sdk_prefixes"])
    listed = [x for x in msvc.installs if x.packages_listed]
    if not t.sdks and (not listed or any(c.startswith(prefixes) for x in listed for c in x.components)):
        return []  # no SDK folder was read, and Visual Studio says (or may say) one is installed
    sev = ERROR if facts.project and (facts.project.is_c or facts.project.is_rust) else WARNING
    newest = max(msvc.installs, key=lambda x: x.version_tuple)
    component = table("toolchain-windows")["sdk_component"]
    from .cc import installer_add

    if not t.sdks:
        title = (f"no Windows SDK is installed: kernel32.lib and ucrt.lib for {arch} are missing, so every MSVC link "
                 "fails (LNK1181: cannot open input file 'kernel32.lib')")
    else:
        have = ", ".join(f"{s.version} ({'/'.join(s.kernel32) or 'no um libs'})" for s in t.sdks)
        title = (f"no installed Windows SDK has {arch} libraries (kernel32.lib, ucrt.lib): {have}; linking for "
                 f"{arch} fails with LNK1181")
    fixes = [installer_add(msvc, newest, component, 10),
             Fix(table("toolchain-windows")["winget_sdk"], "installs the Windows SDK on its own", 20)]
    return [Finding("toolchain.windows-sdk-missing", sev, title,
                    {"target": arch, "sdk_root": t.sdk_root, "sdks": [s.version for s in t.sdks]}, tuple(fixes))]


def macos_sdk_rules(facts: Facts, target: Target | None) -> list[Finding]:
    t = facts.toolchain
    if facts.os != "macos" or t.clt is None:
        return []
    sev = ERROR if facts.project and (facts.project.is_c or facts.project.is_rust) else WARNING
    if not t.clt:
        return [Finding("toolchain.xcode-clt-missing", sev,
                        "the Xcode Command Line Tools are not installed (xcrun finds no SDK): no clang, no headers",
                        {}, (Fix("xcode-select --install", "installs Apple's clang, linker and the macOS SDK", 10),))]
    if t.deployment_target and t.sdk_version and version_tuple(t.sdk_version) < version_tuple(t.deployment_target):
        return [Finding("toolchain.macos-sdk-old", WARNING,
                        f"the macOS SDK is {t.sdk_version} but MACOSX_DEPLOYMENT_TARGET is {t.deployment_target}: "
                        "APIs newer than the SDK are missing",
                        {"sdk_version": t.sdk_version, "deployment_target": t.deployment_target},
                        (Fix("softwareupdate --list  # then install the newest Command Line Tools",
                             "a newer SDK", 20),))]
    return []


def rust_linker_rules(facts: Facts, target: Target | None) -> list[Finding]:
    """rustc links Linux and macOS targets by calling `cc`."""
    p = facts.project
    if not (p and p.is_rust) or facts.os == "windows" or not facts.path.entries:
        return []
    if any(prog.name == "cc" for prog in facts.path.programs) or \
            any(c.source == "PATH" and c.path and c.command == "cc" for c in facts.cc.compilers):
        return []
    fix = install_fix(facts, ["c-compiler"], "installs cc, which rustc uses as its linker", 10)
    if facts.os == "macos":
        fix = Fix("xcode-select --install", "installs cc, which rustc uses as its linker", 10)
    return [Finding("toolchain.linker-missing", ERROR,
                    "rustc links with `cc`, and no cc is on PATH: the build fails with \"linker `cc` not found\"",
                    {}, (fix,) if fix else ())]


def toolchain_rules(facts: Facts, target: Target | None) -> list[Finding]:
    return (sysconfig_tool_rules(facts, target) + rust_linker_rules(facts, target) + windows_sdk_rules(facts, target)
            + macos_sdk_rules(facts, target))


def toolchain_layers(facts: Facts, target: Target | None) -> list[Layer]:
    t, i = facts.toolchain, facts.interpreter
    out: list[Layer] = []
    if not i.usable:
        return out
    for tool in t.tools:
        if tool.var in ("CC", "AR"):
            out.append(Layer(f"sysconfig {tool.var}" if not tool.from_env else f"{tool.var} (environment)",
                             tool.command.split()[0] + ("" if tool.path else " (not found)"), None,
                             "sysconfig / environment", "match" if tool.path else "absent"))
    native = bool(facts.project and (facts.project.is_c or facts.project.is_rust))
    if t.python_h is not None and (native or not t.python_h):
        out.append(Layer("Python.h", t.include_dir if t.python_h else f"missing in {t.include_dir}", None, "INCLUDEPY",
                         "match" if t.python_h else "absent"))
    if facts.os == "windows" and facts.msvc.installs and target and target.msvc_arch:
        ok = [s.version for s in t.sdks if target.msvc_arch in s.kernel32]
        out.append(Layer("Windows SDK", f"{ok[0]} ({target.msvc_arch})" if ok else "none for " + target.msvc_arch,
                         None, "Windows Kits\\10\\Lib", "match" if ok else "absent"))
    if facts.os == "macos" and t.clt is not None:
        out.append(Layer("macOS SDK", t.sdk_version or "none", None, "xcrun --show-sdk-version",
                         "match" if t.clt else "absent"))
    return out
