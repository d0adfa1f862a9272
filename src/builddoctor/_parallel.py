"""Start work on threads at once, collect results later: what probes need from concurrent.futures,
without its import cost (concurrent.futures pulls in logging, traceback and queue: ~5 ms)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar

    T = TypeVar("T")
    A = TypeVar("A")


def start(fn: Callable[..., T], *args: object, concurrent: bool = True) -> Callable[[], T]:
    """Run fn(*args) on a new thread now; the returned function waits for it and returns its result
    (or raises its exception). `concurrent=False` runs it here and now (a replay: nothing to wait for)."""
    box: list[object] = []
    failed: list[BaseException] = []

    def target() -> None:
        try:
            box.append(fn(*args))
        except BaseException as exc:  # handed to the caller by join()
            failed.append(exc)

    thread = None
    if concurrent:
        import threading

        # Not a daemon: on Ctrl-C the interpreter still waits for each probe (and its child, bounded by
        # its timeout) to finish, as a thread pool's shutdown did; no child outlives builddoctor.
        thread = threading.Thread(target=target, daemon=False)
        thread.start()
    else:
        target()

    def join() -> T:
        if thread is not None:
            thread.join()
        if failed:
            raise failed[0]
        return box[0]  # type: ignore[return-value]

    return join


def map_all(fn: Callable[[A], T], items: Iterable[A], *, concurrent: bool = True) -> list[T]:
    """fn over every item, all started at once (the last on this thread, which would only wait
    otherwise: one thread fewer to start); results in the items' order."""
    todo = list(items)
    joins = [start(fn, item, concurrent=concurrent) for item in todo[:-1]]
    if todo:
        joins.append(start(fn, todo[-1], concurrent=False))
    return [join() for join in joins]
