"""Results of a run: the header, the table, the targets, JSON and the plot."""

from __future__ import annotations

import json
import os
import platform
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from ._cases import Case
from ._runner import Measurement

__all__ = [
    "CaseResult",
    "Run",
    "environment",
    "plot_json",
    "write_json",
    "write_plot",
]

LOCK = "baseline.lock_increment"
EMPTY = "baseline.empty_loop"
WRAPPER_TARGET = 1.2


@dataclass
class CaseResult:
    case: Case
    by_threads: dict[int, Measurement] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Run:
    meta: dict[str, Any]
    threads: list[int]
    results: dict[str, CaseResult]
    skipped: dict[str, str]

    # -- derived numbers ------------------------------------------------------

    def median(self, name: str, threads: int) -> float | None:
        result = self.results.get(name)
        if result is None or result.error or threads not in result.by_threads:
            return None
        return result.by_threads[threads].median_ns

    def ratio(self, name: str, ref: str, threads: int) -> float | None:
        """ns/op of ``name`` divided by ns/op of ``ref`` (below 1: faster)."""
        mine, theirs = self.median(name, threads), self.median(ref, threads)
        if mine is None or theirs is None:
            return None
        return mine / theirs

    def scaling(self, name: str, threads: int) -> float | None:
        """Throughput at ``threads`` divided by throughput at 1 thread."""
        one, many = self.median(name, 1), self.median(name, threads)
        if one is None or many is None:
            return None
        return threads * one / many

    def targets(self) -> dict[str, Any]:
        """The issue's performance targets, measured in this run."""
        wrappers = {}
        for name, result in self.results.items():
            case = result.case
            if (
                case.kind == "pyatomic"
                and case.refs
                and case.refs[0].startswith("cffi.")
            ):
                ratio = self.ratio(name, case.refs[0], 1)
                if ratio is not None:
                    wrappers[name] = round(ratio, 3)
        targets: dict[str, Any] = {
            "wrapper_ratio_1_thread": wrappers,
            "wrapper_target": WRAPPER_TARGET,
            "wrapper_misses": {k: v for k, v in wrappers.items() if v > WRAPPER_TARGET},
        }
        pairs = {
            "increment_vs_lock": ("AtomicInt64.increment", LOCK),
            "increment_vs_ft_utils_incr": (
                "AtomicInt64.increment",
                "ft_utils.AtomicInt64.incr",
            ),
            "increment_vs_cereggii": (
                "AtomicInt64.increment",
                "cereggii.AtomicInt64.increment_and_get",
            ),
            "array_add_at_per_element_vs_ft_utils_incr": (
                "AtomicInt64Array.add_at",
                "ft_utils.AtomicInt64.incr",
            ),
            "array_add_at_buffer_per_element_vs_ft_utils_incr": (
                "AtomicInt64Array.add_at_buffer",
                "ft_utils.AtomicInt64.incr",
            ),
            "array_add_at_buffer_1024_per_element_vs_ft_utils_incr": (
                "AtomicInt64Array.add_at_buffer_1024",
                "ft_utils.AtomicInt64.incr",
            ),
            "array_add_at_vs_fetch_add_loop": (
                "AtomicInt64Array.add_at",
                "AtomicInt64Array.fetch_add_loop",
            ),
            "array_add_at_vs_lock_list": (
                "AtomicInt64Array.add_at",
                "baseline.lock_list_add_at",
            ),
            "stack_vs_lifoqueue": (
                "LockFreeStack.push_pop",
                "baseline.lifoqueue_put_get",
            ),
            "stack_vs_lock_deque": (
                "LockFreeStack.push_pop",
                "baseline.lock_deque_push_pop",
            ),
            "threshold_vs_lock": (
                "ThresholdCounter.increment",
                "baseline.lock_threshold_increment",
            ),
            "config_get_vs_load": ("AtomicConfig.get", "AtomicInt64.load"),
            "config_get_vs_attribute": ("AtomicConfig.get", "baseline.attribute_read"),
            "striped_increment_vs_atomic": (
                "StripedCounter.increment",
                "AtomicInt64.increment",
            ),
        }
        normalised: dict[str, dict[str, float]] = {}
        for name in ("StripedCounter.increment", "AtomicInt64.increment", LOCK):
            by_threads = {}
            for t in self.threads:
                mine, empty = self.scaling(name, t), self.scaling(EMPTY, t)
                if t > 1 and mine is not None and empty:
                    by_threads[str(t)] = round(mine / empty, 3)
            if by_threads:
                normalised[name] = by_threads
        if normalised:
            targets["scaling_over_empty_loop"] = normalised
        for key, (name, ref) in pairs.items():
            by = {
                str(t): round(r, 3)
                for t in self.threads
                if (r := self.ratio(name, ref, t)) is not None
            }
            if by:
                targets[key] = by
        return targets

    # -- text output ----------------------------------------------------------

    def print_header(self, out: TextIO) -> None:
        m = self.meta
        print("pyatomic benchmark", file=out)
        print(f"  python    {m['python']}", file=out)
        print(f"  GIL       {m['gil']}", file=out)
        print(f"  CPUs      {m['cpu_count']}", file=out)
        print(f"  cffi      {m['cffi_version']}", file=out)
        print(f"  pyatomic  {m['pyatomic_version']}", file=out)
        print(f"  command   {m['command']}", file=out)
        print(
            f"  method    {m['ops']} ops per thread per round, {m['repeat']} "
            f"rounds after {m['warmup']} warm-up; ns/op = round window / ops per "
            "thread; median and [IQR] over rounds",
            file=out,
        )

    def print_table(self, out: TextIO) -> None:
        threads = self.threads
        many = [t for t in threads if t > 1]
        width = max([len(n) for n in self.results] + [20])
        head = f"{'case':<{width}}"
        for t in threads:
            head += f" {f'ns/op @{t} [IQR]':>19}"
        for t in threads:
            head += f" {f'xref@{t}':>7}"
        for t in threads:
            head += f" {f'xlock@{t}':>8}"
        for t in many:
            head += f" {f'scale@{t}':>8}"
        head += "  ref"
        print(head, file=out)
        print("-" * len(head), file=out)
        for name, result in self.results.items():
            line = f"{name:<{width}}"
            if result.error:
                print(f"{line} BROKEN: {result.error}", file=out)
                continue
            for t in threads:
                measurement = result.by_threads.get(t)
                if measurement is None:
                    line += f" {'-':>19}"
                    continue
                q1, q3 = measurement.quartiles_ns
                cell = f"{measurement.median_ns:.1f} [{q3 - q1:.1f}]"
                line += f" {cell:>19}"
            ref = result.case.refs[0] if result.case.refs else ""
            for t in threads:
                line += f" {_fmt(self.ratio(name, ref, t) if ref else None):>7}"
            for t in threads:
                line += f" {_fmt(self.ratio(name, LOCK, t)):>8}"
            for t in many:
                line += f" {_fmt(self.scaling(name, t)):>8}"
            line += f"  {ref}"
            print(line.rstrip(), file=out)
        for t in many:
            print(
                f"scale@{t}: throughput at {t} threads / throughput at 1; the "
                f"empty loop scales {_fmt(self.scaling(EMPTY, t))} in this run "
                "(what the free cores allowed; divide by it to normalise)",
                file=out,
            )
        print(
            "xref: ns/op divided by the ref case's ns/op (below 1 = faster); "
            "xlock: the same against 'with lock: o.x += 1'",
            file=out,
        )

    def print_targets(self, out: TextIO) -> None:
        t = self.targets()
        print("\ntargets", file=out)
        wrappers = t["wrapper_ratio_1_thread"]
        if wrappers:
            misses = t["wrapper_misses"]
            print(
                f"  1. method / bare cffi call at 1 thread, target <= "
                f"{WRAPPER_TARGET}: {len(wrappers) - len(misses)} of "
                f"{len(wrappers)} methods meet it; misses, worst first:",
                file=out,
            )
            ranked = sorted(misses.items(), key=lambda kv: -kv[1])
            text = ", ".join(f"{name}:{ratio:.2f}x" for name, ratio in ranked)
            for line in textwrap.wrap(text, 82):
                print(f"     {line}", file=out)
        lines = [
            ("increment_vs_ft_utils_incr", "2. increment / ft_utils incr"),
            (
                "array_add_at_per_element_vs_ft_utils_incr",
                "2. add_at per element / ft_utils incr (target <= 0.33)",
            ),
            (
                "array_add_at_buffer_per_element_vs_ft_utils_incr",
                "2. add_at(buffer, 1) per element / ft_utils incr (target <= 0.33)",
            ),
            (
                "array_add_at_buffer_1024_per_element_vs_ft_utils_incr",
                "2. same, 1024-element batch / ft_utils incr (target <= 0.33)",
            ),
            ("increment_vs_lock", "3. increment / lock (target <= 0.5)"),
            ("increment_vs_cereggii", "   increment / cereggii increment_and_get"),
            ("stack_vs_lifoqueue", "   stack push+pop / LifoQueue (target <= 0.5)"),
            ("stack_vs_lock_deque", "   stack push+pop / lock+deque"),
            ("threshold_vs_lock", "   threshold increment / lock counter"),
            ("config_get_vs_load", "   config get / AtomicInt64.load (target <= 1.5)"),
            ("array_add_at_vs_fetch_add_loop", "   add_at / fetch_add loop"),
            ("array_add_at_vs_lock_list", "   add_at / lock-guarded list"),
            ("striped_increment_vs_atomic", "   striped increment / AtomicInt64"),
        ]
        for key, label in lines:
            if key in t:
                shown = ", ".join(f"{r:.2f}x @{n}" for n, r in t[key].items())
                print(f"  {label}: {shown}", file=out)
        for name, by_threads in t.get("scaling_over_empty_loop", {}).items():
            shown = ", ".join(f"{r:.2f} @{n}" for n, r in by_threads.items())
            print(
                f"     scaling of {name} / scaling of the empty loop: {shown}", file=out
            )

    # -- machine-readable output ----------------------------------------------

    def to_json(self) -> dict[str, Any]:
        results = []
        for name, result in self.results.items():
            case = result.case
            entry: dict[str, Any] = {
                "name": name,
                "kind": case.kind,
                "code": case.code,
                "refs": list(case.refs),
                "error": result.error,
                "threads": {},
            }
            for t, m in result.by_threads.items():
                q1, q3 = m.quartiles_ns
                entry["threads"][str(t)] = {
                    "median_ns": m.median_ns,
                    "q1_ns": q1,
                    "q3_ns": q3,
                    "min_ns": min(m.ns_per_op),
                    "max_ns": max(m.ns_per_op),
                    "rounds_ns": m.ns_per_op,
                    "ops_per_thread": m.ops_per_thread,
                    "throughput_ops_per_s": m.throughput,
                    "scaling": self.scaling(name, t),
                    "ratio_lock": self.ratio(name, LOCK, t),
                    "ratio_refs": {r: self.ratio(name, r, t) for r in case.refs},
                }
            results.append(entry)
        return {
            "meta": self.meta,
            "results": results,
            "skipped": self.skipped,
            "targets": self.targets(),
        }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def environment(argv: Sequence[str], options: dict[str, Any]) -> dict[str, Any]:
    """What the header and the JSON ``meta`` say about this machine and run."""
    import cffi  # type: ignore[import-untyped]

    from .._version import __version__

    gil_check = getattr(sys, "_is_gil_enabled", None)
    gil_enabled = True if gil_check is None else bool(gil_check())
    free_threaded = bool(__import__("sysconfig").get_config_var("Py_GIL_DISABLED"))
    if free_threaded:
        gil = (
            "disabled (free-threaded build)"
            if not gil_enabled
            else ("ENABLED on a free-threaded build")
        )
    else:
        gil = f"enabled (switch interval {sys.getswitchinterval():g} s)"
    return {
        "python": f"{platform.python_version()} ({platform.python_implementation()}"
        f", {sys.executable})",
        "python_version": platform.python_version(),
        "gil": gil,
        "gil_enabled": gil_enabled,
        "free_threaded_build": free_threaded,
        "switch_interval": sys.getswitchinterval(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "cffi_version": cffi.__version__,
        "pyatomic_version": __version__,
        "command": " ".join([_program(), *argv]),
        **options,
    }


def _program() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv else ""
    return (
        "pyatomic-bench"
        if name.startswith("pyatomic-bench")
        else ("python -m pyatomic.bench")
    )


def write_json(run: Run, path: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(run.to_json(), stream, indent=2)
        stream.write("\n")


def write_plot(run: Run, path: str) -> None:
    """Throughput against threads, one line per case (needs matplotlib)."""
    plot_json(run.to_json(), path)


def plot_json(
    data: dict[str, Any], path: str, names: Sequence[str] | None = None
) -> None:
    """Draw the results of a ``--json`` file (all cases, or ``names``)."""
    import matplotlib  # type: ignore[import-not-found]

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # type: ignore[import-not-found]

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=80)
    wanted = None if names is None else list(names)
    entries = {r["name"]: r for r in data["results"]}
    order = wanted if wanted is not None else list(entries)
    threads = data["meta"]["threads"]
    colours = plt.get_cmap("tab20").colors
    for index, name in enumerate(order):
        entry = entries.get(name)
        if entry is None or entry["error"] or not entry["threads"]:
            continue
        xs = sorted(int(t) for t in entry["threads"])
        ys = [entry["threads"][str(t)]["throughput_ops_per_s"] / 1e6 for t in xs]
        style = "--" if entry["kind"] in ("baseline", "cffi") else "-"
        colour = colours[index % len(colours)]
        ax.plot(xs, ys, style, marker="o", color=colour, label=name)
    ax.set_xlabel("threads")
    ax.set_ylabel("million operations/s, all threads")
    ax.set_xticks(threads)
    ax.set_yscale("log")
    m = data["meta"]
    ax.set_title(
        f"pyatomic {m['pyatomic_version']}, Python {m['python_version']}, "
        f"GIL {'enabled' if m['gil_enabled'] else 'disabled'}, "
        f"{m['cpu_count']} CPUs",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
