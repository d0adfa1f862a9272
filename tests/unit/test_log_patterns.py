"""toolchains/log-patterns.toml: schema, group vocabulary, sources, and the needles that gate each regex."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from builddoctor._data import table
from builddoctor.knowledge import problems
from builddoctor.logs.reader import read_lines
from builddoctor.logs.scan import literal_needle, normalize, patterns

FIELDS = {"id", "tool", "regex", "set", "source", "needles"}
GROUPS = {
    "py_key", "py_version", "py_impl", "py_exe", "py_arch", "py_platform", "py_tag", "py_import_lib",
    "marker_machine", "rust_target", "rust_host", "rust_toolchain", "rustup_host", "crate", "crate_version", "cc",
    "arch_flag", "cc_target", "msvc_host", "msvc_target", "vc_legacy", "vc_tool", "cl_arch", "msvc_lib", "link_object",
    "link_module", "link_target", "elf_machine", "macho_building", "macho_file", "cmake_generator",
    "cmake_platform", "osx_arches", "meson_cpu", "req_name", "req_version", "backend_module", "package",
    "package_version", "sdist", "build_failed", "built_package", "os_windows", "os_macos", "os_linux",
}
LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "logs"


def test_every_pattern_has_the_schema():
    ids = set()
    for raw in table("log-patterns")["pattern"]:
        assert set(raw) <= FIELDS, set(raw) - FIELDS
        assert {"id", "tool", "regex", "source"} <= set(raw), raw.get("id")
        assert raw["id"] not in ids, raw["id"]
        ids.add(raw["id"])
        assert re.fullmatch(r"https://\S+", raw["source"]), raw["id"]
        assert all(n == n.lower() and len(n) >= 2 for n in raw.get("needles", [])), raw["id"]
    for p in patterns():
        names = set(p.groups) | set(p.set)
        assert names, p.id
        for name in names:
            assert name in GROUPS or name.startswith("tool_"), (p.id, name)


def test_the_file_comments_name_what_each_pattern_matches():
    text = (Path(__file__).resolve().parents[2] / "toolchains" / "log-patterns.toml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^\[\[pattern\]\]$", text)[1:]
    for block in blocks:
        assert block.lstrip("\n").startswith("#"), block[:80]


@pytest.mark.parametrize(("regex", "needle"), [
    (r"TARGET = Some\(", "target = some("),
    (r"Found `(?P<x>a|b)` at", "found `"),
    (r"^a|b$", None),  # a top-level alternative: nothing is required
    (r"colou?r scheme", "r scheme"),  # the optional u makes "colo" not a sure prefix of "r scheme"
    (r"(?i)fatal error LNK1112: x", "fatal error lnk1112: x"),
    (r"x{2,3}yz", None),
])
def test_literal_needle(regex, needle):
    assert literal_needle(regex) == needle


def test_needles_are_in_every_line_their_regex_matches():
    """Run every regex on every fixture line without the gate: a match without its needle would be missed."""
    lines = []
    for path in sorted(LOGS.glob("*.txt")):
        with open(path, "rb") as fh:
            lines += [normalize(line) for line in read_lines(fh)]
    seen = 0
    for p in patterns():
        for line in lines:
            if p.regex.search(line):
                seen += 1
                if p.needles:
                    assert any(n in line.lower() for n in p.needles), (p.id, line)
    assert seen > 50
    for problem in problems():
        for symptom in problem.symptoms:
            needle = literal_needle(symptom.pattern)
            for line in lines:
                if symptom.search(line) and needle:
                    assert needle in line.lower(), (problem.id, line)
