"""Long forms for `builddoctor explain ID`: C/C++ compilers, Visual Studio and CMake."""
from __future__ import annotations

EXPLAIN_CC: dict[str, str] = {
    "cc.env-mismatch": """CC, CXX or one of cc-rs's variables (CC_<triple>, TARGET_CC) names a compiler whose own
default target - what `gcc -dumpmachine`, `clang -print-target-triple` or cl.exe's banner says - is
another architecture than the interpreter's. setuptools, CMake and cc-rs use that compiler as it is,
so the extension is built for the wrong machine and fails to link or to import. clang could be told
--target, but setuptools and CMake never do that.""",
    "cc.flags-mismatch": """ARCHFLAGS, CFLAGS, CXXFLAGS, CPPFLAGS or LDFLAGS carry -arch, --target or -target for
another architecture than the interpreter's. setuptools and setuptools-rust read ARCHFLAGS on macOS;
compilers obey the others. The result is an extension the interpreter cannot load.""",
    "cc.compiler-broken": """A compiler is on PATH, or named by CC/CXX, but running it to ask for its target failed:
it is missing, timed out, or exited with an error (a gcc without cc1 exits 127). Builds that pick it
fail the same way.""",
    "cc.no-compiler": """The project builds C, C++ or Rust code, and no C compiler on this machine builds for the
interpreter's architecture. Rust needs one too: as the linker on Linux and macOS, and as MSVC's
link.exe on Windows. On Windows that means Visual Studio or the Build Tools with the MSVC compilers
for the target.""",
    "cc.clang-missing": """Some crates cannot be compiled by cl.exe for aarch64-pc-windows-msvc and ask cc-rs for
clang: ring 0.17.14 and older look for a plain `clang` on PATH (ToolNotFound: failed to find tool
"clang" in uv#15693), later ring asks cc-rs for clang-cl, which cc-rs finds in Visual Studio's
bundled LLVM. Installing the VS component "C++ Clang Compiler for Windows" is not enough for the old
ring: its VC\\Tools\\Llvm\\<host>\\bin folder must also be on PATH.""",
    "msvc.toolset-missing": """Visual Studio (or the Build Tools) is installed, but without the component that holds
the MSVC compilers for the architecture the build needs: Microsoft.VisualStudio.Component.VC.Tools.x86.x64
for x64 and x86, ...VC.Tools.ARM64 for ARM64. vcvarsall.bat then either fails or silently sets up
another architecture (pyinstaller#8335). Cargo also links build scripts for the rustc host, so a Rust
cross build needs the host's compilers as well. The Visual Studio Installer adds a component with
`setup.exe modify --installPath <path> --add <component id>`.""",
    "msvc.toolset-broken": """The installation's VC\\Auxiliary\\Build\\Microsoft.VCToolsVersion.default.txt names an
MSVC toolset whose VC\\Tools\\MSVC\\<version> folder does not exist (an interrupted update or a
partial uninstall). vcvarsall.bat then prints "[ERROR:vcvars.bat] Version '...' is not valid" and
still exits 0. A repair from the Visual Studio Installer restores the toolset.""",
    "msvc.devshell-mismatch": """This shell was set up by vcvarsall.bat / VsDevCmd for another architecture
(VSCMD_ARG_TGT_ARCH) than the interpreter's. setuptools and scikit-build-core retarget to the shell's
architecture, cc-rs ignores the shell only when it notices, and cl.exe and link.exe on PATH build for
the shell's architecture. In uv#15693's dev shell an ARM64 shell with an x64 CPython compiled ARM64
objects and then failed to link them against the x64 python313.lib. Use a shell for the
interpreter's architecture (builddoctor devshell), a plain shell, or a native interpreter.""",
    "msvc.cl-mismatch": """The first cl.exe on PATH builds for another architecture than the interpreter's (its
bin\\Host<H>\\<T> folder and its banner say so). Tools that take cl.exe from PATH (setuptools with
DISTUTILS_USE_SDK, CMake's Ninja and Makefile generators, cc-rs inside a dev shell) build for that
architecture.""",
    "msvc.vswhere-unparseable": """vswhere.exe ran but printed something that is not a JSON list, so builddoctor cannot
tell which Visual Studio installations exist - it does not claim that none does. Old vswhere
versions wrote JSON in the console code page even with -utf8 (microsoft/vswhere#262, fixed in 3.0.3);
a crash can truncate the output.""",
    "msvc.vswhere-failed": """vswhere.exe could not be run, timed out or exited with an error, so the Visual Studio
installations are unknown.""",
    "msvc.ok": """A Visual Studio or Build Tools installation has the MSVC compilers for the interpreter's
architecture. vswhere lists Build Tools only when asked with -products *, which builddoctor, cc-rs
and distutils do.""",
    "cmake.platform-mismatch": """CMAKE_GENERATOR_PLATFORM (the -A of Visual Studio generators), -A or
-DCMAKE_GENERATOR_PLATFORM in CMAKE_ARGS, or CMAKE_OSX_ARCHITECTURES asks CMake for another architecture
than the interpreter's. scikit-build-core passes CMAKE_ARGS through, so the extension is built for the
wrong machine. The environment variable CMAKE_GENERATOR_PLATFORM only applies when CMAKE_GENERATOR is
also set.""",
    "cmake.emulated": """The cmake program is built for another architecture than the CPU and runs emulated (x64
on Windows ARM64, x86_64 under Rosetta 2). CMake then sees the emulated processor as the host
(CMAKE_HOST_SYSTEM_PROCESSOR) and picks its default Visual Studio platform from it.""",
    "path.too-long": """PATH is longer than the 8191 characters a cmd.exe command line may have. vcvarsall.bat
runs in cmd.exe and prepends to PATH, so it fails with "The input line is too long" - often after
a dev shell was opened many times, each time adding the same folders again.""",
    "path.empty-entry": """PATH has an empty entry (`::`, a leading or trailing separator) or a relative one.
Several tools read those as the current folder, so a `cmake` or `cl.exe` lying in the project would
run instead of the real one. builddoctor never uses such entries.""",
    "path.quoted-entry": """A PATH entry is wrapped in double quotes ("C:\\Program Files (x86)\\X"). Windows
strips them when it looks for a program, but cc-rs, CMake and Python's shutil.which take the
quotes literally and never find anything there.""",
}
