"""AtomicInt32/Int64/UInt32/UInt64 without contention.

Every expected value is computed here in plain Python, from the bit width
and signedness alone (``wrap``), never from the class under test: the model
is modular arithmetic as C11, Go and Java define it for fixed-width
integers.  The contention half of the contract lives in test_contention.py.
"""

from __future__ import annotations

import array
import copy
import enum
import itertools
import operator
import pickle
import weakref
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyatomic import AtomicInt32, AtomicInt64, AtomicUInt32, AtomicUInt64

#: (class, bits, signed): the only facts the model below is built from.
SPECS = [
    (AtomicInt32, 32, True),
    (AtomicInt64, 64, True),
    (AtomicUInt32, 32, False),
    (AtomicUInt64, 64, False),
]
TYPES = [cls for cls, _, _ in SPECS]
BITS = {cls: bits for cls, bits, _ in SPECS}
SIGNED = {cls: signed for cls, _, signed in SPECS}


def bounds(cls: type) -> tuple[int, int]:
    bits = BITS[cls]
    if SIGNED[cls]:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def wrap(cls: type, value: int) -> int:
    """``value`` reduced modulo 2**bits into the type's range."""
    bits = BITS[cls]
    value &= (1 << bits) - 1
    if SIGNED[cls] and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def edge_values(cls: type) -> list[int]:
    """Both ends of the range, their neighbours, and the middle."""
    lo, hi = bounds(cls)
    mid = [-1, 0, 1] if SIGNED[cls] else [0, 1, 2]
    return sorted({lo, lo + 1, hi - 1, hi, *mid})


class Index:
    """Not an int, but has ``__index__``: must be accepted."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __repr__(self) -> str:
        return f"Index({self.value})"


class IntOnly:
    """Like numpy.float64: ``__int__`` and ``__float__`` but no ``__index__``."""

    def __int__(self) -> int:
        return 1

    def __float__(self) -> float:
        return 1.0

    def __repr__(self) -> str:
        return "IntOnly()"


class Color(enum.IntEnum):
    RED = 1


class MyInt(int):
    pass


#: Values every integer parameter must refuse with TypeError.
NOT_INTEGERS = [
    1.0,
    1.5,
    float("nan"),
    complex(1, 0),
    "1",
    b"1",
    bytearray(b"1"),
    None,
    Decimal("1"),
    Decimal("1.5"),
    Fraction(1),
    Fraction(3, 2),
    IntOnly(),
    [1],
    (1,),
    object(),
]

#: Accepted stand-ins for the int 1.
ONE_LIKE = [True, Index(1), Color.RED, MyInt(1)]


# -- the method table: every method, every integer argument position --------


def _one(method: str, name: str) -> tuple[str, str, Callable[[Any, Any, int], Any]]:
    return method, name, lambda a, v, cur: getattr(a, method)(v)


def _cas(method: str) -> list[tuple[str, str, Callable[[Any, Any, int], Any]]]:
    # The argument that is not under test is the current value (for
    # `expected`) or a different valid value (for `new`), so the swap
    # would happen if the bad argument slipped through.
    return [
        (method, "expected", lambda a, v, cur: getattr(a, method)(v, cur ^ 1)),
        (method, "new", lambda a, v, cur: getattr(a, method)(cur, v)),
    ]


def _iop(symbol: str, method: str, name: str) -> tuple[str, str, Any]:
    """``a <symbol>= v``, which must behave exactly like ``a.<method>(v)``."""

    def call(a: Any, v: Any, cur: int) -> Any:
        ns = {"a": a, "v": v}
        exec(f"a {symbol}= v", ns)
        return ns["a"]

    return f"{symbol}=", name, call


CALLS = [
    ("constructor", "value", lambda a, v, cur: type(a)(v)),
    _one("store", "value"),
    _one("swap", "value"),
    _one("fetch_add", "delta"),
    _one("fetch_sub", "delta"),
    _one("fetch_and", "mask"),
    _one("fetch_or", "mask"),
    _one("fetch_xor", "mask"),
    _one("fetch_max", "value"),
    _one("fetch_min", "value"),
    _one("add", "delta"),
    _one("sub", "delta"),
    *_cas("compare_and_swap"),
    *_cas("compare_exchange"),
    _iop("+", "fetch_add", "delta"),
    _iop("-", "fetch_sub", "delta"),
    _iop("&", "fetch_and", "mask"),
    _iop("|", "fetch_or", "mask"),
    _iop("^", "fetch_xor", "mask"),
]
CALL_IDS = [f"{m}-{n}" for m, n, _ in CALLS]


#: The value argument tests start from: in range for every type, away from
#: both ends, and changed by most operations with the argument 1.
START = 6


# -- class facts ---------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_bounds_are_published(cls: type) -> None:
    assert (cls.MIN, cls.MAX) == bounds(cls)
    assert cls.BITS == BITS[cls]


@pytest.mark.parametrize("cls", TYPES)
def test_default_is_zero(cls: type) -> None:
    a = cls()

    assert a.load() == 0
    assert type(a.load()) is int


@pytest.mark.parametrize("cls", TYPES)
def test_is_lock_free(cls: type) -> None:
    # x86-64 (this project's CI) has lock-free 32- and 64-bit atomics, and
    # the C core refuses to build where they are not.
    assert cls.is_lock_free() is True
    assert cls().is_lock_free() is True


# -- boundary walks ----------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_store_load_swap_at_edges(cls: type) -> None:
    values = edge_values(cls)
    a = cls(values[0])

    for previous, value in itertools.pairwise(values):
        assert a.load() == previous
        assert a.swap(value) == previous
        assert a.load() == value
        a.store(previous)
        assert a.load() == previous
        a.store(value)
        assert cls(value).load() == value


@pytest.mark.parametrize("cls", TYPES)
def test_increment_decrement_wrap_at_both_ends(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(hi - 1)

    assert a.increment() == hi
    assert a.increment() == lo  # wraps past MAX
    assert a.increment() == lo + 1
    assert a.decrement() == lo
    assert a.decrement() == hi  # wraps past MIN
    assert a.decrement() == hi - 1
    assert a.load() == hi - 1


@pytest.mark.parametrize("cls", TYPES)
def test_arithmetic_walk_matches_modular_model(cls: type) -> None:
    values = edge_values(cls)
    ops: list[tuple[str, Callable[[int, int], int], bool]] = [
        ("add", operator.add, True),
        ("sub", operator.sub, True),
        ("fetch_add", operator.add, False),
        ("fetch_sub", operator.sub, False),
        ("fetch_and", operator.and_, False),
        ("fetch_or", operator.or_, False),
        ("fetch_xor", operator.xor, False),
        ("fetch_max", max, False),
        ("fetch_min", min, False),
    ]

    for start in values:
        for arg in values:
            for name, model, returns_new in ops:
                a = cls(start)
                expected = wrap(cls, model(start, arg))

                result = getattr(a, name)(arg)

                assert a.load() == expected, (name, start, arg)
                assert result == (expected if returns_new else start), (
                    name,
                    start,
                    arg,
                )
                assert type(result) is int


@pytest.mark.parametrize("cls", TYPES)
def test_increment_decrement_at_every_edge(cls: type) -> None:
    for start in edge_values(cls):
        a = cls(start)
        assert a.increment() == wrap(cls, start + 1)
        assert a.load() == wrap(cls, start + 1)
        b = cls(start)
        assert b.decrement() == wrap(cls, start - 1)
        assert b.load() == wrap(cls, start - 1)


@pytest.mark.parametrize("cls", [AtomicInt32, AtomicInt64])
def test_signed_masks_are_twos_complement(cls: type) -> None:
    lo, _ = bounds(cls)
    a = cls(0)

    assert a.fetch_or(-1) == 0
    assert a.load() == -1  # all ones
    assert a.fetch_and(lo) == -1
    assert a.load() == lo  # only the sign bit
    assert a.fetch_xor(-1) == lo
    assert a.load() == ~lo  # MAX


@pytest.mark.parametrize("cls", TYPES)
def test_unsigned_delta_must_be_in_range(cls: type) -> None:
    # Subtracting is spelled fetch_sub/sub; a negative delta is not silently
    # reinterpreted as a huge unsigned one.
    if SIGNED[cls]:
        a = cls(5)
        assert a.add(-7) == -2
        return
    a = cls(5)
    with pytest.raises(OverflowError):
        a.add(-1)
    assert a.load() == 5
    assert a.sub(7) == wrap(cls, -2)


# -- compare-and-swap / compare-exchange -------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_compare_exchange_witness_semantics(cls: type) -> None:
    values = edge_values(cls)
    for current in values:
        for expected in values:
            new = values[(values.index(expected) + 1) % len(values)]
            a = cls(current)

            witnessed = a.compare_exchange(expected, new)

            assert witnessed == current
            assert type(witnessed) is int
            if current == expected:
                assert a.load() == new
            else:
                assert a.load() == current  # unchanged on failure


@pytest.mark.parametrize("cls", TYPES)
def test_compare_and_swap_reports_success(cls: type) -> None:
    values = edge_values(cls)
    for current in values:
        for expected in values:
            a = cls(current)

            swapped = a.compare_and_swap(expected, values[0])

            assert swapped is (current == expected)
            assert a.load() == (values[0] if swapped else current)


@pytest.mark.parametrize("cls", TYPES)
def test_compare_exchange_same_value_is_a_successful_no_op(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(hi)

    assert a.compare_exchange(hi, hi) == hi
    assert a.compare_and_swap(hi, hi) is True
    assert a.compare_and_swap(lo, hi) is False
    assert a.load() == hi


# -- update --------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_update_returns_new_value(cls: type) -> None:
    _, hi = bounds(cls)
    a = cls(3)
    seen: list[int] = []

    def double(v: int) -> int:
        seen.append(v)
        return v * 2

    assert a.update(double) == 6
    assert a.load() == 6
    assert seen == [3]  # no contention: exactly one call
    a.store(hi)
    assert a.update(lambda v: v - 1) == hi - 1


@pytest.mark.parametrize("cls", TYPES)
def test_update_accepts_index_and_bool_results(cls: type) -> None:
    a = cls(3)

    assert a.update(lambda v: Index(v + 1)) == 4
    assert a.update(lambda v: True) == 1
    assert type(a.load()) is int


@pytest.mark.parametrize("cls", TYPES)
def test_update_propagates_fn_exception_and_leaves_value(cls: type) -> None:
    a = cls(7)

    class Boom(Exception):
        pass

    def explode(v: int) -> int:
        raise Boom(v)

    with pytest.raises(Boom) as info:
        a.update(explode)
    assert info.value.args == (7,)
    assert a.load() == 7


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("bad", NOT_INTEGERS, ids=repr)
def test_update_rejects_non_int_result(cls: type, bad: object) -> None:
    a = cls(7)

    with pytest.raises(TypeError) as info:
        a.update(lambda v: bad)

    assert "fn(7)" in str(info.value)
    assert repr(bad) in str(info.value)
    assert a.load() == 7


@pytest.mark.parametrize("cls", TYPES)
def test_update_rejects_out_of_range_result(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(hi)

    # No wrapping here: update stores exactly what fn returned, or refuses.
    with pytest.raises(OverflowError) as info:
        a.update(lambda v: v + 1)
    message = str(info.value)
    assert f"fn({hi})" in message and str(hi + 1) in message
    assert str(lo) in message and str(hi) in message
    assert a.load() == hi
    with pytest.raises(OverflowError):
        a.update(lambda v: lo - 1)
    assert a.load() == hi


@pytest.mark.parametrize("cls", TYPES)
def test_update_requires_a_callable(cls: type) -> None:
    a = cls(1)

    with pytest.raises(TypeError):
        a.update(5)  # type: ignore[arg-type]
    assert a.load() == 1


# -- arguments: type errors, range errors, accepted stand-ins ------------------


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize(("method", "name", "call"), CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("bad", NOT_INTEGERS, ids=repr)
def test_rejects_non_integer(
    cls: type, method: str, name: str, call: Callable[..., Any], bad: object
) -> None:
    cur = START
    a = cls(cur)

    with pytest.raises(TypeError) as info:
        call(a, bad, cur)

    message = str(info.value)
    assert message.startswith(f"{name} must be"), message
    assert repr(bad) in message
    assert type(bad).__name__ in message
    assert a.load() == cur


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize(("method", "name", "call"), CALLS, ids=CALL_IDS)
def test_rejects_out_of_range(
    cls: type, method: str, name: str, call: Callable[..., Any]
) -> None:
    lo, hi = bounds(cls)
    cur = START
    a = cls(cur)

    for bad in (hi + 1, lo - 1, 2**64, -(2**64) - 1, 2**200, Index(hi + 1)):
        with pytest.raises(OverflowError) as info:
            call(a, bad, cur)

        message = str(info.value)
        assert f"{name}={bad!r}" in message, message
        assert str(lo) in message and str(hi) in message, message
        assert a.load() == cur


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize(("method", "name", "call"), CALLS, ids=CALL_IDS)
@pytest.mark.parametrize("one", ONE_LIKE, ids=repr)
def test_accepts_index_objects_like_ints(
    cls: type, method: str, name: str, call: Callable[..., Any], one: object
) -> None:
    cur = START
    reference, a = cls(cur), cls(cur)

    expected = call(reference, 1, cur)
    result = call(a, one, cur)

    assert a.load() == reference.load()
    if isinstance(expected, cls):  # the constructor and in-place operators
        assert result.load() == expected.load()
    else:
        assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("cls", TYPES)
def test_bounds_accepted_through_index(cls: type) -> None:
    lo, hi = bounds(cls)

    assert cls(Index(lo)).load() == lo
    assert cls(Index(hi)).load() == hi


@pytest.mark.parametrize("cls", TYPES)
def test_index_that_raises_propagates(cls: type) -> None:
    class Broken:
        def __index__(self) -> int:
            raise ZeroDivisionError("broken __index__")

    a = cls(4)
    with pytest.raises(ZeroDivisionError):
        a.store(Broken())
    assert a.load() == 4


def test_bool_is_an_int_for_integer_types() -> None:
    a = AtomicInt64(True)

    assert a.load() == 1 and type(a.load()) is int
    assert a.fetch_add(True) == 1
    assert a.compare_exchange(True, False) == 2
    assert a.load() == 2


# -- Python protocols ----------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_repr_shows_type_and_value(cls: type) -> None:
    lo, hi = bounds(cls)

    for value in (lo, hi, 0):
        assert repr(cls(value)) == f"{cls.__name__}({value})"
    a = cls(1)
    a.increment()
    assert repr(a) == f"{cls.__name__}(2)"


@pytest.mark.parametrize("cls", TYPES)
def test_int_and_index(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(hi)

    assert int(a) == hi and type(int(a)) is int
    assert operator.index(a) == hi and type(operator.index(a)) is int
    a.store(lo)
    assert int(a) == lo
    assert hex(cls(10)) == "0xa"
    assert list(range(10))[cls(3)] == 3


@pytest.mark.parametrize("cls", TYPES)
def test_equality_and_hash_by_identity(cls: type) -> None:
    a, b = cls(5), cls(5)

    assert a == a
    assert a != b
    assert a != 5 and 5 != a
    assert hash(a) == object.__hash__(a)
    d = {a: "a", b: "b"}
    a.store(9)  # mutation must not move the key
    assert d[a] == "a" and d[b] == "b"
    assert len({a, b}) == 2


@pytest.mark.parametrize("cls", TYPES)
def test_atomic_is_accepted_as_an_argument(cls: type) -> None:
    # Through __index__: the source's current value is read once.
    source, target = cls(4), cls(1)

    assert target.fetch_add(source) == 1
    assert target.load() == 5


@pytest.mark.parametrize("cls", TYPES)
def test_in_place_operators_are_atomic_and_keep_identity(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(hi)
    original = a

    a += 1
    assert a is original and a.load() == lo  # wraps like fetch_add
    a -= 1
    assert a is original and a.load() == hi
    a &= 0b1100
    assert a is original and a.load() == hi & 0b1100
    a |= 0b0011
    assert a is original and a.load() == (hi & 0b1100) | 0b0011
    a ^= 0b0101
    assert a is original and a.load() == ((hi & 0b1100) | 0b0011) ^ 0b0101
    a += Index(2)
    assert a is original


@pytest.mark.parametrize("cls", TYPES)
def test_in_place_operator_error_keeps_object(cls: type) -> None:
    a = cls(3)
    original = a

    with pytest.raises(TypeError):
        a += 1.5
    assert a is original and a.load() == 3
    with pytest.raises(OverflowError):
        a += 2**100
    assert a is original and a.load() == 3


BINARY = [
    "a + 1",
    "1 + a",
    "a - 1",
    "1 - a",
    "a * 2",
    "a / 2",
    "a // 2",
    "a % 2",
    "a ** 2",
    "a << 1",
    "a >> 1",
    "a & 1",
    "1 | a",
    "a ^ 1",
    "-a",
    "+a",
    "~a",
    "abs(a)",
    "a < 1",
    "a >= 1",
    "a + a",
    "a *= 2",
    "a //= 2",
    "a <<= 1",
]


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("expression", BINARY)
def test_other_operators_raise_type_error(cls: type, expression: str) -> None:
    # An atomic never silently becomes a plain int: `a + 1` would read the
    # value and lose the atomic, so it is refused.
    a = cls(3)
    ns = {"a": a}

    with pytest.raises(TypeError):
        exec(expression, ns)
    assert ns["a"] is a and a.load() == 3


# -- copying and pickling ------------------------------------------------------


def _copies(a: Any) -> list[Any]:
    return [
        copy.copy(a),
        copy.deepcopy(a),
        copy.deepcopy([a, a])[0],
        *(
            pickle.loads(pickle.dumps(a, protocol=p))
            for p in range(pickle.HIGHEST_PROTOCOL + 1)
        ),
    ]


@pytest.mark.parametrize("cls", TYPES)
def test_copies_are_independent_with_current_value(cls: type) -> None:
    lo, hi = bounds(cls)
    a = cls(0)
    a.store(hi)  # the current value, not the constructor's

    for b in _copies(a):
        assert type(b) is cls
        assert b is not a
        assert b.load() == hi
        b.increment()
        assert a.load() == hi  # mutating the copy leaves the original
        a.store(lo)
        assert b.load() == lo  # ...and the other way round
        a.store(hi)


@pytest.mark.parametrize("cls", TYPES)
def test_deepcopy_keeps_sharing_within_one_copy(cls: type) -> None:
    a = cls(1)

    x, y = copy.deepcopy([a, a])

    assert x is y and x is not a


@pytest.mark.parametrize("cls", TYPES)
def test_subclass_copies_keep_subclass(cls: type) -> None:
    class Sub(cls):  # type: ignore[misc, valid-type]
        pass

    s = Sub(5)

    assert s.increment() == 6
    assert type(copy.copy(s)) is Sub and copy.copy(s).load() == 6
    assert repr(s) == "Sub(6)"


# -- memory ---------------------------------------------------------------------


@pytest.mark.parametrize("cls", TYPES)
def test_cells_do_not_share_cache_lines(cls: type) -> None:
    from pyatomic._ffi import CELL_SIZE, ffi

    atomics = [cls(i) for i in range(64)]

    addresses = [int(ffi.cast("uintptr_t", a._cell)) for a in atomics]
    assert all(address % CELL_SIZE == 0 for address in addresses)
    assert len({address // CELL_SIZE for address in addresses}) == len(atomics)
    assert [a.load() for a in atomics] == list(range(64))


@pytest.mark.parametrize("cls", TYPES)
@pytest.mark.parametrize("method", ["load", "increment", "decrement"])
def test_bound_method_keeps_cell_alive(cls: type, method: str) -> None:
    # load/increment/decrement are bound C functions; one kept after its
    # atomic is gone must still own the cell (no use after free).
    bound = getattr(cls(5), method)

    result = bound()

    assert result == {"load": 5, "increment": 6, "decrement": 4}[method]


def test_view_bound_method_keeps_buffer_alive() -> None:
    # array.array supports weak references, so the test can see the buffer
    # die without touching the freed memory itself.
    dead = []
    for cls in TYPES:
        for method in ("load", "increment", "decrement"):
            buffer = array.array("B", bytes(3 * BITS[cls] // 8))
            alive = weakref.ref(buffer)
            bound = getattr(cls.from_buffer(buffer, BITS[cls] // 8), method)

            del buffer

            if alive() is None:
                dead.append(f"{cls.__name__}.{method}")
            del bound

    assert dead == [], f"buffer freed while these bound methods use it: {dead}"


@pytest.mark.parametrize("cls", TYPES)
def test_atomic_is_collected(cls: type) -> None:
    a = cls(1)
    ref = weakref.ref(a)

    del a

    assert ref() is None  # no cycle keeps it (or its cell) alive


# -- property tests against the model -----------------------------------------

ONE_ARG = ["store", "swap", "add", "sub", "fetch_add", "fetch_sub"]
ONE_ARG += ["fetch_and", "fetch_or", "fetch_xor", "fetch_max", "fetch_min"]
NO_ARG = ["load", "increment", "decrement"]
TWO_ARG = ["compare_and_swap", "compare_exchange"]


def _model_step(cls: type, state: int, op: str, args: tuple[int, ...]) -> Any:
    """Return (new state, expected result) of ``op`` in plain Python."""
    if op == "load":
        return state, state
    if op == "increment":
        return wrap(cls, state + 1), wrap(cls, state + 1)
    if op == "decrement":
        return wrap(cls, state - 1), wrap(cls, state - 1)
    if op in ("compare_and_swap", "compare_exchange"):
        expected, new = args
        hit = state == expected
        result = hit if op == "compare_and_swap" else state
        return (new if hit else state), result
    (arg,) = args
    plain = op.removeprefix("fetch_")
    fn = {
        "store": lambda s, v: v,
        "swap": lambda s, v: v,
        "add": operator.add,
        "sub": operator.sub,
        "and": operator.and_,
        "or": operator.or_,
        "xor": operator.xor,
        "max": max,
        "min": min,
    }[plain]
    new = wrap(cls, fn(state, arg))
    if op == "store":
        return new, None
    if op in ("add", "sub"):
        return new, new
    return new, state


@st.composite
def programs(draw: st.DrawFn, cls: type) -> tuple[int, list[Any]]:
    lo, hi = bounds(cls)
    edges = st.sampled_from(edge_values(cls))
    values = st.one_of(
        edges, st.integers(lo, hi), st.integers(-3, 3).filter(lambda v: lo <= v <= hi)
    )
    start = draw(values)
    steps = draw(
        st.lists(
            st.one_of(
                st.tuples(st.sampled_from(NO_ARG), st.just(())),
                st.tuples(st.sampled_from(ONE_ARG), st.tuples(values)),
                st.tuples(st.sampled_from(TWO_ARG), st.tuples(values, values)),
            ),
            max_size=30,
        )
    )
    return start, steps


@pytest.mark.parametrize("cls", TYPES)
def test_random_programs_match_model(cls: type) -> None:
    @settings(max_examples=60, deadline=None, database=None)
    @given(programs(cls))
    def check(program: tuple[int, list[Any]]) -> None:
        start, steps = program
        a = cls(start)
        state = start

        for op, args in steps:
            state, expected = _model_step(cls, state, op, args)
            result = getattr(a, op)(*args)
            assert result == expected, (op, args)
            assert a.load() == state, (op, args)

    check()


@pytest.mark.parametrize("cls", TYPES)
def test_update_matches_model(cls: type) -> None:
    lo, hi = bounds(cls)

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.integers(lo, hi), st.integers(-(2**70), 2**70))
    def check(start: int, offset: int) -> None:
        a = cls(start)
        target = start + offset

        if lo <= target <= hi:
            assert a.update(lambda v: v + offset) == target
            assert a.load() == target
        else:
            with pytest.raises(OverflowError):
                a.update(lambda v: v + offset)
            assert a.load() == start

    check()
