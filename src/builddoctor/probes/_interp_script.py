# Runs INSIDE the interpreter being probed (any CPython/PyPy 3.6+), with -I. Prints one JSON
# object between sentinels so that a sitecustomize printing to stdout cannot confuse us.
import json
import os
import platform
import struct
import sys
import sysconfig


def _v(name):
    try:
        from importlib import metadata
        return metadata.version(name)
    except Exception:
        return None


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
    "backends": {n: _v(n) for n in ("pip", "setuptools", "wheel", "maturin", "setuptools-rust",
                                     "scikit-build-core", "meson-python", "cmake", "ninja", "build")},
}
sys.stdout.write("@@BUILDDOCTOR@@" + json.dumps(info) + "@@END@@\n")
