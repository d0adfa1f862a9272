"""devshell: allow-listed arguments, the cmd.exe command line, vcvarsall's failure modes, the scripts."""
from __future__ import annotations

import subprocess

import pytest

from builddoctor import arch, proc
from builddoctor.devshell import (
    DevEnv,
    _cmd_argv,
    capture,
    devshell,
    parse_set,
    render,
    utf16_text,
)
from builddoctor.errors import UserError
from builddoctor.facts import VsInstall
from builddoctor.machine import ReplayMachine
from builddoctor.vcvars import vcvars_spec

VS = r"C:\Program Files (x86)\Microsoft Visual Studio\2022\BuildTools"
VCVARSALL = VS + r"\VC\Auxiliary\Build\vcvarsall.bat"
INSTALL = VsInstall(path=VS, version="17.14.36310.24", vcvarsall=VCVARSALL, display_version="17.14.9")
X64, ARM64 = arch.get("x86_64"), arch.get("aarch64")


class NoRun(ReplayMachine):
    """A machine on which running anything fails the test."""

    def run(self, argv, **kwargs):  # type: ignore[override]
        raise AssertionError(f"spawned {argv!r}")


def machine(os: str = "windows", reads: dict | None = None) -> ReplayMachine:
    return ReplayMachine({"os": os, "reads": {"env": {"SystemRoot": r"C:\Windows"}, **(reads or {})}})


@pytest.mark.parametrize("bad", [{"arch": "x64&calc"}, {"arch": "ARM64"}, {"arch": "amd64 "},
                                 {"vs": "17&calc"}, {"vs": "latest"}, {"fmt": "zsh"}])
def test_bad_arguments_exit_2_before_anything_runs(bad):
    args = {"arch": "x64", "vs": None, "fmt": "cmd", **bad}
    with pytest.raises(UserError) as err:
        devshell(NoRun({"os": "windows", "reads": {}}), command=None, target=None, **args)
    assert err.value.exit_code == 2
    assert repr(next(iter(bad.values()))) in err.value.message


@pytest.mark.parametrize("os", ["linux", "macos"])
def test_other_systems_get_one_line(os):
    with pytest.raises(UserError) as err:
        devshell(NoRun({"os": os, "reads": {}}), arch=None, vs=None, fmt="bash", command=None, target=None)
    assert err.value.message == f"Visual Studio developer shells exist only on Windows; this machine runs {os}"


@pytest.mark.parametrize(("host", "target", "version", "spec"), [
    ("aarch64", "x86_64", "17.14.36310.24", "arm64_amd64"),
    ("aarch64", "aarch64", "17.14.36310.24", "arm64"),
    ("aarch64", "x86", "17.14.36310.24", "arm64_x86"),
    ("x86_64", "aarch64", "17.14.36310.24", "amd64_arm64"),
    ("x86_64", "x86_64", "17.14.36310.24", "amd64"),
    ("aarch64", "aarch64", "16.11.35931.194", "amd64_arm64"),  # no ARM64-hosted compilers before 17.4
])
def test_vcvarsall_spelling_for_the_real_host(host, target, version, spec):
    install = VsInstall(path=VS, version=version, vcvarsall=VCVARSALL)
    got, used_host, notes = vcvars_spec(arch.get(host), arch.get(target), install.version)
    assert got == spec
    assert (used_host.name != host) == bool(notes)


def test_cmd_line_keeps_a_path_with_spaces_and_x86_quoted():
    argv = _cmd_argv(machine(), VCVARSALL, "amd64")
    assert argv[:4] == [r"C:\Windows\System32\cmd.exe", "/d", "/u", "/c"]
    line = subprocess.list2cmdline(argv)  # what CreateProcess receives on Windows
    assert f'&& call "{VCVARSALL}" amd64 && echo' in line
    assert line.count('"') == 2


@pytest.mark.parametrize("path", [r"C:\VS%PATH%\vcvarsall.bat", 'C:\\VS"x\\vcvarsall.bat', r"C:\VS&x\vcvarsall.bat"])
def test_cmd_line_refuses_paths_cmd_would_expand_or_split(path):
    with pytest.raises(UserError):
        _cmd_argv(machine(), path, "amd64")


def test_set_output_splits_on_the_first_equals_only():
    got = parse_set(["CL=/DNAME=value /O2\r", "=C:=C:\\work", "Path=C:\\a;C:\\b", "not a variable"])
    assert got == {"CL": ("CL", "/DNAME=value /O2"), "PATH": ("Path", "C:\\a;C:\\b")}


def test_utf16_output_survives_the_seam():
    # the byte-order mark echoed first makes the shared decoder read cmd /u output as UTF-16
    raw = ("\ufeff \r\nINCLUDE=C:\\Users\\Laura Frølich\\中文\r\n").encode("utf-16-le")
    assert proc.decode(raw).splitlines()[1] == "INCLUDE=C:\\Users\\Laura Frølich\\中文"
    # without it, ASCII-only UTF-16 arrives as UTF-8 with NULs, and is recovered
    assert utf16_text("A=b=c\r\n".encode("utf-16-le").decode("utf-8")) == "A=b=c\r\n"


def _vcvars(stdout: str, rc: int = 0) -> ReplayMachine:
    key = f"run vcvarsall amd64 {VCVARSALL}"
    return machine(reads={key: {"argv": [], "returncode": rc, "stdout": stdout, "stderr": "", "error": None}})


BEFORE = "Path=C:\\Windows\r\nTEMP=C:\\t\r\n"
MARK = "@@BUILDDOCTOR-VCVARS@@\r\n"


def _after(**extra: str) -> str:
    env = {"Path": "C:\\VS\\bin\\HostX64\\x64;C:\\Windows", "TEMP": "C:\\t", "INCLUDE": "C:\\VS\\include",
           "LIB": "C:\\VS\\lib\\x64", "VSCMD_ARG_TGT_ARCH": "x64", **extra}
    return "".join(f"{k}={v}\r\n" for k, v in env.items())


def test_capture_returns_only_what_changed():
    changed, removed = capture(_vcvars(" \r\n" + BEFORE + MARK + MARK + _after()), INSTALL, "amd64", X64)
    assert changed == {"Path": "C:\\VS\\bin\\HostX64\\x64;C:\\Windows", "INCLUDE": "C:\\VS\\include",
                       "LIB": "C:\\VS\\lib\\x64", "VSCMD_ARG_TGT_ARCH": "x64"}
    assert removed == []


@pytest.mark.parametrize(("stdout", "rc", "says"), [
    (" \r\n" + BEFORE + MARK + "[ERROR:vcvarsall.bat] Invalid argument found : amd64\r\n" + MARK + _after(), 0,
     "failed (exit 0): [ERROR:vcvarsall.bat] Invalid argument found : amd64"),
    (" \r\n" + BEFORE + MARK, 1, "failed (exit 1)"),
    (" \r\n" + BEFORE + MARK + MARK + BEFORE, 0, "exited 0 but did not set INCLUDE and LIB"),
    # pyinstaller#8335: the ARM64 toolset is missing, vcvarsall "succeeds" with an x64 shell
    (" \r\n" + BEFORE + MARK + MARK + _after(), 0, "set up x86_64 (cl.exe folder for x86_64), not aarch64"),
])
def test_capture_refuses_every_kind_of_failure(stdout, rc, says):
    target = ARM64 if "not aarch64" in says else X64
    with pytest.raises(UserError) as err:
        capture(_vcvars(stdout, rc), INSTALL, "amd64", target)
    assert err.value.exit_code == 1
    assert says in err.value.message
    assert err.value.tip == f'see its whole output with: call "{VCVARSALL}" amd64'


ENV = DevEnv(X64, X64, "amd64", INSTALL,
             {"INCLUDE": "C:\\VS\\include", "Path": "C:\\VS\\bin;D:\\Outils d'équipe (x86)\\bin",
              "CL": "/DPCT=100%", "ProgramFiles(x86)": "C:\\Program Files (x86)"}, ["Platform"])


def test_cmd_script_is_a_batch_file():
    text = render(ENV, "cmd")
    assert 'set "INCLUDE=C:\\VS\\include"' in text.splitlines()
    assert 'set "CL=/DPCT=100%%"' in text.splitlines()
    assert 'set "Platform="' in text.splitlines()


def test_powershell_script_quotes_single_quotes_and_odd_names():
    lines = render(ENV, "powershell").splitlines()
    assert "$env:INCLUDE = 'C:\\VS\\include'" in lines
    assert "$env:CL = '/DPCT=100%'" in lines
    assert '$env:Path = "C:\\VS\\bin;D:\\Outils d\'$([char]0x00E9)quipe (x86)\\bin"' in lines
    assert "${env:ProgramFiles(x86)} = 'C:\\Program Files (x86)'" in lines
    assert "Remove-Item Env:Platform -ErrorAction SilentlyContinue" in lines


def test_bash_script_converts_path_and_skips_names_bash_cannot_hold():
    lines = render(ENV, "bash").splitlines()
    assert "export INCLUDE='C:\\VS\\include'" in lines
    assert "export PATH=$'/c/VS/bin:/d/Outils d\\'\\xc3\\xa9quipe (x86)/bin'" in lines
    assert "# skipped ProgramFiles(x86): not a valid shell variable name" in lines
    assert "unset Platform" in lines
