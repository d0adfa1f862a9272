"""A CI-style build (stderr a pipe, no terminal) of the maturin example never sits silent: a phase line
at the start of each phase and a heartbeat while cargo compiles; the backend's lines go to the log."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, cpython

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
    stdout, _ = proc.communicate(timeout=1800)
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
