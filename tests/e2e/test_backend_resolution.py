"""Resolving the build backend under isolation names the version the build then really installs.

For each example and for a real sdist from PyPI (the test corpus), `check --resolve` reports the backend
version an isolated build gets for this CPython; `builddoctor build -v` then logs the backend it
installed, and the wheel's WHEEL file names the backend that wrote it. All three must agree."""
from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, cpython, run_cli

pytestmark = pytest.mark.e2e

CORPUS = ROOT / ".cache" / "test-corpus"
SDIST = CORPUS / "markupsafe-3.0.2.tar.gz"
GENERATOR = {"setuptools": "setuptools", "maturin": "maturin", "scikit-build-core": "scikit-build-core"}


def _resolved_backend(project: Path, cwd: Path) -> dict:
    run = run_cli("check", "--python", "3.12", "--project", str(project), "--resolve", "--json", cwd=cwd)
    doc = run.json()
    backend = next(t for t in doc["facts"]["tools"]["items"] if t["role"] == "backend")
    assert backend["version"] and backend["source"].startswith("resolved from "), backend
    return backend


def _built_with(source: Path, out: Path, cwd: Path) -> tuple[str, str]:
    run = run_cli("build", str(source), "-o", str(out), "--python", "3.12", "-v", cwd=cwd, timeout=1800)
    assert run.returncode == 0, run.stderr[-2000:]
    wheel = next(out.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))
        generator = re.search(r"^Generator: (.+)$", z.read(meta).decode(), re.M).group(1)
    return run.stdout + run.stderr, generator


def _agree(backend: dict, log: str, generator: str) -> None:
    name, version = backend["name"], backend["version"]
    assert f"builddoctor: build backend {name} {version} (resolved from" in log
    assert generator.startswith(GENERATOR[name]) and re.search(rf"\b{re.escape(version)}\b", generator), generator


@pytest.mark.parametrize("example", ["setuptools-c", "scikit-build-cmake", "maturin-pyo3", "setuptools-rust"])
def test_examples_resolve_to_the_backend_the_build_installs(example, tmp_path):
    cpython("3.12")
    project = ROOT / "examples" / example
    backend = _resolved_backend(project, tmp_path)
    log, generator = _built_with(project, tmp_path / "out", tmp_path)
    _agree(backend, log, generator)


def test_a_real_pypi_sdist_resolves_to_the_backend_the_build_installs(tmp_path):
    cpython("3.12")
    if not SDIST.is_file():
        pytest.skip(f"{SDIST.name} missing: run scripts/setup-test-machine (scripts/fetch_test_corpus.py)")
    with tarfile.open(SDIST) as tar:
        tar.extractall(tmp_path / "src", filter="data")
    backend = _resolved_backend(tmp_path / "src" / "markupsafe-3.0.2", tmp_path)
    assert backend["name"] == "setuptools" and backend["requirement"] == "setuptools>=70.1"
    log, generator = _built_with(SDIST, tmp_path / "out", tmp_path)
    _agree(backend, log, generator)
