"""Every fact type, in one place: plain data the probes return. No probe decides anything; rules read these.

Flow: machine (machine/) -> facts (probes/, this file's types) -> target (target.py) -> findings
(rules/) -> report (report.py) or build plan (builder/plan.py).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from . import arch as archmod
from ._data import table

#: characters in one cmd.exe command line (vcvarsall.bat fails past it)
CMD_LIMIT = 8191


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.split("."):
        if not p.isdigit():
            break
        parts.append(int(p))
    return tuple(parts)


@dataclass(frozen=True)
class InterpreterFacts:
    requested: str
    error: str | None = None  # not-found | not-python | unsupported | timeout | broken | store-stub
    error_detail: str = ""
    executable: str = ""
    base_executable: str = ""
    in_venv: bool = False
    version: str = ""
    implementation: str = ""
    sys_version: str = ""
    platform: str = ""  # sysconfig.get_platform()
    soabi: str = ""
    ext_suffix: str = ""
    pointer_bits: int = 0
    free_threaded: bool = False
    sys_platform: str = ""
    markers: dict[str, str] = field(default_factory=dict)
    libc: tuple[str, str] | None = None  # ("glibc", "2.36") | ("musl", "1.2")
    mac_machine: str = ""
    winver: str = ""
    include_dir: str = ""
    has_headers: bool = False
    import_lib: str = ""  # Windows: pythonXY.lib path, "" when missing
    has_import_lib: bool = True
    backends: dict[str, str] = field(default_factory=dict)
    exe_format: str = ""
    exe_arches: tuple[str, ...] = ()  # canonical arch names from the executable's header
    chosen_because: str = ""  # how --python (or its absence) led to this interpreter

    @property
    def usable(self) -> bool:
        return self.error is None

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """(3, 14, 0) for 3.14.0, and for the pre-releases 3.14.0rc2 / 3.14.0b2 / 3.13.0a1+ too."""
        import re

        m = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?", self.version)
        return tuple(int(g) for g in m.groups() if g is not None) if m else ()


@dataclass(frozen=True)
class HostFacts:
    os: str
    arch: str | None  # canonical name of the real CPU architecture
    source: str  # how we know: IsWow64Process2, sysctl, uname ...
    process_view: str = ""  # what the process sees (uname -m / PROCESSOR_ARCHITECTURE)
    translated: bool | None = None  # macOS Rosetta 2
    qemu_binfmt: tuple[str, ...] = ()  # enabled qemu-* binfmt_misc entries (Linux)
    home_shape: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RustFacts:
    rustup: str | None = None  # path
    rustup_version: str = ""
    default_host: str = ""
    active_toolchain: str = ""
    active_reason: str = ""
    toolchains: tuple[str, ...] = ()
    installed_targets: tuple[str, ...] | None = None  # None: unknown (no rustup / failed)
    rustc: str | None = None
    rustc_version: str = ""
    rustc_host: str = ""
    rustc_error: str = ""
    cargo: str | None = None
    cargo_version: str = ""
    cargo_build_target: str = ""  # CARGO_BUILD_TARGET
    config_targets: tuple[tuple[str, str], ...] = ()  # (config file, build.target)
    linkers: tuple[tuple[str, str], ...] = ()  # (triple, linker) from env/config
    project_toolchain: str = ""  # from rust-toolchain(.toml) in the project
    project_toolchain_file: str = ""
    rustup_toolchain_env: str = ""
    off_path_cargo: str = ""  # cargo installed by rustup ($CARGO_HOME/bin) while that folder is not on PATH


@dataclass(frozen=True)
class Dependency:
    requirement: str
    name: str
    marker: str
    marker_vars: tuple[str, ...]
    group: str = ""  # "" for [project].dependencies, else the optional-dependencies / group name


@dataclass(frozen=True)
class ProjectFacts:
    path: str
    error: str = ""
    has_pyproject: bool = False
    has_setup_py: bool = False
    backend: str = ""
    requires: tuple[str, ...] = ()
    kind: str = ""  # maturin | setuptools-rust | scikit-build-core | meson-python | setuptools-ext | pure | unknown
    is_rust: bool = False
    is_c: bool = False
    has_cargo_toml: bool = False
    dependencies: tuple[Dependency, ...] = ()
    pyproject_text: str = ""
    uv_lock_text: str = ""  # the project's uv.lock, read through the seam so replays see it too
    requires_python: str = ""  # [project] requires-python, else PKG-INFO's Requires-Python
    name: str = ""  # [project] name, else PKG-INFO's Name


@dataclass(frozen=True)
class Compiler:
    source: str  # "PATH" or the variable that names it ("CC", "CC_aarch64_pc_windows_msvc" ...)
    command: str  # as written (a name on PATH, or the variable's value)
    path: str | None = None  # the program that runs
    kind: str = ""  # gcc | clang | clang-cl | msvc | unknown
    target: str = ""  # triple, or cl.exe's target word (x64, ARM64 ...)
    arch: str | None = None  # canonical arch of `target`
    version: str = ""
    error: str = ""  # why no target could be read ("" when it could)


@dataclass(frozen=True)
class CFacts:
    env: dict[str, str] = field(default_factory=dict)  # CC, CXX and the flag variables that are set
    ccrs_env: dict[str, str] = field(default_factory=dict)  # CC_<triple>, TARGET_CC ... as set
    compilers: tuple[Compiler, ...] = ()
    flag_arches: tuple[tuple[str, str, str | None], ...] = ()  # (variable, spelling, canonical arch)
    cargo_lock: str = ""  # the project's Cargo.lock, "" when there is none
    crates: tuple[tuple[str, str], ...] = ()  # (name, version) of locked crates that matter to C builds
    path_entries: int = 0
    path_too_long: bool = False  # over cmd.exe's 8191 characters (vcvarsall.bat then fails)
    path_empty: int = 0  # empty or relative PATH entries (they mean "the current folder" to some tools)
    path_quoted: tuple[str, ...] = ()  # PATH entries written with quotes around them
    path_duplicates: int = 0


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


def has_tools(install: VsInstall, arch: archmod.Arch) -> bool | None:
    """Whether an installation has the MSVC compilers for `arch` (None: components unknown)."""
    component = table("msvc")["components"]["tools"].get(arch.name)
    if component is None:
        return False
    if not install.packages_listed:
        return None
    return component in install.components


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


@dataclass(frozen=True)
class CMakeFacts:
    cmake: str | None = None  # what PATH finds
    version: str = ""  # "" when unknown
    error: str = ""
    binary: str = ""  # the real program whose header was read (pip's cmake is a wrapper script)
    binary_format: str = ""
    binary_arches: tuple[str, ...] = ()
    ninja: str | None = None
    ninja_version: str = ""
    generator: str = ""  # CMAKE_GENERATOR
    generator_platform: str = ""  # CMAKE_GENERATOR_PLATFORM
    cmake_args: str = ""  # CMAKE_ARGS (scikit-build-core, setuptools-cmake ...)
    osx_architectures: str = ""  # CMAKE_OSX_ARCHITECTURES
    args_platform: str = ""  # -A / -DCMAKE_GENERATOR_PLATFORM= inside CMAKE_ARGS
    args_osx_architectures: str = ""  # -DCMAKE_OSX_ARCHITECTURES= inside CMAKE_ARGS


@dataclass(frozen=True)
class Facts:
    os: str
    interpreter: InterpreterFacts
    host: HostFacts
    rust: RustFacts
    project: ProjectFacts | None
    cc: CFacts = field(default_factory=CFacts)
    msvc: MsvcFacts = field(default_factory=MsvcFacts)
    cmake: CMakeFacts = field(default_factory=CMakeFacts)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
