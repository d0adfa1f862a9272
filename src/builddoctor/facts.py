"""Every fact type, in one place: plain data the probes return. No probe decides anything; rules read these.

Flow: machine (machine/) -> facts (probes/, this file's types) -> target (target.py) -> findings
(rules/) -> report (report.py) or build plan (builder/plan.py).
"""
from __future__ import annotations

from . import arch as archmod
from ._data import table
from ._record import asdict, field, record

#: characters in one cmd.exe command line (vcvarsall.bat fails past it)
CMD_LIMIT = 8191


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _lead_digits(text: str) -> str:
    """The ASCII digits `text` starts with ("0rc2" -> "0")."""
    end = 0
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return text[:end]


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.split("."):
        if not p.isdigit():
            break
        parts.append(int(p))
    return tuple(parts)


@record
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
    build_vars: dict[str, str] = field(default_factory=dict)  # sysconfig CC, CXX, LDSHARED, AR, INCLUDEPY ...
    chosen_because: str = ""  # how --python (or its absence) led to this interpreter

    @property
    def usable(self) -> bool:
        return self.error is None

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """(3, 14, 0) for 3.14.0, and for the pre-releases 3.14.0rc2 / 3.14.0b2 / 3.13.0a1+ too."""
        parts = self.version.split(".", 3)
        if len(parts) < 2 or not _digits(parts[0]) or not _lead_digits(parts[1]):
            return ()
        minor = _lead_digits(parts[1])
        out: tuple[int, ...] = (int(parts[0]), int(minor))
        if len(parts) > 2 and minor == parts[1] and _lead_digits(parts[2]):
            out += (int(_lead_digits(parts[2])),)
        return out


@record
class HostFacts:
    os: str
    arch: str | None  # canonical name of the real CPU architecture
    source: str  # how we know: IsWow64Process2, sysctl, uname ...
    process_view: str = ""  # what the process sees (uname -m / PROCESSOR_ARCHITECTURE)
    translated: bool | None = None  # macOS Rosetta 2
    qemu_binfmt: tuple[str, ...] = ()  # enabled qemu-* binfmt_misc entries (Linux)
    home_shape: dict[str, object] = field(default_factory=dict)
    date: str = ""  # the day it was looked at (YYYY-MM-DD, UTC; a snapshot's recording day); "" unknown


@record
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


@record
class Dependency:
    requirement: str
    name: str
    marker: str
    marker_vars: tuple[str, ...]
    group: str = ""  # "" for [project].dependencies, else the optional-dependencies / group name


@record
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


@record
class Compiler:
    source: str  # "PATH" or the variable that names it ("CC", "CC_aarch64_pc_windows_msvc" ...)
    command: str  # as written (a name on PATH, or the variable's value)
    path: str | None = None  # the program that runs
    kind: str = ""  # gcc | clang | clang-cl | msvc | unknown
    target: str = ""  # triple, or cl.exe's target word (x64, ARM64 ...)
    arch: str | None = None  # canonical arch of `target`
    version: str = ""
    error: str = ""  # why no target could be read ("" when it could)


@record
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


@record
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


@record
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


@record
class MsvcFacts:
    applicable: bool = False  # only Windows has Visual Studio
    vswhere: str = ""
    vswhere_state: str = ""  # missing | ok | unparseable | failed
    vswhere_detail: str = ""
    installer: str = ""  # the Visual Studio Installer's setup.exe (for fix commands)
    installs: tuple[VsInstall, ...] = ()
    devshell: DevShell = field(default_factory=DevShell)


@record
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


@record
class LogEvidence:
    """Where each fact read from a build log came from: fact path -> (line number, excerpt).

    Paths name the fact the same way the JSON report does ("interpreter.exe_arches",
    "rust.rustc_host", "log.rust_target" ...). Excerpts are redacted and at most 200 characters.
    """

    facts: dict[str, tuple[int, str]] = field(default_factory=dict)

    def at(self, path: str) -> tuple[int, str] | None:
        return self.facts.get(path)


@record
class LinkProblem:
    """A linker refusing an input built for another machine (LNK1112, GNU ld, Apple ld)."""

    kind: str  # lnk1112 | elf | macho
    obj: str  # the object or library it names ("" when the line does not)
    obj_arch: str | None  # canonical arch of that input
    link_arch: str | None  # canonical arch the link produces (None: the linker's default)
    line: int
    excerpt: str


@record
class LogSignature:
    """A line of the log matching a known problem's symptom (toolchains/known-problems.toml)."""

    problem: str  # knowledge id
    line: int
    excerpt: str
    count: int = 1


@record
class LogFacts:
    """What only a build's log says: what the failed build really did. Empty when there is no log."""

    source: str = ""  # the log's name ("" = no log)
    lines: int = 0
    rust_target: str = ""  # the triple cargo built for (TARGET of build scripts, --target)
    rust_host: str = ""  # HOST of build scripts: the triple of the rustc that ran
    rust_toolchain: str = ""  # the rustup toolchain that ran
    compilers: tuple[Compiler, ...] = ()  # compilers that ran, in order (source = "log line N")
    arch_flags: tuple[tuple[str, str | None], ...] = ()  # (-arch value, canonical arch) on compile lines
    links: tuple[LinkProblem, ...] = ()
    signatures: tuple[LogSignature, ...] = ()
    tools: dict[str, str] = field(default_factory=dict)  # tool or crate -> version the build used
    backend: str = ""  # PEP 517 backend module
    package: str = ""  # the distribution being built
    package_version: str = ""
    sdist: str = ""  # the sdist it was built from
    interpreter_key: str = ""  # uv's key of the interpreter, when the log names it
    interpreter_known: bool = False  # the log names the interpreter's architecture
    os_known: bool = False  # the log says which OS it ran on (else Facts.os is a placeholder)
    msvc_tools: tuple[tuple[str, str | None], ...] = ()  # (what the log shows, canonical target arch)
    cmake_generator: str = ""
    cmake_platform: str = ""
    project_mentions: tuple[tuple[str, int, str], ...] = ()  # (file, line, text) naming a wrong compiler
    planned_cc: str = ""  # builddoctor build: the C compiler the plan gave the backend
    evidence: LogEvidence = field(default_factory=LogEvidence)

    @property
    def present(self) -> bool:
        return bool(self.source)


@record
class Facts:
    os: archmod.OSName
    interpreter: InterpreterFacts
    host: HostFacts
    rust: RustFacts
    project: ProjectFacts | None
    cc: CFacts = field(default_factory=CFacts)
    msvc: MsvcFacts = field(default_factory=MsvcFacts)
    cmake: CMakeFacts = field(default_factory=CMakeFacts)
    tools: ToolFacts = field(default_factory=lambda: ToolFacts())  # noqa: PLW0108 - defined below
    log: LogFacts = field(default_factory=LogFacts)
    cross: CrossFacts = field(default_factory=lambda: CrossFacts())  # noqa: PLW0108 - defined below
    binaries: BinaryFacts = field(default_factory=lambda: BinaryFacts())  # noqa: PLW0108 - defined below
    toolchain: ToolchainFacts = field(default_factory=lambda: ToolchainFacts())  # noqa: PLW0108 (defined below)
    native_libs: NativeLibFacts = field(default_factory=lambda: NativeLibFacts())  # noqa: PLW0108 (defined below)
    crates: CrateFacts = field(default_factory=lambda: CrateFacts())  # noqa: PLW0108 (defined below)
    path: PathFacts = field(default_factory=lambda: PathFacts())  # noqa: PLW0108 (defined below)
    wheels: WheelFacts = field(default_factory=lambda: WheelFacts())  # noqa: PLW0108 (defined below)

    def to_json(self) -> dict[str, object]:
        return {key: _jsonable(value) for key, value in asdict(self).items()}


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@record
class ToolVersion:
    """One tool the build will run, with the version that will run and where that version comes from."""

    name: str  # maturin, setuptools, pyo3, cmake, rustc, pip ...
    version: str  # "" when unknown
    source: str  # "installed", "resolved from maturin>=1.3.2", "Cargo.lock", "assumed: ...", "PATH" ...
    role: str  # backend | build-requires | crate | toolchain | frontend
    requirement: str = ""  # the project's own requirement on it (build-system.requires / Cargo.toml)


@record
class ToolFacts:
    """The tools a build of the project will really run (see probes/tools.py)."""

    isolated: bool = True  # a PEP 517 frontend installs build-system.requires into a fresh environment
    index: str = ""  # the index versions were resolved against ("" offline)
    items: tuple[ToolVersion, ...] = ()
    abi3: bool | None = None  # the project builds for the stable ABI (None: unknown)
    abi3_versioned: bool | None = None  # ... with a minimum version (pyo3 `abi3-py3X`, `py-api = "cp3X"`)
    abi3_features: tuple[str, ...] = ()  # the spellings found (pyo3/abi3-py38, py_limited_api=cp39 ...)
    cargo_manifest: str = ""  # the Cargo.toml the build uses ("" none)
    cargo_lock: str = ""  # the Cargo.lock read ("" none)
    rust_version: str = ""  # [package] rust-version of that Cargo.toml

    def get(self, name: str) -> ToolVersion | None:
        return next((t for t in self.items if t.name == name), None)

    @property
    def backend(self) -> ToolVersion | None:
        return next((t for t in self.items if t.role == "backend"), None)


# --- deliberate cross builds and emulated tools (probes/cross.py) ------------------------------

@record
class CrossFacts:
    """The settings cross-build tools set, read as they are (target.py decides what they mean)."""

    settings: tuple[tuple[str, str], ...] = ()  # (variable, value) of toolchains/cross.toml [settings] that are set
    plat_name: str = ""  # plat_name in the DIST_EXTRA_CONFIG file, when there is one
    pyo3: tuple[tuple[str, str], ...] = ()  # PYO3_CROSS* / PYO3_CONFIG_FILE that are set
    compilers: tuple[Compiler, ...] = ()  # Debian-style cross gcc (<prefix>-gcc) found on PATH, Linux only
    #: (compiler command, whether it finds its C library's crti.o: `gcc -print-file-name=crti.o`)
    libc_found: tuple[tuple[str, bool], ...] = ()


@record
class ToolBinary:
    name: str  # uv, rustc, cargo, ninja, clang, cl.exe, link.exe
    path: str  # the program that really runs (rustup's proxies resolved to the toolchain binary)
    format: str = ""
    arches: tuple[str, ...] = ()


@record
class BinaryFacts:
    tools: tuple[ToolBinary, ...] = ()
    cpuinfo_family: str = ""  # the CPU family /proc/cpuinfo has the shape of (toolchains/cross.toml [cpuinfo])
    auxv_word_bits: int = 0  # 32 or 64: the word size of /proc/self/auxv entries (builddoctor's own process)
# -- failure classes beyond architecture (issue 13) ----------------------------------------------

@record
class BuildTool:
    """A program the interpreter's sysconfig names (CC, LDSHARED, AR ...), resolved on this machine."""

    var: str  # CC | CXX | LDSHARED | AR
    command: str  # the value that applies (the environment's when set, else sysconfig's)
    program: str  # its first word, the program that runs
    path: str | None  # where PATH (or the absolute value) finds it; None: missing
    from_env: bool = False  # the environment variable overrides sysconfig


@record
class WindowsSdk:
    version: str  # 10.0.26100.0
    kernel32: tuple[str, ...] = ()  # arches whose um\<arch>\kernel32.lib exists
    ucrt: tuple[str, ...] = ()  # arches whose ucrt\<arch>\ucrt.lib exists


@record
class ToolchainFacts:
    """Is the toolchain the interpreter's build machinery will call really here (issue 13, class 1)."""

    distro: str = ""  # /etc/os-release ID (debian, ubuntu, fedora, alpine, arch ...); "macos"/"windows" elsewhere
    distro_like: tuple[str, ...] = ()  # ID_LIKE
    distro_version: str = ""  # VERSION_ID
    build_vars: dict[str, str] = field(default_factory=dict)  # sysconfig CC, CXX, LDSHARED, AR, INCLUDEPY ...
    tools: tuple[BuildTool, ...] = ()
    python_h: bool | None = None  # Python.h under INCLUDEPY (None: unknown)
    include_dir: str = ""
    managed_by: str = ""  # uv | pyenv | conda | system | "" (who installed the interpreter)
    # Windows
    sdk_root: str = ""  # ...\Windows Kits\10 ("" when missing)
    sdks: tuple[WindowsSdk, ...] = ()
    # macOS
    clt: bool | None = None  # xcrun finds an SDK (Command Line Tools or Xcode)
    sdk_path: str = ""
    sdk_version: str = ""
    deployment_target: str = ""  # MACOSX_DEPLOYMENT_TARGET (environment, else sysconfig)


@record
class NativeLib:
    key: str  # a key of toolchains/native-libs.toml (openssl, zlib, sqlite3 ...)
    source: str  # what asks for it: "Cargo.lock openssl-sys 0.9.103", "meson.build dependency('zlib')"
    pc_name: str  # the pkg-config module looked up
    vendored: bool = False  # the crate builds its own copy (vendored/bundled feature): no system library needed
    env_dir: str = ""  # OPENSSL_DIR-like variable that points at the library ("" when unset)
    found: bool | None = None  # pkg-config --modversion answered (None: not asked)
    version: str = ""
    error: str = ""
    libdir: str = ""
    lib_arches: tuple[str, ...] = ()  # arch of the library file in libdir (macOS/Linux), () unknown


@record
class NativeLibFacts:
    needed: bool = False  # the project asks for at least one system library
    pkg_config: str | None = None  # path of pkg-config (or pkgconf)
    pkg_config_version: str = ""
    env: dict[str, str] = field(default_factory=dict)  # PKG_CONFIG_PATH, PKG_CONFIG_LIBDIR, OPENSSL_DIR, VCPKG_ROOT ...
    libs: tuple[NativeLib, ...] = ()


@record
class CrateFacts:
    """The project's Rust package: its minimum Rust, edition, locked crates and the PyO3 it uses."""

    manifest: str = ""  # Cargo.toml path ("" without one)
    package: str = ""
    rust_version: str = ""  # package.rust-version (workspace's when inherited)
    edition: str = ""
    locked: tuple[tuple[str, str], ...] = ()  # every (name, version) in Cargo.lock
    crate_minimums: tuple[tuple[str, str, str], ...] = ()  # (name, version, rust-version) of locked crates on disk
    pyo3_features: tuple[str, ...] = ()  # features the project enables on pyo3 / pyo3-ffi
    maturin_features: tuple[str, ...] = ()  # [tool.maturin] features
    py_limited_api: str = ""  # setuptools: py_limited_api from setup.py / setup.cfg / pyproject ("" unset)


@record
class PathProgram:
    name: str
    candidates: tuple[str, ...] = ()  # every match on PATH, in order
    arches: tuple[tuple[str, ...], ...] = ()  # header arches of the first candidate, and of the later ones
    # when the first is foreign to the machine (one entry per candidate read, in order)
    banner: str = ""  # first line of `<first> --version` when it was asked (link)


@record
class PathFacts:
    entries: tuple[str, ...] = ()
    programs: tuple[PathProgram, ...] = ()


@record
class WheelVerdict:
    """What `why` decided for one dependency (check --index; offline verdicts come from uv.lock)."""

    name: str
    version: str
    outcome: str  # wheel | sdist | source | none
    code: str
    reason: str
    available: tuple[str, ...] = ()
    host_cpu_trap: bool = False
    pruned_by: str = ""
    build_requirement: bool = False  # from [build-system] requires: the build environment installs it


@record
class WheelFacts:
    index: str = ""  # the index asked ("" offline)
    error: str = ""
    verdicts: tuple[WheelVerdict, ...] = ()
