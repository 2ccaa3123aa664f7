"""rvo: let the op that computes a kernel's output write it straight into the output argument.

triton-shared stores a result with `bufferization.materialize_in_destination %r in writable %out_view`,
and gives the generic that computes %r the first input as its init (`outs(%x)`), or a `to_tensor` of a
fresh alloc. Bufferization then computes into that buffer (or into a new one when the input may not be
written) and copies it to the output: a malloc and a memcpy per output block. When the body does not
read the init, its value is irrelevant: this pass makes the init a `tensor.empty` of the result's shape,
which upstream `eliminate-empty-tensors` (run before bufferization) replaces with the output view itself,
so that the computation (tiled, vectorized, threaded by then) writes the output buffer directly. Upstream
eliminates only an init that is already a `tensor.empty`: it cannot know that an init with a value is
never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, arith, ir, ops_named, tensor

from . import _linalg as L
from .base import Pass


@dataclass(frozen=True)
class Rvo(Pass):
    """Give the linalg op whose result is materialized in a destination a tensor.empty init when its body does not
    read the init (for eliminate-empty-tensors to write the destination directly)."""

    name: ClassVar[str] = "rvo"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for store in ops_named(func, "bufferization.materialize_in_destination", as_views=False):
            self.rewrite(store)

    @staticmethod
    def rewrite(store: AnyOp) -> bool:
        result = store.operands[0]
        producer = L.defining_op(result)
        if producer is None or not L.is_generic(producer) or not L.has_tensor_semantics(producer):
            return False
        k = result.result_number
        n_in = L.num_inputs(producer)
        if any(True for _ in L.body(producer).arguments[n_in + k].uses):
            return False  # the init is read (an accumulator)
        init = producer.operands[n_in + k]
        init_op = L.defining_op(init)
        # eliminate-empty-tensors only reads a `restrict` destination (the store is the only access to its
        # buffer), and puts it where the tensor.empty is: its view must be defined there first
        if not _only_access(store) or not _make_available(store.operands[1], producer):
            return False
        store.attributes["restrict"] = ir.UnitAttr.get()
        if init_op is not None and init_op.name == "tensor.empty":
            return True
        t = result.type
        dynamic = ir.ShapedType.get_dynamic_size()
        with ir.InsertionPoint(producer), producer.location:
            sizes = [d if d != dynamic else tensor.DimOp(init, _index(i)).result for i, d in enumerate(t.shape)]
            empty = tensor.EmptyOp(sizes, t.element_type)
        producer.operands[n_in + k] = empty.result
        return True


def _only_access(store: AnyOp) -> bool:
    """Whether `store` is the only op that reads or writes the buffers of its destination's arguments."""
    from .punt_buffer import _base_arguments, _views_of

    if "restrict" in store.attributes:
        return True
    bases = _base_arguments(store.operands[1])
    if not bases:
        return False
    for base in bases:
        for v in _views_of(base):
            for use in v.uses:
                user = use.owner.operation
                if user.name in ("memref.reinterpret_cast", "memref.subview", "memref.cast", "scf.for", "scf.yield"):
                    continue
                if user != store.operation:
                    return False
    return True


#: Ops that compute a destination view or its offsets: pure, so they may move up.
_MOVABLE = ("memref.reinterpret_cast", "memref.subview", "memref.cast", "arith.", "index.", "affine.apply")


def _make_available(value: AnyValue, anchor: AnyOp) -> bool:
    """Make `value` defined before `anchor` (moving the pure ops that compute it, within `anchor`'s block);
    False if it cannot be."""
    owner = value.owner
    block = anchor.operation.block
    if isinstance(owner, ir.Block):
        return owner == block or _encloses(owner, anchor)
    op = owner.operation
    if op.block != block:
        return _encloses(op.block, anchor)
    if op.is_before_in_block(anchor.operation):
        return True
    if not op.name.startswith(_MOVABLE) or op.regions:
        return False
    if not all(_make_available(v, anchor) for v in op.operands):
        return False
    op.move_before(anchor.operation)
    return True


def _encloses(block: AnyOp, op: AnyOp) -> bool:
    """Whether `block` is a block around `op` (so its values, and those defined in it before, are visible)."""
    parent = op.operation.parent
    while parent is not None:
        if parent.operation.block == block:
            return True
        parent = parent.operation.parent
    return False


def _index(i: int) -> AnyValue:
    return arith.ConstantOp(ir.IndexType.get(), ir.IntegerAttr.get(ir.IndexType.get(), i)).result
