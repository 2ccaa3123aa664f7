"""tanh and sigmoid on f32.

tanh(x) is odd: computed on a = |x|, then the sign bit of x is put back (so tanh(-0) = -0).
- a < 0.75: a + a * (a^2 * P(a^2)), P of degree 6 (tanh(a)/a - 1 over a^2; relative error 1.5e-10).
- a >= 0.75: 1 - 2 / (e^(2a) + 1) with a clamped to 9.5 (tanh(9.5) rounds to 1; the clamp also turns
  inf into 1), e^(2a) by exp.py's expansion, the reciprocal of e^(2a) + 1 (in [5.4, 2e8]) from the bit
  trick and three Newton steps (division.py). At the switch point the subtracted term is 0.36 of the
  result, so the errors of exp and of the reciprocal reach the result at about a third of their size.
A NaN takes the second branch and propagates.

sigmoid(x) = 1 / (1 + e^-x) is recognized as a whole in the `arith.divf` Triton emits for it
(`tl.sigmoid`: divf(1, addf(exp(negf x), 1)), with negf also as `0 - x`, either operand order of the add,
constants as splats or broadcasts). With t = e^-|x| in (0, 1] and s = 1 / (1 + t) in [0.5, 1]:
sigmoid(x) = s for x >= 0 and t * s for x < 0, which keeps full relative accuracy for large negative x
(down to the subnormal range at x = -87.3 and 0 below -103.9) where 1 / (1 + e^-x) would overflow e^-x.
"""

from __future__ import annotations

from typing import Any

from hexopt.ir import ir

from .division import NEWTON_STEPS, RECIP_MAGIC
from .emitter import Emitter, Value
from .exponential import exp

TANH_SWITCH = 0.75
# tanh(a) = a + a * a^2 * (c0 + a^2 * (c1 + ...))
TANH_COEFFS = (
    -0.3333333134651184,
    0.1333324909210205,
    -0.05395606532692909,
    0.021784812211990356,
    -0.008542024530470371,
    0.002894982462748885,
    -0.0005930179613642395,
)


def reciprocal_normal(e: Emitter, d: Value) -> Value:
    """1/d for d in [2^-64, 2^64] (no special values): bit trick + Newton steps (see division.py)."""
    r = e.as_float(e.isub(e.iconst(RECIP_MAGIC), e.bits(d)))
    one = e.const(1.0)
    for _ in range(NEWTON_STEPS):
        r = e.add(r, e.mul(r, e.sub(one, e.mul(d, r))))
    return r


def tanh(e: Emitter, x: Value) -> Value:
    a = e.abs(x)
    a2 = e.mul(a, a)
    small = e.add(a, e.mul(a, e.mul(a2, e.poly(a2, TANH_COEFFS))))
    ac = e.min(a, e.const(9.5))
    q = reciprocal_normal(e, e.add(exp(e, e.add(ac, ac)), e.const(1.0)))
    big = e.sub(e.const(1.0), e.add(q, q))
    result = e.select(e.abs_below(x, TANH_SWITCH), small, big)
    return e.with_sign(result, e.sign_bit(x))


def sigmoid(e: Emitter, x: Value) -> Value:
    t = exp(e, e.neg_abs(x))
    s = reciprocal_normal(e, e.add(t, e.const(1.0)))
    return e.select(e.fcmp("olt", x, e.const(0.0)), e.mul(t, s), s)


# ---------------------------------------------------------------------------------------------------------
# Recognizing 1 / (1 + exp(-x))


def defining_op(v: Any) -> Any:
    owner = v.owner
    return None if isinstance(owner, ir.Block) else owner


def splat_value(v: Any) -> float | int | None:
    """The number every element of `v` equals, if `v` is a constant splat (or a broadcast of a constant)."""
    op = defining_op(v)
    if op is None:
        return None
    if op.name in ("vector.broadcast", "vector.splat"):
        return splat_value(op.operands[0])
    if op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    if isinstance(attr, (ir.FloatAttr, ir.IntegerAttr)):
        return attr.value
    if isinstance(attr, ir.DenseFPElementsAttr) and attr.is_splat:
        return ir.FloatAttr(attr.get_splat_value()).value
    if isinstance(attr, ir.DenseIntElementsAttr) and attr.is_splat:
        return ir.IntegerAttr(attr.get_splat_value()).value
    return None


def _negated(v: Any) -> Any:
    """x if v is -x (negf x, or 0 - x), else None."""
    op = defining_op(v)
    if op is None:
        return None
    if op.name == "arith.negf":
        return op.operands[0]
    if op.name == "arith.subf" and splat_value(op.operands[0]) == 0.0:
        return op.operands[1]
    return None


def _sigmoid_ops(div: Any) -> tuple[Any, list] | None:
    if div.name != "arith.divf" or splat_value(div.operands[0]) != 1.0:
        return None
    add = defining_op(div.operands[1])
    if add is None or add.name != "arith.addf":
        return None
    lhs, rhs = add.operands[0], add.operands[1]
    exp_value = lhs if splat_value(rhs) == 1.0 else rhs if splat_value(lhs) == 1.0 else None
    if exp_value is None:
        return None
    exp_op = defining_op(exp_value)
    if exp_op is None or exp_op.name != "math.exp":
        return None
    x = _negated(exp_op.operands[0])
    if x is None:
        return None
    return x, [add, exp_op, defining_op(exp_op.operands[0])]


def sigmoid_argument(div: Any) -> Any:
    """x if `div` computes 1 / (1 + exp(-x)), else None."""
    found = _sigmoid_ops(div)
    return found[0] if found else None


def sigmoid_chain(div: Any) -> list:
    """The add, exp and negation ops of a recognized sigmoid (to erase once `div` is replaced)."""
    found = _sigmoid_ops(div)
    return found[1] if found else []
