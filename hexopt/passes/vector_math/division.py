"""Reciprocal and division on f32 without a divide instruction.

HVX has no vector division, and LLVM 22 splits a vector `fdiv` into one scalar reciprocal-and-refine
sequence per lane (32 `sfrecipa` and ~10 scalar ops each, plus the lane moves). Here:

1/d: the magnitude a = |d| is brought into [2^-64, 2^64] by an exact power-of-two factor s (so that
subnormal divisors and reciprocals that overflow or are subnormal come out right after the final
multiplication by s); the initial estimate is the bit trick r0 = bits^-1(0x7EF311C3 - bits(a)), relative
error below 5.1%; three Newton steps r <- r + r * (1 - a * r) square it to 2.6e-3, 6.6e-6 and 4.4e-11,
so r is within 1 ulp. 1/0 = inf and 1/inf = 0 are selected from the input's bits, a NaN propagates
through the Newton steps; the sign is the divisor's sign bit.

a/b: with r ~ 1/(|b| s) as above, q = a * r, then one correction step q + r * (a - q * |b| s), which
brings the measured error from 2 to 1 ulp, and only then the multiplication by s (so a quotient is right
where 1/b alone would overflow or be subnormal: 1e-45 / 1e-39); a below 2^-64 is scaled by 2^64 the
same way (the residual would otherwise be rounded to the subnormal grid); where the correction is NaN (q infinite,
a NaN) the uncorrected q is kept; the sign is b's sign bit xor-ed in. b = +-0 gives a * inf and b = +-inf
gives a * 0 (so 0/0, inf/inf and NaN/x are NaN).

Only applied to an `arith.divf` whose fast-math flags allow a reciprocal (`arcp`, or `fast`): the result
is not always the correctly rounded quotient.
"""

from __future__ import annotations

from .emitter import INF_BITS, Emitter, Value

RECIP_MAGIC = 0x7EF311C3
NEWTON_STEPS = 3


def scaled_reciprocal(e: Emitter, a: Value) -> tuple[Value, Value, Value]:
    """(r, s, a * s): s an exact power of two that brings a >= 0 into [2^-64, 2^64] and r ~ 1/(a * s).
    Not meaningful for a = 0, inf or NaN."""
    big = e.fcmp("ogt", a, e.const(2.0**64))
    small = e.fcmp("olt", a, e.const(2.0**-64))
    s = e.select(big, e.const(2.0**-64), e.select(small, e.const(2.0**64), e.const(1.0)))
    scaled = e.mul(a, s, exact=True)
    r = e.as_float(e.isub(e.iconst(RECIP_MAGIC), e.bits(scaled)))
    one = e.const(1.0)
    for _ in range(NEWTON_STEPS):
        r = e.add(r, e.mul(r, e.sub(one, e.mul(scaled, r))))
    return r, s, scaled


def reciprocal_magnitude(e: Emitter, a: Value) -> Value:
    """1/a for a >= 0 (a with its sign bit clear), including 0, subnormals, inf and NaN."""
    r, s, _ = scaled_reciprocal(e, a)
    r = e.mul(r, s, exact=True)
    bits = e.bits(a)
    r = e.select(e.icmp("eq", bits, e.iconst(0)), e.bits_const(INF_BITS), r)
    return e.select(e.icmp("eq", bits, e.iconst(INF_BITS)), e.const(0.0), r)


def reciprocal(e: Emitter, d: Value) -> Value:
    return e.with_sign(reciprocal_magnitude(e, e.abs(d)), e.sign_bit(d))


def divide(e: Emitter, a: Value, b: Value) -> Value:
    sign = e.sign_bit(b)
    r, s, bs = scaled_reciprocal(e, e.abs(b))
    # In scaled domains, so that a / b is right where 1/b alone would overflow or be subnormal, and where
    # a is subnormal (the residual a - q * b would be rounded to the subnormal grid).
    tiny_a = e.abs_below(a, 2.0**-64)
    a_s = e.mul(a, e.select(tiny_a, e.const(2.0**64), e.const(1.0)), exact=True)
    scale = e.mul(s, e.select(tiny_a, e.const(2.0**-64), e.const(1.0)), exact=True)  # a power of 2 >= 2^-128
    qs = e.mul(a_s, r)
    corrected = e.add(qs, e.mul(r, e.sub(a_s, e.mul(qs, bs))))
    q = e.mul(e.select(e.is_nan(corrected), qs, corrected), scale, exact=True)
    # Exact: these multiply by inf or 0 on purpose (a / 0 = a * inf, a / inf = a * 0, with their NaNs).
    b_abs = e.abs_bits(b)
    q = e.select(e.icmp("eq", b_abs, e.iconst(0)), e.mul(a, e.bits_const(INF_BITS), exact=True), q)
    q = e.select(e.icmp("eq", b_abs, e.iconst(INF_BITS)), e.mul(a, e.const(0.0), exact=True), q)
    return e.flip_sign(q, sign)
