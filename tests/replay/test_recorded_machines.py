"""check --replay on machines recorded from documented facts (examples/machines/)."""
from __future__ import annotations

from conftest import MACHINES, run_cli


def findings(doc: dict) -> dict[str, dict]:
    return {f["id"]: f for f in doc["findings"]}


def commands(finding: dict) -> list[str]:
    return [fix["command"] for fix in finding["fixes"]]


def test_seed_machine_names_every_layer_that_disagrees():
    run = run_cli("check", "--replay", str(MACHINES / "win-arm64-seed-emulated-x64.json"), "--json")
    assert run.returncode == 1, run.stderr
    doc = run.json()
    assert doc["target"]["arch"] == "x86_64"
    assert doc["target"]["platform_tag"] == "win_amd64"
    assert doc["target"]["rust_triple"] == "x86_64-pc-windows-msvc"
    f = findings(doc)
    # the emulation
    assert f["host.emulated"]["facts"] == {**f["host.emulated"]["facts"], "interpreter_arch": "x86_64",
                                           "host_arch": "aarch64"}
    assert "uv venv --python cpython-3.13-windows-aarch64-none" in commands(f["host.emulated"])
    # rustc host vs interpreter, and the missing std for the interpreter's triple
    assert f["rust.host-mismatch"]["facts"]["rustc_host"] == "aarch64-pc-windows-msvc"
    assert commands(f["rust.target-missing"])[0] == "rustup target add x86_64-pc-windows-msvc"
    # the marker/tag conflict of uv#15693: ARM64 marker selects polars-lts-cpu for a win_amd64 Python
    marker = f["markers.host-cpu"]
    assert marker["severity"] == "error"
    selected = {d["requirement"].split(";")[0].strip(): d["selected"] for d in marker["facts"]["dependencies"]}
    assert selected == {"polars-lts-cpu==1.33.0": True, "polars": False}
    assert "uv sync --python-platform x86_64-pc-windows-msvc" in commands(marker)
    # read offline from the project's uv.lock: the dependency that will be compiled, and why
    built = f["deps.build-from-source"]
    assert built["facts"]["package"] == "polars-lts-cpu" and built["facts"]["host_cpu_trap"] is True
    assert "wheels exist only for: cp39-abi3-macosx_11_0_arm64" in built["title"]
    assert commands(built)[0] == "builddoctor why polars-lts-cpu"
    assert built["facts"]["cause"] == "markers"  # the lock's markers pruned the win_amd64 wheel
    # this machine has no Visual Studio, so the build it is heading for cannot compile: the Build Tools fix follows
    assert "no C compiler (no Visual Studio or Build Tools)" in built["title"]
    assert "Microsoft.VisualStudio.Component.VC.Tools.x86.x64" in commands(built)[1]
    # the single most useful fix is the native Python, which fixes the most problems at once
    assert doc["fixes"][0]["command"] == "uv venv --python cpython-3.13-windows-aarch64-none"


def test_seed_machine_text_report_shows_layers_side_by_side():
    run = run_cli("check", "--replay", str(MACHINES / "win-arm64-seed-emulated-x64.json"))
    assert run.returncode == 1
    out = run.stdout
    assert "Target: windows x86_64 (win_amd64)" in out
    rows = {line.split()[0] + " " + line.split()[1]: line for line in out.splitlines() if "  " in line[:3]}
    assert "MISMATCH" in rows["platform_machine marker"] and "ARM64" in rows["platform_machine marker"]
    assert "MISMATCH" in rows["rustc host"] and "aarch64-pc-windows-msvc" in rows["rustc host"]
    assert rows["interpreter binary"].rstrip().endswith("ok")
    assert "1 error, 5 warnings" in out


def test_native_arm64_windows_is_healthy():
    run = run_cli("check", "--replay", str(MACHINES / "win-arm64-native.json"), "--json")
    assert run.returncode == 0
    doc = run.json()
    assert doc["target"]["rust_triple"] == "aarch64-pc-windows-msvc"
    assert [f["severity"] for f in doc["findings"]] == ["ok"]
    assert all(layer["status"] == "match" for layer in doc["layers"])


def test_rosetta_mac_reports_translation_and_missing_x86_64_std():
    run = run_cli("check", "--replay", str(MACHINES / "macos-arm64-rosetta-x86_64-python.json"), "--json")
    f = findings(run.json())
    assert "Rosetta 2" in f["host.emulated"]["title"]
    assert commands(f["rust.target-missing"]) == ["rustup target add x86_64-apple-darwin"]
    assert "markers.host-cpu" not in f  # under Rosetta platform.machine() follows the process
    assert run.returncode == 0  # warnings only: no Rust project was checked


def test_healthy_linux_recording_has_no_problem():
    run = run_cli("check", "--replay", str(MACHINES / "linux-x86_64-healthy.json"), "--json")
    assert run.returncode == 0, run.stdout
    doc = run.json()
    assert doc["target"]["platform_tag"].startswith("manylinux_2_")
    assert {f["severity"] for f in doc["findings"]} == {"ok"}


def test_json_schema_is_pinned():
    doc = run_cli("check", "--replay", str(MACHINES / "win-arm64-seed-emulated-x64.json"), "--json").json()
    assert doc["schema"] == "builddoctor.check/1"
    assert set(doc) == {"schema", "source", "target", "layers", "findings", "fixes", "facts"}
    assert set(doc["target"]) == {"os", "arch", "libc", "platform_tag", "universal2", "rust_triple",
                                  "msvc_arch", "cmake_platform", "tags", "origin", "cross", "build"}
    assert doc["target"]["tags"][:2] == ["cp313-cp313-win_amd64", "cp313-abi3-win_amd64"]
    assert set(doc["layers"][0]) == {"name", "says", "arch", "source", "status"}
    assert set(doc["findings"][0]) == {"id", "severity", "title", "facts", "fixes"}
    assert set(doc["fixes"][0]) == {"command", "why", "fixes"}
    assert {"os", "interpreter", "host", "rust", "project"} <= set(doc["facts"])


def test_explain_gives_the_long_form_and_rejects_unknown_ids():
    run = run_cli("explain", "markers.host-cpu")
    assert run.returncode == 0 and "platform.machine()" in run.stdout
    bad = run_cli("explain", "no.such-id")
    assert bad.returncode == 2 and "unknown finding id" in bad.stderr
