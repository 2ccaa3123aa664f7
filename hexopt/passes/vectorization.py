"""hexagon-vectorization: vectorize one-vector linalg ops to 1-D HVX vectors.

Three strategies, tried in this order on each tensor linalg op (hexagon-tiling made the tiles):

* a contraction tile [rows, whole reduction, one vector] (hexagon-tiling{register-accumulators}) becomes
  one scf.for over the reduction whose iter_args are the output vectors (`ContractionPlan`): upstream's
  vectorizer would make the reduction a vector dimension and read/write the accumulator every step;
* a row-reduction tile [1, ..., 1, n vectors] combines the row's vectors lane-wise and reduces across the
  lanes once (`RowReductionPlan`): upstream would reduce the whole n-element row as one n-D vector;
* a [1, ..., 1, one vector] op goes to upstream `transform.structured.vectorize`, followed by the cleanup
  patterns that fold the tiles' slices into the transfers and drop unit dims.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyType, AnyValue, arith, ir, scf, tensor, vector, walk_ops

from . import _linalg as L
from ._transform import Script, run_on_targets, run_script
from .base import Pass, option, power_of_two

#: At most this many output vectors of one contraction tile are kept in registers (HVX has 32).
MAX_ACCUMULATORS = 16
#: Combining ops of a row reduction -> the vector.kind of the reduction across lanes.
REDUCTION_KINDS = {
    "arith.addf": "add",
    "arith.mulf": "mul",
    "arith.maxnumf": "maxnumf",
    "arith.minnumf": "minnumf",
    "arith.maximumf": "maximumf",
    "arith.minimumf": "minimumf",
}


# --- plans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """A one-result tensor generic's static loop ranges, vector width (lanes) and iterator kinds."""

    ranges: list[int]
    lanes: int
    kinds: list[str]


def generic_tile(op: AnyOp, vector_bytes: int) -> Tile | None:
    if not L.is_generic(op) or not L.has_tensor_semantics(op) or len(op.results) != 1:
        return None
    ranges = L.loop_ranges(op)
    if not ranges:
        return None
    return Tile(ranges, L.vector_lanes(op, vector_bytes), L.iterator_kinds(op))


def operand_dims(op: AnyOp) -> list[list[int]] | None:
    """The loop indexing each dimension of each operand; None unless every map is made of loop dims."""
    dims = []
    for amap in L.indexing_maps(op):
        positions = L.dim_positions(amap)
        if positions is None:
            return None
        dims.append(positions)
    return dims


@dataclass(frozen=True)
class ContractionPlan:
    """A [rows, whole reduction, one vector] tile: its ranges, the reduction loop, the parallel loops
    outside the vector (`rows`), each operand's loop per dimension, the element type and the body."""

    ranges: list[int]
    red: int
    rows: list[int]
    dims: list[list[int]]
    elem: AnyType
    block: AnyOp
    lanes: int  # the vector length; the innermost loop is a whole number of vectors (one, or several without rows)


def plan_contraction(op: AnyOp, vector_bytes: int) -> ContractionPlan | None:
    """The plan for a tile that hexagon-tiling{register-accumulators} made: one reduction loop kept whole, a
    parallel innermost loop one vector wide, at most MAX_ACCUMULATORS output vectors, projected-permutation
    maps, a body of scalar arith/math ops. None for any other op."""
    tile = generic_tile(op, vector_bytes)
    if tile is None:
        return None
    ranges, kinds = tile.ranges, tile.kinds
    if ranges[-1] % tile.lanes or kinds[-1] != L.PARALLEL or kinds.count(L.REDUCTION) != 1:
        return None
    red = kinds.index(L.REDUCTION)
    rows = [d for d, k in enumerate(kinds[:-1]) if k == L.PARALLEL and ranges[d] > 1]
    if rows and ranges[-1] != tile.lanes:
        return None  # several vectors along the innermost loop only for tiles without rows (a row max of S^T)
    n_acc = ranges[-1] // tile.lanes
    for d in rows:
        n_acc *= ranges[d]
    if ranges[red] < 2 or n_acc > MAX_ACCUMULATORS:
        return None  # a [1, ..., 1, inner] tile: the upstream vectorizer's job
    dims = operand_dims(op)
    if dims is None:
        return None
    out_dims = dims[-1]
    if not out_dims or out_dims[-1] != len(ranges) - 1 or red in out_dims:
        return None  # the output must be written contiguously and not be reduced over
    for body_op in L.body_ops(op)[:-1]:
        name = body_op.operation.name
        if not name.startswith(("arith.", "math.")) or len(body_op.results) != 1 or body_op.regions:
            return None
        if isinstance(body_op.results[0].type, ir.ShapedType):
            return None
    return ContractionPlan(ranges, red, rows, dims, op.results[0].type.element_type, L.body(op), tile.lanes)


@dataclass(frozen=True)
class RowReductionPlan:
    """A [1, ..., 1, n * lanes] tile reducing its innermost loop with one combining op."""

    ranges: list[int]
    dims: list[list[int]]
    comb: AnyOp
    lanes: int


def plan_row_reduction(op: AnyOp, vector_bytes: int) -> RowReductionPlan | None:
    """The plan for a [1, ..., 1, n * vector] tile whose innermost loop is its only reduction, with a contiguous
    input and a body that is one combining op (addf, mulf, max/min) of the input and the accumulator. None
    for any other op."""
    tile = generic_tile(op, vector_bytes)
    if tile is None or len(op.operands) != 2:
        return None
    ranges, kinds, n = tile.ranges, tile.kinds, len(tile.ranges)
    if kinds[-1] != L.REDUCTION or kinds.count(L.REDUCTION) != 1 or ranges[:-1] != [1] * (n - 1):
        return None
    if ranges[-1] <= tile.lanes or ranges[-1] % tile.lanes:
        return None
    dims = operand_dims(op)
    if dims is None or not dims[0] or dims[0][-1] != n - 1 or n - 1 in dims[1]:
        return None
    block, ops = L.body(op), L.body_ops(op)
    if len(ops) != 2 or ops[0].operation.name not in REDUCTION_KINDS:
        return None
    comb = ops[0]
    if set(comb.operands) != set(block.arguments) or ops[1].operands[0] != comb.results[0]:
        return None
    return RowReductionPlan(ranges, dims, comb, tile.lanes)


def one_vector_sizes(op: AnyOp, vector_bytes: int) -> list[int] | None:
    """The vector sizes for upstream vectorization of a [1, ..., 1, one vector] op; None for other ops."""
    ranges = L.loop_ranges(op)
    if not ranges:
        return None
    if L.is_generic(op) and len({str(m) for m in L.indexing_maps(op)[L.num_inputs(op) :]}) > 1:
        # Outputs written through different maps (e.g. a row and a column): upstream's vectorizer fails
        # on some of them ("Attempted to vectorize, but failed"); such ops stay scalar.
        return None
    if L.is_generic(op) and L.REDUCTION in L.iterator_kinds(op) and L.reduction_combiner(op) is None:
        # A reduction whose combining op has no neutral element upstream knows (sqrt(acc^2 + x^2)):
        # upstream's vectorizer fails on it; it stays a scalar loop.
        return None
    lanes = L.vector_lanes(op, vector_bytes)
    return ranges if ranges == [1] * (len(ranges) - 1) + [lanes] else None


# --- building vector code ------------------------------------------------------------------------


class _Builder:
    """Index constants (one per value) and the 1-D transfers of a tile, at the current insertion point."""

    def __init__(self, lanes: int) -> None:
        self.lanes = lanes
        self.index = ir.IndexType.get()
        self._consts: dict[int, AnyValue] = {}

    def const(self, v: int) -> AnyValue:
        if v not in self._consts:
            self._consts[v] = arith.ConstantOp(self.index, v).result
        return self._consts[v]

    def vtype(self, elem: AnyType) -> AnyType:
        return ir.VectorType.get([self.lanes], elem)

    @staticmethod
    def poison(elem: AnyType) -> AnyValue:
        return ir.Operation.create(
            "ub.poison", results=[elem], attributes={"value": ir.Attribute.parse("#ub.poison")}
        ).result

    def read(self, value: AnyValue, indices: Sequence[AnyValue], along: int, elem: AnyType) -> AnyValue:
        """An in-bounds vector read of `value` at `indices` along its dimension `along`."""
        rank = len(indices)
        perm = ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(along)])
        return vector.TransferReadOp(
            self.vtype(elem),
            value,
            list(indices),
            ir.AffineMapAttr.get(perm),
            self.poison(elem),
            ir.ArrayAttr.get([ir.BoolAttr.get(True)]),
        ).result

    def write(self, vec: AnyValue, dest: AnyValue, indices: Sequence[AnyValue]) -> AnyValue:
        """An in-bounds write of `vec` into `dest` at `indices` along its last dimension; the new tensor."""
        rank = len(indices)
        perm = ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)])
        return vector.TransferWriteOp(
            dest.type, vec, dest, list(indices), ir.AffineMapAttr.get(perm), ir.ArrayAttr.get([ir.BoolAttr.get(True)])
        ).result


def _replace(op: AnyOp, result: AnyValue) -> None:
    op.results[0].replace_all_uses_with(result)
    op.operation.erase()


def vectorize_row_reduction(op: AnyOp, plan: RowReductionPlan) -> None:
    """Combine the row's vectors lane-wise, then reduce the lanes once into the accumulator scalar."""
    n = len(plan.ranges)
    value, out = op.operands[0], op.operands[1]
    elem = out.type.element_type
    name = plan.comb.operation.name
    attrs = {a: plan.comb.attributes[a] for a in plan.comb.attributes}
    with ir.InsertionPoint(op), op.location:
        b = _Builder(plan.lanes)
        vtype = b.vtype(elem)
        acc = None
        for c in range(plan.ranges[-1] // plan.lanes):
            point = {d: b.const(0) for d in range(n)}
            point[n - 1] = b.const(c * plan.lanes)
            v = b.read(value, [point[d] for d in plan.dims[0]], len(plan.dims[0]) - 1, elem)
            acc = (
                v
                if acc is None
                else ir.Operation.create(name, results=[vtype], operands=[v, acc], attributes=attrs).results[0]
            )
        indices = [b.const(0) for _ in plan.dims[1]]
        init = tensor.extract(out, indices)
        kind = ir.Attribute.parse(f"#vector.kind<{REDUCTION_KINDS[name]}>")
        red = vector.ReductionOp(elem, kind, acc, acc=init)
        if "fastmath" in attrs:
            red.attributes["fastmath"] = attrs["fastmath"]
        result = tensor.insert(red.result, out, indices)
    _replace(op, result)


def _read_operand(
    b: _Builder, value: AnyValue, dims: list[int], point: dict[int, AnyValue], elem: AnyType, inner: int
) -> AnyValue:
    """value[point] as a vector along loop `inner`: a broadcast scalar if `value` is not indexed by it, a
    strided read through a permutation map if it is not its last dimension."""
    indices = [point[d] for d in dims]
    if inner not in dims:
        return vector.broadcast(b.vtype(elem), tensor.extract(value, indices))
    return b.read(value, indices, dims.index(inner), elem)


def _outside_values(op: AnyOp, block: AnyOp) -> list[AnyValue]:
    """Values the body of `op` uses but does not define (e.g. a scale), in first-use order."""
    found: list[AnyValue] = []
    for body_op in list(block.operations)[:-1]:
        for v in body_op.operands:
            owner = v.owner
            inside = (owner == block) if isinstance(owner, ir.Block) else owner.operation.parent == op.operation
            if not inside and v not in found:
                found.append(v)
    return found


def _clone_body_on_vectors(block: AnyOp, env: dict[AnyValue, AnyValue], b: _Builder) -> AnyValue:
    """Recreate the body's scalar ops on vectors (env maps the block's values to vectors); the yielded vector."""
    ops = list(block.operations)
    for body_op in ops[:-1]:
        attrs = {a: body_op.attributes[a] for a in body_op.attributes}
        new = ir.Operation.create(
            body_op.operation.name,
            results=[b.vtype(body_op.results[0].type)],
            operands=[env[v] for v in body_op.operands],
            attributes=attrs,
        )
        env[body_op.results[0]] = new.results[0]
    return env[ops[-1].operands[0]]


def _scalar_fill(value: AnyValue) -> AnyOp | None:
    """The linalg.fill of a scalar on tensors that defines `value` and has no other user, or None."""
    fill = L.defining_op(value)
    if fill is None or fill.name != "linalg.fill" or not L.has_tensor_semantics(fill):
        return None
    if len(list(value.uses)) != 1 or isinstance(fill.operands[0].type, ir.ShapedType):
        return None
    return fill


def vectorize_contraction(op: AnyOp, plan: ContractionPlan) -> None:
    """Rewrite the tile into one scf.for over the reduction loop whose iter_args are the tile's output
    vectors: each is read once before the loop and written once after it (the reference order reads and
    writes it on every reduction step). When the tile's output is a fill (hexagon-tiling's
    fill-destinations), the vectors start from the fill's constant and the fill is dropped."""
    n, inner, block = len(plan.ranges), len(plan.ranges) - 1, plan.block
    n_in = len(op.operands) - 1
    out = op.operands[n_in]
    fill = _scalar_fill(out)
    with ir.InsertionPoint(op), op.location:
        b = _Builder(plan.lanes)
        row_points = []
        for coords in itertools.product(*[range(plan.ranges[d]) for d in plan.rows]):
            for chunk in range(plan.ranges[inner] // plan.lanes):
                point = {d: b.const(0) for d in range(n)}
                for d, c in zip(plan.rows, coords, strict=True):
                    point[d] = b.const(c)
                point[inner] = b.const(chunk * plan.lanes)
                row_points.append(point)
        if fill is not None:
            start = vector.broadcast(b.vtype(plan.elem), fill.operands[0])
            accs = [start for _ in row_points]
            out = fill.operands[1]  # written whole below: the fill's values are never read
        else:
            accs = [_read_operand(b, out, plan.dims[-1], p, plan.elem, inner) for p in row_points]
        # Scalars the body takes from outside are broadcast once, before the loop.
        outside = {v: vector.broadcast(b.vtype(v.type), v) for v in _outside_values(op, block)}
        loop = scf.ForOp(b.const(0), b.const(plan.ranges[plan.red]), b.const(1), accs)
        with ir.InsertionPoint(loop.body):
            new_accs = []
            for point, acc in zip(row_points, loop.inner_iter_args, strict=True):
                point = {**point, plan.red: loop.induction_variable}
                env = dict(outside)
                for i in range(n_in):
                    arg = block.arguments[i]
                    env[arg] = _read_operand(b, op.operands[i], plan.dims[i], point, arg.type, inner)
                env[block.arguments[n_in]] = acc
                new_accs.append(_clone_body_on_vectors(block, env, b))
            scf.YieldOp(new_accs)
        result = out
        for point, vec in zip(row_points, loop.results, strict=True):
            result = b.write(vec, result, [point[d] for d in plan.dims[-1]])
    _replace(op, result)
    if fill is not None:
        fill.erase()


def reductions_to_one_dim(root: AnyOp) -> int:
    """Rewrite each `vector.multi_reduction` of a 1-D vector to a scalar as `vector.reduction`; the count.

    Upstream's vectorizer reduces a one-vector tile with `vector.multi_reduction`, which has no fast-math
    flags; convert-vector-to-llvm turns it into a flagless `vector.reduction`, i.e. LLVM's ordered
    `vector.reduce.fadd` / `fmax`, which Hexagon runs lane by lane (32 scalar `sfadd`, or 32 `fmaxf` calls).
    As a `vector.reduction` it gets hexagon-fast-math's flags, and LLVM reduces it as a tree of HVX ops."""
    count = 0
    for op in walk_ops(root, lambda o: o.name == "vector.multi_reduction"):
        source, acc = op.operands[0], op.operands[1]
        if not isinstance(source.type, ir.VectorType) or source.type.rank != 1:
            continue
        with ir.InsertionPoint(op), op.location:
            red = vector.ReductionOp(op.results[0].type, op.attributes["kind"], source, acc=acc)
        op.results[0].replace_all_uses_with(red.result)
        op.erase()
        count += 1
    return count


#: vector.reduction kinds of floats whose accumulator LLVM combines with a separate, flagless scalar op.
_LANEWISE = {
    "maxnumf": "arith.maxnumf",
    "minnumf": "arith.minnumf",
    "maximumf": "arith.maximumf",
    "minimumf": "arith.minimumf",
}


def fold_accumulators_into_vectors(root: AnyOp) -> int:
    """Rewrite `vector.reduction <max/min>, %v, %acc` on floats as the reduction of `max(%v, splat(%acc))`
    (lane-wise, same kind); the count.

    convert-vector-to-llvm lowers the accumulator of a max/min reduction to a scalar `llvm.intr.maxnum` that
    drops the reduction's fast-math flags, which Hexagon turns into an `fmaxf` libm call. Max and min are
    idempotent, so the accumulator can join every lane instead: one more vector op (a `vmax`), no scalar
    code."""
    count = 0
    for op in walk_ops(root, lambda o: o.name == "vector.reduction" and len(o.operands) == 2):
        kind = str(op.attributes["kind"])
        name = next((n for k, n in _LANEWISE.items() if kind == f"#vector.kind<{k}>"), None)
        if name is None or not isinstance(op.results[0].type, ir.FloatType):
            continue
        attrs = {"fastmath": op.attributes["fastmath"]} if "fastmath" in op.attributes else {}
        source = op.operands[0]
        with ir.InsertionPoint(op), op.location:
            splat = vector.broadcast(source.type, op.operands[1])
            joined = ir.Operation.create(name, results=[source.type], operands=[source, splat], attributes=attrs)
            red = vector.ReductionOp(op.results[0].type, op.attributes["kind"], joined.results[0])
            if attrs:
                red.attributes["fastmath"] = attrs["fastmath"]
        op.results[0].replace_all_uses_with(red.result)
        op.erase()
        count += 1
    return count


# --- the pass ------------------------------------------------------------------------------------


def _cleanup(script: Script) -> None:
    """After vectorizing: fold the tiles' extract/insert_slice into the transfers (which keeps their
    in_bounds), drop the unit dims of [1, ..., 1, n] vectors, then clean up. The permutation patterns run
    in a separate greedy application: together with cast_away_vector_leading_one_dim they can rewrite each
    other's output forever (seen on a 2-D softmax of the corpus); the rewrite caps are a last guard
    against such cycles."""
    funcs = script.match_ops(["func.func"])
    script.apply_patterns(funcs, ["tensor.fold_tensor_subset_ops_into_vector_transfers", "canonicalization"])
    script.apply_patterns(
        funcs,
        [
            "vector.cast_away_vector_leading_one_dim",
            "vector.drop_unit_dims_with_shape_cast",
            "tensor.fold_tensor_subset_ops_into_vector_transfers",
            "canonicalization",
        ],
        max_num_rewrites=100000,
    )
    script.apply_patterns(funcs, ["vector.transfer_permutation_patterns", "canonicalization"], max_num_rewrites=100000)


def _vectorize(script: Script, handle: str, sizes: tuple[int, ...]) -> None:
    script.vectorize(handle, sizes)


@dataclass(frozen=True)
class HexagonVectorization(Pass):
    """Vectorize each linalg op whose loops are [1, ..., 1, one vector] into 1-D vector ops."""

    name: ClassVar[str] = "hexagon-vectorization"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(
        128,
        "HVX vector length in bytes; ops whose innermost range is vector-bytes / element size get vectorized",
        min=8,
        max=256,
        check=power_of_two,
    )

    def apply(self, module: AnyOp) -> None:
        rewritten = 0
        for op in L.structured_ops(module):
            contraction = plan_contraction(op, self.vector_bytes)
            if contraction is not None:
                vectorize_contraction(op, contraction)
                rewritten += 1
                continue
            row = plan_row_reduction(op, self.vector_bytes)
            if row is not None:
                vectorize_row_reduction(op, row)
                rewritten += 1
        targets = []
        for op in L.structured_ops(module):
            sizes = one_vector_sizes(op, self.vector_bytes)
            if sizes is not None:
                targets.append((op, tuple(sizes)))
        run_on_targets(module, targets, _vectorize)
        if targets or rewritten:
            # One script for the whole module: building the canonicalization patterns costs about a
            # millisecond per application, too much to pay per function.
            cleanup = Script()
            _cleanup(cleanup)
            run_script(module, cleanup)
            reductions_to_one_dim(module)
        fold_accumulators_into_vectors(module)
