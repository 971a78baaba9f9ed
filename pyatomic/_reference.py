"""AtomicReference: a lock-free, sequentially consistent reference to an object.

Design.  No address of a Python object is ever stored in an atomic (CPython
reuses freed memory at once, so addresses and ``id()`` values recur).  The
atomic cell holds a *key*: a 64-bit number drawn from a per-reference ticket
counter, so no key is ever issued twice.  ``_objects`` maps each live key to
the object published under it.

    publish x:  k = ticket()  ->  _objects[k] = x  ->  swap/CAS the cell to k
                ->  the winner deletes the entry of the key it replaced
    load:       k = cell  ->  _objects[k]; a miss (KeyError) means k was
                replaced meanwhile, so read the cell again

Correctness.

* No ABA: keys never repeat (2**64 tickets), so a compare-and-swap that
  expects key ``k`` succeeds only if no publish happened since ``k`` was
  read, even if the same object was published again in between.
* Readers get a strong reference to an object that was current at the
  instant the cell was read: ``_objects[k]`` is only ever the object
  published under ``k``, the entry exists from before ``k`` is stored until
  after it is replaced, and the dict lookup itself returns a new reference.
* Reclamation: exactly one thread replaces a given key (a swap returns each
  old value once, a CAS succeeds once), and that thread deletes its entry, so
  a replaced object is released as soon as no caller holds it; a failed
  attempt deletes the entry it added.  ``_objects`` holds one entry plus one
  per publish in flight, so memory stays bounded under any churn.
* Progress: a reader retries only after a publish succeeded and a failed
  compare-and-swap means another one did, so the system always moves on.
  ``update`` keeps each candidate that lost its compare-and-swap alive until
  the loop has succeeded: dropping it inside the loop could run its
  ``__del__``, which may itself publish to this reference and so fail the
  other threads' attempts again and again (a livelock seen with 8 threads).
* Subclasses: ``load`` is a closure stored in a slot, set through this
  class's slot descriptor (never ``self.load = ...``, which would land in a
  subclass instance's ``__dict__``), so a subclass's own ``load`` wins.
  Copying and pickling rebuild with ``cls.__new__`` and a private
  initialiser and carry the instance ``__dict__``.

Every operation is lock-free and sequentially consistent (each dict access
is atomic in CPython, with or without the GIL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._ffi import lib
from ._int import AtomicUInt64

__all__ = ["AtomicReference"]

T = TypeVar("T")


def reader(table: dict[int, T], load: Callable[[], int]) -> Callable[[], T]:
    """A function returning ``table[load()]``, retried while the key is gone.

    Bound once per instance and stored in a slot: calling it runs one Python
    frame with no attribute lookups, which matters on free-threaded builds,
    where every ``self.x`` read of an object another thread created costs an
    atomic reference-count update.
    """

    def read() -> T:
        while True:
            try:
                return table[load()]
            except KeyError:  # replaced since we read the key: read again
                continue

    return read


class AtomicReference(Generic[T]):
    """A reference to a Python object, replaced atomically.

    ``compare_and_swap`` and ``compare_exchange`` compare by identity
    (``is``), never by ``==``.  Every operation is lock-free and sequentially
    consistent.  A replaced object is released once nothing else refers to
    it.

    Performance: ``load`` is 1 cffi call and a dict lookup; ``store`` and
    ``swap`` 2 calls; ``compare_and_swap``, ``compare_exchange`` and each
    round of ``update`` 3.

    >>> r = AtomicReference("a")
    >>> r.swap("b"), r.load()
    ('a', 'b')
    >>> r.compare_and_swap("a", "c"), r.update(str.upper)
    (False, 'B')
    """

    __slots__ = (
        "_key",
        "_tickets",
        "_objects",
        "_load",
        "_ticket",
        "_read",
        "load",
        "__weakref__",
    )

    if TYPE_CHECKING:
        # At run time ``load`` is bound per instance (see ``reader``).
        def load(self) -> T:
            """Atomically read the reference and return the object."""

    def __init__(self, value: T) -> None:
        """Create the reference holding ``value``."""
        self._setup(value)

    def _setup(self, value: T) -> None:
        self._tickets = tickets = AtomicUInt64()
        self._ticket = tickets.increment
        key = self._ticket()
        self._objects: dict[int, T] = {key: value}
        self._key = AtomicUInt64(key)
        self._load = self._key.load
        self._read = reader(self._objects, self._load)
        _SET_LOAD(self, self._read)

    def store(self, value: T) -> None:
        """Atomically make the reference refer to ``value``."""
        key = self._ticket()
        objects = self._objects
        objects[key] = value
        del objects[lib.pa_u64_swap(self._key._cell, key)]

    def swap(self, value: T) -> T:
        """Atomically make the reference refer to ``value``; return the previous."""
        key = self._ticket()
        objects = self._objects
        objects[key] = value
        return objects.pop(lib.pa_u64_swap(self._key._cell, key))

    def compare_and_swap(self, expected: T, new: T) -> bool:
        """Atomically replace the object with ``new`` if it is ``expected``.

        Return True if the swap happened.  Identity, not equality, is
        compared.  Strong: it fails only if the current object is not
        ``expected``.
        """
        return self._cex(expected, new) is expected

    def compare_exchange(self, expected: T, new: T) -> T:
        """Atomically replace the object with ``new`` if it is ``expected``.

        Return the object witnessed just before: the swap happened if and only
        if the result ``is expected``.  Strong, like ``compare_and_swap``.
        """
        return self._cex(expected, new)

    def _cex(self, expected: T, new: T) -> T:
        objects = self._objects
        cell = self._key._cell
        while True:
            key = self._load()
            try:
                current = objects[key]
            except KeyError:
                continue
            if current is not expected:
                return current
            mine = self._ticket()
            objects[mine] = new
            if lib.pa_u64_compare_and_swap(cell, key, mine):
                del objects[key]
                return current
            del objects[mine]  # lost to another publish: look again

    def update(self, fn: Callable[[T], T]) -> T:
        """Atomically replace the object with ``fn(object)``; return the new one.

        A compare-and-swap loop: ``fn`` may be called more than once, with
        the current object each time, so it should not have side effects.
        If ``fn`` raises, the exception propagates and nothing changes.
        """
        objects = self._objects
        cell = self._key._cell
        lost: list[T] = []  # see "Progress" above: freed after the loop
        while True:
            key = self._load()
            try:
                current = objects[key]
            except KeyError:
                continue
            new = fn(current)
            mine = self._ticket()
            objects[mine] = new
            if lib.pa_u64_compare_and_swap(cell, key, mine):
                del objects[key]
                del lost  # now the losers may run their __del__
                return new
            del objects[mine]
            lost.append(new)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._read()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = getattr(self, "__dict__", None)
        return (_rebuild, (type(self), self._read()), state or None)


_SET_LOAD = AtomicReference.__dict__["load"].__set__


def _rebuild(cls: type[AtomicReference[T]], value: T) -> AtomicReference[T]:
    """Unpickle (or copy) a reference of class ``cls`` holding ``value``,
    without calling a subclass's ``__init__``."""
    self = cls.__new__(cls)
    AtomicReference._setup(self, value)
    return self
