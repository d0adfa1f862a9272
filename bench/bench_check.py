"""`builddoctor check` vs `pip debug --verbose` on this machine: median wall time, side by side.

Goal (issue 2): check's wall time at most 0.8x pip debug's, while probing far more (interpreter,
host, rustup/rustc/cargo, project, C compilers, CMake). Run: python bench/bench_check.py [-n 9]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

GOAL = 0.8


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=120)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=7, help="runs of each command (median is reported)")
    args = parser.parse_args()
    builddoctor = shutil.which("builddoctor", path=os.path.dirname(sys.executable)) or shutil.which("builddoctor")
    if not builddoctor:
        sys.exit("builddoctor is not installed next to this Python")
    commands = {
        "builddoctor check": [builddoctor, "check", "--python", sys.executable],
        "pip debug --verbose": [sys.executable, "-m", "pip", "debug", "--verbose"],
    }
    for argv in commands.values():  # warm the file cache once
        timed(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.n):  # interleaved, so background load hits both alike
        for name, argv in commands.items():
            times[name].append(timed(argv))
    med = {name: statistics.median(values) for name, values in times.items()}
    ratio = med["builddoctor check"] / med["pip debug --verbose"]
    print(f"{'command':<22} {'median':>9} {'min':>9} {'max':>9}   (n={args.n})")
    for name, values in times.items():
        print(f"{name:<22} {med[name]:>8.3f}s {min(values):>8.3f}s {max(values):>8.3f}s")
    verdict = "meets" if ratio <= GOAL else "MISSES"
    print(f"ratio check / pip debug = {ratio:.2f}x  ({verdict} the goal of <= {GOAL}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
