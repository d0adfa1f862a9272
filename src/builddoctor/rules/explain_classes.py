"""Long forms for `builddoctor explain ID`: the failure classes beyond architecture (issue 13)."""
from __future__ import annotations

EXPLAIN_CLASSES: dict[str, str] = {
    "toolchain.sysconfig-tool-missing": """setuptools compiles and links C extensions with the programs the
interpreter recorded when it was built: sysconfig's CC, CXX, LDSHARED and AR, unless the environment
overrides them. Managed Pythons (python-build-standalone, which uv installs) record their build
machine's `clang` and `/tools/llvm/bin/llvm-ar`; a machine without those fails with "command 'clang'
failed: No such file or directory". Setting CC, CXX and AR to compilers this machine has works for
any such Python; a current uv rewrites them when it installs the Python.""",
    "toolchain.linker-missing": """rustc links Linux and macOS targets by running `cc`. Without a C compiler
on PATH every Rust build (maturin, setuptools-rust) fails with "linker `cc` not found".""",
    "toolchain.windows-sdk-missing": """MSVC links every program against kernel32.lib and the Universal CRT
(ucrt.lib) from the Windows SDK, in Windows Kits\\10\\Lib\\<version>\\um\\<arch> and ucrt\\<arch>. A
Visual Studio or Build Tools installation without a Windows SDK component, or an SDK without the
target arch's libraries, fails every link with LNK1181: cannot open input file 'kernel32.lib'.""",
    "toolchain.xcode-clt-missing": """On macOS, clang, the linker and the SDK headers come with the Xcode
Command Line Tools; `xcrun --show-sdk-path` finds no SDK without them and every compile fails.""",
    "toolchain.macos-sdk-old": """MACOSX_DEPLOYMENT_TARGET is newer than the installed macOS SDK: code
that uses APIs of the newer release does not compile against the older headers.""",
    "native.pkg-config-missing": """-sys crates (openssl-sys, libsqlite3-sys, zstd-sys with its pkg-config
feature) and meson's dependency() find system libraries with pkg-config. Without pkg-config on PATH
they stop ("Could not find directory of OpenSSL installation", "The pkg-config command could not be
found"), even when the library's development files are installed. The fix installs both; the crate's
vendored/bundled feature builds the library from source instead.""",
    "native.library-missing": """pkg-config ran but has no .pc file for a library the project needs: its
development package is not installed, or PKG_CONFIG_PATH / PKG_CONFIG_LIBDIR replace the search path
(an empty PKG_CONFIG_LIBDIR hides every system library). OPENSSL_DIR (or the crate's vendored
feature) makes pkg-config unnecessary for openssl-sys.""",
    "native.library-arch": """The library pkg-config finds is built for another architecture than the
interpreter (an arm64 Homebrew library with an x86_64 Python, or the reverse): the link fails with
"building for macOS-x86_64 but attempting to link with file built for macOS-arm64" or the extension
does not load.""",
    "rust.too-old": """cargo refuses a package whose rust-version (or a locked crate's rust-version, or its
edition: 2024 needs Rust 1.85) is newer than the rustc that runs: "package `x` cannot be built
because it requires rustc 1.85 or newer". Distribution and conda rustc packages lag behind; rustup's
stable does not. When rustup is installed but a distribution rustc comes first on PATH, putting
~/.cargo/bin first is the whole fix.""",
    "path.shadowed": """The first program of that name on PATH is not the tool the build means. Git for
Windows and MSYS2 ship a POSIX `link` in usr\\bin; when that folder comes before MSVC's, rustc and
cc-rs run it as the linker and the build fails with "/usr/bin/link: extra operand".""",
    "path.rustc-shadowed": """A rustc that is not rustup's proxy comes first on PATH although rustup is
installed: cargo and maturin use it, so rustup's toolchains, targets and rust-toolchain.toml pins do
not apply, and the rustc is usually older than rustup's stable.""",
    "path.arch-shadowed": """The first program of that name on PATH is built for another architecture than
the interpreter, and a later one matches it (x86_64 Homebrew in /usr/local before arm64 Homebrew in
/opt/homebrew, or a foreign-arch binary that cannot run). Tools like CMake build for their own arch.""",
    "freethreaded.abi3": """Free-threaded CPython (Py_GIL_DISABLED, 3.13t/3.14t) has no limited API: abi3
cannot be built for it (PEP 803's abi3t is not there yet). maturin warns and builds a version-specific
cp3XYt wheel; setuptools' py_limited_api does not apply. Build the abi3 wheel with a GIL-enabled
interpreter and a separate free-threaded wheel.""",
    "freethreaded.pyo3-old": """PyO3 supports free-threaded CPython from 0.23.0; older versions refuse to
build for a Py_GIL_DISABLED interpreter or build an extension that re-enables or breaks without the GIL.""",
    "freethreaded.import-lib": """On Windows a free-threaded extension links python3XYt.lib; an install
without the free-threaded binaries has only python3XY.lib, so the link fails (LNK1181) or the
extension loads the GIL build's DLL.""",
    "freethreaded.setuptools-old": """The python.org Windows installer shares pyconfig.h between the GIL and
free-threaded builds, so Py_GIL_DISABLED is not defined unless the build backend defines it;
setuptools does from 75.8.0 (pypa/distutils#310). Older setuptools builds a cp3XYt extension that
links python3XY.dll and crashes on import.""",
    "libc.musl": """This Python uses musl libc: only musllinux wheels install, and a C compiler is present for
the packages that must be built.""",
    "libc.musl-no-compiler": """This Python uses musl libc (Alpine): manylinux wheels are built for glibc
and do not install, so every dependency without a musllinux wheel is built from source. Without a C
compiler (Alpine's build-base) those builds fail with "command 'gcc' failed". A glibc-based image
installs the manylinux wheels instead.""",
    "libc.glibc-old": """A manylinux_X_Y wheel needs glibc X.Y or newer. Current build tools default to
manylinux_2_28, so on an older glibc (CentOS 7's 2.17) many packages are built from source or fail
with "version `GLIBC_2.28' not found".""",
    "deps.index-unreachable": """check --index-url (or --resolve) could not read the index; the wheel-or-build decision
for the project's dependencies is missing from this report.""",
}
