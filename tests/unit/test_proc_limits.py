"""The one subprocess helper: bounded output, no wait for grandchildren, stop_all ends every tree."""
from __future__ import annotations

import sys
import threading
import time

import pytest

from builddoctor import proc

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell commands")


def test_output_is_capped_while_it_is_read():
    result = proc.run(["sh", "-c", "yes 0123456789 | head -c 50000000"], timeout=30)
    assert result.ok
    assert len(result.stdout) < proc.MAX_CAPTURE + 100
    assert "[... output trimmed ...]" in result.stdout


def test_a_grandchild_holding_the_pipe_does_not_hold_the_answer():
    started = time.monotonic()
    result = proc.run(["sh", "-c", "echo answer; sleep 30 &"], timeout=20)
    assert time.monotonic() - started < 5
    assert result.ok and result.stdout.strip() == "answer"


def test_input_a_child_never_reads_does_not_outlive_the_timeout():
    started = time.monotonic()
    result = proc.run(["sleep", "10"], stdin_data=b"x" * 2_000_000, timeout=1)
    assert result.error == "timeout" and time.monotonic() - started < 6


def test_stop_all_ends_children_started_by_other_threads():
    results: list[proc.ProcResult] = []
    worker = threading.Thread(target=lambda: results.append(proc.run(["sleep", "30"], timeout=60)))
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    try:
        proc.stop_all()
        worker.join(timeout=10)
        assert not worker.is_alive() and time.monotonic() - started < 5
        assert results[0].returncode is not None and results[0].returncode < 0  # killed, not finished
        late = proc.run(["sleep", "30"], timeout=60)  # started after the interrupt: ended at once
        assert late.returncode is not None and late.returncode < 0
    finally:
        proc._stopping.clear()
