"""One `rustup show` instead of five rustup runs, for the rustups whose `show` says it all.

Outputs below are what each rustup version prints, per its source: 1.27 prints a section only when it
has more than one item, with a blank line under each header, and runs rustc for the active toolchain
(https://github.com/rust-lang/rustup/blob/1.27.1/src/cli/rustup_mode.rs, fn show); 1.28 prints every
section with `name:`, `active because:` and `installed targets:` (rustup#3225,
https://github.com/rust-lang/rustup/blob/1.28.2/src/cli/rustup_mode.rs, fn show).
"""
from __future__ import annotations

import base64
from collections.abc import Sequence

from builddoctor.machine.record import SCHEMA, run_key
from builddoctor.machine.replay import ReplayMachine
from builddoctor.probes.rust import parse_show, probe_rust
from builddoctor.proc import DEFAULT_TIMEOUT, ProcResult

RUSTUP = "/home/u/.cargo/bin/rustup"

NEW = """Default host: x86_64-unknown-linux-gnu
rustup home:  /home/u/.rustup

installed toolchains
--------------------
stable-x86_64-unknown-linux-gnu (active, default)
nightly-x86_64-unknown-linux-gnu

active toolchain
----------------
name: stable-x86_64-unknown-linux-gnu
active because: it's the default toolchain
installed targets:
  aarch64-unknown-linux-gnu
  wasm32-unknown-unknown
  x86_64-unknown-linux-gnu
"""
NEW_ENV = NEW.replace("it's the default toolchain", "overridden by environment variable RUSTUP_TOOLCHAIN")
NEW_NONE = NEW.split("active toolchain\n", maxsplit=1)[0] + "active toolchain\n----------------\nno active toolchain\n"
NEW_NOT_INSTALLED = NEW.split("installed targets:", maxsplit=1)[0]  # rustup stops after `active because:`

OLD_MANY = """Default host: x86_64-unknown-linux-gnu
rustup home:  /home/u/.rustup

installed toolchains
--------------------

stable-x86_64-unknown-linux-gnu (default)
nightly-x86_64-unknown-linux-gnu

installed targets for active toolchain
--------------------------------------

wasm32-unknown-unknown
x86_64-unknown-linux-gnu

active toolchain
----------------

stable-x86_64-unknown-linux-gnu (default)
rustc 1.79.0 (129f3b996 2024-06-10)

"""
OLD_ONE = """Default host: x86_64-unknown-linux-gnu
rustup home:  /home/u/.rustup

stable-x86_64-unknown-linux-gnu (default)
rustc 1.79.0 (129f3b996 2024-06-10)
"""


def test_new_format_holds_everything() -> None:
    assert parse_show(NEW) == (
        ("stable-x86_64-unknown-linux-gnu", "nightly-x86_64-unknown-linux-gnu"),
        "stable-x86_64-unknown-linux-gnu", "default",
        ("aarch64-unknown-linux-gnu", "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"))
    # `rustup show active-toolchain` prints other reasons as `show` does
    assert parse_show(NEW_ENV)[2] == "overridden by environment variable RUSTUP_TOOLCHAIN"  # type: ignore[index]


def test_incomplete_or_old_outputs_are_not_trusted() -> None:
    for text in (OLD_MANY, OLD_ONE, NEW_NONE, NEW_NOT_INSTALLED, "", "garbage\n-----\n"):
        assert parse_show(text) is None


class CountingReplay(ReplayMachine):
    def __init__(self, outputs: dict[str, str]) -> None:
        reads: dict[str, object] = {"which rustup": RUSTUP, "env": {}, "home": "/home/u"}
        for args, out in outputs.items():
            argv = [RUSTUP, *args.split()]
            reads[run_key(argv, None)] = {"argv": argv, "returncode": 0, "stdout": out, "stderr": "", "error": None}
        super().__init__({"schema": SCHEMA, "os": "linux", "reads": reads})
        self.ran: list[str] = []

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: object = None) -> ProcResult:
        self.ran.append(" ".join(argv[1:]))
        return super().run(argv, timeout=timeout, key=key)


#: the head of `rustup --help` for 1.28 (clap 4, `before_help`) and for 1.24 (clap 2's template, the
#: program spelled as its file name): https://github.com/rust-lang/rustup/blob/1.28.2/src/cli/rustup_mode.rs,
#: https://github.com/rust-lang/rustup/blob/1.24.3/src/cli/rustup_mode.rs
HELP_128 = ("rustup 1.28.2 (e4f3ad6f8 2025-04-28)\n\nThe Rust toolchain installer\n\n"
            "Usage: rustup[EXE] [OPTIONS] [+toolchain] [COMMAND]\n")
HELP_124_WINDOWS = ("rustup.exe 1.24.3 (ce5817a94 2021-05-31)\nThe Rust toolchain installer\n\n"
                    "USAGE:\n    rustup.exe [FLAGS] [+toolchain] <SUBCOMMAND>\n")

SINGLE = {"--help": HELP_128,
          "show active-toolchain": "stable-x86_64-unknown-linux-gnu (default)\n",
          "toolchain list": "stable-x86_64-unknown-linux-gnu (default)\nnightly-x86_64-unknown-linux-gnu\n",
          "target list --installed": "wasm32-unknown-unknown\nx86_64-unknown-linux-gnu\n"}


def test_new_rustup_is_asked_once() -> None:
    machine = CountingReplay({"show": NEW, **SINGLE})
    facts = probe_rust(machine, None)
    assert sorted(machine.ran) == ["--help", "show"]  # never --version: since rustup 1.27 it runs rustc too
    assert facts.rustup_version == "1.28.2"
    assert facts.default_host == "x86_64-unknown-linux-gnu"
    assert facts.active_toolchain == "stable-x86_64-unknown-linux-gnu" and facts.active_reason == "default"
    assert facts.installed_targets == ("aarch64-unknown-linux-gnu", "wasm32-unknown-unknown",
                                       "x86_64-unknown-linux-gnu")
    assert facts.toolchains == ("stable-x86_64-unknown-linux-gnu", "nightly-x86_64-unknown-linux-gnu")


def test_old_rustup_falls_back_to_one_question_each() -> None:
    for show in (OLD_MANY, OLD_ONE):
        machine = CountingReplay({"show": show, **SINGLE})
        facts = probe_rust(machine, None)
        assert sorted(machine.ran) == ["--help", "show", "show active-toolchain", "target list --installed",
                                       "toolchain list"]
        assert facts.default_host == "x86_64-unknown-linux-gnu"
        assert facts.active_toolchain == "stable-x86_64-unknown-linux-gnu" and facts.active_reason == "default"
        assert facts.installed_targets == ("wasm32-unknown-unknown", "x86_64-unknown-linux-gnu")
        assert facts.toolchains == ("stable-x86_64-unknown-linux-gnu", "nightly-x86_64-unknown-linux-gnu")


def test_no_active_toolchain_falls_back_and_says_unknown() -> None:
    outputs = {"show": NEW_NONE, "--help": SINGLE["--help"], "toolchain list": SINGLE["toolchain list"]}
    facts = probe_rust(CountingReplay(outputs), None)  # active-toolchain and target list fail: not recorded
    assert facts.active_toolchain == "" and facts.installed_targets is None
    assert facts.default_host == "x86_64-unknown-linux-gnu"


def test_rustup_version_from_every_help_spelling() -> None:
    assert probe_rust(CountingReplay({"show": NEW, "--help": HELP_124_WINDOWS}), None).rustup_version == "1.24.3"
    for garbage in ("", "error: unexpected argument\n", "rustup\n", "rustup help me\n", "cargo 1.80.0 (x)\n"):
        assert probe_rust(CountingReplay({"show": NEW, "--help": garbage}), None).rustup_version == ""


def test_snapshot_of_an_earlier_builddoctor_answers_with_its_rustup_version_run() -> None:
    """Snapshots recorded before --help replaced --version hold `rustup --version`: a replay reads
    the version from it, and does not report the newer run as missing."""
    machine = CountingReplay({"show": NEW, "--version": "rustup 1.27.1 (54dd3d00f 2024-04-24)\n"})
    assert probe_rust(machine, None).rustup_version == "1.27.1"
    assert not [key for key in machine.missing if "rustup" in key]
    both = CountingReplay({"show": NEW, "--version": "rustup 1.27.1 (x 2024-04-24)\n", "--help": HELP_128})
    assert probe_rust(both, None).rustup_version == "1.28.2"  # the run asked for wins when it is there


class Recorded(ReplayMachine):
    """A machine whose runs are given as whole command lines; remembers what was run."""
    def __init__(self, runs: dict[tuple[str, ...], str], files: Sequence[str] = (), *, which: dict[str, str],
                 texts: dict[str, str] | None = None, env: dict[str, str] | None = None,
                 heads: dict[str, bytes] | None = None) -> None:
        reads: dict[str, object] = {f"which {k}": v for k, v in which.items()} | {"env": env or {}, "home": "/home/u"}
        reads |= {f"read_text {path}": text for path, text in (texts or {}).items()}
        # rustup's proxies are rustup itself (a hard link or a symlink): the same head of the file
        if heads is None:  # every rustc or cargo in ~/.cargo/bin is rustup's proxy
            heads = {p: RUSTUP_HEAD for p in which.values() if p == RUSTUP or p.startswith(BIN + "/")}
        proxies = heads
        reads |= {f"read_head {path}": base64.b64encode(head).decode() for path, head in proxies.items()}
        for argv, out in runs.items():
            reads[run_key(argv, None)] = {"argv": list(argv), "returncode": 0, "stdout": out, "stderr": "",
                                          "error": None}
        reads |= {f"is_file {f}": True for f in files}
        super().__init__({"schema": SCHEMA, "os": "linux", "reads": reads})
        self.ran: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, key: str | None = None,
            env: object = None) -> ProcResult:
        self.ran.append(tuple(argv))
        return super().run(argv, timeout=timeout, key=key)


BIN = "/home/u/.cargo/bin"
RUSTUP_HEAD = b"\x7fELF\x02\x01\x01" + b"rustup's own header" * 20
TOOLCHAIN = "/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin"
RUSTC_VV = "rustc 1.80.0 (051478957 2024-07-21)\nhost: x86_64-unknown-linux-gnu\nrelease: 1.80.0\n"
CARGO_V = "cargo 1.80.0 (376290515 2024-07-16)\n"
PROXIES = {"rustup": RUSTUP, "rustc": f"{BIN}/rustc", "cargo": f"{BIN}/cargo"}


def test_rustups_proxies_are_answered_by_the_toolchain_show_names() -> None:
    """rustc and cargo beside rustup are its proxies: once `rustup show` has named the toolchain,
    its own programs answer (a proxy would start rustup again only to find the same toolchain)."""
    runs = {(RUSTUP, "show"): NEW, (RUSTUP, "--help"): HELP_128,
            (f"{TOOLCHAIN}/rustc", "-vV"): RUSTC_VV, (f"{TOOLCHAIN}/cargo", "-V"): CARGO_V}
    machine = Recorded(runs, [f"{TOOLCHAIN}/rustc", f"{TOOLCHAIN}/cargo"], which=PROXIES)
    facts = probe_rust(machine, None)
    assert sorted(machine.ran) == sorted(runs)
    assert (facts.rustc_version, facts.rustc_host) == ("1.80.0", "x86_64-unknown-linux-gnu")
    assert facts.cargo_version == "1.80.0"
    assert facts.rustc == f"{BIN}/rustc" and not facts.rustc_error  # the program on PATH is still what is reported


def test_proxies_answer_when_the_toolchain_programs_are_not_there_or_do_not_start() -> None:
    runs = {(RUSTUP, "show"): NEW, (RUSTUP, "--help"): HELP_128, (f"{BIN}/rustc", "-vV"): RUSTC_VV,
            (f"{BIN}/cargo", "-V"): CARGO_V}
    # no toolchain files; then files there but their runs missing, as in a snapshot of an earlier builddoctor
    for files in ((), (f"{TOOLCHAIN}/rustc", f"{TOOLCHAIN}/cargo")):
        facts = probe_rust(Recorded(runs, files, which=PROXIES), None)
        assert (facts.rustc_version, facts.cargo_version, facts.rustc_error) == ("1.80.0", "1.80.0", "")


def test_a_rustc_that_is_not_rustups_proxy_is_run_itself() -> None:
    runs = {(RUSTUP, "show"): NEW, (RUSTUP, "--help"): HELP_128, ("/usr/bin/rustc", "-vV"): RUSTC_VV}
    machine = Recorded(runs, [f"{TOOLCHAIN}/rustc"], which={"rustup": RUSTUP, "rustc": "/usr/bin/rustc"})
    assert probe_rust(machine, None).rustc_version == "1.80.0"
    assert ("/usr/bin/rustc", "-vV") in machine.ran and (f"{TOOLCHAIN}/rustc", "-vV") not in machine.ran


SETTINGS = "/home/u/.rustup/settings.toml"


def _settings(default: str) -> dict[str, str]:
    return {SETTINGS: f'version = "12"\ndefault_toolchain = "{default}"\nprofile = "default"\n'}


def test_a_pinned_toolchain_is_asked_through_the_proxy() -> None:
    """A project's rust-toolchain file: `rustc +<channel>` through the proxy (rustup resolves the
    channel name), never the default toolchain's own rustc."""
    project = "/home/u/proj"
    runs = {(RUSTUP, "show"): NEW, (RUSTUP, "--help"): HELP_128,
            (RUSTUP, "target", "list", "--installed", "--toolchain", "1.79"): "x86_64-unknown-linux-gnu\n",
            (f"{BIN}/rustc", "+1.79", "-vV"): RUSTC_VV.replace("1.80.0", "1.79.0"), (f"{BIN}/cargo", "-V"): CARGO_V}
    machine = Recorded(runs, [f"{TOOLCHAIN}/rustc", f"{TOOLCHAIN}/cargo"], which=PROXIES,
                       texts={**_settings("stable-x86_64-unknown-linux-gnu"), f"{project}/rust-toolchain": "1.79\n"})
    facts = probe_rust(machine, project)
    assert facts.rustc_version == "1.79.0" and facts.project_toolchain == "1.79"
    assert not [argv for argv in machine.ran if "/toolchains/" in argv[0]]


def _coloured(text: str) -> str:
    """`rustup show` as RUSTUP_TERM_COLOR=always prints it (bold green headers, as rustup 1.29 does)."""
    out = []
    for line in text.splitlines(keepends=True):
        head, colon, rest = line.partition(": ")
        if colon and not line.startswith(" "):
            out.append(f"\x1b[1m\x1b[92m{head}:\x1b[0m {rest}")
        elif line.strip() in ("installed toolchains", "active toolchain"):
            out.append(f"\x1b[1m{line.rstrip()}\x1b[0m\n")
        else:
            out.append(line)
    return "".join(out)


def test_rustup_output_in_colour_gives_the_same_facts() -> None:
    """A snapshot of a machine where the user set RUSTUP_TERM_COLOR=always (a live check now asks
    rustup for no colour; older snapshots hold the escape codes)."""
    plain = probe_rust(CountingReplay({"show": NEW, **SINGLE}), None)
    assert _coloured(NEW) != NEW
    coloured = probe_rust(CountingReplay({"show": _coloured(NEW), **SINGLE}), None)
    assert coloured == plain and coloured.default_host == "x86_64-unknown-linux-gnu"


def test_a_distro_rustc_beside_a_packaged_rustup_is_run_itself() -> None:
    """/usr/bin/rustc from the distro and /usr/bin/rustup from a package in the same folder: rustc
    is not rustup's proxy (another binary), so its own answer is the one reported."""
    runs = {("/usr/bin/rustup", "show"): NEW.replace("/home/u/.rustup", "/home/u/.rustup"),
            ("/usr/bin/rustup", "--help"): HELP_128, ("/usr/bin/rustc", "-vV"): RUSTC_VV.replace("1.80.0", "1.75.0")}
    heads = {"/usr/bin/rustup": RUSTUP_HEAD, "/usr/bin/rustc": b"\x7fELF\x02\x01\x01" + b"rustc driver" * 30}
    machine = Recorded(runs, [f"{TOOLCHAIN}/rustc"], which={"rustup": "/usr/bin/rustup", "rustc": "/usr/bin/rustc"},
                       heads=heads)
    assert probe_rust(machine, None).rustc_version == "1.75.0"
    assert ("/usr/bin/rustc", "-vV") in machine.ran and (f"{TOOLCHAIN}/rustc", "-vV") not in machine.ran
    proxied = Recorded({**runs, (f"{TOOLCHAIN}/rustc", "-vV"): RUSTC_VV}, [f"{TOOLCHAIN}/rustc"],
                       which={"rustup": "/usr/bin/rustup", "rustc": "/usr/bin/rustc"},
                       heads={"/usr/bin/rustup": RUSTUP_HEAD, "/usr/bin/rustc": RUSTUP_HEAD})
    assert probe_rust(proxied, None).rustc_version == "1.80.0"  # a proxy there: the toolchain's own rustc
