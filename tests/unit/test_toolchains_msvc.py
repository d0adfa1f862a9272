"""toolchains/msvc.toml: vcvarsall spellings, VS component ids and cl.exe folders agree with arches.toml."""
from __future__ import annotations

import re

import pytest

from builddoctor import arch
from builddoctor._data import table

MSVC = table("msvc")
WINDOWS_ARCHES = {a.name for a in arch.all_arches() if a.msvc}


def _target_token(name: str) -> str:
    """How vcvarsall spells a target after the underscore: amd64 for x64, else the MSVC name."""
    return "amd64" if name == "x86_64" else arch.get(name).msvc


def test_vcvars_rows_are_keyed_by_canonical_windows_arches():
    for host, row in MSVC["vcvars"].items():
        assert host in WINDOWS_ARCHES
        assert set(row) <= WINDOWS_ARCHES
        for spelling in row.values():
            assert re.fullmatch(r"[a-z0-9_]+", spelling), spelling


@pytest.mark.parametrize("host", sorted(table("msvc")["vcvars"]))
def test_vcvars_spellings_follow_host_underscore_target(host):
    h = arch.get(host)
    for target, spelling in MSVC["vcvars"][host].items():
        if target == host:
            assert spelling in (h.vcvars_host, h.msvc)
        else:
            assert spelling == f"{h.vcvars_host}_{_target_token(target)}"


def test_platform_facts_spellings_are_present():
    # learn.microsoft.com building-on-the-command-line: x86/x64-hosted pairs and ARM64-hosted ones (VS 17.4+)
    assert MSVC["vcvars"]["x86_64"]["aarch64"] == "amd64_arm64"
    assert MSVC["vcvars"]["x86"]["x86_64"] == "x86_amd64"
    assert MSVC["vcvars"]["aarch64"] == {"aarch64": "arm64", "x86_64": "arm64_amd64", "x86": "arm64_x86"}


def test_every_devshell_arch_has_a_spelling_on_every_host_and_a_cmake_platform():
    for spelling in MSVC["devshell"]["arches"]:
        a = arch.parse(spelling)
        assert a is not None and a.msvc == spelling
        assert a.cmake_platform, spelling  # CMake -A platforms live in arches.toml
        for host in MSVC["vcvars"]:
            assert a.name in MSVC["vcvars"][host], (host, spelling)


def test_component_ids_are_visual_studio_ids_with_labels():
    c = MSVC["components"]
    assert set(c["tools"]) <= WINDOWS_ARCHES
    ids = {*c["tools"].values(), c["clang"], c["clang_toolset"], c["workload"]}
    for component in ids:
        assert component.startswith("Microsoft.VisualStudio."), component
    for component in {*c["tools"].values(), c["clang"], c["clang_toolset"]}:
        assert component in c["labels"], component
    assert c["tools"]["aarch64"] == "Microsoft.VisualStudio.Component.VC.Tools.ARM64"
    assert c["tools"]["x86_64"] == c["tools"]["x86"] == "Microsoft.VisualStudio.Component.VC.Tools.x86.x64"


def test_cl_folders_match_arch_spellings():
    bins = MSVC["cl_bin"]
    for name, folder in bins["targets"].items():
        assert folder == arch.get(name).msvc
    for name, folder in bins["hosts"].items():
        assert name in MSVC["vcvars"] and folder.lower() == "host" + arch.get(name).msvc
    assert set(MSVC["layout"]["llvm_bin"]) == set(bins["hosts"])


def test_installer_and_version_data():
    assert "{component}" in MSVC["installer"]["winget_buildtools"]
    assert {"-products", "*", "-utf8", "json", "packages"} <= set(MSVC["installer"]["vswhere_args"])
    for line, major in MSVC["devshell"]["product_lines"].items():
        assert re.fullmatch(r"20\d\d", line) and major.isdigit()
    assert re.fullmatch(r"\d+\.\d+", MSVC["devshell"]["arm64_hosted_since"])
    for triple in MSVC["cc_rs"]["needs_clang"]:
        assert arch.parse(triple) is not None
