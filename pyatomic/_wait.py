"""wait/notify for AtomicInt32, AtomicUInt32 and AtomicBool (issue #4).

The model is C++20's ``std::atomic::wait``: ``wait(expected)`` returns at
once if the value differs from ``expected``, and otherwise sleeps until a
``notify_one``/``notify_all`` that follows a change of value.  A wake-up that
finds the value still equal to ``expected`` (a notify without a change, a
change to a neighbouring byte of a bool, a spurious futex return) is absorbed
and the thread goes back to sleep, so ``wait`` returning True always means
"I saw a different value".  The C side (``csrc/pa_wait.c``) argues why no
wake-up is lost: a Linux futex, or a mutex/condition-variable table elsewhere.

Waiting and signals.  cffi releases the GIL around every C call, so a waiting
thread never blocks the others.  But Python runs signal handlers only between
bytecodes, in the main thread, so a thread asleep in C for an hour would hold
Ctrl-C back for an hour.  ``wait`` therefore sleeps in slices of at most
``_SLICE_NS`` (50 ms), and returns to this loop between slices; the loop's
backward jump is where the interpreter runs pending handlers, so a
KeyboardInterrupt (or any exception a handler raises) propagates out of
``wait`` within one slice -- at once, in practice, since the signal also
interrupts the futex sleep.  The overall timeout is measured against one
monotonic deadline, so the slicing neither shortens nor stretches it.

Bools.  A futex waits on an aligned 32-bit word, and a bool is one byte: a
bool waits on the aligned word that contains it and tests only its own byte,
where any nonzero value is True, as in every other AtomicBool operation (on
a view over a byte holding 2, ``wait(True)`` keeps waiting and
``wait(False)`` returns at once).  The wait therefore *reads* the other
three bytes of that word, which may lie outside the viewed buffer: a view on
the last byte of a bytearray also reads up to 3 bytes past its end.  The
read never faults (an aligned word lies within one page, the bool's own),
its value is masked away, and nothing is written there; but memory checkers
that track allocations byte by byte call it an overread, so the one C
function that does it is excluded from AddressSanitizer (``csrc/pa_wait.c``
argues the details), and Valgrind may need ``--partial-loads-ok=yes``.

Known limitations.  Like C++, a waiter that sleeps through a change and its
reversal (A -> B -> A) before it re-checks keeps waiting (ABA).
``notify_one`` wakes one waiter of the cell, which may be one waiting for a
different value; use ``notify_all`` when waiters expect different values (a
waiter skipped this way still returns within a slice).  Cross-process wakes
need a view (``from_buffer``) on memory both processes map, such as
``multiprocessing.shared_memory.SharedMemory.buf``; on the portable fallback
(non-Linux) they are delivered by polling every millisecond.
"""

from __future__ import annotations

import operator
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar, SupportsIndex

from ._base import show, type_error
from ._ffi import lib

__all__ = ["Waitable"]

_SLICE_NS = 50_000_000  # longest sleep in C between two signal checks
_SLICE = _SLICE_NS / 1e9


class Waitable:
    """Mixin giving ``wait``, ``notify_one`` and ``notify_all`` to AtomicInt32,
    AtomicUInt32 and AtomicBool."""

    __slots__ = ()

    _WAIT: ClassVar[Any]  # lib.pa_<kind>_wait
    _NOTIFY: ClassVar[Any]  # lib.pa_<kind>_notify

    if TYPE_CHECKING:
        _cell: Any
        _owner: Any
        _SIZE: ClassVar[int]
        MIN: ClassVar[int]
        MAX: ClassVar[int]

        @classmethod
        def _arg(cls, name: str, value: object) -> int: ...

    def __init_subclass__(cls, kind: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(kind=kind, **kwargs)  # type: ignore[call-arg]
        if kind:
            cls._WAIT = getattr(lib, f"pa_{kind}_wait")
            cls._NOTIFY = getattr(lib, f"pa_{kind}_notify")

    def wait(self, expected: SupportsIndex, timeout: float | None = None) -> bool:
        """Block until the value differs from ``expected``; return True then.

        Returns True at once if the value already differs.  Otherwise sleeps
        until another thread (or, for a view on shared memory, another
        process) changes the value and calls ``notify_one`` or
        ``notify_all``, and returns True once it sees a value other than
        ``expected``.  Wake-ups that find the value unchanged are absorbed.
        Returns False if ``timeout`` seconds pass first (``None``, the
        default, waits for ever; ``0`` only checks).  The check is a
        sequentially consistent load.  The GIL is released while sleeping,
        and signal handlers run (so Ctrl-C raises KeyboardInterrupt here)
        within 50 ms.  See the module's known limitations (ABA).

        ``expected`` is checked like ``store``'s argument: TypeError or
        OverflowError for an integer type, TypeError unless True or False
        for AtomicBool.  ``timeout`` must be None or a non-negative number
        of seconds: TypeError for a non-number or a bool (``timeout=True``
        is surely a mistake), ValueError for a negative number or NaN.
        """
        want = self._expected_arg(expected)
        deadline = None if timeout is None else _deadline(timeout)
        cell, wait, shared = self._cell, self._WAIT, self._owner is not None
        while True:
            if deadline is None:
                slice_ns = _SLICE_NS
            else:
                left = deadline - monotonic()
                # Round up so that C's deadline is not before ours.
                slice_ns = _SLICE_NS if left > _SLICE else max(0, int(left * 1e9) + 1)
            if wait(cell, want, slice_ns, shared) == 1:
                return True
            if deadline is not None and monotonic() >= deadline:
                return False
            # The jump back to the loop's head runs pending signal handlers.

    def notify_one(self) -> None:
        """Wake one thread blocked in ``wait`` on this atomic, if any.

        Call it after changing the value; a notify without a change wakes a
        waiter that goes back to sleep.  On a view, this also wakes waiters
        in other processes sharing the memory.  Raises nothing.
        """
        self._NOTIFY(self._cell, False, self._owner is not None)

    def notify_all(self) -> None:
        """Wake every thread blocked in ``wait`` on this atomic.

        As ``notify_one`` otherwise.  Costs a few atomic loads when nobody
        waits on a cell pyatomic allocated; on a view it always makes a
        system call, since waiters in other processes cannot be counted.
        """
        self._NOTIFY(self._cell, True, self._owner is not None)

    def _expected_arg(self, expected: object) -> Any:
        if self._SIZE == 1:  # AtomicBool
            if expected is True or expected is False:
                return expected
            type_error("expected", expected, "True or False")
        if type(expected) is int and self.MIN <= expected <= self.MAX:
            return expected
        return self._arg("expected", expected)


def _deadline(timeout: object) -> float | None:
    """The monotonic deadline ``timeout`` seconds from now (None: never)."""
    cls = type(timeout)
    if cls is bool:  # an int, but True meaning "1 second" is surely a mistake
        type_error("timeout", timeout, "None or a number of seconds")
    if cls is not int and cls is not float:
        if not (hasattr(cls, "__float__") or hasattr(cls, "__index__")):
            type_error("timeout", timeout, "None or a number of seconds")
    try:
        seconds = float(timeout)  # type: ignore[arg-type]
    except OverflowError:  # too large for a float: for ever, unless negative
        if _is_negative(timeout):
            raise ValueError(
                f"timeout must be non-negative, not {show(timeout)}"
            ) from None
        return None
    if seconds != seconds:
        raise ValueError("timeout must be a number of seconds, not NaN")
    if seconds < 0:
        raise ValueError(f"timeout must be non-negative, not {show(timeout)}")
    if seconds == float("inf"):
        return None
    return monotonic() + seconds


def _is_negative(number: object) -> bool:
    """Whether ``number`` (one that float() found too large) is below zero."""
    try:
        return bool(number < 0)  # type: ignore[operator]
    except TypeError:  # an __index__-only object
        return operator.index(number) < 0  # type: ignore[arg-type]
