"""Whole-command behaviour that runs builddoctor (and uv) for real on this machine."""
from __future__ import annotations

import subprocess
import sys
import zipfile


def test_secrets_never_reach_the_backend_unless_passed(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "GITHUB_TOKEN": "ghp_" + "k" * 36, "MY_API_KEY": "abc123secret",
           "PIP_INDEX_URL": "https://u:pw123@idx.example/simple", "CARGO_REGISTRIES_CORP_TOKEN": "cargo-needs-it",
           "SSH_AUTH_SOCK": "/tmp/agent.sock"}
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-m", "builddoctor", "build", "--print-env", str(root / "examples" / "setuptools-c"),
            "--pass-env", "MY_API_KEY"]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120).stdout
    unset = {line.split()[1] for line in out.splitlines() if line.strip().startswith("unset")}
    assert {"GITHUB_TOKEN", "PIP_INDEX_URL"} <= unset
    assert not {"MY_API_KEY", "CARGO_REGISTRIES_CORP_TOKEN", "SSH_AUTH_SOCK"} & unset
    for secret in ("ghp_", "pw123", "cargo-needs-it"):
        assert secret not in out


def test_toolchains_ship_in_the_wheel(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "uv", "build", "--wheel", "-q", "--out-dir", str(tmp_path), str(root)],
                   check=True, timeout=300)
    (wheel,) = tmp_path.glob("builddoctor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for toml in (root / "toolchains").glob("*.toml"):
        assert f"builddoctor/toolchains/{toml.name}" in names
