"""pytest-benchmark suite: the cases of ``python -m pyatomic.bench``, one
operation per benchmark.

Each benchmark times one case's generated loop (``for _ in r: <body>``, the
same code the command-line benchmark times) over ``LOOP`` iterations, so
pytest-benchmark's own per-call overhead is spread over ``LOOP`` operations
instead of doubling the cost of a 70 ns call.  Divide the reported times by
``LOOP`` (printed in the header) for ns per operation.  After the benchmark
the case's final state is checked against the number of operations that
actually ran, so the suite also works as a smoke test:

    pytest bench/ --benchmark-disable      # each loop once, checked
    pytest bench/                          # timed, grouped per operation

Benchmarks are grouped so that every pyatomic method sits beside the bare
cffi call of its C function and its baselines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from pyatomic.bench._cases import Case, all_cases
from pyatomic.bench._runner import compile_loop

#: Operations per benchmark call.
LOOP = 200

CASES: dict[str, Case] = {case.name: case for case in all_cases()}


def pytest_report_header(config: pytest.Config) -> list[str]:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return [
        f"pyatomic bench: {LOOP} operations per benchmark call "
        f"(divide times by {LOOP}); GIL {'enabled' if gil else 'disabled'}"
    ]


@pytest.fixture
def run_case(benchmark: Any) -> Callable[[str, str], None]:
    """Benchmark the case called ``name`` in benchmark group ``group``.

    Skips the test if the case needs a module that cannot be imported (a
    peer package, or a structure that is not built yet); fails it if the
    case's final state does not match the operations that ran.
    """

    def run(name: str, group: str) -> None:
        case = CASES[name]
        try:
            arm = case.make(1)
        except ImportError as exc:
            pytest.skip(f"{name}: {exc}")
        names = sorted(arm.env)
        loop = compile_loop(arm.body, names)
        args = [arm.env[n] for n in names]
        r = range(LOOP)
        calls = [0]

        def timed() -> None:
            loop(r, *args)
            calls[0] += 1

        arm.reset()
        benchmark.group = group
        benchmark.extra_info["code"] = case.code
        benchmark.extra_info["ops_per_call"] = LOOP * arm.per_iter
        benchmark(timed)
        assert calls[0] >= 1
        problem = arm.check(calls[0] * LOOP * arm.per_iter)
        assert problem is None, f"{name}: {problem}"

    return run
