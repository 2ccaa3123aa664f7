"""hexagon-fast-math: mark every floating-point arith/math op (and vector.reduction) fastmath<fast>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import ir

from .base import Pass

#: Ops that carry the marker keep their flags: their rounding is part of an algorithm
#: (approximate-vector-math's round-to-nearest by adding 1.5 * 2^23), which reassociation would undo.
KEEP_EXACT = "hexopt.exact_fp"


@dataclass(frozen=True)
class HexagonFastMath(Pass):
    """Set fastmath<fast> on every arith/math operation (and vector.reduction) that has fast-math flags."""

    name: ClassVar[str] = "hexagon-fast-math"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module) -> None:
        fast = ir.Attribute.parse("#arith.fastmath<fast>")

        def visit(op):
            name = op.name
            # vector.reduction too: without reassociation a float reduction across lanes is an ordered
            # chain of scalar adds (32 `sfadd` on Hexagon) instead of a shuffle tree.
            if ((name.startswith(("arith.", "math.")) or name == "vector.reduction") and KEEP_EXACT not in op.attributes
                    and hasattr(type(op.opview), "fastmath")):
                op.attributes["fastmath"] = fast
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
