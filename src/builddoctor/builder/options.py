"""The `build` command's options and backend kinds: light, so the CLI can list them without the build code."""
from __future__ import annotations

from ..argtypes import count, nonempty, seconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..cliparse import Options

#: Backend kinds as builddoctor.probes.project names them, plus plain CMake, and "native" for
#: "every layer" (a recorded machine without a project).
RUST_KINDS = frozenset({"maturin", "setuptools-rust"})
C_KINDS = frozenset({"scikit-build-core", "meson-python", "setuptools-ext"})
CMAKE_KINDS = frozenset({"scikit-build-core", "cmake"})
KINDS = (*sorted(RUST_KINDS), *sorted(C_KINDS | CMAKE_KINDS), "pure", "native")


def add_arguments(p: Options) -> None:
    p.add_argument("source", nargs="?", help="an sdist (.tar.gz) or a project folder (default: the current folder)")
    p.add_argument("--python", help="interpreter to build for: a path or a version such as 3.12")
    p.add_argument("--target", metavar="SPELLING",
                   help="build for this target instead of the interpreter's (aarch64, win-arm64, x86_64-apple-darwin, "
                        "a wheel platform tag, universal2); default: the interpreter's, or the cross target its "
                        "settings agree on")
    p.add_argument("-o", "--outdir", type=nonempty,
                   help="where the wheel goes (default: <folder>/dist, or the sdist's folder)")
    p.add_argument("--no-preflight", dest="preflight", action="store_false",
                   help="build even when check finds an error that would make this backend fail")
    p.add_argument("--no-isolation", dest="isolation", action="store_false",
                   help="use the interpreter's own environment instead of an isolated one")
    p.add_argument("-C", "--config-setting", dest="config", action="append", default=[], metavar="KEY[=VALUE]",
                   help="pass a config setting to the backend (repeatable)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="stream the backend's full output")
    p.add_argument("--print-env", action="store_true", help="show what the build would set, and why; build nothing")
    p.add_argument("--replay", metavar="FILE", help="with --print-env: plan for a machine recorded by 'snapshot'")
    p.add_argument("--kind", choices=("auto", *KINDS), default="auto",
                   help="plan as if the project used this backend (default: read it from the project)")
    p.add_argument("--json", action="store_true", help="with --print-env: print the plan as JSON")
    p.add_argument("--timeout", type=seconds, default=3600.0, metavar="SECONDS", help="whole build (default 3600)")
    p.add_argument("--idle-timeout", type=seconds, default=900.0, metavar="SECONDS",
                   help="stop a backend that prints nothing for this long (default 900)")
    p.add_argument("--pass-env", action="append", default=[], metavar="NAME",
                   help="let the backend see this secret-looking variable (tokens, passwords and URLs with "
                        "credentials are removed from its environment by default; repeatable)")
    p.add_argument("--overwrite", action="store_true", help="replace a wheel of the same name in the output folder")
    g = p.add_argument_group("sdist limits (checked before anything is extracted)")
    g.add_argument("--max-extract-bytes", type=count, default=2 * 1024**3, metavar="N",
                   help="total bytes an sdist may unpack to (default 2 GiB)")
    g.add_argument("--max-member-bytes", type=count, default=2 * 1024**3, metavar="N",
                   help="bytes one file in an sdist may have (default 2 GiB)")
    g.add_argument("--max-members", type=count, default=200_000, metavar="N",
                   help="files and folders an sdist may hold (default 200000)")
    g.add_argument("--allow-zip", action="store_true", help="accept .zip sdists (refused by default, PEP 625)")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="neither read nor write the user cache (the preflight's program answers, the build "
                        "environment's bytecode; see README)")
    p.add_argument("--installer", choices=("auto", "uv", "pip"), default="auto",
                   help="fills the isolated environment (default: uv when available, else pip)")
