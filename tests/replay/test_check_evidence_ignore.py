"""check -v (the read behind each layer), --ignore / [tool.builddoctor] ignore, and "did you mean"."""
from __future__ import annotations

import json

from conftest import MACHINES, assert_one_line_error, run_cli

SEED = MACHINES / "win-arm64-seed-emulated-x64.json"


def _evidence(stdout: str) -> dict[str, str]:
    lines = stdout.splitlines()
    return {lines[n - 1].split("  ")[1].strip(): line.split("<- ", 1)[1]
            for n, line in enumerate(lines) if line.startswith("   ") and line.strip().startswith("<- ")}


def test_verbose_names_the_read_and_line_behind_each_layer():
    run = run_cli("check", "--replay", str(SEED), "-v")
    ev = _evidence(run.stdout)
    assert ev["rustc host"] == 'run ["~\\\\.cargo\\\\bin\\\\rustc.exe", "-vV"]: host: aarch64-pc-windows-msvc'
    assert ev["rustup default host"].endswith('"show"]: Default host: aarch64-pc-windows-msvc')
    assert ev["host CPU"] == "native_machine: native_machine = 43620 (0xAA64)"
    assert ev["platform_machine marker"].endswith(': "platform_machine": "ARM64"')
    assert ev["interpreter binary"].startswith("read_head ~\\AppData\\Local\\Programs\\Python\\Python313\\python.exe")
    assert _evidence(run_cli("check", "--replay", str(SEED)).stdout) == {}  # only with -v


def test_verbose_dev_shell_layer_comes_from_the_environment():
    run = run_cli("check", "--replay", str(MACHINES / "win-arm64-seed-devshell.json"), "-v")
    assert _evidence(run.stdout)["dev shell"] == "env: VSCMD_ARG_TGT_ARCH=arm64"


def test_ignore_leaves_findings_out_and_says_how_many():
    run = run_cli("check", "--replay", str(SEED), "--ignore", "host.emulated", "--ignore", "rust.*")
    assert "[host.emulated]" not in run.stdout and "[rust.target-missing]" not in run.stdout
    assert run.stdout.rstrip().endswith("1 error, 2 warnings, 3 ignored (host.emulated, rust.host-mismatch, "
                                        "rust.target-missing)  (builddoctor explain ID for details)")
    doc = run_cli("check", "--replay", str(SEED), "--json", "--ignore", "markers.host-cpu").json()
    assert doc["ignored"] == ["markers.host-cpu"]
    assert "markers.host-cpu" not in {f["id"] for f in doc["findings"]}


def test_ignoring_the_only_error_changes_the_exit_status():
    assert run_cli("check", "--replay", str(SEED)).returncode == 1
    assert run_cli("check", "--replay", str(SEED), "--ignore", "markers.host-cpu").returncode == 0


def test_pyproject_ignore_list_is_read_from_the_project(tmp_path):
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    key = next(k for k in doc["reads"] if k.startswith("read_text ") and k.endswith("pyproject.toml"))
    doc["reads"][key] += '\n[tool.builddoctor]\nignore = ["host.home-non-ascii", "deps.*", "host.emulatd"]\n'
    machine = tmp_path / "seed-with-ignores.json"
    machine.write_text(json.dumps(doc), encoding="utf-8")
    run = run_cli("check", "--replay", str(machine))
    assert "2 ignored (host.home-non-ascii, deps.build-from-source)" in run.stdout
    assert ("builddoctor: warning: [tool.builddoctor] ignore: unknown finding id 'host.emulatd'; "
            "did you mean 'host.emulated'?") in run.stderr


def test_unknown_ignore_id_is_a_one_line_error_with_a_suggestion():
    run = run_cli("check", "--replay", str(SEED), "--ignore", "rust.target-mising")
    assert run.returncode == 2
    assert_one_line_error(run)
    assert "unknown finding id 'rust.target-mising'; did you mean 'rust.target-missing'?" in run.stderr
    run = run_cli("check", "--replay", str(SEED), "--ignore", "nosuch.*")
    assert run.returncode == 2 and "unknown finding id pattern 'nosuch.*'" in run.stderr


def test_explain_suggests_the_closest_id():
    run = run_cli("explain", "host.emulate")
    assert run.returncode == 2
    assert "did you mean 'host.emulated'?" in run.stderr
    assert "did you mean 'markers.host-cpu'?" in run_cli("explain", "host-cpu").stderr
    assert "did you mean" not in run_cli("explain", "zzzzzz").stderr


def test_verbose_shows_why_a_layer_is_missing_or_unreadable():
    ev = _evidence(run_cli("check", "--replay", str(MACHINES / "win-buildtools-only.json"), "-v").stdout)
    assert ev["rustc host"] == "which rustc: not on PATH"
    ev = _evidence(run_cli("check", "--replay", str(MACHINES / "win-vswhere-invalid-json.json"), "-v").stdout)
    assert ev["cmake binary"] == "read_head C:\\Program Files\\CMake\\bin\\cmake.exe: header: pe x86_64"
    assert ev["Visual Studio"].startswith('run ["C:\\\\Program Files (x86)\\\\Microsoft Visual Studio\\\\Installer'
                                          '\\\\vswhere.exe", "-products", "*"')
