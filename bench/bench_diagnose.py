"""`builddoctor diagnose` on a generated 200 MB build log: wall time and peak memory (bounded, not log-sized).

    .venv/bin/python bench/bench_diagnose.py              # 200 MB
    .venv/bin/python bench/bench_diagnose.py --mb 50 -n 3

The log is written to a temporary folder (removed afterwards): the seed's uv output (tests/fixtures/
logs/uv-15693-seed.txt) at the end, after --mb megabytes of the lines a long build prints (cargo's
`Compiling` lines, cc-rs environment dumps, compiler command lines, uv's DEBUG lines, ANSI colours,
CRLF line ends, an occasional 1 MB line without spaces). The diagnosis runs in a child process; its
peak resident memory is read with resource.getrusage(RUSAGE_CHILDREN).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "logs" / "uv-15693-seed.txt"

FILLER = [
    "   Compiling serde_derive v1.0.{i}",
    "DEBUG Acquired lock for `/home/runner/.cache/uv/wheels-v5/pypi/pkg{i}/pkg{i}-1.0-py3-none-any.lock`",
    "  cargo:rerun-if-env-changed=CFLAGS_x86_64_unknown_linux_gnu",
    "  CFLAGS_x86_64-unknown-linux-gnu = None",
    "\x1b[1m\x1b[32m   Compiling\x1b[0m tokio v1.{i}.0",
    "  running: \"cc\" \"-O3\" \"-ffunction-sections\" \"-fdata-sections\" \"-fPIC\" \"-m64\" \"-I\" \"include\" "
    "\"-o\" \"/tmp/target/release/build/zstd-sys-{i}/out/lib/common/entropy_common.o\" \"-c\" \"lib/common/x.c\"",
    "warning: unused variable: `x{i}`\r",
    "      --> src/lib.rs:{i}:9",
    "gcc -pthread -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -fPIC -I/usr/include/python3.12 -c src/m{i}.c "
    "-o build/temp.linux-x86_64-cpython-312/src/m{i}.o",
    "",
]


def write_log(path: Path, megabytes: int) -> int:
    target = megabytes << 20
    written = 0
    i = 0
    with open(path, "wb") as fh:
        while written < target:
            block = "\n".join(line.format(i=i + n) for n, line in enumerate(FILLER * 50)) + "\n"
            if i % 400 == 0:
                block += "x" * (1 << 20) + "\n"  # a pathological line: read, cut, not kept
            data = block.encode()
            fh.write(data)
            written += len(data)
            i += 1
        seed = SEED.read_bytes()
        fh.write(seed)
        written += len(seed)
    return written


def run_once(log: Path) -> tuple[float, float, int, str]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "builddoctor", "diagnose", str(log)], capture_output=True, text=True,
                       timeout=3600, check=False)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss  # KiB on Linux; the largest child so far
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    first = next((line for line in p.stdout.splitlines() if line.startswith("error")), "")
    if p.returncode not in (0, 1):
        raise SystemExit(f"diagnose failed ({p.returncode}): {p.stderr.strip()}")
    return elapsed, cpu, max(peak, before), first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=200, help="size of the generated log (default 200)")
    ap.add_argument("-n", type=int, default=1, help="runs (default 1)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-diagnose-") as tmp:
        log = Path(tmp) / "build.log"
        size = write_log(log, args.mb)
        times, cpus, peaks = [], [], []
        first = ""
        for _ in range(args.n):
            elapsed, cpu, peak, first = run_once(log)
            times.append(elapsed)
            cpus.append(cpu)
            peaks.append(peak)
        wall = statistics.median(times)
        with open(log, "rb") as fh:
            count = sum(1 for _ in fh)
        print(f"log: {size / (1 << 20):.0f} MB, {count} lines")
        print(f"diagnose: {wall:.1f} s wall (median of {args.n}), {size / (1 << 20) / wall:.1f} MB/s; "
              f"{statistics.median(cpus):.1f} s CPU")
        print(f"peak RSS of the diagnose process: {max(peaks) / 1024:.0f} MB")
        print(f"first finding: {first[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
