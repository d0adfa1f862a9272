"""Every Debian package name a fix can print (toolchains/system-packages.toml) exists (checked with this
machine's apt-cache)."""
from __future__ import annotations

import platform
import shutil
import subprocess

import pytest

from builddoctor import arch
from builddoctor._data import table

pytestmark = pytest.mark.live


def _debian_names() -> list[str]:
    data = table("system-packages")
    # python{minor}-dev is checked as python3-dev (unversioned) and python3.11-dev (Debian 12's)
    names = [n for e in data["packages"].values() if "debian" in e for n in
             {e["debian"].replace("{minor}", "3"), e["debian"].replace("{minor}", "3.11")}]
    host = arch.parse(platform.machine())
    for target, pair in data["cross_c_compiler"]["debian"].items():
        if host is None or target != host.name:  # the host's own "cross" gcc is a virtual package there
            names += pair
    return sorted(set(names))


@pytest.mark.parametrize("name", _debian_names())
def test_debian_package_exists(name):
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache on this machine")
    done = subprocess.run(["apt-cache", "show", name], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and "No packages found" not in done.stderr + done.stdout:
        pytest.skip(f"apt-cache cannot answer here ({done.stderr.strip()[:80]}); run apt-get update")
    assert done.returncode == 0 and f"Package: {name}" in done.stdout, f"{name}: {done.stderr.strip()}"
