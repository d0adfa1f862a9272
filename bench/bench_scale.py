"""How `check` and `why` grow with their input: each series printed with its growth fitted.

Series (each point the median of -n runs, points of a series interleaved):
- PATH: live `check --python THIS` (warm cache) with N extra existing folders at the front of PATH
  (every program lookup walks them);
- Pythons: live `check` (no --python, warm cache) with N folders each holding a `python3` first on PATH;
- Rust targets: `check --replay` of the recorded Linux machine with N installed Rust targets
  (its `rustup show` and `rustup target list --installed` answers rewritten, as rustup prints them);
- uv.lock: `check --replay` of the recorded Linux machine in a project whose uv.lock has N packages
  (deps.build-from-source reads it offline; every 10th package has no wheel for this Python), and
  `why --replay --find-links EMPTY` of the same project (offline: the lock's files only; without
  --find-links, why asks the index about each package built from source);
- verify: `verify` of a wheel of N MB (a real manylinux extension wheel of the test corpus plus N MB of
  deflated data members, RECORD hashes correct), side by side with `unzip -tq` and `python -m zipfile -t`
  on the same file (both also read every byte) and `auditwheel show` when it is installed next to this
  Python (it extracts the wheel, then reads its ELF files); the child's peak RSS from wait4's rusage, and its CPU
  time per MB. The biggest point may take fewer runs (--verify-big-n);
- verify-elf: the same, the wheel grown by one real shared object of N MB instead (linked by gcc, its
  data in .rodata, so its dynamic table lies past the data and its section headers at the end: verify
  must seek through the compressed member to read them, as for a large C++/CUDA library).

Growth: "flat" when a straight line through the medians adds under 10% of a run, or under three
standard errors of a median, at the largest N; else the exponent k of t = a + b * N^k fitted by
least squares (k on a grid of 0.1).
Goal (issue 16): cost grows no faster than the input (k <= 1).
Run: python bench/bench_scale.py [-n 9] [--only path,pythons,rust,lock,verify,verify-elf] [--verify-big-n 5]
"""
from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from _common import REPO, bench_env, builddoctor_exe, precompile, timed

MACHINE = REPO / "examples" / "machines" / "linux-x86_64-healthy.json"
RUSTUP = '["~/.cargo/bin/rustup", '
# Real rustup target names (`rustup target list`), installed on a Linux x86_64 host.
TARGETS = str.split("""
x86_64-unknown-linux-gnu aarch64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim aarch64-linux-android
aarch64-pc-windows-msvc aarch64-unknown-linux-gnu aarch64-unknown-linux-musl aarch64-unknown-none
arm-linux-androideabi arm-unknown-linux-gnueabi arm-unknown-linux-gnueabihf arm-unknown-linux-musleabi
arm64ec-pc-windows-msvc armv7-linux-androideabi armv7-unknown-linux-gnueabihf armv7-unknown-linux-musleabihf
i586-unknown-linux-gnu i686-linux-android i686-pc-windows-msvc i686-unknown-linux-gnu i686-unknown-linux-musl
powerpc64le-unknown-linux-gnu riscv64gc-unknown-linux-gnu s390x-unknown-linux-gnu wasm32-unknown-unknown
wasm32-wasip1 x86_64-apple-darwin x86_64-pc-windows-msvc x86_64-unknown-linux-musl""")


def fit(sizes: Sequence[int], times: Sequence[float], noise: float = 0.0) -> str:
    """The growth of t with N: 'flat' when a straight-line fit adds under 10% of a run (or under three
    times `noise`, the standard error of a median) at the largest N, else the exponent k of
    t = a + b*N^k (k on a grid, least squares)."""
    mx, my = statistics.fmean(sizes), statistics.fmean(times)
    sxx = sum((x - mx) ** 2 for x in sizes)
    slope = sum((x - mx) * (y - my) for x, y in zip(sizes, times)) / sxx
    base = my - slope * mx
    if slope * max(sizes) < max(0.1 * base, 3 * noise):
        return (f"flat: {min(times) * 1000:.0f}-{max(times) * 1000:.0f} ms over the series, "
                f"{slope * 1e6:+.1f} us per added item (within noise)")
    best: tuple[float, float] | None = None
    for k10 in range(3, 31):
        k = k10 / 10
        xs = [s ** k for s in sizes]
        mxk = statistics.fmean(xs)
        sxk = sum((x - mxk) ** 2 for x in xs)
        b = sum((x - mxk) * (y - my) for x, y in zip(xs, times)) / sxk
        sse = sum((my + b * (x - mxk) - y) ** 2 for x, y in zip(xs, times))
        if best is None or sse < best[0]:
            best = (sse, k)
    assert best is not None
    k = best[1]
    verdict = "no faster than the input" if k <= 1.1 else "FASTER than the input"
    return (f"t ~ a + b*N^{k:.1f} ({verdict}); {slope * 1e6:.0f} us per added item, "
            f"+{slope * max(sizes) * 1000:.0f} ms at N={max(sizes)}")


def series(title: str, sizes: Sequence[int], run: Callable[[int], float], n: int) -> None:
    times: dict[int, list[float]] = {s: [] for s in sizes}
    for r in range(n + 1):  # round 0 warms up and is not counted
        order = list(sizes) if r % 2 else list(reversed(sizes))
        for s in order:
            t = run(s)
            if r:
                times[s].append(t)
    med = [statistics.median(times[s]) for s in sizes]
    noise = statistics.median(1.2533 * statistics.stdev(times[s]) / len(times[s]) ** 0.5 for s in sizes)
    print(f"\n{title}")
    print("  " + "  ".join(f"N={s:<5}" for s in sizes))
    print("  " + "  ".join(f"{m * 1000:5.0f}ms" for m in med))
    print(f"  growth: {fit(sizes, med, noise)}  (standard error of a median: {noise * 1000:.0f} ms)")


#: The real extension wheel the verify series grows (scripts/fetch_test_corpus.py puts it there).
VERIFY_BASE = "markupsafe-3.0.4-cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
CORPUS = Path(os.environ.get("BUILDDOCTOR_TEST_CORPUS", REPO / ".cache" / "test-corpus"))
MB = 1 << 20


def data_block(seed: int) -> bytes:
    """1 MiB that deflate halves, as shipped data does (half random, half repeated text)."""
    text = (f"row {seed}: " + "value,".join(str(seed * i) for i in range(40)) + "\n").encode()
    return os.urandom(MB // 2) + (text * (MB // 2 // len(text) + 1))[:MB // 2]


def _data_members(package: str, mb: int) -> list[tuple[str, int, Callable[[], Iterator[bytes]]]]:
    """mb MiB of data members of 16 MiB: (name, mode, chunks)."""
    out = []
    for k in range(0, mb, 16):
        size = min(16, mb - k)
        out.append((f"{package}/data/blob-{k // 16:03d}.bin", 0o644,
                    lambda k=k, size=size: (data_block(k + j) for j in range(size))))
    return out


def big_elf(mb: int, work: Path) -> Path:
    """A real shared object of about mb MiB, linked by gcc: .rodata holds the data (as a large C++/CUDA
    library's code and tables do), so its dynamic table lies past them and its section headers at the end."""
    work.mkdir(parents=True, exist_ok=True)
    data, asm, lib = work / "data.bin", work / "blob.S", work / "libblob.so"
    with data.open("wb") as fh:
        for j in range(mb):
            fh.write(data_block(j))
    asm.write_text('.section .rodata\n.globl blob\nblob:\n.incbin "data.bin"\n', encoding="utf-8")
    subprocess.run(["gcc", "-shared", "-nostdlib", "-Wl,-z,noexecstack", "-o", str(lib), str(asm)], cwd=work,
                   check=True, timeout=600)
    data.unlink()
    return lib


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(MB):
            yield chunk


def grown_wheel(base: Path, mb: int, out: Path, kind: str = "data") -> Path:
    """`base` plus mb MiB: data members of 16 MiB ("data") or one real .so of that size ("elf") under its
    package, deflated, RECORD rewritten to match."""
    dst = out / f"{kind}-{mb}mb" / base.name
    dst.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        dist = next(i.filename.split("/", 1)[0] for i in zin.infolist() if ".dist-info/" in i.filename)
        package = next(i.filename.split("/", 1)[0] for i in zin.infolist() if i.filename.endswith(".so"))
        for info in zin.infolist():
            if info.filename == f"{dist}/RECORD":
                continue
            data = zin.read(info)
            zout.writestr(info, data)
            if not info.is_dir():  # RECORD lists files only
                lines.append(_record(info.filename, hashlib.sha256(data), len(data)))
        if kind == "elf":
            lib = big_elf(mb, out / f"elf-{mb}mb" / "build")
            added = [(f"{package}/libblob.so", 0o755, lambda: _file_chunks(lib))]
        else:
            added = _data_members(package, mb)
        for name, mode, chunks in added:
            h, size = hashlib.sha256(), 0
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, mode << 16
            with zout.open(info, "w", force_zip64=True) as fh:
                for block in chunks():
                    h.update(block)
                    fh.write(block)
                    size += len(block)
            lines.append(_record(name, h, size))
        zout.writestr(f"{dist}/RECORD", "\n".join([*lines, f"{dist}/RECORD,,"]) + "\n")
    if kind == "elf":
        shutil.rmtree(out / f"elf-{mb}mb" / "build")
    return dst


def _record(name: str, h: Any, size: int) -> str:
    return f"{name},sha256={base64.urlsafe_b64encode(h.digest()).rstrip(b'=').decode()},{size}"


GNU_TIME = "/usr/bin/time"


def rusage_run(argv: list[str], env: dict[str, str] | None = None,
               ok: Callable[[int], bool] = lambda rc: rc == 0) -> tuple[float, float, int]:
    """(wall s, child CPU s, child peak RSS KiB) of one run. GNU time forks the command from its own
    small process: a child forked from this Python would count this Python's RSS as its peak (Linux
    keeps the high-water mark of the image exec replaced)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-o", out.name, "-f", "%U %S %M", *argv], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env, check=False, timeout=1200)
        elapsed = time.perf_counter() - start
        fields = out.read().split()[-3:]
    if not ok(proc.returncode) or len(fields) != 3:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, float(fields[0]) + float(fields[1]), int(fields[2])


def verify_series(exe: str, env: dict[str, str], root: Path, sizes: Sequence[int], *, n: int, big_n: int,
                  kind: str = "data") -> None:
    base = CORPUS / VERIFY_BASE
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"{GNU_TIME} (GNU time, Debian package time) is needed for the child's peak RSS")
    if not base.is_file():
        sys.exit(f"{base} is missing: run python scripts/fetch_test_corpus.py")
    start = time.perf_counter()
    wheels = {mb: grown_wheel(base, mb, root / "verify", kind) for mb in sizes}
    what = "N MB of data members" if kind == "data" else "one real N MB .so (gcc)"
    made = ", ".join(f"{w.stat().st_size / MB:.0f} MB" for w in wheels.values())
    print(f"\nverify, a wheel grown by {what}: generated {made} wheels (deflated) in "
          f"{time.perf_counter() - start:.0f} s")
    commands: dict[str, Callable[[Path], list[str]]] = {
        "builddoctor verify": lambda w: [exe, "verify", str(w)],
        "unzip -tq": lambda w: ["unzip", "-tq", str(w)],
        "python -m zipfile -t": lambda w: [sys.executable, "-m", "zipfile", "-t", str(w)],
    }
    if not shutil.which("unzip"):
        commands.pop("unzip -tq")
    auditwheel = shutil.which("auditwheel", path=os.path.dirname(sys.executable))
    if auditwheel:  # bench-only peer (pip install auditwheel): extracts the wheel to a temporary folder
        commands["auditwheel show"] = lambda w: [auditwheel, "show", str(w)]
    runs: dict[tuple[str, int], list[tuple[float, float, int]]] = {(c, s): [] for c in commands for s in sizes}
    for r in range(n + 1):  # round 0 warms the page cache and is not counted
        order = list(sizes) if r % 2 else list(reversed(sizes))
        for s in order:
            if r > big_n and s == max(sizes):
                continue
            names = list(commands)
            k = r % len(names)
            for c in names[k:] + names[:k]:
                got = rusage_run(commands[c](wheels[s]), env)
                if r:
                    runs[(c, s)].append(got)
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"runs per point: {n} ({big_n} at {max(sizes)} MB)")
    print(f"  {'command':<22} " + "  ".join(f"{s:>4} MB wall / CPU / peak RSS   " for s in sizes))
    for c in commands:
        cells = []
        for s in sizes:
            wall = statistics.median(x[0] for x in runs[(c, s)])
            cpu = statistics.median(x[1] for x in runs[(c, s)])
            rss = max(x[2] for x in runs[(c, s)])
            cells.append(f"{wall:6.2f}s / {cpu:6.2f}s / {rss / 1024:4.0f} MB      ")
        print(f"  {c:<22} " + "  ".join(cells))
    for c in commands:
        walls = [statistics.median(x[0] for x in runs[(c, s)]) for s in sizes]
        cpus = [statistics.median(x[1] for x in runs[(c, s)]) for s in sizes]
        noise = statistics.median(1.2533 * statistics.stdev([x[0] for x in runs[(c, s)]]) / len(runs[(c, s)]) ** 0.5
                                  if len(runs[(c, s)]) > 1 else 0.0 for s in sizes)
        slope = (cpus[-1] - cpus[0]) / (sizes[-1] - sizes[0])
        rss = [max(x[2] for x in runs[(c, s)]) / 1024 for s in sizes]
        cpu_noise = statistics.median(
            1.2533 * statistics.stdev([x[1] for x in runs[(c, s)]]) / len(runs[(c, s)]) ** 0.5
            if len(runs[(c, s)]) > 1 else 0.0 for s in sizes)
        print(f"  {c}: wall {fit(sizes, walls, noise).replace('item', 'MB')}")
        steps = ", ".join(f"{(b - a) / (y - x) * 1000:.1f}" for x, y, a, b in zip(sizes, sizes[1:], cpus, cpus[1:]))
        rate = 1 / slope if slope > 0 else float("inf")
        print(f"  {' ' * len(c)}  CPU {fit(sizes, cpus, cpu_noise).replace('item', 'MB')}; {slope * 1000:.1f} ms "
              f"per MB from the smallest to the largest ({rate:.0f} MB/s), between points: {steps} ms per MB; "
              f"peak RSS {rss[0]:.0f} -> {rss[-1]:.0f} MB")
    ours = [statistics.median(x[0] for x in runs[("builddoctor verify", s)]) for s in sizes]
    for c in commands:
        if c != "builddoctor verify":
            theirs = [statistics.median(x[0] for x in runs[(c, s)]) for s in sizes]
            print(f"  builddoctor verify / {c}: " + ", ".join(f"{a / b:.2f}x" for a, b in zip(ours, theirs)))


def replay_doc() -> dict:  # type: ignore[type-arg]
    return json.loads(MACHINE.read_text(encoding="utf-8"))


def with_targets(n: int) -> dict:  # type: ignore[type-arg]
    doc = replay_doc()
    reads = doc["reads"]
    targets = TARGETS[:n]
    show_key = f"run {RUSTUP}\"show\"]"
    show = reads[show_key]["stdout"].split("installed targets:\n")[0]
    reads[show_key]["stdout"] = show + "installed targets:\n" + "".join(f"  {t}\n" for t in targets)
    reads[f"run {RUSTUP}\"target\", \"list\", \"--installed\"]"]["stdout"] = "".join(f"{t}\n" for t in targets)
    return doc


def lock_project(n: int) -> tuple[str, str]:
    """(pyproject.toml, uv.lock) of an application with n locked packages (a DAG, roots = every 10th)."""
    names = [f"pkg{i:04d}" for i in range(n)]
    roots = names[::10]
    pyproject = ('[project]\nname = "scale-app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
                 f"dependencies = [{', '.join(json.dumps(r) for r in roots)}]\n")
    out = ['version = 1\nrevision = 3\nrequires-python = ">=3.9"\n']
    url = "https://files.pythonhosted.org/packages/00/00/" + "0" * 60
    for i, name in enumerate(names):
        deps = [names[j] for j in (i + 1, i + 2) if j < n and (j % 10)]  # non-roots hang below a root
        out.append(f'\n[[package]]\nname = "{name}"\nversion = "1.{i}.0"\n'
                   'source = { registry = "https://pypi.org/simple" }\n')
        if deps:
            out.append("dependencies = [\n" + "".join(f'    {{ name = "{d}" }},\n' for d in deps) + "]\n")
        out.append(f'sdist = {{ url = "{url}/{name}-1.{i}.0.tar.gz", hash = "sha256:{"a" * 64}", size = 1000 }}\n')
        plats = ["macosx_11_0_arm64"] if i % 10 == 9 else \
            ["manylinux_2_17_x86_64.manylinux2014_x86_64", "win_amd64", "macosx_11_0_arm64"]
        out.append("wheels = [\n" + "".join(
            f'    {{ url = "{url}/{name}-1.{i}.0-cp39-abi3-{p}.whl", hash = "sha256:{"b" * 64}", size = 1000 }},\n'
            for p in plats) + "]\n")
    out.append('\n[[package]]\nname = "scale-app"\nversion = "0.1.0"\nsource = { virtual = "." }\n'
               "dependencies = [\n" + "".join(f'    {{ name = "{r}" }},\n' for r in roots) + "]\n")
    return pyproject, "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=9, help="runs per point (median reported, >= 9)")
    parser.add_argument("--only", default="path,pythons,rust,lock,verify,verify-elf",
                        help="comma-separated series to run")
    parser.add_argument("--verify-sizes", default="50,125,250,500", help="wheel sizes (MB) of the verify series")
    parser.add_argument("--verify-big-n", type=int, default=0, help="runs of the biggest verify point (default -n)")
    args = parser.parse_args()
    precompile()
    exe = builddoctor_exe()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        base = bench_env({"BUILDDOCTOR_CACHE_DIR": str(root / "cache")})
        base.pop("VIRTUAL_ENV", None)
        if "path" in only:
            short = Path(tempfile.mkdtemp(prefix="p", dir="/tmp" if os.path.isdir("/tmp") else None))
            folders = [short / str(i) for i in range(5000)]  # short: one variable holds at most 128 KiB
            for f in folders:
                f.mkdir(parents=True)

            def path_run(k: int) -> float:
                env = {**base, "PATH": os.pathsep.join([*map(str, folders[:k]), base.get("PATH", "")])}
                return timed([exe, "check", "--python", sys.executable], env, cwd=tmp)

            try:
                series("live check, N extra PATH entries (warm cache)", [0, 1000, 2500, 5000], path_run, args.n)
            finally:
                shutil.rmtree(short, ignore_errors=True)
        if "pythons" in only:
            pys = [root / "pythons" / f"py{i}" for i in range(20)]
            for f in pys:
                f.mkdir(parents=True)
                (f / "python3").symlink_to(os.path.realpath(sys.executable))

            def pythons_run(k: int) -> float:
                env = {**base, "PATH": os.pathsep.join([*map(str, pys[:k]), base.get("PATH", "")])}
                return timed([exe, "check"], env, cwd=tmp)

            series("live check, N Pythons first on PATH (warm cache)", [1, 5, 10, 20], pythons_run, args.n)
        if "rust" in only:
            files = {}
            for k in (1, 10, 20, 30):
                files[k] = root / f"targets-{k}.json"
                files[k].write_text(json.dumps(with_targets(k)), encoding="utf-8")
            series("check --replay, N installed Rust targets", [1, 10, 20, 30],
                   lambda k: timed([exe, "check", "--replay", str(files[k])], base, cwd=tmp), args.n)
        if "lock" in only:
            sizes = [10, 100, 500, 1000]
            replays, projects = {}, {}
            for k in sizes:
                pyproject, lock = lock_project(k)
                proj = root / f"proj-{k}"
                proj.mkdir()
                (proj / "pyproject.toml").write_text(pyproject, encoding="utf-8")
                (proj / "uv.lock").write_text(lock, encoding="utf-8")
                doc = copy.deepcopy(replay_doc())
                where = f"/home/user/proj-{k}"
                doc["invocation"]["project"] = where
                doc["reads"][f"read_text {where}/pyproject.toml"] = pyproject
                doc["reads"][f"read_text {where}/uv.lock"] = lock
                replays[k], projects[k] = root / f"lock-{k}.json", proj
                replays[k].write_text(json.dumps(doc), encoding="utf-8")
            series("check --replay, project with a uv.lock of N packages (deps.build-from-source)", sizes,
                   lambda k: timed([exe, "check", "--replay", str(replays[k])], base, cwd=tmp), args.n)
            empty = root / "no-index"
            empty.mkdir()
            series("why --replay --project --find-links EMPTY, uv.lock of N packages (offline)", sizes,
                   lambda k: timed([exe, "why", "--replay", str(MACHINE), "--project", str(projects[k]),
                                    "--find-links", str(empty)], base, cwd=tmp), args.n)
        if "verify" in only:
            sizes = [int(x) for x in args.verify_sizes.split(",")]
            verify_series(exe, base, root, sizes, n=args.n, big_n=args.verify_big_n or args.n)
        if "verify-elf" in only:
            if not shutil.which("gcc"):
                sys.exit("the verify-elf series links a real .so with gcc: apt-get install gcc")
            sizes = [int(x) for x in args.verify_sizes.split(",")]
            verify_series(exe, base, root, sizes, n=args.n, big_n=args.verify_big_n or args.n, kind="elf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
