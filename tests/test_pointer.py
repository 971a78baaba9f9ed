"""AtomicPointer without contention (the contention half is in test_contention.py).

An AtomicPointer holds an address and never dereferences it, so the tests
store arbitrary addresses, including both ends of the uintptr_t range.
"""

from __future__ import annotations

import copy
import itertools
import pickle
import weakref
from decimal import Decimal
from typing import Any

import cffi
import pytest

from pyatomic import AtomicInt64, AtomicPointer
from pyatomic._ffi import ffi

UINTPTR_MAX = (1 << (8 * ffi.sizeof("void *"))) - 1
EDGES = [0, 1, 4096, UINTPTR_MAX - 1, UINTPTR_MAX]

other_ffi = cffi.FFI()
other_ffi.cdef("struct pa_test_point { int x, y; };")


def address(cdata: Any) -> int:
    return int(ffi.cast("uintptr_t", cdata))


class Index:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"


class IntOnly:
    def __int__(self) -> int:
        return 16

    def __repr__(self) -> str:
        return "IntOnly()"


def _pointers() -> list[Any]:
    """cffi pointers of several kinds, from this and from another FFI."""
    return [
        ffi.new("char[16]"),
        ffi.new("int64_t *"),
        ffi.cast("void *", 0x1000),
        other_ffi.new("int[4]"),
        other_ffi.new("struct pa_test_point *"),
        ffi.new("char *[2]")[0],  # a NULL char * read out of an array
    ]


def _not_pointers() -> list[Any]:
    return [
        1.0,
        "0x1000",
        b"\x00" * 8,
        bytearray(8),
        Decimal(16),
        IntOnly(),
        object(),
        ffi.cast("int", 3),
        ffi.cast("uintptr_t", 16),
        other_ffi.new("struct pa_test_point *")[0],  # a struct, not a pointer
    ]


CALLS = [
    ("constructor", "value", lambda a, v: AtomicPointer(v)),
    ("store", "value", lambda a, v: a.store(v)),
    ("swap", "value", lambda a, v: a.swap(v)),
    ("compare_and_swap", "expected", lambda a, v: a.compare_and_swap(v, 8)),
    ("compare_and_swap", "new", lambda a, v: a.compare_and_swap(a.load(), v)),
    ("compare_exchange", "expected", lambda a, v: a.compare_exchange(v, 8)),
    ("compare_exchange", "new", lambda a, v: a.compare_exchange(a.load(), v)),
]
CALL_IDS = [f"{m}-{n}" for m, n, _ in CALLS]


def test_default_is_null() -> None:
    p = AtomicPointer()

    assert p.load() == 0 and type(p.load()) is int


def test_is_lock_free() -> None:
    assert AtomicPointer.is_lock_free() is True


def test_address_edges() -> None:
    p = AtomicPointer(EDGES[0])

    for previous, value in itertools.pairwise(EDGES):
        assert p.swap(value) == previous
        assert p.load() == value and type(p.load()) is int
        p.store(previous)
        assert p.load() == previous
        p.store(value)
        assert AtomicPointer(value).load() == value


def test_none_is_null() -> None:
    p = AtomicPointer(4096)

    assert p.swap(None) == 4096
    assert p.load() == 0
    p.store(8)
    p.store(None)
    assert p.load() == 0
    assert p.compare_exchange(None, 16) == 0 and p.load() == 16
    assert p.compare_and_swap(16, None) is True and p.load() == 0


@pytest.mark.parametrize("pointer", _pointers(), ids=lambda c: str(other_ffi.typeof(c)))
def test_accepts_any_cffi_pointer(pointer: Any) -> None:
    p = AtomicPointer(pointer)
    expected = address(pointer)

    assert p.load() == expected
    assert p.swap(None) == expected
    p.store(pointer)
    assert p.compare_exchange(pointer, None) == expected
    assert p.compare_and_swap(None, pointer) is True
    assert p.load() == expected


def test_null_cdata_is_zero() -> None:
    assert AtomicPointer(ffi.NULL).load() == 0
    assert AtomicPointer(other_ffi.NULL).load() == 0


def test_index_objects_and_bools_are_addresses() -> None:
    p = AtomicPointer(Index(64))

    assert p.load() == 64
    assert p.swap(True) == 64 and p.load() == 1
    assert p.compare_exchange(Index(1), Index(UINTPTR_MAX)) == 1
    assert p.load() == UINTPTR_MAX


def test_accepts_function_pointer() -> None:
    from pyatomic._core import lib

    fn = ffi.addressof(lib, "pa_version")

    assert AtomicPointer(fn).load() == address(fn)


@pytest.mark.parametrize("current", EDGES)
@pytest.mark.parametrize("expected", EDGES)
def test_compare_exchange_witness_semantics(current: int, expected: int) -> None:
    new = EDGES[(EDGES.index(expected) + 2) % len(EDGES)]
    a, b = AtomicPointer(current), AtomicPointer(current)

    witnessed = a.compare_exchange(expected, new)
    swapped = b.compare_and_swap(expected, new)

    assert witnessed == current and type(witnessed) is int
    assert swapped is (current == expected)
    assert a.load() == (new if current == expected else current)
    assert b.load() == a.load()


@pytest.mark.parametrize(("method", "name", "call"), CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("bad", _not_pointers(), ids=repr)
def test_rejects_non_addresses(method: str, name: str, call: Any, bad: Any) -> None:
    p = AtomicPointer(4096)

    with pytest.raises(TypeError) as info:
        call(p, bad)

    message = str(info.value)
    assert message.startswith(f"{name} must be None, an int address or a cffi")
    assert repr(bad) in message
    assert p.load() == 4096


@pytest.mark.parametrize(("method", "name", "call"), CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("bad", [-1, UINTPTR_MAX + 1, 2**200, -(2**200), Index(-1)])
def test_rejects_out_of_range_addresses(
    method: str, name: str, call: Any, bad: Any
) -> None:
    p = AtomicPointer(4096)

    with pytest.raises(OverflowError) as info:
        call(p, bad)

    message = str(info.value)
    assert f"{name}={bad!r}" in message, message
    assert f"between 0 and {UINTPTR_MAX}" in message, message
    assert p.load() == 4096


def test_repr() -> None:
    assert repr(AtomicPointer()) == "AtomicPointer(0)"
    assert repr(AtomicPointer(UINTPTR_MAX)) == f"AtomicPointer({UINTPTR_MAX})"


def test_equality_and_hash_by_identity() -> None:
    a, b = AtomicPointer(8), AtomicPointer(8)

    assert a == a and a != b and a != 8
    assert hash(a) == object.__hash__(a)


EXPRESSIONS = ["p + 1", "p += 1", "p - 1", "p < 1", "int(p)", "[0, 1][p]"]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_no_arithmetic(expression: str) -> None:
    p = AtomicPointer(1)
    ns = {"p": p}

    with pytest.raises(TypeError):
        exec(expression, ns)
    assert ns["p"] is p and p.load() == 1


def test_copies_are_independent_with_current_value() -> None:
    a = AtomicPointer()
    a.store(UINTPTR_MAX)
    copies = [copy.copy(a), copy.deepcopy(a)]
    copies += [pickle.loads(pickle.dumps(a, p)) for p in range(6)]

    for b in copies:
        assert type(b) is AtomicPointer and b is not a
        assert b.load() == UINTPTR_MAX
        b.store(None)
        assert a.load() == UINTPTR_MAX
        a.store(8)
        assert b.load() == 0
        a.store(UINTPTR_MAX)


def test_keeps_nothing_alive() -> None:
    # It holds an address, not a reference: dropping the cffi owner frees it.
    buf = ffi.new("char[8]")
    ref = weakref.ref(buf)
    p = AtomicPointer(buf)

    del buf

    assert ref() is None
    assert p.load() != 0


def test_integer_atomic_is_an_address() -> None:
    # AtomicInt64 has __index__, so it reads as its current value.
    assert AtomicPointer(AtomicInt64(4096)).load() == 4096
