"""hexagon-vectorization: vectorize one-vector linalg ops to 1-D HVX vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import itertools

from hexopt.ir import AffineDimExpr, arith, ir, scf, tensor, vector

from .base import Pass, PassFailure, option
from . import _transform as T

#: At most this many output vectors of one contraction tile are kept in registers (HVX has 32).
MAX_ACCUMULATORS = 16
#: Combining ops of a row reduction -> the vector.kind of the reduction across lanes.
REDUCTION_KINDS = {"arith.addf": "add", "arith.mulf": "mul", "arith.maxnumf": "maxnumf",
                   "arith.minnumf": "minnumf", "arith.maximumf": "maximumf", "arith.minimumf": "minimumf"}

# Run after vectorizing: fold the tiles' extract/insert_slice into the transfers (which keeps their
# in_bounds), drop the unit dims of [1, ..., 1, n] vectors, then clean up. The permutation patterns
# run in a separate greedy application: together with cast_away_vector_leading_one_dim they can
# rewrite each other's output forever (seen on a 2-D softmax of the corpus); the rewrite caps are a
# last guard against such cycles.
_CLEANUP = """
    %funcs = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.cast_away_vector_leading_one_dim
      transform.apply_patterns.vector.drop_unit_dims_with_shape_cast
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } {max_num_rewrites = 100000 : i64} : !transform.any_op
    transform.apply_patterns to %funcs {
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.canonicalization
    } {max_num_rewrites = 100000 : i64} : !transform.any_op"""


@dataclass(frozen=True)
class HexagonVectorization(Pass):
    """Vectorize each linalg op whose loops are [1, ..., 1, one vector] into 1-D vector ops."""

    name: ClassVar[str] = "hexagon-vectorization"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(128, "HVX vector length in bytes; ops whose innermost range is "
                                    "vector-bytes / element size get vectorized")

    def vector_sizes(self, op) -> list[int] | None:
        ranges = T.loop_ranges(op)
        if not ranges:
            return None
        inner = self.vector_bytes * 8 // T.element_bits(op)
        return ranges if ranges == [1] * (len(ranges) - 1) + [inner] else None

    def _generic_tile(self, op) -> tuple[list[int], int, list[str]] | None:
        """(static loop ranges, vector width, iterator kinds) of a one-result tensor generic; else None."""
        if op.name != "linalg.generic" or not T.has_tensor_semantics(op) or len(op.results) != 1:
            return None
        ranges = T.loop_ranges(op)
        if not ranges:
            return None
        return ranges, self.vector_bytes * 8 // T.element_bits(op), T.iterator_kinds(op)

    def contraction(self, op) -> dict | None:
        """What `vectorize_contraction` needs for a tile that hexagon-tiling{register-accumulators} made: one
        reduction loop kept whole, a parallel innermost loop one vector wide, at most MAX_ACCUMULATORS output
        vectors, projected-permutation maps, a body of scalar arith/math ops. None for any other op."""
        shape = self._generic_tile(op)
        if shape is None:
            return None
        ranges, inner, kinds = shape
        if ranges[-1] != inner or kinds[-1] != "parallel" or kinds.count("reduction") != 1:
            return None
        red = kinds.index("reduction")
        rows = [d for d, k in enumerate(kinds[:-1]) if k == "parallel"]
        n_acc = 1
        for d in rows:
            n_acc *= ranges[d]
        if ranges[red] < 2 or n_acc > MAX_ACCUMULATORS:
            return None  # a [1, ..., 1, inner] tile: the upstream vectorizer's job
        maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
        dims = []
        for amap in maps:
            if not all(isinstance(e, AffineDimExpr) for e in amap.results):
                return None
            dims.append([AffineDimExpr(e).position for e in amap.results])
        out_dims = dims[-1]
        if not out_dims or out_dims[-1] != len(ranges) - 1 or red in out_dims:
            return None  # the output must be written contiguously and not be reduced over
        elem = op.results[0].type.element_type
        block = op.regions[0].blocks[0]
        for body_op in list(block.operations)[:-1]:
            name = body_op.operation.name
            if not name.startswith(("arith.", "math.")) or len(body_op.results) != 1 or body_op.regions:
                return None
            t = body_op.results[0].type
            if isinstance(t, ir.ShapedType):
                return None
        return {"ranges": ranges, "red": red, "rows": rows, "dims": dims, "elem": elem, "block": block}

    def row_reduction(self, op) -> dict | None:
        """For a [1, ..., 1, n * vector] tile whose innermost loop is its only reduction, with contiguous
        inputs and a body that is one combining op (addf, mulf, max/min) of an input and the accumulator:
        what `vectorize_row_reduction` needs. None for any other op."""
        shape = self._generic_tile(op)
        if shape is None:
            return None
        ranges, inner, kinds = shape
        n = len(ranges)
        if kinds[-1] != "reduction" or kinds.count("reduction") != 1 or ranges[:-1] != [1] * (n - 1):
            return None
        if ranges[-1] <= inner or ranges[-1] % inner:
            return None
        maps = [ir.AffineMapAttr(a).value for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
        if len(op.operands) != 2:
            return None
        dims = []
        for amap in maps:
            if not all(isinstance(e, AffineDimExpr) for e in amap.results):
                return None
            dims.append([AffineDimExpr(e).position for e in amap.results])
        if not dims[0] or dims[0][-1] != n - 1 or n - 1 in dims[1]:
            return None
        block = op.regions[0].blocks[0]
        body = list(block.operations)
        if len(body) != 2 or body[0].operation.name not in REDUCTION_KINDS:
            return None
        comb = body[0]
        if set(comb.operands) != set(block.arguments) or body[1].operands[0] != comb.results[0]:
            return None
        return {"ranges": ranges, "dims": dims, "comb": comb, "inner": inner}

    def vectorize_row_reduction(self, op, plan: dict) -> None:
        """Combine the row's vectors lane-wise, then reduce the lanes once into the accumulator scalar."""
        ranges, dims, comb, inner = plan["ranges"], plan["dims"], plan["comb"], plan["inner"]
        n = len(ranges)
        value, out = op.operands[0], op.operands[1]
        elem = out.type.element_type
        vtype = ir.VectorType.get([inner], elem, loc=op.location)
        name = comb.operation.name
        attrs = {a: comb.attributes[a] for a in comb.attributes}
        with ir.InsertionPoint(op), op.location:
            index = ir.IndexType.get()

            def const(v: int):
                return arith.ConstantOp(index, v).result

            zero = const(0)
            pad = ir.Operation.create("ub.poison", results=[elem],
                                      attributes={"value": ir.Attribute.parse("#ub.poison")}).result
            acc = None
            for c in range(ranges[-1] // inner):
                point = {d: zero for d in range(n)}
                point[n - 1] = const(c * inner)
                rank = len(dims[0])
                perm = ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)])
                v = vector.TransferReadOp(vtype, value, [point[d] for d in dims[0]], ir.AffineMapAttr.get(perm),
                                          pad, ir.ArrayAttr.get([ir.BoolAttr.get(True)])).result
                acc = v if acc is None else ir.Operation.create(name, results=[vtype], operands=[v, acc],
                                                                attributes=attrs).results[0]
            indices = [zero for _ in dims[1]]
            init = tensor.extract(out, indices)
            kind = ir.Attribute.parse(f"#vector.kind<{REDUCTION_KINDS[name]}>")
            red = vector.ReductionOp(elem, kind, acc, acc=init)
            if "fastmath" in attrs:
                red.attributes["fastmath"] = attrs["fastmath"]
            result = tensor.insert(red.result, out, indices)
        op.results[0].replace_all_uses_with(result)
        op.operation.erase()

    def vectorize_contraction(self, op, plan: dict) -> None:
        """Rewrite the tile into one scf.for over the reduction loop whose iter_args are the tile's output
        vectors: each is read once before the loop and written once after it (the reference order reads and
        writes it on every reduction step)."""
        ranges, red, rows, dims = plan["ranges"], plan["red"], plan["rows"], plan["dims"]
        n = len(ranges)
        inner = ranges[-1]
        block = plan["block"]
        n_in = len(op.operands) - 1
        out = op.operands[n_in]

        def vtype(t):
            return ir.VectorType.get([inner], t)

        with ir.InsertionPoint(op), op.location:
            index = ir.IndexType.get()
            consts: dict[int, ir.Value] = {}

            def const(v: int):
                if v not in consts:
                    consts[v] = arith.ConstantOp(index, v).result
                return consts[v]

            def read(value, operand_dims, point, elem):
                """value[point] as a vector along the innermost loop (a broadcast scalar if it is not indexed
                by that loop; a strided read through a permutation map if it is not its last dimension)."""
                indices = [point[d] for d in operand_dims]
                if n - 1 not in operand_dims:
                    return vector.broadcast(vtype(elem), tensor.extract(value, indices))
                pos = operand_dims.index(n - 1)
                rank = len(operand_dims)
                perm = ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(pos)])
                pad = ub_poison(elem)
                return vector.TransferReadOp(vtype(elem), value, indices, ir.AffineMapAttr.get(perm), pad,
                                             ir.ArrayAttr.get([ir.BoolAttr.get(True)])).result

            def ub_poison(elem):
                return ir.Operation.create("ub.poison", results=[elem],
                                           attributes={"value": ir.Attribute.parse("#ub.poison")}).result

            row_points = []
            for coords in itertools.product(*[range(ranges[d]) for d in rows]):
                point = {d: const(0) for d in range(n)}
                for d, c in zip(rows, coords):
                    point[d] = const(c)
                row_points.append(point)
            elem = plan["elem"]
            accs = [read(out, dims[-1], p, elem) for p in row_points]
            # Scalars the body takes from outside (e.g. a scale) are broadcast once, before the loop.
            outside: dict = {}
            for body_op in list(block.operations)[:-1]:
                for v in body_op.operands:
                    owner = v.owner
                    defined_inside = (isinstance(owner, ir.Block) and owner == block) or (
                        not isinstance(owner, ir.Block) and owner.operation.parent == op.operation)
                    if not defined_inside and v not in outside:
                        outside[v] = vector.broadcast(vtype(v.type), v)
            loop = scf.ForOp(const(0), const(ranges[red]), const(1), accs)
            with ir.InsertionPoint(loop.body):
                k = loop.induction_variable
                new_accs = []
                for point, acc in zip(row_points, loop.inner_iter_args):
                    point = dict(point)
                    point[red] = k
                    env = dict(outside)
                    for i in range(n_in):
                        arg = block.arguments[i]
                        env[arg] = read(op.operands[i], dims[i], point, arg.type)
                    env[block.arguments[n_in]] = acc
                    for body_op in list(block.operations)[:-1]:
                        attrs = {name: body_op.attributes[name] for name in body_op.attributes}
                        new = ir.Operation.create(body_op.operation.name,
                                                  results=[vtype(body_op.results[0].type)],
                                                  operands=[env[v] for v in body_op.operands], attributes=attrs)
                        env[body_op.results[0]] = new.results[0]
                    new_accs.append(env[list(block.operations)[-1].operands[0]])
                scf.YieldOp(new_accs)
            result = out
            for point, vec in zip(row_points, loop.results):
                indices = [point[d] for d in dims[-1]]
                perm = ir.AffineMap.get(len(dims[-1]), 0, [ir.AffineDimExpr.get(len(dims[-1]) - 1)])
                result = vector.TransferWriteOp(out.type, vec, result, indices, ir.AffineMapAttr.get(perm),
                                                ir.ArrayAttr.get([ir.BoolAttr.get(True)])).result
        op.results[0].replace_all_uses_with(result)
        op.operation.erase()

    def apply(self, module) -> None:
        if self.vector_bytes <= 0:
            raise PassFailure("hexagon-vectorization: vector-bytes must be positive")
        rewritten = 0
        for op in T.linalg_ops(module):
            plan = self.contraction(op)
            if plan is not None:
                self.vectorize_contraction(op, plan)
                rewritten += 1
                continue
            plan = self.row_reduction(op)
            if plan is not None:
                self.vectorize_row_reduction(op, plan)
                rewritten += 1
        lines = []
        for i, op in enumerate(T.linalg_ops(module)):
            sizes = self.vector_sizes(op)
            if sizes is None:
                continue
            lines.append(f"    %op{i} = transform.structured.match attributes{{{T.tag(op, i)}}} in %root"
                         " : (!transform.any_op) -> !transform.any_op")
            lines.append(f"    transform.structured.vectorize %op{i} vector_sizes {sizes} : !transform.any_op")
        if lines or rewritten:
            T.run_script(module, "\n".join(lines) + _CLEANUP)
