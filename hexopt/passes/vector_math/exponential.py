"""exp2, exp and expm1 on f32.

exp2(x) = 2^n * 2^f with n = round(x) (round to nearest by adding 1.5 * 2^23, exact for |x| < 2^22) and
f = x - n in [-0.5, 0.5]; 2^f by a degree-6 polynomial, 2^n built in the exponent field. x is first
clamped to [-151, 128] (NaN passes through): below -150 the result rounds to 0 (the seed's -1e14
"minus infinity" gives 0, not NaN), from 128 on it is +inf. 2^n is applied as 2^(n>>1) * 2^(n - (n>>1))
so that results in the subnormal range come out right.

exp(x) uses n = round(x * log2 e) and f = x - n * ln 2 in two parts (Cody-Waite: ln 2 = 0.693359375 -
2.12194440e-4, the first part has 9 significant bits so n * it is exact), then e^f, f in [-ln2/2, ln2/2].

expm1(x) = e^x - 1 without the cancellation of `exp(x) - 1` near 0: the same reduction gives n and r,
then expm1(r) = r + r^2 * Q(r) (degree 6), and expm1(x) = 2 * (2^(n-1) * expm1(r) + (2^(n-1) - 1/2)),
which is exact in the scaling for n in [-24, 24], reaches +inf from x = 88.73 without overflowing
early (2^(n-1) <= 2^127), and gives -1 below x = -17.5 (where e^x is below half an ulp of 1). For
|x| < 2^-25, expm1(x) = x (this also keeps the sign of -0).

Coefficients: near-minimax fits of the relative error (Lawson-weighted least squares, rounded to f32
one at a time with the rest refitted; tools/fit_vector_math.py). Polynomial errors: 1.6e-8 (2^f),
1.7e-8 (e^f), 1.4e-8 (expm1), i.e. below 0.3 ulp before the f32 evaluation.
"""

from __future__ import annotations

from .emitter import LN2_HI, LN2_LO, LOG2E, Emitter, Value

# 1 + f * (c1 + f * (c2 + ...))
EXP2_COEFFS = (
    1.0,
    0.6931471824645996,
    0.24022647738456726,
    0.055503323674201965,
    0.009618437848985195,
    0.0013398876180872321,
    0.00015353357593994588,
)
EXP_COEFFS = (
    1.0,
    1.0,
    0.4999999403953552,
    0.16666431725025177,
    0.04166800156235695,
    0.008374156430363655,
    0.0013843649066984653,
)
# expm1(r) = r + r^2 * (c2 + r * (c3 + ...))
EXPM1_COEFFS = (
    0.4999999701976776,
    0.1666654646396637,
    0.04166744276881218,
    0.008366251364350319,
    0.0013870010152459145,
)
EXP_LO = -151.0 * 0.6931471805599453  # e^x rounds to 0 below
EXP_HI = 89.0  # e^89 > FLT_MAX


def exp2(e: Emitter, x: Value) -> Value:
    xc = e.clamp(x, -151.0, 128.0)
    n, nf = e.round_nearest(xc)
    return e.scale(e.poly(e.sub(xc, nf), EXP2_COEFFS), n)


def reduce_ln2(e: Emitter, x: Value) -> tuple[Value, Value]:
    """(n, r) with x = n * ln 2 + r, |r| <= ln2/2 (plus rounding); |x| < 2^21."""
    n, nf = e.round_nearest(e.mul(x, e.const(LOG2E)))
    # Exact: reassociation would merge the two parts of ln 2 and lose the low bits of r.
    r = e.sub(x, e.mul(nf, e.const(LN2_HI), exact=True), exact=True)
    return n, e.sub(r, e.mul(nf, e.const(LN2_LO), exact=True), exact=True)


def exp(e: Emitter, x: Value) -> Value:
    n, r = reduce_ln2(e, e.clamp(x, EXP_LO, EXP_HI))
    return e.scale(e.poly(r, EXP_COEFFS), n)


def expm1(e: Emitter, x: Value) -> Value:
    n, r = reduce_ln2(e, e.clamp(x, -17.5, EXP_HI))
    pm1 = e.add(r, e.mul(e.mul(r, r), e.poly(r, EXPM1_COEFFS)))
    half_scale = e.pow2(e.isub(n, e.iconst(1)))  # 2^(n-1), n - 1 in [-26, 127]
    # Exact: 2^(n-1) - 1/2 and the doubling must not be merged (2^n overflows for n = 128).
    shifted = e.add(e.mul(half_scale, pm1), e.sub(half_scale, e.const(0.5), exact=True), exact=True)
    y = e.add(shifted, shifted, exact=True)
    return e.select(e.abs_below(x, 2.0**-25), x, y)
