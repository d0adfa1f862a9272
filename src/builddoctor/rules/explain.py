"""Long forms for `builddoctor explain ID`."""
from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "interpreter.unusable": """The interpreter builddoctor was asked to check could not be run or did not answer
like a Python 3 interpreter (not found, not executable, timed out, printed something else, or is
Python 2). Every other layer is compared against the interpreter, so nothing can be decided
without one. Pass --python with a path or a version (3.12) of a working CPython.""",
    "interpreter.unknown-platform": """The interpreter ran, but neither its executable header nor
sysconfig.get_platform() named an architecture builddoctor knows (toolchains/arches.toml).""",
    "interpreter.old": """The interpreter's minor version was past its end of life on the day the machine
was looked at (for a snapshot: the day it was recorded): it gets no security fixes, and build backends
(maturin, setuptools-rust, scikit-build-core) and binding generators drop such versions first, so
wheels for it stop appearing and source builds stop working. The dates come from CPython's release
schedule (toolchains/python-versions.toml, https://devguide.python.org/versions/).""",
    "interpreter.header-mismatch": """sysconfig.get_platform() names one architecture and the executable
file's header (PE / ELF / Mach-O machine field) another. The header is what the OS loads, so
builddoctor builds for the header's arch; the sysconfig value is what setuptools tags wheels with.""",
    "interpreter.headers-missing": """Python.h is not in the interpreter's include folder, so no C or Rust
(PyO3) extension can compile for it. Linux distributions ship headers in a separate -dev package.""",
    "interpreter.import-lib-missing": """On Windows, extensions link against libs\\pythonXY.lib of the
interpreter. It is missing, so the link step will fail.""",
    "host.emulated": """The interpreter's executable is built for another architecture than the CPU: Windows on
ARM runs x64 programs through emulation, macOS runs x86_64 ones through Rosetta 2, Linux through
qemu-user. Everything the interpreter starts - cargo, build scripts, compilers - may then run
emulated too, and each tool decides on its own whether to build for the CPU or the interpreter.
platform.machine() reports the CPU (Windows, Python 3.12+), the interpreter's wheel tags report
the interpreter: that is where uv#15693 began. A native interpreter removes the whole class of
problems; otherwise every layer must be told the interpreter's target (builddoctor build does).""",
    "host.32bit-python": """A 32-bit Python on a 64-bit OS needs 32-bit extensions. Rust and C toolchains
default to the 64-bit host, so each must be told the 32-bit target.""",
    "host.home-non-ascii": """The home folder name has non-ASCII characters. Visual Studio dev shells and
8.3 short names rewrite it (in uv#15693 'ø' became 'o'), which breaks paths that tools store.""",
    "markers.host-cpu": """PEP 508 defines platform_machine as platform.machine(). On Windows ARM64 with an
emulated x64 CPython 3.12+, that is 'ARM64' (the CPU, read through WMI), while the interpreter
installs win_amd64 wheels. Markers written for the CPU then pick packages for the wrong
interpreter: in uv#15693 'polars-lts-cpu; platform_machine==\"ARM64\"' was selected, the lock kept
only its win_arm64 wheel, and uv built the sdist. No marker variable names the interpreter's
architecture on Windows; use a native interpreter, or resolve for the interpreter's platform.""",
    "rust.missing": """The project builds a Rust extension, and neither rustc nor cargo is on PATH.""",
    "rust.rustc-broken": """rustc -vV did not print a 'host:' line: the rustc on PATH is broken or not rustc.""",
    "rust.toolchain-missing": """rust-toolchain.toml in the project pins a toolchain that is not installed.
builddoctor never lets rustup download it during a probe (RUSTUP_AUTO_INSTALL=0).""",
    "rust.host-mismatch": """rustc's default target (its host) is not the interpreter's target. maturin >= 1.12.3
and setuptools-rust pass --target for some of these cases, older ones build for the host; cargo
then needs the standard library for the interpreter's target (rustup target add).""",
    "rust.target-missing": """The Rust standard library for the interpreter's target triple is not installed
in the toolchain that will build, so cargo --target fails with E0463 (can't find crate for std).""",
    "rust.target-override": """CARGO_BUILD_TARGET or build.target in a .cargo/config.toml forces cargo to a
target other than the interpreter's; the extension would not load.""",
    "rust.ok": """rustc's host is the interpreter's target: no cross-compilation is involved.""",
    "project.invalid": """The project's pyproject.toml could not be parsed.""",
    "interpreter.venv-missing": """VIRTUAL_ENV names a virtual environment whose python is gone (the
folder was deleted or moved while the shell still had it activated). Tools that honour VIRTUAL_ENV
disagree about what to do then: builddoctor falls back to the first python3 on PATH and says so,
instead of silently checking another interpreter than the one you think is active.""",
    "project.requires-python": """The project declares Requires-Python ([project] requires-python in
pyproject.toml, or PKG-INFO in an sdist) and the interpreter's version is outside it. pip and uv
refuse to install a wheel whose Requires-Python excludes the running Python, so building it is time
spent for nothing (rpds-py needs Python 3.11+: a build for 3.9 compiles for a minute, then the wheel
is refused). `build` stops before anything compiles; choose a matching interpreter.""",
    "deps.build-from-source": """The project's uv.lock (or, with check --index-url, the index) has no wheel of this
dependency that this interpreter's tags accept, so installing it builds the sdist: the Rust or C
toolchain checks above then apply to it too. The cause is named: Python too new (no wheels for this
version yet), free-threaded ABI, libc family (musl) or version (glibc), macOS floor, no wheels for
this arch or OS, markers pruning the lock, or --no-binary. 'builddoctor why PACKAGE' asks the index
which wheels exist and why the lock dropped them (in uv#15693 a platform_machine marker that saw the
host CPU pruned the win_amd64 wheel).""",
    "deps.lock-unreadable": """uv.lock is not valid TOML or not of a version builddoctor reads (version 1).""",
}
