"""split-reduce-generic: split a 1-loop reduction into vector-wide partial sums and a final reduction.

Upstream's split_reduction starts the partial results at its neutral element of the combiner, which is
NaN for `maxnumf`/`minnumf` (maxnum(x, NaN) = x). That is an identity only without fast-math: once
hexagon-fast-math marks the partial reduction `nnan`, a NaN operand makes its result poison, and the
code generated for it returns the NaN side (a max of all-negative values came out -inf on the host).
The partials start at -inf (+inf for minnumf) instead: the identity of every non-NaN value, with or
without fast-math, as the reference does.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, arith, ir, ops_named

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two

# Combiners upstream split_reduction knows a neutral element for (it fails on anything else).
_COMBINERS = {"arith.addf", "arith.mulf", "arith.maxnumf", "arith.minnumf", "arith.maximumf", "arith.minimumf",
              "arith.addi", "arith.muli", "arith.andi", "arith.ori", "arith.xori", "arith.maxsi", "arith.minsi",
              "arith.maxui", "arith.minui"}


def _ratio_rule(value: int) -> str | None:
    """0 or at least 2"""
    return "must be 0 (the vector length) or at least 2" if value == 1 else None


@dataclass(frozen=True)
class SplitReduceGeneric(Pass):
    """Split each 1-loop reduction generic of range n into an (n/ratio) x ratio partial reduction and a final one."""

    name: ClassVar[str] = "split-reduce-generic"
    scope: ClassVar[str] = "builtin.module"

    ratio: int = option(0, "size of the inner parallel dimension of the partial reduction; "
                           "0: the vector length, vector-bytes / element size (32 for f32)",
                        min=0, check=_ratio_rule)
    vector_bytes: int = option(128, "HVX vector length in bytes (used when ratio is 0)", min=8, max=256,
                               check=power_of_two)

    def ratio_for(self, op: AnyOp) -> int:
        return self.ratio or L.vector_lanes(op, self.vector_bytes)

    def splittable(self, op: AnyOp) -> bool:
        if not L.is_generic(op) or not L.has_tensor_semantics(op) or len(op.results) != 1:
            return False
        if L.iterator_kinds(op) != [L.REDUCTION]:
            return False
        # Upstream split_reduction asserts (aborts the process) on a map result that is not a loop
        # dimension, e.g. a reduction into tensor<1xf32> through (d0) -> (0).
        if not all(m.is_projected_permutation for m in L.indexing_maps(op)):
            return False
        ranges, ratio = L.loop_ranges(op), self.ratio_for(op)
        if not ranges or ratio < 2 or ranges[0] <= ratio or ranges[0] % ratio:
            return False
        ops = L.body_ops(op)
        return len(ops) == 2 and ops[0].operation.name in _COMBINERS

    def apply(self, module: AnyOp) -> None:
        # the op index keeps keys apart: split_reduction is applied to one op per handle, as before
        targets = [(op, (self.ratio_for(op), i))
                   for i, op in enumerate(L.structured_ops(module)) if self.splittable(op)]
        if not targets:
            return
        fills_before = ops_named(module, "linalg.fill", as_views=False)
        run_on_targets(module, targets, _split)
        for fill in ops_named(module, "linalg.fill", as_views=False):
            if fill not in fills_before:
                _infinite_start(fill)


def _split(script: Script, handle: str, key: tuple[int, int]) -> None:
    script.split_reduction(handle, key[0])


#: The combiners whose upstream neutral element is NaN, and the infinity that is their identity instead.
_INFINITE_START = {"arith.maxnumf": True, "arith.minnumf": False}  # negative infinity?


def _infinite_start(fill: AnyOp) -> None:
    """Start a new partial-result fill at -inf / +inf when it feeds a maxnumf / minnumf reduction with NaN."""
    value = fill.operands[0]
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.constant" or not isinstance(value.type, ir.FloatType):
        return
    if not math.isnan(ir.FloatAttr(owner.operation.attributes["value"]).value):
        return
    for use in fill.results[0].uses:
        user = use.owner.operation
        if not L.is_generic(user) or use.operand_number < L.num_inputs(user):
            continue
        combiners = {o.operation.name for o in L.body_ops(user)} & set(_INFINITE_START)
        if len(combiners) != 1:
            continue
        negative = _INFINITE_START[combiners.pop()]
        with ir.InsertionPoint(fill), fill.location:
            inf = arith.ConstantOp(value.type, ir.FloatAttr.get(value.type, float("-inf") if negative else float("inf")))
        fill.operands[0] = inf.result
        return
