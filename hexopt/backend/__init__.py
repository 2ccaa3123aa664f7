"""Stages 4-5 of the reference flow: LLVM-dialect MLIR -> LLVM IR -> Hexagon object -> shared library.

llvmlite is imported only inside this package (TOOLCHAIN.md: it carries LLVM's Hexagon back end).
"""

from __future__ import annotations

from .errors import BackendError

__all__ = ["BackendError"]
