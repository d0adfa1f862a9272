from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Each test process (each xdist worker) and every program it starts get their own temporary
    folder: a test that checks builddoctor left nothing in the temporary folder then sees only its
    own process's leftovers, not those of a build another worker is running at the same moment."""
    import tempfile

    base = tempfile.gettempdir()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = tempfile.mkdtemp(prefix=f"bdtests-{worker}-", dir=base)
    config._bd_tmp = folder  # type: ignore[attr-defined]
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    folder = getattr(config, "_bd_tmp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
MACHINES = ROOT / "examples" / "machines"
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: str | Path | None = None,
            timeout: float = 120) -> Run:
    """Run the real command line, as a user would, in a child process."""
    full_env = dict(os.environ)
    full_env.pop("VIRTUAL_ENV", None)
    if env:
        full_env.update(env)
    p = subprocess.run([sys.executable, "-m", "builddoctor", *args], capture_output=True, text=True,
                       env=full_env, cwd=cwd, timeout=timeout, encoding="utf-8", errors="replace")
    return Run(p.returncode, p.stdout, p.stderr)


def cpython(version: str) -> Path:
    """A real CPython from pyenv; the test is skipped when that version is not installed."""
    found = sorted(PYENV.glob(f"{version}*/bin/python3"))
    if not found:
        pytest.skip(f"CPython {version} is not installed under {PYENV}")
    return found[-1]


# A project whose PEP 517 backend is the module local_backend.py inside it (tests write that module).
IN_TREE = """\
[build-system]
requires = []
build-backend = "local_backend"
backend-path = ["."]

[project]
name = "demo"
version = "1.0"
"""


def backend_project(where: Path, pyproject: str = IN_TREE, backend: str | None = None, name: str = "proj") -> Path:
    """A project folder `where/name` with that pyproject.toml and, when given, local_backend.py."""
    src = where / name
    src.mkdir(parents=True)
    (src / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if backend is not None:
        (src / "local_backend.py").write_text(backend, encoding="utf-8")
    return src


def small_wheel(tmp_path: Path, name: str, members: dict[str, bytes]) -> Path:
    """A wheel file `name` holding `members` and a minimal METADATA (for the verification tests)."""
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        zf.writestr(f"{name.partition('-')[0]}-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\n")
    return path


def assert_one_line_error(run: Run) -> None:
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("builddoctor: error: "), run.stderr
    assert len([x for x in lines if "error:" in x]) == 1, run.stderr


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`check` keeps a user cache (cache.py): tests keep theirs in a temporary folder, never in ~/.cache."""
    if "BUILDDOCTOR_CACHE_DIR" not in os.environ:
        os.environ["BUILDDOCTOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("builddoctor-cache"))


# --- tiers ---------------------------------------------------------------------------------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """tests/live/* and the bad-input table are `live`, tests/e2e/* are `e2e`: `pytest -m "not live and not e2e"`
    is the fast tier."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts[0] in ("live", "e2e"):
            item.add_marker(getattr(pytest.mark, parts[0]))
        elif parts[0] == "test_bad_inputs.py":  # runs the real command line against this machine's programs
            item.add_marker(pytest.mark.live)


# --- tools the set-up script installs ----------------------------------------------------------

SETUP = "bash scripts/setup-test-machine"
SETUP_DONE = ROOT / ".cache" / "setup-test-machine.done"
#: tool -> (Debian packages that provide it, a probe that proves it works: argv with {src} {out})
TOOLS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "gcc": (("gcc",), ["gcc", "-shared", "-fPIC", "{src}", "-o", "{out}"]),
    "clang": (("clang",), ["clang", "--target=aarch64-apple-darwin", "-c", "{src}", "-o", "{out}"]),
    "aarch64-linux-gnu-gcc": (("gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"),
                              ["aarch64-linux-gnu-gcc", "-shared", "-fPIC", "{src}", "-o", "{out}"]),
}


def _listed_packages() -> set[str]:
    text = (ROOT / "scripts" / "test-packages.txt").read_text(encoding="utf-8")
    return {line.split()[0] for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def need_tool(name: str, tmp: Path) -> None:
    """Go on only if `name` really works here (compiles and links a probe file).

    When it does not: a failure naming the set-up command if the set-up script has run and claims to
    install the tool's packages, else a skip that says how to get it.
    """
    import shutil

    packages, argv = TOOLS[name]
    src, out = tmp / "probe.c", tmp / f"probe-{name}.out"
    src.write_text("int answer(void) { return 42; }\n", encoding="utf-8")
    why = f"{name} is not on PATH"
    if shutil.which(argv[0]):
        done = subprocess.run([a.format(src=src, out=out) for a in argv], capture_output=True, text=True,
                              timeout=120)
        if done.returncode == 0:
            return
        why = f"{name} cannot compile and link a probe file: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    if SETUP_DONE.is_file() and set(packages) <= _listed_packages():
        pytest.fail(f"{why}; scripts/setup-test-machine should have installed {' '.join(packages)}: run {SETUP}")
    pytest.skip(f"{why} (run {SETUP}, or apt-get install {' '.join(packages)})")
