"""materialize-transposed-operands: give a generic a transposed copy of an operand it reads against its innermost loop.

After schedule-matmul-for-hvx folds `K^T` into QK^T's indexing map, the innermost (vectorized) loop walks
K's rows: every vector becomes a 32-element strided gather, and the matmul repeats each gather for every
row of Q. Copying the operand once into the layout the loops walk (a linalg.transpose, 64x64 for the
seed) makes those reads contiguous; the copy costs one pass over the operand instead of `reuse` gathers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyMap, AnyOp, ir, linalg, tensor

from . import _linalg as L
from .base import Pass, option


def loop_order_permutation(amap: AnyMap, n_loops: int) -> list[int] | None:
    """For a projected-permutation map whose results are not in loop order, the transpose permutation
    that puts them in loop order (so the innermost loop's dimension comes last); None otherwise."""
    dims = L.dim_positions(amap)
    if dims is None or len(set(dims)) != len(dims) or len(dims) < 2 or n_loops - 1 not in dims:
        return None
    if dims[-1] == n_loops - 1:
        return None  # already contiguous along the innermost loop
    return sorted(range(len(dims)), key=lambda i: dims[i])


@dataclass(frozen=True)
class MaterializeTransposedOperands(Pass):
    """Read generic inputs that the innermost loop walks with a stride through a linalg.transpose copy in loop order."""

    name: ClassVar[str] = "materialize-transposed-operands"
    scope: ClassVar[str] = "func.func"

    min_reuse: int = option(
        2,
        "transpose an operand only if the loops it does not index run it at least this "
        "many times (the copy must pay for itself)",
        min=1,
    )

    def candidates(self, op: AnyOp) -> list[tuple[int, list[int]]]:
        if not L.is_generic(op) or not L.has_tensor_semantics(op):
            return []
        ranges = L.loop_ranges(op)
        if not ranges:
            return []
        maps = L.indexing_maps(op)
        found = []
        for i in range(L.num_inputs(op)):
            t = op.operands[i].type
            if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
                continue
            perm = loop_order_permutation(maps[i], len(ranges))
            if perm is None:
                continue
            used = set(L.dim_positions(maps[i]) or [])
            reuse = 1
            for d, r in enumerate(ranges):
                if d not in used:
                    reuse *= r
            if reuse >= self.min_reuse:
                found.append((i, perm))
        return found

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            work = self.candidates(op)
            if not work:
                continue
            maps = L.indexing_maps(op)
            for i, perm in work:
                value = op.operands[i]
                shape = list(value.type.shape)
                with ir.InsertionPoint(op), op.location:
                    init = tensor.EmptyOp([shape[p] for p in perm], value.type.element_type)
                    copy = linalg.transpose(value, outs=[init.result], permutation=perm)
                op.operands[i] = copy.results[0]
                maps[i] = ir.AffineMap.get(maps[i].n_dims, maps[i].n_symbols, [maps[i].results[p] for p in perm])
            L.set_indexing_maps(op, maps)
