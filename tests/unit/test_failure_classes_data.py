"""The data behind the failure-class rules (toolchains/*.toml of issue 13) is consistent, cited, and
the Debian package names exist (asked from apt-cache where apt exists)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
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


def _apt_cache_works() -> bool:
    apt = shutil.which("apt-cache")
    if apt is None:
        return False
    r = subprocess.run([apt, "show", "libc6"], capture_output=True, text=True, timeout=60)
    return r.returncode == 0


@pytest.mark.live  # asks this machine's apt-cache
def test_debian_package_names_exist():
    if not _apt_cache_works():
        pytest.skip("apt-cache is missing or has no package lists (run: apt-get update)")
    # python{minor}-dev is checked as python3-dev, its unversioned name
    names = {entry["debian"].replace("{minor}", "3") for entry in table("system-packages")["packages"].values()}
    r = subprocess.run(["apt-cache", "show", "--no-all-versions", *sorted(names)], capture_output=True, text=True,
                       timeout=120)
    shown = set(re.findall(r"^Package: (\S+)$", r.stdout, re.M))
    assert names <= shown, (names - shown, r.stderr)


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
