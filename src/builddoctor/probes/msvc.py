"""Visual Studio on Windows: the installations vswhere knows, their C++ components, and the active dev shell.

vswhere runs with `-products *` (Build Tools are skipped without it) and `-utf8` (JSON in the console
code page is not JSON); output it cannot parse is reported as unparseable, never as "no VS".
"""
from __future__ import annotations

import json
import re

from .._data import table
from ..facts import DevShell, MsvcFacts, VsInstall
from ..machine import Machine
from .cc import env_get

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TIMEOUT = 30.0








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
    from ..proc_result import excerpt

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

