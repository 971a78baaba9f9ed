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

import importlib
from typing import TYPE_CHECKING, Any

from ._bool import AtomicBool
from ._int import AtomicInt32, AtomicInt64, AtomicInteger, AtomicUInt32, AtomicUInt64
from ._pointer import AtomicPointer
from ._version import __version__

# Families beyond the scalars are imported on first use (PEP 562), so that
# `import pyatomic` stays cheap.
_LAZY = {
    "AtomicInt32Array": "_array",
    "AtomicInt64Array": "_array",
    "AtomicUInt32Array": "_array",
    "AtomicUInt64Array": "_array",
    "StripedCounter": "_striped",
    "CountDownLatch": "_latch",
    "AtomicReference": "_reference",
    "LockFreeStack": "_stack",
    "ThresholdCounter": "_threshold",
    "AtomicConfig": "_config",
}

if TYPE_CHECKING:
    from ._array import (
        AtomicInt32Array,
        AtomicInt64Array,
        AtomicUInt32Array,
        AtomicUInt64Array,
    )
    from ._config import AtomicConfig
    from ._latch import CountDownLatch
    from ._reference import AtomicReference
    from ._stack import LockFreeStack
    from ._striped import StripedCounter
    from ._threshold import ThresholdCounter


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pyatomic' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AtomicBool",
    "AtomicInt32",
    "AtomicInt64",
    "AtomicInteger",
    "AtomicPointer",
    "AtomicUInt32",
    "AtomicUInt64",
    "__version__",
    *_LAZY,
]
