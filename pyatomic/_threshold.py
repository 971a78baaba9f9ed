"""ThresholdCounter: a counter that runs a callback once when it reaches a bound.

Design: one atomic 64-bit count, nothing else.  ``increment(n)`` is one
atomic ``add`` that returns the new count ``new``; the count just before it
was exactly ``new - n``, because the add is a single atomic read-modify-
write.  ``reset()`` is one atomic swap to 0 that returns the count it cleared.

Exactly once per arming.  An *arming* is the stretch of the count's history
between two resets (or from creation to the first reset).  Within an arming
the count only grows, one add at a time, starting from 0, so the adds cut
[0, count] into disjoint intervals (new - n, new]; at most one of them
contains the threshold, and that add - the *crosser*, with
``new - n < threshold <= new`` - fires the callback.  It does so also when it
jumps over the threshold, and every increment after it (including one made by
the callback itself) starts at or above the threshold, so it cannot fire
again, and nothing waits for anything: no deadlock.  Each add falls entirely
inside one arming, since add and reset are atomic operations on the same
word, so an increment racing with ``reset`` is counted either before it (and
may fire for the old arming, even after ``reset`` returned) or after it, in
the new arming - never in both, never lost.

``fired`` is ``count >= threshold``: it becomes True at the crosser's add
(before the callback has run) and stays True until a reset.

No wrap.  All of this needs the count to only grow within an arming.  A
64-bit count that wrapped past 2**63 - 1 would restart from -2**63, climb
to the threshold again and fire a second time.  So every add is one
compare-and-swap loop in C (``pa_threshold_add``) that refuses an add that
would pass 2**63 - 1: the count is unchanged and ``increment`` raises
OverflowError.  The refusal is decided on the very value the swap
replaces, so no interleaving of adds can wrap the count.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from concurrent.futures import Executor
from types import MethodType
from typing import Any, SupportsIndex

from ._base import show, type_error
from ._ffi import lib
from ._int import AtomicInt64

__all__ = ["ThresholdCounter"]

_MAX = 2**63 - 1


def _positive(name: str, value: object) -> int:
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        type_error(name, value, "an int")
    if not 1 <= number <= _MAX:
        raise ValueError(
            f"{name} must be between 1 and {_MAX}, not {show(value)}"
        ) from None
    return number


class ThresholdCounter:
    """A counter that calls ``callback()`` once when the count reaches ``threshold``.

    The callback runs exactly once per arming (from creation, or from a
    ``reset``) as soon as the count first reaches or passes ``threshold``,
    also when an ``increment(n)`` jumps over it, in the thread whose increment
    crossed it, or submitted to ``executor`` (``executor.submit(callback)``)
    if one is given.  If the callback (or ``submit``) raises, the exception
    reaches that caller and the counter stays fired; with an executor, an
    exception inside the callback stays in the executor's Future, which
    ``increment`` does not return.  A callback may
    increment the same counter: that neither blocks nor fires again.  Every
    operation is lock-free and sequentially consistent.

    The count never exceeds 2**63 - 1: an increment that would pass it
    raises OverflowError and leaves the count unchanged (it never wraps, so
    it can never fire twice in one arming).

    Performance: ``increment`` is 1 cffi call; ``count``, ``fired`` and
    ``reset`` 1 each.

    >>> hits = []
    >>> c = ThresholdCounter(3, lambda: hits.append("full"))
    >>> c.increment(), c.increment(5), c.increment(), hits
    (1, 6, 7, ['full'])
    >>> c.reset(), c.fired, c.count
    (7, False, 0)
    """

    __slots__ = (
        "_count",
        "_add",
        "_threshold",
        "_callback",
        "_executor",
        "__weakref__",
    )

    def __init__(
        self,
        threshold: SupportsIndex,
        callback: Callable[[], object],
        *,
        executor: Executor | None = None,
    ) -> None:
        """Create the counter at 0, armed.

        Raises TypeError if ``threshold`` is not an int, ``callback`` is not
        callable or ``executor`` has no ``submit`` method, and ValueError if
        ``threshold`` is not between 1 and 2**63 - 1.
        """
        self._threshold = _positive("threshold", threshold)
        if not callable(callback):
            type_error("callback", callback, "callable")
        if executor is not None and not callable(getattr(executor, "submit", None)):
            type_error("executor", executor, "None or an Executor with submit()")
        self._callback = callback
        self._executor = executor
        self._count = AtomicInt64()
        self._add = MethodType(lib.pa_threshold_add, self._count._cell)

    @property
    def threshold(self) -> int:
        """The count at which the callback fires."""
        return self._threshold

    @property
    def count(self) -> int:
        """The count (atomically read)."""
        return self._count.load()

    @property
    def fired(self) -> bool:
        """True once the count has reached the threshold in this arming."""
        return self._count.load() >= self._threshold

    def increment(self, n: SupportsIndex = 1) -> int:
        """Atomically add ``n`` to the count; return the new count.

        If this increment is the one that reaches or passes the threshold,
        run (or submit) the callback before returning; its exception, if
        any, propagates.  Raises TypeError if ``n`` is not an int and
        ValueError if it is not between 1 and 2**63 - 1, before counting;
        OverflowError if the count would pass 2**63 - 1 (then the count is
        unchanged: it never wraps).
        """
        if type(n) is not int or not 1 <= n <= _MAX:
            n = _positive("n", n)
        new: int = self._add(n)
        if new < 0:
            raise OverflowError(
                f"n={n} would take the count of this {type(self).__name__} past "
                f"{_MAX}; it must not wrap, so the count is unchanged"
            )
        if new - n < self._threshold <= new:
            self._fire()
        return new

    def _fire(self) -> None:
        executor = self._executor
        if executor is None:
            self._callback()
        else:
            executor.submit(self._callback)

    def reset(self) -> int:
        """Atomically set the count to 0 and re-arm; return the previous count.

        An increment racing with ``reset`` is counted either in the previous
        count (and may fire for that arming even after ``reset`` returns) or
        from 0 in the new arming, never both.
        """
        return self._count.swap(0)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} count={self.count} "
            f"threshold={self._threshold} fired={self.fired}>"
        )

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle a {type(self).__name__}")
