"""A CI-style build (stderr a pipe, no terminal) of the maturin example never sits silent: a phase line
at the start of each phase and a heartbeat while cargo compiles; the backend's lines go to the log."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, cpython

FRESH = shutil.ignore_patterns("build", "*.egg-info", "dist")  # a clean copy of an example

pytestmark = pytest.mark.e2e


def test_ci_build_of_the_rust_example_prints_a_heartbeat_at_least_every_15s(tmp_path: Path) -> None:
    python = cpython("3.12")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYO3_", "MATURIN_", "CARGO_BUILD_TARGET"))}
    env.pop("VIRTUAL_ENV", None)
    # a fresh target folder: cargo really compiles pyo3 (tens of seconds); crates come from the local cache
    env.update({"CARGO_TARGET_DIR": str(tmp_path / "target"), "CARGO_BUILD_JOBS": "2", "CARGO_NET_OFFLINE": "true"})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "builddoctor", "build", str(ROOT / "examples" / "maturin-pyo3"),
                             "--python", str(python), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                            encoding="utf-8", errors="replace")
    start = time.monotonic()
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append((time.monotonic() - start, line.rstrip("\n")))

    reader = threading.Thread(target=read)
    reader.start()
    assert proc.stdout is not None
    stdout = proc.stdout.read()  # not communicate(): it would read stderr too, racing the reader thread
    proc.wait(timeout=1800)
    reader.join(timeout=10)
    total = time.monotonic() - start
    text = "\n".join(f"{t:6.1f}s {line}" for t, line in lines)
    assert proc.returncode == 0, text[-4000:]
    assert "hello_maturin-0.1.0-cp312-cp312-linux_x86_64.whl  built in" in stdout

    times = [0.0] + [t for t, _ in lines] + [total]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert max(gaps) <= 15.0, f"silent for {max(gaps):.1f}s:\n{text}"
    # says what will be written (linux_x86_64), not the manylinux tag it could be repaired to
    assert any(line == "builddoctor: building the wheel for linux x86_64 (linux_x86_64)" for _, line in lines), text
    beats = [line for _, line in lines if line.startswith("builddoctor: ... building the wheel")]
    if total > 30:
        assert any("(cargo: Compiling " in b for b in beats), text
    # cargo's own chatter is in the log, not on stderr
    assert not any(line.lstrip().startswith("Compiling ") for _, line in lines), text
    log = out / "builddoctor-build.log"
    assert f"the backend's output is in {log} (-v shows it)" in text
    assert "Compiling pyo3" in log.read_text(encoding="utf-8")


def test_a_failed_c_build_shows_the_first_compiler_error_not_only_the_last_lines(tmp_path: Path) -> None:
    """gcc keeps going after the first error: 60 warnings follow it, far more than the 25 last lines."""
    project = tmp_path / "hello-c"
    shutil.copytree(ROOT / "examples" / "setuptools-c", project, ignore=FRESH)
    source = project / "src" / "hello_c.c"
    noise = "".join(f"static int f{n}(int *p) {{ return p; }}\n" for n in range(60))  # each one a warning
    source.write_text("int broken(void) { return undeclared_thing; }\n" + noise + source.read_text(),
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CC", "CFLAGS")}
    run = subprocess.run([sys.executable, "-m", "builddoctor", "build", str(project), "--python",
                          str(cpython("3.12")), "-o", str(tmp_path / "out")], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 5, run.stderr[-3000:]
    shown = [line[4:] for line in run.stderr.splitlines() if line.startswith("  | ")]
    # the first error with two lines of context, "...", then the last 25 lines
    assert "error:" in shown[0] and "undeclared_thing" in shown[0], run.stderr
    assert shown[3] == "..." and len(shown) == 3 + 1 + 25, run.stderr
    assert not any("undeclared_thing" in line for line in shown[4:]), run.stderr
    log = tmp_path / "out" / "builddoctor-build.log"
    assert f"the backend's full output is in {log}" in run.stderr
    text = log.read_text(encoding="utf-8")
    assert "undeclared_thing" in text and text.count("warning:") >= 60


def test_on_a_terminal_the_status_line_shows_the_backend_step(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    project = tmp_path / "hello-c"
    shutil.copytree(ROOT / "examples" / "setuptools-c", project, ignore=FRESH)
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR", "CC", "CFLAGS")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([sys.executable, "-m", "builddoctor", "build", str(project), "--python",
                             str(cpython("3.12")), "-o", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout, _ = proc.communicate(timeout=600)
    os.close(main)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert proc.returncode == 0, screen[-3000:]
    assert b"hello_c-0.1.0-cp312-cp312-linux_x86_64.whl  built in" in stdout
    assert "building the wheel for linux x86_64 (linux_x86_64)" in screen
    assert "setuptools: building hello_c" in screen, screen[-3000:]
