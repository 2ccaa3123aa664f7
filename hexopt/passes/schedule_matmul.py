"""schedule-matmul-for-hvx: fold transposes into matmuls, generalize, put a parallel loop innermost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AffineDimExpr, ir

from . import _transform as T
from .base import Pass, PassFailure

MATMULS = ("linalg.matmul", "linalg.batch_matmul")

# linalg ops that are already generic, that the fused IR keeps named (fills become constants in
# consumer bodies or stay as plain initializers), or that are not structured ops at all.
KEEP_NAMED = frozenset({
    "linalg.generic", "linalg.fill", "linalg.yield", "linalg.index", "linalg.pack", "linalg.unpack",
    "linalg.softmax", "linalg.winograd_filter_transform", "linalg.winograd_input_transform",
    "linalg.winograd_output_transform",
})


def defining_op(value):
    """The Operation that defines `value`, or None for a block argument."""
    owner = value.owner
    return None if isinstance(owner, ir.Block) else owner.operation


def indexing_maps(op) -> list:
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def set_indexing_maps(op, maps) -> None:
    op.attributes["indexing_maps"] = ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps])


def map_through_transpose(consumer_map, permutation: list[int]):
    """The map that reads a transpose's input where `consumer_map` read its result.

    linalg.transpose writes result[i_0, ..., i_n] = input[j] with j[permutation[k]] = i_k.
    """
    results = list(consumer_map.results)
    new = [None] * len(results)
    for k, p in enumerate(permutation):
        new[p] = results[k]
    return ir.AffineMap.get(consumer_map.n_dims, consumer_map.n_symbols, new)


def fold_transposes(op) -> bool:
    """Make `op` (a named matmul) read the inputs of the linalg.transpose ops feeding it."""
    changed = False
    maps = indexing_maps(op)
    for i in range(2):
        producer = defining_op(op.operands[i])
        if producer is None or producer.name != "linalg.transpose":
            continue
        perm = list(ir.DenseI64ArrayAttr(producer.attributes["permutation"]))
        old_maps, old_operand = list(maps), op.operands[i]
        maps[i] = map_through_transpose(maps[i], perm)
        set_indexing_maps(op, maps)
        op.operands[i] = producer.operands[0]
        try:
            ok = op.verify()
        except ir.MLIRError:
            ok = False
        if not ok:  # e.g. a batch_matmul whose batch dim would move: keep the transpose
            maps = old_maps
            set_indexing_maps(op, maps)
            op.operands[i] = old_operand
            continue
        changed = True
        if not list(producer.results[0].uses):
            producer.erase()
    return changed


def innermost_parallel_order(op) -> list[int] | None:
    """Loop order (new position -> old loop) that moves the output's last parallel dim innermost.

    Parallel loops keep their relative order, reductions follow, and the loop indexing the
    output's contiguous dimension comes last, so the innermost loop of e.g. a matmul walks N.
    None when the innermost loop already is parallel or no such loop exists.
    """
    iters = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    parallel = ["parallel" in s for s in iters]
    if not iters or parallel[-1]:
        return None
    out_map = indexing_maps(op)[-1]
    if not out_map.results or not isinstance(out_map.results[-1], AffineDimExpr):
        return None
    inner = AffineDimExpr(out_map.results[-1]).position
    if not parallel[inner]:
        return None
    n = len(iters)
    return ([d for d in range(n) if parallel[d] and d != inner] + [d for d in range(n) if not parallel[d]]
            + [inner])


def interchange(op, order: list[int]) -> None:
    """Permute the loops of a linalg.generic in place: new loop k is old loop order[k]."""
    n = len(order)
    new_pos = [0] * n
    for k, old in enumerate(order):
        new_pos[old] = k
    rename = ir.AffineMap.get(n, 0, [ir.AffineDimExpr.get(new_pos[d]) for d in range(n)])
    maps = [ir.AffineMap.get(n, m.n_symbols, [e.compose(rename) for e in m.results]) for m in indexing_maps(op)]
    set_indexing_maps(op, maps)
    iters = list(ir.ArrayAttr(op.attributes["iterator_types"]))
    op.attributes["iterator_types"] = ir.ArrayAttr.get([iters[old] for old in order])


def walk_ops(root, pred) -> list:
    found = []

    def visit(op):
        if pred(op):
            found.append(op)
        return ir.WalkResult.ADVANCE

    root.operation.walk(visit)
    return found


def position_in_block(op) -> tuple:
    block = op.block
    for i, other in enumerate(block.operations):
        if other.operation == op:
            return block, i
    raise AssertionError("op not found in its own block")


@dataclass(frozen=True)
class ScheduleMatmulForHvx(Pass):
    """Fold transposes into matmuls, generalize named linalg ops, and make matmuls' innermost loop parallel."""

    name: ClassVar[str] = "schedule-matmul-for-hvx"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func) -> None:
        matmuls = walk_ops(func, lambda op: op.name in MATMULS and "library_call" not in op.attributes)
        for op in matmuls:
            fold_transposes(op)
        # Generalization replaces each op in place, one for one: remember where the matmuls are,
        # since the Python handles of replaced ops must not be touched again.
        where = [position_in_block(op.operation) for op in matmuls]
        named = walk_ops(func, lambda op: op.name.startswith("linalg.") and op.name not in KEEP_NAMED)
        if not named:
            return
        clause = ""
        for op in named:
            clause = T.tag(op, 0)
        T.run_script(func, "    %named = transform.structured.match interface{LinalgOp} attributes{"
                     + clause + "} in %root : (!transform.any_op) -> !transform.any_op\n"
                     "    %generic = transform.structured.generalize %named"
                     " : (!transform.any_op) -> !transform.any_op")
        for block, index in where:
            generic = list(block.operations)[index]
            if generic.name != "linalg.generic":
                raise PassFailure(f"{self.name}: a matmul was not generalized")
            order = innermost_parallel_order(generic)
            if order is not None:
                interchange(generic, order)
