"""The failure-class rules on facts built in the test (pure: no machine, no process)."""
from __future__ import annotations

from builddoctor._record import replace
from builddoctor.facts import (
    BuildTool,
    CrateFacts,
    Facts,
    HostFacts,
    InterpreterFacts,
    PathFacts,
    PathProgram,
    ProjectFacts,
    RustFacts,
    ToolchainFacts,
    WheelFacts,
    WheelVerdict,
)
from builddoctor.rules import diagnose
from builddoctor.rules.deps import classify
from builddoctor.target import interpreter_target


def interp(os: str = "linux", version: str = "3.13.1", **kw) -> InterpreterFacts:
    plat = {"linux": "linux-x86_64", "windows": "win-amd64", "macos": "macosx-11.0-arm64"}[os]
    arch = "aarch64" if os == "macos" else "x86_64"
    base = dict(requested="x", executable="/py", version=version, implementation="cpython", platform=plat,
                exe_format={"linux": "elf", "windows": "pe", "macos": "macho"}[os], exe_arches=(arch,),
                pointer_bits=64, libc=("glibc", "2.36") if os == "linux" else None, has_headers=True,
                include_dir="/inc", import_lib="C:\\py\\libs\\python313.lib" if os == "windows" else "",
                markers={"platform_machine": "x86_64" if arch == "x86_64" else "arm64"})
    base.update(kw)
    return InterpreterFacts(**base)  # type: ignore[arg-type]


def facts(i: InterpreterFacts, os: str = "linux", **kw) -> Facts:
    return Facts(os=os, interpreter=i, host=HostFacts(os, i.exe_arches[0], "test"), rust=RustFacts(),
                 project=kw.pop("project", None), **kw)


def ids(f: Facts) -> dict[str, object]:
    return {x.id: x for x in diagnose(f).findings}


def project(kind: str = "maturin", **kw) -> ProjectFacts:
    return ProjectFacts(path="/p", kind=kind, is_rust=kind == "maturin", is_c=kind == "setuptools-ext",
                        has_pyproject=True, **kw)


# -- free-threading -------------------------------------------------------------------------------------

def test_old_pyo3_on_a_free_threaded_python_is_an_error_with_the_upgrade():
    i = interp(free_threaded=True, soabi="cpython-313t-x86_64-linux-gnu")
    f = facts(i, project=project(), crates=CrateFacts(locked=(("pyo3", "0.22.6"),)))
    found = ids(f)["freethreaded.pyo3-old"]
    assert found.severity == "error" and "0.23.0" in found.title
    assert found.fixes[0].command.startswith('in Cargo.toml: pyo3 = "0.23"')
    ok = facts(i, project=project(), crates=CrateFacts(locked=(("pyo3", "0.23.3"),)))
    assert "freethreaded.pyo3-old" not in ids(ok)


def test_windows_free_threaded_needs_its_own_import_library_and_a_setuptools_that_defines_the_macro():
    i = interp("windows", free_threaded=True, soabi="cp313t-win_amd64",
               import_lib="C:\\py\\libs\\python313.lib")
    proj = project("setuptools-ext", backend="setuptools.build_meta", requires=("setuptools<75",))
    got = ids(facts(i, "windows", project=proj))
    assert got["freethreaded.import-lib"].severity == "error"
    assert got["freethreaded.setuptools-old"].fixes[0].command.endswith('"setuptools>=75.8.0"')
    good = replace(i, import_lib="C:\\py\\libs\\python313t.lib")
    proj_ok = replace(proj, requires=("setuptools>=61",))
    assert not [k for k in ids(facts(good, "windows", project=proj_ok)) if k.startswith("freethreaded.")]


def test_gil_python_with_abi3_is_fine():
    f = facts(interp(), project=project(), crates=CrateFacts(pyo3_features=("abi3-py39",)))
    assert not [k for k in ids(f) if k.startswith("freethreaded.")]


# -- libc -------------------------------------------------------------------------------------------------

def test_old_glibc_is_named_with_the_floor():
    f = facts(interp(libc=("glibc", "2.17")), path=PathFacts(entries=("/usr/bin",)))
    assert "libc.glibc-old" in ids(f)
    assert "libc.glibc-old" not in ids(facts(interp(), path=PathFacts(entries=("/usr/bin",))))


def test_musl_with_a_compiler_is_only_a_note():
    path = PathFacts(entries=("/usr/bin",), programs=(PathProgram("gcc", ("/usr/bin/gcc",)),))
    got = ids(facts(interp(libc=("musl", "1.2.5")), path=path))
    assert got["libc.musl"].severity == "ok" and "libc.musl-no-compiler" not in got


# -- sysconfig tools ------------------------------------------------------------------------------------

def test_missing_g_plus_plus_alone_is_not_reported():
    tools = (BuildTool("CC", "gcc", "gcc", "/usr/bin/gcc"), BuildTool("CXX", "g++", "g++", None))
    f = facts(interp(), toolchain=ToolchainFacts(tools=tools))
    assert "toolchain.sysconfig-tool-missing" not in ids(f)


def test_cc_from_the_environment_is_what_must_exist():
    tools = (BuildTool("CC", "clang-19", "clang-19", None, from_env=True),)
    f = facts(interp(), toolchain=ToolchainFacts(tools=tools, distro="fedora"),
              path=PathFacts(entries=("/usr/bin",), programs=(PathProgram("cc", ("/usr/bin/cc",)),)))
    found = ids(f)["toolchain.sysconfig-tool-missing"]
    assert "(from the environment)" in found.title
    assert [x.command for x in found.fixes] == ["export CC=cc", "sudo dnf install -y clang"]


# -- wheel or build: the cause -------------------------------------------------------------------------

def verdict(*tags: str, **kw) -> WheelVerdict:
    return WheelVerdict("pkg", "1.0", "sdist", kw.pop("code", "no-wheel-for-tag"), "r", tuple(tags), **kw)


def cause(i: InterpreterFacts, v: WheelVerdict, os: str = "linux") -> str:
    f = facts(i, os)
    target = interpreter_target(i)
    assert target is not None
    return classify(v, f, target)


def test_causes_are_told_apart():
    assert cause(interp(libc=("musl", "1.2.5")), verdict("cp313-cp313-manylinux_2_17_x86_64")) == "libc-family"
    assert cause(interp(libc=("glibc", "2.17")), verdict("cp313-cp313-manylinux_2_28_x86_64")) == "libc-version"
    assert cause(interp(), verdict("cp313-cp313-manylinux_2_17_aarch64")) == "arch"
    assert cause(interp(), verdict("cp313-cp313-win_amd64")) == "platform"
    assert cause(interp(version="3.14.0"), verdict("cp313-cp313-manylinux_2_17_x86_64")) == "python-too-new"
    ft = interp(free_threaded=True, soabi="cpython-313t-x86_64-linux-gnu")
    assert cause(ft, verdict("cp313-cp313-manylinux_2_17_x86_64")) == "free-threaded"
    assert cause(interp(), verdict("cp313-cp313-manylinux_2_17_x86_64", code="no-binary")) == "no-binary"
    assert cause(interp(), verdict(host_cpu_trap=True)) == "markers"
    assert cause(interp("macos"), verdict("cp313-cp313-macosx_15_0_arm64"), "macos") == "macos-floor"


def test_index_verdicts_become_findings_with_the_cause():
    i = interp(version="3.14.0")
    wheels = WheelFacts(index="http://x", verdicts=(verdict("cp313-cp313-manylinux_2_17_x86_64"),))
    found = ids(facts(i, wheels=wheels))["deps.build-from-source"]
    assert found.facts["cause"] == "python-too-new" and "uv python pin 3.13" in [x.command for x in found.fixes]


def test_windows_sys_crates_are_pointed_at_vcpkg_not_pkg_config():
    from builddoctor.facts import NativeLib, NativeLibFacts

    libs = NativeLibFacts(needed=True, libs=(NativeLib("openssl", "Cargo.lock openssl-sys 0.9.103", "openssl"),))
    got = ids(facts(interp("windows"), "windows", project=project(), native_libs=libs))
    f = got["native.library-missing"]
    assert "OPENSSL_DIR or VCPKG_ROOT" in f.title and "pkg-config" not in f.title
    assert f.fixes[0].command == 'C:\\vcpkg\\vcpkg install openssl:x64-windows-static-md; $env:VCPKG_ROOT = "C:\\vcpkg"'
    with_root = NativeLibFacts(needed=True, env={"VCPKG_ROOT": "C:\\vcpkg"}, libs=libs.libs)
    assert "native.library-missing" not in ids(facts(interp("windows"), "windows", project=project(),
                                                      native_libs=with_root))


def test_a_windows_sdk_without_the_targets_libraries_is_named():
    from builddoctor.facts import MsvcFacts, VsInstall, WindowsSdk

    install = VsInstall(path="C:\\BT", version="17.14.36310.24", product="Microsoft.VisualStudio.Product.BuildTools",
                        packages_listed=True,
                        components=("Microsoft.VisualStudio.Component.Windows11SDK.22621",))
    arm = interp("windows", exe_arches=("aarch64",), platform="win-arm64", markers={"platform_machine": "ARM64"})
    sdk = ToolchainFacts(sdk_root="C:\\Kits\\10", sdks=(WindowsSdk("10.0.22621.0", ("x64", "x86"), ("x64", "x86")),))
    f = ids(facts(arm, "windows", project=project(), toolchain=sdk, msvc=MsvcFacts(True, installs=(install,))))
    found = f["toolchain.windows-sdk-missing"]
    assert "arm64" in found.title and "10.0.22621.0" in found.title
    assert "--add Microsoft.VisualStudio.Component.Windows11SDK.26100" in found.fixes[0].command
    x64 = interp("windows")
    ok = ids(facts(x64, "windows", project=project(), toolchain=sdk, msvc=MsvcFacts(True, installs=(install,))))
    assert "toolchain.windows-sdk-missing" not in ok
