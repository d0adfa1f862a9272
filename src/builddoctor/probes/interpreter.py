"""Which interpreter, and everything it says about itself (read from inside it, never guessed)."""
from __future__ import annotations

import json
import os as _os
import re

from .._record import replace
from .._regex import lazy
from .._text import is_dotted
from ..facts import InterpreterFacts
from ..machine import Machine
from ._binary import binary_arches

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..proc_result import ProcResult

# Seconds the interpreter gets to describe itself; BUILDDOCTOR_PROBE_TIMEOUT overrides it.
PROBE_TIMEOUT = 15.0


def probe_timeout() -> float:
    """PROBE_TIMEOUT or BUILDDOCTOR_PROBE_TIMEOUT, read when a probe runs (a bad value is a one-line error)."""
    from ..argtypes import seconds_from_env

    return seconds_from_env("BUILDDOCTOR_PROBE_TIMEOUT", PROBE_TIMEOUT)
_SENTINEL, _END = "@@BUILDDOCTOR@@", "}@@END@@"


def _is_version(requested: str) -> bool:
    """3, 3.12, 3.12.1, 3.13t: a version to find, not a program."""
    return is_dotted(requested.removesuffix("t"), 1, 3)


def _payload(stdout: str) -> str | None:
    """The JSON the probe script printed last: a sitecustomize may print anything before it, even a
    sentinel. From the last `@@BUILDDOCTOR@@{` to the last `}@@END@@` after it."""
    start = stdout.rfind(_SENTINEL + "{")
    end = stdout.rfind(_END)
    if start < 0 or end < start + len(_SENTINEL) + 1:
        return None
    return stdout[start + len(_SENTINEL):end + 1]


def _script() -> str:
    with open(_os.path.join(_os.path.dirname(__file__), "_interp_script.py"), encoding="utf-8") as fh:
        return fh.read()  # importlib.resources would cost 3 ms of imports; the file ships beside this one


def _excerpt(text: str, limit: int = 200) -> str:
    from ..proc_result import excerpt

    return excerpt(text, limit)


_STORE_STUB = lazy(r"[\\/]Microsoft[\\/]WindowsApps[\\/][^\\/]*$", re.I)


def _venv_home(machine: Machine, path: str) -> str | None:
    """`home` of the pyvenv.cfg next to a venv's python ('' when unreadable), or None when not in a venv."""
    root = re.sub(r"[\\/]+[^\\/]+[\\/]+[^\\/]+$", "", path)  # VENV/bin/python -> VENV
    text = machine.read_text(machine.join(root, "pyvenv.cfg")) if root and root != path else None
    if text is None:
        return None
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip().lower() == "home":
            return value.strip()
    return ""


def _venv_python(machine: Machine, venv: str) -> str:
    if machine.os == "windows":
        return machine.join(venv, "Scripts", "python.exe")
    return machine.join(venv, "bin", "python")


def find_interpreter(machine: Machine, requested: str | None) -> str | None:
    """A path for `--python` (path, version like 3.12, or a name on PATH), or the venv's / PATH's python."""
    return resolve_interpreter(machine, requested)[0]


_MANAGED = ((".pyenv", "versions"), (".local", "share", "uv", "python"))


def _version_key(text: str) -> tuple[int, ...]:
    head = text.split("-", 1)[0].removeprefix("cpython-")
    numbers = "".join(c if "0" <= c <= "9" else " " for c in head).split()
    return tuple(int(x) for x in numbers[:3])


def _managed(machine: Machine, requested: str) -> tuple[str, str] | None:
    """The newest pyenv / uv-managed CPython matching a version request (3 -> the newest 3.x), as
    `uv python find` does; its real binary, never a shim that depends on `pyenv global`."""
    found: list[tuple[tuple[int, ...], str, str]] = []
    for parts in _MANAGED:
        root = machine.join(machine.home(), *parts)
        for entry in machine.listdir(root) or []:
            bare = entry.removeprefix("cpython-")
            if not (bare == requested or bare.startswith(requested + ".") or bare.startswith(requested + "-")):
                continue
            if "-" in bare and not re.search(r"-(linux|macos|windows|darwin)", bare):
                continue  # e.g. pypy3.10-7.3 or a virtualenv name
            key = _version_key(bare)
            minor = ".".join(str(x) for x in key[:2])
            for exe in ("python3", f"python{minor}", "python"):
                candidate = machine.join(root, entry, "bin", exe)
                if machine.is_file(candidate):
                    found.append((key, candidate, machine.join(root, entry)))
                    break
    if not found:
        return None
    key, path, folder = max(found)
    return path, f"--python {requested}: the newest match, {'.'.join(map(str, key))} in {folder}"


def resolve_interpreter(machine: Machine, requested: str | None) -> tuple[str | None, str]:
    """(path, why this one): the active venv, then PATH; a version through pyenv / uv / PATH; a name on PATH."""
    env = machine.env()
    names = ("python", "python3") if machine.os == "windows" else ("python3", "python")
    if not requested:
        venv = env.get("VIRTUAL_ENV")
        stale = ""
        if venv:
            if machine.is_file(_venv_python(machine, venv)):
                return _venv_python(machine, venv), f"the active virtual environment (VIRTUAL_ENV={venv})"
            stale = f"VIRTUAL_ENV={venv} has no python (deleted venv?); "
        for name in names:
            found = machine.which(name)
            if found:
                return found, f"{stale}the first {name} on PATH"
        return None, f"{stale}no {' or '.join(names)} on PATH"
    if _is_version(requested):
        if machine.os != "windows":
            managed = _managed(machine, requested)
            if managed is not None:
                return managed
        found = machine.which(f"python{requested}")
        return (found, f"--python {requested}: python{requested} on PATH") if found else (None, "")
    if not re.search(r"[\\/]", requested) and not machine.is_file(requested):
        found = machine.which(requested)  # a command name such as python3.12
        named = re.fullmatch(r"python(\d+(?:\.\d+)?)", requested)
        if named and (found is None or re.search(r"[\\/]shims[\\/]", found)) and machine.os != "windows":
            managed = _managed(machine, named.group(1))  # a pyenv shim fails unless `pyenv global` has it
            if managed is not None:
                return managed[0], f"--python {requested}: {managed[1].split(': ', 1)[1]} (not the pyenv shim)"
        if found:
            return found, f"--python {requested}: found on PATH"
    return requested, f"--python {requested}"  # a path (checked by probe_interpreter)


def _described_by(result: ProcResult) -> list[str]:
    """The files an interpreter's self-description depends on: its executables, pyvenv.cfg, and every
    sys.path folder (installing a package changes its folder; the backends' versions come from there)."""
    payload = _payload(result.stdout)
    raw = json.loads(payload) if payload else None
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), list):
        raise ValueError("no sys.path in the description")
    files = [str(raw.get(k) or "") for k in ("executable", "base_executable")]
    if _os.path.realpath(result.argv[0]) not in {_os.path.realpath(f) for f in files if f}:
        # A launcher (pyenv or asdf shim, py.exe ...) picks the interpreter from state we do not see.
        raise ValueError("the program run is a launcher, not the interpreter")
    files.append(_os.path.join(str(raw.get("prefix") or ""), "pyvenv.cfg"))
    return [f for f in files if f] + [str(p) for p in raw["path"]]


def probe_interpreter(machine: Machine, requested: str | None) -> InterpreterFacts:
    label = requested or "(default)"
    path, because = resolve_interpreter(machine, requested)
    facts = _probe_path(machine, requested, label, path)
    return replace(facts, chosen_because=because) if because else facts


def _probe_path(machine: Machine, requested: str | None, label: str, path: str | None) -> InterpreterFacts:
    if path is None:
        what = f"no Python {requested} found" if requested else "no python on PATH"
        return InterpreterFacts(requested=label, error="not-found", error_detail=what)
    if not machine.is_file(path):
        home = None if machine.is_dir(path) else _venv_home(machine, path)
        if home is not None:  # a venv whose base Python was uninstalled (bin/python is a dangling link)
            return InterpreterFacts(requested=label, executable=path, error="broken",
                                    error_detail=f"{path} is a broken venv (base interpreter missing: pyvenv.cfg "
                                                 f"home = {home or '?'}); recreate the venv")
        why = "is a folder, not a program" if machine.is_dir(path) else "does not exist"
        return InterpreterFacts(requested=label, error="not-found", error_detail=f"{path} {why}")
    timeout = probe_timeout()
    result = machine.run_cached([path, "-I", "-B", "-c", _script()], timeout=timeout,
                                key=f"python-probe {path}", deps_of=_described_by)
    if result.error == "timeout":
        return InterpreterFacts(requested=label, executable=path, error="timeout",
                                error_detail=f"{path} did not answer within {timeout:.0f} s")
    if result.error:
        return InterpreterFacts(requested=label, executable=path, error=result.error.split(":")[0],
                                error_detail=f"{path} could not be run ({result.error})")
    payload = _payload(result.stdout)
    if payload is None:
        both = result.stderr + result.stdout
        if re.search(r"unknown option.*-I|option -I not recognized", both, re.I):
            return InterpreterFacts(requested=label, executable=path, error="unsupported",
                                    error_detail=f"{path} is too old (no -I option: Python 2?)")
        if _STORE_STUB.search(path):  # the App execution alias that offers to open the Store
            return InterpreterFacts(requested=label, executable=path, error="store-stub",
                                    error_detail=f"{path} is the Microsoft Store stub, not Python "
                                                 f"({_excerpt(both, 80) or 'no output'}); install CPython (python.org "
                                                 "or 'uv python install') and turn the python.exe alias off in "
                                                 "Settings > Apps > Advanced app settings > App execution aliases")
        return InterpreterFacts(requested=label, executable=path, error="not-python",
                                error_detail=f"{path} is not a Python interpreter: {_excerpt(both) or 'no output'}")
    try:
        raw = json.loads(payload)
    except json.JSONDecodeError:
        return InterpreterFacts(requested=label, executable=path, error="not-python",
                                error_detail=f"{path} answered with unreadable data")
    return _facts_from(machine, label, raw)


_MUSL_LOADER = rb"/lib/ld-musl-[A-Za-z0-9_]+\.so\.1"
_MUSL_VERSION = lazy(r"^Version (\d+\.\d+(?:\.\d+)?)", re.M)


def _musl(machine: Machine, exe: str) -> list[str] | None:
    """["musl", version] when the executable's ELF interpreter (PT_INTERP) is musl's loader.

    platform.libc_ver() knows only glibc, so on Alpine the interpreter reports no libc; the loader
    named in the header is the fact (packaging's _musllinux.py reads it the same way), and running
    the loader alone prints "musl libc (x86_64)" and "Version 1.2.5" on stderr.
    """
    head = machine.read_head(exe) if exe else None
    found = re.search(_MUSL_LOADER, head) if head and b"/lib/ld-musl-" in head else None
    if found is None:
        return None
    loader = found.group(0).decode("ascii")
    result = machine.run([loader], timeout=5.0)
    version = _MUSL_VERSION.search(result.stderr + result.stdout)
    return ["musl", version.group(1) if version else ""]


def _facts_from(machine: Machine, label: str, raw: dict[str, object]) -> InterpreterFacts:
    def s(key: str) -> str:
        v = raw.get(key)
        return v if isinstance(v, str) else ""

    libc = raw.get("libc")
    exe = s("executable")
    base = s("base_executable") or exe
    exe_format, exe_arches = binary_arches(machine, base) or binary_arches(machine, exe) or ("", ())
    if not (isinstance(libc, list) and len(libc) == 2) and exe_format == "elf":
        libc = _musl(machine, base) or libc
    markers = raw.get("markers")
    backends = raw.get("backends")
    build_vars = raw.get("build_vars")
    return InterpreterFacts(
        requested=label,
        executable=exe,
        base_executable=base,
        in_venv=s("prefix") != s("base_prefix"),
        version=s("version"),
        implementation=s("implementation"),
        sys_version=s("sys_version"),
        platform=s("platform"),
        soabi=s("soabi"),
        ext_suffix=s("ext_suffix"),
        pointer_bits=int(raw.get("pointer_bits") or 0),  # type: ignore[call-overload]
        free_threaded=bool(raw.get("free_threaded")),
        sys_platform=s("sys_platform"),
        markers={str(k): str(v) for k, v in markers.items()} if isinstance(markers, dict) else {},
        libc=(str(libc[0]), str(libc[1])) if isinstance(libc, list) and len(libc) == 2 else None,
        mac_machine=s("mac_machine"),
        winver=s("winver"),
        include_dir=s("include_dir"),
        has_headers=bool(raw.get("has_headers")),
        import_lib=s("import_lib"),
        has_import_lib=bool(s("import_lib")) or not s("platform").startswith("win"),
        backends={str(k): str(v) for k, v in backends.items() if v} if isinstance(backends, dict) else {},
        exe_format=exe_format,
        exe_arches=exe_arches,
        build_vars={str(k): str(v) for k, v in build_vars.items()} if isinstance(build_vars, dict) else {},
    )

