"""hexagon-vectorization: vectorize one-vector linalg ops to 1-D HVX vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Pass, PassFailure, option
from . import _transform as T

# Run after vectorizing: fold the tiles' extract/insert_slice into the transfers (which keeps their
# in_bounds), drop the unit dims of [1, ..., 1, n] vectors, then clean up. The permutation patterns
# run in a separate greedy application: together with cast_away_vector_leading_one_dim they can
# rewrite each other's output forever (seen on a 2-D softmax of the corpus); the rewrite caps are a
# last guard against such cycles.
_CLEANUP = """
    %funcs = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.cast_away_vector_leading_one_dim
      transform.apply_patterns.vector.drop_unit_dims_with_shape_cast
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } {max_num_rewrites = 100000 : i64} : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.canonicalization
    } {max_num_rewrites = 100000 : i64} : !transform.any_op"""


@dataclass(frozen=True)
class HexagonVectorization(Pass):
    """Vectorize each linalg op whose loops are [1, ..., 1, one vector] into 1-D vector ops."""

    name: ClassVar[str] = "hexagon-vectorization"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(128, "HVX vector length in bytes; ops whose innermost range is "
                                    "vector-bytes / element size get vectorized")

    def vector_sizes(self, op) -> list[int] | None:
        ranges = T.loop_ranges(op)
        if not ranges:
            return None
        inner = self.vector_bytes * 8 // T.element_bits(op)
        return ranges if ranges == [1] * (len(ranges) - 1) + [inner] else None

    def apply(self, module) -> None:
        if self.vector_bytes <= 0:
            raise PassFailure("hexagon-vectorization: vector-bytes must be positive")
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            sizes = self.vector_sizes(op)
            if sizes is None:
                continue
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            lines.append(f"    transform.structured.vectorize %op{i} vector_sizes {sizes} : !transform.any_op")
        if lines:
            T.run_script(module, "\n".join(lines) + _CLEANUP)
