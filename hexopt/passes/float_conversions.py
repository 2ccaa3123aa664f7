"""expand-float-conversions: rewrite extf/truncf between f32 and bf16 (and f16 where LLVM would call) as integer ops.

What LLVM 22's Hexagon backend does with vector conversions (measured on its v68-v79 output):
- f16: `fpext <64 x half> to <64 x float>` is `vmpy(v.hf, 1.0.hf)` into a qf32 pair, two qf32->sf
  conversions and a `vshuff` (4 HVX instructions); `fptrunc` is two `vadd(v.sf, 0)` into qf32, one
  qf32->hf conversion and a `vdeal`. Whole-vector code, but through the qfloat format, which (before v79)
  has no inf or NaN: they saturate. The per-lane `__extendhfsf2`/`__truncsfhf2` calls seen in f16 kernels
  come from the math ops around them that LLVM scalarizes (`llvm.exp.v64f16`, f16 `fdiv`, `llvm.maxnum`),
  which approximate-vector-math and expand-vector-min-max remove. So f16 conversions are left to LLVM by
  default (`f16=native`); `f16=integer` expands them here into IEEE-exact integer code (inf, NaN,
  subnormals, round to nearest even) that also runs under qemu-hexagon, whose HVX has no float.
  Scalar f16 and bf16 conversions are always expanded (LLVM calls `__extendhfsf2`/`__truncsfhf2`), and
  so is extf(vector.broadcast s) of a scalar s (converted, then broadcast): LLVM rewrites it into a
  scalar conversion of s, i.e. a libcall per broadcast, 8 per iteration of an f16 matmul's inner loop.
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

from hexopt.ir import arith, ir, vector

from .base import Pass, option
from .fast_math import KEEP_EXACT

F16_MODES = ("native", "integer")


class _Ints:
    """Integer ops on one shape (a vector shape, or None for scalars; i32 unless told)."""

    def __init__(self, shape: list[int] | None):
        self.shape = shape
        i32, i16, f32 = ir.IntegerType.get_signless(32), ir.IntegerType.get_signless(16), ir.F32Type.get()
        self.i32 = ir.VectorType.get(shape, i32) if shape is not None else i32
        self.i16 = ir.VectorType.get(shape, i16) if shape is not None else i16
        self.f32 = ir.VectorType.get(shape, f32) if shape is not None else f32

    def c(self, value: int) -> object:
        value &= 0xFFFFFFFF
        value = value - (1 << 32) if value & 0x80000000 else value
        scalar = ir.IntegerAttr.get(ir.IntegerType.get_signless(32), value)
        attr = ir.DenseElementsAttr.get_splat(self.i32, scalar) if self.shape is not None else scalar
        return arith.ConstantOp(self.i32, attr).result

    def fc(self, value: float) -> object:
        scalar = ir.FloatAttr.get(ir.F32Type.get(), value)
        attr = ir.DenseElementsAttr.get_splat(self.f32, scalar) if self.shape is not None else scalar
        return arith.ConstantOp(self.f32, attr).result

    def widen(self, narrow) -> object:
        """The 16 bits of a bf16/f16 vector, zero-extended to i32."""
        return arith.ExtUIOp(self.i32, arith.BitcastOp(self.i16, narrow).result).result

    def narrow(self, wide, ntype) -> object:
        return arith.BitcastOp(ntype, arith.TruncIOp(self.i16, wide).result).result

    def bits(self, x) -> object:
        return arith.BitcastOp(self.i32, x).result

    def as_float(self, i) -> object:
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
    return k.as_float(k.shl(k.widen(x), k.c(16)))


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
    as_float = exact(arith.SubFOp(k.as_float(k.or_(em, k.c(0x4B000000))), k.fc(8388608.0)))
    sub = k.bits(exact(arith.MulFOp(as_float, k.fc(2.0**-24))))
    return k.as_float(k.or_(k.sel(k.cmp("ult", em, k.c(0x0400)), sub, normal), sign))


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
    """Rewrite arith.extf/truncf between f32 and bf16/f16 as integer ops where LLVM would not keep them on HVX."""

    name: ClassVar[str] = "expand-float-conversions"
    scope: ClassVar[str] = "builtin.module"

    f16: Literal["native", "integer"] = option(
        "native",
        "f16<->f32 vector conversions: native (LLVM's HVX qf32 conversions, 4 instructions; inf/NaN "
        "saturate before v79) or integer (IEEE-exact integer code, runs under qemu too)",
        choices=F16_MODES,
    )

    def kind(self, op) -> str | None:
        """The narrow type's name ('bf16' / 'f16') if the pass rewrites this extf/truncf, else None."""
        if op.name not in ("arith.extf", "arith.truncf"):
            return None
        src, dst = op.operands[0].type, op.results[0].type
        narrow, wide = (src, dst) if op.name == "arith.extf" else (dst, src)
        vector = isinstance(narrow, ir.VectorType)
        narrow_elem = narrow.element_type if vector else narrow
        wide_elem = wide.element_type if vector else wide
        if not isinstance(wide_elem, ir.F32Type) or str(narrow_elem) not in ("bf16", "f16"):
            return None
        if (
            op.name == "arith.truncf"
            and "roundingmode" in op.attributes
            and "to_nearest_even" not in str(op.attributes["roundingmode"])
        ):
            return None
        name = str(narrow_elem)
        # Scalars always: LLVM converts a scalar half or bfloat with a libcall on Hexagon.
        if name == "bf16" or not vector or self.f16 == "integer" or self.broadcast_source(op) is not None:
            return name
        return None

    @staticmethod
    def broadcast_source(op) -> object:
        """s if `op` is extf(vector.broadcast s) of a scalar s: LLVM turns that into a scalar conversion (a
        libcall per broadcast, 8 `__extendhfsf2` per iteration of an f16 matmul's inner loop)."""
        if op.name != "arith.extf":
            return None
        owner = op.operands[0].owner
        if isinstance(owner, ir.Block) or owner.name != "vector.broadcast":
            return None
        s = owner.operands[0]
        return s if not isinstance(s.type, ir.ShapedType) else None

    def apply(self, module) -> None:
        found = []

        def visit(op):
            if self.kind(op) is not None:
                found.append(op)
            return ir.WalkResult.ADVANCE

        module.operation.walk(visit)
        for op in found:
            narrow = self.kind(op)
            result_type = op.results[0].type
            with op.location, ir.InsertionPoint(op):
                x = op.operands[0]
                source = self.broadcast_source(op) if isinstance(result_type, ir.VectorType) else None
                if source is not None:  # convert the scalar, then broadcast
                    k = _Ints(None)
                    wide = bf16_to_f32(k, source) if narrow == "bf16" else f16_to_f32(k, source)
                    result = vector.BroadcastOp(result_type, wide).result
                elif op.name == "arith.extf":
                    k = _Ints(list(result_type.shape) if isinstance(result_type, ir.VectorType) else None)
                    result = bf16_to_f32(k, x) if narrow == "bf16" else f16_to_f32(k, x)
                else:
                    k = _Ints(list(result_type.shape) if isinstance(result_type, ir.VectorType) else None)
                    result = f32_to_bf16(k, x, result_type) if narrow == "bf16" else f32_to_f16(k, x, result_type)
            op.results[0].replace_all_uses_with(result)
            op.erase()
