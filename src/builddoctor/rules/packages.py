"""Distribution package fixes from toolchains/system-packages.toml (Debian/Ubuntu, Fedora, Alpine, Arch, Homebrew):
the one place an install command is rendered (its spelling is decided in that file's header)."""
from __future__ import annotations

from .._data import table
from ..facts import Facts
from .model import Fix


def family(facts: Facts) -> str:
    """The package family of the machine ("" when unknown)."""
    data = table("system-packages")["families"]
    t = facts.toolchain
    for word in (t.distro, *t.distro_like):
        if word in data:
            return str(data[word])
    return "homebrew" if facts.os == "macos" else ""


def package_names(facts: Facts, ingredients: list[str], fam: str | None = None) -> list[str]:
    fam = family(facts) if fam is None else fam
    minor = ".".join(facts.interpreter.version.split(".")[:2]) or "3"
    pkgs = table("system-packages")["packages"]
    out: list[str] = []
    for ingredient in ingredients:
        name = (pkgs.get(ingredient) or {}).get(fam)
        if name:
            name = str(name).replace("{minor}", minor)
            if name not in out:
                out.append(name)
    return out


def install_command(fam: str, names: list[str]) -> str | None:
    """The family's install command (system-packages.toml [install]) for these package names."""
    command = table("system-packages")["install"].get(fam)
    return str(command).format(packages=" ".join(names)) if command and names else None


#: a family's label, said when a Linux machine's distribution is unknown and Debian's names are shown
_ASSUMED = {"debian": "Debian/Ubuntu"}


def install_fix(facts: Facts, ingredients: list[str], why: str, rank: int = 20,
                assume: str = "") -> Fix | None:
    """The family's install command for the ingredients; None when unknown. `assume`: the family to
    name (and say so) on a Linux machine whose distribution is unknown."""
    fam, why = _family_or(facts, assume, why)
    names = package_names(facts, ingredients, fam)
    command = install_command(fam, names)
    return Fix(command, why, rank) if command else None


def cross_compiler_fix(facts: Facts, arch: str, why: str, rank: int = 20, only_libc: bool = False) -> Fix | None:
    """The packages of a cross C compiler (and its C library) for `arch`; None when none is known."""
    fam, why = _family_or(facts, "debian", why)
    pair = table("system-packages")["cross_c_compiler"].get(fam, {}).get(arch)
    command = install_command(fam, [str(n) for n in (pair[1:] if only_libc else pair)]) if pair else None
    return Fix(command, why, rank) if command else None


def winget_command(name: str, **fmt: str) -> str:
    return str(table("system-packages")["winget"][name]).format(**fmt)


def _family_or(facts: Facts, assume: str, why: str) -> tuple[str, str]:
    fam = family(facts)
    if not fam and assume and facts.os == "linux":
        return assume, f"{why} ({_ASSUMED.get(assume, assume)})" if why else why
    return fam, why


def has_c_compiler(facts: Facts) -> bool:
    """A cc, gcc or clang on PATH (from the PATH scan or the compiler probe)."""
    if any(p.name in ("cc", "gcc", "clang") for p in facts.path.programs):
        return True
    return any(c.source == "PATH" and c.path and c.command in ("cc", "gcc", "clang") for c in facts.cc.compilers)
