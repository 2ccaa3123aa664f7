"""split-reduce-generic: split a 1-loop reduction into vector-wide partial sums and a final reduction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

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

    ratio: int = option(32, "size of the inner parallel dimension of the partial reduction (the vector length)")

    def splittable(self, op) -> bool:
        if op.name != "linalg.generic" or not T.has_tensor_semantics(op) or len(op.results) != 1:
            return False
        iterators = [str(a) for a in op.attributes["iterator_types"]]
        if len(iterators) != 1 or "reduction" not in iterators[0]:
            return False
        ranges = T.loop_ranges(op)
        if not ranges or ranges[0] <= self.ratio or ranges[0] % self.ratio:
            return False
        body = list(op.regions[0].blocks[0].operations)
        return len(body) == 2 and body[0].name in _COMBINERS

    def apply(self, module) -> None:
        if self.ratio < 2:
            raise PassFailure("split-reduce-generic: ratio must be at least 2")
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            if not self.splittable(op):
                continue
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            lines.append(f"    %init{i}, %fill{i}, %split{i}, %combine{i} = transform.structured.split_reduction"
                         f" %op{i} {{split_factor = {self.ratio}, insert_split_dimension = 0, inner_parallel}}"
                         " : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op,"
                         " !transform.any_op)")
        if lines:
            T.run_script(module, "\n".join(lines))
