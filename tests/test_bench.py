"""The benchmark command line (pyatomic.bench): options, output, JSON, and
that a broken arm is reported instead of timed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import pyatomic.bench as bench
from pyatomic import AtomicInt64
from pyatomic.bench._cases import Case, all_cases
from pyatomic.bench._runner import Arm, BrokenArmError, measure

pytestmark = pytest.mark.thread_unsafe(
    reason="runs the benchmark's own thread pools and reads captured stdout"
)

QUICK = ["--ops", "2000", "--repeat", "1", "--threads", "1,2"]


def _broken_case() -> Case:
    """A counter arm whose operation does nothing: its check must fail."""

    def make(threads: int) -> Arm:
        counter = AtomicInt64()
        return Arm(
            "f()",
            {"f": counter.load},  # should have been counter.increment
            reset=lambda: counter.store(0),
            check=lambda total: (
                None
                if counter.load() == total
                else f"counter is {counter.load()}, expected {total}"
            ),
        )

    return Case("test.broken_counter", "a.load()", "baseline", make)


# -- no contention: options and output ----------------------------------------


def test_main_prints_header_and_rows(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench.main([*QUICK, "--only", "AtomicInt64.increment"])

    out, err = capsys.readouterr()
    assert status == 0, err
    for label in ("python", "GIL", "CPUs", "cffi", "pyatomic", "command"):
        assert f"  {label}" in out
    assert "--only AtomicInt64.increment" in out
    rows = [line.split()[0] for line in out.splitlines() if line[:1].strip()]
    # the case, its bare cffi call, the lock and the empty loop
    for name in (
        "AtomicInt64.increment",
        "cffi.pa_i64_increment",
        "baseline.lock_increment",
        "baseline.empty_loop",
    ):
        assert name in rows
    assert "AtomicInt64.decrement" not in rows
    assert "[1/" in err  # progress goes to stderr


def test_json_has_documented_keys(tmp_path: Path) -> None:
    path = tmp_path / "out.json"

    status = bench.main([*QUICK, "--only", "AtomicBool.swap", "--json", str(path)])

    assert status == 0
    data = json.loads(path.read_text())
    assert set(data) == {"meta", "results", "skipped", "targets"}
    for key in (
        "python_version",
        "gil_enabled",
        "free_threaded_build",
        "cpu_count",
        "cffi_version",
        "pyatomic_version",
        "command",
        "threads",
        "ops",
        "repeat",
        "spread",
    ):
        assert key in data["meta"], key
    assert data["meta"]["threads"] == [1, 2]
    by_name = {r["name"]: r for r in data["results"]}
    swap = by_name["AtomicBool.swap"]
    assert swap["error"] is None and swap["refs"][0] == "cffi.pa_bool_swap"
    one = swap["threads"]["1"]
    for key in ("median_ns", "q1_ns", "q3_ns", "rounds_ns", "throughput_ops_per_s"):
        assert key in one, key
    assert one["ops_per_thread"] == 2000 and len(one["rounds_ns"]) == 1
    assert one["ratio_refs"]["cffi.pa_bool_swap"] > 0
    assert "AtomicBool.swap" in data["targets"]["wrapper_ratio_1_thread"]


def test_list_names_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--list"]) == 0

    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert listed == {case.name for case in all_cases()}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--threads", "0"], "at least 1"),
        (["--threads", "99999999999999999999"], "at most 256"),
        (["--threads", "one"], "comma-separated"),
        (["--ops", "-5"], "at least 1"),
        (["--repeat", "x"], "integer"),
        (["--switch-interval", "0"], "more than 0"),
        (["--switch-interval", "inf"], "at most 1 second"),
        (["--json", "/nonexistent-dir-zz/x.json"], "does not exist"),
        (["--json", "/"], "is a directory"),
        (["--plot", "/nonexistent-dir-zz/x.png"], "does not exist"),
        (["--only", ""], "non-empty pattern"),
        (["--only", ",,"], "non-empty pattern"),
        (["--only", "no-such-case-zz"], "no case matches no-such-case-zz"),
        (["--frobnicate"], "unrecognized arguments"),
    ],
)
def test_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert bench.main(argv) == 2

    assert message in capsys.readouterr().err


def test_plot_without_matplotlib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # find_spec -> None

    status = bench.main([*QUICK, "--only", "AtomicInt64.load", "--plot", "x.png"])

    assert status == 2
    assert "pip install 'pyatomic[plot]'" in capsys.readouterr().err


# -- the runner: counts checked, errors surfaced --------------------------------


def test_measure_runs_equal_counts_and_checks_them() -> None:
    counter = AtomicInt64()
    totals: list[int] = []

    def check(total: int) -> str | None:
        totals.append(total)
        return None if counter.load() == total else "lost increments"

    arm = Arm(
        "f()", {"f": counter.increment}, reset=lambda: counter.store(0), check=check
    )

    result = measure(arm, threads=2, ops=3000, repeat=3, warmup=1)

    assert totals == [6000] * 4  # every round, warm-up included
    assert len(result.windows_ns) == 3 and result.ops_per_thread == 3000
    assert all(w > 0 for w in result.windows_ns) and result.median_ns > 0


def test_broken_arm_is_detected() -> None:
    arm = _broken_case().make(2)

    with pytest.raises(BrokenArmError, match="counter is 0, expected 2000"):
        measure(arm, threads=2, ops=1000, repeat=1, warmup=0)


def test_worker_exception_is_reraised() -> None:
    def boom() -> None:
        raise ZeroDivisionError("in the timed loop")

    with pytest.raises(ZeroDivisionError, match="in the timed loop"):
        measure(Arm("f()", {"f": boom}), threads=2, ops=10, repeat=1)


def test_main_flags_a_broken_arm(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = bench.all_cases
    monkeypatch.setattr(bench, "all_cases", lambda: [*real(), _broken_case()])

    status = bench.main([*QUICK, "--only", "test.broken_counter"])

    out, err = capsys.readouterr()
    assert status == 1
    assert "test.broken_counter" in out and "BROKEN" in out
    assert "counter is 0, expected 2000" in err


def test_missing_structure_is_skipped_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def make(threads: int) -> Arm:
        raise ImportError("cannot import name 'Nope' from 'pyatomic'")

    case = Case("test.not_built_yet", "n.op()", "structure", make)
    real = bench.all_cases
    monkeypatch.setattr(bench, "all_cases", lambda: [*real(), case])

    status = bench.main([*QUICK, "--only", "test.not_built_yet"])

    out, err = capsys.readouterr()
    assert status == 0
    assert "skipped test.not_built_yet: cannot import name 'Nope'" in err
    assert "test.not_built_yet: ImportError" in out


def test_case_whose_setup_fails_is_broken_not_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def make(threads: int) -> Arm:
        raise TypeError("__init__() takes 1 positional argument but 2 were given")

    case = Case("test.api_changed", "x.op()", "structure", make)
    real = bench.all_cases
    monkeypatch.setattr(bench, "all_cases", lambda: [*real(), case])

    status = bench.main([*QUICK, "--only", "test.api_changed"])

    out, err = capsys.readouterr()
    assert status == 1
    assert "BROKEN test.api_changed: could not set up: TypeError" in err
