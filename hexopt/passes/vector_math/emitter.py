"""The op builder every expansion of approximate-vector-math writes with.

An :class:`Emitter` builds arith ops on one f32 shape (a vector, or a scalar with the pass's `scalars`
option) at the current insertion point. It restricts itself to what HVX executes as vector code on v68+
and what LLVM 22's Hexagon backend does not scalarize (checked on its output): f32 add/sub/mul, compare +
select (`select(x > y, x, y)` becomes `vmax.sf`), integer add/sub/and/or/xor/shifts and bitcasts. Never
fdiv, fma, fptosi/sitofp (a 40-instruction integer expansion), `llvm.maxnum` or any math intrinsic.

Fast-math: float ops get the flags of the op being expanded, except those created with `exact=True`,
whose rounding is part of the algorithm (round-to-nearest by adding 1.5 * 2^23, Cody-Waite range
reduction, the rounding error of `1 + x`). Those are marked `hexopt.exact_fp` and get no flags, so that
neither hexagon-fast-math nor LLVM's reassociation can fold them away.

Special values are classified with integer compares on the bits (`is_nan`, `is_inf`, ...), not with
`cmpf uno/oeq`: on Hexagon LLVM 22 lowers those to integer equality (`vcmp.eq(v.w, v.w)`), which is
never "unordered" and tells +0 from -0.
"""

from __future__ import annotations

import struct
from typing import Any

from hexopt.ir import arith, ir

from ..fast_math import KEEP_EXACT

Value = Any

SIGN = 0x80000000
ABS = 0x7FFFFFFF
INF_BITS = 0x7F800000
ROUND_MAGIC = 12582912.0  # 1.5 * 2^23: (y + M) - M rounds y to the nearest integer for |y| < 2^22
LN2_HI = 0.693359375  # ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact
LN2_LO = -2.12194440e-4
LOG2E = 1.4426950408889634


def _signed(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & SIGN else v


class Emitter:
    """Builds the expansion of one op (before it): f32 values of the op's shape, i32/i1 masks alike."""

    def __init__(self, shape: list[int] | None, fastmath: Any = None):
        f32 = ir.F32Type.get()
        i32 = ir.IntegerType.get_signless(32)
        self.shape = shape
        self.ftype = ir.VectorType.get(shape, f32) if shape is not None else f32
        self.itype = ir.VectorType.get(shape, i32) if shape is not None else i32
        self.fastmath = fastmath
        flags = str(fastmath) if fastmath is not None else ""
        self.no_nans = "fast" in flags.replace("fastmath", "") or "nnan" in flags

    # ---------------------------------------------------------------- constants
    def const(self, value: float) -> Value:
        scalar = ir.FloatAttr.get(ir.F32Type.get(), float(value))
        attr = ir.DenseElementsAttr.get_splat(self.ftype, scalar) if self.shape is not None else scalar
        return arith.ConstantOp(self.ftype, attr).result

    def iconst(self, value: int) -> Value:
        scalar = ir.IntegerAttr.get(ir.IntegerType.get_signless(32), _signed(value))
        attr = ir.DenseElementsAttr.get_splat(self.itype, scalar) if self.shape is not None else scalar
        return arith.ConstantOp(self.itype, attr).result

    def bits_const(self, bits: int) -> Value:
        """The f32 constant with these bits."""
        return self.as_float(self.iconst(bits))

    # ---------------------------------------------------------------- float arithmetic
    def _flags(self, op: Any, exact: bool) -> Value:
        if exact:
            op.operation.attributes[KEEP_EXACT] = ir.UnitAttr.get()
        elif self.fastmath is not None:
            op.operation.attributes["fastmath"] = self.fastmath
        return op.result

    def add(self, a: Value, b: Value, exact: bool = False) -> Value:
        return self._flags(arith.AddFOp(a, b), exact)

    def sub(self, a: Value, b: Value, exact: bool = False) -> Value:
        return self._flags(arith.SubFOp(a, b), exact)

    def mul(self, a: Value, b: Value, exact: bool = False) -> Value:
        return self._flags(arith.MulFOp(a, b), exact)

    def neg(self, a: Value) -> Value:
        return self.as_float(self.ixor(self.bits(a), self.iconst(SIGN)))

    def poly(self, x: Value, coeffs: tuple[float, ...] | list[float]) -> Value:
        """c0 + x * (c1 + x * (c2 + ...)) by Horner's rule."""
        acc = self.const(coeffs[-1])
        for c in reversed(coeffs[:-1]):
            acc = self.add(self.mul(acc, x), self.const(c))
        return acc

    def fcmp(self, pred: str, a: Value, b: Value) -> Value:
        """Ordered compare (ogt, oge, olt, ole): false if either side is NaN."""
        return arith.CmpFOp(getattr(arith.CmpFPredicate, pred.upper()), a, b).result

    def select(self, cond: Value, a: Value, b: Value) -> Value:
        return arith.SelectOp(cond, a, b).result

    def max(self, x: Value, lo: Value) -> Value:
        """max(x, lo) that keeps a NaN x: one vmax.sf on HVX."""
        if self.no_nans:
            # LLVM lowers `llvm.maximum nnan` to vmax as well; in the select form its loop unroller
            # duplicates the seed's exp2 loop 3 more times (+270 instructions).
            return self._flags(arith.MaximumFOp(x, lo), False)
        return self.select(self.fcmp("olt", x, lo), lo, x)

    def min(self, x: Value, hi: Value) -> Value:
        """min(x, hi) that keeps a NaN x: one vmin.sf on HVX."""
        if self.no_nans:
            return self._flags(arith.MinimumFOp(x, hi), False)
        return self.select(self.fcmp("ogt", x, hi), hi, x)

    def clamp(self, x: Value, lo: float, hi: float) -> Value:
        return self.min(self.max(x, self.const(lo)), self.const(hi))

    # ---------------------------------------------------------------- integers and bits
    def bits(self, x: Value) -> Value:
        return arith.BitcastOp(self.itype, x).result

    def as_float(self, i: Value) -> Value:
        return arith.BitcastOp(self.ftype, i).result

    def iadd(self, a: Value, b: Value) -> Value:
        return arith.AddIOp(a, b).result

    def isub(self, a: Value, b: Value) -> Value:
        return arith.SubIOp(a, b).result

    def iand(self, a: Value, b: Value) -> Value:
        return arith.AndIOp(a, b).result

    def ior(self, a: Value, b: Value) -> Value:
        return arith.OrIOp(a, b).result

    def ixor(self, a: Value, b: Value) -> Value:
        return arith.XOrIOp(a, b).result

    def shl(self, a: Value, n: int) -> Value:
        return arith.ShLIOp(a, self.iconst(n)).result

    def shrs(self, a: Value, n: int) -> Value:
        return arith.ShRSIOp(a, self.iconst(n)).result

    def shru(self, a: Value, n: int) -> Value:
        return arith.ShRUIOp(a, self.iconst(n)).result

    def icmp(self, pred: str, a: Value, b: Value) -> Value:
        return arith.CmpIOp(getattr(arith.CmpIPredicate, pred), a, b).result

    def iselect(self, cond: Value, a: Value, b: Value) -> Value:
        return arith.SelectOp(cond, a, b).result

    # ---------------------------------------------------------------- classification (on bits)
    def abs_bits(self, x: Value) -> Value:
        return self.iand(self.bits(x), self.iconst(ABS))

    def abs(self, x: Value) -> Value:
        return self.as_float(self.abs_bits(x))

    def sign_bit(self, x: Value) -> Value:
        return self.iand(self.bits(x), self.iconst(SIGN))

    def with_sign(self, magnitude: Value, sign: Value) -> Value:
        """`magnitude` (sign bit clear) with the sign bit `sign` (an i32 that is 0 or 0x80000000)."""
        return self.as_float(self.ior(self.bits(magnitude), sign))

    def neg_abs(self, x: Value) -> Value:
        """-|x| (sets the sign bit)."""
        return self.as_float(self.ior(self.bits(x), self.iconst(SIGN)))

    def flip_sign(self, x: Value, sign: Value) -> Value:
        return self.as_float(self.ixor(self.bits(x), sign))

    def is_nan(self, x: Value) -> Value:
        return self.icmp("sgt", self.abs_bits(x), self.iconst(INF_BITS))

    def is_inf(self, x: Value) -> Value:
        return self.icmp("eq", self.abs_bits(x), self.iconst(INF_BITS))

    def abs_below(self, x: Value, bound: float) -> Value:
        """|x| < bound (false for NaN), as an integer compare of the magnitudes' bits."""
        return self.icmp("slt", self.abs_bits(x), self.iconst(f32_bits(bound)))

    # ---------------------------------------------------------------- building blocks
    def round_nearest(self, y: Value) -> tuple[Value, Value]:
        """(n as i32, n as f32): y rounded to the nearest integer (ties to even); |y| < 2^22."""
        magic = self.const(ROUND_MAGIC)
        t = self.add(y, magic, exact=True)
        nf = self.sub(t, magic, exact=True)
        return self.isub(self.bits(t), self.bits(magic)), nf

    def pow2(self, n: Value) -> Value:
        """2^n as f32 for an i32 n in [-126, 127] (built in the exponent field)."""
        return self.as_float(self.shl(self.iadd(n, self.iconst(127)), 23))

    def scale(self, p: Value, n: Value) -> Value:
        """p * 2^n for n in [-252, 254], as two exponent-field multiplications, so that results in
        the subnormal range and overflow to inf come out right."""
        n1 = self.shrs(n, 1)
        n2 = self.isub(n, n1)
        # Exact: reassociated as p * (s1 * s2), the scale overflows to inf (or underflows to 0)
        # before p brings it back into range, and `ninf` turns that inf into poison.
        return self.mul(self.mul(p, self.pow2(n1), exact=True), self.pow2(n2), exact=True)


def f32(value: float) -> float:
    """`value` rounded to f32."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def f32_bits(value: float) -> int:
    """The bits of `value` rounded to f32."""
    return struct.unpack("<I", struct.pack("<f", value))[0]
