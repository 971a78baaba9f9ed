"""Wake-up latency of wait/notify and the cost of a notify nobody waits for.

    python bench/wait_latency.py [samples]

* notify cost: ``notify_one()`` with no waiter, on an owned AtomicInt32
  (private futex, skipped by the waiter count) and on a view of a bytearray
  (shared futex: always a FUTEX_WAKE system call), beside ``load()`` (one
  plain cffi call) and ``threading.Event.set()`` on a set event.  Median and
  spread of 7 runs of 100 000 calls, ns per call.
* wake-up latency: a notifier thread sleeps ~1 ms (so that the waiter is
  asleep in the kernel), reads ``perf_counter_ns``, stores and notifies; the
  waiter reads ``perf_counter_ns`` as soon as ``wait`` returns.  The
  difference is one wake-up: notify -> waiter running Python again.  The
  same for ``threading.Event``.  Median, 90th and 99th percentile, in us.
* ping-pong: two threads taking turns through one AtomicInt32 with no
  sleeps; time per hand-off (half a round trip).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Callable

from pyatomic import AtomicInt32

N_CALLS = 100_000
RUNS = 7


def header() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(
        f"# Python {sys.version.split()[0]} ({sys.implementation.name}), "
        f"GIL {'enabled' if gil else 'disabled'}, {os.cpu_count()} CPUs, "
        f"switch interval {sys.getswitchinterval()} s"
    )
    print(f"# command: {' '.join([sys.executable, *sys.argv])}")


def per_call(fn: Callable[[], object]) -> tuple[float, float]:
    """Median and (max - min) ns per call of ``fn`` over RUNS runs."""
    loop = range(N_CALLS)
    for _ in loop:  # warm-up
        fn()
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter_ns()
        for _ in loop:
            fn()
        runs.append((time.perf_counter_ns() - start) / N_CALLS)
    return statistics.median(runs), max(runs) - min(runs)


def notify_cost() -> None:
    owned = AtomicInt32()
    view = AtomicInt32.from_buffer(bytearray(8))
    event = threading.Event()
    event.set()
    cases = {
        "AtomicInt32.load() (baseline)": owned.load,
        "AtomicInt32.notify_one(), owned, no waiter": owned.notify_one,
        "AtomicInt32.notify_all(), owned, no waiter": owned.notify_all,
        "AtomicInt32.notify_one(), view, no waiter": view.notify_one,
        "threading.Event.set(), already set": event.set,
    }
    print("\n## notify with nobody waiting (ns per call: median, spread)")
    for name, fn in cases.items():
        median, spread = per_call(fn)
        print(f"{name:48s} {median:8.1f} {spread:8.1f}")


def percentiles(samples: list[int]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000

    return f"{at(0.5):8.1f} {at(0.9):8.1f} {at(0.99):8.1f}"


def wake_latency(samples: int) -> None:
    cell = AtomicInt32()
    stamps: list[int] = []
    woken: list[int] = []

    def waiter() -> None:
        for n in range(samples):
            while cell.load() == n:
                cell.wait(n)
            woken.append(time.perf_counter_ns())

    thread = threading.Thread(target=waiter)
    thread.start()
    for n in range(samples):
        time.sleep(0.001)
        stamps.append(time.perf_counter_ns())
        cell.store(n + 1)
        cell.notify_one()
    thread.join()
    atomic = [w - s for s, w in zip(stamps, woken, strict=True)]

    event_stamps: list[int] = []
    event_woken: list[int] = []
    events = [threading.Event() for _ in range(samples)]

    def event_waiter() -> None:
        for event in events:
            event.wait()
            event_woken.append(time.perf_counter_ns())

    thread = threading.Thread(target=event_waiter)
    thread.start()
    for event in events:
        time.sleep(0.001)
        event_stamps.append(time.perf_counter_ns())
        event.set()
    thread.join()
    baseline = [w - s for s, w in zip(event_stamps, event_woken, strict=True)]

    print(f"\n## wake-up latency, waiter asleep ({samples} samples; us p50 p90 p99)")
    print(
        f"{'AtomicInt32 store + notify_one -> wait returns':48s} {percentiles(atomic)}"
    )
    print(f"{'threading.Event.set -> Event.wait returns':48s} {percentiles(baseline)}")


def ping_pong(rounds: int) -> None:
    cell = AtomicInt32()

    def player(me: int) -> None:
        for turn in range(rounds):
            target = 2 * turn + me
            while (seen := cell.load()) != target:
                cell.wait(seen)
            cell.store(target + 1)
            cell.notify_one()

    threads = [threading.Thread(target=player, args=(i,)) for i in range(2)]
    start = time.perf_counter_ns()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter_ns() - start
    print(f"\n## ping-pong, {rounds} rounds, no sleeps")
    print(
        f"{'hand-off through wait/notify (us per hop)':48s} "
        f"{elapsed / (2 * rounds) / 1000:8.2f}"
    )


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    header()
    notify_cost()
    wake_latency(samples)
    ping_pong(20 * samples)


if __name__ == "__main__":
    main()
