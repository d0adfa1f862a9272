"""The tools a build will run (probes/tools.py) and the known problems they meet (rules/known.py).

Replays this project's recorded Linux machine with a project added to its reads, as a user's
snapshot of such a project would hold them."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from builddoctor._record import replace
from builddoctor.check import run_check
from builddoctor.knowledge import Context, by_id, ranked_fixes
from builddoctor.machine import RecordingMachine, ReplayMachine
from builddoctor.probes import probe_all
from builddoctor.rules import diagnose
from builddoctor.rules.model import OK, WARNING, Finding, rank_fixes

ROOT = Path(__file__).resolve().parents[2]
BASE = json.loads((ROOT / "examples/machines/linux-x86_64-healthy.json").read_text())
PROJ = "~/src/proj"
FIXTURE = ROOT / "tests/fixtures/pyo3-0.20"


def machine(files: dict[str, str], *, index: dict[str, list[str]] | None = None,
            env: dict[str, str] | None = None) -> dict:
    doc = copy.deepcopy(BASE)
    doc["invocation"] = {"python": "3.12", "project": PROJ}
    reads = doc["reads"]
    for rel, text in files.items():
        reads[f"read_text {PROJ}/{rel}"] = text
        reads[f"is_file {PROJ}/{rel}"] = True
    for name, filenames in (index or {}).items():
        reads[f"index {name}"] = [{"filename": f, "requires_python": None, "yanked": f.startswith("!")}
                                  for f in filenames]
        for item in reads[f"index {name}"]:
            item["filename"] = str(item["filename"]).lstrip("!")
    reads["env"] = {**reads["env"], **(env or {})}
    return doc


def facts_of(doc: dict):
    return probe_all(ReplayMachine(doc), "3.12", PROJ)


MATURIN = '[build-system]\nrequires = ["maturin>=1.3.2"]\nbuild-backend = "maturin"\n[project]\nname = "p"\n'


def test_isolated_backend_is_the_newest_version_the_index_has_a_file_for_this_interpreter():
    doc = machine({"pyproject.toml": MATURIN}, index={"maturin": [
        "maturin-1.9.4-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl",
        "maturin-1.9.5-py3-none-win_arm64.whl",            # no file this Linux interpreter can use
        "!maturin-1.9.6-py3-none-manylinux_2_12_x86_64.whl",  # yanked
        "maturin-2.0.0a1-py3-none-manylinux_2_12_x86_64.whl",  # a pre-release the specifier does not name
    ]})
    backend = facts_of(doc).tools.backend
    assert backend is not None and (backend.name, backend.version) == ("maturin", "1.9.4")
    assert backend.source.startswith("resolved from maturin>=1.3.2 (wheel py3-none-manylinux")
    layer = next(x for x in diagnose(facts_of(doc)).layers if x.name == "build backend")
    assert layer.says == "maturin 1.9.4 (resolved from maturin>=1.3.2)"


def test_offline_the_installed_backend_is_an_assumption_and_a_pin_or_constraint_is_exact(tmp_path):
    doc = machine({"pyproject.toml": MATURIN})
    backend = facts_of(doc).tools.backend
    assert backend is not None and backend.version == "" and backend.source.startswith("unresolved: maturin>=1.3.2")
    pinned = machine({"pyproject.toml": MATURIN.replace(">=1.3.2", "==1.5.1")})
    assert facts_of(pinned).tools.backend.version == "1.5.1"
    constrained = machine({"pyproject.toml": MATURIN, "c.txt": "maturin==1.7.4\n"},
                          env={"PIP_CONSTRAINT": f"{PROJ}/c.txt"})
    tv = facts_of(constrained).tools.backend
    assert (tv.version, tv.source) == ("1.7.4", "pinned by PIP_CONSTRAINT")


def test_crates_come_from_the_lock_next_to_a_manifest_path_in_a_subfolder_with_abi3_features():
    cargo = (FIXTURE / "Cargo.toml").read_text().replace('features = ["extension-module"]',
                                                         'features = ["extension-module", "abi3-py38"]')
    doc = machine({"pyproject.toml": MATURIN + '[tool.maturin]\nmanifest-path = "rust/Cargo.toml"\n',
                   "rust/Cargo.toml": cargo, "Cargo.lock": (FIXTURE / "Cargo.lock").read_text()})
    tools = facts_of(doc).tools
    assert tools.get("pyo3").version == "0.20.3" and tools.get("pyo3").source == "Cargo.lock"
    assert tools.get("pyo3-ffi").version == "0.20.3"
    assert (tools.abi3, tools.abi3_versioned) == (True, True)
    assert tools.cargo_manifest == f"{PROJ}/rust/Cargo.toml" and tools.cargo_lock == f"{PROJ}/Cargo.lock"


def test_without_a_lock_the_cargo_toml_requirement_is_used_and_said_so():
    doc = machine({"pyproject.toml": MATURIN, "Cargo.toml": '[dependencies]\npyo3 = "0.21"\n'})
    pyo3 = facts_of(doc).tools.get("pyo3")
    assert pyo3.version == "0.21.0" and "unlocked" in pyo3.source


def _with_python(facts, version: str):
    i = replace(facts.interpreter, version=version)
    return replace(facts, interpreter=i)


def _pyo3_facts(features: str):
    cargo = (FIXTURE / "Cargo.toml").read_text().replace('features = ["extension-module"]', features)
    doc = machine({"pyproject.toml": MATURIN, "Cargo.toml": cargo,
                   "Cargo.lock": (FIXTURE / "Cargo.lock").read_text()})
    return _with_python(facts_of(doc), "3.13.0")


def test_pyo3_too_old_for_313_is_the_top_finding_with_the_upgrade_first_and_no_abi3_escape():
    d = diagnose(_pyo3_facts('features = ["extension-module"]'))
    top = d.findings[0]
    assert top.id == "known.pyo3.python-too-new" and top.severity == "error"
    assert "up to 3.12" in top.title
    assert top.fixes[0].command == "cargo add pyo3@0.22.0"
    assert not any("PYO3_USE_ABI3_FORWARD_COMPATIBILITY" in f.command for f in top.fixes)


def test_bare_abi3_gets_the_forward_compatibility_escape_and_a_versioned_abi3_passes():
    bare = diagnose(_pyo3_facts('features = ["extension-module", "abi3"]')).findings[0]
    assert bare.id == "known.pyo3.python-too-new"
    assert any(f.command == "PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1" for f in bare.fixes)
    versioned = diagnose(_pyo3_facts('features = ["extension-module", "abi3-py38"]'))
    assert not [f for f in versioned.findings if f.id.startswith("known.")]


def test_a_cause_outranks_end_of_life_and_generic_findings_of_the_same_severity():
    old = Finding("interpreter.old", WARNING, "Python 3.7 is past its end of life", rank=90)
    generic = Finding("host.emulated", WARNING, "emulated")
    cause = Finding("known.maturin.pep517-host-arch", WARNING, "maturin", rank=10)
    assert [f.id for f in rank_fixes([old, generic, cause])] == [cause.id, generic.id, old.id]


def test_an_ok_reassurance_does_not_contradict_a_known_bad_backend():
    from builddoctor.rules.known import reconcile

    ok = Finding("msvc.ok", OK, "Build Tools 2022 has the MSVC compilers for aarch64")
    known = Finding("known.setuptools.msvc-arm64-not-detected", "error", "t",
                    {"tool": "setuptools", "version": "72.1.0"})
    out = reconcile([ok, known])
    assert out[0].title.endswith("but setuptools 72.1.0 cannot use them [known.setuptools.msvc-arm64-not-detected]")


def test_python_upgrade_fixes_say_how_for_isolated_builds():
    fixes = ranked_fixes(by_id("setuptools.msvc-arm64-not-detected"), Context())
    assert '"setuptools>=74.0.0"] in [build-system]' in fixes[0].command
    assert "--build-constraint" in fixes[1].command and "PIP_CONSTRAINT" in fixes[1].why


def test_index_reads_are_recorded_and_replayed():
    doc = machine({"pyproject.toml": MATURIN}, index={"maturin": ["maturin-1.9.4-py3-none-manylinux_2_12_x86_64.whl"]})
    rec = RecordingMachine(ReplayMachine(doc))
    probe_all(rec, "3.12", PROJ)
    assert rec.reads["index maturin"][0]["filename"] == "maturin-1.9.4-py3-none-manylinux_2_12_x86_64.whl"


def test_explain_prints_cause_and_source(capsys):
    from builddoctor.cli import main

    assert main(["explain", "known.pyo3.python-too-new"]) == 0
    out = capsys.readouterr().out
    assert "cause:" in out and "https://github.com/PyO3/pyo3/pull/4184" in out
    assert main(["explain", "known.no-such.problem"]) == 2


@pytest.mark.parametrize("replay", sorted((ROOT / "examples/machines").glob("*.json")))
def test_recorded_machines_replay_with_tool_facts(replay):
    result = run_check(None, None, str(replay))
    assert result.facts.tools is not None


@pytest.mark.parametrize("files", [
    {"pyproject.toml": MATURIN, "Cargo.toml": "not [toml", "Cargo.lock": "[[package]]\nname = 3\n"},
    {"pyproject.toml": MATURIN + '[tool.maturin]\nmanifest-path = "../../etc/Cargo.toml"\nfeatures = "abi3"\n',
     "Cargo.toml": '[dependencies]\npyo3 = 7\n[features]\ndefault = "abi3"\n', "Cargo.lock": "package = 1\n"},
    {"pyproject.toml": '[build-system]\nrequires = ["not a requirement!!", 3]\nbuild-backend = "maturin"\n'},
    {"pyproject.toml": MATURIN, "c.txt": "-r other.txt\nmaturin @ https://x/y.whl\n==\n"},
])
def test_hostile_project_files_give_facts_not_tracebacks(files):
    doc = machine(files, env={"PIP_CONSTRAINT": f"{PROJ}/c.txt /nonexistent"})
    tools = facts_of(doc).tools
    assert not any(t.source.startswith("resolved") for t in tools.items)
    diagnose(facts_of(doc))  # and the rules take them as they are


def test_an_unreadable_index_is_said_in_the_fact():
    doc = machine({"pyproject.toml": MATURIN})
    doc["reads"]["index maturin"] = [{"error": "cannot reach the package index https://pypi.org/simple"}]
    backend = facts_of(doc).tools.backend
    assert backend.version == "" and "the index could not be read: cannot reach" in backend.source


def test_a_rust_version_newer_than_the_rustc_that_builds_is_an_error():
    cargo = (FIXTURE / "Cargo.toml").read_text().replace('edition = "2021"', 'edition = "2021"\nrust-version = "1.99"')
    doc = machine({"pyproject.toml": MATURIN, "Cargo.toml": cargo, "Cargo.lock": (FIXTURE / "Cargo.lock").read_text()})
    found = {f.id: f for f in diagnose(facts_of(doc)).findings}
    # said once: rust.too-old (which also reads locked crates and the edition) replaces tools.rust-too-old
    assert "rust.too-old" in found and "1.99" in found["rust.too-old"].title
    assert "tools.rust-too-old" not in found
    assert facts_of(doc).tools.rust_version == "1.99"
    ok = machine({"pyproject.toml": MATURIN, "Cargo.toml": cargo.replace("1.99", "1.70"),
                  "Cargo.lock": (FIXTURE / "Cargo.lock").read_text()})
    assert not {"tools.rust-too-old", "rust.too-old"} & {f.id for f in diagnose(facts_of(ok)).findings}
