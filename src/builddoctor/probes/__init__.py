"""Run every probe concurrently against one machine."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..facts import Facts
from ..machine import Machine
from .host import probe_host
from .interpreter import probe_interpreter
from .project import probe_project
from .rust import probe_rust

#: Extra probes (name -> fn(machine, project_dir)) registered by other layers: "cc", "msvc", "cmake".
EXTRA_PROBES: dict[str, Callable[[Machine, str | None], Any]] = {}


def probe_all(machine: Machine, python: str | None, project: str | None) -> Facts:
    with ThreadPoolExecutor(max_workers=4 + len(EXTRA_PROBES)) as pool:
        interp = pool.submit(probe_interpreter, machine, python)
        host = pool.submit(probe_host, machine)
        rust = pool.submit(probe_rust, machine, project)
        proj = pool.submit(probe_project, machine, project) if project else None
        extra = {name: pool.submit(fn, machine, project) for name, fn in EXTRA_PROBES.items()}
        return Facts(
            os=machine.os,
            interpreter=interp.result(),
            host=host.result(),
            rust=rust.result(),
            project=proj.result() if proj else None,
            **{name: f.result() for name, f in extra.items()},
        )
