"""Run every probe concurrently against one machine."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..facts import Facts, ProjectFacts, RustFacts
from ..machine import Machine
from .host import probe_host
from .interpreter import probe_interpreter
from .project import probe_project
from .rust import probe_rust

#: Extra probes (name -> fn(machine, project_dir)) registered by other layers: "cc", "msvc", "cmake".
EXTRA_PROBES: dict[str, Callable[[Machine, str | None], Any]] = {}


def needs_rust(project: ProjectFacts | None) -> bool:
    """Whether building `project` may compile Rust (unknown projects may)."""
    return project is None or project.is_rust or project.has_cargo_toml or project.kind in ("", "unknown")


def probe_all(machine: Machine, python: str | None, project: str | None, *, rust_if_needed: bool = False) -> Facts:
    """Every probe, concurrently. With `rust_if_needed` (builds), the project is read first and the
    Rust probes (about eight processes) run only for a project that may compile Rust."""
    proj_facts = probe_project(machine, project) if project and rust_if_needed else None
    skip_rust = rust_if_needed and not needs_rust(proj_facts)
    with ThreadPoolExecutor(max_workers=4 + len(EXTRA_PROBES)) as pool:
        interp = pool.submit(probe_interpreter, machine, python)
        host = pool.submit(probe_host, machine)
        rust = None if skip_rust else pool.submit(probe_rust, machine, project)
        proj = pool.submit(probe_project, machine, project) if project and proj_facts is None else None
        extra = {name: pool.submit(fn, machine, project) for name, fn in EXTRA_PROBES.items()}
        return Facts(
            os=machine.os,
            interpreter=interp.result(),
            host=host.result(),
            rust=rust.result() if rust else RustFacts(),
            project=proj.result() if proj else proj_facts,
            **{name: f.result() for name, f in extra.items()},
        )
