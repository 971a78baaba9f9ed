"""wait / notify_one / notify_all on AtomicInt32, AtomicUInt32 and AtomicBool.

Lost wake-ups hide behind ``wait``'s 50 ms re-check slices: a lost futex
wake only costs 50 ms there.  The contention tests therefore also wait
through ``raw_wait``, one C call with a 10 s limit, where a lost wake-up
shows as a timeout.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from threads import N_THREADS, run_threads, stress

import pyatomic
from pyatomic import AtomicBool, AtomicInt32, AtomicUInt32

#: The directory holding the pyatomic this process imported: the checkout
#: after an in-place build, site-packages after ``pip install``.
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(pyatomic.__file__)))
LONG = 10.0  # seconds; only ever reached when a wake-up is lost
SLACK = 0.2  # seconds a timed-out wait may overrun on a loaded machine

# (type, a value, a different value): both extremes of each range.
KINDS = [
    (AtomicInt32, AtomicInt32.MIN, AtomicInt32.MAX),
    (AtomicInt32, -1, 0),
    (AtomicUInt32, AtomicUInt32.MAX, 0),
    (AtomicBool, False, True),
    (AtomicBool, True, False),
]
KIND_IDS = ["i32-extremes", "i32-sign", "u32", "bool-false", "bool-true"]


def make(cls: type, value: Any, where: str) -> Any:
    """An atomic holding ``value``: owned, or a view on a bytearray, at
    offset 4 for the 32-bit types and 7 (the last byte of a word) for bool."""
    if where == "owned":
        return cls(value)
    buffer = bytearray(16)
    atomic = cls.from_buffer(buffer, 7 if cls is AtomicBool else 4)
    atomic.store(value)
    return atomic


def raw_wait(atomic: Any, expected: Any, seconds: float = LONG) -> bool:
    """Wait in one C call of up to ``seconds`` (signals aside): True if the
    value was seen to differ before the deadline, False if not.  (A timed-out
    C call re-checks the value before it returns, so a wake-up that was lost
    is only visible as a wait that used up its time.)"""
    deadline = time.monotonic() + seconds
    shared = atomic._owner is not None
    while True:
        left_ns = max(0, int((deadline - time.monotonic()) * 1e9))
        result = type(atomic)._WAIT(atomic._cell, expected, left_ns, shared)
        if result != -1:  # -1: a signal interrupted the sleep
            return result == 1 and time.monotonic() < deadline


class Index:
    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


# -- no contention ------------------------------------------------------------


@pytest.mark.parametrize("where", ["owned", "view"])
@pytest.mark.parametrize(("cls", "value", "other"), KINDS, ids=KIND_IDS)
def test_wait_returns_at_once_when_value_differs(
    cls: type, value: Any, other: Any, where: str
) -> None:
    atomic = make(cls, other, where)

    results = [atomic.wait(value), atomic.wait(value, 0), atomic.wait(value, LONG)]

    assert results == [True, True, True]
    assert atomic.load() == other


@pytest.mark.parametrize("where", ["owned", "view"])
@pytest.mark.parametrize(("cls", "value", "other"), KINDS, ids=KIND_IDS)
def test_wait_times_out_when_value_stays(
    cls: type, value: Any, other: Any, where: str
) -> None:
    atomic = make(cls, value, where)

    start = time.monotonic()
    result = atomic.wait(value, timeout=0.1)
    elapsed = time.monotonic() - start

    assert result is False
    assert 0.1 <= elapsed < 0.1 + SLACK
    assert atomic.wait(value, timeout=0) is False
    assert atomic.load() == value


def test_timeout_longer_than_a_slice_is_honoured() -> None:
    atomic = AtomicInt32(3)

    start = time.monotonic()
    result = atomic.wait(3, timeout=0.23)  # several 50 ms slices and a rest
    elapsed = time.monotonic() - start

    assert result is False
    assert 0.23 <= elapsed < 0.23 + SLACK


@pytest.mark.parametrize(
    "timeout", [0, 0.0, Fraction(1, 100), Decimal("0.01"), Index(0)]
)
def test_timeout_accepts_numbers(timeout: Any) -> None:
    assert AtomicInt32(1).wait(1, timeout) is False
    assert AtomicInt32(1).wait(0, timeout) is True


@pytest.mark.parametrize("timeout", [math.inf, 10**400, Index(10**400)])
def test_huge_timeout_means_for_ever(timeout: Any) -> None:
    atomic = AtomicInt32(1)

    assert atomic.wait(0, timeout) is True  # differs: no sleep at all


@pytest.mark.parametrize(
    ("timeout", "error", "text"),
    [
        (-1, ValueError, "timeout must be non-negative, not -1"),
        (-1e-9, ValueError, "timeout must be non-negative"),
        (-math.inf, ValueError, "timeout must be non-negative"),
        (math.nan, ValueError, "not NaN"),
        # Too large for a float, yet negative: not "for ever".
        (-(10**400), ValueError, "timeout must be non-negative, not -1000"),
        (Index(-(10**400)), ValueError, "timeout must be non-negative"),
        # Too many digits for repr(): the message must still be a message.
        pytest.param(
            -(10**5000),
            ValueError,
            "must be non-negative, not <int of 16610 bits>$",
            id="minus-huge",
        ),
        # A bool is an int, but timeout=True meaning one second is a mistake.
        (True, TypeError, "timeout must be None or a number of seconds, not bool"),
        (False, TypeError, "timeout must be None or a number of seconds, not bool"),
        ("1", TypeError, "timeout must be None or a number of seconds, not str"),
        (1j, TypeError, "timeout must be None or a number of seconds, not complex"),
        ([], TypeError, "timeout must be None or a number of seconds, not list"),
    ],
)
def test_timeout_errors(timeout: Any, error: type, text: str) -> None:
    atomic = AtomicInt32(1)

    with pytest.raises(error, match=text.replace("(", r"\(")):
        atomic.wait(0, timeout)  # raised even though the value differs


@pytest.mark.parametrize("cls", [AtomicInt32, AtomicUInt32])
def test_expected_is_checked_like_store(cls: Any) -> None:
    atomic = cls(5)

    assert atomic.wait(Index(4)) is True
    assert atomic.wait(True) is True  # bool is an int, as for store
    assert atomic.wait(Index(5), 0) is False
    for bad in ["5", 5.0, None, Decimal(5)]:
        with pytest.raises(TypeError, match=r"^expected must be an int"):
            atomic.wait(bad, 0)
    for bad in [cls.MAX + 1, cls.MIN - 1, Index(cls.MAX + 1), -(10**5000)]:
        with pytest.raises(OverflowError, match=rf"^expected=.* {cls.__name__}"):
            atomic.wait(bad, 0)
    assert atomic.load() == 5


def test_bool_expected_must_be_a_bool() -> None:
    flag = AtomicBool(True)

    for bad in [0, 1, None, "", Index(1), 10**5000]:
        with pytest.raises(TypeError, match=r"^expected must be True or False"):
            flag.wait(bad, 0)
    assert flag.load() is True


@pytest.mark.parametrize("where", ["owned", "view"])
@pytest.mark.parametrize(("cls", "value", "other"), KINDS, ids=KIND_IDS)
def test_notify_without_waiters_changes_nothing(
    cls: type, value: Any, other: Any, where: str
) -> None:
    atomic = make(cls, value, where)

    assert atomic.notify_one() is None
    assert atomic.notify_all() is None

    assert atomic.load() == value


def test_bool_views_see_only_their_own_byte() -> None:
    buffer = bytearray(b"\xa5" * 4 + b"\0" * 8 + b"\x5a" * 4)  # sentinels
    flags = [AtomicBool.from_buffer(buffer, 4 + i) for i in range(8)]

    for i, flag in enumerate(flags):
        flag.store(True)
        others = [f.wait(False, 0) for f in flags if f is not flag]
        assert flag.wait(False, 0) is True
        assert flag.wait(True, 0) is False
        assert others == [j < i for j in range(8) if j != i]

    assert buffer == b"\xa5" * 4 + b"\x01" * 8 + b"\x5a" * 4


def test_bool_view_over_a_nonzero_byte_other_than_1_is_true() -> None:
    # Any nonzero byte is True for AtomicBool; a waiter comparing the exact
    # byte with 1 would think a 2 differs from True and return at once.
    buffer = bytearray(b"\0\x02\0\0")
    flag = AtomicBool.from_buffer(buffer, 1)

    results = [flag.wait(True, 0), flag.wait(False, 0), flag.wait(False, LONG)]
    raw = [raw_wait(flag, True, 0.05), raw_wait(flag, False)]

    assert results == [False, True, True]
    assert raw == [False, True]
    assert buffer == b"\0\x02\0\0"


def test_bool_wait_ignores_a_change_between_nonzero_bytes() -> None:
    # 2 -> 1 is no change for a waiter expecting True; 1 -> 0 is.
    buffer = bytearray(4)
    buffer[3] = 2
    flag = AtomicBool.from_buffer(buffer, 3)
    returned: list[bool] = []

    def role(index: int) -> Any:
        if index == 0:
            returned.append(raw_wait(flag, True))
            return returned[0]
        time.sleep(0.05)  # the waiter is asleep in C
        buffer[3] = 1
        flag.notify_all()
        time.sleep(0.1)
        early = list(returned)
        flag.store(False)
        flag.notify_all()
        return early

    assert run_threads(role, 2, args=lambda i: (i,)) == [True, []]
    assert buffer == b"\0\0\0\0"


def test_user_subclass_can_wait() -> None:
    class Counter(AtomicInt32):
        __slots__ = ()

    counter = Counter(2)

    assert counter.wait(1) is True
    assert counter.wait(2, 0) is False


# -- contention ---------------------------------------------------------------


PING_PONG = [
    (AtomicInt32, "owned"),
    (AtomicInt32, "view"),
    (AtomicUInt32, "view"),
    (AtomicBool, "owned"),
    (AtomicBool, "view"),
]


@pytest.mark.parametrize("waiter", ["api", "raw"])
@pytest.mark.parametrize(
    ("cls", "where"), PING_PONG, ids=[f"{c.__name__}-{w}" for c, w in PING_PONG]
)
def test_ping_pong_loses_no_wake_up(cls: type, where: str, waiter: str) -> None:
    # Two threads take turns through one cell: each waits for its turn,
    # writes the other's turn and notifies.  A lost wake-up stalls the pair
    # (raw: for LONG seconds, and fails).  Most turns race the other
    # player's check; every 16th is delayed so that it is surely asleep.
    rounds = stress(1000)
    atomic = make(cls, False if cls is AtomicBool else 0, where)
    is_bool = cls is AtomicBool

    def wait_for(target: Any) -> None:
        while (seen := atomic.load()) != target:
            if waiter == "api":
                woke = atomic.wait(seen, timeout=LONG)
            else:
                woke = raw_wait(atomic, seen)
            assert woke, f"lost wake-up: still {seen!r}, waiting for {target!r}"

    def player(me: int) -> int:
        for turn in range(rounds):
            if turn % 16 == 0:
                time.sleep(0.0002)  # let the other player fall asleep in C
            if is_bool:
                wait_for(me == 1)
                atomic.store(me == 0)
            else:
                wait_for(2 * turn + me)
                atomic.store(2 * turn + me + 1)
            atomic.notify_one()
        return rounds

    assert run_threads(player, 2, args=lambda i: (i,)) == [rounds, rounds]
    assert atomic.load() == (False if is_bool else 2 * rounds)


@pytest.mark.parametrize("waiter", ["api", "raw"])
@pytest.mark.parametrize(
    ("cls", "where"), [(AtomicInt32, "owned"), (AtomicBool, "view")]
)
def test_notify_all_releases_every_waiter(cls: type, where: str, waiter: str) -> None:
    closed, opened = (False, True) if cls is AtomicBool else (0, 1)
    gate = make(cls, closed, where)
    arrived = AtomicInt32()
    n_waiters = N_THREADS - 1

    def role(index: int) -> bool:
        if index == 0:  # the releaser
            while (seen := arrived.load()) != n_waiters:
                arrived.wait(seen, LONG)
            time.sleep(0.05)  # most waiters asleep in C: exercise the futex wake
            gate.store(opened)
            gate.notify_all()
            return True
        arrived.increment()
        arrived.notify_one()
        if waiter == "api":
            return gate.wait(closed, LONG)
        return raw_wait(gate, closed)

    results = run_threads(role, n_waiters + 1, args=lambda i: (i,))

    assert results == [True] * (n_waiters + 1)


def test_notify_without_change_does_not_release() -> None:
    atomic = AtomicInt32(7)
    stop = AtomicBool()

    def role(index: int) -> Any:
        if index == 0:
            start = time.monotonic()
            result = atomic.wait(7, timeout=0.3)
            stop.store(True)
            return result, time.monotonic() - start
        while not stop.load():
            atomic.notify_all()
        return None

    (result, elapsed), _ = run_threads(role, 2, args=lambda i: (i,))

    assert result is False
    assert elapsed >= 0.3


def test_neighbour_byte_change_does_not_release_a_bool() -> None:
    # Two bools in one aligned word share its futex: the neighbour's
    # changes and notifies wake our waiter, which must go back to sleep.
    buffer = bytearray(8)
    mine = AtomicBool.from_buffer(buffer, 1)
    neighbour = AtomicBool.from_buffer(buffer, 2)
    stop = AtomicBool()

    def role(index: int) -> Any:
        if index == 0:
            result = raw_wait(mine, False, 0.3)
            stop.store(True)
            return result
        while not stop.load():
            neighbour.store(not neighbour.load())
            neighbour.notify_all()
        return None

    result, _ = run_threads(role, 2, args=lambda i: (i,))

    assert result is False
    assert mine.load() is False


def test_waiting_releases_the_gil() -> None:
    # The waiter sleeps in one C call of up to LONG seconds; if that call
    # held the GIL, this thread could not run to release it in time.
    atomic = AtomicInt32()
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(raw_wait(atomic, 0)))

    waiter.start()
    time.sleep(0.05)
    total = sum(range(100_000))  # Python work while the waiter sleeps
    atomic.store(total % 1000 + 1)
    atomic.notify_one()
    waiter.join(LONG + 5)

    assert woke == [True]


# -- Ctrl-C and other processes -------------------------------------------------


def _python(code: str, *argv: str) -> subprocess.Popen[str]:
    """Start ``python -c code *argv``, with pipes, on this process's pyatomic.

    With ``-c`` a child puts its current directory first on sys.path; run
    from a checkout whose package was installed rather than built in place,
    it would import the source tree, which has no compiled ``_core``.  ``-P``
    leaves the current directory out, and PYTHONPATH puts the directory of
    the pyatomic this process imported first.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        path for path in [PACKAGE_PARENT, env.get("PYTHONPATH", "")] if path
    )
    return subprocess.Popen(
        [sys.executable, "-P", "-c", textwrap.dedent(code), *argv],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.thread_unsafe(reason="starts a child process per run; slow x4")
def test_children_import_the_pyatomic_of_this_process(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: children started from a source checkout imported the
    # unbuilt source tree instead of the installed package.  A decoy
    # package in the child's working directory stands in for that tree.
    (tmp_path / "pyatomic").mkdir()
    (tmp_path / "pyatomic" / "__init__.py").write_text("raise ImportError('decoy')")
    monkeypatch.chdir(tmp_path)

    child = _python("import pyatomic; print(pyatomic.__file__)")
    out, err = child.communicate(timeout=60)

    assert child.returncode == 0, err
    assert out == pyatomic.__file__ + "\n"


WAITS = {
    "int-forever": "AtomicInt32().wait(0)",
    "uint-other-thread-waits-too": (
        "threading.Thread(target=AtomicInt32().wait, args=(0,), daemon=True)"
        ".start(); AtomicUInt32().wait(0, timeout=1000)"
    ),
    "bool-view": "AtomicBool.from_buffer(bytearray(4), 3).wait(False)",
    "latch": "CountDownLatch(1).wait()",
    # The kernel hands SIGINT to the helper thread, so the main thread's
    # sleep is not interrupted: only wait's slicing lets the handler run.
    "signal-lands-in-another-thread": (
        "threading.Thread(target=time.sleep, args=(1000,), daemon=True).start();"
        " signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT});"
        " AtomicInt32().wait(0)"
    ),
}


@pytest.mark.thread_unsafe(
    reason="times a child's exit after SIGINT; 4 at once on "
    "2 cores would time the scheduler"
)
@pytest.mark.parametrize("call", list(WAITS.values()), ids=list(WAITS))
def test_ctrl_c_interrupts_a_waiting_main_thread(call: str) -> None:
    child = _python(
        f"""
        import signal, threading, time
        from pyatomic import AtomicBool, AtomicInt32, AtomicUInt32, CountDownLatch
        print("waiting", flush=True)
        {call}
        """
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "waiting\n"
        time.sleep(0.5)

        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=10)
        latency = time.monotonic() - sent
    finally:
        child.kill()
        child.wait()

    assert child.returncode != 0
    assert "KeyboardInterrupt" in err
    assert latency < 1.0, f"Ctrl-C took {latency:.3f} s to stop the wait"


CHILD_PING_PONG = """
    import sys
    from multiprocessing.shared_memory import SharedMemory
    from pyatomic import AtomicBool, AtomicInt32
    from pyatomic._ffi import lib

    name, rounds = sys.argv[1], int(sys.argv[2])
    try:
        shm = SharedMemory(name=name, track=False)
    except TypeError:  # Python < 3.13: stop the resource tracker unlinking it
        from multiprocessing import resource_tracker
        shm = SharedMemory(name=name)
        resource_tracker.unregister(shm._name, "shared_memory")
    turn = AtomicInt32.from_buffer(shm.buf, 0)
    flag = AtomicBool.from_buffer(shm.buf, 5)

    def wait_for(target):
        while (seen := turn.load()) != target:
            if lib.pa_i32_wait(turn._cell, seen, 10**10, True) == 0:
                sys.exit(f"lost wake-up: still {seen}, waiting for {target}")

    for n in range(rounds):
        wait_for(2 * n + 1)
        turn.store(2 * n + 2)
        turn.notify_one()
    if not flag.wait(False, timeout=10):
        sys.exit("the bool was never set")
    del turn, flag
    shm.close()
"""


@pytest.mark.thread_unsafe(reason="starts a child process per run; slow x4")
def test_wait_notify_across_processes_on_shared_memory() -> None:
    from multiprocessing.shared_memory import SharedMemory

    rounds = stress(300)
    shm = SharedMemory(create=True, size=64)
    try:
        turn = AtomicInt32.from_buffer(shm.buf, 0)
        flag = AtomicBool.from_buffer(shm.buf, 5)
        turn.store(0)
        flag.store(False)
        child = _python(CHILD_PING_PONG, shm.name, str(rounds))
        try:
            for n in range(rounds):
                while (seen := turn.load()) != 2 * n:
                    assert raw_wait(turn, seen), f"lost wake-up in round {n}"
                turn.store(2 * n + 1)
                turn.notify_one()
            while turn.load() != 2 * rounds:
                assert raw_wait(turn, 2 * rounds - 1)
            flag.store(True)
            flag.notify_all()
            _, err = child.communicate(timeout=60)
        finally:
            child.kill()
            child.wait()
        assert child.returncode == 0, err
        assert turn.load() == 2 * rounds
        del turn, flag
    finally:
        shm.close()
        shm.unlink()


FORK_WHILE_WAITING = """
    import os, sys, threading, warnings
    from pyatomic import AtomicInt32

    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
    busy, stop = AtomicInt32(), AtomicInt32()

    def churn(notifier):  # keeps threads inside wait/notify at each fork()
        while not stop.load():
            if notifier:
                busy.notify_all()
            else:
                busy.wait(0, 0.0001)

    def child():
        gate = AtomicInt32()
        releaser = threading.Timer(0.001, lambda: (gate.store(1), gate.notify_all()))
        releaser.start()
        ok = gate.wait(0, timeout=5) and busy.wait(0, 0.001) is False
        busy.notify_all()
        releaser.join()
        os._exit(0 if ok else 1)

    threads = [threading.Thread(target=churn, args=(i,)) for i in (0, 1, 1)]
    for thread in threads:
        thread.start()
    for _ in range(int(sys.argv[1])):
        pid = os.fork()
        if pid == 0:
            child()
        assert os.waitpid(pid, 0)[1] == 0, "child failed"
    stop.store(1)
    for thread in threads:
        thread.join()
    print("ok")
"""


@pytest.mark.thread_unsafe(
    reason="forks: pytest-run-parallel's threads would be copied"
)
def test_wait_and_notify_work_in_a_child_forked_mid_wait() -> None:
    # For the portable fallback (build with CFLAGS=-DPA_WAIT_NO_FUTEX),
    # whose bucket mutexes fork() could copy in the locked state: without
    # its pthread_atfork handlers a child hangs in about half the runs of 15
    # forks (PYATOMIC_STRESS=5: nearly all).  On the futex path it checks
    # that there is no such state.
    child = _python(FORK_WHILE_WAITING, str(stress(15)))
    try:
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
        child.wait()

    assert (child.returncode, out) == (0, "ok\n"), err
