"""End-to-end: build every example in examples/ with the real pypa/build, for two CPythons.

For each (example, CPython) pair this builds an sdist and then a wheel *from that sdist*
(``python -m build`` with no --sdist/--wheel flag does exactly that), in isolated build
environments created by uv for the target CPython, installs the wheel into a throwaway
venv of that CPython, imports it and checks ``add`` and ``arch``.

Each pair is built at most once per session (lazily, on first use) and the wheels land in a
session temp dir. Other e2e tests can reuse them through the ``built_wheels`` fixture::

    def test_something(built_wheels):
        wheel = built_wheels["maturin-pyo3", "3.13.0"]       # pathlib.Path of the .whl
        python = built_wheels.venv_python("3.13.0")          # venv it can be installed into

(Fixtures defined in a test module are only visible in that module: move the fixtures below
into tests/e2e/conftest.py to share them.)

Cost control on a 2-core machine: the Rust examples share one CARGO_TARGET_DIR for the whole
session (so pyo3's proc-macro stack — syn, quote, ... — compiles once; pyo3-ffi/pyo3 rebuild
per CPython anyway), and CARGO_BUILD_JOBS=2.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO / "examples"

# example directory -> (import name, is a Rust project)
EXAMPLES: dict[str, tuple[str, bool]] = {
    "maturin-pyo3": ("hello_maturin", True),
    "setuptools-rust": ("hello_setuptools_rust", True),
    "scikit-build-cmake": ("hello_cmake", False),
    "setuptools-c": ("hello_c", False),
}

PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv"))
PYTHON_VERSIONS = ("3.9.18", "3.13.0")

BUILD_TIMEOUT = 30 * 60

# Variables that would quietly retarget some layer of a build; the test must not inherit them.
_RETARGETING_PREFIXES = ("PYO3_", "MATURIN_", "CARGO_BUILD_TARGET", "CARGO_TARGET_")
_RETARGETING_VARS = {
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "PYTHONPATH",
    "PYTHONHOME",
    "_PYTHON_HOST_PLATFORM",
    "_PYTHON_SYSCONFIGDATA_NAME",
    "SETUPTOOLS_EXT_SUFFIX",
    "CARGO_TARGET_DIR",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CMAKE_ARGS",
    "CC",
    "CFLAGS",
    "LDFLAGS",
    "ARCHFLAGS",
}


def _python_for(version: str) -> Path:
    return PYENV_ROOT / "versions" / version / "bin" / "python"


def _expected_arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64", "i686": "x86", "i386": "x86"}.get(machine, machine)


def _find_uv() -> str | None:
    here = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
    return str(here) if here.exists() else shutil.which("uv")


def _run(cmd: list[str], *, env: dict[str, str], log: Path, timeout: int = BUILD_TIMEOUT) -> str:
    proc = subprocess.run(
        cmd,
        check=False,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    log.write_text(f"$ {' '.join(cmd)}\n{proc.stdout}")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-60:])
        pytest.fail(f"command failed ({proc.returncode}): {' '.join(cmd)}\nlog: {log}\n{tail}", pytrace=False)
    return proc.stdout


class BuiltWheels(Mapping):
    """Lazy, memoised mapping ``(example, python_version) -> wheel path``.

    The first lookup of a pair builds it (sdist, then wheel from the sdist); later lookups are free.
    A pair whose CPython is missing is skipped (pytest.skip), not failed.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._wheels: dict[tuple[str, str], Path] = {}
        self._sdists: dict[tuple[str, str], Path] = {}
        self._venvs: dict[str, Path] = {}
        uv = _find_uv()
        self._uv = uv
        # A bin dir holding only `uv`, so the build env sees uv but not this venv's other tools
        # (notably its `cmake`): scikit-build-core must fetch cmake/ninja itself, as it would for a user.
        self._bin = root / "bin"
        self._bin.mkdir(exist_ok=True)
        if uv is not None and not (self._bin / "uv").exists():
            (self._bin / "uv").symlink_to(uv)
        self.cargo_target_dir = root / "cargo-target"

    # Mapping protocol -------------------------------------------------------
    def __getitem__(self, key: tuple[str, str]) -> Path:
        if key not in self._wheels:
            example, version = key
            if example not in EXAMPLES or version not in PYTHON_VERSIONS:
                raise KeyError(key)
            self._build(example, version)
        return self._wheels[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((e, v) for e in EXAMPLES for v in PYTHON_VERSIONS)

    def __len__(self) -> int:
        return len(EXAMPLES) * len(PYTHON_VERSIONS)

    # Helpers ----------------------------------------------------------------
    def sdist(self, example: str, version: str) -> Path:
        self[example, version]
        return self._sdists[example, version]

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in _RETARGETING_VARS and not k.startswith(_RETARGETING_PREFIXES)
        }
        test_bin = str(Path(sys.executable).parent)
        path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != test_bin]
        env["PATH"] = os.pathsep.join([str(self._bin), *path])
        env["CARGO_TARGET_DIR"] = str(self.cargo_target_dir)
        env["CARGO_BUILD_JOBS"] = "2"
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        return env

    def venv_python(self, version: str) -> Path:
        """A throwaway venv of pyenv's CPython ``version`` with pypa/build installed."""
        if version in self._venvs:
            return self._venvs[version]
        base = _python_for(version)
        if not base.exists():
            pytest.skip(f"CPython {version} not installed at {base}")
        if self._uv is None:
            pytest.skip("uv not found")
        venv = self.root / f"venv-{version}"
        logs = self.root / "logs"
        logs.mkdir(exist_ok=True)
        env = self.env()
        _run(
            [self._uv, "venv", "-q", "--python", str(base), str(venv)],
            env=env,
            log=logs / f"venv-{version}.log",
        )
        py = venv / "bin" / "python"
        _run(
            [self._uv, "pip", "install", "-q", "--python", str(py), "build>=1.2"],
            env=env,
            log=logs / f"venv-{version}-build.log",
        )
        self._venvs[version] = py
        return py

    def _build(self, example: str, version: str) -> None:
        py = self.venv_python(version)
        out = self.root / "dist" / f"{example}-py{version}"
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        # Copy the example so nothing is written into the repo (build/, *.egg-info, target/).
        src = self.root / "src" / f"{example}-py{version}"
        if src.exists():
            shutil.rmtree(src)
        shutil.copytree(
            EXAMPLES_DIR / example, src, ignore=shutil.ignore_patterns("target", "build", "*.egg-info")
        )
        # No --sdist/--wheel: pypa/build makes the sdist, then builds the wheel from the unpacked sdist.
        _run(
            [str(py), "-m", "build", "--installer", "uv", "--outdir", str(out), str(src)],
            env=self.env(),
            log=self.root / "logs" / f"build-{example}-py{version}.log",
        )
        wheels = sorted(out.glob("*.whl"))
        sdists = sorted(out.glob("*.tar.gz"))
        assert len(wheels) == 1, f"expected one wheel in {out}, got {wheels}"
        assert len(sdists) == 1, f"expected one sdist in {out}, got {sdists}"
        self._wheels[example, version] = wheels[0]
        self._sdists[example, version] = sdists[0]


@pytest.fixture(scope="session")
def built_wheels(tmp_path_factory: pytest.TempPathFactory) -> BuiltWheels:
    if shutil.which("cargo") is None:
        pytest.skip("cargo not found")
    return BuiltWheels(tmp_path_factory.mktemp("examples-e2e"))


_installed: set[tuple[str, str]] = set()


def _install_and_probe(built_wheels: BuiltWheels, example: str, version: str) -> dict:
    wheel = built_wheels[example, version]
    py = built_wheels.venv_python(version)
    module = EXAMPLES[example][0]
    env = built_wheels.env()
    logs = built_wheels.root / "logs"
    if (example, version) not in _installed:
        _run(
            [
                built_wheels._uv,
                "pip",
                "install",
                "-q",
                "--reinstall",
                "--no-deps",
                "--python",
                str(py),
                str(wheel),
            ],
            env=env,
            log=logs / f"install-{example}-py{version}.log",
            timeout=300,
        )
        _installed.add((example, version))
    probe = (
        "import json, sys, sysconfig, importlib; m = importlib.import_module(sys.argv[1]); "
        "print(json.dumps({'add': m.add(2, 3), 'arch': m.arch(), 'file': m.__file__, "
        "'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'), 'version': list(sys.version_info[:3])}))"
    )
    # Run from the temp root so the repo's examples/ can never shadow the installed module.
    proc = subprocess.run(
        [str(py), "-c", probe, module],
        check=False,
        env=env,
        cwd=built_wheels.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("version", PYTHON_VERSIONS)
@pytest.mark.parametrize("example", list(EXAMPLES))
def test_example_builds_installs_and_runs(built_wheels: BuiltWheels, example: str, version: str) -> None:
    wheel = built_wheels[example, version]
    major, minor = version.split(".")[:2]
    tag = f"cp{major}{minor}"
    # Version-specific (no abi3) wheel for this exact CPython and this machine.
    assert re.search(rf"-{tag}-{tag}-linux_{re.escape(platform.machine())}\.whl$", wheel.name), wheel.name

    result = _install_and_probe(built_wheels, example, version)
    assert result["add"] == 5
    assert result["arch"] == _expected_arch()  # "x86_64" on this machine
    assert result["version"][:2] == [int(major), int(minor)]
    # The compiled module in the wheel has exactly the suffix the target CPython imports.
    with zipfile.ZipFile(wheel) as zf:
        ext_modules = [n for n in zf.namelist() if n.endswith((".so", ".pyd"))]
    assert ext_modules, f"no compiled module in {wheel.name}"
    assert all(n.endswith(result["ext_suffix"]) for n in ext_modules), (ext_modules, result["ext_suffix"])


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_sdist_is_self_contained(built_wheels: BuiltWheels, example: str) -> None:
    """The sdist carries everything the wheel build needs (the wheel above was built from it)."""
    version = PYTHON_VERSIONS[-1]
    sdist = built_wheels.sdist(example, version)
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert "pyproject.toml" in names
    if EXAMPLES[example][1]:
        assert {"Cargo.toml", "Cargo.lock", "src/lib.rs"} <= names, sorted(names)
