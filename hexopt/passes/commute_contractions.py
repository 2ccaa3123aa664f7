"""commute-transposed-contractions: compute C = A·Bᵀ as Cᵀ = B·Aᵀ when A is loop-invariant and B is not.

After schedule-matmul-for-hvx, the seed's QKᵀ reads K transposed through its indexing map (K[j, k] in the
(i, k, j) loops). The innermost, vectorized loop walks j, so materialize-transposed-operands copies the K
block transposed in every KV iteration (in every thread, with row threads: a 64x64 scalar copy or gather
per 64 rows). But Q, the other operand, is the same in every iteration. Computed transposed, Sᵀ[j, i] =
Σ_k K[j, k]·Qᵀ[k, i], the product reads K as it is stored (one scalar per row of the register tile) and
Qᵀ, which is copied once, before the loop. The values the loop computes elementwise from S (P = exp2(S·c
- m)) are stored transposed too, so that their innermost loop still walks contiguous memory (and a row
max or row sum of S becomes an elementwise max/sum of contiguous vectors instead of a reduction across
vector lanes); the contraction that consumes P (PV) reads P's scalars through the transposed map.

The rewrite applies when the contraction's result is used only by linalg.generic ops, and every 2-D
value it then makes transposed is used only by generics too (nothing is yielded by the loop, returned
or stored): a change of layout inside the loop body, invisible outside. Upstream has no such layout
propagation for linalg on tensors (data-layout-propagation handles tensor.pack/unpack only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyMap, AnyOp, AnyValue, ir, linalg, tensor

from . import _linalg as L
from .base import Pass


def _swap(amap: AnyMap) -> AnyMap:
    """A 2-result map with its results swapped (the operand is read transposed)."""
    return ir.AffineMap.get(amap.n_dims, amap.n_symbols, [amap.results[1], amap.results[0]])


def _enclosing_loop(op: AnyOp) -> AnyOp | None:
    parent = op.operation.parent
    while parent is not None and parent.name != "func.func":
        if parent.name == "scf.for":
            return parent
        parent = parent.parent
    return None


def _defined_outside(value: AnyValue, loop: AnyOp) -> bool:
    owner = value.owner
    op = owner.owner if isinstance(owner, ir.Block) else owner
    while op is not None:
        if op == loop:
            return False
        op = op.parent
    return True


def candidate(op: AnyOp) -> bool:
    """A [parallel i, reduction k, parallel j] contraction C[i, j] += A[i, k] * B[j, k] inside an scf.for, with A
    defined outside the loop and B inside it, a 2-D tensor result and a fill as its init."""
    if not L.is_generic(op) or not L.has_tensor_semantics(op) or len(op.results) != 1 or L.num_inputs(op) != 2:
        return False
    if L.iterator_kinds(op) != [L.PARALLEL, L.REDUCTION, L.PARALLEL]:
        return False
    maps = [L.dim_positions(m) for m in L.indexing_maps(op)]
    if maps != [[0, 1], [2, 1], [0, 2]]:
        return False
    loop = _enclosing_loop(op)
    if loop is None or not _defined_outside(op.operands[0], loop) or _defined_outside(op.operands[1], loop):
        return False
    init = L.defining_op(op.operands[2])
    return init is not None and init.name == "linalg.fill" and L.has_tensor_semantics(init)


def transposed_set(root: AnyValue) -> list[tuple[AnyOp, list[int]]] | None:
    """The generics that make values to store transposed, from `root` (the contraction's result) through the
    all-parallel generics that read one of them with their output's indexing; with the result numbers they
    transpose. None when a value would escape (used by anything but a generic)."""
    found: list[tuple[AnyOp, list[int]]] = []
    values = [root]
    seen: set[int] = set()
    while values:
        value = values.pop()
        for use in value.uses:
            user = use.owner
            if user.name != "linalg.generic" or not L.has_tensor_semantics(user):
                return None
            if use.operand_number >= L.num_inputs(user):
                return None  # written into: its layout is the writer's
            key = hash(user)
            if key in seen:
                continue
            if L.all_parallel(user):
                maps = L.indexing_maps(user)
                read = maps[use.operand_number]
                outs = [j for j, m in enumerate(maps[L.num_inputs(user) :]) if m == read]
                if outs and len(read.results) == 2:
                    seen.add(key)
                    found.append((user, outs))
                    values.extend(user.results[j] for j in outs)
    return found


def _transposed_type(t: AnyValue) -> AnyValue:
    rt = ir.RankedTensorType(t)
    return ir.RankedTensorType.get(list(reversed(list(rt.shape))), rt.element_type)


@dataclass(frozen=True)
class CommuteTransposedContractions(Pass):
    """Compute a contraction that reads B transposed as the transposed product of B and a copy of Aᵀ made once."""

    name: ClassVar[str] = "commute-transposed-contractions"
    scope: ClassVar[str] = "func.func"

    def run_on_function(self, func: AnyOp) -> None:
        for op in L.generics(func):
            if not candidate(op):
                continue
            users = transposed_set(op.results[0])
            if users is None:
                continue
            with op.location:
                self.rewrite(op, users)

    @staticmethod
    def rewrite(op: AnyOp, users: list[tuple[AnyOp, list[int]]]) -> None:
        a = op.operands[0]
        loop = _enclosing_loop(op)
        a_shape = list(ir.RankedTensorType(a.type).shape)
        with ir.InsertionPoint(loop):  # Aᵀ once, before the loop
            empty = tensor.EmptyOp([a_shape[1], a_shape[0]], ir.RankedTensorType(a.type).element_type)
            a_t = linalg.transpose(a, outs=[empty.result], permutation=[1, 0]).results[0]
        # Cᵀ[j, i] = sum_k B[j, k] * Aᵀ[k, i] in the loops (j, k, i); the body still gets (a, b, out).
        d = [ir.AffineDimExpr.get(i) for i in range(3)]
        maps = [
            ir.AffineMap.get(3, 0, [d[1], d[2]]),
            ir.AffineMap.get(3, 0, [d[0], d[1]]),
            ir.AffineMap.get(3, 0, [d[0], d[2]]),
        ]
        op.operands[0] = a_t
        L.set_indexing_maps(op, maps)
        _transpose_init(op, 0)
        result = op.results[0]
        # Readers of a transposed value read it through swapped maps; the elementwise makers of further
        # transposed values write them transposed and walk them in storage order.
        readers = {
            hash(u.owner): u.owner for v in [result] + [u.results[j] for u, outs in users for j in outs] for u in v.uses
        }
        transposed = {result} | {u.results[j] for u, outs in users for j in outs}
        for user in readers.values():
            maps = L.indexing_maps(user)
            for i, v in enumerate(L.inputs(user)):
                if v in transposed:
                    maps[i] = _swap(maps[i])
            L.set_indexing_maps(user, maps)
        for user, outs in users:
            maps = L.indexing_maps(user)
            n_in = L.num_inputs(user)
            for j in outs:
                maps[n_in + j] = _swap(maps[n_in + j])
                _transpose_init(user, j)
            L.set_indexing_maps(user, maps)
            # loops in the order of the (first) transposed output, so the innermost one walks it contiguously
            order = L.dim_positions(maps[n_in + outs[0]])
            if order is not None and order != sorted(order) and len(order) == len(L.iterator_kinds(user)):
                L.interchange(user, order)
                _fold_unit_expansions(user)
        for v in transposed:
            v.set_type(_transposed_type(v.type))


def _transpose_init(op: AnyOp, j: int) -> None:
    """Give result `j` of `op` a transposed init: a new tensor.empty, filled again if the init was a fill."""
    n_in = L.num_inputs(op)
    init = op.operands[n_in + j]
    shape = list(reversed(list(ir.RankedTensorType(init.type).shape)))
    elem = ir.RankedTensorType(init.type).element_type
    producer = L.defining_op(init)
    with ir.InsertionPoint(op):
        empty = tensor.EmptyOp(shape, elem).result
        if producer is not None and producer.name == "linalg.fill":
            new = linalg.fill(producer.operands[0], outs=[empty])
        else:
            new = empty
    op.operands[n_in + j] = new


def _fold_unit_expansions(op: AnyOp) -> None:
    """Read an input `tensor.expand_shape %v [[0, 1]] : tensor<N> into tensor<Nx1>` (a broadcast column) as %v
    itself: after the interchange its loop is innermost, and a vector read down the column of an Nx1 tensor is
    treated as a strided gather, though the column is contiguous."""
    maps = L.indexing_maps(op)
    changed = False
    for i, v in enumerate(L.inputs(op)):
        src_op = L.defining_op(v)
        if src_op is None or src_op.name != "tensor.expand_shape":
            continue
        src = src_op.operands[0]
        shape = list(ir.RankedTensorType(v.type).shape)
        if len(shape) != 2 or shape[1] != 1 or len(ir.RankedTensorType(src.type).shape) != 1:
            continue
        amap = maps[i]
        if len(amap.results) != 2 or L.dim_position(amap.results[0]) is None:
            continue
        op.operands[i] = src
        maps[i] = ir.AffineMap.get(amap.n_dims, amap.n_symbols, [amap.results[0]])
        changed = True
    if changed:
        L.set_indexing_maps(op, maps)
