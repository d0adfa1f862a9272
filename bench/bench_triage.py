"""`builddoctor triage` on 200 snapshots (the recorded machines as other users recorded them).

Goal (issue 17): under 2 s wall time for the whole command. Run: python bench/bench_triage.py [-n 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "replay"))
from snapshot_variants import write_variants

GOAL = 2.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5, help="runs (median is reported)")
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_variants(Path(tmp), args.count)
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "builddoctor", "triage", tmp], check=True,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"triage of {args.count} snapshots: median {median:.2f}s over {args.n} runs (goal < {GOAL:.1f}s)")
    return 0 if median < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
