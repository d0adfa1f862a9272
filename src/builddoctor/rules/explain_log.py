"""Long forms for `builddoctor explain ID`: what only a build log shows, and the known problems it names."""
from __future__ import annotations

EXPLAIN_LOG: dict[str, str] = {
    "log.rust-target-mismatch": """
The log shows the triple cargo really compiled for (cc-rs prints TARGET = Some(...) in every build
script's output; --target on cargo and maturin command lines), and it is another architecture than
the interpreter the build was for (uv's interpreter key, the MSC banner, the SOABI, the extension
suffix). maturin and setuptools-rust compile for rustc's own host unless told a target, so an x86_64
Python emulated on an ARM64 machine gets aarch64 objects: they fail to link against the
interpreter's library (undefined references, LNK1112) or, when a C dependency needs a compiler the
emulated setup lacks (clang for ring on aarch64-pc-windows-msvc), fail even earlier. A Python of the
machine's own architecture makes every layer agree; otherwise build for the interpreter's triple.""",
    "log.link-arch-mismatch": """
A linker refused an input built for another machine: link.exe's LNK1112 (module machine type X
conflicts with target machine type Y), GNU ld's "Relocations in generic ELF (EM: n)" and "file in
wrong format", Apple ld's "building for macOS-X but attempting to link with file built for macOS-Y".
The report says which side disagrees with the interpreter: the objects (a compiler for another arch
compiled them: the log's command lines name it, and when the project's own files name that compiler
the fix is that line, since no environment variable overrides a compiler set inside setup.py) or the
linker (a dev shell or toolset for another arch).""",
    "known": """
known.<id> findings come from toolchains/known-problems.toml: a line of the log matched the
problem's symptoms, and no fact in the log contradicts its version range or conditions. The
finding's facts carry the line, the cause and the sources (changelogs, issues) that say it.""",
}
