"""wait/notify for 32-bit and bool atomics (issue #4; being built)."""

from __future__ import annotations

__all__ = ["Waitable"]


class Waitable:
    """Mixin giving wait/notify_one/notify_all to AtomicInt32, AtomicUInt32
    and AtomicBool."""

    __slots__ = ()
