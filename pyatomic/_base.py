"""Machinery shared by every atomic type: cells, views, copying, checks.

An atomic object owns (or views) one *cell*: memory that the C core reads
and writes only with C11 atomic operations.  Cells made by pyatomic come
from ``new_block`` (Python-owned memory, aligned and padded to a 128-byte
cache-line pair), so two atomics never share a line; views made by
``from_buffer`` point into memory that a buffer object owns and keep that
object alive.

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

import copy
import operator
from types import MethodType
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from ._ffi import CELL_SIZE, ffi, lib

__all__ = ["Atomic"]


def set_slot(self: Atomic, name: str, value: Any) -> None:
    """Set the pyatomic slot ``name`` even if a subclass overrides the method
    of that name: the member descriptor stores the value without touching
    the instance ``__dict__``, so the subclass's method still wins lookup."""
    _SLOTS[name].__set__(self, value)


def new_block(ctype: str, count: int) -> Any:
    """Return zeroed memory for ``count`` values of ``ctype`` as ``ctype[]``.

    The block starts on a cache-line boundary (``CELL_SIZE``, 128 bytes on
    x86-64 and AArch64) and is padded to a whole number of lines, so nothing
    else shares its lines.  The returned cdata owns the memory.

    Lifetime is the subtle part.  ``ffi.gc(malloc(...), free)`` would free
    the memory from a finaliser, and when a reference cycle is collected
    every finaliser in it runs, in no particular order, before anything is
    cleared: a ``__del__`` in the same cycle could then use freed memory.
    So the memory is a ``bytearray`` (freed only by its deallocation, once
    nothing can reach it, and not tracked by the collector) seen through
    ``ffi.from_buffer``, whose cdata keeps it alive.  To put the first
    element on a line boundary, the bytearray's front is trimmed with
    ``del``, which CPython implements by advancing the start of the buffer
    without moving it; the result is checked, and if an interpreter ever
    moved it, the block would still be correctly aligned for ``ctype``
    (16 bytes), only not line-aligned.
    """
    size = ffi.sizeof(ctype) * count
    padded = -(-max(size, 1) // CELL_SIZE) * CELL_SIZE
    memory = bytearray(padded + CELL_SIZE)
    with memoryview(memory) as view:
        start = -int(ffi.cast("uintptr_t", ffi.from_buffer(view))) % CELL_SIZE
    del memory[:start]
    block = ffi.from_buffer(ctype + "[]", memory, require_writable=True)
    if int(ffi.cast("uintptr_t", block)) % ffi.alignof(ctype):  # pragma: no cover
        raise MemoryError(f"pyatomic could not align a block of {ctype}")
    return block


def aligned_pointer(cls: Any, data: Any, position: int, offset: int) -> Any:
    """``data + position`` as a ``cls._PTR``, or ValueError if it is not
    aligned to ``cls._SIZE`` (``offset`` is what the caller passed, for the
    message)."""
    address = int(ffi.cast("uintptr_t", data)) + position
    if address % cls._SIZE:
        raise ValueError(
            f"offset {show(offset)} is not {cls._SIZE}-byte aligned: "
            f"{cls.__name__} needs {cls._SIZE}-byte alignment, and buffer "
            f"start + offset is {address % cls._SIZE} bytes past a multiple "
            f"of {cls._SIZE}"
        )
    return ffi.cast(cls._PTR, data + position)


def _concrete(cls: type) -> None:
    """Refuse an abstract base (AtomicInteger, AtomicIntegerArray) clearly."""
    if not hasattr(cls, "_SIZE"):
        raise TypeError(
            f"{cls.__name__} is an abstract base; use one of its concrete "
            "types (for example AtomicInt64 or AtomicInt64Array)"
        )


def bound_op(self: Atomic, c_function: Any) -> Any:
    """``c_function`` bound to ``self``'s cell, for the per-instance slots.

    An owned cell's memory is owned by the cell cdata itself, so the bound
    C call (no Python frame) keeps it alive.  A view's cell is a plain
    pointer into memory that only ``_owner`` keeps alive, so a view's bound
    operation also holds ``_owner``: a bound method taken from a view keeps
    the buffer alive after the view dies, also while a garbage cycle is
    finalised (cffi drops what an ``ffi.gc`` pointer holds at that point, so
    one could not serve here).  It holds ``_owner`` and not the view itself,
    so that no reference cycle delays freeing the view: ``del view`` must
    release the buffer at once, before ``SharedMemory.close()``.
    """
    if self._owner is None:
        return MethodType(c_function, self._cell)
    return MethodType(_ViewOp(c_function, self._cell), self._owner)


class _ViewOp:
    """``owner -> c_function(cell)``: an operation of a view, bound to the
    object that keeps the view's memory alive."""

    __slots__ = ("_c_function", "_cell")

    def __init__(self, c_function: Any, cell: Any) -> None:
        self._c_function = c_function
        self._cell = cell

    def __call__(self, owner: object) -> Any:
        return self._c_function(self._cell)


def show(value: object) -> str:
    """``repr(value)`` for an error message: never raises, never huge.

    An int too long for ``sys.int_max_str_digits`` (or whose ``__repr__``
    fails) is described instead of shown; long reprs are cut to 80 chars.
    """
    try:
        text = repr(value)
    except Exception:
        if isinstance(value, int):
            return f"<int of {value.bit_length()} bits>"
        return f"<{type_name(value)} object>"
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: object) -> str:
    """The name of ``value``'s type, qualified unless it is a builtin."""
    cls = type(value)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def type_error(name: str, value: object, expected: str) -> NoReturn:
    """Raise ``TypeError: <name> must be <expected>, not <type>: <value>``."""
    raise TypeError(
        f"{name} must be {expected}, not {type_name(value)}: {show(value)}"
    ) from None


class Atomic:
    """Base of the atomic scalar types; not meant to be used directly."""

    __slots__ = {
        "_cell": "cffi pointer to the cell",
        "_owner": "None for an owned cell; for a view, what keeps it alive",
        "load": "load() -> value: atomically read the value (a bound C call)",
        "__weakref__": None,
    }

    if TYPE_CHECKING:

        def load(self) -> Any:
            """Atomically read and return the value."""

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
        _concrete(type(self))
        self._cell = new_block(self._CTYPE, 1)
        self._owner = None
        self._bind()

    def _bind(self) -> None:
        """Bind the argument-free operations to this instance's cell."""
        set_slot(self, "load", bound_op(self, self._LOAD))

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
        _concrete(cls)
        offset = _offset_arg(offset)
        data, start, size = writable_buffer(buffer)
        if size < cls._SIZE:
            raise ValueError(
                f"buffer of {size} bytes is too small for a {cls.__name__} view, "
                f"which needs {cls._SIZE} bytes"
            )
        if not 0 <= offset <= size - cls._SIZE:
            raise ValueError(
                f"offset {show(offset)} is out of bounds for a {cls.__name__} view "
                f"({cls._SIZE} bytes) on a buffer of {size} bytes; it must be "
                f"between 0 and {size - cls._SIZE}"
            )
        cell = aligned_pointer(cls, data, start + offset, offset)
        self = cls.__new__(cls)
        self._cell = cell
        self._owner = data
        self._bind()
        return self

    @classmethod
    def is_lock_free(cls) -> bool:
        """Return True: every operation on this type is lock-free.

        The C core refuses to build on a target where it would not be, so
        this reports what the build checked (C11 ``ATOMIC_*_LOCK_FREE == 2``).
        """
        _concrete(cls)
        return bool(lib.pa_is_lock_free(cls._SIZE))

    # -- copying and pickling -------------------------------------------------

    def _value(self) -> Any:
        """The current value, read past any subclass override of ``load``."""
        return self._LOAD(self._cell)

    def __copy__(self) -> Any:
        return restore(type(self), self._value(), user_state(self, copy.copy))

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        state = user_state(self, lambda value: copy.deepcopy(value, memo))
        return restore(type(self), self._value(), state)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._owner is not None:
            raise TypeError(
                f"cannot pickle a {type(self).__name__} view on a buffer: the "
                "memory it points to does not travel with it. Share the buffer "
                "itself (for example a multiprocessing.shared_memory."
                "SharedMemory by name) and call from_buffer() on the other side"
            )
        return (restore, (type(self), self._value(), user_state(self, copy.copy)))

    def __repr__(self) -> str:
        where = "" if self._owner is None else ", view"
        return f"{type(self).__name__}({show(self.load())}{where})"


def restore(cls: type[Atomic], value: Any, state: dict[str, Any]) -> Atomic:
    """A new owned ``cls`` holding ``value``, with a subclass's ``state``.

    Used by copying and unpickling: it does not call ``cls.__init__``, whose
    signature a subclass may have changed.
    """
    self = cls.__new__(cls)
    Atomic._new_cell(self)
    cls._STORE(self._cell, value)
    for name, item in state.items():
        setattr(self, name, item)
    return self


def user_state(self: Atomic, copier: Any) -> dict[str, Any]:
    """The attributes a user's subclass added (``__dict__`` and its own
    ``__slots__``), each passed through ``copier``."""
    state = {k: copier(v) for k, v in getattr(self, "__dict__", {}).items()}
    for klass in type(self).__mro__:
        if klass.__module__.startswith("pyatomic."):
            continue
        for name in klass.__dict__.get("__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(self, name):
                state[name] = copier(getattr(self, name))
    return state


def writable_buffer(buffer: object) -> tuple[Any, int, int]:
    """Return ``(data, start, size)`` for ``buffer``'s memory.

    ``data`` is a cffi ``char[]`` that keeps the memory alive; the buffer's
    bytes are ``data[start : start + size]``.  A memoryview is unwrapped to
    the object it views (a bytearray, mmap, array, ...), with ``start`` its
    position there: on CPython 3.11 and 3.12 a memoryview with an export
    inside a garbage cycle makes the collector crash, so pyatomic never holds
    an export of one.

    Raises TypeError naming ``buffer`` if it does not support the buffer
    protocol, is read-only, or is not contiguous, and ValueError if it
    cannot give access to its memory (a closed mmap).
    """
    try:
        view = memoryview(buffer)  # type: ignore[arg-type]
    except TypeError:
        type_error("buffer", buffer, "a writable object supporting the buffer protocol")
    except (ValueError, BufferError) as exc:  # a closed mmap, a failing exporter
        raise ValueError(
            f"buffer {show(buffer)} cannot give access to its memory: {exc}"
        ) from exc
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
        size = view.nbytes
        owner = view.obj
        if isinstance(buffer, memoryview) and not isinstance(owner, memoryview):
            unwrapped = _unwrap(view, owner)
            if unwrapped is not None:
                return unwrapped[0], unwrapped[1], size
    return ffi.from_buffer(buffer, require_writable=True), 0, size


def _unwrap(view: memoryview, owner: object) -> tuple[Any, int] | None:
    """``(data, start)`` of ``view`` inside ``owner``'s own buffer, or None
    if ``owner`` cannot stand in for it (not writable, not contiguous, or
    the view does not lie inside it)."""
    try:
        data = ffi.from_buffer(owner, require_writable=True)
        with memoryview(owner) as whole:  # type: ignore[arg-type]
            if not whole.c_contiguous:
                return None
    except (TypeError, ValueError, BufferError):
        return None
    with ffi.from_buffer(view) as inner:
        start = int(ffi.cast("uintptr_t", inner)) - int(ffi.cast("uintptr_t", data))
    if not 0 <= start <= len(data) - view.nbytes:
        return None
    return data, start


def _offset_arg(offset: object) -> int:
    try:
        return operator.index(offset)  # type: ignore[arg-type]
    except TypeError:
        type_error("offset", offset, "an int")


def _short_repr(obj: object) -> str:
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."


# The member descriptors of the per-instance bound operations (see set_slot).
_SLOTS: dict[str, Any] = {"load": Atomic.__dict__["load"]}
