"""AtomicBool without contention (the contention half is in test_contention.py)."""

from __future__ import annotations

import copy
import itertools
import pickle
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from pyatomic import AtomicBool, AtomicInt32


class Index:
    def __index__(self) -> int:
        return 1

    def __repr__(self) -> str:
        return "Index()"


class Truthy:
    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "Truthy()"


#: Only True and False are flags: everything else, truthy or not, is refused.
NOT_BOOLS = [
    1,
    0,
    2,
    -1,
    1.0,
    0.0,
    None,
    "",
    "True",
    b"",
    [],
    Decimal(1),
    Index(),
    Truthy(),
    AtomicBool(True),
    AtomicInt32(1),
]

CALLS: list[tuple[str, str, Callable[[AtomicBool, Any], Any]]] = [
    ("constructor", "value", lambda a, v: AtomicBool(v)),
    ("store", "value", lambda a, v: a.store(v)),
    ("swap", "value", lambda a, v: a.swap(v)),
    ("compare_and_swap", "expected", lambda a, v: a.compare_and_swap(v, True)),
    ("compare_and_swap", "new", lambda a, v: a.compare_and_swap(False, v)),
    ("compare_exchange", "expected", lambda a, v: a.compare_exchange(v, True)),
    ("compare_exchange", "new", lambda a, v: a.compare_exchange(False, v)),
]


def test_default_is_false() -> None:
    assert AtomicBool().load() is False


def test_is_lock_free() -> None:
    assert AtomicBool.is_lock_free() is True
    assert AtomicBool().is_lock_free() is True


@pytest.mark.parametrize("value", [False, True])
def test_store_load_swap(value: bool) -> None:
    a = AtomicBool(value)

    assert a.load() is value
    assert a.swap(not value) is value
    assert a.load() is (not value)
    assert a.swap(not value) is (not value)
    a.store(value)
    assert a.load() is value


@pytest.mark.parametrize(
    ("current", "expected", "new"), list(itertools.product([False, True], repeat=3))
)
def test_compare_exchange_witness_semantics(
    current: bool, expected: bool, new: bool
) -> None:
    a, b = AtomicBool(current), AtomicBool(current)

    witnessed = a.compare_exchange(expected, new)
    swapped = b.compare_and_swap(expected, new)

    assert witnessed is current
    assert swapped is (current == expected)
    assert a.load() is (new if current == expected else current)
    assert b.load() is a.load()


def test_bool_protocol() -> None:
    a = AtomicBool()

    assert not a
    a.store(True)
    assert a
    assert bool(a) is True
    assert (1 if a else 0) == 1


@pytest.mark.parametrize("value", [False, True])
def test_repr(value: bool) -> None:
    assert repr(AtomicBool(value)) == f"AtomicBool({value})"


def test_equality_and_hash_by_identity() -> None:
    a, b = AtomicBool(True), AtomicBool(True)

    assert a == a and a != b
    assert a != True  # noqa: E712 - identity, not value, on purpose
    assert hash(a) == object.__hash__(a)
    assert len({a, b}) == 2


@pytest.mark.parametrize("call", CALLS, ids=[f"{m}-{n}" for m, n, _ in CALLS])
@pytest.mark.parametrize("bad", NOT_BOOLS, ids=repr)
def test_rejects_everything_but_true_and_false(
    call: tuple[str, str, Callable[[AtomicBool, Any], Any]], bad: object
) -> None:
    _, name, fn = call
    a = AtomicBool(False)

    with pytest.raises(TypeError) as info:
        fn(a, bad)

    message = str(info.value)
    assert message.startswith(f"{name} must be True or False"), message
    assert repr(bad) in message and type(bad).__name__ in message
    assert a.load() is False


EXPRESSIONS = [
    "a + 1",
    "a & True",
    "True | a",
    "a ^ a",
    "~a",
    "-a",
    "a < True",
    "a += 1",
    "a &= True",
    "a |= True",
    "int(a)",
    "[1, 2][a]",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_no_arithmetic(expression: str) -> None:
    a = AtomicBool(False)
    ns = {"a": a}

    with pytest.raises(TypeError):
        exec(expression, ns)
    assert ns["a"] is a and a.load() is False


@pytest.mark.parametrize("value", [False, True])
def test_copies_are_independent_with_current_value(value: bool) -> None:
    a = AtomicBool(not value)
    a.store(value)
    copies = [copy.copy(a), copy.deepcopy(a)]
    copies += [pickle.loads(pickle.dumps(a, p)) for p in range(6)]

    for b in copies:
        assert type(b) is AtomicBool and b is not a
        assert b.load() is value
        b.store(not value)
        assert a.load() is value
        b.store(value)
        a.store(not value)
        assert b.load() is value
        a.store(value)


def test_atomic_is_collected() -> None:
    a = AtomicBool(True)
    ref = weakref.ref(a)

    del a

    assert ref() is None
