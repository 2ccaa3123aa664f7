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

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AffineDimExpr, arith, ir, linalg, ops_named, passmanager

from .base import Pass, PassFailure, option

MAX_MULTI_USE_ROUNDS = 3

UPSTREAM_FUSION = "func.func(linalg-fuse-elementwise-ops)"


# --- reading linalg.generic ------------------------------------------------------------------


def defining_op(value):
    """The Operation defining `value`, or None for a block argument."""
    owner = value.owner
    return None if isinstance(owner, ir.Block) else owner.operation


def is_generic(op) -> bool:
    return op is not None and op.name == "linalg.generic"


def maps_of(op) -> list:
    return [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]


def iterators_of(op) -> list[str]:
    return ["parallel" if "parallel" in str(a) else "reduction" for a in ir.ArrayAttr(op.attributes["iterator_types"])]


def num_inputs(op) -> int:
    return list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))[0]


def body(op):
    return op.regions[0].blocks[0]


def all_parallel(op) -> bool:
    return all(it == "parallel" for it in iterators_of(op))


def has_tensor_semantics(op) -> bool:
    return len(op.results) > 0 and all(not isinstance(v.type, ir.MemRefType) for v in op.operands)


def is_copy_like(op) -> bool:
    """A generic whose body only yields one of its inputs: a transpose, broadcast or plain copy."""
    ops = list(body(op).operations)
    if len(ops) != 1 or len(ops[0].operands) != 1 or len(op.results) != 1:
        return False
    yielded = ops[0].operands[0]
    return isinstance(yielded.owner, ir.Block) and any(yielded == a for a in list(body(op).arguments)[: num_inputs(op)])


def dim_position(expr) -> int | None:
    return AffineDimExpr(expr).position if isinstance(expr, AffineDimExpr) else None


def compose(amap, inner):
    """amap ∘ inner: substitute amap's dims with inner's results."""
    return ir.AffineMap.get(inner.n_dims, inner.n_symbols, [e.compose(inner) for e in amap.results])


# --- the fusion itself -----------------------------------------------------------------------


@dataclass
class Candidate:
    consumer: object  # ir.Operation
    producer: object  # ir.Operation
    operands: list[int]  # consumer input positions reading a producer result
    to_producer: object  # AffineMap from consumer loops to producer loops
    preserve: bool  # keep producer results with other users as extra results of the fused op


def producer_access(consumer, producer, uses: list[int]):
    """The map from consumer loops to producer loops shared by all `uses`, or None."""
    cmaps, pmaps = maps_of(consumer), maps_of(producer)
    n_in_p = num_inputs(producer)
    found = None
    for pos in uses:
        result_index = consumer.operands[pos].result_number
        out_map = pmaps[n_in_p + result_index]
        if not out_map.is_permutation:
            return None
        cmap = cmaps[pos]
        # producer loop out_map.results[t] is indexed by what the consumer puts in tensor dim t
        loops = [None] * out_map.n_dims
        for t, e in enumerate(out_map.results):
            loops[dim_position(e)] = cmap.results[t]
        access = ir.AffineMap.get(cmap.n_dims, cmap.n_symbols, loops)
        if found is not None and found != access:
            return None
        found = access
    return found


def loops_covered(consumer, producer, uses: list[int], to_producer) -> bool:
    """Whether every consumer loop still gets its range from some operand after the fusion."""
    cmaps, pmaps = maps_of(consumer), maps_of(producer)
    p_in, p_args = num_inputs(producer), list(body(producer).arguments)
    # the producer's inputs, and its inits where its body reads them, become inputs of the fused op;
    # its outputs only where kept, which needs an all-parallel consumer whose outputs cover all loops
    p_read = [m for j, m in enumerate(pmaps) if j < p_in or list(p_args[j].uses)]
    maps = [m for i, m in enumerate(cmaps) if i not in uses]
    maps += [compose(m, to_producer) for m in p_read]
    covered = {dim_position(e) for m in maps for e in m.results}
    return all(d in covered for d in range(cmaps[0].n_dims))


def users_outside(producer, consumer) -> list:
    """Operations (other than `consumer`) using a result of `producer`."""
    users = []
    for result in producer.results:
        for use in result.uses:
            owner = use.owner.operation
            if owner != consumer:
                users.append(owner)
    return users


def ancestor_in_block(op, block):
    while op is not None:
        if op.block == block:
            return op
        parent = op.parent
        op = parent.operation if parent is not None else None
    return None


def all_after(consumer, users) -> bool:
    for user in users:
        anchor = ancestor_in_block(user, consumer.block)
        if anchor is None or anchor == consumer or not consumer.is_before_in_block(anchor):
            return False
    return True


def uses_index_op(op) -> bool:
    found = []

    def visit(inner):
        if inner.name == "linalg.index":
            found.append(inner)
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return bool(found)


def fuse(cand: Candidate) -> None:
    """Replace consumer (and, if unused afterwards, producer) by one linalg.generic."""
    c, p, to_p = cand.consumer, cand.producer, cand.to_producer
    cmaps, pmaps = maps_of(c), maps_of(p)
    c_in, p_in = num_inputs(c), num_inputs(p)
    c_args, p_args = list(body(c).arguments), list(body(p).arguments)
    p_body_ops = list(body(p).operations)
    p_yield = p_body_ops[-1]

    preserved = []  # producer result indices that get an extra result in the fused op
    if cand.preserve:
        preserved = [i for i, r in enumerate(p.results) if any(u.owner.operation != c for u in r.uses)]
    # A producer body reading its `outs` value reads the init tensor elementwise: give it as an input.
    p_init_inputs = [j for j in range(len(p.results)) if list(p_args[p_in + j].uses)]

    inputs, maps, arg_types, arg_sources = [], [], [], []  # arg_sources: (op, block-arg index)
    first = min(cand.operands)
    for i in range(c_in):
        if i == first:
            for j in range(p_in):
                inputs.append(p.operands[j])
                maps.append(compose(pmaps[j], to_p))
                arg_types.append(p_args[j].type)
                arg_sources.append(("p", j))
            for j in p_init_inputs:
                inputs.append(p.operands[p_in + j])
                maps.append(compose(pmaps[p_in + j], to_p))
                arg_types.append(p_args[p_in + j].type)
                arg_sources.append(("p", p_in + j))
        if i in cand.operands:
            continue
        inputs.append(c.operands[i])
        maps.append(cmaps[i])
        arg_types.append(c_args[i].type)
        arg_sources.append(("c", i))
    # Kept producer results come first, as upstream's elementwise fusion orders them.
    outputs, result_types = [], []
    for j in preserved:
        outputs.append(p.operands[p_in + j])
        maps.append(compose(pmaps[p_in + j], to_p))
        arg_types.append(p_args[p_in + j].type)
        arg_sources.append(("extra", j))
        result_types.append(p.results[j].type)
    for i in range(len(c.results)):
        outputs.append(c.operands[c_in + i])
        maps.append(cmaps[c_in + i])
        arg_types.append(c_args[c_in + i].type)
        arg_sources.append(("c", c_in + i))
        result_types.append(c.results[i].type)

    with c.location, ir.InsertionPoint(c):
        fused = linalg.GenericOp(
            result_types, inputs, outputs,
            ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
            c.attributes["iterator_types"],
        )
        block = fused.regions[0].blocks.append(*arg_types, arg_locs=[c.location] * len(arg_types))
    new_args = list(block.arguments)
    mapping: dict = {}
    for new_arg, (who, idx) in zip(new_args, arg_sources):
        if who == "p":
            mapping[p_args[idx]] = new_arg
        elif who == "c":
            mapping[c_args[idx]] = new_arg

    def clone_into(ops, from_producer: bool) -> None:
        for old in ops:
            if old.name == "linalg.index" and from_producer:
                # the producer's loop `dim` is what to_producer computes from the consumer's loops
                expr = to_p.results[ir.IntegerAttr(old.attributes["dim"]).value]
                if dim_position(expr) is not None:
                    new_val = linalg.index(dim_position(expr))
                else:  # a constant (a broadcast unit dim); consider() allows no other expression
                    index = ir.IndexType.get()
                    new_val = arith.ConstantOp(index, ir.IntegerAttr.get(index, ir.AffineConstantExpr(expr).value)).result
                mapping[old.results[0]] = new_val
                continue
            new = old.operation.clone()

            def remap(inner):
                for k, operand in enumerate(inner.operands):
                    if operand in mapping:
                        inner.operands[k] = mapping[operand]
                return ir.WalkResult.ADVANCE

            new.walk(remap)
            for r_old, r_new in zip(old.results, new.results):
                mapping[r_old] = r_new

    with c.location, ir.InsertionPoint(block):
        clone_into(p_body_ops[:-1], from_producer=True)
        p_values = [mapping.get(v, v) for v in p_yield.operands]
        for pos in cand.operands:
            mapping[c_args[pos]] = p_values[c.operands[pos].result_number]
        c_body_ops = list(body(c).operations)
        clone_into(c_body_ops[:-1], from_producer=False)
        yielded = [p_values[j] for j in preserved] + [mapping.get(v, v) for v in c_body_ops[-1].operands]
        linalg.YieldOp(yielded)

    for i, r in enumerate(c.results):
        r.replace_all_uses_with(fused.results[len(preserved) + i])
    c.erase()
    for k, j in enumerate(preserved):
        p.results[j].replace_all_uses_with(fused.results[k])
    if all(not list(r.uses) for r in p.results):
        p.erase()


def consider(consumer, producer, uses: list[int], multi_use: bool, allow_recompute: bool) -> Candidate | None:
    """The fusion of `producer` into `consumer` this pass performs, or None."""
    if producer.block != consumer.block or not has_tensor_semantics(producer):
        return None
    if not all_parallel(producer) or len(producer.regions[0].blocks) != 1:
        return None
    to_p = producer_access(consumer, producer, uses)
    if to_p is None or not loops_covered(consumer, producer, uses, to_p):
        return None
    if uses_index_op(producer) and not all(
        dim_position(e) is not None or isinstance(e, ir.AffineConstantExpr) for e in to_p.results
    ):
        return None
    others = users_outside(producer, consumer)
    # the consumer reading a producer result through its outs: fusing would drop that dependency
    inits = [defining_op(consumer.operands[i]) for i in range(num_inputs(consumer), len(consumer.operands))]
    if any(op is not None and op == producer for op in inits):
        return None
    if not others:
        return Candidate(consumer, producer, uses, to_p, preserve=False)
    if is_copy_like(producer):
        return Candidate(consumer, producer, uses, to_p, preserve=False)
    if multi_use and all_parallel(consumer) and len(iterators_of(consumer)) == len(iterators_of(producer)) \
            and to_p.is_permutation and all_after(consumer, others):
        return Candidate(consumer, producer, uses, to_p, preserve=True)
    if allow_recompute:
        return Candidate(consumer, producer, uses, to_p, preserve=False)
    return None


def generics_in(func) -> list:
    return ops_named(func, "linalg.generic", as_views=False)


def fusion_round(func, multi_use: bool, allow_recompute: bool) -> int:
    """One round: pick disjoint (consumer, producer) pairs, last consumers first, and fuse them."""
    claimed = set()
    picked = []
    for consumer in reversed(generics_in(func)):
        if consumer in claimed or not has_tensor_semantics(consumer):
            continue
        n_in = num_inputs(consumer)
        by_producer: dict = {}
        for i in range(n_in):
            producer = defining_op(consumer.operands[i])
            if is_generic(producer) and producer != consumer:
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


def run_upstream_on(func, pipeline: str) -> None:
    try:
        passmanager.PassManager.parse(pipeline, context=func.context).run(func.operation)
    except ir.MLIRError as e:
        raise PassFailure(f"hexagon-fusion: upstream {pipeline} failed: {e}") from None


@dataclass(frozen=True)
class HexagonFusion(Pass):
    """Fuse elementwise linalg.generic producers into their consumers, also when they have several uses."""

    name: ClassVar[str] = "hexagon-fusion"
    scope: ClassVar[str] = "func.func"

    allow_recompute: bool = option(
        False, "also fuse an all-parallel producer whose other users the consumer cannot serve, "
               "by recomputing it inside the consumer (the producer stays for its other users)")
    multi_use: bool = option(
        True, "after upstream single-use fusion, run up to 3 rounds of multi-use fusion: the producer's "
              "result becomes an extra result of the fused op for its other users")

    def run_on_function(self, func) -> None:
        run_upstream_on(func, UPSTREAM_FUSION)
        if not (self.multi_use or self.allow_recompute):
            return
        for _ in range(MAX_MULTI_USE_ROUNDS):
            if not fusion_round(func, self.multi_use, self.allow_recompute):
                break
            # drops duplicated operands and unused results, fuses what became single-use
            run_upstream_on(func, UPSTREAM_FUSION)
