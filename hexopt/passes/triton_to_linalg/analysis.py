"""Pointer and mask analysis: the structure of Triton's pointer and mask tensors, as index arithmetic.

A Triton kernel addresses memory with tensors of pointers built from `tl.arange`, splats, broadcasts and
integer arithmetic. When every offset is affine in the element's position,

    offset[i0, ..., in] = const + sum_d coeff_d * i_d      (const, coeff_d: index values)

the tensor is one strided block of memory: a `memref.reinterpret_cast` of the base pointer with offset
`const`, the block's shape as sizes and `coeff_d` as strides (this is what triton-shared's pointer
analysis computes). Likewise a mask built from comparisons of such offsets with bounds, and-ed
together, is a box `lo_d <= i_d < hi_d` per dimension, which becomes a subview (triton-shared's mask
analysis). `Affine`, `Ptr`, `BlockPtr` and `Mask` hold those facts; `IndexMath` emits the index
arithmetic (folding what is known statically) at the current insertion point.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from hexopt.ir import arith, ir

#: A static index (Python int) or an SSA value of integer or index type.
Expr = int | Any


def same(a: Expr, b: Expr) -> bool:
    """Whether two expressions are known to be equal (same int or same SSA value)."""
    if isinstance(a, int) or isinstance(b, int):
        return isinstance(a, int) and isinstance(b, int) and a == b
    return a == b


class IndexMath:
    """Index arithmetic at the current insertion point and location; ints are folded."""

    def __init__(self) -> None:
        self.index = ir.IndexType.get()

    def const_of(self, v: Any) -> Expr:
        """An SSA integer scalar as an Expr: the int if it is an arith.constant, else the value itself."""
        owner = v.owner
        if isinstance(owner, (ir.OpView, ir.Operation)):
            op = owner.operation if isinstance(owner, ir.OpView) else owner
            if op.name == "arith.constant" and isinstance(v.type, (ir.IntegerType, ir.IndexType)):
                return ir.IntegerAttr(op.attributes["value"]).value
        return v

    def value(self, e: Expr) -> Any:
        """`e` as an SSA value of index type."""
        if isinstance(e, int):
            return arith.ConstantOp(self.index, e).result
        if isinstance(e.type, ir.IndexType):
            return e
        src = e
        # index_cast sign-extends, so the i32 -> i64 extension Triton inserts is redundant.
        while isinstance(src.owner, ir.OpView) and src.owner.operation.name == "arith.extsi":
            src = src.owner.operation.operands[0]
        return arith.IndexCastOp(self.index, src).result

    def add(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, int) and isinstance(b, int):
            return a + b
        if isinstance(a, int) and a == 0:
            return b
        if isinstance(b, int) and b == 0:
            return a
        return arith.AddIOp(self.value(a), self.value(b)).result

    def sub(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, int) and isinstance(b, int):
            return a - b
        if isinstance(b, int) and b == 0:
            return a
        return arith.SubIOp(self.value(a), self.value(b)).result

    def mul(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, int) and isinstance(b, int):
            return a * b
        if (isinstance(a, int) and a == 0) or (isinstance(b, int) and b == 0):
            return 0
        if isinstance(a, int) and a == 1:
            return b
        if isinstance(b, int) and b == 1:
            return a
        return arith.MulIOp(self.value(a), self.value(b)).result

    def neg(self, a: Expr) -> Expr:
        return self.sub(0, a)

    def min(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, int) and isinstance(b, int):
            return min(a, b)
        if same(a, b):
            return a
        return arith.MinSIOp(self.value(a), self.value(b)).result

    def max(self, a: Expr, b: Expr) -> Expr:
        if isinstance(a, int) and isinstance(b, int):
            return max(a, b)
        if same(a, b):
            return a
        return arith.MaxSIOp(self.value(a), self.value(b)).result

    def binary(self, name: str, a: Expr, b: Expr) -> Expr | None:
        """A scalar integer op of Triton's arithmetic on two expressions (None if unknown)."""
        if name == "arith.addi":
            return self.add(a, b)
        if name == "arith.subi":
            return self.sub(a, b)
        if name == "arith.muli":
            return self.mul(a, b)
        if isinstance(a, int) and isinstance(b, int):
            if name == "arith.divsi" and b != 0:
                q = abs(a) // abs(b)
                return q if (a >= 0) == (b >= 0) else -q
            if name == "arith.remsi" and b != 0:
                return a - b * int(a / b)
            if name == "arith.shli":
                return a << b
            return None
        ops = {
            "arith.divsi": arith.DivSIOp,
            "arith.remsi": arith.RemSIOp,
            "arith.shli": arith.ShLIOp,
            "arith.divui": arith.DivUIOp,
            "arith.remui": arith.RemUIOp,
        }
        if name in ops:
            return ops[name](self.value(a), self.value(b)).result
        return None

    def select(self, cond: Any, a: Expr, b: Expr) -> Expr:
        return arith.SelectOp(cond, self.value(a), self.value(b)).result

    def cmp(self, predicate: int, a: Expr, b: Expr) -> Any:
        return arith.CmpIOp(predicate, self.value(a), self.value(b)).result


# arith.cmpi predicates (arith::CmpIPredicate)
EQ, NE, SLT, SLE, SGT, SGE, ULT, ULE, UGT, UGE = range(10)
_SWAPPED = {EQ: EQ, NE: NE, SLT: SGT, SLE: SGE, SGT: SLT, SGE: SLE, ULT: UGT, ULE: UGE, UGT: ULT, UGE: ULE}


@dataclass(frozen=True)
class Affine:
    """An integer tensor (or scalar, shape ()) whose element at i is const + sum_d coeffs[d] * i[d].

    Size-1 dimensions always have coefficient 0 (their index is always 0)."""

    shape: tuple[int, ...]
    const: Expr
    coeffs: tuple[Expr, ...]

    @staticmethod
    def uniform(shape: tuple[int, ...], const: Expr) -> Affine:
        return Affine(tuple(shape), const, tuple(0 for _ in shape))

    @staticmethod
    def arange(start: int, end: int) -> Affine:
        return Affine((end - start,), start, (1 if end - start > 1 else 0,))

    @property
    def is_uniform(self) -> bool:
        return all(isinstance(c, int) and c == 0 for c in self.coeffs)

    def add(self, m: IndexMath, other: Affine) -> Affine:
        return Affine(
            self.shape,
            m.add(self.const, other.const),
            tuple(m.add(a, b) for a, b in zip(self.coeffs, other.coeffs, strict=True)),
        )

    def sub(self, m: IndexMath, other: Affine) -> Affine:
        return Affine(
            self.shape,
            m.sub(self.const, other.const),
            tuple(m.sub(a, b) for a, b in zip(self.coeffs, other.coeffs, strict=True)),
        )

    def scale(self, m: IndexMath, factor: Expr) -> Affine:
        return Affine(self.shape, m.mul(self.const, factor), tuple(m.mul(c, factor) for c in self.coeffs))

    def with_shape(self, shape: tuple[int, ...]) -> Affine:
        return Affine.uniform(shape, self.const) if self.is_uniform else replace(self, shape=tuple(shape))

    def expand_dims(self, axis: int) -> Affine:
        return Affine(
            self.shape[:axis] + (1,) + self.shape[axis:], self.const, self.coeffs[:axis] + (0,) + self.coeffs[axis:]
        )

    def broadcast(self, shape: tuple[int, ...]) -> Affine:
        return Affine(tuple(shape), self.const, self.coeffs)

    def permute(self, order: list[int]) -> Affine:
        return Affine(tuple(self.shape[p] for p in order), self.const, tuple(self.coeffs[p] for p in order))

    def reshape(self, shape: tuple[int, ...]) -> Affine | None:
        """Only reshapes that add or drop unit dimensions keep the form (others: None)."""
        if self.is_uniform:
            return Affine.uniform(tuple(shape), self.const)
        kept = [(s, c) for s, c in zip(self.shape, self.coeffs, strict=True) if s != 1]
        if [s for s, _ in kept] != [s for s in shape if s != 1]:
            return None
        it = iter(c for _, c in kept)
        return Affine(tuple(shape), self.const, tuple(0 if s == 1 else next(it) for s in shape))


@dataclass(frozen=True)
class Ptr:
    """A (tensor of) pointer(s) into the kernel argument `base` (memref<*xT>): base + offset."""

    base: Any
    elem: Any
    offset: Affine

    @property
    def shape(self) -> tuple[int, ...]:
        return self.offset.shape


@dataclass(frozen=True)
class BlockPtr:
    """A block pointer (tt.make_tensor_ptr): the tensor's bounds and strides, the block's offsets and shape."""

    base: Any
    elem: Any
    bounds: tuple[Expr, ...]
    strides: tuple[Expr, ...]
    offsets: tuple[Expr, ...]
    block: tuple[int, ...]
    base_offset: Expr = 0  # a scalar offset the base pointer already had (tl.make_block_ptr(base=X + off))

    def as_ptr(self, m: IndexMath) -> Ptr:
        const: Expr = self.base_offset
        for o, s in zip(self.offsets, self.strides, strict=True):
            const = m.add(const, m.mul(o, s))
        coeffs = tuple(0 if b == 1 else s for b, s in zip(self.block, self.strides, strict=True))
        return Ptr(self.base, self.elem, Affine(self.block, const, coeffs))

    def advance(self, m: IndexMath, deltas: list[Expr]) -> BlockPtr:
        return replace(self, offsets=tuple(m.add(o, d) for o, d in zip(self.offsets, deltas, strict=True)))

    def boundary_mask(self, m: IndexMath, dims: list[int]) -> Mask:
        lo: list[Expr] = [0] * len(self.block)
        hi: list[Expr] = list(self.block)
        for d in dims:
            lo[d] = m.neg(self.offsets[d])
            hi[d] = m.sub(self.bounds[d], self.offsets[d])
        return Mask(self.block, tuple(lo), tuple(hi))


@dataclass(frozen=True)
class Mask:
    """A boolean tensor that is true exactly on the box lo[d] <= i[d] < hi[d]."""

    shape: tuple[int, ...]
    lo: tuple[Expr, ...]
    hi: tuple[Expr, ...]

    @staticmethod
    def full(shape: tuple[int, ...]) -> Mask:
        return Mask(tuple(shape), tuple(0 for _ in shape), tuple(shape))

    @staticmethod
    def when(m: IndexMath, shape: tuple[int, ...], cond: Any) -> Mask:
        """All true if the scalar i1 `cond` holds, all false otherwise."""
        if not shape:
            raise ValueError("a mask needs a shape")
        hi = (m.select(cond, shape[0], 0),) + tuple(shape[1:])
        return Mask(tuple(shape), tuple(0 for _ in shape), hi)

    def intersect(self, m: IndexMath, other: Mask) -> Mask:
        def lo(a: Expr, b: Expr) -> Expr:  # a bound of 0 or below bounds nothing
            return b if isinstance(a, int) and a <= 0 else a if isinstance(b, int) and b <= 0 else m.max(a, b)

        def hi(a: Expr, b: Expr, n: int) -> Expr:  # nor does one at or past the end
            return b if isinstance(a, int) and a >= n else a if isinstance(b, int) and b >= n else m.min(a, b)

        return Mask(
            self.shape,
            tuple(lo(a, b) for a, b in zip(self.lo, other.lo, strict=True)),
            tuple(hi(a, b, n) for a, b, n in zip(self.hi, other.hi, self.shape, strict=True)),
        )

    def expand_dims(self, axis: int) -> Mask:
        return Mask(
            self.shape[:axis] + (1,) + self.shape[axis:],
            self.lo[:axis] + (0,) + self.lo[axis:],
            self.hi[:axis] + (1,) + self.hi[axis:],
        )

    def broadcast(self, m: IndexMath, shape: tuple[int, ...]) -> Mask:
        lo, hi = list(self.lo), list(self.hi)
        for d, (old, new) in enumerate(zip(self.shape, shape, strict=True)):
            if old == 1 and new != 1:
                if isinstance(lo[d], int) and isinstance(hi[d], int):
                    hi[d] = new if lo[d] <= 0 < hi[d] else 0
                else:  # index 0 valid (lo <= 0 < hi) decides the whole broadcast dimension
                    ok = arith.AndIOp(m.cmp(SLE, lo[d], 0), m.cmp(SGT, hi[d], 0)).result
                    hi[d] = m.select(ok, new, 0)
                lo[d] = 0
        return Mask(tuple(shape), tuple(lo), tuple(hi))

    def box(self, m: IndexMath) -> tuple[list[Expr], list[Expr]]:
        """(offsets, sizes) of the valid box, clamped to the tensor."""
        offsets, sizes = [], []
        for lo, hi, n in zip(self.lo, self.hi, self.shape, strict=True):
            start = m.max(lo, 0) if not (isinstance(lo, int) and lo <= 0) else 0
            end = m.min(hi, n) if not (isinstance(hi, int) and hi >= n) else n
            size = m.max(m.sub(end, start), 0)
            offsets.append(start)
            sizes.append(size)
        return offsets, sizes

    def is_full(self) -> bool:
        return all(isinstance(lo, int) and lo <= 0 for lo in self.lo) and all(
            isinstance(hi, int) and hi >= n for hi, n in zip(self.hi, self.shape, strict=True)
        )


def compare(m: IndexMath, predicate: int, lhs: Affine, rhs: Affine) -> Mask | None:
    """The mask of `lhs <predicate> rhs` if it is a box, else None."""
    diff = lhs.sub(m, rhs)  # diff PRED 0
    shape = lhs.shape
    if diff.is_uniform:
        if not shape:
            return None
        cond = m.cmp(predicate, lhs.const, rhs.const)
        return Mask.when(m, shape, cond)
    live = [d for d, c in enumerate(diff.coeffs) if not (isinstance(c, int) and c == 0)]
    if len(live) != 1 or not isinstance(diff.coeffs[live[0]], int) or diff.coeffs[live[0]] not in (1, -1):
        return None
    d = live[0]
    pred = predicate
    # coeff +1: i_d PRED rhs.const - lhs.const;  coeff -1: -i_d + diff.const PRED 0 <=> i_d PRED' diff.const
    if diff.coeffs[d] == 1:
        bound = m.sub(rhs.const, lhs.const)
    else:
        pred = _SWAPPED[pred]
        bound = diff.const
    lo: list[Expr] = [0] * len(shape)
    hi: list[Expr] = list(shape)
    if pred in (SLT, ULT):
        hi[d] = bound
    elif pred in (SLE, ULE):
        hi[d] = m.add(bound, 1)
    elif pred in (SGT, UGT):
        lo[d] = m.add(bound, 1)
    elif pred in (SGE, UGE):
        lo[d] = bound
    else:
        return None
    return Mask(tuple(shape), tuple(lo), tuple(hi))
