"""PATH shadowing (issue 13, class 4): a program first on PATH that is not the one the build means
(Git's link.exe before MSVC's, a distro rustc before rustup's), or built for another arch than a
later one. Pure: facts in, findings out."""
from __future__ import annotations

import re

from .. import arch as archmod
from .._data import table
from .._regex import lazy
from ..facts import Facts
from ..target import Target
from .model import ERROR, WARNING, Finding, Fix, Layer
from .rustversion import _dir, rustup_bin, shadowing_rustc

_MSVC_BIN = lazy(r"[\\/]VC[\\/]Tools[\\/]MSVC[\\/]", re.I)


def prepend_path(os: str, folder: str) -> str:
    """A command that puts `folder` first on PATH; unquoted when it can be, so a leading ~ still expands."""
    if os == "windows":
        return f'$env:PATH = "{folder};" + $env:PATH'
    if re.fullmatch(r"[\w/.~+@-]+", folder):
        return f"export PATH={folder}:$PATH"
    return f'export PATH="{folder}:$PATH"'


def _prepend(facts: Facts, folder: str) -> str:
    return prepend_path(facts.os, folder)


def _drop(facts: Facts, folder: str) -> str:
    if facts.os == "windows":
        return f"$env:PATH = ($env:PATH -split ';' | Where-Object {{ $_.TrimEnd('\\') -ne '{folder}' }}) -join ';'"
    return f"export PATH=\"$(printf %s \"$PATH\" | tr ':' '\\n' | grep -vx '{folder}' | paste -sd: -)\""


def _impostor_rules(facts: Facts, target: Target | None) -> list[Finding]:
    out: list[Finding] = []
    by_name = {p.name: p for p in facts.path.programs}
    p = facts.project
    for imp in table("path-shadowing")["impostor"]:
        prog = by_name.get(imp["program"])
        if prog is None or facts.os not in imp["os"]:
            continue
        first = prog.candidates[0]
        banner = bool(prog.banner and re.search(imp["banner"], prog.banner, re.I))
        if not (re.search(imp["path"], first, re.I) or banner):
            continue
        if imp.get("when") == "msvc" and (target is None or target.os != "windows"):
            continue
        good = next((c for c in prog.candidates[1:] if _MSVC_BIN.search(c)), "")
        sev = ERROR if p and p.is_rust else WARNING
        then = f"the MSVC linker at {good}" if good else "found by rustc/cc-rs through Visual Studio"
        fixes = [Fix(_drop(facts, _dir(first)), f"removes {_dir(first)} from PATH for this shell, so "
                     f"{imp['program']} is {then}", 10)]
        if good:
            fixes.append(Fix(_prepend(facts, _dir(good)), "puts MSVC's linker first on PATH", 12))
        fixes.append(Fix(f'Rename-Item "{first}" {imp["program"]}-posix.exe' if facts.os == "windows"
                         else f"mv {first} {first}-posix",
                         f"keeps {first} from shadowing the linker for good (needs an administrator shell)", 20))
        out.append(Finding("path.shadowed", sev,
                           f"the first {imp['program']} on PATH is {first}: {imp['what']}; builds that link with "
                           f"MSVC fail with \"{imp['symptom']}\"",
                           {"program": imp["program"], "first": first, "candidates": list(prog.candidates)},
                           tuple(fixes)))
    return out


def _rustup_rules(facts: Facts) -> list[Finding]:
    shadow = shadowing_rustc(facts)
    if not shadow:
        return []
    bin_dir = rustup_bin(facts)
    return [Finding("path.rustc-shadowed", WARNING,
                    f"{shadow} comes before rustup's rustc ({bin_dir}) on PATH: rustup's toolchains, targets and "
                    "rust-toolchain.toml pins are ignored by cargo and maturin",
                    {"first": shadow, "rustup_bin": bin_dir},
                    (Fix(_prepend(facts, bin_dir), "rustup's proxies first, as rustup's installer sets it up", 5),))]


def _arch_rules(facts: Facts, target: Target | None) -> list[Finding]:
    if target is None:
        return []
    want = target.arch.name
    out: list[Finding] = []
    for prog in facts.path.programs:
        if not prog.arches or not prog.arches[0] or want in prog.arches[0]:
            continue
        if archmod.get(prog.arches[0][0]).compat32 == want and prog.name not in ("cc", "gcc", "clang"):
            continue
        good = next((c for c, a in zip(prog.candidates[1:], prog.arches[1:]) if want in a), "")
        if not good:
            continue
        first = prog.candidates[0]
        out.append(Finding("path.arch-shadowed", WARNING,
                           f"the first {prog.name} on PATH, {first}, is an {'+'.join(prog.arches[0])} program; "
                           f"{good} ({want}, like this Python) comes later",
                           {"program": prog.name, "first": first, "first_arches": list(prog.arches[0]),
                            "better": good},
                           (Fix(_prepend(facts, _dir(good)), f"finds the {want} {prog.name} first", 10),
                            Fix(_drop(facts, _dir(first)), f"drops {_dir(first)} from PATH for this shell", 15))))
    return out


def path_shadow_rules(facts: Facts, target: Target | None) -> list[Finding]:
    return _impostor_rules(facts, target) + _rustup_rules(facts) + _arch_rules(facts, target)


def path_shadow_layers(facts: Facts, target: Target | None) -> list[Layer]:
    out: list[Layer] = []
    names = {f.facts.get("program") for f in path_shadow_rules(facts, target)}
    if shadowing_rustc(facts):
        names.add("rustc")
    for prog in facts.path.programs:
        if prog.name in names:
            arch = "+".join(prog.arches[0]) if prog.arches and prog.arches[0] else None
            out.append(Layer(f"first {prog.name} on PATH", prog.candidates[0], arch, "PATH order", "mismatch"))
    return out
