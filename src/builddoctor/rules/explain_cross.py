"""Long texts for the findings about the intended target, cross builds and emulation (`builddoctor explain ID`)."""
from __future__ import annotations

EXPLAIN_CROSS = {
    "target.cross": """builddoctor builds for an intended target other than the interpreter's own: given with
        --target, or inferred from settings cross-build tools set consistently (cibuildwheel's
        _PYTHON_HOST_PLATFORM and ARCHFLAGS on macOS; VSCMD_ARG_TGT_ARCH, SETUPTOOLS_EXT_SUFFIX and a
        DIST_EXTRA_CONFIG plat_name on Windows; CARGO_BUILD_TARGET with the matching Rust std installed). One
        strong setting, or two that agree, make a target; the report says which. Every layer is then
        checked against it, and `build` keeps those settings instead of rewriting them.""",
    "target.cross-os": """The intended target is another operating system than the interpreter's. builddoctor
        sets up cross builds between architectures of one OS (x86_64 -> aarch64 Linux, x64 -> ARM64
        Windows, arm64 <-> x86_64 macOS); build on the target OS instead.""",
    "target.inconsistent": """A cross-build setting names another target than the one this build is for. Backends
        read different settings (setuptools _PYTHON_HOST_PLATFORM and SETUPTOOLS_EXT_SUFFIX, maturin and
        setuptools-rust CARGO_BUILD_TARGET and ARCHFLAGS, scikit-build-core VSCMD_ARG_TGT_ARCH), so one that
        disagrees produces a wheel whose tag, file names or machine code belong to different targets.""",
    "cross.headers-abi": """A Linux cross build reuses the build interpreter's headers (pyconfig.h) and sysconfig
        data, as crossenv does. That is only correct when both have the same pointer width and byte order;
        otherwise the target's own CPython build is needed.""",
    "cross.linker-missing": """cargo links a cross target with the host's cc unless told otherwise, which cannot link
        the target's objects. Install the target's cross gcc (builddoctor build then sets
        CARGO_TARGET_<TRIPLE>_LINKER to it) or configure a linker in .cargo/config.toml.""",
    "cross.libc-missing": """A cross gcc without its C library cannot link a shared object (it asks for crti.o and
        libc). Debian ships them separately: gcc-aarch64-linux-gnu needs libc6-dev-arm64-cross.
        builddoctor asks the compiler itself (gcc -print-file-name=crti.o).""",
    "cross.sysconfig-unknown": """A Linux cross build needs the target's sysconfig data (EXT_SUFFIX, compilers);
        builddoctor derives it from toolchains/cross.toml [linux], which has no row for this pair, so the
        extension would carry the build machine's suffix and no target interpreter would import it.""",
    "cross.pyo3-config": """PyO3 learns the target interpreter's version and ABI by running it. When this machine
        cannot run the target's Python (no emulation for it), PyO3 needs PYO3_CROSS_PYTHON_VERSION (and on
        Windows PYO3_CROSS_LIB_DIR); builddoctor build sets them for the intended target.""",
    "cross.import-lib": """Windows extensions link against the target CPython's import library (libs\\pythonXY.lib).
        An x64 Python has only the x64 one; cibuildwheel installs the ARM64 CPython and passes its libs folder
        (library_dirs in DIST_EXTRA_CONFIG, PYO3_CROSS_LIB_DIR for Rust).""",
    "cmake.platform-ignored": """CMake applies the CMAKE_GENERATOR_PLATFORM environment variable only when
        CMAKE_GENERATOR is set too (CMake documentation). Set both, pass -A through CMAKE_ARGS, or let
        scikit-build-core choose the Visual Studio generator (it sets CMAKE_GENERATOR itself).""",
    "cmake.osx-architectures": """setuptools passes ARCHFLAGS to the compiler, but a CMake build run from setup.py
        reads CMAKE_OSX_ARCHITECTURES; without it CMake builds for the arch the process runs.""",
    "tools.emulated": """A tool binary built for another architecture than the machine runs emulated (Rosetta 2,
        Windows' x64 emulation) and often treats its own architecture as the machine's: an x86_64 uv
        prefers x86_64 Pythons, an x86_64 rustc defaults to x86_64 targets, an x64 cl.exe is slower. The fix
        installs the native build of that tool.""",
    "host.foreign-userland": """This userland runs under qemu-user emulation (a --platform container on a host of
        another architecture). qemu answers uname() for the emulated CPU, so platform.machine() cannot tell;
        /proc/cpuinfo keeps the real CPU's shape. Builds there are slow and, for 32-bit guests on 64-bit
        hosts, can fail with EOVERFLOW ('Value too large for defined data type'). Prefer prebuilt wheels,
        cross-compiling on the host (builddoctor build --target), or a native runner.""",
}
