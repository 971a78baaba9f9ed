"""Type stub for the cffi-generated extension module (built by csrc/build.py)."""

from typing import Any

ffi: Any
lib: Any
