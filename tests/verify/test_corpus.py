"""builddoctor verify on >= 30 real PyPI wheels: all clean, known facts read right, and every mutation caught.

The wheels come from scripts/fetch_test_corpus.py (CORPUS) into .cache/test-corpus; the tests skip when a
file is missing. Nothing here downloads or runs a program: it reads files.
"""
from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verify_corpus import WHEELS, corpus_wheel, find, member_bytes, rewrite

from builddoctor.rules.model import ERROR
from builddoctor.verify import verify_wheel
from builddoctor.verify.core import _libc_of, _stable_abi

pytestmark = pytest.mark.corpus


def errors(path: Path) -> list[str]:
    return [f"{f.id}: {f.title}" for f in verify_wheel(path).findings if f.severity == ERROR]


def one_line(report_errors: list[str], fid: str) -> str:
    hits = [e for e in report_errors if e.startswith(fid + ":")]
    assert hits, report_errors
    assert all("\n" not in h for h in hits)
    return hits[0]


def test_the_corpus_covers_every_platform_family():
    names = " ".join(WHEELS)
    assert len(WHEELS) >= 30
    for part in ("manylinux_2_17_x86_64", "_aarch64", "_i686", "musllinux", "macosx_10_13_x86_64", "_arm64.whl",
                 "universal2", "win_amd64", "win32", "win_arm64", "-abi3-", "cp313t", "cp314t"):
        assert part in names, part


@pytest.mark.parametrize("name", WHEELS)
def test_every_real_wheel_verifies_clean(name):
    report = verify_wheel(corpus_wheel(name))
    assert [f"{f.id}: {f.title}" for f in report.findings if f.severity != "ok"] == []
    assert report.binaries, "every corpus wheel holds at least one extension"


def slices(path: Path, suffix: str):
    report = verify_wheel(path)
    return [s for b in report.binaries if b.member.endswith(suffix) for s in b.details.slices]


def test_win_arm64_extensions_are_arm64_pe():
    for prefix in ("orjson", "pydantic_core", "psutil-7.2.2-cp37-abi3", "pillow", "markupsafe-3.0.4-cp313"):
        report = verify_wheel(find(prefix, "win_arm64"))
        pyds = [b for b in report.binaries if b.member.endswith(".pyd")]
        assert pyds
        for b in pyds:
            assert b.details.format == "pe"
            assert [(s.arch.name if s.arch else None, s.bits, s.pe_hybrid) for s in b.details.slices] == \
                [("aarch64", 64, "")]


def test_universal2_extensions_have_both_slices_and_each_slice_its_floor():
    for prefix in ("orjson", "lxml"):
        report = verify_wheel(find(prefix, "universal2"))
        assert report.binaries
        for b in report.binaries:
            assert b.details.format == "macho-fat"
            by_arch = {s.arch.name: s.macos_minos for s in b.details.slices if s.arch}
            assert set(by_arch) == {"x86_64", "aarch64"}
            assert by_arch["aarch64"] == (11, 0)
            assert by_arch["x86_64"] <= ((10, 15) if prefix == "orjson" else (10, 13))


def test_glibc_floors_of_manylinux_wheels_are_what_the_tags_promise():
    def glibc(path: Path) -> tuple[int, ...]:
        versions = [tuple(int(p) for p in v[6:].split(".")) for b in verify_wheel(path).binaries
                    for s in b.details.slices for v in s.version_needs if v.startswith("GLIBC_")]
        return max(versions)

    assert glibc(find("orjson", "manylinux_2_17_x86_64")) <= (2, 17)
    assert glibc(find("orjson", "manylinux_2_17_aarch64")) == (2, 17)  # aarch64 glibc starts at 2.17
    assert glibc(find("orjson", "manylinux_2_17_i686")) <= (2, 17)
    assert glibc(find("pydantic_core", "manylinux_2_5_i686")) <= (2, 5)
    assert glibc(find("psutil-7.2.2-cp36-abi3", "manylinux_2_12_x86_64")) <= (2, 12)
    assert glibc(find("lxml", "manylinux_2_28_i686")) <= (2, 28)


def test_musllinux_extensions_link_musl_and_have_no_glibc_versions():
    for prefix, arch in (("orjson", "x86_64"), ("orjson", "aarch64"), ("zstandard", "x86"),
                         ("psutil-7.2.2-cp36-abi3", "x86_64")):
        mark = "i686" if arch == "x86" else arch
        for s in [s for b in verify_wheel(find(prefix, "musllinux", mark)).binaries for s in b.details.slices]:
            assert s.arch is not None and s.arch.name == arch
            assert not [v for v in s.version_needs if v.startswith("GLIBC_")]
            assert _libc_of(s) == "musl", s.needed


def test_python_dll_of_windows_extensions():
    def dlls(path: Path) -> set[str]:
        return {n.lower() for b in verify_wheel(path).binaries for s in b.details.slices for n in s.needed
                if n.lower().startswith("python")}

    assert dlls(find("orjson", "win_amd64")) == {"python313.dll"}
    assert dlls(find("psutil-7.2.2-cp313-cp313t", "win_amd64")) == {"python313t.dll"}
    assert dlls(find("psutil-7.2.2-cp314-cp314t", "win_arm64")) == {"python314t.dll"}
    assert dlls(find("psutil-7.2.2-cp37-abi3", "win_amd64")) == {"python3.dll"}
    assert dlls(find("cryptography", "win_amd64")) == {"python3.dll"}
    [s] = slices(find("markupsafe-3.0.4-cp313", "win32"), ".pyd")
    assert (s.arch.name if s.arch else None, s.bits) == ("x86", 32)


def test_abi3_extensions_import_only_stable_abi_symbols_of_their_version():
    stable = _stable_abi()
    for prefix, floor in (("psutil-7.2.2-cp36-abi3", (3, 6)), ("psutil-7.2.2-cp37-abi3", (3, 7)),
                          ("cryptography-50.0.2-cp311", (3, 11)), ("cryptography-50.0.2-cp39", (3, 9))):
        for path in [corpus_wheel(n) for n in WHEELS if n.startswith(prefix)]:
            imports = {n for b in verify_wheel(path).binaries for s in b.details.slices for n in s.py_imports}
            assert len(imports) > 20, path.name  # the table was really read
            assert all(n in stable and stable[n] <= floor for n in imports), path.name


def test_macos_minos_of_thin_wheels():
    assert {s.macos_minos for s in slices(find("numpy", "macosx_14_0_arm64"), ".so")} <= {(14, 0), (11, 0)}
    assert {s.macos_minos for s in slices(find("psutil-7.2.2-cp36-abi3", "macosx_10_9"), ".so")} == {(10, 9)}
    assert {s.macos_minos for s in slices(find("orjson", "macosx_15_0_arm64"), ".so")} == {(15, 0)}


def test_free_threaded_extensions_carry_the_t_suffix():
    for prefix, tag in (("markupsafe-3.0.4-cp314-cp314t", "manylinux2014_x86_64"),
                        ("psutil-7.2.2-cp313-cp313t", "manylinux2010_x86_64"), ("numpy", "macosx_14_0")):
        names = [b.member for b in verify_wheel(find(prefix, tag)).binaries if "cpython-" in b.member]
        assert names and all("cpython-31" in n and "t-" in n for n in names), names


# ---------------------------------------------------------------- mutations of real wheels

ORJSON_X64 = "orjson-3.13.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
ORJSON_ARM = "orjson-3.13.0-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"


def test_retagged_to_another_platform_is_caught(tmp_path):
    src = corpus_wheel(ORJSON_X64)
    # renamed only: the WHEEL file and every binary disagree with the new name
    renamed = rewrite(src, tmp_path, name=ORJSON_ARM, fix_record=False)
    found = errors(renamed)
    assert "built for x86_64, but the wheel is for aarch64" in one_line(found, "verify.arch-mismatch")
    assert "renamed or retagged" in one_line(found, "verify.wheel-tags")
    # retagged consistently (WHEEL and RECORD too): the binaries still say x86_64, and the suffix too
    (tmp_path / "b").mkdir()
    retagged = rewrite(src, tmp_path / "b", name=ORJSON_ARM,
                       wheel_tags=["cp313-cp313-manylinux_2_17_aarch64", "cp313-cp313-manylinux2014_aarch64"])
    found = errors(retagged)
    assert [e.split(":", 1)[0] for e in found] == ["verify.arch-mismatch", "verify.ext-suffix"]
    assert "named for x86_64-linux-gnu" in one_line(found, "verify.ext-suffix")


def test_a_member_swapped_for_another_arch_is_caught(tmp_path):
    _, arm_so = member_bytes(corpus_wheel(ORJSON_ARM), ".so")
    x64_name, _ = member_bytes(corpus_wheel(ORJSON_X64), ".so")
    swapped = rewrite(corpus_wheel(ORJSON_X64), tmp_path, replace={x64_name: arm_so})
    line = one_line(errors(swapped), "verify.arch-mismatch")
    assert line.startswith(f"verify.arch-mismatch: {x64_name}: built for aarch64, but the wheel is for x86_64")
    # Windows: an ARM64 .pyd inside the win_amd64 wheel
    win_amd = find("orjson", "win_amd64")
    amd_name, _ = member_bytes(win_amd, ".pyd")
    _, arm_pyd = member_bytes(find("orjson", "win_arm64"), ".pyd")
    (tmp_path / "w").mkdir()
    line = one_line(errors(rewrite(win_amd, tmp_path / "w", replace={amd_name: arm_pyd})), "verify.arch-mismatch")
    assert "built for aarch64, but the wheel is for x86_64" in line
    # macOS: a thin arm64 build inside the universal2 wheel
    uni = find("orjson", "universal2")
    uni_name, _ = member_bytes(uni, ".so")
    _, thin = member_bytes(find("orjson", "macosx_15_0_arm64"), ".so")
    (tmp_path / "m").mkdir()
    found = errors(rewrite(uni, tmp_path / "m", replace={uni_name: thin}))
    assert "built for aarch64, but the wheel is for aarch64+x86_64" in one_line(found, "verify.arch-mismatch")
    assert "needs macOS 15.0 (minos), but the tag promises macOS 11.0" in one_line(found, "verify.macos-too-new")


def test_a_glibc_2_99_symbol_version_is_caught(tmp_path):
    name, so = member_bytes(corpus_wheel(ORJSON_X64), ".so")
    assert so.count(b"GLIBC_2.14\0") == 1
    patched = rewrite(corpus_wheel(ORJSON_X64), tmp_path, replace={name: so.replace(b"GLIBC_2.14\0", b"GLIBC_2.99\0")})
    line = one_line(errors(patched), "verify.glibc-too-new")
    assert line.endswith("needs GLIBC_2.99, but manylinux_2_17 promises glibc 2.17")


def test_a_changed_member_breaks_its_record_hash(tmp_path):
    src = corpus_wheel(ORJSON_X64)
    name, so = member_bytes(src, ".so")
    tampered = rewrite(src, tmp_path, replace={name: so[:-1] + bytes([so[-1] ^ 1])}, fix_record=False)
    line = one_line(errors(tampered), "verify.record")
    assert line == (f"verify.record: {name}: its sha256 does not match RECORD (the member was changed after the "
                    "wheel was built)")
    (tmp_path / "b").mkdir()
    added = rewrite(src, tmp_path / "b", add={"orjson/evil.py": b"import os\n"}, fix_record=False)
    assert "orjson/evil.py: not listed in RECORD" in one_line(errors(added), "verify.record")


def test_non_stable_abi_symbols_in_an_abi3_wheel_are_caught(tmp_path):
    src = find("psutil-7.2.2-cp36-abi3", "manylinux_2_12_x86_64")
    name, so = member_bytes(src, ".so")
    private = so.replace(b"\0PyLong_AsLong\0", b"\0PyUnicode_New\0", 1)  # same length: a non-limited API
    found = errors(rewrite(src, tmp_path, replace={name: private}))
    assert one_line(found, "verify.abi3-symbol").endswith(
        "uses PyUnicode_New, not in the stable ABI, but the wheel is tagged cp36-abi3")
    (tmp_path / "b").mkdir()
    newer = so.replace(b"\0PyErr_Format\0", b"\0PyModule_Add\0", 1)  # stable, but only since 3.13
    found = errors(rewrite(src, tmp_path / "b", replace={name: newer}))
    assert "uses PyModule_Add (3.13), added to the stable ABI after 3.6" in one_line(found, "verify.abi3-symbol")


def test_a_free_threaded_pyd_linked_to_another_python_dll_is_caught(tmp_path):
    src = find("psutil-7.2.2-cp313-cp313t", "win_amd64")
    name, pyd = member_bytes(src, ".pyd")
    found = errors(rewrite(src, tmp_path, replace={name: pyd.replace(b"python313t.dll", b"python314t.dll")}))
    assert "imports python314t.dll, but the wheel is tagged for python313t.dll" in one_line(found, "verify.python-dll")


def test_a_homebrew_library_in_a_macos_wheel_is_caught(tmp_path):
    src = find("orjson", "universal2")
    with zipfile.ZipFile(src) as zf:
        [name] = [n for n in zf.namelist() if n.endswith(".so") and b"/usr/lib/libiconv.2.dylib" in zf.read(n)][:1]
        data = zf.read(name)
    patched = data.replace(b"/usr/lib/libiconv.2.dylib", b"/opt/lib/libiconv.2.dylib")
    line = one_line(errors(rewrite(src, tmp_path, replace={name: patched})), "verify.external-library")
    assert f"{name}: loads /opt/lib/libiconv.2.dylib, a library of the build machine" in line


def test_an_unbundled_dll_in_a_windows_wheel_is_a_warning(tmp_path):
    src = find("orjson", "win_amd64")
    name, pyd = member_bytes(src, ".pyd")
    assert pyd.count(b"VCRUNTIME140.dll\0") == 1
    patched = pyd.replace(b"VCRUNTIME140.dll\0", b"MSVCP140.dll\0\0\0\0\0")  # the C++ runtime CPython does not ship
    report = verify_wheel(rewrite(src, tmp_path, replace={name: patched}))
    [finding] = [f for f in report.findings if f.severity != "ok"]
    assert (finding.id, finding.severity) == ("verify.external-library", "warning")
    assert finding.title.startswith(f"{name}: imports MSVCP140.dll, which the wheel does not bundle")


def test_cli_json_schema_and_exit_codes(tmp_path):
    from conftest import run_cli

    good = corpus_wheel(ORJSON_X64)
    name, so = member_bytes(good, ".so")
    bad = rewrite(good, tmp_path, replace={name: so.replace(b"GLIBC_2.14\0", b"GLIBC_2.99\0")})
    run = run_cli("verify", str(good), str(bad), "--json")
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)
    assert doc["schema"] == "builddoctor.verify/1"
    assert [w["status"] for w in doc["wheels"]] == ["ok", "problems"]
    ok, broken = doc["wheels"]
    assert ok["status"] == "ok" and ok["findings"] == []
    assert set(ok) == {"wheel", "path", "status", "tags", "members", "binaries", "findings"}
    assert ok["binaries"][0]["slices"][0]["glibc"] == "2.14"
    [finding] = broken["findings"]
    assert finding["id"] == "verify.glibc-too-new" and finding["facts"]["glibc"] == "2.99"
    assert set(finding) == {"id", "severity", "title", "facts", "fixes"}
    assert run_cli("verify", str(good)).returncode == 0
    folder = run_cli("verify", str(tmp_path))  # a folder: every wheel in it (here the one bad wheel)
    assert folder.returncode == 1 and "1 wheel verified, 1 with problems" in folder.stdout


REAL_BINARIES = [(ORJSON_X64, ".so"), ("orjson-3.13.0-cp313-cp313-win_arm64.whl", ".pyd"),
                 ("orjson-3.13.0-cp313-cp313-macosx_10_15_x86_64.macosx_11_0_arm64.macosx_10_15_universal2.whl",
                  ".so")]


@pytest.mark.parametrize(("name", "suffix"), REAL_BINARIES)
def test_real_binaries_truncated_anywhere_end_in_one_line(name, suffix):
    src = corpus_wheel(name)
    member, data = member_bytes(src, suffix)

    @settings(max_examples=60, deadline=None)
    @given(st.integers(0, len(data) - 1))
    def cut(at):
        with tempfile.TemporaryDirectory() as tmp:
            report = verify_wheel(rewrite(src, Path(tmp), replace={member: data[:at]}))
        assert report.findings
        assert all("\n" not in f.title for f in report.findings)
        assert report.unreadable, [f.title for f in report.findings]  # a cut anywhere is noticed

    cut()
