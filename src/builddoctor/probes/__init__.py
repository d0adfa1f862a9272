"""Run every probe concurrently against one machine.

`PROBES` is THE list of fact groups besides the interpreter, host, Rust and project ones: each
name is a field of `facts.Facts`, each function reads only through the `Machine` it is given.
Add a fact group by adding its type to facts.py, its probe module here and its rules to
rules/__init__.py's `RULES` / `LAYERS`.
"""
from __future__ import annotations

from .._parallel import start
from ..facts import Facts, ProjectFacts, RustFacts
from ..machine import Machine
from .cc import probe_cc
from .cmake import probe_cmake
from .host import probe_host
from .interpreter import probe_interpreter
from .msvc import probe_msvc
from .project import probe_project
from .rust import probe_rust

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: fact group name (a field of Facts) -> probe(machine, project_dir), in the order they start
PROBES: dict[str, Callable[[Machine, str | None], Any]] = {
    "msvc": probe_msvc,
    "cc": probe_cc,
    "cmake": probe_cmake,
}


def needs_rust(project: ProjectFacts | None) -> bool:
    """Whether building `project` may compile Rust (unknown projects may)."""
    return project is None or project.is_rust or project.has_cargo_toml or project.kind in ("", "unknown")


def probe_all(machine: Machine, python: str | None, project: str | None, *, rust_if_needed: bool = False) -> Facts:
    """Every probe, all started at once, the slowest first (the interpreter describing itself, then
    rustup). With `rust_if_needed` (builds), the project is read first and the Rust probes run only
    for a project that may compile Rust. A replay machine runs them one after another."""
    proj_facts = probe_project(machine, project) if project and rust_if_needed else None
    skip_rust = rust_if_needed and not needs_rust(proj_facts)
    par = machine.concurrent
    interp = start(probe_interpreter, machine, python, concurrent=par)
    rust = None if skip_rust else start(probe_rust, machine, project, concurrent=par)
    extra = {name: start(fn, machine, project, concurrent=par) for name, fn in PROBES.items()}
    proj = start(probe_project, machine, project, concurrent=par) if project and proj_facts is None else None
    host = start(probe_host, machine, concurrent=par)
    return Facts(
        os=machine.os,
        interpreter=interp(),
        host=host(),
        rust=rust() if rust else RustFacts(),
        project=proj() if proj else proj_facts,
        **{name: join() for name, join in extra.items()},
    )
