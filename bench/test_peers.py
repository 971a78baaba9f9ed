"""The peer packages (cereggii, ft_utils) beside the closest pyatomic
operation; skipped where a peer is not installed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyatomic.bench._cases import all_cases

CASES = {case.name: case for case in all_cases()}

PEERS = [
    pytest.param(name, case.refs[0], id=name)
    for name, case in CASES.items()
    if case.kind == "peer"
]


@pytest.mark.parametrize(("name", "ours"), PEERS)
def test_peer(run_case: Callable[[str, str], None], name: str, ours: str) -> None:
    run_case(name, ours)


@pytest.mark.parametrize(
    "ours", sorted({case.refs[0] for case in CASES.values() if case.kind == "peer"})
)
def test_pyatomic_equivalent(run_case: Callable[[str, str], None], ours: str) -> None:
    run_case(ours, ours)
