"""hexagon-fast-math: mark every floating-point arith/math op (and vector.reduction) fastmath<fast>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir, vector, walk_ops

from .base import Pass

#: Ops that carry the marker keep their flags: their rounding is part of an algorithm
#: (approximate-vector-math's round-to-nearest by adding 1.5 * 2^23), which reassociation would undo.
KEEP_EXACT = "hexopt.exact_fp"


@dataclass(frozen=True)
class HexagonFastMath(Pass):
    """Set fastmath<fast> on every arith/math operation (and vector reduction) that has fast-math flags."""

    name: ClassVar[str] = "hexagon-fast-math"
    scope: ClassVar[str] = "builtin.module"

    # Not a RewritePatternSet: this sets an attribute in place on every matching op, and the Python
    # PatternRewriter has no in-place modification hook (modify_op_in_place), so a pattern would have to
    # hide its change from the greedy driver. One walk is simpler and does not fold anything else.
    def apply(self, module: AnyOp) -> None:
        fast = ir.Attribute.parse("#arith.fastmath<fast>")
        for op in walk_ops(module, _whole_vector_multi_reduction):
            _to_reduction(op, fast)
        for op in walk_ops(module, _takes_fast_math):
            op.attributes["fastmath"] = fast


def _whole_vector_multi_reduction(op: AnyOp) -> bool:
    """A float vector.multi_reduction of a 1-D vector to a scalar (what a 1-D linalg reduction vectorizes to)."""
    if op.name != "vector.multi_reduction" or KEEP_EXACT in op.attributes:
        return False
    src = op.operands[0].type
    return (
        isinstance(src, ir.VectorType)
        and src.rank == 1
        and isinstance(src.element_type, ir.FloatType)
        and not isinstance(op.results[0].type, ir.VectorType)
    )


def _to_reduction(op: AnyOp, fast: AnyOp) -> None:
    """vector.multi_reduction has no fast-math flags (MLIR 22), and the vector.reduction it is lowered to after
    this pass would have none: the same reduction, as a vector.reduction that carries them (its LLVM reduce
    intrinsic then does, as the reference's does)."""
    with ir.InsertionPoint(op), op.location:
        new = vector.ReductionOp(
            op.results[0].type, op.attributes["kind"], op.operands[0], acc=op.operands[1], fastmath=fast
        )
    op.results[0].replace_all_uses_with(new.result)
    op.erase()


def _takes_fast_math(op: AnyOp) -> bool:
    # vector.reduction too: without reassociation a float reduction across lanes is an ordered
    # chain of scalar adds (32 `sfadd` on Hexagon) instead of a shuffle tree.
    name = op.name
    return (
        (name.startswith(("arith.", "math.")) or name == "vector.reduction")
        and KEEP_EXACT not in op.attributes
        and hasattr(type(op.opview), "fastmath")
    )
