"""expand-vector-min-max: rewrite vector maxnumf/minnumf/maximumf/minimumf as compare + select.

LLVM 22's Hexagon backend scalarizes `llvm.maxnum.v32f32` (32 `sfcmp` + 32 `vinsert` per op: 64 of each
in the seed kernel) and `llvm.maxnum.v64f16` (fmaxf calls with per-lane f16 conversions), even with
fast-math flags, and expands `llvm.maximum` without `nnan` on two-register vectors (v64f32) into ~60
instructions; but it lowers `llvm.maximum` with `nnan` to one `vmax.sf` / `vmax.hf` per register, and
matches `select(fcmp ogt a, b), a, b)` to `vmax` too (olt to `vmin`). So on f32 and f16 vectors:
- with `nnan`: maxnumf/minnumf become maximumf/minimumf with the same flags (equal without NaNs, except
  that maximumf also orders -0 < +0, which maxnumf leaves open), and maximumf/minimumf stay;
- without: max(a, b) = select(a > b, a, b), min(a, b) = select(a < b, a, b), exact when neither input
  is NaN and they are not zeros of opposite signs;
- without `nnan`, NaNs are handled from the bits (not `cmpf uno`, which LLVM lowers to an integer
  equality on Hexagon): maxnumf/minnumf return the other operand, maximumf/minimumf return the NaN;
- without `nsz`, maximumf/minimumf of +0 and -0 take the and/or of the bits (+0 for max, -0 for min);
  maxnumf/minnumf may return either zero.

`vector.reduction <maximumf>`/`<minimumf>` with `nnan` and `nsz` (where they equal maxnumf/minnumf)
become `<maxnumf>`/`<minnumf>`: LLVM reduces those with a `vmax.sf` tree (19 instructions) but
`reduce.fmaximum` with 31 scalar `sfmax` even under fast-math.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import arith, ir

from .base import Pass
from .vector_math import fastmath_flags

ELEMENTWISE = {
    "arith.maxnumf": (True, False),
    "arith.minnumf": (False, False),
    "arith.maximumf": (True, True),
    "arith.minimumf": (False, True),
}  # name -> (is max, propagates NaN)
REDUCTION_KINDS = {"maximumf": "maxnumf", "minimumf": "minnumf"}


class _Bits:
    def __init__(self, vtype):
        width = vtype.element_type.width
        self.itype = ir.VectorType.get(vtype.shape, ir.IntegerType.get_signless(width))
        self.abs_mask = (1 << (width - 1)) - 1
        self.inf = 0x7F800000 if width == 32 else 0x7C00

    def const(self, value: int):
        elem = self.itype.element_type
        attr = ir.DenseElementsAttr.get_splat(self.itype, ir.IntegerAttr.get(elem, value))
        return arith.ConstantOp(self.itype, attr).result

    def bits(self, x):
        return arith.BitcastOp(self.itype, x).result

    def is_nan(self, x):
        mag = arith.AndIOp(self.bits(x), self.const(self.abs_mask)).result
        return arith.CmpIOp(arith.CmpIPredicate.sgt, mag, self.const(self.inf)).result


def min_max(op, is_max: bool, propagate_nan: bool, flags: set[str]):
    a, b = op.operands[0], op.operands[1]
    vtype = op.results[0].type
    if "nnan" in flags:
        # Without NaNs maximumf refines maxnumf (it also orders -0 < +0); LLVM lowers it to vmax.
        cls = arith.MaximumFOp if is_max else arith.MinimumFOp
        new = cls(a, b)
        new.operation.attributes["fastmath"] = op.attributes["fastmath"]
        return new.result
    pred = arith.CmpFPredicate.OGT if is_max else arith.CmpFPredicate.OLT
    result = arith.SelectOp(arith.CmpFOp(pred, a, b).result, a, b).result
    k = _Bits(vtype)
    if propagate_nan and "nsz" not in flags:
        # +0 vs -0: the bits' and (max) or or (min); equal values give themselves
        both = arith.OrIOp(k.bits(a), k.bits(b)).result
        zeros = arith.CmpIOp(arith.CmpIPredicate.eq, arith.AndIOp(both, k.const(k.abs_mask)).result, k.const(0)).result
        merged = (arith.AndIOp if is_max else arith.OrIOp)(k.bits(a), k.bits(b)).result
        result = arith.SelectOp(zeros, arith.BitcastOp(vtype, merged).result, result).result
    if "nnan" not in flags:
        if propagate_nan:
            result = arith.SelectOp(k.is_nan(b), b, result).result
            result = arith.SelectOp(k.is_nan(a), a, result).result
        else:
            result = arith.SelectOp(k.is_nan(b), a, result).result
            result = arith.SelectOp(k.is_nan(a), b, result).result
    return result


@dataclass(frozen=True)
class ExpandVectorMinMax(Pass):
    """Rewrite f32/f16 vector max/min ops into forms LLVM lowers to HVX vmax/vmin (fast maximumf reductions as
    maxnumf)."""

    name: ClassVar[str] = "expand-vector-min-max"
    scope: ClassVar[str] = "builtin.module"

    @staticmethod
    def wanted(op) -> bool:
        if op.name in ELEMENTWISE:
            t = op.results[0].type
            if not isinstance(t, ir.VectorType) or str(t.element_type) not in ("f32", "f16"):
                return False
            # maximumf/minimumf with nnan are already what LLVM lowers to vmax/vmin
            return not (op.name in ("arith.maximumf", "arith.minimumf") and "nnan" in fastmath_flags(op))
        if op.name == "vector.reduction":
            kind = str(op.attributes["kind"])
            return any(f"<{k}>" in kind for k in REDUCTION_KINDS) and {"nnan", "nsz"} <= fastmath_flags(op)
        return False

    def apply(self, module) -> None:
        found = []

        def visit(op):
            if self.wanted(op):
                found.append(op)
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
        for op in found:
            if op.name == "vector.reduction":
                kind = str(op.attributes["kind"])
                new = next(v for k, v in REDUCTION_KINDS.items() if f"<{k}>" in kind)
                op.attributes["kind"] = ir.Attribute.parse(f"#vector.kind<{new}>")
                continue
            is_max, propagate = ELEMENTWISE[op.name]
            with op.location, ir.InsertionPoint(op):
                result = min_max(op, is_max, propagate, fastmath_flags(op))
            op.results[0].replace_all_uses_with(result)
            op.erase()
