"""hypot-reductions: a reduction that folds with sqrt(acc * acc + v * v) becomes a sum of squares, then one sqrt.

A Triton L2 norm written with a combine function, `tl.reduce(x, 0, lambda a, b: sqrt(a * a + b * b))`,
reduces through sqrt(acc^2 + x^2). That combining op has no neutral element, so upstream cannot split or
vectorize the reduction and it ran as a scalar loop with one square root per element. Each step squares
away the previous square root, so the fold equals sqrt(init^2 + sum of x^2): the generic is rewritten to
sum the squares starting from init^2 (a reduction like any sum, which split-reduce-generic and the
vectorizer handle) followed by one elementwise sqrt. This reassociates and drops a rounding per element
(one sqrt instead of n), so the pipeline runs it only with fast-math. Upstream has no such rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, arith, math

from . import _linalg as L
from .base import Pass


@dataclass(frozen=True)
class _Match:
    sqrt: AnyOp  # the yielded math.sqrt
    add: AnyOp  # its operand: acc * acc + v * v
    acc_square: AnyOp  # acc * acc


def _square_of(value: AnyValue) -> AnyOp | None:
    op = L.defining_op(value)
    if op is None or op.name != "arith.mulf" or op.operands[0] != op.operands[1]:
        return None
    return op


def match(op: AnyOp) -> _Match | None:
    """The ops of a 1-result reduction generic whose body yields sqrt(acc * acc + v * v), v not read from acc."""
    if not L.is_generic(op) or not L.has_tensor_semantics(op) or len(op.results) != 1:
        return None
    if L.REDUCTION not in L.iterator_kinds(op):
        return None
    block = L.body(op)
    acc = block.arguments[len(block.arguments) - 1]
    yielded = L.body_ops(op)[-1].operands
    sqrt = L.defining_op(yielded[0]) if len(yielded) == 1 else None
    if sqrt is None or sqrt.name != "math.sqrt":
        return None
    add = L.defining_op(sqrt.operands[0])
    if add is None or add.name != "arith.addf":
        return None
    squares = [_square_of(v) for v in add.operands]
    for k, sq in enumerate(squares):
        other = squares[1 - k]
        if (
            sq is not None
            and sq.operands[0] == acc
            and other is not None
            and other.operands[0] != acc
            and all(use.owner == sq for use in acc.uses)
            and len(list(sq.results[0].uses)) == 1
        ):
            return _Match(sqrt, add, sq)
    return None


def _fastmath(op: AnyOp) -> AnyValue | None:
    return op.attributes["fastmath"] if "fastmath" in op.attributes else None  # noqa: SIM401 (no .get)


def rewrite(op: AnyOp, m: _Match) -> None:
    flags = _fastmath(m.sqrt)
    add_flags = _fastmath(m.add)
    n_in = L.num_inputs(op)
    init = op.operands[n_in]

    def square(x: AnyValue) -> AnyValue:
        return (arith.MulFOp(x, x, fastmath=add_flags) if add_flags else arith.MulFOp(x, x)).result

    op.operands[n_in] = L.elementwise(init, op, square)
    acc = L.body(op).arguments[len(L.body(op).arguments) - 1]
    m.acc_square.results[0].replace_all_uses_with(acc)
    L.body_ops(op)[-1].operands[0] = m.add.results[0]
    m.sqrt.erase()
    m.acc_square.erase()

    def root(x: AnyValue) -> AnyValue:
        return (math.SqrtOp(x, fastmath=flags) if flags else math.SqrtOp(x)).result

    users = [(use.owner, use.operand_number) for use in op.results[0].uses]
    result = L.elementwise(op.results[0], op, root, after=True)
    for owner, k in users:
        owner.operands[k] = result


@dataclass(frozen=True)
class HypotReductions(Pass):
    """Rewrite reductions folding with sqrt(acc * acc + v * v) into a sum of squares from init^2 and one sqrt."""

    name: ClassVar[str] = "hypot-reductions"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            m = match(op)
            if m is not None:
                rewrite(op, m)
