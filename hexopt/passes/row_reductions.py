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

from hexopt.ir import AnyOp

from . import _linalg as L
from .base import Pass


def row_reduction_order(op: AnyOp) -> list[int] | None:
    """The loop order that puts the single reduction loop innermost, for a generic whose innermost loop
    is parallel and every input of which has the reduction loop as its last (contiguous) dimension."""
    if not L.is_generic(op) or not L.has_tensor_semantics(op):
        return None
    kinds = L.iterator_kinds(op)
    if kinds.count(L.REDUCTION) != 1 or kinds[-1] != L.PARALLEL:
        return None
    red = kinds.index(L.REDUCTION)
    n_inputs = L.num_inputs(op)
    if n_inputs == 0:
        return None
    for amap in L.indexing_maps(op)[:n_inputs]:
        if not amap.results or L.dim_position(amap.results[-1]) != red:
            return None
    return [d for d in range(len(kinds)) if d != red] + [red]


@dataclass(frozen=True)
class InterchangeRowReductions(Pass):
    """Interchange a reduction generic's loops so that its reduction loop (inputs contiguous along it) is innermost."""

    name: ClassVar[str] = "interchange-row-reductions"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            order = row_reduction_order(op)
            if order is not None:
                L.interchange(op, order)
