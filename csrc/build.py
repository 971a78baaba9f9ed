"""cffi build script for pyatomic's C core (API mode).

setuptools runs this through ``cffi_modules`` in setup.py.  The C lives in
real files: every ``csrc/*.h`` is both included by the generated module and
fed to ``ffi.cdef`` (with its preprocessor lines removed), and every
``csrc/*.c`` except test programs is compiled into the extension.
"""

from __future__ import annotations

import re
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _version() -> str:
    text = (ROOT / "pyatomic" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise RuntimeError("pyatomic/_version.py must set __version__")
    return match.group(1)


def _headers() -> list[Path]:
    return sorted(HERE.glob("*.h"))


def _sources() -> list[Path]:
    return sorted(p for p in HERE.glob("*.c") if not p.name.startswith("test_"))


def _cdef_text(header: Path) -> str:
    lines = header.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("#") and line.rstrip().endswith("\\"):
            raise RuntimeError(
                f"{header.name}:{number}: multi-line preprocessor lines cannot "
                "be read by cffi's cdef; keep macros in the .c files"
            )
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


ffibuilder = FFI()
for _header in _headers():
    ffibuilder.cdef(_cdef_text(_header))

ffibuilder.set_source(
    "pyatomic._core",
    "\n".join(f'#include "{h.name}"' for h in _headers()),
    # Paths relative to the project root, where setuptools runs the build;
    # absolute paths would leak the build directory into the sdist's SOURCES.
    sources=[str(p.relative_to(ROOT)) for p in _sources()],
    include_dirs=[str(HERE.relative_to(ROOT))],
    define_macros=[("PA_VERSION_STR", f'"{_version()}"')],
    extra_compile_args=["-std=c11", "-O2"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
