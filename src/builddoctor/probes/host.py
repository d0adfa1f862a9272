"""The real CPU and OS, even when the interpreter (and so every child process) is emulated."""
from __future__ import annotations

from .. import arch as archmod
from .._record import replace
from ..facts import HostFacts
from ..machine import Machine


def probe_host(machine: Machine) -> HostFacts:
    shape = machine.home_shape()
    view = machine.uname_machine()
    if machine.os == "windows":
        facts = _windows(machine, view, shape)
    elif machine.os == "macos":
        facts = _macos(machine, view, shape)
    else:
        facts = _linux(machine, view, shape)
    return replace(facts, date=machine.today())


def _windows(machine: Machine, view: str, shape: dict[str, object]) -> HostFacts:
    native = machine.native_machine()
    if native:
        a = archmod.from_pe_machine(native)
        return HostFacts("windows", a.name if a else None, f"IsWow64Process2 native machine 0x{native:04X}",
                         process_view=view, home_shape=shape)
    env = machine.env()
    # x64 processes on ARM64 are not WOW64: these variables then show the emulated view.
    spelled = env.get("PROCESSOR_ARCHITEW6432") or env.get("PROCESSOR_ARCHITECTURE") or view
    a = archmod.parse(spelled)
    return HostFacts("windows", a.name if a else None, "PROCESSOR_ARCHITECTURE (may be the emulated view)",
                     process_view=view, home_shape=shape)


def _macos(machine: Machine, view: str, shape: dict[str, object]) -> HostFacts:
    translated = machine.proc_translated()
    result = machine.run(["sysctl", "-n", "hw.optional.arm64"], timeout=5)
    if result.ok and result.stdout.strip() == "1":
        return HostFacts("macos", archmod.get("aarch64").name, "sysctl hw.optional.arm64",
                         process_view=view, translated=bool(translated), home_shape=shape)
    a = archmod.parse(view)
    return HostFacts("macos", a.name if a else None, "uname", process_view=view,
                     translated=bool(translated) if translated is not None else None, home_shape=shape)


def _linux(machine: Machine, view: str, shape: dict[str, object]) -> HostFacts:
    a = archmod.parse(view)
    root = "/proc/sys/fs/binfmt_misc"
    qemu: list[str] = []
    for entry in machine.listdir(root) or []:
        if entry.startswith("qemu-"):
            text = machine.read_text(f"{root}/{entry}", 4096) or ""
            if text.startswith("enabled"):
                qemu.append(entry.removeprefix("qemu-"))
    return HostFacts("linux", a.name if a else None, "uname", process_view=view,
                     qemu_binfmt=tuple(qemu), home_shape=shape)
