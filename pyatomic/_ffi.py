"""Loads the compiled cffi module and checks that it matches this package."""

from __future__ import annotations

from ._version import __version__

try:
    from ._core import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "pyatomic's compiled core (pyatomic._core) could not be imported: "
        f"{exc}. Install pyatomic with pip (`pip install .` in a checkout), "
        "which builds it; importing from a source tree without building does "
        "not work."
    ) from exc

_built = ffi.string(lib.pa_version()).decode("ascii")
if _built != __version__:  # pragma: no cover - depends on the install
    raise ImportError(
        f"pyatomic {__version__} found a compiled core built for {_built}; "
        "reinstall pyatomic (`pip install --force-reinstall .`) so that the "
        "two match."
    )

CELL_SIZE: int = lib.pa_cell_size()

__all__ = ["CELL_SIZE", "ffi", "lib"]
