"""The plain command-line reader (cliparse.py) against argparse, on generated command lines for
every command: whenever the reader answers, argparse gives the same namespace; whenever argparse
refuses a line (or prints help), the reader did not answer. And a plain check is read without
importing argparse at all."""
from __future__ import annotations

import contextlib
import io
import random
import subprocess
import sys

import pytest

from builddoctor import cli
from builddoctor.cliparse import Namespace, parse_plain
from builddoctor.errors import UserError

VALUES = ["a", "x.json", "3.12", "", "-", "-5", "x y", "0", "10", "1.5", "abc", "auto", "uv", "bash", "cc.*",
          "aarch64", "--json", "KEY=VALUE", "nan"]
JUNK = ["--", "-vv", "--jso", "--json=1", "-h", "--help", "-ofile", "--nope", "-x", "--python=", "--verbose=2"]


def flags_of(command: str) -> list[str]:
    return [f for _, flags, _ in cli._options(command).calls for f in flags if f.startswith("-")]


def random_line(rng: random.Random, command: str) -> list[str]:
    flags = flags_of(command)
    words: list[str] = []
    for _ in range(rng.randint(0, 6)):
        roll = rng.random()
        if roll < 0.5 and flags:
            flag = rng.choice(flags)
            words.append(flag)
            if rng.random() < 0.7:
                words.append(rng.choice(VALUES))
        elif roll < 0.6 and flags:
            words.append(f"{rng.choice([f for f in flags if f.startswith('--')] or flags)}={rng.choice(VALUES)}")
        elif roll < 0.9:
            words.append(rng.choice(VALUES))
        else:
            words.append(rng.choice(JUNK))
    return words


def argparse_reads(argv: list[str]) -> Namespace | None:
    """argparse's namespace for the line, or None when it refuses it or prints help."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return cli._parser(argv[0]).parse_args(argv, namespace=Namespace())
    except (UserError, SystemExit):
        return None


@pytest.mark.parametrize("command", sorted(cli._COMMAND_ARGUMENTS))
def test_the_plain_reader_agrees_with_argparse(command: str) -> None:
    rng = random.Random(f"cliparse-{command}")
    answered = refused = 0
    for _ in range(400):
        line = random_line(rng, command)
        ours = parse_plain(cli._options(command), line)
        theirs = argparse_reads([command, *line])
        if ours is None:
            refused += 1
            continue
        answered += 1
        ours.command = command
        assert theirs is not None, f"argparse refuses {line!r}, the plain reader read {ours!r}"
        assert vars(ours) == vars(theirs), line
    assert answered > 20 or command == "devshell"  # the generator really exercises the plain path
    assert refused > 20


@pytest.mark.parametrize("line", [
    ["check"], ["check", "--json", "--replay", "m.json"], ["check", "-v", "-v", "--ignore", "a", "--ignore=b,c"],
    ["check", "--no-cache", "numpy", "scipy"], ["why", "--timeout", "5", "--json"], ["diagnose", "-"],
    ["build", "--kind", "maturin", "-C", "a=b", "-C", "c", "src"], ["verify", "a.whl", "b.whl", "--json"],
    ["snapshot", "-o", "out.json", "--force"], ["explain"], ["explain", "cc.missing"], ["completion", "bash"],
    ["triage", "d1", "d2"],
])
def test_common_lines_are_read_plainly_and_as_argparse_reads_them(line: list[str]) -> None:
    ours = parse_plain(cli._options(line[0]), line[1:])
    assert ours is not None
    ours.command = line[0]
    assert ours == argparse_reads(line)


def test_a_plain_check_never_imports_argparse(tmp_path) -> None:
    code = ("import sys; from builddoctor import cli; sys.argv = ['builddoctor', 'check', '--replay', sys.argv[1]]\n"
            "try: cli.main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('argparse', 'gettext', 'locale') if m in sys.modules))")
    machine = cli.__file__.rsplit("/src/", 1)[0] + "/examples/machines/linux-x86_64-healthy.json"
    out = subprocess.run([sys.executable, "-c", code, machine], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
    # and a mistyped line still gets argparse's message with its suggestion
    bad = subprocess.run([sys.executable, "-m", "builddoctor", "check", "--jsn"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and "did you mean --json?" in bad.stderr


def test_version_prints_what_the_parsers_version_action_prints(capsys) -> None:
    assert cli.main(["--version"]) == 0
    ours = capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["--version"])
    assert ours == capsys.readouterr().out == f"builddoctor {cli.__version__}\n"
