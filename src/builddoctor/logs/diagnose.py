"""`builddoctor diagnose LOG`: the failed build's own facts, alone or beside the machine's.

Without a machine the report rests on the log only (a log cannot say what is *not* installed, so
findings that conclude absence are left out). With `--replay FILE` or `--live`, the machine's facts
(what is installed) are combined with the log's (what the failed build really used): when the log
names another interpreter than the machine's default, the log's interpreter is the target.
"""
from __future__ import annotations

from pathlib import Path

from .._record import record, replace
from ..errors import UserError
from ..facts import Facts
from ..rules import Diagnosis, diagnose
from ..rules.logsig import LOG_UNKNOWABLE, log_layers
from ..rules.model import rank_fixes
from .extract import facts_from_log
from .reader import ReadStats
from .scan import LogScanner

JSON_SCHEMA = "builddoctor.diagnose/1"
#: check's layers that describe the machine's own interpreter (left out when the log names another)
_INTERPRETER_LAYERS = ("interpreter binary", "interpreter platform", "platform_machine marker")


@record
class DiagnoseResult:
    facts: Facts
    diagnosis: Diagnosis
    source: str  # "log", "log+replay", "log+live"
    log_name: str
    stats: ReadStats
    scanner: LogScanner
    machine_facts: Facts | None = None


def combine(machine: Facts, log: Facts) -> Facts:
    """Machine facts (installed) with the log's (used): the log's interpreter wins when it differs."""
    interp = machine.interpreter
    li = log.interpreter
    if log.log.interpreter_known and (not interp.usable or tuple(interp.exe_arches) != tuple(li.exe_arches)
                                      or (li.version and not interp.version.startswith(li.version[:4]))):
        interp = li
    project = machine.project if machine.project is not None else log.project
    cc = machine.cc if machine.cc.crates else replace(machine.cc, crates=log.cc.crates)
    return replace(machine, interpreter=interp, project=project, cc=cc, log=log.log)


#: project files that may hard-code a compiler (read at most this many bytes each)
PROJECT_FILES = ("setup.py", "setup.cfg", "pyproject.toml", "CMakeLists.txt", "meson.build", "build.rs",
                 "Makefile", ".cargo/config.toml")
_PROJECT_FILE_MAX = 1 << 20


def project_mentions(project: Path, names: list[str], limit: int = 5) -> tuple[tuple[str, int, str], ...]:
    """(file, line, text) of the project's build files that spell one of `names` (a hard-coded compiler)."""
    names = [n for n in names if len(n) >= 3]
    out: list[tuple[str, int, str]] = []
    for rel in PROJECT_FILES if names else ():
        path = project / rel
        try:
            if not path.is_file() or path.stat().st_size > _PROJECT_FILE_MAX:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if any(n in line for n in names) and len(out) < limit:
                out.append((rel, number, line.strip()[:160]))
    return tuple(out)


def _wrong_compilers(facts: Facts) -> list[str]:
    from ..target import derive_target

    target = derive_target(facts)
    if target is None:
        return []
    return [c.command for c in facts.log.compilers if c.arch and c.arch != target.arch.name]


def diagnose_facts(facts: Facts, *, with_machine: bool, log_layers_only: bool = False) -> Diagnosis:
    d = diagnose(facts)
    if with_machine:
        if log_layers_only:
            return Diagnosis(d.target, log_layers(facts, d.target), d.findings)
        if facts.interpreter.requested == "log":  # the build used another interpreter than the machine's
            layers = [layer for layer in d.layers if layer.name not in _INTERPRETER_LAYERS]
            return Diagnosis(d.target, layers, d.findings)
        return d
    findings = [f for f in d.findings if f.id not in LOG_UNKNOWABLE]
    return Diagnosis(d.target, log_layers(facts, d.target), rank_fixes(findings))


def from_scanner(scanner: LogScanner, stats: ReadStats, name: str, *, machine: Facts | None = None,
                 source: str = "log") -> DiagnoseResult:
    log_facts = facts_from_log(scanner, name)
    facts = combine(machine, log_facts) if machine is not None else log_facts
    return DiagnoseResult(facts, diagnose_facts(facts, with_machine=machine is not None), source, name, stats,
                          scanner, machine)


def diagnose_build_log(scanner: LogScanner, machine: Facts, *, planned_cc: str = "",
                       project: Path | None = None) -> DiagnoseResult:
    """`builddoctor build`'s own failed output beside the machine it ran on (the preflight's facts)."""
    stats = ReadStats(lines=scanner.lines)
    log_facts = facts_from_log(scanner, "the backend's output")
    facts = combine(machine, log_facts)
    mentions = project_mentions(project, _wrong_compilers(facts)) if project is not None else ()
    facts = replace(facts, log=replace(facts.log, planned_cc=planned_cc,
                                                               project_mentions=mentions))
    return DiagnoseResult(facts, diagnose_facts(facts, with_machine=True, log_layers_only=True), "log+live",
                          "the backend's output", stats, scanner, machine)


def run_diagnose(log: str, *, replay: str | None = None, live: bool = False, python: str | None = None,
                 project: str | None = None) -> DiagnoseResult:
    from . import scan_path

    scanner, stats = scan_path(log)
    if stats.bytes == 0:
        raise UserError(f"{'standard input' if log == '-' else log} is empty: nothing to diagnose")
    machine = None
    source = "log"
    if replay or live:
        from ..check import run_check

        machine = run_check(python, project, replay).facts
        source = "log+replay" if replay else "log+live"
    result = from_scanner(scanner, stats, "<stdin>" if log == "-" else log, machine=machine, source=source)
    if live and project and machine is not None:
        mentions = project_mentions(Path(project), _wrong_compilers(result.facts))
        if mentions:
            facts = replace(result.facts, log=replace(result.facts.log,
                                                                              project_mentions=mentions))
            result = replace(result, facts=facts, diagnosis=diagnose_facts(facts, with_machine=True))
    return result
