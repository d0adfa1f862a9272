"""rustup, rustc and cargo: which host, which toolchain and why, which targets are installed."""
from __future__ import annotations

from .._compat.tomllib import TOMLDecodeError, loads
from .._parallel import map_all
from .._text import last_path_part, program_name
from ..binfmt import HEAD_BYTES
from ..facts import RustFacts
from ..machine import Machine
from ..proc_result import excerpt as proc_excerpt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..proc_result import ProcResult

TIMEOUT = 15.0
_TRIPLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")
_ENV_TRIPLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")  # a triple as CARGO_TARGET_<TRIPLE>_LINKER spells it


def _is_triple(text: str) -> bool:
    """`[a-z0-9_]+(-[a-z0-9_.]+){1,4}`, whole: rustup's spelling of a target triple."""
    parts = text.split("-")
    return 2 <= len(parts) <= 5 and "." not in parts[0] and all(p and _TRIPLE_CHARS.issuperset(p) for p in parts)


def _after(prefix: str, text: str) -> list[str]:
    """What follows `prefix` on each line that starts with it."""
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


def _first(prefix: str, text: str) -> str:
    """The first word after `prefix` at the start of a line: "rustup " needs its space, "host:" none."""
    return next((rest.split(None, 1)[0] for rest in _after(prefix, text) if rest.split()), "")


def _rustup_version(text: str) -> str:
    """"1.29.0" from the first line of `rustup --help` (or `--version`, which
    older snapshots hold). clap 2 and 3 spelled the program as the file name, so the first word may
    be "rustup.exe"; the version is the second word and must start with a digit."""
    lines = text.lstrip().splitlines()
    words = lines[0].split(None, 1) if lines else []
    if len(words) == 2 and program_name(words[0]) == "rustup" and words[1][:1].isdigit():
        return words[1].split()[0]
    return ""


def _project_toolchain(machine: Machine, project: str | None) -> tuple[str, str]:
    if not project:
        return "", ""
    for name in ("rust-toolchain.toml", "rust-toolchain"):
        path = machine.join(project, name)
        text = machine.read_text(path, 65536)
        if text is None:
            continue
        try:
            channel = loads(text).get("toolchain", {}).get("channel", "")
        except TOMLDecodeError:
            channel = text.strip().splitlines()[0].strip() if text.strip() else ""
        return str(channel), path
    return "", ""


def _parents(machine: Machine, path: str) -> list[str]:
    sep = machine.path_sep()
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    prefix = "" if machine.os == "windows" else "/"
    return [prefix + sep.join(parts[:i]) for i in range(len(parts), 0, -1)]


def _cargo_configs(machine: Machine, project: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """build.target and target.<triple>.linker from every cargo config that applies to the project."""
    env = machine.env()
    home = env.get("CARGO_HOME") or machine.join(machine.home(), ".cargo")
    files = []
    for d in _parents(machine, project) if project else []:
        files += [machine.join(d, ".cargo", "config.toml"), machine.join(d, ".cargo", "config")]
    files += [machine.join(home, "config.toml"), machine.join(home, "config")]
    targets: list[tuple[str, str]] = []
    linkers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for f in files:
        if f in seen:
            continue
        seen.add(f)
        text = machine.read_text(f, 1 << 20)
        if text is None:
            continue
        try:
            doc: dict[str, Any] = loads(text)
        except TOMLDecodeError:
            continue
        build_target = doc.get("build", {}).get("target")
        if isinstance(build_target, list):
            build_target = ",".join(str(t) for t in build_target)
        if build_target:
            targets.append((f, str(build_target)))
        for triple, table in (doc.get("target") or {}).items():
            if isinstance(table, dict) and table.get("linker"):
                linkers.append((str(triple), str(table["linker"])))
    for name, value in env.items():
        upper = name.upper()
        triple = upper[len("CARGO_TARGET_"):-len("_LINKER")]
        if upper.startswith("CARGO_TARGET_") and upper.endswith("_LINKER") and triple and value \
                and _ENV_TRIPLE.issuperset(triple):
            linkers.append((triple.lower().replace("_", "-"), value))
    return targets, linkers


def _section(lines: list[str], title: str) -> list[str] | None:
    """The lines under a `title` / `-----` header of `rustup show`, up to the next blank line."""
    for i in range(len(lines) - 1):
        if lines[i].strip() == title and set(lines[i + 1].strip()) == {"-"}:
            body = lines[i + 2:]
            if body and not body[0].strip():  # rustup <= 1.27 puts a blank line under each header
                body = body[1:]
            end = next((j for j, line in enumerate(body) if not line.strip()), len(body))
            return body[:end]
    return None


#: rustup's ActiveSource::to_reason() for the default toolchain, which `rustup show active-toolchain`
#: prints as "(default)"; every other reason is printed the same way by both commands.
#: https://github.com/rust-lang/rustup/blob/1.28.2/src/config.rs (impl Display for ActiveReason)
_DEFAULT_REASON = "it's the default toolchain"


def parse_show(text: str) -> tuple[tuple[str, ...], str, str, tuple[str, ...]] | None:
    """(toolchains, active toolchain, why it is active, its installed targets) from `rustup show`,
    when it holds all four: the format of rustup >= 1.28 (rustup#3225) with an installed active
    toolchain. None for older rustups (they print sections only when they have more than one item,
    and no targets line), "no active toolchain" or an uninstalled one: then the single-purpose
    commands answer."""
    lines = text.splitlines()
    toolchains = _section(lines, "installed toolchains")
    active = _section(lines, "active toolchain")
    if toolchains is None or not active or not active[0].startswith("name: "):
        return None
    name = active[0].removeprefix("name: ").strip()
    reason = ""
    targets: list[str] | None = None
    for line in active[1:]:
        if line.startswith("active because: "):
            reason = line.removeprefix("active because: ").strip()
        elif line.strip() == "installed targets:":
            targets = []
        elif targets is not None and line.startswith("  ") and line.strip():
            targets.append(line.strip())
    if targets is None or not name:
        return None
    reason = "default" if reason == _DEFAULT_REASON else reason
    return (tuple(t.split()[0] for t in toolchains if t.strip()), name, reason,
            tuple(t for t in targets if _is_triple(t)))


def _run_all(machine: Machine, jobs: dict[str, list[str]],
             direct: frozenset[str] = frozenset()) -> dict[str, ProcResult]:
    """Every job started at once (rustup show, the slowest, first). `rustup --help` and the
    toolchain's own programs (`direct`) depend on their program only; everything else also on the
    rustup home (cache.rustup_files)."""
    def rustup_files(result: ProcResult) -> list[str]:  # called by a live machine with a cache only
        from ..cache import rustup_files

        return rustup_files(result)

    def one(item: tuple[str, list[str]]) -> ProcResult:
        name, argv = item
        alone = name == "version" or name in direct
        return machine.run_cached(argv, timeout=TIMEOUT, deps_of=None if alone else rustup_files)

    results = map_all(one, jobs.items(), concurrent=machine.concurrent)
    return dict(zip(jobs, results))


def _rest(prefix: str, text: str) -> str:
    """The rest of the first line that starts with `prefix`, stripped (a path may hold spaces)."""
    return next(iter(_after(prefix, text)), "").strip()


def _folder(path: str) -> str:
    return path[:len(path) - len(last_path_part(path))]


def toolchain_bin(machine: Machine, active: str, rustup_home: str = "") -> str:
    """The bin folder of toolchain `active` in the rustup home: `rustup_home` as `rustup show` printed
    it, else $RUSTUP_HOME, else ~/.rustup (rustup's own default); "" for a path-like name."""
    if not active or "/" in active or "\\" in active:
        return ""
    home = rustup_home or machine.env().get("RUSTUP_HOME") or (
        machine.join(machine.home(), ".rustup") if machine.home() else "")
    return machine.join(home, "toolchains", active, "bin") if home else ""


def _is_proxy(machine: Machine, program: str, rustup: str, rustup_head: bytes | None) -> bool:
    """Whether `program` is rustup's proxy for rustc or cargo: beside rustup (where rustup installs its
    proxies) and the same binary as rustup (`rustup_head`, its first bytes: a hard link, or a symlink
    since rustup 1.28). A distro's own rustc in the same folder (/usr/bin beside a packaged rustup) is
    a different binary."""
    name = program_name(program)
    if name not in ("rustc", "cargo") or _folder(program) != _folder(rustup) or rustup_head is None:
        return False
    return machine.read_head(program, HEAD_BYTES) == rustup_head


def _toolchain_program(machine: Machine, proxy: str, rustup: str, rustup_head: bytes | None, folder: str) -> str:
    """The active toolchain's own rustc or cargo (in `folder`, its bin folder), when `proxy` is
    rustup's proxy for it and the file is there. Run directly it prints what the proxy would, without
    a second rustup start (~10 ms of CPU each here) to resolve the toolchain `rustup show` has already
    named. "" otherwise: then the proxy runs."""
    if not folder or not _is_proxy(machine, proxy, rustup, rustup_head):
        return ""
    program = machine.join(folder, last_path_part(proxy))
    return program if machine.is_file(program) else ""


def _off_path_cargo(machine: Machine) -> str:
    """rustup installs into $CARGO_HOME/bin (~/.cargo/bin) and edits shell profiles: a shell opened
    before, or a CI step without the profile, has cargo installed but not on PATH."""
    env = machine.env()
    home = env.get("CARGO_HOME") or machine.join(machine.home(), ".cargo")
    exe = ".exe" if machine.os == "windows" else ""
    cargo = machine.join(home, "bin", "cargo" + exe)
    return machine.join(home, "bin") if machine.is_file(cargo) else ""


def probe_rust(machine: Machine, project: str | None) -> RustFacts:
    env = machine.env()
    rustup, rustc, cargo = machine.which("rustup"), machine.which("rustc"), machine.which("cargo")
    pinned, pinned_file = _project_toolchain(machine, project)
    toolchain_args = ["--toolchain", pinned] if pinned else []
    # One `rustup show` holds the host, the toolchains, the active one and its targets (rustup >= 1.28);
    # the targets of a toolchain the project pins are asked separately (show runs from an empty folder).
    # rustc and cargo that are rustup's proxies run from the toolchain show names, once it has answered.
    after_show = bool(rustup) and not pinned
    first: dict[str, list[str]] = {}
    later: dict[str, list[str]] = {}
    if rustup:
        # rustup's version is the first line of --help: --version also runs the active rustc (rustup >= 1.27)
        first |= {"show": [rustup, "show"], "version": [rustup, "--help"]}
        if pinned:
            first["targets"] = [rustup, "target", "list", "--installed", *toolchain_args]
    if rustc:
        (later if after_show else first)["rustc"] = [rustc, *(["+" + pinned] if pinned and rustup else []), "-vV"]
    if cargo:
        (later if after_show else first)["cargo"] = [cargo, "-V"]
    out = _run_all(machine, first)

    def text(key: str) -> str:
        r = out.get(key)
        if r is None or not r.ok:
            return ""
        if "\x1b" in r.stdout:  # a snapshot may hold rustup's output in colour (RUSTUP_TERM_COLOR=always)
            from ..logs.reader import strip_ansi

            return strip_ansi(r.stdout)
        return r.stdout

    shown = parse_show(text("show")) if rustup else None
    if rustup and shown is None:  # rustup <= 1.27, or no usable active toolchain: ask one thing at a time
        later |= {
            "active": [rustup, "show", "active-toolchain"],
            "toolchains": [rustup, "toolchain", "list"],
            **({} if pinned else {"targets": [rustup, "target", "list", "--installed"]}),
        }
    direct: set[str] = set()
    proxied = [key for key in ("rustc", "cargo") if key in later]
    if shown is not None and rustup and proxied:
        home = _rest("rustup home:", text("show"))  # as rustup printed it; the toolchain show names
        folder = toolchain_bin(machine, shown[1], home) if home else ""
        head = machine.read_head(rustup, HEAD_BYTES) if folder else None
        for key in proxied:
            own = _toolchain_program(machine, later[key][0], rustup, head, folder)
            if own:
                later[key] = [own, *later[key][1:]]
                direct.add(key)
    out |= _run_all(machine, later, frozenset(direct))
    # The proxy is the authority, the toolchain's own program a shortcut: one that did not start (gone
    # since, not executable, or a snapshot of an earlier builddoctor, which ran the proxies) asks it.
    again = {key: [proxy, *out[key].argv[1:]] for key, proxy in (("rustc", rustc), ("cargo", cargo))
             if key in direct and proxy and out[key].error in ("not-found", "permission-denied")}
    out |= _run_all(machine, again) if again else {}
    installed = None
    if shown is not None:
        toolchains, active_name, reason, installed = shown
    else:
        toolchains = tuple(line.split()[0] for line in text("toolchains").splitlines() if line.strip())
        active_line = text("active").strip().splitlines()[0] if text("active").strip() else ""
        active_name, _, reason = active_line.partition(" ")
    targets_result = out.get("targets")
    if targets_result is not None:
        installed = None
        if targets_result.ok:
            installed = tuple(t for t in targets_result.stdout.split() if _is_triple(t))
    rustc_result = out.get("rustc")
    rustc_host = _first("host:", text("rustc"))
    rustc_error = ""
    if rustc_result is not None and not rustc_host:
        detail = rustc_result.error or f"exit {rustc_result.returncode}"
        excerpt = proc_excerpt(rustc_result.stderr or rustc_result.stdout, 200)
        rustc_error = f"rustc -vV gave no host line ({detail}){': ' + excerpt if excerpt else ''}"
    config_targets, linkers = _cargo_configs(machine, project)
    return RustFacts(
        rustup=rustup,
        rustup_version=_rustup_version(text("version")),
        default_host=_first("Default host:", text("show")),
        active_toolchain=active_name,
        active_reason=reason.strip("() "),
        toolchains=toolchains,
        installed_targets=installed,
        rustc=rustc,
        rustc_version=_first("release:", text("rustc")),
        rustc_host=rustc_host if _is_triple(rustc_host or "-") else "",
        rustc_error=rustc_error,
        cargo=cargo,
        cargo_version=_first("cargo ", text("cargo")),
        cargo_build_target=env.get("CARGO_BUILD_TARGET", ""),
        config_targets=tuple(config_targets),
        linkers=tuple(linkers),
        project_toolchain=pinned,
        project_toolchain_file=pinned_file,
        rustup_toolchain_env=env.get("RUSTUP_TOOLCHAIN", ""),
        off_path_cargo=_off_path_cargo(machine) if not rustc and not cargo else "",
    )
