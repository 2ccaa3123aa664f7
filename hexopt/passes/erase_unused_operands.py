"""erase-unused-linalg-operands: drop the inputs a linalg.generic body does not read, and the results nobody uses.

Fusion, hoist-scalar-ops and broadcast-div-to-mul leave generics with inputs their body no longer reads
(a fused producer's operands, an invariant input now read once before the op) and multi-use fusion
leaves results whose other users went away. Each such operand is still tiled, sliced, read by the
vectorizer (a transfer_read per tile) and kept alive by bufferization. Upstream's
`transform.apply_patterns.linalg.erase_unnecessary_inputs` removes unread (and duplicate) inputs; the
pattern that also removes unused results exists only in C++ (`populateEraseUnusedOperandsAndResultsPatterns`,
no pass, transform op or Python binding), so results are removed here: a result with no use whose init
the body does not read (its value depends on nothing but the yield) goes away with its init, map and
yielded value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, ir, linalg

from . import _linalg as L
from ._transform import ROOT, Script, run_script
from .base import Pass


def _unused_results(op: AnyOp) -> list[int]:
    """Results with no use whose init the body does not read, as long as the maps left still read every loop
    (a generic whose loop no map reads has no range for it: the bindings abort on it)."""
    n_in = L.num_inputs(op)
    block = L.body(op)
    maps = L.indexing_maps(op)
    n_loops = len(L.iterator_kinds(op))
    drop: list[int] = []
    for k, r in enumerate(op.results):
        if any(True for _ in r.uses) or any(True for _ in block.arguments[n_in + k].uses):
            continue
        kept = [m for i, m in enumerate(maps) if i - n_in not in drop and i - n_in != k]
        if set().union(*(L.used_dims(m) for m in kept)) >= set(range(n_loops)):
            drop.append(k)
    return drop


def drop_results(op: AnyOp, drop: list[int]) -> AnyOp:
    """Rebuild the generic `op` without the results (and inits, maps, yielded values) in `drop`."""
    n_in = L.num_inputs(op)
    keep = [k for k in range(len(op.results)) if k not in drop]
    maps = L.indexing_maps(op)
    new_maps = maps[:n_in] + [maps[n_in + k] for k in keep]
    outputs = L.outputs(op)
    old = L.body(op)
    with ir.InsertionPoint(op), op.location:
        new = linalg.GenericOp(
            [op.results[k].type for k in keep],
            L.inputs(op),
            [outputs[k] for k in keep],
            ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in new_maps]),
            op.attributes["iterator_types"],
        )
        arg_types = [a.type for a in old.arguments][:n_in] + [old.arguments[n_in + k].type for k in keep]
        block = new.regions[0].blocks.append(*arg_types)
    old_args = list(old.arguments)[:n_in] + [old.arguments[n_in + k] for k in keep]
    for o, nw in zip(old_args, block.arguments, strict=True):
        o.replace_all_uses_with(nw)
    yield_op = list(old.operations)[-1]
    values = [yield_op.operands[k] for k in keep]
    for body_op in list(old.operations)[:-1]:
        body_op.operation.detach_from_parent()
        ir.InsertionPoint(block).insert(body_op.operation)
    with ir.InsertionPoint(block), op.location:
        linalg.YieldOp(values)
    for name in op.attributes:
        if name not in ("indexing_maps", "iterator_types", "operandSegmentSizes"):
            new.attributes[name] = op.attributes[name]
    for i, k in enumerate(keep):
        op.results[k].replace_all_uses_with(new.results[i])
    op.erase()
    return new


@dataclass(frozen=True)
class EraseUnusedLinalgOperands(Pass):
    """Remove linalg.generic inputs the body does not read (upstream patterns) and unused results whose init is
    not read."""

    name: ClassVar[str] = "erase-unused-linalg-operands"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        for op in L.generics(module):
            if not L.has_tensor_semantics(op):
                continue
            drop = _unused_results(op)
            if drop and len(drop) < len(op.results):
                drop_results(op, drop)
        script = Script()
        script.apply_patterns(ROOT, ["linalg.erase_unnecessary_inputs"])
        for func in [op for op in module.body.operations if op.operation.name == "func.func"]:
            run_script(func, script)
