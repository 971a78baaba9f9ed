"""Atomics over external memory: from_buffer views, in one process and across
several processes that share a multiprocessing.shared_memory segment.

The cross-process tests start workers with the 'forkserver' context (the
default on 3.14; 'fork' would copy this process's threads' state).  Every
segment is unlinked in a finally block and every worker is joined with a
timeout, then killed if it is still alive.
"""

from __future__ import annotations

import array
import copy
import gc
import mmap
import multiprocessing
import os
import pickle
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import shared_memory
from typing import Any

import pytest
from threads import stress

from pyatomic import (
    AtomicBool,
    AtomicInt32,
    AtomicInt64,
    AtomicInt64Array,
    AtomicUInt32,
    AtomicUInt64,
)

INTS = [AtomicInt32, AtomicInt64, AtomicUInt32, AtomicUInt64]
ALL = [*INTS, AtomicBool]
CODE = {AtomicInt32: "i", AtomicInt64: "q", AtomicUInt32: "I", AtomicUInt64: "Q"}
PROCESSES = 3
JOIN_TIMEOUT = 120.0


# -- views in one process -----------------------------------------------------


@pytest.mark.parametrize("cls", INTS)
def test_view_operates_in_place(cls):
    size = cls._SIZE
    buf = bytearray(3 * size)

    view = cls.from_buffer(buf, size)
    other = cls.from_buffer(memoryview(buf)[size:])
    view.store(cls.MAX)
    other.decrement()

    assert struct.unpack(f"=3{CODE[cls]}", buf) == (0, cls.MAX - 1, 0)
    assert view.load() == cls.MAX - 1
    assert repr(view) == f"{cls.__name__}({cls.MAX - 1}, view)"


def test_bool_view_operates_in_place():
    buf = bytearray(2)

    flag = AtomicBool.from_buffer(buf, 1)
    assert flag.compare_and_swap(False, True)

    assert buf == bytearray(b"\x00\x01")


@pytest.mark.parametrize("cls", ALL)
def test_view_on_mmap_array_and_shared_memory(cls):
    with mmap.mmap(-1, 4096) as m:
        view = cls.from_buffer(m, 4096 - cls._SIZE)
        view.store(True if cls is AtomicBool else 1)
        assert m[4096 - cls._SIZE] == 1
        del view
    backing = array.array("q", [0, 0])
    cls.from_buffer(backing, 8).store(True if cls is AtomicBool else 1)
    assert backing[1] == 1
    shm = shared_memory.SharedMemory(create=True, size=64)
    try:
        view = cls.from_buffer(shm.buf, 8)
        view.store(True if cls is AtomicBool else 1)
        assert shm.buf[8] == 1
        with pytest.raises(BufferError):
            shm.close()  # the view pins the mapping
        del view
    finally:
        shm.close()
        shm.unlink()


def test_view_keeps_the_buffer_alive():
    counter = AtomicInt64.from_buffer(bytearray(8))
    gc.collect()

    assert counter.increment() == 1


@pytest.mark.parametrize("cls", ALL)
def test_view_errors(cls):
    size = cls._SIZE
    buf = bytearray(4 * size)

    if size > 1:
        with pytest.raises(ValueError, match=rf"not {size}-byte aligned.*{size}-byte"):
            cls.from_buffer(buf, 1)
    with pytest.raises(ValueError, match=rf"out of bounds .*{4 * size} bytes"):
        cls.from_buffer(buf, 4 * size)
    with pytest.raises(ValueError, match="out of bounds"):
        cls.from_buffer(buf, -size)
    with pytest.raises(TypeError, match="offset must be an int"):
        cls.from_buffer(buf, 0.0)
    for read_only in (bytes(8), memoryview(buf).toreadonly()):
        with pytest.raises(TypeError, match="buffer must be writable.*read-only"):
            cls.from_buffer(read_only)
    for not_a_buffer in ([0] * 8, "abcdefgh", 8, None):
        with pytest.raises(TypeError, match="buffer must be a writable object"):
            cls.from_buffer(not_a_buffer)
    assert buf == bytearray(4 * size)


def test_read_only_mmap_is_refused(tmp_path):
    path = tmp_path / "cell"
    path.write_bytes(bytes(8))
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 8, access=mmap.ACCESS_READ) as m:
        with pytest.raises(TypeError, match="read-only"):
            AtomicInt64.from_buffer(m)


def test_scalar_view_on_non_contiguous_memory_names_contiguity():
    with pytest.raises(TypeError, match="contiguous"):
        AtomicInt64.from_buffer(memoryview(bytearray(64))[::2])


def test_scalar_view_on_too_small_buffer_gives_a_sensible_range():
    with pytest.raises(ValueError) as info:
        AtomicInt64.from_buffer(bytearray(4))
    assert "-4" not in str(info.value)


@pytest.mark.parametrize("cls", ALL)
def test_pickling_a_view_is_refused_with_the_way_to_share(cls):
    view = cls.from_buffer(bytearray(8))

    with pytest.raises(TypeError, match=r"cannot pickle .* view.*SharedMemory"):
        pickle.dumps(view)
    owned = copy.copy(view)  # a copy owns its own cell and pickles
    assert type(pickle.loads(pickle.dumps(owned))) is cls


# -- across processes ---------------------------------------------------------


@contextmanager
def segment(size: int) -> Iterator[shared_memory.SharedMemory]:
    """A zeroed shared memory segment, always unlinked."""
    shm = shared_memory.SharedMemory(create=True, size=size)
    try:
        shm.buf[:size] = bytes(size)
        yield shm
    finally:
        gc.collect()  # drop views that a failed assertion left in frames
        try:
            shm.close()
        finally:
            shm.unlink()


def run_processes(target: Callable[..., Any], args: list[tuple[Any, ...]]) -> None:
    """Run ``target(*a)`` in one process per ``a``; fail unless every one
    exits 0 within JOIN_TIMEOUT (stragglers are killed)."""
    context = multiprocessing.get_context("forkserver")
    procs = [context.Process(target=target, args=a, daemon=True) for a in args]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join(JOIN_TIMEOUT)
    finally:
        stuck = [p for p in procs if p.is_alive()]
        for p in stuck:
            p.kill()
            p.join(10)
    assert not stuck, f"{len(stuck)} worker processes did not finish"
    assert [p.exitcode for p in procs] == [0] * len(procs)


@contextmanager
def attach(name: str) -> Iterator[memoryview]:
    """The buffer of an existing segment, in a worker process."""
    shm = shared_memory.SharedMemory(name=name)
    try:
        yield shm.buf
    finally:
        gc.collect()
        shm.close()


def start_together(buf: memoryview, offset: int, processes: int) -> None:
    """A barrier across processes, on an AtomicInt64 at ``offset``: the
    workers' loops overlap instead of running one after another."""
    arrived = AtomicInt64.from_buffer(buf, offset)
    arrived.increment()
    while arrived.load() < processes:
        os.sched_yield()


def _count(name: str, rounds: int) -> None:
    with attach(name) as buf:
        start_together(buf, 8, PROCESSES)
        counter = AtomicInt64.from_buffer(buf, 0)
        for _ in range(rounds):
            counter.increment()
        counter.fetch_add(rounds)
        del counter


def _take_token(name: str, me: int, rounds: int) -> None:
    """Hold the token (cell 0 == me) for each update of the plain counter.

    The plain counter at offset 8 is read and written without atomics, so
    two holders at once would lose an update; a lost token would stall
    every worker until the join timeout.
    """
    with attach(name) as buf:
        start_together(buf, 16, PROCESSES)
        token = AtomicInt64.from_buffer(buf, 0)
        for _ in range(rounds):
            while not token.compare_and_swap(0, me):
                os.sched_yield()
            (plain,) = struct.unpack_from("=q", buf, 8)
            os.sched_yield()  # invite a second holder, if there could be one
            assert token.load() == me, "the token was duplicated"
            struct.pack_into("=q", buf, 8, plain + 1)
            if not token.compare_and_swap(me, 0):
                raise AssertionError("someone else released my token")
        del token


def _pass_token(name: str, me: int, processes: int, rounds: int) -> None:
    """Mailbox me of the array holds 1 when the token is ours; take it with
    a CAS, update the plain counter, put it into the next mailbox."""
    with attach(name) as buf:
        start_together(buf, 8 * (processes + 1 + 8), processes)
        boxes = AtomicInt64Array.from_buffer(buf, 0, processes)
        hist = AtomicInt64Array.from_buffer(buf, 8 * (processes + 1), 8)
        for r in range(rounds):
            while not boxes.compare_and_swap(me, 1, 0):
                os.sched_yield()
            (plain,) = struct.unpack_from("=q", buf, 8 * processes)
            os.sched_yield()
            struct.pack_into("=q", buf, 8 * processes, plain + 1)
            if not boxes.compare_and_swap((me + 1) % processes, 0, 1):
                raise AssertionError("the next mailbox already had a token")
            hist.add_at([r % 8, -1, me], [1, 2, 3])
        del boxes, hist


@pytest.mark.thread_unsafe(
    reason="workers spin with sched_yield on a 2-CPU box: 4 parallel copies "
    "of each test would only multiply the run time"
)
class TestAcrossProcesses:
    def test_shared_counter_ends_at_the_exact_total(self):
        rounds = stress(5_000)
        with segment(16) as shm:
            run_processes(_count, [(shm.name, rounds)] * PROCESSES)

            counter = AtomicInt64.from_buffer(shm.buf)
            assert counter.load() == PROCESSES * rounds * 2
            del counter

    def test_compare_and_swap_token_is_never_lost_or_duplicated(self):
        rounds = stress(300)
        with segment(24) as shm:
            run_processes(
                _take_token,
                [(shm.name, me, rounds) for me in range(1, PROCESSES + 1)],
            )

            assert struct.unpack_from("=qq", shm.buf) == (0, PROCESSES * rounds)

    def test_array_view_token_ring_and_histogram(self):
        rounds = stress(200)
        n = PROCESSES
        with segment(8 * (n + 1 + 8 + 1)) as shm:
            boxes = AtomicInt64Array.from_buffer(shm.buf, 0, n)
            boxes.store(0, 1)
            del boxes

            run_processes(_pass_token, [(shm.name, me, n, rounds) for me in range(n)])

            boxes = AtomicInt64Array.from_buffer(shm.buf, 0, n)
            hist = AtomicInt64Array.from_buffer(shm.buf, 8 * (n + 1), 8)
            assert boxes.load_all() == [1] + [0] * (n - 1)  # one token, home
            assert struct.unpack_from("=q", shm.buf, 8 * n) == (n * rounds,)
            expected = [0] * 8
            for me in range(n):
                for r in range(rounds):
                    expected[r % 8] += 1
                    expected[-1] += 2
                    expected[me] += 3
            assert hist.load_all() == expected
            del boxes, hist
