"""LockFreeStack: LIFO order, exactly-once delivery, ABA, reclamation."""

from __future__ import annotations

import gc
import pickle
import random
import threading
import tracemalloc
import weakref
from pathlib import Path

import pytest
from child import run_child
from hypothesis import given, settings
from hypothesis import strategies as st
from threads import N_THREADS, run_threads, stress

from pyatomic import AtomicInt64, LockFreeStack, _stack
from pyatomic._ffi import lib

INDEX = 0xFFFFFFFF


def held(stack: LockFreeStack[object]) -> int:
    """The number of item slots in use (free slots hold ``_stack._FREE``)."""
    return sum(1 for item in stack._slots if item is not _stack._FREE)


class Counted:
    """An item that counts its own destruction in ``counter``."""

    def __init__(self, name: object, counter: AtomicInt64 | None = None) -> None:
        self.name = name
        self.counter = counter

    def __del__(self) -> None:
        if self.counter is not None:
            self.counter.increment()

    def __repr__(self) -> str:
        return f"Counted({self.name!r})"


# -- no contention -------------------------------------------------------------


def test_lifo_order_and_peek() -> None:
    stack: LockFreeStack[int] = LockFreeStack()

    for i in range(100):
        stack.push(i)

    assert len(stack) == 100 and stack
    assert stack.peek() == 99
    assert [stack.pop() for _ in range(100)] == list(range(99, -1, -1))
    assert len(stack) == 0 and not stack


def test_none_is_an_item() -> None:
    stack: LockFreeStack[None] = LockFreeStack()

    stack.push(None)

    assert stack and len(stack) == 1
    assert stack.peek() is None
    assert stack.pop() is None
    assert not stack


def test_empty_raises_index_error() -> None:
    stack: LockFreeStack[int] = LockFreeStack()

    with pytest.raises(IndexError, match="pop from an empty LockFreeStack"):
        stack.pop()
    with pytest.raises(IndexError, match="peek at an empty LockFreeStack"):
        stack.peek()
    assert stack.pop_all() == []
    stack.push(1)
    stack.pop()
    with pytest.raises(IndexError):
        stack.pop()


def test_pop_all_is_top_first_and_empties() -> None:
    stack: LockFreeStack[str] = LockFreeStack()
    for item in "abcde":
        stack.push(item)

    taken = stack.pop_all()

    assert taken == list("edcba")
    assert not stack and len(stack) == 0
    stack.push("f")
    assert stack.pop_all() == ["f"]


def test_same_object_pushed_twice_is_popped_twice() -> None:
    stack: LockFreeStack[object] = LockFreeStack()
    item = object()

    stack.push(item)
    stack.push(item)

    assert stack.pop() is item and stack.pop() is item and not stack


def test_nodes_are_recycled() -> None:
    # Arrange: at most 3 items live at once.
    stack: LockFreeStack[int] = LockFreeStack()

    # Act
    for i in range(stress(5000)):
        stack.push(i)
        stack.push(i)
        stack.push(i)
        stack.pop()
        stack.pop_all()

    # Assert: the pool never grew past the peak (index 0 is "no node").
    node = lib.pa_stack_alloc(stack._stack)
    assert 1 <= node & INDEX <= 3
    lib.pa_stack_release(stack._stack, node, node, 0)


def test_repr_pickle_and_generic() -> None:
    stack = LockFreeStack[int]()
    stack.push(1)

    assert repr(stack) == "<LockFreeStack with 1 items>"
    with pytest.raises(TypeError, match="cannot pickle a LockFreeStack"):
        pickle.dumps(stack)


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("push"), st.integers(-3, 3) | st.none()),
            st.tuples(st.sampled_from(["pop", "peek", "pop_all", "len"]), st.none()),
        ),
        max_size=60,
    )
)
def test_matches_a_list_model(program: list[tuple[str, int | None]]) -> None:
    """Any sequential program gives the results a Python list would."""
    stack: LockFreeStack[int | None] = LockFreeStack()
    model: list[int | None] = []

    for op, value in program:
        if op == "push":
            stack.push(value)
            model.append(value)
        elif op in ("pop", "peek"):
            if not model:
                with pytest.raises(IndexError):
                    getattr(stack, op)()
                continue
            expected = model.pop() if op == "pop" else model[-1]
            assert getattr(stack, op)() == expected
        elif op == "pop_all":
            assert stack.pop_all() == model[::-1]
            model.clear()
        assert len(stack) == len(model) and bool(stack) == bool(model)

    assert held(stack) == len(model)


# -- ABA -------------------------------------------------------------------------


@pytest.mark.thread_unsafe(reason="sets the module-level _pop_seam, seen by every pop")
def test_paused_pop_fails_its_stale_swap_after_node_reuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pop paused between reading the top and its compare-and-swap, while
    other threads pop, drop and push so that the very node it read is on top
    again (a recycled index), must not swing the top to its stale successor.
    Comparing indices only would leave the top at w1 and lose w2."""
    # Arrange: x on top of y on top of z; a popper pauses after reading x.
    stack: LockFreeStack[Counted] = LockFreeStack()
    for name in "zyx":
        stack.push(Counted(name))
    read_top = stack._top()
    paused, resume = threading.Event(), threading.Event()
    popper: list[threading.Thread] = []

    def seam() -> None:
        if threading.current_thread() is popper[0]:
            paused.set()
            assert resume.wait(30)

    monkeypatch.setattr(_stack, "_pop_seam", seam)
    result: list[Counted] = []
    popper.append(threading.Thread(target=lambda: result.append(stack.pop())))
    popper[0].start()
    assert paused.wait(30)

    # Act: pop x, detach y and z, drop all three, push three new items.
    dropped = [stack.pop(), *stack.pop_all()]
    assert [c.name for c in dropped] == ["x", "y", "z"]
    refs = [weakref.ref(c) for c in dropped]
    del dropped
    gc.collect()
    w1, w2, w3 = Counted("w1"), Counted("w2"), Counted("w3")
    stack.push(w1)
    stack.push(w2)
    stack.push(w3)
    now_top = stack._top()
    resume.set()
    popper[0].join(30)

    # Assert: the ABA set-up happened (same node, new generation) ...
    assert now_top & INDEX == read_top & INDEX and now_top != read_top
    assert all(ref() is None for ref in refs)
    # ... and the paused pop took what was on top when it resumed.
    assert result == [w3]
    assert stack.pop_all() == [w2, w1]
    assert not stack and len(stack) == 0


# -- reclamation -------------------------------------------------------------------


def test_items_are_destroyed_exactly_once() -> None:
    # Arrange
    destroyed = AtomicInt64()
    stack: LockFreeStack[Counted] = LockFreeStack()
    n = 300
    refs = []
    for i in range(n):
        item = Counted(i, destroyed)
        refs.append(weakref.ref(item))
        stack.push(item)
    del item

    # Act: pop a third, pop_all a third, leave a third in the dropped stack.
    for _ in range(n // 3):
        stack.pop()
    for _ in range(n // 3):
        stack.push(stack.pop())
    taken = stack.pop_all()
    for item in taken[: n // 3]:
        stack.push(item)
    del taken, item
    del stack
    gc.collect()

    # Assert
    assert destroyed.load() == n
    assert all(ref() is None for ref in refs)


def test_del_that_reenters_the_stack() -> None:
    # Arrange: each item, when destroyed, pushes its name on the same stack.
    stack: LockFreeStack[object] = LockFreeStack()

    class Reenter:
        def __init__(self, name: int) -> None:
            self.name = name

        def __del__(self) -> None:
            stack.push(self.name)
            stack.peek()

    for i in range(50):
        stack.push(Reenter(i))

    # Act: popping and dropping each item runs its __del__ inside our loop.
    names = []
    for _ in range(50):
        item = stack.pop()
        while not isinstance(item, Reenter):
            names.append(item)
            item = stack.pop()
        del item
    names.extend(stack.pop_all())

    # Assert
    assert sorted(names) == list(range(50))  # type: ignore[type-var]
    assert not stack


@pytest.mark.thread_unsafe(reason="tracemalloc measures the whole process")
def test_push_pop_churn_stays_bounded() -> None:
    # Arrange
    stack: LockFreeStack[object] = LockFreeStack()
    rounds = stress(20_000)

    def churn(n: int) -> None:
        for i in range(n):
            stack.push([i])
            stack.push(str(i))
            stack.pop()
            stack.pop()

    churn(1000)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]

        # Act
        churn(rounds)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        for i in range(2000):
            stack.push(i)
        stack.pop_all()
        gc.collect()
        final = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    # Assert: a few KiB of slack; the churn itself allocated megabytes.
    assert after - base < 64 * 1024, (base, after)
    assert final - base < 256 * 1024, (base, final)
    assert held(stack) == 0


# -- contention --------------------------------------------------------------------


def test_exactly_once_with_producers_and_consumers(seed: int) -> None:
    # Arrange: half the threads push unique items, half pop (some via pop_all).
    stack: LockFreeStack[tuple[int, int] | None] = LockFreeStack()
    producers = N_THREADS // 2
    per_producer = stress(4000)
    total = producers * per_producer
    popped = AtomicInt64()

    def worker(index: int) -> list[tuple[int, int] | None]:
        got: list[tuple[int, int] | None] = []
        if index < producers:
            for i in range(per_producer):
                stack.push((index, i))
            stack.push(None)  # None is an item too: one per producer
            return got
        rng = random.Random(seed + index)
        while popped.load() < total + producers:
            if rng.random() < 0.02:
                batch = stack.pop_all()
                if batch:
                    popped.add(len(batch))
                got.extend(batch)
                continue
            try:
                got.append(stack.pop())
            except IndexError:
                continue
            popped.increment()
        return got

    # Act
    results = run_threads(worker, args=lambda i: (i,))

    # Assert: every item exactly once, and producers' items in LIFO-compatible
    # order is not checkable across threads, so count them.
    seen: dict[tuple[int, int] | None, int] = {}
    for got in results:
        for item in got:
            seen[item] = seen.get(item, 0) + 1
    assert seen.pop(None) == producers
    assert len(seen) == total
    assert set(seen.values()) == {1}
    assert not stack and len(stack) == 0 and held(stack) == 0


def test_concurrent_push_pop_pairs_keep_the_stack_consistent() -> None:
    # Arrange: every thread pushes then pops, so each pop finds an item.
    stack: LockFreeStack[int] = LockFreeStack()
    n = stress(5000)

    def worker(index: int) -> int:
        total = 0
        for i in range(n):
            stack.push(i)
            stack.peek()
            total += stack.pop()
            len(stack)
        return total

    # Act
    totals = run_threads(worker, args=lambda i: (i,))

    # Assert: the multiset of popped values equals the pushed one.
    assert sum(totals) == N_THREADS * (n * (n - 1) // 2)
    assert not stack and held(stack) == 0


# -- regressions -----------------------------------------------------------------


@pytest.mark.thread_unsafe(reason="runs a child interpreter; nothing shared to race")
def test_del_in_a_collected_cycle_pushes_to_its_stack(tmp_path: Path) -> None:
    """An item that refers to its stack and pushes from ``__del__``: when the
    cycle is collected, ``ffi.gc`` used to free the stack's C memory before
    that ``__del__`` ran (a use-after-free, crash or heap corruption)."""
    out = run_child(
        """
        import gc
        from pyatomic import LockFreeStack

        class Job:
            def __init__(self, stack):
                self.stack = stack
            def __del__(self):
                self.stack.push(None)
                self.stack.pop()
                self.stack.push(len(self.stack))

        for _ in range(40):
            stacks = []
            for _ in range(200):
                s = LockFreeStack()
                for _ in range(70):  # past the first pool chunk (64 nodes)
                    s.push(Job(s))
                stacks.append(s)
            del stacks, s
            gc.collect()
        print("survived")
        """,
        tmp_path,
    )
    assert out.strip() == "survived"


@pytest.mark.thread_unsafe(reason="tracemalloc measures the whole process")
def test_memory_returns_after_a_burst_drains() -> None:
    """Issue 5: after a burst of 200k pushes is popped, nothing per item is
    left: only the pool (16 bytes a node) and its slot list (8), sized by the
    peak.  The old dict of items kept ~50 bytes per item of the burst."""
    # Arrange
    burst = 200_000
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        stack: LockFreeStack[object] = LockFreeStack()

        # Act
        for i in range(burst):
            stack.push(i * 3)
        while stack:
            stack.pop()
        for i in range(burst // 2):  # the second burst reuses the pool
            stack.push([i])
        stack.pop_all()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    # Assert: the pool has 262080 nodes (chunks of 64 * 2**k, k = 0..11) at
    # 24 bytes each, plus slack for the list's over-allocation.
    capacity = 64 * (2**12 - 1)
    assert after - base < capacity * 24 * 1.15, (base, after, capacity)
    assert not stack


class LoggingStack(LockFreeStack[object]):
    """A subclass with its own push/pop, extra state and another __init__."""

    def __init__(self, name: str, *, size: int) -> None:
        super().__init__()
        self.name = name
        self.log: list[str] = []
        for i in range(size):
            super().push(i)

    def push(self, item: object) -> None:
        self.log.append("push")
        super().push(item)

    def pop(self) -> object:
        self.log.append("pop")
        return super().pop()


def test_subclass_overrides_push_and_pop() -> None:
    # Arrange
    stack = LoggingStack("jobs", size=2)

    # Act
    stack.push("x")
    top = stack.pop()

    # Assert: the subclass's methods ran (instance slots used to shadow them).
    assert top == "x" and stack.log == ["push", "pop"]
    assert stack.pop_all() == [1, 0] and stack.name == "jobs"
