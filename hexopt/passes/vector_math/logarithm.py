"""log, log2, log10 and log1p on f32.

Reduction (integer ops on the bits): x = 2^k * m with m in [sqrt(1/2), sqrt(2)): k = (bits(x) -
bits(sqrt(1/2))) >> 23 (arithmetic), m = bits^-1(bits(x) - (k << 23)), f = m - 1 in [-0.293, 0.415]
(exact). Subnormal x are first multiplied by 2^24 (k - 24). k becomes a float without `sitofp` (which
HVX lacks): bits^-1(bits(1.5 * 2^23) + k) - 1.5 * 2^23.

log1p(f) = f + f^2 * (-1/2 + f * R(f)), R of degree 7 (relative error 5.8e-9 over the interval).
- log(x) = k * ln2_hi + (k * ln2_lo + log1p(f)), ln 2 split as in exp (k * ln2_hi is exact);
- log2(x) = k + log1p(f) * log2(e) (log2(e) in two parts);
- log10(x) = k * log10(2)_hi + (k * log10(2)_lo + log1p(f) * log10(e)).
- log1p(x): u = 1 + x, then log(u) plus the rounding error of u divided by u: c = x - (u - 1) (or
  1 - (u - x) for u >= 2; both exact), c / u = c * 2^-k * (1 - f + f^2). For |x| < 2^-24, log1p(x) = x.

Special values from the bits: log(+-0) = -inf, log(x < 0) = NaN (so log(-inf) too), log(+inf) = +inf,
NaN -> NaN; log1p applies them to u = 1 + x (log1p(-1) = -inf, log1p(x < -1) = NaN).
"""

from __future__ import annotations

import math

from .emitter import INF_BITS, LN2_HI, LN2_LO, ROUND_MAGIC, Emitter, Value, f32, f32_bits

# log1p(f) = f + f^2 * (-0.5 + f * (c3 + f * (c4 + ...)))
LOG1P_COEFFS = (
    -0.5,
    0.3333333134651184,
    -0.2500081956386566,
    0.2000124156475067,
    -0.166234090924263,
    0.14201579988002777,
    -0.13159610331058502,
    0.12762217223644257,
    -0.07636439055204391,
)
SQRT_HALF_BITS = 0x3F3504F3
LOG2E_HI = f32(1.0 / math.log(2.0))  # constants in two parts: the f32 rounding and the rest
LOG2E_LO = 1.0 / math.log(2.0) - LOG2E_HI
LOG10E_HI = f32(1.0 / math.log(10.0))
LOG10E_LO = 1.0 / math.log(10.0) - LOG10E_HI
LOG10_2_HI = 617.0 / 2048.0  # 10 significant bits: k * LOG10_2_HI is exact
LOG10_2_LO = math.log10(2.0) - 617.0 / 2048.0


def _int_to_float(e: Emitter, k: Value) -> Value:
    """k (i32, |k| < 2^22) as f32, exactly."""
    magic = e.const(ROUND_MAGIC)
    return e.sub(e.as_float(e.iadd(e.bits(magic), k)), magic, exact=True)


def reduce(e: Emitter, x: Value, subnormals: bool = True) -> tuple[Value, Value, Value]:
    """(k as i32, k as f32, f) with x = 2^k * (1 + f), 1 + f in [sqrt(1/2), sqrt(2)); x > 0 finite."""
    adjust = None
    if subnormals:
        tiny = e.icmp("slt", e.bits(x), e.iconst(0x00800000))
        x = e.select(tiny, e.mul(x, e.const(2.0**24), exact=True), x)
        adjust = e.iselect(tiny, e.iconst(-24), e.iconst(0))
    b = e.bits(x)
    k = e.shrs(e.isub(b, e.iconst(SQRT_HALF_BITS)), 23)
    m = e.as_float(e.isub(b, e.shl(k, 23)))
    f = e.sub(m, e.const(1.0), exact=True)
    if adjust is not None:
        k = e.iadd(k, adjust)
    return k, _int_to_float(e, k), f


def log1p_reduced(e: Emitter, f: Value) -> Value:
    """log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]."""
    return e.add(f, e.mul(e.mul(f, f), e.poly(f, LOG1P_COEFFS)))


def specials(e: Emitter, x: Value, result: Value) -> Value:
    """log's special values, decided on the bits of its argument x."""
    b = e.bits(x)
    result = e.select(e.icmp("slt", b, e.iconst(0)), e.bits_const(0x7FC00000), result)  # x < 0, -0: NaN
    result = e.select(e.icmp("eq", e.abs_bits(x), e.iconst(0)), e.bits_const(0xFF800000), result)  # +-0: -inf
    return e.select(e.icmp("sge", b, e.iconst(INF_BITS)), x, result)  # +inf, NaN: x


def _log_from(e: Emitter, kf: Value, p: Value) -> Value:
    # Exact: merging the two parts of ln 2 loses the low bits of results near +-ln 2.
    low = e.add(e.mul(kf, e.const(LN2_LO), exact=True), p, exact=True)
    return e.add(e.mul(kf, e.const(LN2_HI), exact=True), low, exact=True)


def log(e: Emitter, x: Value) -> Value:
    _, kf, f = reduce(e, x)
    return specials(e, x, _log_from(e, kf, log1p_reduced(e, f)))


def log2(e: Emitter, x: Value) -> Value:
    _, kf, f = reduce(e, x)
    p = log1p_reduced(e, f)
    scaled = e.add(e.mul(p, e.const(LOG2E_LO)), e.mul(p, e.const(LOG2E_HI)), exact=True)
    return specials(e, x, e.add(kf, scaled, exact=True))


def log10(e: Emitter, x: Value) -> Value:
    _, kf, f = reduce(e, x)
    p = log1p_reduced(e, f)
    scaled = e.add(e.mul(p, e.const(LOG10E_LO)), e.mul(p, e.const(LOG10E_HI)), exact=True)
    low = e.add(e.mul(kf, e.const(LOG10_2_LO), exact=True), scaled, exact=True)
    return specials(e, x, e.add(e.mul(kf, e.const(LOG10_2_HI), exact=True), low, exact=True))


def log1p(e: Emitter, x: Value) -> Value:
    one = e.const(1.0)
    u = e.add(one, x, exact=True)
    # Exact: these recover the rounding error of 1 + x, which any reassociation turns into 0.
    c_small = e.sub(x, e.sub(u, one, exact=True), exact=True)
    c_big = e.sub(one, e.sub(u, x, exact=True), exact=True)
    c = e.select(e.fcmp("oge", u, e.const(2.0)), c_big, c_small)
    k, kf, f = reduce(e, u, subnormals=False)
    k_scale = e.iselect(e.icmp("sgt", k, e.iconst(100)), e.iconst(100), k)
    correction = e.mul(e.mul(c, e.pow2(e.isub(e.iconst(0), k_scale))), e.poly(f, (1.0, -1.0, 1.0)))
    p = e.add(log1p_reduced(e, f), correction)
    result = specials(e, u, _log_from(e, kf, p))
    return e.select(e.abs_below(x, 2.0**-24), x, result)


assert f32_bits(math.sqrt(0.5)) == SQRT_HALF_BITS
