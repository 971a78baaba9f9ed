"""The timing engine: generated loops, long-lived threads, barrier windows.

Method.  For one case at one thread count the runner

1. builds the case's *arm* once (the objects it operates on, bound to the
   loop's local names) and compiles one loop function for it, always of the
   shape ``for _ in r: <body>`` with every name the body uses passed in as
   an argument, so that each arm pays the same loop and local-variable
   overhead and differs only in the body (``f()``, ``f(a)``, ``f(a, b)`` or
   the baseline's statement);
2. starts ``n`` threads once, which then live for every round of this case;
3. per round (``warmup`` unrecorded rounds, then ``repeat`` recorded ones;
   ``measure_many`` interleaves the rounds of several arms so that they
   share the background load of a busy machine)
   resets the arm, releases all threads through a start barrier with a
   common start instant a little in the future (threads leave a barrier one
   by one, tens of microseconds apart; each thread spins until the instant
   so that they begin together), lets each thread read ``perf_counter_ns``
   just before and just after its loop, and collects them at an end
   barrier.  The window of the round is the latest end minus the earliest
   start, so the barrier waits themselves are never timed;
4. after every round checks the arm's final state against the total number
   of operations done in that round (``check``), so an arm that silently
   does nothing, or loses updates under contention, is reported as broken
   instead of fast.

Every thread runs the same number of operations, ``ops`` (rounded up to a
whole number of batches for batch cases), in every arm; only the two
baselines that cost a few nanoseconds (the empty loop and an attribute
read) run ten times as many, so that their rounds are not shorter than the
scheduling noise.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Arm",
    "BrokenArmError",
    "Measurement",
    "compile_loop",
    "measure",
    "measure_many",
]


class BrokenArmError(RuntimeError):
    """An arm's final state did not match the operations it was asked to do."""


@dataclass
class Arm:
    """What one case times: a loop body and the objects it names.

    ``body`` is one or more lines of Python run once per iteration, using
    the names in ``env`` (shared by all threads).  ``per_iter`` is the
    number of operations one iteration performs (a batch of 64 counts 64).
    ``stretch`` multiplies the iterations of an arm whose operation is so
    cheap (the empty loop, an attribute read) that a round of ``ops`` of
    them would be shorter than the scheduling noise; ns/op is unaffected.
    ``reset`` restores the start state before each round; ``check`` gets the
    number of operations all threads did in the round and returns ``None``
    if the state shows exactly that, or a message saying what is wrong.
    """

    body: str
    env: dict[str, Any] = field(default_factory=dict)
    per_iter: int = 1
    stretch: int = 1
    reset: Callable[[], None] = lambda: None
    check: Callable[[int], str | None] = lambda total: None


@dataclass
class Measurement:
    """The recorded rounds of one case at one thread count."""

    threads: int
    iterations: int  # loop iterations per thread per round
    per_iter: int
    windows_ns: list[int]

    @property
    def ops_per_thread(self) -> int:
        return self.iterations * self.per_iter

    @property
    def ns_per_op(self) -> list[float]:
        """Per round: the window divided by each thread's operation count.

        This is what one operation costs a thread while ``threads`` threads
        run it at once (at 1 thread, plain latency)."""
        return [w / self.ops_per_thread for w in self.windows_ns]

    @property
    def median_ns(self) -> float:
        return statistics.median(self.ns_per_op)

    @property
    def quartiles_ns(self) -> tuple[float, float]:
        """First and third quartile of ns/op (inclusive method)."""
        values = self.ns_per_op
        if len(values) == 1:
            return values[0], values[0]
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return q1, q3

    @property
    def throughput(self) -> float:
        """Operations per second, all threads together (from the median)."""
        return self.threads * 1e9 / self.median_ns


#: Whether threads take turns (a GIL build, or the GIL re-enabled): then a
#: thread waiting for the start instant yields instead of spinning, or it
#: would keep the others from reaching the start line for a switch interval.
_GIL: bool = getattr(sys, "_is_gil_enabled", lambda: True)()

#: How far ahead of the start barrier the common start instant lies.
_LEAD_NS = 500_000

_LOOP_TEMPLATE = """\
def loop(r, {params}):
    for _ in r:
{body}
"""


def compile_loop(body: str, names: Sequence[str]) -> Callable[..., None]:
    """Compile ``for _ in r: <body>`` with ``names`` as its parameters.

    Generated code rather than a closure or ``*args`` call so that each name
    is a fast local in every arm, whatever the body is.
    """
    indented = "\n".join("        " + line for line in body.splitlines())
    params = ", ".join(names) if names else "_unused=None"
    source = _LOOP_TEMPLATE.format(params=params, body=indented)
    namespace: dict[str, Any] = {}
    exec(compile(source, "<pyatomic.bench loop>", "exec"), namespace)
    return namespace["loop"]  # type: ignore[no-any-return]


class _Pool:
    """The long-lived threads of one arm at one thread count."""

    def __init__(self, arm: Arm, threads: int, ops: int) -> None:
        self.arm = arm
        self.threads = threads
        self.iterations = max(1, -(-ops // arm.per_iter)) * arm.stretch
        self.total = threads * self.iterations * arm.per_iter
        names = sorted(arm.env)
        loop = compile_loop(arm.body, names)
        args = [arm.env[name] for name in names]
        self.start = threading.Barrier(threads + 1)
        self.end = threading.Barrier(threads + 1)
        self.stamps: list[tuple[int, int]] = [(0, 0)] * threads
        self.errors: list[BaseException] = []
        self.stop = False
        self.go = 0  # the common start instant of a round, perf_counter_ns

        def worker(index: int) -> None:
            r = range(self.iterations)
            clock = time.perf_counter_ns
            pause = time.sleep
            while True:
                try:
                    self.start.wait()
                except threading.BrokenBarrierError:
                    return
                if self.stop:
                    return
                try:
                    instant = self.go
                    while clock() < instant:
                        if _GIL:
                            pause(0)  # let the other threads reach the line
                    t0 = clock()
                    loop(r, *args)
                    t1 = clock()
                    self.stamps[index] = (t0, t1)
                except BaseException as exc:  # reported by the main thread
                    self.errors.append(exc)
                self.end.wait()

        self.pool = [
            threading.Thread(target=worker, args=(i,), name=f"bench-{i}", daemon=True)
            for i in range(threads)
        ]
        try:
            for thread in self.pool:
                thread.start()
        except BaseException:
            # Threads already started wait at the barrier: release them.
            self.stop = True
            self.start.abort()
            raise

    def round(self) -> int:
        """Run one round; return its window in ns, or raise what went wrong."""
        self.arm.reset()
        self.go = time.perf_counter_ns() + _LEAD_NS
        self.start.wait()
        self.end.wait()
        if self.errors:
            raise self.errors[0]
        problem = self.arm.check(self.total)
        if problem is not None:
            raise BrokenArmError(
                f"after {self.threads} thread(s) x {self.total // self.threads} "
                f"operations: {problem}"
            )
        return max(t1 for _, t1 in self.stamps) - min(t0 for t0, _ in self.stamps)

    def close(self) -> None:
        self.stop = True
        try:
            self.start.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        for thread in self.pool:
            thread.join(10)


def measure_many(
    arms: Sequence[Arm],
    threads: int,
    ops: int,
    repeat: int,
    warmup: int = 1,
) -> list[Measurement]:
    """Time several arms with their rounds interleaved (A, B, A, B, ...).

    Each arm keeps its own threads for the whole call.  Interleaving puts
    every arm under the same background load, which matters for the ratio
    of two arms on a shared machine.  Raises ``BrokenArmError`` (or a
    worker's exception) for the first arm that fails.
    """
    pools: list[_Pool] = []
    try:
        for arm in arms:
            pools.append(_Pool(arm, threads, ops))
        windows: list[list[int]] = [[] for _ in arms]
        for round_index in range(warmup + repeat):
            for pool, recorded in zip(pools, windows, strict=True):
                window = pool.round()
                if round_index >= warmup:
                    recorded.append(window)
    finally:
        for pool in pools:
            pool.close()
    return [
        Measurement(threads, pool.iterations, pool.arm.per_iter, recorded)
        for pool, recorded in zip(pools, windows, strict=True)
    ]


def measure(
    arm: Arm,
    threads: int,
    ops: int,
    repeat: int,
    warmup: int = 1,
) -> Measurement:
    """Time ``arm`` in ``threads`` threads; see the module docstring.

    Raises ``BrokenArmError`` if a round ends in a state that does not match
    its operation count, and re-raises the first exception of a worker.
    """
    return measure_many([arm], threads, ops, repeat, warmup)[0]
