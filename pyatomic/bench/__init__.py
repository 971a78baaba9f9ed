"""``python -m pyatomic.bench``: what each atomic operation costs, next to a
lock, the bare cffi call, the standard library and the peer packages.

Run ``python -m pyatomic.bench --help`` for the options and
``python -m pyatomic.bench --list`` for the cases.  The method (long-lived
threads released by barriers, only the window between the barriers timed,
warm-up, repeated rounds, every arm's final state checked against its
operation count) is described in ``pyatomic/bench/_runner.py`` and in
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import os
import sys
from collections.abc import Sequence

from ._cases import Case, all_cases
from ._report import EMPTY, LOCK, CaseResult, Run, environment, write_json, write_plot
from ._runner import BrokenArmError, Measurement, measure, measure_many

__all__ = ["main"]

_PEER_KINDS = ("peer",)


#: More threads than this measure the scheduler, not pyatomic.
MAX_THREADS = 256


def _thread_list(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a comma-separated list of thread counts such as 1,2,4, "
            f"not {text!r}"
        ) from None
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError(
            f"thread counts must be at least 1, not {text!r}"
        )
    if max(counts) > MAX_THREADS:
        raise argparse.ArgumentTypeError(
            f"thread counts must be at most {MAX_THREADS}, not {text!r}"
        )
    return sorted(set(counts))


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds, not {text!r}"
        ) from None
    if not 0 < value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most 1 second, not {text}"
        )
    return value


def _output_path(text: str) -> str:
    """An output file whose directory exists: checked before the run, so a
    typo does not cost a whole benchmark run and end in a traceback."""
    if not text:
        raise argparse.ArgumentTypeError("must be a file path, not ''")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a directory, not a file")
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"directory {folder!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"directory {folder!r} is not writable")
    return text


def _patterns(text: str) -> str:
    if not [p for p in text.split(",") if p.strip()]:
        raise argparse.ArgumentTypeError(
            f"needs at least one non-empty pattern, not {text!r}"
        )
    return text


def _parser() -> argparse.ArgumentParser:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        prog="python -m pyatomic.bench",
        description=(
            "Time every pyatomic operation beside the bare cffi call of its C "
            "function, 'with lock: x += 1', standard-library baselines, the "
            "structures and (when installed) the peer packages cereggii and "
            "ft_utils.  Results on stdout, progress on stderr."
        ),
    )
    parser.add_argument(
        "--threads",
        type=_thread_list,
        default=sorted({1, cpus}),
        metavar="N,N,...",
        help=f"thread counts to run every case at (default: 1,{cpus})",
    )
    parser.add_argument(
        "--ops",
        type=_positive,
        default=20_000,
        help="operations per thread per round; rounds much shorter than a few "
        "milliseconds let the OS scheduler serialise threads (default: 20000)",
    )
    parser.add_argument(
        "--repeat",
        type=_positive,
        default=5,
        help="timed rounds per case and thread count; the table shows their "
        "median and interquartile range (default: 5)",
    )
    parser.add_argument(
        "--warmup",
        type=_non_negative,
        default=1,
        help="untimed rounds before the timed ones (default: 1)",
    )
    parser.add_argument(
        "--only",
        metavar="PATTERN[,PATTERN...]",
        type=_patterns,
        help="run only the cases whose name matches a pattern (fnmatch if it "
        "has * ? or [, else a substring; case-insensitive), plus the cases "
        "they are compared with",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="run only the peer-package cases (cereggii, ft_utils) and the "
        "pyatomic cases they are compared with",
    )
    parser.add_argument(
        "--switch-interval",
        type=_interval,
        metavar="SECONDS",
        help="sys.setswitchinterval() for the run (GIL builds; ignored by "
        "free-threaded builds with the GIL disabled)",
    )
    parser.add_argument(
        "--json", metavar="PATH", type=_output_path, help="write all results as JSON"
    )
    parser.add_argument(
        "--plot",
        metavar="PATH",
        type=_output_path,
        help="write a PNG of throughput against threads, one line per case "
        "(needs matplotlib: pip install 'pyatomic[plot]')",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    return parser


def _matches(name: str, patterns: Sequence[str]) -> bool:
    lowered = name.lower()
    for pattern in patterns:
        p = pattern.lower()
        if any(ch in p for ch in "*?["):
            if fnmatch.fnmatchcase(lowered, p):
                return True
        elif p in lowered:
            return True
    return False


def select(
    cases: Sequence[Case], only: str | None, peers: bool
) -> tuple[list[Case], list[str]]:
    """The cases to run, in table order, and the patterns that matched none."""
    chosen: set[str] = set()
    unmatched: list[str] = []
    if only:
        patterns = [p.strip() for p in only.split(",") if p.strip()]
        for pattern in patterns:
            hits = {c.name for c in cases if _matches(c.name, [pattern])}
            if not hits:
                unmatched.append(pattern)
            chosen |= hits
    if peers:
        chosen |= {c.name for c in cases if c.kind in _PEER_KINDS}
    if not only and not peers:
        chosen = {c.name for c in cases}
    by_name = {c.name: c for c in cases}
    pending = list(chosen)
    while pending:  # the cases compared with, and the ones they compare with
        refs = [r for r in by_name[pending.pop()].refs if r in by_name]
        pending.extend(r for r in refs if r not in chosen)
        chosen.update(refs)
    chosen |= {EMPTY, LOCK}
    return [c for c in cases if c.name in chosen], unmatched


def _groups(cases: Sequence[Case]) -> list[list[Case]]:
    """Cases to time together: a method and its bare cffi call share rounds."""
    by_name = {c.name: c for c in cases}
    taken: set[str] = set()
    groups = []
    for case in cases:
        if case.name in taken:
            continue
        group = [case]
        ref = case.refs[0] if case.refs else None
        if ref and ref.startswith("cffi.") and ref in by_name and ref not in taken:
            group.append(by_name[ref])
        taken.update(c.name for c in group)
        groups.append(group)
    return groups


def run_cases(
    cases: Sequence[Case],
    threads: Sequence[int],
    ops: int,
    repeat: int,
    warmup: int,
    meta: dict[str, object],
    progress: bool = True,
) -> Run:
    """Measure ``cases`` at every thread count; broken arms are recorded.

    A method and the bare cffi call it is compared with run with their rounds
    interleaved (``measure_many``), so both see the same background load.
    """
    results = {case.name: CaseResult(case) for case in cases}
    skipped: dict[str, str] = {}
    groups = _groups(cases)
    for index, group in enumerate(groups, 1):
        if progress:
            names = " + ".join(c.name for c in group)
            print(f"[{index}/{len(groups)}] {names}", file=sys.stderr, flush=True)
        for n in threads:
            live = [
                c for c in group if c.name not in skipped and not results[c.name].error
            ]
            arms = []
            for case in live[:]:
                try:
                    arms.append(case.make(n))
                except ImportError as exc:
                    skipped[case.name] = f"{type(exc).__name__}: {exc}"
                    live.remove(case)
                    print(f"  skipped {case.name}: {exc}", file=sys.stderr, flush=True)
                except Exception as exc:  # the API differs from what we call
                    error = f"could not set up: {type(exc).__name__}: {exc}"
                    results[case.name].error = error
                    live.remove(case)
                    print(f"  BROKEN {case.name}: {error}", file=sys.stderr)
            if not live:
                continue
            found: list[Measurement | None]
            try:
                found = list(measure_many(arms, n, ops, repeat, warmup))
            except Exception:
                # Time each arm alone to tell which one is broken.
                found = []
                for case in live:
                    try:
                        found.append(measure(case.make(n), n, ops, repeat, warmup))
                    except Exception as exc:
                        results[case.name].error = (
                            str(exc)
                            if isinstance(exc, BrokenArmError)
                            else f"{type(exc).__name__}: {exc}"
                        )
                        print(
                            f"  BROKEN {case.name}: {results[case.name].error}",
                            file=sys.stderr,
                        )
                        found.append(None)
            for case, measurement in zip(live, found, strict=True):
                if measurement is not None:
                    results[case.name].by_threads[n] = measurement
    for name in skipped:
        del results[name]
    return Run(dict(meta), list(threads), results, skipped)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark command line; return the exit status.

    0 when every selected case ran and checked out, 1 if any arm was broken
    (its final state did not match its operation count, or it raised), 2 for
    a usage error (argparse's own exit status).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    cases = all_cases()
    if args.list:
        width = max(len(c.name) for c in cases)
        for case in cases:
            print(f"{case.name:<{width}}  {case.kind:<9}  {case.code}")
        return 0
    chosen, unmatched = select(cases, args.only, args.peers)
    if unmatched:
        parser.print_usage(sys.stderr)
        print(
            f"{parser.prog}: error: --only: no case matches {', '.join(unmatched)}; "
            "see --list",
            file=sys.stderr,
        )
        return 2
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        print(
            f"{parser.prog}: error: --plot needs matplotlib, which is not "
            "installed; install it with: pip install 'pyatomic[plot]'",
            file=sys.stderr,
        )
        return 2
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    options = {
        "threads": args.threads,
        "ops": args.ops,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "spread": "IQR (inclusive quartiles of the rounds' ns/op)",
    }
    meta = environment(args_list, options)
    run = run_cases(chosen, args.threads, args.ops, args.repeat, args.warmup, meta)
    out = sys.stdout
    run.print_header(out)
    print(file=out)
    run.print_table(out)
    run.print_targets(out)
    if run.skipped:
        print("\nskipped (not importable here):", file=out)
        for name, reason in run.skipped.items():
            print(f"  {name}: {reason}", file=out)
    if args.json:
        write_json(run, args.json)
        print(f"results written to {args.json}", file=sys.stderr)
    if args.plot:
        write_plot(run, args.plot)
        print(f"plot written to {args.plot}", file=sys.stderr)
    broken = [name for name, r in run.results.items() if r.error]
    return 1 if broken else 0
