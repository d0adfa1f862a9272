"""The build plan: what `builddoctor build` sets for the child build, and why (pure; recorded machines)."""
from __future__ import annotations

import json

import pytest
from conftest import MACHINES

from builddoctor._record import replace
from builddoctor.builder import BuildOptions, blocking, preflight_error, run_build
from builddoctor.builder.plan import (
    BUILD_ENV,
    BUILD_ENV_SCRIPTS,
    BUILD_TMP,
    C_KINDS,
    KINDS,
    RUST_KINDS,
    BuildPlan,
    named_arch,
    plan_build,
)
from builddoctor.check import run_check
from builddoctor.errors import UserError
from builddoctor.probes import project as project_probe
from builddoctor.rules import diagnose
from builddoctor.rules.model import Finding, Fix

SEED = MACHINES / "win-arm64-seed-emulated-x64.json"
NATIVE = MACHINES / "win-arm64-native.json"
DEVSHELL = MACHINES / "win-arm64-seed-devshell.json"
ROSETTA = MACHINES / "macos-arm64-rosetta-x86_64-python.json"
LINUX = MACHINES / "linux-x86_64-healthy.json"


def print_env(capsys: pytest.CaptureFixture[str], replay: object, kind: str) -> dict:
    assert run_build(BuildOptions(print_env=True, replay=str(replay), kind=kind, json=True)) == 0
    return json.loads(capsys.readouterr().out)


def env_of(doc: dict) -> dict[str, dict]:
    return {c["name"]: c for c in doc["env"]}


def plan_for(replay: object, kind: str, **kw: object) -> BuildPlan:
    result = run_check(None, None, str(replay))
    return plan_build(result.facts, result.diagnosis, kind, **kw)  # type: ignore[arg-type]


# --- recorded machines, through --print-env ------------------------------------------------------

def test_seed_machine_builds_rust_for_the_x64_interpreter_not_the_arm64_rustc(capsys):
    doc = print_env(capsys, SEED, "maturin")
    env = env_of(doc)
    assert doc["schema"] == "builddoctor.build-plan/1"
    assert doc["target"]["arch"] == "x86_64"
    assert env["CARGO_BUILD_TARGET"]["value"] == "x86_64-pc-windows-msvc"
    assert "aarch64-pc-windows-msvc" in env["CARGO_BUILD_TARGET"]["why"]  # says which layer disagreed
    assert env["PYO3_PYTHON"]["value"].endswith(r"Python313\python.exe")
    # pyo3-build-config calls aarch64 -> x86_64 cross: it gets the x64 interpreter's libs spelled out
    assert env["PYO3_CROSS_LIB_DIR"]["value"].endswith(r"Python313\libs")
    assert env["PYO3_CROSS_PYTHON_VERSION"]["value"] == "3.13"
    assert doc["config_settings"] == [{"key": "maturin.build-args", "value": "--target x86_64-pc-windows-msvc",
                                       "why": "maturin's PEP 517 hook passes --target x86_64-pc-windows-msvc to cargo"}]
    assert not any("aarch64" in str(c["value"]) for c in doc["env"])  # nothing points at the other arch


def test_native_arm64_machine_builds_for_aarch64(capsys):
    doc = print_env(capsys, NATIVE, "setuptools-rust")
    env = env_of(doc)
    assert env["CARGO_BUILD_TARGET"]["value"] == "aarch64-pc-windows-msvc"
    assert "PYO3_CROSS_LIB_DIR" not in env  # rustc's host is the interpreter's arch: not cross
    assert doc["config_settings"] == []  # setuptools-rust reads CARGO_BUILD_TARGET; no maturin args
    assert env["VSCMD_ARG_TGT_ARCH"]["value"] == "arm64"  # setuptools' plat_name comes from it


def test_arm64_dev_shell_with_x64_python_gets_the_x64_dev_shell(capsys):
    doc = print_env(capsys, DEVSHELL, "setuptools-ext")
    env = env_of(doc)
    assert env["VSCMD_ARG_TGT_ARCH"] == {**env["VSCMD_ARG_TGT_ARCH"], "value": "x64", "previous": "arm64",
                                         "layer": "msvc"}
    assert "vcvarsall.bat arm64_amd64" in env["VSCMD_ARG_TGT_ARCH"]["why"]
    assert env["LIB"]["value"].split(";")[0].endswith(r"\lib\x64")
    path = next(c for c in doc["env"] if c["name"].upper() == "PATH" and c["action"] == "set")
    assert path["value"].split(";")[0].endswith(r"\bin\HostARM64\x64")  # the x64 cl.exe comes first
    assert env["DISTUTILS_USE_SDK"]["value"] == "1"


def test_dev_shell_plan_repairs_the_devshell_finding_so_it_does_not_stop_the_build():
    result = run_check(None, None, str(DEVSHELL))
    ids = {f.id for f in result.diagnosis.findings}
    assert "msvc.devshell-mismatch" in ids
    from builddoctor.builder.plan import devshell_env
    from builddoctor.machine import ReplayMachine, load_snapshot

    machine = ReplayMachine(load_snapshot(DEVSHELL))
    shell = devshell_env(machine, result.diagnosis.target)  # type: ignore[arg-type]
    plan = plan_build(result.facts, result.diagnosis, "setuptools-ext", env=machine.env(), devshell=shell)
    assert plan.devshell
    assert "msvc.devshell-mismatch" not in {f.id for f in blocking(result.diagnosis.findings, "setuptools-ext", plan)}
    without = plan_build(result.facts, result.diagnosis, "setuptools-ext", env=machine.env())
    assert "msvc.devshell-mismatch" in {f.id for f in blocking(result.diagnosis.findings, "setuptools-ext", without)}
    # without the dev shell environment, the wrong shell's variables are removed instead
    changes = {c.name: c for c in without.env}
    assert changes["LIB"].action == "unset" and changes["VSCMD_ARG_TGT_ARCH"].value == "x64"


def test_cmake_on_windows_gets_the_visual_studio_platform(capsys):
    env = env_of(print_env(capsys, SEED, "scikit-build-core"))
    assert env["CMAKE_GENERATOR_PLATFORM"]["value"] == "x64"
    assert "CARGO_BUILD_TARGET" not in env  # no Rust in a CMake project


def test_rosetta_python_gets_x86_64_archflags_and_platform(capsys):
    env = env_of(print_env(capsys, ROSETTA, "setuptools-rust"))
    assert env["ARCHFLAGS"]["value"] == "-arch x86_64"
    assert env["_PYTHON_HOST_PLATFORM"]["value"] == "macosx-13.0-x86_64"
    assert env["CARGO_BUILD_TARGET"]["value"] == "x86_64-apple-darwin"
    assert "PYO3_CROSS_LIB_DIR" not in env  # darwin <-> darwin is never cross for PyO3


def test_pure_project_sets_nothing_but_the_isolation(capsys):
    doc = print_env(capsys, SEED, "auto")  # the seed project has no native code
    assert doc["kind"] == "pure"
    assert {c["layer"] for c in doc["env"]} == {"isolation"}


def test_text_output_says_what_and_why(capsys):
    assert run_build(BuildOptions(print_env=True, replay=str(SEED), kind="maturin")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Target: windows x86_64 (win_amd64)")
    assert "set      CARGO_BUILD_TARGET" in out and "x86_64-pc-windows-msvc" in out
    assert "# rust: cargo builds for the interpreter's x86_64" in out
    assert "-C       maturin.build-args" in out


# --- pure decisions --------------------------------------------------------------------------------

def test_stale_settings_for_another_arch_are_replaced_or_removed():
    env = {"CARGO_BUILD_TARGET": "aarch64-unknown-linux-gnu", "PYO3_CROSS_LIB_DIR": "/sysroot/aarch64/lib",
           "CC": "aarch64-linux-gnu-gcc", "CFLAGS": "-O2 -m32 -I/opt/include", "MATURIN_PEP517_ARGS": "--release",
           "CMAKE_ARGS": "-A ARM64 -DFOO=1 -DCMAKE_OSX_ARCHITECTURES=arm64", "PYTHONPATH": "/elsewhere"}
    plan = plan_for(LINUX, "maturin", env=env)
    changes = {c.name: c for c in plan.env}
    assert changes["CARGO_BUILD_TARGET"].value == "x86_64-unknown-linux-gnu"
    assert changes["CARGO_BUILD_TARGET"].previous == "aarch64-unknown-linux-gnu"
    assert changes["PYO3_CROSS_LIB_DIR"].action == "unset"
    assert changes["CC"].action == "unset" and "aarch64" in changes["CC"].why
    assert changes["CFLAGS"].value == "-O2 -I/opt/include"
    assert changes["CMAKE_ARGS"].value == "-DFOO=1"
    assert changes["MATURIN_PEP517_ARGS"].action == "unset"  # folded into the config setting
    assert plan.config_settings({}) == {"maturin.build-args": "--release --target x86_64-unknown-linux-gnu"}
    child = plan.child_env({**env, "PATH": "/usr/bin"}, "/o/env", "/o/env/bin", "/o/tmp", pathsep=":")
    assert child["PATH"] == "/o/env/bin:/usr/bin" and child["VIRTUAL_ENV"] == "/o/env"
    assert child["TMPDIR"] == "/o/tmp"  # the backend's temporary files stay inside the output folder
    assert "PYTHONPATH" not in child and "CC" not in child and "MATURIN_PEP517_ARGS" not in child
    assert not any(p in str(child) for p in (BUILD_ENV, BUILD_ENV_SCRIPTS, BUILD_TMP))


def test_user_maturin_args_are_kept_and_a_conflicting_target_is_refused():
    plan = plan_for(LINUX, "maturin", config={"maturin.build-args": "--features fast"})
    assert plan.config_settings({"maturin.build-args": "--features fast", "other": "1"}) == {
        "maturin.build-args": "--features fast --target x86_64-unknown-linux-gnu", "other": "1"}
    with pytest.raises(UserError) as err:
        plan_for(LINUX, "maturin", config={"maturin.build-args": "--target aarch64-unknown-linux-gnu"})
    assert err.value.exit_code == 4 and "x86_64-unknown-linux-gnu" in err.value.message


def test_windows_child_env_never_holds_two_spellings_of_one_variable():
    plan = plan_for(DEVSHELL, "setuptools-ext", devshell={"Path": r"C:\vs\HostARM64\x64", "LIB": r"C:\lib\x64"})
    child = plan.child_env({"PATH": r"C:\old", "Lib": r"C:\lib\arm64"}, r"C:\o\env", r"C:\o\env\Scripts",
                           pathsep=";")
    assert [k for k in child if k.upper() == "PATH"] == ["PATH"]
    assert child["PATH"] == r"C:\o\env\Scripts;C:\vs\HostARM64\x64"
    assert [k for k in child if k.upper() == "LIB"] == ["LIB"]


@pytest.mark.parametrize(("command", "arch"), [
    ("aarch64-linux-gnu-gcc", "aarch64"), ("/usr/bin/x86_64-linux-gnu-gcc-12", "x86_64"),
    ("clang --target=aarch64-apple-darwin", "aarch64"), ("gcc", None), ("ccache gcc", None),
    ("i686-w64-mingw32-gcc", "x86")])
def test_named_arch_reads_triples_and_target_flags(command, arch):
    found = named_arch(command)
    assert (found.name if found else None) == arch


def test_kinds_match_the_project_probe():
    assert project_probe.RUST_KINDS == RUST_KINDS
    assert project_probe.C_KINDS == C_KINDS
    assert set(KINDS) >= RUST_KINDS | C_KINDS | {"pure", "native"}


# --- preflight -------------------------------------------------------------------------------------

def finding(id: str, severity: str = "error", **facts: object) -> Finding:
    return Finding(id, severity, f"title of {id}", dict(facts), (Fix(f"fix {id}", "because"),))


def test_preflight_stops_on_what_breaks_this_backend_only():
    found = [finding("rust.target-missing"), finding("markers.host-cpu"), finding("rust.target-override"),
             finding("cc.no-compiler"), finding("host.emulated", "warning")]
    plan = plan_for(SEED, "maturin")
    assert [f.id for f in blocking(found, "maturin", plan)] == ["rust.target-missing", "cc.no-compiler"]
    assert [f.id for f in blocking(found, "setuptools-ext", plan)] == ["cc.no-compiler"]
    assert blocking(found, "pure", plan) == []
    err = preflight_error(found[0])
    assert err.exit_code == 4
    assert err.message == "preflight: title of rust.target-missing [rust.target-missing]"
    assert err.tip == "fix rust.target-missing  (because)"


def test_a_variable_the_plan_removes_no_longer_blocks():
    plan = plan_for(LINUX, "setuptools-ext", env={"CC": "aarch64-linux-gnu-gcc"})
    stale = finding("cc.env-mismatch", source="CC")
    other = finding("cc.env-mismatch", source="TARGET_CC")
    assert blocking([stale, other], "setuptools-ext", plan) == [other]


def test_unusable_interpreter_is_a_usage_error():
    result = run_check(None, None, str(LINUX))
    facts = replace(result.facts, interpreter=replace(
        result.facts.interpreter, error="not-found", error_detail="no Python 3.99 found"))
    diagnosis = diagnose(facts)
    [unusable] = [f for f in diagnosis.findings if f.id == "interpreter.unusable"]
    assert preflight_error(unusable).exit_code == 2
    with pytest.raises(UserError) as err:
        plan_build(facts, diagnosis, "maturin")
    assert err.value.exit_code == 4
