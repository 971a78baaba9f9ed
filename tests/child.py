"""Run a snippet in a fresh interpreter, so that a crash fails one test.

A use-after-free or a heap corruption kills the process that suffers it;
run in a child, it shows up as that child's exit status (a signal) instead
of taking pytest down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyatomic

# An exception in __del__ is only printed ("Exception ignored in"): make it
# fail the child, so a check inside a finaliser counts.
_PRELUDE = """\
import os, sys
def _fail_on_unraisable(u):
    sys.stderr.write(f"unraisable in {u.object!r}: {u.exc_value!r}\\n")
    sys.stderr.flush()
    os._exit(70)
sys.unraisablehook = _fail_on_unraisable
"""


def run_child(code: str, cwd: Path, timeout: float = 120) -> str:
    """Run ``code`` with this interpreter in ``cwd``; return its stdout.

    The child imports the same ``pyatomic`` as this process (the directory
    holding the package goes first on ``PYTHONPATH``: the repository root
    with its in-place build, or site-packages).  Fails the calling test with
    the child's exit status and stderr if it does not exit with status 0.
    """
    root = str(Path(pyatomic.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    return done.stdout
