"""form-virtual-threads: split big static linalg ops into an scf.forall over one parallel loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hexopt.ir import AnyMap, AnyOp, ir, walk_ops

from . import _linalg as L
from ._transform import Script, run_on_targets
from .base import Pass, option, power_of_two

_MARK = "hexopt.virtual_threads"


def body_op_count(op: AnyOp) -> int:
    """Operations in a linalg.generic body, the terminator excluded (1 for other linalg ops)."""
    if not L.is_generic(op):
        return 1
    return max(1, len(L.body_ops(op)) - 1)


def inside_forall(op: AnyOp) -> bool:
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

    # At most 128: the async runtime starts one task per chunk; more chunks than that only add overhead
    # on a DSP with a handful of hardware threads.
    num_threads: int = option(4, "number of chunks (threads) the chosen parallel loop is split into", min=1, max=128)
    min_work: int = option(65536, "split an op only if loop-range product x body-ops / 2 reaches this", min=0)
    vector_bytes: int = option(
        128,
        "HVX vector length in bytes: the innermost loop is split only into chunks of "
        "whole vectors (vector-bytes / element size lanes)",
        min=8,
        max=256,
        check=power_of_two,
    )
    split_reductions: bool = option(
        True,
        "a big reduction with no parallel loop to split (a sum that "
        "split-reduce-generic made [n/32 reduction, 32 parallel]) is split into "
        "num-threads partial reductions of contiguous chunks, one per thread, and "
        "a final one",
    )

    def thread_dim(self, op: AnyOp) -> int | None:
        """The loop to split (the outermost parallel one that num-threads divides), or None."""
        if not L.is_generic(op) or not L.has_tensor_semantics(op) or inside_forall(op):
            return None
        ranges = L.loop_ranges(op)
        if not ranges:
            return None
        work = 1
        for r in ranges:
            work *= r
        if work * body_op_count(op) // 2 < self.min_work:
            return None
        for dim, (kind, size) in enumerate(zip(L.iterator_kinds(op), ranges, strict=True)):
            if kind == L.PARALLEL and size >= self.num_threads and size % self.num_threads == 0:
                if dim == len(ranges) - 1 and (size // self.num_threads) % L.vector_lanes(op, self.vector_bytes):
                    continue  # chunks of the innermost loop that are not whole vectors would run scalar
                return dim
        return None

    def reduction_split(self, op: AnyOp) -> bool:
        """Whether `op` is a big reduction that thread_dim cannot split and whose one reduction loop splits
        into num-threads contiguous chunks (split_reduction without inner_parallel: each thread reduces its
        chunk into its own row of partial results, vectorized along the parallel loops)."""
        if not self.split_reductions or not L.is_generic(op) or not L.has_tensor_semantics(op):
            return False
        if inside_forall(op) or len(op.results) != 1 or self.thread_dim(op) is not None:
            return False
        ranges = L.loop_ranges(op)
        kinds = L.iterator_kinds(op)
        if not ranges or kinds.count(L.REDUCTION) != 1:
            return False
        work = 1
        for r in ranges:
            work *= r
        if work * body_op_count(op) // 2 < self.min_work:
            return False
        red = kinds.index(L.REDUCTION)
        if ranges[red] % self.num_threads or ranges[red] // self.num_threads < 2:
            return False
        # upstream split_reduction asserts on a map result that is not a loop dimension
        if not all(m.is_projected_permutation for m in L.indexing_maps(op)):
            return False
        return L.reduction_combiner(op) is not None

    def chunk_sizes(self, op: AnyOp) -> tuple[int, ...] | None:
        """Tile sizes of the forall (0 on every loop but the split one), or None to leave `op` alone."""
        dim = self.thread_dim(op)
        ranges = L.loop_ranges(op)
        if dim is None or ranges is None:
            return None
        sizes = [0] * len(ranges)
        sizes[dim] = ranges[dim] // self.num_threads
        return tuple(sizes)

    def apply(self, module: AnyOp) -> None:
        if self.num_threads == 1:
            return
        targets: list[tuple[AnyOp, tuple[tuple[Any, ...], int]]] = []
        for i, op in enumerate(L.structured_ops(module)):
            sizes = self.chunk_sizes(op)
            if sizes is not None:
                targets.append((op, (sizes, i)))  # one forall per op: the index keeps keys apart
            elif self.reduction_split(op):
                targets.append((op, (("reduction", self.num_threads, len(L.loop_ranges(op) or [])), i)))
        if not targets:
            return
        run_on_targets(module, targets, _tile)
        for forall in walk_ops(module, lambda op: op.name == "scf.forall" and _MARK in op.attributes):
            del forall.attributes[_MARK]
            denormalize(forall)


def _tile(script: Script, handle: str, key: tuple[tuple[Any, ...], int]) -> None:
    sizes = key[0]
    if sizes and sizes[0] == "reduction":
        _, threads, rank = sizes
        partial = script.split_reduction_outer(handle, threads)
        # the partial op has one more loop (the chunk, outermost): one chunk per thread
        _tiled, forall = script.tile_using_forall(partial, [1] + [0] * rank)
    else:
        _tiled, forall = script.tile_using_forall(handle, sizes)
    script.annotate(forall, _MARK)


def denormalize(forall: AnyOp) -> None:
    """Turn `scf.forall (%i) in (n)` whose only uses are `affine.apply (d0 * c)` into
    `scf.forall (%j) = (0) to (n * c) step (c)`: the loop then walks rows, like the reference's."""
    lb = list(ir.DenseI64ArrayAttr(forall.attributes["staticLowerBound"]))
    step = list(ir.DenseI64ArrayAttr(forall.attributes["staticStep"]))
    ub = list(ir.DenseI64ArrayAttr(forall.attributes["staticUpperBound"]))
    if len(ub) != 1 or lb != [0] or step != [1] or ub[0] < 0:
        return
    iv = forall.regions[0].blocks[0].arguments[0]
    applies: list[AnyOp] = []
    chunk: int | None = None
    for use in iv.uses:
        user = use.owner
        if user.name != "affine.apply" or len(user.operands) != 1:
            return
        amap = ir.AffineMapAttr(user.attributes["map"]).value
        c = _coefficient(amap) if amap.n_dims == 1 and amap.n_symbols == 0 and len(amap.results) == 1 else None
        if c is None or (chunk is not None and c != chunk):
            return
        chunk = c
        applies.append(user)
    if chunk is None:
        return
    forall.attributes["staticUpperBound"] = ir.DenseI64ArrayAttr.get([ub[0] * chunk])
    forall.attributes["staticStep"] = ir.DenseI64ArrayAttr.get([chunk])
    for apply in applies:
        apply.results[0].replace_all_uses_with(iv)
        apply.erase()


def _coefficient(amap: AnyMap) -> int | None:
    """c if `amap` is (d0) -> (d0 * c) with c > 0 (or (d0) -> (d0): 1), else None."""
    expr = amap.results[0]
    if isinstance(expr, ir.AffineDimExpr):
        return 1
    if isinstance(expr, ir.AffineMulExpr):
        lhs, rhs = expr.lhs, expr.rhs
        if isinstance(lhs, ir.AffineDimExpr) and isinstance(rhs, ir.AffineConstantExpr) and rhs.value > 0:
            return int(rhs.value)
    return None
