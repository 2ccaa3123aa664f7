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

from hexopt.ir import InsertionPoint, ir, linalg, ops_named

from . import _transform as T
from .base import Pass


def in_place_input(op) -> int | None:
    """The operand index of the loop-carried input that `op`'s only output can be written into, or None.

    `op` must be an all-parallel linalg.generic with one result whose init is a tensor.empty and whose
    body does not read the init; the input must be an scf.for iter_arg used by nothing else, with the
    output's type and indexing map."""
    if op.name != "linalg.generic" or len(op.results) != 1 or not T.has_tensor_semantics(op):
        return None
    if any(k != "parallel" for k in T.iterator_kinds(op)):
        return None
    n_in = len(op.operands) - 1
    init = op.operands[n_in]
    if not isinstance(init.owner, ir.Block) and init.owner.name != "tensor.empty":
        return None
    if isinstance(init.owner, ir.Block):
        return None
    block = op.regions[0].blocks[0]
    if len(list(block.arguments[n_in].uses)) != 0:
        return None
    maps = list(ir.ArrayAttr(op.attributes["indexing_maps"]))
    for i in range(n_in):
        value = op.operands[i]
        if value.type != init.type or str(maps[i]) != str(maps[n_in]):
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

    def run_on_function(self, func) -> None:
        for op in ops_named(func, "linalg.generic", as_views=False):
            i = in_place_input(op)
            if i is not None:
                self.rewrite(op, i)

    @staticmethod
    def rewrite(op, i: int) -> None:
        """Rebuild `op` with input `i` as its init: the body reads the init block argument instead."""
        n_in = len(op.operands) - 1
        inputs = [v for j, v in enumerate(op.operands[:n_in]) if j != i]
        carried = op.operands[i]
        maps = list(ir.ArrayAttr(op.attributes["indexing_maps"]))
        maps = [m for j, m in enumerate(maps[:n_in]) if j != i] + [maps[n_in]]
        old = op.regions[0].blocks[0]
        with InsertionPoint(op), op.location:
            new = linalg.GenericOp([op.results[0].type], inputs, [carried], ir.ArrayAttr.get(maps),
                                   op.attributes["iterator_types"])
            arg_types = [a.type for j, a in enumerate(old.arguments) if j != i]
            block = new.regions[0].blocks.append(*arg_types)
        new_args = list(block.arguments)
        old_args = [a for j, a in enumerate(old.arguments) if j != i]
        old.arguments[i].replace_all_uses_with(new_args[-1])
        for o, nw in zip(old_args, new_args):
            o.replace_all_uses_with(nw)
        for body_op in list(old.operations):
            body_op.operation.detach_from_parent()
            InsertionPoint(block).insert(body_op.operation)
        for name in op.attributes:
            if name not in ("indexing_maps", "iterator_types", "operandSegmentSizes"):
                new.attributes[name] = op.attributes[name]
        op.results[0].replace_all_uses_with(new.results[0])
        op.operation.erase()
