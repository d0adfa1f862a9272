"""The target's sysconfig data for a Linux cross build, made the way crossenv does.

crossenv (https://github.com/benfogle/crossenv) lets a build interpreter describe another target by
loading a _sysconfigdata module made for it, named in _PYTHON_SYSCONFIGDATA_NAME (CPython's
sysconfig reads that variable to choose the module). Here the module is the build interpreter's own
build_time_vars with the arch-specific values replaced from toolchains/cross.toml: the multiarch
tuple and GNU type (so EXT_SUFFIX and SOABI name the target), the compilers and archiver (the
target's cross gcc), and CPU-specific flags dropped. Everything else (paths, sizes) is the build
interpreter's, which is why the plan requires both to share pointer width and byte order.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._data import table
from ..errors import EXIT_PROJECT, UserError

#: stands for the folder holding the generated module until the staging folder exists
BUILD_SYSCONFIG = "<target sysconfig>"

_DUMP = ("import json, sys, sysconfig\n"
         "name = sysconfig._get_sysconfigdata_name()\n"
         "m = __import__(name, fromlist=['build_time_vars'])\n"
         "sys.stdout.write(json.dumps({'name': name, 'vars': m.build_time_vars}))\n")


@dataclass(frozen=True)
class SysconfigPlan:
    """How to turn the build interpreter's sysconfig data into the target's (pure data)."""

    replace: tuple[tuple[str, str], ...]  # substrings in every value: host tuple -> target tuple ...
    prefix: str  # the cross gcc prefix: aarch64-linux-gnu
    host_prefix: str  # the build machine's own: x86_64-linux-gnu

    def module_name(self, host_name: str) -> str:
        out = host_name
        for old, new in self.replace:
            out = out.replace(old, new)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"replace": [list(p) for p in self.replace], "prefix": self.prefix}


def sysconfig_plan(host_arch: str, target_arch: str) -> SysconfigPlan | None:
    rows = table("cross")["linux"]
    host, target = rows.get(host_arch), rows.get(target_arch)
    if host is None or target is None:
        return None
    pairs = ((host["multiarch"], target["multiarch"]), (host["gnu_type"], target["gnu_type"]))
    return SysconfigPlan(pairs, target["gcc_prefix"], host["gcc_prefix"])


def target_vars(host_vars: Mapping[str, Any], plan: SysconfigPlan) -> dict[str, Any]:
    """The target's build_time_vars: pure, from the build interpreter's."""
    data = table("cross")["sysconfigdata"]
    drop = tuple(data["drop_flag_prefixes"])
    programs: Mapping[str, str] = data["programs"]
    out: dict[str, Any] = {}
    for key, value in host_vars.items():
        out[key] = _retarget_value(key, value, plan, drop, programs) if isinstance(value, str) else value
    return out


def _retarget_value(key: str, value: str, plan: SysconfigPlan, drop: tuple[str, ...],
                    programs: Mapping[str, str]) -> str:
    for old, new in plan.replace:
        value = value.replace(old, new)
    words = value.split(" ")
    if any(w.startswith(drop) for w in words):
        value = " ".join(w for w in words if not w.startswith(drop))
    if key in programs and value.strip():
        value = _retool(value, programs[key], plan)
    return value


def _retool(value: str, tool: str, plan: SysconfigPlan) -> str:
    words = value.split()
    first = os.path.basename(words[0])
    known = {tool, "cc", "c++", "gcc", "g++", "ar", "cpp", f"{plan.host_prefix}-{tool}"}
    if first in known or re.match(rf"^{re.escape(plan.host_prefix)}-", first):
        words[0] = f"{plan.prefix}-{tool}"
    return " ".join(words)


def write_target_sysconfig(python: str, folder: Path, plan: SysconfigPlan, env: Mapping[str, str]) -> str:
    """Dump the build interpreter's sysconfig data, write the target's module into `folder`; its name."""
    from ..proc import run

    clean = {k: v for k, v in env.items() if k not in ("_PYTHON_SYSCONFIGDATA_NAME", "_PYTHON_HOST_PLATFORM",
                                                        "PYTHONPATH", "PYTHONHOME")}
    result = run([python, "-I", "-c", _DUMP], timeout=60, env=clean)
    try:
        doc = json.loads(result.stdout) if result.ok else None
    except json.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("vars"), dict) or not isinstance(doc.get("name"), str):
        why = result.error or f"exit {result.returncode}"
        raise UserError(f"{python} did not describe its sysconfig data ({why})",
                        exit_code=EXIT_PROJECT)
    name = plan.module_name(doc["name"])
    if not re.match(r"^_sysconfigdata_[A-Za-z0-9_\-]*$", name):
        raise UserError(f"refusing sysconfig module name {name!r}", exit_code=EXIT_PROJECT)
    folder.mkdir(parents=True, exist_ok=True)
    text = ("# Generated by builddoctor for a cross build (crossenv-style): the build interpreter's\n"
            "# sysconfig data with the target's tuple, compilers and flags.\n"
            f"build_time_vars = {json.dumps(target_vars(doc['vars'], plan), indent=1, sort_keys=True)}\n")
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return name
