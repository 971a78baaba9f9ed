"""AtomicConfig: publish a configuration object; readers take snapshots.

Design: the protocol of ``AtomicReference`` (see ``_reference.py``), plus a
version.  The atomic cell holds a key that is never issued twice (a 64-bit
ticket); ``_configs`` maps each live key to the config published under it
and ``_versions`` to its version.  Both entries are added before the key is
published and removed by the one thread whose compare-and-swap replaced it.

Correctness.

* Readers never see a half-built config: the object is built by the caller
  before ``update``, entered under a fresh key, and only then does one
  compare-and-swap make that key current.  ``get`` returns the object
  published under the key it read, which was current at that instant.
* ``version`` grows by exactly one per successful publish: a publish
  replaces key ``k`` (version v) by a key with version v + 1, and the
  compare-and-swap succeeds only if ``k`` is still current, so no two
  publishes build on the same version.  Keys never repeat, so there is no
  ABA, even if the same object is published twice.
* Old configs are released as soon as no reader holds them: each replaced
  key's entries are deleted once, by the publisher that replaced it.
* Progress: readers retry only after a publish succeeded, and a publish
  fails only because another one succeeded, so some thread always moves on.
  A candidate that lost its compare-and-swap is kept alive until the loop
  has succeeded: dropping it inside the loop could run its ``__del__``,
  which may publish to this holder and so fail every other thread's
  attempt again and again (a livelock seen with 8 threads).
* Subclasses: ``get`` is a closure stored in a slot, set through this
  class's slot descriptor (``self.get = ...`` would land in a subclass
  instance's ``__dict__``), so a subclass's own ``get`` wins.

Every operation is lock-free and sequentially consistent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._ffi import lib
from ._int import AtomicUInt64
from ._reference import reader

__all__ = ["AtomicConfig"]

T = TypeVar("T")


class AtomicConfig(Generic[T]):
    """A configuration that writers replace and readers snapshot, lock-free.

    Publish immutable values: a frozen dataclass, a tuple, a
    ``types.MappingProxyType`` over a dict nobody else holds.  ``get`` hands
    out the published object itself, not a copy, so if anyone mutates a
    published object, readers see the mutation half-done and no version
    change: that is a bug in the caller, which this class cannot detect.
    Build a new object and ``update`` instead.

    A snapshot from ``get`` never changes under its holder (as long as the
    object is immutable), and ``version`` (0 at creation) grows by exactly one
    per successful publish.  Every operation is lock-free and sequentially
    consistent.

    Performance: ``get`` is 1 cffi call and one dict lookup (no copy);
    ``version`` the same; each round of ``update``/``update_with`` 3 cffi
    calls.

    >>> from dataclasses import dataclass, replace
    >>> @dataclass(frozen=True)
    ... class Limits:
    ...     rate: int
    ...     burst: int
    >>> cfg = AtomicConfig(Limits(rate=10, burst=20))
    >>> cfg.update_with(lambda old: replace(old, rate=old.rate * 2)).rate
    20
    >>> cfg.get().rate, cfg.version
    (20, 1)
    """

    __slots__ = (
        "_key",
        "_tickets",
        "_ticket",
        "_configs",
        "_versions",
        "_load",
        "_read",
        "get",
        "__weakref__",
    )

    if TYPE_CHECKING:
        # At run time ``get`` is bound per instance (see _reference.reader).
        def get(self) -> T:
            """Atomically read and return the current config (the object itself)."""

    def __init__(self, initial: T) -> None:
        """Create the holder publishing ``initial`` as version 0."""
        self._tickets = tickets = AtomicUInt64()
        self._ticket = tickets.increment
        key = self._ticket()
        self._configs: dict[int, T] = {key: initial}
        self._versions: dict[int, int] = {key: 0}
        self._key = AtomicUInt64(key)
        self._load = self._key.load
        self._read = reader(self._configs, self._load)
        _SET_GET(self, self._read)

    @property
    def version(self) -> int:
        """The number of successful publishes so far (atomically read)."""
        versions = self._versions
        load = self._load
        while True:
            try:
                return versions[load()]
            except KeyError:
                continue

    def snapshot(self) -> tuple[int, T]:
        """Atomically read the current ``(version, config)`` pair."""
        configs = self._configs
        versions = self._versions
        load = self._load
        while True:
            key = load()
            try:
                return versions[key], configs[key]
            except KeyError:
                continue

    def update(self, new: T) -> T:
        """Atomically publish ``new``; return the config it replaced."""
        old: list[T] = []

        def replace(current: T) -> T:
            old[:] = [current]
            return new

        self._publish(replace)
        return old[0]

    def update_with(self, fn: Callable[[T], T]) -> T:
        """Atomically publish ``fn(current)``; return the new config.

        Read-copy-update: ``fn`` gets the current config and must return a
        new object without changing the one it got.  It is called again with
        the fresher config whenever another publish wins the race, so it
        should have no side effects.  If ``fn`` raises, the exception
        propagates and nothing is published.
        """
        return self._publish(fn)

    def _publish(self, fn: Callable[[T], T]) -> T:
        configs = self._configs
        versions = self._versions
        cell = self._key._cell
        lost: list[T] = []  # see "Progress" above: freed after the loop
        while True:
            key = self._load()
            try:
                version = versions[key]
                current = configs[key]
            except KeyError:
                continue
            new = fn(current)
            mine = self._ticket()
            versions[mine] = version + 1
            configs[mine] = new
            if lib.pa_u64_compare_and_swap(cell, key, mine):
                del configs[key]
                del versions[key]
                del lost  # now the losers may run their __del__
                return new
            del configs[mine]  # lost to another publish: start again
            del versions[mine]
            lost.append(new)

    def __repr__(self) -> str:
        version, config = self.snapshot()
        return f"{type(self).__name__}({config!r}, version={version})"

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError(
            f"cannot pickle an {type(self).__name__}: pickle get() and build a "
            "new holder from it"
        )


_SET_GET = AtomicConfig.__dict__["get"].__set__
