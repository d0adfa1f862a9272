"""The data behind the failure-class rules (toolchains/*.toml of issue 13) is consistent, cited, and
every fix installs packages with one spelling (the Debian names are asked from apt-cache by
tests/live/test_packages_live.py)."""
from __future__ import annotations

import re

from packaging.version import Version

from builddoctor._data import table

FAMILIES = {"debian", "fedora", "alpine", "arch", "homebrew"}


def test_every_family_word_maps_to_a_family_with_an_install_command():
    data = table("system-packages")
    assert set(data["families"].values()) <= FAMILIES
    assert set(data["install"]) == FAMILIES
    assert all("{packages}" in cmd for cmd in data["install"].values())


def test_every_ingredient_names_known_families_and_cites_a_source():
    for name, entry in table("system-packages")["packages"].items():
        assert set(entry) - {"source"} <= FAMILIES, name
        assert entry["source"] and all(u.startswith("https://") for u in entry["source"]), name
        assert "debian" in entry, name  # the family tests can check here


def test_native_libs_reference_packages_and_each_other():
    data = table("native-libs")
    packages = table("system-packages")["packages"]
    keys = {lib["key"] for lib in data["lib"]}
    for lib in data["lib"]:
        assert lib["key"] in packages, lib["key"]
        assert lib["pc"] and lib["source"]
    for crate in data["crate"]:
        assert crate["lib"] in keys
        assert bool(crate.get("vendored_when")) != bool(crate.get("system_when")), crate["name"]
        assert crate["vendored_fix"] and crate["source"]


def test_versions_and_patterns_parse():
    for version in table("rust-minimums")["edition"].values():
        Version(version)
    ft = table("free-threading")
    Version(ft["pyo3_min"])
    Version(ft["setuptools_windows_min"])
    Version(table("libc")["glibc_common_floor"])
    for imp in table("path-shadowing")["impostor"]:
        re.compile(imp["path"])
        re.compile(imp["banner"])
        assert imp["source"]
    assert re.search(table("path-shadowing")["impostor"][0]["path"], r"C:\Program Files\Git\usr\bin\link.exe", re.I)
    assert not re.search(table("path-shadowing")["impostor"][0]["path"],
                         r"C:\Program Files\Microsoft Visual Studio\2022\BuildTools\VC\Tools\MSVC\14.44.35207\bin"
                         r"\Hostx64\x64\link.exe", re.I)
    assert table("toolchain-windows")["sdk_component"].startswith("Microsoft.VisualStudio.Component.Windows")


def test_one_table_and_one_install_spelling_for_every_package_fix():
    """Every install command a fix can print is rendered from system-packages.toml [install]; static
    texts elsewhere in toolchains/ (known problems) spell apt-get the same way, and no rule spells it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert not (root / "toolchains" / "packages.toml").exists()
    spelled = table("system-packages")["install"]["debian"].replace(" {packages}", "")
    assert spelled == "sudo apt-get install -y"
    for toml in sorted((root / "toolchains").glob("*.toml")):
        for m in re.finditer(r"(?:sudo )?apt-get install(?: -y)?", toml.read_text(encoding="utf-8")):
            assert m.group(0) == spelled or toml.name == "system-packages.toml", (toml.name, m.group(0))
    for py in sorted((root / "src" / "builddoctor").rglob("*.py")):
        assert "apt-get install" not in py.read_text(encoding="utf-8"), py.name
    data = table("system-packages")
    assert set(data["cross_c_compiler"]) <= FAMILIES


def test_every_finding_id_of_the_class_rules_has_explain_text():
    from pathlib import Path

    from builddoctor.rules.explain import EXPLAIN
    from builddoctor.rules.explain_classes import EXPLAIN_CLASSES

    rules = Path(__file__).resolve().parents[2] / "src" / "builddoctor" / "rules"
    ids: set[str] = set()
    for name in ("toolchain", "nativelibs", "rustversion", "pathshadow", "freethreading", "libc", "deps"):
        ids |= set(re.findall(r'Finding\(\s*"([a-z0-9.-]+)"', (rules / f"{name}.py").read_text(encoding="utf-8")))
    assert len(ids) >= 15
    assert ids <= set(EXPLAIN) | set(EXPLAIN_CLASSES), ids - set(EXPLAIN) - set(EXPLAIN_CLASSES)
