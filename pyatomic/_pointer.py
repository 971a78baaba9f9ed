"""AtomicPointer: a lock-free, sequentially consistent machine address."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, ClassVar, SupportsIndex, Union

from ._base import Atomic, show, type_error
from ._ffi import ffi

__all__ = ["AtomicPointer"]

_UINTPTR_MAX = (1 << (8 * ffi.sizeof("uintptr_t"))) - 1

#: What AtomicPointer accepts as an address.
Address = Union[None, SupportsIndex, ffi.CData]  # noqa: UP007 (a runtime alias)


def _address_arg(name: str, value: object) -> int:
    """Return ``value`` as an address: None is 0, a cffi pointer its address."""
    if value is None:
        return 0
    if isinstance(value, ffi.CData):
        ctype = ffi.typeof(value)
        if ctype.kind not in ("pointer", "array", "function"):
            raise TypeError(
                f"{name} must be None, an int address or a cffi pointer, not a "
                f"cffi {ctype.cname!r} value: {show(value)}"
            )
        return int(ffi.cast("uintptr_t", value))
    try:
        address = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        type_error(name, value, "None, an int address or a cffi pointer")
    if not 0 <= address <= _UINTPTR_MAX:
        raise OverflowError(
            f"{name}={show(value)} is not an address: it must be between 0 and "
            f"{_UINTPTR_MAX}"
        )
    return address


class AtomicPointer(Atomic, kind="ptr"):
    """A ``void *`` with lock-free, sequentially consistent operations.

    It holds an address, not an object: it accepts ``None`` (NULL), an int
    address or any cffi pointer, and ``load()`` returns an int (0 for NULL).
    It keeps nothing alive; keeping the pointed-to memory valid is the
    caller's job.  For Python objects use ``AtomicReference``.

    >>> from pyatomic._ffi import ffi
    >>> buf = ffi.new("char[16]")
    >>> p = AtomicPointer(buf)
    >>> p.load() == int(ffi.cast("uintptr_t", buf)), p.swap(None) != 0, p.load()
    (True, True, 0)
    """

    __slots__ = ()
    _CTYPE = "void *"
    _SIZE = ffi.sizeof("void *")
    _VERBS = "load store swap compare_and_swap compare_exchange"
    _SWAP: ClassVar[Any]
    _CAS: ClassVar[Any]
    _CEX: ClassVar[Any]

    if TYPE_CHECKING:

        def load(self) -> int:
            """Atomically read the address; 0 for NULL."""

    def __init__(self, value: Address = None) -> None:
        """Create the pointer holding ``value`` (default NULL)."""
        self._new_cell()
        self._STORE(self._cell, _address_arg("value", value))

    def store(self, value: Address) -> None:
        """Atomically set the address to ``value``."""
        try:
            if type(value) is int:
                return self._STORE(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        self._STORE(self._cell, _address_arg("value", value))

    def swap(self, value: Address) -> int:
        """Atomically set the address to ``value``; return the previous one."""
        try:
            if type(value) is int:
                return self._SWAP(self._cell, value)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._SWAP(self._cell, _address_arg("value", value))  # type: ignore[no-any-return]

    def compare_and_swap(self, expected: Address, new: Address) -> bool:
        """Atomically set the address to ``new`` if it equals ``expected``.

        Return True if the swap happened (strong: never fails spuriously).
        """
        try:
            if type(expected) is int and type(new) is int:
                return self._CAS(self._cell, expected, new)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._CAS(  # type: ignore[no-any-return]
            self._cell, _address_arg("expected", expected), _address_arg("new", new)
        )

    def compare_exchange(self, expected: Address, new: Address) -> int:
        """Atomically set the address to ``new`` if it equals ``expected``.

        Return the address witnessed just before: the swap happened if and
        only if it equals ``expected``.
        """
        try:
            if type(expected) is int and type(new) is int:
                return self._CEX(self._cell, expected, new)  # type: ignore[no-any-return]
        except OverflowError:
            pass
        return self._CEX(  # type: ignore[no-any-return]
            self._cell, _address_arg("expected", expected), _address_arg("new", new)
        )
