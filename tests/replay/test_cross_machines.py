"""Recorded machines for deliberate cross builds, universal2 interpreters, emulated tools and
emulated or 32-bit userlands: each replays to its top finding, and `build --print-env` plans for the
intended target (keeping the deliberate settings)."""
from __future__ import annotations

import json

import pytest
from conftest import MACHINES, assert_one_line_error, run_cli

UNIVERSAL2 = MACHINES / "macos-arm64-universal2-python-x86_64-wheel.json"
MAC_CROSS = MACHINES / "macos-x86_64-cibuildwheel-arm64-cross.json"
WIN_CROSS = MACHINES / "win-x64-cibuildwheel-arm64-cross.json"
LINUX_CROSS = MACHINES / "linux-x86_64-cross-aarch64.json"
TOOLS = MACHINES / "macos-arm64-x86_64-uv-and-cmake.json"
QEMU = MACHINES / "linux-armv7-container-qemu-on-amd64.json"
I686 = MACHINES / "linux-i686-container-on-x86_64-kernel.json"
WIN_RUST_X64 = MACHINES / "win-arm64-x64-rust-toolchain.json"
NEW = (UNIVERSAL2, MAC_CROSS, WIN_CROSS, LINUX_CROSS, TOOLS, QEMU, I686, WIN_RUST_X64)


def check(machine, *extra):
    run = run_cli("check", "--replay", str(machine), "--json", *extra)
    assert run.returncode in (0, 1), run.stderr
    doc = run.json()
    return doc, {f["id"]: f for f in doc["findings"]}


def plan(machine, kind, *extra):
    run = run_cli("build", "--print-env", "--replay", str(machine), "--kind", kind, "--json", *extra)
    assert run.returncode == 0, run.stderr
    doc = run.json()
    return doc, {c["name"]: c for c in doc["env"]}, {c["key"]: c["value"] for c in doc["config_settings"]}


@pytest.mark.parametrize("machine", NEW, ids=lambda p: p.stem)
def test_each_machine_cites_a_public_source(machine):
    note = json.loads(machine.read_text(encoding="utf-8"))["note"]
    assert "https://" in note


def test_universal2_x86_64_slot_is_a_cross_build_from_the_running_arm64_slice_not_emulation():
    doc, f = check(UNIVERSAL2)
    t = doc["target"]
    assert (t["arch"], t["platform_tag"], t["cross"]) == ("x86_64", "macosx_10_9_x86_64", True)
    assert t["build"]["arch"] == "aarch64" and "slice" in t["origin"]
    assert "host.emulated" not in f and "cc.flags-mismatch" not in f  # cibuildwheel's ARCHFLAGS is deliberate
    assert not [x for x in doc["findings"] if x["severity"] == "error"]
    _, env, config = plan(UNIVERSAL2, "maturin")
    assert env["ARCHFLAGS"]["value"] == "-arch x86_64"  # never rewritten to the running arm64
    assert env["_PYTHON_HOST_PLATFORM"]["value"] == "macosx-10.9-x86_64"
    assert env["CARGO_BUILD_TARGET"]["value"] == "x86_64-apple-darwin"
    assert "--target x86_64-apple-darwin" in config["maturin.build-args"]


def test_macos_arm64_cross_on_intel_stops_on_the_missing_rust_std():
    doc, f = check(MAC_CROSS)
    assert doc["target"]["arch"] == "aarch64" and doc["target"]["build"]["arch"] == "x86_64"
    top = doc["findings"][0]
    assert top["id"] == "rust.target-missing" and top["severity"] == "error"
    assert top["fixes"][0]["command"] == "rustup target add aarch64-apple-darwin"
    assert "cc.no-compiler" not in f  # Apple's clang builds arm64 with -arch
    _, env, config = plan(MAC_CROSS, "maturin")
    assert env["ARCHFLAGS"]["value"] == "-arch arm64"
    assert "--target aarch64-apple-darwin" in config["maturin.build-args"]
    assert env["PYO3_CROSS_PYTHON_VERSION"]["value"] == "3.12"  # no arm64 Python can run on this Intel Mac


def test_windows_arm64_cross_is_inferred_and_checked_against_the_arm64_toolset():
    doc, f = check(WIN_CROSS)
    t = doc["target"]
    assert (t["arch"], t["platform_tag"], t["build"]["arch"]) == ("aarch64", "win_arm64", "x86_64")
    assert t["origin"].startswith("inferred from SETUPTOOLS_EXT_SUFFIX=.cp312-win_arm64.pyd")
    top = doc["findings"][0]
    assert top["id"] == "msvc.toolset-missing" and top["facts"]["component"].endswith("VC.Tools.ARM64")
    assert "msvc.devshell-mismatch" not in f  # VSCMD_ARG_TGT_ARCH=arm64 is what this build wants
    _, env, _ = plan(WIN_CROSS, "setuptools-ext")
    assert env["VSCMD_ARG_TGT_ARCH"]["value"] == "arm64"
    assert "SETUPTOOLS_EXT_SUFFIX" not in env and "DIST_EXTRA_CONFIG" not in env  # kept as cibuildwheel set them
    _, env, _ = plan(WIN_CROSS, "maturin")
    assert env["CARGO_BUILD_TARGET"]["value"] == "aarch64-pc-windows-msvc"


def test_a_target_that_contradicts_the_settings_is_named():
    doc, _f = check(WIN_CROSS, "--target", "x64")
    assert doc["target"]["arch"] == "x86_64" and doc["target"]["origin"] == "--target x64"
    named = {x["facts"]["variable"] for x in doc["findings"] if x["id"] == "target.inconsistent"}
    assert {"SETUPTOOLS_EXT_SUFFIX", "VSCMD_ARG_TGT_ARCH", "DIST_EXTRA_CONFIG"} <= named


def test_linux_cross_recorded_here_plans_the_targets_sysconfig():
    doc, f = check(LINUX_CROSS)
    assert doc["target"]["arch"] == "aarch64"
    assert doc["target"]["origin"] == "inferred from _PYTHON_HOST_PLATFORM=linux-aarch64"
    assert "interpreter.header-mismatch" not in f  # the override explains sysconfig's linux-aarch64
    plan_doc, env, _ = plan(LINUX_CROSS, "setuptools-ext")
    assert "CC" not in env  # the user's aarch64-linux-gnu-gcc stays
    assert env["CXX"]["value"] == "aarch64-linux-gnu-g++"
    assert env["_PYTHON_SYSCONFIGDATA_NAME"]["action"] == "set" and env["PYTHONPATH"]["action"] == "set"
    assert plan_doc["sysconfig"]["replace"][0] == ["x86_64-linux-gnu", "aarch64-linux-gnu"]


def test_x86_64_uv_and_cmake_under_rosetta():
    _doc, f = check(TOOLS)
    assert f["tools.emulated"]["facts"]["tool"] == "uv"
    assert f["tools.emulated"]["fixes"][0]["command"] == "curl -LsSf https://astral.sh/uv/install.sh | sh"
    assert f["cmake.emulated"]["facts"]["cmake_arch"] == "x86_64"
    assert "host.emulated" not in f  # the Python itself is native
    _, env, _ = plan(TOOLS, "scikit-build-core")
    assert env["ARCHFLAGS"]["value"] == "-arch arm64"
    assert "CMAKE_OSX_ARCHITECTURES" not in env  # native: nothing to force


def test_armv7_container_under_qemu_is_seen_through_cpuinfo():
    _doc, f = check(QEMU)
    top = f["host.foreign-userland"]
    assert top["facts"]["userland"] == "arm" and top["facts"]["cpuinfo_family"] == "x86"
    assert any("Value too large" in c for c in top["facts"]["consequences"])
    assert any("--target armv7l" in x["command"] for x in top["fixes"])
    doc, env, _ = plan(QEMU, "setuptools-ext")
    assert doc["target"]["arch"] == "arm" and doc["target"]["cross"] is False  # builds for the container's userland
    assert not {"CC", "_PYTHON_HOST_PLATFORM", "_PYTHON_SYSCONFIGDATA_NAME"} & set(env)


def test_i686_userland_on_x86_64_kernel_is_tagged_for_the_userland():
    doc, _f = check(I686)
    assert doc["target"]["arch"] == "x86" and doc["target"]["platform_tag"].endswith("_i686")
    assert doc["findings"][0]["id"] == "host.32bit-python"
    _, env, _ = plan(I686, "setuptools-ext")
    assert env["_PYTHON_HOST_PLATFORM"]["value"] == "linux-i686"


def test_target_on_a_replay_and_a_bad_target():
    doc, _ = check(MACHINES / "win-arm64-seed-emulated-x64.json", "--target", "aarch64-pc-windows-msvc")
    assert doc["target"]["arch"] == "aarch64" and doc["target"]["cross"] is True
    run = run_cli("check", "--replay", str(LINUX_CROSS), "--target", "pdp11")
    assert run.returncode == 2
    assert_one_line_error(run)
    run = run_cli("check", "--replay", str(LINUX_CROSS), "--target", "win-arm64")
    assert run.returncode == 1 and "target.cross-os" in run.stdout


def test_every_new_finding_id_is_explained():
    from builddoctor.rules.explain_cross import EXPLAIN_CROSS

    ids = set()
    for machine in NEW:
        ids |= {f["id"] for f in check(machine)[0]["findings"]}
    ids |= {f["id"] for f in check(WIN_CROSS, "--target", "x64")[0]["findings"]}
    ours = {i for i in ids if i.startswith(("target.", "cross.", "tools.", "host.foreign"))}
    assert ours and ours <= set(EXPLAIN_CROSS), ours - set(EXPLAIN_CROSS)
    assert run_cli("explain", "tools.emulated").returncode == 0


def test_devshell_takes_a_target():
    seed = MACHINES / "win-arm64-seed-devshell.json"
    run = run_cli("devshell", "--replay", str(seed), "--target", "x86_64-pc-windows-msvc", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["set"]["VSCMD_ARG_TGT_ARCH"] == "x64"
    bad = run_cli("devshell", "--replay", str(seed), "--target", "aarch64-unknown-linux-gnu")
    assert bad.returncode == 2
    assert_one_line_error(bad)


def test_universal2_target_needs_both_apple_rust_targets_and_builds_both_slices():
    doc, _ = check(MAC_CROSS, "--target", "universal2")
    assert doc["target"]["universal2"] is True and doc["target"]["platform_tag"].endswith("_universal2")
    missing = [f["facts"]["target"] for f in doc["findings"] if f["id"] == "rust.target-missing"]
    assert missing == ["aarch64-apple-darwin"]  # x86_64-apple-darwin is the installed host
    _, env, config = plan(UNIVERSAL2, "maturin", "--target", "universal2")
    assert env["ARCHFLAGS"]["value"] == "-arch arm64 -arch x86_64"
    assert env["_PYTHON_HOST_PLATFORM"]["value"] == "macosx-10.9-universal2"
    assert "--target universal2-apple-darwin" in config["maturin.build-args"]


def test_a_contrary_target_overrides_what_the_plan_can_and_stops_on_nothing_else():
    doc, env, _ = plan(WIN_CROSS, "setuptools-ext", "--target", "x64")
    assert doc["target"]["arch"] == "x86_64"
    assert env["VSCMD_ARG_TGT_ARCH"]["value"] == "x64"
    assert env["SETUPTOOLS_EXT_SUFFIX"]["action"] == "unset" and env["DIST_EXTRA_CONFIG"]["action"] == "unset"
    from builddoctor.builder import blocking
    from builddoctor.builder.plan import plan_build
    from builddoctor.check import run_check
    from builddoctor.machine import ReplayMachine, load_snapshot

    result = run_check(None, None, str(WIN_CROSS), target="x64")
    recorded_env = dict(ReplayMachine(load_snapshot(WIN_CROSS)).env())
    planned = plan_build(result.facts, result.diagnosis, "setuptools-ext", env=recorded_env)
    inconsistent = [f for f in result.diagnosis.findings if f.id == "target.inconsistent"]
    assert inconsistent and not [f for f in blocking(result.diagnosis.findings, "setuptools-ext", planned)
                                 if f.id == "target.inconsistent"]


def test_x64_rust_toolchain_behind_rustups_proxies_on_arm64_windows():
    doc, f = check(WIN_RUST_X64)
    emulated = {x["facts"]["tool"]: x for x in doc["findings"] if x["id"] == "tools.emulated"}
    assert set(emulated) == {"rustc", "cargo"}  # the toolchain's binaries, not rustup's proxy
    assert emulated["rustc"]["facts"]["path"].endswith(r"stable-x86_64-pc-windows-msvc\bin\rustc.exe")
    assert emulated["rustc"]["fixes"][0]["command"].startswith("rustup set default-host aarch64-pc-windows-msvc")
    assert f["rust.host-mismatch"]["facts"]["rustc_host"] == "x86_64-pc-windows-msvc"
    _, env, config = plan(WIN_RUST_X64, "maturin")
    assert env["CARGO_BUILD_TARGET"]["value"] == "aarch64-pc-windows-msvc"  # the interpreter's, not rustc's host
    assert "--target aarch64-pc-windows-msvc" in config["maturin.build-args"]
