"""CountDownLatch: a one-shot gate that opens after ``count`` count-downs.

The state is one AtomicInt32, the count still to go; no lock anywhere.

* The count only ever decreases, through a compare-and-swap loop that
  refuses to take it below zero, so once it reaches zero it stays there and
  the latch is open for good.
* Exactly one ``count_down`` moves it to zero (the one whose CAS went from
  ``n`` to ``0``), and that call then does ``notify_all``.  Intermediate
  count-downs notify nobody, which keeps them at the cost of one CAS.
* A waiter loads the count ``c``; if it is zero it returns, otherwise it
  waits for the count to differ from ``c`` and loads again.  If the last
  count-down happened before the waiter's wait, the wait sees a value other
  than ``c`` and returns at once; if after, the ``notify_all`` wakes it (the
  no-lost-wake-up argument of ``csrc/pa_wait.c``).  A waiter sleeping on a
  ``c`` that an intermediate count-down changed is woken by the final
  ``notify_all`` as well, or re-checks at the end of its 50 ms sleep slice.
"""

from __future__ import annotations

import operator
from time import monotonic
from typing import Any, SupportsIndex

from ._base import show, type_error
from ._int import AtomicInt32
from ._wait import _deadline

__all__ = ["CountDownLatch"]


class CountDownLatch:
    """A gate that opens once ``count_down`` has been called ``count`` times.

    Threads that call ``wait`` block until the count reaches zero; after
    that every ``wait`` returns True at once.  The latch cannot be reset
    (make a new one).  Lock-free on the count-down side: each ``count_down``
    is one sequentially consistent compare-and-swap, plus a ``notify_all``
    for the last.  Waiting releases the GIL and lets Ctrl-C through.

    Not supported: counting below zero (ValueError, the count is
    unchanged), sharing a latch between processes, pickling.

    >>> import threading
    >>> done = CountDownLatch(3)
    >>> for _ in range(3):
    ...     threading.Thread(target=done.count_down).start()
    >>> done.wait(timeout=10), done.count
    (True, 0)
    """

    __slots__ = ("_count", "__weakref__")

    def __init__(self, count: SupportsIndex) -> None:
        """Create a latch that opens after ``count`` count-downs.

        ``count`` is an int (or ``__index__``) from 0 (open from the start)
        to 2**31 - 1.  Raises TypeError for a non-integer, ValueError if
        negative, OverflowError if larger.
        """
        number = _int_arg("count", count)
        if number > AtomicInt32.MAX:
            raise OverflowError(
                f"count={show(count)} is too large for a CountDownLatch: it must be "
                f"at most {AtomicInt32.MAX}"
            )
        self._count = AtomicInt32(number)

    @property
    def count(self) -> int:
        """The count-downs still needed to open the latch (0 once open)."""
        return self._count.load()

    def count_down(self, n: SupportsIndex = 1) -> int:
        """Atomically subtract ``n`` (default 1) from the count; return the new count.

        The call that brings the count to zero releases every waiter.
        Sequentially consistent.  ``n=0`` changes nothing.  Raises TypeError
        if ``n`` is not an int, ValueError if it is negative or larger than
        the count left; the count is then unchanged.
        """
        step = _int_arg("n", n)
        cell = self._count
        current = cell.load()
        while True:
            if step > current:
                raise ValueError(
                    f"n={show(n)} would take the latch's count below zero: only "
                    f"{current} count-downs are left"
                )
            seen = cell.compare_exchange(current, current - step)
            if seen == current:
                break
            current = seen
        left = current - step
        if left == 0 and step:
            cell.notify_all()
        return left

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the count is zero; return True then, False on timeout.

        Returns True at once if the latch is already open.  ``timeout`` is
        None (wait for ever, the default) or a non-negative number of
        seconds; TypeError for a non-number or a bool, ValueError for a
        negative number or NaN.  Signal handlers (Ctrl-C) run within 50 ms.
        """
        deadline = None if timeout is None else _deadline(timeout)
        cell = self._count
        while True:
            current = cell.load()
            if current == 0:
                return True
            if deadline is None:
                cell.wait(current)
                continue
            left = deadline - monotonic()
            if left <= 0:
                return False
            cell.wait(current, left)

    def __repr__(self) -> str:
        return f"CountDownLatch(count={self._count.load()})"

    def __reduce__(self) -> Any:
        raise TypeError(
            "cannot pickle a CountDownLatch: a copy would be a different gate. "
            "Share it between threads; between processes, use wait/notify on "
            "an AtomicInt32 view of shared memory"
        )


def _int_arg(name: str, value: object) -> int:
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        type_error(name, value, "an int")
    if number < 0:
        raise ValueError(f"{name} must be non-negative, not {show(value)}")
    return number
