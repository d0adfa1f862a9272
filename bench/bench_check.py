"""Live `builddoctor check` (cold and warm cache) vs `pip debug --verbose`, side by side.

Both describe the same interpreter (this venv's Python); check also probes the host, rustup, rustc,
cargo, the C compilers, CMake. "cold" is `check --no-cache` (every probe runs its program);
"warm" uses a cache folder filled once before timing (the interpreter's description, rustup's and the
compilers' answers come from it while their files are unchanged). Runs from an empty folder (no
project); `--project DIR` adds a project.

Goals (issue 16): cold at most 0.25x pip debug's wall time, warm at most 0.15x; issue 13: every
probe on, a check (as users run it: the cache warm after the first run) under 0.3x.
Run: python bench/bench_check.py [-n 9] [--project DIR]
"""
from __future__ import annotations

import argparse
import sys
import tempfile

from _common import bench_env, builddoctor_exe, interleaved, precompile, table, timed, verdict

GOAL_COLD, GOAL_WARM, GOAL_13 = 0.25, 0.15, 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=9, help="runs of each command (median reported, >= 9)")
    parser.add_argument("--project", help="run check for this project folder")
    args = parser.parse_args()
    precompile()
    exe = builddoctor_exe()
    project = ["--project", args.project] if args.project else []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        env = bench_env({"BUILDDOCTOR_CACHE_DIR": f"{tmp}/cache"})
        check = [exe, "check", "--python", sys.executable, *project]
        timed(check, env, cwd=tmp)  # fills the cache
        commands = {
            "pip debug --verbose": lambda: timed([sys.executable, "-m", "pip", "debug", "--verbose"], env, cwd=tmp),
            "builddoctor check (cold, --no-cache)": lambda: timed([*check, "--no-cache"], env, cwd=tmp),
            "builddoctor check (warm cache)": lambda: timed(check, env, cwd=tmp),
        }
        med = table(interleaved(commands, args.n), "pip debug --verbose")
    pip = med["pip debug --verbose"]
    print(verdict("check cold / pip debug", med["builddoctor check (cold, --no-cache)"] / pip, GOAL_COLD))
    print(verdict("check warm / pip debug", med["builddoctor check (warm cache)"] / pip, GOAL_WARM))
    print(verdict("issue 13: check (warm) / pip debug", med["builddoctor check (warm cache)"] / pip, GOAL_13))
    print(verdict("issue 13: check (cold) / pip debug", med["builddoctor check (cold, --no-cache)"] / pip, GOAL_13))
    return 0


if __name__ == "__main__":
    sys.exit(main())
