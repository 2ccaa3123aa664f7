"""hexagon-fusion: elementwise fusion of linalg.generic ops, including producers with several uses.

Upstream `linalg-fuse-elementwise-ops` only fuses a producer into its consumer when the consumer is
its single user. In the triton-shared IR most producers have two users (a reduction and an
elementwise op, or an op and a `tensor.expand_shape` broadcast), so after the upstream pass this
pass runs a few rounds of its own producer->consumer fusion:

* a producer whose users all come after one all-parallel consumer is fused into that consumer, and
  its result stays available as an extra result of the fused op for the other users (no work is
  done twice);
* a copy-like producer (a transpose or broadcast: the body yields one input unchanged) is folded
  into any consumer, reductions included, as a change of indexing map; it stays for other users;
* with allow-recompute, any other all-parallel producer is fused by recomputing it in the consumer.

Fusing producer P into consumer C composes maps: C reads P's result r at `C_map(i)`, P wrote r at
`P_out_map_r(j)`, so C's loop point i corresponds to P's loop point `j = inv(P_out_map_r)(C_map(i))`
(called `to_producer` below), and every operand map A of P becomes `A ∘ to_producer` in C's loops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from hexopt.ir import AnyMap, AnyOp, AnyType, AnyValue, arith, ir, linalg, run_upstream

from . import _linalg as L
from .base import Pass, PassFailure, option

MAX_MULTI_USE_ROUNDS = 3

UPSTREAM_FUSION = "func.func(linalg-fuse-elementwise-ops)"


# --- which fusions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One producer -> consumer fusion this pass performs."""

    consumer: AnyOp  # ir.Operation, a linalg.generic
    producer: AnyOp  # ir.Operation, a linalg.generic before it in the same block
    operands: list[int]  # consumer input positions reading a producer result
    to_producer: AnyMap  # ir.AffineMap from consumer loops to producer loops
    preserve: bool  # keep producer results with other users as extra results of the fused op


def is_copy_like(op: AnyOp) -> bool:
    """A generic whose body only yields one of its inputs: a transpose, broadcast or plain copy."""
    ops = L.body_ops(op)
    if len(ops) != 1 or len(ops[0].operands) != 1 or len(op.results) != 1:
        return False
    yielded = ops[0].operands[0]
    block_inputs = list(L.body(op).arguments)[: L.num_inputs(op)]
    return isinstance(yielded.owner, ir.Block) and any(yielded == a for a in block_inputs)


def producer_access(consumer: AnyOp, producer: AnyOp, uses: list[int]) -> AnyMap | None:
    """The map from consumer loops to producer loops shared by all `uses`, or None."""
    cmaps, pmaps = L.indexing_maps(consumer), L.indexing_maps(producer)
    n_in_p = L.num_inputs(producer)
    found = None
    for pos in uses:
        out_map = pmaps[n_in_p + consumer.operands[pos].result_number]
        if not out_map.is_permutation:
            return None
        cmap = cmaps[pos]
        # producer loop out_map.results[t] is indexed by what the consumer puts in tensor dim t
        loops = list(cmap.results)
        for t, d in enumerate(L.dim_positions(out_map) or []):
            loops[d] = cmap.results[t]
        access = ir.AffineMap.get(cmap.n_dims, cmap.n_symbols, loops)
        if found is not None and found != access:
            return None
        found = access
    return found


def loops_covered(consumer: AnyOp, producer: AnyOp, uses: list[int], to_producer: AnyMap) -> bool:
    """Whether every consumer loop still gets its range from some operand after the fusion."""
    cmaps, pmaps = L.indexing_maps(consumer), L.indexing_maps(producer)
    p_in, p_args = L.num_inputs(producer), list(L.body(producer).arguments)
    # the producer's inputs, and its inits where its body reads them, become inputs of the fused op;
    # its outputs only where kept, which needs an all-parallel consumer whose outputs cover all loops
    p_read = [m for j, m in enumerate(pmaps) if j < p_in or list(p_args[j].uses)]
    maps = [m for i, m in enumerate(cmaps) if i not in uses]
    maps += [L.compose(m, to_producer) for m in p_read]
    covered = {L.dim_position(e) for m in maps for e in m.results}
    return all(d in covered for d in range(cmaps[0].n_dims))


def users_outside(producer: AnyOp, consumer: AnyOp) -> list[AnyOp]:
    """Operations (other than `consumer`) using a result of `producer`."""
    return [
        use.owner.operation for result in producer.results for use in result.uses if use.owner.operation != consumer
    ]


def ancestor_in_block(op: AnyOp | None, block: AnyOp) -> AnyOp | None:
    while op is not None:
        if op.block == block:
            return op
        parent = op.parent
        op = parent.operation if parent is not None else None
    return None


def all_after(consumer: AnyOp, users: list[AnyOp]) -> bool:
    for user in users:
        anchor = ancestor_in_block(user, consumer.block)
        if anchor is None or anchor == consumer or not consumer.is_before_in_block(anchor):
            return False
    return True


def index_ops_remappable(to_producer: AnyMap) -> bool:
    """Whether the producer's linalg.index ops can be rewritten in the consumer's loops: each producer
    loop must be one consumer loop or a constant (a broadcast unit dim)."""
    return all(L.dim_position(e) is not None or isinstance(e, ir.AffineConstantExpr) for e in to_producer.results)


def consider(
    consumer: AnyOp, producer: AnyOp, uses: list[int], multi_use: bool, allow_recompute: bool
) -> Candidate | None:
    """The fusion of `producer` into `consumer` this pass performs, or None."""
    if producer.block != consumer.block or not L.has_tensor_semantics(producer):
        return None
    if not L.all_parallel(producer) or len(producer.regions[0].blocks) != 1:
        return None
    to_p = producer_access(consumer, producer, uses)
    if to_p is None or not loops_covered(consumer, producer, uses, to_p):
        return None
    if L.uses_index_op(producer) and not index_ops_remappable(to_p):
        return None
    # the consumer reading a producer result through its outs: fusing would drop that dependency
    inits = [L.defining_op(v) for v in L.outputs(consumer)]
    if any(op is not None and op == producer for op in inits):
        return None
    others = users_outside(producer, consumer)
    if not others or is_copy_like(producer):
        return Candidate(consumer, producer, uses, to_p, preserve=False)
    if (
        multi_use
        and L.all_parallel(consumer)
        and len(L.iterator_kinds(consumer)) == len(L.iterator_kinds(producer))
        and to_p.is_permutation
        and all_after(consumer, others)
    ):
        return Candidate(consumer, producer, uses, to_p, preserve=True)
    if allow_recompute:
        return Candidate(consumer, producer, uses, to_p, preserve=False)
    return None


# --- performing one fusion ----------------------------------------------------------------------


@dataclass
class FusedOperands:
    """The operands of the fused generic, in order, with where each block argument comes from."""

    inputs: list[AnyValue] = field(default_factory=list)
    outputs: list[AnyValue] = field(default_factory=list)
    maps: list[AnyMap] = field(default_factory=list)
    arg_types: list[AnyType] = field(default_factory=list)
    result_types: list[AnyType] = field(default_factory=list)
    #: the producer's / consumer's block argument each new block argument stands for (None: a kept
    #: producer result's init, which the fused body does not read)
    arg_sources: list[AnyValue | None] = field(default_factory=list)

    def add(self, value: AnyValue, amap: AnyMap, arg: AnyValue, source: AnyValue | None, output: bool) -> None:
        (self.outputs if output else self.inputs).append(value)
        self.maps.append(amap)
        self.arg_types.append(arg.type)
        self.arg_sources.append(source)


def preserved_results(cand: Candidate) -> list[int]:
    """Producer result indices that get an extra result in the fused op (their other users need them)."""
    if not cand.preserve:
        return []
    return [i for i, r in enumerate(cand.producer.results) if any(u.owner.operation != cand.consumer for u in r.uses)]


def fused_operands(cand: Candidate, preserved: list[int]) -> FusedOperands:
    """The consumer's operands with the producer's inputs in place of its first use of the producer."""
    c, p, to_p = cand.consumer, cand.producer, cand.to_producer
    cmaps, pmaps = L.indexing_maps(c), L.indexing_maps(p)
    c_in, p_in = L.num_inputs(c), L.num_inputs(p)
    c_args, p_args = list(L.body(c).arguments), list(L.body(p).arguments)
    # A producer body reading its `outs` value reads the init tensor elementwise: give it as an input.
    p_init_inputs = [j for j in range(len(p.results)) if list(p_args[p_in + j].uses)]
    fused = FusedOperands()
    first = min(cand.operands)
    for i in range(c_in):
        if i == first:
            for j in list(range(p_in)) + [p_in + j for j in p_init_inputs]:
                fused.add(p.operands[j], L.compose(pmaps[j], to_p), p_args[j], p_args[j], output=False)
        if i not in cand.operands:
            fused.add(c.operands[i], cmaps[i], c_args[i], c_args[i], output=False)
    # Kept producer results come first, as upstream's elementwise fusion orders them.
    for j in preserved:
        fused.add(p.operands[p_in + j], L.compose(pmaps[p_in + j], to_p), p_args[p_in + j], None, output=True)
        fused.result_types.append(p.results[j].type)
    for i in range(len(c.results)):
        fused.add(c.operands[c_in + i], cmaps[c_in + i], c_args[c_in + i], c_args[c_in + i], output=True)
        fused.result_types.append(c.results[i].type)
    return fused


def _remapped_index(old: AnyOp, to_producer: AnyMap) -> AnyValue:
    """The value of the producer's `linalg.index` op `old` in the consumer's loops (index_ops_remappable)."""
    expr = to_producer.results[ir.IntegerAttr(old.attributes["dim"]).value]
    position = L.dim_position(expr)
    if position is not None:
        return linalg.IndexOp(position).result
    index = ir.IndexType.get()
    return arith.ConstantOp(index, ir.IntegerAttr.get(index, ir.AffineConstantExpr(expr).value)).result


def clone_ops(ops: list[AnyOp], mapping: dict[AnyValue, AnyValue], to_producer: AnyMap | None = None) -> None:
    """Clone `ops` at the current insertion point, their operands renamed through `mapping` (which gains
    their results). With `to_producer`, they come from the producer: its linalg.index ops are remapped."""

    def remap(inner: AnyOp) -> object:
        for k, operand in enumerate(inner.operands):
            if operand in mapping:
                inner.operands[k] = mapping[operand]
        return ir.WalkResult.ADVANCE

    for old in ops:
        if to_producer is not None and old.operation.name == "linalg.index":
            mapping[old.results[0]] = _remapped_index(old, to_producer)
            continue
        new = old.operation.clone()
        new.walk(remap)
        for r_old, r_new in zip(old.results, new.results, strict=True):
            mapping[r_old] = r_new


def build_fused_body(cand: Candidate, block: AnyOp, operands: FusedOperands, preserved: list[int]) -> None:
    """The fused op's body: the producer's ops, then the consumer's, yielding the kept producer values
    and the consumer's."""
    c, p = cand.consumer, cand.producer
    mapping: dict[AnyValue, AnyValue] = {
        source: arg for arg, source in zip(block.arguments, operands.arg_sources, strict=True) if source is not None
    }
    p_ops, c_ops = L.body_ops(p), L.body_ops(c)
    with c.location, ir.InsertionPoint(block):
        clone_ops(p_ops[:-1], mapping, cand.to_producer)
        p_values = [mapping.get(v, v) for v in p_ops[-1].operands]
        c_args = list(L.body(c).arguments)
        for pos in cand.operands:
            mapping[c_args[pos]] = p_values[c.operands[pos].result_number]
        clone_ops(c_ops[:-1], mapping)
        yielded = [p_values[j] for j in preserved] + [mapping.get(v, v) for v in c_ops[-1].operands]
        linalg.YieldOp(yielded)


def fuse(cand: Candidate) -> None:
    """Replace consumer (and, if unused afterwards, producer) by one linalg.generic."""
    c, p = cand.consumer, cand.producer
    preserved = preserved_results(cand)
    operands = fused_operands(cand, preserved)
    with c.location, ir.InsertionPoint(c):
        fused = linalg.GenericOp(
            operands.result_types,
            operands.inputs,
            operands.outputs,
            ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in operands.maps]),
            c.attributes["iterator_types"],
        )
        block = fused.regions[0].blocks.append(*operands.arg_types, arg_locs=[c.location] * len(operands.arg_types))
    build_fused_body(cand, block, operands, preserved)
    for i, r in enumerate(c.results):
        r.replace_all_uses_with(fused.results[len(preserved) + i])
    c.erase()
    for k, j in enumerate(preserved):
        p.results[j].replace_all_uses_with(fused.results[k])
    if all(not list(r.uses) for r in p.results):
        p.erase()


# --- the pass -----------------------------------------------------------------------------------


def fusion_round(func: AnyOp, multi_use: bool, allow_recompute: bool) -> int:
    """One round: pick disjoint (consumer, producer) pairs, last consumers first, and fuse them."""
    claimed: set[AnyOp] = set()
    picked = []
    for consumer in reversed(L.generics(func)):
        if consumer in claimed or not L.has_tensor_semantics(consumer):
            continue
        by_producer: dict[AnyOp, list[int]] = {}
        for i, value in enumerate(L.inputs(consumer)):
            producer = L.defining_op(value)
            if L.is_generic(producer) and producer != consumer:
                by_producer.setdefault(producer, []).append(i)
        for producer, uses in by_producer.items():
            if producer in claimed:
                continue
            cand = consider(consumer, producer, uses, multi_use, allow_recompute)
            if cand is not None:
                picked.append(cand)
                claimed.update((consumer, producer))
                break
    for cand in picked:
        fuse(cand)
    return len(picked)


def run_upstream_fusion(func: AnyOp) -> None:
    try:
        run_upstream(func, UPSTREAM_FUSION)
    except ir.MLIRError as e:
        raise PassFailure(f"hexagon-fusion: upstream {UPSTREAM_FUSION} failed: {e}", func) from None


@dataclass(frozen=True)
class HexagonFusion(Pass):
    """Fuse elementwise linalg.generic producers into their consumers, also when they have several uses."""

    name: ClassVar[str] = "hexagon-fusion"
    scope: ClassVar[str] = "func.func"

    allow_recompute: bool = option(
        False,
        "also fuse an all-parallel producer whose other users the consumer cannot serve, "
        "by recomputing it inside the consumer (the producer stays for its other users)",
    )
    multi_use: bool = option(
        True,
        "after upstream single-use fusion, run up to 3 rounds of multi-use fusion: the producer's "
        "result becomes an extra result of the fused op for its other users",
    )

    def run_on_function(self, func: AnyOp) -> None:
        run_upstream_fusion(func)
        if not (self.multi_use or self.allow_recompute):
            return
        for _ in range(MAX_MULTI_USE_ROUNDS):
            if not fusion_round(func, self.multi_use, self.allow_recompute):
                break
            # drops duplicated operands and unused results, fuses what became single-use
            run_upstream_fusion(func)
