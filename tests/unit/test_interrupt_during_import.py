"""A signal can land while `builddoctor.proc` is still being imported (a check imports it lazily,
on its first child): the handler and the CLI's exit path then see a partial module. They must end
the run as an interrupt (no child can have started yet), never as an internal error. Found by the
soak test (tests/e2e/test_soak_signals.py): SIGTERM 40 ms into a check gave exit 70."""
from __future__ import annotations

import sys
import types

import pytest

from builddoctor import cli
from builddoctor.interrupts import Interrupted, stop_children


@pytest.fixture
def partial_proc(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    half = types.ModuleType("builddoctor.proc")  # what sys.modules holds before `def stop_all` has run
    monkeypatch.setitem(sys.modules, "builddoctor.proc", half)
    return half


def test_stopping_children_while_proc_is_half_imported_is_a_no_op(partial_proc: types.ModuleType) -> None:
    stop_children()


def test_the_cli_reports_the_signal_not_an_internal_error(partial_proc: types.ModuleType,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli._interrupted(Interrupted(15)) == 143
    assert capsys.readouterr().err.strip() == "builddoctor: interrupted (SIGTERM)"


def test_a_loaded_proc_is_asked_to_stop_its_children(monkeypatch: pytest.MonkeyPatch) -> None:
    from builddoctor import proc

    called: list[bool] = []
    monkeypatch.setattr(proc, "stop_all", lambda: called.append(True))
    stop_children()
    assert called == [True]


def test_a_signal_inside_the_import_system_is_delivered_again_without_importing() -> None:
    """The handler re-delivers a signal that landed in importlib's own frames; doing so must import
    nothing (an `import threading` there broke importlib's per-thread lock bookkeeping: KeyError)."""
    import subprocess

    code = (
        "import signal, sys, time\n"
        "import builddoctor.interrupts as interrupts\n"
        "got = []\n"
        "signal.signal(signal.SIGTERM, lambda n, f: got.append(n))\n"
        "before = set(sys.modules)\n"
        "interrupts._again(signal.SIGTERM)\n"
        "new = sorted(set(sys.modules) - before)\n"
        "deadline = time.monotonic() + 5\n"
        "while not got and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "print(new, got)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"[] [{int(__import__('signal').SIGTERM)}]", out.stdout + out.stderr
