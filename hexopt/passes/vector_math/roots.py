"""sqrt and rsqrt on f32.

Both start from 1/sqrt(x): the bit trick y0 = bits^-1(0x5F3759DF - (bits(x) >> 1)) (relative error below
3.5%) and three Newton steps y <- y * (1.5 - (x/2) * y^2), which square the error to 1.8e-3, 4.7e-6 and
3.3e-11. Subnormal x are first multiplied by 2^24 (the result by 2^-12, or 2^12 for rsqrt).

sqrt(x) = s + (y/2) * (x - s^2) with s = x * y: one Newton step on the square root itself, which
corrects most of the rounding of s (measured: within 1 ulp).

Special values from the bits: sqrt(+-0) = +-0 (x * y keeps the sign), rsqrt(+-0) = +-inf, sqrt(+inf) =
+inf, rsqrt(+inf) = 0, x < 0 gives NaN (not -0), NaN propagates.
"""

from __future__ import annotations

from .emitter import INF_BITS, Emitter, Value

RSQRT_MAGIC = 0x5F3759DF
NEWTON_STEPS = 3
NAN_BITS = 0x7FC00000


def _rsqrt_scaled(e: Emitter, x: Value) -> tuple[Value, Value, Value]:
    """(tiny, xs, y): tiny = x is subnormal (or zero or negative), xs = x or x * 2^24, y ~ 1/sqrt(xs)."""
    tiny = e.icmp("slt", e.bits(x), e.iconst(0x00800000))
    xs = e.select(tiny, e.mul(x, e.const(2.0**24), exact=True), x)
    y = e.as_float(e.isub(e.iconst(RSQRT_MAGIC), e.shru(e.bits(xs), 1)))
    half_x = e.mul(xs, e.const(0.5))
    for _ in range(NEWTON_STEPS):
        y = e.mul(y, e.sub(e.const(1.5), e.mul(half_x, e.mul(y, y))))
    return tiny, xs, y


def _negative_is_nan(e: Emitter, x: Value, result: Value) -> Value:
    b = e.bits(x)
    negative = e.icmp("ugt", b, e.iconst(0x80000000))  # sign set and not -0
    return e.select(negative, e.bits_const(NAN_BITS), result)


def sqrt(e: Emitter, x: Value) -> Value:
    tiny, xs, y = _rsqrt_scaled(e, x)
    s = e.mul(xs, y)
    s = e.add(s, e.mul(e.mul(y, e.const(0.5)), e.sub(xs, e.mul(s, s))))
    s = e.select(tiny, e.mul(s, e.const(2.0**-12), exact=True), s)
    # +-0 -> +-0 (y overflows in the Newton steps), +inf -> +inf (-inf is negative: NaN below)
    s = e.select(e.icmp("eq", e.abs_bits(x), e.iconst(0)), x, s)
    s = e.select(e.is_inf(x), x, s)
    return _negative_is_nan(e, x, s)


def rsqrt(e: Emitter, x: Value) -> Value:
    tiny, _, y = _rsqrt_scaled(e, x)
    r = e.select(tiny, e.mul(y, e.const(2.0**12), exact=True), y)
    r = e.select(e.icmp("eq", e.bits(x), e.iconst(INF_BITS)), e.const(0.0), r)
    r = e.select(e.icmp("eq", e.abs_bits(x), e.iconst(0)), e.with_sign(e.bits_const(INF_BITS), e.sign_bit(x)), r)
    return _negative_is_nan(e, x, r)
