"""`builddoctor devshell`: a Visual Studio developer environment for one architecture.

vcvarsall.bat runs under `cmd /d /u /c` (no AutoRun, UTF-16 output so non-ASCII values survive), between
two `set` dumps of the same cmd process; only the variables it changed are printed. It exits 0 on bad
arguments, so success also needs no `[ERROR:` line, a changed INCLUDE and LIB, and a shell (and cl.exe
folder) for the requested architecture. Its arguments come only from toolchains/msvc.toml.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any

from . import arch as archmod
from ._data import table
from ._record import field, record
from .errors import EXIT_FINDINGS, UserError
from .facts import VsInstall, has_tools
from .machine import LiveMachine, Machine, open_machine
from .probes.cc import env_get
from .probes.host import probe_host
from .probes.msvc import cl_folder_arches, probe_vs
from .target import Target
from .vcvars import vcvars_spec

FORMATS = ("cmd", "powershell", "bash", "json")
JSON_SCHEMA = "builddoctor.devshell/1"
TIMEOUT = 120.0
COMMAND_TIMEOUT = float(os.environ.get("BUILDDOCTOR_DEVSHELL_TIMEOUT") or 6 * 3600)
_MARK = "@@BUILDDOCTOR-VCVARS@@"
_BOM = "\ufeff"  # echoed first, so the UTF-16 output of `cmd /u` starts with a byte-order mark
_VS = re.compile(r"^(\d{2}(\.\d+){0,3}|20\d\d)$")
_PATH_LISTS = ("PATH", "INCLUDE", "LIB", "LIBPATH")


@record
class DevEnv:
    """What vcvarsall.bat changed, and how it was called."""

    target: archmod.Arch
    host: archmod.Arch
    spec: str
    install: VsInstall
    changed: dict[str, str]
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def allowed_arches() -> tuple[str, ...]:
    return tuple(table("msvc")["devshell"]["arches"])


def check_args(arch: str | None, vs: str | None, fmt: str) -> None:
    """Refuse anything outside the allow-lists before a single program runs."""
    if arch is not None and arch not in allowed_arches():
        raise UserError(f"--arch {arch!r} is not one of {', '.join(allowed_arches())}")
    if vs is not None and not _VS.match(vs):
        raise UserError(f"--vs {vs!r} is not a Visual Studio version such as 17, 17.14 or 2022")
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")


def pick_install(installs: Sequence[VsInstall], vs: str | None, target: archmod.Arch, setup: str = "") -> VsInstall:
    usable = [i for i in installs if i.vcvarsall]
    if vs is not None:
        major = table("msvc")["devshell"]["product_lines"].get(vs, vs)
        usable = [i for i in usable if i.line == vs or i.version == major or i.version.startswith(major + ".")]
        if not usable:
            found = ", ".join(f"{i.version} ({i.path})" for i in installs) or "none"
            raise UserError(f"no Visual Studio {vs} with vcvarsall.bat; installed: {found}", exit_code=EXIT_FINDINGS)
    if not usable:
        component = table("msvc")["components"]["tools"][target.name]
        raise UserError("no Visual Studio or Build Tools with vcvarsall.bat was found", exit_code=EXIT_FINDINGS,
                        tip=table("msvc")["installer"]["winget_buildtools"].format(component=component))
    chosen = next((i for i in usable if has_tools(i, target) is not False), None)
    if chosen is None:
        component = table("msvc")["components"]["tools"][target.name]
        label = table("msvc")["components"]["labels"][component]
        setup = setup or r"C:\Program Files (x86)\Microsoft Visual Studio\Installer\setup.exe"
        raise UserError(f"no Visual Studio installation has the {label} for {target.msvc}", exit_code=EXIT_FINDINGS,
                        tip=f'"{setup}" modify --installPath "{usable[0].path}" --add {component} --passive')
    return chosen


def _cmd_argv(machine: Machine, vcvarsall: str, spec: str) -> list[str]:
    if re.search(r'["%!\r\n]', vcvarsall) or (" " not in vcvarsall and re.search(r"[&|<>^]", vcvarsall)):
        raise UserError(f"the path {vcvarsall} has characters cmd.exe cannot be given safely")
    root = env_get(machine.env(), "SystemRoot", windows=True) or r"C:\Windows"
    cmd = machine.join(root, "System32", "cmd.exe")
    # "call" first: cmd /c then never strips quotes, so a path with spaces and "(x86)" stays quoted.
    return [cmd, "/d", "/u", "/c", "echo", _BOM, "&&", "set", "&&", "echo", _MARK, "&&", "call", vcvarsall, spec,
            "&&", "echo", _MARK, "&&", "set"]


def utf16_text(text: str) -> str:
    """`cmd /u` output that reached us without its byte-order mark was decoded as UTF-8 (NULs everywhere)."""
    if "\x00" not in text:
        return text
    try:
        return text.encode("utf-8").decode("utf-16-le", errors="replace")
    except UnicodeEncodeError:  # pragma: no cover - text that was not UTF-8 to begin with
        return text.replace("\x00", "")


def parse_set(lines: Sequence[str]) -> dict[str, tuple[str, str]]:
    """`set` output -> {NAME.upper(): (name, value)}, split on the first '=' only; '=C:'-style entries skipped."""
    out: dict[str, tuple[str, str]] = {}
    for raw in lines:
        line = raw.rstrip("\r")
        if "=" not in line or line.startswith("="):
            continue
        name, value = line.split("=", 1)
        if name and " " not in name.strip():
            out[name.upper()] = (name, value)
    return out


def _dedupe(value: str) -> str:
    seen: set[str] = set()
    kept = []
    for entry in value.split(";"):
        key = entry.strip().rstrip("\\").lower()
        if entry and key not in seen:
            seen.add(key)
            kept.append(entry)
    return ";".join(kept)


def _failure(message: str, lines: Sequence[str], install: VsInstall, spec: str) -> UserError:
    errors = [ln.strip() for ln in lines if "[ERROR:" in ln]
    detail = f": {errors[0]}" if errors else ""
    return UserError(f"vcvarsall.bat {spec} ({install.path}) {message}{detail}", exit_code=EXIT_FINDINGS,
                     tip=f'see its whole output with: call "{install.vcvarsall}" {spec}')


def capture(machine: Machine, install: VsInstall, spec: str, target: archmod.Arch) -> tuple[dict[str, str], list[str]]:
    """Run vcvarsall.bat; (changed variables, removed names), or a UserError saying why it failed."""
    result = machine.run(_cmd_argv(machine, install.vcvarsall, spec), timeout=TIMEOUT,
                         key=f"vcvarsall {spec} {install.vcvarsall}")
    text = utf16_text(result.stdout)
    lines = text.splitlines() + utf16_text(result.stderr).splitlines()
    if result.error:
        raise _failure(f"could not run ({result.error})", lines, install, spec)
    marks = [n for n, ln in enumerate(lines) if ln.strip() == _MARK]
    if result.returncode != 0 or any("[ERROR:" in ln for ln in lines) or len(marks) < 2:
        raise _failure(f"failed (exit {result.returncode})", lines, install, spec)
    before, after = parse_set(lines[:marks[0]]), parse_set(lines[marks[1] + 1:])
    unchanged = [n for n in ("INCLUDE", "LIB") if after.get(n, ("", ""))[1] == before.get(n, ("", ""))[1]]
    if unchanged:
        raise _failure(f"exited 0 but did not set {' and '.join(unchanged)}", lines, install, spec)
    got = archmod.parse(after.get("VSCMD_ARG_TGT_ARCH", ("", ""))[1])
    folder = next((cl_folder_arches(e + "\\cl.exe")[1] for e in after.get("PATH", ("", ""))[1].split(";")
                   if cl_folder_arches(e + "\\cl.exe")[1]), None)
    if got != target or (folder is not None and folder != target.name):
        said = got.name if got else "no architecture"
        raise _failure(f"set up {said} (cl.exe folder for {folder or '?'}), not {target.name}: is the "
                       f"{target.name} toolset installed?", lines, install, spec)
    if got != archmod.parse(before.get("VSCMD_ARG_TGT_ARCH", ("", ""))[1]) and "VSCMD_ARG_TGT_ARCH" in before:
        after = _drop_old_shell(before, after)
    changed = {name: (_dedupe(value) if key in _PATH_LISTS else value)
               for key, (name, value) in after.items() if before.get(key, ("", None))[1] != value}
    removed = [name for key, (name, _) in before.items() if key not in after]
    return changed, removed


_Vars = dict[str, tuple[str, str]]


def _drop_old_shell(before: _Vars, after: _Vars) -> _Vars:
    """Started inside a dev shell for another arch: vcvarsall prepended to its lists; keep only the new ones."""
    sdk_bin = before.get("WINDOWSSDKDIR", ("", ""))[1].rstrip("\\") + "\\bin\\"
    roots = [before.get("VSINSTALLDIR", ("", ""))[1], sdk_bin]
    old_roots = [r.lower() for r in roots if len(r) > 5]
    out = dict(after)
    for key in _PATH_LISTS:
        name, value = after.get(key, ("", ""))
        old = before.get(key, ("", ""))[1]
        if not old or not value.endswith(old):
            continue
        fresh = [e for e in value[: len(value) - len(old)].split(";") if e]
        kept = [e for e in old.split(";") if e and key == "PATH" and not e.lower().startswith(tuple(old_roots))]
        out[key] = (name, ";".join(fresh + kept))
    return out


def prepare(machine: Machine, *, arch: str | None, vs: str | None, target: Target | None) -> DevEnv:
    if machine.os != "windows":
        raise UserError(f"Visual Studio developer shells exist only on Windows; this machine runs {machine.os}")
    want = archmod.parse(arch) if arch else (target.arch if target else None)
    if want is None:
        raise UserError("cannot tell the interpreter's architecture; pass --arch x64, arm64 or x86")
    if want.msvc not in allowed_arches():
        raise UserError(f"this Python is {want.name}; devshell builds for {', '.join(allowed_arches())} only")
    _, state, detail, setup, installs = probe_vs(machine)
    if state in ("unparseable", "failed"):
        raise UserError(f"cannot list Visual Studio installations: {detail}", exit_code=EXIT_FINDINGS)
    install = pick_install(installs, vs, want, setup)
    host = archmod.get(probe_host(machine).arch or table("msvc")["devshell"]["emulated_host"])
    spec, used_host, notes = vcvars_spec(host, want, install.version)
    changed, removed = capture(machine, install, spec, want)
    stale = env_get(machine.env(), "VSCMD_ARG_TGT_ARCH", windows=True)
    if stale and archmod.parse(stale) != want:
        notes.append(f"started inside a dev shell for {stale}: its INCLUDE, LIB, LIBPATH and PATH entries are dropped")
    return DevEnv(want, used_host, spec, install, changed, removed, notes)


def _msys_path(value: str) -> str:
    def one(entry: str) -> str:
        m = re.match(r"^([A-Za-z]):[\\/]?(.*)$", entry)
        return f"/{m.group(1).lower()}/{m.group(2)}".replace("\\", "/").rstrip("/") if m else entry.replace("\\", "/")
    return ":".join(one(e) for e in value.split(";") if e)


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ps_quote(value: str) -> str:
    """A PowerShell literal; non-ASCII characters as [char] codes so no console code page can mangle them."""
    if value.isascii():
        return "'" + value.replace("'", "''") + "'"
    out = []
    for c in value:
        if c in "`\"$":
            out.append("`" + c)
        elif c.isascii():
            out.append(c)
        else:
            units = c.encode("utf-16-le")
            out += [f"$([char]0x{int.from_bytes(units[i:i + 2], 'little'):04X})" for i in range(0, len(units), 2)]
    return '"' + "".join(out) + '"'


def sh_quote(value: str) -> str:
    """A bash literal; non-ASCII characters as their UTF-8 bytes ($'\\xHH'), whatever the locale."""
    if value.isascii():
        return "'" + value.replace("'", "'\\''") + "'"
    out = []
    for c in value:
        if c in "\\'":
            out.append("\\" + c)
        elif c.isascii():
            out.append(c)
        else:
            out += [f"\\x{b:02x}" for b in c.encode("utf-8")]
    return "$'" + "".join(out) + "'"


def _cmd(env: DevEnv, notes: list[str], items: list[tuple[str, str]]) -> list[str]:
    """A batch file to `call`; UTF-8 (code page 65001) while it runs when a value needs it."""
    utf8 = not all(v.isascii() for _, v in items)
    lines = [f"@rem {n}" for n in notes]
    if utf8:
        lines += ['@for /f "tokens=2 delims=:." %%c in (\'chcp\') do @set "BUILDDOCTOR_CP=%%c"', "@chcp 65001 >nul"]
    lines += [f'set "{k}={v.replace("%", "%%")}"' for k, v in items]
    lines += [f'set "{k}="' for k in sorted(env.removed)]
    if utf8:
        lines += ["@chcp %BUILDDOCTOR_CP% >nul", '@set "BUILDDOCTOR_CP="']
    return lines


def _comment(note: str) -> str:
    return "# " + note.encode("ascii", "backslashreplace").decode("ascii")


def _powershell(env: DevEnv, notes: list[str], items: list[tuple[str, str]]) -> list[str]:
    lines = [_comment(n) for n in notes]
    lines += [f"{f'$env:{k}' if _NAME.match(k) else f'${{env:{k}}}'} = {ps_quote(v)}" for k, v in items]
    return lines + [f"Remove-Item Env:{k} -ErrorAction SilentlyContinue" for k in sorted(env.removed)]


def _bash(env: DevEnv, notes: list[str], items: list[tuple[str, str]]) -> list[str]:
    lines = [_comment(n) for n in notes]
    for k, v in items:
        if not _NAME.match(k):
            lines.append(f"# skipped {k}: not a valid shell variable name")
            continue
        name, value = ("PATH", _msys_path(v)) if k.upper() == "PATH" else (k, v)
        lines.append(f"export {name}={sh_quote(value)}")
    return lines + [f"unset {k}" for k in sorted(env.removed) if _NAME.match(k)]


def render(env: DevEnv, fmt: str) -> str:
    """The changed variables as a script for `fmt`; only the cmd format needs to be written as UTF-8."""
    version = env.install.display_version or env.install.version
    head = (f"builddoctor devshell: target {env.target.msvc}, host {env.host.msvc} "
            f"(vcvarsall.bat {env.spec}, Visual Studio {version} at {env.install.path})")
    if fmt == "json":
        doc: dict[str, Any] = {
            "schema": JSON_SCHEMA, "arch": env.target.msvc, "host": env.host.msvc, "spec": env.spec,
            "vcvarsall": env.install.vcvarsall,
            "vs": {"path": env.install.path, "version": env.install.version, "product": env.install.product},
            "set": dict(sorted(env.changed.items())), "unset": sorted(env.removed), "notes": env.notes}
        return json.dumps(doc, indent=2) + "\n"
    items = sorted(env.changed.items(), key=lambda kv: kv[0].upper())
    writer = {"cmd": _cmd, "powershell": _powershell, "bash": _bash}[fmt]
    return "\n".join(writer(env, [head, *env.notes], items)) + "\n"


def _child_env(env: DevEnv) -> dict[str, str]:
    child = dict(os.environ)
    upper = {k.upper(): k for k in child}
    for name, value in env.changed.items():
        child.pop(upper.get(name.upper(), name), None)
        child[name] = value
    for name in env.removed:
        child.pop(upper.get(name.upper(), name), None)
    return child


def _resolve(program: str, env: Mapping[str, str]) -> str:
    """Find a bare command name on the dev shell's PATH (Windows searches the parent's PATH otherwise)."""
    if os.path.dirname(program):
        return program
    path = next((v for k, v in env.items() if k.upper() == "PATH"), "")
    exts = ["", *next((v for k, v in env.items() if k.upper() == "PATHEXT"), ".COM;.EXE;.BAT;.CMD").split(";")]
    for folder in path.split(os.pathsep):
        for ext in exts:
            candidate = os.path.join(folder.strip('"'), program + ext)
            if folder and os.path.isabs(folder.strip('"')) and os.path.isfile(candidate):
                return candidate
    return program


def run_in(env: DevEnv, command: Sequence[str], out: IO[str]) -> int:
    """Run COMMAND in the current folder inside the dev environment, streaming its output."""
    from . import proc

    child = _child_env(env)
    argv = [_resolve(command[0], child), *command[1:]]
    rc, error, _ = proc.stream(argv, timeout=COMMAND_TIMEOUT, env=child, cwd=os.getcwd(),
                               on_line=lambda line: print(line, file=out, flush=True))
    if error:
        raise UserError(f"{command[0]} {'was not found' if error == 'not-found' else error}",
                        exit_code=EXIT_FINDINGS)
    return rc if rc is not None else EXIT_FINDINGS


def devshell(machine: Machine, *, arch: str | None, vs: str | None, fmt: str, command: Sequence[str] | None,
             target: Target | None, out: IO[str] | None = None) -> tuple[int, str]:
    """(exit code, text to print). With COMMAND the command's output is streamed to `out` instead."""
    check_args(arch, vs, fmt)
    if command and not isinstance(machine, LiveMachine):
        raise UserError("a recorded machine cannot run COMMAND; drop it to see the environment as a script")
    env = prepare(machine, arch=arch, vs=vs, target=target)
    if command:
        return run_in(env, command, out or sys.stdout), ""
    return 0, render(env, fmt)


def run_devshell(*, arch: str | None, vs: str | None, fmt: str, command: Sequence[str] | None,
                 python: str | None = None, replay: str | None = None, out: IO[str] | None = None) -> tuple[int, str]:
    """The CLI's entry: a live or recorded machine; the target is the interpreter's unless --arch says."""
    check_args(arch, vs, fmt)
    with open_machine(replay) as (machine, inv):
        if replay and python is None:
            python = inv.get("python")
        if replay and arch is None and isinstance(inv.get("target"), str):  # the snapshot's --target
            from .target import parse_spelling

            spelled = parse_spelling(inv["target"])
            arch = spelled.arch.msvc if spelled is not None and spelled.arch is not None else None
        return devshell(machine, arch=arch, vs=vs, fmt=fmt, command=command,
                        target=_target(machine, python, arch), out=out)


def _target(machine: Machine, python: str | None, arch: str | None) -> Target | None:
    if arch is not None or machine.os != "windows":
        return None
    from .probes.interpreter import probe_interpreter
    from .target import interpreter_target

    return interpreter_target(probe_interpreter(machine, python))
