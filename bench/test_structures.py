"""The structures and extras beside their baselines (issues 4 and 5).

A structure whose module does not exist yet is skipped, not failed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

GROUPS = {
    "stack: push+pop": [
        "LockFreeStack.push_pop",
        "baseline.lifoqueue_put_get",
        "baseline.lock_deque_push_pop",
    ],
    "threshold: increment": [
        "ThresholdCounter.increment",
        "baseline.lock_threshold_increment",
        "AtomicInt64.increment",
    ],
    "config: get": [
        "AtomicConfig.get",
        "AtomicInt64.load",
        "baseline.attribute_read",
    ],
    "config: update": ["AtomicConfig.update", "AtomicInt64.swap"],
    "reference: load": ["AtomicReference.load", "AtomicInt64.load"],
    "reference: swap": ["AtomicReference.swap", "AtomicInt64.swap"],
    "array: batch add per element": [
        "AtomicInt64Array.add_at",
        "AtomicInt64Array.add_at_buffer",
        "AtomicInt64Array.fetch_add_loop",
        "baseline.lock_list_add_at",
    ],
    "array: element fetch_add": [
        "AtomicInt64Array.fetch_add",
        "AtomicInt64.fetch_add",
    ],
    "array: load_all per element": ["AtomicInt64Array.load_all", "AtomicInt64.load"],
    "striped: increment": [
        "StripedCounter.increment",
        "StripedCounter.add",
        "AtomicInt64.increment",
        "baseline.lock_increment",
    ],
    "striped: sum": ["StripedCounter.sum", "AtomicInt64.load"],
}
PARAMS = [
    pytest.param(group, name, id=f"{group.split(':')[0]}-{name}")
    for group, names in GROUPS.items()
    for name in names
]


@pytest.mark.parametrize(("group", "name"), PARAMS)
def test_structure(run_case: Callable[[str, str], None], group: str, name: str) -> None:
    run_case(name, group)
