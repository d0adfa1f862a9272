"""Fetch the rust-std archive of the default rustup toolchain's host target into .cache/rustup-downloads.

tests/live/test_check_fix_live.py removes that target from a scratch copy of rustup's metadata and lets
`builddoctor check --fix --yes` run `rustup target add`; rustup then takes the archive from its
download cache (RUSTUP_HOME/downloads/<sha256>) instead of the network, so the test downloads nothing.
The URL and sha256 come from the toolchain's own channel manifest. Run by scripts/setup-test-machine.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BUILDDOCTOR_RUSTUP_DOWNLOADS", ROOT / ".cache" / "rustup-downloads"))


def rust_std_entry() -> tuple[Path, str, str, str]:
    """(toolchain folder, host triple, xz url, xz sha256) of the default toolchain."""
    show = subprocess.run(["rustup", "show", "active-toolchain"], capture_output=True, text=True, timeout=60,
                          cwd="/", check=True).stdout.split()[0]
    home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    folder = (home / "toolchains" / show).resolve()
    host = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, timeout=60, cwd="/",
                          check=True).stdout
    triple = re.search(r"^host: (\S+)", host, re.M).group(1)  # type: ignore[union-attr]
    manifest = (folder / "lib" / "rustlib" / "multirust-channel-manifest.toml").read_text(encoding="utf-8")
    block = manifest.split(f"[pkg.rust-std.target.{triple}]", 1)[1].split("\n[", 1)[0]
    url = re.search(r'^xz_url = "([^"]+)"', block, re.M).group(1)  # type: ignore[union-attr]
    sha = re.search(r'^xz_hash = "([0-9a-f]{64})"', block, re.M).group(1)  # type: ignore[union-attr]
    return folder, triple, url, sha


def main() -> int:
    try:
        _, triple, url, sha = rust_std_entry()
    except (OSError, subprocess.SubprocessError, AttributeError, IndexError) as exc:
        print(f"fetch_rust_std: no rustup toolchain to read ({exc}); the live --fix test will skip", file=sys.stderr)
        return 0
    CACHE.mkdir(parents=True, exist_ok=True)
    dest = CACHE / sha
    if dest.is_file() and hashlib.sha256(dest.read_bytes()).hexdigest() == sha:
        return 0
    tmp = dest.with_suffix(".part")
    with urllib.request.urlopen(url, timeout=120) as response, open(tmp, "wb") as fh:
        while chunk := response.read(1 << 20):
            fh.write(chunk)
    if hashlib.sha256(tmp.read_bytes()).hexdigest() != sha:
        tmp.unlink()
        print(f"fetch_rust_std: {url} does not match its manifest's sha256", file=sys.stderr)
        return 1
    tmp.replace(dest)
    print(f"fetch_rust_std: rust-std for {triple} -> {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
