"""hexagon-tiling: tile tensor linalg ops to one HVX vector on the innermost loop.

With register-accumulators, a contraction whose output starts as a `linalg.fill` of a constant (QKᵀ and
PV start from zeros) also gets the fill fused into its tiles (`fill-destinations`): each tile fills its
own output slice, and the tile loops start from a `tensor.empty`. hexagon-vectorization then starts the
tile's accumulator registers from the constant and never reads the output before writing it. Otherwise
bufferization copies the shared zero-filled buffer into the output buffer before every contraction (two
64 KB copies per KV block in the seed). Upstream's `transform.structured.fuse` fuses such a destination
fill the same way, but it also fuses every producer of the inputs (the Kᵀ transpose into each QKᵀ tile,
the exp of P into each PV tile), which recomputes them per tile; it has no control over which producers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, ir, tensor, walk_ops

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two

_FILL_DESTINATION = "hexopt.fill_destination"


@dataclass(frozen=True)
class TilePlan:
    """How one op is tiled: its tile sizes (0 keeps a loop whole) and, when its innermost range is not
    a multiple of the tile, where that loop is split (the tiled part is [0, split_at))."""

    sizes: tuple[int, ...]
    split_dim: int = -1
    split_at: int = 0
    fuse_fill: bool = False  # the output is a fill: fill each tile's slice instead (fill-destinations)
    #: with `pad`: the padding value of each operand (a typed attribute), the innermost loop padded instead
    pad_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class HexagonTiling(Pass):
    """Tile each tensor linalg op with 1 on every loop but the innermost, whose tile is one vector."""

    name: ClassVar[str] = "hexagon-tiling"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(
        128,
        "HVX vector length in bytes; innermost tile = vector-bytes / element size",
        min=8,
        max=256,
        check=power_of_two,
    )
    split: bool = option(
        True,
        "split an innermost range that is not a multiple of the tile and tile the "
        "multiple part (the remainder stays untiled)",
    )
    pad: bool = option(
        False,
        "instead of splitting, pad an innermost parallel range to a multiple of the tile "
        "(operands copied into zero-padded buffers, every tile a full vector); the reference's "
        "split-tiling-range=false",
    )
    register_accumulators: bool = option(
        False,
        "tile a reduction whose innermost loop is parallel (a contraction) "
        "to [rows, full reduction, one vector], so that hexagon-vectorization "
        "keeps each output vector in a register across the reduction loop; "
        "false: the reference's [1, ..., 1, one vector] tiles",
    )
    # At most 16: hexagon-vectorization keeps at most 16 output vectors in registers (HVX has 32).
    contraction_rows: int = option(
        4,
        "with register-accumulators: output rows per contraction tile (register "
        "blocking; used when it divides the row range, else 1)",
        min=1,
        max=16,
    )
    fill_destinations: bool = option(
        True,
        "with register-accumulators: a contraction whose output is a fill of a "
        "constant fills each tile's slice (its accumulators then start from the "
        "constant) instead of reading a filled buffer that bufferization copies",
    )

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
        elif not rows:
            # No other parallel loop (a row max or row sum of a transposed tensor): up to contraction-rows vectors
            # along the innermost loop, so that several independent accumulators hide the add/max latency.
            chunks = max(c for c in range(1, self.contraction_rows + 1) if ranges[-1] % (c * inner) == 0)
            sizes[-1] = inner * chunks
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
            return TilePlan(tuple(sizes), fuse_fill=self.fuses_fill(op, sizes))
        if self.pad and L.is_generic(op) and L.iterator_kinds(op)[-1] == L.PARALLEL:
            # the padded lanes compute garbage that is sliced away: any value will do, zero is the reference's
            values = tuple(f"{_zero(v.type.element_type)} : {v.type.element_type}" for v in op.operands)
            return TilePlan(tuple(sizes), pad_values=values)
        if not self.split:
            return None
        # [0, N - rest) gets tiled, [N - rest, N) stays a small untiled op.
        return TilePlan(tuple(sizes), len(ranges) - 1, ranges[-1] - rest)

    def fuses_fill(self, op: AnyOp, sizes: list[int]) -> bool:
        """Whether `op` is a contraction tiled with its reductions whole (each tile computes its outputs from
        start to end) whose output is a linalg.fill of a scalar on tensors."""
        if not (self.register_accumulators and self.fill_destinations and L.is_generic(op)):
            return False
        kinds = L.iterator_kinds(op)
        if L.REDUCTION not in kinds or kinds[-1] != L.PARALLEL or len(op.results) != 1:
            return False
        if any(size != 0 for size, kind in zip(sizes, kinds, strict=True) if kind == L.REDUCTION):
            return False
        fill = L.defining_op(L.outputs(op)[0])
        return fill is not None and fill.name == "linalg.fill" and L.has_tensor_semantics(fill)

    def apply(self, module: AnyOp) -> None:
        plans = []
        for op in L.structured_ops(module):
            plan = self.plan(op)
            if plan is not None and plan.fuse_fill:
                _own_fill(op)  # the contraction's output fill gets no other user; it is not tiled itself
            plans.append((op, plan))
        fused_fills = {L.defining_op(L.outputs(op)[0]) for op, plan in plans if plan is not None and plan.fuse_fill}
        targets = []
        for i, (op, plan) in enumerate(plans):
            if plan is not None and op not in fused_fills:
                # A split or padded handle holds one op: such ops are matched one by one (the index keeps keys apart).
                targets.append((op, (plan, i if plan.split_dim >= 0 or plan.pad_values else -1)))
        run_on_targets(module, targets, _build)
        for op in walk_ops(module, lambda o: _FILL_DESTINATION in o.attributes):
            del op.attributes[_FILL_DESTINATION]
            fuse_fill_destination(op)


def _build(script: Script, handle: str, key: tuple[TilePlan, int]) -> None:
    plan = key[0]
    if plan.pad_values:
        handle = script.pad(handle, len(plan.sizes) - 1, plan.sizes[-1], plan.pad_values)
    if plan.split_dim >= 0:
        handle, _rest = script.split(handle, plan.split_dim, plan.split_at)
    tiled, _loops = script.tile_using_for(handle, plan.sizes)
    if plan.fuse_fill:
        script.annotate(tiled, _FILL_DESTINATION)


def _own_fill(op: AnyOp) -> None:
    """Give the contraction `op` a copy of its output fill if others use that fill too."""
    out = L.outputs(op)[0]
    fill = L.defining_op(out)
    if fill is not None and len(list(out.uses)) > 1:
        copy = fill.clone(ir.InsertionPoint(op))
        op.operands[L.num_inputs(op)] = copy.results[0]


def fuse_fill_destination(op: AnyOp) -> None:
    """`op` is a contraction tile whose output is a slice of the tile loops' iter_args, which start from a
    fill: fill the slice in the tile instead, and start the outermost loop from the fill's tensor.empty."""
    n_in = L.num_inputs(op)
    sliced = L.defining_op(op.operands[n_in])
    if sliced is None or sliced.name != "tensor.extract_slice":
        return
    value: AnyValue = sliced.operands[0]
    outermost: tuple[AnyOp, int] | None = None
    while isinstance(value.owner, ir.Block) and value.owner.owner.name == "scf.for":
        loop = value.owner.owner
        index = value.arg_number - 1  # block argument 0 is the induction variable
        if index < 0:
            return
        outermost = (loop, 3 + index)  # operands: lb, ub, step, inits
        value = loop.operands[3 + index]
    fill = L.defining_op(value)
    if outermost is None or fill is None or fill.name != "linalg.fill" or len(list(value.uses)) != 1:
        return
    loop, operand = outermost
    with loop.location, ir.InsertionPoint(loop):
        t = ir.RankedTensorType(value.type)
        loop.operands[operand] = tensor.EmptyOp(list(t.shape), t.element_type).result
    tile_fill = fill.clone(ir.InsertionPoint(op))
    tile_fill.operands[1] = sliced.results[0]
    tile_fill.results[0].set_type(sliced.results[0].type)
    op.operands[n_in] = tile_fill.results[0]
    fill.erase()


def _zero(element_type: AnyOp) -> str:
    """Zero written as an attribute of `element_type` (0.0 for floats, 0 for integers)."""
    return "0.0" if "f" in str(element_type) else "0"
