"""snapshot -> replay: the same report anywhere, with nothing private in the file."""
from __future__ import annotations

import json
import os

from conftest import assert_one_line_error, cpython, run_cli


def test_replay_of_a_snapshot_prints_the_same_report(tmp_path):
    py = str(cpython("3.12"))
    snap = tmp_path / "snap.json"
    assert run_cli("snapshot", "-o", str(snap), "--python", py, cwd=tmp_path).returncode == 0
    live = run_cli("check", "--python", py, cwd=tmp_path)
    replay = run_cli("check", "--replay", str(snap), cwd=tmp_path)
    assert live.returncode == replay.returncode == 0
    assert replay.stdout == live.stdout
    live_json = run_cli("check", "--python", py, "--json", cwd=tmp_path).json()
    replay_json = run_cli("check", "--replay", str(snap), "--json", cwd=tmp_path).json()
    assert {k: v for k, v in replay_json.items() if k != "source"} == \
           {k: v for k, v in live_json.items() if k != "source"}


def test_snapshot_redacts_user_home_and_secrets(tmp_path):
    py = str(cpython("3.12"))
    home = tmp_path / "Laura Frølich (x86)"
    home.mkdir()
    snap = tmp_path / "snap.json"
    secrets = {
        "GITHUB_TOKEN": "ghp_" + "a" * 36,
        "CARGO_REGISTRY_TOKEN": "cio_secretvalue123",
        "PIP_INDEX_URL": "https://alice:hunter2@pypi.example.com/simple",
        "CARGO_HTTP_PROXY": "http://bob:pa55word@proxy.example:3128",
        "RUSTFLAGS": "-C link-arg=pypi-" + "b" * 40,
        "HOME": str(home),
        "USER": "laurafrolich",
        "PATH": f"{home}/bin:" + os.environ["PATH"],
    }
    run = run_cli("snapshot", "-o", str(snap), "--python", py, env=secrets, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    text = snap.read_text(encoding="utf-8")
    for leaked in ("ghp_", "cio_secretvalue123", "hunter2", "alice", "pa55word", "Frølich", "laurafrolich",
                   "b" * 40):
        assert leaked not in text, leaked
    doc = json.loads(text)
    assert doc["home_shape"] == {"has_space": True, "has_parens": True, "non_ascii": True, "is_8dot3": False,
                                 "length": len(str(home))}
    assert doc["reads"]["env"]["PATH"].startswith("~/bin:")  # paths keep their shape
    assert doc["reads"]["env"]["PIP_INDEX_URL"] == "https://<redacted>@pypi.example.com/simple"


def test_snapshot_never_clobbers_an_existing_file(tmp_path):
    snap = tmp_path / "mine.json"
    snap.write_text("precious", encoding="utf-8")
    run = run_cli("snapshot", "-o", str(snap), cwd=tmp_path)
    assert run.returncode == 2
    assert_one_line_error(run)
    assert snap.read_text(encoding="utf-8") == "precious"


def test_corrupt_or_foreign_snapshot_is_a_one_line_error(tmp_path):
    cases = {
        "garbage.json": b"\x00\xffnot json",
        "list.json": b"[1, 2]",
        "other.json": b'{"schema": "someone-else/9", "os": "linux", "reads": {}}',
        "noos.json": b'{"schema": "builddoctor.snapshot/1", "os": "beos", "reads": {}}',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        run = run_cli("check", "--replay", str(tmp_path / name))
        assert run.returncode == 2, name
        assert_one_line_error(run)
        assert name in run.stderr
    missing = run_cli("check", "--replay", str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "cannot read snapshot" in missing.stderr


def test_a_windows_snapshot_holds_the_dev_shell_for_its_target(tmp_path):
    """snapshot records the same vcvarsall capture devshell makes, so devshell and build --print-env
    replay on a real user's snapshot (here: the recorded ARM64 machine with an x64 Python)."""
    import json

    from conftest import MACHINES, run_cli

    from builddoctor.check import record_machine
    from builddoctor.machine import ReplayMachine, load_snapshot

    inner = ReplayMachine(load_snapshot(MACHINES / "win-arm64-seed-devshell.json"))
    doc, _ = record_machine(inner, None, inner.doc["invocation"]["project"])
    keys = [k for k in doc["reads"] if k.startswith("run vcvarsall ")]
    assert keys == [k for k in inner.doc["reads"] if k.startswith("run vcvarsall arm64_amd64")]
    assert doc["invocation"]["target_origin"] == "interpreter"
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    shell = run_cli("devshell", "--replay", str(path), "--format", "json")
    assert shell.returncode == 0, shell.stderr
    assert json.loads(shell.stdout)["set"]["VSCMD_ARG_TGT_ARCH"] == "x64"
    plan = run_cli("build", "--print-env", "--replay", str(path), "--kind", "setuptools-ext", "--json")
    env = {c["name"]: c for c in json.loads(plan.stdout)["env"]}
    assert env["VSCMD_ARG_TGT_ARCH"]["value"] == "x64" and "HostARM64\\x64" in env["Path"]["value"]
