"""Known tool problems (toolchains/known-problems.toml) that the tool versions this build will run meet.

Pure: facts in, findings out. A finding `known.<id>` is the direct cause of a failure, so it ranks above
the generic layer findings (Finding.rank), with the upgrade to the fixed version as its first fix.
"""
from __future__ import annotations

from .. import knowledge
from .._record import replace
from ..facts import Facts, ToolVersion
from ..target import Target
from .model import ERROR, OK, WARNING, Finding, Fix, Layer, LayerStatus

#: a known problem is the direct cause of a failure: it sorts first within its severity
CAUSE_RANK = 10
_ROLE_LAYER = {"backend": "build backend", "build-requires": "build requires", "crate": "crate",
               "toolchain": "toolchain", "frontend": "frontend"}


def context(facts: Facts, target: Target | None) -> knowledge.Context:
    """What the knowledge base's conditions are evaluated against, from the facts."""
    i, t = facts.interpreter, facts.tools
    host = facts.host.arch
    arch = target.arch.name if target else None
    versions = {tv.name: tv.version for tv in t.items if tv.version}
    return knowledge.Context(
        os=facts.os, host_arch=host, target_arch=arch,
        emulated=None if host is None or arch is None else (host != arch and _not_compat(facts, target)),
        python=i.version or None, implementation=i.implementation or None,
        free_threaded=i.free_threaded if i.usable else None,
        abi3=t.abi3, abi3_versioned=t.abi3_versioned,
        env=frozenset(k for k, v in facts_env(facts).items() if v), tools=versions)


def _not_compat(facts: Facts, target: Target | None) -> bool:
    from .. import arch as archmod

    host = archmod.get(facts.host.arch) if facts.host.arch else None
    return bool(target and host and host.compat32 != target.arch.name)


def facts_env(facts: Facts) -> dict[str, str]:
    """Environment variables the probes kept (the compiler and CMake groups)."""
    env = dict(facts.cc.env)
    for name, value in (("CMAKE_GENERATOR", facts.cmake.generator), ("CMAKE_ARGS", facts.cmake.cmake_args),
                        ("CARGO_BUILD_TARGET", facts.rust.cargo_build_target),
                        ("RUSTUP_TOOLCHAIN", facts.rust.rustup_toolchain_env)):
        if value:
            env[name] = value
    return env


def _values(p: knowledge.Problem, tv: ToolVersion, ctx: knowledge.Context, target: Target | None) -> dict[str, str]:
    py = ".".join((ctx.python or "").split(".")[:2])
    return {"version": tv.version, "python": py, "fixed_in": p.fixed_in,
            "max_python": knowledge.max_python(p.tool, tv.version) or "?",
            "target_arch": ctx.target_arch or "?", "host_arch": ctx.host_arch or "?",
            "rust_triple": (target.rust_triple if target else None) or "?"}


def known_rules(facts: Facts, target: Target | None) -> list[Finding]:
    if not facts.interpreter.usable:
        return []
    ctx = context(facts, target)
    by_name = {tv.name: tv for tv in facts.tools.items}
    out: list[Finding] = []
    for p, version in knowledge.applicable(ctx):
        tv = by_name.get(p.tool)
        if p.log_only or tv is None:
            continue
        values = _values(p, tv, ctx, target)
        assumed = tv.source.startswith("assumed")
        severity = WARNING if assumed or p.severity == "warning" else ERROR
        fixes = tuple(Fix(knowledge.render(f.command, values), knowledge.render(f.why, values), rank=1 + n)
                      for n, f in enumerate(knowledge.ranked_fixes(p, ctx, requirement=tv.requirement,
                                                                     isolated=facts.tools.isolated)))
        project = facts.project
        pinned = "==" in tv.requirement  # a constraint cannot override the project's own exact pin
        if (p.fixed_in and facts.tools.isolated and tv.role in ("backend", "build-requires") and project
                and project.path and not pinned):
            from .fixes import constraint_fix  # `check --fix` can write it: isolated builds then get the fix

            fixes += (constraint_fix(project.path, p.tool, p.fixed_in, facts.os == "windows", rank=1 + len(fixes)),)
        title = knowledge.render(p.title, values)
        for f in p.fixes:  # an escape that only works here (abi3 forward compatibility ...) belongs in the message
            if f.when and knowledge.holds_conditions(f.when, ctx):
                title += f"; or {knowledge.render(f.command, values)} ({knowledge.render(f.why, values)})"
        if assumed:
            title += f" (assuming the installed {p.tool} {version} is what the build installs)"
        out.append(Finding(p.finding_id, severity, title,
                           {"tool": p.tool, "version": version, "version_source": tv.source, "fixed_in": p.fixed_in,
                            "cause": p.cause, "source": list(p.source)}, fixes, rank=CAUSE_RANK))
    out += _rust_version(facts)
    return out


def _rust_version(facts: Facts) -> list[Finding]:
    t = facts.tools
    rustc = t.get("rustc")
    if not t.rust_version or rustc is None or not rustc.version:
        return []
    from ..facts import version_tuple

    need, have = version_tuple(t.rust_version), version_tuple(rustc.version)
    if not need or not have or have >= need:
        return []
    return [Finding("tools.rust-too-old", ERROR,
                    f"{t.cargo_manifest or 'Cargo.toml'} needs Rust {t.rust_version} (rust-version); "
                    f"rustc {rustc.version} would build it ({rustc.source})",
                    {"rust_version": t.rust_version, "rustc": rustc.version, "rustc_source": rustc.source},
                    (Fix("rustup update stable", f"a toolchain at least {t.rust_version}", rank=1),),
                    rank=CAUSE_RANK)]


def reconcile(findings: list[Finding]) -> list[Finding]:
    """An 'ok' reassurance a known problem contradicts is rewritten to say so (see `contradicts` in the KB)."""
    contradicted: dict[str, Finding] = {}
    for k in findings:
        problem = knowledge.by_id(k.id) if k.id.startswith("known.") else None
        for ok_id in problem.contradicts if problem else ():
            contradicted.setdefault(ok_id, k)
    # the same cause found by two rules: rust.too-old (rules/rustversion.py, which also reads the locked
    # crates' minimums and the edition) says all that tools.rust-too-old says
    ids = {f.id for f in findings}
    out = []
    for f in findings:
        if f.id == "tools.rust-too-old" and "rust.too-old" in ids:
            continue
        against = contradicted.get(f.id) if f.severity == OK else None
        if against is not None:
            out.append(replace(
                f, title=f"{f.title}, but {against.facts['tool']} {against.facts['version']} cannot use them "
                         f"[{against.id}]", facts={**f.facts, "contradicted_by": against.id}))
        else:
            out.append(f)
    return out


def _short(source: str) -> str:
    """A version's source without its long tail: "resolved from maturin>=1.5 (wheel py3-none-...)" ->
    "resolved from maturin>=1.5"; the layer's source column keeps the whole text."""
    if source.startswith("assumed"):
        return "assumed: the installed version"
    for tail in (" (check --resolve", " (the index could not", " (wheel ", " (sdist)"):
        source = source.split(tail, 1)[0]
    return source


def tool_layers(facts: Facts, target: Target | None) -> list[Layer]:
    """One layer per tool the build runs: "build backend  maturin 1.9.4 (resolved from maturin>=1.3.2)"."""
    if not facts.tools.items:
        return []
    ctx = context(facts, target) if facts.interpreter.usable else None
    bad = {p.tool for p, _ in knowledge.applicable(ctx) if not p.log_only} if ctx else set()
    layers = []
    t = facts.tools
    if t.abi3 is not None and (t.abi3 or (t.items and any(x.role == "crate" for x in t.items))):
        says = ", ".join(t.abi3_features) if t.abi3 else "no (version-specific build)"
        layers.append(Layer("stable ABI (abi3)", says, None, "Cargo.toml / pyproject.toml / setup.py", "match"))
    for tv in facts.tools.items:
        if tv.role == "toolchain" and tv.name == "rustup":
            continue
        name = _ROLE_LAYER.get(tv.role, tv.role)
        if tv.role in ("crate", "toolchain", "frontend"):
            name = f"{name} {tv.name}" if tv.role != "crate" else tv.name
        shown = _short(tv.source)
        says = f"{tv.name} {tv.version or '?'} ({shown})"
        status: LayerStatus = "unknown" if not tv.version else "mismatch" if tv.name in bad else "match"
        layers.append(Layer(name, says, None, tv.source, status))
    return layers
