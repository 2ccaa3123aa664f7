"""broadcast-division-to-reciprocal: divide a vector by a splat as one scalar reciprocal and a vector multiply.

The seed's epilogue `acc / l_i` divides each row's vectors by the row's (broadcast) sum. Hexagon has no
vector division: LLVM splits a vector fdiv into one scalar reciprocal-and-refine sequence per lane
(32 sfrecipa + ~5 sfmpy each). With fast-math's `arcp` (allow reciprocal), x / splat(s) may be computed
as x * splat(1 / s): one scalar division per vector and a vector multiply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import arith, ir, vector

from .base import Pass


def allows_reciprocal(op) -> bool:
    if "fastmath" not in op.attributes:
        return False
    flags = str(op.attributes["fastmath"])
    return "fast" in flags.replace("fastmath", "") or "arcp" in flags


@dataclass(frozen=True)
class BroadcastDivisionToReciprocal(Pass):
    """Rewrite arith.divf %x, (vector.broadcast %s) with arcp/fast flags into %x * broadcast(1 / %s)."""

    name: ClassVar[str] = "broadcast-division-to-reciprocal"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func) -> None:
        divs = []

        def visit(op):
            if op.name == "arith.divf" and isinstance(op.results[0].type, ir.VectorType):
                divs.append(op)
            return ir.WalkResult.ADVANCE

        func.operation.walk(visit)
        for op in divs:
            divisor = op.operands[1].owner
            if isinstance(divisor, ir.Block) or divisor.name != "vector.broadcast" or not allows_reciprocal(op):
                continue
            scalar = divisor.operands[0]
            if not isinstance(scalar.type, ir.FloatType):
                continue  # a broadcast of a smaller vector: leave it
            flags = op.attributes["fastmath"]
            with ir.InsertionPoint(op), op.location:
                one = arith.ConstantOp(scalar.type, ir.FloatAttr.get(scalar.type, 1.0))
                recip = arith.DivFOp(one.result, scalar, fastmath=flags)
                splat = vector.BroadcastOp(op.results[0].type, recip.result)
                mul = arith.MulFOp(op.operands[0], splat.result, fastmath=flags)
            op.results[0].replace_all_uses_with(mul.result)
            op.erase()
