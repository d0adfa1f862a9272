"""What a command imports is latency a user waits for at every run: heavy modules load only on the
paths that use them. Each case runs a fresh interpreter and looks at sys.modules afterwards."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import MACHINES

# Heavy or unneeded for the command: packaging (~30 ms of regex compilation), rich, the thread pool
# (imports logging), pathlib (imports urllib), subprocess, the build and why code.
HEAVY = ("packaging", "rich", "concurrent.futures", "logging", "pathlib", "subprocess", "importlib.resources",
         "builddoctor.builder.command", "builddoctor.why", "builddoctor.sdist", "tempfile", "hashlib")


def _modules_after(code: str) -> set[str]:
    code += "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_module() -> None:
    loaded = _modules_after("import builddoctor.cli")
    assert not [m for m in HEAVY if m in loaded]
    assert "dataclasses" not in loaded and "builddoctor.facts" not in loaded  # `--help` needs neither


#: a check reads which build tools will run (probes/tools.py): requirement specifiers and versions need
#: packaging on every check, so only the CLI import itself stays free of it
#: (packaging.tags imports subprocess and logging, and logging imports threading)
CHECK_HEAVY = tuple(m for m in HEAVY if m not in ("packaging", "subprocess", "logging"))


def test_check_replay_of_a_linux_machine_loads_no_heavy_module() -> None:
    machine = MACHINES / "linux-x86_64-healthy.json"
    loaded = _modules_after(
        "import contextlib, io, threading, builddoctor.cli\n"
        "started = []\n"
        "real_start = threading.Thread.start\n"
        "threading.Thread.start = lambda self: (started.append(self.name), real_start(self))[1]\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    rc = builddoctor.cli.main(['check', '--replay', {str(machine)!r}])\n"
        "assert rc == 0 and 'rust.ok' in out.getvalue(), out.getvalue()\n"
        "assert not started, started  # a replay answers from a dict: no probe thread is started")
    assert not [m for m in CHECK_HEAVY if m in loaded]


def test_json_report_computes_wheel_tags_with_packaging() -> None:
    """The lazy path is taken when it is needed: the JSON report lists tags, so packaging loads."""
    machine = MACHINES / "linux-x86_64-healthy.json"
    loaded = _modules_after(
        "import contextlib, io, json, builddoctor.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    builddoctor.cli.main(['check', '--json', '--replay', {str(machine)!r}])\n"
        "assert json.loads(out.getvalue())['target']['tags'][0] == 'cp312-cp312-manylinux_2_36_x86_64'")
    assert "packaging.tags" in loaded


def test_build_help_still_lists_build_options() -> None:
    out = subprocess.run([sys.executable, "-m", "builddoctor", "build", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "--no-isolation" in out.stdout
    out = subprocess.run([sys.executable, "-m", "builddoctor", "check", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "--no-cache" in out.stdout
