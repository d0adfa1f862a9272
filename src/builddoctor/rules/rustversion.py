"""Rust toolchain version vs the minimums (issue 13, class 3): the package's rust-version, its edition,
the rust-version of locked crates cargo already downloaded. Pure: facts in, findings out."""
from __future__ import annotations

from .._data import table
from ..facts import Facts, version_tuple
from ..target import Target
from .model import ERROR, WARNING, Finding, Fix, Layer


def _dir(path: str) -> str:
    """The path without its last component ("a/b/Cargo.toml" -> "a/b"); unchanged without one."""
    cut = max(path.rfind("/"), path.rfind("\\"))
    return path[:cut] if 0 <= cut < len(path) - 1 else path


def minimum(facts: Facts) -> tuple[str, str]:
    """(the highest minimum rustc, what asks for it); ("", "") when nothing does."""
    c = facts.crates
    asks: list[tuple[str, str]] = []
    if c.rust_version:
        asks.append((c.rust_version, f"rust-version of {c.package or 'the package'} ({c.manifest})"))
    edition = table("rust-minimums")["edition"].get(c.edition)
    if edition:
        asks.append((edition, f"edition {c.edition} of {c.package or 'the package'}"))
    for name, version, rv in c.crate_minimums:
        asks.append((rv, f"rust-version of the locked crate {name} {version}"))
    if not asks:
        return "", ""
    return max(asks, key=lambda a: version_tuple(a[0]))


def rustup_bin(facts: Facts) -> str:
    return _dir(facts.rust.rustup) if facts.rust.rustup else ""


def shadowing_rustc(facts: Facts) -> str:
    """The non-rustup rustc first on PATH while rustup's proxy comes later ("" when none)."""
    bin_dir = rustup_bin(facts)
    prog = next((p for p in facts.path.programs if p.name == "rustc"), None)
    if not bin_dir or prog is None or len(prog.candidates) < 2:
        return ""
    first = prog.candidates[0]
    later = any(_dir(c) == bin_dir for c in prog.candidates[1:])
    return first if _dir(first) != bin_dir and later else ""


def rust_version_rules(facts: Facts, target: Target | None) -> list[Finding]:
    r = facts.rust
    needed, why = minimum(facts)
    if not needed or not r.rustc_version:
        return []
    have = version_tuple(r.rustc_version.split("-")[0])
    if have >= version_tuple(needed):
        return []
    p = facts.project
    sev = ERROR if p and (p.is_rust or p.has_cargo_toml) else WARNING
    fixes: list[Fix] = []
    shadow = shadowing_rustc(facts)
    if shadow:
        from .pathshadow import prepend_path

        fixes.append(Fix(prepend_path(facts.os, rustup_bin(facts)),
                         f"rustup's rustc comes after {shadow} on PATH; put rustup's first", 5))
    if r.rustup:
        pinned = r.project_toolchain
        fixes.append(Fix(f"rustup toolchain install {pinned}" if pinned and version_tuple(pinned) else
                         "rustup update stable", f"rustc {needed} or newer", 10))
    else:
        data = table("rust-minimums")["rustup"]
        fixes.append(Fix(data["install_windows" if facts.os == "windows" else "install_posix"],
                         f"installs rustup and the current stable Rust (this rustc {r.rustc_version} at {r.rustc} is "
                         "not managed by rustup and is too old)", 10))
    title = (f"rustc {r.rustc_version} is older than {needed}, the {why}: cargo stops with \"requires rustc "
             f"{needed} or newer\"")
    return [Finding("rust.too-old", sev, title,
                    {"rustc": r.rustc, "rustc_version": r.rustc_version, "needed": needed, "asked_by": why},
                    tuple(fixes))]


def rust_version_layers(facts: Facts, target: Target | None) -> list[Layer]:
    needed, why = minimum(facts)
    r = facts.rust
    if not needed or not r.rustc:
        return []
    ok = bool(r.rustc_version) and version_tuple(r.rustc_version.split("-")[0]) >= version_tuple(needed)
    return [Layer("rustc version", f"{r.rustc_version or '?'} (needs >= {needed})", None, why,
                  "match" if ok else "mismatch" if r.rustc_version else "unknown")]
