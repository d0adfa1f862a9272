"""Run every probe concurrently against one machine.

`PROBES` is THE list of fact groups besides the interpreter, host, Rust and project ones: each
name is a field of `facts.Facts`, each function reads only through the `Machine` it is given.
Add a fact group by adding its type to facts.py, its probe module here and its rules to
rules/__init__.py's `RULES` / `LAYERS`.
"""
from __future__ import annotations

from .._parallel import start
from .._record import replace
from ..facts import Facts, InterpreterFacts, ProjectFacts, RustFacts
from ..machine import Machine
from ..machine.base import CacheMiss
from .cc import probe_cc
from .cmake import probe_cmake
from .crates import probe_crates
from .cross import probe_binaries, probe_cross
from .host import probe_host
from .interpreter import probe_interpreter
from .msvc import probe_msvc
from .nativelibs import probe_native_libs
from .pathscan import probe_path
from .project import probe_project
from .rust import probe_rust
from .toolchain import probe_toolchain
from .tools import probe_tools

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

#: fact group name (a field of Facts) -> probe(machine, project_dir), in the order they start
PROBES: dict[str, Callable[[Machine, str | None], Any]] = {
    "msvc": probe_msvc,
    "cc": probe_cc,
    "cmake": probe_cmake,
    "cross": probe_cross,
    "native_libs": probe_native_libs,
    "crates": probe_crates,
    "path": probe_path,
}

#: fact groups that need the others first (the interpreter's packages and tags): name -> fn(machine, project,
#: facts so far, isolated), run after PROBES, in this order; `isolated` is the build's own answer when it
#: has one (`build --no-isolation`), else None (read from the environment)
LATE_PROBES: dict[str, Callable[[Machine, str | None, Facts, bool | None], Any]] = {
    "tools": probe_tools,
    "binaries": probe_binaries,  # the real rustc/cargo of rustup's active toolchain
}

#: fact groups that need the interpreter's own facts: probe(machine, project_dir, interpreter facts);
#: each starts as soon as the interpreter has described itself, concurrently with the rest
AFTER_INTERPRETER: dict[str, Callable[[Machine, str | None, InterpreterFacts], Any]] = {
    "toolchain": probe_toolchain,
}


def needs_rust(project: ProjectFacts | None) -> bool:
    """Whether building `project` may compile Rust (unknown projects may)."""
    return project is None or project.is_rust or project.has_cargo_toml or project.kind in ("", "unknown")


def probe_all(machine: Machine, python: str | None, project: str | None, *, rust_if_needed: bool = False,
              isolated: bool | None = None, concurrent: bool = True,
              meanwhile: Callable[[], object] | None = None) -> Facts:
    """Every probe, concurrently (`concurrent=False`: one after the other, for many replays). With
    `rust_if_needed` (builds), the project is read first and the Rust probes (about eight processes)
    run only for a project that may compile Rust. `meanwhile` runs on this thread once every other
    probe is in, while the Rust probe (rustup show, then the toolchain's rustc and cargo: the longest
    chain) still runs: the caller's own preparation then uses a core the probes no longer need."""
    proj_facts = probe_project(machine, project) if project and rust_if_needed else None
    skip_rust = rust_if_needed and not needs_rust(proj_facts)
    concurrent = concurrent and machine.concurrent  # a replay answers at once: threads only cost time

    def run(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        return start(fn, *args, concurrent=concurrent)

    def now(fn: Callable[..., T], *args: Any) -> Callable[[], T] | None:
        """fn(*args) here and now when the machine answers it from its cache alone, else None (it then
        runs on its own thread). A warm check starts no process: threads would only cost it time (a
        third of it, measured), while a probe that needs a process still gets one."""
        if not concurrent or not machine.answer_from_cache_only(True):
            return None
        machine.concurrent = False  # the probe's own map_all runs inline too
        try:
            value = fn(*args)
        except CacheMiss:
            return None
        finally:
            machine.answer_from_cache_only(False)
            machine.concurrent = True
        return lambda: value

    # First every probe that the cache can answer, on this thread; then the rest at once on threads,
    # the interpreter (the slowest) first.
    interp_now = now(probe_interpreter, machine, python)
    host_now = now(probe_host, machine)
    rust_now = None if skip_rust else now(probe_rust, machine, project)
    proj_now = now(probe_project, machine, project) if project and proj_facts is None else None
    extra_now = {name: now(fn, machine, project) for name, fn in PROBES.items()}
    after_now = {name: now(fn, machine, project, interp_now()) if interp_now else None
                 for name, fn in AFTER_INTERPRETER.items()}

    interp = interp_now or run(probe_interpreter, machine, python)
    after = {name: after_now[name] or run(lambda fn: fn(machine, project, interp()), fn)
             for name, fn in AFTER_INTERPRETER.items()}
    host = host_now or run(probe_host, machine)
    rust = None if skip_rust else rust_now or run(probe_rust, machine, project)
    proj = (proj_now or run(probe_project, machine, project)) if project and proj_facts is None else None
    last = list(PROBES)[-1]  # run here: this thread would only wait for the others
    extra = {name: extra_now[name] or start(fn, machine, project, concurrent=concurrent and name != last)
             for name, fn in PROBES.items()}
    joined = {"interpreter": interp(), "host": host(), "project": proj() if proj else proj_facts,
            **{name: join() for name, join in extra.items()}, **{name: join() for name, join in after.items()}}
    if meanwhile is not None:
        meanwhile()
    facts = Facts(os=machine.os, rust=rust() if rust else RustFacts(), **joined)
    for name, late in LATE_PROBES.items():
        done = now(late, machine, project, facts, isolated)
        facts = replace(facts, **{name: done() if done else late(machine, project, facts, isolated)})
    return facts
