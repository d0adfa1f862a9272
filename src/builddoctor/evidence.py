"""Evidence: for each layer of a check, the read that established it (`check -v`, the markdown report).

A read is one entry of a snapshot's `reads` (the same keys a live `RecordingMachine` keeps): the
command and the output line that says the layer's value, or the file and the key. Pure: works on a
recorded machine as on a live run.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ._record import record
from .rules.model import Layer


@record
class Evidence:
    layer: str
    read: str  # the read's key: "run [\"rustc\", \"-vV\"]", "read_head PATH", "native_machine" ...
    line: str  # the relevant part of its answer


# layer name -> (a substring of the read key, the key or line prefix inside its answer)
_WHERE: dict[str, tuple[str, str]] = {
    "interpreter platform": ("run python-probe", '"platform"'),
    "platform_machine marker": ("run python-probe", '"platform_machine"'),
    "rustc host": ('"-vV"]', "host:"),
    "rustup default host": ('"show"]', "Default host:"),
    "rust targets installed": ('"--installed"]', ""),
    "CARGO_BUILD_TARGET": ("env", '"CARGO_BUILD_TARGET"'),
}
_HOST_READS = ("native_machine", "proc_translated", "uname_machine")
_MAX = 160
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")


def _answer(value: Any) -> str:
    if isinstance(value, dict) and ("stdout" in value or "returncode" in value):
        out = f"{value.get('stdout') or ''}{value.get('stderr') or ''}"
        return out if out.strip() else f"exit {value.get('returncode')} {value.get('error') or ''}".strip()
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX else text[: _MAX - 3] + "..."


def _find(answer: str, marker: str, needle: str) -> str | None:
    """The line (or the `"key": value` pair of a one-line JSON) that holds the layer's value."""
    if marker.startswith('"'):
        m = re.search(re.escape(marker) + r'\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)', answer)
        return f"{marker}: {m.group(1)}" if m else None
    for line in answer.splitlines():
        if marker and line.strip().startswith(marker):
            return line.strip()
        if not marker and needle and needle in line:
            return line.strip()
    if not marker:
        joined = ", ".join(x.strip() for x in answer.splitlines() if x.strip())
        return joined or None
    return None


def for_layer(layer: Layer, reads: Mapping[str, Any], exe: str = "") -> Evidence | None:
    needle = layer.says.split(" (", 1)[0].strip()
    if layer.name == "interpreter binary" and exe:
        key = f"read_head {exe}"
        if key in reads:
            return Evidence(layer.name, key, f"header: {layer.says}")
    if layer.name == "host CPU":
        for key in _HOST_READS:
            if reads.get(key) not in (None, ""):
                value = reads[key]
                shown = f"{value} (0x{value:04X})" if isinstance(value, int) and key == "native_machine" else value
                return Evidence(layer.name, key, f"{key} = {shown}")
    where = _WHERE.get(layer.name)
    if where is not None:
        part, marker = where
        for key in sorted(reads):
            if part in key:
                line = _find(_answer(reads[key]), marker, needle)
                if line:
                    return Evidence(layer.name, key, _short(line))
    prog = layer.source.split()[0] if layer.source.split() else ""
    if layer.source == "executable header":  # a program's own header (cmake binary ...)
        word = layer.says.split()[0] if layer.says.split() else ""
        head = next((k for k in sorted(reads) if k.startswith("read_head ") and word and word in k.lower()), None)
        if head:
            return Evidence(layer.name, head, f"header: {layer.says.split('(', 1)[-1].rstrip(')')}")
    if prog and any(w in layer.says for w in ("not found", "unparseable", "failed", "none installed")):
        looked = sorted(k for k in reads if prog in k and k.startswith(("which ", "is_file ", "run ")))
        for key in sorted(looked, key=lambda k: not k.startswith("run ")):
            value = reads[key]
            if key.startswith("run "):
                first = next((x.strip() for x in _answer(value).splitlines() if x.strip()), "")
                return Evidence(layer.name, key, _short(first or "no output"))
            if key.startswith("which ") and value is None:
                return Evidence(layer.name, key, "not on PATH")
            if key.startswith("is_file ") and value is False:
                return Evidence(layer.name, key, "no such file")
    var = next((v for v in (layer.source, layer.name) if _ENV_NAME.match(v)), None)
    env = reads.get("env")
    if var and isinstance(env, dict) and var in env:
        return Evidence(layer.name, "env", _short(f"{var}={env[var]}"))
    needles = [n for n in dict.fromkeys((needle, layer.says.rsplit(" -> ", 1)[-1].strip()))
               if len(n) >= 3 and n not in ("unknown", "not found", "none")]
    program = layer.says.split(" -> ", 1)[0].split()[0] if " -> " in layer.says else ""
    prog_re = re.compile(r'[\\/"]' + re.escape(program) + r'(\.exe)?"', re.I) if program else None
    source = layer.source.split()[0] if layer.source.split() else ""

    def score(key: str) -> tuple[bool, bool, bool, str]:
        # the program the layer names, then the read its source names, then commands (they say why)
        return (not (prog_re and prog_re.search(key)), not (source and source in key), not key.startswith("run "), key)

    for n in needles:
        for key in sorted(reads, key=score):
            answer = _answer(reads[key])
            if n not in answer:
                continue
            for line in answer.splitlines():
                if n in line:
                    m = re.search(r'"([A-Za-z_]+)":\s*"[^"]*' + re.escape(n), line) if len(line) > _MAX else None
                    return Evidence(layer.name, key, _short(m.group(0) + '"' if m else line))
    return None


def collect(layers: list[Layer], reads: Mapping[str, Any], exe: str = "") -> list[Evidence | None]:
    """One evidence (or None) per layer, in the layers' order."""
    return [for_layer(layer, reads, exe) for layer in layers]
