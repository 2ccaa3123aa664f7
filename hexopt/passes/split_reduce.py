"""split-reduce-generic: split a 1-loop reduction into vector-wide partial sums and a final reduction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two


def _ratio_rule(value: int) -> str | None:
    """0 or at least 2"""
    return "must be 0 (the vector length) or at least 2" if value == 1 else None


@dataclass(frozen=True)
class SplitReduceGeneric(Pass):
    """Split each 1-loop reduction generic of range n into an (n/ratio) x ratio partial reduction and a final one."""

    name: ClassVar[str] = "split-reduce-generic"
    scope: ClassVar[str] = "builtin.module"

    ratio: int = option(
        0,
        "size of the inner parallel dimension of the partial reduction; "
        "0: the vector length, vector-bytes / element size (32 for f32)",
        min=0,
        check=_ratio_rule,
    )
    vector_bytes: int = option(
        128, "HVX vector length in bytes (used when ratio is 0)", min=8, max=256, check=power_of_two
    )

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
        return L.reduction_combiner(op) is not None

    def apply(self, module: AnyOp) -> None:
        # the op index keeps keys apart: split_reduction is applied to one op per handle, as before
        targets = [
            (op, (self.ratio_for(op), i)) for i, op in enumerate(L.structured_ops(module)) if self.splittable(op)
        ]
        run_on_targets(module, targets, _split)
        _infinite_identities(module)


#: maxnumf/minnumf partials that upstream starts from NaN (a neutral element of maxnumf in IEEE terms) start
#: from -inf/+inf instead: hexagon-fast-math later marks the ops `nnan`, under which a NaN operand is poison,
#: and expand-vector-min-max turns fast maxnumf into maximumf, which propagates the NaN.
_INFINITE = {"arith.maxnumf": "-inf", "arith.minnumf": "inf"}


def _infinite_identities(module: AnyOp) -> None:
    from hexopt.ir import arith, ir, walk_ops

    for fill in walk_ops(module, lambda op: op.name == "linalg.fill" and len(op.results) == 1):
        value = fill.operands[0]
        const = value.owner
        if isinstance(const, ir.Block) or const.name != "arith.constant" or not isinstance(value.type, ir.FloatType):
            continue
        if not math.isnan(ir.FloatAttr(const.attributes["value"]).value):
            continue
        users = [u.owner for u in fill.results[0].uses]
        kinds = {op.name for user in users if user.name == "linalg.generic" for op in L.body_ops(user)[:-1]}
        if len(kinds) != 1 or next(iter(kinds)) not in _INFINITE:
            continue
        with ir.InsertionPoint(fill), fill.location:
            replacement = arith.ConstantOp(value.type, float(_INFINITE[next(iter(kinds))])).result
        fill.operands[0] = replacement


def _split(script: Script, handle: str, key: tuple[int, int]) -> None:
    script.split_reduction(handle, key[0])
