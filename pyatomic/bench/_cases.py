"""The benchmark's cases: every scalar operation, its bare cffi call, the
baselines, the peer packages and the structures.

A case has a name made for ``--only`` (``AtomicInt64.increment``,
``cffi.pa_i64_increment``, ``baseline.lock_increment``,
``cereggii.AtomicInt64.increment_and_get``, ...), the statement it times,
the names of the cases it is compared with (``refs``; the first is the one
the table shows a ratio for), and a ``make(threads)`` that builds its arm.
``make`` imports what it needs, so a peer package or a structure that does
not exist (yet) only skips its rows, with the reason on stderr.

Every arm's state is chosen so that the operations it did can be checked
afterwards: counters start at 0 and must end at exactly the number of
increments; operations that leave the value alone (``load``, a succeeding
``compare_and_swap(7, 7)``) are checked by value and by one probe call.
"""

from __future__ import annotations

import array as array_module
import collections
import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._runner import Arm

__all__ = ["Case", "all_cases"]

#: Elements per call in the batch cases (array ``add_at`` / ``load_all``).
BATCH = 64
#: A histogram-sized batch, for the per-element cost once the call is amortised.
BIG_BATCH = 1024


@dataclass
class Case:
    """One row of the benchmark."""

    name: str
    code: str  # the timed statement, as shown by --list
    kind: str  # pyatomic | cffi | baseline | peer | structure
    make: Callable[[int], Arm]  # thread count -> arm; may raise ImportError
    refs: tuple[str, ...] = ()


class _Box:
    """A plain shared object for the lock-guarded baselines."""

    __slots__ = ("x",)

    def __init__(self, x: Any = 0) -> None:
        self.x = x


def _expect(what: str, got: Any, want: Any) -> str | None:
    if got == want:
        return None
    return f"{what} is {got!r}, expected {want!r}"


# -- scalar atomics -----------------------------------------------------------

_INT_TYPES = [
    ("AtomicInt32", "i32"),
    ("AtomicInt64", "i64"),
    ("AtomicUInt32", "u32"),
    ("AtomicUInt64", "u64"),
]


def _incr(total: int) -> int:
    return total


def _decr(total: int) -> int:
    return -total


# verb -> (start value, arguments, final value as a function of the total
# number of operations, result of one more call or None if not probed)
_INT_OPS: dict[str, tuple[int, tuple[Any, ...], Callable[[int], int], Any]] = {
    "load": (42, (), lambda t: 42, 42),
    "store": (0, (7,), lambda t: 7, None),
    "swap": (0, (7,), lambda t: 7, 7),
    "compare_and_swap": (7, (7, 7), lambda t: 7, True),
    "compare_exchange": (7, (7, 7), lambda t: 7, 7),
    "fetch_add": (0, (1,), _incr, None),
    "fetch_sub": (0, (1,), _decr, None),
    "fetch_and": (15, (5,), lambda t: 5, 5),
    "fetch_or": (0, (5,), lambda t: 5, 5),
    "fetch_xor": (0, (1,), lambda t: t % 2, None),
    "fetch_max": (0, (5,), lambda t: 5, 5),
    "fetch_min": (10, (5,), lambda t: 5, 5),
    "add": (0, (1,), _incr, None),
    "sub": (0, (1,), _decr, None),
    "increment": (0, (), _incr, None),
    "decrement": (0, (), _decr, None),
}

_BOOL_OPS: dict[str, tuple[Any, tuple[Any, ...], Callable[[int], Any], Any]] = {
    "load": (True, (), lambda t: True, True),
    "store": (False, (True,), lambda t: True, None),
    "swap": (False, (True,), lambda t: True, True),
    "compare_and_swap": (True, (True, True), lambda t: True, True),
    "compare_exchange": (True, (True, True), lambda t: True, True),
}

_ADDRESS = 4096
_PTR_OPS: dict[str, tuple[Any, tuple[Any, ...], Callable[[int], Any], Any]] = {
    "load": (_ADDRESS, (), lambda t: _ADDRESS, _ADDRESS),
    "store": (0, (_ADDRESS,), lambda t: _ADDRESS, None),
    "swap": (0, (_ADDRESS,), lambda t: _ADDRESS, _ADDRESS),
    "compare_and_swap": (_ADDRESS, (_ADDRESS, _ADDRESS), lambda t: _ADDRESS, True),
    "compare_exchange": (
        _ADDRESS,
        (_ADDRESS, _ADDRESS),
        lambda t: _ADDRESS,
        _ADDRESS,
    ),
}

_ARG_NAMES = ("a", "b", "c")


def _call(args: tuple[Any, ...], prefix: tuple[str, ...] = ()) -> str:
    return "f(" + ", ".join(prefix + _ARG_NAMES[: len(args)]) + ")"


def _scalar_arm(
    type_name: str,
    kind: str,
    verb: str,
    spec: tuple[Any, tuple[Any, ...], Callable[[int], Any], Any],
    bare: bool,
) -> Callable[[int], Arm]:
    start, args, final, probe = spec

    def make(threads: int) -> Arm:
        import pyatomic
        from pyatomic._ffi import lib

        cls = getattr(pyatomic, type_name)
        atomic = cls(start)
        bits = getattr(cls, "BITS", None)
        env: dict[str, Any] = dict(zip(_ARG_NAMES, args, strict=False))
        if bare:
            env["f"] = getattr(lib, f"pa_{kind}_{verb}")
            env["p"] = atomic._cell
            body = _call(args, ("p",))
        else:
            env["f"] = getattr(atomic, verb)
            body = _call(args)

        def wrap(value: Any) -> Any:
            if bits is None or type(value) is bool:
                return value
            return (value - cls.MIN) % (1 << bits) + cls.MIN

        def check(total: int) -> str | None:
            problem = _expect("the final value", atomic.load(), wrap(final(total)))
            if problem is None and probe is not None:
                call = env["f"]
                got = call(atomic._cell, *args) if bare else call(*args)
                problem = _expect("one more call", got, probe)
            return problem

        return Arm(body, env, reset=lambda: atomic.store(start), check=check)

    return make


def _update_arm(threads: int) -> Arm:
    from pyatomic import AtomicInt64

    atomic = AtomicInt64()
    return Arm(
        "f(a)",
        {"f": atomic.update, "a": _plus_one},
        reset=lambda: atomic.store(0),
        check=lambda total: _expect("the final value", atomic.load(), total),
    )


def _plus_one(x: int) -> int:
    return x + 1


def _iadd_arm(threads: int) -> Arm:
    from pyatomic import AtomicInt64

    atomic = AtomicInt64()
    return Arm(
        "a += 1",
        {"a": atomic},
        reset=lambda: atomic.store(0),
        check=lambda total: _expect("the final value", atomic.load(), total),
    )


def _scalar_cases() -> list[Case]:
    cases = []
    families = [(name, kind, _INT_OPS) for name, kind in _INT_TYPES] + [
        ("AtomicBool", "bool", _BOOL_OPS),
        ("AtomicPointer", "ptr", _PTR_OPS),
    ]
    for type_name, kind, ops in families:
        for verb, spec in ops.items():
            args = spec[1]
            shown = ", ".join(repr(a) for a in args)
            cname = f"pa_{kind}_{verb}"
            cases.append(
                Case(
                    f"{type_name}.{verb}",
                    f"a.{verb}({shown})",
                    "pyatomic",
                    _scalar_arm(type_name, kind, verb, spec, bare=False),
                    (f"cffi.{cname}", "baseline.lock_increment"),
                )
            )
            cases.append(
                Case(
                    f"cffi.{cname}",
                    f"lib.{cname}({', '.join(['cell', *map(repr, args)])})",
                    "cffi",
                    _scalar_arm(type_name, kind, verb, spec, bare=True),
                )
            )
        if type_name == "AtomicInt64":
            cases.append(
                Case(
                    "AtomicInt64.update",
                    "a.update(lambda x: x + 1)",
                    "pyatomic",
                    _update_arm,
                    ("baseline.lock_increment",),
                )
            )
            cases.append(
                Case(
                    "AtomicInt64.iadd",
                    "a += 1",
                    "pyatomic",
                    _iadd_arm,
                    ("cffi.pa_i64_fetch_add", "baseline.lock_increment"),
                )
            )
    return cases


# -- baselines ----------------------------------------------------------------


#: How many more operations the nanosecond baselines run per round.
_STRETCH = 10


def _empty_arm(threads: int) -> Arm:
    return Arm("pass", stretch=_STRETCH)


def _attribute_arm(threads: int) -> Arm:
    box = _Box(42)
    return Arm(
        "o.x",
        {"o": box},
        stretch=_STRETCH,
        check=lambda total: _expect("the attribute", box.x, 42),
    )


def _lock_increment_arm(threads: int) -> Arm:
    box = _Box()
    lock = threading.Lock()

    def reset() -> None:
        box.x = 0

    return Arm(
        "with lock:\n    o.x += 1",
        {"o": box, "lock": lock},
        reset=reset,
        check=lambda total: _expect("the counter", box.x, total),
    )


def _count_arm(threads: int) -> Arm:
    counter = itertools.count()
    consumed = [0]  # values taken so far, by the loops and by the probes

    def check(total: int) -> str | None:
        consumed[0] += total
        problem = _expect("next(counter)", next(counter), consumed[0])
        consumed[0] += 1
        return problem

    return Arm("f()", {"f": counter.__next__}, check=check)


def _lifoqueue_arm(threads: int) -> Arm:
    q: queue.LifoQueue[Any] = queue.LifoQueue()
    item = object()
    return Arm(
        "f(a)\ng()",
        {"f": q.put, "g": q.get, "a": item},
        check=lambda total: _expect("qsize()", q.qsize(), 0),
    )


def _lock_deque_arm(threads: int) -> Arm:
    d: collections.deque[Any] = collections.deque()
    lock = threading.Lock()
    return Arm(
        "with lock:\n    f(a)\nwith lock:\n    g()",
        {"f": d.append, "g": d.pop, "a": object(), "lock": lock},
        check=lambda total: _expect("len(deque)", len(d), 0),
    )


_NEVER = 2**62  # a threshold no benchmark reaches


def _lock_threshold_arm(threads: int) -> Arm:
    box = _Box()
    lock = threading.Lock()
    fired: list[int] = []

    def reset() -> None:
        box.x = 0

    return Arm(
        "with lock:\n    o.x += 1\n    if o.x == t:\n        cb()",
        {"o": box, "lock": lock, "t": _NEVER, "cb": lambda: fired.append(1)},
        reset=reset,
        check=lambda total: _expect("the counter", box.x, total),
    )


def _lock_list_arm(threads: int) -> Arm:
    values = [0] * BATCH
    lock = threading.Lock()

    def reset() -> None:
        values[:] = [0] * BATCH

    return Arm(
        "with lock:\n    for i in a:\n        v[i] += 1",
        {"v": values, "a": list(range(BATCH)), "lock": lock},
        per_iter=BATCH,
        reset=reset,
        check=lambda total: _expect("the list", values, [total // BATCH] * BATCH),
    )


def _baseline_cases() -> list[Case]:
    return [
        Case("baseline.empty_loop", "pass", "baseline", _empty_arm),
        Case("baseline.attribute_read", "o.x", "baseline", _attribute_arm),
        Case(
            "baseline.lock_increment",
            "with lock: o.x += 1",
            "baseline",
            _lock_increment_arm,
        ),
        Case(
            "baseline.itertools_count",
            "next(counter)",
            "baseline",
            _count_arm,
            ("baseline.lock_increment",),
        ),
    ]


# -- peers --------------------------------------------------------------------


def _cereggii_int_arm(
    method: str, args: tuple[Any, ...], start: int, final: Any
) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        import cereggii  # type: ignore[import-not-found,unused-ignore]

        atomic = cereggii.AtomicInt64(start)
        env = dict(zip(_ARG_NAMES, args, strict=False))
        env["f"] = getattr(atomic, method)
        return Arm(
            _call(args),
            env,
            reset=lambda: atomic.set(start),
            check=lambda total: _expect("get()", atomic.get(), final(total)),
        )

    return make


def _ft_int_arm(
    method: str, args: tuple[Any, ...], start: int, final: Any
) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        from ft_utils.concurrency import (  # type: ignore[import-not-found,unused-ignore]
            AtomicInt64,
        )

        atomic = AtomicInt64(start)
        env = dict(zip(_ARG_NAMES, args, strict=False))
        if method == "+=":
            env["a"] = atomic
            body = "a += 1"
        else:
            env["f"] = getattr(atomic, method)
            body = _call(args)
        return Arm(
            body,
            env,
            reset=lambda: atomic.set(start),
            check=lambda total: _expect("get()", atomic.get(), final(total)),
        )

    return make


def _peer_ref_arm(
    package: str, method: str, args: tuple[Any, ...]
) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        item, other = _Item(), _Item()
        if package == "cereggii":
            import cereggii  # type: ignore[import-not-found,unused-ignore]

            ref = cereggii.AtomicRef(item)
            reset = lambda: ref.set(item)  # noqa: E731
        else:
            from ft_utils.concurrency import (  # type: ignore[import-not-found,unused-ignore]
                AtomicReference,
            )

            ref = AtomicReference(item)
            reset = lambda: ref.set(item)  # noqa: E731
        bound = tuple(item if a == "item" else other for a in args)
        env = dict(zip(_ARG_NAMES, bound, strict=False))
        env["f"] = getattr(ref, method)
        want = other if args else item
        return Arm(
            _call(args),
            env,
            reset=reset,
            check=lambda total: _expect("get()", ref.get(), want),
        )

    return make


class _Item:
    """A plain object to store in references and stacks."""

    __slots__ = ()


def _peer_cases() -> list[Case]:
    cases = []
    cereggii_int = [
        ("increment_and_get", (), 0, _incr, "AtomicInt64.increment"),
        ("decrement_and_get", (), 0, _decr, "AtomicInt64.decrement"),
        ("get", (), 42, lambda t: 42, "AtomicInt64.load"),
        ("set", (7,), 0, lambda t: 7, "AtomicInt64.store"),
        ("get_and_set", (7,), 0, lambda t: 7, "AtomicInt64.swap"),
        ("compare_and_set", (7, 7), 7, lambda t: 7, "AtomicInt64.compare_and_swap"),
        ("get_and_increment", (1,), 0, _incr, "AtomicInt64.fetch_add"),
        ("increment_and_get", (1,), 0, _incr, "AtomicInt64.add"),
        ("update_and_get", (_plus_one,), 0, _incr, "AtomicInt64.update"),
    ]
    for method, args, start, final, ours in cereggii_int:
        shown = ", ".join("lambda x: x + 1" if callable(a) else repr(a) for a in args)
        suffix = "(1)" if method == "increment_and_get" and args else ""
        cases.append(
            Case(
                f"cereggii.AtomicInt64.{method}{suffix}",
                f"a.{method}({shown})",
                "peer",
                _cereggii_int_arm(method, args, start, final),
                (ours, "baseline.lock_increment"),
            )
        )
    ft_int = [
        ("incr", (), 0, _incr, "AtomicInt64.increment"),
        ("decr", (), 0, _decr, "AtomicInt64.decrement"),
        ("get", (), 42, lambda t: 42, "AtomicInt64.load"),
        ("set", (7,), 0, lambda t: 7, "AtomicInt64.store"),
        ("+=", (), 0, _incr, "AtomicInt64.iadd"),
    ]
    for method, args, start, final, ours in ft_int:
        name = "iadd" if method == "+=" else method
        code = (
            "a += 1" if method == "+=" else f"a.{method}({', '.join(map(repr, args))})"
        )
        cases.append(
            Case(
                f"ft_utils.AtomicInt64.{name}",
                code,
                "peer",
                _ft_int_arm(method, args, start, final),
                (ours, "baseline.lock_increment"),
            )
        )
    refs = [
        ("cereggii", "AtomicRef", "get", (), "AtomicReference.load"),
        ("cereggii", "AtomicRef", "get_and_set", ("other",), "AtomicReference.swap"),
        ("ft_utils", "AtomicReference", "get", (), "AtomicReference.load"),
        ("ft_utils", "AtomicReference", "exchange", ("other",), "AtomicReference.swap"),
    ]
    for package, cls, method, args, ours in refs:
        cases.append(
            Case(
                f"{package}.{cls}.{method}",
                f"r.{method}({', '.join(args)})",
                "peer",
                _peer_ref_arm(package, method, args),
                (ours,),
            )
        )
    return cases


# -- structures and extras ----------------------------------------------------


def _stack_arm(threads: int) -> Arm:
    from pyatomic import LockFreeStack

    stack: LockFreeStack[_Item] = LockFreeStack()
    item = _Item()

    def check(total: int) -> str | None:
        problem = _expect("len(stack)", len(stack), 0)
        if problem is None:
            stack.push(item)
            problem = _expect("pop() after push(item)", stack.pop(), item)
        return problem

    return Arm("f(a)\ng()", {"f": stack.push, "g": stack.pop, "a": item}, check=check)


def _threshold_arm(threads: int) -> Arm:
    from pyatomic import ThresholdCounter

    fired: list[int] = []
    counter = ThresholdCounter(_NEVER, lambda: fired.append(1))

    def check(total: int) -> str | None:
        return _expect("count", counter.count, total) or _expect(
            "callbacks run", len(fired), 0
        )

    def reset() -> None:
        counter.reset()

    return Arm("f()", {"f": counter.increment}, reset=reset, check=check)


def _config_get_arm(threads: int) -> Arm:
    from pyatomic import AtomicConfig

    config = (1, 2, 3)
    holder = AtomicConfig(config)
    return Arm(
        "f()",
        {"f": holder.get},
        check=lambda total: None if holder.get() is config else "get() changed",
    )


def _config_update_arm(threads: int) -> Arm:
    from pyatomic import AtomicConfig

    config = (1, 2, 3)
    holder = AtomicConfig(config)
    start = [holder.version]

    def reset() -> None:
        start[0] = holder.version

    def check(total: int) -> str | None:
        return _expect("version growth", holder.version - start[0], total) or (
            None if holder.get() is config else "get() is not the published config"
        )

    return Arm("f(a)", {"f": holder.update, "a": config}, reset=reset, check=check)


def _reference_arm(verb: str) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        from pyatomic import AtomicReference

        item, other = _Item(), _Item()
        ref = AtomicReference(item)
        env: dict[str, Any] = {"f": getattr(ref, verb)}
        body = "f()"
        want = item
        if verb == "swap":
            env["a"] = other
            body = "f(a)"
            want = other
        return Arm(
            body,
            env,
            reset=lambda: ref.store(item),
            check=lambda total: _expect("load()", ref.load(), want),
        )

    return make


def _array_arm(mode: str, batch: int = BATCH) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        from pyatomic import AtomicInt64Array

        array = AtomicInt64Array(batch)
        indices = list(range(batch))
        deltas = [1] * batch

        def reset() -> None:
            for i in indices:
                array.store(i, 0)

        if mode == "fetch_add":
            return Arm(
                "f(a, b)",
                {"f": array.fetch_add, "a": 0, "b": 1},
                reset=reset,
                check=lambda total: _expect("element 0", array.load(0), total),
            )
        if mode == "load_all":
            return Arm(
                "f()",
                {"f": array.load_all},
                per_iter=batch,
                check=lambda total: _expect(
                    "load_all()", list(array.load_all()), [0] * batch
                ),
            )

        def per_element(total: int) -> list[int]:
            return [total // batch] * batch

        if mode == "add_at_buffer":  # the zero-copy path: a buffer, one delta
            body = "f(a, b)"
            env: dict[str, Any] = {"a": array_module.array("q", indices), "b": 1}
            env["f"] = array.add_at
            return Arm(
                body,
                env,
                per_iter=batch,
                reset=reset,
                check=lambda total: _expect(
                    "load_all()", list(array.load_all()), per_element(total)
                ),
            )
        if mode == "add_at":
            body = "f(a, b)"
        else:  # a Python loop of per-element calls
            body = "for i in a:\n    f(i, 1)"
        env = {"a": indices, "b": deltas}
        env["f"] = array.add_at if mode == "add_at" else array.fetch_add
        return Arm(
            body,
            env,
            per_iter=batch,
            reset=reset,
            check=lambda total: _expect(
                "load_all()", list(array.load_all()), per_element(total)
            ),
        )

    return make


def _striped_arm(verb: str) -> Callable[[int], Arm]:
    def make(threads: int) -> Arm:
        from pyatomic import StripedCounter

        counter = StripedCounter()
        if verb == "sum":
            counter.add(42)
            return Arm(
                "f()",
                {"f": counter.sum},
                check=lambda total: _expect("sum()", counter.sum(), 42),
            )
        env: dict[str, Any] = {"f": getattr(counter, verb)}
        body = "f()"
        if verb == "add":
            env["a"] = 1
            body = "f(a)"
        return Arm(
            body,
            env,
            reset=counter.reset,
            check=lambda total: _expect("sum()", counter.sum(), total),
        )

    return make


def _structure_cases() -> list[Case]:
    lock_deque = "baseline.lock_deque_push_pop"
    return [
        Case(
            "LockFreeStack.push_pop",
            "s.push(item); s.pop()",
            "structure",
            _stack_arm,
            (lock_deque, "baseline.lifoqueue_put_get"),
        ),
        Case(
            "baseline.lifoqueue_put_get",
            "q.put(item); q.get()",
            "baseline",
            _lifoqueue_arm,
            (lock_deque,),
        ),
        Case(
            lock_deque,
            "with lock: d.append(item); with lock: d.pop()",
            "baseline",
            _lock_deque_arm,
        ),
        Case(
            "ThresholdCounter.increment",
            "t.increment()",
            "structure",
            _threshold_arm,
            ("baseline.lock_threshold_increment", "AtomicInt64.increment"),
        ),
        Case(
            "baseline.lock_threshold_increment",
            "with lock: o.x += 1; if o.x == t: cb()",
            "baseline",
            _lock_threshold_arm,
        ),
        Case(
            "AtomicConfig.get",
            "c.get()",
            "structure",
            _config_get_arm,
            ("AtomicInt64.load", "baseline.attribute_read"),
        ),
        Case(
            "AtomicConfig.update",
            "c.update(config)",
            "structure",
            _config_update_arm,
            ("AtomicInt64.swap",),
        ),
        Case(
            "AtomicReference.load",
            "r.load()",
            "structure",
            _reference_arm("load"),
            ("AtomicInt64.load", "baseline.attribute_read"),
        ),
        Case(
            "AtomicReference.swap",
            "r.swap(other)",
            "structure",
            _reference_arm("swap"),
            ("AtomicInt64.swap",),
        ),
        Case(
            "AtomicInt64Array.fetch_add",
            "arr.fetch_add(0, 1)",
            "structure",
            _array_arm("fetch_add"),
            ("AtomicInt64.fetch_add",),
        ),
        Case(
            "AtomicInt64Array.add_at",
            f"arr.add_at(indices, deltas)  # {BATCH} elements, per element",
            "structure",
            _array_arm("add_at"),
            (
                "AtomicInt64Array.fetch_add_loop",
                "baseline.lock_list_add_at",
                "ft_utils.AtomicInt64.incr",
            ),
        ),
        Case(
            "AtomicInt64Array.add_at_buffer",
            f"arr.add_at(array('q', indices), 1)  # {BATCH} elements, per element",
            "structure",
            _array_arm("add_at_buffer"),
            (
                "AtomicInt64Array.fetch_add_loop",
                "baseline.lock_list_add_at",
                "ft_utils.AtomicInt64.incr",
            ),
        ),
        Case(
            "AtomicInt64Array.add_at_buffer_1024",
            f"arr.add_at(array('q', indices), 1)  # {BIG_BATCH} elements, per element",
            "structure",
            _array_arm("add_at_buffer", BIG_BATCH),
            ("AtomicInt64Array.fetch_add_loop", "ft_utils.AtomicInt64.incr"),
        ),
        Case(
            "AtomicInt64Array.fetch_add_loop",
            f"for i in indices: arr.fetch_add(i, 1)  # {BATCH}, per element",
            "structure",
            _array_arm("loop"),
            ("baseline.lock_list_add_at",),
        ),
        Case(
            "baseline.lock_list_add_at",
            f"with lock: for i in indices: v[i] += 1  # {BATCH}, per element",
            "baseline",
            _lock_list_arm,
        ),
        Case(
            "AtomicInt64Array.load_all",
            f"arr.load_all()  # {BATCH} elements, per element",
            "structure",
            _array_arm("load_all"),
            ("AtomicInt64.load",),
        ),
        Case(
            "StripedCounter.increment",
            "c.increment()",
            "structure",
            _striped_arm("increment"),
            ("AtomicInt64.increment", "baseline.lock_increment"),
        ),
        Case(
            "StripedCounter.add",
            "c.add(1)",
            "structure",
            _striped_arm("add"),
            ("AtomicInt64.add", "baseline.lock_increment"),
        ),
        Case(
            "StripedCounter.sum",
            "c.sum()",
            "structure",
            _striped_arm("sum"),
            ("AtomicInt64.load",),
        ),
    ]


def all_cases() -> list[Case]:
    """Every case, in table order."""
    return _baseline_cases() + _scalar_cases() + _structure_cases() + _peer_cases()
