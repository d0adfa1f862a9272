"""Rules for the interpreter, the host, the project's markers and Rust. Pure: facts in, findings out."""
from __future__ import annotations

from .. import arch as archmod
from .._data import table
from ..facts import Facts, RustFacts
from ..target import Target
from .model import ERROR, OK, WARNING, Action, Finding, Fix, Layer, LayerStatus


def unset_env(os: str, name: str) -> str:
    return f"Remove-Item Env:{name}" if os == "windows" else f"unset {name}"


def native_python_fix(facts: Facts, host_arch: archmod.Arch) -> Fix:
    version = ".".join(facts.interpreter.version.split(".")[:2]) or "3"
    libc = "gnu" if facts.os == "linux" else "none"
    key = f"cpython-{version}-{facts.os}-{host_arch.uv_arch}-{libc}"
    # `check --fix` only installs the Python (uv's own folder); making the venv stays the user's step
    return Fix(f"uv venv --python {key}",
               f"use a native {host_arch.name} CPython {version}: every layer then agrees without emulation",
               rank=10, action=Action("uv-python", ("uv", "python", "install", key),
                                      then=f"uv venv --python {key}"))


def _rustup(r: RustFacts) -> str:
    return r.rustup or "rustup"


def force_non_host(facts: Facts, toolchain: str) -> tuple[str, ...]:
    """rustup refuses a toolchain whose host triple is not the machine's unless --force-non-host.

    Source: `rustup toolchain install --help` ("Install toolchains that require an emulator"),
    https://rust-lang.github.io/rustup/cross-compilation.html and rustup's src/cli/rustup_mode.rs.
    """
    host = archmod.get(facts.host.arch) if facts.host.arch else None
    parts = toolchain.split("-")
    for i in range(1, len(parts)):
        tc_arch = archmod.parse(parts[i])
        if tc_arch is not None:
            return ("--force-non-host",) if host is not None and tc_arch != host else ()
    return ()


def build_fix(target: Target) -> Fix:
    return Fix("builddoctor build .",
               f"builds with every layer (Rust target, C compiler, dev shell, CMake) set to {target.arch.name}",
               rank=30)


def end_of_life(version: tuple[int, ...]) -> str:
    """The day CPython `version`'s minor release reaches its end of life (toolchains/python-versions.toml),
    "" when unknown."""
    if len(version) < 2:
        return ""
    return str(table("python-versions")["end_of_life"].get(f"{version[0]}.{version[1]}", ""))


def project_rules(facts: Facts, target: Target | None) -> list[Finding]:
    project = facts.project
    if project and project.error:
        return [Finding("project.invalid", ERROR, project.error, {"path": project.path})]
    return _requires_python(facts)


def _requires_python(facts: Facts) -> list[Finding]:
    """Requires-Python excludes the interpreter: the wheel built for it would refuse to install (pip, uv)."""
    project, i = facts.project, facts.interpreter
    if project is None or not project.requires_python or not i.usable or not i.version_tuple:
        return []
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        spec = SpecifierSet(project.requires_python)
        version = Version(".".join(str(p) for p in i.version_tuple))
    except (InvalidSpecifier, InvalidVersion):
        return []
    if spec.contains(version, prereleases=True):
        return []
    name = project.name or "this project"
    return [Finding("project.requires-python", ERROR,
                    f"{name} requires Python {project.requires_python} but this interpreter is {i.version}: "
                    "its wheel would refuse to install here (and the build would run for nothing)",
                    {"requires_python": project.requires_python, "python": i.version},
                    (Fix("builddoctor check --python VERSION",
                         f"pick an interpreter that satisfies {project.requires_python}"),))]


def builds_native(facts: Facts) -> bool:
    """Whether the project compiles C, C++ or Rust."""
    project = facts.project
    return bool(project and (project.is_rust or project.is_c))


def interpreter_rules(facts: Facts, target: Target | None) -> list[Finding]:
    i = facts.interpreter
    native = builds_native(facts)
    if not i.usable:
        return [Finding("interpreter.unusable", ERROR, f"Python interpreter unusable: {i.error_detail}",
                        {"requested": i.requested, "error": i.error},
                        (Fix("builddoctor check --python PATH-OR-VERSION", "point at a working CPython 3.9+"),))]
    from .toolchain import headers_fixes

    out: list[Finding] = []
    if i.chosen_because.startswith("VIRTUAL_ENV=") and "has no python" in i.chosen_because:
        venv = i.chosen_because.split(" ", 1)[0].split("=", 1)[1]
        out.append(Finding("interpreter.venv-missing", WARNING,
                           f"VIRTUAL_ENV points at {venv}, which has no python (a deleted venv?): using "
                           f"{i.executable} instead", {"virtual_env": venv, "used": i.executable},
                           (Fix("deactivate", "leave the deleted environment (or recreate it: uv venv)"),)))
    if target is None:
        out.append(Finding("interpreter.unknown-platform", ERROR,
                           f"cannot tell which architecture {i.executable} builds for (platform {i.platform!r})",
                           {"platform": i.platform, "exe_arches": list(i.exe_arches)}))
        return out
    eol = end_of_life(i.version_tuple)
    if eol and facts.host.date and eol <= facts.host.date:
        # end of life is a date, not a cause: it never outranks a finding that explains a failure
        out.append(Finding("interpreter.old", WARNING, f"Python {i.version} is past its end of life ({eol})",
                           {"version": i.version, "end_of_life": eol, "date": facts.host.date}, rank=90))
    sys_arch = archmod.parse(i.platform.rsplit("-", 1)[-1]) if i.platform else None
    overridden = any(k == "_PYTHON_HOST_PLATFORM" and v == i.platform for k, v in facts.cross.settings)
    if len(i.exe_arches) == 1 and sys_arch is not None and sys_arch.name != i.exe_arches[0] \
            and not target.universal2 and sys_arch.compat32 != i.exe_arches[0] and not overridden:
        out.append(Finding("interpreter.header-mismatch", WARNING,
                           f"sysconfig says {i.platform} but {i.executable} is an {i.exe_arches[0]} program",
                           {"platform": i.platform, "exe_arches": list(i.exe_arches)}))
    if native and not i.has_headers:
        out.append(Finding("interpreter.headers-missing", ERROR,
                           f"Python.h is missing for {i.executable}: C and Rust extensions cannot compile",
                           {"include_dir": i.include_dir}, headers_fixes(facts)))
    if native and facts.os == "windows" and not i.has_import_lib:
        out.append(Finding("interpreter.import-lib-missing", ERROR,
                           f"the import library (libs\\python{i.version.replace('.', '')[:3]}.lib) is missing",
                           {"executable": i.executable},
                           (Fix("reinstall Python with 'Download debug binaries'/'Precompiled standard library' "
                                "unchanged and 'Install development files' checked", "links extensions"),)))
    return out


def _headers_fix(facts: Facts) -> Fix:
    i = facts.interpreter
    major_minor = i.version.split(".")[:2]
    if facts.os == "linux" and i.executable.startswith("/usr/bin/") and len(major_minor) == 2:
        from .packages import install_fix

        fix = install_fix(facts, ["python-headers"], "installs the headers of the distribution's Python",
                          assume="debian")
        if fix is not None:
            return fix
    return Fix("reinstall this Python with its development files (headers)",
               "a Python built or installed without Python.h cannot compile extensions")


def host_rules(facts: Facts, target: Target | None) -> list[Finding]:
    h = facts.host
    host_arch = archmod.get(h.arch) if h.arch else None
    out: list[Finding] = []
    if target is None or host_arch is None:
        return out
    i = facts.interpreter
    # A fat (universal2) interpreter runs the slice os.uname() names inside it; building for its other
    # slice (cibuildwheel's ARCHFLAGS=-arch x86_64 on an arm64 Mac) is a cross build, not emulation.
    running = archmod.parse(i.mac_machine) if len(i.exe_arches) > 1 and i.mac_machine else target.arch
    if running == host_arch:
        pass
    elif host_arch != target.arch and host_arch.compat32 != target.arch.name:
        how = "under Rosetta 2" if facts.os == "macos" else "emulated"
        out.append(Finding(
            "host.emulated", WARNING,
            f"{target.arch.name} Python runs {how} on an {host_arch.name} machine",
            {"interpreter_arch": target.arch.name, "host_arch": host_arch.name, "host_source": h.source,
             "process_view": h.process_view},
            (native_python_fix(facts, host_arch), build_fix(target))))
    elif host_arch != target.arch:
        out.append(Finding(
            "host.32bit-python", WARNING,
            f"32-bit {target.arch.name} Python on a 64-bit {host_arch.name} machine",
            {"interpreter_arch": target.arch.name, "host_arch": host_arch.name},
            (native_python_fix(facts, host_arch), build_fix(target))))
    shape = h.home_shape
    if facts.os == "windows" and shape.get("non_ascii"):
        out.append(Finding("host.home-non-ascii", WARNING,
                           "the home folder name has non-ASCII characters; dev shells and 8.3 names mangle it",
                           dict(shape),
                           (Fix(r"set CARGO_HOME=C:\cargo and RUSTUP_HOME=C:\rustup before installing rustup",
                                "keeps toolchain paths ASCII-only"),)))
    return out


def _marker_true(marker: str, env: dict[str, str]) -> bool | None:
    from ..markers import evaluate

    return evaluate(marker, env)


def marker_rules(facts: Facts, target: Target | None) -> list[Finding]:
    i = facts.interpreter
    if target is None or not i.markers:
        return []
    says = i.markers.get("platform_machine", "")
    native = target.marker_machine
    if not native or archmod.parse(says) == target.arch:
        return []
    implied = {**i.markers, "platform_machine": native}
    flipped = []
    project = facts.project
    for dep in project.dependencies if project else ():
        if "platform_machine" not in dep.marker_vars:
            continue
        real, as_tagged = _marker_true(dep.marker, i.markers), _marker_true(dep.marker, implied)
        if real is not None and as_tagged is not None and real != as_tagged:
            flipped.append((dep.requirement, real, as_tagged))
    title = (f"platform_machine is {says!r} (the host CPU) but this Python installs {target.platform_tag} "
             f"wheels")
    fixes = [Fix(f"uv sync --python-platform {target.rust_triple}",
                 f"resolve for the interpreter's platform ({target.arch.name}), not the host CPU", rank=20)]
    host = archmod.get(facts.host.arch) if facts.host.arch else None
    if host is not None and host != target.arch:
        fixes.insert(0, native_python_fix(facts, host))
    if flipped:
        names = ", ".join(req.split(";")[0].strip() for req, _, _ in flipped)
        deps = [{"requirement": req, "selected": real, "selected_if_native": native_value}
                for req, real, native_value in flipped]
        return [Finding("markers.host-cpu", ERROR, title + f": markers pick the wrong packages ({names})",
                        {"platform_machine": says, "platform_tag": target.platform_tag,
                         "dependencies": deps}, tuple(fixes))]
    return [Finding("markers.host-cpu", WARNING, title, {"platform_machine": says,
                                                         "platform_tag": target.platform_tag}, tuple(fixes))]


def _triple_arch(triple: str) -> archmod.Arch | None:
    return archmod.parse(triple.split("-", maxsplit=1)[0]) if triple else None


def rust_rules(facts: Facts, target: Target | None) -> list[Finding]:
    r: RustFacts = facts.rust
    project = facts.project
    needs_rust = bool(project and project.is_rust)
    sev = ERROR if needs_rust else WARNING
    out: list[Finding] = []
    if target is None:
        return out
    triple = target.rust_triple
    if not r.rustc and not r.cargo:
        if needs_rust and r.off_path_cargo:
            folder = r.off_path_cargo
            add = (f'$env:Path = "{folder};$env:Path"' if facts.os == "windows"
                   else f"export PATH={folder}:$PATH" if " " not in folder else f'export PATH="{folder}:$PATH"')
            out.append(Finding("rust.missing", ERROR, f"this project needs Rust: cargo is installed in {folder}, "
                               "but that folder is not on PATH", {"installed_in": folder},
                               (Fix(add, "rustup put cargo there; a shell opened before the install (or a CI "
                                         "step without your profile) does not have it on PATH"),)))
        elif needs_rust:
            out.append(Finding("rust.missing", ERROR, "this project needs Rust, and no rustc/cargo is on PATH",
                               {}, (Fix("install rustup from https://rustup.rs (then open a new shell)",
                                        "provides cargo and rustc"),)))
        return out
    if r.rustc_error:
        out.append(Finding("rust.rustc-broken", sev, r.rustc_error, {"rustc": r.rustc}))
    tc_args = f" --toolchain {r.project_toolchain}" if r.project_toolchain else ""
    if r.project_toolchain and r.toolchains and not any(
            t == r.project_toolchain or t.startswith(r.project_toolchain + "-") for t in r.toolchains):
        out.append(Finding("rust.toolchain-missing", sev,
                           f"{r.project_toolchain_file} pins toolchain {r.project_toolchain!r}, not installed",
                           {"pinned": r.project_toolchain, "installed": list(r.toolchains)},
                           (_toolchain_fix(facts, r.project_toolchain, "installs the pinned toolchain"),)))
    host_arch = _triple_arch(r.rustc_host)
    wanted = [triple] if triple else []
    if target.universal2 and target.cross:  # maturin's universal2-apple-darwin builds both Apple targets
        wanted = [t for n in ("aarch64", "x86_64") if (t := archmod.get(n).rust_triple("macos"))]
    if r.rustc_host and triple and target.cross and (r.rustc_host != triple or len(wanted) > 1):
        for want in wanted:
            if r.installed_targets is None or want in r.installed_targets or want == r.rustc_host:
                continue
            out.append(Finding(
                "rust.target-missing", sev,
                f"the Rust standard library for {want} is not installed: cargo cannot build for the intended "
                f"target ({target.origin})",
                {"target": want, "installed_targets": list(r.installed_targets),
                 "toolchain": r.project_toolchain or r.active_toolchain, "origin": target.origin},
                (Fix(f"rustup target add {want}{tc_args}", f"lets cargo build for {want}", rank=5),)))
    elif r.rustc_host and triple and r.rustc_host != triple:
        out.append(Finding(
            "rust.host-mismatch", WARNING,
            f"rustc builds for {r.rustc_host} by default; this Python needs {triple}",
            {"rustc_host": r.rustc_host, "rustup_default_host": r.default_host, "target": triple,
             "rustc_host_arch": host_arch.name if host_arch else None},
            (build_fix(target),
             _toolchain_fix(facts, f"stable-{triple}",
                            f"installs the {triple} host toolchain beside the default (runs emulated when the CPU "
                            f"differs); then `rustup default stable-{triple}` makes it the default", rank=40))))
        if r.installed_targets is not None and triple not in r.installed_targets:
            out.append(Finding(
                "rust.target-missing", sev,
                f"the Rust standard library for {triple} is not installed",
                {"target": triple, "installed_targets": list(r.installed_targets),
                 "toolchain": r.project_toolchain or r.active_toolchain},
                (_target_add_fix(r, triple, tc_args),)))
    elif triple and r.rustc_host == triple and r.installed_targets is not None and triple not in r.installed_targets:
        # the host's own standard library removed (`rustup component remove rust-std`): cargo cannot build
        out.append(Finding(
            "rust.target-missing", sev, f"the Rust standard library for {triple} is not installed",
            {"target": triple, "installed_targets": list(r.installed_targets),
             "toolchain": r.project_toolchain or r.active_toolchain},
            (_target_add_fix(r, triple, tc_args),)))
    elif triple and r.rustc_host == triple:
        out.append(Finding("rust.ok", OK, f"rustc {r.rustc_version} builds for {triple}",
                           {"rustc_host": r.rustc_host}))
    for source, value in ([("CARGO_BUILD_TARGET", r.cargo_build_target)] if r.cargo_build_target else []) + \
            [(f"build.target in {f}", v) for f, v in r.config_targets]:
        if triple and value != triple:
            fix = (Fix(unset_env(facts.os, "CARGO_BUILD_TARGET"), "let the build pick the interpreter's target")
                   if source == "CARGO_BUILD_TARGET" else
                   Fix(f"remove 'target = \"{value}\"' from [build] in {source.split(' in ', 1)[1]}",
                       "let the build pick the interpreter's target"))
            out.append(Finding("rust.target-override", sev,
                               f"{source} = {value} overrides the target; this Python needs {triple}",
                               {"source": source, "value": value, "target": triple}, (fix, build_fix(target))))
    return out


def _target_add_fix(r: RustFacts, triple: str, tc_args: str) -> Fix:
    return Fix(f"rustup target add {triple}{tc_args}", f"lets cargo build for {triple}", rank=15,
               action=Action("rustup-target", (_rustup(r), "target", "add", triple, *tc_args.split())))


def _toolchain_fix(facts: Facts, toolchain: str, why: str, rank: int = 50) -> Fix:
    flags = force_non_host(facts, toolchain)
    return Fix(" ".join(("rustup toolchain install", toolchain, *flags)), why, rank,
               action=Action("rustup-toolchain", (_rustup(facts.rust), "toolchain", "install", toolchain, *flags)))


def rust_layers(facts: Facts, target: Target | None) -> list[Layer]:
    r = facts.rust
    want = target.arch if target else None

    def status(a: archmod.Arch | None, present: bool = True) -> LayerStatus:
        if not present:
            return "absent"
        if a is None or want is None:
            return "unknown"
        return "match" if a == want else "mismatch"

    layers = [Layer("rustc host", r.rustc_host or ("not found" if not r.rustc else "unknown"),
                    _a(_triple_arch(r.rustc_host)), "rustc -vV", status(_triple_arch(r.rustc_host), bool(r.rustc)))]
    if r.rustup:
        layers.append(Layer("rustup default host", r.default_host or "unknown", _a(_triple_arch(r.default_host)),
                            "rustup show", status(_triple_arch(r.default_host))))
        triple = target.rust_triple if target else None
        if r.installed_targets is not None:
            has = triple in r.installed_targets if triple else False
            layers.append(Layer("rust targets installed", ", ".join(r.installed_targets) or "none",
                                want.name if has and want else None, "rustup target list --installed",
                                "match" if has else "mismatch"))
    if r.cargo_build_target:
        a = _triple_arch(r.cargo_build_target)
        layers.append(Layer("CARGO_BUILD_TARGET", r.cargo_build_target, _a(a), "environment", status(a)))
    return layers


def _a(a: archmod.Arch | None) -> str | None:
    return a.name if a else None
