"""Recorded machines that meet a known tool problem: it is the top finding with the upgrade first, and
the same machine with the fixed version (its healthy twin) replays without it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builddoctor.check import run_check
from builddoctor.knowledge import by_id

MACHINES = Path(__file__).resolve().parents[2] / "examples/machines"

# (machine, healthy twin, finding, OS)
CASES = [
    ("win-arm64-setuptools-70-arm64-msvc", "win-arm64-setuptools-74-arm64-msvc",
     "known.setuptools.msvc-arm64-not-detected", "windows"),
    ("macos-rosetta-maturin-1.5-host-arch", "macos-rosetta-maturin-1.6", "known.maturin.pep517-host-arch", "macos"),
    ("linux-pyo3-0.20-python-3.13", "linux-pyo3-0.22-python-3.13", "known.pyo3.python-too-new", "linux"),
    ("linux-meson-1.2.0-python-3.12", "linux-meson-1.2.3-python-3.12", "known.meson.python-312-distutils", "linux"),
    ("linux-setuptools-rust-1.10-python-3.13t", "linux-setuptools-rust-1.11-python-3.13t",
     "known.setuptools-rust.free-threaded-unsupported", "linux"),
    ("win-x64-scikit-build-core-0.9.4-python-3.13t", "win-x64-scikit-build-core-0.9.5-python-3.13t",
     "known.scikit-build-core.windows-free-threaded", "windows"),
    ("win-x64-setuptools-75.6-python-3.13t", "win-x64-setuptools-75.8-python-3.13t",
     "known.setuptools.free-threaded-windows-gil-macro", "windows"),
    ("win-x64-scikit-build-core-0.10.3-abi3-python-3.13", "win-x64-scikit-build-core-0.10.4-abi3-python-3.13",
     "known.scikit-build-core.windows-313-abi3", "windows"),
]


def check(name: str):
    return run_check(None, None, str(MACHINES / f"{name}.json"))


@pytest.mark.parametrize(("machine", "twin", "finding", "os"), CASES, ids=[c[0] for c in CASES])
def test_known_problem_is_the_top_finding_with_the_upgrade_first(machine, twin, finding, os):
    result = check(machine)
    assert result.facts.os == os
    top = result.diagnosis.findings[0]
    assert top.id == finding and top.severity == "error"
    problem = by_id(finding)
    assert problem is not None and problem.fixed_in in top.fixes[0].command
    assert top.facts["source"] == list(problem.source)


@pytest.mark.parametrize(("machine", "twin", "finding", "os"), CASES, ids=[c[1] for c in CASES])
def test_the_healthy_twin_with_the_fixed_version_replays_without_it(machine, twin, finding, os):
    ids = {f.id for f in check(twin).diagnosis.findings}
    assert finding not in ids
    assert not {i for i in ids if i.startswith("known.")}


def test_the_cases_cover_the_tools_and_oses_the_issue_names():
    tools = {by_id(c[2]).tool for c in CASES}  # type: ignore[union-attr]
    assert {"maturin", "setuptools", "setuptools-rust", "scikit-build-core", "pyo3"} <= tools
    assert "meson" in tools  # a meson-python project's Meson
    assert {c[3] for c in CASES} == {"windows", "macos", "linux"}
    assert len({c[2] for c in CASES}) >= 8


@pytest.mark.parametrize("name", [n for c in CASES for n in c[:2]])
def test_every_machine_cites_its_source(name):
    note = json.loads((MACHINES / f"{name}.json").read_text())["note"]
    assert re.search(r"https://\S+", note), name


def test_a_reassurance_never_contradicts_the_known_bad_backend():
    findings = check("win-arm64-setuptools-70-arm64-msvc").diagnosis.findings
    ok = next(f for f in findings if f.id == "msvc.ok")
    assert "but setuptools 70.0.0 cannot use them" in ok.title


def test_the_backend_layer_names_where_its_version_comes_from():
    layer = next(x for x in check("macos-rosetta-maturin-1.5-host-arch").diagnosis.layers if x.name == "build backend")
    assert layer.says == "maturin 1.5.1 (resolved from maturin<2.0,>=1.4)"
