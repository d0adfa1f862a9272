"""toolchains/known-problems.toml: schema, version ranges, sources, and matching."""
from __future__ import annotations

import re

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from builddoctor import arch
from builddoctor._data import table
from builddoctor.knowledge import Context, applicable, holds, match_log_line, problems, tools

WHEN_KEYS = {"os", "host_arch", "target_arch", "emulated", "python", "implementation", "free_threaded", "abi3",
             "abi3_versioned", "env", "tools"}
FIELDS = {"id", "tool", "affected", "fixed_in", "when", "symptoms", "title", "cause", "fixes", "source", "severity",
          "log_only", "contradicts"}
ARCHES = {a.name for a in arch.all_arches()}


def test_every_entry_has_the_schema():
    raw = table("known-problems")
    ids = set()
    for p in raw["problem"]:
        assert set(p) <= FIELDS, set(p) - FIELDS
        assert {"id", "tool", "title", "cause", "source"} <= set(p), p.get("id")
        assert p["id"] not in ids, p["id"]
        ids.add(p["id"])
        assert re.fullmatch(r"[a-z0-9-]+\.[a-z0-9.-]+", p["id"]), p["id"]
        assert p["tool"] in raw["tools"], p["id"]
        assert p["id"].split(".")[0] == p["tool"] or p["tool"] in p["id"], p["id"]
        assert p.get("severity", "error") in ("error", "warning")
        assert set(p.get("when", {})) <= WHEN_KEYS, p["id"]
        for key in ("host_arch", "target_arch"):
            assert set(p.get("when", {}).get(key, [])) <= ARCHES, p["id"]
        assert set(p.get("when", {}).get("os", [])) <= {"windows", "linux", "macos"}, p["id"]
        # the upgrade is spelled by ranked_fixes() from fixed_in; without a fixed version a workaround is a must
        assert p.get("fixes") or p.get("fixed_in"), p["id"]
        for f in p.get("fixes", []):
            assert {"command", "why"} <= set(f) <= {"command", "why", "when"} and f["command"], p["id"]
            assert set(f.get("when", {})) <= WHEN_KEYS, p["id"]
        assert isinstance(p.get("log_only", False), bool), p["id"]
        assert set(p.get("contradicts", [])) <= {"msvc.ok", "rust.ok"}, p["id"]


def test_version_ranges_parse_and_fixed_in_is_outside_them():
    for p in problems():
        spec = SpecifierSet(p.affected)
        if p.fixed_in:
            assert Version(p.fixed_in) not in spec, p.id
        if "python" in p.when:
            SpecifierSet(p.when["python"])
        for spec_text in p.when.get("tools", {}).values():
            SpecifierSet(spec_text)


def test_every_source_is_a_url():
    for p in problems():
        assert p.source, p.id
        for url in p.source:
            assert re.fullmatch(r"https://[^\s]+", url), (p.id, url)


def test_tools_have_a_known_kind():
    for name, tool in tools().items():
        assert tool["kind"] in ("python", "crate", "rust-toolchain", "system", "frontend"), name


def test_pyo3_too_old_for_python_313_applies_and_a_fixed_version_does_not():
    plain = {"implementation": "cpython", "abi3": False, "abi3_versioned": False}
    ctx = Context(python="3.13.0", tools={"pyo3": "0.20.3"}, **plain)  # type: ignore[arg-type]
    assert "pyo3.python-too-new" in {p.id for p, _ in applicable(ctx)}
    fixed = Context(python="3.13.0", tools={"pyo3": "0.22.0"}, **plain)  # type: ignore[arg-type]
    assert "pyo3.python-too-new" not in {p.id for p, _ in applicable(fixed)}
    older_python = Context(python="3.12.1", tools={"pyo3": "0.20.3"}, **plain)  # type: ignore[arg-type]
    assert "pyo3.python-too-new" not in {p.id for p, _ in applicable(older_python)}


@pytest.mark.parametrize("ctx", [Context(), Context(python="garbage", tools={"pyo3": "x.y"})])
def test_unknown_facts_never_satisfy_a_condition(ctx):
    for p in problems():
        if p.when:
            assert not holds(p, ctx), p.id


def test_a_log_line_names_the_problem():
    line = ("error: the configured Python interpreter version (3.13) is newer than PyO3's maximum supported "
            "version (3.12)")
    assert [p.id for p in match_log_line(line)] == ["pyo3.python-too-new"]
