"""Long forms for `builddoctor explain ID`: the findings of `builddoctor verify` (and of `build`'s audit)."""
from __future__ import annotations

EXPLAIN_VERIFY: dict[str, str] = {
    "verify.unreadable": """The wheel cannot be read safely: it is not a zip file, its name is not a wheel's, or it
holds what no wheel holds - a symbolic link, a member that would be written outside the install folder,
a name twice, members that overlap in the archive, or a member that claims to expand far beyond what
deflate can produce (a zip bomb). Nothing is extracted; the first such problem ends the audit (exit 2).""",
    "verify.binary-broken": """A member named like a library (.so, .pyd, .dylib, .dll, .exe) is not one, or an ELF,
PE or Mach-O header or table inside it is truncated or absurd (a table past the end of the file, more
sections than the Windows loader accepts, load commands larger than the header says). The loader would
refuse it; a truncated download or a damaged copy is the usual cause (exit 2).""",
    "verify.format-mismatch": """A binary of another OS's format is inside the wheel: a PE in a Linux wheel, an ELF in
a macOS wheel. The loader of the tagged platform cannot open it.""",
    "verify.arch-mismatch": """A binary's machine type is not the one the platform tag names (or a universal2 Mach-O
lacks one of its two slices). pip and uv install the wheel by its tag and the import fails later with
"wrong ELF class", "mach-o file, but is an incompatible architecture" or "%1 is not a valid Win32
application". The layer that caused it is the compiler or the Rust target: CC/CXX for another arch, a
stale CARGO_BUILD_TARGET, a Visual Studio dev shell for another arch, ARCHFLAGS with one -arch.
`builddoctor check --python PYTHON` shows which layer disagrees; `builddoctor build` sets them all.""",
    "verify.pe-hybrid": """The PE image carries CHPE metadata: an ARM64EC image (x64-compatible ARM64 code, loaded by
x64 processes) or an ARM64X image (loads in both ARM64 and x64 processes). Noted for win_arm64 wheels.""",
    "verify.bits-mismatch": """The ELF class, PE optional header or Mach-O magic says 32-bit for a 64-bit arch (or the
reverse): -m32/-m64 or the linker produced another width than the tag.""",
    "verify.ext-suffix": """An extension module's file name is one the tagged interpreter does not import:
importlib.machinery.EXTENSION_SUFFIXES lists .cpython-313-x86_64-linux-gnu.so, .abi3.so and .so on
Linux, .cp313-win_amd64.pyd and .pyd on Windows, and a free-threaded build has t (cpython-313t). A
module named for another version, ABI or platform is silently skipped: "No module named ...". The build
backend names it after the interpreter that built it, so building with another Python than the tag says
shows up here.""",
    "verify.glibc-too-new": """A binary needs a GLIBC_ symbol version newer than the manylinux_X_Y tag promises (PEP
600: the wheel works on any glibc >= X.Y). On older systems the import fails with "version `GLIBC_2.xx'
not found". It was built on a newer distro than the tag claims: build in the manylinux image of the tag
(cibuildwheel does) or run auditwheel repair, which computes the real floor.""",
    "verify.glibc-private": """A binary of a manylinux wheel needs the GLIBC_PRIVATE symbol version: glibc's
internal interface between its own libraries (libc, libpthread, libdl, ld.so), which changes between
glibc releases without notice. No manylinux policy lists it, so auditwheel finds no manylinux tag the
binary satisfies and leaves the wheel linux_<arch> (pypa/auditwheel#229); on another glibc the import
fails with "version `GLIBC_PRIVATE' not found" or, worse, misbehaves. Needs on the dynamic loader itself
(ld-linux*) are skipped, as auditwheel does. `readelf -W --dyn-syms` on the member names the symbol;
the fix is in the code (or a static library linked into it) that calls it.""",
    "verify.musl-too-new": """A binary of a musllinux_1_1 wheel imports a symbol that musl 1.2.0 added: on 32-bit
arches (i686, armv7l) musl 1.2 made time_t 64-bit and its headers redirect every function taking a time
type to a new name (clock_gettime -> __clock_gettime64, stat -> __stat_time64, ...;
toolchains/musllinux.toml lists the 63, from musl's include/). musl 1.1 has none of them, so the import fails there
with "symbol not found". It was built against musl 1.2 (a musllinux_1_2 image, Alpine 3.13+): tag it
musllinux_1_2. musl has no symbol versions, so this is the only musl floor a binary shows: a 64-bit
musllinux_1_1 wheel built on musl 1.2 cannot be told apart from one built on 1.1 (auditwheel, too, tags
by the musl of the machine it runs on).""",
    "verify.libstdcxx-too-new": """A binary needs a GLIBCXX_, CXXABI_ or GCC_ version newer than the libstdc++ and
libgcc of the tag's manylinux policy (auditwheel's policy file). The C++ compiler used was newer than
the tag's distro; the manylinux images' devtoolset links those symbols statically.""",
    "verify.external-library": """A binary needs a shared library that is neither in the manylinux/musllinux policy's
list (libc, libm, libstdc++, libgcc_s, ...) nor bundled in the wheel. Users without it get "cannot open
shared object file". auditwheel repair copies it into the wheel and rewrites the RPATH. On macOS: a
Mach-O loads a library by an absolute path outside /usr/lib and /System (Homebrew's /opt/homebrew,
/usr/local) or by @rpath/@loader_path without the wheel holding it; delocate-wheel bundles it. On
Windows (a warning): a .pyd imports a DLL that is neither a Windows system DLL, nor one of the VC++
runtime DLLs CPython ships, nor in the wheel (msvcp140.dll, libcrypto-3-x64.dll ...); delvewheel
repair bundles it.""",
    "verify.libc-mismatch": """A manylinux wheel holds a musl binary (PT_INTERP /lib/ld-musl-*, DT_NEEDED libc.musl-*)
or a musllinux wheel a glibc one (libc.so.6, /lib64/ld-linux-*). The other libc's loader cannot run it.""",
    "verify.macos-too-new": """A Mach-O slice's minimum macOS (LC_BUILD_VERSION minos, or LC_VERSION_MIN_MACOSX) is
newer than the macosx_X_Y tag promises: on the older macOS the import fails. MACOSX_DEPLOYMENT_TARGET
(or the SDK's default when it is unset) decides it; set it to the tag's version, or tag the wheel for
what the binary needs. Each slice of a universal2 binary is checked against its own floor (arm64 starts
at 11.0).""",
    "verify.macos-platform": """A Mach-O slice was built for another Apple platform (iOS, a simulator, Mac Catalyst)
than macOS: the SDK or the target triple was not macOS's.""",
    "verify.python-dll": """A Windows extension imports another Python DLL than its tag's interpreter loads:
python312.dll in a cp313 wheel, python313.dll (the GIL build) in a cp313t wheel, or a versioned DLL in an
abi3 wheel, which must import python3.dll to load in every version. It was linked against another
interpreter's pythonXY.lib.""",
    "verify.abi3-symbol": """An extension in an abi3 wheel imports a Py*/_Py* symbol that is not in the stable ABI, or
that joined it after the version the tag claims (cp39-abi3 promises 3.9 and later). The list comes from
CPython's Misc/stable_abi.toml (toolchains/stable-abi.toml). The extension was built without
Py_LIMITED_API, or with a newer Py_LIMITED_API than the tag: it crashes or fails to import on other
versions.""",
    "verify.binary-in-pure-wheel": """A py3-none-any (pure) wheel holds a compiled binary: installers put it on every
platform, where it cannot load. The backend tagged a platform wheel as pure (Root-Is-Purelib: true,
ext_modules missing from setup()).""",
    "verify.metadata": """The wheel has no single .dist-info folder, or no WHEEL file in it: installers refuse it or
guess.""",
    "verify.wheel-tags": """The Tag lines of the WHEEL file differ from the tags in the file name: the file was
renamed instead of retagged. `wheel tags` changes both.""",
    "verify.record": """A member's hash or size differs from RECORD, a member is not listed there, or RECORD lists a
file the wheel lacks: the wheel was changed after it was built (or RECORD has no sha256 for it).""",
    "verify.interpreter": """The wheel's tags are not among those the interpreter installs (packaging.tags for that
interpreter: its version, ABI - t for free-threaded, abi3 - and its platforms, glibc or musl version,
macOS version). pip and uv would not pick it; installing it anyway fails on import.""",
    "verify.target": """None of the wheel's platform tags installs on the --target platform (another OS or arch, or
a newer glibc / macOS floor than the target has).""",
}
