"""builder/warm.py: the build_wheel hook's process started early runs the hook exactly as a fresh one would."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from builddoctor.builder.warm import EarlyHook, wanted

# Stands in for pyproject-hooks' _in_process.py: reports what a hook process would see.
FAKE_IN_PROCESS = """\
import json, os, sys
print("hook", sys.argv[1], flush=True)
with open(os.path.join(sys.argv[2], "output.json"), "w") as fh:
    json.dump({"argv": sys.argv, "path0": sys.path[0], "cwd": os.getcwd(), "env": os.environ.get("DEMO"),
               "main": __name__, "imported": "backend_probe_mod" in sys.modules,
               "stdin": sys.stdin.read()}, fh)
if sys.argv[1] == "build_wheel_slow":
    import time; time.sleep(30)
"""


def _setup(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    (tmp_path / "hooks").mkdir()
    script = tmp_path / "hooks" / "_in_process.py"
    script.write_text(FAKE_IN_PROCESS, encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "backend_probe_mod.py").write_text("print('importing the backend', flush=True)\n",
                                                            encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    env = {**os.environ, "DEMO": "same env", "PYTHONPATH": str(tmp_path / "site"),
           "_PYPROJECT_HOOKS_BUILD_BACKEND": "backend_probe_mod:api"}
    return script, src, env


def test_the_early_process_runs_the_hook_as_python_script_would(tmp_path: Path) -> None:
    script, src, env = _setup(tmp_path)
    control = tmp_path / "control"
    control.mkdir()
    argv = [sys.executable, str(script), "build_wheel", str(control)]
    early = EarlyHook(sys.executable, str(script), str(src), env)
    assert early.matches(argv, str(src), env)
    assert not early.matches(argv, str(tmp_path), env)  # another folder
    assert not early.matches(argv, str(src), {**env, "DEMO": "changed"})  # another environment
    assert not early.matches([*argv[:2], "get_requires_for_build_wheel", argv[3]], str(src), env)
    lines: list[str] = []
    rc, error, _ = early.claim(argv, lines.append, timeout=60, idle_timeout=60)
    assert (rc, error) == (0, None)
    assert lines == ["importing the backend", "hook build_wheel"]  # the import's output is kept, in order
    seen = json.loads((control / "output.json").read_text(encoding="utf-8"))
    assert seen["argv"] == [str(script), "build_wheel", str(control)]
    assert seen["path0"] == str(script.parent)  # as `python _in_process.py`: never the project folder
    assert (seen["cwd"], seen["env"], seen["main"], seen["imported"]) == (str(src), "same env", "__main__", True)
    assert seen["stdin"] == ""  # the hook reads an empty stdin, as with DEVNULL


def test_a_discarded_early_process_ends_without_running_the_hook(tmp_path: Path) -> None:
    script, src, env = _setup(tmp_path)
    early = EarlyHook(sys.executable, str(script), str(src), env)
    early.discard()
    assert early.proc.returncode == 0
    assert not list(tmp_path.rglob("output.json"))


def test_a_claimed_hook_past_its_deadline_is_ended(tmp_path: Path) -> None:
    script, src, env = _setup(tmp_path)
    control = tmp_path / "control"
    control.mkdir()
    early = EarlyHook(sys.executable, str(script), str(src), env)
    started = time.monotonic()
    rc, error, _ = early.claim([sys.executable, str(script), "build_wheel_slow", str(control)], lambda _: None,
                               timeout=1.0, idle_timeout=None)
    assert (rc, error) == (None, "timeout")
    assert early.proc.poll() is not None and time.monotonic() - started < 20


def test_only_an_installed_backends_first_hook_starts_one() -> None:
    backend = {"_PYPROJECT_HOOKS_BUILD_BACKEND": "setuptools.build_meta"}
    argv = ["python", "_in_process.py", "get_requires_for_build_wheel", "/tmp/x"]
    assert wanted(argv, backend)
    assert not wanted([*argv[:2], "build_wheel", "/tmp/x"], backend)
    assert not wanted(argv, {**backend, "_PYPROJECT_HOOKS_BACKEND_PATH_JSON": '["."]'})  # in-tree backend
    assert not wanted(argv, None)
