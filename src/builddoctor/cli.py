"""Thin CLI: parse, call one function per command, map errors to one line and an exit code."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from . import __version__
from .argtypes import nonempty, seconds
from .cliparse import REMAINDER, SUPPRESS, Namespace, Options, parse_plain
from .errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

TARGET_HELP = ("build for this target instead of the interpreter's: an arch (aarch64, arm64, x64), a Rust triple, a "
               "platform (win-arm64), a wheel platform tag (manylinux_2_17_aarch64) or universal2")


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole argparse parser; with `only` (a command named on the command line), that command
    alone: building every option of every command was a tenth of a replayed check's time (issue 16).
    A mistyped command, `--help` or no command at all get the whole parser (its choices, its help)."""
    from .argparser import Parser

    p = Parser(prog="builddoctor", description="One target for every layer of a native extension build.")
    p.add_argument("--version", action="version", version=f"builddoctor {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, (text, _) in _COMMAND_ARGUMENTS.items():
        if only is None or only == name:
            _options(name).apply(sub.add_parser(name, help=text))
    return p


def _options(command: str) -> Options:
    """The options of one command, as declared by its `_*_arguments` function."""
    options = Options()
    _COMMAND_ARGUMENTS[command][1](options)
    return options


def _parse(argv: Sequence[str]) -> Namespace:
    """The parsed command line: read directly when it is plain (cliparse.py), else by argparse,
    which also prints the help and every message about a command line it refuses."""
    command = _command_in(argv)
    if command is not None and argv[0] == command:
        args = parse_plain(_options(command), argv[1:])
        if args is not None:
            args.command = command
            return args
    return _parser(command).parse_args(argv, namespace=Namespace())


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named on the command line (the first word that is not an option), if it is one."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def _check_arguments(c: Options) -> None:
    c.add_argument("--python", help="interpreter: a path or a version such as 3.12 (default: venv or PATH)")
    c.add_argument("--project", help="project folder (default: the current folder if it has a pyproject.toml)")
    c.add_argument("--replay", metavar="FILE", help="diagnose a machine recorded by 'builddoctor snapshot'")
    c.add_argument("--json", action="store_true", help="print the versioned JSON report")
    c.add_argument("--no-cache", dest="cache", action="store_false",
                   help="neither read nor write the user cache of program answers (see README)")
    _resolve_arguments(c, check=True)
    c.add_argument("--markdown", action="store_true", help="print a redacted report to paste into an issue tracker")
    c.add_argument("-v", "--verbose", action="count", default=0, help="show the read behind each layer")
    c.add_argument("--ignore", action="append", default=[], metavar="ID",
                   help="leave out findings with this id (repeatable, comma-separated, globs like 'cc.*')")
    c.add_argument("--fix", action="store_true",
                   help="apply the safe, exact fixes after showing them, then check again")
    c.add_argument("--dry-run", action="store_true", help="with --fix: only show what would run")
    c.add_argument("-y", "--yes", action="store_true", help="with --fix: apply without asking")
    c.add_argument("--target", metavar="SPELLING", help=TARGET_HELP)
    c.add_argument("--index", metavar="URL", help=SUPPRESS)  # deprecated: --index-url / --resolve
    c.add_argument("--find-links", metavar="DIR", help="also a folder of wheels and sdists (alone: only that folder)")
    c.add_argument("packages", nargs="*", metavar="PACKAGE",
                   help="ask the index (--index-url, default PyPI) whether these would be built for this Python")


def _snapshot_arguments(s: Options) -> None:
    s.add_argument("-o", "--output", type=nonempty, default="builddoctor-snapshot.json",
                   help="file to write, '-' for stdout")
    s.add_argument("--python")
    s.add_argument("--project")
    s.add_argument("--force", action="store_true", help="replace an existing output file")
    _resolve_arguments(s)
    s.add_argument("--markdown", action="store_true", help="also print the issue-tracker report naming the file")
    s.add_argument("--target", metavar="SPELLING", help=TARGET_HELP)


def _why_arguments(w: Options) -> None:
    w.add_argument("packages", nargs="*", metavar="PACKAGE", help="only these (default: every dependency built)")
    w.add_argument("--project", default=".", help="project folder, or a uv.lock / pylock.toml / requirements file")
    w.add_argument("--python", help="interpreter: a path or a version (default: venv or PATH)")
    w.add_argument("--replay", metavar="FILE", help="use the interpreter of a recorded machine")
    w.add_argument("--index-url", help="simple index (default: UV_INDEX_URL / PIP_INDEX_URL / PyPI)")
    w.add_argument("--find-links", metavar="DIR", help="a folder of wheels and sdists")
    w.add_argument("--cache-dir", metavar="DIR", help="keep index pages here between runs (default: no cache)")
    w.add_argument("--timeout", type=seconds, default=15.0,
                   help="seconds for each index request, start to last byte (default 15)")
    w.add_argument("--total-timeout", type=seconds, default=300.0,
                   help="seconds for all index requests together (default 300)")
    w.add_argument("--json", action="store_true", help="print the versioned JSON report")


def _build_arguments(b: Options) -> None:
    from .builder import add_arguments as add_build_arguments

    add_build_arguments(b)


def _verify_arguments(v: Options) -> None:
    from .verify.options import add_arguments as add_verify_arguments

    add_verify_arguments(v)


def _devshell_arguments(d: Options) -> None:
    d.add_argument("--arch", help="x64, arm64 or x86 (default: the interpreter's)")
    d.add_argument("--vs", metavar="VERSION", help="Visual Studio version to use, e.g. 17 or 2022 (default: newest)")
    d.add_argument("--format", dest="fmt", default="cmd", help="cmd, powershell, bash or json (default cmd)")
    d.add_argument("--python", help="interpreter whose arch to use: a path or a version")
    d.add_argument("--replay", metavar="FILE", help="work on a machine recorded by 'builddoctor snapshot'")
    d.add_argument("--target", metavar="SPELLING", help=TARGET_HELP + " (its MSVC arch, like --arch)")
    d.add_argument("run", nargs=REMAINDER, metavar="-- COMMAND", help="run COMMAND inside the environment")


def _diagnose_arguments(g: Options) -> None:
    g.add_argument("log", metavar="LOG", help="the build's output (a file, or - for standard input)")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--replay", metavar="FILE", help="combine with a machine recorded by 'builddoctor snapshot'")
    where.add_argument("--live", action="store_true", help="combine with this machine's facts")
    g.add_argument("--python", help="with --live: the interpreter to probe (default: venv or PATH)")
    g.add_argument("--project", help="with --live: the project folder")
    g.add_argument("--json", action="store_true", help="print the versioned JSON report")


def _triage_arguments(t: Options) -> None:
    t.add_argument("paths", nargs="+", metavar="SNAPSHOT|DIR", help="snapshot files, or folders searched for *.json")
    t.add_argument("--json", action="store_true", help="print the versioned JSON report")


def _completion_arguments(k: Options) -> None:
    k.add_argument("shell", metavar="SHELL", help="bash, zsh, fish or powershell")


def _explain_arguments(e: Options) -> None:
    e.add_argument("id", nargs="?", help="finding id; without it, list them all")


_COMMAND_ARGUMENTS = {
    "check": ("probe every layer and compare it with the interpreter's target", _check_arguments),
    "snapshot": ("record what the probes read (redacted) into one JSON file", _snapshot_arguments),
    "why": ("would each dependency come as a wheel or be built from source, and why", _why_arguments),
    "build": ("build a wheel with every layer set to the interpreter's target, then verify it", _build_arguments),
    "verify": ("audit wheels: every binary against the tags, floors, abi3, RECORD", _verify_arguments),
    "devshell": ("a Visual Studio developer environment for the interpreter's arch (Windows)", _devshell_arguments),
    "diagnose": ("read a failed build's log: its layers side by side, known problems, fixes", _diagnose_arguments),
    "triage": ("group many snapshots (a CI matrix, bug reports) by their top finding", _triage_arguments),
    "completion": ("print shell completion for bash, zsh, fish or powershell", _completion_arguments),
    "explain": ("the long form of a finding id", _explain_arguments),
}


def _resolve_arguments(p: Options, check: bool = False) -> None:
    also = "; and ask it whether each dependency has a wheel for this Python" if check else ""
    p.add_argument("--resolve", action="store_true",
                   help="resolve the build requirements against the index, as an isolated build would" + also)
    p.add_argument("--index-url", metavar="URL",
                   help="the index to ask (default: UV_DEFAULT_INDEX / UV_INDEX_URL / PIP_INDEX_URL / PyPI); "
                        "implies --resolve")


def _finder(args: Namespace) -> object | None:
    """The index client check/snapshot --resolve read through (None: stay offline)."""
    if not (getattr(args, "resolve", False) or getattr(args, "index_url", None)):
        return None
    from .why.index import Finder

    return Finder(args.index_url, None, env=os.environ, timeout=15.0, cache_dir=None)


def cmd_check(args: Namespace) -> int:
    if not args.replay and (not args.cache or os.environ.get("BUILDDOCTOR_NO_CACHE")):
        # no cache to answer it: the longest chain's first program starts before the check's modules load
        from .machine.live import start_early

        start_early("rustup", "show")
    from .check import CheckResult, run_check
    from .ids import apply_ignores, parse_ignores, project_ignores

    if (args.dry_run or args.yes) and not args.fix:
        raise UserError("--dry-run and --yes go with --fix")
    if args.fix and args.replay and not args.dry_run:
        raise UserError("--fix cannot change a recorded machine", tip="add --dry-run to see what it would run there")
    ignores = parse_ignores(args.ignore)
    if args.index is not None:  # the old spelling of issue 13: one index now answers both questions
        _say("builddoctor: warning: --index is deprecated: use --index-url URL (or --resolve for the configured index)")
        args.resolve = args.resolve or args.index == "default"
        args.index_url = args.index_url or (None if args.index == "default" else args.index)
    if args.index_url is not None and not args.index_url.lower().startswith(("http://", "https://")):
        raise UserError(f"--index-url must be an http(s) URL, not {args.index_url!r}")
    if args.find_links and not os.path.isdir(args.find_links):
        raise UserError(f"--find-links is not a folder: {args.find_links}")
    for spec in args.packages:
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            Requirement(spec)
        except InvalidRequirement:
            raise UserError(f"not a package name or requirement: {spec!r}") from None
    # the index that resolves the build requirements also says where each dependency's wheel comes from
    wheel_index = args.index_url or ("default" if args.resolve or (args.packages and not args.find_links) else None)
    if args.target is not None:  # target.py (with the rules it reads) loads while the probes run otherwise
        from .target import check_spelling

        check_spelling(args.target)

    def check() -> CheckResult:
        result = run_check(args.python, args.project, args.replay, index=None if args.replay else _finder(args),
                           record=bool(args.verbose or args.markdown), target=args.target,
                           wheel_index=wheel_index, find_links=args.find_links, packages=tuple(args.packages),
                           use_cache=args.cache and not args.replay)
        project = result.facts.project
        from_project, unknown = project_ignores(project.pyproject_text if project else "")
        for word in unknown:
            from .ids import did_you_mean, known_ids

            guess = did_you_mean(word, known_ids())
            print(f"builddoctor: warning: [tool.builddoctor] ignore: unknown finding id {word!r}"
                  + (f"; did you mean {guess!r}?" if guess else ""), file=sys.stderr)
        return apply_ignores(result, [*ignores, *from_project])

    result = check()
    for warning in result.warnings:
        _say(f"builddoctor: warning: {warning}")
    if args.json:
        from .report import render_json

        if args.fix:  # the fix log on stderr, then one JSON document: the state after, and what ran
            from .fixer import fix_and_recheck

            applied, after, diff = fix_and_recheck(result, check, dry_run=args.dry_run, yes=args.yes,
                                                   out=sys.stderr)
            render_json(after, extra={"applied": [a.to_json() for a in applied], "changes": diff})
            return EXIT_FINDINGS if after.diagnosis.has_errors else EXIT_OK
        render_json(result)
    elif args.markdown:
        from .markdown import render_markdown

        sys.stdout.write(render_markdown(result))
    else:
        from .report import render

        render(result, verbose=args.verbose)
    if args.fix:
        from .fixer import fix_and_recheck

        out = sys.stderr if args.markdown else sys.stdout
        out.write("\n")
        _, result, _ = fix_and_recheck(result, check, dry_run=args.dry_run, yes=args.yes, out=out)
    return EXIT_FINDINGS if result.diagnosis.has_errors else EXIT_OK


def cmd_snapshot(args: Namespace) -> int:
    import json

    from .check import record_snapshot
    from .target import check_spelling

    check_spelling(args.target)
    out = args.output
    if out != "-" and os.path.exists(out) and not args.force:
        raise UserError(f"{out} already exists; pass --force to replace it or -o another file")
    if args.markdown and out == "-":
        raise UserError("--markdown needs a snapshot file to name: pass -o FILE")
    doc, result = record_snapshot(args.python, args.project, args.target, index=_finder(args))
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    _write_new(out, text, replace=args.force)
    if args.markdown:
        from .markdown import render_markdown

        sys.stdout.write(render_markdown(result, snapshot_name=out))
        return EXIT_OK
    print(f"wrote {out} ({len(doc['reads'])} reads); diagnose it anywhere with: builddoctor check --replay {out}")
    return EXIT_OK


def _write_new(path: str, text: str, *, replace: bool) -> None:
    """Write beside the destination, then rename: never a half-written file, never a silent clobber."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".builddoctor-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}", exit_code=EXIT_OUTPUT) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile
    except FileExistsError:
        raise UserError(f"{path} already exists; pass --force to replace it", exit_code=EXIT_OUTPUT) from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}", exit_code=EXIT_OUTPUT) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cmd_why(args: Namespace) -> int:
    import json
    from pathlib import Path

    from .machine import open_machine
    from .probes.interpreter import probe_interpreter
    from .tags import supported_tags
    from .why import explain, needs_native_build, render_text, to_json

    with open_machine(args.replay) as (machine, inv):
        interp = probe_interpreter(machine, args.python or inv.get("python"))
    if not interp.usable:
        raise UserError(f"Python interpreter unusable: {interp.error_detail}")
    report = explain(Path(args.project), tags=supported_tags(interp), markers=interp.markers,
                     python_version=interp.version, packages=args.packages, index_url=args.index_url,
                     find_links=Path(args.find_links) if args.find_links else None, timeout=args.timeout,
                     cache_dir=Path(args.cache_dir) if args.cache_dir else None, total_timeout=args.total_timeout)
    if args.json:
        print(json.dumps(to_json(report), indent=2, ensure_ascii=False))
    else:
        print("\n".join(render_text(report)))
    return EXIT_FINDINGS if needs_native_build(report) and not args.packages else EXIT_OK


def cmd_devshell(args: Namespace) -> int:
    from .devshell import run_devshell

    command = args.run[1:] if args.run[:1] == ["--"] else args.run
    arch = args.arch
    if args.target:
        from .target import parse_spelling

        spelled = parse_spelling(args.target)
        if spelled is None or spelled.arch is None or spelled.os not in (None, "windows") or not spelled.arch.msvc:
            raise UserError(f"--target {args.target!r} names no Windows architecture a dev shell can target")
        if arch is not None and arch != spelled.arch.msvc:
            raise UserError(f"--arch {arch} and --target {args.target} disagree")
        arch = spelled.arch.msvc
    rc, text = run_devshell(arch=arch, vs=args.vs, fmt=args.fmt, command=command or None,
                            python=args.python, replay=args.replay)
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return rc


def cmd_explain(args: Namespace) -> int:
    from .rules.explain import EXPLAIN
    from .rules.explain_cc import EXPLAIN_CC
    from .rules.explain_classes import EXPLAIN_CLASSES
    from .rules.explain_cross import EXPLAIN_CROSS
    from .rules.explain_known import explain_known, known_ids
    from .rules.explain_log import EXPLAIN_LOG
    from .verify.explain import EXPLAIN_VERIFY

    EXPLAIN = {**EXPLAIN, **EXPLAIN_CC, **EXPLAIN_LOG, **EXPLAIN_CROSS, **EXPLAIN_VERIFY, **EXPLAIN_CLASSES}
    if not args.id:
        for key in sorted([*EXPLAIN, *known_ids()]):
            print(key)
        return EXIT_OK
    known = explain_known(args.id)
    if known is not None:
        print(known)
        return EXIT_OK
    text = EXPLAIN.get(args.id)
    if text is None:
        from .ids import did_you_mean

        guess = did_you_mean(args.id, EXPLAIN)
        raise UserError(f"unknown finding id {args.id!r}" + (f"; did you mean {guess!r}?" if guess else ""),
                        tip="'builddoctor explain' lists the finding ids")
    print(f"{args.id}\n\n{' '.join(text.split())}")
    return EXIT_OK


def cmd_diagnose(args: Namespace) -> int:
    from .logs.diagnose import run_diagnose
    from .logs.render import render, render_json

    if (args.python or args.project) and not args.live:
        raise UserError("diagnose: --python and --project describe this machine: they need --live")
    result = run_diagnose(args.log, replay=args.replay, live=args.live, python=args.python, project=args.project)
    (render_json if args.json else render)(result)
    return EXIT_FINDINGS if result.diagnosis.has_errors else EXIT_OK


def cmd_completion(args: Namespace) -> int:
    from .completion import script

    sys.stdout.write(script(args.shell))
    return EXIT_OK


def cmd_triage(args: Namespace) -> int:
    from .triage import run_triage

    sys.stdout.write(run_triage(args.paths, args.json))
    return EXIT_OK


def cmd_build(args: Namespace) -> int:
    from .builder.launch import Launch

    with Launch(args) as early:  # `uv venv` starts before the build's own modules load
        from .builder.command import run_build

        return run_build(args, early)


def cmd_verify(args: Namespace) -> int:
    from .verify.command import run_verify

    return run_verify(args)


COMMANDS = {"check": cmd_check, "snapshot": cmd_snapshot, "why": cmd_why, "build": cmd_build,
            "devshell": cmd_devshell, "explain": cmd_explain, "diagnose": cmd_diagnose, "triage": cmd_triage,
            "completion": cmd_completion, "verify": cmd_verify}


_FREEZE_AT_EXIT: list[object] = []


def _freeze_at_exit() -> None:
    """Python's last collection at exit walks every object a command made (the modules, the facts,
    a build's check): ~30 ms after a wheel is written, ~6 ms after a replayed check (measured). Frozen
    objects are skipped; the process ends anyway. atexit: a command run inside another program, such
    as a test, only freezes at that program's exit."""
    if not _FREEZE_AT_EXIT:
        import atexit
        import gc

        _FREEZE_AT_EXIT.append(atexit.register(gc.freeze))


def main(argv: Sequence[str] | None = None) -> int:
    from .interrupts import finished, install

    _freeze_at_exit()

    try:
        try:
            install()  # inside the try: a signal right after the first handler is set is caught below
            return _main(argv)
        finally:
            finished()
    except KeyboardInterrupt as exc:  # a signal between _main's own handlers and finished()
        from .interrupts import stop_children

        stop_children()
        return int(getattr(exc, "exit_code", EXIT_INTERRUPTED))


def _main(argv: Sequence[str] | None) -> int:

    try:
        if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be reported
            raise UserError("standard output is closed; redirect it to a file or /dev/null")
        words = sys.argv[1:] if argv is None else list(argv)
        if words == ["--version"]:  # what the parser's version action prints, without building the parser
            print(f"builddoctor {__version__}")
            return EXIT_OK
        args = _parse(words)
        code = COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except UserError as exc:
        _say(f"builddoctor: error: {exc.message}")
        if exc.tip:
            _say(f"builddoctor: tip: {exc.tip}")
        return exc.exit_code
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except RecursionError:  # json / tomllib on a hostile file (pyproject.toml, uv.lock, an index page)
        _say("builddoctor: error: an input file is nested too deeply to be read (a damaged or hostile file)")
        return EXIT_USAGE
    except OSError as exc:
        if not _stdout_failed(exc):
            return _internal(exc)
        _silence_stdout()
        _say(f"builddoctor: error: cannot write to standard output: {exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:
        wrapped = _interrupt_in(exc)
        if wrapped is not None:  # e.g. RuntimeError("Error calling __set_name__") around the interrupt
            return _interrupted(wrapped)
        return _internal(exc)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Ctrl-C, TERM or HUP: end every child's process tree, say which signal, exit 130 / 143 / 129."""
    from .interrupts import Interrupted, stop_children

    stop_children()
    if isinstance(exc, Interrupted) and exc.signum != 2:
        _say(f"builddoctor: interrupted ({exc.name})")
        return exc.exit_code
    _say("builddoctor: interrupted")
    return EXIT_INTERRUPTED


def _interrupt_in(exc: BaseException) -> KeyboardInterrupt | None:
    """A Ctrl-C / TERM / HUP that some library re-raised as another exception (its cause or context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _internal(exc: Exception) -> int:
    if os.environ.get("BUILDDOCTOR_DEBUG"):
        raise exc
    _say(f"builddoctor: internal error: {exc.__class__.__name__}: {exc} "
         "(set BUILDDOCTOR_DEBUG=1 for a traceback and please report it)")
    return EXIT_INTERNAL


def _say(line: str) -> None:
    from .machine.redact import printable

    try:
        print(printable(line), file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass  # stderr closed too: the exit status is all that is left


def _stdout_failed(exc: OSError) -> bool:
    """Whether writing our own output failed (/dev/full, a closed or broken descriptor)."""
    import errno

    # a failed write to a named file carries its name (and is mapped to a UserError where it happens)
    return exc.filename is None and exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EPIPE, errno.EFBIG,
                                                  errno.EDQUOT)


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so Python's own flush at exit cannot fail again (and print about it)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
