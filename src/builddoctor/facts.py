"""Plain data the probes return. No probe decides anything; rules read these."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


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

    @property
    def usable(self) -> bool:
        return self.error is None

    @property
    def version_tuple(self) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in self.version.split(".")[:3])
        except ValueError:
            return ()


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


@dataclass(frozen=True)
class Facts:
    os: str
    interpreter: InterpreterFacts
    host: HostFacts
    rust: RustFacts
    project: ProjectFacts | None
    cc: Any = None  # CFacts (issue 3)
    msvc: Any = None  # MsvcFacts (issue 3)
    cmake: Any = None  # CMakeFacts (issue 3)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
