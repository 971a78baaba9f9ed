"""Atomic integers: AtomicInt32, AtomicInt64, AtomicUInt32, AtomicUInt64.

Every operation is one C11 atomic operation on the cell and is sequentially
consistent.  Arguments are exact: an ``int`` or an object with ``__index__``
inside the type's range, or a ``TypeError``/``OverflowError`` before the cell
is touched.  Results of arithmetic wrap modulo 2**bits, as in C11, Go and
Java, and the value a method returns is exactly the value the cell holds
after (``add``) or held before (``fetch_add``) the operation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, SupportsIndex

from ._base import _SLOTS, Atomic, bound_op, set_slot, show, type_error
from ._wait import Waitable

__all__ = ["AtomicInt32", "AtomicInt64", "AtomicUInt32", "AtomicUInt64"]


class AtomicInteger(Atomic):
    """Operations shared by the four atomic integer types.

    Use one of the concrete types; this class only holds their methods.
    """

    __slots__ = {
        "increment": "increment() -> int: atomically add 1; return the new value",
        "decrement": "decrement() -> int: atomically subtract 1; return the new value",
    }

    MIN: ClassVar[int]
    MAX: ClassVar[int]
    BITS: ClassVar[int]

    _VERBS = (
        "load store increment decrement swap compare_and_swap compare_exchange "
        "fetch_add fetch_sub fetch_and fetch_or fetch_xor fetch_max fetch_min "
        "add sub"
    )
    _INCREMENT: ClassVar[Any]
    _DECREMENT: ClassVar[Any]
    _SWAP: ClassVar[Any]
    _CAS: ClassVar[Any]
    _CEX: ClassVar[Any]
    _FETCH_ADD: ClassVar[Any]
    _FETCH_SUB: ClassVar[Any]
    _FETCH_AND: ClassVar[Any]
    _FETCH_OR: ClassVar[Any]
    _FETCH_XOR: ClassVar[Any]
    _FETCH_MAX: ClassVar[Any]
    _FETCH_MIN: ClassVar[Any]
    _ADD: ClassVar[Any]
    _SUB: ClassVar[Any]

    if TYPE_CHECKING:
        # At run time these three are per-instance bound C functions (see
        # _base.py); declared here so that type checkers see their types.
        def load(self) -> int:
            """Atomically read and return the value."""

        def increment(self) -> int:
            """Atomically add 1; return the new value (wraps at MAX)."""

        def decrement(self) -> int:
            """Atomically subtract 1; return the new value (wraps at MIN)."""

    def __init__(self, value: SupportsIndex = 0) -> None:
        """Create the atomic holding ``value`` (default 0)."""
        self._new_cell()
        if type(value) is not int or not self.MIN <= value <= self.MAX:
            value = self._arg("value", value)
        self._STORE(self._cell, value)

    def _bind(self) -> None:
        # See _base.py: argument-free operations are bound C calls, no frame.
        set_slot(self, "load", bound_op(self, self._LOAD))
        set_slot(self, "increment", bound_op(self, self._INCREMENT))
        set_slot(self, "decrement", bound_op(self, self._DECREMENT))

    @classmethod
    def _arg(cls, name: str, value: object) -> int:
        """Return ``value`` as an int in range, or raise the exact error."""
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            if hasattr(type(value), "__index__"):
                raise  # its own __index__ failed: that error is the useful one
            type_error(name, value, "an int or an object with __index__")
        if not cls.MIN <= number <= cls.MAX:
            shown = show(value)
            if type(value) is not int:
                shown += f" (index {show(number)})"
            hint = ""
            if number < 0 and cls.MIN == 0 and name == "delta":
                hint = "; on unsigned types subtract with sub() or fetch_sub()"
            raise OverflowError(
                f"{name}={shown} is out of range for {cls.__name__}: it must "
                f"be between {cls.MIN} and {cls.MAX}{hint}"
            ) from None
        return number

    # -- plain access ---------------------------------------------------------

    def store(self, value: SupportsIndex) -> None:
        """Atomically replace the value with ``value``.

        Raises TypeError if ``value`` is not an int (or ``__index__``) and
        OverflowError if it is outside [MIN, MAX]; the atomic is then unchanged.
        """
        try:
            if type(value) is int:
                return self._STORE(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        self._STORE(self._cell, self._arg("value", value))

    def swap(self, value: SupportsIndex) -> int:
        """Atomically replace the value with ``value``; return the previous one.

        Errors as for ``store``.
        """
        try:
            if type(value) is int:
                return self._SWAP(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._SWAP(self._cell, self._arg("value", value))  # type: ignore[no-any-return]

    def compare_and_swap(self, expected: SupportsIndex, new: SupportsIndex) -> bool:
        """Atomically set the value to ``new`` if it equals ``expected``.

        Return True if the swap happened.  This is a strong compare-and-swap:
        it never fails spuriously.  Both arguments are checked as for
        ``store``, even when the swap would not happen.
        """
        try:
            if type(expected) is int and type(new) is int:
                return self._CAS(self._cell, expected, new)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._CAS(  # type: ignore[no-any-return]
            self._cell, self._arg("expected", expected), self._arg("new", new)
        )

    def compare_exchange(self, expected: SupportsIndex, new: SupportsIndex) -> int:
        """Atomically set the value to ``new`` if it equals ``expected``.

        Return the value witnessed just before the operation: the swap
        happened if and only if it equals ``expected``.  Strong, and checked,
        as ``compare_and_swap``.
        """
        try:
            if type(expected) is int and type(new) is int:
                return self._CEX(self._cell, expected, new)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._CEX(  # type: ignore[no-any-return]
            self._cell, self._arg("expected", expected), self._arg("new", new)
        )

    # -- arithmetic returning the previous value --------------------------------

    def fetch_add(self, delta: SupportsIndex) -> int:
        """Atomically add ``delta`` (wrapping); return the previous value.

        ``delta`` must itself lie in [MIN, MAX]: on unsigned types subtract
        with ``fetch_sub``.  Raises TypeError or OverflowError as ``store``.
        """
        try:
            if type(delta) is int:
                return self._FETCH_ADD(self._cell, delta)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_ADD(self._cell, self._arg("delta", delta))  # type: ignore[no-any-return]

    def fetch_sub(self, delta: SupportsIndex) -> int:
        """Atomically subtract ``delta`` (wrapping); return the previous value.

        Errors as for ``fetch_add``.
        """
        try:
            if type(delta) is int:
                return self._FETCH_SUB(self._cell, delta)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_SUB(self._cell, self._arg("delta", delta))  # type: ignore[no-any-return]

    def fetch_and(self, mask: SupportsIndex) -> int:
        """Atomically set the value to ``value & mask``; return the previous value.

        On signed types ``mask`` is a two's-complement bit pattern in
        [MIN, MAX] (so ``-1`` is all ones).  Errors as for ``store``.
        """
        try:
            if type(mask) is int:
                return self._FETCH_AND(self._cell, mask)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_AND(self._cell, self._arg("mask", mask))  # type: ignore[no-any-return]

    def fetch_or(self, mask: SupportsIndex) -> int:
        """Atomically set the value to ``value | mask``; return the previous value.

        Errors as for ``fetch_and``.
        """
        try:
            if type(mask) is int:
                return self._FETCH_OR(self._cell, mask)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_OR(self._cell, self._arg("mask", mask))  # type: ignore[no-any-return]

    def fetch_xor(self, mask: SupportsIndex) -> int:
        """Atomically set the value to ``value ^ mask``; return the previous value.

        Errors as for ``fetch_and``.
        """
        try:
            if type(mask) is int:
                return self._FETCH_XOR(self._cell, mask)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_XOR(self._cell, self._arg("mask", mask))  # type: ignore[no-any-return]

    def fetch_max(self, value: SupportsIndex) -> int:
        """Atomically set the value to ``max(current, value)``; return the previous.

        Lock-free (a compare-and-swap loop in C).  Errors as for ``store``.
        """
        try:
            if type(value) is int:
                return self._FETCH_MAX(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_MAX(self._cell, self._arg("value", value))  # type: ignore[no-any-return]

    def fetch_min(self, value: SupportsIndex) -> int:
        """Atomically set the value to ``min(current, value)``; return the previous.

        Lock-free (a compare-and-swap loop in C).  Errors as for ``store``.
        """
        try:
            if type(value) is int:
                return self._FETCH_MIN(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._FETCH_MIN(self._cell, self._arg("value", value))  # type: ignore[no-any-return]

    # -- arithmetic returning the new value -----------------------------------

    def add(self, delta: SupportsIndex) -> int:
        """Atomically add ``delta`` (wrapping); return the new value.

        The result is exactly what was stored.  Errors as for ``fetch_add``.
        """
        try:
            if type(delta) is int:
                return self._ADD(self._cell, delta)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._ADD(self._cell, self._arg("delta", delta))  # type: ignore[no-any-return]

    def sub(self, delta: SupportsIndex) -> int:
        """Atomically subtract ``delta`` (wrapping); return the new value.

        Errors as for ``fetch_add``.
        """
        try:
            if type(delta) is int:
                return self._SUB(self._cell, delta)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._SUB(self._cell, self._arg("delta", delta))  # type: ignore[no-any-return]

    def update(self, fn: Callable[[int], SupportsIndex]) -> int:
        """Atomically replace the value with ``fn(value)``; return the new value.

        A compare-and-swap loop: ``fn`` may be called more than once, with
        the freshest value each time, so it should be a pure function.  If
        ``fn`` raises, or returns something that is not an int in range
        (TypeError/OverflowError naming ``fn(...)``), the exception propagates
        and the atomic is unchanged.
        """
        cell = self._cell
        current: int = self._LOAD(cell)
        while True:
            new = fn(current)
            if type(new) is not int or not self.MIN <= new <= self.MAX:
                new = self._arg(f"fn({show(current)})", new)
            seen: int = self._CEX(cell, current, new)
            if seen == current:
                return new
            current = seen

    # -- Python protocols -----------------------------------------------------

    def __int__(self) -> int:
        return self.load()

    __index__ = __int__

    def __bool__(self) -> bool:
        """``bool(a)`` is ``a.load() != 0``, as for an int."""
        return self.load() != 0

    def __iadd__(self, delta: SupportsIndex) -> AtomicInteger:
        """``a += d`` is ``a.fetch_add(d)`` and keeps ``a`` the same object."""
        self.fetch_add(delta)
        return self

    def __isub__(self, delta: SupportsIndex) -> AtomicInteger:
        """``a -= d`` is ``a.fetch_sub(d)`` and keeps ``a`` the same object."""
        self.fetch_sub(delta)
        return self

    def __iand__(self, mask: SupportsIndex) -> AtomicInteger:
        """``a &= m`` is ``a.fetch_and(m)`` and keeps ``a`` the same object."""
        self.fetch_and(mask)
        return self

    def __ior__(self, mask: SupportsIndex) -> AtomicInteger:
        """``a |= m`` is ``a.fetch_or(m)`` and keeps ``a`` the same object."""
        self.fetch_or(mask)
        return self

    def __ixor__(self, mask: SupportsIndex) -> AtomicInteger:
        """``a ^= m`` is ``a.fetch_xor(m)`` and keeps ``a`` the same object."""
        self.fetch_xor(mask)
        return self


class AtomicInt32(Waitable, AtomicInteger, kind="i32"):
    """A signed 32-bit integer with lock-free, sequentially consistent operations.

    >>> hits = AtomicInt32()
    >>> hits.increment()
    1
    >>> hits.fetch_add(10), hits.load()
    (1, 11)
    """

    __slots__ = ()
    _CTYPE = "int32_t"
    _SIZE = 4
    BITS, MIN, MAX = 32, -(2**31), 2**31 - 1


class AtomicInt64(AtomicInteger, kind="i64"):
    """A signed 64-bit integer with lock-free, sequentially consistent operations.

    >>> n = AtomicInt64(5)
    >>> n.compare_exchange(5, 7), n.compare_exchange(5, 9), n.load()
    (5, 7, 7)
    """

    __slots__ = ()
    _CTYPE = "int64_t"
    _SIZE = 8
    BITS, MIN, MAX = 64, -(2**63), 2**63 - 1


class AtomicUInt32(Waitable, AtomicInteger, kind="u32"):
    """An unsigned 32-bit integer with lock-free, sequentially consistent operations.

    >>> flags = AtomicUInt32(0b0101)
    >>> flags.fetch_or(0b0010), bin(flags.load())
    (5, '0b111')
    """

    __slots__ = ()
    _CTYPE = "uint32_t"
    _SIZE = 4
    BITS, MIN, MAX = 32, 0, 2**32 - 1


class AtomicUInt64(AtomicInteger, kind="u64"):
    """An unsigned 64-bit integer with lock-free, sequentially consistent operations.

    >>> n = AtomicUInt64()
    >>> n.decrement() == AtomicUInt64.MAX   # wraps, like C11, Go and Java
    True
    """

    __slots__ = ()
    _CTYPE = "uint64_t"
    _SIZE = 8
    BITS, MIN, MAX = 64, 0, 2**64 - 1


_SLOTS["increment"] = AtomicInteger.__dict__["increment"]
_SLOTS["decrement"] = AtomicInteger.__dict__["decrement"]
