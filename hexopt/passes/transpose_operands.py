"""materialize-transposed-operands: give a generic a transposed copy of an operand it reads against its innermost loop.

After schedule-matmul-for-hvx folds `K^T` into QK^T's indexing map, the innermost (vectorized) loop walks
K's rows: every vector becomes a 32-element strided gather, and the matmul repeats each gather for every
row of Q. Copying the operand once into the layout the loops walk (a linalg.transpose, 64x64 for the
seed) makes those reads contiguous; the copy costs one pass over the operand instead of `reuse` gathers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AffineDimExpr, ir, linalg, tensor

from . import _transform as T
from .base import Pass, PassFailure, option


def indexing_maps(op) -> list:
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def loop_order_permutation(amap, n_loops: int) -> list[int] | None:
    """For a projected-permutation map whose results are not in loop order, the transpose permutation
    that puts them in loop order (so the innermost loop's dimension comes last); None otherwise."""
    dims = []
    for e in amap.results:
        if not isinstance(e, AffineDimExpr):
            return None
        dims.append(AffineDimExpr(e).position)
    if len(set(dims)) != len(dims) or len(dims) < 2 or n_loops - 1 not in dims:
        return None
    if dims[-1] == n_loops - 1:
        return None  # already contiguous along the innermost loop
    order = sorted(range(len(dims)), key=lambda i: dims[i])
    return order


@dataclass(frozen=True)
class MaterializeTransposedOperands(Pass):
    """Read generic inputs that the innermost loop walks with a stride through a linalg.transpose copy in loop order."""

    name: ClassVar[str] = "materialize-transposed-operands"
    scope: ClassVar[str] = "func.func"

    min_reuse: int = option(2, "transpose an operand only if the loops it does not index run it at least this "
                               "many times (the copy must pay for itself)")

    def candidates(self, op) -> list[tuple[int, list[int]]]:
        if op.name != "linalg.generic" or not T.has_tensor_semantics(op):
            return []
        ranges = T.loop_ranges(op)
        if not ranges:
            return []
        maps = indexing_maps(op)
        n_inputs = len(op.operands) - len(op.results)
        found = []
        for i in range(n_inputs):
            t = op.operands[i].type
            if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
                continue
            perm = loop_order_permutation(maps[i], len(ranges))
            if perm is None:
                continue
            used = {AffineDimExpr(e).position for e in maps[i].results}
            reuse = 1
            for d, r in enumerate(ranges):
                if d not in used:
                    reuse *= r
            if reuse >= self.min_reuse:
                found.append((i, perm))
        return found

    def run_on_function(self, func) -> None:
        if self.min_reuse < 1:
            raise PassFailure(f"{self.name}: min-reuse must be at least 1")
        generics = []

        def visit(op):
            if op.name == "linalg.generic":
                generics.append(op)
            return ir.WalkResult.ADVANCE

        func.operation.walk(visit)
        for op in generics:
            work = self.candidates(op)
            if not work:
                continue
            maps = indexing_maps(op)
            for i, perm in work:
                value = op.operands[i]
                shape = list(value.type.shape)
                with ir.InsertionPoint(op), op.location:
                    init = tensor.EmptyOp([shape[p] for p in perm], value.type.element_type)
                    copy = linalg.transpose(value, outs=[init.result], permutation=perm)
                op.operands[i] = copy.results[0]
                maps[i] = ir.AffineMap.get(maps[i].n_dims, maps[i].n_symbols, [maps[i].results[p] for p in perm])
            op.attributes["indexing_maps"] = ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps])
