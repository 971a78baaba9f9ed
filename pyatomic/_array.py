"""Atomic integer arrays: AtomicInt32Array, AtomicInt64Array, AtomicUInt32Array,
AtomicUInt64Array.

An array is ``len(a)`` naturally aligned elements, each of which behaves
exactly like the matching atomic scalar (``AtomicInt64`` for
``AtomicInt64Array``): every per-element operation is one C11 atomic
operation, sequentially consistent, with the scalar's argument rules and
wrap-around.  Elements are independent atomics; nothing makes two elements
change together.

Batches.  ``add_at``, ``fetch_add_at``, ``load_all`` and ``store_all`` do a
whole batch of element operations in one C call, so the cost of crossing
from Python into C (65-110 ns) is paid once per batch instead of once per
element.  Each element operation in a batch is still one atomic
read-modify-write (so concurrent batches never lose an update), but a batch
as a whole is not one atomic step: other threads can see it half done, and
``load_all`` is not a snapshot of one instant.

Validation before mutation.  Every argument of a batch is converted and
checked before the first element is touched, so an error leaves the array
unchanged.  A list, tuple or other iterable is packed into private memory
with ``struct``, whose C loop takes ints through ``__index__`` only: unlike
``ffi.new("int64_t[]", seq)``, which truncates ``Decimal("1.5")`` or
``Fraction(3, 2)`` through ``__int__``, it refuses them.  Packing costs
about 15-35 ns per item, more than the atomic update itself; a
one-dimensional contiguous buffer whose items already have the C type
(``array.array("q")`` for indices and for the deltas of an
``AtomicInt64Array``, a NumPy array of that dtype, a cast memoryview) is
used in place with no copy and no per-item Python work, which is the fast
path.  Do not change such a buffer while the call runs: the C code still
never writes outside the array (it checks every index again as it
applies it), but the batch would be whatever it read.

Memory.  An owned array is one ``ffi.new("char[]", ...)`` block, kept in
``_owner`` and used through ``_base``, a pointer to its first cache-line
boundary.  ``ffi.new`` memory is released only when its cdata is
deallocated, once nothing refers to it (``ffi.gc`` with ``free`` runs as a
finaliser, possibly before a ``__del__`` in the same collected cycle that
still uses the array), and that cdata is not tracked by the cycle
collector, so it goes only with the array itself (a ``memoryview`` window
on it could be cleared by the collector first).  Elements are aligned to
and padded to a cache-line pair: elements are dense (an array is usually
scanned or used as a histogram, where density matters more than false
sharing between neighbours), but no unrelated object shares a line with the
array's first or last elements.  ``from_buffer`` views use the buffer's
memory in place and keep the buffer alive.

No ``a[i]`` syntax, on purpose: ``a[i] += 1`` would be a load followed by a
store, silently not atomic.  Use ``a.load(i)`` and ``a.add(i, 1)``.
"""

from __future__ import annotations

import copy
import operator
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, SupportsIndex

from ._base import (
    _concrete,
    _offset_arg,
    aligned_pointer,
    show,
    type_error,
    type_name,
    writable_buffer,
)
from ._ffi import CELL_SIZE, ffi, lib

__all__ = [
    "AtomicInt32Array",
    "AtomicInt64Array",
    "AtomicIntegerArray",
    "AtomicUInt32Array",
    "AtomicUInt64Array",
]

_INDEX_ARRAY = ffi.typeof("int64_t[]")  # indices cross into C as int64_t
_INT_OR_INDEX = "an int or an object with __index__"


def _formats(size: int, signed: bool) -> frozenset[str]:
    """The native buffer formats of a ``size``-byte integer."""
    codes = "bhilq" if signed else "BHILQ"
    return frozenset(c for c in codes if struct.calcsize(c) == size)


_INDEX_FORMATS = _formats(8, True)


class AtomicIntegerArray:
    """Operations shared by the four atomic integer array types.

    Use one of the concrete types; this class only holds their methods.
    """

    __slots__ = ("_base", "_length", "_owner", "_owns", "__weakref__")

    MIN: ClassVar[int]
    MAX: ClassVar[int]
    BITS: ClassVar[int]

    _CTYPE: ClassVar[str]  # C type of one element, for example "int64_t"
    _SIZE: ClassVar[int]  # bytes in one element, also its required alignment
    _PTR: ClassVar[Any]  # cffi type "<_CTYPE> *"
    _CARRAY: ClassVar[Any]  # cffi type "<_CTYPE>[]"
    _FORMAT: ClassVar[str]  # struct code of one element, for example "q"
    _FORMATS: ClassVar[frozenset[str]]  # buffer formats with the same C type

    _LOAD: ClassVar[Any]
    _STORE: ClassVar[Any]
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
    _INCREMENT: ClassVar[Any]
    _DECREMENT: ClassVar[Any]
    _ADD_AT: ClassVar[Any]
    _FETCH_ADD_AT: ClassVar[Any]
    _LOAD_ALL: ClassVar[Any]
    _STORE_ALL: ClassVar[Any]

    _VERBS = (
        "load store swap compare_and_swap compare_exchange fetch_add fetch_sub "
        "fetch_and fetch_or fetch_xor fetch_max fetch_min add sub increment "
        "decrement add_at fetch_add_at load_all store_all"
    )

    def __init_subclass__(cls, kind: str = "", **kwargs: Any) -> None:
        """Give a concrete type its C functions: ``pa_<kind>a_<verb>`` becomes
        the class attribute ``_<VERB>`` (``_CAS`` and ``_CEX`` for the two
        compare operations).  A user's subclass passes no ``kind`` and
        inherits its parent's table."""
        super().__init_subclass__(**kwargs)
        if not kind:
            return
        cls._PTR = ffi.typeof(cls._CTYPE + " *")
        cls._CARRAY = ffi.typeof(cls._CTYPE + "[]")
        cls._FORMATS = _formats(cls._SIZE, cls.MIN < 0)
        cls._FORMAT = "q" if cls._SIZE == 8 else "i"
        if cls.MIN == 0:
            cls._FORMAT = cls._FORMAT.upper()
        for verb in cls._VERBS.split():
            name = {"compare_and_swap": "_CAS", "compare_exchange": "_CEX"}.get(
                verb, "_" + verb.upper()
            )
            setattr(cls, name, getattr(lib, f"pa_{kind}a_{verb}"))

    # -- construction ---------------------------------------------------------

    def __init__(
        self, length_or_values: SupportsIndex | Iterable[SupportsIndex]
    ) -> None:
        """Create an array: ``AtomicInt64Array(n)`` holds ``n`` zeros,
        ``AtomicInt64Array(iterable)`` a copy of the iterable's values.

        As with ``bytearray``, an int (or ``__index__`` object) is a length
        and anything else is iterated.  Raises ValueError for a negative
        length, TypeError for a value that is not an int, OverflowError for
        one outside [MIN, MAX], and MemoryError if the memory cannot be had.
        """
        _concrete(type(self))
        try:
            length = operator.index(length_or_values)  # type: ignore[arg-type]
        except TypeError:
            values = self._c_values(
                "length_or_values", length_or_values, "a length or an iterable of ints"
            )
            self._allocate(len(values))
            ffi.memmove(self._base, values, len(values) * self._SIZE)
            return
        if length < 0:
            raise ValueError(
                f"length_or_values must be a length >= 0 or an iterable, "
                f"not {show(length_or_values)}"
            )
        self._allocate(length)

    def _allocate(self, length: int) -> None:
        size = length * self._SIZE
        lines = -(-max(size, 1) // CELL_SIZE)
        try:
            if size > sys.maxsize:
                raise MemoryError
            # Owning, zeroed, not tracked by the cycle collector: see "Memory".
            raw = ffi.new("char[]", (lines + 1) * CELL_SIZE)
        except (MemoryError, OverflowError):
            raise MemoryError(
                f"pyatomic could not allocate an {type(self).__name__} of length "
                f"{show(length)} ({show(size)} bytes)"
            ) from None
        start = -int(ffi.cast("uintptr_t", raw)) % CELL_SIZE
        self._base = ffi.cast(self._PTR, raw + start)
        self._length = length
        self._owner = raw
        self._owns = True

    @classmethod
    def from_buffer(
        cls, buffer: Any, offset: SupportsIndex = 0, length: SupportsIndex | None = None
    ) -> Any:
        """Return an atomic array view of ``buffer`` starting at ``offset``.

        ``buffer`` is any writable object that supports the buffer protocol:
        ``bytearray``, ``mmap.mmap``, ``multiprocessing.shared_memory.
        SharedMemory.buf``, a writable ``memoryview`` or ``array.array``.  The
        view has ``length`` elements (default: as many whole elements as fit
        after ``offset``) and operates on that memory in place, so processes
        that map the same shared memory see the same atomics.  The view keeps
        ``buffer`` alive (and so keeps a bytearray from being resized and an
        mmap or SharedMemory from being closed).  The values are whatever the
        bytes already hold.

        Raises TypeError if ``buffer`` is not a buffer, is read-only or is
        not contiguous, or if ``offset`` or ``length`` is not an int;
        ValueError if the view would not fit in the buffer, if ``length`` is
        negative, or if ``offset``
        does not give an address aligned to the element size.  A view cannot
        be pickled; share the buffer instead.
        """
        _concrete(cls)
        offset = _offset_arg(offset)
        if length is not None:
            try:
                length = operator.index(length)
            except TypeError:
                type_error("length", length, "an int or None")
            if length < 0:
                raise ValueError(f"length must be >= 0 or None, not {show(length)}")
        data, start, size = writable_buffer(buffer)
        if offset < 0 or offset > size:
            raise ValueError(
                f"offset {show(offset)} is out of bounds for a {cls.__name__} "
                f"view on a buffer of {size} bytes; it must be between 0 and {size}"
            )
        if length is None:
            length = (size - offset) // cls._SIZE
        elif offset + length * cls._SIZE > size:
            raise ValueError(
                f"a {cls.__name__} view of length {show(length)} at offset "
                f"{show(offset)} "
                f"needs {length * cls._SIZE} bytes ({cls._SIZE} per element) but "
                f"the buffer of {size} bytes has only {size - offset} after "
                f"the offset; the length must be at most "
                f"{(size - offset) // cls._SIZE}"
            )
        base = aligned_pointer(cls, data, start + offset, offset)
        self = cls.__new__(cls)
        self._base = base
        self._length = length
        self._owner = data
        self._owns = False
        return self

    @classmethod
    def is_lock_free(cls) -> bool:
        """Return True: every element operation is lock-free (see the scalars)."""
        _concrete(cls)
        return bool(lib.pa_is_lock_free(cls._SIZE))

    # -- argument checking ----------------------------------------------------

    def _index(self, index: object) -> int:
        """Return ``index`` as a position in [0, len), or raise like a list."""
        try:
            i = operator.index(index)  # type: ignore[arg-type]
        except TypeError:
            type_error("index", index, _INT_OR_INDEX)
        n = self._length
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(
                f"{type(self).__name__} index out of range: index {show(index)}, "
                f"length {n}"
            )
        return i

    @classmethod
    def _arg(cls, name: str, value: object) -> int:
        """Return ``value`` as an int in range, or raise the exact error."""
        try:
            number = operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            type_error(name, value, _INT_OR_INDEX)
        if not cls.MIN <= number <= cls.MAX:
            raise OverflowError(
                f"{name}={show(value)} is out of range for {cls.__name__}: it must "
                f"be between {cls.MIN} and {cls.MAX}"
            ) from None
        return number

    @classmethod
    def _c_values(
        cls, name: str, values: object, expected: str = "an iterable of ints"
    ) -> Any:
        """``values`` as a C array of the element type (cdata, ``len()``
        items), checked exactly: see "Validation before mutation" above."""
        direct, read = _buffer_of(name, values, cls._CARRAY, cls._FORMATS, expected)
        if direct is not None:
            return direct
        items = _items(name, values, expected) if read is None else read
        try:
            packed = struct.pack(f"{len(items)}{cls._FORMAT}", *items)
        except (struct.error, TypeError, OverflowError) as exc:
            for k, item in enumerate(items):
                cls._arg(f"{name}[{k}]", item)
            raise exc  # pragma: no cover - struct refused what _arg accepts
        return ffi.from_buffer(cls._CARRAY, packed)

    def _c_indices(self, indices: object) -> Any:
        """``indices`` as a C int64 array; types are checked here, ranges by
        the C batch (which reports the first bad position)."""
        direct, read = _buffer_of(
            "indices", indices, _INDEX_ARRAY, _INDEX_FORMATS, "an iterable of ints"
        )
        if direct is not None:
            return direct
        items = (
            _items("indices", indices, "an iterable of ints") if read is None else read
        )
        try:
            packed = struct.pack(f"{len(items)}q", *items)
        except (struct.error, TypeError, OverflowError) as exc:
            n = self._length
            for k, item in enumerate(items):
                try:
                    i = operator.index(item)
                except TypeError:
                    type_error(f"indices[{k}]", item, _INT_OR_INDEX)
                if not -n <= i < n:
                    self._bad_index(k, item)
            raise exc  # pragma: no cover - struct refused what we accept
        return ffi.from_buffer(_INDEX_ARRAY, packed)

    def _bad_index(self, k: int, index: object) -> None:
        n = self._length
        raise IndexError(
            f"{type(self).__name__} index out of range: indices[{k}] is "
            f"{show(index)}, length {n}"
        )

    def _c_deltas(self, deltas: object, count: int) -> tuple[Any, int]:
        """``deltas`` as (C array, stride): stride 0 for one scalar delta."""
        try:
            delta = operator.index(deltas)  # type: ignore[arg-type]
        except TypeError:
            pass
        else:
            if type(deltas) is not int or not self.MIN <= delta <= self.MAX:
                delta = self._arg("deltas", deltas)
            return ffi.new(self._CARRAY, [delta]), 0
        values = self._c_values("deltas", deltas, "an int or an iterable of ints")
        if len(values) != count:
            raise ValueError(
                f"deltas must be one int or a sequence as long as indices "
                f"({count}), not a sequence of {len(values)}"
            )
        return values, 1

    # -- plain access ---------------------------------------------------------

    def load(self, index: SupportsIndex) -> int:
        """Atomically read and return element ``index``.

        Like every operation of this type, sequentially consistent.  Indices
        count from the end when negative, like a list's.  Raises TypeError if
        ``index`` is not an int (or ``__index__``) and IndexError if it is
        out of range.
        """
        if type(index) is int and 0 <= index < self._length:
            return self._LOAD(self._base, index)  # type: ignore[no-any-return]
        return self._LOAD(self._base, self._index(index))  # type: ignore[no-any-return]

    def store(self, index: SupportsIndex, value: SupportsIndex) -> None:
        """Atomically replace element ``index`` with ``value``.

        Raises IndexError/TypeError for a bad index as ``load``, TypeError if
        ``value`` is not an int (or ``__index__``) and OverflowError if it is
        outside [MIN, MAX]; the array is then unchanged.
        """
        if type(index) is int and 0 <= index < self._length and type(value) is int:
            try:
                return self._STORE(self._base, index, value)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        self._STORE(self._base, self._index(index), self._arg("value", value))

    def swap(self, index: SupportsIndex, value: SupportsIndex) -> int:
        """Atomically replace element ``index`` with ``value``; return the
        previous value.  Errors as for ``store``."""
        if type(index) is int and 0 <= index < self._length and type(value) is int:
            try:
                return self._SWAP(self._base, index, value)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._SWAP(  # type: ignore[no-any-return]
            self._base, self._index(index), self._arg("value", value)
        )

    def compare_and_swap(
        self, index: SupportsIndex, expected: SupportsIndex, new: SupportsIndex
    ) -> bool:
        """Atomically set element ``index`` to ``new`` if it equals ``expected``.

        Return True if the swap happened.  Strong: it never fails spuriously.
        Both values are checked as for ``store``, even when the swap would
        not happen.
        """
        if (
            type(index) is int
            and 0 <= index < self._length
            and type(expected) is int
            and type(new) is int
        ):
            try:
                return self._CAS(self._base, index, expected, new)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._CAS(  # type: ignore[no-any-return]
            self._base,
            self._index(index),
            self._arg("expected", expected),
            self._arg("new", new),
        )

    def compare_exchange(
        self, index: SupportsIndex, expected: SupportsIndex, new: SupportsIndex
    ) -> int:
        """Atomically set element ``index`` to ``new`` if it equals ``expected``.

        Return the value witnessed just before the operation: the swap
        happened if and only if it equals ``expected``.  Strong, and checked,
        as ``compare_and_swap``.
        """
        if (
            type(index) is int
            and 0 <= index < self._length
            and type(expected) is int
            and type(new) is int
        ):
            try:
                return self._CEX(self._base, index, expected, new)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._CEX(  # type: ignore[no-any-return]
            self._base,
            self._index(index),
            self._arg("expected", expected),
            self._arg("new", new),
        )

    # -- arithmetic returning the previous value ------------------------------

    def _rmw(self, fn: Any, name: str, index: object, value: object) -> int:
        """Slow path of the one-argument read-modify-writes: exact errors."""
        return fn(self._base, self._index(index), self._arg(name, value))  # type: ignore[no-any-return]

    def fetch_add(self, index: SupportsIndex, delta: SupportsIndex) -> int:
        """Atomically add ``delta`` (wrapping) to element ``index``; return the
        previous value.

        ``delta`` must itself lie in [MIN, MAX]: on unsigned types subtract
        with ``fetch_sub``.  Raises as ``store``.
        """
        if type(index) is int and 0 <= index < self._length and type(delta) is int:
            try:
                return self._FETCH_ADD(self._base, index, delta)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_ADD, "delta", index, delta)

    def fetch_sub(self, index: SupportsIndex, delta: SupportsIndex) -> int:
        """Atomically subtract ``delta`` (wrapping) from element ``index``;
        return the previous value.  Errors as for ``fetch_add``."""
        if type(index) is int and 0 <= index < self._length and type(delta) is int:
            try:
                return self._FETCH_SUB(self._base, index, delta)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_SUB, "delta", index, delta)

    def fetch_and(self, index: SupportsIndex, mask: SupportsIndex) -> int:
        """Atomically set element ``index`` to ``element & mask``; return the
        previous value.

        On signed types ``mask`` is a two's-complement bit pattern in
        [MIN, MAX] (so ``-1`` is all ones).  Errors as for ``store``.
        """
        if type(index) is int and 0 <= index < self._length and type(mask) is int:
            try:
                return self._FETCH_AND(self._base, index, mask)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_AND, "mask", index, mask)

    def fetch_or(self, index: SupportsIndex, mask: SupportsIndex) -> int:
        """Atomically set element ``index`` to ``element | mask``; return the
        previous value.  Errors as for ``fetch_and``."""
        if type(index) is int and 0 <= index < self._length and type(mask) is int:
            try:
                return self._FETCH_OR(self._base, index, mask)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_OR, "mask", index, mask)

    def fetch_xor(self, index: SupportsIndex, mask: SupportsIndex) -> int:
        """Atomically set element ``index`` to ``element ^ mask``; return the
        previous value.  Errors as for ``fetch_and``."""
        if type(index) is int and 0 <= index < self._length and type(mask) is int:
            try:
                return self._FETCH_XOR(self._base, index, mask)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_XOR, "mask", index, mask)

    def fetch_max(self, index: SupportsIndex, value: SupportsIndex) -> int:
        """Atomically set element ``index`` to ``max(element, value)``; return
        the previous value.  Lock-free (a CAS loop in C); errors as ``store``."""
        if type(index) is int and 0 <= index < self._length and type(value) is int:
            try:
                return self._FETCH_MAX(self._base, index, value)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_MAX, "value", index, value)

    def fetch_min(self, index: SupportsIndex, value: SupportsIndex) -> int:
        """Atomically set element ``index`` to ``min(element, value)``; return
        the previous value.  Lock-free (a CAS loop in C); errors as ``store``."""
        if type(index) is int and 0 <= index < self._length and type(value) is int:
            try:
                return self._FETCH_MIN(self._base, index, value)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._FETCH_MIN, "value", index, value)

    # -- arithmetic returning the new value -----------------------------------

    def add(self, index: SupportsIndex, delta: SupportsIndex) -> int:
        """Atomically add ``delta`` (wrapping) to element ``index``; return the
        new value, exactly what was stored.  Errors as for ``fetch_add``."""
        if type(index) is int and 0 <= index < self._length and type(delta) is int:
            try:
                return self._ADD(self._base, index, delta)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._ADD, "delta", index, delta)

    def sub(self, index: SupportsIndex, delta: SupportsIndex) -> int:
        """Atomically subtract ``delta`` (wrapping) from element ``index``;
        return the new value.  Errors as for ``fetch_add``."""
        if type(index) is int and 0 <= index < self._length and type(delta) is int:
            try:
                return self._SUB(self._base, index, delta)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        return self._rmw(self._SUB, "delta", index, delta)

    def increment(self, index: SupportsIndex) -> int:
        """Atomically add 1 to element ``index``; return the new value (wraps
        at MAX).  Errors for the index as ``load``."""
        if type(index) is int and 0 <= index < self._length:
            return self._INCREMENT(self._base, index)  # type: ignore[no-any-return]
        return self._INCREMENT(self._base, self._index(index))  # type: ignore[no-any-return]

    def decrement(self, index: SupportsIndex) -> int:
        """Atomically subtract 1 from element ``index``; return the new value
        (wraps at MIN).  Errors for the index as ``load``."""
        if type(index) is int and 0 <= index < self._length:
            return self._DECREMENT(self._base, index)  # type: ignore[no-any-return]
        return self._DECREMENT(self._base, self._index(index))  # type: ignore[no-any-return]

    def update(self, index: SupportsIndex, fn: Callable[[int], SupportsIndex]) -> int:
        """Atomically replace element ``index`` with ``fn(element)``; return the
        new value.

        A compare-and-swap loop: ``fn`` may be called more than once, with
        the freshest value each time, so it should be a pure function.  If
        ``fn`` raises, or returns something that is not an int in range
        (TypeError/OverflowError naming ``fn(...)``), the exception propagates
        and the element is unchanged.  Index errors as ``load``.
        """
        base, i = self._base, self._index(index)
        current: int = self._LOAD(base, i)
        while True:
            new = fn(current)
            if type(new) is not int or not self.MIN <= new <= self.MAX:
                new = self._arg(f"fn({show(current)})", new)
            seen: int = self._CEX(base, i, current, new)
            if seen == current:
                return new
            current = seen

    # -- batches --------------------------------------------------------------

    def add_at(
        self,
        indices: Iterable[SupportsIndex],
        deltas: SupportsIndex | Iterable[SupportsIndex] = 1,
    ) -> None:
        """Atomically add ``deltas[k]`` to element ``indices[k]``, for every k,
        in one C call (a histogram update).

        ``deltas`` is one int added at every index (default 1) or a sequence
        as long as ``indices``.  Repeated indices accumulate.  Each element
        update is one atomic, wrapping fetch-and-add, so concurrent batches
        and single operations never lose an update; the batch as a whole is
        not atomic (other threads may see part of it).  Every index and
        delta is checked before any element is touched, so on error the
        array is unchanged: TypeError for a non-int, IndexError for an index
        out of range (negative ones count from the end), OverflowError for a
        delta outside [MIN, MAX], ValueError if the lengths differ.
        """
        idx = self._c_indices(indices)
        count = len(idx)
        c_deltas, stride = self._c_deltas(deltas, count)
        done = self._ADD_AT(self._base, self._length, idx, c_deltas, stride, count)
        if done != count:
            self._bad_index(done, idx[done])

    def fetch_add_at(
        self,
        indices: Iterable[SupportsIndex],
        deltas: SupportsIndex | Iterable[SupportsIndex] = 1,
    ) -> list[int]:
        """As ``add_at``, and return the list of previous values: item k is the
        value that the update of ``indices[k]`` replaced (for a repeated
        index, each update sees the ones before it).  Errors as ``add_at``."""
        idx = self._c_indices(indices)
        count = len(idx)
        c_deltas, stride = self._c_deltas(deltas, count)
        previous = ffi.new(self._CARRAY, count)
        done = self._FETCH_ADD_AT(
            self._base, self._length, idx, c_deltas, stride, count, previous
        )
        if done != count:
            self._bad_index(done, idx[done])
        return ffi.unpack(previous, count)  # type: ignore[no-any-return]

    def load_all(self) -> list[int]:
        """Return a list of every element, each read atomically, in one C call.

        Not a snapshot of one instant: elements are read in index order and
        other threads may update any of them between two reads.
        """
        n = self._length
        out = ffi.new(self._CARRAY, n)
        self._LOAD_ALL(self._base, n, out)
        return ffi.unpack(out, n)  # type: ignore[no-any-return]

    def store_all(self, values: Iterable[SupportsIndex]) -> None:
        """Atomically store ``values[i]`` into each element ``i``, in index
        order, in one C call.

        ``values`` must have exactly ``len(self)`` items.  All are checked
        before the first store (TypeError, OverflowError as ``store``;
        ValueError for a wrong length), so on error the array is unchanged.
        Not atomic as a whole: a concurrent ``load_all`` may see a mix.
        """
        c_values = self._c_values("values", values)
        if len(c_values) != self._length:
            raise ValueError(
                f"values must have {self._length} items to fill the "
                f"{type(self).__name__}, not {len(c_values)}"
            )
        if self._length:
            self._STORE_ALL(self._base, self._length, c_values)

    # -- Python protocols -----------------------------------------------------

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[int]:
        """Iterate over a ``load_all()`` snapshot taken when iteration starts."""
        return iter(self.load_all())

    def __copy__(self) -> Any:
        """An owned array with the same class, values and ``__dict__`` (also
        of a view: the copy owns its memory)."""
        other = _rebuild(type(self), self.load_all())
        state = getattr(self, "__dict__", None)
        if state:
            other.__dict__.update(state)
        return other

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        other = _rebuild(type(self), self.load_all())
        memo[id(self)] = other
        state = getattr(self, "__dict__", None)
        if state:
            other.__dict__.update(copy.deepcopy(state, memo))
        return other

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as an owned array of the same class, values and
        instance ``__dict__``, rebuilt without calling a subclass's
        ``__init__`` (which may take other arguments)."""
        if not self._owns:
            raise TypeError(
                f"cannot pickle a {type(self).__name__} view on a buffer: the "
                "memory it points to does not travel with it. Share the buffer "
                "itself (for example a multiprocessing.shared_memory."
                "SharedMemory by name) and call from_buffer() on the other side"
            )
        state = getattr(self, "__dict__", None)
        return (_rebuild, (type(self), self.load_all()), state or None)

    def __repr__(self) -> str:
        where = "" if self._owns else ", view"
        return f"{type(self).__name__}({self.load_all()!r}{where})"


def _rebuild(cls: type[AtomicIntegerArray], values: list[int]) -> Any:
    """Unpickle (or copy) an array of class ``cls`` holding ``values``."""
    self = cls.__new__(cls)
    AtomicIntegerArray.__init__(self, values)
    return self


def _buffer_of(
    name: str, values: object, carray: Any, formats: frozenset[str], expected: str
) -> tuple[Any, list[Any] | None]:
    """``values`` as ``(C array, None)`` if it is a one-dimensional contiguous
    buffer whose items already have the C type (``array.array("q")``, a
    NumPy int64 array, a cast memoryview); as ``(None, items)`` for another
    one-dimensional buffer, read item by item (``bytes``, ``array("d")``,
    or a memoryview of a ctypes array, format ``"<q"``, which memoryview
    itself cannot iterate); ``(None, None)`` if it is not a buffer.

    Raises TypeError naming ``name`` for a 0-dimensional buffer, a buffer
    of more than one dimension, or one whose format cannot be read.
    """
    if type(values) is list or type(values) is tuple:
        return None, None
    try:
        view = memoryview(values)  # type: ignore[arg-type]
    except TypeError:
        return None, None
    with view:
        fmt = view.format[1:] if view.format[:1] == "@" else view.format
        if fmt in formats and view.ndim == 1 and view.c_contiguous:
            return ffi.from_buffer(carray, values), None
        if view.ndim != 1:
            raise TypeError(
                f"{name} must be {expected}, not a {view.ndim}-dimensional "
                f"{type_name(values)} buffer: pass a one-dimensional buffer or "
                "a flat sequence"
            )
        try:
            return None, view.tolist()
        except NotImplementedError:
            pass
        try:
            return None, [item for (item,) in struct.iter_unpack(fmt, view.tobytes())]
        except struct.error:
            raise TypeError(
                f"{name} must be {expected}, not a {type_name(values)} buffer of "
                f"format {view.format!r}, whose items pyatomic cannot read"
            ) from None


def _items(name: str, values: Any, expected: str) -> list[Any] | tuple[Any, ...]:
    """``values`` as a list or tuple, iterating it (once) if needed.

    Buffers whose items are not the element type (``bytes``, an
    ``array.array("d")``) get here too and are iterated like any sequence,
    never reinterpreted as raw memory.
    """
    if type(values) is list or type(values) is tuple:
        return values
    try:
        return list(values)
    except TypeError:
        if not hasattr(values, "__iter__"):
            type_error(name, values, expected)
        raise


class AtomicInt32Array(AtomicIntegerArray, kind="i32"):
    """An array of signed 32-bit integers with lock-free, sequentially
    consistent element operations and batch updates.

    >>> hist = AtomicInt32Array(4)
    >>> hist.add_at([0, 3, 3, -1])
    >>> hist.load_all()
    [1, 0, 0, 3]
    """

    __slots__ = ()
    _CTYPE = "int32_t"
    _SIZE = 4
    BITS, MIN, MAX = 32, -(2**31), 2**31 - 1


class AtomicInt64Array(AtomicIntegerArray, kind="i64"):
    """An array of signed 64-bit integers with lock-free, sequentially
    consistent element operations and batch updates.

    >>> a = AtomicInt64Array([5, 6, 7])
    >>> a.fetch_add(0, 10), a.compare_and_swap(-1, 7, 70), list(a)
    (5, True, [15, 6, 70])
    """

    __slots__ = ()
    _CTYPE = "int64_t"
    _SIZE = 8
    BITS, MIN, MAX = 64, -(2**63), 2**63 - 1


class AtomicUInt32Array(AtomicIntegerArray, kind="u32"):
    """An array of unsigned 32-bit integers with lock-free, sequentially
    consistent element operations and batch updates.

    >>> bits = AtomicUInt32Array(2)
    >>> bits.fetch_or(1, 0b100), bits.load(1)
    (0, 4)
    """

    __slots__ = ()
    _CTYPE = "uint32_t"
    _SIZE = 4
    BITS, MIN, MAX = 32, 0, 2**32 - 1


class AtomicUInt64Array(AtomicIntegerArray, kind="u64"):
    """An array of unsigned 64-bit integers with lock-free, sequentially
    consistent element operations and batch updates.

    >>> a = AtomicUInt64Array(1)
    >>> a.decrement(0) == AtomicUInt64Array.MAX   # wraps, like the scalars
    True
    """

    __slots__ = ()
    _CTYPE = "uint64_t"
    _SIZE = 8
    BITS, MIN, MAX = 64, 0, 2**64 - 1
