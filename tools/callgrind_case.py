"""Count the instructions one benchmark case costs per operation (callgrind).

    python tools/callgrind_case.py AtomicInt64.fetch_add cffi.pa_i64_fetch_add

runs each case's loop (the same generated loop ``python -m pyatomic.bench``
times) under ``valgrind --tool=callgrind`` at two lengths and prints the
difference per operation: a load-independent measure of what an operation
costs, for comparing a method with its bare cffi call on a busy machine.
The interpreter running this script is the one measured; this checkout must
be importable (``PYTHONPATH=.`` after an in-place build).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

SHORT, LONG = 1000, 21000


def run_loop(name: str, iterations: int) -> None:
    from pyatomic.bench._cases import all_cases
    from pyatomic.bench._runner import compile_loop

    case = {c.name: c for c in all_cases()}[name]
    arm = case.make(1)
    names = sorted(arm.env)
    loop = compile_loop(arm.body, names)
    arm.reset()
    loop(range(iterations), *[arm.env[n] for n in names])


def instructions(name: str, iterations: int) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            name,
            str(iterations),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    match = re.search(r"Collected : ([\d,]+)", done.stderr)
    if match is None:
        raise SystemExit(f"no callgrind total for {name}:\n{done.stderr}")
    return int(match.group(1).replace(",", ""))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        run_loop(argv[1], int(argv[2]))
        return 0
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv:
        per_op = (instructions(name, LONG) - instructions(name, SHORT)) / (LONG - SHORT)
        print(f"{name:<44} {per_op:8.0f} instructions per iteration")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
