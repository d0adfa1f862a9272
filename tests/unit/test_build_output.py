"""The backend's output: the step shown in the progress line, the line that names a failure, the
heartbeat without a terminal, and the lines shown after a failure. Patterns: toolchains/build-output.toml."""
from __future__ import annotations

import time

import pytest

from builddoctor._data import table
from builddoctor.builder.output import is_error, step_of, wheel_platform
from builddoctor.builder.run import Progress


def test_every_pattern_compiles_and_has_a_source():
    data = table("build-output")
    assert data["step"] and data["error"]
    for entry in [*data["step"], *data["error"]]:
        assert entry["source"].startswith("https://"), entry
    for entry in data["step"]:
        assert entry["tool"] and entry["label"]


@pytest.mark.parametrize(("line", "step"), [
    ("   Compiling pyo3-build-config v0.22.6", "cargo: Compiling pyo3-build-config v0.22.6"),
    ("    Finished `release` profile [optimized] target(s) in 41.02s",
     "cargo: Finished `release` profile [optimized] target(s) in 41.02s"),
    ("[ 42%] Building C object CMakeFiles/hello.dir/src/hello.c.o", "cmake: at 42%"),
    ("[3/7] Building C object CMakeFiles/hello.dir/hello.c.o", "ninja: step 3/7"),
    ("building 'hello_c' extension", "setuptools: building hello_c"),
    ("copying build/lib/x.py -> y", None),
    ("warning: unused variable `x`", None),
])
def test_step_of_backend_lines(line, step):
    assert step_of(line) == step


@pytest.mark.parametrize(("line", "error"), [
    ("error[E0463]: can't find crate for `core`", True),
    ("error: linker `cc` not found", True),
    ("src/hello.c:3:1: error: expected ';' before '}' token", True),
    ("hello.c(3): error C2143: syntax error: missing ';' before '}'", True),
    ("CMake Error at CMakeLists.txt:4 (project):", True),
    ("  \u00d7 Failed to download `maturin==1.9.0`", True),  # uv prints U+00D7
    ("ERROR: Could not find a version that satisfies the requirement maturin>=99", True),
    ("warning: `hello` (lib) generated 1 warning", False),
    ("   Compiling libc v0.2.150", False),
    ("note: the error is in the build script", False),
])
def test_lines_that_name_a_failure(line, error):
    assert is_error(line) is error


def test_the_platform_tag_a_plain_build_writes():
    assert wheel_platform("linux-x86_64") == "linux_x86_64"
    assert wheel_platform("macosx-11.0-arm64") == "macosx_11_0_arm64"
    assert wheel_platform("win-amd64") == "win_amd64"


def test_without_a_terminal_a_heartbeat_names_the_phase_and_step(capsys):
    with Progress(0, heartbeat=0.3) as progress:
        progress.phase("building the wheel for linux x86_64 (linux_x86_64)")
        progress.line("   Compiling pyo3 v0.22.6")
        time.sleep(1.3)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "builddoctor: building the wheel for linux x86_64 (linux_x86_64)"
    beats = [line for line in err if line.startswith("builddoctor: ... ")]
    assert len(beats) >= 2
    assert beats[0].startswith("builddoctor: ... building the wheel for linux x86_64 (linux_x86_64): ")
    assert beats[0].endswith("s (cargo: Compiling pyo3 v0.22.6)")
    assert "Compiling pyo3" not in "\n".join(x for x in err if not x.startswith("builddoctor: "))


def test_after_a_failure_the_first_error_is_shown_even_when_far_from_the_end(capsys):
    progress = Progress(0, heartbeat=0)
    progress.line("   Compiling ring v0.17.14")
    progress.line("error: failed to run custom build command for `ring v0.17.14`")
    progress.line("Caused by:")
    progress.line("  process didn't exit successfully")
    for n in range(80):
        progress.line(f"  noise {n}")
    progress.show_tail(25)
    shown = capsys.readouterr().err.splitlines()
    assert shown[0] == "  | error: failed to run custom build command for `ring v0.17.14`"
    assert shown[3] == "  | ..."
    assert shown[-1] == "  |   noise 79" and len(shown) == 4 + 25


def test_the_log_keeps_every_line_and_an_empty_log_is_not_kept(tmp_path):
    progress = Progress(0, quiet=True)
    progress.open_log(tmp_path / "stage.log")
    for n in range(500):
        progress.line(f"line {n}")
    kept = progress.keep_log(tmp_path / "builddoctor-build.log")
    assert kept == tmp_path / "builddoctor-build.log"
    assert kept.read_text().splitlines() == [f"line {n}" for n in range(500)]
    empty = Progress(0, quiet=True)
    empty.open_log(tmp_path / "empty.log")
    assert empty.keep_log(tmp_path / "other.log") is None
