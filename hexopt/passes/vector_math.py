"""approximate-vector-math: expand vector math.exp2 / math.exp on f32 into arith polynomial code.

LLVM scalarizes `llvm.exp2.v32f32` into 32 `exp2f` calls on Hexagon (and `llvm.floor.v32f32` into 32
`floorf` calls), so the expansion uses only ops HVX has: add, mul, min/max, integer shifts, bitcasts.
Upstream MLIR 22 has no public pass for this: `math-expand-ops` rewrites exp2(x) as exp(x * ln 2),
still a `math.exp`, and the polynomial approximation patterns are only reachable through the
`test-math-polynomial-approximation` test pass, which the Python bindings do not register.

exp2(x) = 2^n * 2^f with n = round(x) (round to nearest by adding 1.5 * 2^23, exact for |x| < 2^22),
f = x - n in [-0.5, 0.5], 2^f by a degree-6 polynomial, 2^n built in the exponent field. x is first
clamped to [-151, 128]: below -150 the result rounds to 0 (the seed's -1e14 "minus infinity" gives 0,
not NaN), from 128 on it is +inf. 2^n is applied as 2^(n>>1) * 2^(n - (n>>1)) so that results in the
subnormal range come out right. exp(x) uses n = round(x * log2 e), f = x - n * ln 2 in two parts
(Cody-Waite: ln 2 = 0.693359375 - 2.12194440e-4, the first part exact in 9 bits), then e^f.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import arith, ir

from .base import Pass, option
from .fast_math import KEEP_EXACT

# 1 + f * (c1 + f * (c2 + ...)): near-minimax fits (Lawson-weighted least squares of the relative error,
# coefficients rounded to f32). Relative error of the polynomial itself, evaluated exactly: 1.6e-8 for
# 2^f on [-0.5, 0.5] and 1.7e-8 for e^f on [-ln2/2, ln2/2], i.e. below 0.3 ulp; f32 evaluation adds ~1 ulp.
EXP2_COEFFS = (0.6931471824645996, 0.24022647738456726, 0.055503323674201965,
               0.009618437848985195, 0.0013398876180872321, 0.00015353357593994588)
EXP_COEFFS = (1.0, 0.4999999403953552, 0.16666431725025177,
              0.04166800156235695, 0.008374156430363655, 0.0013843649066984653)
ROUND_MAGIC = 12582912.0  # 1.5 * 2^23
LN2_HI = 0.693359375
LN2_LO = -2.12194440e-4
LOG2E = 1.4426950408889634


class _Builder:
    """Emits the expansion of one op, before it, with the op's fast-math flags on the arithmetic."""

    def __init__(self, op):
        self.type = op.results[0].type
        self.fastmath = op.attributes.get("fastmath")
        shaped = isinstance(self.type, ir.ShapedType)
        i32 = ir.IntegerType.get_signless(32)
        self.itype = ir.VectorType.get(self.type.shape, i32) if shaped else i32
        self.shaped = shaped

    def const(self, value, integer=False):
        t = self.itype if integer else self.type
        elem = ir.IntegerType.get_signless(32) if integer else ir.F32Type.get()
        scalar = ir.IntegerAttr.get(elem, int(value)) if integer else ir.FloatAttr.get(elem, float(value))
        attr = ir.DenseElementsAttr.get_splat(t, scalar) if self.shaped else scalar
        return arith.ConstantOp(t, attr).result

    def f(self, cls, *args, exact=False):
        op = cls(*args)
        if exact:
            op.operation.attributes[KEEP_EXACT] = ir.UnitAttr.get()
        elif self.fastmath is not None:
            op.operation.attributes["fastmath"] = self.fastmath
        return op.result

    def poly(self, f, coeffs):
        acc = self.const(coeffs[-1])
        for c in reversed(coeffs[:-1]):
            acc = self.f(arith.AddFOp, self.f(arith.MulFOp, acc, f), self.const(c))
        return self.f(arith.AddFOp, self.f(arith.MulFOp, acc, f), self.const(1.0))

    def round(self, y):
        """(n as i32, n as f32) with n = y rounded to nearest; |y| < 2^22."""
        magic = self.const(ROUND_MAGIC)
        t = self.f(arith.AddFOp, y, magic, exact=True)
        nf = self.f(arith.SubFOp, t, magic, exact=True)
        n = arith.SubIOp(arith.BitcastOp(self.itype, t).result, arith.BitcastOp(self.itype, magic).result).result
        return n, nf

    def scale(self, p, n):
        """p * 2^n for n in [-151, 128], as two exponent-field multiplications."""
        one, bias, shift = self.const(1, True), self.const(127, True), self.const(23, True)
        n1 = arith.ShRSIOp(n, one).result
        n2 = arith.SubIOp(n, n1).result
        s1 = arith.BitcastOp(self.type, arith.ShLIOp(arith.AddIOp(n1, bias).result, shift).result).result
        s2 = arith.BitcastOp(self.type, arith.ShLIOp(arith.AddIOp(n2, bias).result, shift).result).result
        # Kept exact: reassociated as p * (s1 * s2), the scale overflows to inf (or underflows to 0)
        # before p brings it back into range, and `ninf` turns that inf into poison.
        return self.f(arith.MulFOp, self.f(arith.MulFOp, p, s1, exact=True), s2, exact=True)

    def clamp(self, x, lo, hi):
        # maximumf/minimumf propagate NaN (maxnumf would turn a NaN into a bound).
        return self.f(arith.MinimumFOp, self.f(arith.MaximumFOp, x, self.const(lo)), self.const(hi))

    def exp2(self, x):
        xc = self.clamp(x, -151.0, 128.0)
        n, nf = self.round(xc)
        return self.scale(self.poly(self.f(arith.SubFOp, xc, nf), EXP2_COEFFS), n)

    def exp(self, x):
        xc = self.clamp(x, -151.0 * 0.6931471805599453, 89.0)  # e^89 > FLT_MAX: +inf
        n, nf = self.round(self.f(arith.MulFOp, xc, self.const(LOG2E)))
        # Kept exact: reassociation would merge the two parts of ln 2 and lose the low bits of r.
        r = self.f(arith.SubFOp, xc, self.f(arith.MulFOp, nf, self.const(LN2_HI), exact=True), exact=True)
        r = self.f(arith.SubFOp, r, self.f(arith.MulFOp, nf, self.const(LN2_LO), exact=True), exact=True)
        return self.scale(self.poly(r, EXP_COEFFS), n)


@dataclass(frozen=True)
class ApproximateVectorMath(Pass):
    """Replace math.exp2 / math.exp on f32 vectors by a range-reduced polynomial in arith ops."""

    name: ClassVar[str] = "approximate-vector-math"
    scope: ClassVar[str] = "builtin.module"

    scalars: bool = option(False, "also expand scalar f32 exp2/exp (the scalar libm call is fine on Hexagon)")

    def wanted(self, op) -> bool:
        if op.name not in ("math.exp2", "math.exp"):
            return False
        t = op.results[0].type
        elem = t.element_type if isinstance(t, ir.VectorType) else (t if self.scalars else None)
        return isinstance(elem, ir.F32Type)

    def apply(self, module) -> None:
        found = []

        def visit(op):
            if self.wanted(op):
                found.append(op)
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
        for op in found:
            with op.location, ir.InsertionPoint(op):
                b = _Builder(op)
                x = op.operands[0]
                result = b.exp2(x) if op.name == "math.exp2" else b.exp(x)
            op.results[0].replace_all_uses_with(result)
            op.erase()
