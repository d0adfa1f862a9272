"""Rules and layers for C/C++ compilers, Visual Studio and CMake. Pure: facts in, findings out."""
from __future__ import annotations

import re

from .. import arch as archmod
from .._data import table
from .._text import last_path_part
from ..errors import UserError
from ..facts import CMD_LIMIT, CFacts, CMakeFacts, Compiler, Facts, MsvcFacts, VsInstall, has_tools, version_tuple
from ..target import Target
from ..vcvars import vcvars_spec
from .core import build_fix, native_python_fix, unset_env
from .model import ERROR, OK, WARNING, Action, Finding, Fix, Layer, LayerStatus, Severity

DEFAULT_SETUP = r"C:\Program Files (x86)\Microsoft Visual Studio\Installer\setup.exe"


def _native(facts: Facts) -> bool:
    return bool(facts.project and (facts.project.is_c or facts.project.is_rust))


def _sev(facts: Facts) -> Severity:
    return ERROR if _native(facts) else WARNING


def _get(name: str | None) -> archmod.Arch | None:
    return archmod.get(name) if name else None


def set_env(os: str, name: str, value: str) -> str:
    return f'$env:{name} = "{value}"' if os == "windows" else f"export {name}='{value}'"


def _status(a: str | None, target: Target | None, present: bool = True) -> LayerStatus:
    if not present:
        return "absent"
    if a is None or target is None:
        return "unknown"
    return "match" if a == target.arch.name else "mismatch"


# --- compilers ---------------------------------------------------------------------------------

def relevant_sources(facts: Facts, target: Target) -> set[str]:
    """The variables whose compiler builds for the target: CC, CXX, and cc-rs's names for its triple."""
    triple = target.rust_triple or ""
    names = {"CC", "CXX", "TARGET_CC", "TARGET_CXX"}
    for tool in ("CC", "CXX"):
        names |= {f"{tool}_{triple}", f"{tool}_{triple.replace('-', '_')}"}
    return {n.upper() for n in names} if facts.os == "windows" else names


def _is_relevant(facts: Facts, target: Target, c: Compiler) -> bool:
    key = c.source.upper() if facts.os == "windows" else c.source
    return key in relevant_sources(facts, target)


def _matching_path_compiler(cc: CFacts, target: Target, kind: str = "") -> Compiler | None:
    good = [c for c in cc.compilers if c.source == "PATH" and not c.error and c.arch == target.arch.name]
    good.sort(key=lambda c: (c.kind != kind, c.command != kind))
    return good[0] if good else None


def compiler_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cc: CFacts | None = facts.cc
    if cc is None or target is None:
        return []
    out: list[Finding] = []
    for c in cc.compilers:
        named = c.source != "PATH"
        if named and not _is_relevant(facts, target, c):
            continue
        if c.error:
            what = f"{c.source}={c.command}" if named else f"{c.command} ({c.path})"
            out.append(Finding("cc.compiler-broken", _sev(facts) if named else WARNING,
                               f"{what} cannot tell its target: {c.error}",
                               {"source": c.source, "command": c.command, "path": c.path, "error": c.error},
                               (Fix(unset_env(facts.os, c.source), "let the build find a working compiler"),)
                               if named else ()))
            continue
        if not named or c.arch is None or c.arch == target.arch.name:
            continue
        note = " (clang retargets only when given --target, which setuptools and CMake do not pass)" \
            if c.kind.startswith("clang") else ""
        fixes = [Fix(unset_env(facts.os, c.source), f"let the build pick a compiler for {target.arch.name}", 15)]
        good = _matching_path_compiler(cc, target, c.kind)
        if good is not None and c.source in ("CC", "CXX"):
            fixes.append(Fix(set_env(facts.os, c.source, good.command),
                             f"{good.command} builds for {good.target}", 20))
        out.append(Finding(
            "cc.env-mismatch", _sev(facts),
            f"{c.source}={c.command} builds for {c.target} ({c.arch}); this Python needs {target.arch.name}{note}",
            {"source": c.source, "command": c.command, "compiler_target": c.target, "compiler_arch": c.arch,
             "interpreter_arch": target.arch.name, "path": c.path}, tuple(fixes)))
    return out


def flag_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cc: CFacts | None = facts.cc
    if cc is None or target is None:
        return []
    out: list[Finding] = []
    wanted = set(table("arches")["macho"]["universal_arches"]) if target.universal2 else {target.arch.name}
    by_var: dict[str, list[tuple[str, str | None]]] = {}
    family = set(table("compiler-flags")["word_size"]["family"])
    for var, spelling, a in cc.flag_arches:
        if spelling in ("-m32", "-m64") and target.arch.name not in family:
            continue  # -m32/-m64 select x86 word sizes only; other compilers give them other meanings
        by_var.setdefault(var, []).append((spelling, a))
    for var, items in by_var.items():
        arches = {a for _, a in items if a}
        if not arches or arches == wanted:
            continue
        spelled = " ".join(s for s, _ in items)
        fixes = [Fix(unset_env(facts.os, var), f"let the build use the interpreter's {target.arch.name}", 15)]
        if var == "ARCHFLAGS" and facts.os == "macos":
            value = " ".join(f"-arch {archmod.get(a).wheel.get('macos', a)}" for a in sorted(wanted))
            fixes.append(Fix(f'export ARCHFLAGS="{value}"', "what setuptools and setuptools-rust read", 20))
        out.append(Finding(
            "cc.flags-mismatch", _sev(facts),
            f"{var} asks for {spelled} ({', '.join(sorted(arches))}); this Python needs "
            f"{'universal2' if target.universal2 else target.arch.name}",
            {"variable": var, "value": cc.env.get(var, ""), "arches": sorted(arches),
             "interpreter_arch": target.arch.name}, tuple(fixes)))
    return out


def no_compiler_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cc: CFacts | None = facts.cc
    if cc is None or target is None or not _native(facts):
        return []
    if facts.os == "windows":
        return _no_msvc(facts, target)
    found = [c for c in (*cc.compilers, *facts.cross.compilers) if not c.error and c.arch]
    if any(c.arch == target.arch.name for c in found):
        return []
    apple = set(table("arches")["macho"]["universal_arches"])
    if facts.os == "macos" and target.arch.name in apple and any(c.arch in apple for c in found):
        return []  # Apple's clang builds every Apple arch, chosen with -arch (ARCHFLAGS)
    if facts.os == "macos":
        fix = Fix("xcode-select --install", "installs Apple's clang, which builds for arm64 and x86_64")
    else:
        from .packages import cross_compiler_fix, install_fix

        why = f"a C compiler for {target.arch.name}"
        fix = (install_fix(facts, ["c-compiler"], why, assume="debian") if facts.host.arch == target.arch.name
               else cross_compiler_fix(facts, target.arch.name, why)) or \
            Fix(f"install a C compiler that targets {target.arch.name}",
                "no distribution package is known for this target here")
    seen = ", ".join(f"{c.command} -> {c.target}" for c in found) or "none"
    return [Finding("cc.no-compiler", ERROR, f"no C compiler builds for {target.arch.name} (found: {seen})",
                    {"interpreter_arch": target.arch.name, "compilers": [[c.command, c.target] for c in found]},
                    (fix,))]


def _no_msvc(facts: Facts, target: Target) -> list[Finding]:
    msvc: MsvcFacts | None = facts.msvc
    cc: CFacts = facts.cc
    if msvc is None or msvc.vswhere_state in ("unparseable", "failed") or msvc.installs:
        return []  # unknown, or installed without the right component (msvc.toolset-missing)
    if any(c.kind == "msvc" and c.arch == target.arch.name for c in cc.compilers):
        return []
    component = table("msvc")["components"]["tools"].get(target.arch.name, "")
    command = table("msvc")["installer"]["winget_buildtools"].format(component=component)
    why = "vswhere.exe is missing" if msvc.vswhere_state == "missing" else "vswhere lists no installation"
    fixes = [Fix(command, f"installs the Build Tools with the MSVC compilers for {target.arch.name}")]
    if facts.project is not None:
        from .fixes import vsconfig_fix

        workload = table("msvc")["vsconfig"]["workload"]
        fixes.append(vsconfig_fix(facts.project.path, [workload, component],
                                  "the same components as a .vsconfig the Visual Studio Installer imports", 60))
    return [Finding("cc.no-compiler", ERROR,
                    f"no C compiler builds for {target.arch.name}: no Visual Studio or Build Tools ({why})",
                    {"interpreter_arch": target.arch.name, "vswhere": msvc.vswhere_state}, tuple(fixes))]


_PS_CLEAN_PATH = ("$env:PATH = (($env:PATH -split ';' | ForEach-Object { $_.Trim('\"') } | "
                  "Where-Object { [IO.Path]::IsPathRooted($_) } | Select-Object -Unique) -join ';')")
_SH_CLEAN_PATH = """export PATH="$(printf %s "$PATH" | tr ':' '\\n' | grep '^/' | awk '!seen[$0]++' | paste -sd: -)\""""


def path_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cc: CFacts | None = facts.cc
    if cc is None:
        return []
    windows = facts.os == "windows"
    fix = Fix(_PS_CLEAN_PATH if windows else _SH_CLEAN_PATH,
              "drops empty, relative, quoted and repeated PATH entries for this shell", 45)
    out = []
    if windows and cc.path_too_long:
        out.append(Finding("path.too-long", WARNING,
                           f"PATH is over {CMD_LIMIT} characters ({cc.path_entries} entries, {cc.path_duplicates} "
                           "repeated): cmd.exe, and so vcvarsall.bat, fails with 'The input line is too long'",
                           {"entries": cc.path_entries, "duplicates": cc.path_duplicates}, (fix,)))
    if cc.path_empty:
        out.append(Finding("path.empty-entry", WARNING,
                           f"PATH has {cc.path_empty} empty or relative entr{'y' if cc.path_empty == 1 else 'ies'}: "
                           "some tools then run programs from the current folder (builddoctor never does)",
                           {"count": cc.path_empty}, (fix,)))
    if cc.path_quoted:
        out.append(Finding("path.quoted-entry", WARNING,
                           f"PATH entry {cc.path_quoted[0]} is written with quotes: Windows finds programs there, "
                           "many build tools do not", {"entries": list(cc.path_quoted)}, (fix,)))
    return out


# --- Visual Studio -----------------------------------------------------------------------------

def installer_add(msvc: MsvcFacts, install: VsInstall, component: str, rank: int = 20) -> Fix:
    label = table("msvc")["components"]["labels"].get(component, component)
    setup = msvc.installer or DEFAULT_SETUP
    return Fix(f'"{setup}" modify --installPath "{install.path}" --add {component} --passive',
               f"adds {label} to {describe(install)}", rank,
               action=Action("vs-component", (setup, "modify", "--installPath", install.path, "--add", component,
                                              "--passive")))


def describe(install: VsInstall) -> str:
    kind = "Build Tools" if install.product.endswith("BuildTools") else (install.name or "Visual Studio")
    line = f" {install.line}" if install.line and install.line not in kind else ""
    return f"{kind}{line} ({install.display_version or install.version})"


def devshell_fixes(facts: Facts, target: Target, rank: int = 35) -> list[Fix]:
    fixes = [Fix(f"builddoctor devshell --arch {target.msvc_arch} --format powershell | Out-String | "
                 "Invoke-Expression", f"turns this PowerShell into a dev shell for {target.msvc_arch}", rank)]
    msvc: MsvcFacts | None = facts.msvc
    host = _get(facts.host.arch) or target.arch
    install = next((i for i in msvc.installs if i.vcvarsall), None) if msvc else None
    if install:
        try:
            spec, used_host, _ = vcvars_spec(host, target.arch, install.version)
        except UserError:
            return fixes
        fixes.append(Fix(f'call "{install.vcvarsall}" {spec}', f"the same in cmd.exe ({used_host.name}-hosted tools)",
                         rank + 1))
    return fixes


def _needed_arches(facts: Facts, target: Target) -> list[tuple[archmod.Arch, str]]:
    needed = [(target.arch, f"the intended target needs them ({target.arch.name})" if target.cross
               else f"this Python needs them ({target.arch.name})")]
    host = archmod.parse(facts.rust.rustc_host.split("-")[0]) if facts.rust.rustc_host else None
    if facts.project and facts.project.is_rust and host and host != target.arch and "windows" in facts.rust.rustc_host:
        needed.append((host, f"cargo links build scripts for the rustc host {facts.rust.rustc_host}"))
    return needed


def toolset_rules(facts: Facts, target: Target, msvc: MsvcFacts) -> list[Finding]:
    out: list[Finding] = []
    components = table("msvc")["components"]
    for a, why in _needed_arches(facts, target):
        states = [has_tools(i, a) for i in msvc.installs]
        if not msvc.installs or any(s is not False for s in states):
            continue
        component = components["tools"].get(a.name, "")
        label = components["labels"].get(component, component)
        where = ", ".join(describe(i) for i in msvc.installs)
        out.append(Finding("msvc.toolset-missing", _sev(facts), f"the {label} are not installed in {where}: {why}",
                           {"arch": a.name, "component": component, "installations": [i.path for i in msvc.installs]},
                           tuple(installer_add(msvc, i, component, 20 + n) for n, i in enumerate(msvc.installs))))
    for i in msvc.installs:
        if i.toolset and i.toolset_present is False:
            out.append(Finding(
                "msvc.toolset-broken", _sev(facts),
                f"{describe(i)}: its default MSVC toolset {i.toolset} (Microsoft.VCToolsVersion.default.txt) is not "
                "installed, so vcvarsall.bat fails", {"path": i.path, "toolset": i.toolset},
                (Fix(f'"{msvc.installer or DEFAULT_SETUP}" repair --installPath "{i.path}" --passive',
                     "reinstalls the toolset the installation points at", 18),)))
    return out


def devshell_rules(facts: Facts, target: Target, msvc: MsvcFacts) -> list[Finding]:
    ds, out = msvc.devshell, []
    shell = archmod.parse(ds.target)
    cl = next((c for c in facts.cc.compilers if c.source == "PATH" and c.kind == "msvc"), None) if facts.cc else None
    cl_arch = _get(cl.arch if cl and cl.arch else ds.cl_target)
    lib = last_path_part(facts.interpreter.import_lib) or "python3X.lib"
    if shell is not None and shell != target.arch:
        fixes = devshell_fixes(facts, target)
        host = _get(facts.host.arch)
        if host == shell:
            fixes.insert(0, native_python_fix(facts, host))
        fixes.append(build_fix(target))
        out.append(Finding(
            "msvc.devshell-mismatch", ERROR,
            f"this is a Visual Studio dev shell for {ds.target} (VSCMD_ARG_TGT_ARCH) but this Python is "
            f"{target.arch.name}: C, C++ and Rust code compiles to {shell.name} objects that fail to link against "
            f"the {target.arch.name} {lib} (undefined references, LNK1112)",
            {"VSCMD_ARG_TGT_ARCH": ds.target, "VSCMD_ARG_HOST_ARCH": ds.host, "cl": ds.cl,
             "cl_arch": cl_arch.name if cl_arch else None, "DISTUTILS_USE_SDK": ds.distutils_use_sdk,
             "interpreter_arch": target.arch.name}, tuple(fixes)))
    elif cl_arch is not None and cl_arch != target.arch and ds.cl:
        where = "the dev shell targets " + ds.target if ds.target else "no dev shell is active"
        out.append(Finding(
            "msvc.cl-mismatch", _sev(facts),
            f"the first cl.exe on PATH ({ds.cl}) builds for {cl_arch.name}; this Python needs {target.arch.name} "
            f"({where})", {"cl": ds.cl, "cl_arch": cl_arch.name, "VSCMD_ARG_TGT_ARCH": ds.target},
            (*devshell_fixes(facts, target), build_fix(target))))
    return out


def vswhere_rules(msvc: MsvcFacts) -> list[Finding]:
    if msvc.vswhere_state not in ("unparseable", "failed"):
        return []
    title = ("vswhere's output is not JSON, so the Visual Studio installations are unknown (not missing)"
             if msvc.vswhere_state == "unparseable" else f"vswhere failed: {msvc.vswhere_detail}")
    return [Finding(f"msvc.vswhere-{msvc.vswhere_state}", WARNING, title,
                    {"vswhere": msvc.vswhere, "detail": msvc.vswhere_detail},
                    (Fix(f'& "{msvc.vswhere}" -products * -prerelease -format json -utf8',
                         "shows what vswhere prints; vswhere 3.0.3 and later print valid UTF-8 JSON", 40),))]


def msvc_rules(facts: Facts, target: Target | None) -> list[Finding]:
    msvc: MsvcFacts | None = facts.msvc
    if msvc is None or not msvc.applicable or target is None or target.os != "windows":
        return []
    out = vswhere_rules(msvc) + toolset_rules(facts, target, msvc) + devshell_rules(facts, target, msvc)
    ready = [i for i in msvc.installs if has_tools(i, target.arch) and i.toolset_present is not False]
    if ready and not any(f.id in ("msvc.toolset-missing", "msvc.toolset-broken") for f in out):
        i = ready[0]
        how = " (vswhere lists Build Tools only with -products *)" if i.product.endswith("BuildTools") else ""
        out.append(Finding("msvc.ok", OK, f"{describe(i)} at {i.path} has the MSVC compilers for "
                                          f"{target.arch.name}{how}", {"path": i.path, "product": i.product}))
    return out


# --- clang for cc-rs (ring on aarch64-pc-windows-msvc) -----------------------------------------

def _ring_uses_path_clang(version: str) -> bool:
    last = version_tuple(table("msvc")["cc_rs"]["ring"]["last_path_clang"])
    return not version or version_tuple(version) <= last


def _clang_reachable(facts: Facts, path_only: bool) -> bool:
    cc: CFacts = facts.cc
    if any(c.kind == "clang" and not c.error for c in cc.compilers):
        return True
    if path_only:
        return False
    msvc: MsvcFacts | None = facts.msvc
    clang = table("msvc")["components"]["clang"]
    in_vs = bool(msvc and any(clang in i.components or i.llvm_hosts for i in msvc.installs))
    return in_vs or any(c.kind == "clang-cl" and not c.error for c in cc.compilers)


def clang_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cc: CFacts | None = facts.cc
    if cc is None or target is None or not (facts.project and facts.project.is_rust):
        return []
    triple = target.rust_triple or ""
    wanted = table("msvc")["cc_rs"]["needs_clang"].get(triple, [])
    crates = [(n, v) for n, v in cc.crates if n in wanted]
    if not crates:
        return []
    name, version = crates[0]
    path_only = name == "ring" and _ring_uses_path_clang(version)
    if _clang_reachable(facts, path_only):
        return []
    msvc: MsvcFacts | None = facts.msvc
    component = table("msvc")["components"]["clang"]
    host = _get(facts.host.arch) or target.arch
    fixes: list[Fix] = []
    installs = msvc.installs if msvc else ()
    if installs and msvc is not None:
        newest = installs[0]
        if not any(component in i.components for i in installs):
            fixes.append(installer_add(msvc, newest, component, 20))
        sub = table("msvc")["layout"]["llvm_bin"].get(host.name)
        if path_only and sub:
            fixes.append(Fix(f'$env:PATH = "{newest.path}\\{sub};" + $env:PATH',
                             f"{name} {version} looks for clang on PATH; this puts VS's {host.name} clang there", 22))
    else:
        fixes += [Fix("winget install --id LLVM.LLVM", "installs clang", 20),
                  Fix(r'$env:PATH = "C:\Program Files\LLVM\bin;" + $env:PATH', "puts clang on PATH", 22)]
    how = "looks for `clang` on PATH" if path_only else "asks cc-rs for clang-cl"
    return [Finding("cc.clang-missing", ERROR,
                    f"{name} {version} needs clang to build for {triple} (cl.exe cannot compile its C code) and {how}, "
                    "but no clang is reachable", {"crate": name, "version": version, "target": triple,
                                                  "cargo_lock": cc.cargo_lock}, tuple(fixes))]


# --- CMake -------------------------------------------------------------------------------------

def cmake_rules(facts: Facts, target: Target | None) -> list[Finding]:
    cm: CMakeFacts | None = facts.cmake
    if cm is None or target is None:
        return []
    out: list[Finding] = []
    checks: list[tuple[str, str, str]] = []  # (variable, value, fix value)
    if facts.os == "windows":
        checks += [("CMAKE_GENERATOR_PLATFORM", cm.generator_platform, target.cmake_platform or ""),
                   ("CMAKE_ARGS", cm.args_platform, "")]
    elif facts.os == "macos" and not target.universal2:
        mac = target.arch.wheel.get("macos", target.arch.name)
        checks += [("CMAKE_OSX_ARCHITECTURES", cm.osx_architectures, mac),
                   ("CMAKE_ARGS", cm.args_osx_architectures, "")]
    for var, value, good in checks:
        arches = {a.name for s in re.split(r"[;,\s]+", value) if (a := archmod.parse(s))}
        if not arches or arches == {target.arch.name}:
            continue
        fixes = [Fix(unset_env(facts.os, var), f"let the backend choose {target.arch.name}", 15)]
        if good:
            fixes.append(Fix(set_env(facts.os, var, good), f"CMake's spelling of {target.arch.name}", 20))
        out.append(Finding("cmake.platform-mismatch", _sev(facts),
                           f"{var} asks CMake for {value}; this Python needs {target.arch.name}",
                           {"variable": var, "value": value, "generator": cm.generator,
                            "interpreter_arch": target.arch.name}, tuple(fixes)))
    host = _get(facts.host.arch)
    if len(cm.binary_arches) == 1 and host and cm.binary_arches[0] not in (host.name, host.compat32) \
            and facts.os in ("windows", "macos"):
        how = "runs emulated" if facts.os == "windows" else "runs under Rosetta 2"
        from .packages import install_fix, winget_command

        why = f"a native {host.name} CMake"
        fix = (Fix(winget_command("cmake", arch=host.msvc or host.name), why) if facts.os == "windows"
               else install_fix(facts, ["cmake"], why) or Fix("install a native CMake", why))
        out.append(Finding("cmake.emulated", WARNING,
                           f"cmake ({cm.binary}) is an {cm.binary_arches[0]} program and {how} on this {host.name} "
                           "machine: its host processor and default platform are the emulated ones",
                           {"cmake": cm.binary, "cmake_arch": cm.binary_arches[0], "host_arch": host.name}, (fix,)))
    return out


# --- layers ------------------------------------------------------------------------------------

def cc_layers(facts: Facts, target: Target | None) -> list[Layer]:
    cc: CFacts | None = facts.cc
    if cc is None:
        return []
    layers = []
    for c in cc.compilers:
        if c.source != "PATH" and target is not None and not _is_relevant(facts, target, c):
            continue
        name = f"{c.command} on PATH" if c.source == "PATH" else c.source
        how = {"msvc": "cl.exe banner", "clang": "-print-target-triple", "clang-cl": "--version"}.get(c.kind,
                                                                                                    "-dumpmachine")
        says = f"{c.command} -> {c.target}" if not c.error else f"{c.command}: {c.error}"
        layers.append(Layer(name, says, c.arch, how, "unknown" if c.error else _status(c.arch, target)))
    for var, spelling, a in cc.flag_arches:
        layers.append(Layer(var, spelling, a, "environment", _status(a, target)))
    return layers


def msvc_layers(facts: Facts, target: Target | None) -> list[Layer]:
    msvc: MsvcFacts | None = facts.msvc
    if msvc is None or not msvc.applicable:
        return []
    layers = []
    ds = msvc.devshell
    if ds.target:
        a = archmod.parse(ds.target)
        layers.append(Layer("dev shell", f"{ds.target} (host {ds.host or '?'})", a.name if a else None,
                            "VSCMD_ARG_TGT_ARCH", _status(a.name if a else None, target)))
    if msvc.vswhere_state in ("unparseable", "failed"):
        layers.append(Layer("Visual Studio", f"vswhere {msvc.vswhere_state}", None, "vswhere", "unknown"))
    elif not msvc.installs and _native(facts):
        says = "vswhere.exe not found" if msvc.vswhere_state == "missing" else "none installed"
        layers.append(Layer("Visual Studio", says, None, "vswhere -products *", "absent"))
    components = table("msvc")["components"]
    for i in msvc.installs:
        tools = ", ".join(components["labels"][c].removeprefix("MSVC ").removesuffix(" build tools")
                          for c in sorted(set(components["tools"].values())) if c in i.components)
        has = has_tools(i, target.arch) if target else None
        layers.append(Layer(f"Visual Studio {i.line or i.version}", f"{describe(i)}: {tools or 'no MSVC compilers'}",
                            target.arch.name if target and has else None, "vswhere -products *",
                            "unknown" if has is None else ("match" if has else "mismatch")))
    return layers


def cmake_layers(facts: Facts, target: Target | None) -> list[Layer]:
    cm: CMakeFacts | None = facts.cmake
    if cm is None:
        return []
    layers = []
    if cm.cmake:
        exe = cm.binary_arches[0] if len(cm.binary_arches) == 1 else None
        says = f"cmake {cm.version or '?'} ({cm.binary_format or '?'} {'+'.join(cm.binary_arches) or '?'})"
        layers.append(Layer("cmake binary", says, exe, "executable header", _status(exe, target)))
    for var, value, os in (("CMAKE_GENERATOR_PLATFORM", cm.generator_platform, "windows"),
                           ("-A in CMAKE_ARGS", cm.args_platform, "windows"),
                           ("CMAKE_OSX_ARCHITECTURES", cm.osx_architectures, "macos")):
        if value and facts.os == os:
            parsed = archmod.parse(value)
            name = parsed.name if parsed else None
            layers.append(Layer(var, value, name, "environment", _status(name, target)))
    return layers


def cc_rules(facts: Facts, target: Target | None) -> list[Finding]:
    return (compiler_rules(facts, target) + flag_rules(facts, target) + no_compiler_rules(facts, target)
            + msvc_rules(facts, target) + clang_rules(facts, target) + cmake_rules(facts, target)
            + path_rules(facts, target))

