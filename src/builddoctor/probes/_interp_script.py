# Runs INSIDE the interpreter being probed (any CPython/PyPy 3.6+), with -I. Prints one JSON
# object between sentinels so that a sitecustomize printing to stdout cannot confuse us.
import json
import os
import platform
import struct
import sys
import sysconfig


def _versions(names):
    """Installed versions from *.dist-info folder names (importlib.metadata costs 60 ms to import)."""
    import re

    wanted = {re.sub(r"[-_.]+", "_", n).lower(): n for n in names}
    found = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            m = re.match(r"^([A-Za-z0-9_.\-]+?)-([^-]+?)\.(dist-info|egg-info)$", item)
            if m:
                key = re.sub(r"[-_.]+", "_", m.group(1)).lower()
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = m.group(2)
    return {n: found.get(n) for n in names}


def _libc():
    try:
        value = os.confstr("CS_GNU_LIBC_VERSION")
        if value:
            name, ver = value.split()
            return ["glibc", ver]
    except (AttributeError, ValueError, OSError):
        pass
    try:
        name, ver = platform.libc_ver()
        if name:
            return [name, ver]
    except Exception:
        pass
    return None


def _markers():
    impl = sys.implementation
    iv = f"{impl.version.major}.{impl.version.minor}.{impl.version.micro}"
    if impl.version.releaselevel != "final":
        iv += impl.version.releaselevel[0] + str(impl.version.serial)
    return {
        "implementation_name": impl.name,
        "implementation_version": iv,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


cv = sysconfig.get_config_var
include = sysconfig.get_paths().get("include") or ""
ver = "%d%d" % sys.version_info[:2]
libdir = os.path.join(sys.base_prefix, "libs")
implib = ""
if os.name == "nt":
    for cand in ("python%s%s.lib" % (ver, "t" if cv("Py_GIL_DISABLED") else ""), "python3.lib"):
        if os.path.isfile(os.path.join(libdir, cand)):
            implib = os.path.join(libdir, cand)
            break
info = {
    "executable": sys.executable,
    "base_executable": getattr(sys, "_base_executable", sys.executable),
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "version": platform.python_version(),
    "implementation": sys.implementation.name,
    "sys_version": sys.version,
    "platform": sysconfig.get_platform(),
    "soabi": cv("SOABI") or "",
    "ext_suffix": cv("EXT_SUFFIX") or "",
    "pointer_bits": struct.calcsize("P") * 8,
    "free_threaded": bool(cv("Py_GIL_DISABLED")),
    "sys_platform": sys.platform,
    "markers": _markers(),
    "libc": _libc(),
    "mac_machine": platform.mac_ver()[2] if sys.platform == "darwin" else "",
    "winver": getattr(sys, "winver", ""),
    "include_dir": include,
    "has_headers": os.path.isfile(os.path.join(include, "Python.h")),
    "import_lib": implib,
    "path": [os.path.abspath(p or ".") for p in sys.path],  # what a cached description depends on
    "backends": _versions(("pip", "setuptools", "wheel", "maturin", "setuptools-rust", "scikit-build-core",
                           "meson-python", "cmake", "ninja", "build")),
    "build_vars": {k: str(cv(k)) for k in ("CC", "CXX", "LDSHARED", "AR", "INCLUDEPY", "MACOSX_DEPLOYMENT_TARGET")
                   if cv(k) is not None},
}
sys.stdout.write("@@BUILDDOCTOR@@" + json.dumps(info) + "@@END@@\n")
