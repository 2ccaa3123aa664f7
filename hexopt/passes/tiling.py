"""hexagon-tiling: tile tensor linalg ops to one HVX vector on the innermost loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Pass, PassFailure, option
from . import _transform as T


@dataclass(frozen=True)
class HexagonTiling(Pass):
    """Tile each tensor linalg op with 1 on every loop but the innermost, whose tile is one vector."""

    name: ClassVar[str] = "hexagon-tiling"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(128, "HVX vector length in bytes; innermost tile = vector-bytes / element size")
    split: bool = option(True, "split an innermost range that is not a multiple of the tile and tile the "
                               "multiple part (the remainder stays untiled)")
    register_accumulators: bool = option(False, "tile a reduction whose innermost loop is parallel (a contraction) "
                                                "to [rows, full reduction, one vector], so that hexagon-vectorization "
                                                "keeps each output vector in a register across the reduction loop; "
                                                "false: the reference's [1, ..., 1, one vector] tiles")
    contraction_rows: int = option(4, "with register-accumulators: output rows per contraction tile (register "
                                      "blocking; used when it divides the row range, else 1)")

    def tile_sizes(self, op) -> list[int] | None:
        """[1, ..., 1, inner] for `op`, or None when the op is left alone."""
        ranges = T.loop_ranges(op)
        if not ranges:
            return None
        inner = self.vector_bytes * 8 // T.element_bits(op)
        if ranges[-1] < inner or ranges == [1] * (len(ranges) - 1) + [inner]:
            return None  # too small for a vector, or already one tile
        if self.register_accumulators:
            sizes = self.contraction_tile(op, ranges, inner)
            if sizes is not None:
                return sizes
        return [1] * (len(ranges) - 1) + [inner]

    def contraction_tile(self, op, ranges: list[int], inner: int) -> list[int] | None:
        """[1, .., rows, 0 (each reduction loop), .., inner] for a generic with reduction loops and a parallel
        innermost loop, [1, ..., 1, 0] for one whose only reduction loop is innermost; None for other ops.
        0 leaves the reduction loop whole inside the tile."""
        if op.name != "linalg.generic":
            return None
        kinds = T.iterator_kinds(op)
        if kinds[-1] == "reduction" and kinds.count("reduction") == 1 and ranges[-1] % inner == 0:
            # A row reduction: the whole row in one tile, reduced in a vector register and then
            # across its lanes once (hexagon-vectorization).
            if ranges[:-1] == [1] * (len(ranges) - 1):
                return None  # already one row
            return [1] * (len(ranges) - 1) + [0]
        if "reduction" not in kinds or kinds[-1] != "parallel":
            return None
        sizes = [0 if k == "reduction" else 1 for k in kinds[:-1]] + [inner]
        rows = [d for d, k in enumerate(kinds[:-1]) if k == "parallel"]
        if rows and self.contraction_rows > 1 and ranges[rows[-1]] % self.contraction_rows == 0:
            sizes[rows[-1]] = self.contraction_rows
        return sizes

    def apply(self, module) -> None:
        if self.vector_bytes <= 0:
            raise PassFailure("hexagon-tiling: vector-bytes must be positive")
        if self.contraction_rows < 1:
            raise PassFailure("hexagon-tiling: contraction-rows must be at least 1")
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            if not T.has_tensor_semantics(op):
                continue
            sizes = self.tile_sizes(op)
            if sizes is None:
                continue
            ranges = T.loop_ranges(op)
            rest = ranges[-1] % sizes[-1] if sizes[-1] else 0
            if rest and not self.split:
                continue
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            if rest:
                # [0, N - rest) gets tiled, [N - rest, N) stays a small untiled op.
                lines.append(f"    %parts{i} = transform.structured.split %op{i} after {ranges[-1] - rest}"
                             f" {{dimension = {len(ranges) - 1}}} : !transform.any_op")
                lines.append(f"    %op{i}m, %op{i}r = transform.split_handle %parts{i}"
                             " : (!transform.any_op) -> (!transform.any_op, !transform.any_op)")
                lines.append(f"    %t{i} = transform.cast %op{i}m : !transform.any_op to !transform.any_op")
            else:
                lines.append(f"    %t{i} = transform.cast %op{i} : !transform.any_op to !transform.any_op")
            n_loops = sum(1 for s in sizes if s)
            loops = ", ".join(["!transform.any_op"] * n_loops)
            lines.append(f"    %tiled{i}, %loops{i}:{n_loops} = transform.structured.tile_using_for %t{i}"
                         f" tile_sizes {sizes} : (!transform.any_op) -> (!transform.any_op, {loops})")
        if lines:
            T.run_script(module, "\n".join(lines))
