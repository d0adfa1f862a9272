"""`builddoctor check --replay` of a recorded Linux machine vs `python -I -c pass`, side by side.

A replay runs no subprocess: what it costs is the interpreter's start-up, builddoctor's imports and
the diagnosis itself. Goal (issue 16): at most 4x a bare `python -I -c pass` of the same Python.
Also shown: `builddoctor --version` (the CLI alone) and `python -c "import packaging.tags"`, which
check --replay no longer pays. Where the rest goes: `python -X importtime -m builddoctor check
--replay examples/machines/linux-x86_64-healthy.json`.

Run: python bench/bench_startup.py [-n 15]
"""
from __future__ import annotations

import argparse
import sys

from _common import REPO, bench_env, builddoctor_exe, interleaved, precompile, table, timed, verdict

GOAL = 4.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=15, help="runs of each command (median reported, >= 9)")
    parser.add_argument("--machine", default=str(REPO / "examples" / "machines" / "linux-x86_64-healthy.json"))
    args = parser.parse_args()
    precompile()
    exe = builddoctor_exe()
    env = bench_env()
    py = sys.executable
    commands = {
        "python -I -c pass": lambda: timed([py, "-I", "-c", "pass"], env),
        "builddoctor check --replay LINUX": lambda: timed([exe, "check", "--replay", args.machine], env),
        "builddoctor --version": lambda: timed([exe, "--version"], env),
        "python -c 'import packaging.tags'": lambda: timed([py, "-c", "import packaging.tags"], env),
    }
    med = table(interleaved(commands, args.n), "builddoctor check --replay LINUX")
    print(verdict("check --replay / python -I -c pass",
                  med["builddoctor check --replay LINUX"] / med["python -I -c pass"], GOAL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
