"""broadcast-division-to-reciprocal: divide a vector by a splat as one scalar reciprocal and a vector multiply.

The seed's epilogue `acc / l_i` divides each row's vectors by the row's (broadcast) sum. Hexagon has no
vector division: LLVM splits a vector fdiv into one scalar reciprocal-and-refine sequence per lane
(32 sfrecipa + ~5 sfmpy each). With fast-math's `arcp` (allow reciprocal), x / splat(s) may be computed
as x * splat(1 / s): one scalar division per vector and a vector multiply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, apply_rewrites, arith, ir, vector

from .base import Pass


def allows_reciprocal(op: AnyOp) -> bool:
    if "fastmath" not in op.attributes:
        return False
    flags = str(op.attributes["fastmath"])
    return "fast" in flags.replace("fastmath", "") or "arcp" in flags


def _divisor_scalar(op: AnyOp) -> AnyOp | None:
    """The scalar s of `x / vector.broadcast(s)` with arcp/fast flags, or None."""
    if not isinstance(op.results[0].type, ir.VectorType) or not allows_reciprocal(op):
        return None
    divisor = op.operands[1].owner
    if isinstance(divisor, ir.Block) or divisor.name != "vector.broadcast":
        return None
    scalar = divisor.operands[0]
    return scalar if isinstance(scalar.type, ir.FloatType) else None  # a broadcast of a smaller vector: no


def rewrite_division(op: AnyOp, rewriter: AnyOp) -> bool | None:
    """The pattern (mlir.rewrite convention: None when it rewrote `op`, True when it does not apply)."""
    scalar = _divisor_scalar(op)
    if scalar is None:
        return True
    flags = op.attributes["fastmath"]
    with rewriter.ip, op.location:  # the rewriter's insertion point: before `op`
        one = arith.ConstantOp(scalar.type, ir.FloatAttr.get(scalar.type, 1.0))
        recip = arith.DivFOp(one.result, scalar, fastmath=flags)
        splat = vector.BroadcastOp(op.results[0].type, recip.result)
        mul = arith.MulFOp(op.operands[0], splat.result, fastmath=flags)
    rewriter.replace_op(op.operation, [mul.result])
    return None


@dataclass(frozen=True)
class BroadcastDivisionToReciprocal(Pass):
    """Rewrite arith.divf %x, (vector.broadcast %s) with arcp/fast flags into %x * broadcast(1 / %s)."""

    name: ClassVar[str] = "broadcast-division-to-reciprocal"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        apply_rewrites(func, {"arith.divf": rewrite_division})
