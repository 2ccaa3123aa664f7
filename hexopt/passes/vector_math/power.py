"""x^n for a constant integer n: math.fpowi, and math.powf whose exponent is an integral constant.

Square-and-multiply: |n| <= 64 takes at most 6 squarings and 6 multiplications (x^5 = x * (x^2)^2), each
rounded, so the error grows to at most about (number of multiplications) / 2 ulp. A negative n takes
the reciprocal of x^|n| (division.py's, with its special values: 0^-n = inf, inf^-n = 0), or, where x^|n|
overflows or is subnormal, (1/x)^|n| (so that x^-2 stays right up to the f32 range). x^0 = 1, also
for NaN and inf (as C's pow). Other exponents are left to LLVM (general powf is exp(y log x), which
has no accuracy for large results in f32).
"""

from __future__ import annotations

from typing import Any

from .division import reciprocal
from .emitter import INF_BITS, Emitter, Value
from .hyperbolic import splat_value

MAX_EXPONENT = 64


def constant_exponent(v: Any) -> int | None:
    """The exponent as a Python int if `v` is an integer or integral float constant (a splat, or a broadcast
    of one) with |n| <= MAX_EXPONENT; else None."""
    n = splat_value(v)
    if n is None or n != int(n) or abs(n) > MAX_EXPONENT:
        return None
    return int(n)


def powi(e: Emitter, x: Value, n: int) -> Value:
    if n == 0:
        return e.const(1.0)
    m = abs(n)
    result = None
    base = x
    while m:
        if m & 1:
            result = base if result is None else e.mul(result, base)
        m >>= 1
        if m:
            base = e.mul(base, base)
    assert result is not None
    if n > 0:
        return result
    # 1 / x^|n|, unless x^|n| overflowed or is subnormal while 1/x is fine: then (1/x)^|n|.
    inverse = reciprocal(e, result)
    outside = e.icmp("uge", e.isub(e.abs_bits(result), e.iconst(0x00800000)), e.iconst(INF_BITS - 0x00800000))
    return e.select(outside, powi(e, reciprocal(e, x), -n), inverse)
