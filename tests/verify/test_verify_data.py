"""The data `verify` checks against (toolchains/stable-abi.toml, manylinux-policy.toml, verify.toml) is
well-formed, names its sources, and agrees with the arch table."""
from __future__ import annotations

import re

from builddoctor import arch
from builddoctor._data import table
from builddoctor.verify.core import _policy, _stable_abi, expect_from_tags

SOURCE = re.compile(r"^https://")


def test_stable_abi_names_cpython_and_its_commit():
    data = table("stable-abi")
    assert SOURCE.match(data["source"]) and data["cpython_commit"] in data["source"]
    assert re.fullmatch(r"[0-9a-f]{40}", data["cpython_commit"])
    names = [n for group in data["added"].values() for n in group]
    assert len(names) == len(set(names)), "a symbol listed twice"
    assert all(re.fullmatch(r"_?Py[A-Za-z0-9_]+", n) for n in names)
    versions = sorted(tuple(int(p) for p in v.split(".")) for v in data["added"])
    assert versions[0] == (3, 2) and all(v[0] == 3 for v in versions)


def test_stable_abi_anchors():
    stable = _stable_abi()
    # PEP 384's first set, additions with their versions, and what never was stable
    assert stable["PyArg_ParseTuple"] == stable["_Py_Dealloc"] == stable["_Py_NoneStruct"] == (3, 2)
    assert stable["PyModule_AddType"] == (3, 10) and stable["PyObject_Vectorcall"] == (3, 12)
    assert stable["PyModule_Add"] == (3, 13) and stable["Py_TYPE"] == (3, 14)
    for private in ("PyUnicode_New", "_PyUnicode_Ready", "PyTuple_GET_ITEM", "_PyObject_GetDictPtr"):
        assert private not in stable


def test_manylinux_policies_are_ordered_and_name_known_arches():
    data = table("manylinux-policy")
    assert SOURCE.match(data["source"])
    wheel_arches = {a.wheel["linux"] for a in arch.all_arches() if "linux" in a.wheel}
    for name, policy in data["policy"].items():
        assert re.fullmatch(r"manylinux_2_\d+", name)
        assert "libc.so.6" in policy["lib_whitelist"]
        for key, limits in policy.items():
            if key in ("aliases", "lib_whitelist"):
                continue
            assert key in wheel_arches, key
            assert set(limits) <= {"GLIBCXX", "CXXABI", "GCC"}
    assert _policy((2, 17))["x86_64"]["GLIBCXX"] == "3.4.19"  # CentOS 7's libstdc++
    assert _policy((2, 30)) is _policy((2, 28))  # between policies: the older one holds
    assert _policy((2, 4)) is None


def test_verify_tables_name_sources_and_known_arches():
    data = table("verify")
    for section in ("multiarch", "windows", "libc", "macho", "zip"):
        assert SOURCE.match(data[section]["source"]), section
    dlls = data["windows"]["system_dlls"]
    assert dlls == [d.lower() for d in dlls] and len(dlls) == len(set(dlls))
    assert "msvcp140.dll" not in dlls  # the C++ runtime is not shipped by CPython: it must be bundled
    names = {a.name for a in arch.all_arches()}
    for libc in ("gnu", "musl"):
        assert set(data["multiarch"][libc]) <= names
    for slices in data["macho"]["tag_arches"].values():
        assert set(slices) <= names
    assert data["windows"]["python_dll"].format(major=3, minor=13, flags="t") == "python313t.dll"


def test_tags_become_expectations():
    from packaging.utils import parse_wheel_filename

    def exp(name: str):
        return expect_from_tags(parse_wheel_filename(name)[3])

    e = exp("x-1-cp313-cp313-manylinux2014_x86_64.manylinux_2_28_x86_64.whl")
    assert (e.os, {a.name for a in e.arches}, e.libc, e.glibc) == ("linux", {"x86_64"}, "gnu", (2, 17))
    e = exp("x-1-cp313-cp313-macosx_10_15_x86_64.macosx_11_0_arm64.macosx_10_15_universal2.whl")
    assert {a.name for a in e.arches} == {"x86_64", "aarch64"}
    assert e.macos_floor == {"x86_64": (10, 15), "aarch64": (11, 0)}
    e = exp("x-1-cp37-abi3-win_arm64.whl")
    assert (e.os, {a.name for a in e.arches}, e.windows_platform) == ("windows", {"aarch64"}, "win_arm64")
    assert exp("x-1-py3-none-any.whl").os == "any"
    assert exp("x-1-cp313-cp313-musllinux_1_2_i686.whl").libc == "musl"


def test_every_verify_finding_has_an_explanation():
    from pathlib import Path

    import builddoctor.verify as pkg
    from builddoctor.verify.explain import EXPLAIN_VERIFY

    source = "".join(p.read_text(encoding="utf-8") for p in Path(pkg.__file__).parent.glob("*.py")
                     if p.name != "explain.py")
    ids = set(re.findall(r'"(verify\.[a-z0-9-]+)"', source))
    assert len(ids) > 15
    assert ids == set(EXPLAIN_VERIFY)
