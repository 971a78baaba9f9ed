"""ThresholdCounter: exactly one firing per arming, jumps, re-entry, errors."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from threads import N_THREADS, run_threads, stress

from pyatomic import AtomicInt64, ThresholdCounter


class Recorder:
    """A callback that records the count its counter showed when called."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str]] = []
        self.counter: ThresholdCounter | None = None

    def __call__(self) -> None:
        assert self.counter is not None
        self.calls.append((self.counter.count, threading.current_thread().name))


def recorded(threshold: int) -> tuple[ThresholdCounter, Recorder]:
    recorder = Recorder()
    counter = ThresholdCounter(threshold, recorder)
    recorder.counter = counter
    return counter, recorder


# -- no contention -------------------------------------------------------------


def test_fires_once_when_reached() -> None:
    counter, recorder = recorded(3)

    assert [counter.increment() for _ in range(5)] == [1, 2, 3, 4, 5]

    assert recorder.calls == [(3, threading.current_thread().name)]
    assert counter.fired and counter.count == 5 and counter.threshold == 3


def test_fires_once_when_jumped_over() -> None:
    counter, recorder = recorded(10)

    assert counter.increment(4) == 4
    assert not counter.fired and recorder.calls == []
    assert counter.increment(100) == 104
    assert counter.increment(7) == 111

    assert [c for c, _ in recorder.calls] == [104]


@pytest.mark.parametrize("threshold", [1, 2, 7])
def test_boundaries(threshold: int) -> None:
    # Landing exactly on, one short of, and one past the threshold.
    for start in (threshold - 1, threshold, threshold + 1):
        counter, recorder = recorded(threshold)
        if start > 0:
            counter.increment(start)
        counter.increment()
        assert len(recorder.calls) == 1
        assert counter.fired


def test_reset_rearms() -> None:
    counter, recorder = recorded(2)
    counter.increment(5)

    assert counter.reset() == 5

    assert counter.count == 0 and not counter.fired
    counter.increment()
    assert len(recorder.calls) == 1
    counter.increment()
    assert [c for c, _ in recorder.calls] == [5, 2]


def test_raising_callback_propagates_and_stays_fired() -> None:
    calls = []

    def boom() -> None:
        calls.append(1)
        raise RuntimeError("callback failed")

    counter = ThresholdCounter(2, boom)
    counter.increment()

    with pytest.raises(RuntimeError, match="callback failed"):
        counter.increment()

    assert counter.fired and counter.count == 2
    assert counter.increment() == 3 and calls == [1]


def test_callback_that_increments_the_same_counter() -> None:
    calls = []

    def again() -> None:
        calls.append(counter.increment(10))

    counter = ThresholdCounter(3, again)

    assert counter.increment(3) == 3

    assert calls == [13] and counter.count == 13


def test_executor_runs_the_callback() -> None:
    ran = threading.Event()
    names = []

    def note() -> None:
        names.append(threading.current_thread().name)
        ran.set()

    with ThreadPoolExecutor(1, thread_name_prefix="threshold-pool") as pool:
        counter = ThresholdCounter(1, note, executor=pool)
        counter.increment()
        assert ran.wait(30)
        counter.increment()

    assert len(names) == 1 and names[0].startswith("threshold-pool")


def test_executor_that_refuses_propagates() -> None:
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    counter = ThresholdCounter(1, lambda: None, executor=pool)

    with pytest.raises(RuntimeError):
        counter.increment()

    assert counter.fired


@pytest.mark.parametrize(
    ("threshold", "error", "message"),
    [
        (0, ValueError, "threshold must be between 1 and 9223372036854775807, not 0"),
        (-5, ValueError, "not -5"),
        (2**63, ValueError, "threshold must be between 1"),
        (1.5, TypeError, "threshold must be an int, not float: 1.5"),
        ("3", TypeError, "threshold must be an int, not str: '3'"),
        (Decimal(2), TypeError, "threshold must be an int, not decimal.Decimal"),
    ],
)
def test_bad_threshold(threshold: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        ThresholdCounter(threshold, lambda: None)  # type: ignore[arg-type]


def test_bad_callback_and_executor() -> None:
    with pytest.raises(TypeError, match="callback must be callable, not int: 3"):
        ThresholdCounter(1, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="executor must be None or an Executor"):
        ThresholdCounter(1, print, executor=object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "error", "message"),
    [
        (0, ValueError, "n must be between 1 and 9223372036854775807, not 0"),
        (-1, ValueError, "not -1"),
        (2**63, ValueError, "n must be between 1"),
        (1.0, TypeError, "n must be an int, not float: 1.0"),
        (None, TypeError, "n must be an int, not NoneType: None"),
    ],
)
def test_bad_increment_changes_nothing(n: object, error: type, message: str) -> None:
    counter, recorder = recorded(1)

    with pytest.raises(error, match=message):
        counter.increment(n)  # type: ignore[arg-type]

    assert counter.count == 0 and recorder.calls == []


def test_index_types_are_accepted() -> None:
    class Three:
        def __index__(self) -> int:
            return 3

    counter, recorder = recorded(Three())  # type: ignore[arg-type]

    assert counter.increment(Three()) == 3
    assert len(recorder.calls) == 1


# -- contention --------------------------------------------------------------------


def test_exactly_once_across_many_trials_with_jumps(seed: int) -> None:
    """Thousands of counters, each raced by every thread with random jumps;
    each fires exactly once, from the increment that crossed it."""
    # Arrange
    rng = random.Random(seed)
    trials = stress(2000)
    per_thread = 4
    thresholds = [rng.randint(1, N_THREADS * per_thread * 2) for _ in range(trials)]
    fires = [AtomicInt64() for _ in range(trials)]
    counters = [
        ThresholdCounter(t, fire.increment)
        for t, fire in zip(thresholds, fires, strict=True)
    ]
    barrier = threading.Barrier(N_THREADS)
    crossings: list[list[int]] = [[] for _ in range(N_THREADS)]

    def worker(index: int) -> None:
        local = random.Random(seed + index)
        for trial, counter in enumerate(counters):
            if trial % 64 == 0:
                barrier.wait()
            for _ in range(per_thread):
                n = local.choice((1, 1, 2, 3, 7))
                new = counter.increment(n)
                if new - n < thresholds[trial] <= new:
                    crossings[index].append(trial)

    # Act
    run_threads(worker, args=lambda i: (i,))

    # Assert: fired exactly when the final count reached the threshold.
    for trial, (counter, fire) in enumerate(zip(counters, fires, strict=True)):
        expected = 1 if counter.count >= thresholds[trial] else 0
        assert fire.load() == expected, (trial, counter)
    crossed = sorted(t for got in crossings for t in got)
    assert crossed == [t for t, f in enumerate(fires) if f.load()]


def test_reentrant_callback_under_contention() -> None:
    # Arrange: the callback itself increments while other threads do too.
    fired = AtomicInt64()
    n = stress(3000)

    def callback() -> None:
        fired.increment()
        counter.increment(5)

    counter = ThresholdCounter(N_THREADS * n // 2, callback)

    # Act
    run_threads(lambda: [counter.increment() for _ in range(n)])

    # Assert
    assert fired.load() == 1
    assert counter.count == N_THREADS * n + 5


def test_rounds_with_reset_each_fire_once() -> None:
    # Arrange: in each round all threads race to the threshold, then one
    # thread resets between barriers.
    rounds = stress(200)
    fired = AtomicInt64()
    counter = ThresholdCounter(N_THREADS * 3, fired.increment)
    barrier = threading.Barrier(N_THREADS)

    def worker(index: int) -> None:
        for r in range(rounds):
            for _ in range(3):
                counter.increment()
            barrier.wait()
            assert fired.load() == r + 1
            barrier.wait()
            if index == 0:
                counter.reset()
            barrier.wait()

    # Act / assert
    run_threads(worker, args=lambda i: (i,))
    assert fired.load() == rounds and counter.count == 0


def test_increments_racing_reset_are_counted_once() -> None:
    """Every increment lands in exactly one arming: the counts swept away by
    resets plus the final count equal the total added."""
    # Arrange
    counter = ThresholdCounter(10**12, lambda: None)
    n = stress(5000)
    swept = AtomicInt64()
    done = AtomicInt64()
    adders = N_THREADS - 1

    def worker(index: int) -> None:
        if index == 0:
            while done.load() < adders:
                swept.add(counter.reset())
            return
        for _ in range(n):
            counter.increment(2)
        done.increment()

    # Act
    run_threads(worker, args=lambda i: (i,))

    # Assert
    assert swept.load() + counter.count == adders * n * 2


# -- regressions -----------------------------------------------------------------


def test_count_refuses_to_wrap_so_it_fires_once_per_arming() -> None:
    """The count used to wrap past 2**63 - 1 to -2**63, climb back to the
    threshold and fire a second time in one arming."""
    # Arrange
    fires: list[int] = []
    t = ThresholdCounter(2**62, lambda: fires.append(1))

    # Act
    t.increment(2**63 - 1)
    with pytest.raises(OverflowError, match="n=2 would take the count"):
        t.increment(2)
    with pytest.raises(OverflowError, match="n=1 would take"):
        t.increment()
    for _ in range(3):
        with pytest.raises(OverflowError, match=f"n={2**62} "):
            t.increment(2**62)

    # Assert: unchanged and fired once; a reset re-arms as before.
    assert t.count == 2**63 - 1 and t.fired and fires == [1]
    assert t.reset() == 2**63 - 1
    assert t.increment(2**62) == 2**62 and fires == [1, 1]


def test_huge_n_is_a_value_error_showing_the_size() -> None:
    t = ThresholdCounter(3, lambda: None)

    with pytest.raises(ValueError, match="not <int of 16610 bits>"):
        t.increment(10**5000)
    with pytest.raises(ValueError, match="threshold must be .* not <int of"):
        ThresholdCounter(-(10**5000), lambda: None)
    assert t.count == 0
