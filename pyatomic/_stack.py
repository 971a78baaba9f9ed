"""LockFreeStack: a multi-producer, multi-consumer lock-free LIFO stack.

Design.  The C core (``csrc/pa_stack.c``) keeps a Treiber stack of *nodes*:
32-bit indices into a pool whose chunks are never moved or freed while the
stack lives.  A node is named by a 64-bit *tagged value*, its index plus a
32-bit generation that grows each time the node is allocated.  The items
themselves never enter C: item ``x`` of node ``i`` lives in ``_slots[i]``,
a Python list parallel to the pool, so no address of a Python object is
ever stored in an atomic.

    push(x): t = alloc()  ->  _slots[i] = x  ->  link t on top      2 C calls
    pop():   t = unlink the top  ->  x = _slots[i]; _slots[i] = FREE
             ->  give node i back to the free list                 2 C calls

Correctness.

* ABA.  A pop reads the top ``t`` and the node below it, then swaps the top
  from ``t`` to that node.  A node is pushed once per allocation and its
  generation changes on every allocation, so the tagged value ``t`` is on
  the stack during one interval at most; if the swap sees ``t`` still on
  top, node ``t`` was never popped in between and the node read as its
  successor still is its successor.  The free list packs a change counter
  with its head index, so a stale head never matches either.  Both tags are
  32 bits: a thread would have to stall while one node is reallocated 2**32
  times (or the free list changes 2**32 times) for a stale swap to succeed.
* Ownership of a slot.  Node ``i`` has one owner at a time: the pusher from
  ``alloc`` until its link publishes it, the stack while it is linked, and
  the popper whose swap unlinked it until that popper gives it back to the
  free list.  Only the owner writes ``_slots[i]``: the pusher stores the item
  before the link, the popper takes it and stores ``FREE`` before giving
  the node back, and no ``alloc`` can hand out ``i`` before that.  So a
  popper always finds the item its node was pushed with.
* Reclamation.  Node memory is only recycled through the free list and
  stays readable, so a stalled reader loads a meaningless value at worst and
  then fails its swap.  An item is referenced only by its slot from its push
  until the pop that unlinked its node clears the slot, so a popped item is
  released as soon as the caller drops it.
* Exactly once.  Exactly one compare-and-swap unlinks a given tagged value,
  so exactly one ``pop`` (or the ``pop_all`` that detached it) takes each
  item out of its slot.  ``peek`` reads the top ``t``, then its slot, then
  the top again: if it is still ``t``, node ``t`` stayed linked in between
  (tags do not recur), so the slot held ``t``'s item; otherwise it retries.
* Growing the pool.  ``alloc`` hands out a fresh index only once its chunk
  is installed.  When it is not, ``alloc`` takes nothing and says which
  chunk it needs; ``push`` then (1) extends ``_slots`` to cover the chunk,
  (2) allocates the chunk with ``ffi.new`` and (3) installs it with one
  compare-and-swap, keeping it in ``_chunks`` if it won and dropping it
  otherwise, and calls ``alloc`` again.  Any index of the chunk is handed
  out after some thread installed it, hence after that thread's step (1),
  so ``_slots[i]`` always exists.  Steps (1) and (3) race harmlessly: a
  list only grows at its end, so two threads that both extend it only make
  it longer, and a losing chunk was never seen by C.  Lock-free: each
  round either takes a node or installs a chunk (or another thread did).
* Test seam.  ``pa_stack_pop`` is one C loop: read the top and its
  successor, compare-and-swap, on failure read again.  ``_pop_seam`` lets a
  test run Python between the first read and the first swap: the read is
  ``pa_stack_read`` and the swap is ``pa_stack_pop_from``, which enters that
  same loop with the older snapshot, so the test exercises the real swap.

Memory.  Every byte is Python's: the header and each pool chunk are
``ffi.new("char[]", ...)`` blocks, owning cdata that the cycle collector
does not track, kept by the stack object and its bound ``push``/``pop``, so
nothing is freed while anything could still use the stack.  (An ``ffi.gc``
destructor can run before a ``__del__`` in the same collected cycle; a
``memoryview`` window on the block can be cleared by the collector while
still exported, which frees the block early.)  C aligns the header to a
cache line inside its block.  The pool
and ``_slots`` grow to the largest number of items ever held at once
(16 + 8 bytes per node, rounded up to a power-of-two chunk) and are reused
from then on; they are released with the stack, not before (a stalled
thread may still read any node).  Items are released as soon as they are
popped, and no per-push structure is left behind: churn leaves memory at
that high-water mark.

Every operation is lock-free and sequentially consistent (in CPython each
list access is atomic, with or without the GIL).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MethodType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._ffi import ffi, lib

__all__ = ["LockFreeStack"]

T = TypeVar("T")

#: Test-only seam: when not None, ``pop`` reads the top, calls this with no
#: arguments, and only then attempts its compare-and-swap, with the snapshot
#: it read before the call.  Production code never sets it; it is read once
#: per pop.
_pop_seam: Callable[[], None] | None = None


#: What a slot holds while its node is not in use.
_FREE: Any = object()

_TAGGED = 1 << 32  # every tagged value is at least this; smaller is a code
_INDEX = _TAGGED - 1  # the index bits of a tagged value


def _bind(stack: Any, slots: list[Any], chunks: list[Any]) -> tuple[Any, Any]:
    """This stack's ``push`` and ``pop``, as closures stored in its slots:
    no attribute lookups per call, which on free-threaded builds would each
    cost an atomic reference-count update when another thread made the
    stack."""
    alloc = MethodType(lib.pa_stack_alloc, stack)
    link = MethodType(lib.pa_stack_push, stack)
    unlink = MethodType(lib.pa_stack_pop, stack)
    free_node = MethodType(lib.pa_stack_free_node, stack)
    tagged, index, free = _TAGGED, _INDEX, _FREE  # closure cells, not globals

    def push(item: Any) -> None:
        node = alloc()
        if node < tagged:
            node = _grow(stack, slots, chunks, node)
        slots[node & index] = item
        link(node)

    def pop() -> Any:
        seam = _pop_seam
        node = unlink() if seam is None else _pop_through_seam(stack, seam)
        if not node:
            raise IndexError("pop from an empty LockFreeStack")
        i = node & index
        item = slots[i]
        slots[i] = free
        free_node(node)
        return item

    return push, pop


def _grow(stack: Any, slots: list[Any], chunks: list[Any], code: int) -> int:
    """Install the chunks ``pa_stack_alloc`` asks for until it returns a
    node; return that node.  See "Growing the pool" above."""
    while code < _TAGGED:
        if code == 0:
            raise MemoryError("LockFreeStack is full: it holds at most 2**32 - 1 items")
        k = code - 1
        end = 64 * ((2 << k) - 1)  # one past the last index of chunk k
        missing = end - len(slots)
        if missing > 0:
            slots.extend([_FREE] * missing)
        chunk = ffi.new("char[]", lib.pa_stack_chunk_bytes(k))
        if lib.pa_stack_install(stack, k, chunk):
            chunks.append(chunk)
        code = lib.pa_stack_alloc(stack)
    return code


def _pop_through_seam(stack: Any, seam: Callable[[], None]) -> int:
    """``pa_stack_pop`` split at its one pause point: the same C loop,
    entered with a snapshot of the top taken before ``seam`` ran."""
    below = ffi.new("uint64_t *")
    top = lib.pa_stack_read(stack, below)
    seam()
    node: int = lib.pa_stack_pop_from(stack, top, below[0])
    return node


class LockFreeStack(Generic[T]):
    """A lock-free last-in, first-out stack for any number of threads.

    Multi-producer, multi-consumer; every operation is lock-free and
    sequentially consistent.  Every pushed item is popped exactly once, and
    a popped item is released when the caller drops it.  ``None`` is a valid
    item.  ``len()`` is a snapshot that can be stale by the time it returns.

    Performance: ``push`` makes 2 cffi calls, ``pop`` 2, ``peek`` 2,
    ``len``/``bool`` 1, ``pop_all`` 2 plus one per item.

    >>> s = LockFreeStack[int]()
    >>> s.push(1); s.push(2)
    >>> s.pop(), s.peek(), len(s)
    (2, 1, 1)
    >>> s.pop_all(), bool(s)
    ([1], False)
    """

    __slots__ = ("_stack", "_slots", "_chunks", "_top", "push", "pop", "__weakref__")

    if TYPE_CHECKING:
        # At run time these two are bound per instance (see ``_bind``).
        def push(self, item: T) -> None:
            """Atomically put ``item`` on top of the stack.

            Raises MemoryError if the stack already holds 2**32 - 1 items or
            memory runs out; the stack is then unchanged.
            """

        def pop(self) -> T:
            """Atomically remove the top item and return it.

            Raises IndexError if the stack is empty.
            """

    def __init__(self) -> None:
        """Create an empty stack."""
        stack = ffi.new("char[]", lib.pa_stack_bytes())  # owning: see "Memory"
        lib.pa_stack_init(stack)
        self._stack = stack
        self._slots: list[Any] = []
        self._chunks: list[Any] = []
        self._top = MethodType(lib.pa_stack_top, stack)
        # Through the slot descriptors, never ``self.push = ...``: that would
        # land in a subclass instance's __dict__ and hide its own push/pop.
        push, pop = _bind(stack, self._slots, self._chunks)
        _SET_PUSH(self, push)
        _SET_POP(self, pop)

    def peek(self) -> T:
        """Return the top item without removing it (atomically read).

        The item was on top at some instant during the call.  Raises
        IndexError if the stack is empty.
        """
        slots = self._slots
        top = self._top
        while True:
            node = top()
            if not node:
                raise IndexError("peek at an empty LockFreeStack")
            item: T = slots[node & _INDEX]
            if top() == node:  # still linked: the slot held its item
                return item

    def pop_all(self) -> list[T]:
        """Atomically detach every item; return them as a list, top first.

        The stack is empty at the instant of the detach; items pushed later
        are not included.  Returns an empty list if the stack was empty.
        """
        stack = self._stack
        head = lib.pa_stack_detach(stack)
        if not head:
            return []
        nodes = [head]
        below = lib.pa_stack_next(stack, head)
        while below:
            nodes.append(below)
            below = lib.pa_stack_next(stack, below)
        slots = self._slots
        items = []
        for node in nodes:
            i = node & _INDEX
            items.append(slots[i])
            slots[i] = _FREE
        lib.pa_stack_release(stack, head, nodes[-1], len(nodes))
        return items

    def __len__(self) -> int:
        """The number of items: a snapshot, possibly stale on return."""
        size: int = lib.pa_stack_size(self._stack)
        return max(0, size)

    def __bool__(self) -> bool:
        """True if the stack was non-empty at the instant of the read."""
        top: int = self._top()
        return top != 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} with {len(self)} items>"

    def __reduce__(self) -> Any:
        raise TypeError(
            f"cannot pickle a {type(self).__name__}: pop_all() it and pickle "
            "the list instead"
        )


_SET_PUSH = LockFreeStack.__dict__["push"].__set__
_SET_POP = LockFreeStack.__dict__["pop"].__set__
