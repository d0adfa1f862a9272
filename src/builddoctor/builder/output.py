"""Reading a backend's output: its current step for the progress line, and the line that names a failure.

Patterns live in toolchains/build-output.toml, each with its source.
"""
from __future__ import annotations

import functools
import re

from .._data import table
from .._record import record


@record
class StepPattern:
    tool: str
    label: str
    regex: re.Pattern[str]


@functools.cache
def step_patterns() -> tuple[StepPattern, ...]:
    return tuple(StepPattern(s["tool"], s["label"], re.compile(s["pattern"])) for s in table("build-output")["step"])


@functools.cache
def error_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(e["pattern"]) for e in table("build-output")["error"])


def step_of(line: str) -> str | None:
    """`cargo: Compiling pyo3 v0.22.0`, `cmake: at 42%`, `setuptools: building 'ext'`, or None."""
    for p in step_patterns():
        m = p.regex.search(line)
        if m:
            detail = next((g for g in m.groups() if g), "")
            return f"{p.tool}: {p.label} {detail}".rstrip()
    return None


def is_error(line: str) -> bool:
    return any(p.search(line) for p in error_patterns())


def wheel_platform(sysconfig_platform: str) -> str:
    """The platform tag a PEP 517 backend writes without a repair step: sysconfig's, normalized.

    (setuptools' bdist_wheel and maturin's default `--compatibility off` both do this; manylinux
    tags come from auditwheel / maturin --compatibility, not from a plain build.)
    """
    return re.sub(r"[^A-Za-z0-9_]", "_", sysconfig_platform) if sysconfig_platform else ""
