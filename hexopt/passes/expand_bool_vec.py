"""expand-bool-vec: convert a vector of i1 to floats with a select between constant vectors.

Triton turns a mask into numbers with `mask.to(tl.float32)`: after vectorization that is
`arith.uitofp %m : vector<32xi1> to vector<32xf32>` (or `sitofp`, where true is -1). LLVM has no
Hexagon lowering of an int-to-float conversion from i1 lanes: it widens the predicate lane by lane
and converts each lane with scalar code. A mask is already what HVX's vmux takes, so
`select(%m, splat(1.0), splat(0.0))` (-1.0 for sitofp) is one vector operation. Upstream has no such
rewrite (arith's int-range and emulation patterns do not touch i1 vectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, apply_rewrites, arith, ir

from .base import Pass


def _bool_vector(t: object) -> bool:
    return isinstance(t, ir.VectorType) and isinstance(t.element_type, ir.IntegerType) and t.element_type.width == 1


def _expand(true_value: float) -> Callable[[AnyOp, AnyOp], bool | None]:
    def pattern(op: AnyOp, rewriter: AnyOp) -> bool | None:
        """mlir.rewrite convention: None when it rewrote `op`, True when it does not apply."""
        op = op.operation
        src, dst = op.operands[0].type, op.results[0].type
        if not _bool_vector(src) or not isinstance(dst, ir.VectorType):
            return True
        element = dst.element_type
        with rewriter.ip, op.location:
            ones = arith.ConstantOp(dst, ir.DenseElementsAttr.get_splat(dst, ir.FloatAttr.get(element, true_value)))
            zeros = arith.ConstantOp(dst, ir.DenseElementsAttr.get_splat(dst, ir.FloatAttr.get(element, 0.0)))
            select = arith.SelectOp(op.operands[0], ones.result, zeros.result)
        rewriter.replace_op(op, [select.result])
        return None

    return pattern


@dataclass(frozen=True)
class ExpandBoolVec(Pass):
    """Rewrite arith.uitofp / arith.sitofp of an i1 vector into arith.select between splat 1.0 (-1.0) and 0.0."""

    name: ClassVar[str] = "expand-bool-vec"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        apply_rewrites(func, {"arith.uitofp": _expand(1.0), "arith.sitofp": _expand(-1.0)})
