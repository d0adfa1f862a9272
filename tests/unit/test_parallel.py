"""Probes start at once on threads and hand back results or exceptions in order (_parallel.py)."""
from __future__ import annotations

import threading
import time

import pytest

from builddoctor._parallel import map_all, start


@pytest.mark.parametrize("concurrent", [True, False])
def test_results_in_order_and_errors_reach_the_caller(concurrent: bool) -> None:
    assert map_all(lambda x: x * 2, [3, 1, 2], concurrent=concurrent) == [6, 2, 4]

    def boom() -> int:
        raise ValueError("probe failed")

    join = start(boom, concurrent=concurrent)
    with pytest.raises(ValueError, match="probe failed"):
        join()


def test_everything_starts_at_once() -> None:
    """Three probes that each wait for the other two finish: they run at the same time."""
    barrier = threading.Barrier(3, timeout=5)
    started = time.monotonic()
    map_all(lambda _: barrier.wait(), range(3))  # would time out (BrokenBarrierError) if run one by one
    assert time.monotonic() - started < 5


def test_a_replay_runs_inline_on_the_callers_thread() -> None:
    seen: list[str] = []
    start(lambda: seen.append(threading.current_thread().name), concurrent=False)
    assert seen == [threading.current_thread().name]
