"""`builddoctor verify` vs `auditwheel show` (manylinux wheels) and `abi3audit` (abi3 wheels), on the test corpus.

Side by side: wall time (median of -n interleaved runs) and what each one found, on the real wheels of
scripts/fetch_test_corpus.py and on mutations of them (a GLIBC_2.99 symbol version, an aarch64 member in
an x86_64 wheel, a non-stable-ABI symbol in an abi3 wheel, a tampered member, a renamed file).
`--parsers` also times reading the same facts with pyelftools / pefile / macholib against builddoctor's
reader, checks that both read the same values, and measures peak memory (the README's parser choice).

    .venv/bin/pip install auditwheel abi3audit pyelftools pefile macholib   # bench only, not test deps
    .venv/bin/python scripts/fetch_test_corpus.py
    .venv/bin/python bench/bench_verify.py -n 5 --parsers
"""
from __future__ import annotations

import argparse
import base64
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BUILDDOCTOR_TEST_CORPUS", ROOT / ".cache" / "test-corpus"))


def tool(name: str) -> str:
    found = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed next to this Python (pip install it into the venv for the bench)")
    return found


def run(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600)
    return time.perf_counter() - start, p.stdout + p.stderr


def corpus() -> list[Path]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from fetch_test_corpus import CORPUS  # type: ignore[import-not-found]

    names = sorted(n for _, files in CORPUS.values() for n in files if n.endswith(".whl"))
    missing = [n for n in names if not (CACHE / n).is_file()]
    if missing:
        sys.exit(f"{len(missing)} corpus wheels missing: run python scripts/fetch_test_corpus.py")
    return [CACHE / n for n in names]


# ---------------------------------------------------------------- mutations (same as the corpus test's)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def rewrite(src: Path, dst: Path, replace: dict[str, bytes], fix_record: bool = True) -> Path:
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist() if not i.is_dir()}
    dist = next(n.split("/", 1)[0] for n in members if n.split("/", 1)[0].endswith(".dist-info"))
    members.update(replace)
    if fix_record:
        lines = [_record_line(n, d) for n, d in members.items() if n != f"{dist}/RECORD"]
        members[f"{dist}/RECORD"] = ("\n".join([*lines, f"{dist}/RECORD,,"]) + "\n").encode()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, d in members.items():
            zout.writestr(n, d)
    return dst


def member(wheel: Path, suffix: str) -> tuple[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        [name] = [n for n in zf.namelist() if n.endswith(suffix)]
        return name, zf.read(name)


def mutations(wheels: list[Path], out: Path) -> dict[str, Path]:
    by = {w.name: w for w in wheels}
    x64 = by["orjson-3.13.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]
    arm = by["orjson-3.13.0-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"]
    abi3 = by["psutil-7.2.2-cp36-abi3-manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_28_x86_64.whl"]
    so_name, so = member(x64, ".so")
    _, arm_so = member(arm, ".so")
    abi3_name, abi3_so = member(abi3, ".so")
    result = {
        "GLIBC_2.99 patched in": rewrite(x64, out / "glibc" / x64.name,
                                         {so_name: so.replace(b"GLIBC_2.14\0", b"GLIBC_2.99\0")}),
        "aarch64 .so in x86_64 wheel": rewrite(x64, out / "swap" / x64.name, {so_name: arm_so}),
        "tampered member (RECORD)": rewrite(x64, out / "tamper" / x64.name,
                                            {so_name: so[:-1] + bytes([so[-1] ^ 1])}, fix_record=False),
        "non-abi3 symbol in abi3": rewrite(abi3, out / "abi3" / abi3.name,
                                           {abi3_name: abi3_so.replace(b"\0PyLong_AsLong\0", b"\0PyUnicode_New\0")}),
    }
    # issue 15: a glibc-internal version need, and a musl 1.2 (time64) import under a musllinux_1_1 tag
    old = b"GLIBC_2.7\0GLIBC_2.3\0"
    result["GLIBC_PRIVATE patched in"] = rewrite(
        abi3, out / "private" / abi3.name, {abi3_name: abi3_so.replace(old, b"GLIBC_PRIVATE\0".ljust(len(old), b"\0"))})
    zstd = by["zstandard-0.25.0-cp313-cp313-musllinux_1_2_i686.whl"]
    zname, zso = member(zstd, "backend_c.cpython-313-i386-linux-musl.so")
    wheel_name, wheel_text = member(zstd, ".dist-info/WHEEL")
    old = b"\0pthread_cond_broadcast\0"
    result["__clock_gettime64 in musl_1_1"] = rewrite(
        zstd, out / "time64" / zstd.name.replace("musllinux_1_2", "musllinux_1_1"),
        {zname: zso.replace(old, b"\0__clock_gettime64\0".ljust(len(old), b"\0")),
         wheel_name: wheel_text.replace(b"musllinux_1_2", b"musllinux_1_1")})
    renamed = out / "rename" / arm.name
    renamed.parent.mkdir(parents=True)
    shutil.copy(x64, renamed)
    result["x86_64 wheel renamed aarch64"] = renamed
    return result


# ---------------------------------------------------------------- what each tool says


def verify_says(builddoctor: str, wheels: list[Path]) -> dict[str, list[str]]:
    _, text = run([builddoctor, "verify", "--json", *map(str, wheels)])
    doc = json.loads(text[: text.rfind("}") + 1])
    return {w["path"]: sorted({f["id"] for f in w["findings"] if f["severity"] == "error"}) for w in doc["wheels"]}


def auditwheel_says(auditwheel: str, wheel: Path) -> str:
    _, text = run([auditwheel, "show", str(wheel)])
    flat = " ".join(text.split())
    if "is consistent with the following platform tag:" in flat:
        tag = flat.split("is consistent with the following platform tag:")[1].split('"')[1]
        claimed = min(_floor(t) for t in wheel.name[:-4].split("-")[-1].split("."))
        found = _floor(tag)
        if found == (0, 0):
            return f"{tag}: FLAGGED (not manylinux at all)"
        if found > claimed:
            return f"{tag}: FLAGGED (needs a newer glibc than the tag's {claimed[0]}.{claimed[1]})"
        return f"{tag}: consistent" + (" (could even claim an older glibc)" if found < claimed else "")
    return "FLAGGED: " + flat[-110:]


def _floor(tag: str) -> tuple[int, int]:
    legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
    for k, v in legacy.items():
        if tag.startswith(k + "_"):
            return v
    parts = tag.split("_")
    if parts[0] == "manylinux" and len(parts) > 2 and parts[1].isdigit():
        return (int(parts[1]), int(parts[2]))
    return (0, 0)


def abi3audit_says(abi3audit: str, wheels: list[Path]) -> dict[str, str]:
    _, text = run([abi3audit, "-R", *map(str, wheels)])
    try:
        doc = json.loads(text[text.find("{"): text.rfind("}") + 1])
    except ValueError:
        return {w.name: "error: " + " ".join(text.split())[-120:] for w in wheels}
    out = {}
    for spec, info in doc.get("specs", {}).items():
        bad = [r["name"] for r in info.get("wheel", []) if r["result"]["non_abi3_symbols"]
               or r["result"]["future_abi3_objects"] or not r["result"]["is_abi3_baseline_compatible"]]
        out[Path(spec).name] = f"violations in {', '.join(bad)}" if bad else "clean"
    return out


# ---------------------------------------------------------------- timing


def timed(commands: dict[str, list[list[str]]], n: int) -> dict[str, float]:
    for argvs in commands.values():  # warm the file cache
        for argv in argvs:
            run(argv)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(n):
        for name, argvs in commands.items():
            times[name].append(sum(run(argv)[0] for argv in argvs))
    return {k: statistics.median(v) for k, v in times.items()}


def table(title: str, med: dict[str, float], count: int) -> None:
    print(f"\n{title} ({count} wheels)")
    base = min(med.values())
    for name, value in med.items():
        print(f"  {name:<48} {value:7.2f} s   {value / base:5.2f}x")


# ---------------------------------------------------------------- parsers


def parsers(wheels: list[Path]) -> None:
    import tracemalloc

    from builddoctor.verify.core import _read_binary

    try:
        import pefile  # type: ignore[import-untyped]
        from elftools.elf.elffile import ELFFile  # type: ignore[import-untyped]
        from elftools.elf.gnuversions import GNUVerNeedSection  # type: ignore[import-untyped]
        from macholib.MachO import MachO  # type: ignore[import-untyped]
    except ImportError:
        sys.exit("--parsers needs pyelftools, pefile and macholib: pip install them into the venv")

    def ours(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[object, ...]:
        d, problem = _read_binary(zf, info, {}, {})  # what verify does: spool <= 16 MiB, else stream
        assert d is not None, problem
        s = d.slices
        return (sorted(v for x in s for v in x.version_needs if v.startswith("GLIBC_")),
                sorted(n.lower() for x in s for n in x.needed if n.lower().startswith("python")),
                sorted({x.macos_minos for x in s if x.macos_minos}), sorted({n for x in s for n in x.py_imports}))

    def theirs(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[object, ...]:
        data = zf.read(info)  # pefile and macholib need the whole file (in memory or on disk)
        if data[:4] == b"\x7fELF":
            import io

            elf = ELFFile(io.BytesIO(data))
            glibc = sorted(a.name for s in elf.iter_sections() if isinstance(s, GNUVerNeedSection)
                           for _, auxs in s.iter_versions() for a in auxs if a.name.startswith("GLIBC_"))
            dynsym = elf.get_section_by_name(".dynsym")
            py = sorted({sym.name for sym in dynsym.iter_symbols() if sym["st_shndx"] == "SHN_UNDEF"
                         and sym.name.startswith(("Py", "_Py"))}) if dynsym else []
            return (glibc, [], [], py)
        if data[:2] == b"MZ":
            pe = pefile.PE(data=data, fast_load=True)
            pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
            dlls = [e.dll.decode().lower() for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
            py = sorted({i.name.decode() for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])
                         if e.dll.decode().lower().startswith("python") for i in e.imports if i.name})
            return ([], sorted(d for d in dlls if d.startswith("python")), [], py)
        with tempfile.NamedTemporaryFile(suffix=".so") as tmp:  # macholib reads a path
            tmp.write(data)
            tmp.flush()
            macho = MachO(tmp.name)
            minos = set()
            for header in macho.headers:
                for lc, cmd, _ in header.commands:
                    if lc.cmd == 0x32:
                        minos.add((cmd.minos >> 16, (cmd.minos >> 8) & 0xFF))
                    elif lc.cmd == 0x24:
                        minos.add((cmd.version >> 16, (cmd.version >> 8) & 0xFF))
            return ([], [], sorted(minos), None)  # macholib has no undefined-symbol reader to compare

    members = []
    for w in wheels:
        zf = zipfile.ZipFile(w)
        members += [(zf, i) for i in zf.infolist() if i.filename.endswith((".so", ".pyd"))
                    and ".libs/" not in i.filename and ".dylibs/" not in i.filename]
    def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[object, ...]:
        return (len(zf.read(info)),)

    results = {}
    for name, fn in (("zf.read only (decompression floor)", inflate), ("builddoctor binread", ours),
                     ("pyelftools/pefile/macholib", theirs)):
        times = []
        for _ in range(5):  # CPU time of this process: the shared VM's other load does not count
            start = time.process_time()
            got = [fn(zf, i) for zf, i in members]
            times.append(time.process_time() - start)
        tracemalloc.start()
        for zf, i in members:
            fn(zf, i)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[name] = (statistics.median(times), peak, got)
    same = sum(1 for a, b in zip(results["builddoctor binread"][2], results["pyelftools/pefile/macholib"][2])
               if all(x == y or y is None for x, y in zip(a, b)))
    print(f"\nParsers: GLIBC versions, Python DLL, macOS minos, Py* imports of {len(members)} extensions "
          "(CPU seconds, median of 5; peak traced memory)")
    for name, (t, peak, _) in results.items():
        print(f"  {name:<36} {t:6.2f} s   peak {peak / 1e6:6.1f} MB")
    print(f"  same facts read for {same}/{len(members)} extensions")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3, help="interleaved runs per command (median reported)")
    parser.add_argument("--parsers", action="store_true", help="also compare with pyelftools/pefile/macholib")
    args = parser.parse_args()
    wheels = corpus()
    builddoctor, auditwheel, abi3audit = tool("builddoctor"), tool("auditwheel"), tool("abi3audit")
    many = [w for w in wheels if "manylinux" in w.name]
    abi3 = [w for w in wheels if "-abi3-" in w.name]

    med = timed({"builddoctor verify (one process)": [[builddoctor, "verify", *map(str, many)]],
                 "builddoctor verify (one process per wheel)": [[builddoctor, "verify", str(w)] for w in many],
                 "auditwheel show (one process per wheel)": [[auditwheel, "show", str(w)] for w in many]}, args.n)
    table("manylinux subset", med, len(many))
    med = timed({"builddoctor verify": [[builddoctor, "verify", *map(str, abi3)]],
                 "abi3audit": [[abi3audit, *map(str, abi3)]]}, args.n)
    table("abi3 subset", med, len(abi3))
    med = timed({"builddoctor verify": [[builddoctor, "verify", *map(str, wheels)]]}, args.n)
    table("whole corpus", med, len(wheels))

    with tempfile.TemporaryDirectory() as tmp:
        mutated = mutations(wheels, Path(tmp))
        said = verify_says(builddoctor, list(mutated.values()))
        clean = verify_says(builddoctor, wheels)
        audit3 = abi3audit_says(abi3audit, abi3)
        print("\nWhat each found on the real wheels:")
        print(f"  builddoctor verify: {sum(1 for v in clean.values() if not v)}/{len(wheels)} clean")
        aw = {w.name: auditwheel_says(auditwheel, w) for w in many}
        print(f"  auditwheel show:    {sum('consistent' in v for v in aw.values())}/{len(many)} consistent with "
              "their tags")
        for name, verdict in aw.items():
            if not verdict.endswith(": consistent"):
                print(f"      {name}: {verdict}")
        print(f"  abi3audit:          {sum(v == 'clean' for v in audit3.values())}/{len(abi3)} clean")
        print("\nWhat each found on the mutations:")
        for what, path in mutated.items():
            ours = ", ".join(said.get(str(path), [])) or "nothing"
            line = f"  {what:<30} builddoctor: {ours}"
            if "manylinux" in path.name:
                line += f" | auditwheel show: {auditwheel_says(auditwheel, path)}"
            elif "musllinux" in path.name:
                flat = " ".join(run([auditwheel, "show", str(path)])[1].split())
                tag = flat.split("platform tag:")[1].split('"')[1] if "platform tag:" in flat else flat[-80:]
                line += f" | auditwheel show: {tag}"
            if "-abi3-" in path.name:
                line += f" | abi3audit: {abi3audit_says(abi3audit, [path]).get(path.name, '?')}"
            print(line)
    if args.parsers:
        parsers(wheels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
