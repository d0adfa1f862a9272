"""`builddoctor build` vs `uv build` vs `python -m build` on the same sdist, in one run.

All three build a wheel of examples/setuptools-c (a small C extension: the frontends' own cost
shows) for the same interpreter, each in a fresh output folder, interleaved so background load
hits them alike. pypa/build uses its default installer (pip) and gets the sdist already unpacked
(it does not take an sdist), which only helps it.

Goals (issue 4): builddoctor build at most 1.05x uv build's wall time, at most 0.6x python -m build's.
Run: python bench/bench_build.py [-n 5] [--python PATH] [--example setuptools-c]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_UV, GOAL_PIP = 1.05, 0.6


def find_uv() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if not found:
            sys.exit("uv is not installed (pip install uv)")
        return found


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                          timeout=900)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = proc.stdout.decode(errors="replace")[-3000:]
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{tail}")
    return elapsed


def make_sdist(uv: str, example: str, root: Path) -> tuple[Path, Path]:
    """The sdist, and a folder with it unpacked (for pypa/build, which builds from folders)."""
    src = root / "src"
    shutil.copytree(REPO / "examples" / example, src, ignore=shutil.ignore_patterns("build", "target", "dist"))
    subprocess.run([uv, "build", "--sdist", "-q", "-o", str(root / "sdist"), str(src)], check=True)
    sdist = next((root / "sdist").glob("*.tar.gz"))
    with tarfile.open(sdist) as tf:
        tf.extractall(root / "unpacked", filter="data")
    return sdist, next((root / "unpacked").iterdir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5, help="runs of each command (the median is reported)")
    parser.add_argument("--python", default=sys.executable, help="interpreter all three build for (needs 'build')")
    parser.add_argument("--example", default="setuptools-c", help="folder in examples/ to build")
    args = parser.parse_args()
    uv = find_uv()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        sdist, unpacked = make_sdist(uv, args.example, root)
        commands = {
            "builddoctor build": lambda out: [sys.executable, "-m", "builddoctor", "build", str(sdist),
                                              "--python", args.python, "-o", str(out)],
            "uv build": lambda out: [uv, "build", "--wheel", "-q", "-p", args.python, "-o", str(out), str(sdist)],
            "python -m build": lambda out: [args.python, "-m", "build", "--wheel", "-o", str(out), str(unpacked)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.n + 1):  # run 0 warms caches and is not counted
            order = list(commands)[run % 3:] + list(commands)[:run % 3]
            for name in order:
                out = root / "out" / f"{name.split()[0]}-{run}"
                elapsed = timed(commands[name](out), cwd=root, env=env)
                shutil.rmtree(unpacked / "build", ignore_errors=True)
                if run:
                    times[name].append(elapsed)
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'command':<20} {'median':>9} {'min':>9} {'max':>9}  ratio   (n={args.n}, {args.example}, "
          f"{Path(args.python).name})")
    for name, values in times.items():
        ratio = med["builddoctor build"] / med[name]
        print(f"{name:<20} {med[name]:>8.3f}s {min(values):>8.3f}s {max(values):>8.3f}s  {ratio:5.2f}x")
    r_uv = med["builddoctor build"] / med["uv build"]
    r_pip = med["builddoctor build"] / med["python -m build"]
    print(f"builddoctor / uv build       = {r_uv:.2f}x  ({'meets' if r_uv <= GOAL_UV else 'MISSES'} <= {GOAL_UV}x)")
    print(f"builddoctor / python -m build = {r_pip:.2f}x  ({'meets' if r_pip <= GOAL_PIP else 'MISSES'} "
          f"<= {GOAL_PIP}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
