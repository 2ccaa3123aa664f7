"""Shared helpers of the loop-level passes: run a transform-dialect script, read linalg loop ranges.

The loop-level passes pick their target ops in Python (tile sizes depend on each op's shapes), tag
them with a discardable attribute, and let one upstream transform script do the rewriting.
"""

from __future__ import annotations

from hexopt.ir import AffineDimExpr, ir, transform_interpreter

from .base import PassFailure

TAG = "hexopt.target"


def linalg_ops(root) -> list:
    """All linalg structured ops (generic, fill and named ops) nested under `root`, in walk order."""
    found = []

    def visit(op):
        name = op.name
        if name.startswith("linalg.") and name not in ("linalg.yield", "linalg.index"):
            found.append(op)
        return ir.WalkResult.ADVANCE

    root.operation.walk(visit)
    return found


def has_tensor_semantics(op) -> bool:
    return all(not isinstance(v.type, ir.MemRefType) for v in op.operands) and len(op.results) > 0


def loop_ranges(op) -> list[int] | None:
    """Static loop ranges of a linalg.generic or linalg.fill; None if unknown or dynamic."""
    if op.name == "linalg.fill":
        if len(op.results) == 0:  # a fill on a memref: the tensor-level passes leave it alone
            return None
        out_type = op.results[0].type
        if not isinstance(out_type, ir.RankedTensorType):
            return None
        shape = list(out_type.shape)
        return None if any(d == ir.ShapedType.get_dynamic_size() for d in shape) else shape
    if op.name != "linalg.generic":
        return None
    maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    n = maps[0].n_dims
    ranges: list[int | None] = [None] * n
    for value, amap in zip(op.operands, maps):
        shape = list(value.type.shape) if isinstance(value.type, ir.ShapedType) else []
        for size, expr in zip(shape, amap.results):
            if isinstance(expr, AffineDimExpr) and size != ir.ShapedType.get_dynamic_size():
                ranges[expr.position] = size
    return None if any(r is None for r in ranges) else ranges  # type: ignore[return-value]


def iterator_kinds(op) -> list[str]:
    """"parallel" / "reduction" for each loop of a linalg.generic."""
    return [str(a).split("<")[-1].rstrip(">") for a in ir.ArrayAttr(op.attributes["iterator_types"])]


def element_bits(op) -> int:
    """Bit width of the smallest element type among the op's shaped operands (at least 8)."""
    bits = []
    for v in list(op.operands) + list(op.results):
        t = v.type
        et = t.element_type if isinstance(t, ir.ShapedType) else t
        if isinstance(et, ir.FloatType):
            bits.append(et.width)
        elif isinstance(et, ir.IntegerType):
            bits.append(et.width)
    return max(8, min(bits)) if bits else 32


def tag(op, index: int) -> str:
    """Mark `op` for a transform script; returns the `match` clause that finds it again."""
    op.attributes[TAG] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), index)
    return f"{TAG} = {index} : i64"


def untag(root) -> None:
    def visit(op):
        if TAG in op.attributes:
            del op.attributes[TAG]
        return ir.WalkResult.ADVANCE

    root.operation.walk(visit)


def run_script(module, body: str) -> None:
    """Apply `body` (transform ops using `%root`, the module) to `module`; PassFailure on error."""
    text = (
        "module attributes {transform.with_named_sequence} {\n"
        "  transform.named_sequence @__transform_main(%root: !transform.any_op) {\n"
        f"{body}\n"
        "    transform.yield\n  }\n}\n"
    )
    script = ir.Module.parse(text, context=module.context)
    seq = script.body.operations[0]
    try:
        transform_interpreter.apply_named_sequence(module.operation, seq, script)
    except ir.MLIRError as e:
        raise PassFailure(f"transform script failed: {e}") from None
    finally:
        untag(module)
