"""action.yml: its inputs/outputs schema, and its shell steps run here as a runner would run them
(GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP simulated; `uses:` steps checked, not run)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, cpython

yaml = pytest.importorskip("yaml", reason="pyyaml is a test dependency: pip install -e '.[test]'")

FRESH = shutil.ignore_patterns("build", "*.egg-info", "dist")  # a clean copy of an example

pytestmark = pytest.mark.live

ACTION = ROOT / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_schema_inputs_outputs_and_steps():
    doc = _action()
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(doc)
    assert doc["runs"]["using"] == "composite"
    steps = doc["runs"]["steps"]
    ids = {s["id"] for s in steps if "id" in s}
    text = ACTION.read_text(encoding="utf-8")
    for name, spec in doc["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), name
        assert spec["description"] and spec["required"] is False and isinstance(spec["default"], str), name
        assert f"inputs.{name}" in text, f"input {name} is never used"
    for flag in ("build", "verify", "upload", "fail-on-error", "install"):
        assert doc["inputs"][flag]["default"] in ("true", "false")
    used = set(re.findall(r"inputs\.([a-z0-9-]+)", text))
    assert used <= set(doc["inputs"]), used - set(doc["inputs"])
    for name, spec in doc["outputs"].items():
        m = re.fullmatch(r"\$\{\{ steps\.([a-z]+)\.outputs\.([a-z-]+) \}\}", spec["value"])
        assert m and spec["description"], name
        step = next(s for s in steps if s.get("id") == m.group(1))
        script = ROOT / re.search(r"scripts/action/\S+\.sh", step["run"]).group(0)
        assert f"{m.group(2)}=" in script.read_text(encoding="utf-8"), f"{script.name} never writes {m.group(2)}"
    for ref in re.findall(r"steps\.([a-z]+)\.outputs", text):
        assert ref in ids
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash"
            for script in re.findall(r"scripts/action/\S+\.sh", step["run"]):
                assert (ROOT / script).is_file()
        else:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_scripts_are_valid_bash():
    for script in sorted((ROOT / "scripts" / "action").glob("*.sh")):
        subprocess.run(["bash", "-n", str(script)], check=True)


class Runner:
    """Runs the composite action's steps the way the Actions runner does, on this machine."""

    def __init__(self, tmp: Path, inputs: dict[str, str], env: dict[str, str] | None = None) -> None:
        doc = _action()
        self.steps = doc["runs"]["steps"]
        self.inputs = {k: v["default"] for k, v in doc["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.tmp = tmp
        self.summary = tmp / "summary.md"
        self.summary.write_text("## earlier step\n", encoding="utf-8")
        self.uploaded: list[dict[str, str]] = []
        self.ran: list[str] = []
        bindir = str(Path(sys.executable).parent)  # this checkout's builddoctor
        self.env = {**os.environ, **(env or {}), "PATH": bindir + os.pathsep + os.environ["PATH"],
                    "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_STEP_SUMMARY": str(self.summary),
                    "RUNNER_TEMP": str(tmp / "runner-temp"), "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                    "GITHUB_JOB": "doctor"}
        self.env.pop("VIRTUAL_ENV", None)
        (tmp / "runner-temp").mkdir()

    def value(self, expr: str) -> str:
        m = re.fullmatch(r"inputs\.([a-z0-9-]+)", expr)
        if m:
            return self.inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([a-z]+)\.outputs\.([a-z-]+)", expr)
        if m:
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError(f"unsupported expression {expr!r}")

    def sub(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, cond: str | None, failed: bool) -> bool:
        if cond is None:
            return not failed
        values: dict[str, str] = {}

        def name(m: re.Match[str]) -> str:
            values[f"v{len(values)}"] = self.value(m.group(1))
            return f"v{len(values) - 1}"

        py = re.sub(r"(inputs\.[a-z0-9-]+|steps\.[a-z]+\.outputs\.[a-z-]+)", name, cond)
        py = py.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
        assert re.fullmatch(r"[\w\s'=!()]*", py), py  # names, quoted words, ==, !=, and, or
        result = eval(py, {"__builtins__": {}}, {"True": True, **values})  # the action's own conditions
        return bool(result) and (not failed or "always()" in cond)

    def run(self, cwd: Path) -> int:
        failed = 0
        for step in self.steps:
            if not self.condition(step.get("if"), bool(failed)):
                continue
            env = {**self.env, **{k: self.sub(str(v)) for k, v in (step.get("env") or {}).items()}}
            self.ran.append(step["name"])
            if "uses" in step:
                self.uploaded.append({k: self.sub(str(v)) for k, v in step["with"].items()})
                continue
            out = self.tmp / f"output-{len(self.ran)}"
            out.write_text("", encoding="utf-8")
            env["GITHUB_OUTPUT"] = str(out)
            proc = subprocess.run(["bash", "-c", self.sub(step["run"])], env=env, cwd=cwd, capture_output=True,
                                  text=True, timeout=600)
            self.log = getattr(self, "log", "") + proc.stdout + proc.stderr
            if "id" in step:
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in out.read_text().splitlines() if line)
            if proc.returncode != 0:
                failed = proc.returncode
        return failed


def _project(tmp: Path) -> Path:
    dest = tmp / "hello-c"
    shutil.copytree(ROOT / "examples" / "setuptools-c", dest, ignore=FRESH)
    return dest


def test_check_and_build_steps_write_the_summary_outputs_and_upload_the_snapshot(tmp_path):
    python = cpython("3.12")
    project = _project(tmp_path)
    runner = Runner(tmp_path, {"python": str(python), "project": str(project), "build": "true", "install": "false",
                               "fail-on-error": "true", "outdir": str(tmp_path / "dist")})
    assert runner.run(tmp_path) == 0, runner.log
    assert runner.ran == ["builddoctor check", "builddoctor build", "Upload the snapshot"]
    check = runner.outputs["check"]
    assert check["errors"] == "0" and check["artifact-name"] == "builddoctor-Linux-X64-doctor"
    snapshot = Path(check["snapshot"])
    assert snapshot.is_file() and snapshot.parent == tmp_path / "runner-temp" / "builddoctor"
    # the summary keeps what earlier steps wrote and gets the markdown report
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## earlier step\n### builddoctor check: 0 errors")
    assert "| interpreter binary | elf x86_64 | x86_64 | ok |" in summary
    assert f"attach `{snapshot.name}`" in summary
    assert str(Path.home()) + "/" not in summary
    assert runner.uploaded == [{"name": "builddoctor-Linux-X64-doctor", "path": str(snapshot),
                                "if-no-files-found": "error"}]
    wheel = Path(runner.outputs["build"]["wheel"])
    assert wheel.is_file() and wheel.name.startswith("hello_c-0.1.0-cp312-cp312-linux_x86_64")
    replay = subprocess.run([sys.executable, "-m", "builddoctor", "check", "--replay", str(snapshot)],
                            capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0 and "Target: linux x86_64" in replay.stdout


def test_fail_on_error_fails_the_job_after_reporting_and_uploading(tmp_path):
    if shutil.which("aarch64-linux-gnu-gcc") is None:
        pytest.skip("needs aarch64-linux-gnu-gcc (scripts/setup-test-machine)")
    project = _project(tmp_path)
    runner = Runner(tmp_path, {"python": str(cpython("3.12")), "project": str(project), "install": "false",
                               "fail-on-error": "true"}, env={"CC": "aarch64-linux-gnu-gcc"})
    assert runner.run(tmp_path) == 1, runner.log
    assert runner.ran == ["builddoctor check", "Upload the snapshot", "Fail on check errors"]
    assert int(runner.outputs["check"]["errors"]) >= 1
    assert runner.outputs["check"]["top-finding"] == "cc.env-mismatch"
    assert "[cc.env-mismatch]" not in runner.summary.read_text() and "`cc.env-mismatch`" in runner.summary.read_text()
    assert "builddoctor check found" in runner.log
