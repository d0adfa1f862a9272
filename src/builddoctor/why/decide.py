"""Which file an installer takes for one package, and in one line why it is not a wheel."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.version import Version

from ..markers import evaluate
from .dists import (
    best_tag,
    family,
    implied_env,
    native_machine,
    python_from_tag,
    python_ok,
    tag_list,
    wheel_arches,
    wheel_oses,
)
from .model import NONE, SDIST, WHEEL, DistFile, Interp, Outcome, Verdict
from .policy import BinaryPolicy

_UV_OS = {"windows": ("windows", "none"), "linux": ("linux", "gnu"), "macos": ("macos", "none")}


def env_of(interp: Interp, **extra: str) -> dict[str, str]:
    env = dict(interp.markers)
    env.setdefault("python_version", interp.python_tag)
    env.setdefault("python_full_version", str(interp.python))
    env["extra"] = ""
    env.update(extra)
    return env


def holds(marker: str | None, env: Mapping[str, object]) -> bool:
    """A marker's truth in `env`; a marker we cannot evaluate counts as true (the safe side)."""
    return evaluate(marker, env) is not False


def choose(files: Iterable[DistFile], interp: Interp, policy: BinaryPolicy, name: str
           ) -> tuple[Outcome, DistFile | None, Tag | None]:
    """(WHEEL, file, tag) for the best-ranked compatible wheel, else (SDIST, sdist, None), else NONE."""
    files = list(files)
    rank = interp.rank
    if not policy.forbids_wheels(name):
        hits = [(bt, f) for f in files if f.kind == "wheel" and python_ok(f, interp)
                for bt in [best_tag(f, rank)] if bt is not None]
        if hits:
            (_, tag), f = min(hits, key=lambda h: h[0][0])
            return WHEEL, f, tag
    if not policy.forbids_sdist(name):
        sdists = [f for f in files if f.kind == "sdist" and python_ok(f, interp)]
        if sdists:
            return SDIST, sdists[0], None
    return NONE, None, None


def pick(files: Sequence[DistFile], spec: SpecifierSet, interp: Interp, policy: BinaryPolicy, name: str
         ) -> tuple[Version | None, list[DistFile], list[tuple[Version, str]]]:
    """The version an installer takes (newest with an installable file) and the newer ones
    Requires-Python ruled out."""
    pinned = any(s.operator in ("==", "===") for s in spec)
    by_version: dict[Version, list[DistFile]] = {}
    for f in files:
        if f.version is not None and (pinned or not f.yanked):
            by_version.setdefault(f.version, []).append(f)
    blocked: list[tuple[Version, str]] = []
    for v in sorted(spec.filter(by_version), reverse=True):
        vfiles = by_version[v]
        if choose(vfiles, interp, policy, name)[0] != NONE:
            return v, vfiles, blocked
        rps = {f.requires_python for f in vfiles if not python_ok(f, interp)}
        if rps and all(not python_ok(f, interp) for f in vfiles):
            blocked.append((v, sorted(r for r in rps if r)[0]))
    return None, [], blocked


def compatible_wheels(files: Iterable[DistFile], interp: Interp, *, check_python: bool = True) -> list[DistFile]:
    rank = interp.rank
    return [f for f in files if f.kind == "wheel" and best_tag(f, rank) is not None
            and (not check_python or python_ok(f, interp))]


def _py_range(tags: Iterable[str]) -> str:
    versions = sorted({p for p in (python_from_tag(t) for t in tags) if p},
                      key=lambda s: tuple(int(x) for x in s.split(".")))
    if not versions:
        return "other Pythons"
    return versions[0] if len(versions) == 1 else f"{versions[0]}-{versions[-1]}"


def diagnose(v: Verdict, files: Sequence[DistFile], interp: Interp, policy: BinaryPolicy,
             others: Sequence[DistFile] = ()) -> None:
    """Fill code/reason/available/fixes of a verdict whose answer is not a wheel.

    `files` are the files of the chosen version; `others` those of every version (for "pin X").
    """
    name, plat = v.name, interp.platform or "this platform"
    v.available = tag_list(files)
    fits = compatible_wheels(files, interp, check_python=False)
    setting = policy.forbids_wheels(name)
    if setting and fits:
        v.code = "no-binary"
        v.reason = f"{setting} forbids wheels for {name}, although {fits[0].filename} fits this interpreter"
        v.fixes.append(f"drop {name} (or :all:) from {setting}")
        return
    if fits and not any(python_ok(f, interp) for f in fits):
        rp = fits[0].requires_python
        v.code = "requires-python"
        v.reason = f"the {plat} wheel {fits[0].filename} requires Python {rp}; this interpreter is {interp.python}"
        v.fixes.append(f"use a Python that satisfies {rp}, or pin an older {name} that supports {interp.python_tag}")
        return
    plats = {t.platform for t in interp.tags} - {"any"}
    same_plat = [f for f in files if f.kind == "wheel" and any(t.platform in plats for t in f.tags)]
    has_sdist = any(f.kind == "sdist" for f in files)
    sdist_note = "; it builds the sdist" if v.outcome == SDIST else "" if has_sdist else "; there is no sdist"
    if same_plat:
        pys = _py_range(t.interpreter for f in same_plat for t in f.tags if t.platform in plats)
        v.code = "python-range"
        v.reason = (f"{name} {v.version} has {plat} wheels only for Python {pys}, not for this "
                    f"{interp.tags[0].interpreter} interpreter{sdist_note}")
        v.fixes.append(f"use Python {pys}, which its wheels cover")
    elif not v.available:
        v.code = "sdist-only"
        v.reason = f"{name} {v.version} publishes no wheels at all, only an sdist"
    else:
        v.code = "no-wheel-for-tag"
        v.reason = (f"no {name} {v.version} wheel matches this interpreter's tags ({interp.tags[0]}, ...); "
                    f"wheels exist only for: {', '.join(v.available)}")
    newer = _other_version_with_wheel(others, interp, v.version)
    if newer:
        v.fixes.append(f"pin {name}=={newer}, the newest release with a wheel for this interpreter")
    setting = policy.forbids_sdist(name)
    if v.outcome == NONE and setting and any(f.kind == "sdist" for f in files):
        v.code = "only-binary"
        v.reason = f"{setting} forbids building {name}, and no {name} {v.version} wheel fits: {v.reason}"
        v.fixes.insert(0, f"allow building {name} from source (drop it from {setting})")
    if v.outcome == SDIST:
        v.fixes.append("or make the build work here: `builddoctor check` lists the compilers and tools it needs")


def _other_version_with_wheel(files: Sequence[DistFile], interp: Interp, current: str | None) -> str | None:
    good = sorted({f.version for f in compatible_wheels(files, interp) if f.version is not None and not f.yanked},
                  reverse=True)
    for version in good:
        if str(version) != current:
            return str(version)
    return None


def trap_applies(interp: Interp, files: Iterable[DistFile], markers: Iterable[str | None]) -> bool:
    """The marker/host-CPU trap is the cause: markers name the host CPU and the wheels follow the markers."""
    if not interp.trap or interp.tag_arch is None or interp.os is None:
        return False
    native = [implied_env(interp, interp.os, m) for m in family(interp.tag_arch)]
    if any(m and "platform_machine" in m and not any(holds(m, env) for env in native) for m in markers):
        return True  # on a native machine the marker would not have picked this package
    return any(interp.marker_arch in wheel_arches(f) and (interp.os in wheel_oses(f)) for f in files)


def trap_line(interp: Interp) -> str:
    machine = interp.markers.get("platform_machine", "")
    return (f"platform_machine is '{machine}' because platform.machine() reports the host CPU, not the "
            f"interpreter: this Python is {interp.tag_arch} and installs {interp.platform} wheels")


def trap_fixes(interp: Interp, *, marker: str | None, uv_lock: bool) -> list[str]:
    host, mine = interp.marker_arch, interp.tag_arch
    assert host is not None and mine is not None
    out: list[str] = []
    os_name = interp.os or ""
    uv_os, libc = _UV_OS.get(os_name, (os_name, "none"))
    host_wheel = host.wheel.get(os_name, host.name)
    machine = interp.markers.get("platform_machine") or host.name
    out.append(f"use a native {machine} Python, whose {host_wheel} tags agree with the markers "
               f"(e.g. `uv python install cpython-{interp.python_tag}-{uv_os}-{host.name}-{libc}`)")
    triple = mine.rust_triple(os_name)
    if uv_lock and triple:
        out.append(f"or resolve for this interpreter's platform: `uv sync --python-platform {triple}`")
    if marker:
        fix = f"platform_machine == '{native_machine(mine, os_name)}'"
        out.append(f"or fix the marker `{marker}` so it also holds for the {interp.platform} wheels this "
                   f"Python can load (e.g. add `or {fix}`)" + (", then re-lock" if uv_lock else ""))
    return out
