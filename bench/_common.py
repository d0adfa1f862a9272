"""Shared by the bench scripts: interleaved timing of commands and a side-by-side table."""
from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment commands run in: bytecode written and used, as on a user's machine (a
    PYTHONDONTWRITEBYTECODE=1 shell would make every run compile builddoctor from source)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.update(extra or {})
    return env


def precompile() -> None:
    """Bytecode for builddoctor (an editable install has none until it is first imported)."""
    import builddoctor

    compileall.compile_dir(os.path.dirname(builddoctor.__file__), quiet=1)


def builddoctor_exe() -> str:
    found = shutil.which("builddoctor", path=os.path.dirname(sys.executable)) or shutil.which("builddoctor")
    if not found:
        sys.exit("builddoctor is not installed next to this Python")
    return found


def timed(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | Path | None = None,
          ok: Callable[[int], bool] = lambda rc: rc in (0, 1)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, timeout=600,
                          env=dict(env) if env is not None else None, cwd=cwd)
    elapsed = time.perf_counter() - start
    if not ok(proc.returncode):
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stdout.decode(errors='replace')[-2000:]}")
    return elapsed


def interleaved(commands: Mapping[str, Callable[[], float]], n: int, warmup: int = 1) -> dict[str, list[float]]:
    """Each command n times, rotating the order every round so background load hits all alike."""
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for run in range(n + warmup):
        k = run % len(names)
        for name in names[k:] + names[:k]:
            elapsed = commands[name]()
            if run >= warmup:
                times[name].append(elapsed)
    return times


def table(times: Mapping[str, list[float]], reference: str, title: str = "") -> dict[str, float]:
    """Print medians side by side with each command's ratio to `reference`; return the medians."""
    med = {name: statistics.median(values) for name, values in times.items()}
    n = len(next(iter(times.values())))
    print(f"{'command':<38} {'median':>9} {'min':>9} {'max':>9}  {reference} / command   {title}(n={n})")
    for name, values in times.items():
        print(f"{name:<38} {med[name] * 1000:>7.1f}ms {min(values) * 1000:>7.1f}ms {max(values) * 1000:>7.1f}ms"
              f"  {med[reference] / med[name]:6.2f}x")
    return med


def verdict(label: str, ratio: float, goal: float) -> str:
    return f"{label} = {ratio:.2f}x  ({'meets' if ratio <= goal else 'MISSES'} the goal of <= {goal}x)"
