"""AtomicReference: identity semantics, conservation, reclamation."""

from __future__ import annotations

import copy
import gc
import pickle
import tracemalloc
import weakref

import pytest
from threads import N_THREADS, run_threads, stress

from pyatomic import AtomicInt64, AtomicReference


class Counted:
    """An object that counts its own destruction in ``counter``."""

    def __init__(self, name: object, counter: AtomicInt64 | None = None) -> None:
        self.name = name
        self.counter = counter

    def __del__(self) -> None:
        if self.counter is not None:
            self.counter.increment()


# -- no contention -------------------------------------------------------------


def test_load_store_swap() -> None:
    a, b, c = object(), object(), object()
    ref = AtomicReference(a)

    assert ref.load() is a
    ref.store(b)
    assert ref.load() is b
    assert ref.swap(c) is b
    assert ref.load() is c


def test_none_and_any_object() -> None:
    ref: AtomicReference[object] = AtomicReference(None)

    assert ref.load() is None
    assert ref.swap([1]) is None
    assert ref.compare_and_swap(None, 2) is False
    assert ref.load() == [1]


def test_compare_by_identity_not_equality() -> None:
    # Arrange: equal but distinct objects.
    first, twin, new = [1, 2], [1, 2], [3]
    ref = AtomicReference(first)

    # Act / assert
    assert ref.compare_and_swap(twin, new) is False
    assert ref.load() is first
    assert ref.compare_exchange(twin, new) is first
    assert ref.load() is first
    assert ref.compare_and_swap(first, new) is True
    assert ref.load() is new
    assert ref.compare_exchange(new, first) is new
    assert ref.load() is first


def test_compare_and_swap_succeeds_after_same_object_republished() -> None:
    # A replaced-then-restored object is still "expected": strong CAS.
    a, b = object(), object()
    ref = AtomicReference(a)
    ref.store(b)
    ref.store(a)

    assert ref.compare_and_swap(a, b) is True
    assert ref.load() is b


def test_update_returns_new_and_raising_fn_changes_nothing() -> None:
    ref: AtomicReference[tuple[int, ...]] = AtomicReference((1,))

    assert ref.update(lambda t: t + (2,)) == (1, 2)
    with pytest.raises(ZeroDivisionError):
        ref.update(lambda t: 1 / 0)  # type: ignore[arg-type, return-value]
    assert ref.load() == (1, 2)
    assert len(ref._objects) == 1


def test_repr_and_pickle() -> None:
    ref = AtomicReference[tuple[int, int]]((1, 2))

    assert repr(ref) == "AtomicReference((1, 2))"
    clone = pickle.loads(pickle.dumps(ref))
    assert clone.load() == (1, 2) and clone is not ref
    assert copy.copy(ref).load() == (1, 2)


# -- reclamation ---------------------------------------------------------------


def test_replaced_objects_are_destroyed_exactly_once() -> None:
    # Arrange
    destroyed = AtomicInt64()
    n = 200
    refs = []
    ref = AtomicReference(Counted(-1, destroyed))

    # Act: every verb replaces the object once.
    for i in range(n):
        item = Counted(i, destroyed)
        refs.append(weakref.ref(item))
        verb = i % 4
        if verb == 0:
            ref.store(item)
        elif verb == 1:
            ref.swap(item)
        elif verb == 2:
            assert ref.compare_and_swap(ref.load(), item)
        else:
            ref.update(lambda old, item=item: item)
        del item
    del ref
    gc.collect()

    # Assert: n + the initial object, each exactly once.
    assert destroyed.load() == n + 1
    assert all(r() is None for r in refs)


def test_del_that_reenters_the_reference() -> None:
    # Arrange: a replaced object stores a marker into the same reference.
    markers = []

    class Reenter:
        def __del__(self) -> None:
            marker = object()
            markers.append(marker)
            ref.store(marker)

    ref: AtomicReference[object] = AtomicReference(Reenter())

    # Act: the old object dies inside store(), which then re-enters.
    new = object()
    ref.store(new)

    # Assert: the re-entrant store came last and nothing leaked.
    assert len(markers) == 1 and ref.load() is markers[0]
    assert len(ref._objects) == 1
    ref.swap(Reenter())
    assert ref.swap(new).__class__ is Reenter  # its __del__ runs after this
    assert ref.load() is markers[1]


@pytest.mark.thread_unsafe(reason="tracemalloc measures the whole process")
def test_swap_churn_stays_bounded() -> None:
    # Arrange
    ref: AtomicReference[object] = AtomicReference(None)
    ref.store([0])
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]

        # Act
        for i in range(stress(100_000)):
            ref.swap([i])
            ref.compare_and_swap(ref.load(), (i,))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    # Assert
    assert after - base < 64 * 1024, (base, after)
    assert len(ref._objects) == 1


# -- contention ------------------------------------------------------------------


def test_concurrent_update_loses_nothing() -> None:
    ref = AtomicReference((0,))
    n = stress(3000)

    run_threads(lambda: [ref.update(lambda t: (t[0] + 1,)) for _ in range(n)])

    assert ref.load() == (N_THREADS * n,)
    assert len(ref._objects) == 1


def test_swap_conserves_every_object() -> None:
    """Each object put in comes out exactly once: by a swap or at the end."""
    # Arrange
    ref: AtomicReference[tuple[int, int]] = AtomicReference((-1, -1))
    n = stress(5000)

    def worker(index: int) -> list[tuple[int, int]]:
        out = []
        for i in range(n):
            out.append(ref.swap((index, i)))
            ref.load()
        return out

    # Act
    results = run_threads(worker, args=lambda i: (i,))

    # Assert
    seen = [item for got in results for item in got] + [ref.load()]
    assert len(seen) == len(set(seen)) == N_THREADS * n + 1
    assert set(seen) == {(-1, -1)} | {
        (t, i) for t in range(N_THREADS) for i in range(n)
    }


def test_compare_and_swap_hands_each_value_to_one_winner() -> None:
    # Arrange: the reference walks 0, 1, 2, ... by CAS from the loaded value.
    ref: AtomicReference[int] = AtomicReference(0)
    limit = stress(4000)

    def worker() -> int:
        wins = 0
        while True:
            current = ref.load()
            if current >= limit:
                return wins
            if ref.compare_and_swap(current, current + 1):
                wins += 1

    # Act
    wins = run_threads(worker)

    # Assert: each thread passes back the very int object it loaded, so the
    # identity compare works; every step was taken by exactly one thread.
    assert sum(wins) == limit
    assert ref.load() == limit


def test_readers_see_whole_objects_during_churn() -> None:
    # Arrange: objects carry a checksum; half the threads replace, half read.
    ref = AtomicReference((0, 0, 0))
    n = stress(5000)

    def worker(index: int) -> int:
        if index % 2:
            for i in range(n):
                ref.store((index, i, index * 1_000_003 + i))
            return 0
        bad = 0
        for _ in range(n):
            a, b, check = ref.load()
            bad += check != a * 1_000_003 + b
        return bad

    # Act / assert
    assert sum(run_threads(worker, args=lambda i: (i,))) == 0
    assert len(ref._objects) == 1


# -- regressions -----------------------------------------------------------------


def test_update_with_candidates_whose_del_publishes_finishes() -> None:
    """A lost candidate dropped inside the retry loop ran its ``__del__``,
    which published and so failed the next attempt, forever (8 threads on
    3.14t; here one thread and one rival publish show the same loop)."""
    # Arrange
    ref: AtomicReference[object] = AtomicReference("start")
    calls: list[object] = []

    class Candidate:
        def __del__(self) -> None:
            ref.store("from __del__")

    def fn(old: object) -> object:
        calls.append(old)
        if len(calls) == 1:
            ref.store("rival")  # another publish wins this attempt
        if len(calls) > 50:
            raise RuntimeError("livelock: fn called 50 times")
        return Candidate()

    # Act
    new = ref.update(fn)

    # Assert: one retry; the loser's __del__ ran only after the success.
    assert calls == ["start", "rival"]
    assert isinstance(new, Candidate) and ref.load() == "from __del__"
    del new
    gc.collect()


class Named(AtomicReference[object]):
    """A subclass with its own load, extra state and another __init__."""

    def __init__(self, name: str, value: object) -> None:
        super().__init__(value)
        self.name = name
        self.loads = 0

    def load(self) -> object:
        self.loads += 1
        return super().load()


def test_subclass_overrides_load_and_copies_keep_state() -> None:
    # Arrange
    ref = Named("x", 4)

    # Act
    seen = ref.load()
    copies = [copy.copy(ref), copy.deepcopy(ref), pickle.loads(pickle.dumps(ref))]

    # Assert: the override ran; copies keep class, value and attributes.
    assert seen == 4 and ref.loads == 1
    for other in copies:
        assert type(other) is Named and other.name == "x"
        assert other.load() == 4 and other.loads == 2
        other.store(5)
    assert ref.load() == 4
