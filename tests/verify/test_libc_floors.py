"""Issue 15 leftovers: GLIBC_PRIVATE in a manylinux wheel, and the musl floor of musllinux_1_1 (time64).

Mutations patch a version or symbol name inside a real PyPI wheel's extension (the corpus of
scripts/fetch_test_corpus.py); the tests skip when it is not downloaded.
"""
from __future__ import annotations

import pytest
from verify_corpus import corpus_wheel, find, member_bytes, rewrite

from builddoctor._data import table
from builddoctor.arch import get
from builddoctor.rules.model import ERROR
from builddoctor.verify import verify_wheel
from builddoctor.verify.binread import Slice
from builddoctor.verify.core import _check_glibc_private, _libc_of, expect_from_tags, wheel_tags

ZSTD_I686 = "zstandard-0.25.0-cp313-cp313-musllinux_1_2_i686.whl"
PSUTIL = "psutil-7.2.2-cp36-abi3-manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_28_x86_64.whl"


def ids_and_titles(path):
    return [(f.id, f.title) for f in verify_wheel(path).findings if f.severity == ERROR]


# ---------------------------------------------------------------- GLIBC_PRIVATE


def glibc_private_psutil(tmp_path):
    """psutil's real manylinux extension with its GLIBC_2.7 need (on libc.so.6) renamed GLIBC_PRIVATE."""
    src = corpus_wheel(PSUTIL)
    name, so = member_bytes(src, ".so")
    old = b"GLIBC_2.7\0GLIBC_2.3\0"  # two adjacent names of .dynstr; the second becomes "ATE" (harmless)
    assert so.count(old) == 1
    patched = so.replace(old, b"GLIBC_PRIVATE\0".ljust(len(old), b"\0"))
    return src, name, patched


@pytest.mark.corpus
def test_a_glibc_private_need_makes_a_manylinux_wheel_an_error(tmp_path):
    src, name, patched = glibc_private_psutil(tmp_path)
    found = ids_and_titles(rewrite(src, tmp_path, replace={name: patched}))
    private = [t for i, t in found if i == "verify.glibc-private"]
    assert len(private) == 1, found
    assert private[0] == (f"{name}: needs GLIBC_PRIVATE from libc.so.6, glibc's internal interface, which no "
                          "manylinux policy allows: it can break with any other glibc, so the wheel cannot be "
                          "manylinux_2_12")
    assert [i for i, _ in found] == ["verify.glibc-private"]  # nothing else changed: the floor is still 2.12


@pytest.mark.corpus
def test_glibc_private_is_no_error_in_a_linux_tagged_wheel(tmp_path):
    src, name, patched = glibc_private_psutil(tmp_path)
    plain = rewrite(src, tmp_path, name="psutil-7.2.2-cp36-abi3-linux_x86_64.whl",
                    wheel_tags=["cp36-abi3-linux_x86_64"], replace={name: patched})
    assert ids_and_titles(plain) == []


def test_glibc_private_on_the_dynamic_loader_is_skipped_as_auditwheel_does():
    exp = expect_from_tags(wheel_tags("x-1-cp313-cp313-manylinux_2_17_x86_64.whl"))
    on_loader = Slice(get("x86_64"), 62, 64, needed=["libc.so.6"], version_needs=["GLIBC_2.2.5", "GLIBC_PRIVATE"],
                      version_files=["libc.so.6", "ld-linux-x86-64.so.2"])
    assert _check_glibc_private("m.so", on_loader, exp) == []
    on_libc = Slice(get("x86_64"), 62, 64, needed=["libc.so.6"], version_needs=["GLIBC_PRIVATE"],
                    version_files=["libpthread.so.0"])
    [f] = _check_glibc_private("m.so", on_libc, exp)
    assert f.id == "verify.glibc-private" and f.facts["libraries"] == ["libpthread.so.0"]


def test_glibc_symbol_versions_mean_glibc_even_without_libc_so_6():
    # a member that links only libm (GLIBC_2.29 exp) is still a glibc binary: musl has no symbol versions
    s = Slice(get("x86_64"), 62, 64, needed=["libm.so.6"], version_needs=["GLIBC_2.29"], version_files=["libm.so.6"])
    assert _libc_of(s) == "gnu"
    alpine_cxx = Slice(get("x86_64"), 62, 64, needed=["libstdc++.so.6", "libc.musl-x86_64.so.1"],
                       version_needs=["GLIBCXX_3.4.29"], version_files=["libstdc++.so.6"])
    assert _libc_of(alpine_cxx) == "musl"  # libstdc++'s own versions exist on Alpine too


# ---------------------------------------------------------------- musl floor (time64)


def time64_zstd():
    """zstandard's real i686 musl extension, one of its imports renamed to musl 1.2's __clock_gettime64
    (what `clock_gettime` compiles to against musl >= 1.2 on a 32-bit arch)."""
    src = corpus_wheel(ZSTD_I686)
    name, so = member_bytes(src, "backend_c.cpython-313-i386-linux-musl.so")
    old = b"\0pthread_cond_broadcast\0"
    assert so.count(old) >= 1  # .dynstr, and .strtab (not stripped): both renamed
    return src, name, so.replace(old, b"\0__clock_gettime64\0".ljust(len(old), b"\0"))


@pytest.mark.corpus
def test_a_musl_1_2_symbol_in_a_musllinux_1_1_wheel_is_caught(tmp_path):
    src, name, patched = time64_zstd()
    older = rewrite(src, tmp_path, name=ZSTD_I686.replace("musllinux_1_2", "musllinux_1_1"),
                    wheel_tags=["cp313-cp313-musllinux_1_1_i686"], replace={name: patched})
    found = ids_and_titles(older)
    assert [i for i, _ in found] == ["verify.musl-too-new"], found
    assert found[0][1] == (f"{name}: imports __clock_gettime64, which musl 1.2 added (64-bit time_t on 32-bit "
                           "arches), but musllinux_1_1 promises musl 1.1: it fails to load there (symbol not found)")
    # the same binary tagged musllinux_1_2 (what it was built for) is clean
    (tmp_path / "b").mkdir()
    assert ids_and_titles(rewrite(src, tmp_path / "b", replace={name: patched})) == []


@pytest.mark.corpus
def test_a_real_32_bit_musl_wheel_retagged_1_1_stays_clean_when_nothing_shows_its_floor(tmp_path):
    # zstandard's i686 extensions use no time functions: nothing in them needs musl 1.2, so builddoctor
    # does not guess (musl has no symbol versions)
    src = corpus_wheel(ZSTD_I686)
    older = rewrite(src, tmp_path, name=ZSTD_I686.replace("musllinux_1_2", "musllinux_1_1"),
                    wheel_tags=["cp313-cp313-musllinux_1_1_i686"])
    report = verify_wheel(older)
    assert [f.id for f in report.findings if f.severity == ERROR] == []
    assert all(s.symbols_read and s.libc_imports == [] for b in report.binaries for s in b.details.slices)


@pytest.mark.corpus
def test_the_real_musllinux_1_1_wheel_reads_its_symbols_and_is_clean():
    report = verify_wheel(find("pydantic_core", "musllinux_1_1"))
    assert report.binaries and all(s.symbols_read for b in report.binaries for s in b.details.slices)
    assert [f.id for f in report.findings if f.severity == ERROR] == []


def test_musllinux_data_is_musls_time64_redirects():
    data = table("musllinux")
    assert data["source"].startswith("https://") and data["time64"]["source"].startswith("https://")
    names = data["time64"]["symbols"]
    assert len(names) == len(set(names)) == 63
    assert all(n.startswith("__") and "64" in n for n in names)
    assert {"__clock_gettime64", "__stat_time64", "__time64", "__localtime64_r"} <= set(names)
    assert data["time64"]["since"] == "1.2"
    private = table("manylinux-policy")["private"]
    assert private["versions"] == ["GLIBC_PRIVATE"] and private["source"].startswith("https://")



@pytest.mark.corpus
def test_cli_reports_both_findings_in_json_with_their_facts_and_exit_1(tmp_path):
    import json

    from conftest import run_cli

    src, name, patched = glibc_private_psutil(tmp_path)
    (tmp_path / "p").mkdir()
    private = rewrite(src, tmp_path / "p", replace={name: patched})
    zsrc, zname, zpatched = time64_zstd()
    older = rewrite(zsrc, tmp_path, name=ZSTD_I686.replace("musllinux_1_2", "musllinux_1_1"),
                    wheel_tags=["cp313-cp313-musllinux_1_1_i686"], replace={zname: zpatched})
    run = run_cli("verify", str(private), str(older), "--json")
    assert run.returncode == 1, run.stderr
    found = {f["id"]: f["facts"] for w in json.loads(run.stdout)["wheels"] for f in w["findings"]}
    assert found["verify.glibc-private"]["libraries"] == ["libc.so.6"]
    assert found["verify.musl-too-new"]["symbols"] == ["__clock_gettime64"]
    assert (found["verify.musl-too-new"]["musl"], found["verify.musl-too-new"]["floor"]) == ("1.2", "1.1")
    text = run_cli("explain", "verify.glibc-private")
    assert text.returncode == 0 and "auditwheel" in text.stdout
