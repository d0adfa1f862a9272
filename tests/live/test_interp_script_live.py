"""The interpreter probe script (probes/_interp_script.py) imports neither json, re nor platform on
CPython for Linux (issue 16); run inside real CPythons 3.6-3.13, what it prints must be what the
standard library says, field by field: platform's markers, json's quoting, struct's pointer size,
the dist-info versions a regex read before."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import cpython

from builddoctor.probes.interpreter import _payload, _script

pytestmark = pytest.mark.live

# What the script printed before issue 16, computed with the standard library in the same interpreter.
REFERENCE = r"""
import json, platform, re, struct, sys
def versions(names):
    import os
    wanted = {re.sub(r"[-_.]+", "_", n).lower(): n for n in names}
    found = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            m = re.match(r"^([A-Za-z0-9_.\-]+?)-([^-]+?)\.(dist-info|egg-info)$", item)
            if m:
                key = re.sub(r"[-_.]+", "_", m.group(1)).lower()
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = m.group(2)
    return {n: found.get(n) for n in names}
print(json.dumps({
    "markers": {"platform_machine": platform.machine(), "platform_release": platform.release(),
                "platform_system": platform.system(), "platform_version": platform.version(),
                "python_full_version": platform.python_version(),
                "platform_python_implementation": platform.python_implementation(),
                "python_version": ".".join(platform.python_version_tuple()[:2])},
    "version": platform.python_version(),
    "pointer_bits": struct.calcsize("P") * 8,
    "backends": versions(("pip", "setuptools", "wheel", "maturin", "setuptools-rust", "scikit-build-core",
                          "meson-python", "cmake", "ninja", "build")),
}))
"""


@pytest.mark.parametrize("version", ["3.6", "3.8", "3.10", "3.11", "3.12", "3.13"])
def test_the_probe_script_says_what_the_standard_library_says(version: str, tmp_path: Path) -> None:
    python = str(cpython(version))
    # a site folder with dist-info names of every shape: dashes in the name, an egg's python tag
    site = tmp_path / "site"
    for name in ("scikit_build_core-0.10.7.dist-info", "Meson_Python-0.17.1.dist-info", "setuptools-75.1.0.dist-info",
                 "cmake-3.31.1-py3.11.egg-info", "ninja-1.11.1.1.dist-info", "build.dist-info"):
        (site / name).mkdir(parents=True)
    env = {"PYTHONPATH": str(site)}  # ignored under -I: the folder goes first on sys.path below instead
    code = f"import sys; sys.path.insert(0, {str(site)!r}); exec(compile(sys.stdin.read(), 'probe', 'exec'))"
    ours = subprocess.run([python, "-I", "-B", "-c", code], input=_script(), capture_output=True, text=True,
                          timeout=60, env=env)
    theirs = subprocess.run([python, "-I", "-B", "-c", code], input=REFERENCE, capture_output=True, text=True,
                            timeout=60, env=env)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    payload = _payload(ours.stdout)
    assert payload is not None, ours.stdout
    got, want = json.loads(payload), json.loads(theirs.stdout)
    for key, value in want["markers"].items():
        assert got["markers"][key] == value, key
    assert got["version"] == want["version"]
    assert got["pointer_bits"] == want["pointer_bits"]
    assert got["backends"] == want["backends"]
    assert got["backends"]["scikit-build-core"] == "0.10.7"  # the folder really was read
    # and it loaded none of the modules it avoids (a Linux CPython) beyond what start-up itself loads
    # (a .pth file in an interpreter's site-packages may import anything)
    show = "\nprint(sorted(m for m in ('json', 're', 'platform', 'struct') if m in sys.modules))"
    loaded = [subprocess.run([python, "-I", "-B", "-c", code + show], capture_output=True, text=True,
                             timeout=60).stdout.strip().splitlines()[-1] for code in ("import sys", _script())]
    assert loaded[1] == loaded[0]


def test_quoting_is_json_for_any_text(tmp_path: Path) -> None:
    """Paths with quotes, backslashes, control characters and non-BMP letters round-trip."""
    weird = tmp_path / 'a "q" \\ b\t\u00e9\U0001f600'
    weird.mkdir()
    python = str(cpython("3.12"))
    code = f"import sys; sys.path.insert(0, {str(weird)!r}); exec(compile(sys.stdin.read(), 'probe', 'exec'))"
    out = subprocess.run([python, "-I", "-B", "-c", code], input=_script(), capture_output=True, text=True,
                         timeout=60, encoding="utf-8")
    payload = _payload(out.stdout)
    assert payload is not None, out.stderr
    assert str(weird) in json.loads(payload)["path"]
