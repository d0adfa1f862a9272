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


PLACEHOLDERS = {"version", "python", "max_python", "fixed_in", "target_arch", "host_arch", "rust_triple"}


def test_titles_and_fixes_use_only_placeholders_the_rules_fill():
    for p in problems():
        texts = [p.title] + [t for f in p.fixes for t in (f.command, f.why)]
        for text in texts:
            assert set(re.findall(r"\{(\w+)\}", text)) <= PLACEHOLDERS, (p.id, text)


def test_a_fix_limited_to_abi3_builds_is_offered_only_there():
    from builddoctor.knowledge import by_id, ranked_fixes

    p = by_id("pyo3.python-too-new")
    plain = [f.command for f in ranked_fixes(p, Context(abi3=False, free_threaded=False))]
    abi3 = [f.command for f in ranked_fixes(p, Context(abi3=True, free_threaded=False))]
    assert "PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1" not in plain and "PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1" in abi3
    assert plain[0] == abi3[0] == "cargo update -p pyo3 --precise 0.22.0"  # the upgrade first, either way
