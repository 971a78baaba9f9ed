"""Helpers for contention tests: barrier start, re-raised worker errors."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from conftest import STRESS

#: Threads per contention test: at least 4 so that GIL builds interleave and
#: free-threaded builds run on every core.
N_THREADS = max(4, os.cpu_count() or 1)


def stress(base: int) -> int:
    """``base`` iterations scaled by PYATOMIC_STRESS (at least 1)."""
    return max(1, int(base * STRESS))


def _spin_until_all_arrived(
    arrived: list[int], lock: threading.Lock, n_threads: int
) -> None:
    """Second stage of the start gate.  A Barrier releases its waiters one
    by one (each must reacquire the barrier's condition lock), and on a
    loaded machine the first threads out can finish a short workload before
    the last ones wake, so nothing overlaps.  Every thread announces itself
    and spins, yielding its core, until all are awake and running."""
    with lock:
        arrived[0] += 1
    while arrived[0] < n_threads:
        os.sched_yield()


def run_threads(
    target: Callable[..., Any],
    n_threads: int = N_THREADS,
    args: Sequence[Any] | Callable[[int], Sequence[Any]] = (),
    timeout: float = 300.0,
) -> list[Any]:
    """Run ``target`` in ``n_threads`` threads released together by a barrier.

    The start gate is a barrier followed by a spin until every thread is
    awake, so the workers start within a scheduler tick of each other.

    ``args`` is either a fixed argument tuple or a function of the thread
    index returning one.  Returns each thread's return value, in thread
    order.  The first exception raised by any worker is re-raised here (the
    others are attached as notes); a thread that does not finish within
    ``timeout`` seconds fails the test.
    """
    barrier = threading.Barrier(n_threads)
    arrived = [0]
    arrived_lock = threading.Lock()
    results: list[Any] = [None] * n_threads
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        call_args = args(index) if callable(args) else args
        try:
            barrier.wait()
            _spin_until_all_arrived(arrived, arrived_lock, n_threads)
            results[index] = target(*call_args)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)
            barrier.abort()

    threads = [
        threading.Thread(target=worker, args=(i,), name=f"worker-{i}")
        for i in range(n_threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        raise AssertionError(f"threads did not finish in {timeout}s: {stuck}")
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real:
        first = real[0]
        for other in real[1:]:
            first.add_note(f"another worker also raised {other!r}")
        raise first
    if errors:
        raise errors[0]
    return results
