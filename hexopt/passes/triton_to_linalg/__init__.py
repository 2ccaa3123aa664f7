"""convert-triton-to-linalg: Triton IR (generic-form TTIR) to triton-shared style Linalg.

The reference gets this stage from triton-shared (C++, `--triton-to-linalg-experimental`), which is
not on PyPI and needs the Triton dialect's C++ definitions. The MLIR 22 bindings parse generic TTIR
with unregistered dialects, so the conversion is written here, in Python, on that IR: pointer
analysis and mask analysis (analysis.py), the op-by-op rewrite (convert.py), libdevice calls
(libdevice.py). The output follows triton-shared's conventions, which the seed kernel's IR shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import ir, run_upstream

from ..base import Pass, PassFailure, option


@dataclass(frozen=True)
class ConvertTritonToLinalg(Pass):
    """Rewrite Triton IR (generic-form tt.func) into triton-shared style Linalg on tensors (no tt.func: no change).

    Pointer arguments become memref<*xT> and six trailing i32 carry the grid; loads and stores become
    memref.reinterpret_cast views (masked: subviews), tt.dot/tt.reduce/tt.trans linalg named ops, element-wise
    math linalg.generic.

    Upstream MLIR has no Triton dialect and triton-shared is a C++ tool outside PyPI, so the rewrite is
    hexopt's own; it composes upstream convert-elementwise-to-linalg, canonicalize and cse for the
    element-wise ops and the clean-up.
    """

    name: ClassVar[str] = "convert-triton-to-linalg"

    cleanup: bool = option(
        True,
        "run canonicalize and cse after the rewrite (drops the index arithmetic and "
        "tensor values that only pointers and masks used)",
    )

    def apply(self, module) -> None:
        from .convert import FunctionConverter

        kernels = [op for op in module.body.operations if op.operation.name == "tt.func"]
        if not kernels:
            return
        for op in kernels:
            visibility = op.attributes.get("sym_visibility")
            if visibility is not None and ir.StringAttr(visibility).value != "public":
                raise PassFailure(
                    "calls to non-inlined Triton functions (noinline=True) are not supported", op.operation
                )
        for op in kernels:
            with op.location:
                FunctionConverter(op).convert()
        run_upstream(module, "builtin.module(func.func(convert-elementwise-to-linalg))")
        if self.cleanup:
            run_upstream(module, "builtin.module(canonicalize,cse)")
