"""write-loop-carried-in-place: an elementwise update of a loop-carried tensor writes into that tensor.

After fusion the seed's `acc = acc * alpha + pv` generic writes into a fresh `tensor.empty`, so that
one-shot-bufferize allocates a new 256x64 buffer in every KV iteration and then copies it into the
buffer the loop carries (a memref.alloc + memref.copy of 64 KB per iteration). The generic reads the
loop-carried value only at the point it writes, so writing into that value instead is the same
computation. The generic takes the value as its init (its body reads the init instead of that input,
as triton-shared writes such updates), so that after tiling every read of it goes through the tiles'
loop-carried slices and bufferization updates the loop's buffer in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir, linalg

from . import _linalg as L
from .base import Pass


def in_place_input(op: AnyOp) -> int | None:
    """The operand index of the loop-carried input that `op`'s only output can be written into, or None.

    `op` must be an all-parallel linalg.generic with one result whose init is a tensor.empty and whose
    body does not read the init; the input must be an scf.for iter_arg used by nothing else, with the
    output's type and indexing map."""
    if not L.is_generic(op) or len(op.results) != 1 or not L.has_tensor_semantics(op) or not L.all_parallel(op):
        return None
    n_in = L.num_inputs(op)
    init = op.operands[n_in]
    init_op = L.defining_op(init)
    if init_op is None or init_op.name != "tensor.empty":
        return None
    if len(list(L.body(op).arguments[n_in].uses)) != 0:
        return None
    maps = L.indexing_maps(op)
    for i in range(n_in):
        value = op.operands[i]
        if value.type != init.type or maps[i] != maps[n_in]:
            continue
        owner = value.owner
        if not isinstance(owner, ir.Block) or owner.owner.name != "scf.for":
            continue
        if len(list(value.uses)) != 1:
            continue
        return i
    return None


@dataclass(frozen=True)
class WriteLoopCarriedInPlace(Pass):
    """Make an elementwise generic that writes a tensor.empty write into the loop-carried input it updates."""

    name: ClassVar[str] = "write-loop-carried-in-place"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            i = in_place_input(op)
            if i is not None:
                self.rewrite(op, i)

    @staticmethod
    def rewrite(op: AnyOp, i: int) -> None:
        """Rebuild `op` with input `i` as its init: the body reads the init block argument instead."""
        n_in = L.num_inputs(op)
        inputs = [v for j, v in enumerate(L.inputs(op)) if j != i]
        carried = op.operands[i]
        maps = L.indexing_maps(op)
        maps = [m for j, m in enumerate(maps[:n_in]) if j != i] + [maps[n_in]]
        old = L.body(op)
        with ir.InsertionPoint(op), op.location:
            new = linalg.GenericOp(
                [op.results[0].type],
                inputs,
                [carried],
                ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
                op.attributes["iterator_types"],
            )
            arg_types = [a.type for j, a in enumerate(old.arguments) if j != i]
            block = new.regions[0].blocks.append(*arg_types)
        new_args = list(block.arguments)
        old_args = [a for j, a in enumerate(old.arguments) if j != i]
        old.arguments[i].replace_all_uses_with(new_args[-1])
        for o, nw in zip(old_args, new_args, strict=True):
            o.replace_all_uses_with(nw)
        for body_op in list(old.operations):
            body_op.operation.detach_from_parent()
            ir.InsertionPoint(block).insert(body_op.operation)
        for name in op.attributes:
            if name not in ("indexing_maps", "iterator_types", "operandSegmentSizes"):
                new.attributes[name] = op.attributes[name]
        op.results[0].replace_all_uses_with(new.results[0])
        op.operation.erase()
