"""hoist-scalar-ops: compute a generic body's loop-invariant scalar ops once, before the generic.

After fusion a generic body often recomputes per element what depends on no loop: `rsqrt(var + eps)` in
a norm, `scale * log2(e)` in a softmax, a value read from a 0-d (or one-element, broadcast) input. The
body is a region, not a loop: loop-invariant-code-motion does not look into it, and the vectorizer
keeps each op per element (a vector op on a broadcast, or 32 scalar calls for rsqrt). This pass
moves such ops in front of the generic: an invariant input (one whose indexing map uses no loop
dimension) becomes a `tensor.extract` there, the ops are cloned after it, and the body reads the
results as values from above. Only ops that cannot trap are moved (not integer division), since the
generic may run no iteration at all. Inputs the body no longer reads are left for
`erase-unused-linalg-operands`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, arith, ir, tensor

from . import _linalg as L
from .base import Pass

#: Dialects whose ops are pure computations on their operands...
_PURE_DIALECTS = ("arith.", "math.")
#: ...except those that may trap (undefined behaviour on a zero divisor) or are not computations.
_MAY_TRAP = frozenset(
    {
        "arith.divsi",
        "arith.divui",
        "arith.remsi",
        "arith.remui",
        "arith.ceildivsi",
        "arith.ceildivui",
        "arith.floordivsi",
    }
)


def _invariant_inputs(op: AnyOp) -> dict[int, list[int]]:
    """{input index: its constant indices} for the inputs whose indexing map uses no loop dimension."""
    found = {}
    for i, amap in enumerate(L.indexing_maps(op)[: L.num_inputs(op)]):
        indices = []
        for expr in amap.results:
            if not isinstance(expr, ir.AffineConstantExpr):
                break
            indices.append(expr.value)
        else:
            if isinstance(op.operands[i].type, ir.RankedTensorType):
                found[i] = indices
    return found


def _hoistable(body_op: AnyOp) -> bool:
    name = body_op.operation.name
    return (
        name.startswith(_PURE_DIALECTS)
        and name not in _MAY_TRAP
        and not body_op.operation.regions
        and len(body_op.operation.results) == 1
    )


@dataclass(frozen=True)
class HoistScalarOps(Pass):
    """Move the ops of a linalg.generic body that depend on no loop (invariant inputs, values from above) in
    front of the generic."""

    name: ClassVar[str] = "hoist-scalar-ops"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            if L.has_tensor_semantics(op):
                self.hoist(op)

    @staticmethod
    def hoist(op: AnyOp) -> int:
        """Hoist `op`'s invariant body ops; returns how many were moved (constants included)."""
        block = L.body(op)
        invariant = _invariant_inputs(op)
        inner = {a for i, a in enumerate(block.arguments) if i not in invariant}
        ops = [o for o in block.operations][:-1]  # the yield stays
        moved: list[AnyOp] = []
        varying: set = set(inner)
        for body_op in ops:
            operands = list(body_op.operation.operands)
            if not _hoistable(body_op) or any(v in varying for v in operands):
                varying.update(body_op.operation.results)
                continue
            moved.append(body_op)
        if not any(o.operation.name != "arith.constant" for o in moved):
            return 0
        # the invariant inputs the moved ops read become extracts in front of the generic
        mapping: dict = {}
        for i, indices in invariant.items():
            arg = block.arguments[i]
            if not any(u.owner in [m.operation for m in moved] for u in arg.uses):
                continue
            with ir.InsertionPoint(op), op.location:
                idx = [
                    arith.ConstantOp(ir.IndexType.get(), ir.IntegerAttr.get(ir.IndexType.get(), k)).result
                    for k in indices
                ]
                mapping[arg] = tensor.ExtractOp(op.operands[i], idx).result
        for body_op in moved:
            for j, v in enumerate(list(body_op.operation.operands)):
                if v in mapping:
                    body_op.operation.operands[j] = mapping[v]
            body_op.operation.move_before(op.operation)
        return len(moved)
