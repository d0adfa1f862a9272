"""What the child build must see so every layer builds for the interpreter's target. Pure.

`plan_build` reads facts (and the environment the build would inherit) and returns the variables
to set or remove and the config settings to add, each with the reason a person would want.
Every platform spelling comes from `Target`/`Arch` (toolchains/*.toml), never from a literal here.
"""
from __future__ import annotations

import importlib
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from .. import arch as archmod
from .._record import field, record
from .._text import last_path_part
from ..errors import EXIT_PROJECT, UserError
from .crossenv import BUILD_SYSCONFIG, SysconfigPlan, sysconfig_plan
from .options import C_KINDS, CMAKE_KINDS, KINDS, RUST_KINDS  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from ..facts import Facts
    from ..machine import Machine
    from ..rules import Diagnosis
    from ..target import Target

JSON_SCHEMA = "builddoctor.build-plan/1"
#: Backend kinds as builddoctor.probes.project names them, plus plain CMake, and "native" for
#: "every layer" (a recorded machine without a project).
BUILD_ENV = "<build env>"  # stands for the isolated environment's folder until it exists
BUILD_ENV_SCRIPTS = "<build env scripts>"  # its bin/ (Scripts\\ on Windows)
BUILD_TMP = "<build tmp>"  # a temporary folder inside the output folder's staging area
BUILD_SYSCONFIG_NAME = "<target sysconfig module>"  # the generated module's name (see crossenv.py)
ConfigValue = Union[str, list[str]]
_COMPILER_VARS = ("CC", "CXX", "CPP", "LDSHARED", "LDCXXSHARED", "AR")
_FLAG_VARS = ("CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "ARCHFLAGS", "RUSTFLAGS")
_STALE_PYO3 = ("PYO3_CROSS", "PYO3_CROSS_LIB_DIR", "PYO3_CROSS_PYTHON_VERSION",
               "PYO3_CROSS_PYTHON_IMPLEMENTATION", "PYO3_CONFIG_FILE")
_WRONG_SHELL = ("DISTUTILS_USE_SDK", "INCLUDE", "LIB", "LIBPATH")
#: Findings about a setting the plan overrides for the child build.
FIXED_BY_PLAN = frozenset({"rust.target-override"})
FIXED_BY_DEVSHELL = frozenset({"msvc.devshell-mismatch", "msvc.cl-mismatch"})
FIXED_BY_VARIABLE = frozenset({"cc.env-mismatch", "cc.flags-mismatch", "cmake.platform-mismatch",
                               "target.inconsistent"})
DevShellEnv = Mapping[str, Union[str, None]]  # None: the dev shell removes the variable


@record
class EnvChange:
    name: str
    action: str  # "set" | "unset" | "prepend" (to a PATH-like variable)
    value: str | None
    why: str
    layer: str
    previous: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.action, "value": self.value, "previous": self.previous,
                "layer": self.layer, "why": self.why}


@record
class ConfigSetting:
    key: str
    value: ConfigValue
    why: str


@record
class BuildPlan:
    target: Target
    kind: str
    interpreter: str
    env: tuple[EnvChange, ...]
    config: tuple[ConfigSetting, ...]
    notes: tuple[str, ...] = ()
    devshell: bool = False  # the environment of a developer shell for the target is part of the plan
    #: a Linux cross build: make the target's sysconfig data (crossenv-style) in the staging folder
    sysconfig: SysconfigPlan | None = None

    def changes(self, name: str) -> bool:
        return any(c.name.upper() == name.upper() for c in self.env)

    def child_env(self, base: Mapping[str, str], build_env: str = "", scripts: str = "", tmp: str = "", *,
                  pathsep: str = os.pathsep, filled: Mapping[str, str] | None = None) -> dict[str, str]:
        """`base` with every change applied, the placeholders (build environment, temp, and any in
        `filled`, such as the target's sysconfig folder and module) filled in."""
        out = dict(base)
        fold = self.target.os == "windows"  # Windows variable names ignore case: never leave two spellings
        for change in self.env:
            value = (change.value or "").replace(BUILD_ENV_SCRIPTS, scripts).replace(BUILD_ENV, build_env)
            value = value.replace(BUILD_TMP, tmp)
            for placeholder, real in (filled or {}).items():
                value = value.replace(placeholder, real)
            same = [k for k in out if (k.upper() == change.name.upper() if fold else k == change.name)]
            old = out.get(same[0]) if same else None
            for k in same:
                del out[k]
            if change.action == "prepend":
                out[change.name] = value + (pathsep + old if old else "")
            elif change.action == "set":
                out[change.name] = value
        return out

    def fixes(self, finding: Any) -> bool:
        """Whether the child build never sees what `finding` is about (so it must not stop the build)."""
        if finding.id in FIXED_BY_PLAN:
            return True
        if finding.id in FIXED_BY_DEVSHELL:
            return self.devshell
        named = finding.facts.get("variable") or finding.facts.get("source")
        return finding.id in FIXED_BY_VARIABLE and isinstance(named, str) and self.changes(named)

    def config_settings(self, user: Mapping[str, ConfigValue]) -> dict[str, ConfigValue]:
        return {**user, **{c.key: c.value for c in self.config}}

    def to_json(self) -> dict[str, Any]:
        return {"schema": JSON_SCHEMA, "target": self.target.to_json(), "kind": self.kind,
                "interpreter": self.interpreter, "env": [c.to_json() for c in self.env],
                "config_settings": [{"key": c.key, "value": c.value, "why": c.why} for c in self.config],
                "notes": list(self.notes), "sysconfig": self.sysconfig.to_json() if self.sysconfig else None}


@record(frozen=False)
class _Ctx:
    facts: Facts
    target: Target
    kind: str
    env: Mapping[str, str]
    user_config: Mapping[str, ConfigValue]
    changes: list[EnvChange] = field(default_factory=list)
    config: list[ConfigSetting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sysconfig: SysconfigPlan | None = None
    isolated: bool = True

    def set(self, name: str, value: str, why: str, layer: str) -> None:
        self._drop(name)
        self.changes.append(EnvChange(name, "set", value, why, layer, self.env.get(name)))

    def unset(self, name: str, why: str, layer: str) -> None:
        if name in self.env:
            self._drop(name)
            self.changes.append(EnvChange(name, "unset", None, why, layer, self.env.get(name)))

    def _drop(self, name: str) -> None:
        self.changes = [c for c in self.changes if c.name != name]

    @property
    def arch(self) -> archmod.Arch:
        return self.target.arch


def plan_build(facts: Facts, diagnosis: Diagnosis, project_kind: str, *, env: Mapping[str, str] | None = None,
               isolated: bool = True, devshell: DevShellEnv | None = None,
               config: Mapping[str, ConfigValue] | None = None, pass_env: Sequence[str] = ()) -> BuildPlan:
    """The child build's environment and config settings for `project_kind` (see KINDS).

    `env` is what the build would inherit; `devshell` is the dev shell environment for the target
    (see `devshell_env`), when one could be computed.
    """
    target = diagnosis.target
    if target is None:
        raise UserError(f"cannot tell which architecture {facts.interpreter.executable or 'the interpreter'} "
                        "builds for, so there is no target to build for", exit_code=EXIT_PROJECT,
                        tip="run 'builddoctor check' for the details")
    ctx = _Ctx(facts, target, project_kind, env or {}, config or {}, isolated=isolated)
    rust = project_kind in RUST_KINDS or project_kind == "native"
    native = rust or project_kind in C_KINDS | CMAKE_KINDS
    if rust:
        _rust(ctx)
    if native:
        _compilers(ctx)
        {"windows": _windows, "macos": _macos, "linux": _linux}.get(target.os, _linux)(ctx, devshell)
    _isolation(ctx, isolated)
    _secrets(ctx, pass_env)
    return BuildPlan(target, project_kind, facts.interpreter.executable, tuple(ctx.changes),
                     tuple(ctx.config), tuple(ctx.notes), devshell=native and bool(devshell), sysconfig=ctx.sysconfig)


def _rust(ctx: _Ctx) -> None:
    r, t = ctx.facts.rust, ctx.target
    triple = t.rust_triple
    if triple is None:
        ctx.notes.append(f"Rust has no target triple for {t.describe()}; cargo keeps its default")
        return
    whose = f"the intended {t.arch.name} ({t.origin})" if t.cross else f"the interpreter's {t.arch.name}"
    why = f"cargo builds for {whose} ({t.platform_tag})"
    if r.rustc_host and r.rustc_host != triple:
        why += f", not for rustc's own host {r.rustc_host}"
    stale = [v for _, v in r.config_targets if v != triple]
    if stale:
        why += f"; it overrides build.target = {stale[0]} in .cargo/config.toml"
    elif r.rustc_host == triple:
        why += (f"; with an explicit target cargo builds into target/{triple}/, so what a plain `cargo build` "
                "left in target/release is not reused (the first build compiles every crate once)")
    if t.universal2:
        ctx.unset("CARGO_BUILD_TARGET", "a universal2 build needs both Apple targets; maturin's "
                  "--target universal2-apple-darwin builds both", "rust")
    elif _cargo_build_target_safe(ctx):
        ctx.set("CARGO_BUILD_TARGET", triple, why, "rust")
    if ctx.kind in ("maturin", "native"):
        _maturin_target(ctx, "universal2-apple-darwin" if t.universal2 else triple)
    if t.cross and t.os == "linux":
        _cross_linker(ctx, triple)
    ctx.set("PYO3_PYTHON", ctx.facts.interpreter.executable,
            "PyO3 reads the ABI and version from this interpreter, not from the first python on PATH", "pyo3")
    cross = _pyo3_cross(ctx)
    for name in _STALE_PYO3:
        if t.cross and name in ctx.env:
            continue  # a deliberate cross build's own description of its target interpreter stays
        if not (cross and name in cross):
            ctx.unset(name, "describes some other interpreter; PyO3 must use the one this build is for", "pyo3")
    for name, value in (cross or {}).items():
        ctx.set(name, value, f"PyO3 counts {r.rustc_host or 'this host'} -> {triple} as cross-compiling and "
                "needs the interpreter's libs folder and version spelled out", "pyo3")


def _cargo_build_target_safe(ctx: _Ctx) -> bool:
    """CARGO_BUILD_TARGET moves cargo's output to target/<triple>/: setuptools-rust finds it there only
    from the version in toolchains/cross.toml (PR #90); an older one fails with 'unable to find'."""
    if ctx.kind != "setuptools-rust":
        return True
    from .._data import table
    from ..facts import version_tuple

    since = table("cross")["backends"]["setuptools-rust"]["cargo_build_target_since"]
    version = _backend_version(ctx, "setuptools-rust", "setuptools_rust")
    if version is None or version_tuple(version) >= version_tuple(since):
        return True
    ctx.unset("CARGO_BUILD_TARGET", f"setuptools-rust {version} looks for cargo's output in target/release only "
              f"(CARGO_BUILD_TARGET is understood from {since})", "rust")
    ctx.notes.append(f"setuptools-rust {version} cannot build for another Rust target than rustc's host; "
                     f"require setuptools-rust>={since} in [build-system] requires")
    return False


def _backend_version(ctx: _Ctx, *names: str) -> str | None:
    """The version that will run: pinned with == in the project's requires, else the interpreter's own."""
    project = ctx.facts.project
    for req in project.requires if project else ():
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([0-9][0-9A-Za-z.]*)", req)
        if m and m.group(1).lower().replace("_", "-") in {n.replace("_", "-") for n in names}:
            return m.group(2)
    for name in names:
        if name in ctx.facts.interpreter.backends and not ctx.isolated:
            return ctx.facts.interpreter.backends[name]
    return None


def _cross_compiler(ctx: _Ctx) -> str | None:
    """A C compiler on PATH that builds for the target (the cross gcc for a Linux cross build)."""
    found = [c for c in (*ctx.facts.cc.compilers, *ctx.facts.cross.compilers)
             if not c.error and c.arch == ctx.arch.name and c.source == "PATH"]
    found.sort(key=lambda c: c.kind != "gcc")
    return found[0].command if found else None


def _cross_linker(ctx: _Ctx, triple: str) -> None:
    var = f"CARGO_TARGET_{triple.upper().replace('-', '_')}_LINKER"
    if var in ctx.env or any(t == triple for t, _ in ctx.facts.rust.linkers):
        return
    cc = _cross_compiler(ctx)
    if cc is None:
        return
    ctx.set(var, cc, f"cargo links {triple} with the cross gcc; the host's cc links only host objects", "rust")
    ctx.set(f"CC_{triple.replace('-', '_')}", cc, f"cc-rs compiles C code for {triple} with it", "rust")


def _maturin_target(ctx: _Ctx, triple: str) -> None:
    """maturin's documented PEP 517 channel: config setting maturin.build-args, else MATURIN_PEP517_ARGS."""
    user = ctx.user_config.get("maturin.build-args", ctx.user_config.get("build-args"))
    if user is None:
        args = shlex.split(ctx.env.get("MATURIN_PEP517_ARGS", ""))
        if args:
            ctx.unset("MATURIN_PEP517_ARGS", "folded into the maturin.build-args config setting, which maturin "
                      "reads instead of it", "maturin")
    else:
        args = shlex.split(user) if isinstance(user, str) else list(user)
    given = _option(args, "--target")
    if given is not None and given != triple:
        raise UserError(f"maturin build args ask for --target {given}, but this interpreter needs {triple}",
                        exit_code=EXIT_PROJECT, tip="drop --target from maturin.build-args / MATURIN_PEP517_ARGS")
    if given is None:
        args += ["--target", triple]
    ctx.config.append(ConfigSetting("maturin.build-args", shlex.join(args),
                                    f"maturin's PEP 517 hook passes --target {triple} to cargo"))


def _option(args: Sequence[str], name: str) -> str | None:
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def _pyo3_cross(ctx: _Ctx) -> dict[str, str] | None:
    """Windows only: pyo3-build-config calls aarch64 -> x86_64 cross even though the Python runs (emulated)."""
    i, t = ctx.facts.interpreter, ctx.target
    host = archmod.parse(ctx.facts.rust.rustc_host.split("-", 1)[0]) if ctx.facts.rust.rustc_host else None
    if t.cross and t.os != "windows":
        from ..rules.cross import host_can_run

        if host_can_run(ctx.facts, t) or any(n in ctx.env for n in ("PYO3_CROSS_LIB_DIR", "PYO3_CONFIG_FILE")):
            return None
        # Unix extensions do not link libpython: the version and implementation are enough.
        return {"PYO3_CROSS_PYTHON_VERSION": ".".join(i.version.split(".")[:2]),
                "PYO3_CROSS_PYTHON_IMPLEMENTATION": "CPython" if i.implementation == "cpython" else i.implementation}
    if t.os != "windows" or host is None or host == t.arch or host.compat32 == t.arch.name:
        return None
    if t.cross:  # the interpreter's own libs are for its arch, not the target's (cross.import-lib says so)
        return None
    if not i.import_lib:
        ctx.notes.append("PyO3 will call this build cross-compiling but the import library is missing")
        return None
    libs = re.split(r"[\\/][^\\/]*$", i.import_lib)[0]
    return {"PYO3_CROSS_LIB_DIR": libs, "PYO3_CROSS_PYTHON_VERSION": ".".join(i.version.split(".")[:2]),
            "PYO3_CROSS_PYTHON_IMPLEMENTATION": "CPython" if i.implementation == "cpython" else i.implementation}


def named_arch(value: str) -> archmod.Arch | None:
    """The arch a compiler command names: `aarch64-linux-gnu-gcc`, `clang --target=x86_64-...`."""
    words = value.split()
    for i, w in enumerate(words):
        if w.startswith("--target="):
            return archmod.parse(w.split("=", 1)[1].split("-")[0])
        if w in ("-target", "--target", "-arch") and i + 1 < len(words):
            return archmod.parse(words[i + 1].split("-")[0])
    prog = last_path_part(words[0]) if words else ""
    parts = prog.split("-")
    return archmod.parse(parts[0]) if len(parts) >= 3 else None


def _filter_flags(value: str, target: archmod.Arch) -> str:
    """`value` without the flags that select another arch (-arch X, --target=T, -m32/-m64)."""
    words, out, skip = value.split(), [], False
    for i, w in enumerate(words):
        if skip:
            skip = False
            continue
        if w in ("-arch", "-target", "--target") and i + 1 < len(words):
            other = archmod.parse(words[i + 1].split("-")[0])
            if other is not None and other != target:
                skip = True
                continue
        if w.startswith("--target="):
            other = archmod.parse(w.split("=", 1)[1].split("-")[0])
            if other is not None and other != target:
                continue
        if w in ("-m32", "-m64") and int(w[2:]) != target.bits:
            continue
        out.append(w)
    return " ".join(out)


def _compilers(ctx: _Ctx) -> None:
    asked = {c.source: c for c in getattr(ctx.facts.cc, "compilers", ()) if c.source != "PATH" and c.arch}
    for name, c in asked.items():  # what the compiler itself said (gcc -dumpmachine, cl.exe's banner ...)
        if c.arch != ctx.arch.name:
            ctx.unset(name, f"{c.command} builds for {c.target} ({c.arch}); the build then finds a compiler "
                      f"for {ctx.arch.name}", "c")
    for name in _COMPILER_VARS:
        value = ctx.env.get(name)
        other = named_arch(value) if value and name not in asked else None
        if other is not None and other != ctx.arch:
            ctx.unset(name, f"{value!r} compiles for {other.name}; the interpreter's default compiler "
                      f"builds for {ctx.arch.name}", "c")
    _cmake_args(ctx)
    for name in _FLAG_VARS:
        value = ctx.env.get(name)
        if value is None or (name == "ARCHFLAGS" and ctx.target.os == "macos"):
            continue
        kept = _filter_flags(value, ctx.arch)
        if kept != " ".join(value.split()):
            if kept:
                ctx.set(name, kept, f"drops the flags that select another arch than {ctx.arch.name}", "c")
            else:
                ctx.unset(name, f"only selects another arch than {ctx.arch.name}", "c")
    suffix = ctx.env.get("SETUPTOOLS_EXT_SUFFIX")
    wanted = ctx.target.ext_suffix or ctx.facts.interpreter.ext_suffix
    if suffix and wanted and suffix != wanted:
        ctx.unset("SETUPTOOLS_EXT_SUFFIX", f"names another platform than the target's {wanted}", "c")
    if ctx.target.cross and ctx.target.os == "windows" and wanted and suffix != wanted:
        ctx.set("SETUPTOOLS_EXT_SUFFIX", wanted, "setuptools names extensions from the running interpreter; "
                "cibuildwheel sets this for cross builds (toolchains/cross.toml)", "c")
    plat_name = ctx.facts.cross.plat_name
    if ctx.env.get("DIST_EXTRA_CONFIG") and plat_name and archmod.parse(plat_name.rsplit("-", 1)[-1]) != ctx.arch:
        ctx.unset("DIST_EXTRA_CONFIG", f"its plat_name={plat_name} would build and tag for another platform than "
                  f"{ctx.target.platform_tag}", "c")
    host_platform = ctx.env.get("_PYTHON_HOST_PLATFORM")
    if host_platform and ctx.target.os != "macos" and archmod.parse(host_platform.rsplit("-", 1)[-1]) != ctx.arch:
        ctx.unset("_PYTHON_HOST_PLATFORM", f"{host_platform} would tag the wheel for another platform", "c")


def _cmake_args(ctx: _Ctx) -> None:
    """CMAKE_ARGS without the -A / CMAKE_GENERATOR_PLATFORM / CMAKE_OSX_ARCHITECTURES of another arch."""
    value = ctx.env.get("CMAKE_ARGS")
    if not value:
        return
    words, kept, i = value.split(), [], 0
    while i < len(words):
        take = words[i:i + 2] if words[i] == "-A" else words[i:i + 1]
        i += len(take)
        name, _, given = take[0].partition("=")
        if take[0] == "-A" and len(take) == 2:
            given = take[1]
        elif name.split(":")[0] not in ("-DCMAKE_GENERATOR_PLATFORM", "-DCMAKE_OSX_ARCHITECTURES"):
            kept += take
            continue
        if {archmod.parse(x) for x in re.split(r"[;,]", given) if x} == {ctx.arch}:
            kept += take
    if kept != words:
        why = f"drops the CMake platform / architecture options that select another arch than {ctx.arch.name}"
        if kept:
            ctx.set("CMAKE_ARGS", " ".join(kept), why, "cmake")
        else:
            ctx.unset("CMAKE_ARGS", why, "cmake")


def _windows(ctx: _Ctx, devshell: DevShellEnv | None) -> None:
    t = ctx.target
    if ctx.kind in CMAKE_KINDS | {"native"} and t.cmake_platform:
        _cmake_platform(ctx, t.cmake_platform)
    shell = archmod.parse(ctx.env.get("VSCMD_ARG_TGT_ARCH", ""))
    wrong = shell is not None and shell != t.arch
    if devshell:
        spec = _vcvars_spec(ctx)
        why = f"the {t.msvc_arch} developer shell: what vcvarsall.bat {spec} sets" if spec else \
            f"the {t.msvc_arch} developer shell"
        for name, value in sorted(devshell.items(), key=lambda kv: kv[0].upper()):
            if value is None:
                ctx.unset(name, why.replace("sets", "removes"), "msvc")
            elif ctx.env.get(name) != value:
                ctx.set(name, value, why, "msvc")
        ctx.set("DISTUTILS_USE_SDK", "1", "setuptools compiles in this dev shell instead of running vcvarsall "
                "again", "msvc")
        return
    if t.msvc_arch and (wrong or ctx.kind in ("setuptools-ext", "setuptools-rust", "native")):
        why = "setuptools (distutils) and scikit-build-core take the target platform from it"
        if wrong and shell is not None:
            why += f"; the active dev shell targets {shell.name}"
        ctx.set("VSCMD_ARG_TGT_ARCH", t.msvc_arch, why, "msvc")
    if wrong and shell is not None:
        for name in _WRONG_SHELL:
            ctx.unset(name, f"belongs to the {shell.name} dev shell; setuptools then runs vcvarsall for "
                      f"{t.msvc_arch} itself", "msvc")
        ctx.notes.append(f"PATH still finds the {shell.name} dev shell's cl.exe: a Ninja or Makefile "
                         f"generator would use it; open an {t.msvc_arch} dev shell for those")


def _cmake_platform(ctx: _Ctx, platform: str) -> None:
    """CMAKE_GENERATOR_PLATFORM applies only when CMAKE_GENERATOR is set too (CMake's documentation,
    toolchains/cross.toml [cmake]): set both, naming the Visual Studio generator of the installation."""
    from .._data import table

    data = table("cross")["cmake"]
    generator = ctx.env.get("CMAKE_GENERATOR", "")
    why = f"CMake's Visual Studio generator builds for {platform} (the -A platform)"
    if generator.startswith("Visual Studio"):
        ctx.set("CMAKE_GENERATOR_PLATFORM", platform, why, "cmake")
        return
    if generator:
        ctx.notes.append(f"CMAKE_GENERATOR={generator} takes the compiler from the dev shell, not -A")
        return
    if ctx.kind == "scikit-build-core" and data["scikit_build_core_sets_generator"]:
        ctx.set("CMAKE_GENERATOR_PLATFORM", platform, why + "; scikit-build-core sets CMAKE_GENERATOR when it "
                f"picks a Visual Studio generator, which makes CMake apply it ({data['scikit_build_core_source']})",
                "cmake")
        return
    installs = ctx.facts.msvc.installs
    major = installs[0].version.split(".")[0] if installs else ""
    name = data["vs_generators"].get(major)
    if name is None:
        ctx.notes.append(f"no Visual Studio generator known, so CMAKE_GENERATOR_PLATFORM={platform} would be "
                         "ignored (CMake applies it only with CMAKE_GENERATOR set); the dev shell decides instead")
        ctx.unset("CMAKE_GENERATOR_PLATFORM", "ignored without CMAKE_GENERATOR", "cmake")
        return
    ctx.set("CMAKE_GENERATOR", name, f"CMake applies CMAKE_GENERATOR_PLATFORM only when CMAKE_GENERATOR is set "
            f"({data['generator_platform_source']})", "cmake")
    ctx.set("CMAKE_GENERATOR_PLATFORM", platform, why, "cmake")


def _vcvars_spec(ctx: _Ctx) -> str | None:
    from ..errors import UserError
    from ..vcvars import vcvars_spec

    host = archmod.parse(ctx.facts.host.arch or "") or ctx.arch
    install = next((i for i in ctx.facts.msvc.installs if i.vcvarsall), None)
    try:
        return vcvars_spec(host, ctx.arch, install.version if install else "")[0]
    except UserError:
        return None


def _macos(ctx: _Ctx, devshell: DevShellEnv | None) -> None:
    t = ctx.target
    wheel_arch = "universal2" if t.universal2 else t.arch.wheel.get("macos")
    if wheel_arch is None:
        return
    from .._data import table

    slices = [archmod.get(n).wheel["macos"] for n in table("arches")["macho"]["universal_arches"]] \
        if t.universal2 else [wheel_arch]
    ctx.set("ARCHFLAGS", " ".join(f"-arch {w}" for w in sorted(slices)),
            "setuptools, scikit-build-core (CMAKE_OSX_ARCHITECTURES), maturin and setuptools-rust read the macOS "
            "arch from it", "macos")
    wanted = {archmod.parse(w) for w in slices}
    cmake = ctx.env.get("CMAKE_OSX_ARCHITECTURES")
    running = archmod.parse(ctx.facts.interpreter.mac_machine) or archmod.parse(ctx.facts.host.arch or "")
    if cmake and {archmod.parse(x) for x in re.split(r"[;,\s]+", cmake) if x} != wanted:
        ctx.set("CMAKE_OSX_ARCHITECTURES", ";".join(sorted(slices)), f"{cmake} is not the target's {wheel_arch}",
                "cmake")
    elif not cmake and (wanted != {running}) and ctx.kind in CMAKE_KINDS | {"setuptools-ext", "native"}:
        ctx.set("CMAKE_OSX_ARCHITECTURES", ";".join(sorted(slices)),
                "CMake reads its own setting, not ARCHFLAGS; without it CMake builds for the running "
                f"{running.name if running else 'arch'} (toolchains/cross.toml [cmake])", "cmake")
    m = re.match(r"macosx_(\d+)_(\d+)_", t.platform_tag)
    if m:
        ctx.set("_PYTHON_HOST_PLATFORM", f"macosx-{m.group(1)}.{m.group(2)}-{wheel_arch}",
                f"tags the wheel {t.platform_tag}, whatever the process's view of the CPU", "macos")


def _linux(ctx: _Ctx, devshell: DevShellEnv | None) -> None:
    host = archmod.parse(ctx.facts.host.arch or "")
    t = ctx.target
    if t.cross and t.build is not None:
        _linux_cross(ctx, t.build.arch)
        return
    if host is not None and host.compat32 == ctx.arch.name and not ctx.env.get("_PYTHON_HOST_PLATFORM"):
        # sysconfig.get_platform() takes the machine from the (64-bit) kernel: tag for the userland instead.
        ctx.set("_PYTHON_HOST_PLATFORM", f"linux-{ctx.arch.wheel.get('linux', ctx.arch.name)}",
                f"this {ctx.arch.name} Python runs on a {host.name} kernel, and backends that tag from "
                "sysconfig.get_platform() would say linux_" + host.wheel.get("linux", host.name) + " (the same as "
                "running under `linux32`; toolchains/cross.toml [linux32])", "c")
    elif host is not None and host != ctx.arch and host.compat32 != ctx.arch.name:
        ctx.notes.append(f"the interpreter is {ctx.arch.name} but this machine is {host.name}: compilers run "
                         f"natively and build for {host.name}; set CC/CXX to a {ctx.arch.name} cross compiler")


def _linux_cross(ctx: _Ctx, build: archmod.Arch) -> None:
    """A deliberate Linux cross build: the cross gcc, the target's platform and sysconfig data (crossenv-style)."""
    t = ctx.target
    cc = _cross_compiler(ctx)
    if cc is None:
        ctx.notes.append(f"no C compiler for {t.arch.name} on PATH: C code cannot be built (check names the packages)")
        return
    prefix = cc[: -len("-gcc")] if cc.endswith("-gcc") else None
    if not any(ctx.env.get(n) and named_arch(ctx.env[n]) == t.arch for n in ("CC",)):
        ctx.set("CC", cc, f"the {t.arch.name} cross compiler", "c")
    if prefix and not (ctx.env.get("CXX") and named_arch(ctx.env["CXX"]) == t.arch):
        ctx.set("CXX", f"{prefix}-g++", f"the {t.arch.name} cross compiler (C++)", "c")
    wheel_arch = t.arch.wheel.get("linux", t.arch.name)
    ctx.set("_PYTHON_HOST_PLATFORM", f"linux-{wheel_arch}",
            f"sysconfig.get_platform(), and so the wheel's tag, says linux_{wheel_arch}", "c")
    plan = sysconfig_plan(build.name, t.arch.name) if build.bits == t.arch.bits else None
    if plan is not None and ctx.kind in C_KINDS | CMAKE_KINDS | {"native"}:
        ctx.sysconfig = plan
        ctx.set("_PYTHON_SYSCONFIGDATA_NAME", BUILD_SYSCONFIG_NAME,
                f"the target's sysconfig data (crossenv-style): EXT_SUFFIX {t.ext_suffix}, the cross compilers", "c")
        ctx.set("PYTHONPATH", BUILD_SYSCONFIG, "where that sysconfig module is (inside the staging folder)", "c")
    if ctx.kind in CMAKE_KINDS | {"native"}:
        from .._data import table

        args = [a for a in ctx.env.get("CMAKE_ARGS", "").split() if not a.startswith(
            ("-DCMAKE_SYSTEM_NAME", "-DCMAKE_SYSTEM_PROCESSOR", "-DCMAKE_C_COMPILER", "-DCMAKE_CXX_COMPILER"))]
        processor = t.arch.marker_machine.get("linux", t.arch.name)
        args += ["-DCMAKE_SYSTEM_NAME=Linux", f"-DCMAKE_SYSTEM_PROCESSOR={processor}",
                 f"-DCMAKE_C_COMPILER={cc}"]
        if prefix:
            args.append(f"-DCMAKE_CXX_COMPILER={prefix}-g++")
        ctx.set("CMAKE_ARGS", " ".join(args), "CMake cross-compiles only when CMAKE_SYSTEM_NAME is set; "
                f"CMAKE_SYSTEM_PROCESSOR names the target CPU ({table('cross')['cmake']['system_processor_source']})",
                "cmake")


def _isolation(ctx: _Ctx, isolated: bool) -> None:
    layer = "isolation"
    planned = {c.name for c in ctx.changes}
    for name in ("PYTHONHOME", "_PYTHON_SYSCONFIGDATA_NAME", "PIP_USER", "PIP_TARGET", "PIP_PREFIX"):
        if name not in planned:
            ctx.unset(name, "would point the backend's interpreter or installer somewhere else", layer)
    for name in ("TEMP", "TMP") if ctx.target.os == "windows" else ("TMPDIR",):
        ctx.set(name, BUILD_TMP, "temporary files stay in the output folder's staging area, removed afterwards",
                layer)
    if not isolated:
        return
    ctx.changes.append(EnvChange("PATH", "prepend", BUILD_ENV_SCRIPTS,
                                 "the backend finds the build requirements' programs first", layer))
    ctx.set("VIRTUAL_ENV", BUILD_ENV, "the isolated build environment, created from the chosen interpreter", layer)
    ctx.set("PYTHONNOUSERSITE", "1", "user site-packages stay out of the isolated build", layer)
    if "PYTHONPATH" not in planned:
        ctx.unset("PYTHONPATH", "the backend sees only the build environment's packages", layer)
    ctx.unset("CONDA_PREFIX", "a conda prefix would add its own compilers and libraries", layer)


def _secrets(ctx: _Ctx, keep: Sequence[str]) -> None:
    """Tokens and passwords stay with the installer, never with the backend (cargo's own registry
    settings excepted: cargo needs them to fetch crates). `--pass-env NAME` keeps one."""
    from ..machine.redact import REDACTED, is_backend_secret

    kept = {k.upper() for k in keep}
    for name in sorted(ctx.env):
        if name.upper() in kept or name.upper().startswith("CARGO_") or not is_backend_secret(name, ctx.env[name]):
            continue
        ctx._drop(name)
        ctx.changes.append(EnvChange(name, "unset", None, "a secret the backend has no use for "
                                     "(builddoctor build --pass-env NAME keeps it)", "secrets", REDACTED))


def devshell_env(machine: Machine, target: Target) -> dict[str, str | None] | None:
    """What a developer shell for `target` sets (None: removes), from builddoctor.devshell.

    None when there is no such shell to compute (not Windows, no Visual Studio, vcvarsall fails):
    the plan then removes a wrong-arch dev shell and lets the backends find MSVC themselves.
    """
    if target.os != "windows" or machine.os != "windows" or not target.msvc_arch:
        return None
    devshell = importlib.import_module("builddoctor.devshell")
    try:
        env = devshell.prepare(machine, arch=None, vs=None, target=target)
    except UserError:
        return None
    out: dict[str, str | None] = dict(env.changed)
    out.update({name: None for name in env.removed})
    return out
