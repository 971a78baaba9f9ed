"""AtomicBool: a lock-free, sequentially consistent flag."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ._base import Atomic, type_error
from ._wait import Waitable

__all__ = ["AtomicBool"]


def _bool_arg(name: str, value: object) -> bool:
    if value is True or value is False:
        return value
    type_error(name, value, "True or False")


class AtomicBool(Waitable, Atomic, kind="bool"):
    """A boolean with lock-free, sequentially consistent operations.

    Only ``True`` and ``False`` are accepted: ``1``, ``0``, ``None`` and other
    truthy or falsy objects raise ``TypeError``, so a typo cannot store a
    surprising value.  ``bool(flag)`` is ``flag.load()``.

    >>> ready = AtomicBool()
    >>> ready.compare_and_swap(False, True), ready.swap(False), bool(ready)
    (True, True, False)
    """

    __slots__ = ()
    _CTYPE = "bool"
    _SIZE = 1
    _VERBS = "load store swap compare_and_swap compare_exchange"
    _SWAP: ClassVar[Any]
    _CAS: ClassVar[Any]
    _CEX: ClassVar[Any]

    if TYPE_CHECKING:

        def load(self) -> bool:
            """Atomically read and return the value."""

    def __init__(self, value: bool = False) -> None:
        """Create the flag holding ``value`` (default False)."""
        self._new_cell()
        self._STORE(self._cell, _bool_arg("value", value))

    def store(self, value: bool) -> None:
        """Atomically set the flag to ``value``; TypeError unless a bool."""
        if value is True or value is False:
            return self._STORE(self._cell, value)  # type: ignore[no-any-return]
        type_error("value", value, "True or False")

    def swap(self, value: bool) -> bool:
        """Atomically set the flag to ``value``; return the previous value."""
        if value is True or value is False:
            return self._SWAP(self._cell, value)  # type: ignore[no-any-return]
        type_error("value", value, "True or False")

    def compare_and_swap(self, expected: bool, new: bool) -> bool:
        """Atomically set the flag to ``new`` if it equals ``expected``.

        Return True if the swap happened (strong: never fails spuriously).
        """
        return self._CAS(  # type: ignore[no-any-return]
            self._cell, _bool_arg("expected", expected), _bool_arg("new", new)
        )

    def compare_exchange(self, expected: bool, new: bool) -> bool:
        """Atomically set the flag to ``new`` if it equals ``expected``.

        Return the value witnessed just before: the swap happened if and only
        if it equals ``expected``.
        """
        return self._CEX(  # type: ignore[no-any-return]
            self._cell, _bool_arg("expected", expected), _bool_arg("new", new)
        )

    def __bool__(self) -> bool:
        return self.load()
