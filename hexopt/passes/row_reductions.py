"""interchange-row-reductions: make a reduction whose input is read across its rows reduce along them.

The seed's row max and row sum are (reduction, parallel) generics over the (d1, d0) transposed view of
the 256x64 scores (triton-shared reduces dimension 0 of a transpose). Tiled with the vector on the
innermost, parallel loop, every vector is a 32-element strided gather (the 64 `vinsert` of the v73
asm). With the reduction loop innermost, each row is read contiguously and reduced within the row
(vector.multi_reduction), and no gather is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AffineDimExpr, ops_named

from . import _transform as T
from .base import Pass
from .schedule_matmul import indexing_maps, interchange


def row_reduction_order(op) -> list[int] | None:
    """The loop order that puts the single reduction loop innermost, for a generic whose innermost loop
    is parallel and every input of which has the reduction loop as its last (contiguous) dimension."""
    if op.name != "linalg.generic" or not T.has_tensor_semantics(op):
        return None
    kinds = T.iterator_kinds(op)
    if kinds.count("reduction") != 1 or kinds[-1] != "parallel":
        return None
    red = kinds.index("reduction")
    maps = indexing_maps(op)
    n_inputs = len(op.operands) - len(op.results)
    if n_inputs == 0:
        return None
    for amap in maps[:n_inputs]:
        last = amap.results[-1] if amap.results else None
        if not isinstance(last, AffineDimExpr) or AffineDimExpr(last).position != red:
            return None
    return [d for d in range(len(kinds)) if d != red] + [red]


@dataclass(frozen=True)
class InterchangeRowReductions(Pass):
    """Interchange a reduction generic's loops so that the reduction loop, along which its inputs are contiguous, is innermost."""

    name: ClassVar[str] = "interchange-row-reductions"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func) -> None:
        for op in ops_named(func, "linalg.generic", as_views=False):
            order = row_reduction_order(op)
            if order is not None:
                interchange(op, order)
