"""The scalar atomics under contention: exact totals, exactly-once results,
conservation of swapped values, no torn reads.

Every test starts its threads through ``run_threads`` (released together by
a barrier; worker exceptions re-raised here) and scales its length with
``stress()`` (PYATOMIC_STRESS).  On free-threaded builds the workers run in
parallel on every core; on GIL builds conftest shrinks the switch interval
so that they interleave between bytecodes.  Tests that can tell whether the
threads really interleaved (the exactly-once tests) assert it, so a harness
that quietly serialised them would fail instead of passing vacuously.
"""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest
from threads import N_THREADS, run_threads, stress

from pyatomic import (
    AtomicBool,
    AtomicInt32,
    AtomicInt64,
    AtomicPointer,
    AtomicUInt32,
    AtomicUInt64,
)

pytestmark = pytest.mark.thread_unsafe(
    reason="starts N_THREADS threads of its own behind a barrier; running "
    "several copies at once only multiplies the threads on the same "
    "cores, and the run time, without adding coverage"
)

SPECS = [
    (AtomicInt32, 32, True),
    (AtomicInt64, 64, True),
    (AtomicUInt32, 32, False),
    (AtomicUInt64, 64, False),
]
TYPES = [cls for cls, _, _ in SPECS]


def wrap(cls: type, value: int) -> int:
    """``value`` modulo 2**bits in the type's range (independent model)."""
    _, bits, signed = next(s for s in SPECS if s[0] is cls)
    value &= (1 << bits) - 1
    if signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def interleaved(per_thread: list[list[int]]) -> bool:
    """True if some thread's sorted results are not one contiguous run,
    that is, another thread's operation landed between two of its own."""
    return any(
        results and max(results) - min(results) + 1 != len(results)
        for results in per_thread
    )


# -- exact totals -------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_mixed_arithmetic_exact_total(cls: type) -> None:
    n = stress(3000)
    # Start 7n below the top so the total wraps past MAX (to 0, or for the
    # signed types to MIN) while the threads are running.
    start = cls.MAX + 1 - 7 * n
    a = cls(start)

    def work() -> None:
        b = a  # in-place operators rebind their target: keep `a` untouched
        for _ in range(n):
            b.increment()
            b.add(3)
            b.fetch_add(5)
            b.sub(2)
            b.fetch_sub(1)
            b.decrement()
            b += 4
            b -= 1
        assert b is a

    run_threads(work)

    assert a.load() == wrap(
        cls, start + N_THREADS * n * (1 + 3 + 5 - 2 - 1 - 1 + 4 - 1)
    )


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("method", ["increment", "add", "fetch_add"])
def test_counter_results_are_exactly_once(cls: type, method: str) -> None:
    # Every value of a counter that only goes up is returned to exactly one
    # caller: increment()/add(1) return 1..total, fetch_add(1) 0..total-1.
    # If the threads happened not to overlap at all (a loaded machine can
    # run a short workload to completion before the next thread wakes), the
    # run proves nothing about contention: repeat it, twice as long.
    n = max(stress(10000), 500)
    for _attempt in range(8):
        a = cls(0)
        op = getattr(a, method)
        args = () if method == "increment" else (1,)

        def work() -> list[int]:
            return [op(*args) for _ in range(n)]  # noqa: B023 - run at once

        per_thread = run_threads(work)

        total = N_THREADS * n
        first = 0 if method == "fetch_add" else 1
        results = sorted(v for r in per_thread for v in r)
        assert results == list(range(first, first + total))
        assert a.load() == total
        if interleaved(per_thread):
            break
        n *= 2
    else:
        pytest.fail("the threads never interleaved in 8 runs: no contention")


@pytest.mark.parametrize("cls", TYPES)
def test_decrement_results_are_exactly_once_across_zero(cls: type) -> None:
    n = stress(10000)
    total = N_THREADS * n
    start = total // 2  # the count crosses zero (unsigned: wraps to MAX)
    a = cls(start)

    def work() -> list[int]:
        return [a.decrement() for _ in range(n)]

    per_thread = run_threads(work)

    expected = sorted(wrap(cls, start - k) for k in range(1, total + 1))
    assert sorted(v for r in per_thread for v in r) == expected
    assert a.load() == wrap(cls, start - total)


@pytest.mark.parametrize("cls", TYPES)
def test_update_exact_total(cls: type) -> None:
    n = stress(3000)
    a = cls(0)
    calls = [0] * N_THREADS

    def work(index: int) -> list[int]:
        def bump(v: int) -> int:
            calls[index] += 1
            return v + 1

        return [a.update(bump) for _ in range(n)]

    per_thread = run_threads(work, args=lambda i: (i,))

    total = N_THREADS * n
    assert a.load() == total
    # Each update's new value is unique: it was installed by one winning CAS.
    assert sorted(v for r in per_thread for v in r) == list(range(1, total + 1))
    assert sum(calls) >= total  # fn re-runs after every lost race


# -- compare-and-swap loops -----------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_compare_and_swap_loop_exact_total(cls: type) -> None:
    n = stress(3000)
    a = cls(0)

    def work() -> int:
        failures = 0
        for _ in range(n):
            while True:
                current = a.load()
                if a.compare_and_swap(current, current + 1):
                    break
                failures += 1
        return failures

    run_threads(work)

    assert a.load() == N_THREADS * n


@pytest.mark.parametrize("cls", TYPES)
def test_compare_exchange_witness_under_contention(cls: type) -> None:
    # The classic loop that feeds the witness back as the next expected
    # value, with no reload: it only reaches the exact total if every
    # failed compare_exchange returned the value really in the cell, and
    # every successful one returned exactly `expected`.
    n = stress(3000)
    a = cls(0)

    def work() -> list[int]:
        won: list[int] = []
        expected = a.load()
        for _ in range(n):
            while True:
                witnessed = a.compare_exchange(expected, expected + 1)
                if witnessed == expected:
                    won.append(expected + 1)
                    expected += 1
                    break
                assert witnessed != expected
                expected = witnessed
        return won

    per_thread = run_threads(work)

    total = N_THREADS * n
    assert a.load() == total
    assert sorted(v for r in per_thread for v in r) == list(range(1, total + 1))


# -- bits -------------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_bit_ownership_with_fetch_or_and_xor(cls: type) -> None:
    # Thread i owns bits i and i + N_THREADS; nobody else touches them, so
    # every previous value a thread sees must agree with its own bookkeeping
    # about its own bits, whatever the others do to theirs.
    n = stress(3000)
    assert 2 * N_THREADS <= cls.BITS
    a = cls(0)

    def work(index: int) -> None:
        low = 1 << index
        high = 1 << (index + N_THREADS)
        clear_low = wrap(cls, ~low)
        for _ in range(n):
            assert not a.fetch_or(low) & low
            assert a.fetch_and(clear_low) & low
            before = a.fetch_xor(high)
            after = a.fetch_xor(high)
            assert (before & high) != (after & high)
        # Leave the high bit set: the final value records every owner.
        assert not a.fetch_or(high) & high

    run_threads(work, args=lambda i: (i,))

    assert a.load() == wrap(cls, sum(1 << (i + N_THREADS) for i in range(N_THREADS)))


# -- swaps: conservation ---------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_swap_conserves_values(cls: type) -> None:
    # Each thread swaps in tokens nobody else uses.  Every value ever in the
    # cell leaves it exactly once (swapped out) or is still there at the end.
    n = stress(5000)
    initial = 0
    a = cls(initial)

    def work(index: int) -> list[int]:
        tokens = range(index * n + 1, (index + 1) * n + 1)
        return [a.swap(token) for token in tokens]

    per_thread = run_threads(work, args=lambda i: (i,))

    out = Counter(v for r in per_thread for v in r)
    out[a.load()] += 1
    assert out == Counter([initial, *range(1, N_THREADS * n + 1)])


def test_bool_swap_conserves_values() -> None:
    n = stress(5000)
    flag = AtomicBool(False)

    def work(index: int) -> tuple[int, int]:
        rng = random.Random(index)
        put = [rng.random() < 0.5 for _ in range(n)]
        got = [flag.swap(v) for v in put]
        return sum(put), sum(got)

    per_thread = run_threads(work, args=lambda i: (i,))

    trues_in = sum(p for p, _ in per_thread)
    trues_out = sum(g for _, g in per_thread) + flag.load()
    assert trues_out == trues_in  # the initial False adds no True


def test_bool_compare_and_swap_is_a_mutex() -> None:
    # A spin lock made of compare_and_swap(False, True) / store(False): the
    # occupancy counter must read 1 inside every critical section.
    n = stress(2000)
    lock = AtomicBool(False)
    inside = AtomicInt32(0)
    plain = [0]  # guarded only by the flag

    def work() -> int:
        spins = 0
        for _ in range(n):
            while not lock.compare_and_swap(False, True):
                spins += 1
            assert inside.increment() == 1
            plain[0] += 1
            assert inside.decrement() == 0
            assert lock.swap(False) is True
        return spins

    run_threads(work)

    assert plain[0] == N_THREADS * n
    assert lock.load() is False


def test_bool_compare_exchange_hands_off_exactly_once() -> None:
    # Producers raise the flag with compare_exchange(False, True); consumers
    # lower it with compare_exchange(True, False).  Every raise is lowered
    # by exactly one consumer: the counts match and nothing is lost.
    n = stress(300)
    flag = AtomicBool(False)
    producers = N_THREADS // 2

    def work(index: int) -> int:
        done = 0
        raise_it = index < producers
        while done < n:
            if raise_it:
                if flag.compare_exchange(False, True) is False:
                    done += 1
                    continue
            elif flag.compare_exchange(True, False) is True:
                done += 1
                continue
            os.sched_yield()  # let the other side run on an oversubscribed core
        return done

    results = run_threads(work, args=lambda i: (i,))

    assert sum(results[:producers]) == sum(results[producers:]) == producers * n
    assert flag.load() is False


def test_pointer_swap_conserves_addresses() -> None:
    n = stress(5000)
    step = 64  # aligned, distinct addresses; never dereferenced
    p = AtomicPointer(None)

    def work(index: int) -> list[int]:
        base = (index * n + 1) * step
        return [p.swap(base + k * step) for k in range(n)]

    per_thread = run_threads(work, args=lambda i: (i,))

    out = Counter(v for r in per_thread for v in r)
    out[p.load()] += 1
    expected = Counter([0, *(step * k for k in range(1, N_THREADS * n + 1))])
    assert out == expected


def test_pointer_compare_exchange_loop() -> None:
    n = stress(3000)
    p = AtomicPointer(0)

    def work() -> None:
        expected = p.load()
        for _ in range(n):
            while (seen := p.compare_exchange(expected, expected + 8)) != expected:
                expected = seen
            expected += 8

    run_threads(work)

    assert p.load() == 8 * N_THREADS * n


# -- max / min -------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_fetch_max_min_end_at_true_extremes(cls: type, seed: int) -> None:
    n = stress(3000)
    lo, hi = cls.MIN, cls.MAX
    mid = wrap(cls, 0) if lo < 0 else hi // 2
    high, low = cls(mid), cls(mid)

    def work(index: int) -> tuple[list[int], int, int]:
        rng = random.Random(seed + index)
        values = [rng.randint(lo, hi) for _ in range(n)]
        seen = [high.fetch_max(v) for v in values]
        for v in values:
            low.fetch_min(v)
        return seen, max(values), min(values)

    results = run_threads(work, args=lambda i: (i,))

    assert high.load() == max(mid, *(mx for _, mx, _ in results))
    assert low.load() == min(mid, *(mn for _, _, mn in results))
    for seen, _, _ in results:
        assert seen == sorted(seen)  # the maximum only ever grows


# -- torn reads ------------------------------------------------------------------


@pytest.mark.parametrize("cls", [AtomicInt64, AtomicUInt64])
def test_no_torn_64_bit_reads(cls: type) -> None:
    # Writers store values whose two 32-bit halves are equal; a reader that
    # saw half of one store and half of another would see unequal halves.
    n = stress(5000)
    writers = N_THREADS // 2
    a = cls(0)

    def halves(k: int) -> int:
        pattern = (k * 0x9E3779B1) & 0xFFFFFFFF
        return wrap(cls, pattern << 32 | pattern)

    def check(value: int) -> None:
        bits = value & 0xFFFFFFFFFFFFFFFF
        assert bits >> 32 == bits & 0xFFFFFFFF, hex(bits)

    def work(index: int) -> int:
        reads = 0
        for k in range(n):
            if index < writers:
                if k % 2:
                    a.store(halves(k * N_THREADS + index))
                else:
                    check(a.swap(halves(k * N_THREADS + index)))
            else:
                check(a.load())
                check(a.compare_exchange(halves(k), halves(k + 1)))
                reads += 2
        return reads

    run_threads(work, args=lambda i: (i,))

    check(a.load())


# -- views: neighbours left intact ------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_view_in_buffer_leaves_neighbours_alone(cls: type) -> None:
    # A cell in the middle of a buffer, sentinel bytes on both sides: under
    # contention no operation may write outside the cell's own bytes.
    size = cls.BITS // 8
    buffer = bytearray(b"\xa5" * (3 * size))
    a = cls.from_buffer(buffer, size)
    n = stress(2000)

    # Adding the top bit twice is a no-op modulo 2**bits but carries through
    # every byte; all operations here commute, so the final value is known.
    top = cls.MIN if cls.MIN else cls.MAX // 2 + 1

    def work() -> None:
        for _ in range(n):
            a.increment()
            a.fetch_add(top)
            a.add(top)
            a.decrement()
            a.fetch_add(cls.MAX)
            a.fetch_sub(cls.MAX)
            a.compare_exchange(0, 0)

    a.store(0)
    run_threads(work)

    assert a.load() == 0
    assert buffer[:size] == b"\xa5" * size
    assert buffer[2 * size :] == b"\xa5" * size
    assert buffer[size : 2 * size] == bytes(size)
