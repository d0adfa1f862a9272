"""diagnose(): facts -> one target, every layer side by side with it, and findings with fixes."""
from __future__ import annotations

from .. import arch as archmod
from .._record import record
from ..facts import Facts
from ..target import Target, derive_target
from .cc import cc_layers, cc_rules, cmake_layers, msvc_layers
from .core import host_rules, interpreter_rules, marker_rules, project_rules, rust_layers, rust_rules
from .cross import binary_rules, cross_layers, cross_rules
from .deps import deps_rules
from .freethreading import free_threading_layers, free_threading_rules
from .known import known_rules, reconcile, tool_layers
from .libc import libc_layers, libc_rules
from .logsig import log_layers, log_rules
from .model import Finding, Fix, Layer, LayerStatus, rank_fixes
from .nativelibs import native_lib_layers, native_lib_rules
from .pathshadow import path_shadow_layers, path_shadow_rules
from .rustversion import rust_version_layers, rust_version_rules
from .toolchain import toolchain_layers, toolchain_rules

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable
    RuleFn = Callable[[Facts, "Target | None"], list[Finding]]
    LayerFn = Callable[[Facts, "Target | None"], list[Layer]]


#: THE rules, in report order (findings are then sorted by severity, stably).
RULES: tuple[RuleFn, ...] = (
    log_rules,  # only with a build log (builddoctor diagnose): what the failed build really did
    project_rules,
    known_rules,
    interpreter_rules,
    host_rules,
    marker_rules,
    rust_rules,
    deps_rules,
    libc_rules,
    toolchain_rules,
    cc_rules,
    cross_rules,
    binary_rules,
    native_lib_rules,
    rust_version_rules,
    path_shadow_rules,
    free_threading_rules,
)


@record
class Diagnosis:
    target: Target | None
    layers: list[Layer]
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def _status(a: archmod.Arch | None, target: Target | None) -> LayerStatus:
    if a is None or target is None:
        return "unknown"
    return "match" if a == target.arch else "mismatch"


def base_layers(facts: Facts, target: Target | None) -> list[Layer]:
    i, h = facts.interpreter, facts.host
    # sysconfig's platform is compared with the target when it chose the target (a fat interpreter's slice)
    platform_target = target if target is not None and target.origin.startswith("sysconfig") else None
    target = target.interp if target is not None else None  # these layers are the interpreter's own
    platform_target = platform_target or target
    if not i.usable:
        return [Layer("interpreter", i.error_detail, None, "probe", "unknown")]
    exe = "+".join(i.exe_arches) or "unknown"
    exe_arch = archmod.get(i.exe_arches[0]) if len(i.exe_arches) == 1 else (target.arch if target else None)
    plat_arch = archmod.parse(i.platform) or archmod.parse(i.platform.rsplit("-", 1)[-1])
    marker = i.markers.get("platform_machine", "")
    host = archmod.get(h.arch) if h.arch else None
    return [
        Layer("interpreter binary", f"{i.exe_format or '?'} {exe}", exe_arch.name if exe_arch else None,
              "executable header", _status(exe_arch, target)),
        Layer("interpreter platform", f"{i.platform} ({platform_target.platform_tag if platform_target else '?'})",
              plat_arch.name if plat_arch else None, "sysconfig.get_platform(), wheel tags",
              _status(plat_arch, platform_target)),
        Layer("platform_machine marker", marker or "?", _name(archmod.parse(marker)), "platform.machine()",
              _status(archmod.parse(marker), target)),
        Layer("host CPU", h.arch or "unknown", h.arch, h.source, _status(host, target)),
    ]


def _name(a: archmod.Arch | None) -> str | None:
    return a.name if a else None


LAYERS = (base_layers, rust_layers, cc_layers, msvc_layers, cmake_layers, libc_layers, toolchain_layers,
          native_lib_layers, rust_version_layers, path_shadow_layers, free_threading_layers, cross_layers,
          tool_layers, log_layers)


#: Rules about the interpreter itself (emulation, markers, its dependencies): they see its own target,
#: never a deliberate cross target.
INTERPRETER_RULES = frozenset({interpreter_rules, host_rules, marker_rules, deps_rules})


def diagnose(facts: Facts, intended: str | None = None) -> Diagnosis:
    """facts -> the target, every layer beside it, and the findings (pure: reads no machine).

    `intended` is the --target spelling; without it the target is inferred (see target.derive_target).
    """
    target = derive_target(facts, intended)
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(facts, target.interp if target is not None and rule in INTERPRETER_RULES else target)
    layers: list[Layer] = []
    for layer_fn in LAYERS:
        layers += layer_fn(facts, target)
    return Diagnosis(target, layers, rank_fixes(reconcile(findings)))


def _fix_json(fix: Fix) -> dict[str, Any]:
    out: dict[str, Any] = {"command": fix.command, "why": fix.why}
    if fix.action is not None:  # what `check --fix` would run: typed, never parsed from `command`
        a = fix.action
        out["action"] = {"kind": a.kind, "argv": list(a.argv), "path": a.path or None}
    return out


def to_json(d: Diagnosis) -> dict[str, Any]:
    from .model import top_fixes

    return {
        "target": d.target.to_json() if d.target else None,
        "layers": [vars(layer) for layer in d.layers],
        "findings": [
            {"id": f.id, "severity": f.severity, "title": f.title, "facts": f.facts,
             "fixes": [_fix_json(x) for x in f.fixes]}
            for f in d.findings
        ],
        "fixes": [{"command": fix.command, "why": fix.why, "fixes": ids} for fix, ids in top_fixes(d.findings)],
    }
