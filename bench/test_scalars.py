"""Every operation of every scalar type beside the bare cffi call of its C
function (one benchmark group per operation and type)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyatomic.bench._cases import _BOOL_OPS, _INT_OPS, _PTR_OPS

TYPES = [
    ("AtomicInt32", "i32", _INT_OPS),
    ("AtomicInt64", "i64", _INT_OPS),
    ("AtomicUInt32", "u32", _INT_OPS),
    ("AtomicUInt64", "u64", _INT_OPS),
    ("AtomicBool", "bool", _BOOL_OPS),
    ("AtomicPointer", "ptr", _PTR_OPS),
]
PAIRS = [
    pytest.param(type_name, kind, verb, id=f"{type_name}.{verb}")
    for type_name, kind, ops in TYPES
    for verb in ops
]


@pytest.mark.parametrize(("type_name", "kind", "verb"), PAIRS)
def test_method(
    run_case: Callable[[str, str], None], type_name: str, kind: str, verb: str
) -> None:
    run_case(f"{type_name}.{verb}", f"{type_name}.{verb}")


@pytest.mark.parametrize(("type_name", "kind", "verb"), PAIRS)
def test_bare_cffi(
    run_case: Callable[[str, str], None], type_name: str, kind: str, verb: str
) -> None:
    run_case(f"cffi.pa_{kind}_{verb}", f"{type_name}.{verb}")


@pytest.mark.parametrize("name", ["AtomicInt64.update", "AtomicInt64.iadd"])
def test_python_level(run_case: Callable[[str, str], None], name: str) -> None:
    run_case(name, "AtomicInt64.increment-like")


@pytest.mark.parametrize(
    "name",
    [
        "AtomicInt64.increment",
        "cffi.pa_i64_increment",
        "baseline.lock_increment",
        "baseline.itertools_count",
    ],
)
def test_counter_vs_lock(run_case: Callable[[str, str], None], name: str) -> None:
    run_case(name, "counter: increment vs lock")


@pytest.mark.parametrize(
    "name", ["AtomicInt64.load", "cffi.pa_i64_load", "baseline.attribute_read"]
)
def test_read_vs_attribute(run_case: Callable[[str, str], None], name: str) -> None:
    run_case(name, "read: load vs attribute")


def test_empty_loop(run_case: Callable[[str, str], None]) -> None:
    run_case("baseline.empty_loop", "read: load vs attribute")
