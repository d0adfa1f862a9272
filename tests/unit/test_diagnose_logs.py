"""`builddoctor diagnose LOG`: real failure logs from public issue threads, the seed's uv output, hostile logs.

Every fixture under tests/fixtures/logs/ starts with a `# source: URL` line naming the issue thread it
was copied from; each test asserts that thread's root cause is the report's first finding.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, assert_one_line_error, run_cli

from builddoctor.logs import scan_stream
from builddoctor.logs.diagnose import from_scanner
from builddoctor.logs.reader import MAX_LINE, read_lines
from builddoctor.logs.render import lines as report_lines
from builddoctor.logs.render import to_json

LOGS = ROOT / "tests" / "fixtures" / "logs"
SEED = LOGS / "uv-15693-seed.txt"
SEED_THREAD = ROOT.parent / "shared" / "seed" / "000_f3c61fad2cbbee3a.txt"


def diagnose_bytes(data: bytes, name: str = "log"):
    scanner, stats = scan_stream(io.BytesIO(data))
    return from_scanner(scanner, stats, name)


def diagnose_file(path: Path):
    return diagnose_bytes(path.read_bytes(), path.name)


def text_of(result) -> str:
    return "\n".join(text for _, text in report_lines(result))


def fixture_line(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


# --- the seed ---------------------------------------------------------------------------------

def test_seed_without_a_machine_names_every_layer_and_the_fixes():
    result = diagnose_file(SEED)
    report = text_of(result)
    d = result.diagnosis
    # the x64 interpreter, the aarch64 Rust target and host, the toolchain, the missing clang
    assert d.target is not None and d.target.arch.name == "x86_64" and d.target.platform_tag == "win_amd64"
    assert "cpython-3.13.5-windows-x86_64-none" in report
    layers = {layer.name: layer for layer in d.layers}
    assert layers["cargo target (log)"].says == "aarch64-pc-windows-msvc"
    assert layers["cargo target (log)"].status == "mismatch"
    assert layers["cargo host (log)"].says == "aarch64-pc-windows-msvc"
    assert "aarch64-pc-windows-msvc" in layers["rustup toolchain (log)"].says
    ids = [f.id for f in d.findings]
    assert ids[0] == "log.rust-target-mismatch"
    assert "known.cc-rs.clang-not-found-windows" in ids
    assert "host.emulated" in ids  # the CPU is aarch64: cargo ran build scripts for HOST aarch64
    # the seed's working fix (a native ARM64 Python) and the clang fix
    commands = [fix.command for f in d.findings for fix in f.fixes]
    assert any("cpython-3.13-windows-aarch64-none" in c for c in commands)
    assert any("LLVM" in c or "Llvm.Clang" in c for c in commands)
    assert result.diagnosis.has_errors


def test_seed_facts_point_at_the_lines_that_say_them():
    result = diagnose_file(SEED)
    ev = result.facts.log.evidence
    expect = {
        "interpreter.exe_arches": "cpython-3.13.5-windows-x86_64-none",
        "log.rust_target": "TARGET = Some(aarch64-pc-windows-msvc)",
        "rust.rustc_host": "HOST = Some(aarch64-pc-windows-msvc)",
        "rust.active_toolchain": "nightly-2025-08-29-aarch64-pc-windows-msvc",
        "log.tools.maturin": "maturin==1.9.4",
    }
    for path, text in expect.items():
        at = ev.at(path)
        assert at is not None, path
        assert text in fixture_line(SEED, at[0]), (path, at)
    clang = next(f for f in result.diagnosis.findings if f.id == "known.cc-rs.clang-not-found-windows")
    assert 'failed to find tool "clang"' in fixture_line(SEED, clang.facts["line"])


@pytest.mark.skipif(not SEED_THREAD.is_file(), reason="the seed thread is not in ../shared/seed here")
def test_the_whole_seed_thread_gives_the_same_diagnosis():
    result = diagnose_file(SEED_THREAD)
    assert result.diagnosis.findings[0].id == "log.rust-target-mismatch"
    assert result.diagnosis.target is not None and result.diagnosis.target.arch.name == "x86_64"
    doc = json.dumps(to_json(result), ensure_ascii=False)
    # the reporter's real user name appears in the thread (mojibake-repaired); never in the report
    assert "Laura" not in doc and "LAURAF" not in doc


def test_seed_cli_json_schema_and_exit_status():
    run = run_cli("diagnose", str(SEED), "--json")
    assert run.returncode == 1, run.stderr
    doc = run.json()
    assert doc["schema"] == "builddoctor.diagnose/1"
    assert {"schema", "source", "log", "build", "target", "layers", "findings", "fixes", "evidence", "facts"} \
        <= set(doc)
    assert doc["source"] == "log"
    assert doc["build"]["package"] == "polars-lts-cpu" and doc["build"]["tools"]["maturin"] == "1.9.4"
    first = doc["findings"][0]
    assert first["evidence"]["line"] > 1 and "aarch64" in first["evidence"]["excerpt"]
    assert all(layer["source"].startswith("log line ") for layer in doc["layers"])


def test_seed_with_the_recorded_machine_combines_both():
    machine = ROOT / "examples" / "machines" / "win-arm64-seed-emulated-x64.json"
    run = run_cli("diagnose", str(SEED), "--replay", str(machine), "--json")
    assert run.returncode == 1, run.stderr
    doc = run.json()
    assert doc["source"] == "log+replay"
    names = [layer["name"] for layer in doc["layers"]]
    assert "rustc host" in names and "cargo target (log)" in names  # installed and used, side by side
    ids = [f["id"] for f in doc["findings"]]
    assert ids[0] == "log.rust-target-mismatch" and "host.emulated" in ids


# --- real failure logs from issue threads ---------------------------------------------------------

CASES = [
    # (fixture, the thread's root cause as the first finding, words its title must say)
    ("maturin-1960-pyo3-too-old.txt", "known.pyo3.python-too-new", ("0.20.3", "3.13")),
    ("pyo3-4248-orjson-pyo3-too-old.txt", "known.pyo3.python-too-new", ("0.21.2", "3.13")),
    ("setuptools-4648-lnk1112-arm64.txt", "log.link-arch-mismatch", ("objects for x86_64", "interpreter aarch64")),
    ("lightfm-137-lnk1112-32bit-tools.txt", "log.link-arch-mismatch", ("link for x86", "interpreter x86_64")),
    ("setuptools-4553-msvc-arm64.txt", "known.setuptools.msvc-arm64-not-detected", ("ARM64",)),
    ("pyopenjtalk-108-msvc-missing.txt", "known.msvc.build-tools-missing", ("Visual Studio",)),
    ("zenoh-python-72-setuptools-rust-no-rustc.txt", "known.setuptools-rust.rust-not-found", ("Rust compiler",)),
    ("sys-info-115-cc-rs-cross-gcc.txt", "known.cc-rs.tool-not-found", ("cross",)),
    ("meson-python-55-gfortran.txt", "known.meson.fortran-compiler-missing", ("Fortran",)),
    ("llama-cpp-python-1664-skbuild-nmake.txt", "known.cmake.nmake-not-found", ("NMake",)),
    ("python-pcre-8-python-h.txt", "known.cpython.headers-missing", ("Python.h",)),
    ("llmfit-54-rustc-link-exe.txt", "known.rustc.msvc-linker-missing", ("link.exe",)),
    ("build-710-macos-x86_64-vs-arm64-libs.txt", "log.link-arch-mismatch", ("objects for aarch64", "link for x86_64")),
]


def test_every_fixture_cites_its_thread():
    files = sorted(LOGS.glob("*.txt"))
    assert len(files) >= 13
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.match(r"# source: https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+ ", first), path.name
    assert {c[0] for c in CASES} | {SEED.name} == {p.name for p in files}
    assert "astral-sh/uv/issues/15693" not in " ".join((LOGS / c[0]).read_text(encoding="utf-8")[:200] for c in CASES)


@pytest.mark.parametrize(("name", "root_cause", "words"), CASES, ids=[c[0].split("-")[0] + "-" + c[0].split("-")[1]
                                                                       for c in CASES])
def test_the_threads_root_cause_is_the_first_finding(name, root_cause, words):
    path = LOGS / name
    result = diagnose_file(path)
    findings = result.diagnosis.findings
    assert findings, text_of(result)
    first = findings[0]
    assert first.id == root_cause, text_of(result)
    assert first.severity == "error"
    for word in words:
        assert word in first.title, first.title
    assert first.fixes, first.id
    # the finding rests on the line of the log that says it
    excerpt = first.facts["excerpt"].removeprefix("...")
    assert excerpt[:30] in fixture_line(path, first.facts["line"]), (first.facts["line"], excerpt)


def test_a_log_refutes_a_known_problem_of_another_version():
    # PyO3 0.22 supports 3.13: the same message with a fixed version is not named as that problem
    log = (b"   Compiling pyo3 v0.22.0\n"
           b"  error: the configured Python interpreter version (3.13) is newer than PyO3's maximum supported "
           b"version (3.12)\n  = help: please check if an updated version of PyO3 is available. Current version: "
           b"0.22.0\n")
    ids = [f.id for f in diagnose_bytes(log).diagnosis.findings]
    assert "known.pyo3.python-too-new" not in ids


def test_a_log_without_facts_is_a_clean_report():
    result = diagnose_bytes(b"hello\nnothing to see here\n")
    assert result.diagnosis.findings == [] and result.diagnosis.target is None
    assert "no layer facts" in text_of(result)


# --- hostile logs ---------------------------------------------------------------------------------

def test_crlf_ansi_and_latin1_bytes_give_the_same_diagnosis():
    raw = SEED.read_bytes()
    plain = [f.id for f in diagnose_bytes(raw).diagnosis.findings]
    crlf = raw.replace(b"\n", b"\r\n")
    coloured = re.sub(rb"(error|warning|TARGET|HOST)", lambda m: b"\x1b[1;31m" + m.group(1) + b"\x1b[0m", raw)
    latin1 = raw.replace(b"<UserName>", "Frølich".encode("latin-1"))  # not UTF-8: decoded with U+FFFD
    for variant in (crlf, coloured, latin1):
        assert [f.id for f in diagnose_bytes(variant).diagnosis.findings] == plain


def test_mojibake_is_repaired_and_counted():
    line = "   \uf8ffüçπ Building a mixed python/rust project\n".encode()
    stats_lines = list(read_lines(io.BytesIO(line)))
    assert stats_lines == ["   \U0001f379 Building a mixed python/rust project"]
    windows = "C:\\Users\\LauraFr\u00c3\u00b8lich\\x\n".encode()  # UTF-8 read as Windows-1252
    assert list(read_lines(io.BytesIO(windows))) == ["C:\\Users\\LauraFrølich\\x"]
    assert list(read_lines(io.BytesIO("café Frølich\n".encode()))) == ["café Frølich"]


def test_invalid_utf8_nul_bytes_and_huge_lines_are_bounded():
    huge = b"A" * (MAX_LINE * 10) + b" TARGET = Some(aarch64-pc-windows-msvc)\n"
    data = b"\xff\xfe\x00garbage\x00\n" + huge + b"  TARGET = Some(aarch64-pc-windows-msvc)\r\rprogress 1\rprogress 2\n"
    scanner, stats = scan_stream(io.BytesIO(data))
    assert stats.truncated == 1 and stats.replaced >= 1
    result = from_scanner(scanner, stats, "x")
    assert result.facts.log.rust_target == "aarch64-pc-windows-msvc"
    at = result.facts.log.evidence.at("log.rust_target")
    assert at is not None and at[0] == 3  # line 1 garbage, line 2 the cut one, line 3 the real TARGET
    for seen in scanner.matches.values():
        for m in seen.values():
            assert len(m.excerpt) <= 210


def test_a_single_line_without_newline_of_many_megabytes():
    data = b"x" * (20 << 20)
    _, stats = scan_stream(io.BytesIO(data))
    assert stats.lines == 1 and stats.truncated == 1 and stats.bytes == len(data)


def test_secrets_and_user_names_are_never_echoed():
    secret = "ghp_" + "Zq9" * 12
    log = (f"Using CPython 3.12.1 interpreter at: /home/alice-smith/.venvs/x/bin/python3\n"
           f"Found `cpython-3.12.1-linux-x86_64-gnu` at `/home/alice-smith/.venvs/x/bin/python3`\n"
           f"  error: can't find Rust compiler (PIP_INDEX_URL=https://bob:hunter2@pypi.example.com/simple "
           f"GH_TOKEN={secret} CARGO_REGISTRY_TOKEN = Some(s3cr3t-value))\n"
           f"C:\\Users\\Zoë Q\\AppData\\Local\\Temp\\x.obj : fatal error LNK1112: module machine type 'x64' "
           f"conflicts with target machine type 'ARM64'\n").encode()
    result = diagnose_bytes(log)
    text = text_of(result) + json.dumps(to_json(result), ensure_ascii=False)
    for leaked in ("alice-smith", "hunter2", secret, "s3cr3t-value", "Zoë"):
        assert leaked not in text, leaked
    assert "known.setuptools-rust.rust-not-found" in text  # the line was still read


# --- the command line -------------------------------------------------------------------------------

def test_stdin_is_read_with_a_dash():
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "builddoctor", "diagnose", "-"], input=SEED.read_bytes(),
                       capture_output=True, timeout=60)
    assert p.returncode == 1, p.stderr
    assert b"log.rust-target-mismatch" in p.stdout and b"<stdin>" in p.stdout


@pytest.mark.parametrize("make", [
    lambda tmp: str(tmp / "missing.log"),
    str,
    lambda tmp: (tmp / "empty.log").write_bytes(b"") or str(tmp / "empty.log"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, make):
    run = run_cli("diagnose", make(tmp_path))
    assert run.returncode == 2, run.stdout + run.stderr
    assert_one_line_error(run)
    assert run.stdout == ""


def test_replay_and_live_are_exclusive(tmp_path):
    run = run_cli("diagnose", str(SEED), "--live", "--replay", str(tmp_path / "x.json"))
    assert run.returncode == 2
    assert_one_line_error(run)


def test_no_errors_exits_0(tmp_path):
    log = tmp_path / "ok.log"
    log.write_text("Successfully built demo\n", encoding="utf-8")
    assert run_cli("diagnose", str(log)).returncode == 0


def test_every_log_finding_id_has_a_long_form():
    from builddoctor.rules.explain_log import EXPLAIN_LOG

    ids = {f.id for case in CASES for f in diagnose_file(LOGS / case[0]).diagnosis.findings}
    ids |= {f.id for f in diagnose_file(SEED).diagnosis.findings}
    assert {i for i in ids if i.startswith("log.")} <= set(EXPLAIN_LOG)
    known = sorted(i for i in ids if i.startswith("known."))
    run = run_cli("explain", known[0])
    assert run.returncode == 0 and "https://" in run.stdout


def test_machine_options_without_live_are_refused():
    run = run_cli("diagnose", str(SEED), "--python", "3.12")
    assert run.returncode == 2 and "--live" in run.stderr
    assert_one_line_error(run)


def test_overlapping_needles_do_not_hide_a_pattern():
    # " -a" (CMake's -A) starts where "-arch" does: both must still gate their patterns
    log = (b"clang -Wno-unused-result -arch arm64 -arch x86_64 -c m.c "
           b"-o build/temp.macosx-11.0-arm64-cpython-311/m.o\n")
    flags = dict(diagnose_bytes(log).facts.log.arch_flags)
    assert flags == {"arm64": "aarch64", "x86_64": "x86_64"}


# -- the "Build:" line names the distribution whose build failed, or nothing ---------------------------

def _build_line(result) -> str:
    return next((text for _, text in report_lines(result) if text.startswith("Build: ")), "")


def test_the_build_line_names_what_uv_failed_to_build_not_what_pip_built_before():
    # the seed thread: pip built the project itself (small-example ... done), then uv failed on polars-lts-cpu
    result = diagnose_file(SEED)
    assert _build_line(result).startswith("Build: polars-lts-cpu 1.33.0 from sdist polars_lts_cpu-1.33.0.tar.gz ")
    line, _ = result.facts.log.evidence.at("log.package")
    assert "Failed to build `polars-lts-cpu==1.33.0`" in fixture_line(SEED, line)


def test_a_log_of_builds_that_worked_names_no_package():
    text = SEED.read_text(encoding="utf-8")
    pip_run = text[text.index("> pip install"):text.index("# run 1:")]  # the seed's pip run: it worked
    assert "Building wheel for small-example (pyproject.toml) ... done" in pip_run
    result = diagnose_bytes(pip_run.encode())
    assert result.facts.log.package == "" and "small-example" not in _build_line(result)


@pytest.mark.parametrize("path", sorted(LOGS.glob("*.txt")), ids=lambda p: p.name.split("-")[0])
def test_a_named_package_is_one_the_log_says_failed_and_the_sdist_is_its_own(path):
    log = diagnose_file(path).facts.log
    if not log.package:
        assert not log.sdist  # an sdist alone may be any dependency's: not named
        return
    line, _ = log.evidence.at("log.package")
    said = fixture_line(path, line)
    assert log.package in said and re.search(r"fail|error|did not run successfully", said, re.I), said
    if log.sdist:
        name = re.match(r"(.+?)-\d", log.sdist)
        assert name and re.sub(r"[-_.]+", "-", name.group(1)).lower() == log.package.lower()


@pytest.mark.parametrize(("name", "package"), [("zenoh-python-72-setuptools-rust-no-rustc.txt", "eclipse-zenoh"),
                                               ("llama-cpp-python-1664-skbuild-nmake.txt", "llama-cpp-python")])
def test_pips_failed_build_lines_name_the_package(name, package):
    assert diagnose_file(LOGS / name).facts.log.package == package
