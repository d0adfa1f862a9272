"""`builddoctor build`: one target for every layer, a PEP 517 build, and a verified wheel.

Flow: unpack (sdist) -> preflight (check, concurrently with the build environment) -> plan (the
target's variables and config settings) -> hooks (pypa/build + pyproject-hooks) -> verify -> place.
"""
from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from .._record import field, record
from ..cliparse import Namespace
from ..errors import EXIT_BACKEND, EXIT_OK, EXIT_PROJECT, EXIT_USAGE, UserError
from ..sdist import DEFAULT_LIMITS, Limits
from .options import add_arguments

if TYPE_CHECKING:
    from build import ProjectBuilder

    from ..check import CheckResult
    from ..facts import Facts
    from ..machine import Machine
    from ..rules.model import Finding
    from .bytecode import Kept
    from .early import Source
    from .launch import Launch
    from .plan import BuildPlan, ConfigValue
    from .run import BuildEnv, Progress

__all__ = ["BuildOptions", "add_arguments", "run_build"]

#: The backend's output of the last build, in the output folder (replaced by the next build).
LOG_NAME = "builddoctor-build.log"

#: Finding-id prefixes that can make each kind of backend fail; anything else does not stop a build.
_RELEVANT: dict[str, tuple[str, ...]] = {
    "rust": ("interpreter.", "project.", "rust.", "msvc.", "cc.", "known.", "tools.", "target.", "cross.",
             "toolchain.", "native.", "path.shadowed", "freethreaded."),
    "c": ("interpreter.", "project.", "cc.", "msvc.", "cmake.", "known.", "tools.", "target.", "cross.",
          "toolchain.", "native.", "freethreaded."),
    "pure": ("interpreter.unusable", "project.", "target.cross-os"),
}


@record
class BuildOptions:
    source: str | None = None
    python: str | None = None
    outdir: str | None = None
    preflight: bool = True
    isolation: bool = True
    config: dict[str, ConfigValue] = field(default_factory=dict)
    verbose: int = 0
    print_env: bool = False
    replay: str | None = None
    kind: str = "auto"
    json: bool = False
    timeout: float = 3600.0
    idle_timeout: float = 900.0
    overwrite: bool = False
    installer: str = "auto"
    limits: Limits = DEFAULT_LIMITS
    pass_env: tuple[str, ...] = ()
    target: str | None = None
    cache: bool = True


def options_from(args: Namespace) -> BuildOptions:
    return BuildOptions(
        source=args.source, python=args.python, outdir=args.outdir, preflight=args.preflight,
        isolation=args.isolation, config=parse_config(args.config), verbose=args.verbose,
        print_env=args.print_env, replay=args.replay, kind=args.kind, json=args.json, timeout=args.timeout,
        idle_timeout=args.idle_timeout, overwrite=args.overwrite, installer=args.installer,
        limits=Limits(max_total_bytes=args.max_extract_bytes, max_member_bytes=args.max_member_bytes,
                      max_members=args.max_members, allow_zip=args.allow_zip),
        pass_env=tuple(args.pass_env), target=getattr(args, "target", None), cache=getattr(args, "cache", True))


def parse_config(items: list[str]) -> dict[str, ConfigValue]:
    """`-C key=value` pairs the way pypa/build reads them: a repeated key becomes a list."""
    out: dict[str, ConfigValue] = {}
    for item in items:
        key, _, value = item.partition("=")
        if not key:
            raise UserError(f"-C {item!r}: expected KEY=VALUE", exit_code=EXIT_USAGE)
        old = out.get(key)
        out[key] = value if old is None else [*([old] if isinstance(old, str) else old), value]
    return out


def run_build(args: Namespace | BuildOptions, early: Launch | None = None) -> int:
    """The `build` command: returns the exit code; raises UserError for a one-line failure. `early`:
    the environment folder and its `uv venv`, already started from the same arguments (launch.py)."""
    opts = args if isinstance(args, BuildOptions) else options_from(args)
    if opts.timeout <= 0 or opts.idle_timeout <= 0:
        raise UserError("--timeout and --idle-timeout must be positive", exit_code=EXIT_USAGE)
    if opts.target is not None:  # target.py (with facts.py) costs ~25 ms before the environment's first child
        from ..target import check_spelling

        check_spelling(opts.target)
    if opts.print_env:
        return print_env(opts)
    if opts.replay:
        raise UserError("--replay only plans (--print-env): a recorded machine cannot build", exit_code=EXIT_USAGE)
    return build(opts, early)


# -- planning ---------------------------------------------------------------------------------

def _kind(opts: BuildOptions, facts: Facts) -> str:
    if opts.kind != "auto":
        return opts.kind
    project = facts.project
    if project is None or not project.kind:
        return "native"
    if project.kind == "unknown":
        return "native" if project.is_rust else "pure"
    return str(project.kind)


def _make_plan(opts: BuildOptions, result: CheckResult, env: Mapping[str, str], machine: Machine | None) -> BuildPlan:
    from .plan import devshell_env, plan_build

    target = result.diagnosis.target
    shell = devshell_env(machine, target) if target is not None and machine is not None else None
    return plan_build(result.facts, result.diagnosis, _kind(opts, result.facts), env=env,
                      isolated=opts.isolation, devshell=shell, config=opts.config, pass_env=opts.pass_env)


def print_env(opts: BuildOptions) -> int:
    from ..check import run_check
    from ..machine import open_machine

    if opts.replay:
        with open_machine(opts.replay) as (machine, _):
            result = run_check(opts.python, opts.source, opts.replay, target=opts.target)
            _show(opts, _make_plan(opts, result, machine.env(), machine))
        return EXIT_OK
    source = Path(opts.source or ".")
    if not source.is_file():
        result = run_check(opts.python, str(source), target=opts.target)
        _show(opts, _make_plan(opts, result, os.environ, _live_windows()))
        return EXIT_OK
    from .run import Progress, prepare_outdir, staging

    with staging(prepare_outdir(_outdir(opts, source))) as stage:
        src = _unpacked(source.resolve(), stage, Progress(quiet=True), opts.limits)
        _show(opts, _make_plan(opts, run_check(opts.python, str(src), target=opts.target), os.environ, _live_windows()))
    return EXIT_OK


def _show(opts: BuildOptions, plan: BuildPlan) -> None:
    if opts.json:
        import json

        print(json.dumps(plan.to_json(), indent=1, ensure_ascii=False))
    else:
        print(render_plan(plan))


def render_plan(plan: BuildPlan) -> str:
    out = [f"Target: {plan.target.headline()}  <- {plan.interpreter}"]
    if plan.target.origin != "interpreter":
        out.append(f"        target: {plan.target.origin}")
    out += [f"Backend kind: {plan.kind}", ""]
    if not plan.env and not plan.config:
        out.append("Nothing to set: the build inherits the environment as it is.")
    width = max([len(c.name) for c in plan.env] + [len(c.key) for c in plan.config] + [8])
    for c in plan.env:
        was = f"   (was {c.previous})" if c.previous is not None and c.action != "prepend" else ""
        if c.action == "unset":
            out.append(f"  unset    {c.name.ljust(width)}{was}")
        elif c.action == "prepend":
            out.append(f"  prepend  {c.name.ljust(width)}  {c.value}")
        elif c.previous == c.value:  # a deliberate setting the plan keeps as it is
            out.append(f"  keep     {c.name.ljust(width)}  {c.value}")
        else:
            out.append(f"  set      {c.name.ljust(width)}  {c.value}{was}")
        out.append(f"           {''.ljust(width)}  # {c.layer}: {c.why}")
    for s in plan.config:
        out.append(f"  -C       {s.key.ljust(width)}  {s.value}")
        out.append(f"           {''.ljust(width)}  # {s.why}")
    if plan.sysconfig is not None:
        pairs = ", ".join(f"{a} -> {b}" for a, b in plan.sysconfig.replace)
        out.append(f"  sysconfig  the target's _sysconfigdata module, made from this interpreter's ({pairs}; "
                   f"compilers {plan.sysconfig.prefix}-*)")
    out += [f"note: {n}" for n in plan.notes]
    return "\n".join(out)


def blocking(findings: list[Finding], kind: str, plan: BuildPlan | None = None) -> list[Finding]:
    """Error findings that would make this kind of backend fail, and that the plan does not repair."""
    from .options import RUST_KINDS

    family = "rust" if kind in RUST_KINDS or kind == "native" else "pure" if kind == "pure" else "c"
    prefixes = _RELEVANT[family]
    return [f for f in findings if f.severity == "error" and f.id.startswith(prefixes)
            and not (plan is not None and plan.fixes(f))]


def preflight_error(finding: Finding) -> UserError:
    code = EXIT_USAGE if finding.id == "interpreter.unusable" else EXIT_PROJECT
    fix = finding.fixes[0] if finding.fixes else None
    tip = f"{fix.command}  ({fix.why})" if fix else "see 'builddoctor check' for the details"
    return UserError(f"preflight: {finding.title} [{finding.id}]", exit_code=code, tip=tip)


# -- building ---------------------------------------------------------------------------------

def _outdir(opts: BuildOptions, source: Path) -> Path:
    if opts.outdir:
        return Path(opts.outdir)
    return source.parent if source.is_file() else source / "dist"


def build(opts: BuildOptions, early: Launch | None = None) -> int:
    import contextlib

    from .run import Progress, env_folder, prepare_outdir, staging

    source = Path(opts.source or ".")
    if not source.exists():
        raise UserError(f"{source} does not exist", exit_code=EXIT_USAGE, tip="give an sdist (.tar.gz) or a folder")
    outdir = prepare_outdir(_outdir(opts, source))
    if early is not None and early.folder is not None and early.python == _interpreter_path(opts.python):
        python: str | None = early.python  # its folder is removed by the caller's `with Launch`
        isolated_env: contextlib.AbstractContextManager[Path | None] = contextlib.nullcontext(Path(early.folder))
    else:
        early = None
        python = _interpreter_path(opts.python)
        isolated_env = env_folder(python) if opts.isolation and python else contextlib.nullcontext(None)
    with Progress(opts.verbose) as progress, isolated_env as env_dir, staging(outdir, python or "") as stage:
        progress.open_log(stage / "build.log")
        try:
            wheel, written = _build_in(opts, python, source.resolve(), outdir=outdir, stage=stage, progress=progress,
                                       env_dir=env_dir, launch=early)
        except KeyboardInterrupt:  # Ctrl-C, TERM, HUP: nothing of an interrupted build stays behind
            progress.keep_log(stage / LOG_NAME)  # closes it; the staging folder (and it) is then removed
            raise
        except BaseException:
            kept = progress.keep_log(outdir / LOG_NAME)
            if kept is not None:
                progress.phase_line(f"the backend's full output is in {kept}")
            raise
        kept = progress.keep_log(outdir / LOG_NAME)
        if kept is not None and not opts.verbose:
            progress.phase_line(f"the backend's output is in {kept} (-v shows it)")
        elapsed = progress.elapsed()
    state = "built" if written else "unchanged (identical wheel already there)"
    print(f"{wheel}  {state} in {elapsed:.1f}s")
    return EXIT_OK


def _build_in(opts: BuildOptions, python: str | None, source: Path, *, outdir: Path, stage: Path,
              progress: Progress, env_dir: Path | None = None, launch: Launch | None = None) -> tuple[Path, bool]:
    """A worker thread unpacks and runs the preflight while this one fills the build environment."""
    from .run import BuildEnv, Children

    children = Children(progress, opts.timeout, opts.idle_timeout)
    child_env: dict[str, str] = {}
    env = (BuildEnv((env_dir or stage) / "env", python, children, opts.installer, launch)
           if opts.isolation and python else None)
    # The environment is on the critical path (its `uv venv` usually runs already: launch.py), then
    # what its install needs: the declared build requirements and Requires-Python. An sdist's are read
    # from the archive itself (sdist.peek_sdist, ~4 ms) while the unpack checks every member and
    # writes them (~45 ms for markupsafe's 44): the install starts as the environment is ready. The
    # unpacked copy is what everything after reads; a refused archive still ends the build (its
    # requirements may have started installing into the temporary environment, removed with it).
    created: _Task[None] | None = _Task(env.create, os.environ) if env is not None else None
    # With an environment to fill, the unpack (~45 ms of CPU for markupsafe's 44 members) waits until
    # the installer runs, or until something needs it first: started at once it held the GIL the
    # steps before the installer needed (the installer started ~40 ms after `uv venv` ended, ~10 without).
    unpacked: _Task[Path] = _Task(_unpacked, source, stage, progress, opts.limits,
                                  start=env is None or not source.is_file())
    declared: _Task[Source] = _Task(_declared_source, source, unpacked, start=env is not None)
    # Requires-Python against the new environment's pyvenv.cfg, before anything is installed into it
    refused: _Task[UserError | None] | None = (_Task(_requires_python_refusal, declared, created, env.path)
                                                if env is not None and created is not None else None)
    # The preflight (~0.2 s of CPU, most of it imports) starts once the installer runs: started with
    # the others, it took the GIL from the steps above and the installer started ~50 ms later.
    checked: _Task[CheckResult] = _Task(lambda: _check(opts.python, str(unpacked.result()), opts.target,
                                                       resolve=opts.isolation, cache=opts.cache), start=False)
    try:
        if python is None:
            _stop_if_blocked(checked.result(), opts)
            raise UserError(f"no interpreter found for --python {opts.python}", exit_code=EXIT_USAGE)
        if env is not None and created is not None:
            progress.phase(f"creating the build environment ({env.installer}); preflight")
            _or_preflight(created.result, checked, opts)
        files = declared.result() if env is not None else unpacked.result()
        identity = declared_identity(files)
        refusal = refused.result() if refused is not None else None
        if refusal is not None:
            raise refusal
        early = _declared_requires(files) if env is not None else None
        _refuse_cycle(identity, early or ())
        later: list[_Task[None]] = []

        # what the unpacked copy declares, once the archive is checked and written (None: the install
        # already read that copy)
        rechecked = _Task(_unpacked_declares, declared, unpacked, created, env.path if env else None, start=False)

        def then() -> None:  # once the installer runs: started before it, they took the GIL from its start
            if not later:
                unpacked.start()
                checked.start()
                later.append(_Task(progress.go_live))  # the terminal's status line (rich loads meanwhile)
                if env is not None:
                    rechecked.start()

        kept = _bytecode_store(opts, env, early) if env is not None else None
        if env is not None and (kept is None or not kept.known()):
            from .bytecode import can_compile_faster

            # nothing kept to move in: uv compiles, a worker a core
            env.compile_bytecode = can_compile_faster() and not env.prints_at_start
        if env is not None and early:
            progress.phase("installing the build requirements; preflight")
            _or_preflight(lambda: env.install(early, os.environ, then=then), checked, opts)
        then()
        # the kept bytecode is linked in (~10 ms for setuptools) while the unpacked copy is read
        restored = (_Task(kept.restore, str(env.path)) if kept is not None and env is not None
                    else _Task(lambda: 0, start=False))
        src = unpacked.result()
        again = rechecked.result() if env is not None else None
        if again is not None:  # read from the archive: the checked, unpacked copy decides from here on
            identity, refusal = again
            if refusal is not None:
                raise refusal
        builder = _builder(src, env.python_executable if env else python, children.hook_runner(lambda: child_env),
                           checked, opts)
        rest = sorted(set(builder.build_system_requires) - set(early or ()))
        _refuse_cycle(identity, rest)
        if env is not None and rest:
            _or_preflight(lambda: env.install(rest, os.environ), checked, opts)
        restored.result()
        progress.phase("preflight: checking every layer against the interpreter")
        result = checked.result()
    finally:
        unpacked.wait()  # never remove the staging folder under a running extraction
    _stop_if_blocked(result, opts)
    backend = result.facts.tools.backend
    if backend is not None and backend.version and env is not None:
        # what check expects the isolated build to install (the build log then shows it runs)
        progress.line(f"builddoctor: build backend {backend.name} {backend.version} ({backend.source})")
    plan = _make_plan(opts, result, os.environ, _live_windows())
    _stop_if_blocked(result, opts, plan)
    filled: dict[str, str] = {}
    if plan.sysconfig is not None:
        from .crossenv import BUILD_SYSCONFIG, write_target_sysconfig
        from .plan import BUILD_SYSCONFIG_NAME

        folder = stage / "target-sysconfig"
        progress.phase(f"writing the sysconfig data for {plan.target.describe()}")
        filled = {BUILD_SYSCONFIG: str(folder),
                  BUILD_SYSCONFIG_NAME: write_target_sysconfig(python, folder, plan.sysconfig, os.environ)}
    child_env.update(plan.child_env(os.environ, str(env.path) if env else "", env.scripts if env else "",
                                    str(stage / "tmp"), filled=filled))
    from ..logs import LogScanner

    progress.scanner = LogScanner()
    try:
        wheel = _hooks(builder, plan, env, opts=opts, stage=stage, progress=progress, identity=identity,
                       written_platform=result.facts.interpreter.platform)
    except UserError as exc:
        if exc.exit_code == EXIT_BACKEND:
            if kept is not None and env is not None:  # what the backend compiled helps the next attempt
                kept.keep(str(env.path))
            _diagnose_own_log(progress, result, plan, src)
        raise
    finally:
        progress.scanner = None
    # The environment and the unpacked sdist are done with: each removed on its own thread while the
    # wheel is verified (their owners then find little left to remove; one thread for both took
    # ~40 ms after the last hook, twice the verify).
    cleared = [_Task(_clear, [env.path if env is not None else None], kept), _Task(_clear, [stage / "src"])]
    try:
        progress.phase("verifying the wheel's tags and binaries")
        _verify(wheel, plan, result, identity)
        from .run import place_wheel

        return place_wheel(wheel, outdir, overwrite=opts.overwrite)
    finally:
        for task in cleared:
            task.wait()


def _clear(folders: list[Path | None], kept: Kept | None = None) -> None:
    """Remove what builddoctor made (best effort: the folder's owner removes what is left), once the
    bytecode the backend wrote in the environment is kept for the next build (bytecode.py)."""
    import shutil

    if kept is not None and folders[0] is not None:
        kept.keep(str(folders[0]))

    for folder in folders:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _bytecode_store(opts: BuildOptions, env: BuildEnv, requirements: Iterable[str] | None) -> Kept | None:
    """The build environment's bytecode store (bytecode.py); None with --no-cache, and with pip (which
    compiles what it installs itself)."""
    if not opts.cache or os.environ.get("BUILDDOCTOR_NO_CACHE") or env.installer != "uv":
        return None
    from ..cachedir import default_dir
    from .bytecode import Kept

    folder = default_dir()
    return Kept(folder, env.base_python, list(requirements or ())) if folder else None


_T = TypeVar("_T")


class _Task(Generic[_T]):
    """fn(*args) on its own thread (now, or at `start()`); `result()` waits and returns or raises.

    What `build` needs of concurrent.futures, without its import (it loads logging: ~8 ms before the
    installer could start). The thread is not a daemon: on an interrupt Python still waits for it
    (its children are ended by the signal handler), as it waited for a pool's threads."""

    def __init__(self, fn: Callable[..., _T], *args: Any, start: bool = True) -> None:
        import threading

        self._fn, self._args = fn, args
        self._box: list[_T] = []
        self._failed: list[BaseException] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if start:
            self.start()

    def start(self) -> None:
        import threading

        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, daemon=False)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._box.append(self._fn(*self._args))
        except BaseException as exc:  # handed to the caller by result()
            self._failed.append(exc)

    def wait(self) -> None:
        """Wait for it when it was started (a task never started has nothing to wait for)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def result(self) -> _T:
        self.start()
        self.wait()
        if self._failed:
            raise self._failed[0]
        return self._box[0]


def _declared_source(source: Path, unpacked: _Task[Path]) -> Source:
    """Where the declared build requirements and Requires-Python are read first: the texts in an
    sdist (read from the archive), else the folder (given, or unpacked when the archive cannot be peeked)."""
    if source.is_file():
        from ..sdist import peek_sdist

        texts = peek_sdist(source)
        if texts is not None:
            return texts
    return unpacked.result()


def _unpacked_declares(declared: _Task[Source], unpacked: _Task[Path], created: _Task[None] | None,
                       env: Path | None) -> tuple[tuple[str, str | None] | None, UserError | None] | None:
    """The identity and the Requires-Python refusal the unpacked copy declares, when the install read
    the archive's own texts (None when it read the unpacked folder itself)."""
    src = unpacked.result()
    if declared.result() is src:
        return None
    return declared_identity(src), _requires_python_refusal(unpacked, created, env) if env is not None else None


def _requires_python_refusal(declared: _Task[Source] | _Task[Path], created: _Task[None] | None,
                             env: Path) -> UserError | None:
    """builder/early.py: the project's Requires-Python against the environment's interpreter, from files."""
    import packaging.specifiers  # noqa: F401 - imported while uv creates the environment, off the critical path

    from .._compat import tomllib  # noqa: F401 - the same: read_declared and _declared_requires parse TOML
    from .early import read_declared, requires_python_error, venv_python_version

    what = read_declared(declared.result())
    if not what.requires_python or created is None:
        return None
    try:
        created.result()
    except Exception:  # the main thread reports the environment's own failure
        return None
    return requires_python_error(what, venv_python_version(env))


def _diagnose_own_log(progress: Progress, result: CheckResult, plan: BuildPlan, src: Path) -> None:
    """After the backend's last lines: what its own output says, beside this machine's facts."""
    from ..logs.diagnose import diagnose_build_log
    from ..logs.render import lines

    try:
        diagnosis = diagnose_build_log(progress.scanner, result.facts, planned_cc=_planned(plan, "CC"), project=src)
    except Exception as exc:  # a diagnosis must never hide the build's own error
        print(f"builddoctor: warning: could not diagnose the build's output: {exc}", file=sys.stderr)
        return
    d = diagnosis.diagnosis
    if not d.layers and not any(f.severity != "ok" for f in d.findings):
        return  # the output says nothing builddoctor can read: the backend's own lines stand alone
    progress.show([("bold", "builddoctor: diagnosis of the backend's output:"),
                   *[(style, "  " + text) for style, text in lines(diagnosis)]])


def _planned(plan: BuildPlan, name: str) -> str:
    return next((c.value or "" for c in plan.env if c.name.upper() == name and c.action == "set"), "")


def _check(python: str | None, project: str, target: str | None = None, *, resolve: bool = False,
           cache: bool = True) -> CheckResult:
    """check's result; a project that compiles no Rust skips the Rust probes. `resolve` (isolated builds,
    which go to the configured index anyway): the build requirements are resolved against that index,
    so known tool problems are judged on the versions the build environment really gets."""
    finder = None
    if resolve:
        from ..why.index import Finder

        finder = _Prefetched(Finder(None, None, env=os.environ, timeout=10.0, cache_dir=None),
                             _declared_requires(Path(project)) or [])
    # run_check's live path, minus the deps layer: whether the project's uv.lock gets wheels for its
    # *runtime* dependencies never stops a build (no "deps." prefix in _RELEVANT), and reading a lock
    # (markupsafe's sdist ships one) took ~80 ms of CPU from the installer and the hooks on 2 cores.
    # Answers that only change with files come from the user cache (cache.py).
    from .._record import replace
    from ..check import CheckResult, _abs, _cache
    from ..machine import open_machine
    from ..probes import probe_all
    from ..rules import diagnose

    with open_machine(None, index=finder, cache=_cache() if cache else None) as (machine, _):
        facts = probe_all(machine, python, _abs(project), rust_if_needed=True, isolated=resolve)
    if facts.project is not None and facts.project.uv_lock_text:
        facts = replace(facts, project=replace(facts.project, uv_lock_text=""))
    result = CheckResult(facts, diagnose(facts, target), "live")
    # what the main thread needs once the environment is filled, imported here while the installer runs
    import build  # noqa: F401
    import pyproject_hooks  # noqa: F401

    from ..logs import LogScanner  # noqa: F401
    from . import output, plan, verify  # noqa: F401
    return result


class _Prefetched:
    """A why.index.Finder whose answers for the build requirements are asked at once, on threads.

    The tools probe reads the index only after every other probe (it needs their facts), so the
    index's round trip (~0.15-0.3 s) came after theirs and the preflight, not the installer, was what
    the hooks waited for. Asked up front, the round trip overlaps the other probes."""

    def __init__(self, finder: Any, requirements: list[str]) -> None:
        from .._parallel import start
        from .early import canonical_name, requirement_name

        self.finder = finder
        self.index = finder.index  # the tools probe names the index it asked (`.index.shown`)
        self._canonical = canonical_name
        names = {canonical_name(n) for n in map(requirement_name, requirements) if n}
        self._asked = {name: start(finder.files, name) for name in sorted(names)}

    def files(self, name: str) -> Any:
        asked = self._asked.get(self._canonical(name))
        return asked() if asked is not None else self.finder.files(name)


def declared_identity(src: Source) -> tuple[str, str | None] | None:
    """(name, version) the project declares: its PKG-INFO (an sdist), else pyproject's static [project]."""
    from .._compat.tomllib import loads
    from .early import pkg_info_fields, source_text

    fields = pkg_info_fields(src)
    if fields is not None:
        return (fields["name"], fields.get("version") or None) if fields.get("name") else None
    try:
        project = loads(source_text(src, "pyproject.toml") or "").get("project")
    except ValueError:
        return None
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        return None
    version = project.get("version")
    dynamic = project.get("dynamic")
    static = isinstance(version, str) and not (isinstance(dynamic, list) and "version" in dynamic)
    return project["name"], version if static else None


def _refuse_cycle(identity: tuple[str, str | None] | None, requirements: Iterable[str]) -> None:
    """A project that needs itself to build can never be built from source (pip and uv loop or fail)."""
    from .early import refuse_cycle

    refuse_cycle(identity[0] if identity else None, tuple(requirements))


def _declared_requires(src: Source) -> list[str] | None:
    """[build-system].requires when plainly readable, so installing can start before pypa/build loads."""
    from .._compat.tomllib import loads
    from .early import source_text

    text = source_text(src, "pyproject.toml")
    try:
        doc = loads(text) if text is not None else None
    except ValueError:
        return None
    requires = (doc.get("build-system") or {}).get("requires") if isinstance(doc, dict) else None
    if isinstance(requires, list) and all(isinstance(r, str) for r in requires):
        return sorted(requires)
    return None


def _unpacked(source: Path, stage: Path, progress: Progress, limits: Limits = DEFAULT_LIMITS) -> Path:
    if not source.is_file():
        return source
    from ..sdist import unpack_sdist

    progress.phase(f"unpacking {source.name}")
    (stage / "src").mkdir()
    return unpack_sdist(source, stage / "src", limits)


def _live_windows() -> Machine | None:
    if sys.platform != "win32":  # the dev shell only exists on Windows
        return None
    from ..machine import LiveMachine  # pragma: no cover - Windows only

    return LiveMachine()  # pragma: no cover


def _interpreter_path(python: str | None) -> str | None:
    if python and os.path.isfile(python):
        return os.path.abspath(python)  # a path: the preflight says whether it is a usable Python
    from ..machine import open_machine
    from ..probes.interpreter import find_interpreter

    with open_machine(None) as (live, _):
        found = find_interpreter(live, python)
    return found if found and os.path.isfile(found) else None


def _stop_if_blocked(result: CheckResult, opts: BuildOptions, plan: BuildPlan | None = None) -> None:
    """Stop on what makes the build fail; without a plan (a step already failed) only on the basics."""
    from ..facts import ProjectFacts

    project: ProjectFacts | None = result.facts.project
    found = blocking(result.diagnosis.findings, _kind(opts, result.facts), plan)
    basic = [f for f in found if f.id == "interpreter.unusable" or f.id.startswith("project.")]
    if basic and plan is None:
        raise preflight_error(basic[0])  # nothing can be built from these, preflight or not
    if plan is not None and opts.preflight and found:
        raise preflight_error(found[0])
    if project is None or not project.kind:
        raise UserError(f"{opts.source or '.'} is not a Python project (no pyproject.toml or setup.py)",
                        exit_code=EXIT_PROJECT)


def _or_preflight(step: Callable[[], None], checked: _Task[CheckResult], opts: BuildOptions) -> None:
    """Run a step; when it fails, a blocking preflight finding explains it better than the step."""
    try:
        step()
    except UserError:
        _stop_if_blocked(checked.result(), opts)
        raise


def _builder(src: Path, python: str, runner: Callable[..., None], checked: _Task[CheckResult],
             opts: BuildOptions) -> ProjectBuilder:
    from build import BuildException, ProjectBuilder

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            builder = ProjectBuilder(src, python_executable=python, runner=runner)
    except (BuildException, ValueError) as exc:
        _stop_if_blocked(checked.result(), opts)
        tip = ("PEP 518: [build-system] needs requires = [...], a list of requirement strings"
               if "`requires`" in str(exc) else None)
        raise UserError(f"{src / 'pyproject.toml'}: {exc}", exit_code=EXIT_PROJECT, tip=tip) from None
    for w in caught:
        print(f"builddoctor: warning: {w.message}", file=sys.stderr)
    return builder


def _hooks(builder: ProjectBuilder, plan: BuildPlan, env: BuildEnv | None, *, opts: BuildOptions, stage: Path,
           progress: Progress, identity: tuple[str, str | None] | None = None, written_platform: str = "") -> Path:
    config = plan.config_settings(opts.config)
    if env is not None:
        progress.phase("asking the backend for its build requirements")
        extra = _hook(lambda: builder.get_requires_for_build("wheel", config), "get_requires_for_build_wheel",
                      progress)
        _refuse_cycle(identity, extra or ())
        if extra:
            progress.phase("installing the backend's build requirements")
            env.install(sorted(extra), os.environ)
    from .output import wheel_platform

    platform = wheel_platform(written_platform) or plan.target.platform_tag
    progress.phase(f"building the wheel for {plan.target.os} {plan.target.arch.name} ({platform})")
    wheel_dir = stage / "wheel"
    built = _hook(lambda: builder.build("wheel", wheel_dir, config), "build_wheel", progress)
    return _checked_result(Path(built), wheel_dir)


def _verify(wheel: Path, plan: BuildPlan, result: CheckResult,
            identity: tuple[str, str | None] | None = None) -> None:
    from .verify import verify_wheel

    problems = verify_wheel(wheel, plan.target, list(plan.target.tags), expected=identity)
    if problems:
        for p in problems[1:]:
            print(f"builddoctor: also: {p}", file=sys.stderr)
        raise UserError(f"refusing {wheel.name}: {problems[0]}", exit_code=EXIT_BACKEND,
                        tip=f"the wheel was not written ({len(problems)} problem{'s' if len(problems) > 1 else ''}); "
                            "'builddoctor build --print-env' shows the target settings")


def _checked_result(built: Path, wheel_dir: Path) -> Path:
    """The backend's return value must name a .whl it wrote inside the folder it was given."""
    from .run import backend_error
    from .verify import wheel_tags

    real, folder = built.resolve(), wheel_dir.resolve()
    if real.parent != folder or not real.is_file():
        raise backend_error(f"invalid backend result: {built.name!r} is not a file the backend wrote in its "
                            "output folder")
    try:
        wheel_tags(real.name)
    except ValueError as exc:
        raise backend_error(f"invalid backend result: {exc}") from None
    return real


def _hook(call: Callable[[], Any], hook: str, progress: Progress) -> Any:
    import subprocess

    from build import BuildBackendException
    from pyproject_hooks import BackendUnavailable, HookMissing

    from .run import BuildTimeout, backend_error, timeout_error

    started = time.monotonic()
    try:
        return call()
    except BuildBackendException as wrapped:
        exc = wrapped.exception
        if isinstance(exc, BuildTimeout):
            raise timeout_error(exc) from None
        if isinstance(exc, BackendUnavailable):
            detail = str(exc).split("\n\nTraceback", 1)[0]
            raise UserError(f"build backend {exc.backend_name!r} cannot be imported: {detail}",
                            exit_code=EXIT_PROJECT, tip="check build-backend and requires in pyproject.toml") from None
        if isinstance(exc, HookMissing):
            raise UserError(f"the build backend has no {exc.hook_name} hook", exit_code=EXIT_PROJECT) from None
        progress.show_tail()
        if isinstance(exc, subprocess.CalledProcessError):
            if exc.returncode in (-2, 130, 0xC000013A):
                raise KeyboardInterrupt from None
            raise backend_error(f"the build backend failed in {hook} (exit {exc.returncode}) after "
                                f"{time.monotonic() - started:.1f}s") from None
        if isinstance(exc, FileNotFoundError):
            raise backend_error(f"the build backend exited without a result in {hook} (it ended its own "
                                "process before returning)") from None
        raise backend_error(f"the build backend failed in {hook}: {exc.__class__.__name__}: {exc}") from None
