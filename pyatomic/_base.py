"""Machinery shared by every atomic type: cells, views, copying, checks.

An atomic object owns (or views) one *cell*: memory that the C core reads
and writes only with C11 atomic operations.  Cells made by pyatomic come
from ``pa_cell_new`` and are padded to a cache-line pair, so two atomics
never share a line; views made by ``from_buffer`` point into memory that a
buffer object owns and keep that object alive.

Speed.  A cffi call costs 65-110 ns and each Python-level step on top of it
shows.  Operations that take no argument (``load``, ``increment``,
``decrement``) are therefore bound per instance, at construction, as
``types.MethodType(c_function, cell)`` stored in a slot: calling
``a.increment()`` runs no Python frame at all.  Operations that take
arguments must check them (cffi would silently truncate ``Decimal("1.5")``
to 1 and refuses objects that only have ``__index__``), so they are Python
methods whose fast path is ``type(x) is int`` and whose slow path, taken
only for other types or on ``OverflowError``, produces the exact error.
"""

from __future__ import annotations

import operator
from types import MethodType
from typing import Any, ClassVar, NoReturn

from ._ffi import ffi, lib

__all__ = ["Atomic"]


def type_error(name: str, value: object, expected: str) -> NoReturn:
    raise TypeError(
        f"{name} must be {expected}, not {type(value).__name__}: {value!r}"
    ) from None


class Atomic:
    """Base of the atomic scalar types; not meant to be used directly."""

    __slots__ = ("_cell", "_owner", "load", "__weakref__")

    _CTYPE: ClassVar[str]  # C type of the cell, for example "int64_t"
    _PTR: ClassVar[Any]  # cffi type "<_CTYPE> *"
    _SIZE: ClassVar[int]  # bytes in one value, also its required alignment
    _LOAD: ClassVar[Any]  # lib.pa_<kind>_load
    _STORE: ClassVar[Any]  # lib.pa_<kind>_store

    _VERBS: ClassVar[str]  # the C operations of this family, space-separated

    def __init_subclass__(cls, kind: str = "", **kwargs: Any) -> None:
        """Give a concrete type its C functions: ``pa_<kind>_<verb>`` becomes
        the class attribute ``_<VERB>`` (``_CAS`` and ``_CEX`` for the two
        compare operations).  A user's subclass passes no ``kind`` and
        inherits its parent's table."""
        super().__init_subclass__(**kwargs)
        if not kind:
            return
        cls._PTR = ffi.typeof(cls._CTYPE + " *")
        for verb in cls._VERBS.split():
            name = {"compare_and_swap": "_CAS", "compare_exchange": "_CEX"}.get(
                verb, "_" + verb.upper()
            )
            setattr(cls, name, getattr(lib, f"pa_{kind}_{verb}"))

    # -- construction ---------------------------------------------------------

    def _new_cell(self) -> None:
        raw = lib.pa_cell_new()
        if raw == ffi.NULL:
            raise MemoryError("pyatomic could not allocate an atomic cell")
        self._cell = ffi.gc(ffi.cast(self._PTR, raw), lib.pa_cell_free)
        self._owner = None
        self._bind()

    def _bind(self) -> None:
        """Bind the argument-free operations to this instance's cell."""
        self.load = MethodType(self._LOAD, self._cell)

    @classmethod
    def from_buffer(cls, buffer: Any, offset: int = 0) -> Any:
        """Return an atomic view of ``_SIZE`` bytes of ``buffer`` at ``offset``.

        ``buffer`` is any writable object that supports the buffer protocol:
        ``bytearray``, ``mmap.mmap``, ``multiprocessing.shared_memory.
        SharedMemory.buf``, a writable ``memoryview`` or ``array.array``.  The
        view operates on that memory in place, so processes that map the same
        shared memory see one atomic.  The view keeps ``buffer`` alive.  The
        initial value is whatever the bytes already hold.

        Raises ``TypeError`` if ``buffer`` is not a buffer or is read-only,
        ``ValueError`` if ``offset`` is out of bounds or not a multiple of the
        type's size (its required alignment), and ``TypeError`` if ``offset``
        is not an int.  A view cannot be pickled; share the buffer instead.
        """
        offset = _offset_arg(offset)
        data = writable_buffer(buffer)
        size = len(data)
        if size < cls._SIZE:
            raise ValueError(
                f"buffer of {size} bytes is too small for a {cls.__name__} view, "
                f"which needs {cls._SIZE} bytes"
            )
        if not 0 <= offset <= size - cls._SIZE:
            raise ValueError(
                f"offset {offset} is out of bounds for a {cls.__name__} view "
                f"({cls._SIZE} bytes) on a buffer of {size} bytes; it must be "
                f"between 0 and {size - cls._SIZE}"
            )
        address = int(ffi.cast("uintptr_t", data)) + offset
        if address % cls._SIZE:
            raise ValueError(
                f"offset {offset} is not {cls._SIZE}-byte aligned: "
                f"{cls.__name__} needs {cls._SIZE}-byte alignment, and buffer "
                "start + offset is "
                f"{address % cls._SIZE} bytes past a multiple of {cls._SIZE}"
            )
        self = cls.__new__(cls)
        self._cell = ffi.cast(cls._PTR, data + offset)
        self._owner = data
        self._bind()
        return self

    @classmethod
    def is_lock_free(cls) -> bool:
        """Return True: every operation on this type is lock-free.

        The C core refuses to build on a target where it would not be, so
        this reports what the build checked (C11 ``ATOMIC_*_LOCK_FREE == 2``).
        """
        return bool(lib.pa_is_lock_free(cls._SIZE))

    # -- copying and pickling -------------------------------------------------

    def __copy__(self) -> Any:
        return type(self)(self.load())

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return type(self)(self.load())

    def __reduce__(self) -> tuple[Any, ...]:
        if self._owner is not None:
            raise TypeError(
                f"cannot pickle a {type(self).__name__} view on a buffer: the "
                "memory it points to does not travel with it. Share the buffer "
                "itself (for example a multiprocessing.shared_memory."
                "SharedMemory by name) and call from_buffer() on the other side"
            )
        return (type(self), (self.load(),))

    def __repr__(self) -> str:
        where = "" if self._owner is None else ", view"
        return f"{type(self).__name__}({self.load()!r}{where})"


def writable_buffer(buffer: object) -> Any:
    """Return a cffi ``char[]`` over ``buffer``'s memory, keeping it alive.

    Raises TypeError naming ``buffer`` if it does not support the buffer
    protocol, is read-only, or is not contiguous.
    """
    try:
        view = memoryview(buffer)  # type: ignore[arg-type]
    except TypeError:
        type_error("buffer", buffer, "a writable object supporting the buffer protocol")
    with view:
        if view.readonly:
            raise TypeError(
                f"buffer must be writable, but the {type(buffer).__name__} "
                f"object {_short_repr(buffer)} is read-only; pass a bytearray, "
                "mmap, SharedMemory.buf or writable memoryview"
            )
        if not view.c_contiguous:
            raise TypeError(
                f"buffer must be C-contiguous, but the {type(buffer).__name__} "
                f"object {_short_repr(buffer)} is not (a strided slice?); pass "
                "the underlying buffer and an offset instead"
            )
    return ffi.from_buffer(buffer, require_writable=True)


def _offset_arg(offset: object) -> int:
    try:
        return operator.index(offset)  # type: ignore[arg-type]
    except TypeError:
        type_error("offset", offset, "an int")


def _short_repr(obj: object) -> str:
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."
