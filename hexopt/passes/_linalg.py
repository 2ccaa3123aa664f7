"""Reading and editing linalg structured ops: the one home of what the passes need to know about them.

Indexing maps, iterator kinds, static loop ranges, element widths, inputs/outputs/body of a generic,
loop interchange and map composition are read and written here only, one way each. Everything takes
an ``ir.Operation`` or an OpView (``AnyOp``). Importing this module loads no MLIR bindings.
"""

from __future__ import annotations

from collections.abc import Callable

from hexopt.ir import AnyAttr, AnyMap, AnyOp, AnyValue, ir, linalg, ops_named, tensor, walk_ops

PARALLEL = "parallel"
REDUCTION = "reduction"

#: Ops named linalg.* that are not structured ops (no loops, maps or iterators).
_NOT_STRUCTURED = frozenset({"linalg.yield", "linalg.index"})


# --- finding ops ---------------------------------------------------------------------------------


def defining_op(value: AnyValue) -> AnyOp | None:
    """The Operation defining `value`, or None for a block argument."""
    owner = value.owner
    return None if isinstance(owner, ir.Block) else owner.operation


def is_generic(op: AnyOp | None) -> bool:
    return op is not None and op.operation.name == "linalg.generic"


def structured_ops(root: AnyOp) -> list[AnyOp]:
    """All linalg structured ops (generic, fill, named ops) nested under `root`, in walk order."""
    return walk_ops(root, lambda op: op.name.startswith("linalg.") and op.name not in _NOT_STRUCTURED)


def generics(root: AnyOp) -> list[AnyOp]:
    """All linalg.generic Operations nested under `root`, in walk order."""
    return ops_named(root, "linalg.generic", as_views=False)


def has_tensor_semantics(op: AnyOp) -> bool:
    """Whether `op` works on tensors: it has results and no memref operand."""
    return len(op.results) > 0 and all(not isinstance(v.type, ir.MemRefType) for v in op.operands)


# --- operands and body of a generic ---------------------------------------------------------------


def num_inputs(op: AnyOp) -> int:
    """The number of `ins` operands of a destination-style linalg op."""
    if "operandSegmentSizes" in op.attributes:
        return int(list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))[0])
    return len(op.operands) - len(op.results)


def inputs(op: AnyOp) -> list[AnyValue]:
    return list(op.operands)[: num_inputs(op)]


def outputs(op: AnyOp) -> list[AnyValue]:
    """The `outs` (init) operands."""
    return list(op.operands)[num_inputs(op) :]


def body(op: AnyOp) -> AnyOp:
    """The single block of a generic's region (an ir.Block)."""
    return op.regions[0].blocks[0]


def body_ops(op: AnyOp) -> list[AnyOp]:
    """The operations of a generic's body, the linalg.yield last."""
    return list(body(op).operations)


def uses_index_op(op: AnyOp) -> bool:
    """Whether a linalg.index appears in `op`'s body."""
    return bool(ops_named(op, "linalg.index", as_views=False))


# --- indexing maps and iterators ------------------------------------------------------------------


def indexing_maps(op: AnyOp) -> list[AnyMap]:
    """The indexing maps of a generic (one per operand, inputs then outputs) as ir.AffineMaps."""
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def set_indexing_maps(op: AnyOp, maps: list[AnyMap]) -> None:
    op.attributes["indexing_maps"] = ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps])


def _iterator_attrs(op: AnyOp) -> list[AnyAttr]:
    return list(ir.ArrayAttr(op.attributes["iterator_types"]))


def _kind(attr: AnyAttr) -> str:
    text = str(attr)
    for kind in (PARALLEL, REDUCTION):
        if text == f"#linalg.iterator_type<{kind}>":
            return kind
    raise ValueError(f"unknown linalg iterator type {text}")


def iterator_kinds(op: AnyOp) -> list[str]:
    """PARALLEL or REDUCTION for each loop of a linalg.generic, outermost first."""
    return [_kind(a) for a in _iterator_attrs(op)]


def all_parallel(op: AnyOp) -> bool:
    return all(kind == PARALLEL for kind in iterator_kinds(op))


def dim_position(expr: AnyValue) -> int | None:
    """The loop a map result indexes, when it is a plain dimension (d3 -> 3); else None."""
    return ir.AffineDimExpr(expr).position if isinstance(expr, ir.AffineDimExpr) else None


def dim_positions(amap: AnyMap) -> list[int] | None:
    """The loop of each result of `amap`, or None if a result is not a plain dimension."""
    dims = [dim_position(e) for e in amap.results]
    return None if any(d is None for d in dims) else [d for d in dims if d is not None]


def used_dims(amap: AnyMap) -> set[int]:
    """Every loop dimension any result of `amap` reads, also inside compound expressions (d0 * 2 + d1)."""
    found: set[int] = set()
    stack = list(amap.results)
    while stack:
        e = stack.pop()
        if isinstance(e, ir.AffineDimExpr):
            found.add(ir.AffineDimExpr(e).position)
        elif isinstance(e, ir.AffineBinaryExpr):
            stack += [e.lhs, e.rhs]
    return found


def compose(amap: AnyMap, inner: AnyMap) -> AnyMap:
    """amap ∘ inner: amap's dims replaced by inner's results."""
    return ir.AffineMap.get(inner.n_dims, inner.n_symbols, [e.compose(inner) for e in amap.results])


def interchange(op: AnyOp, order: list[int]) -> None:
    """Permute the loops of a linalg.generic in place: new loop k is old loop order[k]."""
    n = len(order)
    new_pos = [0] * n
    for k, old in enumerate(order):
        new_pos[old] = k
    rename = ir.AffineMap.get(n, 0, [ir.AffineDimExpr.get(new_pos[d]) for d in range(n)])
    set_indexing_maps(
        op, [ir.AffineMap.get(n, m.n_symbols, [e.compose(rename) for e in m.results]) for m in indexing_maps(op)]
    )
    iters = _iterator_attrs(op)
    op.attributes["iterator_types"] = ir.ArrayAttr.get([iters[old] for old in order])


# --- shapes --------------------------------------------------------------------------------------


def _static_shape(t: AnyValue) -> list[int] | None:
    if not isinstance(t, ir.ShapedType) or not t.has_rank:
        return None
    shape = list(t.shape)
    return None if any(d == ir.ShapedType.get_dynamic_size() for d in shape) else shape


def loop_ranges(op: AnyOp) -> list[int] | None:
    """Static loop ranges of a tensor linalg.fill or a linalg.generic; None if unknown or dynamic."""
    name = op.operation.name
    if name == "linalg.fill":
        # a fill on a memref has no result: the tensor-level passes leave it alone
        if len(op.results) == 0 or not isinstance(op.results[0].type, ir.RankedTensorType):
            return None
        return _static_shape(op.results[0].type)
    if name != "linalg.generic":
        return None
    maps = indexing_maps(op)
    ranges: list[int | None] = [None] * maps[0].n_dims
    dynamic = ir.ShapedType.get_dynamic_size()
    for value, amap in zip(op.operands, maps, strict=True):
        shape = list(value.type.shape) if isinstance(value.type, ir.ShapedType) else []
        for size, expr in zip(shape, amap.results, strict=False):
            d = dim_position(expr)
            if d is not None and size != dynamic:
                ranges[d] = size
    return None if any(r is None for r in ranges) else [r for r in ranges if r is not None]


def element_bits(op: AnyOp) -> int:
    """Bit width of the smallest int/float element type among the op's operands and results (at least 8;
    32 when there is none)."""
    bits = []
    for v in list(op.operands) + list(op.results):
        t = v.type
        et = t.element_type if isinstance(t, ir.ShapedType) else t
        if isinstance(et, (ir.FloatType, ir.IntegerType)):
            bits.append(et.width)
    return max(8, min(bits)) if bits else 32


def vector_lanes(op: AnyOp, vector_bytes: int) -> int:
    """Elements of `op`'s element type in one vector of `vector_bytes` bytes."""
    return vector_bytes * 8 // element_bits(op)


# Combiners upstream split_reduction knows a neutral element for (it fails on anything else).
REDUCTION_COMBINERS = {
    "arith.addf",
    "arith.mulf",
    "arith.maxnumf",
    "arith.minnumf",
    "arith.maximumf",
    "arith.minimumf",
    "arith.addi",
    "arith.muli",
    "arith.andi",
    "arith.ori",
    "arith.xori",
    "arith.maxsi",
    "arith.minsi",
    "arith.maxui",
    "arith.minui",
}


def reduction_combiner(op: AnyOp) -> AnyOp | None:
    """The op of a reduction generic's body that combines the accumulator (the output block argument) with
    a value computed from the inputs, when it is one upstream split_reduction knows; else None.

    The value may be computed by other body ops first (x * x in a sum of squares): upstream clones the whole
    body into the partial reduction and needs only the combining op to be one it has a neutral element for."""
    ops = body_ops(op)
    block = body(op)
    acc = block.arguments[len(block.arguments) - 1]
    yielded = ops[-1].operands[0] if len(ops[-1].operands) == 1 else None
    comb = defining_op(yielded) if yielded is not None else None
    if comb is None or comb.name not in REDUCTION_COMBINERS or len(comb.operands) != 2:
        return None
    if acc not in list(comb.operands) or comb.operands[0] == comb.operands[1]:
        return None
    # the accumulator feeds the combining op only
    if any(use.owner != comb for use in acc.uses):
        return None
    return comb


def parallel_iterators(n: int) -> AnyAttr:
    return ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{PARALLEL}>")] * n)


def elementwise(value: AnyValue, where: AnyOp, body: Callable[[AnyValue], AnyValue], after: bool = False) -> AnyValue:
    """A new tensor generic before (or `after`) `where` mapping each element x of `value` to body(x) (identity
    maps, a tensor.empty init of the same type); body builds its ops at the insertion point it is called at."""
    t = value.type
    rank = len(t.shape)
    point = ir.InsertionPoint.after(where.operation) if after else ir.InsertionPoint(where)
    with point, where.location:
        init = tensor.EmptyOp(list(t.shape), t.element_type)
        identity = ir.AffineMapAttr.get(ir.AffineMap.get_identity(rank))
        op = linalg.GenericOp(
            [t], [value], [init.result], ir.ArrayAttr.get([identity, identity]), parallel_iterators(rank)
        )
        block = op.regions[0].blocks.append(t.element_type, t.element_type)
    with ir.InsertionPoint(block), where.location:
        linalg.YieldOp([body(block.arguments[0])])
    return op.results[0]
