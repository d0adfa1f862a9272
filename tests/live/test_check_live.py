"""`builddoctor check` against the real rustup/rustc/cargo and several real CPythons on this machine."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line_error, cpython, run_cli

pytestmark = pytest.mark.live


def _rustc_release() -> str:
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, timeout=30, check=True).stdout
    return re.search(r"^release: (\S+)", out, re.M).group(1)


@pytest.mark.parametrize("version", ["3.9", "3.11", "3.12", "3.13"])
def test_each_real_cpython_gets_its_own_target(version, tmp_path):
    py = cpython(version)
    doc = run_cli("check", "--python", str(py), "--json", cwd=tmp_path).json()
    interp = doc["facts"]["interpreter"]
    assert interp["version"].startswith(version + ".")
    assert interp["exe_format"] == "elf" and interp["exe_arches"] == ["x86_64"]
    assert doc["target"]["arch"] == "x86_64" and doc["target"]["rust_triple"] == "x86_64-unknown-linux-gnu"
    assert re.fullmatch(r"manylinux_2_\d+_x86_64", doc["target"]["platform_tag"])
    ok = {f["id"]: f for f in doc["findings"]}["rust.ok"]
    assert _rustc_release() in ok["title"]
    assert "x86_64-unknown-linux-gnu" in doc["facts"]["rust"]["installed_targets"]


def test_python_by_version_number_finds_that_cpython(tmp_path):
    doc = run_cli("check", "--python", "3.10", "--json", cwd=tmp_path).json()
    assert doc["facts"]["interpreter"]["version"].startswith("3.10.")


def test_rust_project_is_checked_in_its_folder():
    doc = run_cli("check", "--python", str(cpython("3.12")), "--project", str(ROOT / "examples" / "maturin-pyo3"),
                  "--json").json()
    assert doc["facts"]["project"]["kind"] == "maturin"
    assert doc["facts"]["project"]["is_rust"] is True
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


# --- bad input: every case ends in a finding or a one-line error -----------------------------------------


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: d / "no" / "python3", "not-found"),
        (lambda d: d, "not-found"),  # a folder
        (lambda d: Path("/bin/ls"), "not-python"),
        (lambda d: _script(d / "garbage", "printf '\\377\\376 hello\\n'; exit 0\n"), "not-python"),
        (lambda d: _script(d / "hangs", "sleep 60\n"), "timeout"),
        (lambda d: PYENV_PY2, "unsupported"),
    ],
    ids=["missing", "folder", "bin-ls", "garbage", "hangs", "python2"],
)
def test_unusable_interpreter_is_a_finding_and_other_layers_still_run(tmp_path, make, error):
    target = make(tmp_path)
    if not Path(target).parent.exists() and error != "not-found":
        pytest.skip(f"{target} not installed")
    run = run_cli("check", "--python", str(target), "--json", env={"BUILDDOCTOR_PROBE_TIMEOUT": "3"}, timeout=60)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    doc = run.json()
    (finding,) = [f for f in doc["findings"] if f["id"] == "interpreter.unusable"]
    assert doc["facts"]["interpreter"]["error"] == error
    assert "\n" not in finding["title"]
    assert doc["facts"]["rust"]["rustc_host"] == "x86_64-unknown-linux-gnu"  # the rest was still probed


PYENV_PY2 = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions" / "2.7.18" / "bin" / "python"


def test_hanging_interpreter_is_killed_with_its_children(tmp_path):
    marker = tmp_path / "child.pid"
    hang = _script(tmp_path / "hang", f"sleep 300 & echo $! > {marker}; wait\n")
    run_cli("check", "--python", str(hang), "--json", env={"BUILDDOCTOR_PROBE_TIMEOUT": "2"})
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            __import__("time").sleep(0.1)


def test_rustc_printing_garbage_is_a_finding(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _script(bindir / "rustc", "head -c 300 /dev/urandom; exit 3\n")
    run = run_cli("check", "--python", str(cpython("3.12")), "--json",
                  env={"PATH": f"{bindir}:{os.environ['PATH']}"}, cwd=tmp_path)
    assert "Traceback" not in run.stderr
    f = {x["id"]: x for x in run.json()["findings"]}
    assert "rustc -vV gave no host line" in f["rust.rustc-broken"]["title"]
    assert "\n" not in f["rust.rustc-broken"]["title"]


def test_empty_path_entries_never_mean_the_current_folder(tmp_path):
    _script(tmp_path / "rustc", f"touch {tmp_path}/HIJACKED; echo host: evil-triple\n")
    _script(tmp_path / "rustup", f"touch {tmp_path}/HIJACKED\n")
    path = "::" + os.environ["PATH"] + ":"
    run = run_cli("check", "--python", str(cpython("3.12")), "--json", env={"PATH": path}, cwd=tmp_path)
    assert not (tmp_path / "HIJACKED").exists()
    assert run.json()["facts"]["rust"]["rustc_host"] == "x86_64-unknown-linux-gnu"


def test_path_with_thousands_of_entries(tmp_path):
    path = ":".join(f"/nx/{i}" for i in range(5000)) + ":" + os.environ["PATH"]
    run = run_cli("check", "--python", str(cpython("3.12")), "--json", env={"PATH": path}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.json()["facts"]["rust"]["rustc_host"] == "x86_64-unknown-linux-gnu"


def test_non_ascii_home_folder(tmp_path):
    home = tmp_path / "Laura Frølich"
    home.mkdir()
    run = run_cli("check", "--python", str(cpython("3.12")), env={"HOME": str(home), "LANG": "C"}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Target: linux x86_64" in run.stdout


def test_pinned_toolchain_is_reported_and_never_downloaded(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[build-system]\nrequires = ["maturin>=1.5"]\n'
                                             'build-backend = "maturin"\n', encoding="utf-8")
    (tmp_path / "rust-toolchain.toml").write_text('[toolchain]\nchannel = "1.2.3"\n', encoding="utf-8")
    before = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True, timeout=30).stdout
    run = run_cli("check", "--python", str(cpython("3.12")), "--json", cwd=tmp_path, timeout=60)
    after = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True, timeout=30).stdout
    assert before == after
    f = {x["id"]: x for x in run.json()["findings"]}
    assert f["rust.toolchain-missing"]["severity"] == "error"
    assert f["rust.toolchain-missing"]["fixes"][0]["command"] == "rustup toolchain install 1.2.3"


def _state() -> dict[str, str]:
    home = Path.home()
    files = [home / ".rustup" / "settings.toml", home / ".cargo" / "config.toml", home / ".cargo" / "config",
             home / ".config" / "pip" / "pip.conf", home / ".config" / "uv" / "uv.toml", home / ".bashrc",
             home / ".profile"]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else "absent" for f in files}


def test_check_and_snapshot_never_change_the_machine(tmp_path):
    before = _state()
    env_before = dict(os.environ)
    run_cli("check", "--python", str(cpython("3.12")), cwd=tmp_path)
    run_cli("snapshot", "-o", str(tmp_path / "s.json"), cwd=tmp_path)
    assert _state() == before
    assert dict(os.environ) == env_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_bad_arguments_are_one_line_errors():
    run = run_cli("check", "--no-such-flag")
    assert run.returncode == 2
    assert_one_line_error(run)
    assert sys.executable  # the CLI ran in a child process


def test_no_temporary_folder_is_left_behind(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    py = str(cpython("3.12"))
    run_cli("check", "--python", py, env=env, cwd=tmp_path)
    run_cli("check", "--python", "/does/not/exist", env=env, cwd=tmp_path)
    run_cli("snapshot", "-o", "-", "--python", py, env=env, cwd=tmp_path)
    run_cli("why", "nothing", "--python", py, "--project", str(tmp_path), "--find-links", str(tmp), env=env,
            cwd=tmp_path)
    assert list(tmp.iterdir()) == []


def test_rustup_version_is_the_one_rustup_reports_without_running_rustc(tmp_path):
    """check reads rustup's version from `rustup --help`; it is the version `rustup --version` prints,
    and the snapshot holds no `rustup --version` run (which would start rustc as well)."""
    said = subprocess.run(["rustup", "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    doc = run_cli("check", "--python", sys.executable, "--json", "--no-cache", cwd=tmp_path).json()
    assert said.split()[:2] == ["rustup", doc["facts"]["rust"]["rustup_version"]]
    out = tmp_path / "snap.json"
    run_cli("snapshot", "--python", sys.executable, "-o", str(out), cwd=tmp_path)
    runs = [k for k in json.loads(out.read_text())["reads"] if k.startswith("run ") and "rustup" in k]
    assert any(k.endswith('"--help"]') for k in runs) and not any("--version" in k for k in runs)


def test_rustc_and_cargo_answer_from_the_active_toolchain_as_their_proxies_would(tmp_path):
    """rustc and cargo on PATH are rustup's proxies here: check runs the active toolchain's own
    programs (the proxies would start rustup again), and they say what the proxies say."""
    proxy = {tool: subprocess.run([tool, flag], capture_output=True, text=True, timeout=30, check=True).stdout
             for tool, flag in (("rustc", "-vV"), ("cargo", "-V"))}
    out = tmp_path / "snap.json"
    run_cli("snapshot", "--python", sys.executable, "-o", str(out), cwd=tmp_path)
    reads = json.loads(out.read_text())["reads"]
    runs = {json.loads(k[4:])[0]: v for k, v in reads.items() if k.startswith('run ["')}
    for tool in ("rustc", "cargo"):
        own = [exe for exe in runs if exe.endswith(f"/bin/{tool}") and "/.rustup/toolchains/" in exe]
        assert len(own) == 1 and runs[own[0]]["stdout"] == proxy[tool]
        assert not [exe for exe in runs if exe.endswith(f"/.cargo/bin/{tool}")]


def test_rustup_forced_into_colour_by_the_user_gives_the_same_rust_facts(tmp_path):
    """RUSTUP_TERM_COLOR=always (set for coloured CI logs) made `rustup show` print escape codes that
    hid the default host and the active toolchain; the probes ask rustup for no colour."""
    said = subprocess.run(["rustup", "show"], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "RUSTUP_TERM_COLOR": "always"}).stdout
    assert "\x1b[" in said  # the setting really colours rustup's output here
    plain = run_cli("check", "--python", sys.executable, "--json", "--no-cache", cwd=tmp_path).json()
    coloured = run_cli("check", "--python", sys.executable, "--json", "--no-cache", cwd=tmp_path,
                       env={"RUSTUP_TERM_COLOR": "always", "CLICOLOR_FORCE": "1"}).json()
    assert coloured["facts"]["rust"] == plain["facts"]["rust"]
    assert plain["facts"]["rust"]["default_host"] == "x86_64-unknown-linux-gnu"
