"""extend-contraction-operands: convert the narrow inputs of a contraction once, before it, when its rows are
too short for a vector of the narrow type.

An f16 `tl.dot` with an f32 accumulator is a contraction whose body extends each f16 input (`arith.extf`)
and accumulates in f32. hexagon-tiling and hexagon-vectorization size vectors by the narrowest element type:
64 f16 lanes. A 32 x 32 block has rows of 32, so the contraction is not tiled and runs as scalar code (a
scalar f16 -> f32 conversion per product). With 32 lanes, the f32 accumulator would fill a register but each
f16 operand row would be half a register, which LLVM loads with a full unaligned `vmemu` (64 bytes past the
row, possibly past the buffer).

So such an input is extended once by an element-wise generic (which flatten-elementwise and the tiling make
whole f16 vectors) and the contraction reads the f32 tensor: its element types are then all f32, its rows one
f32 vector. The conversions cost O(n^2) against the contraction's O(n^3). Conditions: a tensor generic with a
reduction loop and a parallel innermost loop, static shapes, an input block argument used only by one
`arith.extf`, and an innermost range shorter than a vector of the narrowest type but a whole number of
vectors of the widest type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hexopt.ir import AnyOp, AnyValue, ir, linalg

from . import _linalg as L
from .base import Pass, option, power_of_two


def _bits(t: Any) -> int:
    et = t.element_type if isinstance(t, ir.ShapedType) else t
    return int(et.width) if isinstance(et, (ir.FloatType, ir.IntegerType)) else 32


def extended_inputs(op: AnyOp, vector_bytes: int) -> dict[int, AnyOp]:
    """{input index: the arith.extf that is its only use in the body} for the inputs to convert before `op`."""
    if not L.is_generic(op) or not L.has_tensor_semantics(op) or len(op.results) != 1:
        return {}
    kinds, ranges = L.iterator_kinds(op), L.loop_ranges(op)
    if not ranges or L.REDUCTION not in kinds or kinds[-1] != L.PARALLEL:
        return {}
    narrow = L.vector_lanes(op, vector_bytes)
    wide = vector_bytes * 8 // max(_bits(v.type) for v in op.operands)
    if ranges[-1] >= narrow or ranges[-1] % wide:
        return {}
    block = L.body(op)
    found = {}
    for i in range(L.num_inputs(op)):
        arg = block.arguments[i]
        uses = list(arg.uses)
        if len(uses) != 1 or uses[0].owner.name != "arith.extf":
            continue
        if not isinstance(op.operands[i].type, ir.RankedTensorType):
            continue
        found[i] = uses[0].owner
    return found


def _extend(value: AnyValue, ext: AnyOp) -> AnyValue:
    """An element-wise generic computing `ext` (an arith.extf) on every element of the tensor `value`."""
    t = ir.RankedTensorType(value.type)
    wide = ext.results[0].type
    out_type = ir.RankedTensorType.get(list(t.shape), wide)
    init = ir.Operation.create("tensor.empty", results=[out_type]).results[0]
    identity = ir.AffineMapAttr.get(ir.AffineMap.get_identity(t.rank))
    parallel = ir.Attribute.parse("#linalg.iterator_type<parallel>")
    gen = linalg.GenericOp(
        [out_type], [value], [init], ir.ArrayAttr.get([identity, identity]), ir.ArrayAttr.get([parallel] * t.rank)
    )
    block = gen.regions[0].blocks.append(t.element_type, wide)
    with ir.InsertionPoint(block):
        attrs = {name: ext.attributes[name] for name in ext.attributes}
        converted = ir.Operation.create(ext.name, results=[wide], operands=[block.arguments[0]], attributes=attrs)
        linalg.YieldOp([converted.results[0]])
    return gen.results[0]


def rebuild(op: AnyOp, exts: dict[int, AnyOp]) -> None:
    """Replace `op` by the same generic reading extended tensors for the inputs in `exts`."""
    n_in = L.num_inputs(op)
    old_block = L.body(op)
    with ir.InsertionPoint(op), op.location:
        operands = list(op.operands)
        for i, ext in exts.items():
            operands[i] = _extend(operands[i], ext)
        new = linalg.GenericOp(
            [r.type for r in op.results],
            operands[:n_in],
            operands[n_in:],
            op.attributes["indexing_maps"],
            op.attributes["iterator_types"],
        )
        for name in op.attributes:
            if name not in ("indexing_maps", "iterator_types", "operandSegmentSizes"):
                new.attributes[name] = op.attributes[name]
        types = [
            ir.RankedTensorType(v.type).element_type if isinstance(v.type, ir.ShapedType) else v.type for v in operands
        ]
        block = new.regions[0].blocks.append(*types)
    mapping: dict[Any, AnyValue] = {
        old: new_arg for old, new_arg in zip(old_block.arguments, block.arguments, strict=True)
    }
    for ext in exts.values():
        mapping[ext.results[0]] = mapping[ext.operands[0]]
    with ir.InsertionPoint(block):
        for body_op in old_block.operations:
            if any(body_op.operation == ext.operation for ext in exts.values()):
                continue
            clone = body_op.operation.clone()
            for k, v in enumerate(body_op.operands):
                if v in mapping:
                    clone.operands[k] = mapping[v]
            for old_r, new_r in zip(body_op.results, clone.results, strict=True):
                mapping[old_r] = new_r
    op.results[0].replace_all_uses_with(new.results[0])
    op.erase()


@dataclass(frozen=True)
class ExtendContractionOperands(Pass):
    """Extend (arith.extf) the narrow inputs of a contraction whose rows are shorter than a narrow vector."""

    name: ClassVar[str] = "extend-contraction-operands"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(128, "HVX vector length in bytes", min=8, max=256, check=power_of_two)

    def apply(self, module: AnyOp) -> None:
        for op in L.generics(module):
            exts = extended_inputs(op, self.vector_bytes)
            if exts:
                rebuild(op, exts)
