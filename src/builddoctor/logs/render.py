"""Text and JSON for `builddoctor diagnose`: the shape of `check`'s report, each fact with its log line."""
from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from ..machine.redact import Redactor
from ..report import _MARK, _SEV, _STYLE
from ..rules.model import ERROR, OK, WARNING, top_fixes
from .diagnose import JSON_SCHEMA, DiagnoseResult


class _Red:
    """The log's redactor (home folders, user names, secrets), plus this machine's home when live."""

    def __init__(self, result: DiagnoseResult) -> None:
        self.log = result.scanner.redactor
        home = os.path.expanduser("~") if result.source == "log+live" else ""
        self.machine = Redactor(home, None, None, windows=result.facts.os == "windows")

    def text(self, value: str) -> str:
        return self.log.text(self.machine.text(value))

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, tuple):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.deep(v) for k, v in value.items()}
        return value


def build_line(result: DiagnoseResult) -> str:
    log = result.facts.log
    parts = []
    if log.package:
        parts.append(f"{log.package} {log.package_version}".strip())
    if log.sdist:
        parts.append(f"from sdist {log.sdist}")
    tools = ", ".join(f"{k} {v}" for k, v in log.tools.items()
                      if k in ("maturin", "setuptools", "setuptools-rust", "scikit-build-core", "meson-python",
                               "meson", "cmake", "uv", "pip", "pyo3"))
    if log.backend:
        parts.append(f"backend {log.backend}")
    if tools:
        parts.append(f"with {tools}")
    return " ".join(parts)


def lines(result: DiagnoseResult) -> list[tuple[str, str]]:
    red = _Red(result)
    d, facts, log = result.diagnosis, result.facts, result.facts.log
    out: list[tuple[str, str]] = []
    extra = []
    if result.stats.truncated:
        extra.append(f"{result.stats.truncated} over-long lines cut")
    if result.stats.repaired:
        extra.append(f"{result.stats.repaired} lines of mojibake repaired")
    note = f"; {', '.join(extra)}" if extra else ""
    with_machine = {"log+replay": " + the recorded machine", "log+live": " + this machine"}.get(result.source, "")
    out.append(("bold", red.text(f"Log: {result.log_name}  ({log.lines} lines, {len(log.evidence.facts)} facts "
                                 f"read{note}){with_machine}")))
    build = build_line(result)
    if build:
        out.append(("", red.text(f"Build: {build}")))
    i = facts.interpreter
    if d.target is None:
        out.append(("bold", "Target: unknown (the log does not name the interpreter's architecture)"))
    else:
        if i.requested == "log":
            at = log.evidence.at("interpreter.exe_arches")
            who = f"{log.interpreter_key or i.executable or i.platform}" + (f" (log line {at[0]})" if at else "")
        else:
            who = f"{i.executable} ({i.implementation} {i.version})"
        out.append(("bold", red.text(f"Target: {d.target.describe()}  <- {who}")))
    out.append(("", ""))
    if d.layers:
        w1 = max([len(layer.name) for layer in d.layers] + [5])
        w2 = min(max([len(red.text(layer.says)) for layer in d.layers] + [4]), 52)
        out.append(("dim", f"  {'layer'.ljust(w1)}  {'says'.ljust(w2)}  {'arch'.ljust(8)}  {'status'.ljust(8)}  from"))
        for layer in d.layers:
            says = red.text(layer.says)
            says = says if len(says) <= w2 else says[: w2 - 3] + "..."
            mark = _MARK[layer.status]
            out.append((_STYLE.get(mark, ""), f"  {layer.name.ljust(w1)}  {says.ljust(w2)}  "
                                               f"{(layer.arch or '-').ljust(8)}  {mark.ljust(8)}  {layer.source}"))
        out.append(("", ""))
    else:
        out.append(("dim", "  (no layer facts found in the log)"))
        out.append(("", ""))
    for f in d.findings:
        out.append((_STYLE[f.severity], f"{_SEV[f.severity]}  {red.text(f.title)}  [{f.id}]"))
        if "line" in f.facts and "excerpt" in f.facts:
            out.append(("dim", red.text(f"         log line {f.facts['line']}: {f.facts['excerpt']}")))
        for fix in f.fixes[:3]:
            out.append(("", f"         fix: {red.text(fix.command)}"))
            out.append(("dim", f"              {red.text(fix.why)}"))
    errors = sum(f.severity == ERROR for f in d.findings)
    warnings = sum(f.severity == WARNING for f in d.findings)
    ranked = top_fixes(d.findings)
    if ranked and len(ranked[0][1]) > 1:
        out.append(("", ""))
        out.append(("bold", f"Fixes most at once: {red.text(ranked[0][0].command)}  ({', '.join(ranked[0][1])})"))
    out.append(("", ""))
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    out.append((_STYLE[ERROR] if errors else _STYLE[OK], summary + "  (builddoctor explain ID for details)"))
    return out


def render(result: DiagnoseResult, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    use_color = stream.isatty() and not os.environ.get("NO_COLOR")
    if not use_color:
        stream.write("\n".join(text for _, text in lines(result)) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for style, text in lines(result):
        console.print(Text(text, style=style or ""))


def to_json(result: DiagnoseResult) -> dict[str, Any]:
    from ..rules import to_json as diag_json

    d = diag_json(result.diagnosis)
    log = result.facts.log
    doc = {
        "schema": JSON_SCHEMA,
        "source": result.source,
        "log": {"name": result.log_name, "lines": log.lines, "bytes": result.stats.bytes,
                "truncated_lines": result.stats.truncated, "repaired_lines": result.stats.repaired,
                "undecodable_lines": result.stats.replaced},
        "build": {"package": log.package, "version": log.package_version, "sdist": log.sdist,
                  "backend": log.backend, "tools": dict(log.tools)},
        **d,
        "evidence": {path: {"line": line, "excerpt": text} for path, (line, text) in log.evidence.facts.items()},
        "facts": result.facts.to_json(),
    }
    for f in doc["findings"]:
        fd = f["facts"]
        f["evidence"] = {"line": fd["line"], "excerpt": fd.get("excerpt", "")} if "line" in fd else None
    out: dict[str, Any] = _Red(result).deep(doc)
    return out


def render_json(result: DiagnoseResult, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")
