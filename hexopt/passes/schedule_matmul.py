"""schedule-matmul-for-hvx: fold transposes into matmuls, generalize, put a parallel loop innermost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyMap, AnyOp, ir, walk_ops

from . import _linalg as L
from ._transform import Script, run_script, tag_ops
from .base import Pass, PassFailure

MATMULS = ("linalg.matmul", "linalg.batch_matmul")

# linalg ops that are already generic, that the fused IR keeps named (fills become constants in
# consumer bodies or stay as plain initializers), or that are not structured ops at all.
KEEP_NAMED = frozenset(
    {
        "linalg.generic",
        "linalg.fill",
        "linalg.yield",
        "linalg.index",
        "linalg.pack",
        "linalg.unpack",
        "linalg.softmax",
        "linalg.winograd_filter_transform",
        "linalg.winograd_input_transform",
        "linalg.winograd_output_transform",
    }
)


def map_through_transpose(consumer_map: AnyMap, permutation: list[int]) -> AnyMap:
    """The map that reads a transpose's input where `consumer_map` read its result.

    linalg.transpose writes result[i_0, ..., i_n] = input[j] with j[permutation[k]] = i_k.
    """
    results = list(consumer_map.results)
    new = list(results)
    for k, p in enumerate(permutation):
        new[p] = results[k]
    return ir.AffineMap.get(consumer_map.n_dims, consumer_map.n_symbols, new)


def fold_transposes(op: AnyOp) -> bool:
    """Make `op` (a named matmul) read the inputs of the linalg.transpose ops feeding it."""
    changed = False
    maps = L.indexing_maps(op)
    for i in range(2):
        producer = L.defining_op(op.operands[i])
        if producer is None or producer.name != "linalg.transpose":
            continue
        perm = list(ir.DenseI64ArrayAttr(producer.attributes["permutation"]))
        old_maps, old_operand = list(maps), op.operands[i]
        maps[i] = map_through_transpose(maps[i], perm)
        L.set_indexing_maps(op, maps)
        op.operands[i] = producer.operands[0]
        try:
            ok = op.verify()
        except ir.MLIRError:
            ok = False
        if not ok:  # e.g. a batch_matmul whose batch dim would move: keep the transpose
            maps = old_maps
            L.set_indexing_maps(op, maps)
            op.operands[i] = old_operand
            continue
        changed = True
        if not list(producer.results[0].uses):
            producer.erase()
    return changed


def innermost_parallel_order(op: AnyOp) -> list[int] | None:
    """Loop order (new position -> old loop) that moves the output's last parallel dim innermost.

    Parallel loops keep their relative order, reductions follow, and the loop indexing the
    output's contiguous dimension comes last, so the innermost loop of e.g. a matmul walks N.
    None when the innermost loop already is parallel or no such loop exists.
    """
    parallel = [kind == L.PARALLEL for kind in L.iterator_kinds(op)]
    if not parallel or parallel[-1]:
        return None
    out_map = L.indexing_maps(op)[-1]
    inner = L.dim_position(out_map.results[-1]) if out_map.results else None
    if inner is None or not parallel[inner]:
        return None
    n = len(parallel)
    return [d for d in range(n) if parallel[d] and d != inner] + [d for d in range(n) if not parallel[d]] + [inner]


def position_in_block(op: AnyOp) -> tuple[AnyOp, int]:
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

    def run_on_function(self, func: AnyOp) -> None:
        matmuls = walk_ops(func, lambda op: op.name in MATMULS and "library_call" not in op.attributes)
        for op in matmuls:
            fold_transposes(op)
        # Generalization replaces each op in place, one for one: remember where the matmuls are,
        # since the Python handles of replaced ops must not be touched again.
        where = [position_in_block(op.operation) for op in matmuls]
        # an op that names a library_call stays named: replace-library-calls calls that routine for it
        named = walk_ops(
            func,
            lambda op: (
                op.name.startswith("linalg.") and op.name not in KEEP_NAMED and "library_call" not in op.attributes
            ),
        )
        if not named:
            return
        tag_ops(named, 0)
        script = Script()
        script.generalize(script.match_tagged(0, interface="LinalgOp"))
        run_script(func, script)
        for block, index in where:
            generic = list(block.operations)[index]
            if generic.name != "linalg.generic":
                raise PassFailure(f"{self.name}: a matmul was not generalized")
            order = innermost_parallel_order(generic)
            if order is not None:
                L.interchange(generic, order)
