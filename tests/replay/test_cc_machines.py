"""Recorded Windows machines for C/C++, Visual Studio and CMake: check's findings and devshell's scripts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import MACHINES

import builddoctor.rules
from builddoctor.check import run_check, to_json
from builddoctor.devshell import run_devshell
from builddoctor.errors import UserError
from builddoctor.machine import ReplayMachine
from builddoctor.report import lines

SETUP = r'"C:\Program Files (x86)\Microsoft Visual Studio\Installer\setup.exe"'
COMMUNITY = r"C:\Program Files\Microsoft Visual Studio\2022\Community"


def check(name: str) -> tuple[dict, dict[str, dict], str]:
    result = run_check(None, None, replay=str(MACHINES / f"{name}.json"))
    doc = to_json(result)
    text = "\n".join(t for _, t in lines(result))
    return doc, {f["id"]: f for f in doc["findings"]}, text


def commands(finding: dict) -> list[str]:
    return [fix["command"] for fix in finding["fixes"]]


def rows(text: str) -> dict[str, str]:
    return {line.strip().split("  ")[0]: line for line in text.splitlines() if line.startswith("  ")}


def devshell(name: str, fmt: str, arch: str | None = None) -> str:
    rc, text = run_devshell(arch=arch, vs=None, fmt=fmt, command=None, replay=str(MACHINES / f"{name}.json"))
    assert rc == 0
    return text


def test_seed_in_an_arm64_dev_shell_names_the_shell_as_the_cause_of_the_link_failure():
    _, f, text = check("win-arm64-seed-devshell")
    shell = f["msvc.devshell-mismatch"]
    assert shell["severity"] == "error"
    assert shell["title"].startswith("this is a Visual Studio dev shell for arm64 (VSCMD_ARG_TGT_ARCH) but this "
                                     "Python is x86_64")
    assert "fail to link against the x86_64 python313.lib" in shell["title"]
    assert shell["facts"]["cl_arch"] == "aarch64"
    assert commands(shell)[:3] == ["uv venv --python cpython-3.13-windows-aarch64-none", "builddoctor build .",
                                   "builddoctor devshell --arch x64 --format powershell | Out-String | "
                                   "Invoke-Expression"]
    assert f'call "{COMMUNITY}\\VC\\Auxiliary\\Build\\vcvarsall.bat" arm64_amd64' in commands(shell)
    assert {"markers.host-cpu", "rust.target-missing", "host.emulated"} <= set(f)
    assert "MISMATCH" in rows(text)["dev shell"] and "arm64 (host arm64)" in rows(text)["dev shell"]
    assert "cl -> ARM64" in rows(text)["cl on PATH"]
    assert "msvc.cl-mismatch" not in f  # one cause, named once


def test_seed_devshell_replay_gives_an_x64_shell_without_the_arm64_leftovers():
    text = devshell("win-arm64-seed-devshell", "cmd")
    assert text.splitlines()[0].startswith("@rem builddoctor devshell: target x64, host arm64 (vcvarsall.bat "
                                           "arm64_amd64, Visual Studio 17.14.9")
    lib = next(line for line in text.splitlines() if line.startswith('set "LIB='))
    assert "\\lib\\x64" in lib and "arm64" not in lib
    path = next(line for line in text.splitlines() if line.startswith('set "Path='))
    assert path.startswith(f'set "Path={COMMUNITY}\\VC\\Tools\\MSVC\\14.44.35207\\bin\\HostARM64\\x64;')
    assert "HostARM64\\arm64\\cl" not in path
    assert 'set "VSCMD_ARG_TGT_ARCH=x64"' in text.splitlines()


def test_arm64_python_with_only_the_x64_toolset_gets_the_installer_command():
    _, f, _ = check("win-arm64-native-x64-toolset-only")
    missing = f["msvc.toolset-missing"]
    assert missing["severity"] == "error"
    assert "MSVC ARM64 build tools are not installed" in missing["title"] and "aarch64" in missing["title"]
    assert commands(missing) == [f'{SETUP} modify --installPath "{COMMUNITY}" --add '
                                 "Microsoft.VisualStudio.Component.VC.Tools.ARM64 --passive"]
    assert "cc.no-compiler" not in f and "msvc.ok" not in f


def test_ring_on_arm64_without_clang():
    _, f, _ = check("win-arm64-ring-no-clang")
    clang = f["cc.clang-missing"]
    assert clang["severity"] == "error"
    assert "ring 0.17.14 needs clang to build for aarch64-pc-windows-msvc" in clang["title"]
    assert commands(clang) == [
        f'{SETUP} modify --installPath "{COMMUNITY}" --add Microsoft.VisualStudio.Component.VC.Llvm.Clang --passive',
        f'$env:PATH = "{COMMUNITY}\\VC\\Tools\\Llvm\\ARM64\\bin;" + $env:PATH',
    ]
    assert f["msvc.ok"]["severity"] == "ok"  # the ARM64 tools are there; only clang is missing


def test_invalid_vswhere_json_is_unknown_not_missing():
    _, f, text = check("win-vswhere-invalid-json")
    assert f["msvc.vswhere-unparseable"]["severity"] == "warning"
    assert "unknown (not missing)" in f["msvc.vswhere-unparseable"]["title"]
    assert not {"cc.no-compiler", "msvc.toolset-missing"} & set(f)
    assert rows(text)["Visual Studio"].rstrip().endswith("?")
    assert "cmake 3.31.6 (pe x86_64)" in rows(text)["cmake binary"]
    with pytest.raises(UserError, match="cannot list Visual Studio installations: vswhere printed something"):
        devshell("win-vswhere-invalid-json", "cmd")


def test_vcvarsall_error_line_with_exit_0():
    _, f, _ = check("win-vcvarsall-error")
    broken = f["msvc.toolset-broken"]
    assert "default MSVC toolset 14.44.35207" in broken["title"]
    assert commands(broken) == [f'{SETUP} repair --installPath "C:\\Program Files\\Microsoft Visual Studio\\2022\\'
                                'Professional" --passive']
    with pytest.raises(UserError) as err:
        devshell("win-vcvarsall-error", "powershell")
    assert err.value.exit_code == 1
    assert err.value.message.endswith("failed (exit 0): [ERROR:vcvars.bat] Version '14.44.35207' is not valid; "
                                      "directory does not exist")


BT = r"C:\Program Files (x86)\Microsoft Visual Studio\2022\BuildTools"


def test_build_tools_only_are_found():
    doc, f, _ = check("win-buildtools-only")
    assert f["msvc.ok"]["title"].startswith(f"Build Tools 2022 (17.14.9) at {BT} has the MSVC compilers for x86_64")
    assert "-products *" in f["msvc.ok"]["title"]
    assert not any(x["severity"] == "error" for x in doc["findings"])


@pytest.mark.parametrize(("fmt", "line"), [
    ("cmd", f'set "INCLUDE={BT}\\VC\\Tools\\MSVC\\14.44.35207\\include;{BT}\\VC\\Auxiliary\\VS\\include;'),
    ("powershell", f"$env:INCLUDE = '{BT}\\VC\\Tools\\MSVC\\14.44.35207\\include;"),
    ("bash", f"export INCLUDE='{BT}\\VC\\Tools\\MSVC\\14.44.35207\\include;"),
])
def test_build_tools_devshell_scripts(fmt, line):
    text = devshell("win-buildtools-only", fmt)
    assert any(x.startswith(line) for x in text.splitlines()), text
    assert "TEMP" not in text and "ComSpec" not in text  # only what vcvarsall changed


def test_build_tools_devshell_json():
    doc = json.loads(devshell("win-buildtools-only", "json"))
    assert (doc["schema"], doc["arch"], doc["host"], doc["spec"]) == ("builddoctor.devshell/1", "x64", "x64", "amd64")
    assert doc["vcvarsall"] == BT + r"\VC\Auxiliary\Build\vcvarsall.bat"
    assert doc["set"]["LIB"].split(";")[0] == BT + r"\VC\Tools\MSVC\14.44.35207\lib\x64"
    assert doc["set"]["VSCMD_ARG_TGT_ARCH"] == "x64"


ODD = r"D:\Outils d'équipe (x86)\Microsoft Visual Studio\2022\Community"


def test_non_ascii_user_and_vs_path():
    _, f, _ = check("win-nonascii-user-x86-path")
    assert f["host.home-non-ascii"]["severity"] == "warning"
    assert f"at {ODD} has the MSVC compilers for x86_64" in f["msvc.ok"]["title"]


def test_non_ascii_cmd_script_runs_in_utf8_and_restores_the_code_page():
    lines = devshell("win-nonascii-user-x86-path", "cmd").splitlines()
    assert f'set "VCINSTALLDIR={ODD}\\VC\\"' in lines
    assert lines.index("@chcp 65001 >nul") < lines.index(f'set "VCINSTALLDIR={ODD}\\VC\\"')
    assert lines[-2:] == ["@chcp %BUILDDOCTOR_CP% >nul", '@set "BUILDDOCTOR_CP="']


def test_non_ascii_powershell_script_is_ascii_only():
    text = devshell("win-nonascii-user-x86-path", "powershell")
    assert text.isascii()  # PowerShell reads a pipe in the console code page
    assert ('$env:VCINSTALLDIR = "D:\\Outils d\'$([char]0x00E9)quipe (x86)\\Microsoft Visual Studio\\2022\\'
            'Community\\VC\\"') in text.splitlines()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_non_ascii_bash_script_gives_back_every_character():
    text = devshell("win-nonascii-user-x86-path", "bash")
    assert text.isascii()
    out = subprocess.run(["bash", "-c", text + 'printf %s "$VCINSTALLDIR"'], capture_output=True, timeout=30,
                         env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "")}, check=True).stdout
    assert out.decode("utf-8") == ODD + "\\VC\\"


def test_devshell_for_an_arch_without_its_tools_says_how_to_add_them():
    with pytest.raises(UserError) as err:
        devshell("win-buildtools-only", "cmd", arch="arm64")
    assert err.value.message == "no Visual Studio installation has the MSVC ARM64 build tools for arm64"
    assert err.value.tip == (f'{SETUP} modify --installPath "{BT}" --add '
                             "Microsoft.VisualStudio.Component.VC.Tools.ARM64 --passive")


@pytest.mark.parametrize("path", sorted(MACHINES.glob("*.json")), ids=lambda p: p.stem)
def test_every_recorded_machine_checks_without_surprises(path):
    result = run_check(None, None, replay=str(path))
    assert result.facts.cc is not None and result.facts.cmake is not None
    assert (result.facts.msvc.applicable) == (result.facts.os == "windows")


# --- scripted machines: one probe or rule at the seam ----------------------------------------------

def scripted(os: str, env: dict[str, str], **reads: object) -> ReplayMachine:
    return ReplayMachine({"os": os, "reads": {"env": env, **{k.replace("__", " "): v for k, v in reads.items()}}})


def ran(stdout: str = "", stderr: str = "", rc: int = 0) -> dict:
    return {"argv": [], "returncode": rc, "stdout": stdout, "stderr": stderr, "error": None}


CL = r"C:\VS\VC\Tools\MSVC\14.44.35207\bin\Hostx64\arm64\cl.exe"


@pytest.mark.parametrize(("banner", "target", "version"), [
    ("Microsoft (R) C/C++ Optimizing Compiler Version 19.44.35207 for ARM64", "ARM64", "19.44.35207"),
    ("Microsoft (R) C/C++-Optimierungscompiler Version 19.44.35207 für x64", "x64", "19.44.35207"),
    ("Microsoft(R) C/C++ 最適化コンパイラ Version 19.29.30133 for x86", "x86", "19.29.30133"),
    # the Japanese banner in cp932, read as cp1252
    ("Microsoft(R) C/C++ \x8dÅ\x93K\x89»ƒRƒ“ƒpƒCƒ‰ Version 19.29.30133 for x64", "x64", "19.29.30133"),
])
def test_cl_banner_is_read_by_numbers_and_arch_words_only(banner, target, version):
    from builddoctor.probes.cc import probe_compiler

    m = scripted("windows", {}, **{f"run {json.dumps([CL])}": ran(stderr=banner + "\r\nCopyright (C) Microsoft\r\n")})
    c = probe_compiler(m, "PATH", CL)
    assert (c.kind, c.target, c.version, c.error) == ("msvc", target, version, "")


def _facts(machine: ReplayMachine, project: str | None = None):
    from builddoctor.probes import probe_all

    return probe_all(machine, None, project)


def test_path_hygiene_on_windows():
    from builddoctor.rules import diagnose

    path = ";".join([r"C:\Windows\system32", "", r'"C:\Program Files (x86)\Tools"', r"C:\Windows\system32"] * 900)
    found = {f.id: f for f in diagnose(_facts(scripted("windows", {"PATH": path}))).findings}
    assert found["path.too-long"].title.startswith("PATH is over 8191 characters (3600 entries, 2698 repeated)")
    assert found["path.empty-entry"].title.startswith("PATH has 900 empty or relative entries")
    assert found["path.quoted-entry"].title.startswith('PATH entry "C:\\Program Files (x86)\\Tools" is written')
    assert found["path.quoted-entry"].fixes[0].command.startswith("$env:PATH = (($env:PATH -split ';'")


VSWHERE = r"C:\Program Files (x86)\Microsoft Visual Studio\Installer\vswhere.exe"
VSWHERE_RUN = "run " + json.dumps([VSWHERE, "-products", "*", "-prerelease", "-include", "packages", "-format",
                                   "json", "-utf8"])


@pytest.mark.parametrize(("stdout", "state", "count"), [("[]\r\n", "ok", 0), ("", "unparseable", 0),
                                                         ("\x93\x8c\x8b\x9e", "unparseable", 0)])
def test_vswhere_output_is_data_never_a_crash(stdout, state, count):
    from builddoctor.probes.msvc import probe_msvc

    m = scripted("windows", {"ProgramFiles(x86)": r"C:\Program Files (x86)"},
                 **{f"is_file {VSWHERE}": True, VSWHERE_RUN: ran(stdout)})
    facts = probe_msvc(m)
    assert (facts.vswhere_state, len(facts.installs)) == (state, count)


def test_no_vswhere_and_a_c_project_means_no_compiler_with_the_build_tools_command():
    _, f, _ = check("win-arm64-native-x64-toolset-only")
    assert "cc.no-compiler" not in f
    from builddoctor.rules import diagnose

    m = ReplayMachine(json.loads((MACHINES / "win-arm64-native-x64-toolset-only.json").read_text(encoding="utf-8")))
    m._reads = {k: v for k, v in m._reads.items() if "vswhere" not in k}  # an uninstalled Visual Studio Installer
    found = {x.id: x for x in diagnose(_facts(m, r"~\source\hello-c")).findings}
    assert found["cc.no-compiler"].title == ("no C compiler builds for aarch64: no Visual Studio or Build Tools "
                                             "(vswhere.exe is missing)")
    assert found["cc.no-compiler"].fixes[0].command == (
        "winget install --id Microsoft.VisualStudio.2022.BuildTools --override \"--passive --wait --add "
        "Microsoft.VisualStudio.Workload.VCTools --includeRecommended --add "
        "Microsoft.VisualStudio.Component.VC.Tools.ARM64\"")


def test_cmake_that_prints_garbage_has_an_unknown_version():
    from builddoctor.probes.cmake import probe_cmake

    m = scripted("linux", {"PATH": "/usr/bin"}, **{"which cmake": "/usr/bin/cmake",
                                                   'run ["/usr/bin/cmake", "--version"]': ran("\x00\xff garbage")})
    cm = probe_cmake(m)
    assert (cm.version, cm.error) == ("", "exit 0, version unknown")


def test_every_finding_id_has_an_explanation():
    import re
    from pathlib import Path

    from builddoctor.rules.explain_cc import EXPLAIN_CC

    source = (Path(builddoctor.rules.__file__).parent / "cc.py").read_text(encoding="utf-8")
    ids = set(re.findall(r'Finding\(\s*"([a-z]+\.[a-z-]+)"', source)) | {"msvc.vswhere-unparseable",
                                                                         "msvc.vswhere-failed"}
    assert len(ids) >= 15
    assert ids <= set(EXPLAIN_CC), ids - set(EXPLAIN_CC)
