"""reconcile-index-casts: join the i32 and i64 views of `index` that different LLVM conversions leave.

`convert-async-to-llvm` converts `index` to i64 whatever the index width (the async runtime
takes int64_t sizes), while the other conversions use 32 bits on Hexagon. The value then flows
through `unrealized_conversion_cast iN -> index -> iM`, which `reconcile-unrealized-casts`
cannot remove. An index is a signed integer (`arith.index_cast` sign-extends), so the pair is
`llvm.sext` (N < M) or `llvm.trunc` (N > M).

The reference ABI (`abi=reference` with a 32-bit index inside) leaves the same pair around memref
descriptors: `convert-func-to-llvm` with a 64-bit index gives the function's arguments, results and
calls `!llvm.struct<(ptr, ptr, i64, array<R x i64>, ...)>` (or `struct<(i64, ptr)>` for an unranked
memref), the memref conversion inside the body the same struct with i32. Such a pair is rebuilt
field by field (extractvalue, sext/trunc, insertvalue). Only the values change width: the memory an
unranked descriptor points to keeps the caller's layout, which is why `reference-abi` first checks
that the body reads nothing but its two pointers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from hexopt.ir import AnyOp, AnyType, apply_rewrites, ir, llvm

from .base import Pass

_CAST = "builtin.unrealized_conversion_cast"


def _int_width(t: AnyType) -> int | None:
    return t.width if isinstance(t, ir.IntegerType) else None


_ARRAY = re.compile(r"^!llvm\.array<(\d+) x (i\d+)>$")


def _fields(t: AnyType) -> list[AnyType] | None:
    """The field types of an LLVM struct type, or None."""
    return list(llvm.StructType(t).body) if isinstance(t, llvm.StructType) else None


def _array(t: AnyType) -> tuple[int, int] | None:
    """(length, element width) of `!llvm.array<N x iK>`, or None."""
    m = _ARRAY.match(str(t))
    return (int(m.group(1)), int(m.group(2)[1:])) if m else None


def _convertible(src: AnyType, dst: AnyType) -> bool:
    """Whether `src` becomes `dst` by changing integer widths only (fields of structs, elements of arrays)."""
    if src == dst or (_int_width(src) and _int_width(dst)):
        return True
    a, b = _array(src), _array(dst)
    if a and b:
        return a[0] == b[0]
    fs, fd = _fields(src), _fields(dst)
    return fs is not None and fd is not None and len(fs) == len(fd) and all(map(_convertible, fs, fd))


def _resize(value: AnyOp, dst: AnyType) -> AnyOp:
    """`value` as type `dst` (same shape, other integer widths): sext/trunc, field by field."""
    src = value.type
    if src == dst:
        return value
    n, m = _int_width(src), _int_width(dst)
    if n and m:
        if n < m:
            return llvm.SExtOp(dst, value).result
        return llvm.TruncOp(dst, value, ir.Attribute.parse("#llvm.overflow<none>")).result
    array = _array(src)
    if array:
        width = _array(dst)[1]  # type: ignore[index]
        parts = [(i, ir.IntegerType.get_signless(width)) for i in range(array[0])]
    else:
        parts = list(enumerate(_fields(dst) or []))
    out = llvm.UndefOp(dst).result
    for i, field_type in parts:
        src_field = (ir.IntegerType.get_signless(array[1]) if array else (_fields(src) or [])[i])
        field = llvm.ExtractValueOp(src_field, value, [i]).result
        out = llvm.InsertValueOp(out, _resize(field, field_type), [i]).result
    return out


def _descriptor_pair(src: AnyType, dst: AnyType) -> bool:
    """Two LLVM structs of one memref descriptor that differ in integer widths only."""
    return _fields(src) is not None and _fields(dst) is not None and _convertible(src, dst)


def reconcile(op: AnyOp, rewriter: AnyOp) -> bool | None:
    """Pattern on the outer cast of `iN -> index -> iM` (mlir.rewrite convention: True = no match)."""
    op = op.operation
    if len(op.operands) != 1 or len(op.results) != 1:
        return True
    mid = op.operands[0]
    if isinstance(mid.owner, ir.Block):
        return True
    inner = mid.owner.operation
    if inner.name != _CAST or len(inner.operands) != 1 or len(inner.results) != 1:
        return True
    src = inner.operands[0]
    dst = op.results[0].type
    if isinstance(mid.type, ir.IndexType):
        if _int_width(src.type) is None or _int_width(dst) is None:
            return True
    elif not isinstance(mid.type, (ir.MemRefType, ir.UnrankedMemRefType)) or not _descriptor_pair(src.type, dst):
        return True
    with rewriter.ip, op.location:
        new = _resize(src, dst)
    rewriter.replace_op(op, [new])  # the inner cast, if now unused, is erased as trivially dead
    return None


@dataclass(frozen=True)
class ReconcileIndexCasts(Pass):
    """Replace unrealized_conversion_cast chains iN -> index -> iM (and memref descriptors of two index widths)
    with llvm.sext/llvm.trunc (or nothing)."""

    name: ClassVar[str] = "reconcile-index-casts"
    scope: ClassVar[str] = "builtin.module"

    def apply(self, module: AnyOp) -> None:
        apply_rewrites(module, {_CAST: reconcile})
