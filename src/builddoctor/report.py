"""Render a check result for a person (rich when on a terminal, plain otherwise) or as JSON."""
from __future__ import annotations

import json
import os
import sys

from .check import CheckResult, to_json
from .machine.redact import Redactor, printable, printable_deep
from .rules.model import ERROR, OK, WARNING, top_fixes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

_MARK = {"match": "ok", "mismatch": "MISMATCH", "unknown": "?", "absent": "-"}
_SEV = {ERROR: "error", WARNING: "warn ", OK: "ok   "}
_STYLE = {ERROR: "bold red", WARNING: "yellow", OK: "green", "MISMATCH": "bold red", "ok": "green"}


def _display(result: CheckResult) -> Redactor:
    """Show the home folder as ~ so a live run and a replay of its snapshot read the same."""
    home = os.path.expanduser("~") if result.source == "live" else ""
    return Redactor(home, None, None, windows=result.facts.os == "windows")


def lines(result: CheckResult, verbose: int = 0) -> list[tuple[str, str]]:
    """(style, text) lines; style "" means plain. `verbose`: each layer's evidence (needs result.reads)."""
    d, facts = result.diagnosis, result.facts
    red = _display(result)
    out: list[tuple[str, str]] = []
    i = facts.interpreter
    who = f"{i.executable} ({i.implementation} {i.version})" if i.usable else i.requested
    target = d.target.headline() if d.target else "unknown"
    out.append(("bold", red.text(f"Target: {target}  <- {who}")))
    if d.target is not None and d.target.origin != "interpreter":
        out.append(("dim", red.text(f"        target: {d.target.origin}")))
    out.append(("", ""))
    w1 = max([len(layer.name) for layer in d.layers] + [5])
    w2 = min(max([len(red.text(layer.says)) for layer in d.layers] + [4]), 60)
    out.append(("dim", f"  {'layer'.ljust(w1)}  {'says'.ljust(w2)}  {'arch'.ljust(11)}  status"))
    evidence: list[Any] = [None] * len(d.layers)
    if verbose and result.reads is not None:
        from .evidence import collect

        evidence = collect(d.layers, result.reads, i.executable)
    for layer, ev in zip(d.layers, evidence):
        says = red.text(layer.says)
        says = says if len(says) <= w2 else says[: w2 - 3] + "..."
        mark = _MARK[layer.status]
        out.append((_STYLE.get(mark, ""),
                    f"  {layer.name.ljust(w1)}  {says.ljust(w2)}  {(layer.arch or '-').ljust(11)}  {mark}"))
        if verbose:
            where = f"{red.text(ev.read)}: {red.text(ev.line)}" if ev else f"{layer.source} (no recorded read)"
            out.append(("dim", f"  {''.ljust(w1)}  <- {where}"))
    out.append(("", ""))
    for f in d.findings:
        out.append((_STYLE[f.severity], f"{_SEV[f.severity]}  {red.text(f.title)}  [{f.id}]"))
        for fix in f.fixes[:3]:
            out.append(("", f"         fix: {red.text(fix.command)}"))
            out.append(("dim", f"              {red.text(fix.why)}"))
    errors = sum(f.severity == ERROR for f in d.findings)
    warnings = sum(f.severity == WARNING for f in d.findings)
    ranked = top_fixes(d.findings)
    if ranked and ranked[0][1] and len(ranked[0][1]) > 1:
        out.append(("", ""))
        out.append(("bold", f"Fixes most at once: {red.text(ranked[0][0].command)}  ({', '.join(ranked[0][1])})"))
    out.append(("", ""))
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if result.ignored:
        summary += f", {len(result.ignored)} ignored ({', '.join(result.ignored)})"
    out.append((_STYLE[ERROR] if errors else _STYLE[OK], summary + "  (builddoctor explain ID for details)"))
    return out


def render(result: CheckResult, stream: IO[str] | None = None, verbose: int = 0) -> None:
    stream = stream or sys.stdout
    use_color = stream.isatty() and not os.environ.get("NO_COLOR")
    if not use_color:
        stream.write("\n".join(printable(text) for _, text in lines(result, verbose)) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for style, text in lines(result, verbose):
        console.print(Text(printable(text), style=style or ""))


def render_json(result: CheckResult, stream: IO[str] | None = None, extra: dict[str, Any] | None = None) -> None:
    stream = stream or sys.stdout
    raw = {**to_json(result), **(extra or {})}
    if result.ignored:
        raw["ignored"] = list(result.ignored)
    doc: Any = printable_deep(_display(result).deep(raw))
    stream.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
