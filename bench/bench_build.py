"""`builddoctor build` vs `uv build` vs `python -m build` on the same sdist, in one run.

By default all three build a wheel of the markupsafe 3.0.4 sdist from PyPI (downloaded once into
.cache/bench/, its sha256 checked; a small C extension, so the frontends' own cost shows); with
`--example NAME` an sdist of examples/NAME instead. Same interpreter, a fresh output folder each
time, interleaved so background load hits them alike. pypa/build uses its default installer (pip)
and gets the sdist already unpacked (it does not take an sdist), which only helps it.

Goals (issues 4 and 16): builddoctor build at most 1.05x uv build's wall time, at most 0.6x
python -m build's.
Run: python bench/bench_build.py [-n 9] [--python PATH] [--example setuptools-c] [--timeline] [--compare EXE]

`builddoctor no cache` is `build --no-cache`: a first build, as on a fresh machine (the preflight
asks every program, and no bytecode of earlier builds is moved into the environment: bytecode.py).
The goal is for `builddoctor build` as users run it again and again; the first build is printed
beside it.

`--compare EXE` times another builddoctor (e.g. the console script of a checkout of main in its own
venv) in the same interleaved rounds: a change's before and after under the same load.

`--timeline` first runs each command once under `strace -f` (when installed) and prints when each
child process started and ended, relative to the command's start (children under 10 ms left out):
where the time over `uv build` goes, read from one run.
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
# https://pypi.org/project/MarkupSafe/3.0.4/#files
MARKUPSAFE = ("markupsafe", "3.0.4", "2e9ad7dd851bf45fab9f75cbff4cb493fee9979e8d8c7c9c3ee119022518edd6")


def download_sdist(project: str, version: str, sha256: str) -> Path:
    """The sdist from PyPI, kept in .cache/bench/ (checked against its published sha256)."""
    import hashlib
    import json
    import urllib.parse
    import urllib.request

    folder = REPO / ".cache" / "bench"
    for have in folder.glob(f"{project}-{version}.tar.gz"):
        if hashlib.sha256(have.read_bytes()).hexdigest() == sha256:
            return have
    index = f"https://pypi.org/pypi/{project}/json"
    with urllib.request.urlopen(index, timeout=30) as resp:
        files = json.load(resp)["releases"][version]
    info = next(f for f in files if f["packagetype"] == "sdist")
    with urllib.request.urlopen(urllib.parse.urljoin(index, info["url"]), timeout=120) as resp:
        data = resp.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        sys.exit(f"{info['filename']}: sha256 mismatch, not using it")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / info["filename"]
    path.write_bytes(data)
    return path


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


def timeline(argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    """Spawn and exit times of every child of one run of argv, from `strace -f -ttt` (Linux)."""
    import re

    strace = shutil.which("strace")
    if strace is None:
        return ["(strace is not installed: apt-get install strace)"]
    with tempfile.NamedTemporaryFile(suffix=".strace") as trace:
        # --seccomp-bpf (strace >= 5.3): only the traced calls stop the process; without it every system
        # call of uv's threads did, and the timeline was ~2x slower than a real run
        subprocess.run([strace, "-f", "--seccomp-bpf", "-ttt", "-qq", "-e", "trace=execve,exit_group",
                        "-e", "signal=none", "-o", trace.name, *argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, timeout=900)
        text = Path(trace.name).read_text(errors="replace")
    t0: float | None = None
    started: dict[str, tuple[float, str]] = {}
    rows: list[tuple[float, str]] = []
    for line in text.splitlines():
        m = re.match(r"(\d+)\s+([\d.]+)\s+(.*)", line)
        if not m:
            continue
        pid, when, rest = m.group(1), float(m.group(2)), m.group(3)
        t0 = when if t0 is None else t0
        if rest.startswith("execve(") and rest.rstrip().endswith("= 0"):
            args = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)[1:5]
            started[pid] = (when, " ".join([os.path.basename(args[0]), *args[1:]]) if args else "?")
        elif rest.startswith("exit_group") and pid in started:
            began, what = started.pop(pid)
            if when - began >= 0.01:
                rows.append((began - t0, f"{began - t0:7.3f} -> {when - t0:7.3f}  ({when - began:6.3f}s)  {what[:90]}"))
    return [row for _, row in sorted(rows)]


def make_sdist(uv: str, example: str | None, root: Path) -> tuple[Path, Path]:
    """The sdist, and a folder with it unpacked (for pypa/build, which builds from folders)."""
    if example:
        src = root / "src"
        shutil.copytree(REPO / "examples" / example, src, ignore=shutil.ignore_patterns("build", "target", "dist"))
        subprocess.run([uv, "build", "--sdist", "-q", "-o", str(root / "sdist"), str(src)], check=True)
        sdist = next((root / "sdist").glob("*.tar.gz"))
    else:
        (root / "sdist").mkdir()
        sdist = Path(shutil.copy(download_sdist(*MARKUPSAFE), root / "sdist"))
    with tarfile.open(sdist) as tf:
        tf.extractall(root / "unpacked", filter="data")
    return sdist, next((root / "unpacked").iterdir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=9, help="runs of each command (the median is reported)")
    parser.add_argument("--python", default=sys.executable, help="interpreter all three build for (needs 'build')")
    parser.add_argument("--example", help="build an sdist of this folder in examples/ (default: markupsafe 3.0.4)")
    parser.add_argument("--timeline", action="store_true", help="first print each command's children over time")
    parser.add_argument("--compare", metavar="EXE", help="also time this builddoctor executable (before/after)")
    args = parser.parse_args()
    uv = find_uv()
    exe = shutil.which("builddoctor", path=os.path.dirname(sys.executable)) or "builddoctor"
    import compileall

    import builddoctor

    compileall.compile_dir(os.path.dirname(builddoctor.__file__), quiet=1)  # bytecode, as an install has
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        env["BUILDDOCTOR_CACHE_DIR"] = str(root / "cache")  # the preflight's cache, warmed by run 0
        sdist, unpacked = make_sdist(uv, args.example, root)
        commands = {
            "builddoctor build": lambda out: [exe, "build", str(sdist),
                                              "--python", args.python, "-o", str(out)],
            # a first build, as on a fresh machine: no program answers and no kept bytecode (bytecode.py)
            "builddoctor no cache": lambda out: [exe, "build", str(sdist), "--python", args.python, "-o", str(out),
                                                 "--no-cache"],
            "uv build": lambda out: [uv, "build", "--wheel", "-q", "-p", args.python, "-o", str(out), str(sdist)],
            "python -m build": lambda out: [args.python, "-m", "build", "--wheel", "-o", str(out), str(unpacked)],
        }
        if args.compare:
            commands["compared build"] = lambda out: [args.compare, "build", str(sdist), "--python", args.python,
                                                      "-o", str(out)]
        times: dict[str, list[float]] = {name: [] for name in commands}
        if args.timeline:
            for name, argv in commands.items():
                timed(argv(root / "out" / f"{name.replace(' ', '-')}-warm"), cwd=root, env=env)  # warm caches first
                print(f"{name}:")
                for row in timeline(argv(root / "out" / f"{name.replace(' ', '-')}-timeline"), cwd=root, env=env):
                    print(f"  {row}")
                shutil.rmtree(unpacked / "build", ignore_errors=True)
        for run in range(args.n + 1):  # run 0 warms caches and is not counted
            order = list(commands)[run % len(commands):] + list(commands)[:run % len(commands)]
            for name in order:
                out = root / "out" / f"{name.replace(' ', '-')}-{run}"
                elapsed = timed(commands[name](out), cwd=root, env=env)
                shutil.rmtree(unpacked / "build", ignore_errors=True)
                if run:
                    times[name].append(elapsed)
    med = {name: statistics.median(values) for name, values in times.items()}
    what = args.example or "markupsafe-3.0.4"
    head = f"{'command':<20} {'median':>9} {'min':>9} {'max':>9}  ratio"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"{head}   (n={args.n}, {what}, {Path(args.python).name}, load average {load})")
    for name, values in times.items():
        ratio = med["builddoctor build"] / med[name]
        print(f"{name:<20} {med[name]:>8.3f}s {min(values):>8.3f}s {max(values):>8.3f}s  {ratio:5.2f}x")
    r_uv = med["builddoctor build"] / med["uv build"]
    r_pip = med["builddoctor build"] / med["python -m build"]
    r_first = med["builddoctor no cache"] / med["uv build"]
    print(f"builddoctor / uv build       = {r_uv:.2f}x  ({'meets' if r_uv <= GOAL_UV else 'MISSES'} <= {GOAL_UV}x)")
    print(f"builddoctor / python -m build = {r_pip:.2f}x  ({'meets' if r_pip <= GOAL_PIP else 'MISSES'} "
          f"<= {GOAL_PIP}x)")
    print(f"first build (--no-cache) / uv build = {r_first:.2f}x  (no goal: what a fresh machine sees)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
