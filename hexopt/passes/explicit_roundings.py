"""keep-explicit-roundings: keep a kernel's narrowing arith.truncf (f32 -> f16/bf16) under fast-math.

Upstream's arith canonicalization folds `extf(truncf(x))` back to `x` when both ops carry the `contract`
fast-math flag, which hexagon-fast-math gives every arith op. That removes a rounding the kernel asked
for: a Triton kernel that casts to f16 and back (`x.to(tl.float16).to(tl.float32)`) to reproduce an f16
reference, or the reference's f16 `hexkl_attention` input, which differs from an exact lowering by 1.15e-4
with the fold and 2.4e-7 without. Fast-math licenses reassociation and contraction of arithmetic; it does
not change a type the program converts to, so hexopt honours explicit roundings: this pass, run before
the first canonicalization, clears the flags of every narrowing float truncf and marks it
`hexopt.exact_fp`, which hexagon-fast-math respects. The extf/truncf pairs that approximate-vector-math
creates itself (f16 math computed in f32) are made later, with fast-math flags, and may still fold.
docs/vector-math.md ("f16 rounding") has the measured effect; `--set explicit-roundings=false` restores
upstream's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import ir

from .base import Pass
from .fast_math import KEEP_EXACT


def narrowing(op) -> bool:
    if op.name != "arith.truncf":
        return False
    src, dst = op.operands[0].type, op.results[0].type
    src = src.element_type if isinstance(src, ir.ShapedType) else src
    dst = dst.element_type if isinstance(dst, ir.ShapedType) else dst
    return isinstance(src, ir.FloatType) and isinstance(dst, ir.FloatType) and dst.width < src.width


@dataclass(frozen=True)
class KeepExplicitRoundings(Pass):
    """Clear the fast-math flags of narrowing arith.truncf ops and mark them hexopt.exact_fp."""

    name: ClassVar[str] = "keep-explicit-roundings"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module) -> None:
        def visit(op):
            if narrowing(op):
                if "fastmath" in op.attributes:
                    del op.attributes["fastmath"]
                op.attributes[KEEP_EXACT] = ir.UnitAttr.get()
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
