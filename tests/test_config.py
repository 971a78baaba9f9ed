"""AtomicConfig: versions, whole snapshots, read-copy-update, reclamation."""

from __future__ import annotations

import dataclasses
import gc
import pickle
import tracemalloc
import weakref

import pytest
from threads import N_THREADS, run_threads, stress

from pyatomic import AtomicConfig, AtomicInt64


@dataclasses.dataclass(frozen=True)
class Config:
    """A config whose last field is a checksum over all the others."""

    seq: int
    name: str
    limits: tuple[int, int, int]
    checksum: int

    @classmethod
    def make(cls, seq: int) -> Config:
        name = f"config-{seq}"
        limits = (seq * 3, seq * 5 + 1, seq % 7)
        return cls(seq, name, limits, cls.digest(seq, name, limits))

    @staticmethod
    def digest(seq: int, name: str, limits: tuple[int, int, int]) -> int:
        return hash((seq, name, limits))

    def ok(self) -> bool:
        return self.checksum == self.digest(self.seq, self.name, self.limits)


class Counted:
    """A config that counts its own destruction in ``counter``."""

    def __init__(self, seq: int, counter: AtomicInt64) -> None:
        self.seq = seq
        self.counter = counter

    def __del__(self) -> None:
        self.counter.increment()


# -- no contention -------------------------------------------------------------


def test_get_update_and_version() -> None:
    first, second = Config.make(0), Config.make(1)
    cfg = AtomicConfig(first)

    assert cfg.get() is first and cfg.version == 0
    assert cfg.update(second) is first
    assert cfg.get() is second and cfg.version == 1
    assert cfg.snapshot() == (1, second)


def test_update_with_returns_new_and_bumps_version_once() -> None:
    cfg = AtomicConfig(Config.make(0))

    new = cfg.update_with(lambda old: Config.make(old.seq + 1))

    assert new.seq == 1 and cfg.get() is new and cfg.version == 1


def test_raising_fn_publishes_nothing() -> None:
    cfg = AtomicConfig(Config.make(0))

    with pytest.raises(ValueError, match="no"):
        cfg.update_with(lambda old: (_ for _ in ()).throw(ValueError("no")))

    assert cfg.version == 0 and cfg.get().seq == 0
    assert len(cfg._configs) == len(cfg._versions) == 1


def test_republishing_the_same_object_still_counts() -> None:
    same = Config.make(0)
    cfg = AtomicConfig(same)

    assert cfg.update(same) is same
    assert cfg.update(same) is same

    assert cfg.version == 2 and cfg.get() is same


def test_mutating_a_published_object_is_visible_and_unversioned() -> None:
    # Documented hazard: get() returns the object itself, not a copy.
    settings = {"rate": 1}
    cfg = AtomicConfig(settings)

    settings["rate"] = 2

    assert cfg.get()["rate"] == 2 and cfg.version == 0


def test_repr_and_pickle() -> None:
    cfg = AtomicConfig[tuple[int, int]]((1, 2))
    cfg.update((3, 4))

    assert repr(cfg) == "AtomicConfig((3, 4), version=1)"
    with pytest.raises(TypeError, match="cannot pickle an AtomicConfig"):
        pickle.dumps(cfg)


# -- reclamation ---------------------------------------------------------------


def test_old_configs_are_destroyed_exactly_once() -> None:
    # Arrange
    destroyed = AtomicInt64()
    n = 200
    cfg = AtomicConfig(Counted(-1, destroyed))
    refs = []

    # Act
    for i in range(n):
        new = Counted(i, destroyed)
        refs.append(weakref.ref(new))
        if i % 2:
            cfg.update(new)
        else:
            cfg.update_with(lambda old, new=new: new)
        del new
    held = cfg.get()  # a reader's snapshot survives later publishes
    cfg.update(Counted(n, destroyed))
    assert held.seq == n - 1 and destroyed.load() == n  # -1 and 0..n-2
    del held, cfg
    gc.collect()

    # Assert: all n + 2 configs, each exactly once.
    assert destroyed.load() == n + 2
    assert all(r() is None for r in refs)


def test_del_that_reenters_the_config() -> None:
    # Arrange: a replaced config reads the holder and publishes a follow-up.
    seen = []

    class Reenter:
        def __del__(self) -> None:
            seen.append(cfg.snapshot())
            cfg.update("follow-up")

    cfg: AtomicConfig[object] = AtomicConfig(Reenter())

    # Act: the old config dies inside update(), whose caller drops it.
    cfg.update("second")

    # Assert
    assert seen == [(1, "second")]
    assert cfg.snapshot() == (2, "follow-up")
    assert len(cfg._configs) == len(cfg._versions) == 1


@pytest.mark.thread_unsafe(reason="tracemalloc measures the whole process")
def test_publish_churn_stays_bounded() -> None:
    # Arrange
    cfg = AtomicConfig(Config.make(0))
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]

        # Act
        for i in range(stress(50_000)):
            cfg.update(Config.make(i))
            cfg.get()
        cfg.update(Config.make(0))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    # Assert
    assert after - base < 64 * 1024, (base, after)
    assert len(cfg._configs) == len(cfg._versions) == 1


# -- contention --------------------------------------------------------------------


def test_readers_see_whole_configs_and_versions_never_go_back() -> None:
    # Arrange: half the threads publish seq + 1 by read-copy-update, half
    # read and check every field and the order of versions.
    cfg = AtomicConfig(Config.make(0))
    writers = N_THREADS // 2
    per_writer = stress(1500)

    def worker(index: int) -> int:
        if index < writers:
            for _ in range(per_writer):
                cfg.update_with(lambda old: Config.make(old.seq + 1))
            return 0
        last_version = last_seq = reads = 0
        while last_seq < writers * per_writer:
            version, config = cfg.snapshot()
            assert config.ok(), config
            assert config.seq == version  # version counts publishes exactly
            assert version >= last_version
            assert cfg.get().seq >= config.seq
            assert cfg.version >= version
            last_version, last_seq = version, config.seq
            reads += 1
        return reads

    # Act
    reads = run_threads(worker, args=lambda i: (i,))

    # Assert: no publish was lost and nothing is left behind.
    assert cfg.version == writers * per_writer == cfg.get().seq
    assert all(r > 0 for r in reads[writers:])
    assert len(cfg._configs) == len(cfg._versions) == 1


def test_concurrent_update_returns_each_config_once() -> None:
    """update() hands every replaced config to exactly one caller."""
    cfg: AtomicConfig[tuple[int, int]] = AtomicConfig((-1, -1))
    n = stress(3000)

    def worker(index: int) -> list[tuple[int, int]]:
        return [cfg.update((index, i)) for i in range(n)]

    results = run_threads(worker, args=lambda i: (i,))

    seen = [c for got in results for c in got] + [cfg.get()]
    assert len(seen) == len(set(seen)) == N_THREADS * n + 1
    assert cfg.version == N_THREADS * n


# -- regressions -----------------------------------------------------------------


def test_update_with_candidates_whose_del_publishes_finishes() -> None:
    """A lost candidate dropped inside the retry loop ran its ``__del__``,
    which published and so failed the next attempt, forever (8 threads on
    3.14t; here one thread and one rival publish show the same loop)."""
    # Arrange
    cfg: AtomicConfig[object] = AtomicConfig("start")
    calls: list[object] = []

    class Candidate:
        def __del__(self) -> None:
            cfg.update("from __del__")

    def fn(old: object) -> object:
        calls.append(old)
        if len(calls) == 1:
            cfg.update("rival")  # another publish wins this attempt
        if len(calls) > 50:
            raise RuntimeError("livelock: fn called 50 times")
        return Candidate()

    # Act
    new = cfg.update_with(fn)

    # Assert: one retry; the loser's __del__ published only after success.
    assert calls == ["start", "rival"]
    assert isinstance(new, Candidate)
    assert cfg.snapshot() == (3, "from __del__")
    del new
    gc.collect()


def test_subclass_overrides_get() -> None:
    class Counting(AtomicConfig[int]):
        def __init__(self, *, start: int) -> None:
            super().__init__(start)
            self.gets = 0

        def get(self) -> int:
            self.gets += 1
            return super().get() * 10

    cfg = Counting(start=4)

    assert cfg.get() == 40 and cfg.gets == 1
    cfg.update(5)
    assert cfg.get() == 50 and cfg.gets == 2 and cfg.version == 1


def test_weakref_to_a_config() -> None:
    cfg = AtomicConfig(1)
    ref = weakref.ref(cfg)

    assert ref() is cfg
    del cfg
    gc.collect()
    assert ref() is None
