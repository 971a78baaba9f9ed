"""CountDownLatch: counting, argument errors, timeouts, exactly-once release."""

from __future__ import annotations

import copy
import pickle
import random
import time
from typing import Any

import pytest
from threads import N_THREADS, run_threads, stress

from pyatomic import AtomicInt32, CountDownLatch

SLACK = 0.2  # seconds a timed-out wait may overrun on a loaded machine


class Index:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


# -- no contention ------------------------------------------------------------


def test_counts_down_to_open() -> None:
    latch = CountDownLatch(3)

    steps = [latch.count_down(), latch.count_down(0), latch.count_down(Index(2))]

    assert steps == [2, 2, 0]
    assert latch.count == 0
    assert latch.wait() is True
    assert latch.wait(0) is True


def test_zero_count_is_open_from_the_start() -> None:
    latch = CountDownLatch(0)

    assert latch.wait(0) is True
    assert latch.count_down(0) == 0


def test_wait_times_out_while_closed() -> None:
    latch = CountDownLatch(1)

    start = time.monotonic()
    result = latch.wait(timeout=0.1)
    elapsed = time.monotonic() - start

    assert result is False
    assert 0.1 <= elapsed < 0.1 + SLACK
    assert latch.wait(0) is False
    assert latch.count == 1


def test_count_down_below_zero_is_refused_and_changes_nothing() -> None:
    latch = CountDownLatch(2)

    with pytest.raises(ValueError, match=r"^n=3 would take .* only 2 count-downs"):
        latch.count_down(3)
    assert latch.count == 2
    latch.count_down(2)
    with pytest.raises(ValueError, match=r"only 0 count-downs are left"):
        latch.count_down()

    assert latch.count == 0


@pytest.mark.parametrize(
    ("n", "error", "text"),
    [
        (-1, ValueError, "n must be non-negative, not -1"),
        (1.0, TypeError, "n must be an int, not float: 1.0"),
        ("1", TypeError, "n must be an int, not str: '1'"),
        (None, TypeError, "n must be an int, not NoneType"),
        # Too many digits for repr(): the message must still be a message.
        pytest.param(
            -(10**5000),
            ValueError,
            "n must be non-negative, not <int of 16610 bits>",
            id="minus-huge",
        ),
        pytest.param(
            10**5000,
            ValueError,
            "n=<int of 16610 bits> would take .* only 5 count",
            id="huge",
        ),
    ],
)
def test_count_down_argument_errors(n: Any, error: type, text: str) -> None:
    latch = CountDownLatch(5)

    with pytest.raises(error, match="^" + text):
        latch.count_down(n)

    assert latch.count == 5


@pytest.mark.parametrize(
    ("count", "error", "text"),
    [
        (-1, ValueError, "count must be non-negative, not -1"),
        (2**31, OverflowError, "count=2147483648 is too large .* at most 2147483647"),
        (3.0, TypeError, "count must be an int, not float"),
        (None, TypeError, "count must be an int, not NoneType"),
        pytest.param(
            -(10**5000),
            ValueError,
            "count must be non-negative, not <int of 16610",
            id="minus-huge",
        ),
        pytest.param(
            10**5000, OverflowError, "count=<int of 16610 bits> is too large", id="huge"
        ),
    ],
)
def test_constructor_errors(count: Any, error: type, text: str) -> None:
    with pytest.raises(error, match="^" + text):
        CountDownLatch(count)


def test_largest_count() -> None:
    latch = CountDownLatch(Index(AtomicInt32.MAX))

    assert latch.count_down(AtomicInt32.MAX - 1) == 1
    assert latch.count == 1


@pytest.mark.parametrize(
    ("timeout", "error"),
    [
        (-1, ValueError),
        (float("nan"), ValueError),
        pytest.param(-(10**5000), ValueError, id="minus-huge"),
        ("1", TypeError),
        (True, TypeError),
        (False, TypeError),
    ],
)
def test_wait_timeout_errors(timeout: Any, error: type) -> None:
    latch = CountDownLatch(0)

    with pytest.raises(error, match="^timeout must be"):
        latch.wait(timeout)  # raised even though the latch is open


def test_repr_and_copying() -> None:
    latch = CountDownLatch(4)

    assert repr(latch) == "CountDownLatch(count=4)"
    with pytest.raises(TypeError, match="cannot pickle a CountDownLatch"):
        pickle.dumps(latch)
    with pytest.raises(TypeError, match="cannot pickle a CountDownLatch"):
        copy.copy(latch)


# -- contention ---------------------------------------------------------------


def test_release_happens_after_every_count_down() -> None:
    # Half the threads do work then count down; the other half wait.  A
    # waiter released early would see less than all the work.
    for _ in range(stress(30)):
        _release_after_work(n_down=N_THREADS // 2)


def _release_after_work(n_down: int) -> None:
    latch = CountDownLatch(n_down)
    work = AtomicInt32()

    def role(index: int) -> Any:
        if index < n_down:
            work.increment()
            return latch.count_down()
        return latch.wait(timeout=30), work.load()

    results = run_threads(role, args=lambda i: (i,))

    assert sorted(results[:n_down]) == list(range(n_down))
    assert results[n_down:] == [(True, n_down)] * (N_THREADS - n_down)
    assert latch.count == 0


def test_exactly_one_count_down_opens_the_latch(seed: int) -> None:
    # Threads count down random steps that add up to the count: exactly one
    # call returns 0, and nothing goes below zero.
    rng = random.Random(seed)
    for _ in range(stress(20)):
        _random_steps(
            [[rng.randint(1, 5) for _ in range(50)] for _ in range(N_THREADS)]
        )


def _random_steps(steps: list[list[int]]) -> None:
    latch = CountDownLatch(sum(map(sum, steps)))

    def worker(mine: list[int]) -> list[int]:
        return [latch.count_down(step) for step in mine]

    returned = run_threads(worker, args=lambda i: (steps[i],))

    flat = [left for results in returned for left in results]
    assert flat.count(0) == 1
    assert min(flat) == 0
    assert latch.count == 0


def test_one_count_down_too_many_is_refused_exactly_once() -> None:
    for _ in range(stress(30)):
        _one_too_many()


def _one_too_many() -> None:
    latch = CountDownLatch(N_THREADS - 1)

    def worker() -> str:
        try:
            latch.count_down()
        except ValueError:
            return "refused"
        return "counted"

    results = run_threads(worker)

    assert sorted(results) == ["counted"] * (N_THREADS - 1) + ["refused"]
    assert latch.count == 0


def test_waiters_with_timeouts_all_released() -> None:
    latch = CountDownLatch(1)

    def role(index: int) -> bool:
        if index == 0:
            time.sleep(0.05)
            latch.count_down()
            return True
        return latch.wait(timeout=30)

    assert run_threads(role, args=lambda i: (i,)) == [True] * N_THREADS
