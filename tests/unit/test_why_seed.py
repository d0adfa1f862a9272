"""The seed (uv#15693) reproduced offline: an emulated x64 CPython on Windows ARM64, the real uv.lock,
and a local index holding polars-lts-cpu 1.33.0 as win_amd64 + win_arm64 wheels and an sdist."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "why"))
from whyindex import (
    LocalIndex,
    closed_port_url,
    interpreter,
    seed_index_files,
    seed_interpreter,
)

from builddoctor.why import explain, needs_native_build, render_text, to_json

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "why" / "seed-project"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    files = seed_index_files(tmp_path_factory.mktemp("seed-index"))
    with LocalIndex(files) as idx:
        yield idx


def _by_name(report):  # type: ignore[no-untyped-def]
    return {v.name: v for v in report.verdicts}


def test_seed_lock_pruned_the_win_amd64_wheel(index: LocalIndex) -> None:
    tags, markers = seed_interpreter()
    report = explain(SEED, tags=tags, markers=markers, python_version="3.13.5", index_url=index.url, env={})
    v = _by_name(report)["polars-lts-cpu"]
    assert (v.outcome, v.code, v.file) == ("sdist", "lock-pruned", "polars_lts_cpu-1.33.0.tar.gz")
    assert v.pruned_by == "platform_machine == 'ARM64'"
    assert "win_arm64" in v.reason and "polars_lts_cpu-1.33.0-cp39-abi3-win_amd64.whl" in v.reason
    assert "`platform_machine == 'ARM64'`" in v.reason and "\n" not in v.reason
    assert v.available == ["cp39-abi3-macosx_11_0_arm64", "cp39-abi3-manylinux_2_24_aarch64", "cp39-abi3-win_arm64"]
    # the marker/host-CPU trap is named
    assert v.host_cpu_trap
    assert any("platform.machine() reports the host CPU, not the interpreter" in n for n in v.notes)
    # both fixes: a native ARM64 Python, or resolve for the interpreter's platform / fix the marker
    fixes = " | ".join(v.fixes)
    assert "native ARM64 Python" in fixes and "cpython-3.13-windows-aarch64-none" in fixes
    assert "uv sync --python-platform x86_64-pc-windows-msvc" in fixes
    assert "or platform_machine == 'AMD64'" in fixes
    # polars is left out by the same trap
    p = _by_name(report)["polars"]
    assert p.outcome == "skipped" and p.host_cpu_trap
    assert needs_native_build(report) == ["polars-lts-cpu"]
    assert [r["path"] for r in index.requests][-1] == "/simple/polars-lts-cpu/"


def test_seed_text_and_json(index: LocalIndex) -> None:
    tags, markers = seed_interpreter()
    report = explain(SEED, tags=tags, markers=markers, python_version="3.13.5", index_url=index.url, env={})
    lines = render_text(report)
    assert all("\n" not in line for line in lines)
    text = "\n".join(lines)
    assert "polars-lts-cpu 1.33.0: built from source: sdist polars_lts_cpu-1.33.0.tar.gz" in text
    assert "  trap: platform_machine is 'ARM64'" in text
    assert lines[-1] == "1 of 1 dependencies would be built from source: polars-lts-cpu"
    data = to_json(report)
    assert data["schema"] == "builddoctor.why/1"
    assert data["built_from_source"] == ["polars-lts-cpu"]
    assert data["interpreter"]["host_cpu_trap"] is True
    assert data["interpreter"]["tag_arch"] == "x86_64" and data["interpreter"]["marker_arch"] == "aarch64"
    json.dumps(data)  # serialisable as is


def test_seed_focus_on_one_package(index: LocalIndex) -> None:
    tags, markers = seed_interpreter()
    report = explain(SEED, tags=tags, markers=markers, python_version="3.13.5", packages=["polars"],
                     index_url=index.url, env={})
    assert [v.name for v in report.verdicts] == ["polars"]
    text = render_text(report)
    assert any(line.startswith("  trap: it holds on a native x86_64 machine") for line in text)


def test_seed_without_lock_pip_takes_the_win_amd64_wheel(index: LocalIndex, tmp_path: Path) -> None:
    """Same interpreter, no lock: an installer that uses tags only finds the win_amd64 wheel."""
    shutil.copy(SEED / "pyproject.toml", tmp_path / "pyproject.toml")
    tags, markers = seed_interpreter()
    report = explain(tmp_path, tags=tags, markers=markers, python_version="3.13.5", index_url=index.url, env={})
    v = _by_name(report)["polars-lts-cpu"]
    assert (v.outcome, v.tag, v.version) == ("wheel", "cp39-abi3-win_amd64", "1.33.0")
    assert v.file == "polars_lts_cpu-1.33.0-cp39-abi3-win_amd64.whl"
    assert needs_native_build(report) == []


def test_fix_native_arm64_python_uses_the_kept_wheel_offline() -> None:
    tags, markers = interpreter("win_arm64", "ARM64")
    report = explain(SEED, tags=tags, markers=markers, python_version="3.13.5", index_url=closed_port_url(), env={})
    v = _by_name(report)["polars-lts-cpu"]
    assert (v.outcome, v.file) == ("wheel", "polars_lts_cpu-1.33.0-cp39-abi3-win_arm64.whl")
    assert not report.interp.trap and needs_native_build(report) == []


@pytest.mark.parametrize("machine", ["AMD64", "x86_64"])  # native x64, and `--python-platform x86_64-pc-windows-msvc`
def test_fix_x64_markers_take_polars_wheels_offline(machine: str) -> None:
    tags, markers = interpreter("win_amd64", machine)
    report = explain(SEED, tags=tags, markers=markers, python_version="3.13.5", index_url=closed_port_url(), env={})
    got = {v.name: (v.outcome, v.file, v.origin) for v in report.verdicts}
    assert got["polars"] == ("wheel", "polars-2.1.0-py3-none-any.whl", "project")
    assert got["polars-runtime-32"] == ("wheel", "polars_runtime_32-2.1.0-cp311-abi3-win_amd64.whl", "via polars")
    assert got["polars-lts-cpu"][0] == "skipped"
    assert render_text(report)[-1] == "all 2 dependencies that apply have a wheel for this interpreter"
