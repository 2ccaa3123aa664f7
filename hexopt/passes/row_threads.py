"""form-row-threads: run a whole kernel function in blocks of rows, one scf.forall around its body.

The reference threads each big linalg op on its own (form-virtual-threads): in flash attention that is
the two matmuls inside the KV loop, so every KV block forks its threads and joins them twice, and the
softmax between them runs on one thread. But in flash attention (and softmax, layer norm, rms norm,
online softmax) every op is parallel over the rows of the program's block, and every value the KV
loop carries (acc, m_i, l_i) is indexed by row: row i of the output depends only on row i of Q and
on all of K and V. So the rows can be distributed *outside* the loop: each thread runs the whole
function, KV loop included, for its own block of rows. One fork and one join per program.

The pass proves that with a dataflow analysis over the function (on tensors, after fusion):
- every stored result (`bufferization.materialize_in_destination` into a memref) gives its outermost
  dimension as "the rows"; a value's row dimension follows through the indexing maps of the
  generics that read or write it, fills, expand/collapse_shape and the iter_args of scf.for;
- a generic that touches row-indexed values must have the rows as one parallel loop that every
  operand indexes with a plain dimension or not at all (no reduction across rows, no shifted or
  computed row index, no `linalg.index` of it), and a value read without the row loop must not be
  row-indexed (no row reading another row);
- every value the loop carries is therefore either row-partitioned or row-invariant (counters,
  K and V offsets), and everything else that touches row-indexed values is refused;
- the function must have no other side effect: every thread runs the whole body.
Then it wraps the body in `scf.forall (%r) = (0) to (R) step (R / num-threads)`, gives every
row-indexed value its block's shape, reads row-indexed inputs (`bufferization.to_tensor` of the
program's Q block, constants) through `tensor.extract_slice` at %r, and stores through a
`memref.subview` at %r. Row-invariant work (the Kᵀ copy) is done by every thread. The forall has no
shared outputs, so after bufferization form-async-threads turns it into one async group.

Upstream has no pass for this: tile-and-fuse (transform.structured.fuse_into_containing_op,
scf-tile-consumer-and-fuse-producers) does not fuse through an scf.for that carries tensors, and
tiling the epilogue alone would leave the KV loop outside the threads.

A function the pass cannot prove is left exactly as it was (the analysis runs on a clone), and the
pipeline's per-op threading (form-virtual-threads) handles it; `strict` turns the refusal into an
error that names the op and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyValue, ir, memref, scf, tensor, walk_ops

from . import _linalg as L
from .base import Pass, PassFailure, option
from .virtual_threads import body_op_count

#: Ops that may run in every thread: no side effects (tensor ops, scalar arithmetic, views).
_PURE_DIALECTS = ("arith.", "math.", "index.", "tensor.", "complex.", "ub.")
_PURE_OPS = frozenset(
    {
        "affine.apply",
        "affine.min",
        "affine.max",
        "bufferization.to_tensor",
        "memref.reinterpret_cast",
        "memref.subview",
        "memref.cast",
        "memref.expand_shape",
        "memref.collapse_shape",
        "memref.dim",
        "memref.extract_strided_metadata",
        "memref.load",
        "scf.for",
        "scf.yield",
        "scf.if",
        "func.return",
    }
)

#: Ops whose results may be row-indexed without a row-indexed operand: they are read through a slice.
_SLICE_SOURCES = frozenset({"bufferization.to_tensor", "arith.constant"})


@dataclass(frozen=True)
class _At:
    """Where a refusal is reported (PassFailure reads `.location`)."""

    location: AnyValue


class Refusal(Exception):
    """Why a function cannot be threaded by rows, at `op`."""

    def __init__(self, message: str, op: AnyOp):
        super().__init__(message)
        self.op = op


def _is_tensor(v: AnyValue) -> bool:
    return isinstance(v.type, ir.RankedTensorType)


def _shape(v: AnyValue) -> list[int]:
    return list(ir.RankedTensorType(v.type).shape)


def _reassociation(op: AnyOp) -> list[list[int]]:
    return [
        [int(ir.IntegerAttr(i).value) for i in ir.ArrayAttr(group)]
        for group in ir.ArrayAttr(op.attributes["reassociation"])
    ]


class RowAnalysis:
    """The row dimension of every row-indexed tensor value of a function (a fixed point over its ops)."""

    def __init__(self, func: AnyOp):
        self.func = func
        self.pos: dict[AnyValue, int] = {}
        self.rows: int | None = None  # R: the extent of every row dimension
        self.row_loop: dict[AnyOp, int] = {}  # generic -> its row loop
        self.stores: list[AnyOp] = []
        self.changed = False
        self.ops = ops_outside_generics(func)

    def assign(self, value: AnyValue, position: int, at: AnyOp) -> None:
        if not _is_tensor(value):
            raise Refusal(f"a row-indexed value of type {value.type} (not a ranked tensor)", at)
        shape = _shape(value)
        if position >= len(shape):
            raise Refusal("a row dimension beyond the value's rank", at)
        size = shape[position]
        if size == ir.ShapedType.get_dynamic_size():
            raise Refusal("a dynamic row extent", at)
        if self.rows is None:
            self.rows = size
        elif size != self.rows:
            raise Refusal(f"row extents differ ({size} and {self.rows}): rows are not one block", at)
        old = self.pos.get(value)
        if old is None:
            self.pos[value] = position
            self.changed = True
        elif old != position:
            raise Refusal(f"a value is indexed by row along dimension {old} and dimension {position}", at)

    def run(self) -> None:
        for op in self.ops:
            self.check_side_effects(op)
            if op.name == "bufferization.materialize_in_destination":
                src, dest = op.operands[0], op.operands[1]
                if not isinstance(dest.type, ir.MemRefType):
                    raise Refusal("a result stored into a tensor (only stores into memrefs are threaded)", op)
                self.stores.append(op)
                self.assign(src, 0, op)
        if not self.stores:
            raise Refusal("no result stored with bufferization.materialize_in_destination", self.func)
        self.changed = True
        while self.changed:
            self.changed = False
            for op in self.ops:
                self.visit(op)

    @staticmethod
    def check_side_effects(op: AnyOp) -> None:
        name = op.name
        if name.startswith(_PURE_DIALECTS) or name in _PURE_OPS or name == "bufferization.materialize_in_destination":
            return
        if name.startswith("linalg.") and L.has_tensor_semantics(op):
            return
        if name == "linalg.yield":
            return
        if name == "scf.forall":
            raise Refusal("the function is threaded already (an scf.forall)", op)
        raise Refusal(f"'{name}' may have side effects that every thread would repeat", op)

    def visit(self, op: AnyOp) -> None:
        name = op.name
        if name == "linalg.generic":
            self.visit_generic(op)
        elif name == "linalg.fill":
            self.tie(op, [(op.results[0], op.operands[1])])
        elif name == "linalg.transpose" and L.has_tensor_semantics(op):
            self.visit_transpose(op)
        elif name in ("tensor.expand_shape", "tensor.collapse_shape"):
            self.visit_reshape(op)
        elif name == "scf.for":
            body = op.regions[0].blocks[0]
            yielded = body.operations[len(body.operations) - 1].operands
            inits = list(op.operands)[3:]
            for i, res in enumerate(op.results):
                self.tie(
                    op, [(inits[i], body.arguments[1 + i]), (body.arguments[1 + i], yielded[i]), (yielded[i], res)]
                )
        elif (
            name in _SLICE_SOURCES
            or name == "tensor.empty"
            or name == "bufferization.materialize_in_destination"
            or name == "scf.yield"
            and op.parent is not None
            and op.parent.name == "scf.for"
        ):
            return
        else:
            touched = [v for v in list(op.operands) + list(op.results) if v in self.pos]
            if touched:
                raise Refusal(f"'{name}' on a row-indexed value (it cannot be given a block of rows)", op)

    def tie(self, op: AnyOp, pairs: list[tuple[AnyValue, AnyValue]]) -> None:
        """Values of equal type that share their row dimension (or are both row-invariant)."""
        for a, b in pairs:
            if a in self.pos:
                self.assign(b, self.pos[a], op)
            if b in self.pos:
                self.assign(a, self.pos[b], op)

    def visit_transpose(self, op: AnyOp) -> None:
        """Result dimension k is input dimension permutation[k]; the init has the result's layout."""
        perm = list(ir.DenseI64ArrayAttr(op.attributes["permutation"]))
        src, res = op.operands[0], op.results[0]
        self.tie(op, [(res, op.operands[1])])
        if src in self.pos:
            self.assign(res, perm.index(self.pos[src]), op)
        if res in self.pos:
            self.assign(src, perm[self.pos[res]], op)

    def visit_reshape(self, op: AnyOp) -> None:
        src, res = op.operands[0], op.results[0]
        groups = _reassociation(op)
        wide, narrow = (res, src) if op.name == "tensor.expand_shape" else (src, res)
        wide_shape = _shape(wide)
        if narrow in self.pos:
            group = groups[self.pos[narrow]]
            others = [d for d in group if wide_shape[d] != 1]
            if len(others) != 1:
                raise Refusal("a reshape that splits or merges the row dimension", op)
            self.assign(wide, others[0], op)
        if wide in self.pos:
            p = self.pos[wide]
            for g, group in enumerate(groups):
                if p in group:
                    if any(wide_shape[d] != 1 for d in group if d != p):
                        raise Refusal("a reshape that merges the row dimension with another", op)
                    self.assign(narrow, g, op)

    def visit_generic(self, op: AnyOp) -> None:
        operands = list(op.operands)
        maps = L.indexing_maps(op)
        n_in = L.num_inputs(op)
        # results share the row dimension of their inits
        for j, res in enumerate(op.results):
            self.tie(op, [(res, operands[n_in + j])])
        row = self.row_loop.get(op)
        if row is None:
            for v, m in zip(operands, maps, strict=True):
                if v in self.pos:
                    row = L.dim_position(m.results[self.pos[v]])
                    if row is None:
                        raise Refusal("a generic reads the rows through a computed index", op)
                    break
        if row is None:
            return  # row-invariant (so far)
        self.row_loop[op] = row
        if L.iterator_kinds(op)[row] != L.PARALLEL:
            raise Refusal("a reduction across rows", op)
        if any(
            ir.IntegerAttr(x.attributes["dim"]).value == row for x in walk_ops(op, lambda o: o.name == "linalg.index")
        ):
            raise Refusal("a generic's body reads the row index (linalg.index)", op)
        for v, m in zip(operands, maps, strict=True):
            plain = [k for k, e in enumerate(m.results) if L.dim_position(e) == row]
            if any(L.dim_position(e) is None and _uses_dim(e, row, m.n_dims) for e in m.results):
                raise Refusal("a generic indexes the rows with an expression (another row is read)", op)
            if len(plain) > 1:
                raise Refusal("a generic indexes two dimensions of one operand by the row", op)
            if plain:
                self.assign(v, plain[0], op)
            elif v in self.pos:
                raise Refusal("a row-indexed value is read by every row (a broadcast across rows)", op)
        for res, m in zip(op.results, maps[n_in:], strict=True):
            if res in self.pos and not any(L.dim_position(e) == row for e in m.results):
                raise Refusal("a generic's result is not indexed by the row", op)


def ops_outside_generics(func: AnyOp) -> list[AnyOp]:
    """The ops nested in `func` (pre-order), without the bodies of generics: their code is scalar."""
    found: list[AnyOp] = []

    def visit(op: AnyOp) -> AnyOp:
        if op.name == "func.func":
            return ir.WalkResult.ADVANCE
        found.append(op)
        return ir.WalkResult.SKIP if op.name.startswith("linalg.") else ir.WalkResult.ADVANCE

    func.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def function_work(ops: list[AnyOp]) -> int:
    """The work of the generics among `ops` (form-virtual-threads' measure), each times the static trip
    counts of the scf.for loops around it."""
    total = 0
    for op in ops:
        ranges = L.loop_ranges(op) if L.is_generic(op) else None
        if not ranges:
            continue
        work = body_op_count(op)
        for r in ranges:
            work *= r
        parent = op.parent
        while parent is not None and parent.name != "func.func":
            if parent.name == "scf.for":
                work *= _trip_count(parent) or 1
            parent = parent.parent
        total += work // 2
    return total


def _trip_count(loop: AnyOp) -> int | None:
    bounds = []
    for v in list(loop.operands)[:3]:
        owner = v.owner
        if isinstance(owner, ir.Block) or owner.name != "arith.constant":
            return None
        bounds.append(int(ir.IntegerAttr(owner.attributes["value"]).value))
    lb, ub, step = bounds
    return max(0, -(-(ub - lb) // step)) if step > 0 else None


def _uses_dim(expr: AnyValue, dim: int, n_dims: int) -> bool:
    """Whether the affine expression changes when loop `dim` is replaced by 0 (it reads that loop)."""
    subs = [ir.AffineConstantExpr.get(0) if i == dim else ir.AffineDimExpr.get(i) for i in range(n_dims)]
    return bool(expr.compose(ir.AffineMap.get(n_dims, 0, subs)) != expr)


def untie_shared_inits(func: AnyOp) -> None:
    """Give every use of a tensor.empty, and of a linalg.fill into one, its own copy: CSE merges equal
    empties and fills, and a merged one can be row-indexed for one user and row-invariant for another."""
    for op in walk_ops(func, lambda o: o.name == "linalg.fill" and L.has_tensor_semantics(o)):
        init = L.defining_op(op.operands[1])
        if init is None or init.name != "tensor.empty":
            continue
        _clone_per_use(op)
    for op in walk_ops(func, lambda o: o.name == "tensor.empty"):
        _clone_per_use(op)


def _clone_per_use(op: AnyOp) -> None:
    uses = [(u.owner, u.operand_number) for u in op.results[0].uses]
    for owner, index in uses[1:]:
        # the copy goes right before its user's outermost ancestor in op's block, so that it dominates it
        anchor = owner
        while anchor.parent is not None and anchor.parent != op.parent:
            anchor = anchor.parent
        with ir.InsertionPoint(anchor if anchor.parent == op.parent else owner):
            copy = op.clone()
        owner.operands[index] = copy.results[0]


@dataclass(frozen=True)
class FormRowThreads(Pass):
    """Wrap a kernel function's body in an scf.forall over blocks of rows, when every op is row-parallel."""

    # Refusals are not errors: the function is left as it was.

    name: ClassVar[str] = "form-row-threads"
    scope: ClassVar[str] = "func.func"

    num_threads: int = option(
        4,
        "blocks of rows (threads) per program; the largest divisor of the row count not above it is used",
        min=1,
        max=128,
    )
    min_rows: int = option(1, "rows per thread at least (fewer threads when the block would be smaller)", min=1)
    max_rows: int = option(
        0,
        "rows per block at most (0: no limit): more blocks than threads when a program has "
        "more rows, so that each block's scores and accumulator stay in cache as N_CTX grows; "
        "with num-threads=1 the blocks run one after another (scf-forall-to-for)",
        min=0,
    )
    # The same measure and default as form-virtual-threads: below it a task costs more than it saves.
    min_work: int = option(
        65536,
        "thread a function only if its generics' loop-range products x body ops / 2, "
        "times the trip counts of the loops around them, reach this",
        min=0,
    )
    strict: bool = option(
        False,
        "fail, naming the op and the reason, when a function cannot be threaded by rows (default: leave it alone)",
    )

    def threads_for(self, rows: int) -> int:
        for t in range(min(self.num_threads, rows // self.min_rows), 1, -1):
            if rows % t == 0:
                return t
        return 1

    def blocks_for(self, rows: int) -> int:
        """Row blocks: threads_for(rows), or the fewest multiple of it whose blocks have at most max-rows rows."""
        t = self.threads_for(rows)
        if self.max_rows and rows // t > self.max_rows:
            for b in range(t, rows + 1, t):
                if rows % b == 0 and rows // b <= self.max_rows:
                    return b
        return t

    def run_on_function(self, func: AnyOp) -> None:
        if (self.num_threads == 1 and not self.max_rows) or not func.regions[0].blocks:
            return
        work = func.operation.clone(ir.InsertionPoint(func))
        try:
            untie_shared_inits(work)
            analysis = RowAnalysis(work)
            analysis.run()
            rows = analysis.rows or 0
            if function_work(analysis.ops) < self.min_work:
                raise Refusal(f"too little work to pay for threads (min-work {self.min_work})", work)
            threads = self.blocks_for(rows)
            if threads == 1:
                raise Refusal(
                    f"{rows} rows cannot be split into blocks of at least {self.min_rows}"
                    + (f" and at most {self.max_rows}" if self.max_rows else ""),
                    work,
                )
            body = work.regions[0].blocks[0]
            ret = body.operations[len(body.operations) - 1]
            if len(ret.operands):
                raise Refusal("the function returns values (only kernels that store their results are threaded)", ret)
        except Refusal as e:
            where = _At(e.op.location)  # the clone's ops are erased below; their locations are the original's
            work.erase()
            if self.strict:
                raise PassFailure(f"cannot thread by rows: {e}", where, unsupported=True) from None
            return
        with work.location:
            distribute(work, analysis, rows // threads)
        func.operation.erase()


def distribute(func: AnyOp, analysis: RowAnalysis, block: int) -> None:
    """Wrap `func`'s body in the forall over row blocks of `block` rows and retype its row values."""
    rows = analysis.rows or 0
    body = func.regions[0].blocks[0]
    ops = list(body.operations)
    with ops[0].location, ir.InsertionPoint(ops[0]):
        forall = scf.ForallOp([0], [rows], [block])
        terminator = forall.terminator()
    row = forall.induction_variables[0]
    for op in ops[:-1]:
        op.move_before(terminator)
    dynamic = ir.ShapedType.get_dynamic_size()
    # Row inputs: read the thread's block through a slice.
    for value, p in list(analysis.pos.items()):
        owner = value.owner
        if isinstance(owner, ir.Block) or owner.name not in _SLICE_SOURCES:
            continue
        shape = _shape(value)
        sizes = list(shape)
        sizes[p] = block
        offsets = [0] * len(shape)
        offsets[p] = dynamic
        rtype = ir.RankedTensorType.get(sizes, ir.RankedTensorType(value.type).element_type)
        with owner.location, ir.InsertionPoint.after(owner):
            sl = tensor.ExtractSliceOp(rtype, value, [row], [], [], offsets, sizes, [1] * len(shape))
        value.replace_all_uses_except(sl.result, sl.operation)
        del analysis.pos[value]
    # Everything else row-indexed: the block's shape, in place.
    for value, p in analysis.pos.items():
        t = ir.RankedTensorType(value.type)
        shape = list(t.shape)
        shape[p] = block
        value.set_type(ir.RankedTensorType.get(shape, t.element_type, t.encoding))
    for op in walk_ops(forall, lambda o: o.name == "tensor.expand_shape"):
        if op.results[0] in analysis.pos:
            op.attributes["static_output_shape"] = ir.DenseI64ArrayAttr.get(_shape(op.results[0]))
    # Results: store the block through a subview of the destination.
    for store in analysis.stores:
        dest = store.operands[1]
        mtype = ir.MemRefType(dest.type)
        shape = list(mtype.shape)
        sizes = [block] + shape[1:]
        with store.location, ir.InsertionPoint(store):
            view = memref.subview(
                dest, [row] + [0] * (len(shape) - 1), sizes, [1] * len(shape), result_type=_subview_type(mtype, sizes)
            )
        store.operands[1] = view


def _subview_type(mtype: AnyOp, sizes: list[int]) -> AnyOp:
    """The type of a unit-stride subview of `mtype` with `sizes` at a dynamic offset."""
    strides, _offset = mtype.get_strides_and_offset()
    layout = ir.StridedLayoutAttr.get(ir.ShapedType.get_dynamic_size(), list(strides))
    return ir.MemRefType.get(sizes, mtype.element_type, layout, mtype.memory_space)
