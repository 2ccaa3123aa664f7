"""hexagon-tiling: tile tensor linalg ops to one HVX vector on the innermost loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two


@dataclass(frozen=True)
class TilePlan:
    """How one op is tiled: its tile sizes (0 keeps a loop whole) and, when its innermost range is not
    a multiple of the tile, where that loop is split (the tiled part is [0, split_at))."""

    sizes: tuple[int, ...]
    split_dim: int = -1
    split_at: int = 0
    #: with `pad`: the padding value of each operand (a typed attribute), the innermost loop padded instead
    pad_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class HexagonTiling(Pass):
    """Tile each tensor linalg op with 1 on every loop but the innermost, whose tile is one vector."""

    name: ClassVar[str] = "hexagon-tiling"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(128, "HVX vector length in bytes; innermost tile = vector-bytes / element size",
                               min=8, max=256, check=power_of_two)
    split: bool = option(True, "split an innermost range that is not a multiple of the tile and tile the "
                               "multiple part (the remainder stays untiled)")
    pad: bool = option(False, "instead of splitting, pad an innermost parallel range to a multiple of the tile "
                              "(operands copied into zero-padded buffers, every tile a full vector); the reference's "
                              "split-tiling-range=false")
    register_accumulators: bool = option(False, "tile a reduction whose innermost loop is parallel (a contraction) "
                                                "to [rows, full reduction, one vector], so that hexagon-vectorization "
                                                "keeps each output vector in a register across the reduction loop; "
                                                "false: the reference's [1, ..., 1, one vector] tiles")
    # At most 16: hexagon-vectorization keeps at most 16 output vectors in registers (HVX has 32).
    contraction_rows: int = option(4, "with register-accumulators: output rows per contraction tile (register "
                                      "blocking; used when it divides the row range, else 1)", min=1, max=16)

    def tile_sizes(self, op: AnyOp) -> list[int] | None:
        """[1, ..., 1, inner] for `op`, or None when the op is left alone."""
        ranges = L.loop_ranges(op)
        if not ranges:
            return None
        inner = L.vector_lanes(op, self.vector_bytes)
        if ranges[-1] < inner or ranges == [1] * (len(ranges) - 1) + [inner]:
            return None  # too small for a vector, or already one tile
        if self.register_accumulators:
            sizes = self.contraction_tile(op, ranges, inner)
            if sizes is not None:
                return sizes
        return [1] * (len(ranges) - 1) + [inner]

    def contraction_tile(self, op: AnyOp, ranges: list[int], inner: int) -> list[int] | None:
        """[1, .., rows, 0 (each reduction loop), .., inner] for a generic with reduction loops and a parallel
        innermost loop, [1, ..., 1, 0] for one whose only reduction loop is innermost; None for other ops.
        0 leaves the reduction loop whole inside the tile."""
        if not L.is_generic(op):
            return None
        kinds = L.iterator_kinds(op)
        if kinds[-1] == L.REDUCTION and kinds.count(L.REDUCTION) == 1 and ranges[-1] % inner == 0:
            # A row reduction: the whole row in one tile, reduced in a vector register and then
            # across its lanes once (hexagon-vectorization).
            if ranges[:-1] == [1] * (len(ranges) - 1):
                return None  # already one row
            return [1] * (len(ranges) - 1) + [0]
        if L.REDUCTION not in kinds or kinds[-1] != L.PARALLEL:
            return None
        sizes = [0 if k == L.REDUCTION else 1 for k in kinds[:-1]] + [inner]
        rows = [d for d, k in enumerate(kinds[:-1]) if k == L.PARALLEL]
        if rows and self.contraction_rows > 1 and ranges[rows[-1]] % self.contraction_rows == 0:
            sizes[rows[-1]] = self.contraction_rows
        return sizes

    def plan(self, op: AnyOp) -> TilePlan | None:
        """How `op` is tiled, or None when it is left alone."""
        if not L.has_tensor_semantics(op):
            return None
        sizes = self.tile_sizes(op)
        ranges = L.loop_ranges(op)
        if sizes is None or ranges is None:
            return None
        rest = ranges[-1] % sizes[-1] if sizes[-1] else 0
        if not rest:
            return TilePlan(tuple(sizes))
        if self.pad and L.is_generic(op) and L.iterator_kinds(op)[-1] == L.PARALLEL:
            # the padded lanes compute garbage that is sliced away: any value will do, zero is the reference's
            values = tuple(f"{_zero(v.type.element_type)} : {v.type.element_type}" for v in op.operands)
            return TilePlan(tuple(sizes), pad_values=values)
        if not self.split:
            return None
        # [0, N - rest) gets tiled, [N - rest, N) stays a small untiled op.
        return TilePlan(tuple(sizes), len(ranges) - 1, ranges[-1] - rest)

    def apply(self, module: AnyOp) -> None:
        targets = []
        for i, op in enumerate(L.structured_ops(module)):
            plan = self.plan(op)
            if plan is not None:
                # A split (or padded) handle holds one op: such ops are matched one by one (the index keeps keys apart).
                targets.append((op, (plan, i if plan.split_dim >= 0 or plan.pad_values else -1)))
        run_on_targets(module, targets, _build)


def _build(script: Script, handle: str, key: tuple[TilePlan, int]) -> None:
    plan = key[0]
    if plan.pad_values:
        handle = script.pad(handle, len(plan.sizes) - 1, plan.sizes[-1], plan.pad_values)
    if plan.split_dim >= 0:
        handle, _rest = script.split(handle, plan.split_dim, plan.split_at)
    script.tile_using_for(handle, plan.sizes)


def _zero(element_type: AnyOp) -> str:
    """Zero written as an attribute of `element_type` (0.0 for floats, 0 for integers)."""
    return "0.0" if "f" in str(element_type) else "0"
