"""libc family and version (issue 13, class 6): what musl or an old glibc means for wheels and for
building. Reads facts.interpreter.libc only. Pure: facts in, findings out."""
from __future__ import annotations

from .._data import table
from ..facts import Facts, version_tuple
from ..target import Target
from .model import OK, WARNING, Finding, Fix, Layer
from .packages import has_c_compiler, install_fix


def _has_cc(facts: Facts) -> bool:
    return has_c_compiler(facts) or any(t.var == "CC" and t.path for t in facts.toolchain.tools)


def libc_rules(facts: Facts, target: Target | None) -> list[Finding]:
    i = facts.interpreter
    if not i.usable or target is None or target.os != "linux" or not i.libc or not facts.path.entries:
        return []
    family, version = i.libc
    data = table("libc")
    minor = ".".join(i.version.split(".")[:2])
    if family == "musl":
        if _has_cc(facts):
            return [Finding("libc.musl", OK, f"musl {version}: only musllinux wheels install here, and a C compiler "
                            "is present for the packages that must be built", {"libc": list(i.libc)})]
        wanted = ["c-compiler", *(["python-headers"] if facts.toolchain.python_h is False else [])]
        fixes = [f for f in (install_fix(facts, wanted, "a C compiler, libc headers and make for the packages built "
                                         "from source (add the -dev libraries they need, e.g. libffi-dev for cffi)",
                                         10),) if f]
        fixes.append(Fix(data["glibc_image"].format(minor=minor),
                         "a glibc-based image installs manylinux wheels instead of building", 20))
        return [Finding("libc.musl-no-compiler", WARNING,
                        f"musl libc {version} (Alpine): manylinux wheels do not install here, so every package without "
                        "a musllinux wheel is built from source, and no C compiler is on PATH (\"command 'gcc' "
                        "failed: No such file or directory\")",
                        {"libc": list(i.libc), "wheel_platforms": [target.platform_tag]}, tuple(fixes))]
    floor = data["glibc_common_floor"]
    if version_tuple(version) < version_tuple(floor):
        return [Finding("libc.glibc-old", WARNING,
                        f"glibc {version} is older than {floor}: wheels tagged manylinux_{floor.replace('.', '_')} "
                        f"(the default of current build tools) do not install here and are built from source",
                        {"libc": list(i.libc), "floor": floor},
                        (Fix(data["glibc_image"].format(minor=minor), f"a distribution with glibc {floor} or newer",
                             20),))]
    return []


def libc_layers(facts: Facts, target: Target | None) -> list[Layer]:
    i = facts.interpreter
    if not i.usable or target is None or target.os != "linux" or not i.libc:
        return []
    bad = any(f.severity == WARNING for f in libc_rules(facts, target))
    return [Layer("libc", f"{i.libc[0]} {i.libc[1]} ({target.platform_tag})", None, "os.confstr / libc_ver",
                  "mismatch" if bad else "match")]
