"""floor, ceil, round, roundeven and trunc on f32 (exact).

For a = |x| < 2^23, (a + 2^23) - 2^23 is a rounded to the nearest integer, ties to even (the f32 sum has
no bits below 1); both ops are kept exact (`hexopt.exact_fp`) so that fast-math cannot fold them to a.
From 2^23 on every f32 is an integer, and inf and NaN are returned as they are. The sign is put back
with the sign bit, so -0 and results that round to zero from below keep it.
- roundeven(x) = sign(x) * rne(a)
- floor(x) = r - 1 where r = roundeven(x) > x, else r (floor(-0.5) = -1, floor(-0) = -0)
- ceil(x) = -floor(-x)
- trunc(x) = sign(x) * floor(a)
- round(x) (half away from zero) = sign(x) * (rne(a) + 1 if a - rne(a) = 1/2 else rne(a)); a - rne(a)
  is exact. Not a + 1/2 truncated: that rounds 0.49999997 up.
"""

from __future__ import annotations

from .emitter import Emitter, Value

TWO_23 = 8388608.0


def _rne(e: Emitter, a: Value) -> Value:
    big = e.const(TWO_23)
    return e.sub(e.add(a, big, exact=True), big, exact=True)


def _integral(e: Emitter, x: Value, rounded: Value) -> Value:
    """`rounded` where |x| < 2^23, x itself elsewhere (integers, inf, NaN)."""
    return e.select(e.abs_below(x, TWO_23), rounded, x)


def roundeven(e: Emitter, x: Value) -> Value:
    return _integral(e, x, e.with_sign(_rne(e, e.abs(x)), e.sign_bit(x)))


def _floor_small(e: Emitter, x: Value, r: Value) -> Value:
    return e.select(e.fcmp("ogt", r, x), e.sub(r, e.const(1.0), exact=True), r)


def floor(e: Emitter, x: Value) -> Value:
    r = e.with_sign(_rne(e, e.abs(x)), e.sign_bit(x))
    return _integral(e, x, _floor_small(e, x, r))


def ceil(e: Emitter, x: Value) -> Value:
    return e.neg(floor(e, e.neg(x)))


def trunc(e: Emitter, x: Value) -> Value:
    a = e.abs(x)
    return _integral(e, x, e.with_sign(_floor_small(e, a, _rne(e, a)), e.sign_bit(x)))


def round_half_away(e: Emitter, x: Value) -> Value:
    a = e.abs(x)
    r = _rne(e, a)
    tie_down = e.fcmp("oge", e.sub(a, r, exact=True), e.const(0.5))
    r = e.select(tie_down, e.add(r, e.const(1.0), exact=True), r)
    return _integral(e, x, e.with_sign(r, e.sign_bit(x)))
