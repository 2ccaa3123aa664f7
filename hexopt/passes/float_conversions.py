"""expand-float-conversions: rewrite vector extf/truncf between f32 and bf16 (and optionally f16) as integer ops.

What LLVM 22's Hexagon backend does with vector conversions (measured on its v68-v79 output):
- f16: `fpext <64 x half> to <64 x float>` is `vmpy(v.hf, 1.0.hf)` into a qf32 pair, two qf32->sf
  conversions and a `vshuff` (4 HVX instructions); `fptrunc` is two `vadd(v.sf, 0)` into qf32, one
  qf32->hf conversion and a `vdeal`. Whole-vector code, but through the qfloat format, which (before v79)
  has no inf or NaN: they saturate. The per-lane `__extendhfsf2`/`__truncsfhf2` calls seen in f16 kernels
  come from the math ops around them that LLVM scalarizes (`llvm.exp.v64f16`, f16 `fdiv`, `llvm.maxnum`),
  which approximate-vector-math and expand-vector-min-max remove. So f16 conversions are left to LLVM by
  default (`f16=native`); `f16=integer` expands them here into IEEE-exact integer code (inf, NaN,
  subnormals, round to nearest even) that also runs under qemu-hexagon, whose HVX has no float.
- bf16: LLVM scalarizes `fpext <64 x bfloat>` (~1000 instructions) and `fptrunc`: always expanded here.
  bf16 -> f32 is a 16-bit shift; f32 -> bf16 adds 0x7FFF plus the kept lsb (round to nearest even; a
  carry into the exponent gives inf), and quiets NaNs.

The integer f16 expansion:
- f16 -> f32: sign << 16; an exponent/mantissa field e >= 0x0400 becomes (e << 13) + 0x38000000
  (re-biased; 0x70000000 for inf/NaN, which keeps the payload); a subnormal e becomes e * 2^-24,
  computed exactly as (bits^-1(0x4B000000 | e) - 2^23) * 2^-24.
- f32 -> f16 on a = |x|: NaN -> 0x7E00 | payload; a >= 65520 -> inf; a >= 2^-14: re-bias
  (a - 0x38000000), add 0xFFF plus the lsb of the result, shift by 13; below 2^-14: the significand
  (with its implicit bit) shifted right by 126 - exponent (at most 25) with round to nearest even on the
  shifted-out bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from hexopt.ir import arith, ir

from .base import Pass, option
from .fast_math import KEEP_EXACT

F16_MODES = ("native", "integer")


class _Ints:
    """Integer vector ops on one shape (i32 unless told)."""

    def __init__(self, shape: list[int]):
        self.shape = shape
        self.i32 = ir.VectorType.get(shape, ir.IntegerType.get_signless(32))
        self.i16 = ir.VectorType.get(shape, ir.IntegerType.get_signless(16))
        self.f32 = ir.VectorType.get(shape, ir.F32Type.get())

    def c(self, value: int) -> object:
        value &= 0xFFFFFFFF
        value = value - (1 << 32) if value & 0x80000000 else value
        attr = ir.DenseElementsAttr.get_splat(self.i32, ir.IntegerAttr.get(ir.IntegerType.get_signless(32), value))
        return arith.ConstantOp(self.i32, attr).result

    def fc(self, value: float) -> object:
        attr = ir.DenseElementsAttr.get_splat(self.f32, ir.FloatAttr.get(ir.F32Type.get(), value))
        return arith.ConstantOp(self.f32, attr).result

    def widen(self, narrow) -> object:
        """The 16 bits of a bf16/f16 vector, zero-extended to i32."""
        return arith.ExtUIOp(self.i32, arith.BitcastOp(self.i16, narrow).result).result

    def narrow(self, wide, ntype) -> object:
        return arith.BitcastOp(ntype, arith.TruncIOp(self.i16, wide).result).result

    def bits(self, x) -> object:
        return arith.BitcastOp(self.i32, x).result

    def float(self, i) -> object:
        return arith.BitcastOp(self.f32, i).result

    def and_(self, a, b):
        return arith.AndIOp(a, b).result

    def or_(self, a, b):
        return arith.OrIOp(a, b).result

    def add(self, a, b):
        return arith.AddIOp(a, b).result

    def sub(self, a, b):
        return arith.SubIOp(a, b).result

    def shl(self, a, b):
        return arith.ShLIOp(a, b).result

    def shr(self, a, b):
        return arith.ShRUIOp(a, b).result

    def cmp(self, pred: str, a, b):
        return arith.CmpIOp(getattr(arith.CmpIPredicate, pred), a, b).result

    def sel(self, c, a, b):
        return arith.SelectOp(c, a, b).result


def exact(op) -> object:
    op.operation.attributes[KEEP_EXACT] = ir.UnitAttr.get()
    return op.result


def bf16_to_f32(k: _Ints, x) -> object:
    return k.float(k.shl(k.widen(x), k.c(16)))


def f32_to_bf16(k: _Ints, x, ntype) -> object:
    b = k.bits(x)
    lsb = k.and_(k.shr(b, k.c(16)), k.c(1))
    rounded = k.add(b, k.add(k.c(0x7FFF), lsb))
    is_nan = k.cmp("ugt", k.and_(b, k.c(0x7FFFFFFF)), k.c(0x7F800000))
    b = k.sel(is_nan, k.or_(b, k.c(0x00400000)), rounded)
    return k.narrow(k.shr(b, k.c(16)), ntype)


def f16_to_f32(k: _Ints, x) -> object:
    h = k.widen(x)
    sign = k.shl(k.and_(h, k.c(0x8000)), k.c(16))
    em = k.and_(h, k.c(0x7FFF))
    bias = k.sel(k.cmp("uge", em, k.c(0x7C00)), k.c(0x70000000), k.c(0x38000000))
    normal = k.add(k.shl(em, k.c(13)), bias)
    # subnormal: e * 2^-24, e as a float by the 2^23 trick (both float ops exact)
    as_float = exact(arith.SubFOp(k.float(k.or_(em, k.c(0x4B000000))), k.fc(8388608.0)))
    sub = k.bits(exact(arith.MulFOp(as_float, k.fc(2.0 ** -24))))
    return k.float(k.or_(k.sel(k.cmp("ult", em, k.c(0x0400)), sub, normal), sign))


def f32_to_f16(k: _Ints, x, ntype) -> object:
    b = k.bits(x)
    sign = k.and_(k.shr(b, k.c(16)), k.c(0x8000))
    a = k.and_(b, k.c(0x7FFFFFFF))
    # normal range: re-bias, round to nearest even at bit 13
    r = k.sub(a, k.c(0x38000000))
    r = k.add(r, k.add(k.c(0xFFF), k.and_(k.shr(r, k.c(13)), k.c(1))))
    normal = k.shr(r, k.c(13))
    # subnormal range: (1.m) >> (126 - e), round to nearest even on the bits shifted out
    mant = k.or_(k.and_(a, k.c(0x007FFFFF)), k.c(0x00800000))
    shift = k.sub(k.c(126), k.shr(a, k.c(23)))
    # 14..25 in the subnormal range; clamped so that lanes of the other ranges shift by a valid amount
    shift = k.sel(k.cmp("ugt", shift, k.c(25)), k.c(25), k.sel(k.cmp("ult", shift, k.c(14)), k.c(14), shift))
    q = k.shr(mant, shift)
    rem = k.and_(mant, k.sub(k.shl(k.c(1), shift), k.c(1)))
    half = k.shl(k.c(1), k.sub(shift, k.c(1)))
    up = k.or_(k.cmp("ugt", rem, half), k.and_(k.cmp("eq", rem, half), k.cmp("ne", k.and_(q, k.c(1)), k.c(0))))
    sub = k.add(q, arith.ExtUIOp(k.i32, up).result)
    h = k.sel(k.cmp("ult", a, k.c(0x38800000)), sub, normal)
    h = k.sel(k.cmp("uge", a, k.c(0x477FF000)), k.c(0x7C00), h)
    nan = k.or_(k.c(0x7E00), k.and_(k.shr(a, k.c(13)), k.c(0x3FF)))
    h = k.sel(k.cmp("ugt", a, k.c(0x7F800000)), nan, h)
    return k.narrow(k.or_(h, sign), ntype)


@dataclass(frozen=True)
class ExpandFloatConversions(Pass):
    """Rewrite vector arith.extf/truncf between f32 and bf16 (and f16 with f16=integer) into integer vector ops."""

    name: ClassVar[str] = "expand-float-conversions"
    scope: ClassVar[str] = "builtin.module"

    f16: Literal["native", "integer"] = option(
        "native", "f16<->f32 vector conversions: native (LLVM's HVX qf32 conversions, 4 instructions; inf/NaN "
                  "saturate before v79) or integer (IEEE-exact integer code, runs under qemu too)",
        choices=F16_MODES)

    def kind(self, op) -> str | None:
        """'extf' / 'truncf' with the narrow type's name if the pass rewrites `op`, else None."""
        if op.name not in ("arith.extf", "arith.truncf"):
            return None
        src, dst = op.operands[0].type, op.results[0].type
        if not isinstance(src, ir.VectorType):
            return None
        narrow, wide = (src, dst) if op.name == "arith.extf" else (dst, src)
        if not isinstance(wide.element_type, ir.F32Type):
            return None
        if op.name == "arith.truncf" and "roundingmode" in op.attributes \
                and "to_nearest_even" not in str(op.attributes["roundingmode"]):
            return None
        name = str(narrow.element_type)
        if name == "bf16" or (name == "f16" and self.f16 == "integer"):
            return name
        return None

    def apply(self, module) -> None:
        found = []

        def visit(op):
            if self.kind(op) is not None:
                found.append(op)
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
        for op in found:
            narrow = self.kind(op)
            with op.location, ir.InsertionPoint(op):
                k = _Ints(list(op.results[0].type.shape))
                x = op.operands[0]
                if op.name == "arith.extf":
                    result = bf16_to_f32(k, x) if narrow == "bf16" else f16_to_f32(k, x)
                else:
                    ntype = op.results[0].type
                    result = f32_to_bf16(k, x, ntype) if narrow == "bf16" else f32_to_f16(k, x, ntype)
            op.results[0].replace_all_uses_with(result)
            op.erase()
