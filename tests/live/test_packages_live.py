"""Every Debian package name a fix can print exists (checked with this machine's apt-cache)."""
from __future__ import annotations

import platform
import shutil
import subprocess

import pytest

from builddoctor import arch
from builddoctor._data import table

pytestmark = pytest.mark.live


def _debian_names() -> list[str]:
    apt = table("packages")["apt"]
    names = list(apt["c_compiler"])
    host = arch.parse(platform.machine())
    for target, pair in apt["cross_c_compiler"].items():
        if host is None or target != host.name:  # the host's own "cross" gcc is a virtual package there
            names += pair
    names.append(apt["python_headers"].format(major=3, minor=11))
    return sorted(set(names))


@pytest.mark.parametrize("name", _debian_names())
def test_debian_package_exists(name):
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache on this machine")
    done = subprocess.run(["apt-cache", "show", name], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and "No packages found" not in done.stderr + done.stdout:
        pytest.skip(f"apt-cache cannot answer here ({done.stderr.strip()[:80]}); run apt-get update")
    assert done.returncode == 0 and f"Package: {name}" in done.stdout, f"{name}: {done.stderr.strip()}"
