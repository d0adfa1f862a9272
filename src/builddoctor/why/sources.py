"""Read what a project asks for: pyproject.toml, uv.lock, pylock.toml (PEP 751) or a requirements file."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement

from .._compat.tomllib import TOMLDecodeError, loads
from .._record import field, record
from ..errors import UserError
from .dists import canonical, parse_file
from .model import DistFile
from .policy import BinaryPolicy, add_tool_uv, from_env

_PYLOCK = re.compile(r"^pylock\.([^.]+\.)?toml$")


@record
class Dep:
    req: Requirement
    origin: str  # "project" | "extra 'x'" | "group 'dev'" | "requirements.txt:3" | "command line"

    @property
    def name(self) -> str:
        return canonical(self.req.name)


@record
class Edge:
    """A dependency arrow in a lock."""

    name: str
    marker: str | None = None
    version: str | None = None
    extras: tuple[str, ...] = ()


@record(frozen=False)
class Locked:
    """One [[package]] of uv.lock or [[packages]] of pylock.toml."""

    name: str
    version: str | None
    source: str  # registry | virtual | editable | directory | path | git | url | vcs | archive
    files: list[DistFile] = field(default_factory=list)
    deps: list[Edge] = field(default_factory=list)
    optional: dict[str, list[Edge]] = field(default_factory=dict)
    groups: dict[str, list[Edge]] = field(default_factory=dict)
    marker: str | None = None  # pylock: when the package is installed
    root: bool = False


@record(frozen=False)
class Project:
    dir: Path
    name: str | None = None
    source: str | None = None  # the file the answer comes from
    deps: list[Dep] = field(default_factory=list)
    lock: str | None = None  # "uv" | "pylock"
    locked: list[Locked] = field(default_factory=list)
    lock_groups: tuple[str, ...] = ()  # pylock default-groups
    policy: BinaryPolicy = field(default_factory=BinaryPolicy)
    notes: list[str] = field(default_factory=list)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = loads(path.read_text(encoding="utf-8-sig"))
    except TOMLDecodeError as exc:
        raise UserError(f"{path.name} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    return data


def load(path: Path, env: Mapping[str, str]) -> Project:
    """A folder (or one of its files) -> its requirements: lock first, then pyproject, then requirements.txt."""
    target = path if path.is_file() else None
    folder = path.parent if target else path
    if not folder.is_dir():
        raise UserError(f"project folder not found: {path}")
    proj = Project(dir=folder, policy=from_env(env))
    pyproject = folder / "pyproject.toml"
    has_project = False
    if pyproject.is_file() and not (target is not None and target.suffix == ".txt"):
        has_project = read_pyproject_data(proj, read_toml(pyproject))
    if target is not None and target.suffix == ".txt":
        _read_requirements(proj, target, set())
        return proj
    uv_lock = folder / "uv.lock"
    pylocks = sorted(p for p in folder.iterdir() if _PYLOCK.match(p.name))
    if target is not None and _PYLOCK.match(target.name):
        pylocks = [target]
    if uv_lock.is_file() and not (target is not None and _PYLOCK.match(target.name)):
        _read_uv_lock(proj, uv_lock)
    elif pylocks:
        chosen = next((p for p in pylocks if p.name == "pylock.toml"), pylocks[0])
        if len(pylocks) > 1 and target is None:
            proj.notes.append(f"several PEP 751 locks; read {chosen.name}")
        _read_pylock(proj, chosen)
    elif has_project:
        proj.source = "pyproject.toml"
    elif (folder / "requirements.txt").is_file():
        _read_requirements(proj, folder / "requirements.txt", set())
    return proj


def _req(text: str, where: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        raise UserError(f"{where}: invalid requirement {text!r}: {' '.join(str(exc).split())}") from None


def read_pyproject_data(proj: Project, data: Mapping[str, Any]) -> bool:
    tool_uv = (data.get("tool") or {}).get("uv") or {}
    if isinstance(tool_uv, Mapping):
        add_tool_uv(proj.policy, tool_uv, "pyproject.toml")
    table = data.get("project")
    if not isinstance(table, Mapping):
        return False
    proj.name = canonical(str(table.get("name") or "")) or None
    deps: list[Dep] = []
    for text in _list(table.get("dependencies")):
        deps.append(Dep(_req(text, "pyproject.toml"), "project"))
    for extra, items in (table.get("optional-dependencies") or {}).items():
        deps.extend(Dep(_req(t, "pyproject.toml"), f"extra '{extra}'") for t in _list(items))
    groups = data.get("dependency-groups") or {}
    for group in groups:
        deps.extend(Dep(_req(t, "pyproject.toml"), f"group '{group}'") for t in _group(groups, group, set()))
    if isinstance(tool_uv, Mapping):
        deps.extend(Dep(_req(t, "pyproject.toml"), "group 'dev'") for t in _list(tool_uv.get("dev-dependencies")))
    proj.deps = [d for d in deps if d.name != proj.name]
    return True


def _group(groups: Mapping[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    out: list[str] = []
    for item in groups.get(name) or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("include-group"), str):
            out.extend(_group(groups, item["include-group"], seen))
    return out


def _list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _file_name(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return None
    for key in ("filename", "name"):
        if isinstance(entry.get(key), str) and "." in entry[key]:
            return str(entry[key])
    for key in ("url", "path"):
        if isinstance(entry.get(key), str):
            tail = unquote(urlsplit(entry[key]).path).replace("\\", "/").rsplit("/", 1)[-1]
            return tail or None
    return None


def _files(pkg: Mapping[str, Any], sdist_key: str = "sdist") -> list[DistFile]:
    out: list[DistFile] = []
    entries = [pkg.get(sdist_key), *list(pkg.get("wheels") or [])]
    for entry in entries:
        name = _file_name(entry)
        f = parse_file(name) if name else None
        if f is not None:
            out.append(f)
    return out


def _edges(items: Any) -> list[Edge]:
    out = []
    for e in items if isinstance(items, list) else []:
        if isinstance(e, Mapping) and isinstance(e.get("name"), str):
            extras = e.get("extra") or ()
            out.append(Edge(canonical(e["name"]), e.get("marker"), e.get("version"), tuple(extras)))
    return out


def _read_uv_lock(proj: Project, path: Path) -> None:
    read_uv_lock_data(proj, read_toml(path))


def read_uv_lock_data(proj: Project, data: Mapping[str, Any]) -> None:
    """A parsed uv.lock into `proj` (also used by check, which reads files through the machine seam)."""
    if data.get("version") != 1:
        raise UserError(f"uv.lock has version {data.get('version')!r}; builddoctor reads uv.lock version 1")
    packages = data.get("package", [])
    if not isinstance(packages, list) or not all(isinstance(p, Mapping) for p in packages):
        raise UserError("uv.lock: [[package]] must be an array of tables")
    proj.source, proj.lock = "uv.lock", "uv"
    for p in packages:
        source = p.get("source") or {}
        kind = next(iter(source), "registry") if isinstance(source, Mapping) else "registry"
        name = canonical(str(p.get("name", "")))
        root = (kind in ("virtual", "editable") and source.get(kind) == ".") or name == proj.name
        groups = {g: _edges(v) for g, v in (p.get("dev-dependencies") or {}).items()}
        optional = {x: _edges(v) for x, v in (p.get("optional-dependencies") or {}).items()}
        proj.locked.append(Locked(name, _str(p.get("version")), kind, _files(p), _edges(p.get("dependencies")),
                                  optional, groups, root=bool(root)))


def _read_pylock(proj: Project, path: Path) -> None:
    data = read_toml(path)
    version = data.get("lock-version")
    if not isinstance(version, str) or not re.match(r"^1(\.\d+)*$", version):
        raise UserError(f"{path.name} has lock-version {version!r}; builddoctor reads PEP 751 lock-version 1.x")
    packages = data.get("packages", [])
    if not isinstance(packages, list) or not all(isinstance(p, Mapping) for p in packages):
        raise UserError(f"{path.name}: [[packages]] must be an array of tables")
    proj.source, proj.lock = path.name, "pylock"
    proj.lock_groups = tuple(_list(data.get("default-groups")))
    for p in packages:
        kind = next((k for k in ("vcs", "directory", "archive") if k in p), "registry")
        proj.locked.append(Locked(canonical(str(p.get("name", ""))), _str(p.get("version")), kind, _files(p),
                                  marker=_str(p.get("marker"))))


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) else None


def _read_requirements(proj: Project, path: Path, seen: set[Path]) -> None:
    real = path.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    proj.source = proj.source or path.name
    for lineno, line in _logical_lines(text):
        where = f"{path.name}:{lineno}"
        opt = re.match(r"^(-[-\w]+)(?:[ =]\s*(\S+))?", line)
        if opt:
            flag, value = opt.group(1), opt.group(2) or ""
            if flag in ("-r", "--requirement"):
                _read_requirements(proj, path.parent / value, seen)
            elif flag in ("--no-binary", "--only-binary"):
                proj.policy.add("no" if flag == "--no-binary" else "only", value, f"{where} {flag} {value}")
            elif flag in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links"):
                proj.notes.append(f"{where} sets {flag}; builddoctor reads only the index you configure")
            elif flag in ("-e", "--editable"):
                proj.notes.append(f"{where}: editable {value} is always built from source")
            continue
        req_text = re.split(r"\s+--?\w", line, maxsplit=1)[0].strip()  # drop --hash=... options
        direct = _direct_reference(req_text, path.parent)
        proj.deps.append(Dep(_req(direct or req_text, where), where))


_BARE_URL = re.compile(r"^(?:(?:git|hg|svn|bzr)\+)?[A-Za-z][A-Za-z0-9+.\-]*://|^(?:\.{1,2}[\\/]|[\\/]|~)")


def _direct_reference(text: str, base: Path) -> str | None:
    """A bare URL, VCS URL or local path line (pip accepts them) as `name @ url` (PEP 508), else None.

    The name comes from `#egg=NAME`, the archive's file name, or the repository's / folder's name.
    """
    from urllib.parse import unquote, urlsplit

    from .dists import parse_file

    if not _BARE_URL.match(text) and not (base / text).exists():
        return None
    url, _, fragment = text.partition("#")
    egg = re.search(r"(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._\-]*)", fragment)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", url):
        tail = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
    else:
        local = (base / Path(url).expanduser()).resolve()
        tail, url = local.name, local.as_uri()
    parsed = parse_file(tail)
    name = egg.group(1) if egg else parsed.name if parsed is not None else re.sub(r"(\.git)?(@.*)?$", "", tail)
    if not re.match(r"^[A-Za-z0-9]([A-Za-z0-9._\-]*[A-Za-z0-9])?$", name or ""):
        return None
    return f"{name} @ {url}" + (f"#{fragment}" if fragment and not egg else "")


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buf, start = "", 0
    for i, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not buf:
            start = i
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            out.append((start, buf.strip()))
        buf = ""
    if buf.strip():
        out.append((start, buf.strip()))
    return out
