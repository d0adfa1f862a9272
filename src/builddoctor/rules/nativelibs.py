"""System libraries (issue 13, class 2): pkg-config present, each library's .pc found for this
machine, built for the target arch; fixes are the distribution package or the crate's vendored feature."""
from __future__ import annotations

from .. import arch as archmod
from .._data import table
from ..facts import Facts, NativeLib
from ..target import Target
from .model import ERROR, WARNING, Finding, Fix, Layer, LayerStatus, Severity
from .packages import install_fix


def _crate_fix(lib: NativeLib) -> Fix | None:
    if not lib.source.startswith("Cargo.lock "):
        return None
    name = lib.source.split()[1]
    crate = next((c for c in table("native-libs")["crate"] if c["name"] == name), None)
    if crate is None:
        return None
    return Fix(f"in Cargo.toml: {crate['vendored_fix']}",
               f"{name} then builds its own {lib.key} from source: no system library needed (a C compiler and perl "
               "for OpenSSL)" if lib.key == "openssl" else f"{name} then builds its own {lib.key}: no system library "
               "needed", 30)


def _arch_copy_fix(facts: Facts, lib: NativeLib, target: Target) -> Fix:
    """Where a copy of the library for the target arch comes from (Homebrew keeps one prefix per arch)."""
    data = table("system-packages")
    formula = data["packages"].get(lib.key, {}).get("homebrew")
    prefix = data["homebrew_prefix"].get(target.arch.name)
    if facts.os == "macos" and formula and prefix:
        flag = target.arch.wheel.get("macos", target.arch.name)
        return Fix(f"arch -{flag} {prefix}/bin/brew install {formula} && "
                   f"export PKG_CONFIG_PATH=\"{prefix}/opt/{formula}/lib/pkgconfig\"",
                   f"the Homebrew in {prefix} installs {lib.key} built for {target.arch.name}; pkg-config then "
                   "finds it first", 20)
    return Fix(f"install {lib.key} for {target.arch.name} and put its lib/pkgconfig first in PKG_CONFIG_PATH",
               f"the {'+'.join(lib.lib_arches)} copy cannot link into a {target.arch.name} extension", 40)


def _sev(facts: Facts) -> Severity:
    p = facts.project
    return ERROR if p and (p.is_rust or p.is_c or p.has_cargo_toml) else WARNING


def native_lib_rules(facts: Facts, target: Target | None) -> list[Finding]:
    n = facts.native_libs
    system = [lib for lib in n.libs if not lib.vendored and not lib.env_dir]
    if not n.needed or not system:
        return []
    sev = _sev(facts)
    if facts.os == "windows":
        return _windows_rules(facts, target, system, sev)
    keys = list(dict.fromkeys(lib.key for lib in system))
    clear_env = [f"PKG_CONFIG_{v}" for v in ("PATH", "LIBDIR") if f"PKG_CONFIG_{v}" in n.env]
    if n.pkg_config is None:
        names = ", ".join(f"{lib.pc_name} ({lib.source})" for lib in system)
        fixes: list[Fix] = []
        pkg = install_fix(facts, ["pkg-config", *keys], "installs pkg-config and the libraries' development files",
                          10)
        if pkg:
            fixes.append(pkg)
        fixes += [f for f in (_crate_fix(lib) for lib in system) if f]
        return [Finding("native.pkg-config-missing", sev,
                        f"pkg-config is not on PATH, and the build looks these libraries up with it: {names} "
                        "(\"Could not find directory of OpenSSL installation\" / \"The pkg-config command could not "
                        "be found\")", {"libraries": [lib.pc_name for lib in system]}, tuple(fixes))]
    out: list[Finding] = []
    for lib in system:
        if lib.found is False:
            fixes = []
            if clear_env:  # the variables hide the system's .pc files: undo them first
                fixes.append(Fix(" ; ".join(f"unset {v}" for v in clear_env),
                                 f"{' and '.join(clear_env)} replace pkg-config's default search path", 5))
            pkg = install_fix(facts, [lib.key], f"installs {lib.pc_name}.pc and the library's headers", 10)
            if pkg:
                fixes.append(pkg)
            crate = _crate_fix(lib)
            if crate:
                fixes.append(crate)
            hidden = f" (with {', '.join(f'{k}={n.env[k]!r}' for k in clear_env)})" if clear_env else ""
            out.append(Finding("native.library-missing", sev,
                               f"pkg-config cannot find {lib.pc_name}{hidden}, which {lib.source} needs: "
                               f"{lib.error or 'not found'}",
                               {"library": lib.key, "pc": lib.pc_name, "source": lib.source,
                                "pkg_config_env": {k: n.env[k] for k in clear_env}}, tuple(fixes)))
        elif lib.found and lib.lib_arches and target is not None and target.arch.name not in lib.lib_arches:
            have = "+".join(lib.lib_arches)
            spell = "+".join(archmod.get(a).wheel.get("macos", a) for a in lib.lib_arches)
            mine = target.arch.wheel.get("macos", target.arch.name)
            fixes = [f for f in (_arch_copy_fix(facts, lib, target), _crate_fix(lib)) if f]
            out.append(Finding("native.library-arch", sev,
                               f"{lib.pc_name} {lib.version} in {lib.libdir} is built for {have}, but this Python "
                               f"is {target.arch.name}: linking fails (\"building for macOS-{mine} but attempting to "
                               f"link with file built for macOS-{spell}\", \"incompatible architecture\")",
                               {"library": lib.key, "libdir": lib.libdir, "lib_arches": list(lib.lib_arches),
                                "target": target.arch.name}, tuple(fixes)))
    return out


def _windows_rules(facts: Facts, target: Target | None, system: list[NativeLib], sev: Severity) -> list[Finding]:
    """-sys crates on Windows find libraries through vcpkg (VCPKG_ROOT) or their *_DIR variables."""
    if "VCPKG_ROOT" in facts.native_libs.env or target is None:
        return []
    out = []
    libs = {x["key"]: x for x in table("native-libs")["lib"]}
    triplet = f"{target.msvc_arch or target.arch.name}-windows-static-md"
    for lib in system:
        if lib.found:
            continue
        data = libs.get(lib.key, {})
        fixes = [f for f in (_crate_fix(lib),) if f]
        if data.get("vcpkg"):
            fixes.append(Fix(f"C:\\vcpkg\\vcpkg install {data['vcpkg']}:{triplet}; $env:VCPKG_ROOT = \"C:\\vcpkg\"",
                             f"a {target.arch.name} {lib.key} the crate finds through vcpkg (vcpkg cloned and "
                             "bootstrapped in C:\\vcpkg: https://learn.microsoft.com/vcpkg/get_started/get-started)",
                             20))
        envs = " or ".join([*data.get("env", [])[:1], "VCPKG_ROOT"])
        out.append(Finding("native.library-missing", sev,
                           f"{lib.source} needs {lib.key}, and on Windows it is found through {envs}: none is set",
                           {"library": lib.key, "source": lib.source}, tuple(fixes)))
    return out


def native_lib_layers(facts: Facts, target: Target | None) -> list[Layer]:
    n = facts.native_libs
    out: list[Layer] = []
    if not n.libs:
        return out
    if n.needed:
        out.append(Layer("pkg-config", n.pkg_config_version or ("found" if n.pkg_config else "not found"), None,
                         "PATH", "match" if n.pkg_config else "absent"))
    for lib in n.libs:
        status: LayerStatus
        if lib.vendored:
            says, status = "vendored (built from source)", "match"
        elif lib.env_dir:
            says, status = lib.env_dir, "match"
        elif lib.found:
            says = f"{lib.version} {'+'.join(lib.lib_arches)}".strip()
            bad = target is not None and lib.lib_arches and target.arch.name not in lib.lib_arches
            status = "mismatch" if bad else "match"
        else:
            says, status = "not found", "absent" if lib.found is False or n.pkg_config is None else "unknown"
        out.append(Layer(f"library {lib.pc_name}", says, "+".join(lib.lib_arches) or None, lib.source, status))
    return out
