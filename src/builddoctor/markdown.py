"""`check --markdown`: one block to paste into an issue tracker (GitHub, GitLab, Gitea render it).

It answers a maintainer's first questions without a round trip: versions, the target, every layer
beside it, the findings with their fixes, the evidence (collapsed), and how to attach the snapshot.
Redacted like a snapshot: the home folder is `~`, the user and host names are replaced, secrets masked.
"""
from __future__ import annotations

import getpass
import os
import socket
from typing import TYPE_CHECKING

from . import __version__
from .machine.redact import Redactor
from .rules.model import ERROR, OK, WARNING, top_fixes

if TYPE_CHECKING:
    from .check import CheckResult

_STATUS = {"match": "ok", "mismatch": "**MISMATCH**", "unknown": "?", "absent": "-"}
_SEV = {ERROR: "error", WARNING: "warning", OK: "ok"}


def redactor(result: CheckResult) -> Redactor:
    """A live run hides its own home, user and host names; a replay was redacted when recorded."""
    windows = result.facts.os == "windows"
    if result.source != "live":
        return Redactor("", None, None, windows=windows)
    try:
        user: str | None = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = os.environ.get("USERNAME") or os.environ.get("USER")
    return Redactor(os.path.expanduser("~"), user, socket.gethostname(), windows=windows)


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped, no raw HTML."""
    text = " ".join(str(text).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;") or " "


def code(text: str) -> str:
    """An inline code span that survives backticks inside the text."""
    text = " ".join(str(text).split())
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _versions(result: CheckResult) -> list[tuple[str, str]]:
    f = result.facts
    i, r = f.interpreter, f.rust
    rows = [("builddoctor", __version__), ("OS", f"{f.os}, host CPU {f.host.arch or 'unknown'} ({f.host.source})")]
    if i.usable:
        rows.append(("Python", f"{i.implementation} {i.version} at {i.executable}, {i.platform}"
                               f"{', free-threaded' if i.free_threaded else ''}{', venv' if i.in_venv else ''}"))
    else:
        rows.append(("Python", f"unusable: {i.error_detail}"))
    if i.backends:
        rows.append(("build backends", ", ".join(f"{k} {v}" for k, v in sorted(i.backends.items()))))
    if r.rustc or r.rustup:
        parts = [p for p in (r.rustc_version and f"rustc {r.rustc_version}",
                             r.cargo_version and f"cargo {r.cargo_version}",
                             r.rustup_version and f"rustup {r.rustup_version}",
                             r.active_toolchain and f"toolchain {r.active_toolchain}") if p]
        rows.append(("Rust", ", ".join(parts) or "found, version unknown"))
    cm = f.cmake
    if cm is not None and cm.cmake:
        rows.append(("CMake", f"{cm.version or '?'}" + (f", ninja {cm.ninja_version}" if cm.ninja_version else "")))
    msvc = f.msvc
    if msvc is not None and msvc.installs:
        rows.append(("Visual Studio", "; ".join(f"{x.name or x.product} {x.display_version or x.version}"
                                                for x in msvc.installs)))
    cc = f.cc
    if cc is not None and cc.compilers:
        rows.append(("C compilers", ", ".join(f"{c.command} -> {c.target or '?'}" for c in cc.compilers[:4])))
    p = f.project
    if p is not None:
        rows.append(("project", f"{p.kind or 'unknown kind'} ({p.backend or 'no build-backend'})"))
    return rows


def render_markdown(result: CheckResult, *, snapshot_name: str | None = None) -> str:
    """The issue-tracker block. `snapshot_name`: the snapshot file just written, to name in the last line."""
    from .evidence import collect

    red = redactor(result)
    d = result.diagnosis
    i = result.facts.interpreter
    out: list[str] = []
    errors = sum(f.severity == ERROR for f in d.findings)
    warnings = sum(f.severity == WARNING for f in d.findings)
    target = d.target.describe() if d.target else "unknown"
    out.append(f"### builddoctor check: {errors} error{'s' * (errors != 1)}, "
               f"{warnings} warning{'s' * (warnings != 1)}")
    out.append("")
    who = f"{i.executable}" if i.usable else i.requested
    replayed = "" if result.source == "live" else f" (replayed from {code(red.text(os.path.basename(result.source)))})"
    out.append(f"**Target:** {cell(red.text(target))} for {code(red.text(who or '?'))}{replayed}")
    out.append("")
    out.append("| | version |")
    out.append("| --- | --- |")
    for name, value in _versions(result):
        out.append(f"| {cell(name)} | {cell(red.text(value))} |")
    out.append("")
    out.append("#### Layers")
    out.append("")
    out.append("| layer | says | arch | status |")
    out.append("| --- | --- | --- | --- |")
    for layer in d.layers:
        out.append(f"| {cell(layer.name)} | {cell(red.text(layer.says))} | {cell(layer.arch or '-')} | "
                   f"{_STATUS[layer.status]} |")
    out.append("")
    out.append("#### Findings and fixes")
    out.append("")
    shown = [f for f in d.findings if f.severity != OK]
    if not shown:
        out.append("No problems found.")
    for f in shown:
        out.append(f"- **{_SEV[f.severity]}** {cell(red.text(f.title))} ({code(f.id)})")
        for fix in f.fixes[:3]:
            out.append(f"  - fix: {code(red.text(fix.command))}: {cell(red.text(fix.why))}")
    ranked = top_fixes(d.findings)
    if ranked and len(ranked[0][1]) > 1:
        out.append("")
        out.append(f"**Fixes most at once:** {code(red.text(ranked[0][0].command))} "
                   f"({', '.join(ranked[0][1])})")
    if result.ignored:
        out.append("")
        out.append(f"{len(result.ignored)} finding{'s' * (len(result.ignored) != 1)} ignored: "
                   + ", ".join(code(x) for x in result.ignored))
    if result.reads is not None:
        out.append("")
        out.append("<details><summary>Evidence: the read behind each layer</summary>")
        out.append("")
        out.append("| layer | read | says |")
        out.append("| --- | --- | --- |")
        for layer, ev in zip(d.layers, collect(d.layers, result.reads, i.executable)):
            if ev is None:
                out.append(f"| {cell(layer.name)} | {cell(layer.source)} | (no recorded read) |")
            else:
                out.append(f"| {cell(layer.name)} | {code(red.text(ev.read))} | {code(red.text(ev.line))} |")
        out.append("")
        out.append("</details>")
    out.append("")
    if snapshot_name:
        out.append(f"Snapshot: attach {code(os.path.basename(snapshot_name))} (written by "
                   f"`builddoctor snapshot`; redacted) so maintainers can run "
                   f"{code('builddoctor check --replay ' + os.path.basename(snapshot_name))}.")
    else:
        out.append("Snapshot: run `builddoctor snapshot -o builddoctor-snapshot.json` and attach the file "
                   "(redacted: no user or host names, no secrets); maintainers replay it with "
                   "`builddoctor check --replay builddoctor-snapshot.json`.")
    return "\n".join(out) + "\n"
