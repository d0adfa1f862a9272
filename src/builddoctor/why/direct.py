"""Verdicts without a lock: what pip/uv pip would pick from the index for each requirement."""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from .decide import choose, diagnose, env_of, holds, pick, trap_applies, trap_fixes, trap_line
from .dists import parse_file
from .index import Finder
from .lockcheck import skipped_verdict
from .model import NONE, SDIST, SOURCE, WHEEL, DistFile, Interp, Verdict
from .policy import BinaryPolicy
from .sources import Dep


def merge(deps: Sequence[Dep], interp: Interp) -> list[tuple[Dep, str]]:
    """One requirement per name: the first whose marker holds (else the first), with every origin."""
    env = env_of(interp)
    by_name: dict[str, list[Dep]] = {}
    for d in deps:
        by_name.setdefault(d.name, []).append(d)
    out = []
    for same in by_name.values():
        live = [d for d in same if holds(str(d.req.marker) if d.req.marker else None, env)]
        origins = ", ".join(dict.fromkeys(d.origin for d in same))
        out.append(((live or same)[0], origins))
    return out


def verdict(dep: Dep, origin: str, interp: Interp, policy: BinaryPolicy, finder: Finder) -> Verdict:
    name, req = dep.name, dep.req
    marker = str(req.marker) if req.marker else None
    if marker and not holds(marker, env_of(interp)):
        return skipped_verdict(name, origin, marker, interp)
    v = Verdict(name=name, outcome=NONE, origin=origin, marker=marker)
    if req.url:
        return _url_verdict(v, req.url, interp, policy)
    files = finder.files(name)
    where = finder.shown or "the --find-links folder"
    if files is None:
        v.code, v.reason = "not-found", f"{name} is not on {where}"
        return v
    version, vfiles, blocked = pick(files, req.specifier, interp, policy, name)
    if version is None:
        return _nothing(v, files, blocked, specifier=req.specifier, interp=interp, policy=policy, where=where)
    v.version = str(version)
    if blocked:
        bv, rp = blocked[0]
        v.notes.append(f"the newer {name} {bv} requires Python {rp}, so an installer falls back to {version}")
    outcome, f, tag = choose(vfiles, interp, policy, name)
    v.outcome, v.file = outcome, f.filename if f else None
    if outcome == WHEEL:
        v.tag = str(tag)
        return v
    diagnose(v, vfiles, interp, policy, files)
    if v.code != "no-binary" and trap_applies(interp, vfiles, [marker]):
        v.host_cpu_trap = True
        v.notes.insert(0, trap_line(interp))
        v.fixes[:0] = trap_fixes(interp, marker=marker, uv_lock=False)
    return v


def _nothing(v: Verdict, files: Sequence[DistFile], blocked: list[tuple[Version, str]], *,
             specifier: SpecifierSet, interp: Interp, policy: BinaryPolicy, where: str) -> Verdict:
    name, spec = v.name, str(specifier) or "any version"
    if blocked:
        bv, rp = blocked[0]
        v.code = "requires-python"
        matching = f" matching {specifier}" if str(specifier) else ""
        v.reason = (f"no {name} release{matching} supports Python {interp.python}: "
                    f"the newest, {bv}, requires Python {rp}")
        v.fixes.append(f"use a Python that satisfies {rp}, or relax the requirement to a release that supports "
                       f"{interp.python_tag}")
        return v
    versions = sorted({f.version for f in files if f.version is not None}, reverse=True)
    candidates = list(specifier.filter(versions))
    if not candidates:
        shown = ", ".join(str(x) for x in versions[:5]) or "no releases"
        v.code, v.reason = "no-matching-version", f"no {name} release on {where} matches {spec} (it has {shown})"
        return v
    v.version = str(candidates[0])
    vfiles = [f for f in files if f.version == candidates[0]]
    diagnose(v, vfiles, interp, policy, files)
    return v


def _url_verdict(v: Verdict, url: str, interp: Interp, policy: BinaryPolicy) -> Verdict:
    tail = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    f = parse_file(tail)
    if f is not None and f.kind == "wheel":
        outcome, _chosen, tag = choose([f], interp, policy, v.name)
        v.version, v.file = str(f.version), f.filename
        if outcome == WHEEL:
            v.outcome, v.tag = WHEEL, str(tag)
        else:
            v.code, v.reason = "url-wheel-mismatch", f"the wheel URL {tail} does not fit this interpreter's tags"
        return v
    v.outcome = SDIST if f is not None else SOURCE
    if f is not None:
        v.file = f.filename
    v.code = "local-source"
    v.reason = (f"{v.name} is a direct reference ({tail or 'a VCS URL or a folder'}): installers always build "
                "it from source")
    return v
