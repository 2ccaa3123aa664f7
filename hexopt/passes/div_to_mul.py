"""broadcast-div-to-mul: divide by a broadcast value through its reciprocal, computed once per distinct value.

Triton's softmax, layer and RMS norms divide a tile by a row or column statistic: `x / s[:, None]`, or by a
scalar filled into a tile. In Linalg the divisor is a `linalg.fill` of a scalar, a generic that only
broadcasts a smaller tensor, or (after fusion) an operand read through an indexing map that drops loop
dimensions. Every element then pays a division, and Hexagon has none (LLVM expands each lane into a
reciprocal estimate and refinement). With fast-math's `arcp` the quotient may be computed as
`x * (1 / s)`: one division per distinct divisor value (a scalar, or the smaller tensor's elements) and
a multiply per element. Upstream has no such rewrite at the linalg level (only the scalar
`arith.divf` canonicalization for constant powers of two); hexopt's `broadcast-division-to-reciprocal`
does it later for a vector divided by a splat, which a column broadcast (`x / v[None, :]`) is not.

The reciprocal keeps the divisor's type: for `extf(x) / extf(s)` it is computed in the narrow type and
widened, as the reference does (up to one more rounding of the narrow type: allowed by `arcp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, arith, ir, linalg

from . import _linalg as L
from .base import Pass, option
from .broadcast_reciprocal import allows_reciprocal


def _elements(t: AnyValue) -> int | None:
    if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
        return None
    n = 1
    for d in t.shape:
        n *= d
    return n


def _single_use_by(value: AnyValue, op: AnyOp) -> bool:
    uses = list(value.uses)
    return len(uses) == 1 and uses[0].owner == op.operation


def _is_broadcast_generic(op: AnyOp | None) -> bool:
    """A tensor generic with one input and one result whose body only yields the input (a broadcast or copy)."""
    if op is None or not L.is_generic(op) or len(op.results) != 1 or L.num_inputs(op) != 1 or not L.all_parallel(op):
        return False
    ops = L.body_ops(op)
    return (
        len(ops) == 1
        and ops[0].operation.name == "linalg.yield"
        and len(ops[0].operands) == 1
        and ops[0].operands[0] == L.body(op).arguments[0]
    )


def _flags(op: AnyOp) -> AnyValue | None:
    """The op's fastmath attribute, or None."""
    if "fastmath" in op.attributes:
        return op.attributes["fastmath"]
    return None


def _one(func: AnyOp, element_type: AnyValue) -> AnyValue:
    """The constant 1.0 of `element_type` at the start of the function (where folding would put it)."""
    entry = func.regions[0].blocks[0]
    with ir.InsertionPoint.at_block_begin(entry), ir.Location.unknown():
        return arith.ConstantOp(element_type, ir.FloatAttr.get(element_type, 1.0)).result


def _reciprocal_generic(func: AnyOp, value: AnyValue, where: AnyOp, flags: AnyValue | None) -> AnyValue:
    """A new generic before `where` computing 1 / value elementwise (identity maps)."""
    one = _one(func, value.type.element_type)

    def reciprocal(x: AnyValue) -> AnyValue:
        return (arith.DivFOp(one, x, fastmath=flags) if flags else arith.DivFOp(one, x)).result

    return L.elementwise(value, where, reciprocal)


@dataclass(frozen=True)
class BroadcastDivToMul(Pass):
    """Rewrite a division by a filled scalar, a broadcast tensor or a broadcast operand in a linalg.generic into a
    multiplication by the reciprocal, computed once per distinct divisor value."""

    name: ClassVar[str] = "broadcast-div-to-mul"
    scope: ClassVar[str] = "func.func"

    fast_math: bool = option(
        False,
        "rewrite every such division, as under fast-math; false: only divisions whose "
        "flags allow a reciprocal (arcp or fast)",
    )

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            if not L.has_tensor_semantics(op):
                continue
            for div in [o for o in L.body_ops(op) if o.operation.name == "arith.divf"]:
                if self.fast_math or allows_reciprocal(div):
                    self.rewrite(func, op, div)

    def rewrite(self, func: AnyOp, op: AnyOp, div: AnyOp) -> bool:
        """Make `div`'s divisor the reciprocal and `div` a multiplication; False when the divisor is not a
        broadcast value."""
        divisor = div.operands[1]
        ext = None
        owner = divisor.owner
        if (
            not isinstance(owner, ir.Block)
            and owner.operation.name == "arith.extf"
            and owner.operation.parent == op.operation
        ):
            ext = owner.operation
            if not _single_use_by(divisor, div):
                return False
            divisor = ext.operands[0]
        user = ext or div.operation
        flags = _flags(div)
        block = L.body(op)
        if divisor.owner != block:
            if not isinstance(divisor.owner, ir.Block) and divisor.owner.operation.parent == op.operation:
                return False  # computed per element
            # a scalar from outside the generic: one division before it
            one = _one(func, divisor.type)
            with ir.InsertionPoint(op), op.location:
                recip = arith.DivFOp(one, divisor, fastmath=flags) if flags else arith.DivFOp(one, divisor)
            user.operands[0 if ext else 1] = recip.result
            return self._to_mul(div)
        if divisor.arg_number >= L.num_inputs(op) or not _single_use_by(divisor, user):
            return False
        i = divisor.arg_number
        operand = op.operands[i]
        producer = L.defining_op(operand)
        if producer is not None and producer.name == "linalg.fill" and len(producer.results) == 1:
            scalar = producer.operands[0]
            one = _one(func, scalar.type)
            with ir.InsertionPoint(producer), producer.location:
                recip = arith.DivFOp(one, scalar, fastmath=flags) if flags else arith.DivFOp(one, scalar)
                fill = linalg.fill(recip.result, outs=[producer.operands[1]])
            op.operands[i] = fill
        elif (
            producer is not None
            and _is_broadcast_generic(producer)
            and (_elements(producer.operands[0].type) or 0) < (_elements(operand.type) or 0)
        ):
            recip = _reciprocal_generic(func, producer.operands[0], producer, flags)
            clone = producer.clone(ip=ir.InsertionPoint(producer))
            clone.operands[0] = recip
            op.operands[i] = clone.results[0]
        elif self._broadcast_read(op, i):
            op.operands[i] = _reciprocal_generic(func, operand, op, flags)
        else:
            return False
        if producer is not None and not any(True for r in producer.results for _ in r.uses):
            producer.erase()
        return self._to_mul(div)

    @staticmethod
    def _broadcast_read(op: AnyOp, i: int) -> bool:
        """Whether input `i` has fewer elements than `op`'s iteration space (each is read several times)."""
        ranges = L.loop_ranges(op)
        n = _elements(op.operands[i].type)
        if not ranges or n is None:
            return False
        space = 1
        for r in ranges:
            space *= r
        return n < space

    @staticmethod
    def _to_mul(div: AnyOp) -> bool:
        with ir.InsertionPoint(div), div.location:
            if "fastmath" in div.attributes:
                mul = arith.MulFOp(div.operands[0], div.operands[1], fastmath=div.attributes["fastmath"])
            else:
                mul = arith.MulFOp(div.operands[0], div.operands[1])
        div.results[0].replace_all_uses_with(mul.result)
        div.erase()
        return True
