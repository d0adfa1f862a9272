"""check --fix --yes on this machine's real rustup, in a scratch RUSTUP_HOME/CARGO_HOME.

The scratch toolchain is the real default toolchain (files hard-linked, rustup's metadata files
copied) with its host target's standard library removed from the metadata and the disk. `check`
finds rust.target-missing, `--fix --yes` runs the real `rustup target add`, and check runs again.

Offline by design: RUSTUP_DIST_SERVER points at a closed local port, so rustup cannot download; it
takes the archive from its download cache (RUSTUP_HOME/downloads/<sha256>), filled from
.cache/rustup-downloads by scripts/setup-test-machine (scripts/fetch_rust_std.py). Nothing outside
the scratch folders changes: the real rustup and cargo files are hashed before and after.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cpython, run_cli

pytestmark = pytest.mark.live

SETUP = "run scripts/setup-test-machine (it fetches the rust-std archive with scripts/fetch_rust_std.py)"


def _entry() -> tuple[Path, str, str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from fetch_rust_std import CACHE, rust_std_entry
    finally:
        sys.path.pop(0)
    if shutil.which("rustup") is None:
        pytest.skip("rustup is not installed")
    try:
        folder, triple, _, sha = rust_std_entry()
    except (OSError, subprocess.SubprocessError, AttributeError, IndexError) as exc:
        pytest.skip(f"cannot read the default rustup toolchain: {exc}")
    archive = CACHE / sha
    if not archive.is_file():
        pytest.skip(f"{archive} is missing: {SETUP}")
    return folder, triple, archive


def _state(real_toolchain: Path) -> dict[str, str]:
    """Hashes of rustup's and cargo's own files and of the real toolchain's metadata; (inode, size, mtime)
    of every file of the real standard library."""
    home = Path.home()
    files = [home / ".rustup" / "settings.toml", home / ".cargo" / "config.toml", home / ".cargo" / "config",
             *sorted(p for p in (real_toolchain / "lib" / "rustlib").iterdir() if p.is_file())]
    out = {str(f): hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else "absent" for f in files}
    for f in sorted((real_toolchain / "lib" / "rustlib").rglob("*")):
        if f.is_file():
            st = f.stat()
            out[str(f)] = f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    out["toolchains"] = " ".join(sorted(os.listdir(home / ".rustup" / "toolchains")))
    return out


def _scratch(tmp: Path, real: Path, triple: str, archive: Path) -> tuple[Path, Path]:
    rustup_home, cargo_home = tmp / "rustup", tmp / "cargo"
    (rustup_home / "toolchains").mkdir(parents=True)
    (rustup_home / "downloads").mkdir()
    (cargo_home / "bin").mkdir(parents=True)
    shutil.copy2(Path.home() / ".rustup" / "settings.toml", rustup_home / "settings.toml")
    toolchain = rustup_home / "toolchains" / real.name
    try:
        shutil.copytree(real, toolchain, copy_function=os.link, symlinks=True)
    except OSError as exc:
        pytest.skip(f"cannot hard-link the toolchain into {tmp} ({exc}); the scratch copy needs one filesystem")
    rustlib = toolchain / "lib" / "rustlib"
    for f in rustlib.iterdir():  # rustup rewrites these: give the scratch copy its own files
        if f.is_file():
            data = f.read_bytes()
            f.unlink()
            f.write_bytes(data)
    manifest = rustlib / f"manifest-rust-std-{triple}"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.startswith("file:"):
            (toolchain / line[5:]).unlink()
    manifest.unlink()
    components = rustlib / "components"
    components.write_text("".join(f"{c}\n" for c in components.read_text().split() if c != f"rust-std-{triple}"))
    config = rustlib / "multirust-config.toml"
    blocks = config.read_text(encoding="utf-8").split("[[components]]")
    config.write_text("[[components]]".join(b for b in blocks if not ('pkg = "rust-std"' in b and
                                                                     f'target = "{triple}"' in b)))
    shutil.copy2(archive, rustup_home / "downloads" / archive.name)
    shutil.copy2(shutil.which("rustup"), cargo_home / "bin" / "rustup")  # type: ignore[arg-type]
    for proxy in ("cargo", "rustc"):
        (cargo_home / "bin" / proxy).symlink_to("rustup")
    return rustup_home, cargo_home


def test_fix_yes_adds_the_missing_target_offline_and_checks_again(tmp_path):
    real, triple, archive = _entry()
    python = cpython("3.12")
    before = _state(real)
    rustup_home, cargo_home = _scratch(tmp_path / "scratch", real, triple, archive)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["maturin>=1.5"]\n'
                                            'build-backend = "maturin"\n', encoding="utf-8")
    closed = "http://127.0.0.1:9"  # discard port: nothing can be downloaded
    env = {"RUSTUP_HOME": str(rustup_home), "CARGO_HOME": str(cargo_home), "RUSTUP_DIST_SERVER": closed,
           "RUSTUP_UPDATE_ROOT": closed,
           "PATH": str(cargo_home / "bin") + os.pathsep + os.environ["PATH"]}
    rustup = cargo_home / "bin" / "rustup"
    listed = subprocess.run([str(rustup), "target", "list", "--installed"], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=60)
    assert triple not in listed.stdout.split()  # the scratch toolchain really lacks it

    run = run_cli("check", "--python", str(python), "--fix", "--yes", cwd=project, env=env, timeout=600)
    report, _, fixing = run.stdout.partition("fix 1/1 [rustup-target] for rust.target-missing\n")
    assert f"the Rust standard library for {triple} is not installed  [rust.target-missing]" in report
    assert fixing.startswith(f"  will run: {rustup} target add {triple}\n"), run.stdout
    assert f"running: {rustup} target add {triple}\n" in fixing
    assert f"\napplied:\n  {rustup} target add {triple}  -> exit 0\n" in fixing
    assert "\nchecking again...\n" in fixing
    assert f"  fixed: rust.target-missing (the Rust standard library for {triple} is not installed)" in fixing
    assert f"  layer rust targets installed: none (mismatch) -> {triple} (match)" in fixing
    assert run.returncode == 0, run.stdout + run.stderr  # no error left after the fix

    listed = subprocess.run([str(rustup), "target", "list", "--installed"], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=60)
    assert triple in listed.stdout.split()
    assert _state(real) == before  # the real toolchain, rustup and cargo files are untouched
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


def test_without_a_terminal_nothing_is_applied(tmp_path):
    real, triple, archive = _entry()
    rustup_home, cargo_home = _scratch(tmp_path / "scratch", real, triple, archive)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["maturin>=1.5"]\n'
                                            'build-backend = "maturin"\n', encoding="utf-8")
    config = (rustup_home / "toolchains" / real.name / "lib" / "rustlib" / "multirust-config.toml").read_bytes()
    env = {"RUSTUP_HOME": str(rustup_home), "CARGO_HOME": str(cargo_home), "RUSTUP_DIST_SERVER": "http://127.0.0.1:9",
           "PATH": str(cargo_home / "bin") + os.pathsep + os.environ["PATH"]}
    run = run_cli("check", "--python", str(cpython("3.12")), "--fix", cwd=project, env=env, timeout=120)
    assert run.returncode == 1
    assert "not a terminal: nothing applied (pass --yes" in run.stdout
    assert "running:" not in run.stdout
    assert (rustup_home / "toolchains" / real.name / "lib" / "rustlib" / "multirust-config.toml").read_bytes() == config


def test_on_a_terminal_each_fix_is_asked_for_and_applied_after_yes(tmp_path):
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    real, triple, archive = _entry()
    rustup_home, cargo_home = _scratch(tmp_path / "scratch", real, triple, archive)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[build-system]\nrequires = ["maturin>=1.5"]\n'
                                            'build-backend = "maturin"\n', encoding="utf-8")
    env = {**os.environ, "RUSTUP_HOME": str(rustup_home), "CARGO_HOME": str(cargo_home),
           "RUSTUP_DIST_SERVER": "http://127.0.0.1:9", "RUSTUP_UPDATE_ROOT": "http://127.0.0.1:9",
           "PATH": str(cargo_home / "bin") + os.pathsep + os.environ["PATH"], "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "builddoctor", "check", "--python", str(cpython("3.12")), "--fix"],
                            stdin=child, stdout=child, stderr=subprocess.PIPE, cwd=project, env=env)
    os.close(child)
    seen, answered, deadline = b"", 0, time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 1.0)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
        if seen.count(b"[y/N] ") > answered:
            os.write(main, b"y\n")
            answered += 1
    proc.wait(timeout=60)
    os.close(main)
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")
    assert answered == 1, text
    assert f"apply fix 1/1 ({cargo_home / 'bin' / 'rustup'} target add {triple})? [y/N] " in text
    assert "-> exit 0" in text and "fixed: rust.target-missing" in text, text
    assert proc.returncode == 0, text
