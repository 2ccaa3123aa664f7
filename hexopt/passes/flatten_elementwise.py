"""flatten-elementwise: collapse the loops of an element-wise op whose innermost range is not a whole number of
vectors into one loop, so that hexagon-tiling can cut it into whole vectors.

hexagon-tiling vectorizes the innermost loop only. A 4-D gelu over a (2, 8, 16, 2) f16 block has an innermost
range of 2 (64 lanes make a vector), so each of its 256 rows would run as scalar code (or as a mostly
masked vector); the same op over 512 contiguous elements is 8 full vectors. Upstream
`transform.structured.flatten_elementwise` collapses the loops (tensor.collapse_shape on the operands,
tensor.expand_shape on the results); this pass picks the ops it pays off for: element-wise (all loops
parallel, every indexing map the identity), static shapes (a `linalg.index` in the body is rewritten by
upstream from the one new index), an innermost range that is not a multiple of the vector lanes and a
total that has more whole vectors than the innermost range. Ops whose innermost range is already whole
vectors keep their shape (the flash-attention kernel's row structure, which later passes rely on, is
untouched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two


def _identity_maps(op: AnyOp) -> bool:
    return all(m == ir.AffineMap.get_identity(m.n_dims) for m in L.indexing_maps(op))


@dataclass(frozen=True)
class FlattenElementwise(Pass):
    """Collapse the loops of static element-wise generics whose innermost range is not whole vectors into one."""

    name: ClassVar[str] = "flatten-elementwise"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(
        128, "HVX vector length in bytes (lanes = vector-bytes / element size)", min=8, max=256, check=power_of_two
    )

    def flattens(self, op: AnyOp) -> bool:
        if not L.is_generic(op) or not L.has_tensor_semantics(op):
            return False
        ranges = L.loop_ranges(op)
        if not ranges or len(ranges) < 2 or not L.all_parallel(op) or not _identity_maps(op):
            return False
        lanes = L.vector_lanes(op, self.vector_bytes)
        if ranges[-1] % lanes == 0:
            return False
        total = 1
        for r in ranges:
            total *= r
        return total // lanes > ranges[-1] // lanes

    def apply(self, module: AnyOp) -> None:
        targets = [(op, 0) for op in L.structured_ops(module) if self.flattens(op)]
        run_on_targets(module, targets, _flatten)


def _flatten(script: Script, handle: str, key: int) -> None:
    script.flatten_elementwise(handle)
