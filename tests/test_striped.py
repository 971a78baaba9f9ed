"""StripedCounter: exact sums, wrap-around, errors, conservation under drains."""

from __future__ import annotations

import copy
import pickle
import threading
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from child import run_child
from threads import N_THREADS, run_threads, stress

from pyatomic import StripedCounter

MIN, MAX = -(2**63), 2**63 - 1


class Index:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


# -- no contention ------------------------------------------------------------


def test_operations():
    c = StripedCounter()

    assert c.increment() is None
    c.add()
    c.add(40)
    c.add(Index(-3))
    c.add(True)
    c.decrement()
    assert c.sum() == 39
    c.reset()
    assert c.sum() == 0
    c.add(5)
    assert c.sum_then_reset() == 5
    assert c.sum() == 0
    assert c.sum_then_reset() == 0
    assert StripedCounter(-7).sum() == -7
    assert StripedCounter(Index(MAX)).sum() == MAX


def test_wraps_like_int64():
    c = StripedCounter(MAX)

    c.increment()
    assert c.sum() == MIN
    c.add(MIN)
    assert c.sum() == 0
    c.decrement()
    c.add(MIN)
    assert c.sum() == MAX


def test_bad_arguments_leave_the_counter_unchanged():
    c = StripedCounter(3)

    for bad in (Decimal("1.5"), Fraction(1), 1.0, "1", None):
        with pytest.raises(TypeError, match=r"n must be an int or an object"):
            c.add(bad)
        with pytest.raises(TypeError, match=r"value must be an int"):
            StripedCounter(bad)
    for bad in (MAX + 1, MIN - 1, 2**100):
        with pytest.raises(OverflowError, match=rf"n={bad} .* between {MIN} and"):
            c.add(bad)
        with pytest.raises(OverflowError, match=rf"value={bad} "):
            StripedCounter(bad)
    assert c.sum() == 3


def test_copy_pickle_repr():
    c = StripedCounter(12)

    copies = [copy.copy(c), copy.deepcopy(c), pickle.loads(pickle.dumps(c))]
    c.increment()

    assert [type(x) for x in copies] == [StripedCounter] * 3
    assert [x.sum() for x in copies] == [12, 12, 12]
    assert repr(c) == "StripedCounter(13)"


def test_counters_are_independent():
    a, b = StripedCounter(), StripedCounter()

    for _ in range(100):
        a.increment()
    b.add(-1)

    assert (a.sum(), b.sum()) == (100, -1)


# -- contention ---------------------------------------------------------------


def test_concurrent_adds_are_exact():
    rounds = stress(20_000)
    c = StripedCounter()

    def worker(k: int) -> None:
        inc, add = c.increment, c.add
        for r in range(rounds):
            inc()
            if r % 8 == 0:
                add(k)
            if r % 16 == 0:
                c.decrement()

    run_threads(worker, args=lambda k: (k,))

    per_thread_extra = [k * len(range(0, rounds, 8)) for k in range(N_THREADS)]
    decrements = N_THREADS * len(range(0, rounds, 16))
    assert c.sum() == N_THREADS * rounds + sum(per_thread_extra) - decrements


def test_sum_is_monotonic_and_bounded_while_adding():
    rounds = stress(20_000)
    c = StripedCounter()
    writers = N_THREADS - 1
    done = threading.Event()

    def adder() -> None:
        for _ in range(rounds):
            c.increment()

    def reader() -> int:
        last = reads = 0
        while not done.is_set() or reads == 0:
            now = c.sum()
            assert last <= now <= writers * rounds, (last, now)
            last = now
            reads += 1
        return reads

    finished = threading.Barrier(writers)

    def worker(k: int) -> int:
        if k == 0:
            return reader()
        adder()
        if finished.wait() == 0:
            done.set()
        return 0

    run_threads(worker, args=lambda k: (k,))

    assert c.sum() == writers * rounds


def test_sum_then_reset_conserves_every_add():
    rounds = stress(20_000)
    c = StripedCounter()
    adders = max(2, N_THREADS // 2)
    drained_by = [0] * N_THREADS
    stop = threading.Event()
    finished = threading.Barrier(adders)

    def worker(k: int) -> None:
        if k < adders:
            for r in range(rounds):
                c.add(1 + r % 3)
            if finished.wait() == 0:
                stop.set()
        else:
            while not stop.is_set():
                drained_by[k] += c.sum_then_reset()

    run_threads(worker, args=lambda k: (k,))

    total = adders * sum(1 + r % 3 for r in range(rounds))
    assert sum(drained_by) + c.sum() == total


# -- regressions -----------------------------------------------------------------


@pytest.mark.thread_unsafe(reason="runs a child interpreter; nothing shared to race")
def test_del_in_a_collected_cycle_uses_its_counter(tmp_path: Path) -> None:
    """An object in a reference cycle that owns a StripedCounter and adds to
    it in ``__del__``: ``ffi.gc`` used to free the cells first."""
    out = run_child(
        """
        import gc
        from pyatomic import StripedCounter

        class Conn:
            def __init__(self):
                self.stats = StripedCounter(5)
                self.me = self
            def __del__(self):
                # Memory freed too early would now be handed out again.
                junk = [bytearray(n) for n in (600, 640, 700) for _ in range(4)]
                self.stats.add(1)
                self.stats.increment()
                assert self.stats.sum_then_reset() == 7
                assert not any(any(b) for b in junk)

        for _ in range(100):
            conns = [Conn() for _ in range(500)]
            del conns
            gc.collect()
        print("survived")
        """,
        tmp_path,
    )
    assert out.strip() == "survived"


def test_huge_int_gives_overflow_error_not_value_error() -> None:
    counter = StripedCounter()

    with pytest.raises(OverflowError, match="n=<int of 16610 bits>"):
        counter.add(10**5000)
    with pytest.raises(OverflowError, match="value=<int of"):
        StripedCounter(-(10**5000))
    assert counter.sum() == 0


class Hits(StripedCounter):
    """A subclass with its own increment, extra state and another __init__."""

    def __init__(self, name: str, start: int) -> None:
        super().__init__(start)
        self.name = name
        self.calls = 0

    def increment(self) -> None:
        self.calls += 1
        super().increment()


def test_subclass_override_and_copy_keep_subclass_state() -> None:
    # Arrange
    hits = Hits("api", 40)

    # Act
    hits.increment()
    copies = [copy.copy(hits), copy.deepcopy(hits), pickle.loads(pickle.dumps(hits))]

    # Assert: the override ran, and copies keep class, value and attributes.
    assert hits.calls == 1 and hits.sum() == 41
    for other in copies:
        assert type(other) is Hits and other.sum() == 41
        assert (other.name, other.calls) == ("api", 1)
        other.increment()
        assert other.calls == 2 and other.sum() == 42
    assert hits.sum() == 41
