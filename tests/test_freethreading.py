"""pyatomic on free-threaded CPython: importing it never re-enables the GIL.

An extension module that does not declare itself free-threading safe makes
CPython 3.13t+ turn the GIL back on at import, silently, with only a
RuntimeWarning.  conftest.py fails the session if that ever happens; the
tests here pin down that every module of the package imports with the GIL
still off, both in a clean interpreter (where an earlier import cannot hide
the problem) and in this one.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import sysconfig
import textwrap

import pytest

import pyatomic

FREE_THREADED_BUILD = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))

pytestmark = pytest.mark.skipif(
    not FREE_THREADED_BUILD,
    reason="needs a free-threaded CPython build (3.13t/3.14t); this "
    "interpreter always has a GIL",
)

#: Third-party modules that parts of pyatomic.bench may import for optional
#: features (plots).  A submodule that fails to import only because one of
#: these is missing is skipped, not failed: it is not part of the library.
OPTIONAL = {"matplotlib", "numpy", "pytest_benchmark"}

#: Runs in a fresh interpreter: import every module of the package, one by
#: one, and report the GIL state after each.
WALK = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import pyatomic

    OPTIONAL = set(sys.argv[1].split(","))
    report = {
        "pyatomic": pyatomic.__file__,
        "initial": sys._is_gil_enabled(),
        "modules": {},
    }
    names = ["pyatomic", "pyatomic._core"] + [
        m.name for m in pkgutil.walk_packages(pyatomic.__path__, "pyatomic.")
        if not m.name.endswith(".__main__")
    ]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if (exc.name or "").split(".")[0] in OPTIONAL:
                report["modules"][name] = "skipped: needs " + exc.name
                continue
            raise
        report["modules"][name] = sys._is_gil_enabled()
    print(json.dumps(report))
    """
)


def _module_names() -> list[str]:
    # `__main__` modules are skipped: importing one runs its command line
    # (python -m pyatomic.bench), and it imports nothing that its package
    # does not already import.
    return ["pyatomic", "pyatomic._core"] + [
        m.name
        for m in pkgutil.walk_packages(pyatomic.__path__, "pyatomic.")
        if not m.name.endswith(".__main__")
    ]


def test_gil_stays_disabled_in_a_clean_interpreter() -> None:
    # PYTHON_GIL=0 (or -X gil=0) would force the GIL off whatever the
    # modules declare and hide exactly the bug this test looks for.
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    env["PYTHONPATH"] = os.pathsep.join(
        p
        for p in [
            os.path.dirname(os.path.dirname(pyatomic.__file__)),
            env.get("PYTHONPATH", ""),
        ]
        if p
    )
    # -W error turns the "GIL has been enabled" RuntimeWarning into a failure
    # at the import that caused it; -P keeps the current directory (a source
    # checkout without the compiled core, perhaps) off sys.path, so the child
    # imports the same pyatomic as this process.
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-W",
            "error::RuntimeWarning",
            "-c",
            WALK,
            ",".join(sorted(OPTIONAL)),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["pyatomic"] == pyatomic.__file__
    assert report["initial"] is False
    modules = report["modules"]
    assert "pyatomic._core" in modules and "pyatomic._int" in modules
    enabled = [name for name, state in modules.items() if state is True]
    assert enabled == [], f"importing these re-enabled the GIL: {enabled}"


def test_gil_stays_disabled_in_this_interpreter() -> None:
    for name in _module_names():
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if (exc.name or "").split(".")[0] in OPTIONAL:
                continue
            raise
        assert not sys._is_gil_enabled(), f"importing {name} re-enabled the GIL"


def test_every_public_name_imports_without_the_gil() -> None:
    # The lazily imported families (PEP 562) load their modules on first use.
    assert not sys._is_gil_enabled(), "the GIL was on before this test started"
    for name in pyatomic.__all__:
        getattr(pyatomic, name)
        assert not sys._is_gil_enabled(), f"pyatomic.{name} re-enabled the GIL"
