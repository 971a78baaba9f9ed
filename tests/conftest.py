"""Shared test configuration.

* ``PYATOMIC_STRESS`` (a float, default 1.0) scales every contention test's
  length; ``stress(n)`` turns a base iteration count into the scaled one.
* ``PYATOMIC_SEED`` fixes the seed of randomised tests; the seed in use is
  printed in the header so that a failure can be replayed.
* On GIL builds every test runs with a tiny switch interval so that threads
  interleave between bytecodes; on free-threaded builds the threads are
  really parallel.
* On free-threaded builds the session fails if anything re-enables the GIL.
"""

from __future__ import annotations

import os
import random
import sys

import pytest

FREE_THREADED = not getattr(sys, "_is_gil_enabled", lambda: True)()
STRESS = float(os.environ.get("PYATOMIC_STRESS", "1.0"))
SEED = int(os.environ.get("PYATOMIC_SEED", random.randrange(2**32)))


def pytest_report_header(config: pytest.Config) -> list[str]:
    gil = "disabled (free-threaded)" if FREE_THREADED else "enabled"
    return [
        f"pyatomic: GIL {gil}; PYATOMIC_STRESS={STRESS}; PYATOMIC_SEED={SEED}",
    ]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "thread_unsafe: cannot run under pytest-run-parallel"
    )
    if not FREE_THREADED:
        # Provoke interleavings: switch threads after ~1 us, not 5 ms.
        sys.setswitchinterval(1e-6)


@pytest.fixture
def seed() -> int:
    """The seed of this run; replay a failure with PYATOMIC_SEED=<seed>."""
    return SEED


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if FREE_THREADED and sys._is_gil_enabled():
        session.exitstatus = 1
        print(
            "\nERROR: the GIL was re-enabled during the test session; some "
            "extension module imported by the tests is not marked free-threading"
            " safe",
            file=sys.stderr,
        )
