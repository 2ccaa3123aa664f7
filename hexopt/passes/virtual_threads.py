"""form-virtual-threads: split big static linalg ops into an scf.forall over one parallel loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import ir

from .base import Pass, PassFailure, option
from . import _transform as T

_MARK = "hexopt.virtual_threads"


def body_op_count(op) -> int:
    """Operations in a linalg.generic body, the terminator excluded (1 for other linalg ops)."""
    if op.name != "linalg.generic":
        return 1
    return max(1, len(op.regions[0].blocks[0].operations) - 1)


def inside_forall(op) -> bool:
    parent = op.parent
    while parent is not None and parent.name != "builtin.module":
        if parent.name == "scf.forall":
            return True
        parent = parent.parent
    return False


@dataclass(frozen=True)
class FormVirtualThreads(Pass):
    """Tile each big static tensor linalg op into an scf.forall of num-threads chunks of one parallel loop."""

    name: ClassVar[str] = "form-virtual-threads"
    scope: ClassVar[str] = "builtin.module"

    num_threads: int = option(4, "number of chunks (threads) the chosen parallel loop is split into")
    min_work: int = option(65536, "split an op only if loop-range product x body-ops / 2 reaches this")

    def thread_dim(self, op) -> int | None:
        """The loop to split (the outermost parallel one that num-threads divides), or None."""
        if op.name != "linalg.generic" or not T.has_tensor_semantics(op) or inside_forall(op):
            return None
        ranges = T.loop_ranges(op)
        if not ranges:
            return None
        work = 1
        for r in ranges:
            work *= r
        if work * body_op_count(op) // 2 < self.min_work:
            return None
        iterators = [str(a) for a in op.attributes["iterator_types"]]
        for dim, (kind, size) in enumerate(zip(iterators, ranges)):
            if "parallel" in kind and size >= self.num_threads and size % self.num_threads == 0:
                return dim
        return None

    def apply(self, module) -> None:
        if self.num_threads < 1:
            raise PassFailure("form-virtual-threads: num-threads must be at least 1")
        if self.num_threads == 1:
            return
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            dim = self.thread_dim(op)
            if dim is None:
                continue
            ranges = T.loop_ranges(op)
            sizes = [0] * len(ranges)
            sizes[dim] = ranges[dim] // self.num_threads
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            lines.append(f"    %tiled{i}, %forall{i} = transform.structured.tile_using_forall %op{i}"
                         f" tile_sizes {sizes} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)")
            lines.append(f'    transform.annotate %forall{i} "{_MARK}" : !transform.any_op')
        if not lines:
            return
        T.run_script(module, "\n".join(lines))
        for forall in _marked_foralls(module):
            del forall.attributes[_MARK]
            denormalize(forall)


def _marked_foralls(module) -> list:
    found = []

    def visit(op):
        if op.name == "scf.forall" and _MARK in op.attributes:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    return found


def denormalize(forall) -> None:
    """Turn `scf.forall (%i) in (n)` whose only uses are `affine.apply (d0 * c)` into
    `scf.forall (%j) = (0) to (n * c) step (c)`: the loop then walks rows, like the reference's."""
    lb = list(ir.DenseI64ArrayAttr(forall.attributes["staticLowerBound"]))
    step = list(ir.DenseI64ArrayAttr(forall.attributes["staticStep"]))
    ub = list(ir.DenseI64ArrayAttr(forall.attributes["staticUpperBound"]))
    if len(ub) != 1 or lb != [0] or step != [1] or ub[0] < 0:
        return
    iv = forall.regions[0].blocks[0].arguments[0]
    applies, chunk = [], None
    for use in iv.uses:
        user = use.owner
        if user.name != "affine.apply" or len(user.operands) != 1:
            return
        amap = ir.AffineMapAttr(user.attributes["map"]).value
        expected = None
        if amap.n_dims == 1 and amap.n_symbols == 0 and len(amap.results) == 1:
            c = _coefficient(amap)
            if c is not None and (chunk is None or c == chunk):
                chunk, expected = c, c
        if expected is None:
            return
        applies.append(user)
    if chunk is None:
        return
    forall.attributes["staticUpperBound"] = ir.DenseI64ArrayAttr.get([ub[0] * chunk])
    forall.attributes["staticStep"] = ir.DenseI64ArrayAttr.get([chunk])
    for apply in applies:
        apply.results[0].replace_all_uses_with(iv)
        apply.erase()


def _coefficient(amap) -> int | None:
    """c if `amap` is (d0) -> (d0 * c) with c > 0 (or (d0) -> (d0): 1), else None."""
    expr = amap.results[0]
    if isinstance(expr, ir.AffineDimExpr):
        return 1
    if isinstance(expr, ir.AffineMulExpr):
        lhs, rhs = expr.lhs, expr.rhs
        if isinstance(lhs, ir.AffineDimExpr) and isinstance(rhs, ir.AffineConstantExpr) and rhs.value > 0:
            return rhs.value
    return None
