"""Atomic arrays: per-element contract, batches against a model, contention."""

from __future__ import annotations

import array
import copy
import ctypes
import gc
import mmap
import pickle
import random
import struct
from decimal import Decimal
from fractions import Fraction
from multiprocessing import shared_memory
from pathlib import Path

import pytest
from child import run_child
from hypothesis import given
from hypothesis import strategies as st
from threads import N_THREADS, run_threads, stress

from pyatomic import (
    AtomicInt32Array,
    AtomicInt64Array,
    AtomicUInt32Array,
    AtomicUInt64Array,
)

TYPES = [AtomicInt32Array, AtomicInt64Array, AtomicUInt32Array, AtomicUInt64Array]
STRUCT = {
    AtomicInt32Array: "i",
    AtomicInt64Array: "q",
    AtomicUInt32Array: "I",
    AtomicUInt64Array: "Q",
}


class Index:
    """An object that is an integer only through __index__."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def wrap(cls: type, value: int) -> int:
    """``value`` reduced into [cls.MIN, cls.MAX] modulo 2**BITS."""
    return (value - cls.MIN) % (1 << cls.BITS) + cls.MIN


def sentinel(cls: type) -> int:
    """A value whose two halves match, so a torn or stray write shows."""
    return 0x5A5A5A5A5A5A5A5A >> (64 - cls.BITS)


# -- construction -------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_new_is_zero_filled(cls):
    a = cls(5)

    assert len(a) == 5
    assert a.load_all() == [0] * 5
    assert list(a) == [0] * 5
    assert cls(0).load_all() == []
    assert len(cls(Index(3))) == 3


@pytest.mark.parametrize("cls", TYPES)
def test_new_from_values(cls):
    values = [cls.MIN, cls.MAX, 1, 0]

    assert cls(values).load_all() == values
    assert cls(tuple(values)).load_all() == values
    assert cls(iter(values)).load_all() == values
    assert cls(array.array(STRUCT[cls], values)).load_all() == values
    assert cls(cls(values)).load_all() == values
    assert cls([]).load_all() == []
    # bytes are a sequence of small ints, never reinterpreted as raw memory
    assert cls(b"\x01\x02").load_all() == [1, 2]


@pytest.mark.parametrize("cls", TYPES)
def test_new_rejects_bad_arguments(cls):
    with pytest.raises(ValueError, match="length >= 0"):
        cls(-1)
    with pytest.raises(TypeError, match="length_or_values must be a length or"):
        cls(1.5)
    with pytest.raises(TypeError, match=r"length_or_values\[1\] must be an int"):
        cls([0, Decimal(1)])
    with pytest.raises(TypeError, match=r"length_or_values\[0\] must be an int"):
        cls([Fraction(3, 2)])
    with pytest.raises(OverflowError, match=rf"between {cls.MIN} and {cls.MAX}"):
        cls([0, cls.MAX + 1])
    with pytest.raises(OverflowError, match=r"length_or_values\[0\]"):
        cls([cls.MIN - 1])
    with pytest.raises(MemoryError, match="could not allocate"):
        cls(2**62)


# -- per-element operations ---------------------------------------------------


def guarded(cls: type, n: int = 3):
    """An array of ``n`` sentinels; return it and a check that only the given
    element changed."""
    s = sentinel(cls)
    a = cls([s] * n)

    def only(i: int, value: int) -> None:
        expected = [s] * n
        expected[i] = value
        assert a.load_all() == expected

    return a, only


@pytest.mark.parametrize("cls", TYPES)
def test_plain_access(cls):
    a, only = guarded(cls)
    s = sentinel(cls)

    a.store(1, cls.MAX)
    only(1, cls.MAX)
    assert a.load(1) == cls.MAX
    assert a.load(-2) == cls.MAX
    assert a.swap(1, cls.MIN) == cls.MAX
    only(1, cls.MIN)
    assert a.compare_and_swap(1, cls.MAX, 7) is False
    only(1, cls.MIN)
    assert a.compare_and_swap(1, cls.MIN, 7) is True
    only(1, 7)
    assert a.compare_exchange(1, 8, 9) == 7
    only(1, 7)
    assert a.compare_exchange(1, 7, 9) == 7
    only(1, 9)
    assert a.load(0) == a.load(2) == s


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize(
    "method, pyop, returns_new",
    [
        ("fetch_add", lambda x, d: x + d, False),
        ("fetch_sub", lambda x, d: x - d, False),
        ("fetch_and", lambda x, d: x & d, False),
        ("fetch_or", lambda x, d: x | d, False),
        ("fetch_xor", lambda x, d: x ^ d, False),
        ("fetch_max", max, False),
        ("fetch_min", min, False),
        ("add", lambda x, d: x + d, True),
        ("sub", lambda x, d: x - d, True),
    ],
)
def test_arithmetic_matches_model_at_boundaries(cls, method, pyop, returns_new):
    boundary = [cls.MIN, cls.MIN + 1, -1, 0, 1, cls.MAX - 1, cls.MAX]
    values = sorted({v for v in boundary if cls.MIN <= v <= cls.MAX})
    for start in values:
        for arg in values:
            a, only = guarded(cls)
            a.store(1, start)

            result = getattr(a, method)(1, arg)

            new = wrap(cls, pyop(start, arg))
            assert result == (new if returns_new else start), (start, arg)
            only(1, new)


@pytest.mark.parametrize("cls", TYPES)
def test_increment_decrement_wrap(cls):
    a, only = guarded(cls)

    a.store(-1, cls.MAX)
    assert a.increment(-1) == cls.MIN
    only(2, cls.MIN)
    assert a.decrement(2) == cls.MAX
    only(2, cls.MAX)


@pytest.mark.parametrize("cls", TYPES)
def test_update(cls):
    a, only = guarded(cls)
    a.store(0, 5)
    calls = []

    assert a.update(0, lambda x: calls.append(x) or x * 3) == 15
    only(0, 15)
    assert calls == [5]
    with pytest.raises(OverflowError, match=r"fn\(15\)="):
        a.update(0, lambda x: cls.MAX + 1)
    with pytest.raises(TypeError, match=r"fn\(15\) must be an int"):
        a.update(0, lambda x: 1.0)
    with pytest.raises(ZeroDivisionError):
        a.update(0, lambda x: 1 // 0)
    only(0, 15)
    assert a.update(Index(-3), lambda x: Index(x + 1)) == 16


@pytest.mark.parametrize("cls", TYPES)
def test_index_errors_like_a_list(cls):
    a = cls([1, 2, 3])
    name = cls.__name__

    for i in (3, -4, 2**70, -(2**70)):
        with pytest.raises(IndexError, match=rf"{name} index out of range: index {i}"):
            a.load(i)
        with pytest.raises(IndexError, match="length 3"):
            a.store(i, 0)
        with pytest.raises(IndexError):
            a.fetch_add(i, 1)
        with pytest.raises(IndexError):
            a.increment(i)
        with pytest.raises(IndexError):
            a.update(i, lambda x: x)
    for i in (1.0, "1", Decimal(1), None):
        with pytest.raises(TypeError, match="index must be an int"):
            a.load(i)
        with pytest.raises(TypeError, match="index must be an int"):
            a.compare_and_swap(i, 0, 0)
    assert a.load(Index(-1)) == 3
    assert a.load(True) == 2
    assert a.load_all() == [1, 2, 3]


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize(
    "call",
    [
        lambda a, v: a.store(0, v),
        lambda a, v: a.swap(0, v),
        lambda a, v: a.compare_and_swap(0, 1, v),
        lambda a, v: a.compare_exchange(0, v, 1),
        lambda a, v: a.fetch_add(0, v),
        lambda a, v: a.fetch_sub(0, v),
        lambda a, v: a.fetch_and(0, v),
        lambda a, v: a.fetch_or(0, v),
        lambda a, v: a.fetch_xor(0, v),
        lambda a, v: a.fetch_max(0, v),
        lambda a, v: a.fetch_min(0, v),
        lambda a, v: a.add(0, v),
        lambda a, v: a.sub(0, v),
    ],
)
def test_value_arguments_are_exact(cls, call):
    a = cls([1, 1])

    for bad in (Decimal("1.5"), Fraction(3, 2), 1.0, "1", None):
        with pytest.raises(TypeError, match=r"must be an int or an object with"):
            call(a, bad)
    for bad in (cls.MAX + 1, cls.MIN - 1):
        with pytest.raises(OverflowError, match=rf"between {cls.MIN} and {cls.MAX}"):
            call(a, bad)
    assert a.load_all() == [1, 1]
    call(a, Index(1))  # __index__ objects are accepted


# -- protocols ----------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_iteration_is_a_snapshot(cls):
    a = cls([1, 2, 3])

    it = iter(a)
    a.store(2, 30)

    assert list(it) == [1, 2, 3]
    assert list(a) == [1, 2, 30]


@pytest.mark.parametrize("cls", TYPES)
def test_copy_and_pickle_are_independent(cls):
    a = cls([cls.MIN, 0, cls.MAX])

    copies = [
        copy.copy(a),
        copy.deepcopy(a),
        pickle.loads(pickle.dumps(a)),
    ]
    a.store(1, 5)

    for other in copies:
        assert type(other) is cls
        assert other.load_all() == [cls.MIN, 0, cls.MAX]
    assert repr(a) == f"{cls.__name__}([{cls.MIN}, 5, {cls.MAX}])"
    assert cls.is_lock_free() is True


# -- batches ------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_add_at_histogram(cls):
    a = cls(4)

    a.add_at([0, 3, 3, -1])
    assert a.load_all() == [1, 0, 0, 3]
    a.add_at([1, 1, 2], [5, 6, 7])
    assert a.load_all() == [1, 11, 7, 3]
    a.add_at((i for i in [2]), 10)
    a.add_at([], 10)
    a.add_at(array.array("q", [0, 0]), array.array(STRUCT[cls], [2, 3]))
    assert a.load_all() == [6, 11, 17, 3]
    assert a.fetch_add_at([1, 1, -4], [1, 2, 3]) == [11, 12, 6]
    assert a.load_all() == [9, 14, 17, 3]
    a.store(3, cls.MAX)
    assert a.fetch_add_at([3], 1) == [cls.MAX]
    assert a.load(3) == cls.MIN  # wraps like the scalars
    assert a.fetch_add_at([]) == []


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("method", ["add_at", "fetch_add_at"])
def test_batch_errors_leave_the_array_unchanged(cls, method):
    a = cls([1, 2, 3])
    batch = getattr(a, method)
    name = cls.__name__

    with pytest.raises(IndexError, match=rf"{name} index out of range: indices\[2\]"):
        batch([0, 1, 3])
    with pytest.raises(IndexError, match=r"indices\[1\] is -4, length 3"):
        batch([0, -4, 1])
    with pytest.raises(IndexError, match=r"indices\[1\] is 1180591620717411303424"):
        batch([0, 2**70])
    with pytest.raises(TypeError, match=r"indices\[1\] must be an int"):
        batch([0, Decimal(1)])
    with pytest.raises(TypeError, match=r"indices\[0\] must be an int"):
        batch([1.0])
    with pytest.raises(TypeError, match="indices must be an iterable of ints"):
        batch(3)
    with pytest.raises(TypeError, match=r"deltas\[2\] must be an int"):
        batch([0, 1, 2], [1, 1, Fraction(1)])
    with pytest.raises(TypeError, match="deltas must be an int or an iterable"):
        batch([0], 1.5)
    with pytest.raises(OverflowError, match=r"deltas\[1\]="):
        batch([0, 1], [1, cls.MAX + 1])
    with pytest.raises(OverflowError, match=r"deltas="):
        batch([0, 1], cls.MIN - 1)
    with pytest.raises(ValueError, match=r"as long as indices \(2\), not .* of 3"):
        batch([0, 1], [1, 2, 3])
    assert a.load_all() == [1, 2, 3]
    batch([Index(0), True], Index(1))
    assert a.load_all() == [2, 3, 3]


@pytest.mark.parametrize("cls", TYPES)
def test_batches_take_typed_buffers_and_iterate_other_ones(cls):
    a = cls(4)
    code = STRUCT[cls]

    a.add_at(array.array("q", [0, -1, -1]), array.array(code, [1, 2, 3]))
    a.add_at(memoryview(struct.pack("=2q", 1, 1)).cast("q"), 5)
    a.add_at(array.array("i", [2]), array.array("b", [4]))  # other widths: items
    assert a.load_all() == [1, 10, 4, 5]
    assert a.fetch_add_at(array.array("q", [3, 3])) == [5, 6]
    with pytest.raises(IndexError, match=r"indices\[1\] is 4, length 4"):
        a.add_at(array.array("q", [0, 4]))
    with pytest.raises(TypeError, match=r"deltas\[0\] must be an int"):
        a.add_at([0], array.array("d", [1.0]))
    with pytest.raises(ValueError, match="as long as indices"):
        a.add_at(array.array("q", [0]), array.array(code, [1, 2]))
    a.store_all(array.array(code, [cls.MAX, 0, 0, cls.MIN]))
    assert a.load_all() == [cls.MAX, 0, 0, cls.MIN]
    assert cls(array.array(code, [7])).load_all() == [7]


@pytest.mark.parametrize("cls", TYPES)
def test_store_all(cls):
    a = cls(3)

    a.store_all([cls.MIN, 5, cls.MAX])
    assert a.load_all() == [cls.MIN, 5, cls.MAX]
    with pytest.raises(ValueError, match="values must have 3 items"):
        a.store_all([1, 2])
    with pytest.raises(OverflowError, match=r"values\[0\]"):
        a.store_all([cls.MAX + 1, 0, 0])
    with pytest.raises(TypeError, match=r"values\[2\] must be an int"):
        a.store_all([0, 0, Decimal(0)])
    assert a.load_all() == [cls.MIN, 5, cls.MAX]
    cls(0).store_all([])


@st.composite
def batches(draw):
    cls = draw(st.sampled_from(TYPES))
    n = draw(st.integers(1, 8))
    ops = []
    for _ in range(draw(st.integers(0, 6))):
        indices = draw(st.lists(st.integers(-n, n - 1), max_size=12))
        if draw(st.booleans()):
            deltas = draw(st.integers(cls.MIN, cls.MAX))
        else:
            deltas = draw(
                st.lists(
                    st.integers(cls.MIN, cls.MAX),
                    min_size=len(indices),
                    max_size=len(indices),
                )
            )
        ops.append((draw(st.booleans()), indices, deltas))
    return cls, n, ops


@given(batches())
def test_batches_match_a_python_model(case):
    cls, n, ops = case
    a = cls(n)
    model = [0] * n

    for fetch, indices, deltas in ops:
        per = deltas if isinstance(deltas, list) else [deltas] * len(indices)
        previous = []
        for i, d in zip(indices, per, strict=True):
            previous.append(model[i])
            model[i] = wrap(cls, model[i] + d)
        if fetch:
            assert a.fetch_add_at(indices, deltas) == previous
        else:
            assert a.add_at(indices, deltas) is None
        assert a.load_all() == model


# -- views --------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_view_on_bytearray_is_the_memory(cls):
    size = cls._SIZE
    buf = bytearray(size * 6)

    a = cls.from_buffer(buf, size)  # one element skipped
    b = cls.from_buffer(buf, size * 2, 2)
    a.store(0, 7)
    a.add_at([1, 1, -1])

    assert len(a) == 5 and len(b) == 2
    assert b.load_all() == [2, 0]
    assert struct.unpack_from(f"=6{STRUCT[cls]}", buf) == (0, 7, 2, 0, 0, 1)
    assert repr(b) == f"{cls.__name__}([2, 0], view)"
    with pytest.raises(BufferError):
        buf.append(0)  # the view pins the buffer: it cannot move
    del a, b


def test_view_keeps_the_buffer_alive():
    a = AtomicInt64Array.from_buffer(bytearray(16))
    gc.collect()

    a.add_at([0, 1, 1])

    assert a.load_all() == [1, 2]


@pytest.mark.parametrize("cls", TYPES)
def test_view_on_mmap_array_and_shared_memory(cls):
    with mmap.mmap(-1, 4096) as m:
        a = cls.from_buffer(m)
        a.increment(-1)
        assert len(a) == 4096 // cls._SIZE
        assert struct.unpack_from(STRUCT[cls], m, 4096 - cls._SIZE) == (1,)
        del a
    backing = array.array(STRUCT[cls], [1, 2, 3])
    cls.from_buffer(backing).add_at([0, 2], 10)
    assert backing.tolist() == [11, 2, 13]
    shm = shared_memory.SharedMemory(create=True, size=64)
    try:
        a = cls.from_buffer(shm.buf, 0, 4)
        b = cls.from_buffer(memoryview(shm.buf))
        a.add_at([3, 3])
        assert b.load(3) == 2
        del a, b
    finally:
        shm.close()
        shm.unlink()


@pytest.mark.parametrize("cls", TYPES)
def test_view_errors(cls):
    size = cls._SIZE
    buf = bytearray(8 * size)
    name = cls.__name__

    with pytest.raises(ValueError, match=rf"not {size}-byte aligned.*{size}-byte"):
        cls.from_buffer(buf, size // 2)
    with pytest.raises(ValueError, match=r"out of bounds .* buffer of"):
        cls.from_buffer(buf, -size)
    with pytest.raises(ValueError, match=r"out of bounds .* buffer of"):
        cls.from_buffer(buf, 9 * size)
    with pytest.raises(ValueError, match=rf"{name} view of length 8 at offset {size}"):
        cls.from_buffer(buf, size, 8)
    with pytest.raises(ValueError, match="length must be >= 0"):
        cls.from_buffer(buf, 0, -1)
    with pytest.raises(TypeError, match="length must be an int or None"):
        cls.from_buffer(buf, 0, 1.0)
    with pytest.raises(TypeError, match="offset must be an int"):
        cls.from_buffer(buf, 1.0)
    with pytest.raises(TypeError, match="buffer must be writable"):
        cls.from_buffer(bytes(8 * size))
    with pytest.raises(TypeError, match="buffer must be writable"):
        cls.from_buffer(memoryview(buf).toreadonly())
    with pytest.raises(TypeError, match="buffer must be a writable object"):
        cls.from_buffer([0] * 8)
    with pytest.raises(TypeError, match="buffer must be C-contiguous"):
        cls.from_buffer(memoryview(buf)[::2])
    assert len(cls.from_buffer(buf, 8 * size)) == 0
    view = cls.from_buffer(buf)
    with pytest.raises(TypeError, match=r"cannot pickle .* view.*SharedMemory"):
        pickle.dumps(view)
    owned = pickle.loads(pickle.dumps(copy.copy(view)))  # a copy is owned
    owned.increment(0)
    assert buf == bytearray(8 * size)


# -- contention ---------------------------------------------------------------


def test_concurrent_add_at_is_exact(seed):
    # Long batches on few elements, so that threads are inside the C loop on
    # the same elements at the same time.
    n = 8
    rounds = stress(48)
    hist = AtomicInt64Array(n)

    def plan(k: int) -> list[list[int]]:
        rng = random.Random(seed + k)
        return [rng.choices(range(-n, n), k=4096) for _ in range(rounds)]

    plans = [plan(k) for k in range(N_THREADS)]

    def worker(k: int) -> None:
        for r, batch in enumerate(plans[k]):
            if r % 3 == 0:
                hist.add_at(batch)
            elif r % 3 == 1:
                hist.add_at(batch, [1] * len(batch))
            else:
                hist.fetch_add_at(batch, 1)
            hist.increment(r % n)

    run_threads(worker, args=lambda k: (k,))

    expected = [0] * n
    for k in range(N_THREADS):
        for r, batch in enumerate(plans[k]):
            for i in batch:
                expected[i] += 1
            expected[r % n] += 1
    assert hist.load_all() == expected


def test_concurrent_fetch_add_at_hands_out_each_ticket_once():
    per_batch = 16
    rounds = stress(200)
    tickets = AtomicUInt32Array(2)

    def worker() -> list[int]:
        seen = []
        for _ in range(rounds):
            seen += tickets.fetch_add_at([1] * per_batch)
        return seen

    results = run_threads(worker)

    taken = sorted(t for seen in results for t in seen)
    assert taken == list(range(N_THREADS * rounds * per_batch))
    assert tickets.load_all() == [0, N_THREADS * rounds * per_batch]


def test_concurrent_compare_and_swap_per_element():
    n = 4
    rounds = stress(2000)
    a = AtomicInt32Array(n)

    def worker(k: int) -> int:
        failures = 0
        for r in range(rounds):
            i = (k + r) % n
            while True:
                old = a.load(i)
                if a.compare_and_swap(i, old, old + 1):
                    break
                failures += 1
        return failures

    run_threads(worker, args=lambda k: (k,))

    assert sum(a.load_all()) == N_THREADS * rounds


def test_load_all_never_sees_a_torn_element():
    n = 8
    rounds = stress(3000)
    a = AtomicUInt64Array(n)
    halves = 0x0000_0001_0000_0001  # k * halves has equal 32-bit halves

    def writer(k: int) -> None:
        for r in range(rounds):
            a.store((k + r) % n, (r % 2**31) * halves)
            a.store_all([r * halves % 2**64] * n)

    def reader() -> None:
        for _ in range(rounds):
            for value in a.load_all():
                assert value >> 32 == value & 0xFFFF_FFFF, hex(value)

    def worker(k: int) -> None:
        if k % 2:
            writer(k)
        else:
            reader()

    run_threads(worker, args=lambda k: (k,))


# -- regressions -----------------------------------------------------------------


@pytest.mark.thread_unsafe(reason="runs a child interpreter; nothing shared to race")
def test_del_in_a_collected_cycle_uses_its_array(tmp_path: Path) -> None:
    """An object in a reference cycle that owns an array and updates it in
    ``__del__``: ``ffi.gc`` used to free the elements first."""
    out = run_child(
        """
        import gc
        from pyatomic import AtomicInt64Array

        class Conn:
            def __init__(self):
                self.hist = AtomicInt64Array(range(64))
                self.me = self
            def __del__(self):
                # Memory freed too early would now be handed out again.
                junk = [bytearray(n) for n in (512, 600, 640) for _ in range(4)]
                self.hist.add_at(range(64), 7)
                assert self.hist.load_all() == [i + 7 for i in range(64)]
                assert not any(any(b) for b in junk)

        for _ in range(100):
            conns = [Conn() for _ in range(300)]
            del conns
            gc.collect()
        print("survived")
        """,
        tmp_path,
    )
    assert out.strip() == "survived"


def test_huge_int_gives_index_and_overflow_errors() -> None:
    a = AtomicInt64Array(4)
    huge = 10**5000

    with pytest.raises(IndexError, match="index <int of 16610 bits>"):
        a.load(huge)
    with pytest.raises(OverflowError, match="value=<int of 16610 bits>"):
        a.store(0, huge)
    with pytest.raises(OverflowError, match=r"deltas\[1\]=<int of"):
        a.add_at([0, 1], [1, huge])
    with pytest.raises(IndexError, match="indices.1. is <int of"):
        a.add_at([0, -huge])
    with pytest.raises(ValueError, match="not <int of"):
        AtomicInt64Array(-huge)
    assert a.load_all() == [0, 0, 0, 0]


def test_batch_of_a_ctypes_memoryview_is_read_by_value() -> None:
    """A memoryview of a ctypes array has format '<q', which memoryview
    cannot iterate (it used to raise NotImplementedError)."""
    c_indices = (ctypes.c_int64 * 3)(0, 2, 2)
    c_values = (ctypes.c_int64 * 3)(5, -6, 7)
    assert memoryview(c_indices).format == "<q"
    a = AtomicInt64Array(3)

    a.add_at(memoryview(c_indices), memoryview(c_values))
    assert a.load_all() == [5, 0, 1]
    a.store_all(memoryview(c_values))
    assert a.load_all() == [5, -6, 7]
    assert AtomicInt64Array(memoryview(c_values)).load_all() == [5, -6, 7]


def test_batch_of_a_2d_or_0d_buffer_is_a_named_type_error() -> None:
    a = AtomicInt64Array(4)
    flat = memoryview(array.array("q", [0, 1, 2, 3])).cast("B")

    with pytest.raises(TypeError, match="indices must be .* 2-dimensional"):
        a.add_at(flat.cast("q", (2, 2)))
    with pytest.raises(TypeError, match="deltas must be .* 2-dimensional"):
        a.add_at([0, 1, 2, 3], flat.cast("q", (2, 2)))
    with pytest.raises(TypeError, match="values must be .* 0-dimensional"):
        a.store_all(flat[:8].cast("q", ()))
    with pytest.raises(TypeError, match="length_or_values must be .* 2-dim"):
        AtomicInt64Array(flat.cast("q", (2, 2)))
    assert a.load_all() == [0, 0, 0, 0]


class Histogram(AtomicInt64Array):
    """A subclass with extra state and an __init__ of another signature."""

    def __init__(self, name: str, *, bins: int) -> None:
        super().__init__(bins)
        self.name = name


def test_subclass_copy_and_pickle_keep_values_and_state() -> None:
    # Arrange
    hist = Histogram("latency", bins=3)
    hist.add_at([0, 2, 2])

    # Act
    copies = [copy.copy(hist), copy.deepcopy(hist), pickle.loads(pickle.dumps(hist))]

    # Assert: same class, values and attributes; each copy is independent.
    for other in copies:
        assert type(other) is Histogram and other.name == "latency"
        assert other.load_all() == [1, 0, 2]
        other.increment(1)
    assert hist.load_all() == [1, 0, 2]
