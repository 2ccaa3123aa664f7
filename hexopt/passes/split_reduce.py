"""split-reduce-generic: split a 1-loop reduction into vector-wide partial sums and a final reduction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import ir

from .base import Pass, PassFailure, option
from . import _transform as T

# Combiners upstream split_reduction knows a neutral element for (it fails on anything else).
_COMBINERS = {"arith.addf", "arith.mulf", "arith.maxnumf", "arith.minnumf", "arith.maximumf", "arith.minimumf",
              "arith.addi", "arith.muli", "arith.andi", "arith.ori", "arith.xori", "arith.maxsi", "arith.minsi",
              "arith.maxui", "arith.minui"}


@dataclass(frozen=True)
class SplitReduceGeneric(Pass):
    """Split each 1-loop reduction generic of range n into an (n/ratio) x ratio partial reduction and a final one."""

    name: ClassVar[str] = "split-reduce-generic"
    scope: ClassVar[str] = "builtin.module"

    ratio: int = option(0, "size of the inner parallel dimension of the partial reduction; "
                           "0: the vector length, vector-bytes / element size (32 for f32)")
    vector_bytes: int = option(128, "HVX vector length in bytes (used when ratio is 0)")

    def ratio_for(self, op) -> int:
        return self.ratio or self.vector_bytes * 8 // T.element_bits(op)

    def splittable(self, op) -> bool:
        if op.name != "linalg.generic" or not T.has_tensor_semantics(op) or len(op.results) != 1:
            return False
        iterators = [str(a) for a in op.attributes["iterator_types"]]
        if len(iterators) != 1 or "reduction" not in iterators[0]:
            return False
        # Upstream split_reduction asserts (aborts the process) on a map result that is not a loop
        # dimension, e.g. a reduction into tensor<1xf32> through (d0) -> (0).
        maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
        if not all(m.is_projected_permutation for m in maps):
            return False
        ranges, ratio = T.loop_ranges(op), self.ratio_for(op)
        if not ranges or ratio < 2 or ranges[0] <= ratio or ranges[0] % ratio:
            return False
        body = list(op.regions[0].blocks[0].operations)
        return len(body) == 2 and body[0].name in _COMBINERS

    def apply(self, module) -> None:
        if self.ratio < 0 or self.ratio == 1 or self.vector_bytes <= 0:
            raise PassFailure("split-reduce-generic: ratio must be 0 (vector length) or at least 2, "
                              "vector-bytes positive")
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            if not self.splittable(op):
                continue
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            lines.append(f"    %init{i}, %fill{i}, %split{i}, %combine{i} = transform.structured.split_reduction"
                         f" %op{i} {{split_factor = {self.ratio_for(op)}, insert_split_dimension = 0, inner_parallel}}"
                         " : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op,"
                         " !transform.any_op)")
        if lines:
            T.run_script(module, "\n".join(lines))
