"""vectorize-memref-copies: copies and fills of memrefs (static or runtime sizes) as HVX vector loops.

The triton-shared form of a masked load or store is a copy of a box whose size is only known at run time
(`n - pid * BLOCK` elements, clamped): `linalg.copy` / a copying `linalg.generic` between subviews, after a
`linalg.fill` of the buffer with the `other` value; bufferization adds `memref.copy` ops (a strided one calls
the generic element-by-element `memrefCopy`). Upstream lowers
them to scalar loops (convert-linalg-to-loops), which LLVM then turns into `memcpy` calls (one per row of a
2-D box) or leaves scalar (a fill with 1.0, a copy with a conversion); on Hexagon musl's `memcpy` is a scalar
byte/word loop that also reads past the end of its source (it faults on a page that ends a buffer).

Upstream's masked vectorization (`transform.structured.vectorize` with vector sizes) does not fit either: a
masked tail becomes `llvm.masked.load`, which Hexagon implements as an unaligned `vmemu` of the whole 128
bytes, so a tail that starts unaligned near the end of a buffer reads the next 128-byte block, which may be
the next (unmapped) page.

So each copy/fill whose operands have a unit innermost stride becomes, per row:
- full vectors (`vector.load`/`vector.store`, vector-bytes each) over [0, n - n % lanes);
- when n % lanes != 0 and n >= lanes, one more full vector over [n - lanes, n), which overlaps the last full
  one: a copy or a fill writes the same values twice, and every access stays inside the row (peeling
  without masks);
- when n < lanes, a scalar loop over the n elements.
A copy may convert its element type on the way (arith.extf/truncf/...): the vectors then have the lanes of
the narrower type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from hexopt.ir import AnyOp, AnyValue, arith, ir, memref, scf, vector, walk_ops

from . import _linalg as L
from .base import Pass, option, power_of_two

#: Element-wise conversions a copying generic may apply to its input.
_CASTS = {
    "arith.extf",
    "arith.truncf",
    "arith.sitofp",
    "arith.uitofp",
    "arith.fptosi",
    "arith.fptoui",
    "arith.extsi",
    "arith.extui",
    "arith.trunci",
    "arith.bitcast",
}


@dataclass(frozen=True)
class _Copy:
    """What one op does: read `source` (None for a fill of `value`) into `dest`, converting with `cast`."""

    dest: AnyValue
    source: AnyValue | None = None
    value: AnyValue | None = None
    cast: AnyOp | None = None


def _unit_innermost_stride(t: Any) -> bool:
    if not isinstance(t, ir.MemRefType) or t.rank == 0:
        return False
    strides, _offset = t.get_strides_and_offset()
    return bool(strides[-1] == 1)


def _contiguous(t: Any) -> bool:
    """A static memref whose strides are the row-major ones of its shape (its copy is one memcpy)."""
    if not isinstance(t, ir.MemRefType):
        return False
    shape = list(t.shape)
    if any(d == ir.ShapedType.get_dynamic_size() for d in shape):
        return False
    strides, _offset = t.get_strides_and_offset()
    expected, step = [], 1
    for d in reversed(shape):
        expected.append(step)
        step *= d
    return list(strides) == list(reversed(expected))


def _element_bits(t: Any) -> int | None:
    if isinstance(t, (ir.FloatType, ir.IntegerType)) and t.width >= 8:
        return int(t.width)
    return None


def plan(op: AnyOp) -> _Copy | None:
    """The copy or fill `op` performs, if this pass handles it."""
    name = op.name
    if name == "memref.copy":
        source, dest = op.operands[0], op.operands[1]
        return _Copy(dest, source=source) if source.type.element_type == dest.type.element_type else None
    if name == "linalg.fill":
        if len(op.results) or len(op.operands) != 2 or isinstance(op.operands[0].type, ir.ShapedType):
            return None
        return _Copy(op.operands[1], value=op.operands[0])
    if name not in ("linalg.copy", "linalg.generic") or len(op.results) or len(op.operands) != 2:
        return None
    source, dest = op.operands[0], op.operands[1]
    if not isinstance(source.type, ir.MemRefType) or source.type.rank != dest.type.rank:
        return None
    if name == "linalg.generic" and (
        not L.all_parallel(op) or any(m != ir.AffineMap.get_identity(m.n_dims) for m in L.indexing_maps(op))
    ):
        return None
    ops = L.body_ops(op)
    block = L.body(op)
    yielded = ops[-1].operands[0] if len(ops[-1].operands) == 1 else None
    if len(ops) == 1 and yielded == block.arguments[0]:
        return _Copy(dest, source=source) if source.type.element_type == dest.type.element_type else None
    if (
        name == "linalg.generic"
        and len(ops) == 2
        and ops[0].name in _CASTS
        and yielded == ops[0].results[0]
        and list(ops[0].operands) == [block.arguments[0]]
    ):
        return _Copy(dest, source=source, cast=ops[0])
    return None


@dataclass(frozen=True)
class VectorizeMemrefCopies(Pass):
    """Rewrite memref copies and fills with a unit innermost stride into loops of full HVX vectors (see module)."""

    name: ClassVar[str] = "vectorize-memref-copies"
    scope: ClassVar[str] = "builtin.module"

    vector_bytes: int = option(
        128,
        "HVX vector length in bytes: lanes = vector-bytes / the narrower element size",
        min=8,
        max=256,
        check=power_of_two,
    )
    memref_copy: Literal["none", "strided", "all"] = option(
        "strided",
        "which memref.copy ops (bufferization's copies) to rewrite: none; strided (those between "
        "non-contiguous buffers, which otherwise call the generic element-by-element memrefCopy); all (also the "
        "contiguous ones, which LLVM otherwise makes memcpy calls: compiler-rt's aligned one when sizes allow)",
        choices=("none", "strided", "all"),
    )

    def rewrites_memref_copy(self, op: AnyOp) -> bool:
        if self.memref_copy == "strided":
            return not all(_contiguous(v.type) for v in op.operands)
        return self.memref_copy == "all"

    def apply(self, module: AnyOp) -> None:
        names = ("memref.copy", "linalg.fill", "linalg.copy", "linalg.generic")
        for op in walk_ops(module, lambda o: o.name in names):
            copy = plan(op)
            if copy is None or (op.name == "memref.copy" and not self.rewrites_memref_copy(op)):
                continue
            operands = [copy.dest] + ([copy.source] if copy.source is not None else [])
            if not all(_unit_innermost_stride(v.type) for v in operands):
                continue
            bits = [_element_bits(v.type.element_type) for v in operands]
            if any(b is None for b in bits):
                continue
            lanes = self.vector_bytes * 8 // min(b for b in bits if b is not None)
            if lanes < 2:
                continue
            with ir.InsertionPoint(op), op.location:
                _emit(copy, lanes)
            _no_builtins(op)
            op.erase()


def _emit(copy: _Copy, lanes: int) -> None:
    dest = copy.dest
    rank = dest.type.rank
    index = ir.IndexType.get()

    def const(v: int) -> AnyValue:
        return arith.ConstantOp(index, v).result

    def dim(d: int) -> AnyValue:
        size = dest.type.shape[d]
        return const(size) if size != ir.ShapedType.get_dynamic_size() else memref.dim(dest, const(d))

    def nest(d: int, outer: list[AnyValue]) -> None:
        if d == rank - 1:
            _row(copy, outer, dim(d), dest.type.shape[d], lanes, const)
            return
        loop = scf.ForOp(const(0), dim(d), const(1))
        with ir.InsertionPoint(loop.body):
            nest(d + 1, [*outer, loop.induction_variable])
            scf.YieldOp([])

    nest(0, [])


def _row(copy: _Copy, outer: list[AnyValue], n: AnyValue, static_n: int, lanes: int, const: Any) -> None:
    """Copy (or fill) one row of n elements at `outer` (see the module docstring)."""
    dynamic = static_n == ir.ShapedType.get_dynamic_size()
    if not dynamic and static_n < lanes:
        _scalar_loop(copy, outer, const(0), n, const)
        return
    c_lanes = const(lanes)
    rest = arith.RemUIOp(n, c_lanes).result
    full = arith.SubIOp(n, rest).result

    def vector_part() -> None:
        loop = scf.ForOp(const(0), full, c_lanes)
        with ir.InsertionPoint(loop.body):
            _vector_at(copy, outer, loop.induction_variable, lanes)
            scf.YieldOp([])
        if dynamic or static_n % lanes:
            has_tail = arith.CmpIOp(arith.CmpIPredicate.ne, rest, const(0)).result
            tail = scf.IfOp(has_tail)
            with ir.InsertionPoint(tail.then_block):
                _vector_at(copy, outer, arith.SubIOp(n, c_lanes).result, lanes)
                scf.YieldOp([])

    if not dynamic:
        vector_part()
        return
    wide = arith.CmpIOp(arith.CmpIPredicate.uge, n, c_lanes).result
    branch = scf.IfOp(wide, has_else=True)
    with ir.InsertionPoint(branch.then_block):
        vector_part()
        scf.YieldOp([])
    with ir.InsertionPoint(branch.else_block):
        _scalar_loop(copy, outer, const(0), n, const)
        scf.YieldOp([])


def _convert(copy: _Copy, value: AnyValue, result_type: Any) -> AnyValue:
    if copy.cast is None:
        return value
    attrs = {name: copy.cast.attributes[name] for name in copy.cast.attributes}
    return ir.Operation.create(copy.cast.name, results=[result_type], operands=[value], attributes=attrs).results[0]


def _vector_at(copy: _Copy, outer: list[AnyValue], j: AnyValue, lanes: int) -> None:
    dest = copy.dest
    vtype = ir.VectorType.get([lanes], dest.type.element_type)
    indices = [*outer, j]
    if copy.source is None:
        v = vector.broadcast(vtype, copy.value)
    else:
        src_type = ir.VectorType.get([lanes], copy.source.type.element_type)
        v = _convert(copy, vector.load(src_type, copy.source, indices), vtype)
    vector.store(v, dest, indices)


def _scalar_loop(copy: _Copy, outer: list[AnyValue], lo: AnyValue, hi: AnyValue, const: Any) -> None:
    loop = scf.ForOp(lo, hi, const(1))
    with ir.InsertionPoint(loop.body):
        indices = [*outer, loop.induction_variable]
        if copy.source is None:
            v = copy.value
        else:
            v = _convert(copy, memref.load(copy.source, indices), copy.dest.type.element_type)
        memref.store(v, copy.dest, indices)
        scf.YieldOp([])


def _no_builtins(op: AnyOp) -> None:
    """Mark the function holding `op` `no-builtins` (LLVM): LLVM's loop-idiom recognition would turn the
    scalar loops of short rows back into memcpy/memset calls, whose musl implementation reads past the end
    of a short source (it faults on a buffer that ends a page)."""
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        parent = parent.parent
    if parent is None:
        return
    attrs = parent.attributes
    items = list(ir.ArrayAttr(attrs["passthrough"])) if "passthrough" in attrs else []
    if any(str(a) == '"no-builtins"' for a in items):
        return
    attrs["passthrough"] = ir.ArrayAttr.get([*items, ir.StringAttr.get("no-builtins")])
