"""pyatomic: lock-free, sequentially consistent atomics for Python.

Built for threaded code on free-threaded CPython (3.14t), where nothing
hides a data race, and correct on GIL builds too.  Every operation is one
C11 atomic operation with ``memory_order_seq_cst``.

* Scalars: ``AtomicInt32``, ``AtomicInt64``, ``AtomicUInt32``,
  ``AtomicUInt64``, ``AtomicBool`` and ``AtomicPointer`` (an address), each
  also as a view on shared memory through ``from_buffer``.
* Arrays with batch operations, a striped counter, wait/notify and a
  countdown latch.
* Lock-free structures: ``AtomicReference``, ``LockFreeStack``,
  ``ThresholdCounter`` and ``AtomicConfig``.

One vocabulary everywhere: ``load``, ``store``, ``swap`` (returns the
previous value), ``compare_and_swap`` (returns whether it swapped) and
``compare_exchange`` (returns the value witnessed).  ``fetch_*`` return the
previous value; ``add``, ``sub``, ``increment``, ``decrement`` and
``update`` the new one.
"""

from __future__ import annotations

from ._array import (
    AtomicInt32Array,
    AtomicInt64Array,
    AtomicIntegerArray,
    AtomicUInt32Array,
    AtomicUInt64Array,
)
from ._bool import AtomicBool
from ._config import AtomicConfig
from ._int import AtomicInt32, AtomicInt64, AtomicInteger, AtomicUInt32, AtomicUInt64
from ._latch import CountDownLatch
from ._pointer import AtomicPointer
from ._reference import AtomicReference
from ._stack import LockFreeStack
from ._striped import StripedCounter
from ._threshold import ThresholdCounter
from ._version import __version__

__all__ = [
    "AtomicBool",
    "AtomicConfig",
    "AtomicInt32",
    "AtomicInt32Array",
    "AtomicInt64",
    "AtomicInt64Array",
    "AtomicInteger",
    "AtomicIntegerArray",
    "AtomicPointer",
    "AtomicReference",
    "AtomicUInt32",
    "AtomicUInt32Array",
    "AtomicUInt64",
    "AtomicUInt64Array",
    "CountDownLatch",
    "LockFreeStack",
    "StripedCounter",
    "ThresholdCounter",
    "__version__",
]
