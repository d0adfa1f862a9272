"""Fuzz the parsers of what other programs print: vswhere's JSON, vcvarsall's `set` dump, rustup/rustc.

Oracle: they return data (a state, a dict, facts) or raise the tool's own UserError; nothing else escapes.
"""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from builddoctor._data import table
from builddoctor.devshell import parse_set, utf16_text
from builddoctor.errors import UserError
from builddoctor.machine import ReplayMachine
from builddoctor.probes.msvc import probe_vs
from builddoctor.probes.rust import probe_rust

VSWHERE = r"C:\Program Files (x86)\Microsoft Visual Studio\Installer\vswhere.exe"
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.sampled_from(["installationPath", "installationVersion", "displayName", "packages", "id", "type",
                         "catalog", "productId", "isComplete", "x"]), c, max_size=5),
    max_leaves=20,
)


def _machine(stdout: str, returncode: int = 0) -> ReplayMachine:
    return ReplayMachine({"schema": "builddoctor.snapshot/1", "os": "windows", "reads": {
        "env": {"ProgramFiles(x86)": r"C:\Program Files (x86)"},
        f"is_file {VSWHERE}": True,
        "run " + json.dumps([VSWHERE, *table("msvc")["installer"]["vswhere_args"]]):
            {"returncode": returncode, "stdout": stdout, "stderr": ""},
    }})


def test_the_fuzzed_machine_reaches_the_parser():
    assert probe_vs(_machine("[]"))[1] == "ok"
    assert probe_vs(_machine("garbage \xff"))[1] == "unparseable"
    assert probe_vs(_machine("[]", returncode=1))[1] == "failed"


@settings(max_examples=300, deadline=None)
@given(stdout=st.text(max_size=400) | json_like.map(json.dumps), rc=st.sampled_from([0, 0, 1]))
def test_vswhere_output_never_crashes(stdout, rc):
    _vswhere, state, detail, _setup, installs = probe_vs(_machine(stdout, rc))
    assert state in {"ok", "missing", "failed", "unparseable"}
    assert "\n" not in detail
    assert all(i.path for i in installs)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(max_size=80), max_size=30))
def test_set_dump_is_split_on_the_first_equals_only(lines):
    parsed = parse_set(lines)
    for key, (name, value) in parsed.items():
        assert key == name.upper() and "=" not in name
        assert f"{name}={value}" in [line.rstrip("\r") for line in lines]


def test_values_with_equals_signs_survive():
    assert parse_set(["CL=/DFOO=1 /DBAR=2", "=C:=C:\\x", "Path=C:\\a;C:\\b"]) == {
        "CL": ("CL", "/DFOO=1 /DBAR=2"), "PATH": ("Path", "C:\\a;C:\\b")}


@given(text=st.text(max_size=200))
def test_utf16_recovery_never_raises(text):
    assert isinstance(utf16_text(text), str)


@settings(max_examples=200, deadline=None)
@given(show=st.text(max_size=200), rustc=st.text(max_size=200) | st.just("host: x86_64-unknown-linux-gnu\n"),
       targets=st.text(max_size=100))
def test_rustup_and_rustc_output_never_crash(show, rustc, targets):
    def ran(out):
        return {"returncode": 0, "stdout": out, "stderr": ""}

    reads = {"env": {}, "which rustup": "/r/rustup", "which rustc": "/r/rustc", "which cargo": "/r/cargo",
             'run ["/r/rustup", "show"]': ran(show), 'run ["/r/rustc", "-vV"]': ran(rustc),
             'run ["/r/rustup", "target", "list", "--installed"]': ran(targets)}
    try:
        facts = probe_rust(ReplayMachine({"schema": "builddoctor.snapshot/1", "os": "linux", "reads": reads}), None)
    except UserError:
        return
    assert "\n" not in facts.rustc_error
    assert all(" " not in t for t in facts.installed_targets or ())
