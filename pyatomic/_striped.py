"""StripedCounter: a counter that many threads can add to without contention.

The same design as Java's ``LongAdder``: the count is spread over several
cells, each on its own cache-line pair, and each thread adds to the cell its
per-thread hash picks, moving to another cell when it meets contention.  The
correctness argument (no add lost, ``sum_then_reset`` counts each add
exactly once) is in ``csrc/pa_striped.c``; so is the choice of cell, which
runs in C so that ``increment()`` is one cffi call and no Python frame.

Use it for statistics that many threads bump and few read (hits, bytes
served, events).  To read-and-act on the exact value (a ticket, a limit),
use ``AtomicInt64``: a striped counter has no atomic read.

Memory.  The cells are one ``ffi.new("char[]", ...)`` block, never
``malloc`` with an ``ffi.gc`` destructor: cffi runs such a destructor as a
finaliser, and when a reference cycle is collected it may run before a
``__del__`` in the same cycle that still uses the counter.  ``ffi.new``
memory is released only when its cdata is deallocated, which happens only
once nothing refers to it.  That cdata is the very object the bound
``increment``/``decrement`` hold, and it is not tracked by the cycle
collector.  (A cache-line-aligned window made with ``memoryview`` and
``ffi.from_buffer`` would not do: the collector can clear the memoryview
while the window is still exported, which frees the block early, and
CPython 3.11 then leaks a BufferError out of ``gc.collect()``.)  C
aligns the counter to a cache line inside the block, and allocates and
frees nothing.

Subclasses.  ``increment`` and ``decrement`` are bound C calls stored in
slots; they are set through this class's slot descriptors, never with
``self.x = ...``, so a subclass's own ``increment`` (a method in its class)
still wins over the slot.  Copying and pickling rebuild the object with
``cls.__new__`` and a private initialiser, never a subclass's ``__init__``,
and carry a subclass's instance ``__dict__`` along.
"""

from __future__ import annotations

import operator
import os
from types import MethodType
from typing import TYPE_CHECKING, Any, SupportsIndex

from ._base import show, type_error
from ._ffi import ffi, lib

__all__ = ["StripedCounter"]

_MIN, _MAX = -(2**63), 2**63 - 1


def _default_cells() -> int:
    """A power of two at least twice the CPU count (fewer hash collisions
    between threads), between 4 and 256."""
    want = 2 * (os.cpu_count() or 1)
    cells = 4
    while cells < want and cells < 256:
        cells *= 2
    return cells


_CELLS = _default_cells()


def _n_arg(name: str, value: object) -> int:
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        type_error(name, value, "an int or an object with __index__")
    if not _MIN <= number <= _MAX:
        raise OverflowError(
            f"{name}={show(value)} is out of range for StripedCounter: it must be "
            f"between {_MIN} and {_MAX}"
        ) from None
    return number


class StripedCounter:
    """A signed 64-bit counter striped over cache-line-padded cells.

    Every update is lock-free (in fact wait-free) and sequentially
    consistent on the cell it touches.  The value is the sum of the cells
    modulo 2**64, so it wraps like ``AtomicInt64``.

    What ``sum()`` means while other threads add: it reads each cell once,
    so it counts every add that finished before ``sum()`` started, none
    that started after it returned, and any subset of those that overlap
    it.  It is not an atomic snapshot (with only positive adds it lies
    between the true totals at its start and at its end), and it is exact
    once the writers stop.

    Not supported: ``from_buffer`` (the cells are private to the process),
    an atomic read-and-modify of the total, and any operation whose result
    depends on the current total.

    >>> hits = StripedCounter()
    >>> hits.increment(); hits.add(41)
    >>> hits.sum()
    42
    >>> hits.sum_then_reset(), hits.sum()
    (42, 0)
    """

    __slots__ = ("_counter", "increment", "decrement", "__weakref__")

    if TYPE_CHECKING:
        # At run time these are per-instance bound C functions; declared here
        # so that type checkers see their types.
        def increment(self) -> None:
            """Atomically add 1 to the counter (wrapping)."""

        def decrement(self) -> None:
            """Atomically subtract 1 from the counter (wrapping)."""

    def __init__(self, value: SupportsIndex = 0) -> None:
        """Create a counter whose sum is ``value`` (default 0).

        Raises TypeError if ``value`` is not an int and OverflowError if it
        is outside the int64 range.
        """
        if type(value) is not int or not _MIN <= value <= _MAX:
            value = _n_arg("value", value)
        self._setup(value)

    def _setup(self, value: int) -> None:
        """Give this instance its cells, holding ``value``."""
        # An owning cdata, no memoryview: see "Memory" above.
        counter = ffi.new("char[]", lib.pa_striped_bytes(_CELLS))
        lib.pa_striped_init(counter, _CELLS)
        self._counter = counter
        # Through the slot descriptors, so a subclass's methods still win.
        _SET_INCREMENT(self, MethodType(lib.pa_striped_increment, counter))
        _SET_DECREMENT(self, MethodType(lib.pa_striped_decrement, counter))
        if value:
            lib.pa_striped_add(counter, value)

    def add(self, n: SupportsIndex = 1) -> None:
        """Atomically add ``n`` (default 1, wrapping) to the counter.

        Returns nothing: the total is not read.  Raises TypeError if ``n`` is
        not an int (or ``__index__``) and OverflowError if it is outside the
        int64 range; the counter is then unchanged.
        """
        if type(n) is int:
            try:
                return lib.pa_striped_add(self._counter, n)  # type: ignore[no-any-return]
            except OverflowError:
                pass
        lib.pa_striped_add(self._counter, _n_arg("n", n))

    def sum(self) -> int:
        """Return the sum of the cells: the counter's value once no adds run.

        See the class docstring for what it means during concurrent adds.
        """
        return lib.pa_striped_sum(self._counter)  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Set every cell to 0, one atomic store each.

        Adds that run concurrently may be lost (those that land on a cell
        just before its store); use ``sum_then_reset`` to drain the counter
        while others add.
        """
        lib.pa_striped_reset(self._counter)

    def sum_then_reset(self) -> int:
        """Atomically swap each cell with 0 in turn; return the sum taken.

        Safe while other threads add and while other threads drain: every
        add is returned by exactly one ``sum_then_reset`` or stays in the
        counter, never lost and never counted twice.
        """
        return lib.pa_striped_sum_then_reset(self._counter)  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        state = getattr(self, "__dict__", None)
        return (_rebuild, (type(self), self.sum()), state or None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.sum()!r})"


_SET_INCREMENT = StripedCounter.__dict__["increment"].__set__
_SET_DECREMENT = StripedCounter.__dict__["decrement"].__set__


def _rebuild(cls: type[StripedCounter], value: int) -> StripedCounter:
    """Unpickle (or copy) a counter of class ``cls`` holding ``value``,
    without calling a subclass's ``__init__``."""
    self = cls.__new__(cls)
    StripedCounter._setup(self, value)
    return self
