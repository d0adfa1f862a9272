"""The intended target: spellings, inference from cross-build settings, the target's sysconfig data,
extension suffixes, and the shape readings for emulation (pure: no compiler, no network)."""
from __future__ import annotations

import struct

import pytest
from conftest import MACHINES
from hypothesis import given, settings
from hypothesis import strategies as st

from builddoctor import arch
from builddoctor._data import table
from builddoctor._record import replace
from builddoctor.builder.crossenv import sysconfig_plan, target_vars
from builddoctor.builder.plan import plan_build
from builddoctor.builder.verify import verify_wheel
from builddoctor.check import run_check
from builddoctor.errors import UserError
from builddoctor.facts import CMakeFacts, CrossFacts
from builddoctor.probes.cross import auxv_word_bits, cpuinfo_family, dist_plat_name
from builddoctor.rules import diagnose
from builddoctor.target import derive_target, parse_spelling

SEED = MACHINES / "win-arm64-seed-emulated-x64.json"
LINUX = MACHINES / "linux-x86_64-healthy.json"


@pytest.mark.parametrize(("spelling", "os", "name"), [
    ("aarch64", None, "aarch64"), ("arm64", None, "aarch64"), ("x64", None, "x86_64"), ("AMD64", None, "x86_64"),
    ("win-arm64", "windows", "aarch64"), ("win32", "windows", "x86"), ("win_arm64", "windows", "aarch64"),
    ("aarch64-pc-windows-msvc", "windows", "aarch64"), ("x86_64-apple-darwin", "macos", "x86_64"),
    ("aarch64-unknown-linux-gnu", "linux", "aarch64"), ("i686-unknown-linux-gnu", "linux", "x86"),
    ("manylinux_2_17_aarch64", "linux", "aarch64"), ("manylinux2014_x86_64", "linux", "x86_64"),
    ("musllinux_1_2_x86_64", "linux", "x86_64"), ("linux_armv7l", "linux", "arm"),
    ("linux-aarch64", "linux", "aarch64"),
    ("macosx_11_0_arm64", "macos", "aarch64"), ("macosx-10.9-x86_64", "macos", "x86_64"),
])
def test_every_spelling_the_data_knows_names_one_target(spelling, os, name):
    spelled = parse_spelling(spelling)
    assert spelled is not None and spelled.os == os and spelled.arch == arch.get(name)


def test_universal2_and_musl_and_nonsense():
    assert parse_spelling("universal2").universal2 and parse_spelling("macosx_10_9_universal2").os == "macos"
    assert parse_spelling("musllinux_1_2_aarch64").libc == "musl"
    for bad in ("", "sparc", "x64;calc", "win-arm64 && rm", "a" * 200, "universal2-pc-windows-msvc"):
        assert parse_spelling(bad) is None, bad


def test_an_unknown_target_is_a_one_line_user_error():
    facts = run_check(None, None, str(LINUX)).facts
    with pytest.raises(UserError, match="names no target"):
        derive_target(facts, "sparc64-unknown")


def test_cross_toml_is_consistent_and_sourced():
    data = table("cross")
    names = {a.name for a in arch.all_arches()}
    for name, row in data["linux"].items():
        assert name in names
        assert arch.parse(row["gcc_prefix"].split("-")[0]) == arch.get(name) or name == "x86"
        assert arch.parse(row["multiarch"].split("-")[0]) == arch.get(name)
        # every Linux cross target builddoctor knows has the packages a fix names
        assert len(table("system-packages")["cross_c_compiler"]["debian"][name]) == 2, name
    for name, row in data["settings"].items():
        assert row["strength"] in ("strong", "weak") and row["source"].startswith("https://"), name
        assert row["parse"] in ("platform", "ext_suffix", "none", "archflags", "triple", "arch", "archlist",
                                "plat_name")
    for name, row in data["tools"].items():
        assert row["source"].startswith("https://") and set(row["fix"]) <= set(arch.OSES), name
        assert row.get("ingredient", "c-compiler") in table("system-packages")["packages"], name
    for family in data["cpuinfo"].values():
        assert set(family["arches"]) <= names


def test_inference_needs_one_strong_or_two_agreeing_settings():
    result = run_check(None, None, str(LINUX))
    facts = result.facts
    base = derive_target(facts)
    assert base is not None and not base.cross and base.origin == "interpreter"
    weak = replace(facts, cross=CrossFacts(settings=(("VSCMD_ARG_TGT_ARCH", "arm64"),)))
    assert not derive_target(weak).cross  # a leftover dev-shell variable alone is not a cross build
    strong = replace(facts, cross=CrossFacts(settings=(("_PYTHON_HOST_PLATFORM", "linux-aarch64"),)))
    t = derive_target(strong)
    assert t.cross and t.arch.name == "aarch64" and t.origin == "inferred from _PYTHON_HOST_PLATFORM=linux-aarch64"
    assert t.platform_tag.endswith("_aarch64") and t.ext_suffix.endswith("-aarch64-linux-gnu.so")
    assert t.build is not None and t.build.arch.name == "x86_64"
    assert str(t.tags[0]).endswith("_aarch64")


def test_a_setting_that_disagrees_with_the_intended_target_is_a_finding():
    facts = run_check(None, None, str(LINUX)).facts
    settings = (("_PYTHON_HOST_PLATFORM", "linux-aarch64"),
                ("SETUPTOOLS_EXT_SUFFIX", ".cpython-312-arm-linux-gnueabihf.so"))
    mixed = replace(facts, cross=CrossFacts(settings=settings))
    ids = {f.id: f for f in diagnose(mixed, "aarch64").findings}
    assert ids["target.inconsistent"].facts["variable"] == "SETUPTOOLS_EXT_SUFFIX"
    assert ids["target.inconsistent"].facts["names"] == "arm"


def test_the_targets_sysconfig_data_names_the_target_and_its_compilers():
    plan = sysconfig_plan("x86_64", "aarch64")
    host = {"EXT_SUFFIX": ".cpython-312-x86_64-linux-gnu.so", "SOABI": "cpython-312-x86_64-linux-gnu",
            "MULTIARCH": "x86_64-linux-gnu", "HOST_GNU_TYPE": "x86_64-pc-linux-gnu", "CC": "gcc -pthread",
            "LDSHARED": "gcc -shared -L/opt/py/lib", "CXX": "x86_64-linux-gnu-g++", "AR": "ar",
            "CFLAGS": "-O3 -march=x86-64-v2 -mtune=generic -Wall", "SIZEOF_VOID_P": 8, "prefix": "/opt/py"}
    got = target_vars(host, plan)
    assert got["EXT_SUFFIX"] == ".cpython-312-aarch64-linux-gnu.so"
    assert got["SOABI"] == "cpython-312-aarch64-linux-gnu" and got["MULTIARCH"] == "aarch64-linux-gnu"
    assert got["HOST_GNU_TYPE"] == "aarch64-unknown-linux-gnu"
    assert got["CC"] == "aarch64-linux-gnu-gcc -pthread"
    assert got["LDSHARED"] == "aarch64-linux-gnu-gcc -shared -L/opt/py/lib"
    assert got["CXX"] == "aarch64-linux-gnu-g++" and got["AR"] == "aarch64-linux-gnu-ar"
    assert got["CFLAGS"] == "-O3 -Wall"
    assert got["SIZEOF_VOID_P"] == 8 and got["prefix"] == "/opt/py"
    assert plan.module_name("_sysconfigdata__linux_x86_64-linux-gnu") == "_sysconfigdata__linux_aarch64-linux-gnu"
    assert sysconfig_plan("x86_64", "loongarch64") is None  # no cross data: no plan, never a guess


def test_extension_suffixes_are_checked_against_the_target(tmp_path):
    """A cross-built wheel whose extension is named for the build machine would never be imported."""
    import struct
    import zipfile

    facts = run_check(None, None, str(LINUX)).facts
    t = derive_target(facts, "aarch64")
    assert t is not None and t.ext_suffix.endswith("-aarch64-linux-gnu.so")
    # a minimal 64-bit little-endian ELF shared object header for aarch64 (e_machine 183)
    elf = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 3, 183, 1) + bytes(64 - 24)

    def wheel(member: str):
        path = tmp_path / "pkg-1.0-cp312-cp312-linux_aarch64.whl"
        path.unlink(missing_ok=True)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(member, elf)
        return path

    tags = [tag for tag in t.tags if tag.platform == "linux_aarch64"] or list(t.tags)
    good = verify_wheel(wheel("pkg/mod.cpython-312-aarch64-linux-gnu.so"), t, tags)
    assert not any("mod.cpython-312-aarch64-linux-gnu.so" in p and "import" in p for p in good), good
    bad = verify_wheel(wheel("pkg/mod.cpython-312-x86_64-linux-gnu.so"), t, tags)
    assert any("mod.cpython-312-x86_64-linux-gnu.so" in p for p in bad), bad


def test_cpuinfo_shape_and_auxv_word_size():
    assert cpuinfo_family("processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: fpu sse\n") == "x86"
    assert cpuinfo_family("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n") == "arm"
    assert cpuinfo_family("") == ""
    assert auxv_word_bits(struct.pack("<6Q", 33, 1 << 40, 16, 0xFF, 6, 4096)) == 64
    assert auxv_word_bits(struct.pack("<6I", 16, 0x37B0D6, 6, 4096, 17, 100)) == 32
    assert auxv_word_bits(b"\xff" * 48) == 0


def test_dist_extra_config_plat_name():
    assert dist_plat_name("[build_ext]\nlibrary_dirs=C:\\x\nplat_name=win-arm64\n") == "win-arm64"
    assert dist_plat_name("not an ini [") == "" and dist_plat_name("") == ""


def test_cmake_generator_platform_without_a_generator_is_reported_and_planned_with_one():
    result = run_check(None, None, str(SEED))
    facts = replace(result.facts, cmake=CMakeFacts(generator_platform="x64"))
    assert "cmake.platform-ignored" in {f.id for f in diagnose(facts).findings}
    # no Visual Studio known: the platform alone would be ignored, so the plan does not pretend
    plan = plan_build(result.facts, result.diagnosis, "cmake", env={"CMAKE_GENERATOR_PLATFORM": "x64"})
    env = {c.name: c for c in plan.env}
    assert env["CMAKE_GENERATOR_PLATFORM"].action == "unset" and "CMAKE_GENERATOR" not in env
    assert any("only with CMAKE_GENERATOR set" in n for n in plan.notes)
    # Visual Studio 2022 known: both, so CMake applies the platform
    vs = run_check(None, None, str(MACHINES / "win-arm64-native-x64-toolset-only.json"))
    env = {c.name: c.value for c in plan_build(vs.facts, vs.diagnosis, "cmake").env}
    assert env["CMAKE_GENERATOR"] == "Visual Studio 17 2022" and env["CMAKE_GENERATOR_PLATFORM"] == "ARM64"


def test_old_setuptools_rust_never_gets_cargo_build_target():
    result = run_check(None, None, str(SEED))
    project = replace(result.facts.project, kind="setuptools-rust", is_rust=True,
                                  requires=("setuptools", "setuptools-rust==0.11.5"))
    facts = replace(result.facts, project=project)
    plan = plan_build(facts, diagnose(facts), "setuptools-rust", env={"CARGO_BUILD_TARGET": "x86_64-pc-windows-msvc"})
    changes = {c.name: c for c in plan.env}
    assert changes["CARGO_BUILD_TARGET"].action == "unset"
    assert any("setuptools-rust>=0.11.6" in n for n in plan.notes)
    new = replace(facts, project=replace(project, requires=("setuptools-rust==1.10.2",)))
    plan = plan_build(new, diagnose(new), "setuptools-rust")
    assert {c.name: c.value for c in plan.env}["CARGO_BUILD_TARGET"] == "x86_64-pc-windows-msvc"


def test_a_cross_gcc_without_its_libc_stops_the_build_in_preflight():
    result = run_check(None, None, str(MACHINES / "linux-x86_64-cross-aarch64.json"))
    assert "cross.libc-missing" not in {f.id for f in result.diagnosis.findings}
    cross = replace(result.facts.cross, libc_found=(("aarch64-linux-gnu-gcc", False),))
    facts = replace(result.facts, cross=cross)
    found = {f.id: f for f in diagnose(facts).findings}
    assert found["cross.libc-missing"].severity == "error"
    assert found["cross.libc-missing"].fixes[0].command == "sudo apt-get install -y libc6-dev-arm64-cross"


def test_emulated_tools_are_named_with_the_native_fix_and_only_msvcs_link_exe_counts():
    from builddoctor.facts import BinaryFacts, ToolBinary
    from builddoctor.rules.cross import binary_rules

    facts = run_check(None, None, str(SEED)).facts  # an ARM64 Windows machine
    msvc = r"C:\Program Files\Microsoft Visual Studio\2022\Community\VC\Tools\MSVC\14.44.35207\bin\Hostx64\x64\link.exe"
    tools = (ToolBinary("link.exe", r"C:\Program Files\Git\usr\bin\link.exe", "pe", ("x86_64",)),
             ToolBinary("link.exe", msvc, "pe", ("x86_64",)),
             ToolBinary("cargo", r"~\.rustup\toolchains\stable-x86_64-pc-windows-msvc\bin\cargo.exe", "pe",
                        ("x86_64",)),
             ToolBinary("uv", r"~\.local\bin\uv.exe", "pe", ("aarch64",)))
    found = binary_rules(replace(facts, binaries=BinaryFacts(tools=tools)), None)
    assert [(f.facts["tool"], f.facts["path"]) for f in found] == [("link.exe", msvc), ("cargo", tools[2].path)]
    assert found[1].fixes[0].command.startswith("rustup set default-host aarch64-pc-windows-msvc")


_SETTING_NAMES = st.sampled_from(sorted(table("cross")["settings"]))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_target_spelling_parses_or_is_none(text):
    spelled = parse_spelling(text)
    assert spelled is None or spelled.universal2 or spelled.arch is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_SETTING_NAMES, st.text(min_size=1, max_size=60)), max_size=5), st.text(max_size=200))
def test_any_cross_settings_give_a_target_never_an_exception(pairs, plat_cfg):
    facts = run_check(None, None, str(LINUX)).facts
    odd = replace(facts, cross=CrossFacts(settings=tuple(pairs), plat_name=dist_plat_name(plat_cfg)))
    target = derive_target(odd)
    assert target is not None and (target.os == "linux" or target.cross)


def test_a_setuptools_project_running_cmake_needs_cmake_osx_architectures_for_another_slice():
    result = run_check(None, None, str(MACHINES / "macos-x86_64-cibuildwheel-arm64-cross.json"))
    project = replace(result.facts.project, kind="setuptools-ext", is_rust=False, is_c=True,
                                  requires=("setuptools>=61", "cmake>=3.26"))
    facts = replace(result.facts, project=project)
    found = {f.id: f for f in diagnose(facts).findings}
    assert found["cmake.osx-architectures"].facts["target"] == "arm64"
    plan = plan_build(facts, diagnose(facts), "setuptools-ext")
    assert {c.name: c.value for c in plan.env}["CMAKE_OSX_ARCHITECTURES"] == "arm64"
    with_it = replace(facts, cmake=CMakeFacts(osx_architectures="arm64"))
    assert "cmake.osx-architectures" not in {f.id for f in diagnose(with_it).findings}


def test_windows_cross_c_build_without_the_targets_import_library_is_an_error():
    result = run_check(None, None, str(SEED))
    project = replace(result.facts.project, kind="setuptools-ext", is_rust=False, is_c=True)
    facts = replace(result.facts, project=project)
    found = {f.id: f for f in diagnose(facts, "win-arm64").findings}
    assert found["cross.import-lib"].severity == "error"
    assert found["cross.import-lib"].fixes[0].command == "uv python install cpython-3.13-windows-aarch64-none"
    given = replace(facts, cross=CrossFacts(pyo3=(("PYO3_CROSS_LIB_DIR", r"C:\py-arm64\libs"),)))
    assert "cross.import-lib" not in {f.id for f in diagnose(given, "win-arm64").findings}
