"""--no-binary / only-binary settings, from the environment, [tool.uv] and requirements files."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .._record import field, record
from .dists import canonical

ALL = ":all:"
_TRUE = {"1", "true", "yes", "on"}


@record(frozen=False)
class BinaryPolicy:
    """Package (canonical name or :all:) -> the setting that said so, e.g. "PIP_NO_BINARY=:all:"."""

    no_binary: dict[str, str] = field(default_factory=dict)
    only_binary: dict[str, str] = field(default_factory=dict)

    def forbids_wheels(self, name: str) -> str | None:
        n = canonical(name)
        if n in self.only_binary:  # a package named in only-binary beats no-binary :all:
            return self.no_binary.get(n)
        return self.no_binary.get(n) or self.no_binary.get(ALL)

    def forbids_sdist(self, name: str) -> str | None:
        n = canonical(name)
        if n in self.no_binary:
            return self.only_binary.get(n)
        return self.only_binary.get(n) or self.only_binary.get(ALL)

    def add(self, kind: str, value: str, source: str) -> None:
        target = self.no_binary if kind == "no" else self.only_binary
        for item in re.split(r"[,\s]+", value.strip()):
            if not item:
                continue
            if item == ":none:":
                target.clear()
            elif item == ALL:
                target[ALL] = source
            else:
                target[canonical(item)] = source


def from_env(env: Mapping[str, str]) -> BinaryPolicy:
    p = BinaryPolicy()
    for var, kind in (("PIP_NO_BINARY", "no"), ("PIP_ONLY_BINARY", "only")):
        if env.get(var):
            p.add(kind, env[var], f"{var}={env[var]}")
    for var, kind in (("UV_NO_BINARY", "no"), ("UV_NO_BUILD", "only")):
        if env.get(var, "").strip().lower() in _TRUE:
            p.add(kind, ALL, f"{var}={env[var]}")
    for var, kind in (("UV_NO_BINARY_PACKAGE", "no"), ("UV_NO_BUILD_PACKAGE", "only")):
        if env.get(var):
            p.add(kind, env[var], f"{var}={env[var]}")
    return p


def add_tool_uv(p: BinaryPolicy, tool_uv: Mapping[str, Any], where: str) -> None:
    """[tool.uv] no-binary / no-build (bools), no-binary-package / no-build-package (lists), [tool.uv.pip]."""
    for key, kind in (("no-binary", "no"), ("no-build", "only")):
        if tool_uv.get(key) is True:
            p.add(kind, ALL, f"{where} [tool.uv] {key} = true")
    for key, kind in (("no-binary-package", "no"), ("no-build-package", "only")):
        for name in _strings(tool_uv.get(key)):
            p.add(kind, name, f"{where} [tool.uv] {key}")
    pip = tool_uv.get("pip")
    if isinstance(pip, Mapping):
        for key, kind in (("no-binary", "no"), ("only-binary", "only")):
            for name in _strings(pip.get(key)):
                p.add(kind, name, f"{where} [tool.uv.pip] {key}")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
