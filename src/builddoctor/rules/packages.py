"""Distribution package fixes from toolchains/system-packages.toml (Debian/Ubuntu, Fedora, Alpine, Arch, Homebrew)."""
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


def package_names(facts: Facts, ingredients: list[str]) -> list[str]:
    fam = family(facts)
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


def install_fix(facts: Facts, ingredients: list[str], why: str, rank: int = 20) -> Fix | None:
    """`apt-get install ...` (or the family's own command) for the ingredients; None when unknown."""
    fam = family(facts)
    names = package_names(facts, ingredients)
    command = table("system-packages")["install"].get(fam)
    if not names or not command:
        return None
    return Fix(command.format(packages=" ".join(names)), why, rank)


def has_c_compiler(facts: Facts) -> bool:
    """A cc, gcc or clang on PATH (from the PATH scan or the compiler probe)."""
    if any(p.name in ("cc", "gcc", "clang") for p in facts.path.programs):
        return True
    return any(c.source == "PATH" and c.path and c.command in ("cc", "gcc", "clang") for c in facts.cc.compilers)
