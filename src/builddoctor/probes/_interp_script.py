# Runs INSIDE the interpreter being probed (any CPython/PyPy 3.6+), with -I. Prints one JSON
# object between sentinels so that a sitecustomize printing to stdout cannot confuse us.
#
# Every cold check waits for this script, so it imports only what it must (issue 16): no json
# (its quoting comes from the _json accelerator), no re, and on CPython for Linux no platform
# (the markers come from os.uname() and sys.version exactly as platform derives them there); other
# systems and implementations ask platform. It doubled the cost of starting the interpreter.
import os
import sys
import sysconfig

try:
    from _json import encode_basestring_ascii as _quote
except ImportError:  # an implementation without CPython's accelerator
    from json.encoder import encode_basestring_ascii as _quote

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_VERSION_CHARS = _NAME_CHARS - {"-"} | {"+"}


def _dump(value):
    """json.dumps for the types printed here."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(_quote(str(k)) + ": " + _dump(v) for k, v in value.items()) + "}"
    return _quote(str(value))


def _key(name):
    """PEP 503 normalization with "_": a run of - _ . becomes one _."""
    out = []
    for c in name.lower():
        if c in "-_.":
            if not out or out[-1] != "_":
                out.append("_")
        else:
            out.append(c)
    return "".join(out)


def _versions(names):
    """Installed versions from NAME-VERSION.dist-info / .egg-info folder names (importlib.metadata
    costs 60 ms to import); the version is what follows the last dash."""
    wanted = {_key(n): n for n in names}
    found = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if not item.endswith((".dist-info", ".egg-info")):
                continue
            name, dash, version = item.rsplit(".", 1)[0].rpartition("-")
            if not (dash and name and version and _NAME_CHARS.issuperset(name)):
                continue
            key = _key(name)
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = version
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
        import platform

        name, ver = platform.libc_ver()
        if name:
            return [name, ver]
    except Exception:
        pass
    return None


def _python_version():
    """platform.python_version() for CPython: the first word of sys.version, "X.Y" made "X.Y.0"."""
    word = sys.version.split()[0] if sys.version.split() else ""
    if not word or not _VERSION_CHARS.issuperset(word):
        return None
    parts = word.split(".")
    return word + ".0" if len(parts) == 2 else word


def _markers():
    impl = sys.implementation
    iv = "%d.%d.%d" % (impl.version.major, impl.version.minor, impl.version.micro)
    if impl.version.releaselevel != "final":
        iv += impl.version.releaselevel[0] + str(impl.version.serial)
    full = _python_version() if impl.name == "cpython" else None
    if sys.platform == "linux" and full is not None:  # what platform.uname() and _sys_version() give there
        system, _, release, version, machine = os.uname()
        implementation = "CPython"
    else:
        import platform

        system, release, version, machine = (platform.system(), platform.release(), platform.version(),
                                             platform.machine())
        full, implementation = platform.python_version(), platform.python_implementation()
    return {
        "implementation_name": impl.name,
        "implementation_version": iv,
        "os_name": os.name,
        "platform_machine": "" if machine == "unknown" else machine,
        "platform_release": "" if release == "unknown" else release,
        "platform_system": "" if system == "unknown" else system,
        "platform_version": "" if version == "unknown" else version,
        "python_full_version": full,
        "platform_python_implementation": implementation,
        "python_version": ".".join(full.split(".")[:2]),
        "sys_platform": sys.platform,
    }


def _mac_machine():
    if sys.platform != "darwin":
        return ""
    import platform

    return platform.mac_ver()[2]


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
markers = _markers()
info = {
    "executable": sys.executable,
    "base_executable": getattr(sys, "_base_executable", sys.executable),
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "version": markers["python_full_version"],
    "implementation": sys.implementation.name,
    "sys_version": sys.version,
    "platform": sysconfig.get_platform(),
    "soabi": cv("SOABI") or "",
    "ext_suffix": cv("EXT_SUFFIX") or "",
    "pointer_bits": 64 if sys.maxsize > 2**32 else 32,  # struct.calcsize("P") * 8, without struct
    "free_threaded": bool(cv("Py_GIL_DISABLED")),
    "sys_platform": sys.platform,
    "markers": markers,
    "libc": _libc(),
    "mac_machine": _mac_machine(),
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
sys.stdout.write("@@BUILDDOCTOR@@" + _dump(info) + "@@END@@\n")
