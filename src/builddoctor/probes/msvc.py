"""Visual Studio on Windows: the installations vswhere knows, their C++ components, and the active dev shell.

vswhere runs with `-products *` (Build Tools are skipped without it) and `-utf8` (JSON in the console
code page is not JSON); output it cannot parse is reported as unparseable, never as "no VS".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .. import arch as archmod
from .._data import table
from ..machine import Machine
from .cc import env_get

TIMEOUT = 30.0


@dataclass(frozen=True)
class VsInstall:
    path: str
    version: str  # installationVersion, e.g. 17.14.36310.24
    product: str = ""  # productId, e.g. Microsoft.VisualStudio.Product.BuildTools
    name: str = ""  # displayName
    line: str = ""  # catalog.productLineVersion, e.g. 2022
    display_version: str = ""  # catalog.productDisplayVersion, e.g. 17.14.9
    complete: bool = True
    packages_listed: bool = False  # False: vswhere gave no package list, components unknown
    components: tuple[str, ...] = ()  # installed ids that matter here (tools, clang, SDKs, workload)
    vcvarsall: str = ""  # "" when the file is missing
    toolset: str = ""  # default MSVC toolset (Microsoft.VCToolsVersion.default.txt)
    toolset_present: bool | None = None  # its VC\Tools\MSVC\<version> folder exists
    llvm_hosts: tuple[str, ...] = ()  # host arches whose VS-bundled LLVM bin folder exists

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return version_tuple(self.version)


@dataclass(frozen=True)
class DevShell:
    target: str = ""  # VSCMD_ARG_TGT_ARCH
    host: str = ""  # VSCMD_ARG_HOST_ARCH
    vcinstalldir: str = ""
    vctoolsinstalldir: str = ""
    vsinstalldir: str = ""
    has_include: bool = False
    has_lib: bool = False
    has_libpath: bool = False
    distutils_use_sdk: str = ""
    platform: str = ""  # set by vcvarsall only, never by VsDevCmd
    cl: str = ""  # the first cl.exe on PATH
    cl_host: str | None = None  # canonical arch of its bin\Host<H> folder
    cl_target: str | None = None  # canonical arch of its bin\Host<H>\<T> folder

    @property
    def active(self) -> bool:
        return bool(self.target or self.vcinstalldir)


@dataclass(frozen=True)
class MsvcFacts:
    applicable: bool = False  # only Windows has Visual Studio
    vswhere: str = ""
    vswhere_state: str = ""  # missing | ok | unparseable | failed
    vswhere_detail: str = ""
    installer: str = ""  # the Visual Studio Installer's setup.exe (for fix commands)
    installs: tuple[VsInstall, ...] = ()
    devshell: DevShell = field(default_factory=DevShell)


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.split("."):
        if not p.isdigit():
            break
        parts.append(int(p))
    return tuple(parts)


def _tracked(component: str) -> bool:
    c = table("msvc")["components"]
    ids = {*c["tools"].values(), c["clang"], c["clang_toolset"], c["workload"]}
    return component in ids or component.startswith(tuple(c["sdk_prefixes"]))


def cl_folder_arches(path: str) -> tuple[str | None, str | None]:
    """(host, target) canonical arches from ...\\bin\\Host<H>\\<T>\\cl.exe."""
    m = re.search(r"[\\/]bin[\\/](host[a-z0-9]+)[\\/]([a-z0-9]+)[\\/][^\\/]+$", path, re.I)
    if not m:
        return None, None
    bins = table("msvc")["cl_bin"]
    host = next((a for a, d in bins["hosts"].items() if d.lower() == m.group(1).lower()), None)
    target = next((a for a, d in bins["targets"].items() if d.lower() == m.group(2).lower()), None)
    return host, target


def _find_vswhere(machine: Machine) -> tuple[str, str]:
    """(vswhere.exe, setup.exe); either may be "" when unknown."""
    env, inst = machine.env(), table("msvc")["installer"]
    setup = ""
    for var in ("ProgramFiles(x86)", "ProgramFiles"):
        root = env_get(env, var, windows=True)
        if not root:
            continue
        folder = machine.join(root, inst["folder"])
        setup = setup or machine.join(folder, inst["setup"])
        candidate = machine.join(folder, inst["vswhere"])
        if machine.is_file(candidate):
            return candidate, machine.join(folder, inst["setup"])
    on_path = machine.which("vswhere")
    if on_path:
        return on_path, setup or re.sub(r"vswhere(\.exe)?$", inst["setup"], on_path, flags=re.I)
    return "", setup


def _install(machine: Machine, raw: dict[str, Any]) -> VsInstall | None:
    path = raw.get("installationPath")
    if not isinstance(path, str) or not path:
        return None
    layout = table("msvc")["layout"]
    packages = raw.get("packages")
    ids = [p.get("id", "") for p in packages if isinstance(p, dict)] if isinstance(packages, list) else []
    catalog: dict[str, Any] = raw["catalog"] if isinstance(raw.get("catalog"), dict) else {}
    vcvarsall = machine.join(path, layout["vcvarsall"])
    toolset = (machine.read_text(machine.join(path, layout["default_version"]), 4096) or "").strip()
    present = machine.is_dir(machine.join(path, layout["toolsets"], toolset)) if toolset else None
    llvm = tuple(a for a, sub in layout["llvm_bin"].items() if machine.is_dir(machine.join(path, sub)))
    return VsInstall(
        path=path,
        version=str(raw.get("installationVersion") or ""),
        product=str(raw.get("productId") or ""),
        name=str(raw.get("displayName") or raw.get("installationName") or ""),
        line=str(catalog.get("productLineVersion") or ""),
        display_version=str(catalog.get("productDisplayVersion") or ""),
        complete=raw.get("isComplete") is not False,
        packages_listed=isinstance(packages, list),
        components=tuple(sorted({i for i in ids if isinstance(i, str) and _tracked(i)})),
        vcvarsall=vcvarsall if machine.is_file(vcvarsall) else "",
        toolset=toolset,
        toolset_present=present,
        llvm_hosts=llvm,
    )


def _excerpt(text: str, limit: int = 160) -> str:
    from ..proc import excerpt

    return excerpt(text, limit)


def probe_vs(machine: Machine) -> tuple[str, str, str, str, tuple[VsInstall, ...]]:
    """(vswhere, state, detail, setup.exe, installations)."""
    vswhere, setup = _find_vswhere(machine)
    if not vswhere:
        return "", "missing", "vswhere.exe is not in the Visual Studio Installer folder nor on PATH", setup, ()
    result = machine.run([vswhere, *table("msvc")["installer"]["vswhere_args"]], timeout=TIMEOUT)
    if result.error or result.returncode != 0:
        why = result.error or f"exit {result.returncode}"
        return vswhere, "failed", f"{why}: {_excerpt(result.stderr + result.stdout)}", setup, ()
    try:
        doc = json.loads(result.stdout)
    except ValueError:
        doc = None
    if not isinstance(doc, list):
        shown = _excerpt(result.stdout) or "no output"
        return vswhere, "unparseable", f"vswhere printed something that is not a JSON list: {shown}", setup, ()
    installs = [i for raw in doc if isinstance(raw, dict) and (i := _install(machine, raw)) is not None]
    installs.sort(key=lambda i: i.version_tuple, reverse=True)
    return vswhere, "ok", "", setup, tuple(installs)


def probe_devshell(machine: Machine) -> DevShell:
    env = machine.env()

    def get(name: str) -> str:
        return env_get(env, name, windows=True)

    cl = machine.which("cl") or ""
    host, target = cl_folder_arches(cl) if cl else (None, None)
    return DevShell(
        target=get("VSCMD_ARG_TGT_ARCH"), host=get("VSCMD_ARG_HOST_ARCH"), vcinstalldir=get("VCINSTALLDIR"),
        vctoolsinstalldir=get("VCToolsInstallDir"), vsinstalldir=get("VSINSTALLDIR"),
        has_include=bool(get("INCLUDE")), has_lib=bool(get("LIB")), has_libpath=bool(get("LIBPATH")),
        distutils_use_sdk=get("DISTUTILS_USE_SDK"), platform=get("Platform"),
        cl=cl, cl_host=host, cl_target=target)


def probe_msvc(machine: Machine, project: str | None = None) -> MsvcFacts:
    if machine.os != "windows":
        return MsvcFacts()
    vswhere, state, detail, setup, installs = probe_vs(machine)
    return MsvcFacts(True, vswhere, state, detail, setup, installs, probe_devshell(machine))


def has_tools(install: VsInstall, arch: archmod.Arch) -> bool | None:
    """Whether an installation has the MSVC compilers for `arch` (None: components unknown)."""
    component = table("msvc")["components"]["tools"].get(arch.name)
    if component is None:
        return False
    if not install.packages_listed:
        return None
    return component in install.components
