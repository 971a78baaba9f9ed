"""Regression tests for scalar defects found by adversarial testing.

Each test is named after the case it pins down.
"""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pyatomic
from pyatomic import (
    AtomicBool,
    AtomicInt32,
    AtomicInt64,
    AtomicInteger,
    AtomicPointer,
    AtomicUInt32,
    AtomicUInt64,
)

INTEGERS = [AtomicInt32, AtomicInt64, AtomicUInt32, AtomicUInt64]


def run_child(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports this same pyatomic."""
    package_parent = str(Path(pyatomic.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": package_parent}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.thread_unsafe(reason="starts a child interpreter; slow in parallel")
def test_del_in_a_garbage_cycle_can_still_use_its_atomics(tmp_path: Path) -> None:
    # A __del__ in a reference cycle runs while the collector finalises the
    # cycle; the atomics it uses must not have been freed by then.
    result = run_child(
        """
        import gc
        from pyatomic import AtomicBool, AtomicInt64, AtomicPointer, AtomicUInt32

        class Worker:
            def __init__(self):
                self.atomics = [AtomicInt64(), AtomicUInt32(), AtomicBool()]
                self.pointer = AtomicPointer()
                self.inc = self.atomics[0].increment
                self.me = self
            def __del__(self):
                for _ in range(8):
                    self.inc()
                    self.atomics[1].fetch_add(3)
                    self.atomics[2].swap(True)
                    self.pointer.store(1234)

        for _ in range(100):
            workers = [Worker() for _ in range(200)]
            del workers
            gc.collect()
        print("ok")
        """,
        tmp_path,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_bool_view_over_a_byte_of_2_behaves_as_true() -> None:
    memory = bytearray(b"\x02\x00")
    flag = AtomicBool.from_buffer(memory)

    assert flag.load() is True
    assert flag.compare_exchange(True, False) is True  # witnessed True: swapped
    assert memory[0] == 0
    memory[0] = 7
    assert flag.compare_and_swap(False, True) is False
    assert flag.compare_and_swap(True, False) is True
    assert flag.load() is False


@pytest.mark.parametrize("cls", INTEGERS)
def test_int_too_long_to_print_gives_overflow_error_not_value_error(cls) -> None:
    a = cls(1)

    with pytest.raises(OverflowError, match=r"value=<int of \d+ bits>"):
        a.store(10**5000)
    with pytest.raises(OverflowError, match="delta"):
        a.fetch_add(-(10**5000))
    assert a.load() == 1


def test_pointer_int_too_long_to_print_gives_overflow_error() -> None:
    with pytest.raises(OverflowError, match="bits"):
        AtomicPointer(10**5000)


def test_negative_delta_on_unsigned_type_suggests_sub() -> None:
    with pytest.raises(OverflowError, match=r"sub\(\)"):
        AtomicUInt64(5).fetch_add(-1)


def test_index_that_fails_reports_its_own_error() -> None:
    class BadIndex:
        def __index__(self) -> int:
            return "7"  # type: ignore[return-value]

    with pytest.raises(TypeError, match="__index__ returned non-int"):
        AtomicInt64().store(BadIndex())  # type: ignore[arg-type]


def test_index_object_out_of_range_shows_its_number() -> None:
    class Huge:
        def __index__(self) -> int:
            return 2**40

        def __repr__(self) -> str:
            return "Huge()"

    with pytest.raises(OverflowError, match=r"Huge\(\) \(index 1099511627776\)"):
        AtomicInt32().store(Huge())  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", INTEGERS)
def test_integer_truthiness_follows_the_value(cls) -> None:
    a = cls(0)

    assert not a
    a.increment()
    assert a


def test_abstract_integer_base_refuses_construction_clearly() -> None:
    with pytest.raises(TypeError, match="abstract"):
        AtomicInteger()
    with pytest.raises(TypeError, match="abstract"):
        pyatomic.AtomicIntegerArray(3)


def test_closed_mmap_is_a_value_error_naming_the_buffer() -> None:
    import mmap

    memory = mmap.mmap(-1, 64)
    memory.close()

    with pytest.raises(ValueError, match=r"buffer <mmap.mmap closed=True>"):
        AtomicInt64.from_buffer(memory)


def test_numpy_like_bool_names_its_qualified_type() -> None:
    class bool_:  # noqa: N801 - mimics numpy.bool_
        __module__ = "fakenumpy"
        __qualname__ = "bool_"

        def __repr__(self) -> str:
            return "fakenumpy.True_"

    with pytest.raises(TypeError, match=r"not fakenumpy\.bool_"):
        AtomicBool().store(bool_())  # type: ignore[arg-type]


class Named(AtomicInt64):
    """A user subclass: another __init__ signature, extra state, overrides."""

    def __init__(self, name: str, value: int = 0) -> None:
        super().__init__(value)
        self.name = name
        self.loads = 0

    def load(self) -> int:
        self.loads += 1
        return super().load()  # type: ignore[no-any-return]

    def increment(self) -> int:
        return self.add(10)


def test_subclass_overrides_of_bound_methods_win() -> None:
    n = Named("hits", 4)

    assert n.increment() == 14  # the override, not the bound C call
    assert n.load() == 14
    assert n.loads == 1


@pytest.mark.parametrize(
    "clone",
    [copy.copy, copy.deepcopy, lambda a: pickle.loads(pickle.dumps(a))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_subclass_copies_keep_value_and_state(clone) -> None:
    n = Named("hits", 4)

    c = clone(n)
    c.decrement()

    assert type(c) is Named
    assert (c.name, n.name) == ("hits", "hits")
    assert c.load() == 3 and n.load() == 4


def test_subclass_with_slots_copies_its_slots() -> None:
    class Slotted(AtomicUInt32):
        __slots__ = ("tag",)

    s = Slotted(9)
    s.tag = "x"

    c = copy.copy(s)

    assert (c.load(), c.tag) == (9, "x")


@pytest.mark.thread_unsafe(reason="starts a child interpreter; slow in parallel")
def test_views_on_memoryviews_in_garbage_cycles_do_not_crash(tmp_path: Path) -> None:
    # On 3.11/3.12 an exported memoryview inside a garbage cycle made the
    # collector crash; views now hold the memoryview's underlying object.
    result = run_child(
        """
        import gc
        from pyatomic import AtomicInt64, AtomicInt64Array

        class D:
            pass

        for _ in range(300):
            mv = memoryview(bytearray(64))
            d = D()
            d.me = d
            d.v = AtomicInt64.from_buffer(mv, 8)
            d.a = AtomicInt64Array.from_buffer(mv[16:], 8)
            d.v.increment()
            d.a.add_at([0, 1])
            del d, mv
            gc.collect()
        print("ok")
        """,
        tmp_path,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


@pytest.mark.thread_unsafe(reason="starts a child interpreter; slow in parallel")
def test_bound_method_of_a_dead_view_called_from_a_cycle(tmp_path: Path) -> None:
    result = run_child(
        """
        import gc
        from pyatomic import AtomicInt64

        class D:
            def __del__(self):
                assert self.load() == 0
                self.inc()

        for r in range(2000):
            v = AtomicInt64.from_buffer(bytearray(128))
            d = D()
            d.me = d
            d.inc, d.load = v.increment, v.load
            del v, d
            if r % 50 == 0:
                gc.collect()
        print("ok")
        """,
        tmp_path,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_view_on_a_memoryview_slice_writes_the_right_bytes() -> None:
    memory = bytearray(32)

    view = AtomicInt64.from_buffer(memoryview(memory)[8:], 8)
    view.store(-1)

    assert memory == bytes(16) + b"\xff" * 8 + bytes(8)


class Shifted(AtomicInt64):
    """load() reports one more than the cell holds."""

    def load(self) -> int:
        return super().load() + 1  # type: ignore[no-any-return]


def test_copy_reads_past_a_load_override() -> None:
    s = Shifted(10)

    assert copy.copy(s).load() == 11
    assert pickle.loads(pickle.dumps(s)).load() == 11


def test_abstract_bases_refuse_from_buffer_and_is_lock_free() -> None:
    for call in (
        lambda: AtomicInteger.from_buffer(bytearray(8)),
        lambda: pyatomic.AtomicIntegerArray.from_buffer(bytearray(16)),
        AtomicInteger.is_lock_free,
        pyatomic.AtomicIntegerArray.is_lock_free,
    ):
        with pytest.raises(TypeError, match="abstract"):
            call()


def test_huge_offsets_and_lengths_give_the_documented_errors() -> None:
    with pytest.raises(ValueError, match="bits"):
        AtomicInt64.from_buffer(bytearray(16), 10**5000)
    with pytest.raises(MemoryError, match="bits"):
        pyatomic.AtomicInt64Array(10**5000)
