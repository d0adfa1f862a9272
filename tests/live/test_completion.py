"""builddoctor completion SHELL: each script loaded by the real shell and asked for completions."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_one_line_error, run_cli

pytestmark = pytest.mark.live

BIN = str(Path(sys.executable).parent)


def _shell(name: str) -> str:
    exe = shutil.which(name)
    if exe is None or subprocess.run([exe, "-c", "exit 0"], timeout=30).returncode != 0:
        pytest.skip(f"{name} is not installed: run scripts/setup-test-machine")
    return exe


def _run(shell: str, script: str) -> str:
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]}
    proc = subprocess.run([shell, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _bash(words: list[str]) -> list[str]:
    quoted = " ".join(f"'{w}'" for w in words)
    out = _run(_shell("bash"), f'eval "$(builddoctor completion bash)"; COMP_WORDS=({quoted}); '
                               f'COMP_CWORD={len(words) - 1}; _builddoctor; printf "%s\\n" "${{COMPREPLY[@]}}"')
    return out.split()


def test_bash_completes_commands_options_choices_and_finding_ids():
    assert _bash(["builddoctor", "tri"]) == ["triage"]
    assert _bash(["builddoctor", "check", "--ig"]) == ["--ignore"]
    assert _bash(["builddoctor", "check", "--ignore", "rust.target-m"]) == ["rust.target-missing"]
    assert _bash(["builddoctor", "explain", "host.em"]) == ["host.emulated"]
    assert _bash(["builddoctor", "build", "--kind", "mat"]) == ["maturin"]
    assert _bash(["builddoctor", "completion", "p"]) == ["powershell"]
    assert "--markdown" in _bash(["builddoctor", "snapshot", "--"])


def test_every_parser_option_is_offered():
    from builddoctor.cli import _parser

    script = run_cli("completion", "bash").stdout
    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, parser in sub.choices.items():
        line = re.search(rf"^\s+{re.escape(name)}\) opts=\"([^\"]*)\"", script, re.M)
        assert line, name
        for action in parser._actions:
            hidden = action.help == argparse.SUPPRESS  # a deprecated alias (check --index): not offered
            for flag in action.option_strings:
                assert (flag in line.group(1).split()) != hidden, (name, flag)
    check = re.search(r"^\s+check\) opts=\"([^\"]*)\"", script, re.M)
    assert check and "--index-url" in check.group(1).split() and "--index" not in check.group(1).split()


def test_fish_completes_through_its_own_engine():
    fish = _shell("fish")
    out = _run(fish, 'builddoctor completion fish | source; complete -C "builddoctor tri"; '
                     'complete -C "builddoctor check --ignore host.em"; complete -C "builddoctor build --kind mat"; '
                     'complete -C "builddoctor check --mark"')
    firsts = [line.split("\t")[0] for line in out.splitlines()]
    assert firsts == ["triage", "host.emulated", "maturin", "--markdown"]


def test_zsh_registers_the_completion_and_offers_ids():
    zsh = _shell("zsh")
    out = _run(zsh, 'eval "$(builddoctor completion zsh)"; print -r -- $_comps[builddoctor]; setopt ksharrays; '
                    "COMP_WORDS=(builddoctor check --ignore ''); COMP_CWORD=3; _builddoctor; "
                    'print -l -- "${COMPREPLY[@]}"')
    lines = out.splitlines()
    assert lines[0] == "_bash_complete -o filenames -F _builddoctor"
    assert {"host.emulated", "rust.target-missing", "markers.host-cpu"} <= set(lines[1:])


def test_powershell_script_registers_a_native_completer_with_every_command():
    text = run_cli("completion", "powershell").stdout
    assert "Register-ArgumentCompleter -Native -CommandName builddoctor, builddoctor.exe" in text
    table = text.split("$__builddoctorOptions = @{", 1)[1].split("\n}", 1)[0]
    keys = re.findall(r"^\s+'([a-z-]+)' = @\(", table, re.M)
    from builddoctor.cli import _parser

    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    assert sorted(keys) == sorted(sub.choices)
    choices = text.split("$__builddoctorChoices = @{", 1)[1].split("\n}", 1)[0]
    flags = re.findall(r"^\s+'(-[-\w]+)' = ", choices, re.M)
    assert len(flags) == len(set(flags)) and "--kind" in flags  # a PowerShell hashtable refuses duplicate keys
    assert "'rust.target-missing'" in text


def test_unknown_shell_is_a_one_line_error_with_a_suggestion():
    run = run_cli("completion", "fsh")
    assert run.returncode == 2
    assert_one_line_error(run)
    assert "did you mean 'fish'?" in run.stderr
