"""End-to-end: `builddoctor build` on real sdists, and on broken projects, as a user runs it.

Each example in examples/ is packed as an sdist (uv build --sdist), then built with
`builddoctor build <sdist> --python <CPython>` for CPython 3.9 and 3.13; the wheel is installed into
a fresh venv of that CPython, imported and run. The catalogue rows of bad-inputs.md (B1, B4-B6, B8, B14,
C1, D1, D3, D6 ...) are in tests/test_bad_inputs.py; the broken projects here (a backend failure, a wheel
whose binary does not match its tag) use tiny in-tree backends, so they need no network or compiler.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import IN_TREE, ROOT, Run, backend_project, cpython, need_tool, run_cli

pytestmark = pytest.mark.e2e

EXAMPLES = {  # folder -> module
    "maturin-pyo3": "hello_maturin",
    "setuptools-rust": "hello_setuptools_rust",
    "scikit-build-cmake": "hello_cmake",
    "setuptools-c": "hello_c",
}
VERSIONS = ("3.9.18", "3.13.0")
BUILD_TIMEOUT = 30 * 60
_RETARGETING = ("PYO3_", "MATURIN_", "CARGO_BUILD_TARGET", "VIRTUAL_ENV", "_PYTHON_HOST_PLATFORM", "CC", "CFLAGS",
                "ARCHFLAGS", "CMAKE_ARGS")


def uv() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            pytest.skip("uv is not installed")
        return found


def clean_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_RETARGETING)}
    env["CARGO_TARGET_DIR"] = str(root / "cargo-target")  # pyo3's proc-macro stack compiles once
    env["CARGO_BUILD_JOBS"] = "2"
    return env


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("build-command")


_sdists: dict[str, Path] = {}


def sdist_of(work: Path, example: str) -> Path:
    if example not in _sdists:
        src = work / "src" / example
        shutil.copytree(ROOT / "examples" / example, src, ignore=shutil.ignore_patterns("target", "build", "dist",
                                                                                          "*.egg-info"))
        subprocess.run([uv(), "build", "--sdist", "-q", "-o", str(work / "sdist" / example), str(src)], check=True,
                       env=clean_env(work), timeout=600)
        found = list((work / "sdist" / example).glob("*.tar.gz"))
        assert len(found) == 1, found
        _sdists[example] = found[0]
    return _sdists[example]


def build(*args: str, env: dict[str, str] | None = None, timeout: float = BUILD_TIMEOUT) -> Run:
    return run_cli("build", *args, env=env, timeout=timeout)


def one_error_line(run: Run) -> str:
    """The run failed with exactly one 'builddoctor: error:' line and no traceback; that line."""
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("builddoctor: error: ")]
    assert len(errors) == 1, run.stderr
    return errors[0]


def no_staging_left(outdir: Path) -> None:
    assert not list(outdir.glob(".builddoctor-tmp-*")) if outdir.is_dir() else True


# --- the examples, from sdist, for two CPythons ------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("example", list(EXAMPLES))
def test_example_sdist_builds_installs_imports_and_runs(work: Path, example: str, version: str) -> None:
    if example in ("maturin-pyo3", "setuptools-rust") and shutil.which("cargo") is None:
        pytest.skip("cargo not found")
    python = cpython(version)
    sdist = sdist_of(work, example)
    out = work / "wheels" / f"{example}-{version}"
    env = clean_env(work)
    run = build(str(sdist), "--python", str(python), "--outdir", str(out), env=env)
    assert run.returncode == 0, run.stderr[-4000:]
    [wheel] = list(out.glob("*.whl"))
    assert run.stdout.startswith(str(wheel)) and " built in " in run.stdout
    no_staging_left(out)
    tag = "cp" + "".join(version.split(".")[:2])
    assert wheel.name.endswith(f"-{tag}-{tag}-linux_{platform.machine()}.whl"), wheel.name

    venv = work / "venvs" / f"{example}-{version}"
    subprocess.run([uv(), "venv", "-q", "--python", str(python), str(venv)], check=True, env=env, timeout=300)
    subprocess.run([uv(), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)],
                   check=True, env=env, timeout=300)
    probe = ("import json, sys, importlib; m = importlib.import_module(sys.argv[1]); "
             "print(json.dumps({'add': m.add(2, 3), 'arch': m.arch(), 'file': m.__file__}))")
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", probe, EXAMPLES[example]], cwd=work,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["add"] == 5
    assert result["arch"] == {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(),
                                                                        platform.machine())
    assert str(venv) in result["file"]  # the installed module, not a copy from the source tree


def test_rust_builds_are_forced_to_the_interpreters_target(work: Path) -> None:
    if shutil.which("cargo") is None:
        pytest.skip("cargo not found")
    python = cpython("3.13")
    run = build(str(sdist_of(work, "maturin-pyo3")), "--python", str(python), "--print-env", "--json",
                timeout=120)
    # --print-env reads a folder: an sdist is unpacked into the output folder's staging area first
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    triple = doc["target"]["rust_triple"]
    assert {c["name"]: c["value"] for c in doc["env"]}["CARGO_BUILD_TARGET"] == triple
    assert doc["config_settings"][0]["value"] == f"--target {triple}"
    no_staging_left(sdist_of(work, "maturin-pyo3").parent)


@pytest.mark.parametrize(("example", "stale"), [
    ("setuptools-c", {"CC": "aarch64-linux-gnu-gcc", "CFLAGS": "-O2 -m32"}),
    ("maturin-pyo3", {"CARGO_BUILD_TARGET": "aarch64-unknown-linux-gnu",
                      "MATURIN_PEP517_ARGS": "--features pyo3/extension-module"}),  # kept; --target added
])
def test_settings_left_for_another_arch_do_not_reach_the_build(work: Path, tmp_path: Path, example: str,
                                                                stale: dict[str, str]) -> None:
    """What makes `pip wheel` produce an aarch64 .so in an x86_64 wheel is overridden for the child build."""
    if platform.machine() != "x86_64" or (example == "maturin-pyo3" and shutil.which("cargo") is None):
        pytest.skip("needs an x86_64 machine (and cargo)")
    if stale.get("CC"):
        need_tool(stale["CC"], tmp_path)  # preflight must see a working cross compiler to judge it
    run = build(str(sdist_of(work, example)), "--python", str(cpython("3.13")), "-o", str(tmp_path),
                env={**clean_env(work), **stale})
    assert run.returncode == 0, run.stderr[-3000:]
    [wheel] = list(tmp_path.glob("*.whl"))
    assert wheel.name.endswith("-linux_x86_64.whl")


@pytest.mark.parametrize("how", [("--installer", "pip"), ("--no-isolation",)])
def test_without_uv_pip_fills_the_environment_and_no_isolation_uses_the_interpreters_own(
        work: Path, tmp_path: Path, how: tuple[str, ...]) -> None:
    if how[0] == "--no-isolation":
        pytest.importorskip("setuptools", reason="--no-isolation needs setuptools in the interpreter")
    python = cpython("3.13") if how[0] == "--installer" else Path(sys.executable)
    run = build(str(sdist_of(work, "setuptools-c")), "--python", str(python), "-o", str(tmp_path), *how,
                env=clean_env(work))
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(list(tmp_path.glob("*.whl"))) == 1
    no_staging_left(tmp_path)


def test_the_next_build_runs_the_backend_from_the_bytecode_the_last_one_compiled(work: Path, tmp_path: Path) -> None:
    """builder/bytecode.py: the second build's hooks use the setuptools bytecode the first one wrote (had
    they compiled it again, its files would be new ones); --no-cache neither reads nor writes it."""
    sdist, python = sdist_of(work, "setuptools-c"), cpython("3.13")
    env = {**clean_env(work), "BUILDDOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONDONTWRITEBYTECODE"] = ""  # empty is unset for Python: bytecode is written, as most users run it

    def stored() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(tmp_path / "cache")): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in (tmp_path / "cache").glob("build-bytecode/*/**/setuptools/**/*.pyc")}

    first = build(str(sdist), "--python", str(python), "-o", str(tmp_path / "one"), env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    kept = stored()
    assert any(name.endswith("setuptools/__pycache__/build_meta.cpython-313.pyc") for name in kept), sorted(kept)[:5]

    second = build(str(sdist), "--python", str(python), "-o", str(tmp_path / "two"), env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert stored() == kept  # used as they were: not one of them compiled again
    assert len(list((tmp_path / "cache" / "build-bytecode").iterdir())) == 1

    (tmp_path / "empty").mkdir()
    cold = build(str(sdist), "--python", str(python), "-o", str(tmp_path / "three"), "--no-cache",
                 env={**env, "BUILDDOCTOR_CACHE_DIR": str(tmp_path / "empty")})
    assert cold.returncode == 0, cold.stderr[-3000:]
    # no bytecode and no program answers (the parsed tables of builddoctor's own data are not about the machine)
    assert {p.name for p in (tmp_path / "empty").iterdir()} <= {"tables"}
    [a], [b], [c] = (list((tmp_path / d).glob("*.whl")) for d in ("one", "two", "three"))
    assert a.name == b.name == c.name


# --- broken projects -----------------------------------------------------------------------------------

def project(tmp_path: Path, pyproject: str, backend: str | None = None) -> Path:
    return backend_project(tmp_path, textwrap.dedent(pyproject), textwrap.dedent(backend) if backend else None)


def test_backend_failure_exit_5_shows_its_last_lines(tmp_path: Path) -> None:
    src = project(tmp_path, IN_TREE, """\
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            print("compiling frobnicator.c")
            raise SystemExit("error: frobnicator.c:3: expected ';'")
    """)
    run = build(str(src), "--python", sys.executable, timeout=120)
    assert run.returncode == 5
    assert "failed in build_wheel" in one_error_line(run)
    assert "  | compiling frobnicator.c" in run.stderr
    verbose = build(str(src), "--python", sys.executable, "-v", timeout=120)
    assert "compiling frobnicator.c" in verbose.stderr and "  | " not in verbose.stderr


def test_a_wheel_whose_binary_does_not_match_its_tag_is_refused(tmp_path: Path) -> None:
    if platform.machine() != "x86_64":
        pytest.skip("needs an x86_64 machine")
    need_tool("aarch64-linux-gnu-gcc", tmp_path)
    so = tmp_path / "native.so"
    (tmp_path / "m.c").write_text("int answer(void) { return 42; }\n")
    subprocess.run(["aarch64-linux-gnu-gcc", "-shared", "-fPIC", "-o", str(so), str(tmp_path / "m.c")], check=True)
    src = project(tmp_path, IN_TREE, f"""\
        import os, sys, sysconfig, zipfile
        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            tag = "cp%d%d" % sys.version_info[:2]
            plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            name = "demo-1.0-%s-%s-%s.whl" % (tag, tag, plat)
            with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
                zf.write({str(so)!r}, "demo/_native" + sysconfig.get_config_var("EXT_SUFFIX"))
                zf.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: demo\\nVersion: 1.0\\n")
            return name
    """)
    out = tmp_path / "out"
    run = build(str(src), "--python", sys.executable, "-o", str(out), timeout=120)
    assert run.returncode == 5, run.stderr
    line = one_error_line(run)
    assert "refusing demo-1.0-" in line and "demo/_native" in line and "built for aarch64" in line
    assert not list(out.glob("*.whl"))
    no_staging_left(out)
