"""widen-bool-tensors: store i1 tensors (masks) as i8 tensors, so that their buffers lower to LLVM.

A tensor of i1 (a Triton mask, the condition of `tl.where`) that is not fused away bufferizes to a
memref of i1, and `finalize-memref-to-llvm` aborts the process on a store of i1 (an assertion: it
only stores whole bytes). Upstream's `arith-emulate-narrow-type` packs sub-byte memrefs into bytes
with bit arithmetic, which the vectorized code here would have to undo lane by lane. This pass
instead gives every i1 tensor inside a function the type i8 before tiling: a generic that computes
a mask yields `arith.extui` of it, one that reads a mask reads `arith.trunci` of the byte, fills and
scalar extracts/inserts convert their scalar. One byte per element, as C stores a bool.

Supported around i1 tensors: linalg.generic, linalg.fill, tensor.empty/extract_slice/insert_slice/
expand_shape/collapse_shape/cast/extract/insert, dense constants, scf.for/if/yield. Anything else
(e.g. arith on whole tensors, which does not bufferize either), and i1 tensors in a function's
signature, get a located "unsupported" error instead of an abort later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyAttr, AnyOp, AnyType, AnyValue, arith, ir, walk_ops

from . import _linalg as L
from .base import Pass, PassFailure

#: Ops whose i1 tensor operands/results only need the new type (they do not look at elements).
_SHAPE_OPS = frozenset(
    {
        "tensor.empty",
        "tensor.extract_slice",
        "tensor.insert_slice",
        "tensor.expand_shape",
        "tensor.collapse_shape",
        "tensor.cast",
        "scf.for",
        "scf.if",
        "scf.yield",
    }
)
#: Ops that are rewritten around their i1 element values.
_ELEMENT_OPS = frozenset({"linalg.generic", "linalg.fill", "tensor.extract", "tensor.insert", "arith.constant"})


def _is_bool_tensor(t: AnyType) -> bool:
    return (
        isinstance(t, ir.RankedTensorType) and isinstance(t.element_type, ir.IntegerType) and t.element_type.width == 1
    )


def _widened(t: AnyType) -> AnyType:
    return ir.RankedTensorType.get(list(t.shape), ir.IntegerType.get_signless(8), t.encoding)


def _bool_values(op: AnyOp) -> list[AnyValue]:
    """The i1-tensor results and block arguments of `op`'s own regions."""
    values = [r for r in op.results if _is_bool_tensor(r.type)]
    for region in op.regions:
        for block in region.blocks:
            values += [a for a in block.arguments if _is_bool_tensor(a.type)]
    return values


def _touches_bool_tensor(op: AnyOp) -> bool:
    return any(_is_bool_tensor(v.type) for v in list(op.operands) + list(op.results))


def _check_signature(func: AnyOp) -> None:
    ftype = ir.TypeAttr(func.attributes["function_type"]).value
    if any(_is_bool_tensor(t) for t in list(ftype.inputs) + list(ftype.results)):
        raise PassFailure(
            "unsupported: a function taking or returning a tensor of i1 (hexopt stores masks as "
            "i8 inside functions; pass an i8 tensor instead)",
            func,
            unsupported=True,
        )


def _trunc_block_argument(block: AnyOp, index: int) -> None:
    """Block argument `index` becomes i8; its users get `arith.trunci` of it."""
    arg = block.arguments[index]
    arg.set_type(ir.IntegerType.get_signless(8))
    if not list(arg.uses):
        return
    first = block.operations[0]
    with ir.InsertionPoint(first), first.location:
        narrow = arith.TruncIOp(ir.IntegerType.get_signless(1), arg)
    for use in list(arg.uses):
        if use.owner != narrow.operation:
            use.owner.operands[use.operand_number] = narrow.result


def _widen_generic(op: AnyOp, widened: set[int]) -> None:
    """Fix the body of a generic whose operands `widened` (positions) became i8 tensors."""
    block = L.body(op)
    n_in = L.num_inputs(op)
    for i in sorted(widened):
        _trunc_block_argument(block, i)
    terminator = L.body_ops(op)[-1]
    for j in sorted(i - n_in for i in widened if i >= n_in):
        value = terminator.operands[j]
        with ir.InsertionPoint(terminator), terminator.location:
            terminator.operands[j] = arith.ExtUIOp(ir.IntegerType.get_signless(8), value).result


def _widen_scalar(value: AnyValue, before: AnyOp) -> AnyValue:
    with ir.InsertionPoint(before), before.location:
        return arith.ExtUIOp(ir.IntegerType.get_signless(8), value).result


@dataclass(frozen=True)
class WidenBoolTensors(Pass):
    """Give every i1 tensor in a function the type i8 (masks stored one byte per element)."""

    name: ClassVar[str] = "widen-bool-tensors"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        if not func.regions[0].blocks:
            return
        with func.location:
            self._widen(func)

    def _widen(self, func: AnyOp) -> None:
        _check_signature(func)
        ops = [op for op in _ops_in(func) if _touches_bool_tensor(op) or _bool_values(op)]
        if not ops:
            return
        for op in ops:
            name = op.name
            if name not in _SHAPE_OPS and name not in _ELEMENT_OPS:
                raise PassFailure(
                    f"unsupported: '{name}' on a tensor of i1 (hexopt lowers masks only through linalg ops)",
                    op,
                    unsupported=True,
                )
        # Operand positions that become i8, per op, before any type changes (a list: an Operation's hash
        # changes with its types, so it cannot key a dict here).
        widened_operands = [{i for i, v in enumerate(op.operands) if _is_bool_tensor(v.type)} for op in ops]
        for op in ops:
            for value in _bool_values(op):
                value.set_type(_widened(value.type))
        for op, widened in zip(ops, widened_operands, strict=True):
            self._fix_elements(op, widened)

    @staticmethod
    def _fix_elements(op: AnyOp, widened: set[int]) -> None:
        name = op.name
        if name == "linalg.generic":
            _widen_generic(op, widened)
        elif name == "linalg.fill" and widened:
            op.operands[0] = _widen_scalar(op.operands[0], op)
            block = op.regions[0].blocks[0]
            for arg in block.arguments:
                if isinstance(arg.type, ir.IntegerType) and arg.type.width == 1:
                    arg.set_type(ir.IntegerType.get_signless(8))
        elif name == "tensor.extract" and widened:
            result = op.results[0]
            result.set_type(ir.IntegerType.get_signless(8))
            with ir.InsertionPoint.after(op), op.location:
                narrow = arith.TruncIOp(ir.IntegerType.get_signless(1), result)
            for use in list(result.uses):
                if use.owner != narrow.operation:
                    use.owner.operands[use.operand_number] = narrow.result
        elif name == "tensor.insert" and widened:
            op.operands[0] = _widen_scalar(op.operands[0], op)
        elif name == "arith.constant":
            op.attributes["value"] = _widened_constant(op.attributes["value"], op.results[0].type)


def _widened_constant(value: AnyAttr, widened_type: AnyType) -> AnyAttr:
    """A dense i1 tensor constant as the same 0/1 values in i8 (a load of i1 aborts the lowering too)."""
    import numpy as np  # here: loading a pipeline imports this module, and needs no numpy

    dense = ir.DenseIntElementsAttr(value)
    i8 = ir.IntegerType.get_signless(8)
    if dense.is_splat:
        bit = int(dense.get_splat_value().value) & 1
        return ir.DenseElementsAttr.get_splat(widened_type, ir.IntegerAttr.get(i8, bit))
    values = np.array([int(dense[i]) & 1 for i in range(len(dense))], dtype=np.int8)
    return ir.DenseElementsAttr.get(values.reshape(list(widened_type.shape)), type=widened_type)


def _ops_in(func: AnyOp) -> list[AnyOp]:
    top = func.operation
    return walk_ops(func, lambda op: op != top)
