"""`builddoctor why` from the command line: the seed's recorded interpreter against a local index."""
from __future__ import annotations

import sys

import pytest
from conftest import MACHINES, ROOT, assert_one_line_error, run_cli

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "why"))
from whyindex import LocalIndex, build_sdist, build_wheel, closed_port_url, seed_index_files

SEED_MACHINE = str(MACHINES / "win-arm64-seed-emulated-x64.json")
SEED_PROJECT = str(ROOT / "tests" / "fixtures" / "why" / "seed-project")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    files = seed_index_files(tmp_path_factory.mktemp("index"))
    with LocalIndex(files) as idx:
        yield idx


def test_seed_why_names_the_pruned_wheel_and_both_fixes(index):
    run = run_cli("why", "--replay", SEED_MACHINE, "--project", SEED_PROJECT, "--index-url", index.url)
    assert run.returncode == 1, run.stderr
    out = run.stdout
    assert "polars-lts-cpu 1.33.0: built from source" in out
    assert "dropped polars_lts_cpu-1.33.0-cp39-abi3-win_amd64.whl" in out
    assert "platform.machine() reports the host CPU" in out
    assert "uv python install cpython-3.13-windows-aarch64-none" in out
    assert "uv sync --python-platform x86_64-pc-windows-msvc" in out


def test_seed_why_json(index):
    doc = run_cli("why", "--replay", SEED_MACHINE, "--project", SEED_PROJECT, "--index-url", index.url,
                  "--json").json()
    assert doc["schema"] == "builddoctor.why/1"
    assert doc["built_from_source"] == ["polars-lts-cpu"]


def test_live_interpreter_gets_its_wheel(tmp_path):
    files = tmp_path / "links"
    files.mkdir()
    from packaging.tags import sys_tags

    tag = next(iter(sys_tags()))
    build_wheel(files, "fastthing", "1.0", str(tag))
    build_sdist(files, "fastthing", "1.0")
    (tmp_path / "requirements.txt").write_text("fastthing\n", encoding="utf-8")
    run = run_cli("why", "fastthing", "--python", sys.executable, "--project", str(tmp_path / "requirements.txt"),
                  "--find-links", str(files))
    assert run.returncode == 0, run.stderr
    assert str(tag) in run.stdout


def test_unreachable_index_is_one_line(tmp_path):
    run = run_cli("why", "--replay", SEED_MACHINE, "--project", SEED_PROJECT, "--index-url", closed_port_url(),
                  "--timeout", "3")
    assert run.returncode == 2
    assert_one_line_error(run)
