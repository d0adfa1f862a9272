"""Every "install this package" fix comes from toolchains/system-packages.toml and is spelled by the
machine's package family: the same finding on Debian, Fedora or an unknown Linux names each one's command."""
from __future__ import annotations

from conftest import MACHINES

from builddoctor._record import replace
from builddoctor.check import run_check
from builddoctor.rules import diagnose

CROSS = MACHINES / "linux-x86_64-cross-aarch64.json"  # records no /etc/os-release: the distribution is unknown


def _as(distro: str, like: tuple[str, ...] = ()):
    facts = run_check(None, None, str(CROSS)).facts
    return replace(facts, toolchain=replace(facts.toolchain, distro=distro, distro_like=like))


def _fixes(facts, finding_id: str, target: str) -> list[str]:
    found = {f.id: f for f in diagnose(facts, target).findings}
    return [x.command for x in found[finding_id].fixes]


def test_a_cross_compiler_fix_per_family():
    assert _fixes(_as("ubuntu", ("debian",)), "cc.no-compiler", "riscv64") == [
        "sudo apt-get install -y gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"]
    # unknown distribution: Debian's names, and the fix says whose they are
    unknown = {f.id: f for f in diagnose(_as(""), "riscv64").findings}["cc.no-compiler"].fixes[0]
    assert unknown.command.startswith("sudo apt-get install -y ") and "(Debian/Ubuntu)" in unknown.why
    # Fedora has no cross libc package: say what to install, not a Debian command
    fedora = _fixes(_as("fedora"), "cc.no-compiler", "riscv64")
    assert fedora and not any("apt-get" in c or "dnf" in c for c in fedora)


def test_a_cross_linker_fix_uses_the_same_table():
    facts = _as("debian")
    facts = replace(facts, cross=replace(facts.cross, libc_found=(
        ("aarch64-linux-gnu-gcc", False),)))
    assert _fixes(facts, "cross.libc-missing", "aarch64") == ["sudo apt-get install -y libc6-dev-arm64-cross"]


def test_no_c_compiler_names_the_familys_compiler_package():
    def bare(distro: str):
        facts = _as(distro)
        return replace(facts, cc=replace(facts.cc, compilers=()),
                                   cross=replace(facts.cross, compilers=()))

    assert _fixes(bare("fedora"), "cc.no-compiler", "x86_64") == ["sudo dnf install -y gcc"]
    assert _fixes(bare("alpine"), "cc.no-compiler", "x86_64") == ["apk add build-base"]
    assert _fixes(bare("debian"), "cc.no-compiler", "x86_64") == ["sudo apt-get install -y build-essential"]
