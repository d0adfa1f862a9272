"""THE decision of vcvarsall.bat's `host_target` argument, used by `devshell`, the check's fix texts
and the build plan, so what a fix says is exactly what `devshell` runs. Data: toolchains/msvc.toml."""
from __future__ import annotations

from . import arch as archmod
from ._data import table
from ._regex import lazy
from .errors import UserError
from .facts import version_tuple

_SPEC = lazy(r"^[a-z0-9_]+$")


def vcvars_spec(host: archmod.Arch, target: archmod.Arch, vs_version: str = "") -> tuple[str, archmod.Arch, list[str]]:
    """(spelling, the host whose tools it uses, notes) for the real `host` and `target`.

    A Visual Studio older than the one that brought ARM64-hosted compilers gets its x64-hosted ones
    (they run emulated on ARM64). `vs_version` "" means unknown (taken as new enough).
    Raises UserError when vcvarsall.bat has no spelling for the pair.
    """
    data, notes = table("msvc"), []
    since = version_tuple(data["devshell"]["arm64_hosted_since"])
    if host.name == data["devshell"]["arm64_host"] and vs_version and version_tuple(vs_version) < since:
        notes.append(f"Visual Studio {vs_version} has no ARM64-hosted compilers (they arrived in "
                     f"{data['devshell']['arm64_hosted_since']}); using its x64-hosted ones, which run emulated")
        host = archmod.get(data["devshell"]["emulated_host"])
    spec = data["vcvars"].get(host.name, data["vcvars"][data["devshell"]["emulated_host"]]).get(target.name)
    if not spec:
        raise UserError(f"vcvarsall.bat has no spelling for {target.name} tools on a {host.name} host")
    if not _SPEC.match(spec) or spec not in {s for row in data["vcvars"].values() for s in row.values()}:
        raise UserError(f"refusing vcvarsall.bat argument {spec!r}")  # pragma: no cover - data is validated
    return spec, host, notes
