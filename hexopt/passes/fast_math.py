"""hexagon-fast-math: mark every floating-point arith/math op (and vector.reduction) fastmath<fast>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir, walk_ops

from .base import Pass

#: Ops that carry the marker keep their flags: their rounding is part of an algorithm
#: (approximate-vector-math's round-to-nearest by adding 1.5 * 2^23), which reassociation would undo.
KEEP_EXACT = "hexopt.exact_fp"


@dataclass(frozen=True)
class HexagonFastMath(Pass):
    """Set fastmath<fast> on every arith/math operation (and vector.reduction) that has fast-math flags."""

    name: ClassVar[str] = "hexagon-fast-math"
    scope: ClassVar[str] = "builtin.module"

    # Not a RewritePatternSet: this sets an attribute in place on every matching op, and the Python
    # PatternRewriter has no in-place modification hook (modify_op_in_place), so a pattern would have to
    # hide its change from the greedy driver. One walk is simpler and does not fold anything else.
    def apply(self, module: AnyOp) -> None:
        fast = ir.Attribute.parse("#arith.fastmath<fast>")
        for op in walk_ops(module, _takes_fast_math):
            op.attributes["fastmath"] = fast


def _takes_fast_math(op: AnyOp) -> bool:
    # vector.reduction too: without reassociation a float reduction across lanes is an ordered
    # chain of scalar adds (32 `sfadd` on Hexagon) instead of a shuffle tree.
    name = op.name
    return ((name.startswith(("arith.", "math.")) or name == "vector.reduction") and KEEP_EXACT not in op.attributes
            and hasattr(type(op.opview), "fastmath"))
