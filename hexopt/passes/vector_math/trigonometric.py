"""sin, cos and atan on f32.

sin and cos: on a = |x|, n = round(a * 2/pi) and r = a - n * pi/2 in [-pi/4, pi/4] by Cody-Waite with
pi/2 in six parts, the first five of 8 significant bits (n * part is exact for n < 2^16) and the last
the f32 rounding of the rest (about 70 bits of pi/2 in all, from a 76-digit pi). Near a zero of sin or
cos every subtraction cancels exactly, so r keeps its relative accuracy down to the smallest |r| an f32
below 102943 can give (4.2e-9, at x = 252.8982; three parts gave 124 ulp there, five 3). Then
sin(r) = r + r * (r^2 * S(r^2)) (S of degree 3, relative error 1.6e-10) and
cos(r) = (1 - r^2/2) + r^4 * C(r^2) (C of degree 3, 7.2e-12);
quadrant q = n mod 4 (for cos, n + 1): odd q takes the other polynomial, q >= 2 flips the sign (an xor of
the sign bit, with sin's odd symmetry xor-ed in from x). Accuracy holds for |x| <= 2^16 * pi/2 = 102943
(measured bound in docs/vector-math.md, the f32 inputs nearest to k * pi/2 included). Beyond it the
products n * part are no longer exact and the absolute error grows; n saturates at 2^22 and r is
clamped to [-0.8, 0.8], so any finite x gives a value in [-1, 1]. inf and NaN give NaN (inf - inf in
the reduction).

atan: on a = |x|, t = a for a <= 1, else t = 1/a (bit trick + Newton steps, division.py, a clamped to
2^64 first so that inf gives pi/2); atan(t) = t + t * (t^2 * A(t^2)), A of degree 9 on [0, 1] (relative
error 4.5e-10); for a > 1 the result is pi/2 - atan(t), with pi/2 in two parts. The sign of x is put
back with its bit (atan(-0) = -0). A NaN propagates.
"""

from __future__ import annotations

import math

from .emitter import Emitter, Value, f32
from .hyperbolic import reciprocal_normal

TWO_OVER_PI = 0.6366197466850281
PIO2_PARTS = (
    1.5703125,
    0.000484466552734375,
    -6.407499313354492e-07,
    9.89530235528946e-10,
    2.5579538487363607e-12,
    5.390302953474238e-15,
)
PIO2_HI = f32(math.pi / 2)
PIO2_LO = math.pi / 2 - PIO2_HI
SIN_COEFFS = (-0.1666666716337204, 0.008333379402756691, -0.00019853073172271252, 2.8327667678240687e-06)
COS_COEFFS = (0.0416666679084301, -0.0013888980029150844, 2.482202216924634e-05, -2.8881245839329495e-07)
ATAN_COEFFS = (
    -0.333333283662796,
    0.1999971568584442,
    -0.14280343055725098,
    0.11061233282089233,
    -0.08821462094783783,
    0.06763648986816406,
    -0.04498325660824776,
    0.02277761697769165,
    -0.007425363175570965,
    0.0011345221428200603,
)


def _reduce(e: Emitter, a: Value) -> tuple[Value, Value]:
    """(n as i32, r) with a = n * pi/2 + r."""
    y = e.min(e.mul(a, e.const(TWO_OVER_PI)), e.const(4194303.0))
    n, nf = e.round_nearest(y)
    r = a
    for part in PIO2_PARTS:
        # Exact: the parts must be subtracted one at a time (that is the extra precision).
        r = e.sub(r, e.mul(nf, e.const(part), exact=True), exact=True)
    return n, e.clamp(r, -0.8, 0.8)


def _sin_cos(e: Emitter, x: Value, quadrant_offset: int, odd: bool) -> Value:
    a = e.abs(x)
    n, r = _reduce(e, a)
    r2 = e.mul(r, r)
    s = e.add(r, e.mul(r, e.mul(r2, e.poly(r2, SIN_COEFFS))))
    c = e.add(e.sub(e.const(1.0), e.mul(r2, e.const(0.5))), e.mul(e.mul(r2, r2), e.poly(r2, COS_COEFFS)))
    q = e.iadd(n, e.iconst(quadrant_offset)) if quadrant_offset else n
    odd_quadrant = e.icmp("ne", e.iand(q, e.iconst(1)), e.iconst(0))
    value = e.select(odd_quadrant, c, s)
    sign = e.shl(e.iand(q, e.iconst(2)), 30)
    if odd:
        sign = e.ixor(sign, e.sign_bit(x))
    return e.flip_sign(value, sign)


def sin(e: Emitter, x: Value) -> Value:
    return _sin_cos(e, x, 0, odd=True)


def cos(e: Emitter, x: Value) -> Value:
    return _sin_cos(e, x, 1, odd=False)


def atan(e: Emitter, x: Value) -> Value:
    a = e.abs(x)
    big = e.fcmp("ogt", a, e.const(1.0))
    t = e.select(big, reciprocal_normal(e, e.clamp(a, 1.0, 2.0**64)), a)
    p = e.add(t, e.mul(t, e.mul(e.mul(t, t), e.poly(e.mul(t, t), ATAN_COEFFS))))
    folded = e.add(e.sub(e.const(PIO2_HI), p, exact=True), e.const(PIO2_LO), exact=True)
    return e.with_sign(e.select(big, folded, p), e.sign_bit(x))
