"""A real project whose Cargo.lock pins a PyO3 too old for this machine's CPython 3.13: check flags it before
any build, `builddoctor build` stops in preflight, and CPython 3.12 passes. The lock is the one in
tests/fixtures/pyo3-0.20 (pyo3 0.20.3, written by `cargo generate-lockfile`): nothing here needs the network."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, cpython, run_cli

pytestmark = pytest.mark.live

FIXTURE = ROOT / "tests" / "fixtures" / "pyo3-0.20"


def _project(tmp_path: Path, features: str = '["extension-module"]') -> Path:
    dest = tmp_path / "hello-maturin"
    shutil.copytree(ROOT / "examples" / "maturin-pyo3", dest, ignore=shutil.ignore_patterns("target"))
    cargo = (FIXTURE / "Cargo.toml").read_text().replace('features = ["extension-module"]', f"features = {features}")
    (dest / "Cargo.toml").write_text(cargo)
    shutil.copy(FIXTURE / "Cargo.lock", dest / "Cargo.lock")
    return dest


def _known(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["id"].startswith("known.")]


def test_check_flags_pyo3_too_old_for_313_with_its_maximum_and_the_upgrade_first(tmp_path):
    cpython("3.13")
    project = _project(tmp_path)
    run = run_cli("check", "--python", "3.13", "--project", str(project), "--json", cwd=tmp_path)
    assert run.returncode == 1
    doc = run.json()
    top = doc["findings"][0]
    assert top["id"] == "known.pyo3.python-too-new" and top["severity"] == "error"
    assert "PyO3 0.20.3 supports CPython up to 3.12" in top["title"]
    assert top["fixes"][0]["command"] == "cargo add pyo3@0.22.0"
    assert "PYO3_USE_ABI3_FORWARD_COMPATIBILITY" not in run.stdout  # not an abi3 build: no such escape
    pyo3 = next(t for t in doc["facts"]["tools"]["items"] if t["name"] == "pyo3")
    assert (pyo3["version"], pyo3["source"]) == ("0.20.3", "Cargo.lock")
    text = run_cli("check", "--python", "3.13", "--project", str(project), cwd=tmp_path).stdout
    assert "pyo3 0.20.3 (Cargo.lock)" in text


def test_an_abi3_build_is_told_about_the_forward_compatibility_escape(tmp_path):
    cpython("3.13")
    project = _project(tmp_path, '["extension-module", "abi3"]')
    doc = run_cli("check", "--python", "3.13", "--project", str(project), "--json", cwd=tmp_path).json()
    top = doc["findings"][0]
    assert top["id"] == "known.pyo3.python-too-new"
    assert "PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1" in top["title"]


def test_an_abi3_py38_build_passes_on_313(tmp_path):
    cpython("3.13")
    project = _project(tmp_path, '["extension-module", "abi3-py38"]')
    doc = run_cli("check", "--python", "3.13", "--project", str(project), "--json", cwd=tmp_path).json()
    assert not _known(doc)


def test_the_same_project_on_312_passes(tmp_path):
    cpython("3.12")
    project = _project(tmp_path)
    run = run_cli("check", "--python", "3.12", "--project", str(project), "--json", cwd=tmp_path)
    assert not _known(run.json())
    assert not [f for f in run.json()["findings"] if f["severity"] == "error"]


def test_build_stops_in_preflight_before_compiling(tmp_path):
    cpython("3.13")
    project = _project(tmp_path)
    run = run_cli("build", str(project), "-o", str(tmp_path / "out"), "--python", "3.13", cwd=tmp_path, timeout=600)
    assert run.returncode == 4, run.stderr
    assert "preflight: PyO3 0.20.3 supports CPython up to 3.12" in run.stderr
    assert "[known.pyo3.python-too-new]" in run.stderr and "cargo add pyo3@0.22.0" in run.stderr
    assert not (project / "target").exists()  # nothing was compiled
    assert not list((tmp_path / "out").glob("*.whl"))
