"""The platform tables in toolchains/ are consistent, and they ship inside the wheel."""
from __future__ import annotations

import pytest

from builddoctor import arch
from builddoctor._data import table

REQUIRED = {"aliases", "bits", "wheel", "rust", "marker_machine", "uv_arch"}


def test_every_arch_has_the_required_spellings():
    raw = table("arches")
    for a in arch.all_arches():
        assert set(raw[a.name]) >= REQUIRED, a.name
        assert a.bits in (32, 64)


def test_every_spelling_names_exactly_one_arch():
    seen: dict[str, str] = {}
    for a in arch.all_arches():
        for spelling in (a.name, *a.aliases):
            assert seen.setdefault(spelling.lower(), a.name) == a.name, spelling


@pytest.mark.parametrize("a", arch.all_arches(), ids=lambda a: a.name)
def test_spellings_parse_back_to_their_arch(a):
    for spelling in (*a.rust.values(), *a.marker_machine.values(), *(x for x in [a.msvc, a.sysconfig] if x)):
        assert arch.parse(spelling) == a, spelling
    if a.pe_machine is not None:
        assert arch.from_pe_machine(a.pe_machine) == a
    if a.elf is not None:
        assert arch.from_elf(*a.elf) == a
    if a.macho_cputype is not None:
        assert arch.from_macho_cputype(a.macho_cputype) == a
    if a.compat32:
        assert arch.get(a.compat32).bits == 32


def test_machine_codes_are_unique():
    pe = [a.pe_machine for a in arch.all_arches() if a.pe_machine is not None]
    elf = [a.elf for a in arch.all_arches() if a.elf is not None]
    assert len(pe) == len(set(pe)) and len(elf) == len(set(elf))


def test_platform_facts_from_the_reference():
    # PE machine codes, Rust triples, ELF e_machine, CMake -A (sources in arches.toml): anchors that never drift
    assert arch.from_pe_machine(0xA641).name == "aarch64"  # ARM64EC images load on ARM64
    assert arch.parse("win32").rust["windows"] == "i686-pc-windows-msvc"
    assert arch.parse("armv7l").rust["linux"] == "armv7-unknown-linux-gnueabihf"
    assert arch.parse("ARM64").cmake_platform == "ARM64" and arch.parse("x64").cmake_platform == "x64"


def test_wheel_tag_tables_name_known_arches():
    names = {a.name for a in arch.all_arches()}
    data = table("wheel-tags")
    for entry in data["manylinux"]["legacy"].values():
        assert set(entry["arches"]) <= names
    assert set(data["manylinux"]["oldest_minor"]) <= names
    assert set(data["macos"]["first_version"]) <= names





def test_marker_tables_name_known_arches_and_every_os():
    data = table("markers")
    assert set(data["os"]) == set(arch.OSES)
    for name, spellings in data["uv_machine_families"].items():
        a = arch.get(name)
        assert all(arch.parse(s) == a for s in spellings), name
        assert set(a.marker_machine.values()) <= set(spellings)


def test_package_tables_name_only_known_arches():
    known = {a.name for a in arch.all_arches()}
    assert set(table("system-packages")["cross_c_compiler"]["debian"]) <= known
    for pair in table("system-packages")["cross_c_compiler"]["debian"].values():
        assert len(pair) == 2 and pair[0].startswith("gcc-") and pair[1].startswith("libc6-dev-"), pair


def test_python_end_of_life_dates_are_dated_ordered_and_sourced():
    import datetime

    data = table("python-versions")
    assert all(url.startswith("https://") for url in data["source"])
    rows = sorted(((tuple(int(p) for p in k.split(".")), v) for k, v in data["end_of_life"].items()))
    days = [datetime.date.fromisoformat(v) for _, v in rows]
    assert days == sorted(days), "a newer minor version cannot reach its end of life first"
    assert (3, 9) in dict(rows) and (3, 14) in dict(rows)
