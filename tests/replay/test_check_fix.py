"""check --fix on recorded machines: the exact command line of every fix kind (--dry-run), and when it
applies nothing. The applier runs typed argv from the rules, never display text."""
from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import MACHINES, ROOT, run_cli

SEED = MACHINES / "win-arm64-seed-emulated-x64.json"
NO_VS = ROOT / "tests" / "fixtures" / "machines" / "win-no-vswhere.json"


def _section(machine: Path) -> str:
    run = run_cli("check", "--replay", str(machine), "--fix", "--dry-run")
    return run.stdout[run.stdout.index("fix 1/"):]


def test_seed_dry_run_shows_uv_python_rustup_target_and_toolchain_exactly():
    out = _section(SEED)
    assert ("fix 1/3 [uv-python] for markers.host-cpu, host.emulated\n"
            "  would run: uv python install cpython-3.13-windows-aarch64-none\n") in out
    assert "  then: uv venv --python cpython-3.13-windows-aarch64-none\n" in out
    # rustup as the probe found it, the non-host toolchain with the flag rustup requires for it
    assert ("fix 2/3 [rustup-toolchain] for rust.host-mismatch\n  would run: ~\\.cargo\\bin\\rustup.exe toolchain "
            "install stable-x86_64-pc-windows-msvc --force-non-host\n") in out
    assert ("fix 3/3 [rustup-target] for rust.target-missing\n"
            "  would run: ~\\.cargo\\bin\\rustup.exe target add x86_64-pc-windows-msvc\n") in out
    assert out.rstrip().endswith("dry run: 3 fixes shown, nothing applied")


def test_rosetta_mac_toolchain_fix_is_for_the_interpreter_triple():
    out = _section(MACHINES / "macos-arm64-rosetta-x86_64-python.json")
    assert "rustup target add x86_64-apple-darwin" in out
    assert "toolchain install stable-x86_64-apple-darwin --force-non-host" in out


def test_vs_component_through_the_installer_command_line():
    out = _section(MACHINES / "win-arm64-native-x64-toolset-only.json")
    assert ('  would run: "C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\setup.exe" modify '
            '--installPath "C:\\Program Files\\Microsoft Visual Studio\\2022\\Community" '
            "--add Microsoft.VisualStudio.Component.VC.Tools.ARM64 --passive\n") in out
    assert out.startswith("fix 1/1 [vs-component] for msvc.toolset-missing")


def test_no_visual_studio_gets_a_generated_vsconfig():
    out = _section(NO_VS)
    assert out.startswith("fix 1/1 [vsconfig] for cc.no-compiler\n  would write ~\\source\\hello-c\\.vsconfig\n")
    body = "\n".join(line[6:] for line in out.splitlines() if line.startswith("    | "))
    assert json.loads(body) == {"version": "1.0", "components": ["Microsoft.VisualStudio.Workload.VCTools",
                                                                  "Microsoft.VisualStudio.Component.VC.Tools.ARM64"]}
    assert "--config ~\\source\\hello-c\\.vsconfig" in out


def test_healthy_machine_has_nothing_to_apply():
    run = run_cli("check", "--replay", str(MACHINES / "linux-x86_64-healthy.json"), "--fix", "--dry-run")
    assert run.returncode == 0
    assert "no fix can be applied automatically" in run.stdout


def test_a_recorded_machine_is_never_changed():
    run = run_cli("check", "--replay", str(SEED), "--fix", "--yes")
    assert run.returncode == 2
    assert run.stderr.startswith("builddoctor: error: --fix cannot change a recorded machine")


def test_dry_run_without_fix_is_refused():
    run = run_cli("check", "--replay", str(SEED), "--dry-run")
    assert run.returncode == 2 and "--dry-run and --yes go with --fix" in run.stderr


def test_without_a_terminal_and_without_yes_nothing_is_applied(tmp_path):
    from builddoctor.check import run_check
    from builddoctor.fixer import run_fixes

    out = io.StringIO()
    applied = run_fixes(run_check(None, None, str(SEED)), dry_run=False, yes=False, out=out,
                        ask_in=io.StringIO("y\ny\ny\n"), interactive=False)
    assert applied == []
    assert "not a terminal: nothing applied" in out.getvalue()


def test_each_fix_is_asked_for_once_and_a_no_runs_nothing():
    from builddoctor.check import run_check
    from builddoctor.fixer import run_fixes

    out = io.StringIO()
    applied = run_fixes(run_check(None, None, str(SEED)), dry_run=False, yes=False, out=out,
                        ask_in=io.StringIO("n\nno\n\n"), interactive=True)
    assert [a.status for a in applied] == ["declined"] * 3
    assert out.getvalue().count("[y/N]") == 3
    assert "running:" not in out.getvalue()


def test_constraint_file_fix_writes_once_and_never_replaces(tmp_path):
    from builddoctor.fixer import Planned, apply_one
    from builddoctor.rules.fixes import constraint_fix

    fix = constraint_fix(str(tmp_path), "maturin", "1.12.3", windows=False)
    assert fix.action is not None and fix.action.kind == "constraint"
    assert fix.command == f"write {tmp_path}/builddoctor-build-constraints.txt (maturin>=1.12.3)"
    planned = Planned(fix.action, fix, ("known.maturin.example",))
    first = apply_one(planned, io.StringIO())
    assert first.status == "wrote" and first.ok
    assert (tmp_path / "builddoctor-build-constraints.txt").read_text() == "maturin>=1.12.3\n"
    (tmp_path / "builddoctor-build-constraints.txt").write_text("mine\n")
    second = apply_one(planned, io.StringIO())
    assert second.status.startswith("exists") and not second.ok
    assert (tmp_path / "builddoctor-build-constraints.txt").read_text() == "mine\n"
    assert "--build-constraint" in fix.action.then and "UV_BUILD_CONSTRAINT" in fix.action.then


def test_json_fixes_carry_the_typed_action_and_fix_json_reports_what_ran():
    doc = run_cli("check", "--replay", str(SEED), "--json").json()
    target = next(f for f in doc["findings"] if f["id"] == "rust.target-missing")
    assert target["fixes"][0]["action"] == {"kind": "rustup-target", "path": None,
                                            "argv": ["~\\.cargo\\bin\\rustup.exe", "target", "add",
                                                     "x86_64-pc-windows-msvc"]}
    assert "action" not in next(f for f in doc["findings"] if f["id"] == "deps.build-from-source")["fixes"][0]
    run = run_cli("check", "--replay", str(SEED), "--json", "--fix", "--dry-run")
    assert run.json()["applied"] == [] and run.json()["changes"] == []
    assert "dry run: 3 fixes shown, nothing applied" in run.stderr


def test_a_known_backend_problem_offers_a_constraint_file_that_check_fix_can_write(tmp_path):
    """Isolated builds install the backend the frontend resolves: a constraint file keeps them on a fixed version,
    unless the project pins the affected version exactly (a constraint could not override that pin)."""
    from builddoctor._record import replace
    from builddoctor.check import run_check
    from builddoctor.facts import ToolVersion
    from builddoctor.rules import diagnose

    base = run_check(None, None, str(MACHINES / "linux-meson-1.2.0-python-3.12.json")).facts
    meson = next(t for t in base.tools.items if t.name == "meson")
    for requirement, offered in (("meson>=1.0", True), ("meson==1.2.0", False)):
        tools = replace(base.tools, isolated=True, items=tuple(
            replace(t, requirement=requirement, source="resolved from " + requirement)
            if t is meson else t for t in base.tools.items))
        facts = replace(base, tools=tools, project=replace(base.project, path=str(tmp_path)))
        [finding] = [f for f in diagnose(facts).findings if f.id == "known.meson.python-312-distutils"]
        actions = [fix.action for fix in finding.fixes if fix.action is not None and fix.action.kind == "constraint"]
        assert bool(actions) == offered, finding.fixes
        if offered:
            assert actions[0].content == "meson>=1.2.3\n"
            assert actions[0].path == str(tmp_path / "builddoctor-build-constraints.txt")
    assert isinstance(meson, ToolVersion)
